/* tests/unit/testdb.h: fresh, empty stores for tests on the backend named
 * by SCHAKEL_TEST_BACKEND (sqlite, the default, or postgresql, which
 * needs SCHAKEL_TEST_PG: the URL of a server to create databases on), and
 * the fixtures store tests build on them: organizations, resources, a
 * liaison organization with its members. */
#ifndef SK_TESTS_TESTDB_H
#define SK_TESTS_TESTDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

/* "sqlite" or "postgresql". */
const char *testdb_backend(void);
bool testdb_is_sqlite(void);

/* Call first in main(): without a server for the backend, print a TAP
 * skip line and exit 0. */
void testdb_skip_if_unavailable(void);

/* Write into url the URL of a new empty store named name: a file in dir
 * for SQLite, a new database for PostgreSQL. 0 or -1. */
int testdb_new_url(const char *dir, const char *name, char *url, size_t size);

/* Drop the PostgreSQL database that testdb_new_url() made for url, with
 * any connections still open on it; nothing for SQLite (the caller
 * removes its directory). Best effort. */
void testdb_drop_url(const char *url);

/* Remove dir and the files in it (a test's scratch directory). */
void testdb_remove_dir(const char *dir);

/* ---- fixtures ---- */

/* A scratch directory /tmp/schakel-test-NAME-XXXXXX into dir (dir_size
 * bytes), a new empty store named name in it (its URL into url, url_size
 * bytes), opened. NULL, with a line on stderr, if any of it fails. Caller
 * closes with testdb_close(). */
struct store *testdb_open_new(const char *name, char *dir, size_t dir_size, char *url,
			      size_t url_size);

/* Close st (may be NULL), drop the database behind url and remove dir. */
void testdb_close(struct store *st, const char *url, const char *dir);

/* Add the organization name with kind and class as the CLI spells them
 * ("constituent", "private"), in sector "none" or sector; returns its id.
 * Fails the running test if the store refuses it. */
int64_t testdb_add_org(struct store *st, const char *name, const char *kind, const char *class);
int64_t testdb_add_org_in(struct store *st, const char *name, const char *kind,
			  const char *class, const char *sector);

/* Add the resource text ("prefix:198.51.100.0/24", "AS64496", a bare
 * value) to org_id; returns its id. Fails the running test if the store
 * refuses it. */
int64_t testdb_add_resource(struct store *st, int64_t org_id, const char *text);

/* The organizations several store tests start from, all of class class:
 * the liaison organization "Energy Sector CERT" with its members "Example
 * Energy" and "Example Water", and "Other Bank", a member of none. */
struct testdb_sector {
	int64_t liaison, energy, water, bank;
};
/* 0, or -1 with a line on stderr. */
int testdb_add_sector(struct store *st, const char *class, struct testdb_sector *out);

/* One integer from sql on a connection of its own to url; -1 if it
 * returns no row. Fails the running test if the query fails. */
int64_t testdb_sql_int(const char *url, const char *sql);

#endif
