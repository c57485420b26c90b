/* store/store.c: schakel's domain queries, written once over db.h so that
 * every backend runs the same SQL. Each change runs in a transaction and
 * writes one audit row (who, what, which object, a sentence for humans).
 * The *_add_many calls write up to BULK_ROWS rows per statement, so that
 * a bulk import costs a few round trips per hundred rows, not per row. */
#include "store/store.h"

#include <assert.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "net/domain.h"
#include "net/prefix.h"
#include "store/db.h"
#include "store/store_int.h"

#define ORG_COLS      "id, name, kind, class, sector, country, status, notes, created, updated"
#define CONTACT_COLS  "id, org_id, name, email, phone, role, languages, pgp_fpr, created"
#define RESOURCE_COLS "id, org_id, type, family, plen, net, asn, domain, created"

/* How a resource type reads in a sentence. */
static const char *const resource_words[] = {"AS number", "prefix", "domain"};

/* ---- small helpers ---- */

/* The name at index i of a NULL-terminated vocabulary, or NULL if i is
 * out of range. */
static const char *vocab_name(const char *const *names, int i)
{
	for (int j = 0; names[j] != NULL; j++)
		if (j == i)
			return names[j];
	return NULL;
}

/* Copy src into dst of size bytes; -1 (dst untouched) if it does not fit
 * or src is NULL. */
int store_copy_text(char *dst, size_t size, const char *src)
{
	size_t n;

	if (src == NULL || (n = strlen(src)) >= size)
		return -1;
	memcpy(dst, src, n + 1);
	return 0;
}

void store_time_now(char out[21])
{
	str_time_iso(str_time_now(), out);
}

/* The prepared statement for sql in *out, or an SK_E* code with err set. */
int store_prep(struct store *st, const char *sql, struct db_stmt **out, struct sk_error *err)
{
	struct sk_error local = {0};
	struct db_stmt *s = db_prepare(st->db, sql, err ? err : &local);

	if (s == NULL)
		return err ? (err->code ? err->code : SK_EIO)
			   : (local.code ? local.code : SK_EIO);
	*out = s;
	return 0;
}

/* Step a statement that must return no row. */
int store_step_done(struct db_stmt *s, struct sk_error *err)
{
	int rc = db_step(s, err);

	if (rc == 1) {
		db_reset(s);
		return 0;
	}
	return rc;
}

/* Step an "INSERT ... RETURNING id" to its end; the id in *id_out. */
int store_step_id(struct db_stmt *s, int64_t *id_out, struct sk_error *err)
{
	int64_t id;
	int rc = db_step(s, err);

	if (rc < 0)
		return rc;
	if (rc == 0)
		return sk_error_set(err, SK_EIO, "the database returned no id for a new row");
	id = db_col_int(s, 0);
	if ((rc = db_step(s, err)) < 0)
		return rc;
	if (rc == 1)
		db_reset(s);
	*id_out = id;
	return 0;
}

/* Lowercase hex of the address bytes of p: 8 digits for IPv4, 32 for
 * IPv6. */
