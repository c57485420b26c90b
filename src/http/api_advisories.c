/* http/api_advisories.c: /api/v1/advisories and /api/v1/orgs/{id}/assets.
 * Thin: advisory/workflow.h and advisory/asset.h do the work.
 * SECURITY: bodies are JSON objects read by advisory_set_json(), which
 * refuses unknown members and names the field that is wrong; a partner
 * asking for an advisory it may not read gets 404, never 403, so that
 * its existence does not leak. */
#include "http/api_advisories.h"

#include <string.h>

#include "access/access.h"
#include "advisory/asset.h"
#include "advisory/delivery.h"
#include "advisory/workflow.h"
#include "http/api_alerts.h"
#include "http/request.h"
#include "http/response.h"
#include "lib/error.h"
#include "lib/str.h"

static const struct advisory_settings *settings;

void api_advisories_configure(const struct advisory_settings *s)
{
	settings = s;
}

static const struct advisory_settings *cfg(void)
{
	static const struct advisory_settings dflt = {.prefix = "CERT", .review = true};

	return settings != NULL ? settings : &dflt;
}

static int advisory_id(struct http_request *req, int64_t *id, struct sk_error *err)
{
	return http_request_id(req, "id", "advisory", id, err);
}

static int apply_body(struct advisory *a, void *ctx, struct sk_error *err)
{
	return advisory_set_json(a, ctx, err);
}

/* The advisory as u sees it, as the answer. */
static int answer(struct http_request *req, struct http_response *resp, int status, int64_t id,
		  struct sk_error *err)
{
	struct advisory a;
	int rc;

	advisory_init(&a);
	if ((rc = advisory_get(req->st, req->user, id, &a, err)) == 0) {
		http_response_json(resp, status, advisory_to_json(&a));
		if (status == 201)
			http_response_location(resp, "/api/v1/advisories/%lld", (long long)id);
	}
	advisory_clear(&a);
	return rc;
}

struct list {
	json_t *items;
	struct http_page pg;
};

static int list_add(const struct advisory *a, void *ctx)
{
	struct list *l = ctx;

	if (http_page_take(&l->pg))
		json_array_append_new(l->items, advisory_to_json(a));
	return 0;
}

/* GET /api/v1/advisories?status= */
static int api_advisory_list(struct http_request *req, struct http_response *resp,
			     struct sk_error *err)
{
	static const char *const known[] = {"status", "limit", "offset", NULL};
	struct list l = {0};
	int rc;

	if ((rc = http_request_known_args(req, known, err)) != 0 ||
	    (rc = http_request_page(req, &l.pg, err)) != 0)
		return rc;
	l.items = json_array();
	if ((rc = advisory_list(req->st, req->user, http_request_query(req, "status"), list_add,
				&l, err)) != 0) {
		json_decref(l.items);
		return rc;
	}
	http_response_list(resp, l.items, l.pg.seen);
	return 0;
}

/* POST /api/v1/advisories: the fields as in docs/advisories.md. */
static int api_advisory_create(struct http_request *req, struct http_response *resp,
			       struct sk_error *err)
{
	struct advisory a;
	json_t *body = NULL;
	int rc;

	advisory_init(&a);
	if ((rc = access_may_handle_advisories(req->user, err)) == 0 &&
	    (rc = http_request_json(req, true, &body, err)) == 0 &&
	    (rc = advisory_new(req->st, req->user, cfg(), apply_body, body, &a, err)) == 0)
		rc = answer(req, resp, 201, a.id, err);
	json_decref(body);
	advisory_clear(&a);
	return rc;
}

static int api_advisory_get(struct http_request *req, struct http_response *resp,
			    struct sk_error *err)
{
	int64_t id;
	int rc;

	if ((rc = advisory_id(req, &id, err)) != 0)
		return rc;
	return answer(req, resp, 200, id, err);
}

/* PATCH /api/v1/advisories/{id}: the fields that change. */
static int api_advisory_edit(struct http_request *req, struct http_response *resp,
			     struct sk_error *err)
{
	json_t *body = NULL;
	int64_t id;
	int rc;

