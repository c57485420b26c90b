/* store/db_pg.c: the PostgreSQL backend of db.h over libpq: statements
 * prepared on the server by name, parameters and results as text, a
 * connection re-established after it was lost (outside a transaction),
 * and SQLSTATEs mapped onto SK_E*: unique violation SK_EEXIST,
 * serialization failure, deadlock and lost connections SK_ETEMP. libpq
 * never writes to stderr: what the server says outside a statement (a
 * FATAL on shutdown) is kept for the next error message instead. */
#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/buf.h"
#include "lib/dso.h"
#include "lib/error.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "store/db_int.h"

#define PG_PARAMS_MAX	   65535 /* the protocol's limit per statement */
#define PG_NOTICE_MAX	   200	 /* bytes kept of a message from the server */
#define PG_RETRIES	   3	 /* for statements outside a transaction */
#define PG_LOCK_TIMEOUT_MS 5000	 /* as SQLite's busy timeout */

/* libpq, loaded when a PostgreSQL store is first opened (lib/dso.h). */
/* clang-format off */
#define PQ_FUNCTIONS(X)                                                                    \
	X(clear) X(cmdStatus) X(connectPoll) X(connectStart) X(connectionNeedsPassword)   \
	X(conninfo) X(conninfoFree) X(db) X(errorMessage) X(exec) X(execPrepared)          \
	X(finish) X(freemem) X(getisnull) X(getvalue) X(host) X(ntuples) X(port)           \
	X(prepare) X(reset) X(resultErrorField) X(resultStatus) X(setNoticeReceiver)       \
	X(socket) X(status) X(transactionStatus) X(unescapeBytea) X(putCopyData)           \
	X(putCopyEnd) X(getResult)
/* clang-format on */

static struct {
#define PQ_POINTER(f) __typeof__(PQ##f) *f;
	PQ_FUNCTIONS(PQ_POINTER)
#undef PQ_POINTER
} pq;
static bool pq_loaded;

static int pq_load(struct sk_error *err)
{
#define PQ_SYMBOL(f) {"PQ" #f, (void **)&pq.f},
	static const struct dso_symbol syms[] = {PQ_FUNCTIONS(PQ_SYMBOL)};
#undef PQ_SYMBOL

	return dso_load("libpq.so.5", syms, sizeof(syms) / sizeof(syms[0]), &pq_loaded, err);
}

struct pg_stmt {
	struct db_stmt base;
	char name[24];	       /* server-side name, "s<n>" */
	unsigned prepared_gen; /* connection generation it was prepared on */
	char **params;	       /* nparams bound, room for aparams */
	int nparams, aparams;
	int bind_bad;  /* a parameter number out of range, or 0 */
	PGresult *res; /* rows of the current walk, or NULL */
	int row, nrows;
	unsigned char *blob; /* the last blob column read, decoded */
};

struct pg_db {
	struct db base;
	PGconn *conn;
	char *where;  /* host:port/dbname, for messages */
	unsigned gen; /* bumped on every (re)connection */
	unsigned next_name;
	bool in_tx;
	/* The last FATAL or PANIC the server sent outside a statement (why
	 * it is closing the connection), or "". */
	char notice[PG_NOTICE_MAX];
};

static struct pg_db *to_db(struct db *db)
{
	return (struct pg_db *)db;
}

static struct pg_stmt *to_stmt(struct db_stmt *s)
{
	return (struct pg_stmt *)s;
}

static bool sqlstate_is(const char *state, const char *prefix)
{
	return state != NULL && str_has_prefix(state, prefix);
}

/* Map a failed result (or a dead connection when res is NULL) onto SK_E*
 * with a message naming the operation. */
