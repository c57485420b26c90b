/* store/db.h: the thin SQL layer under store.c. One set of SQL text,
 * written with PostgreSQL-style "$1" placeholders, runs on every backend;
 * each backend maps its errors onto SK_E* codes (unique violation ->
 * SK_EEXIST, busy/locked/unreachable -> SK_ETEMP). Private to src/store. */
#ifndef SK_STORE_DB_H
#define SK_STORE_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sk_error;
struct db;
struct db_stmt;

enum db_backend { DB_SQLITE, DB_POSTGRESQL };

struct db *db_open(const char *url, struct sk_error *err);
void db_close(struct db *db);
enum db_backend db_backend(const struct db *db);

/* Run one or more statements without parameters (migrations). */
int db_exec(struct db *db, const char *sql, struct sk_error *err);

/* A prepared statement, cached on the connection by its SQL text: the
 * same text returns the same statement, reset. Borrowed; freed with db.
 * (While a statement is still being stepped, preparing the same text
 * again gives a second cached statement, so walks may nest.) */
struct db_stmt *db_prepare(struct db *db, const char *sql, struct sk_error *err);
void db_bind_int(struct db_stmt *s, int idx, int64_t v);      /* idx from 1 */
void db_bind_text(struct db_stmt *s, int idx, const char *v); /* copied; NULL binds NULL */
void db_bind_null(struct db_stmt *s, int idx);
/* Bind v[0..len) (no NUL inside) without copying it where the backend
 * can: v is borrowed and must stay as it is until the statement is
 * stepped to its end, reset, or bound again. For large values bound many
 * times over (event bodies). */
void db_bind_text_ref(struct db_stmt *s, int idx, const char *v, size_t len);
/* Bind len bytes of any value (a message as received): copied. */
void db_bind_blob(struct db_stmt *s, int idx, const void *v, size_t len);
/* 1 when a row is ready, 0 when done, < 0 on error. */
int db_step(struct db_stmt *s, struct sk_error *err);
int64_t db_col_int(struct db_stmt *s, int col);	     /* col from 0 */
const char *db_col_text(struct db_stmt *s, int col); /* NULL for NULL */
bool db_col_is_null(struct db_stmt *s, int col);
/* The bytes of a blob column (NULL for NULL) and their count in *len;
 * valid until the next step, reset or blob read of the statement. */
const void *db_col_blob(struct db_stmt *s, int col, size_t *len);
/* Finish with a statement early (before db_step returned 0). */
void db_reset(struct db_stmt *s);

/* Transactions. db_begin starts one that will write (SQLite takes the
 * write lock at once, waiting up to the busy timeout). db_commit that
 * fails leaves the transaction open: roll it back. db_rollback ignores
 * errors (there may be no transaction left to roll back). */
int db_begin(struct db *db, struct sk_error *err);
/* Start a transaction for a group of reads: one consistent snapshot
 * without taking the write lock. End it with db_commit(). */
int db_begin_read(struct db *db, struct sk_error *err);
int db_commit(struct db *db, struct sk_error *err);
void db_rollback(struct db *db);

/* After rows were inserted into table with ids given explicitly (up to
 * last_id), make the ids the database generates continue past last_id.
 * table is one of the schema's tables, never outside input. */
int db_id_continue(struct db *db, const char *table, int64_t last_id, struct sk_error *err);

/* Reserve n (1..DB_ID_RESERVE_MAX) new ids of table (one of the
 * schema's tables with an {{ID}} column, never outside input) into
 * ids[0..n), in ascending order, for rows the caller inserts with these
 * ids explicitly, in the write transaction it holds (db_begin): no other
 * writer gets them, and the ids the database generates later continue
 * past them. Saves asking for each row's id back (RETURNING). ids is
 * written only on success. */
#define DB_ID_RESERVE_MAX 100000
int db_id_reserve(struct db *db, const char *table, size_t n, int64_t *ids,
		  struct sk_error *err);

/* One value of a row for db_copy(); text is borrowed. */
struct db_value {
	enum { DB_VALUE_NULL, DB_VALUE_INT, DB_VALUE_TEXT } kind;
	int64_t i;
	const char *text; /* len bytes, no NUL among them */
	size_t len;
};

/* Whether db_copy() streams rows on this backend (PostgreSQL's COPY);
 * without it, callers insert the rows with statements. */
bool db_has_copy(const struct db *db);

/* Add nrows rows of ncols values each (v, row after row) to table,
 * columns cols ("a, b, c"; table and cols are the schema's, never outside
 * input), in one stream, in the write transaction the caller holds.
 * SK_EINVAL where a constraint refuses a row. */
int db_copy(struct db *db, const char *table, const char *cols, int ncols,
	    const struct db_value *v, size_t nrows, struct sk_error *err);

/* Apply the embedded migrations that the database lacks, each in its own
 * transaction, and record them in schema_migrations. A database that
 * records a version this binary does not know is SK_ECONFIG. Safe when
 * several processes open the same fresh database at once. */
int db_migrate(struct db *db, struct sk_error *err);

/* The highest schema version db records (*have: 0 when none, above
 * *newest when a newer schakel migrated it) and the newest this schakel
 * knows (*newest), without migrating. SK_ETEMP when it cannot be read
 * now. */
int db_schema_version(struct db *db, int *have, int *newest, struct sk_error *err);

#endif
