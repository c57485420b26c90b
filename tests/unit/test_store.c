/* tests/unit/test_store.c: the store on a fresh database per test, on the
 * backend testdb.h names: migrations, organizations, memberships, contacts,
 * resources and their look-ups, users and tokens, the audit log,
 * transactions, locking, several connections, the pool; on PostgreSQL also
 * connections that the server drops. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "lib/xalloc.h"
#include "model/org.h"
#include "model/resource.h"
#include "model/user.h"
#include "net/prefix.h"
#include "store/db.h"
#include "store/db_int.h" /* db_migrations_count */
#include "store/store.h"
#include "testdb.h"

struct fixture {
	struct testdb db; /* the store, its URL and a temporary directory */
	char path[128];	  /* the SQLite file of the URL, or "" on PostgreSQL */
	struct store *st;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	setenv("SCHAKEL_NOW", "1700000000", 1); /* 2023-11-14T22:13:20Z */
	unsetenv("SCHAKEL_BUSY_TIMEOUT_MS");
	if (testdb_open(&f->db, "store") != 0)
		return -1;
	f->st = f->db.st;
	if (testdb_is_sqlite())
		snprintf(f->path, sizeof(f->path), "%s", f->db.url + strlen("sqlite:"));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	testdb_close(&f->db);
	free(f);
	unsetenv("SCHAKEL_NOW");
	unsetenv("SCHAKEL_BUSY_TIMEOUT_MS");
	return 0;
}

/* ---- helpers ---- */

/* Run sql on a connection of its own; the SK_E* result, with err. */
static int sql_exec(const char *url, const char *sql, struct sk_error *err)
{
	struct db *db = db_open(url, err);
	int rc;

	if (db == NULL)
		fail_msg("db_open %s: %s", url, err->msg);
	rc = db_exec(db, sql, err);
	db_close(db);
	return rc;
}

/* How many of the tables in names ("'a', 'b'") the database has. */
static int64_t tables_named(const char *url, const char *names)
{
	char sql[512];

	if (testdb_is_sqlite())
		snprintf(
		    sql, sizeof(sql),
		    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN (%s)",
		    names);
	else
		snprintf(sql, sizeof(sql),
			 "SELECT count(*) FROM information_schema.tables WHERE table_schema = "
			 "current_schema() AND table_name IN (%s)",
			 names);
	return testdb_sql_int(url, sql);
}

/* The PostgreSQL URL of f's database with an application_name, so that
 * the connection of a store opened with it can be found on the server. */
static void pg_named_url(const struct fixture *f, const char *app, char *url, size_t size)
{
	int n = snprintf(url, size, "%s?application_name=%s", f->db.url, app);

	assert_true(n > 0 && (size_t)n < size);
}

static PGconn *pg_connect(const char *url)
{
	PGconn *conn = PQconnectdb(url);

	if (PQstatus(conn) != CONNECTION_OK)
		fail_msg("connecting to %s: %s", url, PQerrorMessage(conn));
	return conn;
}

/* The pid of the server process serving the one connection named app
 * in the database of url; 0 if there is none. */
static int pg_backend_pid(const char *url, const char *app)
{
	const char *params[1] = {app};
	PGconn *conn = pg_connect(url);
	PGresult *res;
	int pid = 0;

	res =
	    PQexecParams(conn,
			 "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
			 "AND pid <> pg_backend_pid() AND application_name = $1",
			 1, NULL, params, NULL, NULL, 0);
	assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
	assert_true(PQntuples(res) <= 1);
	if (PQntuples(res) == 1)
		pid = (int)strtol(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	PQfinish(conn);
	return pid;
}

/* Terminate the server process of the connection named app, as an
 * administrator or a restarting server would, and wait until it is gone.
 * Returns its pid. */
static int pg_kill_backend(const char *url, const char *app)
{
	int pid = pg_backend_pid(url, app);
	char sql[128];
	PGconn *conn;
	PGresult *res;

	assert_true(pid > 0);
	conn = pg_connect(url);
	snprintf(sql, sizeof(sql), "SELECT pg_terminate_backend(%d)", pid);
	res = PQexec(conn, sql);
	assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
	assert_string_equal(PQgetvalue(res, 0, 0), "t");
	PQclear(res);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM pg_stat_activity WHERE pid = %d", pid);
	for (int i = 0;; i++) {
		bool gone;

		res = PQexec(conn, sql);
		assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
		gone = strcmp(PQgetvalue(res, 0, 0), "0") == 0;
		PQclear(res);
		if (gone)
			break;
		if (i == 500)
			fail_msg("server process %d did not go away", pid);
		usleep(10 * 1000);
	}
	PQfinish(conn);
	return pid;
}

/* Run sql on conn, which must succeed. */
static void pg_must(PGconn *conn, const char *sql)
{
	PGresult *res = PQexec(conn, sql);

	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(conn));
	PQclear(res);
}

static int64_t add_org(struct store *st, const char *name, const char *kind)
{
	return testdb_org_add_as(st, name, kind, "private", NULL);
}

/* Add resource text to org; returns the store's result. */
static int add_res(struct store *st, int64_t org_id, const char *text, struct sk_error *err)
{
	struct resource r;

	if (resource_parse(text, &r, err) != 0)
		fail_msg("resource_parse %s: %s", text, err->msg);
	r.org_id = org_id;
	return store_resource_add(st, &r, err);
}

/* Collect "name" of each organization, comma separated. */
static int collect_org(const struct org *o, void *ctx)
{
	struct buf *b = ctx;

	buf_printf(b, "%s%s", b->len ? "," : "", o->name);
	return 0;
}

/* Collect "org_id:value" of each resource, comma separated. */
static int collect_res(const struct resource *r, void *ctx)
{
	struct buf *b = ctx;
	char value[RESOURCE_TEXT_MAX];

	assert_true(resource_format_value(r, value, sizeof(value)) > 0);
	buf_printf(b, "%s%lld:%s", b->len ? "," : "", (long long)r->org_id, value);
	return 0;
}

static int collect_contact(const struct contact *c, void *ctx)
{
	struct buf *b = ctx;

	buf_printf(b, "%s%s", b->len ? "," : "", c->name);
	return 0;
}

/* Collect "actor|action|object|summary" lines, newest first. */
static int collect_audit(const struct audit_entry *e, void *ctx)
{
	struct buf *b = ctx;

	buf_printf(b, "%s|%s|%s|%s\n", e->actor, e->action, e->object, e->summary);
	return 0;
}

/* The result of a covering look-up of text, as collect_res() writes it. */
static void covering(struct store *st, const char *text, struct buf *out)
{
	struct sk_error err = {0};
	struct prefix p;

	buf_reset(out);
	if (prefix_parse(text, &p, &err) != 0)
		fail_msg("prefix_parse %s: %s", text, err.msg);
	assert_int_equal(store_resource_covering(st, &p, collect_res, out, &err), 0);
}

static void by_domain(struct store *st, const char *name, struct buf *out)
{
	struct sk_error err = {0};

	buf_reset(out);
	assert_int_equal(store_resource_by_domain(st, name, collect_res, out, &err), 0);
}

static int64_t audit_rows(struct fixture *f)
{
	return testdb_sql_int(f->db.url, "SELECT count(*) FROM audit");
}

/* ---- tests ---- */

static void test_migrations(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct store *st;

	assert_int_equal(testdb_sql_int(f->db.url, "SELECT count(*) FROM schema_migrations"),
			 (int64_t)db_migrations_count);
	assert_int_equal(
	    testdb_sql_int(f->db.url, "SELECT max(version) FROM schema_migrations"),
	    (int64_t)db_migrations_count);
	assert_int_equal(testdb_sql_int(f->db.url,
					"SELECT count(*) FROM schema_migrations WHERE "
					"name = 'registry' AND applied_at = "
					"'2023-11-14T22:13:20Z'"),
			 1);
	/* Every table of the schema is there. */
	assert_int_equal(tables_named(f->db.url,
				      "'orgs', 'memberships', 'contacts', 'resources', "
				      "'users', 'tokens', 'audit', 'schema_migrations'"),
			 8);

	/* Reopening applies nothing again. */
	setenv("SCHAKEL_NOW", "1800000000", 1);
	st = store_open(f->db.url, &err);
	assert_non_null(st);
	store_close(st);
	assert_int_equal(testdb_sql_int(f->db.url, "SELECT count(*) FROM schema_migrations"),
			 (int64_t)db_migrations_count);
	assert_int_equal(testdb_sql_int(f->db.url,
					"SELECT count(*) FROM schema_migrations WHERE "
					"applied_at = '2023-11-14T22:13:20Z'"),
			 (int64_t)db_migrations_count);

	/* A database migrated by a newer schakel is refused, clearly. */
	assert_int_equal(sql_exec(f->db.url,
				  "INSERT INTO schema_migrations VALUES "
				  "(999, 'future', '2030-01-01T00:00:00Z')",
				  &err),
			 0);
	st = store_open(f->db.url, &err);
	assert_null(st);
	assert_int_equal(err.code, SK_ECONFIG);
	assert_non_null(strstr(err.msg, "999"));
	assert_non_null(strstr(err.msg, "newer"));
}

/* SQLite only: the file is in WAL mode, so readers do not wait for a
 * writer. */
static void test_wal(void **state)
{
	struct fixture *f = *state;
	sqlite3 *h = NULL;
	sqlite3_stmt *s = NULL;

	assert_int_equal(sqlite3_open(f->path, &h), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, "PRAGMA journal_mode", -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(s, 0), "wal");
	sqlite3_finalize(s);
	sqlite3_close(h);
}

/* The database itself refuses rows that point at nothing, whatever the
 * backend (SQLite needs foreign keys switched on per connection). */
static void test_foreign_keys(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};

	assert_int_equal(sql_exec(f->db.url,
				  "INSERT INTO contacts (org_id, name, email, role, created) "
				  "VALUES (999, 'SOC', 'soc@example.be', 'abuse', "
				  "'2023-11-14T22:13:20Z')",
				  &err),
			 SK_EINVAL);
	assert_int_equal(sql_exec(f->db.url,
				  "INSERT INTO memberships (liaison_id, member_id, created) "
				  "VALUES (998, 999, '2023-11-14T22:13:20Z')",
				  &err),
			 SK_EINVAL);
	assert_int_equal(testdb_sql_int(f->db.url, "SELECT count(*) FROM contacts"), 0);
	assert_int_equal(testdb_sql_int(f->db.url, "SELECT count(*) FROM memberships"), 0);
}

static void test_open_errors(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	char url[256];

	assert_null(store_open("mysql://db.example.be/schakel", &err));
	assert_int_equal(err.code, SK_ECONFIG);
	assert_non_null(strstr(err.msg, "sqlite:PATH"));
	/* Nobody listens on port 1: a server that is down is temporary. */
	assert_null(store_open("postgresql://schakel@127.0.0.1:1/schakel", &err));
	assert_int_equal(err.code, SK_ETEMP);
	assert_non_null(strstr(err.msg, "PostgreSQL"));
	assert_null(store_open("postgres://schakel@127.0.0.1:1/schakel?bogus=1", &err));
	assert_int_equal(err.code, SK_ECONFIG);
	assert_null(store_open("sqlite:", &err));
	assert_int_equal(err.code, SK_ECONFIG);
	assert_null(store_open("sqlite://tmp/x.db", &err));
	assert_int_equal(err.code, SK_ECONFIG);
	assert_null(store_open("", &err));
	assert_int_equal(err.code, SK_ECONFIG);

	snprintf(url, sizeof(url), "sqlite:%s/missing/store.db", f->db.dir);
	assert_null(store_open(url, &err));
	assert_int_equal(err.code, SK_ECONFIG);
	assert_non_null(strstr(err.msg, "missing"));

	/* A file that is not a database. */
	{
		char path[200];
		FILE *fp;

		snprintf(path, sizeof(path), "%s/notes.txt", f->db.dir);
		fp = fopen(path, "w");
		assert_non_null(fp);
		for (int i = 0; i < 200; i++)
			fputs("this is not a database at all\n", fp);
		fclose(fp);
		snprintf(url, sizeof(url), "sqlite:%s", path);
		assert_null(store_open(url, &err));
		assert_int_equal(err.code, SK_ECONFIG);
		assert_non_null(strstr(err.msg, "open to other users"));
		assert_int_equal(chmod(path, 0600), 0);
		assert_null(store_open(url, &err));
		assert_int_equal(err.code, SK_ECONFIG);
		assert_non_null(strstr(err.msg, "not an SQLite database"));
		unlink(path);
	}

	/* On a PostgreSQL server that is up, a database or user that does
	 * not exist is a mistake in the URL, not worth retrying. */
	if (!testdb_is_sqlite()) {
		const char *server = getenv("SCHAKEL_TEST_PG");
		const char *slash = strrchr(server, '/');
		const char *at = strchr(server, '@');

		assert_non_null(slash);
		assert_non_null(at);
		snprintf(url, sizeof(url), "%.*s/t_no_such_database", (int)(slash - server),
			 server);
		assert_null(store_open(url, &err));
		assert_int_equal(err.code, SK_ECONFIG);
		assert_non_null(strstr(err.msg, "t_no_such_database"));
		snprintf(url, sizeof(url), "postgresql://no_such_user%s", at);
		assert_null(store_open(url, &err));
		assert_int_equal(err.code, SK_ECONFIG);
		assert_non_null(strstr(err.msg, "no_such_user"));
	}
}

