/* store/store_notify.c: the digests that carry events to organizations:
 * which recipient rows wait for one, and recording one that was made. */
#include <stdio.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "model/tlp.h"
#include "store/db.h"
#include "store/store.h"
#include "store/store_int.h"

/* Event ids marked per statement. */
#define MARK_ROWS 100

int store_notify_group_each(struct store *st, store_notify_group_fn fn, void *ctx,
			    struct sk_error *err)
{
	struct db_stmt *s;
	bool started;
	int rc;

	if ((rc = store_read_begin(st, &started, err)) != 0)
		return rc;
	rc = store_prep(st,
			"SELECT r.org_id, e.feed, e.type, count(*), min(e.received) "
			"FROM event_recipients r JOIN events e ON e.id = r.event_id "
			"WHERE r.notification_id IS NULL AND r.role <> 'national' "
			"GROUP BY r.org_id, e.feed, e.type ORDER BY r.org_id, e.feed, e.type",
			&s, err);
	while (rc == 0 && (rc = db_step(s, err)) == 1) {
		struct store_notify_group g = {
		    .org_id = db_col_int(s, 0),
		    .feed = db_col_text(s, 1),
		    .type = db_col_text(s, 2),
		    .rows = db_col_int(s, 3),
		};

		if (g.feed == NULL || g.type == NULL ||
		    store_copy_text(g.first, sizeof(g.first), db_col_text(s, 4)) != 0)
			rc = sk_error_set(err, SK_EIO, "a pending notification row is damaged");
		else
			rc = fn(&g, ctx);
		if (rc != 0)
			db_reset(s);
	}
	return store_read_end(st, started, rc, err);
}

/* Point the recipient rows of org_id for ids[0..n) that no notification
 * carried yet at notification id, MARK_ROWS at a time; the rows marked
 * are added to *marked. */
static int mark_rows(struct store *st, int64_t id, int64_t org_id, const int64_t *ids, size_t n,
		     int64_t *marked, struct sk_error *err)
{
	struct buf sql;
	int rc = 0;

	buf_init(&sql, 4096);
	for (size_t at = 0; at < n && rc == 0; at += MARK_ROWS) {
		size_t k = n - at < MARK_ROWS ? n - at : MARK_ROWS;
		struct db_stmt *s;

		buf_reset(&sql);
		rc = buf_append_str(&sql, "UPDATE event_recipients SET notification_id = $1 "
					  "WHERE org_id = $2 AND notification_id IS NULL "
					  "AND event_id IN (");
		for (size_t i = 0; i < k && rc == 0; i++)
			rc = buf_printf(&sql, "%s$%zu", i ? ", " : "", i + 3);
		if (rc == 0)
			rc = buf_append_str(&sql, ") RETURNING event_id");
		if (rc == 0)
			rc = store_prep(st, buf_str(&sql), &s, err);
		if (rc != 0)
			break;
		db_bind_int(s, 1, id);
		db_bind_int(s, 2, org_id);
		for (size_t i = 0; i < k; i++)
			db_bind_int(s, (int)i + 3, ids[at + i]);
		while ((rc = db_step(s, err)) == 1)
			(*marked)++;
	}
	buf_free(&sql);
	return rc;
}

int store_notification_add(struct store *st, struct store_notification *n,
			   const int64_t *event_ids, size_t n_ids, struct sk_error *err)
{
	struct db_stmt *s;
	int64_t marked = 0;
	char now[21];
	int rc;

	if (n_ids == 0 || tlp_name(n->tlp) == NULL || n->feed == NULL || n->type == NULL)
		return sk_error_set(err, SK_EINVAL,
				    "a notification needs events, a feed, a type "
				    "and a TLP label");
	if ((rc = store_begin(st, err)) != 0)
		return rc;
	store_time_now(now);
	rc = store_prep(
	    st,
	    "INSERT INTO notifications (org_id, feed, type, tlp, events, mail_id, created) "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
	    &s, err);
	if (rc == 0) {
		db_bind_int(s, 1, n->org_id);
		db_bind_text(s, 2, n->feed);
		db_bind_text(s, 3, n->type);
		db_bind_text(s, 4, tlp_name(n->tlp));
		db_bind_int(s, 5, n->events);
		if (n->mail_id > 0)
			db_bind_int(s, 6, n->mail_id);
		else
			db_bind_null(s, 6);
		db_bind_text(s, 7, now);
		rc = store_step_id(s, &n->id, err);
	}
	if (rc == SK_ENOTFOUND || rc == SK_EINVAL)
		sk_error_prefix(err, "organization %lld", (long long)n->org_id);
	if (rc == 0)
		rc = mark_rows(st, n->id, n->org_id, event_ids, n_ids, &marked, err);
	if (rc == 0 && marked != (int64_t)n_ids)
		rc = sk_error_set(err, SK_ETEMP,
				  "%lld of %zu events were notified meanwhile by another run",
				  (long long)((int64_t)n_ids - marked), n_ids);
	if (rc == 0)
		rc = store_audit(st, "notification.add", "notification", n->id, err,
				 "notified organization %lld of %lld %s events from %s",
				 (long long)n->org_id, (long long)n->events, n->type, n->feed);
	memcpy(n->created, now, sizeof(n->created));
	return store_finish(st, rc, err);
}