static int pg_error(struct pg_db *d, PGresult *res, const char *op, struct sk_error *err)
{
	const char *state = res ? pq.resultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? pq.resultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;

	if (msg == NULL)
		msg = pq.errorMessage(d->conn);
	if (pq.status(d->conn) != CONNECTION_OK || sqlstate_is(state, "08") ||
	    sqlstate_is(state, "57P")) {
		/* Why, as the server said it: between statements (kept by
		 * pg_notice), or as this statement's error (57P01 on a
		 * shutdown), or in libpq's own message, first line. */
		const char *why = d->notice[0] != '\0' ? d->notice : msg;
		size_t len;

		if (str_has_prefix(why, "FATAL:"))
			why += strspn(why + strlen("FATAL:"), " ") + strlen("FATAL:");
		len = strcspn(why, "\n");
		if (len > 0)
			return sk_error_set(err, SK_ETEMP,
					    "%s: lost the connection to PostgreSQL "
					    "at %s (%.*s); try again",
					    op, d->where, (int)len, why);
		return sk_error_set(err, SK_ETEMP,
				    "%s: lost the connection to PostgreSQL at %s; "
				    "try again",
				    op, d->where);
	}
	if (sqlstate_is(state, "23505"))
		return sk_error_set(err, SK_EEXIST, "%s: %s", op, msg);
	if (sqlstate_is(state, "23"))
		return sk_error_set(err, SK_EINVAL, "%s: %s", op, msg);
	if (sqlstate_is(state, "55P03"))
		return sk_error_set(err, SK_ETEMP,
				    "%s: PostgreSQL at %s: waited too long for a "
				    "lock another session holds; try again",
				    op, d->where);
	if (sqlstate_is(state, "40") || sqlstate_is(state, "53"))
		return sk_error_set(err, SK_ETEMP, "%s: %s; try again", op, msg);
	if (sqlstate_is(state, "42501") || sqlstate_is(state, "28"))
		return sk_error_set(err, SK_ECONFIG, "%s: PostgreSQL at %s: %s", op, d->where,
				    msg);
	return sk_error_set(err, SK_EIO, "%s: PostgreSQL at %s: %s", op, d->where, msg);
}

/* libpq's notice receiver: keep, never print. NOTICEs and WARNINGs are
 * dropped (the session asks for none); a FATAL or PANIC arriving between
 * statements says why the server closes the connection, and goes into
 * the message of the error that follows. */
static void pg_notice(void *arg, const PGresult *res)
{
	struct pg_db *d = arg;
	const char *severity = pq.resultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
	const char *msg = pq.resultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);

	if (severity == NULL || msg == NULL ||
	    (strcmp(severity, "FATAL") != 0 && strcmp(severity, "PANIC") != 0))
		return;
	snprintf(d->notice, sizeof(d->notice), "%s", msg);
}

/* How long a statement waits for a lock: SCHAKEL_BUSY_TIMEOUT_MS if set
 * and valid (tests shorten it, as for SQLite), else 5 s. */
static int lock_timeout_ms(void)
{
	const char *text = getenv("SCHAKEL_BUSY_TIMEOUT_MS");
	int64_t v;

	if (text != NULL && str_to_i64(text, 0, 600000, &v) == 0)
		return (int)v;
	return PG_LOCK_TIMEOUT_MS;
}

/* Settings of every new session, also one made after a lost connection:
 * quiet NOTICEs (CREATE TABLE IF NOT EXISTS ...), and a lock timeout, so
 * that a session elsewhere holding a lock makes writes fail as temporary
 * instead of waiting for ever. */
static void pg_session_setup(struct pg_db *d)
{
	char sql[96];

	snprintf(sql, sizeof(sql), "SET client_min_messages = warning; SET lock_timeout = %d",
		 lock_timeout_ms());
	pq.clear(pq.exec(d->conn, sql));
}

/* Make sure the connection is up. A connection lost inside a transaction
 * cannot be resumed: the transaction is gone, and nothing of it stored. */
static int pg_ensure(struct pg_db *d, const char *op, struct sk_error *err)
{
	if (pq.status(d->conn) == CONNECTION_OK)
		return 0;
	if (d->in_tx)
		return sk_error_set(err, SK_ETEMP,
				    "%s: lost the connection to PostgreSQL at %s "
				    "during a transaction%s%s%s; nothing of it was stored",
				    op, d->where, d->notice[0] ? " (" : "", d->notice,
				    d->notice[0] ? ")" : "");
	pq.reset(d->conn);
	if (pq.status(d->conn) != CONNECTION_OK)
		return sk_error_set(err, SK_ETEMP, "%s: cannot reach PostgreSQL at %s: %s", op,
				    d->where, pq.errorMessage(d->conn));
	d->notice[0] = '\0';
	d->gen++;
	pg_session_setup(d);
	return 0;
}

