/* http/api_registry.c: handlers for the registry API. Thin: they parse
 * the request, call the registry/constituency.h operation the CLI calls
 * too (which checks access, runs the transaction and writes the audit
 * row) and shape the answer with registry/exchange.h. Changes to an
 * organization's contacts and resources are open to partners (their
 * own, per [portal] partners_edit): those handlers ask access/access.h
 * before reading the body, and the registry asks again.
 * SECURITY: bodies and parameters come from clients. A partner asking
 * about an organization it may not read gets the same 404 as for one
 * that does not exist, so ids reveal nothing. */
#include "http/api_registry.h"

#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "http/request.h"
#include "http/response.h"
#include "lib/error.h"
#include "registry/constituency.h"
#include "registry/exchange.h"
#include "store/store.h"

#define WHOIS_QUERY_MAX 1024

/* Answer with the page of all (a JSON array; taken) that the query asks
 * for, and the total. */
static int answer_items(struct http_request *req, struct http_response *resp, json_t *all,
			struct sk_error *err)
{
	struct http_page pg;
	json_t *items, *it;
	size_t i;
	int rc = http_request_page(req, &pg, err);

	if (rc == 0) {
		items = json_array();
		json_array_foreach(all, i, it)
		{
			if (http_page_take(&pg))
				json_array_append(items, it);
		}
		http_response_list(resp, items, pg.seen);
	}
	json_decref(all);
	return rc;
}

/* Answer with the organizations of l, paged. */
static int org_list_answer(struct http_request *req, struct http_response *resp,
			   const struct org_list *l, struct sk_error *err)
{
	struct http_page pg;
	json_t *items;
	int rc = http_request_page(req, &pg, err);

	if (rc != 0)
		return rc;
	items = json_array();
	for (size_t i = 0; i < l->n; i++) {
		if (http_page_take(&pg))
			json_array_append_new(items, exchange_org_json(&l->v[i]));
	}
	http_response_list(resp, items, pg.seen);
	return 0;
}

/* 201 with obj (taken), at /api/v1/orgs/{org_id}/{part}/{id}. */
static void answer_created(struct http_response *resp, json_t *obj, int64_t org_id,
			   const char *part, int64_t id)
{
	http_response_json(resp, 201, obj);
	http_response_location(resp, "/api/v1/orgs/%lld/%s/%lld", (long long)org_id, part,
			       (long long)id);
}

/* GET /healthz: the store answers. */
static int audit_noop(const struct audit_entry *e, void *ctx)
{
	(void)e;
	(void)ctx;
	return 0;
}

static int api_healthz(struct http_request *req, struct http_response *resp,
		       struct sk_error *err)
{
	int rc = store_audit_each(req->st, 1, audit_noop, NULL, err);

	if (rc != 0) {
		/* Whatever failed, the answer to a health check is 503. */
		err->code = SK_ETEMP;
		return SK_ETEMP;
	}
	http_response_json(resp, 200, json_pack("{s:s}", "status", "ok"));
	return 0;
}

/* A partner's organization as the console needs it; null for staff or
 * an organization that is gone. */
static int me_org(struct store *st, const struct user *u, json_t **out, struct sk_error *err)
{
	struct org org = {0};
	int rc = 0;

	*out = json_null();
	if (u->role != USER_ROLE_PARTNER || u->org_id <= 0)
		return 0;
	rc = store_org_get(st, u->org_id, &org, err);
	if (rc == 0) {
		json_decref(*out);
		*out = json_pack("{s:I,s:s?,s:b}", "id", (json_int_t)org.id, "name", org.name,
				 "is_liaison", org.kind == ORG_KIND_LIAISON);
	}
	org_clear(&org);
	return rc == SK_ENOTFOUND ? 0 : rc;
}

/* u is borrowed. */
json_t *api_me_json(struct store *st, const struct user *u, struct sk_error *err)
{
	struct access_may may;
	json_t *me, *org = NULL;

	if (me_org(st, u, &org, err) != 0) {
		json_decref(org);
		return NULL;
	}
	access_may_all(u, &may);
	me = exchange_user_json(u);
	json_object_set_new(me, "org", org);
	json_object_set_new(me, "may",
			    json_pack("{s:b,s:b,s:b,s:b,s:b,s:b}", "tickets", may.tickets,
				      "registry", may.registry, "edit_contacts",
				      may.edit_contacts, "edit_resources", may.edit_resources,
				      "report", may.report, "audit", may.audit));
	return me;
}

