/* http/api_portal.c: the partner portal's reports under /api/v1/reports.
 * Thin: the body is read into a report_input and ticket/report.h does
 * the rest (the access check, the mail, the intake).
 * SECURITY: bodies come from partners: only the known members, each of
 * its type; report.h checks sizes and text. A partner lists only its own
 * organization's reports, and only their id, number, subject, status and
 * times: never their messages or comments. */
#include "http/api_portal.h"

#include <string.h>

#include "access/access.h"
#include "http/request.h"
#include "http/response.h"
#include "lib/error.h"
#include "lib/log.h"
#include "lib/str.h"
#include "ticket/intake.h"
#include "ticket/report.h"

static const struct intake_config *settings;

void api_portal_configure(const struct intake_config *c)
{
	settings = c;
}

/* The members of body into *in (borrowed from body). */
static int report_body(const json_t *body, struct report_input *in, struct sk_error *err)
{
	static const char *const keys[] = {"subject", "text", "contact_id", "tlp", NULL};
	const char *key;
	json_t *v;

	memset(in, 0, sizeof(*in));
	json_object_foreach((json_t *)body, key, v)
	{
		if (str_index(keys, key) < 0)
			return sk_error_set(
			    err, SK_EINVAL,
			    "unknown key \"%s\" (keys: subject, text, contact_id, "
			    "tlp)",
			    key);
		if (strcmp(key, "contact_id") == 0) {
			if (!json_is_integer(v) || json_integer_value(v) <= 0)
				return sk_error_set(err, SK_EINVAL,
						    "contact_id: must be a positive integer");
			in->contact_id = (int64_t)json_integer_value(v);
		} else if (strcmp(key, "tlp") == 0 && json_is_null(v)) {
			in->tlp = NULL;
		} else if (!json_is_string(v)) {
			return sk_error_set(err, SK_EINVAL, "%s: must be a string", key);
		} else if (strlen(json_string_value(v)) != json_string_length(v)) {
			return sk_error_set(err, SK_EINVAL, "%s: must not hold a NUL character",
					    key);
		} else if (strcmp(key, "subject") == 0) {
			in->subject = json_string_value(v);
		} else if (strcmp(key, "text") == 0) {
			in->text = json_string_value(v);
		} else {
			in->tlp = json_string_value(v);
		}
	}
	if (in->subject == NULL)
		return sk_error_set(err, SK_EINVAL, "subject: required");
	if (in->text == NULL)
		return sk_error_set(err, SK_EINVAL, "text: required");
	if (in->contact_id == 0)
		return sk_error_set(err, SK_EINVAL, "contact_id: required");
	return 0;
}

/* POST: 201 with the new ticket and the acknowledgement queued; 200 for
 * a report that joined one of the organization's tickets or was sent
 * already (duplicate). */
static int api_report_submit(struct http_request *req, struct http_response *resp,
			     struct sk_error *err)
{
	struct report_result r;
	struct report_input in;
	json_t *body = NULL;
	int rc = access_may_report(req->user, err);

	if (rc != 0)
		return rc;
	if (settings == NULL)
		return sk_error_set(err, SK_EIO, "reports are not configured on this server");
	if ((rc = http_request_json(req, true, &body, err)) == 0)
		rc = report_body(body, &in, err);
	if (rc == 0)
		rc = ticket_report_submit(req->st, req->user, settings, &in, &r, err);
	if (rc == 0 && r.created)
		log_event(LOG_LEVEL_INFO, "ticket.created",
			  (const struct log_field[]){LOG_INT("ticket", r.ticket.id),
						     LOG_INT("org_id", r.ticket.org_id),
						     LOG_STR("user", req->user->name),
						     LOG_STR("client", req->client),
						     LOG_STR("source", "portal"), LOG_END},
			  "report: ticket %lld opened by %s of organization %lld",
			  (long long)r.ticket.id, req->user->name, (long long)r.ticket.org_id);
	if (rc == 0) {
		http_response_json(resp, r.created ? 201 : 200, ticket_report_result_json(&r));
		report_result_clear(&r);
	}
	json_decref(body);
	return rc;
}

struct report_page {
	struct http_page pg;
	json_t *items;
};

static int report_add(const struct ticket *t, void *ctx)
{
	struct report_page *p = ctx;

	if (http_page_take(&p->pg))
		json_array_append_new(p->items, ticket_report_json(t));
	return 0;
}

/* GET: the organization's reports, newest first, paged; staff may name
 * one with ?org=. */
static int api_report_list(struct http_request *req, struct http_response *resp,
			   struct sk_error *err)
{
	struct report_page p = {{0}, NULL};
	int64_t org_id;
	int rc = http_request_query_int(req, "org", 1, INT64_MAX, 0, &org_id, err);

	if (rc == 0)
		rc = http_request_page(req, &p.pg, err);
	if (rc != 0)
		return rc;
	p.items = json_array();
	rc = ticket_report_each(req->st, req->user, org_id, report_add, &p, err);
	if (rc == 0)
		http_response_list(resp, p.items, p.pg.seen);
	else
		json_decref(p.items);
	return rc;
}

const struct router_route api_portal_routes[] = {
    {"GET", "/api/v1/reports", api_report_list, ACCESS_USER},
    {"POST", "/api/v1/reports", api_report_submit, ACCESS_USER},
    {NULL, NULL, NULL, ACCESS_PUBLIC},
};
