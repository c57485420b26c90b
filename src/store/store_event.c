/* store/store_event.c: reading events with their recipients, and their
 * retention (store_event_add.c writes them). Walks read a few hundred
 * rows per query, so that neither backend holds a large result in
 * memory; a body is handed out as its JSON line, unpacked here
 * (model/event_pack.c), or as stored by a version that kept JSON. */
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "model/event.h"
#include "model/taxonomy.h"
#include "store/db.h"
#include "store/store_int.h"

/* Rows a walk reads per query. */
#define WALK_CHUNK 500
/* Events a purge deletes per statement. */
#define PURGE_CHUNK 10000

#define EVENT_COLS "e.id, e.time, e.received, e.feed, e.type, e.tlp, e.body, e.hash"
/* The same, the id taken from the recipient row: a merge of two walks
 * by organization in id order is then a merge of two index walks, with
 * nothing to sort. */
#define EVENT_COLS_R "r.event_id, e.time, e.received, e.feed, e.type, e.tlp, e.body, e.hash"
#define RCPT_COLS                                                                              \
	"r.org_id, r.role, r.pass_on, r.need_to_know, r.resource_id, r.member_id, r.reason, "  \
	"r.notification_id"

/* ---- reading ---- */

/* The canonical name of a classification.type filter, or SK_EINVAL. */
int store_type_canonical(const char *type, const char **out, struct sk_error *err)
{
	int i = taxonomy_type_lookup(type);

	if (i < 0)
		return sk_error_set(err, SK_EINVAL, "unknown classification.type '%s'", type);
	*out = taxonomy_type_names[i];
	return 0;
}

/* An organization's rows are of two kinds, each with an index of its
 * own on SQLite (0002_events.sql, 0004_notifications.sql): those that
 * wait for a notification and those that do not. A query names the kind
 * in these words, so that the index serves it. */
#define RCPT_PENDING "r.notification_id IS NULL AND r.role <> 'national'"
#define RCPT_SETTLED "(r.notification_id IS NOT NULL OR r.role = 'national')"

/* One SELECT of the query for f: of kind (RCPT_PENDING, RCPT_SETTLED)
 * for an organization, or of all events (f->org_id 0, kind NULL); what
 * is the select list. */
static int events_sql_part(const struct store_event_filter *f, const char *kind,
			   const char *what, struct buf *b)
{
	int n = 1, rc;

	if (f->org_id > 0)
		rc = buf_printf(b,
				"SELECT %s FROM event_recipients r JOIN events e ON e.id = "
				"r.event_id WHERE r.org_id = $%d AND r.event_id > $%d AND %s",
				what, n, n + 1, kind);
	else
		rc = buf_printf(b, "SELECT %s FROM events e WHERE e.id > $%d", what, n);
	n += f->org_id > 0 ? 2 : 1;
	if (rc == 0 && f->since != 0)
		rc = buf_printf(b, " AND e.time >= $%d", n++);
	if (rc == 0 && f->until != 0)
		rc = buf_printf(b, " AND e.time < $%d", n++);
	if (rc == 0 && f->type != NULL)
		rc = buf_printf(b, " AND e.type = $%d", n++);
	if (rc == 0 && f->feed != NULL)
		rc = buf_printf(b, " AND e.feed = $%d", n++);
	if (rc == 0 && f->received_before != NULL)
		rc = buf_printf(b, " AND e.received < $%d", n++);
	return rc;
}

/* The number of the LIMIT parameter of f's query: after the filters. */
static int events_limit_param(const struct store_event_filter *f)
{
	return (f->org_id > 0 ? 3 : 2) + (f->since != 0) + (f->until != 0) + (f->type != NULL) +
	       (f->feed != NULL) + (f->received_before != NULL);
}

/* The query for f: select the rows (count false, in id order, with a
 * LIMIT as the last parameter) or count them. The text depends only on
 * which filters are set, never on their values, which are bound by
 * events_bind() in the same order. All of an organization's rows are
 * the rows of both kinds: two SELECTs, merged in id order (or counts
 * added). */
static int events_sql(const struct store_event_filter *f, bool count, struct buf *b)
{
	const char *what = count ? "count(*)" : EVENT_COLS_R ", " RCPT_COLS;
	int limit = events_limit_param(f), rc;

	if (f->org_id <= 0 || f->pending) {
		if (f->org_id <= 0)
			rc = events_sql_part(f, NULL, count ? "count(*)" : EVENT_COLS, b);
		else
			rc = events_sql_part(f, RCPT_PENDING, what, b);
		if (rc == 0 && !count)
			rc = buf_printf(b, " ORDER BY %s LIMIT $%d",
					f->org_id > 0 ? "r.event_id" : "e.id", limit);
		return rc;
	}
	if (count) {
		rc = buf_append_str(b, "SELECT (");
		if (rc == 0)
			rc = events_sql_part(f, RCPT_SETTLED, what, b);
		if (rc == 0)
			rc = buf_append_str(b, ") + (");
		if (rc == 0)
			rc = events_sql_part(f, RCPT_PENDING, what, b);
		if (rc == 0)
			rc = buf_append_str(b, ")");
		return rc;
	}
	rc = events_sql_part(f, RCPT_SETTLED, what, b);
	if (rc == 0)
		rc = buf_append_str(b, " UNION ALL ");
	if (rc == 0)
		rc = events_sql_part(f, RCPT_PENDING, what, b);
	if (rc == 0)
		rc = buf_printf(b, " ORDER BY 1 LIMIT $%d", limit);
	return rc;
}