	if ((rc = access_may_handle_advisories(req->user, err)) == 0 &&
	    (rc = advisory_id(req, &id, err)) == 0 &&
	    (rc = http_request_json(req, true, &body, err)) == 0 &&
	    (rc = advisory_edit(req->st, req->user, id, apply_body, body, NULL, err)) == 0)
		rc = answer(req, resp, 200, id, err);
	json_decref(body);
	return rc;
}

/* The recipients as JSON. */
static json_t *recipients_json(const struct advisory_recipients *r)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < r->n; i++)
		json_array_append_new(
		    arr,
		    json_pack("{s:I,s:s,s:o,s:b}", "org_id", (json_int_t)r->v[i].org_id,
			      "relation", tlp_relation_names[r->v[i].relation], "member_id",
			      r->v[i].member_id > 0 ? json_integer(r->v[i].member_id)
						    : json_null(),
			      "may_pass_on", r->v[i].may.pass_on));
	return arr;
}

/* The advisory with "recipients" beside it. */
static int answer_published(struct http_request *req, struct http_response *resp, int64_t id,
			    const struct advisory_recipients *r, struct sk_error *err)
{
	struct advisory a;
	int rc;

	advisory_init(&a);
	if ((rc = advisory_get(req->st, req->user, id, &a, err)) == 0)
		http_response_json(resp, 200,
				   json_pack("{s:o,s:o}", "advisory", advisory_to_json(&a),
					     "recipients", recipients_json(r)));
	advisory_clear(&a);
	return rc;
}

/* The body of a step: an object with only the members in allowed, each
 * a string; an empty body is an empty object. */
static int step_body(struct http_request *req, const char *const *allowed, json_t **out,
		     struct sk_error *err)
{
	const char *key;
	json_t *v, *body = NULL;
	int rc;

	if (req->body_len == 0) {
		*out = json_object();
		return 0;
	}
	if ((rc = http_request_json(req, true, &body, err)) != 0)
		return rc;
	json_object_foreach(body, key, v)
	{
		if (str_index(allowed, key) < 0 ||
		    (strcmp(key, "changes") == 0 ? !json_is_object(v) : !json_is_string(v))) {
			json_decref(body);
			return sk_error_set(err, SK_EINVAL, "member '%.64s': %s", key,
					    str_index(allowed, key) < 0 ? "unknown"
									: "wrong type");
		}
	}
	*out = body;
	return 0;
}

enum step { STEP_SUBMIT, STEP_APPROVE, STEP_PUBLISH, STEP_UPDATE, STEP_WITHDRAW };

static int step(struct http_request *req, struct http_response *resp, enum step s,
		struct sk_error *err)
{
	static const char *const none[] = {NULL};
	static const char *const update[] = {"summary", "changes", NULL};
	static const char *const withdraw[] = {"reason", NULL};
	struct advisory_recipients r = {0};
	json_t *body = NULL, *changes;
	int64_t id;
	int rc;

