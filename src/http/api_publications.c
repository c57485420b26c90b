/* http/api_publications.c: /api/v1/publications. Thin:
 * advisory/publication.h does the work.
 * SECURITY: bodies are JSON objects read by publication_set_json(),
 * which refuses unknown members and names the field that is wrong; an
 * attachment comes as base64 within the body's cap and is checked
 * against [publications] before anything is stored; a partner asking
 * for a publication it may not read gets 404, never 403. Attachments go
 * out as downloads only. */
#include "http/api_publications.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "advisory/publication.h"
#include "advisory/publication_delivery.h"
#include "http/api_alerts.h"
#include "http/request.h"
#include "http/response.h"
#include "lib/buf.h"
#include "lib/error.h"
#include "lib/str.h"
#include "lib/xalloc.h"

static const struct publication_settings *settings;

void api_publications_configure(const struct publication_settings *s)
{
	settings = s;
}

static const struct publication_settings *cfg(void)
{
	static struct publication_settings dflt;
	static bool loaded;

	if (settings != NULL)
		return settings;
	if (!loaded) {
		publication_settings_load(NULL, &dflt, NULL);
		loaded = true;
	}
	return &dflt;
}

void api_publications_send_attachment(struct http_response *resp, const char *name,
				      const char *media_type, struct buf *data)
{
	static const char *const rendered[] = {"text/html",	  "application/xhtml+xml",
					       "image/svg+xml",	  "text/xml",
					       "application/xml", NULL};
	size_t len = data->len, used = 0;
	char *text = buf_take(data);
	int n;

	if (text == NULL)
		text = xstrdup("");
	http_response_text(resp, 200, "application/octet-stream", text, len);
	if (str_index(rendered, media_type) < 0)
		snprintf(resp->media_type, sizeof(resp->media_type), "%s", media_type);
	/* The name is a plain file name (publication_file_check): no quote,
	 * backslash or control character; other bytes are percent-encoded in
	 * filename* (RFC 6266), and stand as _ in the plain filename. */
	n = snprintf(resp->disposition, sizeof(resp->disposition), "attachment; filename=\"");
	used = (size_t)n;
	for (const char *s = name; *s != '\0' && used + 2 < sizeof(resp->disposition); s++)
		resp->disposition[used++] = (unsigned char)*s < 0x80 ? *s : '_';
	n = snprintf(resp->disposition + used, sizeof(resp->disposition) - used,
		     "\"; filename*=UTF-8''");
	used += n > 0 ? (size_t)n : 0;
	for (const char *s = name; *s != '\0' && used + 4 < sizeof(resp->disposition); s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_')
			resp->disposition[used++] = (char)c;
		else
			used += (size_t)snprintf(resp->disposition + used,
						 sizeof(resp->disposition) - used, "%%%02X", c);
	}
	resp->disposition[used < sizeof(resp->disposition) ? used
							   : sizeof(resp->disposition) - 1] =
	    '\0';
}

static int publication_id(struct http_request *req, int64_t *id, struct sk_error *err)
{
	return http_request_id(req, "id", "publication", id, err);
}

static int answer(struct http_request *req, struct http_response *resp, int status, int64_t id,
		  struct sk_error *err)
{
	struct publication p;
	int rc;

	publication_init(&p);
	if ((rc = publication_get(req->st, req->user, id, &p, err)) == 0) {
		http_response_json(resp, status, publication_to_json(&p));
		if (status == 201)
			http_response_location(resp, "/api/v1/publications/%lld",
					       (long long)id);
	}
	publication_clear(&p);
	return rc;
}

struct list {
	json_t *items;
	struct http_page pg;
};

static int list_add(const struct publication *p, void *ctx)
{
	struct list *l = ctx;

	if (http_page_take(&l->pg)) {
		json_t *doc = publication_to_json(p);

		json_object_del(doc, "body");
		json_array_append_new(l->items, doc);
	}
	return 0;
}

/* GET /api/v1/publications?status= */
static int api_publication_list(struct http_request *req, struct http_response *resp,
				struct sk_error *err)
{
	static const char *const known[] = {"status", "limit", "offset", NULL};
	struct list l = {0};
	int rc;