static void test_org_crud(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct org o, got, other;
	int64_t id;

	org_init(&o);
	assert_int_equal(org_set_field(&o, "name", "Example Energy", &err), 0);
	assert_int_equal(org_set_field(&o, "class", "oes", &err), 0);
	assert_int_equal(org_set_field(&o, "sector", "energy/electricity", &err), 0);
	assert_int_equal(org_set_field(&o, "country", "be", &err), 0);
	assert_int_equal(org_set_field(&o, "notes", "Grid operator", &err), 0);
	assert_int_equal(store_org_add(f->st, &o, &err), 0);
	assert_true(o.id > 0);
	assert_string_equal(o.created, "2023-11-14T22:13:20Z");
	assert_string_equal(o.updated, "2023-11-14T22:13:20Z");
	id = o.id;

	assert_int_equal(store_org_get(f->st, id, &got, &err), 0);
	assert_string_equal(got.name, "Example Energy");
	assert_int_equal(got.kind, ORG_KIND_CONSTITUENT);
	assert_int_equal(got.class, ORG_CLASS_OES);
	assert_string_equal(got.sector, "energy/electricity");
	assert_string_equal(got.country, "BE");
	assert_int_equal(got.status, ORG_STATUS_CONNECTED);
	assert_string_equal(got.notes, "Grid operator");
	assert_string_equal(got.created, "2023-11-14T22:13:20Z");
	org_clear(&got);

	assert_int_equal(store_org_get_by_name(f->st, "Example Energy", &got, &err), 0);
	assert_int_equal(got.id, id);
	org_clear(&got);
	assert_int_equal(store_org_get_by_name(f->st, "example energy", &got, &err),
			 SK_ENOTFOUND);
	assert_non_null(strstr(err.msg, "example energy"));

	/* A duplicate name is refused and stores nothing. */
	assert_int_equal(store_org_add(f->st, &o, &err), SK_EEXIST);
	assert_string_equal(err.msg, "organization 'Example Energy' already exists");
	assert_int_equal(testdb_sql_int(f->db.url, "SELECT count(*) FROM orgs"), 1);

	/* Unknown ids: the out-struct is left alone. */
	memset(&got, 0x5a, sizeof(got));
	assert_int_equal(store_org_get(f->st, 12345, &got, &err), SK_ENOTFOUND);
	assert_string_equal(err.msg, "no organization with id 12345");
	assert_int_equal(got.id, 0x5a5a5a5a5a5a5a5aLL);
	assert_int_equal(store_org_remove(f->st, 12345, &err), SK_ENOTFOUND);

	/* An organization without a name is refused before the database. */
	org_init(&other);
	assert_int_equal(store_org_add(f->st, &other, &err), SK_EINVAL);
	org_clear(&other);

	/* Update: fields change, updated moves, created stays. */
	setenv("SCHAKEL_NOW", "1700003600", 1);
	assert_int_equal(org_set_field(&o, "class", "essential-public", &err), 0);
	assert_int_equal(org_set_field(&o, "status", "designated", &err), 0);
	assert_int_equal(org_set_field(&o, "notes", "", &err), 0);
	assert_int_equal(store_org_update(f->st, &o, &err), 0);
	assert_string_equal(o.updated, "2023-11-14T23:13:20Z");
	assert_string_equal(o.created, "2023-11-14T22:13:20Z");
	assert_int_equal(store_org_get(f->st, id, &got, &err), 0);
	assert_int_equal(got.class, ORG_CLASS_ESSENTIAL_PUBLIC);
	assert_int_equal(got.status, ORG_STATUS_DESIGNATED);
	assert_null(got.notes);
	assert_string_equal(got.updated, "2023-11-14T23:13:20Z");
	assert_string_equal(got.created, "2023-11-14T22:13:20Z");
	org_clear(&got);

	/* Renaming onto another organization's name is a duplicate. */
	add_org(f->st, "Example Water", "constituent");
	assert_int_equal(org_set_field(&o, "name", "Example Water", &err), 0);
	assert_int_equal(store_org_update(f->st, &o, &err), SK_EEXIST);
	assert_string_equal(err.msg, "organization 'Example Water' already exists");
	assert_int_equal(store_org_get(f->st, id, &got, &err), 0);
	assert_string_equal(got.name, "Example Energy");
	org_clear(&got);

	/* Updating an unknown id. */
	assert_int_equal(org_set_field(&o, "name", "Example Gas", &err), 0);
	o.id = 999;
	assert_int_equal(store_org_update(f->st, &o, &err), SK_ENOTFOUND);
	o.id = id;

	/* Remove. */
	assert_int_equal(store_org_remove(f->st, id, &err), 0);
	assert_int_equal(store_org_get(f->st, id, &got, &err), SK_ENOTFOUND);
	assert_int_equal(store_org_remove(f->st, id, &err), SK_ENOTFOUND);
	org_clear(&o);
}

static void test_org_each_sorted(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct buf b;

	add_org(f->st, "Example Water", "constituent");
	add_org(f->st, "Energy ISAC", "liaison");
	add_org(f->st, "Example Bank", "constituent");
	buf_init(&b, 4096);
	assert_int_equal(store_org_each(f->st, collect_org, &b, &err), 0);
	assert_string_equal(buf_str(&b), "Energy ISAC,Example Bank,Example Water");
	buf_free(&b);
}

static int stop_after_first(const struct org *o, void *ctx)
{
	(void)o;
	(*(int *)ctx)++;
	return 42;
}

/* A callback may walk the same list again (the statement is in use). */
static int nested_walk(const struct org *o, void *ctx)
{
	struct store *st = ctx;
	struct sk_error err = {0};
	struct buf b;

	(void)o;
	buf_init(&b, 4096);
	assert_int_equal(store_org_each(st, collect_org, &b, &err), 0);
	assert_string_equal(buf_str(&b), "Alpha,Beta");
	buf_free(&b);
	return 0;
}

static void test_walks_stop_and_nest(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	int calls = 0;

	add_org(f->st, "Alpha", "constituent");
	add_org(f->st, "Beta", "constituent");
	assert_int_equal(store_org_each(f->st, stop_after_first, &calls, &err), 42);
	assert_int_equal(calls, 1);
	assert_int_equal(store_org_each(f->st, nested_walk, f->st, &err), 0);
	/* After an early stop the next walk starts from the beginning. */
	calls = 0;
	assert_int_equal(store_org_each(f->st, stop_after_first, &calls, &err), 42);
	assert_int_equal(calls, 1);
}

static void test_membership(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	int64_t isac, cert, energy, water, bank;
	struct org o;
	struct buf b;

	isac = add_org(f->st, "Energy ISAC", "liaison");
	cert = add_org(f->st, "Sector CERT Water", "liaison");
	energy = add_org(f->st, "Example Energy", "constituent");
	water = add_org(f->st, "Example Water", "constituent");
	bank = add_org(f->st, "Example Bank", "constituent");
	buf_init(&b, 4096);

	assert_int_equal(store_member_add(f->st, isac, water, &err), 0);
	assert_int_equal(store_member_add(f->st, isac, energy, &err), 0);
	assert_int_equal(store_member_add(f->st, cert, water, &err), 0);

	/* Rules. */
	assert_int_equal(store_member_add(f->st, bank, energy, &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "Example Bank is not a liaison organization"));
	assert_int_equal(store_member_add(f->st, isac, isac, &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "itself"));
	assert_int_equal(store_member_add(f->st, isac, energy, &err), SK_EEXIST);
	assert_string_equal(err.msg, "Example Energy is already a member of Energy ISAC");
	assert_int_equal(store_member_add(f->st, isac, 999, &err), SK_ENOTFOUND);
	assert_int_equal(store_member_add(f->st, 999, energy, &err), SK_ENOTFOUND);

	assert_int_equal(store_member_each(f->st, isac, collect_org, &b, &err), 0);
	assert_string_equal(buf_str(&b), "Example Energy,Example Water");
	buf_reset(&b);
	assert_int_equal(store_liaison_each(f->st, water, collect_org, &b, &err), 0);
	assert_string_equal(buf_str(&b), "Energy ISAC,Sector CERT Water");
	buf_reset(&b);
	assert_int_equal(store_liaison_each(f->st, bank, collect_org, &b, &err), 0);
	assert_string_equal(buf_str(&b), "");
	assert_int_equal(store_member_each(f->st, 999, collect_org, &b, &err), SK_ENOTFOUND);

	assert_int_equal(store_is_member(f->st, isac, energy, &err), 1);
	assert_int_equal(store_is_member(f->st, cert, energy, &err), 0);
	assert_int_equal(store_is_member(f->st, energy, isac, &err), 0);

	/* A liaison organization with members cannot stop being one. */
	assert_int_equal(store_org_get(f->st, cert, &o, &err), 0);
	assert_int_equal(org_set_field(&o, "kind", "constituent", &err), 0);
	assert_int_equal(store_org_update(f->st, &o, &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "still has 1 member"));

	assert_int_equal(store_member_remove(f->st, cert, water, &err), 0);
	assert_int_equal(store_is_member(f->st, cert, water, &err), 0);
	assert_int_equal(store_member_remove(f->st, cert, water, &err), SK_ENOTFOUND);
	assert_string_equal(err.msg, "Example Water is not a member of Sector CERT Water");
	/* Now it can. */
	assert_int_equal(store_org_update(f->st, &o, &err), 0);
	org_clear(&o);
	buf_free(&b);
}

static void test_contacts(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct contact c, got;
	struct store *st;
	int64_t energy, water;
	struct buf b;

	energy = add_org(f->st, "Example Energy", "constituent");
	water = add_org(f->st, "Example Water", "constituent");
	contact_init(&c);
	assert_int_equal(contact_set_field(&c, "name", "SOC", &err), 0);
	assert_int_equal(contact_set_field(&c, "email", "soc@example.be", &err), 0);
	assert_int_equal(contact_set_field(&c, "phone", "+32 2 555 01 00", &err), 0);
	assert_int_equal(contact_set_field(&c, "role", "operational-24x7", &err), 0);
	assert_int_equal(contact_set_field(&c, "languages", "en,nl", &err), 0);
	assert_int_equal(contact_set_field(&c, "pgp",
					   "0123 4567 89ab cdef 0123  4567 89AB CDEF 0123 4567",
					   &err),
			 0);
	c.org_id = energy;
	assert_int_equal(store_contact_add(f->st, &c, &err), 0);
	assert_true(c.id > 0);
	assert_string_equal(c.created, "2023-11-14T22:13:20Z");

	assert_int_equal(store_contact_get(f->st, c.id, &got, &err), 0);
	assert_int_equal(got.org_id, energy);
	assert_string_equal(got.name, "SOC");
	assert_string_equal(got.email, "soc@example.be");
	assert_string_equal(got.phone, "+32 2 555 01 00");
	assert_int_equal(got.role, CONTACT_ROLE_OPERATIONAL_24X7);
	assert_string_equal(got.languages, "nl,en");
	assert_string_equal(got.pgp_fpr, "0123456789ABCDEF0123456789ABCDEF01234567");
	contact_clear(&got);

	/* Second contact without phone, at another organization. */
	assert_int_equal(contact_set_field(&c, "name", "Abuse desk", &err), 0);
	assert_int_equal(contact_set_field(&c, "phone", "", &err), 0);
	c.org_id = water;
	assert_int_equal(store_contact_add(f->st, &c, &err), 0);
	assert_int_equal(store_contact_get(f->st, c.id, &got, &err), 0);
	assert_null(got.phone);
	contact_clear(&got);

	/* Unknown organization. */
	c.org_id = 999;
	assert_int_equal(store_contact_add(f->st, &c, &err), SK_ENOTFOUND);
	assert_string_equal(err.msg, "no organization with id 999");

	buf_init(&b, 4096);
	assert_int_equal(store_contact_each(f->st, energy, collect_contact, &b, &err), 0);
	assert_string_equal(buf_str(&b), "SOC");
	buf_reset(&b);
	assert_int_equal(store_contact_each(f->st, 0, collect_contact, &b, &err), 0);
	assert_string_equal(buf_str(&b), "SOC,Abuse desk");
	assert_int_equal(store_contact_each(f->st, 999, collect_contact, &b, &err),
			 SK_ENOTFOUND);

	assert_int_equal(store_contact_remove(f->st, c.id - 1, &err), 0);
	assert_int_equal(store_contact_get(f->st, c.id - 1, &got, &err), SK_ENOTFOUND);
	assert_string_equal(err.msg, "no contact with id 1");
	assert_int_equal(store_contact_remove(f->st, c.id - 1, &err), SK_ENOTFOUND);

	/* The role advisory (0018); migrating again from 0017 keeps the rows. */
	assert_int_equal(contact_set_field(&c, "role", "advisory", &err), 0);
	c.org_id = water;
	assert_int_equal(store_contact_add(f->st, &c, &err), 0);
	assert_int_equal(
	    sql_exec(f->db.url, "DELETE FROM schema_migrations WHERE version = 18", &err), 0);
	st = store_open(f->db.url, &err);
	assert_non_null(st);
	store_close(st);
	assert_int_equal(
	    testdb_sql_int(f->db.url, "SELECT max(version) FROM schema_migrations"),
	    (int64_t)db_migrations_count);
	assert_int_equal(testdb_sql_int(f->db.url, "SELECT count(*) FROM contacts"), 2);
	assert_int_equal(store_contact_get(f->st, c.id, &got, &err), 0);
	assert_int_equal(got.role, CONTACT_ROLE_ADVISORY);
	assert_string_equal(got.name, "Abuse desk");
	contact_clear(&got);
	contact_clear(&c);
	buf_free(&b);
}

