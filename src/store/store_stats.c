/* store/store_stats.c: what came in and who received it, counted by the
 * day events were received and by feed or organization (see store.h).
 * Reads only; each answer is one grouped query. */
#include <string.h>

#include "lib/error.h"
#include "store/db.h"
#include "store/store.h"
#include "store/store_int.h"

int store_stats_ingest(struct store *st, const char *since, store_stats_ingest_fn fn, void *ctx,
		       struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	rc = store_prep(st,
			"SELECT substr(e.received, 1, 10), e.feed, count(*), "
			"CAST(sum((SELECT count(*) FROM event_recipients r "
			"WHERE r.event_id = e.id)) AS BIGINT) "
			"FROM events e WHERE e.received >= $1 "
			"GROUP BY substr(e.received, 1, 10), e.feed ORDER BY 1 DESC, 2",
			&s, err);
	if (rc != 0)
		return rc;
	db_bind_text(s, 1, since);
	while ((rc = db_step(s, err)) == 1) {
		struct store_stats_ingest r = {0};

		r.feed = db_col_text(s, 1);
		r.events = db_col_int(s, 2);
		r.recipients = db_col_int(s, 3);
		if (store_copy_text(r.day, sizeof(r.day), db_col_text(s, 0)) != 0 ||
		    r.feed == NULL)
			rc = sk_error_set(err, SK_EIO, "an event's received time is damaged");
		else
			rc = fn(&r, ctx);
		if (rc != 0) {
			db_reset(s);
			return rc;
		}
	}
	return rc;
}

int store_stats_orgs(struct store *st, const char *since, store_stats_org_fn fn, void *ctx,
		     struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	rc = store_prep(st,
			"SELECT r.org_id, o.name, count(*), max(e.received) "
			"FROM events e JOIN event_recipients r ON r.event_id = e.id "
			"JOIN orgs o ON o.id = r.org_id WHERE e.received >= $1 "
			"GROUP BY r.org_id, o.name ORDER BY 3 DESC, o.name",
			&s, err);
	if (rc != 0)
		return rc;
	db_bind_text(s, 1, since);
	while ((rc = db_step(s, err)) == 1) {
		struct store_stats_org r = {0};

		r.org_id = db_col_int(s, 0);
		r.org = db_col_text(s, 1);
		r.events = db_col_int(s, 2);
		if (store_copy_text(r.last, sizeof(r.last), db_col_text(s, 3)) != 0 ||
		    r.org == NULL)
			rc = sk_error_set(err, SK_EIO, "organization %lld's events are damaged",
					  (long long)r.org_id);
		else
			rc = fn(&r, ctx);
		if (rc != 0) {
			db_reset(s);
			return rc;
		}
	}
	return rc;
}