static int api_me(struct http_request *req, struct http_response *resp, struct sk_error *err)
{
	json_t *me = api_me_json(req->st, req->user, err);

	if (me == NULL)
		return err->code != 0 ? err->code : SK_EIO;
	http_response_json(resp, 200, me);
	return 0;
}

/* Organizations. */

/* One vocabulary word of the query into *out: -1 when absent or empty. */
static int query_word(const struct http_request *req, const char *key, const char *const *names,
		      int *out, struct sk_error *err)
{
	const char *v = http_request_query(req, key);
	int i = -1;

	if (v != NULL && *v != '\0' && (i = org_vocab_parse(names, key, v, err)) < 0)
		return i;
	*out = i;
	return 0;
}

/* GET /api/v1/orgs?q=&kind=&class=&sector=&limit=&offset= */
static int api_org_list(struct http_request *req, struct http_response *resp,
			struct sk_error *err)
{
	struct store_org_filter f = {http_request_query(req, "q"), -1, -1, NULL};
	struct org_list l = {0};
	int sector = -1;
	int rc;

	if ((rc = query_word(req, "kind", org_kind_names, &f.kind, err)) != 0 ||
	    (rc = query_word(req, "class", org_class_names, &f.class, err)) != 0 ||
	    (rc = query_word(req, "sector", org_sector_names, &sector, err)) != 0)
		return rc;
	if (sector >= 0)
		f.sector = org_sector_names[sector];
	rc = registry_org_search(req->st, req->user, &f, &l, err);
	if (rc == 0)
		rc = org_list_answer(req, resp, &l, err);
	org_list_free(&l);
	return rc;
}

static int api_org_create(struct http_request *req, struct http_response *resp,
			  struct sk_error *err)
{
	struct org org;
	json_t *body = NULL;
	int rc;

	org_init(&org);
	rc = http_request_json(req, true, &body, err);
	if (rc == 0)
		rc = exchange_org_apply(&org, body, err);
	if (rc == 0)
		rc = registry_org_add(req->st, req->user, &org, NULL, 0, err);
	if (rc == 0) {
		http_response_json(resp, 201, exchange_org_json(&org));
		http_response_location(resp, "/api/v1/orgs/%lld", (long long)org.id);
	}
	json_decref(body);
	org_clear(&org);
	return rc;
}

static int api_org_get(struct http_request *req, struct http_response *resp,
		       struct sk_error *err)
{
	struct org org = {0};
	int64_t id;
	int rc = http_request_id(req, "id", "organization", &id, err);

	if (rc == 0)
		rc = registry_org_get(req->st, req->user, id, &org, err);
	if (rc == 0)
		http_response_json(resp, 200, exchange_org_json(&org));
	org_clear(&org);
	return rc;
}

/* registry_org_edit_fn: the members of a JSON object. */
static int org_apply_json(struct org *org, void *body, struct sk_error *err)
{
	return exchange_org_apply(org, body, err);
}

/* PATCH: apply the fields given, in one transaction with the read. */
static int api_org_update(struct http_request *req, struct http_response *resp,
			  struct sk_error *err)
{
	struct org updated = {0};
	json_t *body = NULL;
	int64_t id;
	int rc = http_request_id(req, "id", "organization", &id, err);

	if (rc == 0)
		rc = http_request_json(req, true, &body, err);
	if (rc == 0)
		rc = registry_org_update(req->st, req->user, id, org_apply_json, body, &updated,
					 err);
	if (rc == 0)
		http_response_json(resp, 200, exchange_org_json(&updated));
	json_decref(body);
	org_clear(&updated);
	return rc;
}

static int api_org_delete(struct http_request *req, struct http_response *resp,
			  struct sk_error *err)
{
	int64_t id;
	int rc = http_request_id(req, "id", "organization", &id, err);