/* Bind f's values (type already canonical) with after as the cursor;
 * returns the next parameter number. */
static int events_bind(struct db_stmt *s, const struct store_event_filter *f, const char *type,
		       int64_t after)
{
	int n = 1;

	if (f->org_id > 0)
		db_bind_int(s, n++, f->org_id);
	db_bind_int(s, n++, after);
	if (f->since != 0)
		db_bind_int(s, n++, f->since);
	if (f->until != 0)
		db_bind_int(s, n++, f->until);
	if (f->type != NULL)
		db_bind_text(s, n++, type);
	if (f->feed != NULL)
		db_bind_text(s, n++, f->feed);
	if (f->received_before != NULL)
		db_bind_text(s, n++, f->received_before);
	return n;
}

static int tlp_from_name(const char *text)
{
	for (int i = 0; text != NULL && i < TLP_LABEL_COUNT; i++)
		if (strcmp(text, tlp_name((enum tlp_label)i)) == 0)
			return i;
	return -1;
}

/* Read RCPT_COLS starting at column col into *r; -1 if damaged. */
static int rcpt_from_row(struct db_stmt *s, int col, struct event_recipient *r,
			 int64_t *notification_id)
{
	const char *reason = db_col_text(s, col + 6);
	int role = str_index(recipient_role_names,
			     db_col_text(s, col + 1) ? db_col_text(s, col + 1) : "");

	memset(r, 0, sizeof(*r));
	r->org_id = db_col_int(s, col);
	if (role < 0 || store_copy_text(r->reason, sizeof(r->reason), reason) != 0)
		return -1;
	r->role = (enum recipient_role)role;
	r->pass_on = db_col_int(s, col + 2) != 0;
	r->need_to_know = db_col_int(s, col + 3) != 0;
	r->resource_id = db_col_is_null(s, col + 4) ? 0 : db_col_int(s, col + 4);
	r->member_id = db_col_is_null(s, col + 5) ? 0 : db_col_int(s, col + 5);
	*notification_id = db_col_is_null(s, col + 7) ? 0 : db_col_int(s, col + 7);
	return 0;
}

/* The JSON line of the body in column col: as stored by a version that
 * kept JSON, else unpacked into json (reset here). NULL if damaged. */
static const char *event_body_json(struct db_stmt *s, int col, struct buf *json)
{
	const char *body = db_col_text(s, col);

	if (body == NULL || body[0] == '{')
		return body;
	buf_reset(json);
	if (event_pack_to_json(body, strlen(body), json) != 0)
		return NULL;
	return buf_str(json);
}

/* Walk f's events (see store.h). */
int store_event_each(struct store *st, const struct store_event_filter *f, store_event_fn fn,
		     void *ctx, struct sk_error *err)
{
	const char *type = NULL;
	int64_t after = f->after_id > 0 ? f->after_id : 0;
	size_t left = f->limit, got, want;
	struct db_stmt *s;
	bool started = false;
	struct buf sql, json;
	int rc;

	if (f->type != NULL && (rc = store_type_canonical(f->type, &type, err)) != 0)
		return rc;
	buf_init(&sql, 4096);
	buf_init(&json, EVENT_JSON_MAX);
	if (events_sql(f, false, &sql) != 0) {
		buf_free(&sql);
		return sk_error_set(err, SK_EIO, "the events query does not fit");
	}
	if ((rc = store_read_begin(st, &started, err)) != 0)
		goto out;
	do {
		want = f->limit > 0 && left < WALK_CHUNK ? left : WALK_CHUNK;
		if ((rc = store_prep(st, buf_str(&sql), &s, err)) != 0)
			break;
		db_bind_int(s, events_bind(s, f, type, after), (int64_t)want);
		got = 0;
		while ((rc = db_step(s, err)) == 1) {
			struct store_event_row row;
			struct event_recipient r;
			int tlp = tlp_from_name(db_col_text(s, 5));

			memset(&row, 0, sizeof(row));
			row.id = db_col_int(s, 0);
			row.time = db_col_int(s, 1);
			row.feed = db_col_text(s, 3);
			row.type = db_col_text(s, 4);
			row.json = event_body_json(s, 6, &json);
			row.hash = db_col_text(s, 7);
			if (tlp < 0 || row.feed == NULL || row.type == NULL ||
			    row.json == NULL ||
			    store_copy_text(row.received, sizeof(row.received),
					    db_col_text(s, 2)) != 0 ||
			    (f->org_id > 0 &&
			     rcpt_from_row(s, 8, &r, &row.notification_id) != 0)) {
				rc = sk_error_set(err, SK_EIO,
						  "event %lld in the database is damaged",
						  (long long)row.id);
			} else {
				row.tlp = (enum tlp_label)tlp;
				row.rcpt = f->org_id > 0 ? &r : NULL;
				after = row.id;
				got++;
				rc = fn(&row, ctx);
			}
			if (rc != 0) {
				db_reset(s);
				goto out;
			}
		}
		if (rc < 0)
			break;
		left -= f->limit > 0 ? got : 0;
	} while (got == want && (f->limit == 0 || left > 0));
out:
	rc = store_read_end(st, started, rc, err);
	buf_free(&sql);
	buf_free(&json);
	return rc;
}

