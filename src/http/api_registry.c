/* http/api_registry.c: handlers for the registry API. Thin: they parse
 * the request, ask access_may_read_org / access_may_change_registry, and call
 * the same store, registry and exchange functions the CLI calls.
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
#include "lib/xalloc.h"
#include "registry/exchange.h"
#include "registry/registry.h"
#include "store/store.h"

#define WHOIS_QUERY_MAX 1024

/* Answer with the organizations of l the caller may read, paged. l was
 * copied out of a store walk, so that the access checks (which query the
 * store again) run after the walk, not inside it. */
static int org_list_answer(struct http_request *req, struct http_response *resp,
			   const struct org_list *l, struct sk_error *err)
{
	struct http_page pg;
	json_t *items = NULL;
	int rc;

	rc = http_request_page(req, &pg, err);
	if (rc != 0)
		return rc;
	items = json_array();
	for (size_t i = 0; i < l->n; i++) {
		rc = access_may_read_org(req->st, req->user, l->v[i].id, err);
		if (rc < 0)
			goto out;
		if (rc == 1 && http_page_take(&pg))
			json_array_append_new(items, exchange_org_json(&l->v[i]));
	}
	http_response_list(resp, items, pg.seen);
	items = NULL;
	rc = 0;
out:
	json_decref(items);
	return rc;
}

static int org_not_found(int64_t id, struct sk_error *err)
{
	return sk_error_set(err, SK_ENOTFOUND, "organization %lld not found", (long long)id);
}

/* Load organization id if the caller may read it; an organization the
 * caller may not read is "not found". *out is written (not freed first)
 * only on success; caller clears it with org_clear(). */
static int org_load(struct http_request *req, int64_t id, struct org *out, struct sk_error *err)
{
	int rc = access_may_read_org(req->st, req->user, id, err);

	if (rc < 0)
		return rc;
	if (rc == 0)
		return org_not_found(id, err);
	rc = store_org_get(req->st, id, out, err);
	if (rc == SK_ENOTFOUND)
		return org_not_found(id, err);
	return rc;
}

/* The organization named by {id} in the path; see org_load. */
static int org_from_path(struct http_request *req, struct org *out, struct sk_error *err)
{
	int64_t id;
	int rc = http_request_id(req, "id", "organization", &id, err);

	return rc != 0 ? rc : org_load(req, id, out, err);
}

