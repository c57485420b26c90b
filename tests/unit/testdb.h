/* tests/unit/testdb.h: fresh, empty stores for tests on the backend named
 * by SCHAKEL_TEST_BACKEND (sqlite, the default, or postgresql, which
 * needs SCHAKEL_TEST_PG: the URL of a server to create databases on), and
 * the fixtures store tests build on them: organizations, resources, a
 * liaison organization with its members, users. */
#ifndef SK_TESTS_TESTDB_H
#define SK_TESTS_TESTDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/org.h"
#include "model/user.h"

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

/* A fresh store of the backend under test in a new scratch directory
 * (/tmp/schakel-test-NAME-XXXXXX). */
struct testdb {
	char dir[64];
	char url[256];
	struct store *st;
};
/* 0, or -1 (with why on stderr). */
int testdb_open(struct testdb *t, const char *name);
/* Close the store and remove what testdb_open() made. */
void testdb_close(struct testdb *t);

/* Add an organization name of kind (class oes); its id, or 0 (with why
 * on stderr). */
int64_t testdb_org_add(struct store *st, const char *name, enum org_kind kind);

/* A user as the API would hand it to a handler: name, role and, for a
 * partner, its organization. */
struct user testdb_user(const char *name, enum user_role role, int64_t org_id);

/* Add the organization name with kind, class and sector as the CLI
 * spells them ("constituent", "private", "energy/gas"; sector NULL is
 * "none"); returns its id. Fails the running test if the store refuses
 * it. */
int64_t testdb_org_add_as(struct store *st, const char *name, const char *kind,
			  const char *class, const char *sector);

/* Add the resource text ("prefix:198.51.100.0/24", "AS64496", a bare
 * value) to org_id; returns its id. Fails the running test if the store
 * refuses it. */
int64_t testdb_resource_add(struct store *st, int64_t org_id, const char *text);

/* The organizations several store tests start from, all of class class:
 * the liaison organization "Energy Sector CERT" with its members "Example
 * Energy" and "Example Water", and "Other Bank", a member of none. */
struct testdb_sector {
	int64_t liaison, energy, water, bank;
};
/* 0, or -1 (with why on stderr). */
int testdb_sector_add(struct store *st, const char *class, struct testdb_sector *out);

/* One integer from sql on a connection of its own to url; -1 if it
 * returns no row. Fails the running test if the query fails. */
int64_t testdb_sql_int(const char *url, const char *sql);

#endif
