/* http/api_tickets.c: /api/v1/tickets. Thin: ticket/workflow.h does the
 * work, ticket/view.h gives the shapes.
 * SECURITY: tickets hold reporters' mail and personal data: staff only.
 * Bodies are JSON objects; unknown members are refused so that a typo
 * never passes for a change. */
#include "http/api_tickets.h"

#include <stdio.h>
#include <string.h>

#include "access/access.h"
#include "http/request.h"
#include "http/response.h"
#include "lib/error.h"
#include "lib/str.h"
#include "lib/utf8.h"
#include "model/org.h"
#include "model/user.h"
#include "mail/protect.h"
#include "ticket/decrypt.h"
#include "ticket/forward.h"
#include "ticket/intake.h"
#include "ticket/view.h"
#include "ticket/workflow.h"

static const struct intake_config *settings;
static const struct mail_pgp_settings *pgp_settings;

void api_tickets_configure(const struct intake_config *c)
{
	settings = c;
}

void api_tickets_configure_pgp(const struct mail_pgp_settings *s)
{
	pgp_settings = s;
}

/* Only the members in allowed; each a string unless it is in ints. */
static int body_check(json_t *body, const char *const *allowed, const char *const *ints,
		      struct sk_error *err)
{
	const char *key;
	json_t *v;

	json_object_foreach(body, key, v)
	{
		bool is_int = ints != NULL && str_index(ints, key) >= 0;

		if (str_index(allowed, key) < 0)
			return sk_error_set(err, SK_EINVAL, "unknown member '%.64s'", key);
		if (is_int ? !json_is_integer(v) : !json_is_string(v))
			return sk_error_set(err, SK_EINVAL, "member '%.64s' must be %s", key,
					    is_int ? "an integer" : "a string");
	}
	return 0;
}

static const char *member(json_t *body, const char *key)
{
	return json_string_value(json_object_get(body, key));
}

struct list {
	json_t *items;
	struct http_page pg;
	bool clocks; /* the queue: with the next clock due */
	int64_t now;
};

static int list_add(const struct ticket *t, void *ctx)
{
	struct list *l = ctx;

	if (http_page_take(&l->pg))
		json_array_append_new(l->items,
				      l->clocks ? ticket_view_queued(t, &settings->sla, l->now)
						: ticket_view_fields(t));
	return 0;
}

/* GET /api/v1/tickets?type=&status=&owner=&class=&open=true&order=queue
 * (owner "none": unowned) */
static int api_ticket_list(struct http_request *req, struct http_response *resp,
			   struct sk_error *err)
{
	static const char *const known[] = {"type",  "status", "owner",	 "class", "open",
					    "order", "limit",  "offset", NULL};
	struct store_ticket_filter f = {.type = -1};
	struct list l = {0};
	const char *v;
	int rc;

	if ((rc = access_may_handle_tickets(req->user, err)) != 0 ||
	    (rc = http_request_known_args(req, known, err)) != 0 ||
	    (rc = http_request_page(req, &l.pg, err)) != 0)
		return rc;
	if ((v = http_request_query(req, "owner")) != NULL)
		f.owner = strcmp(v, "none") == 0 ? "" : v;
	if ((v = http_request_query(req, "class")) != NULL && str_index(org_class_names, v) < 0)
		return sk_error_set(err, SK_EINVAL,
				    "class is oes, essential-public, administration, private "
				    "or public");
	f.class = v;
	if ((v = http_request_query(req, "type")) != NULL &&
	    (f.type = str_index(ticket_type_names, v)) < 0)
		return sk_error_set(err, SK_EINVAL,
				    "type is report, incident or vulnerability-coordination");
	f.status = http_request_query(req, "status");
	if ((v = http_request_query(req, "open")) != NULL && str_to_bool(v, &f.open_only) != 0)
		return sk_error_set(err, SK_EINVAL, "open is true or false");
	if ((v = http_request_query(req, "order")) != NULL) {
		if (strcmp(v, "queue") != 0 && strcmp(v, "newest") != 0)
			return sk_error_set(err, SK_EINVAL, "order is queue or newest");
		f.queue_order = strcmp(v, "queue") == 0;
	}
	l.clocks = f.queue_order && settings != NULL;
	l.now = (int64_t)str_time_now();
	l.items = json_array();
	if ((rc = ticket_list(req->st, req->user, &f, list_add, &l, err)) != 0) {
		json_decref(l.items);
		return rc;
	}
	http_response_list(resp, l.items, l.pg.seen);
	return 0;
}