	if ((rc = access_may_handle_advisories(req->user, err)) != 0 ||
	    (rc = advisory_id(req, &id, err)) != 0 ||
	    (rc = step_body(req,
			    s == STEP_UPDATE	 ? update
			    : s == STEP_WITHDRAW ? withdraw
						 : none,
			    &body, err)) != 0)
		goto out;
	changes = json_object_get(body, "changes");
	switch (s) {
	case STEP_SUBMIT:
		rc = advisory_submit(req->st, req->user, id, err);
		break;
	case STEP_APPROVE:
		rc = advisory_approve(req->st, req->user, id, err);
		break;
	case STEP_PUBLISH:
		rc = api_alerts_delivery() != NULL
			 ? advisory_publish_deliver(req->st, req->user, cfg(),
						    api_alerts_delivery(), id, &r, NULL, err)
			 : advisory_publish(req->st, req->user, cfg(), id, &r, err);
		break;
	case STEP_UPDATE:
		rc = api_alerts_delivery() != NULL
			 ? advisory_update_deliver(
			       req->st, req->user, api_alerts_delivery(), id,
			       json_string_value(json_object_get(body, "summary")),
			       changes != NULL ? apply_body : NULL, changes, &r, err)
			 : advisory_update(req->st, req->user, id,
					   json_string_value(json_object_get(body, "summary")),
					   changes != NULL ? apply_body : NULL, changes, &r,
					   err);
		break;
	case STEP_WITHDRAW:
		rc = advisory_withdraw(req->st, req->user, id,
				       json_string_value(json_object_get(body, "reason")), err);
		break;
	}
	if (rc == 0)
		rc = s == STEP_PUBLISH || s == STEP_UPDATE
			 ? answer_published(req, resp, id, &r, err)
			 : answer(req, resp, 200, id, err);
out:
	advisory_recipients_free(&r);
	json_decref(body);
	return rc;
}

static int api_advisory_submit(struct http_request *req, struct http_response *resp,
			       struct sk_error *err)
{
	return step(req, resp, STEP_SUBMIT, err);
}

static int api_advisory_approve(struct http_request *req, struct http_response *resp,
				struct sk_error *err)
{
	return step(req, resp, STEP_APPROVE, err);
}

static int api_advisory_publish(struct http_request *req, struct http_response *resp,
				struct sk_error *err)
{
	return step(req, resp, STEP_PUBLISH, err);
}

/* POST .../update {"summary": "what changed", "changes": {fields}} */
static int api_advisory_update(struct http_request *req, struct http_response *resp,
			       struct sk_error *err)
{
	return step(req, resp, STEP_UPDATE, err);
}

/* POST .../withdraw {"reason": "..."} */
static int api_advisory_withdraw(struct http_request *req, struct http_response *resp,
				 struct sk_error *err)
{
	return step(req, resp, STEP_WITHDRAW, err);
}

static int api_advisory_audience(struct http_request *req, struct http_response *resp,
				 struct sk_error *err)
{
	struct advisory_recipients r = {0};
	int64_t id;
	int rc;

	if ((rc = access_may_handle_advisories(req->user, err)) != 0 ||
	    (rc = advisory_id(req, &id, err)) != 0 ||
	    (rc = advisory_audience(req->st, req->user, id, &r, err)) != 0)
		return rc;
	http_response_list(resp, recipients_json(&r), r.n);
	advisory_recipients_free(&r);
	return 0;
}

static int revision_add(int revision, const char *created, const char *summary, const char *doc,
			void *ctx)
{
	json_array_append_new(ctx, json_pack("{s:i,s:s,s:s,s:o}", "revision", revision, "date",
					     created, "summary", summary, "advisory",
					     json_loads(doc, 0, NULL)));
	return 0;
}

/* GET .../revisions: each revision with its snapshot. */
static int api_advisory_revisions(struct http_request *req, struct http_response *resp,
				  struct sk_error *err)
{
	json_t *items = json_array();
	int64_t id;
	int rc;

	if ((rc = advisory_id(req, &id, err)) != 0 ||
	    (rc = advisory_revision_each(req->st, req->user, id, revision_add, items, err)) !=
		0) {
		json_decref(items);
		return rc;
	}
	http_response_list(resp, items, json_array_size(items));
	return 0;
}

static int org_id(struct http_request *req, int64_t *id, struct sk_error *err)
{
	return http_request_id(req, "id", "organization", id, err);
}

static int asset_add_json(const struct store_asset *a, void *ctx)
{
	json_array_append_new(ctx, json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:s}", "id",
					     (json_int_t)a->id, "org_id", (json_int_t)a->org_id,
					     "kind", a->kind, "value", a->value, "vendor",
					     a->vendor, "product", a->product, "version",
					     a->version, "created", a->created));
	return 0;
}

/* GET /api/v1/orgs/{id}/assets */
static int api_asset_list(struct http_request *req, struct http_response *resp,
			  struct sk_error *err)
{
	json_t *items;
	int64_t id;
	int rc;