/* Whether a failure may be retried as is: outside a transaction, after a
 * lost connection or a serialization failure. */
static bool pg_retryable(const struct pg_db *d, int rc)
{
	return !d->in_tx && rc == SK_ETEMP;
}

static int pg_exec(struct db *db, const char *sql, struct sk_error *err)
{
	struct pg_db *d = to_db(db);
	bool ends_tx = str_has_prefix(sql, "COMMIT") || str_has_prefix(sql, "ROLLBACK");
	PGresult *res = NULL;
	int rc = 0;

	/* Nothing to roll back on a lost connection, or when the server has
	 * already ended the transaction (a failed COMMIT): a ROLLBACK there
	 * would only print a WARNING. */
	if (str_has_prefix(sql, "ROLLBACK") &&
	    (pq.status(d->conn) != CONNECTION_OK ||
	     pq.transactionStatus(d->conn) == PQTRANS_IDLE)) {
		d->in_tx = false;
		return 0;
	}
	for (int attempt = 0; attempt < PG_RETRIES; attempt++) {
		if ((rc = pg_ensure(d, "running SQL", err)) != 0)
			break;
		res = pq.exec(d->conn, sql);
		if (pq.resultStatus(res) != PGRES_COMMAND_OK &&
		    pq.resultStatus(res) != PGRES_TUPLES_OK)
			rc = pg_error(d, res, "running SQL", err);
		else if (str_has_prefix(sql, "COMMIT") &&
			 strcmp(pq.cmdStatus(res), "ROLLBACK") == 0)
			/* A statement in it had failed: the server rolled back
			 * instead, and says so only in the command tag. */
			rc = sk_error_set(err, SK_EIO,
					  "running SQL: PostgreSQL at %s rolled the "
					  "transaction back because a statement in it failed",
					  d->where);
		else
			rc = 0;
		pq.clear(res);
		if (rc == 0 || !pg_retryable(d, rc) || str_has_prefix(sql, "COMMIT"))
			break;
	}
	if (rc == 0 && str_has_prefix(sql, "BEGIN"))
		d->in_tx = true;
	if (ends_tx && (rc == 0 || str_has_prefix(sql, "ROLLBACK") ||
			pq.transactionStatus(d->conn) == PQTRANS_IDLE))
		d->in_tx = false;
	return rc;
}

static struct db_stmt *pg_stmt_new(struct db *db, const char *sql, struct sk_error *err)
{
	struct pg_db *d = to_db(db);
	struct pg_stmt *s = xcalloc(1, sizeof(*s));

	(void)sql;
	(void)err;
	snprintf(s->name, sizeof(s->name), "s%u", d->next_name++);
	s->prepared_gen = (unsigned)-1;
	return &s->base;
}

static void pg_clear_walk(struct pg_stmt *s)
{
	pq.clear(s->res);
	s->res = NULL;
	s->row = s->nrows = 0;
	pq.freemem(s->blob);
	s->blob = NULL;
	for (int i = 0; i < s->nparams; i++) {
		free(s->params[i]);
		s->params[i] = NULL;
	}
	s->nparams = 0;
	s->bind_bad = 0;
}

static bool pg_stmt_busy(struct db_stmt *st)
{
	return to_stmt(st)->res != NULL;
}

static void pg_stmt_free(struct db_stmt *st)
{
	pg_clear_walk(to_stmt(st));
	free(to_stmt(st)->params);
	free(st);
}

static void pg_reset(struct db_stmt *st)
{
	pg_clear_walk(to_stmt(st));
}

/* Parameters are kept as text (copied) in an array that grows to the
 * highest number bound; a number out of range fails the next step.
 * Takes ownership of copy (NULL binds NULL). */
static void pg_bind_copy(struct db_stmt *st, int idx, char *copy)
{
	struct pg_stmt *s = to_stmt(st);

	if (idx < 1 || idx > PG_PARAMS_MAX) {
		if (s->bind_bad == 0)
			s->bind_bad = idx;
		free(copy);
		return;
	}
	if (idx > s->aparams) {
		int n = s->aparams ? s->aparams : 16;

		while (n < idx)
			n *= 2;
		n = n > PG_PARAMS_MAX ? PG_PARAMS_MAX : n;
		s->params = xreallocarray(s->params, (size_t)n, sizeof(*s->params));
		memset(s->params + s->aparams, 0,
		       (size_t)(n - s->aparams) * sizeof(*s->params));
		s->aparams = n;
	}
	free(s->params[idx - 1]);
	s->params[idx - 1] = copy;
	if (idx > s->nparams)
		s->nparams = idx;
}