	if ((rc = http_request_known_args(req, known, err)) != 0 ||
	    (rc = http_request_page(req, &l.pg, err)) != 0)
		return rc;
	l.items = json_array();
	if ((rc = publication_list(req->st, req->user, http_request_query(req, "status"),
				   list_add, &l, err)) != 0) {
		json_decref(l.items);
		return rc;
	}
	http_response_list(resp, l.items, l.pg.seen);
	return 0;
}

/* The attachments of a body: [{"name", "media_type", "content" (base64)}]
 * into f (data in bytes[i]); n_out their number. */
static int files_take(const json_t *list, const struct publication_settings *s,
		      struct publication_file **f_out, unsigned char ***bytes_out,
		      size_t *n_out, struct sk_error *err)
{
	size_t n = json_array_size(list), i;
	struct publication_file *f;
	unsigned char **bytes;
	json_t *e;

	if (!json_is_array(list))
		return sk_error_set(err, SK_EINVAL, "attachments: must be a list");
	if (n > s->max_attachments)
		return sk_error_set(err, SK_ETOOBIG,
				    "attachments: more than max_attachments (%zu)",
				    s->max_attachments);
	f = xcalloc(n + 1, sizeof(*f));
	bytes = xcalloc(n + 1, sizeof(*bytes));
	*f_out = f;
	*bytes_out = bytes;
	*n_out = n;
	json_array_foreach(list, i, e)
	{
		const char *name = json_string_value(json_object_get(e, "name"));
		const char *type = json_string_value(json_object_get(e, "media_type"));
		const char *b64 = json_string_value(json_object_get(e, "content"));
		size_t len = b64 != NULL ? strlen(b64) : 0, bin = 0;

		if (name == NULL || b64 == NULL ||
		    json_object_size(e) != (type != NULL ? 3u : 2u))
			return sk_error_set(err, SK_EINVAL,
					    "attachments[%zu]: give name, content (base64) and "
					    "media_type only",
					    i);
		if (len / 4 * 3 > s->max_attachment + 3)
			return sk_error_set(
			    err, SK_ETOOBIG,
			    "attachments.%.60s: more than max_attachment (%zu bytes)", name,
			    s->max_attachment);
		bytes[i] = xmalloc(len / 4 * 3 + 4);
		if (sodium_base642bin(bytes[i], len / 4 * 3 + 4, b64, len, NULL, &bin, NULL,
				      sodium_base64_VARIANT_ORIGINAL) != 0)
			return sk_error_set(err, SK_EINVAL,
					    "attachments.%.60s.content: not base64", name);
		f[i] = (struct publication_file){
		    .name = name,
		    .media_type = type != NULL ? type : "application/octet-stream",
		    .data = bytes[i],
		    .size = bin};
	}
	return 0;
}

/* POST /api/v1/publications: the fields as in docs/publications.md,
 * with "attachments" to add them at once (all or none). */
static int api_publication_create(struct http_request *req, struct http_response *resp,
				  struct sk_error *err)
{
	struct publication in, out;
	struct publication_file *files = NULL;
	unsigned char **bytes = NULL;
	size_t n = 0;
	json_t *body = NULL, *att = NULL;
	int rc;

	publication_init(&in);
	publication_init(&out);
	if ((rc = access_may_handle_advisories(req->user, err)) != 0 ||
	    (rc = http_request_json(req, true, &body, err)) != 0)
		goto out;
	/* the files borrow their names from att: it is kept until the end */
	if ((att = json_incref(json_object_get(body, "attachments"))) != NULL) {
		json_object_del(body, "attachments");
		if ((rc = files_take(att, cfg(), &files, &bytes, &n, err)) != 0)
			goto out;
	}
	if ((rc = publication_set_json(&in, body, err)) == 0 &&
	    (rc = publication_new(req->st, req->user, cfg(), &in, files, n, &out, err)) == 0)
		rc = answer(req, resp, 201, out.base.id, err);
out:
	for (size_t i = 0; bytes != NULL && i < n; i++)
		free(bytes[i]);
	free(bytes);
	free(files);
	json_decref(att);
	json_decref(body);
	publication_clear(&in);
	publication_clear(&out);
	return rc;
}

static int api_publication_get(struct http_request *req, struct http_response *resp,
			       struct sk_error *err)
{
	int64_t id;
	int rc;

