/* http/api_alerts.c: /ack/{token}, /api/v1/alerts and the calling list
 * of an advisory. Thin: advisory/alert.h does the work.
 * SECURITY: /ack/{token} needs no sign-in: the token (random, stored
 * hashed, valid 7 days) is the capability, checked again on POST; an
 * unknown or expired one is 404. The page is plain HTML under the
 * server's CSP, with the advisory's title and summary escaped, and
 * its button a form posting back to the same address, without fields
 * (so no body). Nothing else of the advisory is shown. */
#include "http/api_alerts.h"

#include <stdio.h>
#include <string.h>

#include "access/access.h"
#include "advisory/alert.h"
#include "advisory/delivery.h"
#include "advisory/workflow.h"
#include "http/request.h"
#include "http/response.h"
#include "lib/buf.h"
#include "lib/error.h"
#include "lib/str.h"

#define PAGE_MAX (64 * 1024)

static const struct delivery_settings *delivery;

void api_alerts_configure(const struct delivery_settings *s)
{
	delivery = s;
}

const struct delivery_settings *api_alerts_delivery(void)
{
	return delivery;
}

/* text into b with &, <, >, " and ' escaped. */
static void html_put(struct buf *b, const char *text)
{
	for (const char *p = text != NULL ? text : ""; *p != '\0'; p++) {
		switch (*p) {
		case '&':
			buf_printf(b, "&amp;");
			break;
		case '<':
			buf_printf(b, "&lt;");
			break;
		case '>':
			buf_printf(b, "&gt;");
			break;
		case '"':
			buf_printf(b, "&quot;");
			break;
		case '\'':
			buf_printf(b, "&#39;");
			break;
		default:
			buf_printf(b, "%c", *p);
		}
	}
}

/* The page of an alert: what it is about and, unless acknowledged, the
 * button. */
static void ack_page(struct http_response *resp, const struct store_alert *al,
		     const struct advisory *a, const char *token, bool just_acked)
{
	struct buf b;
	char *text;
	size_t len;

	buf_init(&b, PAGE_MAX);
	buf_printf(&b, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
		       "<meta name=\"referrer\" content=\"no-referrer\">"
		       "<title>Alert ");
	html_put(&b, al->number);
	buf_printf(&b, "</title></head><body>\n<h1>");
	html_put(&b, al->number);
	buf_printf(&b, ": ");
	html_put(&b, a->title);
	buf_printf(&b, "</h1>\n<p><strong>%s</strong> &middot; %s</p>\n<p>", tlp_name(a->tlp),
		   advisory_label(a));
	html_put(&b, a->summary);
	buf_printf(&b, "</p>\n<p>For: ");
	html_put(&b, al->org_name);
	buf_printf(&b, "</p>\n");
	if (strcmp(al->state, "acknowledged") == 0)
		buf_printf(&b, "<p>%s at %s.</p>\n",
			   just_acked ? "Thank you: acknowledged" : "Acknowledged", al->ack_at);
	else
		buf_printf(&b,
			   "<form method=\"post\" action=\"/ack/%s\">"
			   "<button type=\"submit\">Acknowledge</button></form>\n",
			   token);
	buf_printf(&b, "</body></html>\n");
	len = b.len;
	text = buf_take(&b);
	http_response_text(resp, 200, "text/html; charset=utf-8", text, len);
}

static int ack_show(struct http_request *req, struct http_response *resp, bool post,
		    struct sk_error *err)
{
	const char *token = http_request_param(req, "token");
	struct store_alert al;
	struct advisory a;
	int rc;

	advisory_init(&a);
	if (token == NULL ||
	    strspn(token, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			  "0123456789-_") != strlen(token)) {
		rc = sk_error_set(err, SK_ENOTFOUND, "no such acknowledgement link");
		goto out;
	}
	if ((rc = alert_by_token(req->st, token, &al, &a, err)) != 0)
		goto out;
	if (post && ((rc = alert_ack_token(req->st, token, err)) != 0 ||
		     (rc = alert_by_token(req->st, token, &al, NULL, err)) != 0))
		goto out;
	ack_page(resp, &al, &a, token, post);
out:
	advisory_clear(&a);
	return rc;
}

static int api_ack_get(struct http_request *req, struct http_response *resp,
		       struct sk_error *err)
{
	return ack_show(req, resp, false, err);
}

static int api_ack_post(struct http_request *req, struct http_response *resp,
			struct sk_error *err)
{
	return ack_show(req, resp, true, err);
}

static int alert_id(struct http_request *req, int64_t *id, struct sk_error *err)
{
	return http_request_id(req, "id", "alert", id, err);
}

