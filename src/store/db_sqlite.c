/* store/db_sqlite.c: the SQLite backend of db.h: one connection per
 * thread (NOMUTEX), WAL, 8 KiB pages, foreign keys on, "$N" placeholders
 * rewritten to "?N", and SQLite result codes mapped onto SK_E* with
 * messages naming the database file. */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "store/db_int.h"

#define SQLITE_BUSY_TIMEOUT_MS 5000
#define SQLITE_SQL_MAX	       (64 * 1024) /* one statement's text, after rewriting */

struct sqlite_stmt {
	struct db_stmt base;
	sqlite3_stmt *h;
	int bind_rc; /* first failed bind, reported by step */
	int bind_idx;
};

struct sqlite_db {
	struct db base;
	sqlite3 *h;
	char *path;
};

static struct sqlite_db *to_db(struct db *db)
{
	return (struct sqlite_db *)db;
}

static struct sqlite_stmt *to_stmt(struct db_stmt *s)
{
	return (struct sqlite_stmt *)s;
}

/* Map an SQLite result code onto SK_E* and set a message that names the
 * database file; callers above prefix the operation. Returns the code. */
static int sqlite_error(struct sqlite_db *d, int rc, struct sk_error *err)
{
	const char *msg = d->h ? sqlite3_errmsg(d->h) : sqlite3_errstr(rc);

	switch (rc & 0xff) {
	case SQLITE_CONSTRAINT:
		if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
			return sk_error_set(err, SK_EEXIST, "database %s: %s", d->path, msg);
		return sk_error_set(err, SK_EINVAL, "database %s: %s", d->path, msg);
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return sk_error_set(err, SK_ETEMP,
				    "database %s is locked by another writer; try again",
				    d->path);
	case SQLITE_FULL:
		return sk_error_set(err, SK_ETEMP, "database %s: the disk is full", d->path);
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
		return sk_error_set(err, SK_ETEMP, "database %s: %s", d->path, msg);
	case SQLITE_NOTADB:
		return sk_error_set(err, SK_ECONFIG, "%s is not an SQLite database", d->path);
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return sk_error_set(err, SK_ECONFIG, "database %s: %s", d->path, msg);
	default:
		return sk_error_set(err, SK_EIO, "database %s: %s", d->path, msg);
	}
}

/* Rewrite "$N" placeholders to SQLite's "?N", leaving quoted text alone.
 * Result in out. */
static int sql_rewrite(const char *sql, struct buf *out)
{
	char quote = 0;
	int rc = 0;

	for (const char *p = sql; *p && rc == 0; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
			rc = buf_append_char(out, *p);
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
			rc = buf_append_char(out, *p);
		} else if (*p == '$' && p[1] >= '1' && p[1] <= '9') {
			rc = buf_append_char(out, '?');
		} else {
			rc = buf_append_char(out, *p);
		}
	}
	return rc;
}

static void sqlite_close(struct db *db)
{
	struct sqlite_db *d = to_db(db);

	sqlite3_close_v2(d->h);
	free(d->path);
	free(d);
}

