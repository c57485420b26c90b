/* http/api_ops.c: GET /api/v1/audit, /api/v1/stats/ingest and
 * /api/v1/stats/orgs. Thin: the store reads the audit log, ticket/view.h
 * gives the shape of its entries, route/stats.h counts.
 * SECURITY: the audit log and the counts name users, organizations and
 * what they did: staff only (the route's rule). Every query argument
 * comes from the client: unknown ones are refused, text filters are
 * capped in length, numbers and times are parsed whole. */
#include "http/api_ops.h"

#include <string.h>

#include "access/access.h"
#include "registry/constituency.h"
#include "http/request.h"
#include "http/response.h"
#include "lib/error.h"
#include "lib/str.h"
#include "route/stats.h"
#include "store/store.h"
#include "ticket/view.h"

#define FILTER_TEXT_MAX 64 /* bytes of an actor, action or object filter */

/* Query argument key as a text filter of 1 to FILTER_TEXT_MAX bytes, or
 * NULL when absent. */
static int text_arg(const struct http_request *req, const char *key, const char **out,
		    struct sk_error *err)
{
	const char *v = http_request_query(req, key);

	if (v != NULL && (*v == '\0' || strlen(v) > FILTER_TEXT_MAX))
		return sk_error_set(err, SK_EINVAL, "query argument %s must be 1 to %d bytes",
				    key, FILTER_TEXT_MAX);
	*out = v;
	return 0;
}

static int audit_add(const struct audit_entry *e, void *ctx)
{
	json_array_append_new(ctx, ticket_view_audit(e));
	return 0;
}

/* GET /api/v1/audit?actor=&action=&object=&object_id=&since=&until=
 * &limit=&offset=: newest first, with the total over all pages. */
static int api_audit_list(struct http_request *req, struct http_response *resp,
			  struct sk_error *err)
{
	static const char *const known[] = {"actor", "action", "object", "object_id", "since",
					    "until", "limit",  "offset", NULL};
	struct audit_filter f = {0};
	struct http_page pg;
	json_t *items;
	int64_t total = 0;
	int rc;

	if ((rc = http_request_known_args(req, known, err)) != 0 ||
	    (rc = text_arg(req, "actor", &f.actor, err)) != 0 ||
	    (rc = text_arg(req, "action", &f.action, err)) != 0 ||
	    (rc = text_arg(req, "object", &f.object, err)) != 0 ||
	    (rc = http_request_query_int(req, "object_id", 1, INT64_MAX, 0, &f.object_id,
					 err)) != 0 ||
	    (rc = http_request_query_time(req, "since", &f.since, err)) != 0 ||
	    (rc = http_request_query_time(req, "until", &f.until, err)) != 0 ||
	    (rc = http_request_page(req, &pg, err)) != 0)
		return rc;
	if (f.object_id > 0 && f.object == NULL)
		return sk_error_set(err, SK_EINVAL,
				    "query argument object_id needs object (the kind, "
				    "such as ticket)");
	f.limit = pg.limit;
	f.offset = pg.offset;
	items = json_array();
	if ((rc = registry_audit_find(req->st, req->user, &f, audit_add, items, &total, err)) !=
	    0) {
		json_decref(items);
		return rc;
	}
	http_response_list(resp, items, (size_t)total);
	return 0;
}

/* GET /api/v1/stats/ingest?days= and /api/v1/stats/orgs?days= (1..366,
 * default 14): {"items": [...]} (route/stats.h). */
static int stats_answer(struct http_request *req, struct http_response *resp, bool orgs,
			struct sk_error *err)
{
	static const char *const known[] = {"days", NULL};
	int64_t days, now = (int64_t)str_time_now();
	json_t *items = NULL, *body;
	int rc;

	if ((rc = http_request_known_args(req, known, err)) != 0 ||
	    (rc = http_request_query_int(req, "days", 1, STATS_DAYS_MAX, STATS_DAYS_DEFAULT,
					 &days, err)) != 0)
		return rc;
	rc = orgs ? stats_orgs(req->st, req->user, (int)days, now, &items, err)
		  : stats_ingest(req->st, req->user, (int)days, now, &items, err);
	if (rc != 0)
		return rc;
	body = json_object();
	json_object_set_new(body, "items", items);
	http_response_json(resp, 200, body);
	return 0;
}

static int api_stats_ingest(struct http_request *req, struct http_response *resp,
			    struct sk_error *err)
{
	return stats_answer(req, resp, false, err);
}

static int api_stats_orgs(struct http_request *req, struct http_response *resp,
			  struct sk_error *err)
{
	return stats_answer(req, resp, true, err);
}

const struct router_route api_ops_routes[] = {
    {"GET", "/api/v1/audit", api_audit_list, ACCESS_STAFF},
    {"GET", "/api/v1/stats/ingest", api_stats_ingest, ACCESS_STAFF},
    {"GET", "/api/v1/stats/orgs", api_stats_orgs, ACCESS_STAFF},
    {NULL, NULL, NULL, ACCESS_PUBLIC},
};
