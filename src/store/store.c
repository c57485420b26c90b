/* store/store.c: opening a store, transactions, and the helpers every
 * file of queries shares (bulk statements, organization look-ups). The
 * queries live in one file per kind of record: store_org.c, store_contact.c,
 * store_resource.c, store_user.c, store_audit.c, store_event.c, ... */
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

/* ---- small helpers ---- */

/* The name at index i of a NULL-terminated vocabulary, or NULL if i is
 * out of range. */
const char *store_vocab_name(const char *const *names, int i)
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

/* Prepare sql, bind id as $1 and step to the row it selects: 0 with *out
 * on that row (the caller reads it, then db_reset()s), or SK_ENOTFOUND
 * "no <what> with id <id>". */
int store_row_by_id(struct store *st, const char *sql, int64_t id, const char *what,
		    struct db_stmt **out, struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	if ((rc = store_prep(st, sql, &s, err)) != 0)
		return rc;
	db_bind_int(s, 1, id);
	if ((rc = db_step(s, err)) < 0)
		return rc;
	if (rc == 0)
		return sk_error_set(err, SK_ENOTFOUND, "no %s with id %lld", what,
				    (long long)id);
	*out = s;
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

/* Open url without migrating, read its schema version, close it. */
int store_schema_version(const char *url, int *have, int *newest, struct sk_error *err)
{
	struct db *db = db_open(url, err);
	int rc;

	if (db == NULL)
		return err != NULL && err->code != 0 ? err->code : SK_EIO;
	rc = db_schema_version(db, have, newest, err);
	db_close(db);
	return rc;
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
	return db_backend(st->db) == DB_SQLITE
		   ? db_exec(st->db, "PRAGMA synchronous = FULL", err)
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

static int i64_order(const void *pa, const void *pb)
{
	int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;

	return a < b ? -1 : a > b;
}

static int org_ref_order(const void *pa, const void *pb)
{
	return i64_order(&((const struct org_ref *)pa)->id, &((const struct org_ref *)pb)->id);
}

void store_org_refs_free(struct org_refs *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i].name);
	free(r->v);
	r->v = NULL;
	r->n = 0;
}

/* The entry of organization id in refs, or NULL. Borrowed from refs. */
const struct org_ref *store_org_refs_find(const struct org_refs *refs, int64_t id)
{
	struct org_ref key = {id, ORG_KIND_CONSTITUENT, NULL};

	if (refs->n == 0)
		return NULL;
	return bsearch(&key, refs->v, refs->n, sizeof(*refs->v), org_ref_order);
}

/* Look up the organizations ids (n of them, in any order, repeats
 * allowed) in one statement per BULK_ROWS of them, into *out; an unknown
 * id is SK_ENOTFOUND. Caller frees *out with store_org_refs_free(). */
int store_org_refs_load(struct store *st, const int64_t *ids, size_t n, struct org_refs *out,
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
			    (struct org_ref *)store_org_refs_find(&refs, db_col_int(s, 0));
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
		store_org_refs_free(&refs);
	return rc;
}

long store_chunk_match_find(struct chunk_match *m, bool (*same)(size_t j, void *ctx), void *ctx)
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

void store_chunk_match_init(struct chunk_match *m, size_t k)
{
	memset(m, 0, sizeof(*m));
	m->k = k;
}
