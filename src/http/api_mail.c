/* http/api_mail.c: /api/v1/mail, the outbound queue through
 * mail/dispatch.h (which asks access/ who may), and the analyst's
 * decision on a message held for want of a recipient's OpenPGP key.
 * SECURITY: messages carry personal data: staff only. */
#include "http/api_mail.h"

#include "http/request.h"
#include "http/response.h"
#include "lib/error.h"
#include "mail/dispatch.h"
#include "store/store.h"

#define MAIL_LIST_MAX 10000

struct list_ctx {
	json_t *items;
	size_t n;
};

static int add_mail(const struct store_mail *m, void *ctx)
{
	struct list_ctx *l = ctx;

	json_array_append_new(l->items, mail_json(m));
	l->n++;
	return 0;
}

/* GET /api/v1/mail[?status=queued|held|sent|failed][&limit=N] */
static int api_mail_list(struct http_request *req, struct http_response *resp,
			 struct sk_error *err)
{
	const char *st_arg = http_request_query(req, "status");
	struct list_ctx l = {json_array(), 0};
	int status = -1, rc;
	int64_t limit;

	if (st_arg != NULL && (status = store_mail_status_parse(st_arg)) < 0)
		rc = sk_error_set(err, SK_EINVAL,
				  "query argument status: queued, held, sent or failed");
	else
		rc = http_request_query_int(req, "limit", 1, MAIL_LIST_MAX, 100, &limit, err);
	if (rc == 0)
		rc = mail_list(req->st, req->user, status, (size_t)limit, add_mail, &l, err);
	if (rc != 0) {
		json_decref(l.items);
		return rc;
	}
	http_response_list(resp, l.items, l.n);
	return 0;
}

/* POST /api/v1/mail/{id}/release or /drop: fn decides; the message as
 * it is then. */
static int decide(struct http_request *req, struct http_response *resp,
		  int (*fn)(struct store *, const struct user *, int64_t, struct sk_error *),
		  struct sk_error *err)
{
	struct store_mail m = {0};
	int64_t id;
	int rc = http_request_id(req, "id", "mail", &id, err);

	if (rc == 0)
		rc = fn(req->st, req->user, id, err);
	if (rc == 0)
		rc = store_mail_get(req->st, id, &m, err);
	if (rc == 0) {
		http_response_json(resp, 200, mail_json(&m));
		store_mail_clear(&m);
	}
	return rc;
}

static int api_mail_release(struct http_request *req, struct http_response *resp,
			    struct sk_error *err)
{
	return decide(req, resp, mail_release, err);
}

static int api_mail_drop(struct http_request *req, struct http_response *resp,
			 struct sk_error *err)
{
	return decide(req, resp, mail_drop, err);
}

const struct router_route api_mail_routes[] = {
    {"GET", "/api/v1/mail", api_mail_list, ACCESS_STAFF},
    {"POST", "/api/v1/mail/{id}/release", api_mail_release, ACCESS_STAFF},
    {"POST", "/api/v1/mail/{id}/drop", api_mail_drop, ACCESS_STAFF},
    {NULL, NULL, NULL, ACCESS_PUBLIC},
};
