/* advisory/purl.h: package URLs (the purl specification):
 * "pkg:type/namespace/name@version?qualifiers#subpath", each part
 * percent-decoded. Parses outside input: at most PURL_MAX bytes. */
#ifndef SK_ADVISORY_PURL_H
#define SK_ADVISORY_PURL_H

#include <stddef.h>

struct sk_error;

#define PURL_MAX 1024

/* Every part decoded; "" where the purl has none. type is lowercased. */
struct purl {
	char type[33];
	char namespace_[PURL_MAX + 1];
	char name[PURL_MAX + 1];
	char version[PURL_MAX + 1];
	char qualifiers[PURL_MAX + 1]; /* as written: "arch=x86_64&os=linux" */
	char subpath[PURL_MAX + 1];
};

/* Parse a purl. A missing "pkg:" scheme, type or name, a type with
 * characters other than a-z, 0-9, ".", "+" and "-" (or starting with a
 * digit), a bad percent escape, a qualifier without "=": SK_EINVAL saying
 * which. out is written only on success. */
int purl_parse(const char *text, struct purl *out, struct sk_error *err);

#endif