/* Run SQL text without parameters; err may be NULL. */
static int sqlite_exec(struct db *db, const char *sql, struct sk_error *err)
{
	struct sqlite_db *d = to_db(db);
	int rc = sqlite3_exec(d->h, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return sqlite_error(d, rc, err);
	return 0;
}

/* Prepare sql with its "$N" rewritten; db.c caches the result. */
static struct db_stmt *sqlite_stmt_new(struct db *db, const char *sql, struct sk_error *err)
{
	struct sqlite_db *d = to_db(db);
	struct sqlite_stmt *s = NULL;
	sqlite3_stmt *h = NULL;
	struct buf text;
	int rc;

	buf_init(&text, SQLITE_SQL_MAX);
	if (sql_rewrite(sql, &text) != 0) {
		sk_error_set(err, SK_EIO, "statement longer than %d bytes", SQLITE_SQL_MAX);
		goto out;
	}
	rc = sqlite3_prepare_v3(d->h, buf_str(&text), (int)text.len + 1,
				SQLITE_PREPARE_PERSISTENT, &h, NULL);
	if (rc != SQLITE_OK) {
		sqlite_error(d, rc, err);
		goto out;
	}
	s = xcalloc(1, sizeof(*s));
	s->h = h;
	h = NULL;
out:
	sqlite3_finalize(h);
	buf_free(&text);
	return s ? &s->base : NULL;
}

static bool sqlite_stmt_busy(struct db_stmt *st)
{
	return sqlite3_stmt_busy(to_stmt(st)->h) != 0;
}

static void sqlite_stmt_free(struct db_stmt *st)
{
	sqlite3_finalize(to_stmt(st)->h);
	free(st);
}

static void note_bind(struct sqlite_stmt *s, int idx, int rc)
{
	if (rc != SQLITE_OK && s->bind_rc == SQLITE_OK) {
		s->bind_rc = rc;
		s->bind_idx = idx;
	}
}

static void sqlite_bind_int(struct db_stmt *st, int idx, int64_t v)
{
	struct sqlite_stmt *s = to_stmt(st);

	note_bind(s, idx, sqlite3_bind_int64(s->h, idx, v));
}

static void sqlite_bind_text(struct db_stmt *st, int idx, const char *v)
{
	struct sqlite_stmt *s = to_stmt(st);

	if (v == NULL)
		note_bind(s, idx, sqlite3_bind_null(s->h, idx));
	else
		note_bind(s, idx, sqlite3_bind_text(s->h, idx, v, -1, SQLITE_TRANSIENT));
}

/* SQLITE_STATIC: SQLite reads v where it is until the statement is
 * reset or v is bound over (db.h). */
static void sqlite_bind_text_ref(struct db_stmt *st, int idx, const char *v, size_t len)
{
	struct sqlite_stmt *s = to_stmt(st);

	if (len > INT32_MAX)
		note_bind(s, idx, SQLITE_TOOBIG);
	else
		note_bind(s, idx, sqlite3_bind_text(s->h, idx, v, (int)len, SQLITE_STATIC));
}

static void sqlite_bind_blob(struct db_stmt *st, int idx, const void *v, size_t len)
{
	struct sqlite_stmt *s = to_stmt(st);

	if (len > INT32_MAX)
		note_bind(s, idx, SQLITE_TOOBIG);
	else
		note_bind(
		    s, idx,
		    sqlite3_bind_blob(s->h, idx, len > 0 ? v : "", (int)len, SQLITE_TRANSIENT));
}

static void sqlite_bind_null(struct db_stmt *st, int idx)
{
	struct sqlite_stmt *s = to_stmt(st);

	note_bind(s, idx, sqlite3_bind_null(s->h, idx));
}

/* 1 with a row, 0 when done (the statement is then reset), < 0 on error
 * (also reset, so no lock is held). */
static int sqlite_step(struct db_stmt *st, struct sk_error *err)
{
	struct sqlite_stmt *s = to_stmt(st);
	struct sqlite_db *d = to_db(st->db);
	int rc;

	if (s->bind_rc != SQLITE_OK) {
		rc = sk_error_set(err, SK_EIO, "binding parameter %d: %s", s->bind_idx,
				  sqlite3_errstr(s->bind_rc));
		sqlite3_reset(s->h);
		return rc;
	}
	rc = sqlite3_step(s->h);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE) {
		sqlite3_reset(s->h);
		return 0;
	}
	rc = sqlite_error(d, rc, err);
	sqlite3_reset(s->h);
	return rc;
}

static int64_t sqlite_col_int(struct db_stmt *st, int col)
{
	return sqlite3_column_int64(to_stmt(st)->h, col);
}

static const char *sqlite_col_text(struct db_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(to_stmt(st)->h, col);
}

static bool sqlite_col_is_null(struct db_stmt *st, int col)
{
	return sqlite3_column_type(to_stmt(st)->h, col) == SQLITE_NULL;
}