	if ((rc = org_id(req, &id, err)) != 0)
		return rc;
	items = json_array();
	if ((rc = asset_each(req->st, req->user, id, asset_add_json, items, err)) != 0) {
		json_decref(items);
		return rc;
	}
	http_response_list(resp, items, json_array_size(items));
	return 0;
}

/* POST /api/v1/orgs/{id}/assets {"name": "cpe:2.3:..." | "pkg:..."} */
static int api_asset_add(struct http_request *req, struct http_response *resp,
			 struct sk_error *err)
{
	static const char *const allowed[] = {"name", NULL};
	json_t *body = NULL;
	const char *name;
	int64_t id, asset = 0;
	int rc;

	if ((rc = access_may_change_assets(req->user, err)) != 0 ||
	    (rc = org_id(req, &id, err)) != 0 ||
	    (rc = step_body(req, allowed, &body, err)) != 0)
		goto out;
	if ((name = json_string_value(json_object_get(body, "name"))) == NULL) {
		rc = sk_error_set(err, SK_EINVAL, "name: give a CPE 2.3 name or a purl");
		goto out;
	}
	if ((rc = asset_add(req->st, req->user, id, name, &asset, err)) != 0)
		goto out;
	http_response_json(resp, 201,
			   json_pack("{s:I,s:I,s:s}", "id", (json_int_t)asset, "org_id",
				     (json_int_t)id, "value", name));
	http_response_location(resp, "/api/v1/orgs/%lld/assets/%lld", (long long)id,
			       (long long)asset);
out:
	json_decref(body);
	return rc;
}

/* DELETE /api/v1/orgs/{id}/assets/{asset} */
static int api_asset_remove(struct http_request *req, struct http_response *resp,
			    struct sk_error *err)
{
	int64_t id, asset;
	int rc;

	if ((rc = access_may_change_assets(req->user, err)) != 0 ||
	    (rc = org_id(req, &id, err)) != 0 ||
	    (rc = http_request_id(req, "asset", "asset", &asset, err)) != 0 ||
	    (rc = asset_remove(req->st, req->user, id, asset, err)) != 0)
		return rc;
	http_response_json(resp, 200, json_pack("{s:I}", "removed", (json_int_t)asset));
	return 0;
}

const struct router_route api_advisories_routes[] = {
    {"GET", "/api/v1/advisories", api_advisory_list, ACCESS_USER},
    {"POST", "/api/v1/advisories", api_advisory_create, ACCESS_STAFF},
    {"GET", "/api/v1/advisories/{id}", api_advisory_get, ACCESS_USER},
    {"PATCH", "/api/v1/advisories/{id}", api_advisory_edit, ACCESS_STAFF},
    {"POST", "/api/v1/advisories/{id}/submit", api_advisory_submit, ACCESS_STAFF},
    {"POST", "/api/v1/advisories/{id}/approve", api_advisory_approve, ACCESS_STAFF},
    {"POST", "/api/v1/advisories/{id}/publish", api_advisory_publish, ACCESS_STAFF},
    {"POST", "/api/v1/advisories/{id}/update", api_advisory_update, ACCESS_STAFF},
    {"POST", "/api/v1/advisories/{id}/withdraw", api_advisory_withdraw, ACCESS_STAFF},
    {"GET", "/api/v1/advisories/{id}/audience", api_advisory_audience, ACCESS_STAFF},
    {"GET", "/api/v1/advisories/{id}/revisions", api_advisory_revisions, ACCESS_USER},
    {"GET", "/api/v1/orgs/{id}/assets", api_asset_list, ACCESS_USER},
    {"POST", "/api/v1/orgs/{id}/assets", api_asset_add, ACCESS_STAFF},
    {"DELETE", "/api/v1/orgs/{id}/assets/{asset}", api_asset_remove, ACCESS_STAFF},
    {NULL, NULL, NULL, ACCESS_PUBLIC},
};
