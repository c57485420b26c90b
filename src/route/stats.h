/* route/stats.h: what came in and who received it, counted by the UTC
 * day events were received, over the last days days (today included):
 * by day and feed, and by organization. The same from every front door
 * (GET /api/v1/stats/..., schakel stats): staff only. */
#ifndef SK_ROUTE_STATS_H
#define SK_ROUTE_STATS_H

#include <jansson.h>
#include <stdint.h>

#include "model/user.h"

struct sk_error;
struct store;

#define STATS_DAYS_DEFAULT 14
#define STATS_DAYS_MAX	   366

/* Events received by day (newest first) and feed, as
 * [{"day", "feed", "events", "recipients"}] (recipients: their
 * event-recipient rows) into *out (caller decrefs). now is seconds since
 * the epoch. SK_EPERM for a user who is not staff, SK_EINVAL for days
 * outside 1..STATS_DAYS_MAX. */
int stats_ingest(struct store *st, const struct user *u, int days, int64_t now, json_t **out,
		 struct sk_error *err);

/* The organizations that received events, most first, as
 * [{"org_id", "org", "events", "last"}] (last: when the last of them was
 * received); as stats_ingest() otherwise. */
int stats_orgs(struct store *st, const struct user *u, int days, int64_t now, json_t **out,
	       struct sk_error *err);

#endif