static void test_remove_cascades(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	int64_t isac, energy, water, tok = 0;
	struct contact c, cgot;
	struct resource r;
	struct user u;
	struct buf b;

	isac = add_org(f->st, "Energy ISAC", "liaison");
	energy = add_org(f->st, "Example Energy", "constituent");
	water = add_org(f->st, "Example Water", "constituent");
	assert_int_equal(store_member_add(f->st, isac, energy, &err), 0);
	assert_int_equal(store_member_add(f->st, isac, water, &err), 0);
	assert_int_equal(add_res(f->st, energy, "prefix:198.51.100.0/24", &err), 0);
	assert_int_equal(add_res(f->st, energy, "domain:example.be", &err), 0);
	assert_int_equal(add_res(f->st, water, "prefix:203.0.113.0/24", &err), 0);
	contact_init(&c);
	assert_int_equal(contact_set_field(&c, "name", "SOC", &err), 0);
	assert_int_equal(contact_set_field(&c, "email", "soc@example.be", &err), 0);
	c.org_id = energy;
	assert_int_equal(store_contact_add(f->st, &c, &err), 0);
	memset(&u, 0, sizeof(u));
	snprintf(u.name, sizeof(u.name), "energy-soc");
	u.role = USER_ROLE_PARTNER;
	u.org_id = energy;
	assert_int_equal(store_user_add(f->st, &u, NULL, &err), 0);
	assert_int_equal(store_token_add(f->st, u.id, "ci", "aa11", NULL, &tok, &err), 0);

	assert_int_equal(store_org_remove(f->st, energy, &err), 0);

	assert_int_equal(store_contact_get(f->st, c.id, &cgot, &err), SK_ENOTFOUND);
	assert_int_equal(store_is_member(f->st, isac, energy, &err), 0);
	assert_int_equal(store_user_get_by_name(f->st, "energy-soc", &u, NULL, &err),
			 SK_ENOTFOUND);
	assert_int_equal(store_token_lookup(f->st, "aa11", &u, &err), SK_ENOTFOUND);
	assert_int_equal(
	    testdb_sql_int(f->db.url, "SELECT count(*) FROM resources WHERE org_id = 2"), 0);
	assert_int_equal(testdb_sql_int(f->db.url, "SELECT count(*) FROM tokens"), 0);
	/* The other organizations keep what is theirs. */
	buf_init(&b, 4096);
	assert_int_equal(store_resource_each(f->st, 0, collect_res, &b, &err), 0);
	assert_string_equal(buf_str(&b), "3:203.0.113.0/24");
	buf_reset(&b);
	assert_int_equal(store_member_each(f->st, isac, collect_org, &b, &err), 0);
	assert_string_equal(buf_str(&b), "Example Water");
	assert_int_equal(store_resource_get(f->st, 3, &r, &err), 0);
	assert_int_equal(r.org_id, water);
	contact_clear(&c);
	buf_free(&b);
}

static void test_resources(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	int64_t energy, water;
	struct resource r, got;
	struct buf b;

	energy = add_org(f->st, "Example Energy", "constituent");
	water = add_org(f->st, "Example Water", "constituent");
	buf_init(&b, 4096);

	assert_int_equal(add_res(f->st, energy, "domain:example.be", &err), 0);
	assert_int_equal(add_res(f->st, energy, "prefix:2001:db8::/32", &err), 0);
	assert_int_equal(add_res(f->st, energy, "prefix:203.0.113.0/24", &err), 0);
	assert_int_equal(add_res(f->st, energy, "asn:AS64500", &err), 0);
	assert_int_equal(add_res(f->st, energy, "prefix:198.51.100.0/24", &err), 0);
	assert_int_equal(add_res(f->st, energy, "prefix:192.0.2.128/25", &err), 0);
	assert_int_equal(add_res(f->st, energy, "prefix:192.0.2.0/24", &err), 0);
	assert_int_equal(add_res(f->st, energy, "asn:AS64496", &err), 0);

	/* The same resource twice for one organization is refused ... */
	assert_int_equal(add_res(f->st, energy, "prefix:198.51.100.0/24", &err), SK_EEXIST);
	assert_string_equal(err.msg, "Example Energy already has prefix 198.51.100.0/24");
	assert_int_equal(add_res(f->st, energy, "asn:AS64496", &err), SK_EEXIST);
	assert_string_equal(err.msg, "Example Energy already has AS number AS64496");
	/* ... but allowed for another organization. */
	assert_int_equal(add_res(f->st, water, "prefix:198.51.100.0/24", &err), 0);
	assert_int_equal(add_res(f->st, 999, "prefix:198.51.100.0/24", &err), SK_ENOTFOUND);

	/* Ordered by type, then value in numeric order. */
	assert_int_equal(store_resource_each(f->st, energy, collect_res, &b, &err), 0);
	assert_string_equal(buf_str(&b), "1:AS64496,1:AS64500,1:192.0.2.0/24,1:192.0.2.128/25,"
					 "1:198.51.100.0/24,1:203.0.113.0/24,1:2001:db8::/32,"
					 "1:example.be");
	buf_reset(&b);
	assert_int_equal(store_resource_each(f->st, water, collect_res, &b, &err), 0);
	assert_string_equal(buf_str(&b), "2:198.51.100.0/24");
	assert_int_equal(store_resource_each(f->st, 999, collect_res, &b, &err), SK_ENOTFOUND);

	/* Stored and read back exactly, IPv6 included. */
	assert_int_equal(resource_parse("prefix:2001:db8:ab00::/40", &r, &err), 0);
	r.org_id = water;
	assert_int_equal(store_resource_add(f->st, &r, &err), 0);
	assert_true(r.id > 0);
	assert_int_equal(store_resource_get(f->st, r.id, &got, &err), 0);
	assert_int_equal(got.type, RESOURCE_PREFIX);
	assert_int_equal(got.org_id, water);
	assert_int_equal(prefix_compare(&got.prefix, &r.prefix), 0);
	assert_int_equal(got.prefix.len, 40);
	assert_string_equal(got.created, "2023-11-14T22:13:20Z");
	assert_int_equal(
	    testdb_sql_int(f->db.url, "SELECT count(*) FROM resources WHERE "
				      "net = '20010db8ab0000000000000000000000' AND family = 6 "
				      "AND plen = 40"),
	    1);

	/* Host bits set are refused even if a caller built the struct. */
	r.prefix.addr[15] = 1;
	assert_int_equal(store_resource_add(f->st, &r, &err), SK_EINVAL);

	assert_int_equal(store_resource_remove(f->st, got.id, &err), 0);
	assert_int_equal(store_resource_get(f->st, got.id, &got, &err), SK_ENOTFOUND);
	assert_int_equal(store_resource_remove(f->st, 12345, &err), SK_ENOTFOUND);
	assert_string_equal(err.msg, "no resource with id 12345");
	buf_free(&b);
}

static void test_covering(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	int64_t a, b_, c, d;
	struct buf b;
	char want[256];

	a = add_org(f->st, "Org A", "constituent");
	b_ = add_org(f->st, "Org B", "constituent");
	c = add_org(f->st, "Org C", "constituent");
	d = add_org(f->st, "Org D", "constituent");
	assert_int_equal(add_res(f->st, a, "198.51.100.0/24", &err), 0);
	assert_int_equal(add_res(f->st, b_, "198.51.100.0/25", &err), 0);
	assert_int_equal(add_res(f->st, c, "198.51.100.128/25", &err), 0);
	assert_int_equal(add_res(f->st, d, "198.51.100.7/32", &err), 0);
	assert_int_equal(add_res(f->st, a, "2001:db8::/32", &err), 0);
	assert_int_equal(add_res(f->st, b_, "2001:db8:1::/48", &err), 0);
	assert_int_equal(add_res(f->st, c, "2001:db8:1::/48", &err), 0);
	assert_int_equal(add_res(f->st, d, "AS64496", &err), 0);
	assert_int_equal(add_res(f->st, d, "::/0", &err), 0);
	buf_init(&b, 4096);

	/* Most specific first. */
	covering(f->st, "198.51.100.7", &b);
	snprintf(want, sizeof(want),
		 "%lld:198.51.100.7/32,%lld:198.51.100.0/25,%lld:198.51.100.0/24", (long long)d,
		 (long long)b_, (long long)a);
	assert_string_equal(buf_str(&b), want);
	covering(f->st, "198.51.100.8", &b);
	snprintf(want, sizeof(want), "%lld:198.51.100.0/25,%lld:198.51.100.0/24", (long long)b_,
		 (long long)a);
	assert_string_equal(buf_str(&b), want);
	covering(f->st, "198.51.100.200", &b);
	snprintf(want, sizeof(want), "%lld:198.51.100.128/25,%lld:198.51.100.0/24",
		 (long long)c, (long long)a);
	assert_string_equal(buf_str(&b), want);
	/* A prefix covers itself, but not its more specific parts. */
	covering(f->st, "198.51.100.0/24", &b);
	snprintf(want, sizeof(want), "%lld:198.51.100.0/24", (long long)a);
	assert_string_equal(buf_str(&b), want);
	covering(f->st, "203.0.113.1", &b);
	assert_string_equal(buf_str(&b), "");
	covering(f->st, "198.51.101.1", &b);
	assert_string_equal(buf_str(&b), "");

	/* IPv6, with two owners of one prefix and a default route at the end;
	 * IPv4 prefixes never cover IPv6 addresses. */
	covering(f->st, "2001:db8:1::1", &b);
	snprintf(want, sizeof(want),
		 "%lld:2001:db8:1::/48,%lld:2001:db8:1::/48,%lld:2001:db8::/32,"
		 "%lld:::/0",
		 (long long)b_, (long long)c, (long long)a, (long long)d);
	assert_string_equal(buf_str(&b), want);
	covering(f->st, "2001:db8:2::1", &b);
	snprintf(want, sizeof(want), "%lld:2001:db8::/32,%lld:::/0", (long long)a,
		 (long long)d);
	assert_string_equal(buf_str(&b), want);
	covering(f->st, "::ffff:198.51.100.7", &b);
	snprintf(want, sizeof(want), "%lld:::/0", (long long)d);
	assert_string_equal(buf_str(&b), want);
	/* An address of many set bits: its 59 networks take two statements,
	 * the /80 in the first, the /32 and /0 in the second. */
	assert_int_equal(add_res(f->st, b_, "2001:db8:ffff:ffff:ffff::/80", &err), 0);
	covering(f->st, "2001:db8:ffff:ffff:ffff::1", &b);
	snprintf(want, sizeof(want),
		 "%lld:2001:db8:ffff:ffff:ffff::/80,%lld:2001:db8::/32,%lld:::/0",
		 (long long)b_, (long long)a, (long long)d);
	assert_string_equal(buf_str(&b), want);

	/* By AS number. */
	buf_reset(&b);
	assert_int_equal(store_resource_by_asn(f->st, 64496, collect_res, &b, &err), 0);
	snprintf(want, sizeof(want), "%lld:AS64496", (long long)d);
	assert_string_equal(buf_str(&b), want);
	buf_reset(&b);
	assert_int_equal(store_resource_by_asn(f->st, 64497, collect_res, &b, &err), 0);
	assert_string_equal(buf_str(&b), "");
	buf_free(&b);
}