	if (rc == 0)
		rc = registry_org_remove(req->st, req->user, id, NULL, err);
	if (rc == 0)
		http_response_json(resp, 204, NULL);
	return rc;
}

/* Resources and contacts: the {id} organization and the {rid} or {cid}
 * under it; with a body, the body too. */
static int path_ids(struct http_request *req, const char *sub, const char *what,
		    int64_t *org_id, int64_t *id, struct sk_error *err)
{
	int rc = http_request_id(req, "id", "organization", org_id, err);

	return rc != 0 || sub == NULL ? rc : http_request_id(req, sub, what, id, err);
}

/* The {id} organization, then whether the caller may change what it
 * holds (may: access_may_edit_org_contacts or _resources), then the body
 * (body NULL: none read). */
static int path_body(struct http_request *req, bool want_object,
		     int (*may)(const struct user *, int64_t, struct sk_error *),
		     int64_t *org_id, json_t **body, struct sk_error *err)
{
	int rc = path_ids(req, NULL, NULL, org_id, NULL, err);

	if (rc == 0)
		rc = may(req->user, *org_id, err);
	return rc != 0 || body == NULL ? rc : http_request_json(req, want_object, body, err);
}

static int api_resource_list(struct http_request *req, struct http_response *resp,
			     struct sk_error *err)
{
	struct resource_list l = {0};
	json_t *all = json_array();
	int64_t org_id;
	int rc = path_ids(req, NULL, NULL, &org_id, NULL, err);

	if (rc == 0)
		rc = registry_resource_list(req->st, req->user, org_id, &l, err);
	for (size_t i = 0; i < l.n; i++)
		json_array_append_new(all, exchange_resource_json(&l.v[i]));
	resource_list_free(&l);
	return rc == 0 ? answer_items(req, resp, all, err) : (json_decref(all), rc);
}

static int api_resource_create(struct http_request *req, struct http_response *resp,
			       struct sk_error *err)
{
	struct resource r;
	json_t *body = NULL;
	int64_t org_id;
	int rc = path_body(req, false, access_may_edit_org_resources, &org_id, &body, err);

	if (rc == 0)
		rc = exchange_resource_parse(body, &r, err);
	if (rc == 0)
		rc = registry_resource_add(req->st, req->user, org_id, &r, 1, err);
	if (rc == 0)
		answer_created(resp, exchange_resource_json(&r), org_id, "resources", r.id);
	json_decref(body);
	return rc;
}

static int api_resource_get(struct http_request *req, struct http_response *resp,
			    struct sk_error *err)
{
	struct resource r;
	int64_t org_id, id;
	int rc = path_ids(req, "rid", "resource", &org_id, &id, err);

	if (rc == 0)
		rc = registry_resource_get(req->st, req->user, org_id, id, &r, err);
	if (rc == 0)
		http_response_json(resp, 200, exchange_resource_json(&r));
	return rc;
}

static int api_resource_delete(struct http_request *req, struct http_response *resp,
			       struct sk_error *err)
{
	int64_t org_id, id;
	int rc = path_body(req, false, access_may_edit_org_resources, &org_id, NULL, err);

	if (rc == 0)
		rc = path_ids(req, "rid", "resource", &org_id, &id, err);
	if (rc == 0)
		rc = registry_resource_remove(req->st, req->user, org_id, id, NULL, err);
	if (rc == 0)
		http_response_json(resp, 204, NULL);
	return rc;
}

static int api_contact_list(struct http_request *req, struct http_response *resp,
			    struct sk_error *err)
{
	struct contact_list l = {0};
	json_t *all = json_array();
	int64_t org_id;
	int rc = path_ids(req, NULL, NULL, &org_id, NULL, err);

	if (rc == 0)
		rc = registry_contact_list(req->st, req->user, org_id, &l, err);
	for (size_t i = 0; i < l.n; i++)
		json_array_append_new(all, exchange_contact_json(&l.v[i]));
	contact_list_free(&l);
	return rc == 0 ? answer_items(req, resp, all, err) : (json_decref(all), rc);
}