static void pg_bind_text(struct db_stmt *st, int idx, const char *v)
{
	pg_bind_copy(st, idx, v ? xstrdup(v) : NULL);
}

static void pg_bind_int(struct db_stmt *st, int idx, int64_t v)
{
	char text[24];

	snprintf(text, sizeof(text), "%lld", (long long)v);
	pg_bind_text(st, idx, text);
}

/* libpq sends parameters when the statement runs; they are copied here
 * all the same, as each step may run on a new connection. */
static void pg_bind_text_ref(struct db_stmt *st, int idx, const char *v, size_t len)
{
	pg_bind_copy(st, idx, xstrndup(v, len));
}

/* bytea in its hex text form, so that every parameter stays text. */
static void pg_bind_blob(struct db_stmt *st, int idx, const void *v, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = v;
	char *text = xmalloc(2 * len + 3);

	text[0] = '\\';
	text[1] = 'x';
	for (size_t i = 0; i < len; i++) {
		text[2 + 2 * i] = hex[p[i] >> 4];
		text[3 + 2 * i] = hex[p[i] & 15];
	}
	text[2 * len + 2] = '\0';
	pg_bind_copy(st, idx, text);
}

static void pg_bind_null(struct db_stmt *st, int idx)
{
	pg_bind_text(st, idx, NULL);
}

/* Prepare on the server if this connection has not seen the statement. */
static int pg_prepare_on_server(struct pg_db *d, struct pg_stmt *s, struct sk_error *err)
{
	PGresult *res;
	int rc = 0;

	if (s->prepared_gen == d->gen)
		return 0;
	res = pq.prepare(d->conn, s->name, s->base.sql, 0, NULL);
	if (pq.resultStatus(res) != PGRES_COMMAND_OK)
		rc = pg_error(d, res, "preparing SQL", err);
	else
		s->prepared_gen = d->gen;
	pq.clear(res);
	return rc;
}

/* Run the statement and keep its rows for the walk. */
static int pg_run(struct pg_db *d, struct pg_stmt *s, struct sk_error *err)
{
	int rc = 0;

	for (int attempt = 0; attempt < PG_RETRIES; attempt++) {
		PGresult *res;
		ExecStatusType status;

		if ((rc = pg_ensure(d, "running SQL", err)) != 0 ||
		    (rc = pg_prepare_on_server(d, s, err)) != 0) {
			if (pg_retryable(d, rc))
				continue;
			return rc;
		}
		res = pq.execPrepared(d->conn, s->name, s->nparams,
				      (const char *const *)s->params, NULL, NULL, 0);
		status = pq.resultStatus(res);
		if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
			s->res = res;
			s->row = -1;
			s->nrows = pq.ntuples(res);
			return 0;
		}
		rc = pg_error(d, res, "running SQL", err);
		pq.clear(res);
		if (!pg_retryable(d, rc))
			return rc;
	}
	return rc;
}

static int pg_step(struct db_stmt *st, struct sk_error *err)
{
	struct pg_stmt *s = to_stmt(st);
	struct pg_db *d = to_db(st->db);
	int rc;

	if (s->res == NULL && s->bind_bad != 0) {
		rc = sk_error_set(err, SK_EIO, "binding parameter %d: statements take 1 to %d",
				  s->bind_bad, PG_PARAMS_MAX);
		pg_clear_walk(s);
		return rc;
	}
	if (s->res == NULL && (rc = pg_run(d, s, err)) != 0) {
		pg_clear_walk(s);
		return rc;
	}
	if (++s->row < s->nrows)
		return 1;
	pg_clear_walk(s);
	return 0;
}

static int64_t pg_col_int(struct db_stmt *st, int col)
{
	struct pg_stmt *s = to_stmt(st);

	return strtoll(pq.getvalue(s->res, s->row, col), NULL, 10);
}