/* Count f's events (see store.h). */
int store_event_count(struct store *st, const struct store_event_filter *f, int64_t *count_out,
		      struct sk_error *err)
{
	const char *type = NULL;
	struct db_stmt *s;
	struct buf sql;
	int64_t count = 0;
	int rc;

	if (f->type != NULL && (rc = store_type_canonical(f->type, &type, err)) != 0)
		return rc;
	buf_init(&sql, 4096);
	if (events_sql(f, true, &sql) != 0) {
		buf_free(&sql);
		return sk_error_set(err, SK_EIO, "the events query does not fit");
	}
	if ((rc = store_prep(st, buf_str(&sql), &s, err)) == 0) {
		events_bind(s, f, type, f->after_id > 0 ? f->after_id : 0);
		if ((rc = db_step(s, err)) == 1) {
			count = db_col_int(s, 0);
			db_reset(s);
			rc = 0;
		} else if (rc == 0) {
			rc = sk_error_set(err, SK_EIO, "counting events returned nothing");
		}
	}
	buf_free(&sql);
	if (rc == 0)
		*count_out = count;
	return rc;
}

/* The recipient rows of one event (see store.h). */
int store_event_recipient_each(struct store *st, int64_t event_id, store_recipient_fn fn,
			       void *ctx, struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	rc = store_prep(st,
			"SELECT " RCPT_COLS " FROM event_recipients r WHERE r.event_id = $1 "
			"ORDER BY r.org_id",
			&s, err);
	if (rc != 0)
		return rc;
	db_bind_int(s, 1, event_id);
	while ((rc = db_step(s, err)) == 1) {
		struct event_recipient r;
		int64_t nid;

		if (rcpt_from_row(s, 0, &r, &nid) != 0)
			rc = sk_error_set(
			    err, SK_EIO, "a recipient of event %lld in the database is damaged",
			    (long long)event_id);
		else
			rc = fn(&r, nid, ctx);
		if (rc != 0) {
			db_reset(s);
			return rc;
		}
	}
	return rc;
}

/* Delete organization org_id's recipient rows (see store_int.h), each
 * kind through its index. */
int store_event_org_forget(struct store *st, int64_t org_id, struct sk_error *err)
{
	static const char *const sql[] = {
	    "DELETE FROM event_recipients AS r WHERE r.org_id = $1 AND " RCPT_SETTLED,
	    "DELETE FROM event_recipients AS r WHERE r.org_id = $1 AND " RCPT_PENDING,
	};
	struct db_stmt *s;
	int rc = 0;

	st->orgs_seen_tx = 0; /* an id seen before may be gone now */
	for (size_t i = 0; i < 2 && rc == 0; i++) {
		if ((rc = store_prep(st, sql[i], &s, err)) != 0)
			break;
		db_bind_int(s, 1, org_id);
		if ((rc = store_step_done(s, err)) != 0)
			sk_error_prefix(
			    err, "removing the event recipient rows of organization %lld",
			    (long long)org_id);
	}
	return rc;
}

/* ---- retention ---- */

/* Delete the events older than before (see store.h). A statement
 * deletes at most PURGE_CHUNK of them and returns their ids, so the
 * count is exact whoever else writes. */
int store_event_purge(struct store *st, int64_t before, int64_t *deleted_out,
		      struct sk_error *err)
{
	char when[21];
	int64_t total = 0, got;
	struct db_stmt *s;
	int rc;

	str_time_iso((time_t)before, when);
	if ((rc = store_begin(st, err)) != 0)
		return rc;
	do {
		rc = store_prep(st,
				"DELETE FROM events WHERE id IN (SELECT id FROM events WHERE "
				"time < $1 AND received < $2 LIMIT $3) RETURNING id",
				&s, err);
		if (rc != 0)
			goto out;
		db_bind_int(s, 1, before);
		db_bind_text(s, 2, when);
		db_bind_int(s, 3, PURGE_CHUNK);
		got = 0;
		while ((rc = db_step(s, err)) == 1)
			got++;
		if (rc < 0) {
			sk_error_prefix(err, "deleting old events");
			goto out;
		}
		total += got;
	} while (got == PURGE_CHUNK);
	rc = 0;
	if (total > 0) {
		rc = store_audit(st, "event.purge", "events", 0, err,
				 "deleted %lld event%s older than %s", (long long)total,
				 total == 1 ? "" : "s", when);
	}
out:
	if ((rc = store_finish(st, rc, err)) == 0 && deleted_out != NULL)
		*deleted_out = total;
	return rc;
}