static int api_contact_create(struct http_request *req, struct http_response *resp,
			      struct sk_error *err)
{
	struct contact c;
	json_t *body = NULL;
	int rc;

	contact_init(&c);
	rc = path_body(req, true, access_may_edit_org_contacts, &c.org_id, &body, err);
	if (rc == 0)
		rc = exchange_contact_apply(&c, body, err);
	if (rc == 0)
		rc = registry_contact_add(req->st, req->user, &c, err);
	if (rc == 0)
		answer_created(resp, exchange_contact_json(&c), c.org_id, "contacts", c.id);
	json_decref(body);
	contact_clear(&c);
	return rc;
}

static int api_contact_get(struct http_request *req, struct http_response *resp,
			   struct sk_error *err)
{
	struct contact c;
	int64_t org_id, id;
	int rc = path_ids(req, "cid", "contact", &org_id, &id, err);

	if (rc == 0)
		rc = registry_contact_get(req->st, req->user, org_id, id, &c, err);
	if (rc == 0)
		http_response_json(resp, 200, exchange_contact_json(&c));
	if (rc == 0)
		contact_clear(&c);
	return rc;
}

/* registry_contact_edit_fn: the members of a JSON object. */
static int contact_apply_json(struct contact *c, void *body, struct sk_error *err)
{
	return exchange_contact_apply(c, body, err);
}

/* PATCH: apply the fields given, in one transaction with the read. */
static int api_contact_update(struct http_request *req, struct http_response *resp,
			      struct sk_error *err)
{
	struct contact c;
	json_t *body = NULL;
	int64_t org_id, id;
	int rc = path_ids(req, "cid", "contact", &org_id, &id, err);

	if (rc == 0)
		rc = path_body(req, true, access_may_edit_org_contacts, &org_id, &body, err);
	if (rc == 0)
		rc = registry_contact_update(req->st, req->user, org_id, id, contact_apply_json,
					     body, &c, err);
	if (rc == 0) {
		http_response_json(resp, 200, exchange_contact_json(&c));
		contact_clear(&c);
	}
	json_decref(body);
	return rc;
}

static int api_contact_delete(struct http_request *req, struct http_response *resp,
			      struct sk_error *err)
{
	int64_t org_id, id;
	int rc = path_ids(req, "cid", "contact", &org_id, &id, err);

	if (rc == 0)
		rc = path_body(req, false, access_may_edit_org_contacts, &org_id, NULL, err);
	if (rc == 0)
		rc = registry_contact_remove(req->st, req->user, org_id, id, NULL, err);
	if (rc == 0)
		http_response_json(resp, 204, NULL);
	return rc;
}

/* Memberships. */

/* The organizations list(...) gives for the {id} organization, paged. */
static int org_list_of(struct http_request *req, struct http_response *resp,
		       int (*list)(struct store *, const struct user *, int64_t,
				   struct org_list *, struct sk_error *),
		       struct sk_error *err)
{
	struct org_list l = {0};
	int64_t id;
	int rc = http_request_id(req, "id", "organization", &id, err);

	if (rc == 0)
		rc = list(req->st, req->user, id, &l, err);
	if (rc == 0)
		rc = org_list_answer(req, resp, &l, err);
	org_list_free(&l);
	return rc;
}

static int api_member_list(struct http_request *req, struct http_response *resp,
			   struct sk_error *err)
{
	return org_list_of(req, resp, registry_member_list, err);
}

static int api_liaison_list(struct http_request *req, struct http_response *resp,
			    struct sk_error *err)
{
	return org_list_of(req, resp, registry_liaison_list, err);
}

/* PUT: make {member_id} a member of {id}; 201 when it was not, 200 when
 * it already was. */
static int api_member_put(struct http_request *req, struct http_response *resp,
			  struct sk_error *err)
{
	struct org member = {0};
	int64_t id, mid;
	bool was = false;
	int rc = path_ids(req, "member_id", "organization", &id, &mid, err);

	if (rc == 0)
		rc = registry_member_add(req->st, req->user, id, mid, &was, err);
	if (rc == 0)
		rc = registry_org_get(req->st, req->user, mid, &member, err);
	if (rc == 0)
		http_response_json(resp, was ? 200 : 201, exchange_org_json(&member));
	org_clear(&member);
	return rc;
}