/* The ticket of path parameter id, whole, as the answer, with delivery (taken, may be NULL) as
 * its "delivery". */
static int answer_ticket_with(struct http_request *req, struct http_response *resp, int status,
			      int64_t id, json_t *delivery, struct sk_error *err)
{
	json_t *j = ticket_view_full(req->st, req->user, id, err);

	if (j == NULL) {
		json_decref(delivery);
		return err->code ? err->code : SK_EIO;
	}
	if (delivery != NULL)
		json_object_set_new(j, "delivery", delivery);
	http_response_json(resp, status, j);
	if (status == 201)
		http_response_location(resp, "/api/v1/tickets/%lld", (long long)id);
	return 0;
}

static int answer_ticket(struct http_request *req, struct http_response *resp, int status,
			 int64_t id, struct sk_error *err)
{
	return answer_ticket_with(req, resp, status, id, NULL, err);
}

static int ticket_id(struct http_request *req, int64_t *id, struct sk_error *err)
{
	return http_request_id(req, "id", "ticket", id, err);
}

static int api_ticket_get(struct http_request *req, struct http_response *resp,
			  struct sk_error *err)
{
	int64_t id;
	int rc;

	if ((rc = access_may_handle_tickets(req->user, err)) != 0 ||
	    (rc = ticket_id(req, &id, err)) != 0)
		return rc;
	return answer_ticket(req, resp, 200, id, err);
}

/* POST /api/v1/tickets {"type", "subject", "requester"} */
static int api_ticket_create(struct http_request *req, struct http_response *resp,
			     struct sk_error *err)
{
	static const char *const allowed[] = {"type", "subject", "requester", NULL};
	json_t *body = NULL;
	struct ticket t;
	int type = TICKET_INCIDENT, rc;

	if ((rc = access_may_handle_tickets(req->user, err)) != 0 ||
	    (rc = http_request_json(req, true, &body, err)) != 0 ||
	    (rc = body_check(body, allowed, NULL, err)) != 0)
		goto out;
	if (member(body, "type") != NULL &&
	    (type = str_index(ticket_type_names, member(body, "type"))) < 0) {
		rc = sk_error_set(err, SK_EINVAL,
				  "type is report, incident or vulnerability-coordination");
		goto out;
	}
	rc = ticket_open(req->st, req->user, (enum ticket_type)type, member(body, "subject"),
			 member(body, "requester"), &t, err);
	if (rc == 0)
		rc = answer_ticket(req, resp, 201, t.id, err);
out:
	json_decref(body);
	return rc;
}

/* PATCH /api/v1/tickets/{id} */
static int api_ticket_update(struct http_request *req, struct http_response *resp,
			     struct sk_error *err)
{
	static const char *const allowed[] = {"status", "owner", "severity", "service",
					      "tags",	"tlp",	 NULL};
	struct ticket_change ch = {.tlp = -1};
	json_t *body = NULL;
	enum tlp_label tlp;
	int64_t id;
	int rc;

	if ((rc = access_may_handle_tickets(req->user, err)) != 0 ||
	    (rc = ticket_id(req, &id, err)) != 0 ||
	    (rc = http_request_json(req, true, &body, err)) != 0 ||
	    (rc = body_check(body, allowed, NULL, err)) != 0)
		goto out;
	ch.status = member(body, "status");
	ch.owner = member(body, "owner");
	ch.severity = member(body, "severity");
	ch.service = member(body, "service");
	ch.tags = member(body, "tags");
	if (member(body, "tlp") != NULL) {
		if ((rc = tlp_parse(member(body, "tlp"), &tlp, err)) != 0)
			goto out;
		ch.tlp = (int)tlp;
	}
	if ((rc = ticket_set(req->st, req->user, settings ? &settings->sla : NULL, id, &ch,
			     NULL, err)) == 0)
		rc = answer_ticket(req, resp, 200, id, err);
out:
	json_decref(body);
	return rc;
}

