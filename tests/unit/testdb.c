/* tests/unit/testdb.c: a new SQLite file or PostgreSQL database per test,
 * and the organizations, resources and users store tests put in it. */
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
#include "lib/xalloc.h"
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

int testdb_open(struct testdb *t, const char *name)
{
	struct sk_error err = {0};

	memset(t, 0, sizeof(*t));
	snprintf(t->dir, sizeof(t->dir), "/tmp/schakel-test-%.16s-XXXXXX", name);
	if (mkdtemp(t->dir) == NULL ||
	    testdb_new_url(t->dir, name, t->url, sizeof(t->url)) != 0) {
		fprintf(stderr, "testdb_open: no scratch store for %s\n", name);
		return -1;
	}
	if ((t->st = store_open(t->url, &err)) == NULL) {
		fprintf(stderr, "testdb_open: %s\n", err.msg);
		return -1;
	}
	return 0;
}

void testdb_close(struct testdb *t)
{
	store_close(t->st);
	t->st = NULL;
	testdb_drop_url(t->url);
	testdb_remove_dir(t->dir);
}

int64_t testdb_org_add(struct store *st, const char *name, enum org_kind kind)
{
	struct sk_error err = {0};
	struct org o;
	int64_t id = 0;

	org_init(&o);
	o.name = xstrdup(name);
	o.kind = kind;
	o.class = ORG_CLASS_OES;
	if (store_org_add(st, &o, &err) != 0)
		fprintf(stderr, "testdb_org_add %s: %s\n", name, err.msg);
	else
		id = o.id;
	org_clear(&o);
	return id;
}

struct user testdb_user(const char *name, enum user_role role, int64_t org_id)
{
	struct user u;

	memset(&u, 0, sizeof(u));
	snprintf(u.name, sizeof(u.name), "%s", name);
	u.role = role;
	u.org_id = org_id;
	return u;
}

int64_t testdb_org_add_as(struct store *st, const char *name, const char *kind,
			  const char *class, const char *sector)
{
	struct sk_error err = {0};
	struct org o;
	int64_t id;

	org_init(&o);
	if (org_set_field(&o, "name", name, &err) != 0 ||
	    org_set_field(&o, "kind", kind, &err) != 0 ||
	    org_set_field(&o, "class", class, &err) != 0 ||
	    org_set_field(&o, "sector", sector != NULL ? sector : "none", &err) != 0 ||
	    store_org_add(st, &o, &err) != 0)
		fail_msg("store_org_add %s: %s", name, err.msg);
	id = o.id;
	assert_true(id > 0);
	org_clear(&o);
	return id;
}

int64_t testdb_resource_add(struct store *st, int64_t org_id, const char *text)
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

int testdb_sector_add(struct store *st, const char *class, struct testdb_sector *out)
{
	struct sk_error err = {0};

	out->liaison = testdb_org_add_as(st, "Energy Sector CERT", "liaison", class, NULL);
	out->energy = testdb_org_add_as(st, "Example Energy", "constituent", class, NULL);
	out->water = testdb_org_add_as(st, "Example Water", "constituent", class, NULL);
	out->bank = testdb_org_add_as(st, "Other Bank", "constituent", class, NULL);
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