static int api_member_delete(struct http_request *req, struct http_response *resp,
			     struct sk_error *err)
{
	int64_t id, mid;
	int rc = path_ids(req, "member_id", "organization", &id, &mid, err);

	if (rc == 0)
		rc = registry_member_remove(req->st, req->user, id, mid, err);
	if (rc == 0)
		http_response_json(resp, 204, NULL);
	return rc;
}

/* Whois: the owners the caller may read. */

static int whois_add(const struct org *org, const struct resource *via, void *matches)
{
	json_array_append_new(matches, json_pack("{s:o,s:o}", "org", exchange_org_json(org),
						 "via", exchange_resource_json(via)));
	return 0;
}

static int api_whois(struct http_request *req, struct http_response *resp, struct sk_error *err)
{
	const char *q = http_request_query(req, "q");
	json_t *matches = NULL, *body;
	int rc;

	if (q == NULL || *q == '\0')
		return sk_error_set(err, SK_EINVAL,
				    "query argument q is required (an address, prefix, "
				    "AS number or domain name)");
	if (strlen(q) > WHOIS_QUERY_MAX)
		return sk_error_set(err, SK_EINVAL, "query argument q is longer than %d bytes",
				    WHOIS_QUERY_MAX);
	matches = json_array();
	rc = registry_whois_as(req->st, req->user, q, whois_add, matches, err);
	if (rc != 0) {
		json_decref(matches);
		return rc;
	}
	body = json_pack("{s:s,s:o}", "query", q, "matches", matches);
	if (body == NULL)
		return sk_error_set(err, SK_EINVAL, "query argument q is not valid UTF-8");
	http_response_json(resp, 200, body);
	return 0;
}

const struct router_route api_registry_routes[] = {
    {"GET", "/healthz", api_healthz, ACCESS_PUBLIC},
    {"GET", "/api/v1/me", api_me, ACCESS_USER},
    {"GET", "/api/v1/orgs", api_org_list, ACCESS_USER},
    {"POST", "/api/v1/orgs", api_org_create, ACCESS_STAFF},
    {"GET", "/api/v1/orgs/{id}", api_org_get, ACCESS_USER},
    {"PATCH", "/api/v1/orgs/{id}", api_org_update, ACCESS_STAFF},
    {"DELETE", "/api/v1/orgs/{id}", api_org_delete, ACCESS_STAFF},
    {"GET", "/api/v1/orgs/{id}/resources", api_resource_list, ACCESS_USER},
    {"POST", "/api/v1/orgs/{id}/resources", api_resource_create, ACCESS_USER},
    {"GET", "/api/v1/orgs/{id}/resources/{rid}", api_resource_get, ACCESS_USER},
    {"DELETE", "/api/v1/orgs/{id}/resources/{rid}", api_resource_delete, ACCESS_USER},
    {"GET", "/api/v1/orgs/{id}/contacts", api_contact_list, ACCESS_USER},
    {"POST", "/api/v1/orgs/{id}/contacts", api_contact_create, ACCESS_USER},
    {"GET", "/api/v1/orgs/{id}/contacts/{cid}", api_contact_get, ACCESS_USER},
    {"PATCH", "/api/v1/orgs/{id}/contacts/{cid}", api_contact_update, ACCESS_USER},
    {"DELETE", "/api/v1/orgs/{id}/contacts/{cid}", api_contact_delete, ACCESS_USER},
    {"GET", "/api/v1/orgs/{id}/members", api_member_list, ACCESS_USER},
    {"PUT", "/api/v1/orgs/{id}/members/{member_id}", api_member_put, ACCESS_STAFF},
    {"DELETE", "/api/v1/orgs/{id}/members/{member_id}", api_member_delete, ACCESS_STAFF},
    {"GET", "/api/v1/orgs/{id}/liaisons", api_liaison_list, ACCESS_USER},
    {"GET", "/api/v1/whois", api_whois, ACCESS_USER},
    {NULL, NULL, NULL, ACCESS_PUBLIC},
};