static void net_hex(const struct prefix *p, char out[33])
{
	static const char digits[] = "0123456789abcdef";
	int n = p->family == 4 ? 4 : 16;

	for (int i = 0; i < n; i++) {
		out[2 * i] = digits[p->addr[i] >> 4];
		out[2 * i + 1] = digits[p->addr[i] & 0xf];
	}
	out[2 * n] = '\0';
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Parse what net_hex() wrote back into addr; -1 if it is not that. */
static int net_unhex(const char *hex, uint8_t family, uint8_t addr[16])
{
	size_t n = family == 4 ? 4 : 16;

	if (hex == NULL || strlen(hex) != 2 * n)
		return -1;
	memset(addr, 0, 16);
	for (size_t i = 0; i < n; i++) {
		int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		addr[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* ---- opening, actor, transactions ---- */

/* Open the store at url and bring its schema up to date. Caller closes
 * with store_close(). */
struct store *store_open(const char *url, struct sk_error *err)
{
	struct store *st;
	struct db *db = db_open(url, err);

	if (db == NULL)
		return NULL;
	if (db_migrate(db, err) != 0) {
		db_close(db);
		return NULL;
	}
	st = xcalloc(1, sizeof(*st));
	st->db = db;
	store_set_actor(st, NULL);
	return st;
}

/* Close st, rolling back a transaction left open; NULL is fine. */
void store_close(struct store *st)
{
	if (st == NULL)
		return;
	if (st->depth > 0)
		db_rollback(st->db);
	db_close(st->db);
	for (int k = 0; k < BULK_KINDS; k++)
		for (int i = 0; i <= BULK_ROWS; i++)
			free(st->bulk_sql[k][i]);
	free(st->orgs_seen);
	free(st);
}

/* actor is copied (cut at ACTOR_MAX bytes); NULL means "system". */
void store_set_actor(struct store *st, const char *actor)
{
	if (actor == NULL || *actor == '\0')
		actor = AUDIT_ACTOR_DEFAULT;
	snprintf(st->actor, sizeof(st->actor), "%s", actor);
}

int store_durable(struct store *st, struct sk_error *err)
{
	/* PostgreSQL's commits wait for the disk already. */
	return db_backend(st->db) == DB_SQLITE ? db_exec(st->db, "PRAGMA synchronous = FULL", err)
					       : 0;
}

/* Begin a transaction, or join the one already open (see store.h). */
int store_begin(struct store *st, struct sk_error *err)
{
	int rc;

	if (st->depth == 0) {
		if ((rc = db_begin(st->db, err)) != 0)
			return rc;
		st->doomed = false;
		st->tx++;
	}
	st->depth++;
	return 0;
}

/* Commit at the outermost level. If an inner call rolled back, the whole
 * transaction is rolled back instead and this fails. */
int store_commit(struct store *st, struct sk_error *err)
{
	int rc;

	if (st->depth == 0)
		return sk_error_set(err, SK_EIO, "commit without a transaction");
	if (--st->depth > 0)
		return 0;
	if (st->doomed) {
		db_rollback(st->db);
		st->doomed = false;
		return sk_error_set(err, SK_EIO,
				    "the transaction was rolled back because a "
				    "change inside it failed");
	}
	if ((rc = db_commit(st->db, err)) != 0) {
		db_rollback(st->db);
		sk_error_prefix(err, "committing");
	}
	return rc;
}

/* Roll back at the outermost level; inside, only mark the transaction
 * so that its outermost commit fails. */
void store_rollback(struct store *st)
{
	if (st->depth == 0)
		return;
	if (--st->depth > 0) {
		st->doomed = true;
		return;
	}
	db_rollback(st->db);
	st->doomed = false;
}

/* Borrowed st; true while a begin is unmatched. */
bool store_in_transaction(const struct store *st)
{
	return st->depth > 0;
}

/* End a change begun with store_begin(): commit if rc is 0, else roll
 * back; returns the final result. */
int store_finish(struct store *st, int rc, struct sk_error *err)
{
	if (rc == 0)
		return store_commit(st, err);
	store_rollback(st);
	return rc;
}

/* Group the look-ups of one read into a snapshot (and spare SQLite a
 * lock round trip per statement). *started says whether this call began
 * it; inside a caller's transaction nothing is needed. */
int store_read_begin(struct store *st, bool *started, struct sk_error *err)
{
	int rc;

	*started = false;
	if (st->depth > 0)
		return 0;
	if ((rc = db_begin_read(st->db, err)) != 0)
		return rc;
	st->depth = 1;
	st->doomed = false;
	*started = true;
	return 0;
}

/* End what store_read_begin() started; returns rc, or the commit's error if rc
 * was 0. Callbacks may have written, so this commits. */
int store_read_end(struct store *st, bool started, int rc, struct sk_error *err)
{
	struct sk_error local = {0};
	int crc;

	if (!started)
		return rc;
	st->depth = 1;
	crc = store_commit(st, rc == 0 ? err : &local);
	return rc != 0 ? rc : crc;
}

/* Write one audit row in the current transaction. The summary is cut at
 * SUMMARY_MAX bytes, which is fine for a sentence. */
int store_audit(struct store *st, const char *action, const char *kind, int64_t id,
		struct sk_error *err, const char *fmt, ...)
{
	char summary[SUMMARY_MAX], object[64], now[21];
	struct db_stmt *s;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(summary, sizeof(summary), fmt, ap);
	va_end(ap);
	snprintf(object, sizeof(object), "%s:%lld", kind, (long long)id);
	store_time_now(now);
	rc = store_prep(st,
			"INSERT INTO audit (at, actor, action, object, summary) "
			"VALUES ($1, $2, $3, $4, $5)",
			&s, err);
	if (rc != 0)
		return rc;
	db_bind_text(s, 1, now);
	db_bind_text(s, 2, st->actor);
	db_bind_text(s, 3, action);
	db_bind_text(s, 4, object);
	db_bind_text(s, 5, summary);
	if ((rc = store_step_done(s, err)) != 0)
		sk_error_prefix(err, "writing the audit log");
	return rc;
}

/* ---- many rows per statement ---- */

/* A bulk statement: head, then one row per item joined by ", ", then
 * tail. In row, "?" is the item's next parameter, numbered on through
 * the rows; "$1".."$<shared>" are parameters every row shares. */
struct bulk_shape {
	const char *head, *row, *tail;
	int shared;
};

static const struct bulk_shape bulk_shapes[BULK_KINDS] = {
    [BULK_ORG] = {"INSERT INTO orgs (name, kind, class, sector, country, status, notes, "
		  "created, updated) VALUES ",
		  "(?, ?, ?, ?, ?, ?, ?, $1, $1)",
		  " ON CONFLICT (name) DO NOTHING RETURNING id, name", 1},
    [BULK_MEMBER] = {"INSERT INTO memberships (liaison_id, member_id, created) VALUES ",
		     "($1, ?, $2)",
		     " ON CONFLICT (liaison_id, member_id) DO NOTHING RETURNING member_id", 2},
    [BULK_CONTACT] = {"INSERT INTO contacts (org_id, name, email, phone, role, languages, "
		      "pgp_fpr, created) VALUES ",
		      "(?, ?, ?, ?, ?, ?, ?, $1)",
		      " RETURNING id, org_id, name, email, phone, role, languages, pgp_fpr", 1},
    [BULK_RESOURCE] = {"INSERT INTO resources (org_id, type, value, family, plen, net, asn, "
		       "domain, created) VALUES ",
		       "(?, ?, ?, ?, ?, ?, ?, ?, $1)",
		       " ON CONFLICT (org_id, type, value) DO NOTHING "
		       "RETURNING id, org_id, type, value",
		       1},
    [BULK_AUDIT] = {"INSERT INTO audit (at, actor, action, object, summary) VALUES ",
		    "($1, $2, $3, ?, ?)", "", 3},
    [BULK_ORG_REF] = {"SELECT id, name, kind FROM orgs WHERE id IN (", "?", ")", 0},
    [BULK_EVENT] = {"INSERT INTO events (id, time, received, feed, type, tlp, hash, body) "
		    "VALUES ",
		    "(?, ?, $1, ?, ?, ?, ?, ?)", "", 1},
    [BULK_EVENT_RCPT] = {"INSERT INTO event_recipients (event_id, org_id, role, pass_on, "
			 "need_to_know, resource_id, member_id, reason) VALUES ",
			 "(?, ?, ?, ?, ?, ?, ?, ?)", "", 0},
};

/* The SQL of kind for rows rows (1..BULK_ROWS). Borrowed; freed by
 * store_close(). */
const char *store_bulk_sql(struct store *st, enum bulk_kind kind, size_t rows)
{
	const struct bulk_shape *sh = &bulk_shapes[kind];
	int next = sh->shared + 1, rc;
	struct buf b;

	assert(rows >= 1 && rows <= BULK_ROWS);
	if (st->bulk_sql[kind][rows] != NULL)
		return st->bulk_sql[kind][rows];
	buf_init(&b, BULK_SQL_MAX);
	rc = buf_append_str(&b, sh->head);
	for (size_t i = 0; i < rows && rc == 0; i++) {
		if (i > 0)
			rc = buf_append_str(&b, ", ");
		for (const char *p = sh->row; *p != '\0' && rc == 0; p++) {
			if (*p == '?')
				rc = buf_printf(&b, "$%d", next++);
			else
				rc = buf_append_char(&b, *p);
		}
	}
	if (rc == 0)
		rc = buf_append_str(&b, sh->tail);
	/* The shapes are fixed and BULK_SQL_MAX is ample for them. */
	if (rc != 0)
		abort();
	st->bulk_sql[kind][rows] = buf_take(&b);
	return st->bulk_sql[kind][rows];
}

/* Audit rows of changes made together: one action, one row per change,
 * written in one statement. */
struct audit_many {
	const char *action;
	size_t n;
	char object[BULK_ROWS][64];
	char summary[BULK_ROWS][SUMMARY_MAX];
};

/* Queue a row about object kind:id; at most BULK_ROWS before
 * audit_many_write(). */
static void audit_many_add(struct audit_many *a, const char *kind, int64_t id, const char *fmt,
			   ...) __attribute__((format(printf, 4, 5)));

static void audit_many_add(struct audit_many *a, const char *kind, int64_t id, const char *fmt,
			   ...)
{
	va_list ap;

	assert(a->n < BULK_ROWS);
	snprintf(a->object[a->n], sizeof(a->object[a->n]), "%s:%lld", kind, (long long)id);
	va_start(ap, fmt);
	vsnprintf(a->summary[a->n], sizeof(a->summary[a->n]), fmt, ap);
	va_end(ap);
	a->n++;
}

/* Write the queued rows in the current transaction, and empty the
 * queue. */
static int audit_many_write(struct store *st, struct audit_many *a, struct sk_error *err)
{
	struct db_stmt *s;
	char now[21];
	int rc;

	if (a->n == 0)
		return 0;
	if ((rc = store_prep(st, store_bulk_sql(st, BULK_AUDIT, a->n), &s, err)) != 0)
		return rc;
	store_time_now(now);
	db_bind_text(s, 1, now);
	db_bind_text(s, 2, st->actor);
	db_bind_text(s, 3, a->action);
	for (size_t i = 0; i < a->n; i++) {
		db_bind_text(s, 4 + 2 * (int)i, a->object[i]);
		db_bind_text(s, 5 + 2 * (int)i, a->summary[i]);
	}
	a->n = 0;
	if ((rc = store_step_done(s, err)) != 0)
		sk_error_prefix(err, "writing the audit log");
	return rc;
}

/* Names and kinds of organizations, looked up together. */
struct org_ref {
	int64_t id;
	enum org_kind kind;
	char *name;
};

struct org_refs {
	struct org_ref *v; /* sorted by id */
	size_t n;
};

static int i64_order(const void *pa, const void *pb)
{
	int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;

	return a < b ? -1 : a > b;
}

static int org_ref_order(const void *pa, const void *pb)
{
	return i64_order(&((const struct org_ref *)pa)->id, &((const struct org_ref *)pb)->id);
}

static void org_refs_free(struct org_refs *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i].name);
	free(r->v);
	r->v = NULL;
	r->n = 0;
}

/* The entry of organization id in refs, or NULL. Borrowed from refs. */
static const struct org_ref *org_refs_find(const struct org_refs *refs, int64_t id)
{
	struct org_ref key = {id, ORG_KIND_CONSTITUENT, NULL};

	if (refs->n == 0)
		return NULL;
	return bsearch(&key, refs->v, refs->n, sizeof(*refs->v), org_ref_order);
}

/* Look up the organizations ids (n of them, in any order, repeats
 * allowed) in one statement per BULK_ROWS of them, into *out; an unknown
 * id is SK_ENOTFOUND. Caller frees *out with org_refs_free(). */
static int org_refs_load(struct store *st, const int64_t *ids, size_t n, struct org_refs *out,
			 struct sk_error *err)
{
	struct org_refs refs = {NULL, 0};
	int64_t *u = xcalloc(n + 1, sizeof(*u));
	struct db_stmt *s;
	size_t m = 0, k;
	int rc = 0;

	if (n > 0)
		memcpy(u, ids, n * sizeof(*u));
	if (n > 1)
		qsort(u, n, sizeof(*u), i64_order);
	for (size_t i = 0; i < n; i++)
		if (m == 0 || u[i] != u[m - 1])
			u[m++] = u[i];
	refs.v = xcalloc(m + 1, sizeof(*refs.v));
	refs.n = m;
	for (size_t i = 0; i < m; i++)
		refs.v[i].id = u[i];
	for (size_t at = 0; at < m; at += k) {
		k = m - at < BULK_ROWS ? m - at : BULK_ROWS;
		if ((rc = store_prep(st, store_bulk_sql(st, BULK_ORG_REF, k), &s, err)) != 0)
			goto out;
		for (size_t j = 0; j < k; j++)
			db_bind_int(s, 1 + (int)j, u[at + j]);
		while ((rc = db_step(s, err)) == 1) {
			struct org_ref *hit =
			    (struct org_ref *)org_refs_find(&refs, db_col_int(s, 0));
			const char *name = db_col_text(s, 1);
			int kind = str_index(org_kind_names,
					     db_col_text(s, 2) ? db_col_text(s, 2) : "");

			if (hit != NULL && hit->name == NULL && name != NULL) {
				hit->name = xstrdup(name);
				hit->kind =
				    kind < 0 ? ORG_KIND_CONSTITUENT : (enum org_kind)kind;
			}
		}
		if (rc < 0)
			goto out;
	}
	rc = 0;
	for (size_t i = 0; i < m; i++)
		if (refs.v[i].name == NULL) {
			rc = sk_error_set(err, SK_ENOTFOUND, "no organization with id %lld",
					  (long long)refs.v[i].id);
			goto out;
		}
out:
	free(u);
	if (rc == 0)
		*out = refs;
	else
		org_refs_free(&refs);
	return rc;
}

/* Rows of a chunk matched to what a statement returned: the index in
 * the chunk (0..k-1) of the first row not yet taken for which same()
 * holds, searched from where the last match was (rows come back mostly
 * in order), or -1. */
struct chunk_match {
	size_t k, cursor;
	bool taken[BULK_ROWS];
};

static long chunk_match_find(struct chunk_match *m, bool (*same)(size_t j, void *ctx),
			     void *ctx)
{
	for (size_t t = 0; t < m->k; t++) {
		size_t j = (m->cursor + t) % m->k;

		if (!m->taken[j] && same(j, ctx)) {
			m->taken[j] = true;
			m->cursor = j + 1;
			return (long)j;
		}
	}
	return -1;
}

static void chunk_match_init(struct chunk_match *m, size_t k)
{
	memset(m, 0, sizeof(*m));
	m->k = k;
}

/* ---- organizations ---- */

/* Read ORG_COLS from the current row into *out (caller org_clear()s). */
static int org_from_row(struct db_stmt *s, struct org *out, struct sk_error *err)
{
	struct org o;
	const char *name = db_col_text(s, 1), *sector = db_col_text(s, 4);
	int kind = str_index(org_kind_names, db_col_text(s, 2) ? db_col_text(s, 2) : "");
	int class = str_index(org_class_names, db_col_text(s, 3) ? db_col_text(s, 3) : "");
	int status = str_index(org_status_names, db_col_text(s, 6) ? db_col_text(s, 6) : "");

	memset(&o, 0, sizeof(o));
	o.id = db_col_int(s, 0);
	if (name == NULL || sector == NULL || kind < 0 || class < 0 || status < 0 ||
	    store_copy_text(o.country, sizeof(o.country), db_col_text(s, 5)) != 0 ||
	    store_copy_text(o.created, sizeof(o.created), db_col_text(s, 8)) != 0 ||
	    store_copy_text(o.updated, sizeof(o.updated), db_col_text(s, 9)) != 0)
		return sk_error_set(err, SK_EIO, "organization %lld in the database is damaged",
				    (long long)o.id);
	o.kind = (enum org_kind)kind;
	o.class = (enum org_class) class;
	o.status = (enum org_status)status;
	o.name = xstrdup(name);
	o.sector = xstrdup(sector);
	o.notes = db_col_is_null(s, 7) ? NULL : xstrdup(db_col_text(s, 7));
	*out = o;
	return 0;
}

/* Step s to its end, handing each organization to fn. */
static int org_walk(struct db_stmt *s, store_org_fn fn, void *ctx, struct sk_error *err)
{
	int rc;

	while ((rc = db_step(s, err)) == 1) {
		struct org o;

		if ((rc = org_from_row(s, &o, err)) == 0) {
			rc = fn(&o, ctx);
			org_clear(&o);
		}
		if (rc != 0) {
			db_reset(s);
			return rc;
		}
	}
	return rc;
}

/* The name of organization id into name (cut to fit), or SK_ENOTFOUND.
 * With kind_out, also its kind. */
static int org_name(struct store *st, int64_t id, char name[ORG_NAME_MAX + 1],
		    enum org_kind *kind_out, struct sk_error *err)
{
	struct db_stmt *s;
	int rc, kind;

	if ((rc = store_prep(st, "SELECT name, kind FROM orgs WHERE id = $1", &s, err)) != 0)
		return rc;
	db_bind_int(s, 1, id);
	if ((rc = db_step(s, err)) < 0)
		return rc;
	if (rc == 0)
		return sk_error_set(err, SK_ENOTFOUND, "no organization with id %lld",
				    (long long)id);
	snprintf(name, ORG_NAME_MAX + 1, "%s", db_col_text(s, 0) ? db_col_text(s, 0) : "");
	kind = str_index(org_kind_names, db_col_text(s, 1) ? db_col_text(s, 1) : "");
	db_reset(s);
	if (kind_out != NULL)
		*kind_out = kind < 0 ? ORG_KIND_CONSTITUENT : (enum org_kind)kind;
	return 0;
}

/* Check what the schema's CHECK constraints would refuse, with messages
 * a user understands. */
static int org_check(const struct org *org, struct sk_error *err)
{
	int rc;

	if ((rc = org_validate(org, err)) != 0)
		return rc;
	if (vocab_name(org_kind_names, (int)org->kind) == NULL ||
	    vocab_name(org_class_names, (int)org->class) == NULL ||
	    vocab_name(org_status_names, (int)org->status) == NULL)
		return sk_error_set(err, SK_EINVAL,
				    "organization %s has an invalid kind, class "
				    "or status",
				    org->name);
	if (org->country[0] != '\0' && strlen(org->country) != 2)
		return sk_error_set(err, SK_EINVAL,
				    "organization %s: country '%s' is not two "
				    "letters",
				    org->name, org->country);
	return 0;
}

/* Bind the fields of org to $1..$7 in the order of ORG_COLS after id. */
static void org_bind(struct db_stmt *s, const struct org *org)
{
	db_bind_text(s, 1, org->name);
	db_bind_text(s, 2, org_kind_names[org->kind]);
	db_bind_text(s, 3, org_class_names[org->class]);
	db_bind_text(s, 4, org->sector);
	db_bind_text(s, 5, org->country);
	db_bind_text(s, 6, org_status_names[org->status]);
	db_bind_text(s, 7, org->notes);
}

/* Add org; on success fills org->id, created and updated. org is
 * borrowed otherwise. */
int store_org_add(struct store *st, struct org *org, struct sk_error *err)
{
	struct db_stmt *s;
	char now[21];
	int64_t id = 0;
	int rc;

	if ((rc = org_check(org, err)) != 0)
		return rc;
	if ((rc = store_begin(st, err)) != 0)
		return rc;
	store_time_now(now);
	rc = store_prep(
	    st,
	    "INSERT INTO orgs (name, kind, class, sector, country, status, notes, "
	    "created, updated) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
	    &s, err);
	if (rc != 0)
		goto out;
	org_bind(s, org);
	db_bind_text(s, 8, now);
	if ((rc = store_step_id(s, &id, err)) != 0) {
		if (rc == SK_EEXIST)
			sk_error_set(err, rc, "organization '%s' already exists", org->name);
		else
			sk_error_prefix(err, "adding organization '%s'", org->name);
		goto out;
	}
	rc = store_audit(st, "org.add", "org", id, err, "added organization %s (%s, %s, %s)",
			 org->name, org_kind_names[org->kind], org_class_names[org->class],
			 org->sector);
out:
	if ((rc = store_finish(st, rc, err)) == 0) {
		org->id = id;
		memcpy(org->created, now, sizeof(now));
		memcpy(org->updated, now, sizeof(now));
	}
	return rc;
}

/* A returned row (its name in column 1) against row j of a chunk of
 * organizations. */
struct org_chunk {
	struct db_stmt *s;
	const struct org *v;
};

static bool org_row_same(size_t j, void *ctx)
{
	const struct org_chunk *c = ctx;
	const char *name = db_col_text(c->s, 1);

	return name != NULL && strcmp(name, c->v[j].name) == 0;
}

/* Add the n organizations of v in one statement (and one for their audit
 * rows) per BULK_ROWS. A name that exists already, or twice in v, is
 * SK_EEXIST naming it, and nothing is added. On success fills in id,
 * created and updated of each; v is borrowed otherwise. */
int store_org_add_many(struct store *st, struct org *v, size_t n, struct sk_error *err)
{
	struct audit_many *am = NULL;
	struct chunk_match m;
	struct org_chunk c;
	struct db_stmt *s;
	int64_t *ids = NULL;
	char now[21];
	size_t k;
	int rc;

	for (size_t i = 0; i < n; i++)
		if ((rc = org_check(&v[i], err)) != 0) {
			sk_error_prefix(err, "organizations[%zu]", i);
			return rc;
		}
	if (n == 0)
		return 0;
	if ((rc = store_begin(st, err)) != 0)
		return rc;
	ids = xcalloc(n, sizeof(*ids));
	am = xcalloc(1, sizeof(*am));
	am->action = "org.add";
	store_time_now(now);
	for (size_t at = 0; at < n; at += k) {
		k = n - at < BULK_ROWS ? n - at : BULK_ROWS;
		if ((rc = store_prep(st, store_bulk_sql(st, BULK_ORG, k), &s, err)) != 0)
			goto out;
		db_bind_text(s, 1, now);
		for (size_t j = 0; j < k; j++) {
			const struct org *o = &v[at + j];
			int p = 2 + 7 * (int)j;

			db_bind_text(s, p, o->name);
			db_bind_text(s, p + 1, org_kind_names[o->kind]);
			db_bind_text(s, p + 2, org_class_names[o->class]);
			db_bind_text(s, p + 3, o->sector);
			db_bind_text(s, p + 4, o->country);
			db_bind_text(s, p + 5, org_status_names[o->status]);
			db_bind_text(s, p + 6, o->notes);
		}
		chunk_match_init(&m, k);
		c.s = s;
		c.v = v + at;
		while ((rc = db_step(s, err)) == 1) {
			long j = chunk_match_find(&m, org_row_same, &c);

			if (j < 0) {
				db_reset(s);
				rc = sk_error_set(err, SK_EIO,
						  "adding organizations: the database returned "
						  "one that was not asked for");
				goto out;
			}
			ids[at + (size_t)j] = db_col_int(s, 0);
		}
		if (rc < 0) {
			sk_error_prefix(err, "adding organizations");
			goto out;
		}
		for (size_t j = 0; j < k; j++) {
			const struct org *o = &v[at + j];

			if (!m.taken[j]) {
				rc = sk_error_set(err, SK_EEXIST,
						  "organization '%s' already exists", o->name);
				goto out;
			}
			audit_many_add(am, "org", ids[at + j],
				       "added organization %s (%s, %s, %s)", o->name,
				       org_kind_names[o->kind], org_class_names[o->class],
				       o->sector);
		}
		if ((rc = audit_many_write(st, am, err)) != 0)
			goto out;
	}
out:
	if ((rc = store_finish(st, rc, err)) == 0)
		for (size_t i = 0; i < n; i++) {
			v[i].id = ids[i];
			memcpy(v[i].created, now, sizeof(now));
			memcpy(v[i].updated, now, sizeof(now));
		}
	free(ids);
	free(am);
	return rc;
}

/* Fill *out (treated as uninitialized; caller org_clear()s it) with
 * organization id. */
int store_org_get(struct store *st, int64_t id, struct org *out, struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	if ((rc = store_prep(st, "SELECT " ORG_COLS " FROM orgs WHERE id = $1", &s, err)) != 0)
		return rc;
	db_bind_int(s, 1, id);
	if ((rc = db_step(s, err)) < 0)
		return rc;
	if (rc == 0)
		return sk_error_set(err, SK_ENOTFOUND, "no organization with id %lld",
				    (long long)id);
	rc = org_from_row(s, out, err);
	db_reset(s);
	return rc;
}

/* Like store_org_get(), by exact name. */
int store_org_get_by_name(struct store *st, const char *name, struct org *out,
			  struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	if ((rc = store_prep(st, "SELECT " ORG_COLS " FROM orgs WHERE name = $1", &s, err)) !=
	    0)
		return rc;
	db_bind_text(s, 1, name);
	if ((rc = db_step(s, err)) < 0)
		return rc;
	if (rc == 0)
		return sk_error_set(err, SK_ENOTFOUND, "no organization named '%s'", name);
	rc = org_from_row(s, out, err);
	db_reset(s);
	return rc;
}

static bool text_differs(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") != 0;
}

/* Append "field old -> new" to the list in out (size bytes, *n used),
 * cutting it short if it does not fit. */
static void change_add(char *out, size_t size, size_t *n, const char *field, const char *a,
		       const char *b)
{
	int w;

	if (*n + 1 >= size)
		return;
	if (b == NULL)
		w = snprintf(out + *n, size - *n, "%s%s", *n ? ", " : "", field);
	else
		w = snprintf(out + *n, size - *n, "%s%s %s -> %s", *n ? ", " : "", field, a, b);
	if (w > 0)
		*n = (size_t)w >= size - *n ? size - 1 : *n + (size_t)w;
}

/* Describe what differs between old and org ("class private -> oes,
 * notes changed") into out; "" when nothing does. */
static void org_describe_changes(const struct org *old, const struct org *org, char *out,
				 size_t size)
{
	size_t n = 0;

	out[0] = '\0';
	if (text_differs(old->name, org->name))
		change_add(out, size, &n, "name", old->name, org->name);
	if (old->kind != org->kind)
		change_add(out, size, &n, "kind", org_kind_names[old->kind],
			   org_kind_names[org->kind]);
	if (old->class != org->class)
		change_add(out, size, &n, "class", org_class_names[old->class],
			   org_class_names[org->class]);
	if (text_differs(old->sector, org->sector))
		change_add(out, size, &n, "sector", old->sector, org->sector);
	if (text_differs(old->country, org->country))
		change_add(out, size, &n, "country", old->country[0] ? old->country : "(none)",
			   org->country[0] ? org->country : "(none)");
	if (old->status != org->status)
		change_add(out, size, &n, "status", org_status_names[old->status],
			   org_status_names[org->status]);
	if (text_differs(old->notes, org->notes))
		change_add(out, size, &n, "notes changed", NULL, NULL);
}

/* Store every field of org (found by org->id) and refresh its updated
 * time, which is written back into org on success. Making a liaison
 * organization that still has members something else is SK_EINVAL. */
int store_org_update(struct store *st, struct org *org, struct sk_error *err)
{
	struct org old;
	struct db_stmt *s;
	char now[21], changes[SUMMARY_MAX / 2];
	bool have_old = false;
	int rc;

	if ((rc = org_check(org, err)) != 0)
		return rc;
	if ((rc = store_begin(st, err)) != 0)
		return rc;
	if ((rc = store_org_get(st, org->id, &old, err)) != 0)
		goto out;
	have_old = true;
	org_describe_changes(&old, org, changes, sizeof(changes));
	if (changes[0] == '\0') {
		memcpy(now, old.updated, sizeof(now));
		goto out;
	}
	if (old.kind == ORG_KIND_LIAISON && org->kind != ORG_KIND_LIAISON) {
		rc = store_prep(st, "SELECT count(*) FROM memberships WHERE liaison_id = $1",
				&s, err);
		if (rc != 0)
			goto out;
		db_bind_int(s, 1, org->id);
		if ((rc = db_step(s, err)) < 0)
			goto out;
		rc = rc == 1 ? (int)db_col_int(s, 0) : 0;
		db_reset(s);
		if (rc > 0) {
			rc = sk_error_set(
			    err, SK_EINVAL,
			    "%s still has %d member%s: remove them before making it "
			    "%s",
			    old.name, rc, rc == 1 ? "" : "s", org_kind_names[org->kind]);
			goto out;
		}
	}
	store_time_now(now);
	rc = store_prep(
	    st,
	    "UPDATE orgs SET name = $1, kind = $2, class = $3, sector = $4, country = $5, "
	    "status = $6, notes = $7, updated = $8 WHERE id = $9",
	    &s, err);
	if (rc != 0)
		goto out;
	org_bind(s, org);
	db_bind_text(s, 8, now);
	db_bind_int(s, 9, org->id);
	if ((rc = store_step_done(s, err)) != 0) {
		if (rc == SK_EEXIST)
			sk_error_set(err, rc, "organization '%s' already exists", org->name);
		else
			sk_error_prefix(err, "updating organization '%s'", old.name);
		goto out;
	}
	rc = store_audit(st, "org.update", "org", org->id, err, "updated organization %s: %s",
			 org->name, changes);
out:
	if ((rc = store_finish(st, rc, err)) == 0) {
		memcpy(org->created, old.created, sizeof(org->created));
		memcpy(org->updated, now, sizeof(now));
	}
	if (have_old)
		org_clear(&old);
	return rc;
}

/* The count that sql (one parameter, the id) returns into *n_out. */
static int count_of(struct store *st, const char *sql, int64_t id, int64_t *n_out,
		    struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	if ((rc = store_prep(st, sql, &s, err)) != 0)
		return rc;
	db_bind_int(s, 1, id);
	if ((rc = db_step(s, err)) < 0)
		return rc;
	*n_out = rc == 1 ? db_col_int(s, 0) : 0;
	db_reset(s);
	return 0;
}

/* Remove organization id with its contacts, resources, memberships and
 * users (the schema cascades) and the rows of the events it received
 * (store_event_org_forget). */
int store_org_remove(struct store *st, int64_t id, struct sk_error *err)
{
	char name[ORG_NAME_MAX + 1];
	int64_t nres = 0, ncon = 0;
	struct db_stmt *s;
	int rc;

	if ((rc = store_begin(st, err)) != 0)
		return rc;
	if ((rc = org_name(st, id, name, NULL, err)) != 0)
		goto out;
	if ((rc = count_of(st, "SELECT count(*) FROM resources WHERE org_id = $1", id, &nres,
			   err)) != 0 ||
	    (rc = count_of(st, "SELECT count(*) FROM contacts WHERE org_id = $1", id, &ncon,
			   err)) != 0)
		goto out;
	if ((rc = store_event_org_forget(st, id, err)) != 0 ||
	    (rc = store_prep(st, "DELETE FROM orgs WHERE id = $1", &s, err)) != 0)
		goto out;
	db_bind_int(s, 1, id);
	if ((rc = store_step_done(s, err)) != 0) {
		sk_error_prefix(err, "removing organization '%s'", name);
		goto out;
	}
	rc = store_audit(st, "org.remove", "org", id, err,
			 "removed organization %s with %lld resource%s and %lld contact%s",
			 name, (long long)nres, nres == 1 ? "" : "s", (long long)ncon,
			 ncon == 1 ? "" : "s");
out:
	return store_finish(st, rc, err);
}

/* Every organization by name; each is borrowed by fn for the call. */
int store_org_each(struct store *st, store_org_fn fn, void *ctx, struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	if ((rc = store_prep(st, "SELECT " ORG_COLS " FROM orgs ORDER BY name", &s, err)) != 0)
		return rc;
	return org_walk(s, fn, ctx, err);
}

/* ---- memberships ---- */

/* Make member_id a member of liaison_id, which must be a liaison
 * organization other than the member. */
int store_member_add(struct store *st, int64_t liaison_id, int64_t member_id,
		     struct sk_error *err)
{
	char lname[ORG_NAME_MAX + 1], mname[ORG_NAME_MAX + 1], now[21];
	enum org_kind kind;
	struct db_stmt *s;
	int rc;

	if ((rc = store_begin(st, err)) != 0)
		return rc;
	if ((rc = org_name(st, liaison_id, lname, &kind, err)) != 0 ||
	    (rc = org_name(st, member_id, mname, NULL, err)) != 0)
		goto out;
	if (kind != ORG_KIND_LIAISON) {
		rc = sk_error_set(err, SK_EINVAL,
				  "%s is not a liaison organization (its kind is %s), so it "
				  "cannot have members",
				  lname, org_kind_names[kind]);
		goto out;
	}
	if (liaison_id == member_id) {
		rc = sk_error_set(err, SK_EINVAL, "%s cannot be a member of itself", lname);
		goto out;
	}
	rc = store_prep(
	    st, "INSERT INTO memberships (liaison_id, member_id, created) VALUES ($1, $2, $3)",
	    &s, err);
	if (rc != 0)
		goto out;
	store_time_now(now);
	db_bind_int(s, 1, liaison_id);
	db_bind_int(s, 2, member_id);
	db_bind_text(s, 3, now);
	if ((rc = store_step_done(s, err)) != 0) {
		if (rc == SK_EEXIST)
			sk_error_set(err, rc, "%s is already a member of %s", mname, lname);
		else
			sk_error_prefix(err, "adding %s to %s", mname, lname);
		goto out;
	}
	rc = store_audit(st, "member.add", "org", liaison_id, err, "added %s as a member of %s",
			 mname, lname);
out:
	return store_finish(st, rc, err);
}

/* Make each of the n organizations member_ids a member of liaison_id, in
 * one statement (and one for the audit rows) per BULK_ROWS; those that
 * are members already are left as they are. The number added goes into
 * *added_out (may be NULL) on success. */
int store_member_add_many(struct store *st, int64_t liaison_id, const int64_t *member_ids,
			  size_t n, size_t *added_out, struct sk_error *err)
{
	struct org_refs refs = {NULL, 0};
	const struct org_ref *liaison;
	struct audit_many *am = NULL;
	struct chunk_match m;
	struct db_stmt *s;
	int64_t *ids = NULL;
	size_t added = 0, k;
	char now[21];
	int rc;

	if (n == 0) {
		if (added_out != NULL)
			*added_out = 0;
		return 0;
	}
	if ((rc = store_begin(st, err)) != 0)
		return rc;
	am = xcalloc(1, sizeof(*am));
	am->action = "member.add";
	ids = xcalloc(n + 1, sizeof(*ids));
	memcpy(ids, member_ids, n * sizeof(*ids));
	ids[n] = liaison_id;
	if ((rc = org_refs_load(st, ids, n + 1, &refs, err)) != 0)
		goto out;
	liaison = org_refs_find(&refs, liaison_id);
	if (liaison->kind != ORG_KIND_LIAISON) {
		rc = sk_error_set(err, SK_EINVAL,
				  "%s is not a liaison organization (its kind is %s), so it "
				  "cannot have members",
				  liaison->name, org_kind_names[liaison->kind]);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (member_ids[i] == liaison_id) {
			rc = sk_error_set(err, SK_EINVAL, "%s cannot be a member of itself",
					  liaison->name);
			goto out;
		}
	store_time_now(now);
	for (size_t at = 0; at < n; at += k) {
		k = n - at < BULK_ROWS ? n - at : BULK_ROWS;
		if ((rc = store_prep(st, store_bulk_sql(st, BULK_MEMBER, k), &s, err)) != 0)
			goto out;
		db_bind_int(s, 1, liaison_id);
		db_bind_text(s, 2, now);
		for (size_t j = 0; j < k; j++)
			db_bind_int(s, 3 + (int)j, member_ids[at + j]);
		chunk_match_init(&m, k);
		while ((rc = db_step(s, err)) == 1) {
			int64_t id = db_col_int(s, 0);
			size_t j;

			for (j = 0; j < k && (m.taken[j] || member_ids[at + j] != id); j++)
				;
			if (j < k)
				m.taken[j] = true;
		}
		if (rc < 0) {
			sk_error_prefix(err, "adding members to %s", liaison->name);
			goto out;
		}
		for (size_t j = 0; j < k; j++) {
			if (!m.taken[j])
				continue;
			audit_many_add(am, "org", liaison_id, "added %s as a member of %s",
				       org_refs_find(&refs, member_ids[at + j])->name,
				       liaison->name);
			added++;
		}
		if ((rc = audit_many_write(st, am, err)) != 0)
			goto out;
	}
out:
	if ((rc = store_finish(st, rc, err)) == 0 && added_out != NULL)
		*added_out = added;
	org_refs_free(&refs);
	free(ids);
	free(am);
	return rc;
}

/* End a membership; SK_ENOTFOUND if there is none. */
int store_member_remove(struct store *st, int64_t liaison_id, int64_t member_id,
			struct sk_error *err)
{
	char lname[ORG_NAME_MAX + 1], mname[ORG_NAME_MAX + 1];
	struct db_stmt *s;
	int rc;

	if ((rc = store_begin(st, err)) != 0)
		return rc;
	if ((rc = org_name(st, liaison_id, lname, NULL, err)) != 0 ||
	    (rc = org_name(st, member_id, mname, NULL, err)) != 0)
		goto out;
	rc = store_prep(st,
			"DELETE FROM memberships WHERE liaison_id = $1 AND member_id = $2 "
			"RETURNING member_id",
			&s, err);
	if (rc != 0)
		goto out;
	db_bind_int(s, 1, liaison_id);
	db_bind_int(s, 2, member_id);
	if ((rc = db_step(s, err)) < 0)
		goto out;
	if (rc == 0) {
		rc = sk_error_set(err, SK_ENOTFOUND, "%s is not a member of %s", mname, lname);
		goto out;
	}
	db_reset(s);
	rc = store_audit(st, "member.remove", "org", liaison_id, err,
			 "removed %s as a member of %s", mname, lname);
out:
	return store_finish(st, rc, err);
}

/* Walk the organizations that sql ($1 = id) selects, after checking that
 * organization id exists (SK_ENOTFOUND otherwise). */
static int org_walk_related(struct store *st, int64_t id, const char *sql, store_org_fn fn,
			    void *ctx, struct sk_error *err)
{
	char name[ORG_NAME_MAX + 1];
	struct db_stmt *s;
	int rc;

	if ((rc = org_name(st, id, name, NULL, err)) != 0)
		return rc;
	if ((rc = store_prep(st, sql, &s, err)) != 0)
		return rc;
	db_bind_int(s, 1, id);
	return org_walk(s, fn, ctx, err);
}

/* Members of liaison_id by name; SK_ENOTFOUND for an unknown id. */
int store_member_each(struct store *st, int64_t liaison_id, store_org_fn fn, void *ctx,
		      struct sk_error *err)
{
	return org_walk_related(st, liaison_id,
				"SELECT " ORG_COLS " FROM orgs WHERE id IN "
				"(SELECT member_id FROM memberships WHERE liaison_id = $1) "
				"ORDER BY name",
				fn, ctx, err);
}

/* Liaison organizations of member_id by name. */
int store_liaison_each(struct store *st, int64_t member_id, store_org_fn fn, void *ctx,
		       struct sk_error *err)
{
	return org_walk_related(st, member_id,
				"SELECT " ORG_COLS " FROM orgs WHERE id IN "
				"(SELECT liaison_id FROM memberships WHERE member_id = $1) "
				"ORDER BY name",
				fn, ctx, err);
}

/* 1 if member_id is a member of liaison_id, 0 if not, < 0 on error. */
int store_is_member(struct store *st, int64_t liaison_id, int64_t member_id,
		    struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	rc = store_prep(
	    st, "SELECT 1 FROM memberships WHERE liaison_id = $1 AND member_id = $2", &s, err);
	if (rc != 0)
		return rc;
	db_bind_int(s, 1, liaison_id);
	db_bind_int(s, 2, member_id);
	if ((rc = db_step(s, err)) == 1)
		db_reset(s);
	return rc;
}

/* ---- contacts ---- */

/* Read CONTACT_COLS from the current row into *out (caller
 * contact_clear()s). */
static int contact_from_row(struct db_stmt *s, struct contact *out, struct sk_error *err)
{
	struct contact c;
	const char *name = db_col_text(s, 2), *email = db_col_text(s, 3);
	int role = str_index(contact_role_names, db_col_text(s, 5) ? db_col_text(s, 5) : "");

	memset(&c, 0, sizeof(c));
	c.id = db_col_int(s, 0);
	c.org_id = db_col_int(s, 1);
	if (name == NULL || email == NULL || role < 0 ||
	    store_copy_text(c.languages, sizeof(c.languages), db_col_text(s, 6)) != 0 ||
	    store_copy_text(c.pgp_fpr, sizeof(c.pgp_fpr), db_col_text(s, 7)) != 0 ||
	    store_copy_text(c.created, sizeof(c.created), db_col_text(s, 8)) != 0)
		return sk_error_set(err, SK_EIO, "contact %lld in the database is damaged",
				    (long long)c.id);
	c.role = (enum contact_role)role;
	c.name = xstrdup(name);
	c.email = xstrdup(email);
	c.phone = db_col_is_null(s, 4) ? NULL : xstrdup(db_col_text(s, 4));
	*out = c;
	return 0;
}

/* Add contact c to organization c->org_id; on success fills c->id and
 * c->created. */
int store_contact_add(struct store *st, struct contact *c, struct sk_error *err)
{
	char oname[ORG_NAME_MAX + 1], now[21];
	struct db_stmt *s;
	int64_t id = 0;
	int rc;

	if ((rc = contact_validate(c, err)) != 0)
		return rc;
	if (vocab_name(contact_role_names, (int)c->role) == NULL)
		return sk_error_set(err, SK_EINVAL, "contact %s has an invalid role", c->name);
	if ((rc = store_begin(st, err)) != 0)
		return rc;
	if ((rc = org_name(st, c->org_id, oname, NULL, err)) != 0)
		goto out;
	store_time_now(now);
	rc = store_prep(
	    st,
	    "INSERT INTO contacts (org_id, name, email, phone, role, languages, pgp_fpr, "
	    "created) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
	    &s, err);
	if (rc != 0)
		goto out;
	db_bind_int(s, 1, c->org_id);
	db_bind_text(s, 2, c->name);
	db_bind_text(s, 3, c->email);
	db_bind_text(s, 4, c->phone);
	db_bind_text(s, 5, contact_role_names[c->role]);
	db_bind_text(s, 6, c->languages);
	db_bind_text(s, 7, c->pgp_fpr);
	db_bind_text(s, 8, now);
	if ((rc = store_step_id(s, &id, err)) != 0) {
		sk_error_prefix(err, "adding contact %s to %s", c->name, oname);
		goto out;
	}
	rc = store_audit(st, "contact.add", "org", c->org_id, err,
			 "added contact %s <%s> (%s) to %s", c->name, c->email,
			 contact_role_names[c->role], oname);
out:
	if ((rc = store_finish(st, rc, err)) == 0) {
		c->id = id;
		memcpy(c->created, now, sizeof(now));
	}
	return rc;
}

/* A returned row (RETURNING of BULK_CONTACT) against row j of a chunk of
 * contacts: the same in every column but id. */
struct contact_chunk {
	struct db_stmt *s;
	const struct contact *v;
};

static bool contact_row_same(size_t j, void *ctx)
{
	const struct contact_chunk *c = ctx;
	const struct contact *x = &c->v[j];

	return db_col_int(c->s, 1) == x->org_id &&
	       !text_differs(db_col_text(c->s, 2), x->name) &&
	       !text_differs(db_col_text(c->s, 3), x->email) &&
	       !text_differs(db_col_text(c->s, 4), x->phone) &&
	       !text_differs(db_col_text(c->s, 5), contact_role_names[x->role]) &&
	       !text_differs(db_col_text(c->s, 6), x->languages) &&
	       !text_differs(db_col_text(c->s, 7), x->pgp_fpr);
}

/* Add the n contacts of v, each to its organization v[i].org_id, in one
 * statement (and one for the audit rows) per BULK_ROWS. On success fills
 * in id and created of each; v is borrowed otherwise. */
int store_contact_add_many(struct store *st, struct contact *v, size_t n, struct sk_error *err)
{
	struct org_refs refs = {NULL, 0};
	struct audit_many *am = NULL;
	struct contact_chunk c;
	struct chunk_match m;
	struct db_stmt *s;
	int64_t *ids = NULL;
	char now[21];
	size_t k;
	int rc;

	for (size_t i = 0; i < n; i++) {
		if ((rc = contact_validate(&v[i], err)) == 0 &&
		    vocab_name(contact_role_names, (int)v[i].role) == NULL)
			rc = sk_error_set(err, SK_EINVAL, "contact %s has an invalid role",
					  v[i].name);
		if (rc != 0) {
			sk_error_prefix(err, "contacts[%zu]", i);
			return rc;
		}
	}
	if (n == 0)
		return 0;
	if ((rc = store_begin(st, err)) != 0)
		return rc;
	am = xcalloc(1, sizeof(*am));
	am->action = "contact.add";
	ids = xcalloc(n, sizeof(*ids));
	for (size_t i = 0; i < n; i++)
		ids[i] = v[i].org_id;
	if ((rc = org_refs_load(st, ids, n, &refs, err)) != 0)
		goto out;
	store_time_now(now);
	for (size_t at = 0; at < n; at += k) {
		k = n - at < BULK_ROWS ? n - at : BULK_ROWS;
		if ((rc = store_prep(st, store_bulk_sql(st, BULK_CONTACT, k), &s, err)) != 0)
			goto out;
		db_bind_text(s, 1, now);
		for (size_t j = 0; j < k; j++) {
			const struct contact *x = &v[at + j];
			int p = 2 + 7 * (int)j;

			db_bind_int(s, p, x->org_id);
			db_bind_text(s, p + 1, x->name);
			db_bind_text(s, p + 2, x->email);
			db_bind_text(s, p + 3, x->phone);
			db_bind_text(s, p + 4, contact_role_names[x->role]);
			db_bind_text(s, p + 5, x->languages);
			db_bind_text(s, p + 6, x->pgp_fpr);
		}
		chunk_match_init(&m, k);
		c.s = s;
		c.v = v + at;
		while ((rc = db_step(s, err)) == 1) {
			long j = chunk_match_find(&m, contact_row_same, &c);

			if (j >= 0)
				ids[at + (size_t)j] = db_col_int(s, 0);
		}
		if (rc < 0) {
			sk_error_prefix(err, "adding contacts");
			goto out;
		}
		for (size_t j = 0; j < k; j++) {
			const struct contact *x = &v[at + j];

			if (!m.taken[j]) {
				rc = sk_error_set(err, SK_EIO,
						  "adding contact %s: the database did not say "
						  "it was stored",
						  x->name);
				goto out;
			}
			audit_many_add(am, "org", x->org_id, "added contact %s <%s> (%s) to %s",
				       x->name, x->email, contact_role_names[x->role],
				       org_refs_find(&refs, x->org_id)->name);
		}
		if ((rc = audit_many_write(st, am, err)) != 0)
			goto out;
	}
out:
	if ((rc = store_finish(st, rc, err)) == 0)
		for (size_t i = 0; i < n; i++) {
			v[i].id = ids[i];
			memcpy(v[i].created, now, sizeof(now));
		}
	org_refs_free(&refs);
	free(ids);
	free(am);
	return rc;
}

/* Fill *out (treated as uninitialized; caller contact_clear()s it). */
int store_contact_get(struct store *st, int64_t id, struct contact *out, struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	if ((rc = store_prep(st, "SELECT " CONTACT_COLS " FROM contacts WHERE id = $1", &s,
			     err)) != 0)
		return rc;
	db_bind_int(s, 1, id);
	if ((rc = db_step(s, err)) < 0)
		return rc;
	if (rc == 0)
		return sk_error_set(err, SK_ENOTFOUND, "no contact with id %lld",
				    (long long)id);
	rc = contact_from_row(s, out, err);
	db_reset(s);
	return rc;
}

/* The contact with address email (see store.h). */
int store_contact_find_email(struct store *st, const char *email, struct contact *out,
			     struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	if ((rc = store_prep(st,
			     "SELECT " CONTACT_COLS " FROM contacts WHERE lower(email) = "
			     "lower($1) ORDER BY id LIMIT 1",
			     &s, err)) != 0)
		return rc;
	db_bind_text(s, 1, email);
	if ((rc = db_step(s, err)) < 0)
		return rc;
	if (rc == 0)
		return sk_error_set(err, SK_ENOTFOUND, "no contact with address %.254s", email);
	rc = contact_from_row(s, out, err);
	db_reset(s);
	return rc;
}

/* Remove contact id; SK_ENOTFOUND if there is none. */
int store_contact_remove(struct store *st, int64_t id, struct sk_error *err)
{
	char oname[ORG_NAME_MAX + 1];
	struct contact c;
	struct db_stmt *s;
	bool have = false;
	int rc;

	if ((rc = store_begin(st, err)) != 0)
		return rc;
	if ((rc = store_contact_get(st, id, &c, err)) != 0)
		goto out;
	have = true;
	if ((rc = org_name(st, c.org_id, oname, NULL, err)) != 0)
		goto out;
	if ((rc = store_prep(st, "DELETE FROM contacts WHERE id = $1", &s, err)) != 0)
		goto out;
	db_bind_int(s, 1, id);
	if ((rc = store_step_done(s, err)) != 0) {
		sk_error_prefix(err, "removing contact %s", c.name);
		goto out;
	}
	rc = store_audit(st, "contact.remove", "org", c.org_id, err,
			 "removed contact %s <%s> from %s", c.name, c.email, oname);
out:
	if (have)
		contact_clear(&c);
	return store_finish(st, rc, err);
}

/* Contacts of org_id (all when 0) by name; each borrowed by fn. */
int store_contact_each(struct store *st, int64_t org_id, store_contact_fn fn, void *ctx,
		       struct sk_error *err)
{
	char name[ORG_NAME_MAX + 1];
	struct db_stmt *s;
	int rc;

	if (org_id != 0) {
		if ((rc = org_name(st, org_id, name, NULL, err)) != 0)
			return rc;
		rc = store_prep(st,
				"SELECT " CONTACT_COLS " FROM contacts WHERE org_id = $1 "
				"ORDER BY name, id",
				&s, err);
		if (rc != 0)
			return rc;
		db_bind_int(s, 1, org_id);
	} else {
		rc = store_prep(
		    st, "SELECT " CONTACT_COLS " FROM contacts ORDER BY org_id, name, id", &s,
		    err);
		if (rc != 0)
			return rc;
	}
	while ((rc = db_step(s, err)) == 1) {
		struct contact c;

		if ((rc = contact_from_row(s, &c, err)) == 0) {
			rc = fn(&c, ctx);
			contact_clear(&c);
		}
		if (rc != 0) {
			db_reset(s);
			return rc;
		}
	}
	return rc;
}

/* ---- resources ---- */

/* Read RESOURCE_COLS from the current row into *out. */
static int resource_from_row(struct db_stmt *s, struct resource *out, struct sk_error *err)
{
	struct resource r;
	int type = str_index(resource_type_names, db_col_text(s, 2) ? db_col_text(s, 2) : "");
	int64_t v;
	bool ok = false;

	memset(&r, 0, sizeof(r));
	r.id = db_col_int(s, 0);
	r.org_id = db_col_int(s, 1);
	switch (type) {
	case RESOURCE_ASN:
		v = db_col_int(s, 6);
		ok = !db_col_is_null(s, 6) && v > 0 && v <= UINT32_MAX;
		r.asn = ok ? (uint32_t)v : 0;
		break;
	case RESOURCE_PREFIX:
		v = db_col_int(s, 3);
		r.prefix.family = v == 4 || v == 6 ? (uint8_t)v : 0;
		v = db_col_int(s, 4);
		ok = r.prefix.family != 0 && v >= 0 &&
		     v <= prefix_family_bits(r.prefix.family) &&
		     net_unhex(db_col_text(s, 5), r.prefix.family, r.prefix.addr) == 0;
		r.prefix.len = ok ? (uint8_t)v : 0;
		break;
	case RESOURCE_DOMAIN:
		ok = store_copy_text(r.domain, sizeof(r.domain), db_col_text(s, 7)) == 0;
		break;
	}
	if (!ok || store_copy_text(r.created, sizeof(r.created), db_col_text(s, 8)) != 0)
		return sk_error_set(err, SK_EIO, "resource %lld in the database is damaged",
				    (long long)r.id);
	r.type = (enum resource_type)type;
	*out = r;
	return 0;
}

/* Step s to its end, handing each resource to fn. */
static int resource_walk(struct db_stmt *s, store_resource_fn fn, void *ctx,
			 struct sk_error *err)
{
	int rc;

	while ((rc = db_step(s, err)) == 1) {
		struct resource r;

		if ((rc = resource_from_row(s, &r, err)) == 0)
			rc = fn(&r, ctx);
		if (rc != 0) {
			db_reset(s);
			return rc;
		}
	}
	return rc;
}

/* Check r is well formed and write its canonical value into value. */
static int resource_check(const struct resource *r, char value[RESOURCE_TEXT_MAX],
			  struct sk_error *err)
{
	struct prefix p;
	int n;

	switch (r->type) {
	case RESOURCE_ASN:
		if (r->asn == 0)
			return sk_error_set(err, SK_EINVAL, "AS number 0 is not a resource");
		break;
	case RESOURCE_PREFIX:
		if ((r->prefix.family != 4 && r->prefix.family != 6) ||
		    r->prefix.len > prefix_family_bits(r->prefix.family))
			return sk_error_set(err, SK_EINVAL,
					    "prefix has no valid family or length");
		/* Widen to a host prefix and cut back: what differs is host bits. */
		p = r->prefix;
		p.len = (uint8_t)prefix_family_bits(p.family);
		prefix_truncate(&p, r->prefix.len);
		if (memcmp(p.addr, r->prefix.addr, sizeof(p.addr)) != 0)
			return sk_error_set(err, SK_EINVAL, "prefix has host bits set");
		break;
	case RESOURCE_DOMAIN:
		if (memchr(r->domain, '\0', sizeof(r->domain)) == NULL || r->domain[0] == '\0')
			return sk_error_set(err, SK_EINVAL, "domain resource has no name");
		break;
	default:
		return sk_error_set(err, SK_EINVAL, "unknown resource type");
	}
	n = resource_format_value(r, value, RESOURCE_TEXT_MAX);
	if (n < 0 || n >= RESOURCE_TEXT_MAX)
		return sk_error_set(err, SK_EINVAL, "resource cannot be written out");
	return 0;
}

/* Add r to organization r->org_id; on success fills r->id and
 * r->created. */
int store_resource_add(struct store *st, struct resource *r, struct sk_error *err)
{
	char oname[ORG_NAME_MAX + 1], value[RESOURCE_TEXT_MAX], now[21], hex[33];
	struct db_stmt *s;
	int64_t id = 0;
	int rc;

	if ((rc = resource_check(r, value, err)) != 0)
		return rc;
	if ((rc = store_begin(st, err)) != 0)
		return rc;
	if ((rc = org_name(st, r->org_id, oname, NULL, err)) != 0)
		goto out;
	store_time_now(now);
	rc = store_prep(
	    st,
	    "INSERT INTO resources (org_id, type, value, family, plen, net, asn, domain, "
	    "created) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
	    &s, err);
	if (rc != 0)
		goto out;
	db_bind_int(s, 1, r->org_id);
	db_bind_text(s, 2, resource_type_names[r->type]);
	db_bind_text(s, 3, value);
	for (int i = 4; i <= 8; i++)
		db_bind_null(s, i);
	if (r->type == RESOURCE_PREFIX) {
		net_hex(&r->prefix, hex);
		db_bind_int(s, 4, r->prefix.family);
		db_bind_int(s, 5, r->prefix.len);
		db_bind_text(s, 6, hex);
	} else if (r->type == RESOURCE_ASN) {
		db_bind_int(s, 7, r->asn);
	} else {
		db_bind_text(s, 8, r->domain);
	}
	db_bind_text(s, 9, now);
	if ((rc = store_step_id(s, &id, err)) != 0) {
		if (rc == SK_EEXIST)
			sk_error_set(err, rc, "%s already has %s %s", oname,
				     resource_words[r->type], value);
		else
			sk_error_prefix(err, "adding %s %s to %s", resource_words[r->type],
					value, oname);
		goto out;
	}
	rc = store_audit(st, "resource.add", "org", r->org_id, err, "added %s %s to %s",
			 resource_words[r->type], value, oname);
out:
	if ((rc = store_finish(st, rc, err)) == 0) {
		r->id = id;
		memcpy(r->created, now, sizeof(now));
	}
	return rc;
}

/* A chunk of resources being added, with their canonical values. */
struct resource_chunk {
	struct db_stmt *s;
	const struct resource *v;
	char value[BULK_ROWS][RESOURCE_TEXT_MAX];
};

/* A returned row (id, org_id, type, value) against row j of the chunk. */
static bool resource_row_same(size_t j, void *ctx)
{
	const struct resource_chunk *c = ctx;

	return db_col_int(c->s, 1) == c->v[j].org_id &&
	       !text_differs(db_col_text(c->s, 2), resource_type_names[c->v[j].type]) &&
	       !text_differs(db_col_text(c->s, 3), c->value[j]);
}

/* Bind resource r with canonical value to the 8 parameters from p on, in
 * the order of the columns of BULK_RESOURCE. */
static void resource_bind_at(struct db_stmt *s, int p, const struct resource *r,
			     const char *value)
{
	char hex[33];

	db_bind_int(s, p, r->org_id);
	db_bind_text(s, p + 1, resource_type_names[r->type]);
	db_bind_text(s, p + 2, value);
	for (int i = p + 3; i <= p + 7; i++)
		db_bind_null(s, i);
	if (r->type == RESOURCE_PREFIX) {
		net_hex(&r->prefix, hex);
		db_bind_int(s, p + 3, r->prefix.family);
		db_bind_int(s, p + 4, r->prefix.len);
		db_bind_text(s, p + 5, hex);
	} else if (r->type == RESOURCE_ASN) {
		db_bind_int(s, p + 6, r->asn);
	} else {
		db_bind_text(s, p + 7, r->domain);
	}
}

/* Add the n resources of v, each to its organization v[i].org_id, in one
 * statement (and one for the audit rows) per BULK_ROWS. A resource its
 * organization holds already, or that is in v twice, is left as it is:
 * not an error, no audit row. On success sets id and created of those
 * added, id 0 of the others, and the number added in *added_out (may be
 * NULL); v is borrowed otherwise. */
int store_resource_add_many(struct store *st, struct resource *v, size_t n, size_t *added_out,
			    struct sk_error *err)
{
	struct org_refs refs = {NULL, 0};
	struct resource_chunk *c = NULL;
	struct audit_many *am = NULL;
	struct chunk_match m;
	struct db_stmt *s;
	int64_t *ids = NULL;
	size_t added = 0, k;
	char now[21];
	int rc;

	c = xcalloc(1, sizeof(*c));
	for (size_t i = 0; i < n; i++)
		if ((rc = resource_check(&v[i], c->value[0], err)) != 0) {
			sk_error_prefix(err, "resources[%zu]", i);
			free(c);
			return rc;
		}
	if (n == 0) {
		free(c);
		if (added_out != NULL)
			*added_out = 0;
		return 0;
	}
	if ((rc = store_begin(st, err)) != 0) {
		free(c);
		return rc;
	}
	am = xcalloc(1, sizeof(*am));
	am->action = "resource.add";
	ids = xcalloc(n, sizeof(*ids));
	for (size_t i = 0; i < n; i++)
		ids[i] = v[i].org_id;
	if ((rc = org_refs_load(st, ids, n, &refs, err)) != 0)
		goto out;
	memset(ids, 0, n * sizeof(*ids));
	store_time_now(now);
	for (size_t at = 0; at < n; at += k) {
		k = n - at < BULK_ROWS ? n - at : BULK_ROWS;
		if ((rc = store_prep(st, store_bulk_sql(st, BULK_RESOURCE, k), &s, err)) != 0)
			goto out;
		db_bind_text(s, 1, now);
		for (size_t j = 0; j < k; j++) {
			/* Checked above: this cannot fail now. */
			resource_check(&v[at + j], c->value[j], NULL);
			resource_bind_at(s, 2 + 8 * (int)j, &v[at + j], c->value[j]);
		}
		chunk_match_init(&m, k);
		c->s = s;
		c->v = v + at;
		while ((rc = db_step(s, err)) == 1) {
			long j = chunk_match_find(&m, resource_row_same, c);

			if (j >= 0)
				ids[at + (size_t)j] = db_col_int(s, 0);
		}
		if (rc < 0) {
			sk_error_prefix(err, "adding resources");
			goto out;
		}
		for (size_t j = 0; j < k; j++) {
			const struct resource *r = &v[at + j];

			if (!m.taken[j])
				continue;
			audit_many_add(am, "org", r->org_id, "added %s %s to %s",
				       resource_words[r->type], c->value[j],
				       org_refs_find(&refs, r->org_id)->name);
			added++;
		}
		if ((rc = audit_many_write(st, am, err)) != 0)
			goto out;
	}
out:
	if ((rc = store_finish(st, rc, err)) == 0) {
		for (size_t i = 0; i < n; i++) {
			v[i].id = ids[i];
			if (ids[i] != 0)
				memcpy(v[i].created, now, sizeof(now));
		}
		if (added_out != NULL)
			*added_out = added;
	}
	org_refs_free(&refs);
	free(ids);
	free(am);
	free(c);
	return rc;
}

/* Fill *out with resource id. */
int store_resource_get(struct store *st, int64_t id, struct resource *out, struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	rc = store_prep(st, "SELECT " RESOURCE_COLS " FROM resources WHERE id = $1", &s, err);
	if (rc != 0)
		return rc;
	db_bind_int(s, 1, id);
	if ((rc = db_step(s, err)) < 0)
		return rc;
	if (rc == 0)
		return sk_error_set(err, SK_ENOTFOUND, "no resource with id %lld",
				    (long long)id);
	rc = resource_from_row(s, out, err);
	db_reset(s);
	return rc;
}

/* Remove resource id; SK_ENOTFOUND if there is none. */
int store_resource_remove(struct store *st, int64_t id, struct sk_error *err)
{
	char oname[ORG_NAME_MAX + 1], value[RESOURCE_TEXT_MAX];
	struct resource r;
	struct db_stmt *s;
	int rc;

	if ((rc = store_begin(st, err)) != 0)
		return rc;
	if ((rc = store_resource_get(st, id, &r, err)) != 0 ||
	    (rc = org_name(st, r.org_id, oname, NULL, err)) != 0)
		goto out;
	if (resource_format_value(&r, value, sizeof(value)) < 0)
		snprintf(value, sizeof(value), "#%lld", (long long)id);
	if ((rc = store_prep(st, "DELETE FROM resources WHERE id = $1", &s, err)) != 0)
		goto out;
	db_bind_int(s, 1, id);
	if ((rc = store_step_done(s, err)) != 0) {
		sk_error_prefix(err, "removing %s %s", resource_words[r.type], value);
		goto out;
	}
	rc = store_audit(st, "resource.remove", "org", r.org_id, err, "removed %s %s from %s",
			 resource_words[r.type], value, oname);
out:
	return store_finish(st, rc, err);
}

/* Ordered by type (asn, prefix, domain), then value: AS numbers and
 * prefixes in numeric order, domains alphabetically. */
#define RESOURCE_ORDER                                                                         \
	" ORDER BY CASE type WHEN 'asn' THEN 0 WHEN 'prefix' THEN 1 ELSE 2 END, asn, "         \
	"family, net, plen, domain"

/* Resources of org_id (all when 0) in RESOURCE_ORDER; each borrowed by
 * fn. */
int store_resource_each(struct store *st, int64_t org_id, store_resource_fn fn, void *ctx,
			struct sk_error *err)
{
	char name[ORG_NAME_MAX + 1];
	struct db_stmt *s;
	int rc;

	if (org_id != 0) {
		if ((rc = org_name(st, org_id, name, NULL, err)) != 0)
			return rc;
		rc = store_prep(st,
				"SELECT " RESOURCE_COLS
				" FROM resources WHERE org_id = $1" RESOURCE_ORDER,
				&s, err);
		if (rc != 0)
			return rc;
		db_bind_int(s, 1, org_id);
	} else {
		rc = store_prep(
		    st, "SELECT " RESOURCE_COLS " FROM resources" RESOURCE_ORDER ", org_id", &s,
		    err);
		if (rc != 0)
			return rc;
	}
	return resource_walk(s, fn, ctx, err);
}

/* Every length from p->len down to 0 is one indexed look-up of the
 * truncated prefix: at most 33 for IPv4, 129 for IPv6. */
int store_resource_covering(struct store *st, const struct prefix *p, store_resource_fn fn,
			    void *ctx, struct sk_error *err)
{
	struct prefix q;
	struct db_stmt *s;
	bool started = false;
	char hex[33];
	int rc;

	if ((p->family != 4 && p->family != 6) || p->len > prefix_family_bits(p->family))
		return sk_error_set(err, SK_EINVAL, "not an IPv4 or IPv6 prefix");
	if ((rc = store_read_begin(st, &started, err)) != 0)
		return rc;
	q = *p;
	for (int len = p->len; len >= 0 && rc == 0; len--) {
		prefix_truncate(&q, (uint8_t)len);
		net_hex(&q, hex);
		rc = store_prep(
		    st,
		    "SELECT " RESOURCE_COLS " FROM resources "
		    "WHERE family = $1 AND plen = $2 AND net = $3 ORDER BY org_id, id",
		    &s, err);
		if (rc != 0)
			break;
		db_bind_int(s, 1, q.family);
		db_bind_int(s, 2, len);
		db_bind_text(s, 3, hex);
		rc = resource_walk(s, fn, ctx, err);
	}
	return store_read_end(st, started, rc, err);
}

/* AS number resources equal to asn, by organization. */
int store_resource_by_asn(struct store *st, uint32_t asn, store_resource_fn fn, void *ctx,
			  struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	rc = store_prep(
	    st, "SELECT " RESOURCE_COLS " FROM resources WHERE asn = $1 ORDER BY org_id, id",
	    &s, err);
	if (rc != 0)
		return rc;
	db_bind_int(s, 1, asn);
	return resource_walk(s, fn, ctx, err);
}

/* name must be canonical (net/domain.h); one indexed look-up for it and
 * one for each parent. */
int store_resource_by_domain(struct store *st, const char *name, store_resource_fn fn,
			     void *ctx, struct sk_error *err)
{
	struct db_stmt *s;
	bool started = false;
	int rc;

	if (name == NULL || *name == '\0' || strlen(name) > DOMAIN_MAX)
		return sk_error_set(err, SK_EINVAL, "not a domain name");
	if ((rc = store_read_begin(st, &started, err)) != 0)
		return rc;
	for (const char *d = name; d != NULL && rc == 0; d = domain_parent(d)) {
		rc = store_prep(st,
				"SELECT " RESOURCE_COLS " FROM resources WHERE domain = $1 "
				"ORDER BY org_id, id",
				&s, err);
		if (rc != 0)
			break;
		db_bind_text(s, 1, d);
		rc = resource_walk(s, fn, ctx, err);
	}
	return store_read_end(st, started, rc, err);
}

/* ---- users and tokens ---- */

#define USER_COLS "u.id, u.name, u.role, u.org_id, u.created"

/* Read USER_COLS from the current row into *out. */
static int user_from_row(struct db_stmt *s, struct user *out, struct sk_error *err)
{
	struct user u;
	int role = str_index(user_role_names, db_col_text(s, 2) ? db_col_text(s, 2) : "");

	memset(&u, 0, sizeof(u));
	u.id = db_col_int(s, 0);
	u.org_id = db_col_is_null(s, 3) ? 0 : db_col_int(s, 3);
	if (role < 0 || store_copy_text(u.name, sizeof(u.name), db_col_text(s, 1)) != 0 ||
	    store_copy_text(u.created, sizeof(u.created), db_col_text(s, 4)) != 0)
		return sk_error_set(err, SK_EIO, "user %lld in the database is damaged",
				    (long long)u.id);
	u.role = (enum user_role)role;
	*out = u;
	return 0;
}

/* Add user u with password hash pwhash (NULL: no password login); on
 * success fills u->id and u->created. A partner needs an organization,
 * other roles have none. */
int store_user_add(struct store *st, struct user *u, const char *pwhash, struct sk_error *err)
{
	char oname[ORG_NAME_MAX + 1] = "", now[21];
	const char *role = vocab_name(user_role_names, (int)u->role);
	struct db_stmt *s;
	int64_t id = 0;
	int rc;

	if (u->name[0] == '\0' || memchr(u->name, '\0', sizeof(u->name)) == NULL)
		return sk_error_set(err, SK_EINVAL, "user needs a name of 1 to %d bytes",
				    USER_NAME_MAX);
	if (role == NULL)
		return sk_error_set(err, SK_EINVAL, "user %s has an invalid role", u->name);
	if (u->role == USER_ROLE_PARTNER && u->org_id == 0)
		return sk_error_set(err, SK_EINVAL, "partner user %s needs an organization",
				    u->name);
	if (u->role != USER_ROLE_PARTNER && u->org_id != 0)
		return sk_error_set(err, SK_EINVAL,
				    "only partner users belong to an organization (%s is %s)",
				    u->name, role);
	if (pwhash != NULL && strlen(pwhash) >= 128)
		return sk_error_set(err, SK_EINVAL, "password hash is too long");
	if ((rc = store_begin(st, err)) != 0)
		return rc;
	if (u->org_id != 0 && (rc = org_name(st, u->org_id, oname, NULL, err)) != 0)
		goto out;
	store_time_now(now);
	rc = store_prep(st,
			"INSERT INTO users (name, role, org_id, pwhash, created) "
			"VALUES ($1, $2, $3, $4, $5) RETURNING id",
			&s, err);
	if (rc != 0)
		goto out;
	db_bind_text(s, 1, u->name);
	db_bind_text(s, 2, role);
	if (u->org_id != 0)
		db_bind_int(s, 3, u->org_id);
	else
		db_bind_null(s, 3);
	db_bind_text(s, 4, pwhash);
	db_bind_text(s, 5, now);
	if ((rc = store_step_id(s, &id, err)) != 0) {
		if (rc == SK_EEXIST)
			sk_error_set(err, rc, "user '%s' already exists", u->name);
		else
			sk_error_prefix(err, "adding user %s", u->name);
		goto out;
	}
	if (u->org_id != 0)
		rc = store_audit(st, "user.add", "user", id, err, "added user %s (%s of %s)",
				 u->name, role, oname);
	else
		rc = store_audit(st, "user.add", "user", id, err, "added user %s (%s)", u->name,
				 role);
out:
	if ((rc = store_finish(st, rc, err)) == 0) {
		u->id = id;
		memcpy(u->created, now, sizeof(now));
	}
	return rc;
}

/* Fill *out with the user called name and, if pwhash_out is not NULL,
 * its password hash ("" when it has none). */
int store_user_get_by_name(struct store *st, const char *name, struct user *out,
			   char pwhash_out[128], struct sk_error *err)
{
	struct user u;
	struct db_stmt *s;
	char hash[128] = "";
	int rc;

	rc = store_prep(st, "SELECT " USER_COLS ", u.pwhash FROM users u WHERE u.name = $1", &s,
			err);
	if (rc != 0)
		return rc;
	db_bind_text(s, 1, name);
	if ((rc = db_step(s, err)) < 0)
		return rc;
	if (rc == 0)
		return sk_error_set(err, SK_ENOTFOUND, "no user named '%s'", name);
	rc = user_from_row(s, &u, err);
	if (rc == 0 && !db_col_is_null(s, 5) &&
	    store_copy_text(hash, sizeof(hash), db_col_text(s, 5)))
		rc = sk_error_set(err, SK_EIO,
				  "user %s: password hash in the database is damaged", name);
	db_reset(s);
	if (rc != 0)
		return rc;
	*out = u;
	if (pwhash_out != NULL)
		memcpy(pwhash_out, hash, sizeof(hash));
	return 0;
}

/* Store token_hash (not the token) for user_id under label. */
int store_token_add(struct store *st, int64_t user_id, const char *label,
		    const char *token_hash, int64_t *id_out, struct sk_error *err)
{
	char uname[USER_NAME_MAX + 1] = "", now[21];
	struct db_stmt *s;
	int64_t id = 0;
	int rc;

	if (label == NULL)
		label = "";
	if (token_hash == NULL || *token_hash == '\0')
		return sk_error_set(err, SK_EINVAL, "token hash is empty");
	if (strlen(label) > 200)
		return sk_error_set(err, SK_EINVAL, "token label is longer than 200 bytes");
	if ((rc = store_begin(st, err)) != 0)
		return rc;
	if ((rc = store_prep(st, "SELECT name FROM users WHERE id = $1", &s, err)) != 0)
		goto out;
	db_bind_int(s, 1, user_id);
	if ((rc = db_step(s, err)) < 0)
		goto out;
	if (rc == 0) {
		rc =
		    sk_error_set(err, SK_ENOTFOUND, "no user with id %lld", (long long)user_id);
		goto out;
	}
	snprintf(uname, sizeof(uname), "%s", db_col_text(s, 0) ? db_col_text(s, 0) : "");
	db_reset(s);
	store_time_now(now);
	rc = store_prep(
	    st,
	    "INSERT INTO tokens (user_id, label, hash, created) VALUES ($1, $2, $3, $4) "
	    "RETURNING id",
	    &s, err);
	if (rc != 0)
		goto out;
	db_bind_int(s, 1, user_id);
	db_bind_text(s, 2, label);
	db_bind_text(s, 3, token_hash);
	db_bind_text(s, 4, now);
	if ((rc = store_step_id(s, &id, err)) != 0) {
		if (rc == SK_EEXIST)
			sk_error_set(err, rc, "this token is already stored");
		else
			sk_error_prefix(err, "adding a token for %s", uname);
		goto out;
	}
	rc = store_audit(st, "token.add", "user", user_id, err,
			 "added API token %lld ('%s') for %s", (long long)id, label, uname);
out:
	if ((rc = store_finish(st, rc, err)) == 0 && id_out != NULL)
		*id_out = id;
	return rc;
}

/* Mark a token used, at most once per TOKEN_TOUCH_INTERVAL. Best effort:
 * a busy database must not refuse a valid token. */
static void token_touch(struct store *st, int64_t token_id)
{
	char now[21], before[21];
	struct db_stmt *s;
	time_t t = str_time_now();

	if (st->depth > 0)
		return;
	str_time_iso(t, now);
	str_time_iso(t - TOKEN_TOUCH_INTERVAL, before);
	if (store_prep(st,
		       "UPDATE tokens SET last_used = $1 "
		       "WHERE id = $2 AND (last_used IS NULL OR last_used < $3)",
		       &s, NULL) != 0)
		return;
	db_bind_text(s, 1, now);
	db_bind_int(s, 2, token_id);
	db_bind_text(s, 3, before);
	store_step_done(s, NULL);
}

/* The user owning token_hash into *out; SK_ENOTFOUND without naming the
 * hash. Refreshes the token's last_used now and then. */
int store_token_lookup(struct store *st, const char *token_hash, struct user *out,
		       struct sk_error *err)
{
	struct user u;
	struct db_stmt *s;
	int64_t token_id;
	int rc;

	rc = store_prep(st,
			"SELECT " USER_COLS
			", t.id FROM tokens t JOIN users u ON u.id = t.user_id "
			"WHERE t.hash = $1",
			&s, err);
	if (rc != 0)
		return rc;
	db_bind_text(s, 1, token_hash ? token_hash : "");
	if ((rc = db_step(s, err)) < 0)
		return rc;
	if (rc == 0)
		return sk_error_set(err, SK_ENOTFOUND, "unknown API token");
	rc = user_from_row(s, &u, err);
	token_id = db_col_int(s, 5);
	db_reset(s);
	if (rc != 0)
		return rc;
	token_touch(st, token_id);
	*out = u;
	return 0;
}

/* ---- audit log ---- */

/* The audit log newest first, at most limit entries (all when limit <=
 * 0); each entry is borrowed by fn for the call. */
int store_audit_add(struct store *st, const char *action, const char *object, int64_t id,
		    const char *summary, struct sk_error *err)
{
	int rc = store_begin(st, err);

	if (rc == 0)
		rc = store_audit(st, action, object, id, err, "%s", summary);
	return store_finish(st, rc, err);
}

int store_audit_each(struct store *st, int limit, store_audit_fn fn, void *ctx,
		     struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	rc = store_prep(st,
			"SELECT id, at, actor, action, object, summary FROM audit "
			"ORDER BY id DESC LIMIT $1",
			&s, err);
	if (rc != 0)
		return rc;
	db_bind_int(s, 1, limit > 0 ? limit : INT64_MAX);
	while ((rc = db_step(s, err)) == 1) {
		struct audit_entry e;

		memset(&e, 0, sizeof(e));
		e.id = db_col_int(s, 0);
		e.actor = db_col_text(s, 2);
		e.action = db_col_text(s, 3);
		e.object = db_col_text(s, 4);
		e.summary = db_col_text(s, 5);
		if (store_copy_text(e.at, sizeof(e.at), db_col_text(s, 1)) != 0 || !e.actor ||
		    !e.action || !e.object || !e.summary)
			rc = sk_error_set(err, SK_EIO, "audit entry %lld is damaged",
					  (long long)e.id);
		else
			rc = fn(&e, ctx);
		if (rc != 0) {
			db_reset(s);
			return rc;
		}
	}
	return rc;
}

/* ---- copying a whole store ---- */

/* One table as store_copy() moves it: every column in order, each of a
 * kind (i: integer, t: text). A migration that adds a column adds it
 * here too. Ordered so that every row's references are copied before
 * it. */
struct copy_table {
	const char *name;
	const char *kinds;
	const char *select;
	const char *insert;
	bool has_id; /* first column is a generated id */
	size_t stat; /* offset of its count in struct store_copy_stats */
};

static const struct copy_table copy_tables[] = {
    {"orgs", "ittttttttt",
     "SELECT id, name, kind, class, sector, country, status, notes, created, updated "
     "FROM orgs ORDER BY id",
     "INSERT INTO orgs (id, name, kind, class, sector, country, status, notes, created, "
     "updated) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
     true, offsetof(struct store_copy_stats, orgs)},
    {"memberships", "iit",
     "SELECT liaison_id, member_id, created FROM memberships "
     "ORDER BY liaison_id, member_id",
     "INSERT INTO memberships (liaison_id, member_id, created) VALUES ($1, $2, $3)", false,
     offsetof(struct store_copy_stats, memberships)},
    {"contacts", "iittttttt",
     "SELECT id, org_id, name, email, phone, role, languages, pgp_fpr, created "
     "FROM contacts ORDER BY id",
     "INSERT INTO contacts (id, org_id, name, email, phone, role, languages, pgp_fpr, "
     "created) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
     true, offsetof(struct store_copy_stats, contacts)},
    {"resources", "iittiititt",
     "SELECT id, org_id, type, value, family, plen, net, asn, domain, created "
     "FROM resources ORDER BY id",
     "INSERT INTO resources (id, org_id, type, value, family, plen, net, asn, domain, "
     "created) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
     true, offsetof(struct store_copy_stats, resources)},
    {"users", "ittitt", "SELECT id, name, role, org_id, pwhash, created FROM users ORDER BY id",
     "INSERT INTO users (id, name, role, org_id, pwhash, created) "
     "VALUES ($1, $2, $3, $4, $5, $6)",
     true, offsetof(struct store_copy_stats, users)},
    {"tokens", "iitttt",
     "SELECT id, user_id, label, hash, created, last_used FROM tokens ORDER BY id",
     "INSERT INTO tokens (id, user_id, label, hash, created, last_used) "
     "VALUES ($1, $2, $3, $4, $5, $6)",
     true, offsetof(struct store_copy_stats, tokens)},
    {"audit", "ittttt", "SELECT id, at, actor, action, object, summary FROM audit ORDER BY id",
     "INSERT INTO audit (id, at, actor, action, object, summary) "
     "VALUES ($1, $2, $3, $4, $5, $6)",
     true, offsetof(struct store_copy_stats, audit)},
    {"events", "iitttttt",
     "SELECT id, time, received, feed, type, tlp, hash, body FROM events ORDER BY id",
     "INSERT INTO events (id, time, received, feed, type, tlp, hash, body) "
     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
     true, offsetof(struct store_copy_stats, events)},
    {"event_recipients", "iitiiiiti",
     "SELECT event_id, org_id, role, pass_on, need_to_know, resource_id, member_id, reason, "
     "notification_id FROM event_recipients ORDER BY event_id, org_id",
     "INSERT INTO event_recipients (event_id, org_id, role, pass_on, need_to_know, "
     "resource_id, member_id, reason, notification_id) "
     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
     false, offsetof(struct store_copy_stats, event_recipients)},
    {"org_optouts", "itt",
     "SELECT org_id, type, created FROM org_optouts ORDER BY org_id, type",
     "INSERT INTO org_optouts (org_id, type, created) VALUES ($1, $2, $3)", false,
     offsetof(struct store_copy_stats, optouts)},
};

#define COPY_TABLES (sizeof(copy_tables) / sizeof(copy_tables[0]))

/* How many times c occurs in s. */
static int count_char(const char *s, char c)
{
	int n = 0;

	for (; *s; s++)
		n += *s == c;
	return n;
}

/* Copy every row of table t from one store into the other, values as
 * they are; the number of rows in *n_out and the largest id in
 * *last_id_out (0 without rows or ids). */
static int copy_rows(struct store *from, struct store *to, const struct copy_table *t,
		     int64_t *n_out, int64_t *last_id_out, struct sk_error *err)
{
	struct db_stmt *src, *dst;
	int ncols = (int)strlen(t->kinds);
	int64_t n = 0, last_id = 0;
	int rc;

	assert(count_char(t->insert, '$') == ncols);
	if ((rc = store_prep(from, t->select, &src, err)) != 0) {
		sk_error_prefix(err, "reading %s", t->name);
		return rc;
	}
	while ((rc = db_step(src, err)) == 1) {
		int64_t id = t->has_id ? db_col_int(src, 0) : 0;

		if ((rc = store_prep(to, t->insert, &dst, err)) != 0)
			break;
		for (int i = 0; i < ncols; i++) {
			if (db_col_is_null(src, i))
				db_bind_null(dst, i + 1);
			else if (t->kinds[i] == 'i')
				db_bind_int(dst, i + 1, db_col_int(src, i));
			else
				db_bind_text(dst, i + 1, db_col_text(src, i));
		}
		if ((rc = store_step_done(dst, err)) != 0) {
			sk_error_prefix(err, "copying %s row %lld", t->name,
					(long long)(t->has_id ? id : n + 1));
			break;
		}
		if (id > last_id)
			last_id = id;
		n++;
	}
	if (rc != 0) {
		db_reset(src);
		return rc;
	}
	*n_out = n;
	*last_id_out = last_id;
	return 0;
}

/* Fail with SK_EEXIST unless st holds no organizations, users or audit
 * entries. */
static int copy_check_empty(struct store *st, struct sk_error *err)
{
	int64_t orgs, users, audits;
	struct db_stmt *s;
	int rc;

	rc = store_prep(st,
			"SELECT (SELECT count(*) FROM orgs), (SELECT count(*) FROM users), "
			"(SELECT count(*) FROM audit)",
			&s, err);
	if (rc != 0)
		return rc;
	if ((rc = db_step(s, err)) < 0)
		return rc;
	if (rc == 0)
		return sk_error_set(err, SK_EIO,
				    "counting the rows of the target store failed");
	orgs = db_col_int(s, 0);
	users = db_col_int(s, 1);
	audits = db_col_int(s, 2);
	db_reset(s);
	if (orgs > 0 || users > 0 || audits > 0)
		return sk_error_set(err, SK_EEXIST,
				    "the target store is not empty (%lld organizations, %lld "
				    "users, %lld audit entries): copy only into a new, empty "
				    "store",
				    (long long)orgs, (long long)users, (long long)audits);
	return 0;
}

/* The audit entry that records a copy, in to's transaction. */
static int copy_audit(struct store *to, const struct store_copy_stats *n, struct sk_error *err)
{
	char summary[SUMMARY_MAX], now[21];
	struct db_stmt *s;
	int rc;

	snprintf(summary, sizeof(summary),
		 "copied a whole store into this one: %lld organizations, %lld memberships, "
		 "%lld contacts, %lld resources, %lld users, %lld API tokens and %lld audit "
		 "entries",
		 (long long)n->orgs, (long long)n->memberships, (long long)n->contacts,
		 (long long)n->resources, (long long)n->users, (long long)n->tokens,
		 (long long)n->audit);
	snprintf(summary + strlen(summary), sizeof(summary) - strlen(summary),
		 "; %lld events with %lld recipient rows, %lld opt-outs", (long long)n->events,
		 (long long)n->event_recipients, (long long)n->optouts);
	store_time_now(now);
	rc = store_prep(to,
			"INSERT INTO audit (at, actor, action, object, summary) "
			"VALUES ($1, $2, $3, $4, $5)",
			&s, err);
	if (rc != 0)
		return rc;
	db_bind_text(s, 1, now);
	db_bind_text(s, 2, to->actor);
	db_bind_text(s, 3, "store.copy");
	db_bind_text(s, 4, "store");
	db_bind_text(s, 5, summary);
	return store_step_done(s, err);
}

/* Copy all of from into the empty store to (see store.h). */
int store_copy(struct store *from, struct store *to, struct store_copy_stats *stats_out,
	       struct sk_error *err)
{
	struct store_copy_stats stats;
	bool reading = false;
	int rc;

	memset(&stats, 0, sizeof(stats));
	if (from == to)
		return sk_error_set(err, SK_EINVAL, "cannot copy a store onto itself");
	if (from->depth > 0 || to->depth > 0)
		return sk_error_set(err, SK_EINVAL,
				    "a store is copied outside any transaction");
	if ((rc = store_begin(to, err)) != 0) {
		sk_error_prefix(err, "target store");
		return rc;
	}
	if ((rc = copy_check_empty(to, err)) != 0)
		goto out;
	if ((rc = store_read_begin(from, &reading, err)) != 0) {
		sk_error_prefix(err, "source store");
		goto out;
	}
	for (size_t i = 0; i < COPY_TABLES && rc == 0; i++) {
		const struct copy_table *t = &copy_tables[i];
		int64_t n = 0, last_id = 0;

		rc = copy_rows(from, to, t, &n, &last_id, err);
		if (rc == 0 && t->has_id)
			rc = db_id_continue(to->db, t->name, last_id, err);
		if (rc == 0)
			*(int64_t *)((char *)&stats + t->stat) = n;
	}
	rc = store_read_end(from, reading, rc, err);
	if (rc == 0)
		rc = copy_audit(to, &stats, err);
out:
	if ((rc = store_finish(to, rc, err)) == 0 && stats_out != NULL)
		*stats_out = stats;
	return rc;
}
