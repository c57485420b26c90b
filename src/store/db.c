/* store/db.c: chooses a backend from the store URL, caches prepared
 * statements by their SQL text, forwards the thin SQL interface to the
 * backend, and applies the embedded migrations, substituting the few
 * words that differ between backends ("{{ID}}", "{{BYTES}}",
 * "{{WITHOUT_ROWID}}", "{{BLOB}}", "{{ORGS_REF}}", "{{SETTLED_ONLY}}",
 * "{{PG}}", "{{SQLITE}}").
 * Failed calls are counted for /metrics. */
#include "store/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "lib/metrics.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "store/db_int.h"

#define MIGRATION_SQL_MAX (1024 * 1024)
/* Copies of one statement kept while walks over it nest. */
#define DB_COPIES_MAX 8

/* Open the database named by url. Returns a connection the caller closes
 * with db_close(), or NULL with err set: SK_ECONFIG for a URL of a form
 * this build does not handle, SK_ETEMP when the database is unavailable. */
struct db *db_open(const char *url, struct sk_error *err)
{
	if (url == NULL || *url == '\0') {
		sk_error_set(err, SK_ECONFIG, "no store URL given (use sqlite:PATH)");
		return NULL;
	}
	if (str_has_prefix(url, "sqlite:")) {
		const char *path = url + strlen("sqlite:");

		if (str_has_prefix(path, "//")) {
			sk_error_set(
			    err, SK_ECONFIG,
			    "store URL '%s': write sqlite:PATH (sqlite:/var/lib/schakel/"
			    "schakel.db or sqlite:relative/path.db), without '//'",
			    url);
			return NULL;
		}
		if (*path == '\0') {
			sk_error_set(err, SK_ECONFIG,
				     "store URL '%s' names no file (sqlite:PATH)", url);
			return NULL;
		}
		return db_sqlite_open(path, err);
	}
	if (str_has_prefix(url, "postgresql://") || str_has_prefix(url, "postgres://"))
		return db_pg_open(url, err);
	sk_error_set(err, SK_ECONFIG,
		     "store URL '%s' is not understood: use sqlite:PATH or "
		     "postgresql://USER@HOST:PORT/DATABASE",
		     url);
	return NULL;
}

/* Close db and every statement prepared on it; NULL is fine. */
void db_close(struct db *db)
{
	if (db == NULL)
		return;
	for (size_t i = 0; i < DB_CACHE_BUCKETS; i++) {
		struct db_stmt *s = db->cache[i], *next;

		for (; s != NULL; s = next) {
			next = s->next;
			free(s->sql);
			db->ops->stmt_free(s);
		}
		db->cache[i] = NULL;
	}
	db->ops->close(db);
}

enum db_backend db_backend(const struct db *db)
{
	return db->ops->backend;
}

/* Count a failed database call for /metrics (lib/metrics.h); rc. */
static int counted(int rc)
{
	if (rc == SK_ETEMP)
		metrics_count(METRICS_STORE_ERRORS_TEMPORARY, 1);
	else if (rc == SK_EIO)
		metrics_count(METRICS_STORE_ERRORS_IO, 1);
	return rc;
}

int db_exec(struct db *db, const char *sql, struct sk_error *err)
{
	return counted(db->ops->exec(db, sql, err));
}

/* FNV-1a over the SQL text. */
static uint32_t sql_hash(const char *sql)
{
	uint32_t h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)sql; *p; p++) {
		h ^= *p;
		h *= 16777619u;
	}
	return h;
}

/* A cached statement for sql that is not in the middle of a walk, or
 * NULL. When every copy is busy and there are DB_COPIES_MAX of them, the
 * first is taken anyway rather than growing without end. */
static struct db_stmt *cache_find(struct db *db, const char *sql, uint32_t hash)
{
	struct db_stmt *s, *first = NULL;
	int copies = 0;

	for (s = db->cache[hash & (DB_CACHE_BUCKETS - 1)]; s != NULL; s = s->next) {
		if (s->hash != hash || strcmp(s->sql, sql) != 0)
			continue;
		if (!db->ops->stmt_busy(s))
			return s;
		if (first == NULL)
			first = s;
		copies++;
	}
	return copies >= DB_COPIES_MAX ? first : NULL;
}

/* The cached statement for sql, reset, or a new one added to the cache.
 * Borrowed; freed by db_close(). */
struct db_stmt *db_prepare(struct db *db, const char *sql, struct sk_error *err)
{
	uint32_t hash = sql_hash(sql);
	struct db_stmt *s = cache_find(db, sql, hash);

	if (s != NULL) {
		db->ops->reset(s);
		return s;
	}
	if ((s = db->ops->stmt_new(db, sql, err)) == NULL) {
		counted(err != NULL ? err->code : SK_EIO);
		return NULL;
	}
	s->db = db;
	s->sql = xstrdup(sql);
	s->hash = hash;
	s->next = db->cache[hash & (DB_CACHE_BUCKETS - 1)];
	db->cache[hash & (DB_CACHE_BUCKETS - 1)] = s;
	return s;
}

