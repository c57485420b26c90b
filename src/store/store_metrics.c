/* store/store_metrics.c: the values /metrics reads from the store (see
 * store.h): mail by status, tickets by type and status, SLA clocks
 * running and breached, and what each feed brought in, kept in
 * feed_counts by the transaction that stores the events. */
#include <stdlib.h>
#include <string.h>

#include "lib/error.h"
#include "lib/xalloc.h"
#include "model/event.h"
#include "store/db.h"
#include "store/store.h"
#include "store/store_int.h"

/* One event of a batch, for counting by feed. */
struct feed_mark {
	const char *feed;
	bool routed;
};

static int mark_cmp(const void *pa, const void *pb)
{
	return strcmp(((const struct feed_mark *)pa)->feed,
		      ((const struct feed_mark *)pb)->feed);
}

/* Add one feed's share of a batch to feed_counts. */
static int feed_add(struct store *st, const char *feed, int64_t events, int64_t routed,
		    struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	rc = store_prep(st,
			"INSERT INTO feed_counts (feed, events, routed) VALUES ($1, $2, $3) "
			"ON CONFLICT (feed) DO UPDATE SET events = feed_counts.events + "
			"excluded.events, routed = feed_counts.routed + excluded.routed",
			&s, err);
	if (rc != 0)
		return rc;
	db_bind_text(s, 1, feed);
	db_bind_int(s, 2, events);
	db_bind_int(s, 3, routed);
	if ((rc = store_step_done(s, err)) != 0)
		sk_error_prefix(err, "counting the events of feed %s", feed);
	return rc;
}

int store_feed_count_add(struct store *st, const struct store_event_in *v, size_t n,
			 struct sk_error *err)
{
	struct feed_mark *m;
	size_t i, j;
	int rc = 0;

	if (n == 0)
		return 0;
	m = xcalloc(n, sizeof(*m));
	for (i = 0; i < n; i++) {
		m[i].feed = event_get(v[i].ev, EVENT_FEED_NAME);
		for (j = 0; j < v[i].n_rcpt && !m[i].routed; j++)
			m[i].routed = v[i].rcpt[j].role != RECIPIENT_NATIONAL;
	}
	qsort(m, n, sizeof(*m), mark_cmp);
	for (i = 0; i < n && rc == 0; i = j) {
		int64_t routed = 0;

		for (j = i; j < n && strcmp(m[j].feed, m[i].feed) == 0; j++)
			routed += m[j].routed;
		rc = feed_add(st, m[i].feed, (int64_t)(j - i), routed, err);
	}
	free(m);
	return rc;
}

/* Step s to its end, handing each row's two labels (columns 0 and 1,
 * the second NULL when one_label) and count (the last column) to fn. */
static int rows(struct db_stmt *s, enum store_metric what, bool one_label, store_metric_fn fn,
		void *ctx, struct sk_error *err)
{
	int rc;

	while ((rc = db_step(s, err)) == 1) {
		struct store_metric_row r = {what, db_col_text(s, 0), NULL, 0, 0};

		if (one_label) {
			r.value = db_col_int(s, 1);
		} else {
			r.b = db_col_text(s, 1);
			r.value = db_col_int(s, 2);
		}
		if (r.a == NULL || (!one_label && r.b == NULL)) {
			rc = sk_error_set(err, SK_EIO, "a row for the metrics is damaged");
		} else {
			rc = fn(&r, ctx);
		}
		if (rc != 0) {
			db_reset(s);
			return rc;
		}
	}
	return rc;
}

/* The SLA clocks of open tickets: one row with, per clock, those still
 * running and those past due. */
static int sla_rows(struct store *st, const char *now, store_metric_fn fn, void *ctx,
		    struct sk_error *err)
{
	static const char *const clocks[] = {"acknowledge", "first_response", "resolve"};
	struct db_stmt *s;
	int rc;

	rc = store_prep(
	    st,
	    "SELECT "
	    "sum(CASE WHEN due_ack IS NOT NULL AND acked_at IS NULL AND due_ack > $1 "
	    "THEN 1 ELSE 0 END), "
	    "sum(CASE WHEN due_ack IS NOT NULL AND acked_at IS NULL AND due_ack <= $1 "
	    "THEN 1 ELSE 0 END), "
	    "sum(CASE WHEN due_response IS NOT NULL AND responded_at IS NULL AND "
	    "due_response > $1 THEN 1 ELSE 0 END), "
	    "sum(CASE WHEN due_response IS NOT NULL AND responded_at IS NULL AND "
	    "due_response <= $1 THEN 1 ELSE 0 END), "
	    "sum(CASE WHEN due_resolve IS NOT NULL AND due_resolve > $1 THEN 1 ELSE 0 END), "
	    "sum(CASE WHEN due_resolve IS NOT NULL AND due_resolve <= $1 THEN 1 ELSE 0 END) "
	    "FROM tickets WHERE resolved_at IS NULL",
	    &s, err);
	if (rc != 0)
		return rc;
	db_bind_text(s, 1, now);
	if ((rc = db_step(s, err)) != 1)
		return rc < 0 ? rc
			      : sk_error_set(err, SK_EIO, "counting SLA clocks gave no row");
	for (int k = 0; k < 6 && rc >= 0; k++) {
		struct store_metric_row r = {k % 2 ? STORE_METRIC_SLA_BREACHED
						   : STORE_METRIC_SLA_DUE,
					     clocks[k / 2], NULL, db_col_int(s, k), 0};

		rc = fn(&r, ctx);
		if (rc != 0)
			break;
	}
	db_reset(s);
	return rc;
}

int store_metrics_each(struct store *st, const char *now, store_metric_fn fn, void *ctx,
		       struct sk_error *err)
{
	struct db_stmt *s;
	bool started;
	int rc;

	if ((rc = store_read_begin(st, &started, err)) != 0)
		return rc;
	rc = store_prep(st,
			"SELECT CASE WHEN status = 'queued' AND held <> '' THEN 'held' "
			"ELSE status END, count(*) FROM mail_out GROUP BY 1 ORDER BY 1",
			&s, err);
	if (rc == 0)
		rc = rows(s, STORE_METRIC_MAIL, true, fn, ctx, err);
	if (rc == 0)
		rc = store_prep(
		    st,
		    "SELECT type, status, count(*) FROM tickets GROUP BY type, status "
		    "ORDER BY type, status",
		    &s, err);
	if (rc == 0)
		rc = rows(s, STORE_METRIC_TICKETS, false, fn, ctx, err);
	if (rc == 0)
		rc = sla_rows(st, now, fn, ctx, err);
	if (rc == 0)
		rc = store_prep(
		    st,
		    "SELECT state, count(*) FROM alerts WHERE state <> 'acknowledged' "
		    "GROUP BY state ORDER BY state",
		    &s, err);
	if (rc == 0)
		rc = rows(s, STORE_METRIC_ALERTS, true, fn, ctx, err);
	if (rc == 0)
		rc = store_prep(
		    st, "SELECT feed, events, routed FROM feed_counts ORDER BY feed", &s, err);
	while (rc == 0 && (rc = db_step(s, err)) == 1) {
		struct store_metric_row r = {STORE_METRIC_FEED, db_col_text(s, 0), NULL,
					     db_col_int(s, 1), db_col_int(s, 2)};

		rc = r.a == NULL ? sk_error_set(err, SK_EIO, "a feed's counts are damaged")
				 : fn(&r, ctx);
		if (rc != 0)
			db_reset(s);
	}
	return store_read_end(st, started, rc, err);
}