/* What the dispatcher will do with queued reply mail_id, as
 * mail_protect() decides: {"mail", "outcome", "to", "reason"}, outcome
 * "encrypted" (to the recipient's key), "signed" (no key, none required
 * under its TLP), "held" (no key, encryption required: reason says
 * why) or "queued" (no keyring, or it cannot be opened now: as
 * composed). The reply is queued already, so nothing here fails it. */
static json_t *reply_delivery(struct store *st, int64_t mail_id)
{
	char fpr[PGP_FPR_MAX + 1], reason[SK_ERROR_MAX] = "";
	struct sk_error local = {0};
	struct store_mail m = {0};
	struct mail_pgp *mp = NULL;
	const char *outcome;
	enum tlp_label tlp;
	json_t *j;

	if (store_mail_get(st, mail_id, &m, &local) != 0)
		return json_pack("{s:I, s:s}", "mail", (json_int_t)mail_id, "outcome",
				 "queued");
	if (pgp_settings == NULL || mail_pgp_open(pgp_settings, &mp, &local) != 0 ||
	    mp == NULL) {
		outcome = "queued";
	} else if (mail_pgp_rcpt_key(mp, st, m.rcpt, fpr)) {
		outcome = "encrypted";
	} else if (*m.tlp != '\0' && tlp_parse(m.tlp, &tlp, NULL) == 0 &&
		   tlp >= pgp_settings->require) {
		outcome = "held";
		snprintf(reason, sizeof(reason),
			 "no OpenPGP key for %s (%s, encryption required from %s)", m.rcpt,
			 tlp_name(tlp), tlp_name(pgp_settings->require));
	} else {
		outcome = "signed";
	}
	j = json_pack("{s:I, s:s, s:s, s:s?}", "mail", (json_int_t)mail_id, "outcome", outcome,
		      "to", m.rcpt, "reason", *reason ? reason : NULL);
	mail_pgp_close(mp);
	store_mail_clear(&m);
	return j;
}

/* POST /api/v1/tickets/{id}/comments {"text"} and .../replies {"text",
 * "to"}: the author is the token's user; a reply's answer tells its
 * delivery (reply_delivery). */
static int message_post(struct http_request *req, struct http_response *resp, bool reply,
			struct sk_error *err)
{
	static const char *const allowed[] = {"text", "to", NULL};
	json_t *body = NULL, *delivery = NULL;
	int64_t id, mail_id = 0;
	int rc;

	if ((rc = access_may_handle_tickets(req->user, err)) != 0 ||
	    (rc = ticket_id(req, &id, err)) != 0 ||
	    (rc = http_request_json(req, true, &body, err)) != 0 ||
	    (rc = body_check(body, allowed, NULL, err)) != 0)
		goto out;
	if (!reply && member(body, "to") != NULL) {
		rc = sk_error_set(err, SK_EINVAL, "a comment is never mailed: no 'to'");
		goto out;
	}
	if (reply && settings == NULL) {
		rc = sk_error_set(err, SK_ECONFIG, "replies are not configured");
		goto out;
	}
	rc = reply ? ticket_reply(req->st, req->user, settings, id, member(body, "to"),
				  member(body, "text"), &mail_id, err)
		   : ticket_comment(req->st, req->user, id, member(body, "text"), err);
	if (rc == 0 && reply)
		delivery = reply_delivery(req->st, mail_id);
	if (rc == 0)
		rc = answer_ticket_with(req, resp, 201, id, delivery, err);
out:
	json_decref(body);
	return rc;
}

static int api_ticket_comment(struct http_request *req, struct http_response *resp,
			      struct sk_error *err)
{
	return message_post(req, resp, false, err);
}

static int api_ticket_reply(struct http_request *req, struct http_response *resp,
			    struct sk_error *err)
{
	return message_post(req, resp, true, err);
}

/* POST /api/v1/tickets/{id}/links {"incident": N} */
static int api_ticket_link(struct http_request *req, struct http_response *resp,
			   struct sk_error *err)
{
	static const char *const allowed[] = {"incident", NULL};
	json_t *body = NULL;
	int64_t id;
	int rc;

