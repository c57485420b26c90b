/* route/stats.c: counts of what came in and who received it (see
 * stats.h); the store counts, this file checks the caller and the window
 * and gives the shapes. */
#include "route/stats.h"

#include "access/access.h"
#include "lib/error.h"
#include "lib/str.h"
#include "store/store.h"

/* The window's start: midnight UTC days - 1 days before now's day. */
static int window(const struct user *u, int days, int64_t now, char since[21],
		  struct sk_error *err)
{
	if (!access_is_staff(u))
		return sk_error_set(err, SK_EPERM, "user %s may not read the statistics",
				    u != NULL ? u->name : "-");
	if (days < 1 || days > STATS_DAYS_MAX)
		return sk_error_set(err, SK_EINVAL, "days must be a number from 1 to %d",
				    STATS_DAYS_MAX);
	str_time_iso((time_t)(now - now % 86400 - (int64_t)(days - 1) * 86400), since);
	return 0;
}

static int ingest_add(const struct store_stats_ingest *r, void *ctx)
{
	json_t *v = json_object();

	json_object_set_new(v, "day", json_string(r->day));
	json_object_set_new(v, "feed", json_string(r->feed));
	json_object_set_new(v, "events", json_integer(r->events));
	json_object_set_new(v, "recipients", json_integer(r->recipients));
	json_array_append_new(ctx, v);
	return 0;
}

static int org_add(const struct store_stats_org *r, void *ctx)
{
	json_t *v = json_object();

	json_object_set_new(v, "org_id", json_integer(r->org_id));
	json_object_set_new(v, "org", json_string(r->org));
	json_object_set_new(v, "events", json_integer(r->events));
	json_object_set_new(v, "last", json_string(r->last));
	json_array_append_new(ctx, v);
	return 0;
}

int stats_ingest(struct store *st, const struct user *u, int days, int64_t now, json_t **out,
		 struct sk_error *err)
{
	json_t *a = NULL;
	char since[21];
	int rc;

	if ((rc = window(u, days, now, since, err)) != 0)
		return rc;
	a = json_array();
	if ((rc = store_stats_ingest(st, since, ingest_add, a, err)) != 0) {
		json_decref(a);
		return rc;
	}
	*out = a;
	return 0;
}

int stats_orgs(struct store *st, const struct user *u, int days, int64_t now, json_t **out,
	       struct sk_error *err)
{
	json_t *a = NULL;
	char since[21];
	int rc;

	if ((rc = window(u, days, now, since, err)) != 0)
		return rc;
	a = json_array();
	if ((rc = store_stats_orgs(st, since, org_add, a, err)) != 0) {
		json_decref(a);
		return rc;
	}
	*out = a;
	return 0;
}
