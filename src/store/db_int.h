/* store/db_int.h: what db.c needs from each backend: a table of functions
 * and a few backend-specific SQL words, plus the migrations embedded at
 * build time. Private to src/store; a new backend adds one ops table. */
#ifndef SK_STORE_DB_INT_H
#define SK_STORE_DB_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/db.h"

struct sk_error;

struct db_ops {
	enum db_backend backend;
	/* Replaces "{{ID}}" in migrations: an auto-increment primary key. */
	const char *id_column;
	/* Replaces "{{BYTES}}" in migrations, after the type of a text column
	 * that is sorted or compared: makes its order and equality byte-wise,
	 * whatever the database's collation ("" where that is the default). */
	const char *bytes_collation;
	/* Replaces "{{BLOB}}": the type of a column of any bytes. */
	const char *blob_type;
	/* Replaces "{{WITHOUT_ROWID}}" after a table's closing parenthesis: a
	 * table stored in its primary key's order alone, not beside it
	 * ("" where tables are not kept that way). */
	const char *without_rowid;
	/* Replace "{{ORGS_REF}}" after event_recipients.org_id and
	 * "{{SETTLED_ONLY}}" after its index by organization. PostgreSQL,
	 * where another node may remove an organization while events are
	 * stored: a foreign key to orgs, and an index over every row (which
	 * its cascade needs). SQLite, one writer at a time: no foreign key
	 * (store_event.c checks the ids in the transaction that stores them
	 * and removes an organization's rows itself), and the index over the
	 * rows no notification waits for, as event_recipients_pending has
	 * the others; a new row goes into one of the two. */
	const char *orgs_ref;
	const char *settled_only;
	/* Replace "{{PG}}" and "{{SQLITE}}" at the start of a line: "" on
	 * that backend, "-- " (the line is a comment) on the other, for the
	 * rare statement one backend lacks (0018 widens a CHECK). */
	const char *pg_line;
	const char *sqlite_line;
	/* Starts a transaction that writes ("BEGIN IMMEDIATE" on SQLite). */
	const char *begin_sql;
	/* Starts a transaction for a group of reads ("BEGIN" on SQLite). */
	const char *begin_read_sql;
	/* Run first in every migration transaction so that two processes
	 * never migrate at once, or NULL when begin_sql already excludes
	 * other writers. */
	const char *migrate_lock_sql;

	/* Free the connection; db.c has freed every statement before. */
	void (*close)(struct db *db);
	int (*exec)(struct db *db, const char *sql, struct sk_error *err);
	/* A new statement for sql (zeroed base; db.c fills it in and caches
	 * it), or NULL with err set. stmt_busy: is it in the middle of a
	 * walk? stmt_free releases it (not base.sql, which db.c frees). */
	struct db_stmt *(*stmt_new)(struct db *db, const char *sql, struct sk_error *err);
	bool (*stmt_busy)(struct db_stmt *s);
	void (*stmt_free)(struct db_stmt *s);
	void (*bind_int)(struct db_stmt *s, int idx, int64_t v);
	void (*bind_text)(struct db_stmt *s, int idx, const char *v);
	void (*bind_null)(struct db_stmt *s, int idx);
	void (*bind_text_ref)(struct db_stmt *s, int idx, const char *v, size_t len);
	void (*bind_blob)(struct db_stmt *s, int idx, const void *v, size_t len);
	int (*step)(struct db_stmt *s, struct sk_error *err);
	int64_t (*col_int)(struct db_stmt *s, int col);
	const char *(*col_text)(struct db_stmt *s, int col);
	bool (*col_is_null)(struct db_stmt *s, int col);
	const void *(*col_blob)(struct db_stmt *s, int col, size_t *len);
	void (*reset)(struct db_stmt *s);
	/* Make the ids generated for table continue past last_id (rows
	 * were inserted with explicit ids), or NULL when the backend's
	 * generator does that by itself. */
	int (*id_continue)(struct db *db, const char *table, int64_t last_id,
			   struct sk_error *err);
	/* Fill ids[0..n) with new ids of table for rows the caller inserts
	 * with explicit ids in the write transaction it holds. */
	int (*id_reserve)(struct db *db, const char *table, size_t n, int64_t *ids,
			  struct sk_error *err);
	/* db_copy(), or NULL where the backend has no stream of rows. */
	int (*copy)(struct db *db, const char *table, const char *cols, int ncols,
		    const struct db_value *v, size_t nrows, struct sk_error *err);
};

#define DB_CACHE_BUCKETS 256 /* power of two */

/* Every backend's connection and statement start with these; db.c owns
 * the statement cache. */
struct db {
	const struct db_ops *ops;
	struct db_stmt *cache[DB_CACHE_BUCKETS];
};

struct db_stmt {
	struct db *db;
	char *sql; /* the text as given: the cache key */
	uint32_t hash;
	struct db_stmt *next; /* in the same cache bucket */
};

/* Backends. path is the part of the URL after "sqlite:"; url is a
 * libpq connection URI ("postgresql://..."). */
struct db *db_sqlite_open(const char *path, struct sk_error *err);
struct db *db_pg_open(const char *url, struct sk_error *err);

/* One numbered migration, from src/store/migrations/NNNN_name.sql
 * (generated migrations.c, by embed.py). Ordered by version, 1..count. */
struct db_migration {
	int version;
	const char *name;
	const char *sql;
};

extern const struct db_migration db_migrations[];
extern const size_t db_migrations_count;

#endif