static const char *pg_col_text(struct db_stmt *st, int col)
{
	struct pg_stmt *s = to_stmt(st);

	if (pq.getisnull(s->res, s->row, col))
		return NULL;
	return pq.getvalue(s->res, s->row, col);
}

static bool pg_col_is_null(struct db_stmt *st, int col)
{
	struct pg_stmt *s = to_stmt(st);

	return pq.getisnull(s->res, s->row, col);
}

static const void *pg_col_blob(struct db_stmt *st, int col, size_t *len)
{
	struct pg_stmt *s = to_stmt(st);

	if (pq.getisnull(s->res, s->row, col))
		return NULL;
	pq.freemem(s->blob);
	s->blob =
	    pq.unescapeBytea((const unsigned char *)pq.getvalue(s->res, s->row, col), len);
	return s->blob != NULL ? (const void *)s->blob : (*len = 0, (const void *)"");
}

/* Move table's identity sequence to last_id, so that the next generated
 * id is last_id + 1. (Sequences are not transactional: a rolled-back
 * copy leaves a gap in the ids, nothing worse.) */
static int pg_id_continue(struct db *db, const char *table, int64_t last_id,
			  struct sk_error *err)
{
	struct db_stmt *s =
	    db_prepare(db, "SELECT setval(pg_get_serial_sequence($1, 'id'), $2)", err);
	int rc;

	if (s == NULL)
		return err ? err->code : SK_EIO;
	db_bind_text(s, 1, table);
	db_bind_int(s, 2, last_id);
	if ((rc = db_step(s, err)) < 0) {
		sk_error_prefix(err, "continuing the ids of %s", table);
		return rc;
	}
	if (rc == 1)
		db_reset(s);
	return 0;
}

/* n values of table's identity sequence, in one round trip. Other
 * sessions may draw from it meanwhile, so the ids need not be
 * consecutive; each is this caller's alone. */
static int pg_id_reserve(struct db *db, const char *table, size_t n, int64_t *ids,
			 struct sk_error *err)
{
	struct db_stmt *s = db_prepare(db,
				       "SELECT nextval(pg_get_serial_sequence($1, 'id')) "
				       "FROM generate_series(1, $2) ORDER BY 1",
				       err);
	size_t got = 0;
	int rc;

	if (s == NULL)
		return err ? err->code : SK_EIO;
	db_bind_text(s, 1, table);
	db_bind_int(s, 2, (int64_t)n);
	while ((rc = db_step(s, err)) == 1) {
		if (got < n)
			ids[got] = db_col_int(s, 0);
		got++;
	}
	if (rc < 0) {
		sk_error_prefix(err, "reserving ids of %s", table);
		return rc;
	}
	if (got != n)
		return sk_error_set(err, SK_EIO, "reserving ids of %s: %zu ids for %zu", table,
				    got, n);
	return 0;
}

static void pg_close(struct db *db)
{
	struct pg_db *d = to_db(db);

	pq.finish(d->conn);
	free(d->where);
	free(d);
}

/* Append v to b as a field of COPY's text format: \\N for NULL, and
 * backslash, tab, newline and carriage return escaped. */
static int copy_field(struct buf *b, const struct db_value *v)
{
	char num[24];
	size_t start = 0;
	int rc = 0;

	switch (v->kind) {
	case DB_VALUE_NULL:
		return buf_append(b, "\\N", 2);
	case DB_VALUE_INT:
		return buf_append(b, num,
				  (size_t)snprintf(num, sizeof(num), "%lld", (long long)v->i));
	case DB_VALUE_TEXT:
		break;
	}
	for (size_t i = 0; i < v->len && rc == 0; i++) {
		char c = v->text[i], esc[2] = {'\\', c};

		if (c != '\\' && c != '\t' && c != '\n' && c != '\r')
			continue;
		esc[1] = c == '\t' ? 't' : c == '\n' ? 'n' : c == '\r' ? 'r' : '\\';
		rc = buf_append(b, v->text + start, i - start);
		if (rc == 0)
			rc = buf_append(b, esc, 2);
		start = i + 1;
	}
	return rc != 0 ? rc : buf_append(b, v->text + start, v->len - start);
}