void db_bind_int(struct db_stmt *s, int idx, int64_t v)
{
	s->db->ops->bind_int(s, idx, v);
}

void db_bind_text(struct db_stmt *s, int idx, const char *v)
{
	s->db->ops->bind_text(s, idx, v);
}

void db_bind_null(struct db_stmt *s, int idx)
{
	s->db->ops->bind_null(s, idx);
}

void db_bind_text_ref(struct db_stmt *s, int idx, const char *v, size_t len)
{
	s->db->ops->bind_text_ref(s, idx, v, len);
}

int db_step(struct db_stmt *s, struct sk_error *err)
{
	return counted(s->db->ops->step(s, err));
}

int64_t db_col_int(struct db_stmt *s, int col)
{
	return s->db->ops->col_int(s, col);
}

void db_bind_blob(struct db_stmt *s, int idx, const void *v, size_t len)
{
	s->db->ops->bind_blob(s, idx, v, len);
}

const void *db_col_blob(struct db_stmt *s, int col, size_t *len)
{
	*len = 0;
	return s->db->ops->col_blob(s, col, len);
}

const char *db_col_text(struct db_stmt *s, int col)
{
	return s->db->ops->col_text(s, col);
}

bool db_col_is_null(struct db_stmt *s, int col)
{
	return s->db->ops->col_is_null(s, col);
}

void db_reset(struct db_stmt *s)
{
	s->db->ops->reset(s);
}

int db_begin(struct db *db, struct sk_error *err)
{
	return db->ops->exec(db, db->ops->begin_sql, err);
}

int db_begin_read(struct db *db, struct sk_error *err)
{
	return db->ops->exec(db, db->ops->begin_read_sql ? db->ops->begin_read_sql : "BEGIN",
			     err);
}

int db_commit(struct db *db, struct sk_error *err)
{
	return db->ops->exec(db, "COMMIT", err);
}

void db_rollback(struct db *db)
{
	db->ops->exec(db, "ROLLBACK", NULL);
}

/* See db.h; a backend whose generated ids continue by themselves (SQLite
 * AUTOINCREMENT) has no hook. */
int db_id_continue(struct db *db, const char *table, int64_t last_id, struct sk_error *err)
{
	if (db->ops->id_continue == NULL || last_id < 1)
		return 0;
	return db->ops->id_continue(db, table, last_id, err);
}

/* See db.h. */
bool db_has_copy(const struct db *db)
{
	return db->ops->copy != NULL;
}

/* See db.h. */
int db_copy(struct db *db, const char *table, const char *cols, int ncols,
	    const struct db_value *v, size_t nrows, struct sk_error *err)
{
	if (db->ops->copy == NULL)
		return sk_error_set(err, SK_EINVAL, "copying rows into %s: not on this backend",
				    table);
	if (nrows == 0)
		return 0;
	return db->ops->copy(db, table, cols, ncols, v, nrows, err);
}

/* See db.h. */
int db_id_reserve(struct db *db, const char *table, size_t n, int64_t *ids,
		  struct sk_error *err)
{
	if (n == 0 || n > DB_ID_RESERVE_MAX)
		return sk_error_set(err, SK_EINVAL,
				    "reserving %zu ids of %s: 1 to %d at a time", n, table,
				    DB_ID_RESERVE_MAX);
	return db->ops->id_reserve(db, table, n, ids, err);
}

/* Expand the backend words in a migration's SQL into out. An unknown
 * "{{WORD}}" is an error, so a typo never reaches the database. */
static int migration_expand(const struct db *db, const struct db_migration *m, struct buf *out,
			    struct sk_error *err)
{
	const struct {
		const char *word;
		const char *text;
	} words[] = {
	    {"{{ID}}", db->ops->id_column},	 {"{{BYTES}}", db->ops->bytes_collation},
	    {"{{BLOB}}", db->ops->blob_type},	 {"{{WITHOUT_ROWID}}", db->ops->without_rowid},
	    {"{{ORGS_REF}}", db->ops->orgs_ref}, {"{{SETTLED_ONLY}}", db->ops->settled_only},
	    {"{{PG}}", db->ops->pg_line},	 {"{{SQLITE}}", db->ops->sqlite_line},
	};
	const char *p = m->sql, *open;
	size_t i, nwords = sizeof(words) / sizeof(words[0]);
	int rc = 0;

	while ((open = strstr(p, "{{")) != NULL) {
		if ((rc = buf_append(out, p, (size_t)(open - p))) != 0)
			goto toobig;
		for (i = 0; i < nwords && !str_has_prefix(open, words[i].word); i++)
			;
		if (i == nwords)
			return sk_error_set(err, SK_EIO,
					    "migration %04d_%s: unknown word '%.20s'",
					    m->version, m->name, open);
		if ((rc = buf_append_str(out, words[i].text)) != 0)
			goto toobig;
		p = open + strlen(words[i].word);
	}
	if ((rc = buf_append_str(out, p)) != 0)
		goto toobig;
	return 0;
toobig:
	return sk_error_set(err, rc, "migration %04d_%s is larger than %d bytes", m->version,
			    m->name, MIGRATION_SQL_MAX);
}