static const void *sqlite_col_blob(struct db_stmt *st, int col, size_t *len)
{
	struct sqlite_stmt *s = to_stmt(st);
	const void *v;

	if (sqlite_col_is_null(st, col))
		return NULL;
	v = sqlite3_column_blob(s->h, col);
	*len = (size_t)sqlite3_column_bytes(s->h, col);
	return v != NULL ? v : ""; /* an empty blob */
}

static void sqlite_reset(struct db_stmt *st)
{
	struct sqlite_stmt *s = to_stmt(st);

	sqlite3_reset(s->h);
	s->bind_rc = SQLITE_OK;
}

/* The ids after table's sqlite_sequence entry, which AUTOINCREMENT keeps
 * at the highest id the table ever had; the caller holds the write lock
 * (BEGIN IMMEDIATE), so no other connection takes them, and inserting
 * them moves the entry on. */
static int sqlite_id_reserve(struct db *db, const char *table, size_t n, int64_t *ids,
			     struct sk_error *err)
{
	struct db_stmt *s =
	    db_prepare(db, "SELECT seq FROM sqlite_sequence WHERE name = $1", err);
	int64_t last = 0;
	int rc;

	if (s == NULL)
		return err ? err->code : SK_EIO;
	db_bind_text(s, 1, table);
	if ((rc = db_step(s, err)) < 0) {
		sk_error_prefix(err, "reserving ids of %s", table);
		return rc;
	}
	if (rc == 1) {
		last = db_col_int(s, 0);
		db_reset(s);
	}
	if (last < 0 || last > INT64_MAX - (int64_t)n)
		return sk_error_set(err, SK_EIO, "the ids of %s are used up", table);
	for (size_t i = 0; i < n; i++)
		ids[i] = last + 1 + (int64_t)i;
	return 0;
}

static const struct db_ops sqlite_ops = {
    .backend = DB_SQLITE,
    .id_column = "INTEGER PRIMARY KEY AUTOINCREMENT",
    .bytes_collation = "", /* BINARY, SQLite's default, compares bytes */
    .blob_type = "BLOB",
    .without_rowid = " WITHOUT ROWID",
    .orgs_ref = "",
    .settled_only = "WHERE notification_id IS NOT NULL OR role = 'national'",
    .pg_line = "-- ",
    .sqlite_line = "",
    .begin_sql = "BEGIN IMMEDIATE",
    .begin_read_sql = "BEGIN",
    .migrate_lock_sql = NULL,
    .close = sqlite_close,
    .exec = sqlite_exec,
    .stmt_new = sqlite_stmt_new,
    .stmt_busy = sqlite_stmt_busy,
    .stmt_free = sqlite_stmt_free,
    .bind_int = sqlite_bind_int,
    .bind_text = sqlite_bind_text,
    .bind_null = sqlite_bind_null,
    .bind_text_ref = sqlite_bind_text_ref,
    .bind_blob = sqlite_bind_blob,
    .step = sqlite_step,
    .col_int = sqlite_col_int,
    .col_text = sqlite_col_text,
    .col_is_null = sqlite_col_is_null,
    .col_blob = sqlite_col_blob,
    .reset = sqlite_reset,
    .id_continue = NULL, /* AUTOINCREMENT continues past explicit ids itself */
    .id_reserve = sqlite_id_reserve,
};

/* The busy timeout: SCHAKEL_BUSY_TIMEOUT_MS if set and valid (tests
 * shorten it), else 5 s. */
static int busy_timeout_ms(void)
{
	const char *text = getenv("SCHAKEL_BUSY_TIMEOUT_MS");
	int64_t v;

	if (text != NULL && str_to_i64(text, 0, 600000, &v) == 0)
		return (int)v;
	return SQLITE_BUSY_TIMEOUT_MS;
}

/* Fail with SK_ECONFIG naming the directory if the one that should hold
 * path does not exist; SQLite would only say "unable to open". */
