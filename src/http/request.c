/* http/request.c: path parameters, query arguments and JSON bodies.
 * SECURITY: everything here comes from the client. Numbers are parsed
 * whole with range checks; JSON is parsed by jansson with duplicate keys
 * refused, from a body the server has already capped at max_body. */
#include "http/request.h"

#include <string.h>

#include "http/router.h"
#include "lib/error.h"
#include "lib/str.h"

const char *http_request_param(const struct http_request *req, const char *name)
{
	if (req->match == NULL)
		return NULL;
	return router_param(req->match, name);
}

int http_request_id(const struct http_request *req, const char *name, const char *what,
		    int64_t *out, struct sk_error *err)
{
	const char *text = http_request_param(req, name);
	int64_t v;

	if (text == NULL || str_to_i64(text, 1, INT64_MAX, &v) != 0)
		return sk_error_set(err, SK_ENOTFOUND, "%s '%s' not found", what,
				    text ? text : "");
	*out = v;
	return 0;
}

const char *http_request_query(const struct http_request *req, const char *key)
{
	for (int i = 0; i < req->nquery; i++)
		if (strcmp(req->query[i].key, key) == 0)
			return req->query[i].value;
	return NULL;
}

int http_request_query_int(const struct http_request *req, const char *key, int64_t min,
			   int64_t max, int64_t dflt, int64_t *out, struct sk_error *err)
{
	const char *text = http_request_query(req, key);
	int64_t v;

	if (text == NULL) {
		*out = dflt;
		return 0;
	}
	if (str_to_i64(text, min, max, &v) != 0)
		return sk_error_set(
		    err, SK_EINVAL,
		    "query argument %s must be a whole number from %lld to %lld", key,
		    (long long)min, (long long)max);
	*out = v;
	return 0;
}

int http_request_page(const struct http_request *req, struct http_page *out,
		      struct sk_error *err)
{
	struct http_page pg = {0};
	int rc;

	rc = http_request_query_int(req, "limit", 1, HTTP_PAGE_MAX, HTTP_PAGE_DEFAULT,
				    &pg.limit, err);
	if (rc == 0)
		rc = http_request_query_int(req, "offset", 0, INT32_MAX, 0, &pg.offset, err);
	if (rc != 0)
		return rc;
	*out = pg;
	return 0;
}

bool http_page_take(struct http_page *pg)
{
	int64_t i = (int64_t)pg->seen++;

	return i >= pg->offset && i - pg->offset < pg->limit;
}

int http_request_json(const struct http_request *req, bool want_object, json_t **out,
		      struct sk_error *err)
{
	json_error_t jerr;
	json_t *v = NULL;

	if (req->body == NULL || req->body_len == 0)
		return sk_error_set(err, SK_EINVAL, "the request needs a JSON body");
	v = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
		       &jerr);
	if (v == NULL)
		return sk_error_set(err, SK_EINVAL, "malformed JSON at line %d, column %d: %s",
				    jerr.line, jerr.column, jerr.text);
	if (want_object && !json_is_object(v)) {
		json_decref(v);
		return sk_error_set(err, SK_EINVAL, "the request body must be a JSON object");
	}
	*out = v;
	return 0;
}
