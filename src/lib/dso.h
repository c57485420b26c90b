/* lib/dso.h: shared libraries loaded on first use. A process that never
 * speaks PostgreSQL or SMTP (mailgate on SQLite, one process per mail)
 * then does not pay for loading libpq or libcurl and the dozens of
 * libraries they pull in (bench/README.md, bench_mailgate). */
#ifndef SK_LIB_DSO_H
#define SK_LIB_DSO_H

#include <stdbool.h>
#include <stddef.h>

struct sk_error;

/* A function looked up by name into slot, the address of a function
 * pointer seen as void * (as POSIX does for dlsym). */
struct dso_symbol {
	const char *name;
	void **slot;
};

/* Open soname and fill every symbol's slot, once per process: *loaded is
 * set when all were found, and later calls return at once. Thread-safe.
 * 0, or SK_ECONFIG naming the library or the function missing. */
int dso_load(const char *soname, const struct dso_symbol *syms, size_t n, bool *loaded,
	     struct sk_error *err);

#endif