static int stop_res(const struct resource *r, void *ctx)
{
	(void)r;
	(*(int *)ctx)++;
	return 7;
}

static void test_covering_stops(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct prefix p;
	int64_t a;
	int calls = 0;

	a = add_org(f->st, "Org A", "constituent");
	assert_int_equal(add_res(f->st, a, "198.51.100.0/24", &err), 0);
	assert_int_equal(add_res(f->st, a, "198.51.100.0/25", &err), 0);
	assert_int_equal(prefix_parse("198.51.100.1", &p, &err), 0);
	assert_int_equal(store_resource_covering(f->st, &p, stop_res, &calls, &err), 7);
	assert_int_equal(calls, 1);
	p.family = 5;
	assert_int_equal(store_resource_covering(f->st, &p, stop_res, &calls, &err), SK_EINVAL);
}

/* A small xorshift generator: the same prefixes on every run. */
static uint32_t rand_next(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/* A prefix of family inside 198.51.0.0/16 or 2001:db8::/32 (so that many
 * nest and share networks), of a length from min up. */
static struct prefix rand_prefix(uint32_t *x, uint8_t family, int min)
{
	struct prefix p = {.family = family};
	int bits = family == 4 ? 32 : 128;

	for (int i = 0; i < 16; i++)
		p.addr[i] = (uint8_t)rand_next(x);
	if (family == 4) {
		memset(p.addr + 4, 0, 12);
		p.addr[0] = 198;
		p.addr[1] = 51;
	} else {
		memcpy(p.addr, "\x20\x01\x0d\xb8", 4);
	}
	/* Few low bits set, as real networks have: ones the length keeps. */
	if (rand_next(x) % 2)
		memset(p.addr + (family == 4 ? 3 : 8), 0, family == 4 ? 1 : 8);
	p.len = (uint8_t)bits;
	prefix_truncate(&p, (uint8_t)(min + (int)(rand_next(x) % (uint32_t)(bits - min + 1))));
	return p;
}

/* Longest first, then organization, then id: the covering order. */
static int res_order(const void *pa, const void *pb)
{
	const struct resource *a = pa, *b = pb;

	if (a->prefix.len != b->prefix.len)
		return a->prefix.len > b->prefix.len ? -1 : 1;
	if (a->org_id != b->org_id)
		return a->org_id < b->org_id ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

/* Covering look-ups of random addresses and prefixes against random
 * nested prefixes give what checking every prefix gives. */
static void test_covering_random(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct resource *v = xcalloc(400, sizeof(*v)), *hit = xcalloc(400, sizeof(*hit));
	struct buf got, want;
	uint32_t x = 2463534242u;
	int64_t orgs[3];
	size_t added;

	orgs[0] = add_org(f->st, "Org A", "constituent");
	orgs[1] = add_org(f->st, "Org B", "constituent");
	orgs[2] = add_org(f->st, "Org C", "constituent");
	for (size_t i = 0; i < 400; i++) {
		v[i].type = RESOURCE_PREFIX;
		v[i].org_id = orgs[rand_next(&x) % 3];
		v[i].prefix = rand_prefix(&x, i % 2 ? 6 : 4, i % 2 ? 16 : 8);
	}
	assert_int_equal(store_resource_add_many(f->st, v, 400, &added, &err), 0);
	buf_init(&got, 1 << 16);
	buf_init(&want, 1 << 16);
	for (int k = 0; k < 300; k++) {
		uint8_t family = k % 2 ? 6 : 4;
		struct prefix q = rand_prefix(&x, family, k % 3 ? (family == 4 ? 32 : 128) : 8);
		size_t n = 0;

		for (size_t i = 0; i < 400; i++)
			if (v[i].id != 0 && prefix_contains(&v[i].prefix, &q))
				hit[n++] = v[i];
		qsort(hit, n, sizeof(*hit), res_order);
		buf_reset(&want);
		for (size_t i = 0; i < n; i++)
			collect_res(&hit[i], &want);
		buf_reset(&got);
		assert_int_equal(store_resource_covering(f->st, &q, collect_res, &got, &err),
				 0);
		assert_string_equal(buf_str(&got), buf_str(&want));
	}
	assert_true(added > 300);
	buf_free(&got);
	buf_free(&want);
	free(hit);
	free(v);
}

static void test_by_domain(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct buf b;
	int64_t a, b_, c;
	char want[256];

	a = add_org(f->st, "Org A", "constituent");
	b_ = add_org(f->st, "Org B", "constituent");
	c = add_org(f->st, "Org C", "constituent");
	assert_int_equal(add_res(f->st, a, "domain:example.be", &err), 0);
	assert_int_equal(add_res(f->st, b_, "domain:www.example.be", &err), 0);
	assert_int_equal(add_res(f->st, c, "domain:example.nl", &err), 0);
	buf_init(&b, 4096);

	by_domain(f->st, "www.example.be", &b);
	snprintf(want, sizeof(want), "%lld:www.example.be,%lld:example.be", (long long)b_,
		 (long long)a);
	assert_string_equal(buf_str(&b), want);
	by_domain(f->st, "a.b.www.example.be", &b);
	assert_string_equal(buf_str(&b), want);
	by_domain(f->st, "mail.example.be", &b);
	snprintf(want, sizeof(want), "%lld:example.be", (long long)a);
	assert_string_equal(buf_str(&b), want);
	by_domain(f->st, "example.be", &b);
	assert_string_equal(buf_str(&b), want);
	/* Label boundaries: badexample.be is not under example.be. */
	by_domain(f->st, "badexample.be", &b);
	assert_string_equal(buf_str(&b), "");
	by_domain(f->st, "wwwexample.be", &b);
	assert_string_equal(buf_str(&b), "");
	by_domain(f->st, "be", &b);
	assert_string_equal(buf_str(&b), "");
	by_domain(f->st, "example.nl.example.test", &b);
	assert_string_equal(buf_str(&b), "");
	assert_int_equal(store_resource_by_domain(f->st, "", collect_res, &b, &err), SK_EINVAL);
	buf_free(&b);
}

/* Token list lines "user label expires last_used", for comparison. */
struct token_lines {
	char text[1024];
	size_t len;
};

static int token_line(const struct token_info *t, void *ctx)
{
	struct token_lines *l = ctx;
	int n = snprintf(l->text + l->len, sizeof(l->text) - l->len, "%s %s %s %s\n", t->user,
			 t->label, t->expires[0] ? t->expires : "-",
			 t->last_used[0] ? t->last_used : "-");

	assert_true(n > 0 && (size_t)n < sizeof(l->text) - l->len);
	assert_int_equal(strlen(t->created), 20);
	l->len += (size_t)n;
	return 0;
}
static void test_users_and_tokens(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct user u, got;
	char hash[128], want[128];
	int64_t energy, alice, bob, tok = 0, tok2 = 0;
	struct token_lines list = {0};

	energy = add_org(f->st, "Example Energy", "constituent");
	memset(&u, 0, sizeof(u));
	snprintf(u.name, sizeof(u.name), "alice");
	u.role = USER_ROLE_ADMIN;
	assert_int_equal(store_user_add(f->st, &u, "$argon2id$v=19$fake", &err), 0);
	assert_true(u.id > 0);
	alice = u.id;
	assert_string_equal(u.created, "2023-11-14T22:13:20Z");

	/* Duplicates and role rules. */
	assert_int_equal(store_user_add(f->st, &u, NULL, &err), SK_EEXIST);
	assert_string_equal(err.msg, "user 'alice' already exists");
	memset(&u, 0, sizeof(u));
	snprintf(u.name, sizeof(u.name), "bob");
	u.role = USER_ROLE_PARTNER;
	assert_int_equal(store_user_add(f->st, &u, NULL, &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "needs an organization"));
	u.org_id = 999;
	assert_int_equal(store_user_add(f->st, &u, NULL, &err), SK_ENOTFOUND);
	u.role = USER_ROLE_ANALYST;
	u.org_id = energy;
	assert_int_equal(store_user_add(f->st, &u, NULL, &err), SK_EINVAL);
	u.role = USER_ROLE_PARTNER;
	assert_int_equal(store_user_add(f->st, &u, NULL, &err), 0);
	/* Ids are not gapless (PostgreSQL spends one on a failed insert). */
	assert_true(u.id > alice);
	bob = u.id;
	u.name[0] = '\0';
	assert_int_equal(store_user_add(f->st, &u, NULL, &err), SK_EINVAL);

	assert_int_equal(store_user_get_by_name(f->st, "alice", &got, hash, &err), 0);
	assert_string_equal(got.name, "alice");
	assert_int_equal(got.role, USER_ROLE_ADMIN);
	assert_int_equal(got.org_id, 0);
	assert_string_equal(hash, "$argon2id$v=19$fake");
	assert_int_equal(store_user_get_by_name(f->st, "bob", &got, hash, &err), 0);
	assert_int_equal(got.role, USER_ROLE_PARTNER);
	assert_int_equal(got.org_id, energy);
	assert_string_equal(hash, "");
	memset(&got, 0x5a, sizeof(got));
	assert_int_equal(store_user_get_by_name(f->st, "carol", &got, hash, &err),
			 SK_ENOTFOUND);
	assert_string_equal(err.msg, "no user named 'carol'");
	assert_int_equal(got.id, 0x5a5a5a5a5a5a5a5aLL);

	/* Tokens. */
	assert_int_equal(store_token_add(f->st, alice, "laptop", "0011aabb", NULL, &tok, &err),
			 0);
	assert_true(tok > 0);
	assert_int_equal(store_token_add(f->st, bob, "soc", "ccdd", NULL, &tok2, &err), 0);
	assert_true(tok2 > tok);
	assert_int_equal(store_token_add(f->st, bob, "again", "ccdd", NULL, &tok2, &err),
			 SK_EEXIST);
	assert_int_equal(store_token_add(f->st, 77, "x", "eeff", NULL, &tok2, &err),
			 SK_ENOTFOUND);
	assert_string_equal(err.msg, "no user with id 77");

	assert_int_equal(
	    testdb_sql_int(f->db.url, "SELECT count(*) FROM tokens WHERE last_used IS NULL"),
	    2);
	assert_int_equal(store_token_lookup(f->st, "ccdd", &got, &err), 0);
	assert_string_equal(got.name, "bob");
	assert_int_equal(got.role, USER_ROLE_PARTNER);
	assert_int_equal(got.org_id, energy);
	assert_int_equal(testdb_sql_int(f->db.url,
					"SELECT count(*) FROM tokens WHERE hash = 'ccdd' AND "
					"last_used = '2023-11-14T22:13:20Z'"),
			 1);
	assert_int_equal(store_token_lookup(f->st, "0011aabb", &got, &err), 0);
	assert_string_equal(got.name, "alice");
	assert_int_equal(store_token_lookup(f->st, "0011aabc", &got, &err), SK_ENOTFOUND);
	assert_string_equal(err.msg, "unknown API token");
	/* Only the two token.add and user.add rows: looking up is not audited. */
	assert_int_equal(
	    testdb_sql_int(f->db.url, "SELECT count(*) FROM audit WHERE action LIKE 'token%'"),
	    2);

	/* Expiry: a token is refused from its expiry on, saying when. */
	assert_int_equal(
	    store_token_add(f->st, alice, "ci", "eeee", "2023-11-14T22:13:21Z", &tok2, &err),
	    0);
	assert_int_equal(
	    store_token_add(f->st, alice, "old", "ffff", "2023-11-14T22:13:20Z", &tok2, &err),
	    0);
	assert_int_equal(
	    store_token_add(f->st, alice, "bad", "abab", "2023-11-14", &tok2, &err), SK_EINVAL);
	assert_int_equal(store_token_lookup(f->st, "eeee", &got, &err), 0);
	assert_string_equal(got.name, "alice");
	assert_int_equal(store_token_lookup(f->st, "ffff", &got, &err), SK_EPERM);
	snprintf(want, sizeof(want), "API token %lld of alice expired at 2023-11-14T22:13:20Z",
		 (long long)tok2);
	assert_string_equal(err.msg, want);
	assert_int_equal(testdb_sql_int(f->db.url,
					"SELECT count(*) FROM tokens WHERE hash = 'ffff' AND "
					"last_used IS NULL"),
			 1);

	/* Listed by user name and id, with created, expires, last used. */
	list.len = 0;
	assert_int_equal(store_token_each(f->st, 0, token_line, &list, &err), 0);
	assert_string_equal(list.text, "alice laptop - 2023-11-14T22:13:20Z\n"
				       "alice ci 2023-11-14T22:13:21Z 2023-11-14T22:13:20Z\n"
				       "alice old 2023-11-14T22:13:20Z -\n"
				       "bob soc - 2023-11-14T22:13:20Z\n");
	list.len = 0;
	assert_int_equal(store_token_each(f->st, bob, token_line, &list, &err), 0);
	assert_string_equal(list.text, "bob soc - 2023-11-14T22:13:20Z\n");
}

static void test_audit(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct org o;
	struct buf b;
	int64_t isac, energy;
	char want[2048];

	energy = testdb_org_add_as(f->st, "Example Energy", "constituent", "oes",
				   "energy/electricity");
	store_set_actor(f->st, "cli:alice");
	isac = add_org(f->st, "Energy ISAC", "liaison");
	assert_int_equal(store_member_add(f->st, isac, energy, &err), 0);
	assert_int_equal(add_res(f->st, energy, "prefix:198.51.100.0/24", &err), 0);
	assert_int_equal(store_org_get(f->st, energy, &o, &err), 0);
	assert_int_equal(org_set_field(&o, "class", "essential-public", &err), 0);
	assert_int_equal(org_set_field(&o, "notes", "call first", &err), 0);
	assert_int_equal(store_org_update(f->st, &o, &err), 0);
	/* Storing an unchanged organization writes no audit row. */
	assert_int_equal(store_org_update(f->st, &o, &err), 0);
	org_clear(&o);
	store_set_actor(f->st, "api:bob");
	assert_int_equal(store_resource_remove(f->st, 1, &err), 0);
	assert_int_equal(store_member_remove(f->st, isac, energy, &err), 0);
	/* Failed changes leave no trace. */
	assert_int_equal(add_res(f->st, 999, "prefix:198.51.100.0/24", &err), SK_ENOTFOUND);
	assert_int_equal(store_member_add(f->st, energy, isac, &err), SK_EINVAL);
	store_set_actor(f->st, NULL);
	assert_int_equal(store_org_remove(f->st, isac, &err), 0);

	buf_init(&b, 8192);
	assert_int_equal(store_audit_each(f->st, 0, collect_audit, &b, &err), 0);
	snprintf(
	    want, sizeof(want),
	    "system|org.remove|org:%1$lld|removed organization Energy ISAC with 0 "
	    "resources and 0 contacts\n"
	    "api:bob|member.remove|org:%1$lld|removed Example Energy as a member of Energy "
	    "ISAC\n"
	    "api:bob|resource.remove|org:%2$lld|removed prefix 198.51.100.0/24 from Example "
	    "Energy\n"
	    "cli:alice|org.update|org:%2$lld|updated organization Example Energy: class oes "
	    "-> essential-public, notes changed\n"
	    "cli:alice|resource.add|org:%2$lld|added prefix 198.51.100.0/24 to Example "
	    "Energy\n"
	    "cli:alice|member.add|org:%1$lld|added Example Energy as a member of Energy ISAC\n"
	    "cli:alice|org.add|org:%1$lld|added organization Energy ISAC (liaison, private, "
	    "none)\n"
	    "system|org.add|org:%2$lld|added organization Example Energy (constituent, oes, "
	    "energy/electricity)\n",
	    (long long)isac, (long long)energy);
	assert_string_equal(buf_str(&b), want);

	/* A limit keeps the newest. */
	buf_reset(&b);
	assert_int_equal(store_audit_each(f->st, 1, collect_audit, &b, &err), 0);
	assert_non_null(strstr(buf_str(&b), "system|org.remove"));
	assert_ptr_equal(strchr(buf_str(&b), '\n'), buf_str(&b) + b.len - 1);
	assert_int_equal(testdb_sql_int(f->db.url, "SELECT count(*) FROM audit WHERE at = "
						   "'2023-11-14T22:13:20Z'"),
			 8);
	buf_free(&b);
}

static void test_rollback(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct org o;
	int64_t id;

	/* begin, add organization, add resource, roll back: neither exists. */
	assert_int_equal(store_begin(f->st, &err), 0);
	id = add_org(f->st, "Example Energy", "constituent");
	assert_int_equal(add_res(f->st, id, "prefix:198.51.100.0/24", &err), 0);
	assert_true(store_in_transaction(f->st));
	store_rollback(f->st);
	assert_false(store_in_transaction(f->st));
	assert_int_equal(store_org_get_by_name(f->st, "Example Energy", &o, &err),
			 SK_ENOTFOUND);
	assert_int_equal(testdb_sql_int(f->db.url, "SELECT count(*) FROM resources"), 0);
	assert_int_equal(audit_rows(f), 0);

	/* Nested: only the outermost commit reaches the database. */
	assert_int_equal(store_begin(f->st, &err), 0);
	assert_int_equal(store_begin(f->st, &err), 0);
	add_org(f->st, "Example Water", "constituent");
	assert_int_equal(store_commit(f->st, &err), 0);
	assert_int_equal(testdb_sql_int(f->db.url, "SELECT count(*) FROM orgs"), 0);
	store_rollback(f->st);
	assert_int_equal(testdb_sql_int(f->db.url, "SELECT count(*) FROM orgs"), 0);

	/* A failed change inside a transaction dooms it: commit fails and
	 * nothing is stored. */
	assert_int_equal(store_begin(f->st, &err), 0);
	add_org(f->st, "Example Bank", "constituent");
	id = add_org(f->st, "Example Gas", "constituent");
	assert_int_equal(add_res(f->st, id, "prefix:198.51.100.0/24", &err), 0);
	assert_int_equal(add_res(f->st, id, "prefix:198.51.100.0/24", &err), SK_EEXIST);
	assert_int_not_equal(store_commit(f->st, &err), 0);
	assert_false(store_in_transaction(f->st));
	assert_int_equal(testdb_sql_int(f->db.url, "SELECT count(*) FROM orgs"), 0);

	/* And a good one commits everything at once. */
	assert_int_equal(store_begin(f->st, &err), 0);
	id = add_org(f->st, "Example Bank", "constituent");
	assert_int_equal(add_res(f->st, id, "prefix:198.51.100.0/24", &err), 0);
	assert_int_equal(testdb_sql_int(f->db.url, "SELECT count(*) FROM orgs"), 0);
	assert_int_equal(store_commit(f->st, &err), 0);
	assert_int_equal(testdb_sql_int(f->db.url, "SELECT count(*) FROM orgs"), 1);
	assert_int_equal(testdb_sql_int(f->db.url, "SELECT count(*) FROM resources"), 1);
	assert_int_equal(audit_rows(f), 2);
	assert_int_not_equal(store_commit(f->st, &err), 0); /* nothing to commit */
}

/* A transaction in which one statement failed: whatever the backend does
 * with the rest (SQLite keeps it, PostgreSQL drops it), a commit that
 * succeeds has stored it and one that fails has stored nothing. */
static void test_commit_after_failed_statement(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct db *db = db_open(f->db.url, &err);
	int rc;

	assert_non_null(db);
	assert_int_equal(db_begin(db, &err), 0);
	assert_int_equal(
	    db_exec(db,
		    "INSERT INTO orgs (name, kind, class, sector, status, created, "
		    "updated) VALUES ('Example Energy', 'constituent', 'private', "
		    "'none', 'connected', '2023-11-14T22:13:20Z', "
		    "'2023-11-14T22:13:20Z')",
		    &err),
	    0);
	assert_int_equal(
	    db_exec(db,
		    "INSERT INTO orgs (name, kind, class, sector, status, created, "
		    "updated) VALUES ('Example Energy', 'constituent', 'private', "
		    "'none', 'connected', '2023-11-14T22:13:20Z', "
		    "'2023-11-14T22:13:20Z')",
		    &err),
	    SK_EEXIST);
	rc = db_commit(db, &err);
	if (rc != 0)
		db_rollback(db);
	assert_int_equal(testdb_sql_int(f->db.url, "SELECT count(*) FROM orgs"),
			 rc == 0 ? 1 : 0);
	if (!testdb_is_sqlite())
		assert_int_not_equal(rc, 0);
	/* The connection is usable afterwards. */
	assert_int_equal(db_begin(db, &err), 0);
	assert_int_equal(db_commit(db, &err), 0);
	db_close(db);
}

/* SQLite only: another process holds the write lock of the file. */
static void test_locked(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct store *st;
	struct org o;
	sqlite3 *h = NULL;

	add_org(f->st, "Example Energy", "constituent");
	setenv("SCHAKEL_BUSY_TIMEOUT_MS", "50", 1);
	st = store_open(f->db.url, &err);
	assert_non_null(st);
	assert_int_equal(sqlite3_open(f->path, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "BEGIN EXCLUSIVE", NULL, NULL, NULL), SQLITE_OK);

	/* Writes fail as temporary, and say why. */
	org_init(&o);
	assert_int_equal(org_set_field(&o, "name", "Example Water", &err), 0);
	assert_int_equal(store_org_add(st, &o, &err), SK_ETEMP);
	assert_non_null(strstr(err.msg, "locked"));
	assert_non_null(strstr(err.msg, f->path));
	assert_false(store_in_transaction(st));
	/* Opening still works (nothing to migrate), and so do reads (WAL). */
	store_close(st);
	st = store_open(f->db.url, &err);
	assert_non_null(st);
	org_clear(&o);
	assert_int_equal(store_org_get(st, 1, &o, &err), 0);
	assert_string_equal(o.name, "Example Energy");

	/* Once the other writer is gone, the same change goes through. */
	assert_int_equal(sqlite3_exec(h, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	assert_int_equal(org_set_field(&o, "name", "Example Water", &err), 0);
	assert_int_equal(store_org_add(st, &o, &err), 0);
	org_clear(&o);
	store_close(st);
	unsetenv("SCHAKEL_BUSY_TIMEOUT_MS");
}

/* PostgreSQL: another session holds a lock that writes need. A store
 * waits the busy timeout, not for ever, then fails as temporary; also
 * after its connection was re-established. */
static void test_pg_locked(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct store *st;
	struct org o;
	char url[300];
	PGconn *other;
	time_t t0;

	add_org(f->st, "Example Energy", "constituent");
	setenv("SCHAKEL_BUSY_TIMEOUT_MS", "50", 1);
	pg_named_url(f, "locked", url, sizeof(url));
	st = store_open(url, &err);
	assert_non_null(st);
	other = pg_connect(f->db.url);
	/* Should the store wait for ever, the server ends this session after
	 * 10 s and the test fails rather than hangs. */
	pg_must(other, "SET idle_in_transaction_session_timeout = 10000");
	pg_must(other, "BEGIN");
	pg_must(other, "LOCK TABLE orgs IN EXCLUSIVE MODE");

	/* Writes fail as temporary, and say why. */
	org_init(&o);
	assert_int_equal(org_set_field(&o, "name", "Example Water", &err), 0);
	t0 = time(NULL);
	assert_int_equal(store_org_add(st, &o, &err), SK_ETEMP);
	assert_true(time(NULL) - t0 < 5);
	assert_non_null(strstr(err.msg, "lock"));
	assert_false(store_in_transaction(st));
	/* Reads do not wait. */
	org_clear(&o);
	assert_int_equal(store_org_get(st, 1, &o, &err), 0);
	assert_string_equal(o.name, "Example Energy");

	/* The same on a connection made anew. */
	pg_kill_backend(f->db.url, "locked");
	org_clear(&o);
	assert_int_equal(store_org_get(st, 1, &o, &err), 0);
	assert_int_equal(org_set_field(&o, "name", "Example Water", &err), 0);
	t0 = time(NULL);
	assert_int_equal(store_org_add(st, &o, &err), SK_ETEMP);
	assert_true(time(NULL) - t0 < 5);
	assert_false(store_in_transaction(st));

	/* Once the other session is done, the same change goes through. */
	pg_must(other, "COMMIT");
	PQfinish(other);
	assert_int_equal(store_org_add(st, &o, &err), 0);
	org_clear(&o);
	assert_int_equal(testdb_sql_int(f->db.url, "SELECT count(*) FROM orgs"), 2);
	store_close(st);
}

/* PostgreSQL: the server drops the connection between calls (a restart,
 * an administrator, a fail-over); the next call connects again by itself,
 * and prepares its statements anew. */
static void test_pg_reconnect(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct store *st;
	struct org o;
	struct buf b;
	char url[300];
	int pid;

	pg_named_url(f, "reconnect", url, sizeof(url));
	st = store_open(url, &err);
	assert_non_null(st);
	add_org(st, "Example Energy", "constituent");

	/* A read. */
	pid = pg_kill_backend(f->db.url, "reconnect");
	assert_int_equal(pg_backend_pid(f->db.url, "reconnect"), 0);
	assert_int_equal(store_org_get_by_name(st, "Example Energy", &o, &err), 0);
	assert_string_equal(o.name, "Example Energy");
	org_clear(&o);
	assert_int_not_equal(pg_backend_pid(f->db.url, "reconnect"), 0);
	assert_int_not_equal(pg_backend_pid(f->db.url, "reconnect"), pid);

	/* A write, whose statements this store prepared on the old one. */
	pg_kill_backend(f->db.url, "reconnect");
	add_org(st, "Example Water", "constituent");
	assert_int_equal(testdb_sql_int(f->db.url, "SELECT count(*) FROM orgs"), 2);
	assert_int_equal(testdb_sql_int(f->db.url, "SELECT count(*) FROM audit"), 2);

	/* A walk, and one nested in it. */
	pg_kill_backend(f->db.url, "reconnect");
	buf_init(&b, 4096);
	assert_int_equal(store_org_each(st, collect_org, &b, &err), 0);
	assert_string_equal(buf_str(&b), "Example Energy,Example Water");
	buf_free(&b);

	/* An explicit transaction begun on a dropped connection. */
	pg_kill_backend(f->db.url, "reconnect");
	assert_int_equal(store_begin(st, &err), 0);
	add_org(st, "Example Bank", "constituent");
	assert_int_equal(store_commit(st, &err), 0);
	assert_int_equal(testdb_sql_int(f->db.url, "SELECT count(*) FROM orgs"), 3);

	/* A duplicate is still a duplicate after reconnecting. */
	pg_kill_backend(f->db.url, "reconnect");
	org_init(&o);
	assert_int_equal(org_set_field(&o, "name", "Example Bank", &err), 0);
	assert_int_equal(store_org_add(st, &o, &err), SK_EEXIST);
	org_clear(&o);
	store_close(st);
}

/* PostgreSQL: a connection lost inside a transaction cannot be resumed.
 * The calls that follow and the commit fail as temporary, and nothing of
 * the transaction is stored. */
static void test_pg_lost_in_transaction(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct store *st;
	struct org o;
	char url[300];

	pg_named_url(f, "lost", url, sizeof(url));
	st = store_open(url, &err);
	assert_non_null(st);
	add_org(st, "Example Energy", "constituent");

	/* Calls after the loss fail; rolling back ends the transaction, and
	 * the store connects again. */
	assert_int_equal(store_begin(st, &err), 0);
	add_org(st, "Example Water", "constituent");
	pg_kill_backend(f->db.url, "lost");
	org_init(&o);
	assert_int_equal(org_set_field(&o, "name", "Example Bank", &err), 0);
	assert_int_equal(store_org_add(st, &o, &err), SK_ETEMP);
	org_clear(&o);
	assert_true(store_in_transaction(st));
	assert_int_equal(store_org_get(st, 1, &o, &err), SK_ETEMP);
	assert_non_null(strstr(err.msg, "transaction"));
	store_rollback(st);
	assert_false(store_in_transaction(st));
	assert_int_equal(store_org_get_by_name(st, "Example Water", &o, &err), SK_ENOTFOUND);
	assert_int_equal(store_org_get_by_name(st, "Example Energy", &o, &err), 0);
	org_clear(&o);

	/* A commit after the loss fails, and leaves no transaction open. */
	assert_int_equal(store_begin(st, &err), 0);
	add_org(st, "Example Gas", "constituent");
	pg_kill_backend(f->db.url, "lost");
	assert_int_equal(store_commit(st, &err), SK_ETEMP);
	assert_false(store_in_transaction(st));
	store_close(st);

	/* Reopened: only what was committed before. */
	st = store_open(url, &err);
	assert_non_null(st);
	assert_int_equal(store_org_get_by_name(st, "Example Gas", &o, &err), SK_ENOTFOUND);
	assert_int_equal(store_org_get_by_name(st, "Example Water", &o, &err), SK_ENOTFOUND);
	assert_int_equal(testdb_sql_int(f->db.url, "SELECT count(*) FROM orgs"), 1);
	assert_int_equal(testdb_sql_int(f->db.url, "SELECT count(*) FROM audit"), 1);
	/* And the store works on. */
	add_org(st, "Example Gas", "constituent");
	store_close(st);
}

/* Two stores on one database, as two processes or two pool members: each
 * sees what the other committed at once, and nothing before. */
static void test_two_stores(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct store *st2;
	struct org o;
	struct buf b;
	int64_t id;

	st2 = store_open(f->db.url, &err);
	assert_non_null(st2);
	id = add_org(f->st, "Example Energy", "constituent");
	assert_int_equal(store_org_get(st2, id, &o, &err), 0);
	assert_string_equal(o.name, "Example Energy");

	/* Changed by the second, read by the first. */
	assert_int_equal(org_set_field(&o, "notes", "call first", &err), 0);
	assert_int_equal(store_org_update(st2, &o, &err), 0);
	org_clear(&o);
	assert_int_equal(store_org_get(f->st, id, &o, &err), 0);
	assert_string_equal(o.notes, "call first");
	/* A name taken on one is taken on the other. */
	o.id = 0;
	assert_int_equal(store_org_add(st2, &o, &err), SK_EEXIST);
	org_clear(&o);

	/* Uncommitted writes are not seen; committed ones are. */
	assert_int_equal(store_begin(f->st, &err), 0);
	add_org(f->st, "Example Water", "constituent");
	assert_int_equal(store_org_get_by_name(st2, "Example Water", &o, &err), SK_ENOTFOUND);
	assert_int_equal(store_commit(f->st, &err), 0);
	buf_init(&b, 4096);
	assert_int_equal(store_org_each(st2, collect_org, &b, &err), 0);
	assert_string_equal(buf_str(&b), "Example Energy,Example Water");
	buf_free(&b);

	/* Removed by one, gone for the other. */
	assert_int_equal(store_org_remove(st2, id, &err), 0);
	assert_int_equal(store_org_get(f->st, id, &o, &err), SK_ENOTFOUND);
	store_close(st2);
}

struct opener {
	const char *url;
	int rc;
	char msg[600];
};

static void *open_thread(void *arg)
{
	struct opener *o = arg;
	struct sk_error err = {0};
	struct store *st = store_open(o->url, &err);

	o->rc = st ? 0 : err.code;
	snprintf(o->msg, sizeof(o->msg), "%s", st ? "" : err.msg);
	store_close(st);
	return NULL;
}

#define OPENERS 8

/* Several connections opening one fresh database at once migrate it
 * once, and all succeed. */
static void test_concurrent_first_open(void **state)
{
	struct fixture *f = *state;
	struct opener op[OPENERS];
	pthread_t t[OPENERS];
	char url[256];

	assert_int_equal(testdb_new_url(f->db.dir, "fresh", url, sizeof(url)), 0);
	for (int i = 0; i < OPENERS; i++) {
		op[i].url = url;
		op[i].rc = -100;
		assert_int_equal(pthread_create(&t[i], NULL, open_thread, &op[i]), 0);
	}
	for (int i = 0; i < OPENERS; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < OPENERS; i++)
		if (op[i].rc != 0)
			fail_msg("opener %d: %d %s", i, op[i].rc, op[i].msg);
	assert_int_equal(testdb_sql_int(url, "SELECT count(*) FROM schema_migrations"),
			 (int64_t)db_migrations_count);
	assert_int_equal(tables_named(url, "'orgs'"), 1);
	testdb_drop_url(url);
}

struct pool_taker {
	struct store_pool *pool;
	struct store *got;
	volatile int done;
};

static void *take_thread(void *arg)
{
	struct pool_taker *t = arg;

	t->got = store_pool_get(t->pool);
	t->done = 1;
	return NULL;
}

static void test_pool(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct store_pool *pool;
	struct store *a, *b;
	struct pool_taker taker;
	pthread_t t;

	assert_null(store_pool_new(f->db.url, 0, &err));
	assert_int_equal(err.code, SK_ECONFIG);
	assert_null(store_pool_new("nosuch:x", 2, &err));
	assert_int_equal(err.code, SK_ECONFIG);

	pool = store_pool_new(f->db.url, 2, &err);
	assert_non_null(pool);
	a = store_pool_get(pool);
	b = store_pool_get(pool);
	assert_ptr_not_equal(a, b);

	/* A third taker waits until one is given back. */
	taker.pool = pool;
	taker.got = NULL;
	taker.done = 0;
	assert_int_equal(pthread_create(&t, NULL, take_thread, &taker), 0);
	usleep(100 * 1000);
	assert_int_equal(taker.done, 0);

	/* Given back mid-transaction: rolled back, actor reset. */
	store_set_actor(b, "api:bob");
	assert_int_equal(store_begin(b, &err), 0);
	add_org(b, "Example Energy", "constituent");
	store_pool_put(pool, b);
	pthread_join(t, NULL);
	assert_int_equal(taker.done, 1);
	assert_ptr_equal(taker.got, b);
	assert_false(store_in_transaction(b));
	assert_int_equal(testdb_sql_int(f->db.url, "SELECT count(*) FROM orgs"), 0);
	add_org(b, "Example Water", "constituent");
	assert_int_equal(
	    testdb_sql_int(f->db.url, "SELECT count(*) FROM audit WHERE actor = 'system'"), 1);

	store_pool_put(pool, a);
	store_pool_put(pool, b);
	store_pool_free(pool);
}

#define POOL_WORKERS 4
#define POOL_ORGS    10

struct pool_worker {
	struct store_pool *pool;
	int n;
	int rc;
	char msg[600];
};

/* Add POOL_ORGS organizations, each on a store taken from the pool for
 * the one call, and read each back on another. */
static void *pool_work(void *arg)
{
	struct pool_worker *w = arg;

	for (int i = 0; i < POOL_ORGS && w->rc == 0; i++) {
		struct sk_error err = {0};
		struct store *st = store_pool_get(w->pool);
		char name[64];
		struct org o;

		snprintf(name, sizeof(name), "Worker %d Org %d", w->n, i);
		org_init(&o);
		w->rc = org_set_field(&o, "name", name, &err);
		if (w->rc == 0)
			w->rc = store_org_add(st, &o, &err);
		store_pool_put(w->pool, st);
		org_clear(&o);
		if (w->rc == 0) {
			st = store_pool_get(w->pool);
			w->rc = store_org_get_by_name(st, name, &o, &err);
			store_pool_put(w->pool, st);
			if (w->rc == 0)
				org_clear(&o);
		}
		if (w->rc != 0)
			snprintf(w->msg, sizeof(w->msg), "%s: %s", name, err.msg);
	}
	return NULL;
}

/* Threads sharing a pool of fewer stores than threads all get their
 * writes through. */
static void test_pool_threads(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct pool_worker w[POOL_WORKERS];
	pthread_t t[POOL_WORKERS];
	struct store_pool *pool;

	pool = store_pool_new(f->db.url, 2, &err);
	assert_non_null(pool);
	for (int i = 0; i < POOL_WORKERS; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].pool = pool;
		w[i].n = i;
		assert_int_equal(pthread_create(&t[i], NULL, pool_work, &w[i]), 0);
	}
	for (int i = 0; i < POOL_WORKERS; i++)
		pthread_join(t[i], NULL);
	store_pool_free(pool);
	for (int i = 0; i < POOL_WORKERS; i++)
		if (w[i].rc != 0)
			fail_msg("worker %d: %d %s", i, w[i].rc, w[i].msg);
	assert_int_equal(testdb_sql_int(f->db.url, "SELECT count(*) FROM orgs"),
			 POOL_WORKERS * POOL_ORGS);
	assert_int_equal(testdb_sql_int(f->db.url, "SELECT count(*) FROM audit"),
			 POOL_WORKERS * POOL_ORGS);
}

/* ---- many rows at once ---- */

/* An organization to add with store_org_add_many(); caller org_clear()s. */
static void org_for_many(struct org *o, const char *name, const char *kind)
{
	struct sk_error err = {0};

	org_init(o);
	assert_int_equal(org_set_field(o, "name", name, &err), 0);
	assert_int_equal(org_set_field(o, "kind", kind, &err), 0);
	assert_int_equal(org_set_field(o, "class", "private", &err), 0);
	assert_int_equal(org_set_field(o, "sector", "none", &err), 0);
}

/* 250 organizations (two full statements and a partial one) get the ids
 * the database gave them, one audit row each; a name that exists or
 * repeats adds none of them and is named. */
static void test_org_add_many(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct org v[250], got;
	char name[64];
	struct buf b;

	add_org(f->st, "Example Existing", "constituent");
	for (int i = 0; i < 250; i++) {
		snprintf(name, sizeof(name), "Example Many %03d", 249 - i);
		org_for_many(&v[i], name, i == 7 ? "liaison" : "constituent");
	}
	assert_int_equal(store_org_add_many(f->st, v, 250, &err), 0);
	for (int i = 0; i < 250; i++) {
		assert_true(v[i].id > 1);
		assert_string_equal(v[i].created, "2023-11-14T22:13:20Z");
		assert_int_equal(store_org_get(f->st, v[i].id, &got, &err), 0);
		assert_string_equal(got.name, v[i].name);
		assert_int_equal(got.kind, i == 7 ? ORG_KIND_LIAISON : ORG_KIND_CONSTITUENT);
		org_clear(&got);
	}
	assert_int_equal(testdb_sql_int(f->db.url, "SELECT count(*) FROM orgs"), 251);
	assert_int_equal(audit_rows(f), 251);
	assert_int_equal(testdb_sql_int(f->db.url,
					"SELECT count(*) FROM audit WHERE action = 'org.add' "
					"AND summary = 'added organization Example Many 000 "
					"(constituent, private, none)'"),
			 1);
	buf_init(&b, 8192);
	assert_int_equal(store_audit_each(f->st, 1, collect_audit, &b, &err), 0);
	snprintf(name, sizeof(name), "org:%lld|", (long long)v[249].id);
	assert_non_null(strstr(buf_str(&b), name));
	buf_free(&b);
	for (int i = 0; i < 250; i++)
		org_clear(&v[i]);

	/* One name already stored, in the second statement: nothing added. */
	for (int i = 0; i < 150; i++) {
		snprintf(name, sizeof(name), "Example Second %03d", i);
		org_for_many(&v[i], name, "constituent");
	}
	free(v[120].name);
	v[120].name = strdup("Example Existing");
	assert_int_equal(store_org_add_many(f->st, v, 150, &err), SK_EEXIST);
	assert_string_equal(err.msg, "organization 'Example Existing' already exists");
	assert_int_equal(v[0].id, 0);
	/* The same name twice in one call. */
	free(v[120].name);
	v[120].name = strdup("Example Second 003");
	assert_int_equal(store_org_add_many(f->st, v, 150, &err), SK_EEXIST);
	assert_string_equal(err.msg, "organization 'Example Second 003' already exists");
	/* An invalid one is named by its index. */
	v[120].class = (enum org_class)42;
	assert_int_equal(store_org_add_many(f->st, v, 150, &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "organizations[120]"));
	for (int i = 0; i < 150; i++)
		org_clear(&v[i]);
	assert_int_equal(testdb_sql_int(f->db.url, "SELECT count(*) FROM orgs"), 251);
	assert_int_equal(audit_rows(f), 251);
	/* Nothing to add is fine. */
	assert_int_equal(store_org_add_many(f->st, v, 0, &err), 0);
}

/* Resources of several organizations in one call: those already held,
 * or repeated, are skipped without an error; those added are found by
 * the look-ups and each has its audit row. */
static void test_resource_add_many(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct resource *v = calloc(330, sizeof(*v)), got;
	int64_t energy, water, gas;
	size_t added = 99;
	char text[64];
	struct buf b;
	int n = 0;

	assert_non_null(v);
	energy = add_org(f->st, "Example Energy", "constituent");
	water = add_org(f->st, "Example Water", "constituent");
	gas = add_org(f->st, "Example Gas", "constituent");
	assert_int_equal(add_res(f->st, water, "prefix:198.51.100.0/24", &err), 0);
	/* 100 /64s of energy, 100 of water (one of them twice), 100 domains
	 * and 20 AS numbers of gas, a prefix water holds already. */
	for (int i = 0; i < 100; i++) {
		snprintf(text, sizeof(text), "prefix:2001:db8:%x::/64", i);
		assert_int_equal(resource_parse(text, &v[n], &err), 0);
		v[n++].org_id = energy;
		snprintf(text, sizeof(text), "prefix:2001:db8:1:%x::/64", i);
		assert_int_equal(resource_parse(text, &v[n], &err), 0);
		v[n++].org_id = water;
		snprintf(text, sizeof(text), "domain:www%d.example-gas.test", i);
		assert_int_equal(resource_parse(text, &v[n], &err), 0);
		v[n++].org_id = gas;
	}
	for (int i = 0; i < 20; i++) {
		snprintf(text, sizeof(text), "asn:AS%d", 64496 + i);
		assert_int_equal(resource_parse(text, &v[n], &err), 0);
		v[n++].org_id = gas;
	}
	assert_int_equal(resource_parse("prefix:198.51.100.0/24", &v[n], &err), 0);
	v[n++].org_id = water;
	assert_int_equal(resource_parse("prefix:2001:db8:1:5::/64", &v[n], &err), 0);
	v[n++].org_id = water;
	/* The same /24 for another organization is a new resource. */
	assert_int_equal(resource_parse("prefix:198.51.100.0/24", &v[n], &err), 0);
	v[n++].org_id = gas;
	assert_int_equal(n, 323);

	assert_int_equal(store_resource_add_many(f->st, v, (size_t)n, &added, &err), 0);
	assert_int_equal(added, 321);
	assert_int_equal(v[n - 3].id, 0); /* water held it already */
	assert_int_equal(v[n - 2].id, 0); /* repeated */
	assert_true(v[n - 1].id > 0);
	for (int i = 0; i < n; i++) {
		if (v[i].id == 0)
			continue;
		assert_int_equal(store_resource_get(f->st, v[i].id, &got, &err), 0);
		assert_int_equal(got.org_id, v[i].org_id);
		assert_int_equal(got.type, v[i].type);
		assert_string_equal(got.created, "2023-11-14T22:13:20Z");
		if (got.type == RESOURCE_DOMAIN)
			assert_string_equal(got.domain, v[i].domain);
		else if (got.type == RESOURCE_ASN)
			assert_int_equal(got.asn, v[i].asn);
		else
			assert_int_equal(prefix_compare(&got.prefix, &v[i].prefix), 0);
	}
	assert_int_equal(testdb_sql_int(f->db.url, "SELECT count(*) FROM resources"), 322);
	assert_int_equal(testdb_sql_int(f->db.url, "SELECT count(*) FROM audit WHERE action = "
						   "'resource.add'"),
			 322);
	assert_int_equal(testdb_sql_int(f->db.url,
					"SELECT count(*) FROM audit WHERE summary = 'added "
					"domain www42.example-gas.test to Example Gas'"),
			 1);
	assert_int_equal(testdb_sql_int(f->db.url,
					"SELECT count(*) FROM audit WHERE summary = 'added "
					"AS number AS64500 to Example Gas'"),
			 1);
	buf_init(&b, 4096);
	covering(f->st, "2001:db8:1:63::1", &b);
	snprintf(text, sizeof(text), "%lld:2001:db8:1:63::/64", (long long)water);
	assert_string_equal(buf_str(&b), text);
	covering(f->st, "198.51.100.7", &b);
	snprintf(text, sizeof(text), "%lld:198.51.100.0/24,%lld:198.51.100.0/24",
		 (long long)water, (long long)gas);
	assert_string_equal(buf_str(&b), text);
	by_domain(f->st, "www7.example-gas.test", &b);
	snprintf(text, sizeof(text), "%lld:www7.example-gas.test", (long long)gas);
	assert_string_equal(buf_str(&b), text);

	/* All again: nothing added, no audit rows. */
	assert_int_equal(store_resource_add_many(f->st, v, (size_t)n, &added, &err), 0);
	assert_int_equal(added, 0);
	assert_int_equal(audit_rows(f), 3 + 322);

	/* An unknown organization, or an invalid resource: nothing added. */
	assert_int_equal(resource_parse("prefix:203.0.113.0/24", &v[0], &err), 0);
	v[0].org_id = 999;
	assert_int_equal(store_resource_add_many(f->st, v, (size_t)n, &added, &err),
			 SK_ENOTFOUND);
	assert_string_equal(err.msg, "no organization with id 999");
	v[0].org_id = energy;
	v[150].prefix.addr[15] = 1; /* host bits */
	v[150].type = RESOURCE_PREFIX;
	v[150].prefix.family = 6;
	v[150].prefix.len = 64;
	assert_int_equal(store_resource_add_many(f->st, v, (size_t)n, &added, &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "resources[150]"));
	assert_int_equal(audit_rows(f), 3 + 322);
	assert_int_equal(testdb_sql_int(f->db.url, "SELECT count(*) FROM resources"), 322);

	/* Inside a transaction that is rolled back: gone. */
	assert_int_equal(store_begin(f->st, &err), 0);
	assert_int_equal(store_resource_add_many(f->st, v, 1, &added, &err), 0);
	assert_int_equal(added, 1);
	store_rollback(f->st);
	assert_int_equal(testdb_sql_int(f->db.url, "SELECT count(*) FROM resources"), 322);
	buf_free(&b);
	free(v);
}

/* Members added together: those already members are skipped; the
 * liaison and the members must be fit for it. */
static void test_member_add_many(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	int64_t isac, ids[130];
	size_t added = 99;
	char name[64];

	isac = add_org(f->st, "Energy ISAC", "liaison");
	for (int i = 0; i < 120; i++) {
		snprintf(name, sizeof(name), "Example Member %03d", i);
		ids[i] = add_org(f->st, name, "constituent");
	}
	assert_int_equal(store_member_add(f->st, isac, ids[5], &err), 0);
	ids[120] = ids[7]; /* twice */
	assert_int_equal(store_member_add_many(f->st, isac, ids, 121, &added, &err), 0);
	assert_int_equal(added, 119);
	assert_int_equal(testdb_sql_int(f->db.url, "SELECT count(*) FROM memberships"), 120);
	assert_int_equal(store_is_member(f->st, isac, ids[119], &err), 1);
	assert_int_equal(testdb_sql_int(f->db.url, "SELECT count(*) FROM audit WHERE action = "
						   "'member.add'"),
			 120);
	assert_int_equal(testdb_sql_int(f->db.url,
					"SELECT count(*) FROM audit WHERE summary = 'added "
					"Example Member 099 as a member of Energy ISAC'"),
			 1);
	assert_int_equal(store_member_add_many(f->st, isac, ids, 121, &added, &err), 0);
	assert_int_equal(added, 0);

	/* Not a liaison, itself, an unknown organization. */
	assert_int_equal(store_member_add_many(f->st, ids[0], ids + 1, 3, &added, &err),
			 SK_EINVAL);
	assert_non_null(strstr(err.msg, "Example Member 000 is not a liaison organization"));
	ids[121] = isac;
	assert_int_equal(store_member_add_many(f->st, isac, ids + 119, 3, &added, &err),
			 SK_EINVAL);
	assert_string_equal(err.msg, "Energy ISAC cannot be a member of itself");
	ids[121] = 999;
	assert_int_equal(store_member_add_many(f->st, isac, ids + 119, 3, &added, &err),
			 SK_ENOTFOUND);
	assert_int_equal(testdb_sql_int(f->db.url, "SELECT count(*) FROM memberships"), 120);
}

/* Contacts added together, two of them alike in every field: each gets
 * an id of its own and reads back as it was given. */
static void test_contact_add_many(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct contact v[130], got;
	int64_t energy, water;
	char text[64];

	energy = add_org(f->st, "Example Energy", "constituent");
	water = add_org(f->st, "Example Water", "constituent");
	for (int i = 0; i < 130; i++) {
		contact_init(&v[i]);
		snprintf(text, sizeof(text), "Duty Officer %d", i % 65);
		assert_int_equal(contact_set_field(&v[i], "name", text, &err), 0);
		snprintf(text, sizeof(text), "soc%d@example.be", i);
		assert_int_equal(contact_set_field(&v[i], "email", text, &err), 0);
		assert_int_equal(
		    contact_set_field(&v[i], "role", i % 2 ? "abuse" : "other", &err), 0);
		if (i % 3 == 0)
			assert_int_equal(
			    contact_set_field(&v[i], "phone", "+32 2 555 01 00", &err), 0);
		v[i].org_id = i < 65 ? energy : water;
	}
	free(v[129].email);
	v[129].email = strdup(v[128].email);
	v[129].role = v[128].role;
	free(v[129].name);
	v[129].name = strdup(v[128].name);
	free(v[129].phone);
	v[129].phone = v[128].phone ? strdup(v[128].phone) : NULL;
	assert_int_equal(store_contact_add_many(f->st, v, 130, &err), 0);
	assert_true(v[129].id != v[128].id && v[129].id > 0 && v[128].id > 0);
	for (int i = 0; i < 130; i++) {
		assert_string_equal(v[i].created, "2023-11-14T22:13:20Z");
		assert_int_equal(store_contact_get(f->st, v[i].id, &got, &err), 0);
		assert_int_equal(got.org_id, v[i].org_id);
		assert_string_equal(got.name, v[i].name);
		assert_string_equal(got.email, v[i].email);
		assert_int_equal(got.role, v[i].role);
		assert_int_equal(got.phone == NULL, v[i].phone == NULL);
		contact_clear(&got);
	}
	assert_int_equal(testdb_sql_int(f->db.url, "SELECT count(*) FROM contacts"), 130);
	assert_int_equal(testdb_sql_int(f->db.url,
					"SELECT count(*) FROM audit WHERE summary = 'added "
					"contact Duty Officer 2 <soc67@example.be> (abuse) to "
					"Example Water'"),
			 1);
	/* A bad one is named, and nothing is added. */
	free(v[70].email);
	v[70].email = strdup("");
	assert_int_equal(store_contact_add_many(f->st, v, 130, &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "contacts[70]"));
	assert_int_equal(testdb_sql_int(f->db.url, "SELECT count(*) FROM contacts"), 130);
	for (int i = 0; i < 130; i++)
		contact_clear(&v[i]);
}

/* Names in byte order (as strcmp, as SQLite's BINARY), on st. */
static void check_byte_order(struct store *st)
{
	static const char *const names[] = {"b",  "B", "a",   "Z",  "\xc3\xa9", "e", "_x",
					    "10", "9", "a b", "ab", "A",	NULL};
	static const char *const want = "10,9,A,B,Z,_x,a,a b,ab,b,e,\xc3\xa9";
	struct sk_error err = {0};
	struct resource r;
	struct user u;
	struct org o;
	struct buf b;
	char text[64];
	int64_t org = 0;

	for (int i = 0; names[i] != NULL; i++)
		org = add_org(st, names[i], "constituent");
	buf_init(&b, 4096);
	assert_int_equal(store_org_each(st, collect_org, &b, &err), 0);
	assert_string_equal(buf_str(&b), want);
	/* Case matters to uniqueness: "a" and "A" are two organizations. */
	assert_int_equal(store_org_get_by_name(st, "A", &o, &err), 0);
	assert_string_equal(o.name, "A");
	org_clear(&o);
	/* Domains of one organization, in byte order. */
	for (int i = 0; i < 3; i++) {
		snprintf(text, sizeof(text), "domain:%s.example.test",
			 i == 0	  ? "zeta"
			 : i == 1 ? "alpha-1"
				  : "alpha1");
		assert_int_equal(resource_parse(text, &r, &err), 0);
		r.org_id = org;
		assert_int_equal(store_resource_add(st, &r, &err), 0);
	}
	buf_reset(&b);
	assert_int_equal(store_resource_each(st, org, collect_res, &b, &err), 0);
	assert_non_null(strstr(buf_str(&b), "alpha-1.example.test"));
	assert_true(strstr(buf_str(&b), "alpha-1") < strstr(buf_str(&b), "alpha1"));
	assert_true(strstr(buf_str(&b), "alpha1") < strstr(buf_str(&b), "zeta"));
	/* User names are unique by bytes. */
	memset(&u, 0, sizeof(u));
	u.role = USER_ROLE_ADMIN;
	snprintf(u.name, sizeof(u.name), "alice");
	assert_int_equal(store_user_add(st, &u, NULL, &err), 0);
	snprintf(u.name, sizeof(u.name), "Alice");
	assert_int_equal(store_user_add(st, &u, NULL, &err), 0);
	buf_free(&b);
}

/* Sorting and uniqueness of names are byte-wise on every backend; on
 * PostgreSQL the sorted and compared columns carry the "C" collation. */
static void test_byte_order(void **state)
{
	struct fixture *f = *state;

	check_byte_order(f->st);
	if (testdb_is_sqlite())
		return;
	assert_int_equal(
	    testdb_sql_int(f->db.url,
			   "SELECT count(*) FROM information_schema.columns WHERE "
			   "table_schema = current_schema() AND collation_name = 'C' AND "
			   "(table_name, column_name) IN (('orgs', 'name'), "
			   "('contacts', 'name'), ('resources', 'value'), ('resources', "
			   "'net'), ('resources', 'domain'), ('users', 'name'))"),
	    6);
}

/* PostgreSQL: in a database whose own collation is not byte order (ICU
 * en-US: "a" before "B"), the store still sorts by bytes. */
static void test_pg_icu_database(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	const char *slash = strrchr(f->db.url, '/');
	char db[64], url[300], sql[256];
	struct store *st;
	PGconn *conn = pg_connect(f->db.url);
	PGresult *res;

	res = PQexec(conn, "SELECT count(*) FROM pg_collation WHERE collprovider = 'i'");
	assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
	if (strcmp(PQgetvalue(res, 0, 0), "0") == 0) {
		/* A server built without ICU: the column check of
		 * test_byte_order is what remains. */
		PQclear(res);
		PQfinish(conn);
		fprintf(stderr, "# this PostgreSQL has no ICU collations\n");
		return;
	}
	PQclear(res);
	snprintf(db, sizeof(db), "t_%ld_icu", (long)getpid());
	snprintf(sql, sizeof(sql),
		 "CREATE DATABASE \"%s\" TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C' "
		 "LOCALE_PROVIDER icu ICU_LOCALE 'en-US'",
		 db);
	pg_must(conn, sql);
	PQfinish(conn);
	snprintf(url, sizeof(url), "%.*s/%s", (int)(slash - f->db.url), f->db.url, db);
	/* The database's own order is not byte order. */
	conn = pg_connect(url);
	res = PQexec(conn, "SELECT string_agg(x, ',' ORDER BY x) FROM "
			   "(VALUES ('B'), ('a'), ('b'), ('A')) v(x)");
	assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
	assert_string_equal(PQgetvalue(res, 0, 0), "a,A,b,B");
	PQclear(res);
	PQfinish(conn);

	st = store_open(url, &err);
	if (st == NULL)
		fail_msg("store_open %s: %s", url, err.msg);
	check_byte_order(st);
	store_close(st);
	testdb_drop_url(url);
}

/* Capture what is written to stderr (fd 2) while fn runs. */
static void stderr_capture(void (*fn)(void *), void *ctx, char *out, size_t size)
{
	char path[] = "/tmp/schakel-test-stderr-XXXXXX";
	int fd = mkstemp(path), saved = dup(2);
	ssize_t n;

	assert_true(fd >= 0 && saved >= 0);
	fflush(stderr);
	assert_int_equal(dup2(fd, 2), 2);
	fn(ctx);
	fflush(stderr);
	assert_int_equal(dup2(saved, 2), 2);
	close(saved);
	n = pread(fd, out, size - 1, 0);
	out[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(path);
}

struct quiet_ctx {
	struct fixture *f;
	struct store *st;
	struct db *db;
	struct sk_error err;
	int rc_idle, rc_tx;
};

static void quiet_run(void *arg)
{
	struct quiet_ctx *q = arg;
	struct org o;

	/* Killed while idle: the server's FATAL arrives between
	 * statements; the next call connects again. */
	pg_kill_backend(q->f->db.url, "quiet");
	q->rc_idle = store_org_get_by_name(q->st, "Example Energy", &o, &q->err);
	if (q->rc_idle == 0)
		org_clear(&o);
	/* Killed inside a transaction: the call fails, saying why. */
	assert_int_equal(store_begin(q->st, &q->err), 0);
	pg_kill_backend(q->f->db.url, "quiet");
	q->rc_tx = store_org_get_by_name(q->st, "Example Energy", &o, &q->err);
	store_rollback(q->st);
	/* What the server says besides results (libpq would print it). */
	assert_int_equal(db_exec(q->db, "SET client_min_messages = notice", NULL), 0);
	assert_int_equal(db_exec(q->db, "DO $$BEGIN RAISE NOTICE 'a notice'; END$$", NULL), 0);
	assert_int_equal(db_exec(q->db, "COMMIT", NULL), 0); /* WARNING: no transaction */
}

/* PostgreSQL: libpq prints nothing to stderr when the server ends the
 * connection (what it says reaches the caller in the error instead). */
static void test_pg_quiet(void **state)
{
	struct fixture *f = *state;
	struct quiet_ctx q = {f, NULL, NULL, {0}, 1, 1};
	char url[300], out[4096];

	pg_named_url(f, "quiet", url, sizeof(url));
	q.st = store_open(url, &q.err);
	assert_non_null(q.st);
	q.db = db_open(f->db.url, &q.err);
	assert_non_null(q.db);
	add_org(q.st, "Example Energy", "constituent");
	stderr_capture(quiet_run, &q, out, sizeof(out));
	assert_string_equal(out, "");
	assert_int_equal(q.rc_idle, 0);
	assert_int_equal(q.rc_tx, SK_ETEMP);
	if (strstr(q.err.msg, "lost the connection to PostgreSQL") == NULL ||
	    strstr(q.err.msg, "terminating connection due to administrator command") == NULL)
		fail_msg("message: %s", q.err.msg);
	db_close(q.db);
	store_close(q.st);
}

#define TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
	static const struct CMUnitTest common[] = {
	    TEST(test_migrations),
	    TEST(test_foreign_keys),
	    TEST(test_open_errors),
	    TEST(test_org_crud),
	    TEST(test_org_each_sorted),
	    TEST(test_walks_stop_and_nest),
	    TEST(test_membership),
	    TEST(test_contacts),
	    TEST(test_remove_cascades),
	    TEST(test_resources),
	    TEST(test_covering),
	    TEST(test_covering_stops),
	    TEST(test_covering_random),
	    TEST(test_by_domain),
	    TEST(test_users_and_tokens),
	    TEST(test_audit),
	    TEST(test_rollback),
	    TEST(test_commit_after_failed_statement),
	    TEST(test_two_stores),
	    TEST(test_concurrent_first_open),
	    TEST(test_pool),
	    TEST(test_pool_threads),
	    TEST(test_org_add_many),
	    TEST(test_resource_add_many),
	    TEST(test_member_add_many),
	    TEST(test_contact_add_many),
	    TEST(test_byte_order),
	};
	static const struct CMUnitTest sqlite_only[] = {
	    TEST(test_wal),
	    TEST(test_locked),
	};
	static const struct CMUnitTest pg_only[] = {
	    TEST(test_pg_locked),
	    TEST(test_pg_reconnect),
	    TEST(test_pg_lost_in_transaction),
	    TEST(test_pg_icu_database),
	    TEST(test_pg_quiet),
	};
	/* Tests for the other backend are left out rather than skipped:
	 * this cmocka reports a skip as "not ok", a failure to TAP. */
	struct CMUnitTest tests[sizeof(common) / sizeof(common[0]) +
				sizeof(sqlite_only) / sizeof(sqlite_only[0]) +
				sizeof(pg_only) / sizeof(pg_only[0])];
	const struct CMUnitTest *extra = testdb_is_sqlite() ? sqlite_only : pg_only;
	size_t n = 0, nextra = testdb_is_sqlite() ? sizeof(sqlite_only) / sizeof(sqlite_only[0])
						  : sizeof(pg_only) / sizeof(pg_only[0]);

	testdb_skip_if_unavailable();
	for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++)
		tests[n++] = common[i];
	for (size_t i = 0; i < nextra; i++)
		tests[n++] = extra[i];
	return _cmocka_run_group_tests("store", tests, n, NULL, NULL);
}