/* Read the recorded versions: the highest into *max_out, and fail with
 * SK_ECONFIG if one is unknown to this binary (a newer schakel migrated
 * the database). */
static int migrations_recorded(struct db *db, int *max_out, struct sk_error *err)
{
	struct db_stmt *s;
	int max = 0, rc;

	s = db_prepare(db, "SELECT version FROM schema_migrations ORDER BY version", err);
	if (s == NULL)
		return err ? err->code : SK_EIO;
	while ((rc = db_step(s, err)) == 1) {
		int64_t v = db_col_int(s, 0);

		if (v < 1 || (uint64_t)v > db_migrations_count) {
			db_reset(s);
			return sk_error_set(
			    err, SK_ECONFIG,
			    "the database has schema version %lld, which this "
			    "schakel does not know (it knows 1 to %zu): use a newer "
			    "schakel with this database",
			    (long long)v, db_migrations_count);
		}
		if (v > max)
			max = (int)v;
	}
	if (rc < 0)
		return rc;
	*max_out = max;
	return 0;
}

/* Apply the first missing migration, if any, in one transaction that
 * holds the write lock; *max_out is the schema version afterwards. */
static int migration_apply_next(struct db *db, int *max_out, struct sk_error *err)
{
	const struct db_migration *m;
	struct buf sql;
	struct db_stmt *s;
	char now[21];
	bool in_tx = false;
	int max = 0, rc;

	buf_init(&sql, MIGRATION_SQL_MAX);
	if ((rc = db_begin(db, err)) != 0) {
		sk_error_prefix(err, "migrating the database");
		goto out;
	}
	in_tx = true;
	if (db->ops->migrate_lock_sql != NULL &&
	    (rc = db_exec(db, db->ops->migrate_lock_sql, err)) != 0)
		goto out;
	rc = db_exec(db,
		     "CREATE TABLE IF NOT EXISTS schema_migrations ("
		     "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
		     "applied_at TEXT NOT NULL)",
		     err);
	if (rc != 0)
		goto out;
	/* Another process may have migrated while we waited for the lock. */
	if ((rc = migrations_recorded(db, &max, err)) != 0)
		goto out;
	if ((size_t)max < db_migrations_count) {
		m = &db_migrations[max];
		if ((rc = migration_expand(db, m, &sql, err)) != 0)
			goto out;
		if ((rc = db_exec(db, buf_str(&sql), err)) != 0) {
			sk_error_prefix(err, "applying migration %04d_%s", m->version, m->name);
			goto out;
		}
		s = db_prepare(db,
			       "INSERT INTO schema_migrations (version, name, applied_at) "
			       "VALUES ($1, $2, $3)",
			       err);
		if (s == NULL) {
			rc = err ? err->code : SK_EIO;
			goto out;
		}
		str_time_iso(str_time_now(), now);
		db_bind_int(s, 1, m->version);
		db_bind_text(s, 2, m->name);
		db_bind_text(s, 3, now);
		if ((rc = db_step(s, err)) < 0)
			goto out;
		rc = 0;
		max = m->version;
	}
	if ((rc = db_commit(db, err)) != 0)
		goto out;
	in_tx = false;
out:
	if (in_tx)
		db_rollback(db);
	buf_free(&sql);
	if (rc == 0)
		*max_out = max;
	return rc;
}

/* The recorded schema version and the newest known (see db.h). */
int db_schema_version(struct db *db, int *have, int *newest, struct sk_error *err)
{
	struct sk_error quiet = {0};
	struct db_stmt *s;
	int max = 0, rc;

	rc = migrations_recorded(db, &max, &quiet);
	if (rc == SK_ETEMP)
		return sk_error_set(err, rc, "%s", quiet.msg);
	if (rc == SK_ECONFIG) { /* a version newer than ours */
		s = db_prepare(db, "SELECT max(version) FROM schema_migrations", err);
		if (s == NULL)
			return err ? err->code : SK_EIO;
		if ((rc = db_step(s, err)) < 0)
			return rc;
		max = rc == 1 ? (int)db_col_int(s, 0) : 0;
		db_reset(s);
	} else if (rc != 0) {
		max = 0; /* no schema_migrations table: never migrated */
	}
	*have = max;
	*newest = (int)db_migrations_count;
	return 0;
}

/* Bring the schema up to date (see db.h). Reading the recorded versions
 * first, without a lock, keeps the usual case (nothing to do) from
 * waiting on a writer. */
int db_migrate(struct db *db, struct sk_error *err)
{
	struct sk_error quiet = {0};
	int max = 0, rc;

	rc = migrations_recorded(db, &max, &quiet);
	if (rc == SK_ECONFIG)
		return sk_error_set(err, rc, "%s", quiet.msg);
	if (rc == 0 && (size_t)max == db_migrations_count)
		return 0;
	/* No table yet, or versions missing: migrate under the write lock. */
	do {
		if ((rc = migration_apply_next(db, &max, err)) != 0)
			return rc;
	} while ((size_t)max < db_migrations_count);
	return 0;
}
