/* store/db.h: the thin SQL layer under store.c. One set of SQL text,
 * written with PostgreSQL-style "$1" placeholders, runs on every backend;
 * each backend maps its errors onto SK_E* codes (unique violation ->
 * SK_EEXIST, busy/locked/unreachable -> SK_ETEMP). Private to src/store. */
#ifndef SK_STORE_DB_H
#define SK_STORE_DB_H

#include <stdbool.h>
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
 * same text returns the same statement, reset. Borrowed; freed with db. */
struct db_stmt *db_prepare(struct db *db, const char *sql, struct sk_error *err);
void db_bind_int(struct db_stmt *s, int idx, int64_t v);	/* idx from 1 */
void db_bind_text(struct db_stmt *s, int idx, const char *v);	/* copied; NULL binds NULL */
void db_bind_null(struct db_stmt *s, int idx);
/* 1 when a row is ready, 0 when done, < 0 on error. */
int db_step(struct db_stmt *s, struct sk_error *err);
int64_t db_col_int(struct db_stmt *s, int col);			/* col from 0 */
const char *db_col_text(struct db_stmt *s, int col);		/* NULL for NULL */
bool db_col_is_null(struct db_stmt *s, int col);
/* Finish with a statement early (before db_step returned 0). */
void db_reset(struct db_stmt *s);

#endif
