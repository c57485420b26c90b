/* tests/unit/testdb.c: a new SQLite file or PostgreSQL database per test,
 * and the organizations and resources store tests put in it. */
#include "testdb.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/error.h"
#include "model/org.h"
#include "model/resource.h"
#include "store/db.h"
#include "store/store.h"

const char *testdb_backend(void)
{
	const char *b = getenv("SCHAKEL_TEST_BACKEND");

	return b != NULL && strcmp(b, "postgresql") == 0 ? "postgresql" : "sqlite";
}

bool testdb_is_sqlite(void)
{
	return strcmp(testdb_backend(), "sqlite") == 0;
}

void testdb_skip_if_unavailable(void)
{
	const char *pg = getenv("SCHAKEL_TEST_PG");

	if (!testdb_is_sqlite() && (pg == NULL || *pg == '\0')) {
		printf("1..0 # SKIP no PostgreSQL server (SCHAKEL_TEST_PG is not set)\n");
		exit(0);
	}
}

int testdb_new_url(const char *dir, const char *name, char *url, size_t size)
{
	static unsigned counter;
	const char *server = getenv("SCHAKEL_TEST_PG");
	char db[64], sql[128];
	const char *slash;
	PGconn *conn;
	PGresult *res;
	int n, rc = -1;

	if (testdb_is_sqlite()) {
		n = snprintf(url, size, "sqlite:%s/%s.db", dir, name);
		return n > 0 && (size_t)n < size ? 0 : -1;
	}
	snprintf(db, sizeof(db), "t_%ld_%u_%.20s", (long)getpid(), counter++, name);
	for (char *p = db; *p; p++)
		if (*p == '-' || *p == '.')
			*p = '_';
	snprintf(sql, sizeof(sql), "CREATE DATABASE \"%s\"", db);
	conn = PQconnectdb(server);
	if (PQstatus(conn) != CONNECTION_OK) {
		fprintf(stderr, "testdb: %s", PQerrorMessage(conn));
		PQfinish(conn);
		return -1;
	}
	res = PQexec(conn, sql);
	if (PQresultStatus(res) == PGRES_COMMAND_OK) {
		slash = strrchr(server, '/');
		n = snprintf(url, size, "%.*s/%s", (int)(slash - server), server, db);
		rc = n > 0 && (size_t)n < size ? 0 : -1;
	} else {
		fprintf(stderr, "testdb: %s", PQerrorMessage(conn));
	}
	PQclear(res);
	PQfinish(conn);
	return rc;
}

void testdb_drop_url(const char *url)
{
	const char *server = getenv("SCHAKEL_TEST_PG");
	const char *slash = url ? strrchr(url, '/') : NULL;
	char sql[160];
	size_t len;
	PGconn *conn;

	if (testdb_is_sqlite() || server == NULL || slash == NULL)
		return;
	len = strcspn(slash + 1, "?");
	/* Only names testdb_new_url() made: "t_", letters, digits, "_". */
	if (len < 3 || len > 64 || strncmp(slash + 1, "t_", 2) != 0 ||
	    strspn(slash + 1,
		   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") < len)
		return;
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS \"%.*s\" WITH (FORCE)", (int)len,
		 slash + 1);
	conn = PQconnectdb(server);
	if (PQstatus(conn) == CONNECTION_OK)
		PQclear(PQexec(conn, sql));
	PQfinish(conn);
}

void testdb_remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char file[300];

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(file, sizeof(file), "%s/%s", dir, e->d_name);
		unlink(file);
	}
	closedir(d);
	rmdir(dir);
}

/* ---- fixtures ---- */

struct store *testdb_open_new(const char *name, char *dir, size_t dir_size, char *url,
			      size_t url_size)
{
	struct sk_error err = {0};
	struct store *st;
	int n;

	n = snprintf(dir, dir_size, "/tmp/schakel-test-%s-XXXXXX", name);
	if (n < 0 || (size_t)n >= dir_size || mkdtemp(dir) == NULL) {
		fprintf(stderr, "testdb: no scratch directory for %s\n", name);
		return NULL;
	}
	if (testdb_new_url(dir, name, url, url_size) != 0)
		return NULL;
	st = store_open(url, &err);
	if (st == NULL)
		fprintf(stderr, "store_open: %s\n", err.msg);
	return st;
}

void testdb_close(struct store *st, const char *url, const char *dir)
{
	store_close(st);
	testdb_drop_url(url);
	testdb_remove_dir(dir);
}

int64_t testdb_add_org_in(struct store *st, const char *name, const char *kind,
			  const char *class, const char *sector)
{
	struct sk_error err = {0};
	struct org o;
	int64_t id;

	org_init(&o);
	if (org_set_field(&o, "name", name, &err) != 0 ||
	    org_set_field(&o, "kind", kind, &err) != 0 ||
	    org_set_field(&o, "class", class, &err) != 0 ||
	    org_set_field(&o, "sector", sector, &err) != 0 || store_org_add(st, &o, &err) != 0)
		fail_msg("store_org_add %s: %s", name, err.msg);
	id = o.id;
	assert_true(id > 0);
	org_clear(&o);
	return id;
}

int64_t testdb_add_org(struct store *st, const char *name, const char *kind, const char *class)
{
	return testdb_add_org_in(st, name, kind, class, "none");
}

int64_t testdb_add_resource(struct store *st, int64_t org_id, const char *text)
{
	struct sk_error err = {0};
	struct resource r;

	if (resource_parse(text, &r, &err) != 0)
		fail_msg("resource_parse %s: %s", text, err.msg);
	r.org_id = org_id;
	if (store_resource_add(st, &r, &err) != 0)
		fail_msg("store_resource_add %s: %s", text, err.msg);
	return r.id;
}

int testdb_add_sector(struct store *st, const char *class, struct testdb_sector *out)
{
	struct sk_error err = {0};

	out->liaison = testdb_add_org(st, "Energy Sector CERT", "liaison", class);
	out->energy = testdb_add_org(st, "Example Energy", "constituent", class);
	out->water = testdb_add_org(st, "Example Water", "constituent", class);
	out->bank = testdb_add_org(st, "Other Bank", "constituent", class);
	if (store_member_add(st, out->liaison, out->energy, &err) != 0 ||
	    store_member_add(st, out->liaison, out->water, &err) != 0) {
		fprintf(stderr, "store_member_add: %s\n", err.msg);
		return -1;
	}
	return 0;
}

int64_t testdb_sql_int(const char *url, const char *sql)
{
	struct sk_error err = {0};
	struct db *db = db_open(url, &err);
	struct db_stmt *s;
	int64_t v = -1;
	int rc;

	if (db == NULL)
		fail_msg("db_open %s: %s", url, err.msg);
	if ((s = db_prepare(db, sql, &err)) == NULL)
		fail_msg("db_prepare %s: %s", sql, err.msg);
	if ((rc = db_step(s, &err)) < 0)
		fail_msg("db_step %s: %s", sql, err.msg);
	if (rc == 1)
		v = db_col_int(s, 0);
	db_reset(s);
	db_close(db);
	return v;
}