	if ((rc = access_may_handle_tickets(req->user, err)) != 0 ||
	    (rc = ticket_id(req, &id, err)) != 0 ||
	    (rc = http_request_json(req, true, &body, err)) != 0 ||
	    (rc = body_check(body, allowed, allowed, err)) != 0)
		goto out;
	if (!json_is_integer(json_object_get(body, "incident"))) {
		rc = sk_error_set(err, SK_EINVAL,
				  "member 'incident' (a ticket number) is missing");
		goto out;
	}
	rc = ticket_link(req->st, req->user, id,
			 (int64_t)json_integer_value(json_object_get(body, "incident")), err);
	if (rc == 0)
		rc = answer_ticket(req, resp, 201, id, err);
out:
	json_decref(body);
	return rc;
}

/* POST /api/v1/tickets/{id}/parties {"org_id": N, "address": "..."} */
static int api_ticket_party(struct http_request *req, struct http_response *resp,
			    struct sk_error *err)
{
	static const char *const allowed[] = {"org_id", "address", NULL};
	static const char *const ints[] = {"org_id", NULL};
	json_t *body = NULL;
	int64_t id;
	int rc;

	if ((rc = access_may_handle_tickets(req->user, err)) != 0 ||
	    (rc = ticket_id(req, &id, err)) != 0 ||
	    (rc = http_request_json(req, true, &body, err)) != 0 ||
	    (rc = body_check(body, allowed, ints, err)) != 0)
		goto out;
	rc = ticket_party_add(req->st, req->user, id,
			      (int64_t)json_integer_value(json_object_get(body, "org_id")),
			      member(body, "address"), NULL, err);
	if (rc == 0)
		rc = answer_ticket(req, resp, 201, id, err);
out:
	json_decref(body);
	return rc;
}

/* The part of ticket id that body's "reason", "message" and "part" name
 * into rq. */
static int part_request(json_t *body, int64_t id, struct decrypt_request *rq,
			struct sk_error *err)
{
	rq->ticket_id = id;
	rq->reason = member(body, "reason");
	rq->message_id = (int64_t)json_integer_value(json_object_get(body, "message"));
	if (json_integer_value(json_object_get(body, "part")) < 0 ||
	    json_integer_value(json_object_get(body, "part")) > 1000000 || rq->message_id < 0)
		return sk_error_set(err, SK_EINVAL, "'message' and 'part' are numbers from 1");
	rq->part = (int)json_integer_value(json_object_get(body, "part"));
	rq->passphrase_file = pgp_settings ? pgp_settings->passphrase_file : NULL;
	rq->limits = settings != NULL ? &settings->limits : NULL;
	if (rq->limits == NULL)
		return sk_error_set(err, SK_ECONFIG, "tickets are not configured");
	return 0;
}

/* POST /api/v1/tickets/{id}/decrypt {"reason", "message", "part",
 * "extract"}: the clear text in the answer, never stored (decrypt.h). */
static int api_ticket_decrypt(struct http_request *req, struct http_response *resp,
			      struct sk_error *err)
{
	static const char *const allowed[] = {"reason", "message", "part", NULL};
	static const char *const ints[] = {"message", "part", NULL};
	struct decrypt_request rq = {0};
	struct decrypt_result r = {0};
	json_t *body = NULL, *rest = NULL, *extract, *j;
	int64_t id;
	int rc;

