/* tests/unit/testdb.h: fresh, empty stores for tests on the backend named
 * by SCHAKEL_TEST_BACKEND (sqlite, the default, or postgresql, which
 * needs SCHAKEL_TEST_PG: the URL of a server to create databases on). */
#ifndef SK_TESTS_TESTDB_H
#define SK_TESTS_TESTDB_H

#include <stdbool.h>
#include <stddef.h>

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

#endif