	if ((rc = publication_id(req, &id, err)) != 0)
		return rc;
	return answer(req, resp, 200, id, err);
}

enum step { STEP_SUBMIT, STEP_APPROVE, STEP_PUBLISH, STEP_WITHDRAW };

static int step(struct http_request *req, struct http_response *resp, enum step s,
		struct sk_error *err)
{
	struct advisory_recipients r = {0};
	size_t mails = 0;
	json_t *body = NULL;
	int64_t id;
	int rc;

	if ((rc = access_may_handle_advisories(req->user, err)) != 0 ||
	    (rc = publication_id(req, &id, err)) != 0)
		return rc;
	if (req->body_len > 0 && (rc = http_request_json(req, true, &body, err)) != 0)
		return rc;
	if (body != NULL && json_object_size(body) > (s == STEP_WITHDRAW ? 1u : 0u))
		rc = sk_error_set(err, SK_EINVAL,
				  s == STEP_WITHDRAW ? "the body takes reason only"
						     : "the body must be empty");
	else if (s == STEP_SUBMIT)
		rc = publication_submit(req->st, req->user, id, err);
	else if (s == STEP_APPROVE)
		rc = publication_approve(req->st, req->user, id, err);
	else if (s == STEP_PUBLISH)
		rc = api_alerts_delivery() != NULL
			 ? publication_publish_deliver(req->st, req->user, cfg(),
						       api_alerts_delivery(), id, &r, &mails,
						       err)
			 : publication_publish(req->st, req->user, cfg(), id, &r, err);
	else
		rc = publication_withdraw(req->st, req->user, id,
					  json_string_value(json_object_get(body, "reason")),
					  err);
	if (rc == 0)
		rc = answer(req, resp, 200, id, err);
	if (rc == 0 && s == STEP_PUBLISH) {
		json_object_set_new(resp->body, "recipients", json_integer((json_int_t)r.n));
		json_object_set_new(resp->body, "mails", json_integer((json_int_t)mails));
	}
	advisory_recipients_free(&r);
	json_decref(body);
	return rc;
}

static int api_publication_submit(struct http_request *req, struct http_response *resp,
				  struct sk_error *err)
{
	return step(req, resp, STEP_SUBMIT, err);
}

static int api_publication_approve(struct http_request *req, struct http_response *resp,
				   struct sk_error *err)
{
	return step(req, resp, STEP_APPROVE, err);
}

static int api_publication_publish(struct http_request *req, struct http_response *resp,
				   struct sk_error *err)
{
	return step(req, resp, STEP_PUBLISH, err);
}

static int api_publication_withdraw(struct http_request *req, struct http_response *resp,
				    struct sk_error *err)
{
	return step(req, resp, STEP_WITHDRAW, err);
}

/* GET /api/v1/publications/{id}/attachments/{name} */
static int api_publication_attachment(struct http_request *req, struct http_response *resp,
				      struct sk_error *err)
{
	const char *name = http_request_param(req, "name");
	char type[128];
	struct buf data;
	int64_t id;
	int rc;

	if ((rc = publication_id(req, &id, err)) != 0)
		return rc;
	buf_init(&data, SIZE_MAX / 2);
	if ((rc = publication_attachment(req->st, req->user, id, name, &data, type, err)) == 0)
		api_publications_send_attachment(resp, name, type, &data);
	buf_free(&data);
	return rc;
}

const struct router_route api_publications_routes[] = {
    {"GET", "/api/v1/publications", api_publication_list, ACCESS_USER},
    {"POST", "/api/v1/publications", api_publication_create, ACCESS_STAFF},
    {"GET", "/api/v1/publications/{id}", api_publication_get, ACCESS_USER},
    {"POST", "/api/v1/publications/{id}/submit", api_publication_submit, ACCESS_STAFF},
    {"POST", "/api/v1/publications/{id}/approve", api_publication_approve, ACCESS_STAFF},
    {"POST", "/api/v1/publications/{id}/publish", api_publication_publish, ACCESS_STAFF},
    {"POST", "/api/v1/publications/{id}/withdraw", api_publication_withdraw, ACCESS_STAFF},
    {"GET", "/api/v1/publications/{id}/attachments/{name}", api_publication_attachment,
     ACCESS_USER},
    {NULL, NULL, NULL, ACCESS_PUBLIC},
};