	if ((rc = access_may_handle_tickets(req->user, err)) != 0 ||
	    (rc = ticket_id(req, &id, err)) != 0 ||
	    (rc = http_request_json(req, true, &body, err)) != 0)
		goto out;
	rest = json_copy(body);
	extract = json_object_get(body, "extract");
	json_object_del(rest, "extract");
	if ((rc = body_check(rest, allowed, ints, err)) != 0)
		goto out;
	if (extract != NULL && !json_is_boolean(extract)) {
		rc = sk_error_set(err, SK_EINVAL, "member 'extract' must be true or false");
		goto out;
	}
	if ((rc = part_request(body, id, &rq, err)) != 0)
		goto out;
	rq.extract = json_is_true(extract);
	if ((rc = ticket_decrypt(req->st, req->user, pgp_settings ? pgp_settings->home : NULL,
				 &rq, &r, err)) != 0)
		goto out;
	j = json_object();
	json_object_set_new(j, "ticket", json_integer(id));
	json_object_set_new(j, "message", json_integer(r.message_id));
	json_object_set_new(j, "part", json_integer(r.part));
	json_object_set_new(j, "clear_text",
			    utf8_valid(r.clear, r.len) ? json_stringn(r.clear, r.len)
						       : json_null());
	json_object_set_new(j, "binary", json_boolean(!utf8_valid(r.clear, r.len)));
	json_object_set_new(j, "locked", json_boolean(!r.unlocked));
	json_object_set_new(j, "items",
			    rq.extract ? json_integer((json_int_t)r.items) : json_null());
	http_response_json(resp, 200, j);
out:
	decrypt_result_free(&r);
	json_decref(rest);
	json_decref(body);
	return rc;
}

/* POST /api/v1/tickets/{id}/forward {"to", "reason", "message", "part"}:
 * the part forwarded, encrypted to the key of "to" (forward.h); 201 with
 * the queued mail. */
static int api_ticket_forward(struct http_request *req, struct http_response *resp,
			      struct sk_error *err)
{
	static const char *const allowed[] = {"to", "reason", "message", "part", NULL};
	static const char *const ints[] = {"message", "part", NULL};
	struct decrypt_request rq = {0};
	struct forward_result r = {0};
	struct mail_pgp *mp = NULL;
	json_t *body = NULL, *j;
	int64_t id;
	int rc;

	if ((rc = access_may_handle_tickets(req->user, err)) != 0 ||
	    (rc = ticket_id(req, &id, err)) != 0 ||
	    (rc = http_request_json(req, true, &body, err)) != 0 ||
	    (rc = body_check(body, allowed, ints, err)) != 0 ||
	    (rc = part_request(body, id, &rq, err)) != 0)
		goto out;
	/* Without a keyring mp stays NULL: ticket_forward() refuses. */
	if ((pgp_settings != NULL && (rc = mail_pgp_open(pgp_settings, &mp, err)) != 0) ||
	    (rc = ticket_forward(req->st, req->user, settings, mp,
				 pgp_settings ? pgp_settings->home : NULL, &rq,
				 member(body, "to"), &r, err)) != 0)
		goto out;
	j = json_object();
	json_object_set_new(j, "ticket", json_integer(id));
	json_object_set_new(j, "message", json_integer(r.message_id));
	json_object_set_new(j, "part", json_integer(r.part));
	json_object_set_new(j, "mail", json_integer(r.mail_id));
	json_object_set_new(j, "encrypted_to", json_string(r.fpr));
	http_response_json(resp, 201, j);
out:
	mail_pgp_close(mp);
	json_decref(body);
	return rc;
}

const struct router_route api_tickets_routes[] = {
    {"GET", "/api/v1/tickets", api_ticket_list, ACCESS_STAFF},
    {"POST", "/api/v1/tickets", api_ticket_create, ACCESS_STAFF},
    {"GET", "/api/v1/tickets/{id}", api_ticket_get, ACCESS_STAFF},
    {"PATCH", "/api/v1/tickets/{id}", api_ticket_update, ACCESS_STAFF},
    {"POST", "/api/v1/tickets/{id}/comments", api_ticket_comment, ACCESS_STAFF},
    {"POST", "/api/v1/tickets/{id}/replies", api_ticket_reply, ACCESS_STAFF},
    {"POST", "/api/v1/tickets/{id}/links", api_ticket_link, ACCESS_STAFF},
    {"POST", "/api/v1/tickets/{id}/parties", api_ticket_party, ACCESS_STAFF},
    {"POST", "/api/v1/tickets/{id}/decrypt", api_ticket_decrypt, ACCESS_STAFF},
    {"POST", "/api/v1/tickets/{id}/forward", api_ticket_forward, ACCESS_STAFF},
    {NULL, NULL, NULL, ACCESS_PUBLIC},
};