/* POST /api/v1/alerts/{id}/ack: a partner of the alert's organization
 * (portal), or staff (how: "phone" or "portal" in an optional body). */
static int api_alert_ack(struct http_request *req, struct http_response *resp,
			 struct sk_error *err)
{
	const char *how = "portal";
	struct store_alert al;
	json_t *body = NULL;
	int64_t id;
	int rc;

	if ((rc = alert_id(req, &id, err)) != 0)
		return rc;
	if (req->body_len > 0) {
		if ((rc = http_request_json(req, true, &body, err)) != 0)
			return rc;
		if (json_string_value(json_object_get(body, "how")) != NULL)
			how = json_string_value(json_object_get(body, "how"));
	}
	if ((rc = alert_ack(req->st, req->user, id, how, err)) == 0 &&
	    (rc = store_alert_get(req->st, id, &al, err)) == 0)
		http_response_json(resp, 200, alert_json(&al));
	json_decref(body);
	return rc;
}

static int list_push(const struct store_alert *a, void *ctx)
{
	json_array_append_new(ctx, alert_json(a));
	return 0;
}

/* GET /api/v1/alerts?advisory=ID|NUMBER */
static int api_alert_list(struct http_request *req, struct http_response *resp,
			  struct sk_error *err)
{
	static const char *const known[] = {"advisory", NULL};
	const char *ref = http_request_query(req, "advisory");
	json_t *items = json_array();
	int64_t adv = 0;
	int rc;

	if ((rc = http_request_known_args(req, known, err)) != 0 ||
	    (ref != NULL && (rc = advisory_ref(req->st, ref, &adv, err)) != 0) ||
	    (rc = alert_list(req->st, req->user, adv, list_push, items, err)) != 0) {
		json_decref(items);
		return rc;
	}
	http_response_list(resp, items, json_array_size(items));
	return 0;
}

struct callees {
	struct store *st;
	json_t *items;
	struct sk_error *err;
};

static int callee_push(const struct alert_callee *e, void *ctx)
{
	struct callees *c = ctx;
	json_t *calls;
	int rc = alert_calls_json(c->st, e->alert.id, &calls, c->err);

	if (rc == 0)
		json_array_append_new(c->items,
				      json_pack("{s:o,s:s,s:s,s:o}", "alert",
						alert_json(&e->alert), "class", e->class_name,
						"phones", e->phones, "calls", calls));
	return rc;
}

/* GET /api/v1/advisories/{id}/calllist */
static int api_calllist(struct http_request *req, struct http_response *resp,
			struct sk_error *err)
{
	struct callees c = {.st = req->st, .items = json_array(), .err = err};
	int64_t id;
	int rc;

	if ((rc = http_request_id(req, "id", "advisory", &id, err)) != 0 ||
	    (rc = alert_calllist(req->st, req->user, id, callee_push, &c, err)) != 0) {
		json_decref(c.items);
		return rc;
	}
	http_response_list(resp, c.items, json_array_size(c.items));
	return 0;
}

/* POST /api/v1/alerts/{id}/calls {"reached": bool, "who", "notes"} */
static int api_alert_call(struct http_request *req, struct http_response *resp,
			  struct sk_error *err)
{
	json_t *body = NULL, *reached;
	int64_t id;
	int rc;

	if ((rc = alert_id(req, &id, err)) != 0 ||
	    (rc = http_request_json(req, true, &body, err)) != 0)
		return rc;
	reached = json_object_get(body, "reached");
	if (!json_is_boolean(reached))
		rc = sk_error_set(err, SK_EINVAL, "reached: true or false");
	else
		rc = alert_call(req->st, req->user, id, json_is_true(reached),
				json_string_value(json_object_get(body, "who")),
				json_string_value(json_object_get(body, "notes")), err);
	if (rc == 0)
		rc = alert_calls_json(req->st, id, &reached, err);
	if (rc == 0)
		http_response_json(
		    resp, 201,
		    json_pack("{s:I,s:o}", "alert", (json_int_t)id, "calls", reached));
	json_decref(body);
	return rc;
}

const struct router_route api_alerts_routes[] = {
    {"GET", "/ack/{token}", api_ack_get, ACCESS_PUBLIC},
    {"POST", "/ack/{token}", api_ack_post, ACCESS_PUBLIC},
    {"GET", "/api/v1/alerts", api_alert_list, ACCESS_USER},
    {"POST", "/api/v1/alerts/{id}/ack", api_alert_ack, ACCESS_USER},
    {"POST", "/api/v1/alerts/{id}/calls", api_alert_call, ACCESS_STAFF},
    {"GET", "/api/v1/advisories/{id}/calllist", api_calllist, ACCESS_STAFF},
    {NULL, NULL, NULL, ACCESS_PUBLIC},
};