/* Stream b's rows with COPY sql; the server's answer decides. */
static int copy_send(struct pg_db *d, const char *sql, const struct buf *b,
		     struct sk_error *err)
{
	PGresult *res = pq.exec(d->conn, sql);
	int rc = 0;

	if (pq.resultStatus(res) != PGRES_COPY_IN) {
		rc = pg_error(d, res, "copying rows", err);
		pq.clear(res);
		return rc;
	}
	pq.clear(res);
	if (b->len > 0 && pq.putCopyData(d->conn, b->data, (int)b->len) != 1)
		rc = pg_error(d, NULL, "copying rows", err);
	if (pq.putCopyEnd(d->conn, rc == 0 ? NULL : "abandoned") != 1 && rc == 0)
		rc = pg_error(d, NULL, "copying rows", err);
	while ((res = pq.getResult(d->conn)) != NULL) {
		if (pq.resultStatus(res) != PGRES_COMMAND_OK && rc == 0)
			rc = pg_error(d, res, "copying rows", err);
		pq.clear(res);
	}
	return rc;
}

/* Rows as COPY's text format, sent a few MB at a time. */
#define COPY_CHUNK (4 * 1024 * 1024)

static int pg_copy(struct db *db, const char *table, const char *cols, int ncols,
		   const struct db_value *v, size_t nrows, struct sk_error *err)
{
	struct pg_db *d = to_db(db);
	char sql[512];
	struct buf b;
	int rc;

	if ((rc = pg_ensure(d, "copying rows", err)) != 0)
		return rc;
	if (snprintf(sql, sizeof(sql), "COPY %s (%s) FROM STDIN", table, cols) >=
	    (int)sizeof(sql))
		return sk_error_set(err, SK_EINVAL, "copying rows into %s: too many columns",
				    table);
	buf_init(&b, (size_t)INT32_MAX);
	for (size_t r = 0; r < nrows && rc == 0; r++) {
		for (int c = 0; c < ncols && rc == 0; c++) {
			if (c > 0)
				rc = buf_append(&b, "\t", 1);
			if (rc == 0)
				rc = copy_field(&b, &v[r * (size_t)ncols + (size_t)c]);
		}
		if (rc == 0)
			rc = buf_append(&b, "\n", 1);
		if (rc == 0 && (b.len >= COPY_CHUNK || r + 1 == nrows)) {
			rc = copy_send(d, sql, &b, err);
			buf_reset(&b);
		} else if (rc != 0) {
			rc = sk_error_set(err, SK_ETOOBIG, "copying rows into %s: too large",
					  table);
		}
	}
	buf_free(&b);
	return rc;
}

static const struct db_ops pg_ops = {
    .backend = DB_POSTGRESQL,
    .id_column = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
    /* "C" orders by bytes, as SQLite's BINARY, in any database. */
    .bytes_collation = "COLLATE \"C\"",
    .blob_type = "BYTEA",
    .without_rowid = "", /* tables are heaps beside their indexes */
    .orgs_ref = "REFERENCES orgs (id) ON DELETE CASCADE",
    .settled_only = "",
    .pg_line = "",
    .sqlite_line = "-- ",
    .begin_sql = "BEGIN",
    /* db.h promises one snapshot for a group of reads. */
    .begin_read_sql = "BEGIN ISOLATION LEVEL REPEATABLE READ",
    /* One migrating node at a time; the key is "schakel" in ASCII. */
    .migrate_lock_sql = "SELECT pg_advisory_xact_lock(7310309761651908)",
    .close = pg_close,
    .exec = pg_exec,
    .stmt_new = pg_stmt_new,
    .stmt_busy = pg_stmt_busy,
    .stmt_free = pg_stmt_free,
    .bind_int = pg_bind_int,
    .bind_text = pg_bind_text,
    .bind_null = pg_bind_null,
    .bind_text_ref = pg_bind_text_ref,
    .bind_blob = pg_bind_blob,
    .step = pg_step,
    .col_int = pg_col_int,
    .col_text = pg_col_text,
    .col_is_null = pg_col_is_null,
    .col_blob = pg_col_blob,
    .reset = pg_reset,
    .id_continue = pg_id_continue,
    .id_reserve = pg_id_reserve,
    .copy = pg_copy,
};