static int check_directory(const char *path, struct sk_error *err)
{
	const char *slash = strrchr(path, '/');
	struct stat sb;
	char *dir;
	int rc = 0;

	if (strcmp(path, ":memory:") == 0 || str_has_prefix(path, "file:") || slash == NULL)
		return 0;
	dir = slash == path ? xstrdup("/") : xstrndup(path, (size_t)(slash - path));
	if (stat(dir, &sb) != 0)
		rc = sk_error_set(err, errno == ENOENT ? SK_ECONFIG : SK_ETEMP,
				  "database %s: directory %s: %s", path, dir, strerror(errno));
	else if (!S_ISDIR(sb.st_mode))
		rc = sk_error_set(err, SK_ECONFIG, "database %s: %s is not a directory", path,
				  dir);
	free(dir);
	return rc;
}

/* Create the database file at path, mode 0600 whatever the umask, if it
 * does not exist (SQLite gives the -wal and -shm files the mode of the
 * database), and refuse a database whose files others may read or write:
 * they hold password hashes, contacts, TLP:RED events and raw mails. */
static int check_private(const char *path, struct sk_error *err)
{
	static const char *const suffixes[] = {"", "-wal", "-shm"};
	struct stat sb;
	int fd;

	if (strcmp(path, ":memory:") == 0 || str_has_prefix(path, "file:"))
		return 0;
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd >= 0) {
		int bad = fchmod(fd, 0600);

		close(fd);
		if (bad != 0)
			return sk_error_set(err, SK_EIO, "database %s: %s", path,
					    strerror(errno));
		return 0;
	}
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		char *file = xasprintf("%s%s", path, suffixes[i]);
		int open_to_others = stat(file, &sb) == 0 && (sb.st_mode & 077) != 0;

		free(file);
		if (open_to_others)
			return sk_error_set(err, SK_ECONFIG,
					    "database %s%s is open to other users (mode %04o): "
					    "run chmod 600 %s*",
					    path, suffixes[i], (unsigned)(sb.st_mode & 07777),
					    path);
	}
	return 0;
}

/* Open (creating if absent) the SQLite database at path and set it up
 * for schakel. Caller closes with db_close(). */
struct db *db_sqlite_open(const char *path, struct sk_error *err)
{
	/* The page size counts for a new database only (before WAL writes
	 * its first page): 8 KiB holds three events of a 2 KiB JSON line
	 * where 4 KiB held one (bench/README.md, bench_ingest). */
	static const char *const setup[] = {
	    "PRAGMA page_size = 8192",	  "PRAGMA foreign_keys = ON",
	    "PRAGMA journal_mode = WAL",  "PRAGMA synchronous = NORMAL",
	    "PRAGMA temp_store = MEMORY", NULL,
	};
	struct sqlite_db *d = NULL;
	int rc;

	if (check_directory(path, err) != 0 || check_private(path, err) != 0)
		return NULL;
	d = xcalloc(1, sizeof(*d));
	d->base.ops = &sqlite_ops;
	d->path = xstrdup(path);
	rc = sqlite3_open_v2(path, &d->h,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			     NULL);
	if (rc != SQLITE_OK)
		goto out;
	sqlite3_extended_result_codes(d->h, 1);
	/* The last connection to close checkpoints the WAL and removes it,
	 * as SQLite does by default: a WAL left behind is read whole (up to
	 * the automatic checkpoint's 1000 pages) by the next process to
	 * open the database, to rebuild its index, and a short-lived process
	 * (mailgate, one per mail) would pay that every time. */
	sqlite3_busy_timeout(d->h, busy_timeout_ms());
	for (int i = 0; setup[i] != NULL && rc == SQLITE_OK; i++)
		rc = sqlite3_exec(d->h, setup[i], NULL, NULL, NULL);
out:
	if (rc != SQLITE_OK) {
		sqlite_error(d, rc, err);
		sqlite_close(&d->base);
		return NULL;
	}
	return &d->base;
}