static int require_write(const struct http_request *req, struct sk_error *err)
{
	return access_may_change_registry(req->user, err);
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

static int api_me(struct http_request *req, struct http_response *resp, struct sk_error *err)
{
	(void)err;
	http_response_json(resp, 200, exchange_user_json(req->user));
	return 0;
}

static int api_org_list(struct http_request *req, struct http_response *resp,
			struct sk_error *err)
{
	struct org_list l = {0};
	int rc = store_org_each(req->st, org_list_push, &l, err);

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
	rc = require_write(req, err);
	if (rc == 0)
		rc = http_request_json(req, true, &body, err);
	if (rc == 0)
		rc = exchange_org_apply(&org, body, err);
	if (rc == 0)
		rc = org_validate(&org, err);
	if (rc == 0)
		rc = store_org_add(req->st, &org, err);
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
	int rc;

	rc = org_from_path(req, &org, err);
	if (rc == 0)
		http_response_json(resp, 200, exchange_org_json(&org));
	org_clear(&org);
	return rc;
}

/* PATCH: apply the fields given, in one transaction with the read. */
static int api_org_update(struct http_request *req, struct http_response *resp,
			  struct sk_error *err)
{
	struct org org = {0}, updated = {0};
	json_t *body = NULL;
	bool in_tx = false;
	int rc;

	rc = store_begin(req->st, err);
	if (rc != 0)
		goto out;
	in_tx = true;
	rc = org_from_path(req, &org, err);
	if (rc == 0)
		rc = require_write(req, err);
	if (rc == 0)
		rc = http_request_json(req, true, &body, err);
	if (rc == 0)
		rc = exchange_org_apply(&org, body, err);
	if (rc == 0)
		rc = org_validate(&org, err);
	if (rc == 0)
		rc = store_org_update(req->st, &org, err);
	if (rc == 0)
		rc = store_commit(req->st, err);
	if (rc != 0)
		goto out;
	in_tx = false;
	/* Read back: the store sets "updated". */
	rc = store_org_get(req->st, org.id, &updated, err);
	if (rc == 0)
		http_response_json(resp, 200, exchange_org_json(&updated));
out:
	if (in_tx)
		store_rollback(req->st);
	json_decref(body);
	org_clear(&org);
	org_clear(&updated);
	return rc;
}

static int api_org_delete(struct http_request *req, struct http_response *resp,
			  struct sk_error *err)
{
	struct org org = {0};
	int rc;

	rc = org_from_path(req, &org, err);
	if (rc == 0)
		rc = require_write(req, err);
	if (rc == 0)
		rc = store_org_remove(req->st, org.id, err);
	if (rc == 0)
		http_response_json(resp, 204, NULL);
	org_clear(&org);
	return rc;
}

/* Resources. */

struct json_walk {
	json_t *items;
	struct http_page pg;
};

static int resource_to_json(const struct resource *r, void *ctx)
{
	struct json_walk *w = ctx;

	if (http_page_take(&w->pg))
		json_array_append_new(w->items, exchange_resource_json(r));
	return 0;
}

static int api_resource_list(struct http_request *req, struct http_response *resp,
			     struct sk_error *err)
{
	struct json_walk w = {0};
	struct org org = {0};
	int rc;

	rc = http_request_page(req, &w.pg, err);
	if (rc == 0)
		rc = org_from_path(req, &org, err);
	if (rc != 0)
		goto out;
	w.items = json_array();
	rc = store_resource_each(req->st, org.id, resource_to_json, &w, err);
	if (rc == 0) {
		http_response_list(resp, w.items, w.pg.seen);
		w.items = NULL;
	}
out:
	json_decref(w.items);
	org_clear(&org);
	return rc;
}

static int api_resource_create(struct http_request *req, struct http_response *resp,
			       struct sk_error *err)
{
	struct resource r;
	struct org org = {0};
	json_t *body = NULL;
	int rc;

	rc = org_from_path(req, &org, err);
	if (rc == 0)
		rc = require_write(req, err);
	if (rc == 0)
		rc = http_request_json(req, false, &body, err);
	if (rc == 0)
		rc = exchange_resource_parse(body, &r, err);
	if (rc != 0)
		goto out;
	r.org_id = org.id;
	rc = store_resource_add(req->st, &r, err);
	if (rc != 0)
		goto out;
	http_response_json(resp, 201, exchange_resource_json(&r));
	http_response_location(resp, "/api/v1/orgs/%lld/resources/%lld", (long long)org.id,
			       (long long)r.id);
out:
	json_decref(body);
	org_clear(&org);
	return rc;
}

/* The resource {rid} of the organization {id}, which the caller may
 * read. */
static int resource_from_path(struct http_request *req, struct resource *out,
			      struct sk_error *err)
{
	struct resource r;
	struct org org = {0};
	int64_t rid;
	int rc;

	rc = org_from_path(req, &org, err);
	if (rc == 0)
		rc = http_request_id(req, "rid", "resource", &rid, err);
	if (rc != 0)
		goto out;
	rc = store_resource_get(req->st, rid, &r, err);
	if (rc == 0 && r.org_id != org.id)
		rc = SK_ENOTFOUND;
	if (rc == SK_ENOTFOUND)
		rc = sk_error_set(err, SK_ENOTFOUND,
				  "resource %lld not found in organization %lld",
				  (long long)rid, (long long)org.id);
	if (rc == 0)
		*out = r;
out:
	org_clear(&org);
	return rc;
}

static int api_resource_get(struct http_request *req, struct http_response *resp,
			    struct sk_error *err)
{
	struct resource r;
	int rc = resource_from_path(req, &r, err);

	if (rc == 0)
		http_response_json(resp, 200, exchange_resource_json(&r));
	return rc;
}

static int api_resource_delete(struct http_request *req, struct http_response *resp,
			       struct sk_error *err)
{
	struct resource r;
	int rc = resource_from_path(req, &r, err);

	if (rc == 0)
		rc = require_write(req, err);
	if (rc == 0)
		rc = store_resource_remove(req->st, r.id, err);
	if (rc == 0)
		http_response_json(resp, 204, NULL);
	return rc;
}

/* Contacts. */

static int contact_to_json(const struct contact *c, void *ctx)
{
	struct json_walk *w = ctx;

	if (http_page_take(&w->pg))
		json_array_append_new(w->items, exchange_contact_json(c));
	return 0;
}

static int api_contact_list(struct http_request *req, struct http_response *resp,
			    struct sk_error *err)
{
	struct json_walk w = {0};
	struct org org = {0};
	int rc;

	rc = http_request_page(req, &w.pg, err);
	if (rc == 0)
		rc = org_from_path(req, &org, err);
	if (rc != 0)
		goto out;
	w.items = json_array();
	rc = store_contact_each(req->st, org.id, contact_to_json, &w, err);
	if (rc == 0) {
		http_response_list(resp, w.items, w.pg.seen);
		w.items = NULL;
	}
out:
	json_decref(w.items);
	org_clear(&org);
	return rc;
}

static int api_contact_create(struct http_request *req, struct http_response *resp,
			      struct sk_error *err)
{
	struct contact c;
	struct org org = {0};
	json_t *body = NULL;
	int rc;

	contact_init(&c);
	rc = org_from_path(req, &org, err);
	if (rc == 0)
		rc = require_write(req, err);
	if (rc == 0)
		rc = http_request_json(req, true, &body, err);
	if (rc == 0)
		rc = exchange_contact_apply(&c, body, err);
	if (rc != 0)
		goto out;
	c.org_id = org.id;
	rc = contact_validate(&c, err);
	if (rc == 0)
		rc = store_contact_add(req->st, &c, err);
	if (rc != 0)
		goto out;
	http_response_json(resp, 201, exchange_contact_json(&c));
	http_response_location(resp, "/api/v1/orgs/%lld/contacts/%lld", (long long)org.id,
			       (long long)c.id);
out:
	json_decref(body);
	contact_clear(&c);
	org_clear(&org);
	return rc;
}

/* The contact {cid} of the organization {id}, which the caller may read.
 * Caller clears *out. */
static int contact_from_path(struct http_request *req, struct contact *out,
			     struct sk_error *err)
{
	struct contact c;
	struct org org = {0};
	int64_t cid;
	int rc;

	contact_init(&c);
	rc = org_from_path(req, &org, err);
	if (rc == 0)
		rc = http_request_id(req, "cid", "contact", &cid, err);
	if (rc != 0)
		goto out;
	rc = store_contact_get(req->st, cid, &c, err);
	if (rc == 0 && c.org_id != org.id)
		rc = SK_ENOTFOUND;
	if (rc == SK_ENOTFOUND)
		rc = sk_error_set(err, SK_ENOTFOUND,
				  "contact %lld not found in organization %lld", (long long)cid,
				  (long long)org.id);
out:
	if (rc == 0)
		*out = c;
	else
		contact_clear(&c);
	org_clear(&org);
	return rc;
}

static int api_contact_get(struct http_request *req, struct http_response *resp,
			   struct sk_error *err)
{
	struct contact c;
	int rc = contact_from_path(req, &c, err);

	if (rc != 0)
		return rc;
	http_response_json(resp, 200, exchange_contact_json(&c));
	contact_clear(&c);
	return 0;
}

static int api_contact_delete(struct http_request *req, struct http_response *resp,
			      struct sk_error *err)
{
	struct contact c;
	int rc = contact_from_path(req, &c, err);

	if (rc != 0)
		return rc;
	rc = require_write(req, err);
	if (rc == 0)
		rc = store_contact_remove(req->st, c.id, err);
	if (rc == 0)
		http_response_json(resp, 204, NULL);
	contact_clear(&c);
	return rc;
}

/* Memberships. */

static int api_member_list(struct http_request *req, struct http_response *resp,
			   struct sk_error *err)
{
	struct org_list l = {0};
	struct org org = {0};
	int rc;

	rc = org_from_path(req, &org, err);
	if (rc == 0)
		rc = store_member_each(req->st, org.id, org_list_push, &l, err);
	if (rc == 0)
		rc = org_list_answer(req, resp, &l, err);
	org_list_free(&l);
	org_clear(&org);
	return rc;
}

static int api_liaison_list(struct http_request *req, struct http_response *resp,
			    struct sk_error *err)
{
	struct org_list l = {0};
	struct org org = {0};
	int rc;

	rc = org_from_path(req, &org, err);
	if (rc == 0)
		rc = store_liaison_each(req->st, org.id, org_list_push, &l, err);
	if (rc == 0)
		rc = org_list_answer(req, resp, &l, err);
	org_list_free(&l);
	org_clear(&org);
	return rc;
}

/* The liaison {id} (readable, writable by the caller) and the member
 * {member_id}. */
static int member_from_path(struct http_request *req, struct org *liaison, struct org *member,
			    struct sk_error *err)
{
	int64_t mid;
	int rc = org_from_path(req, liaison, err);

	if (rc == 0)
		rc = require_write(req, err);
	if (rc == 0)
		rc = http_request_id(req, "member_id", "organization", &mid, err);
	if (rc == 0)
		rc = org_load(req, mid, member, err);
	return rc;
}

/* PUT: make {member_id} a member of {id}; 201 when it was not, 200 when
 * it already was. */
static int api_member_put(struct http_request *req, struct http_response *resp,
			  struct sk_error *err)
{
	struct org liaison = {0}, member = {0};
	int rc, was;

	rc = member_from_path(req, &liaison, &member, err);
	if (rc != 0)
		goto out;
	was = store_is_member(req->st, liaison.id, member.id, err);
	if (was < 0) {
		rc = was;
		goto out;
	}
	if (!was)
		rc = store_member_add(req->st, liaison.id, member.id, err);
	if (rc == 0)
		http_response_json(resp, was ? 200 : 201, exchange_org_json(&member));
out:
	org_clear(&liaison);
	org_clear(&member);
	return rc;
}

static int api_member_delete(struct http_request *req, struct http_response *resp,
			     struct sk_error *err)
{
	struct org liaison = {0}, member = {0};
	int rc;

	rc = member_from_path(req, &liaison, &member, err);
	if (rc == 0)
		rc = store_member_remove(req->st, liaison.id, member.id, err);
	if (rc == 0)
		http_response_json(resp, 204, NULL);
	org_clear(&liaison);
	org_clear(&member);
	return rc;
}

/* Whois: matches are copied out first, then filtered by access. */

struct whois_match {
	struct org org;
	struct resource via;
};

struct whois_list {
	struct whois_match *items;
	size_t n, alloc;
};

static int whois_add(const struct org *org, const struct resource *via, void *ctx)
{
	struct whois_list *l = ctx;

	if (l->n == l->alloc) {
		l->alloc = l->alloc ? l->alloc * 2 : 8;
		l->items = xreallocarray(l->items, l->alloc, sizeof(*l->items));
	}
	org_copy(&l->items[l->n].org, org);
	l->items[l->n].via = *via;
	l->n++;
	return 0;
}

static int api_whois(struct http_request *req, struct http_response *resp, struct sk_error *err)
{
	const char *q = http_request_query(req, "q");
	struct whois_list l = {0};
	json_t *matches = NULL, *body;
	int rc;

	if (q == NULL || *q == '\0')
		return sk_error_set(err, SK_EINVAL,
				    "query argument q is required (an address, prefix, "
				    "AS number or domain name)");
	if (strlen(q) > WHOIS_QUERY_MAX)
		return sk_error_set(err, SK_EINVAL, "query argument q is longer than %d bytes",
				    WHOIS_QUERY_MAX);
	rc = registry_whois(req->st, q, whois_add, &l, err);
	if (rc != 0)
		goto out;
	matches = json_array();
	for (size_t i = 0; i < l.n; i++) {
		rc = access_may_read_org(req->st, req->user, l.items[i].org.id, err);
		if (rc < 0)
			goto out;
		if (rc == 1)
			json_array_append_new(
			    matches,
			    json_pack("{s:o,s:o}", "org", exchange_org_json(&l.items[i].org),
				      "via", exchange_resource_json(&l.items[i].via)));
	}
	body = json_pack("{s:s,s:o}", "query", q, "matches", matches);
	matches = NULL;
	if (body == NULL) {
		rc = sk_error_set(err, SK_EINVAL, "query argument q is not valid UTF-8");
		goto out;
	}
	http_response_json(resp, 200, body);
	rc = 0;
out:
	json_decref(matches);
	for (size_t i = 0; i < l.n; i++)
		org_clear(&l.items[i].org);
	free(l.items);
	return rc;
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
    {"POST", "/api/v1/orgs/{id}/resources", api_resource_create, ACCESS_STAFF},
    {"GET", "/api/v1/orgs/{id}/resources/{rid}", api_resource_get, ACCESS_USER},
    {"DELETE", "/api/v1/orgs/{id}/resources/{rid}", api_resource_delete, ACCESS_STAFF},
    {"GET", "/api/v1/orgs/{id}/contacts", api_contact_list, ACCESS_USER},
    {"POST", "/api/v1/orgs/{id}/contacts", api_contact_create, ACCESS_STAFF},
    {"GET", "/api/v1/orgs/{id}/contacts/{cid}", api_contact_get, ACCESS_USER},
    {"DELETE", "/api/v1/orgs/{id}/contacts/{cid}", api_contact_delete, ACCESS_STAFF},
    {"GET", "/api/v1/orgs/{id}/members", api_member_list, ACCESS_USER},
    {"PUT", "/api/v1/orgs/{id}/members/{member_id}", api_member_put, ACCESS_STAFF},
    {"DELETE", "/api/v1/orgs/{id}/members/{member_id}", api_member_delete, ACCESS_STAFF},
    {"GET", "/api/v1/orgs/{id}/liaisons", api_liaison_list, ACCESS_USER},
    {"GET", "/api/v1/whois", api_whois, ACCESS_USER},
    {NULL, NULL, NULL, ACCESS_PUBLIC},
};