/* Whether a failed connection is worth retrying: SK_ECONFIG when the URL
 * is wrong or names a database, user or password the server refuses,
 * else SK_ETEMP. libpq gives no SQLSTATE here, only the message. */
static int pg_connect_error_code(PGconn *conn, const char *msg)
{
	static const char *const config[] = {
	    "invalid",	   "does not exist",	   "authentication failed",
	    "pg_hba.conf", "no password supplied", "permission denied",
	    NULL,
	};

	if (pq.connectionNeedsPassword(conn))
		return SK_ECONFIG;
	for (int i = 0; config[i] != NULL; i++)
		if (strstr(msg, config[i]) != NULL)
			return SK_ECONFIG;
	return SK_ETEMP;
}

/* The connect_timeout of conn's URL in seconds (at least 2, as libpq
 * has it), or -1 for none: wait as long as the network does. */
static int pg_connect_timeout(PGconn *conn)
{
	PQconninfoOption *opts = pq.conninfo(conn);
	int64_t v;
	int timeout = -1;

	for (PQconninfoOption *o = opts; o != NULL && o->keyword != NULL; o++)
		if (strcmp(o->keyword, "connect_timeout") == 0 && o->val != NULL &&
		    str_to_i64(o->val, 0, 86400, &v) == 0 && v > 0)
			timeout = v < 2 ? 2 : (int)v;
	pq.conninfoFree(opts);
	return timeout;
}

/* Drive a connection begun with PQconnectStart() to its end, as
 * PQconnectdb() would, within connect_timeout. 0, or -1 when it failed
 * (the reason in PQerrorMessage(), or a timeout). */
static int pg_connect_finish(PGconn *conn, bool *timed_out)
{
	PostgresPollingStatusType st = PGRES_POLLING_WRITING;
	int timeout = pg_connect_timeout(conn);
	time_t deadline = timeout > 0 ? time(NULL) + timeout : 0;

	*timed_out = false;
	if (pq.status(conn) == CONNECTION_BAD)
		return -1;
	while (st != PGRES_POLLING_OK && st != PGRES_POLLING_FAILED) {
		struct pollfd pfd = {pq.socket(conn),
				     st == PGRES_POLLING_READING ? POLLIN : POLLOUT, 0};
		int wait_ms = -1, n;

		if (pfd.fd < 0)
			return -1;
		if (deadline != 0) {
			time_t left = deadline - time(NULL);

			if (left <= 0) {
				*timed_out = true;
				return -1;
			}
			wait_ms = (int)left * 1000;
		}
		n = poll(&pfd, 1, wait_ms);
		if (n < 0 && errno != EINTR)
			return -1;
		if (n <= 0)
			continue; /* interrupted, or the deadline (checked above) */
		st = pq.connectPoll(conn);
	}
	return st == PGRES_POLLING_OK ? 0 : -1;
}

/* Connect to the PostgreSQL database named by url (a libpq URI). Caller
 * closes with db_close(). The notice receiver is in place before the
 * server can say anything. */
struct db *db_pg_open(const char *url, struct sk_error *err)
{
	struct pg_db *d;
	bool timed_out = false;

	if (pq_load(err) != 0)
		return NULL;
	d = xcalloc(1, sizeof(*d));
	d->base.ops = &pg_ops;
	d->conn = pq.connectStart(url);
	if (d->conn == NULL)
		abort(); /* libpq could not allocate its small connection object */
	pq.setNoticeReceiver(d->conn, pg_notice, d);
	pg_connect_finish(d->conn, &timed_out);
	d->where = xasprintf("%s:%s/%s", pq.host(d->conn) ? pq.host(d->conn) : "?",
			     pq.port(d->conn) ? pq.port(d->conn) : "?",
			     pq.db(d->conn) ? pq.db(d->conn) : "?");
	if (pq.status(d->conn) != CONNECTION_OK || timed_out) {
		char *msg = xstrdup(timed_out ? "timeout expired" : pq.errorMessage(d->conn));

		msg[strcspn(msg, "\n")] = '\0';
		sk_error_set(err, pg_connect_error_code(d->conn, msg),
			     "cannot connect to PostgreSQL at %s: %s", d->where, msg);
		free(msg);
		pg_close(&d->base);
		return NULL;
	}
	pg_session_setup(d);
	return &d->base;
}
