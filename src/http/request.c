/* http/request.c: body framing, media type, path parameters, query
 * arguments (numbers and time bounds) and JSON bodies.
 * SECURITY: everything here comes from the client. Numbers are parsed
 * whole with range checks; a request framed two ways (Content-Length and
 * Transfer-Encoding) is refused; query arguments are capped in number and
 * bytes; JSON is parsed by jansson with duplicate keys refused, from a
 * body the server has already capped at max_body. */
#include "http/request.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http/router.h"
#include "lib/error.h"
#include "lib/str.h"
#include "registry/event_read.h"

int http_request_framing(const char *content_length, int nlength, const char *transfer_encoding,
			 size_t max_body, struct http_framing *out, struct sk_error *err)
{
	struct http_framing f = {0};
	const char *te = transfer_encoding;

	if (content_length != NULL && te != NULL)
		return sk_error_set(
		    err, SK_EINVAL,
		    "the request has both Content-Length and Transfer-Encoding");
	if (nlength > 1)
		return sk_error_set(err, SK_EINVAL, "the request has %d Content-Length headers",
				    nlength);
	if (te != NULL) {
		while (*te == ' ' || *te == '\t')
			te++;
		if (strncasecmp(te, "chunked", 7) != 0 || te[7 + strspn(te + 7, " \t")] != '\0')
			return sk_error_set(err, SK_EINVAL,
					    "Transfer-Encoding must be chunked, if any");
		f.has_body = true;
		f.chunked = true;
	}
	if (content_length != NULL) {
		if (str_to_i64(content_length, 0, INT64_MAX, &f.length) != 0)
			return sk_error_set(err, SK_EINVAL,
					    "Content-Length is not a whole number of bytes");
		if ((uint64_t)f.length > max_body)
			return sk_error_set(err, SK_ETOOBIG,
					    "the request body is larger than %zu bytes",
					    max_body);
		f.has_body = f.length > 0;
	}
	*out = f;
	return 0;
}

bool http_request_is_media(const char *content_type, const char *media)
{
	const char *ct = content_type;
	size_t n = strlen(media);

	if (ct == NULL)
		return false;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return strncasecmp(ct, media, n) == 0 &&
	       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ' || ct[n] == '\t');
}

bool http_request_is_json(const char *content_type)
{
	return http_request_is_media(content_type, "application/json");
}

bool http_request_add_query(struct http_request *req, size_t *bytes, const char *key,
			    const char *value)
{
	size_t n = strlen(key) + (value != NULL ? strlen(value) : 0) + 2;

	if (req->nquery >= HTTP_QUERY_MAX || n > HTTP_QUERY_BYTES_MAX ||
	    *bytes + n > HTTP_QUERY_BYTES_MAX)
		return false;
	*bytes += n;
	req->query[req->nquery].key = key;
	req->query[req->nquery].value = value != NULL ? value : "";
	req->nquery++;
	return true;
}

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

int http_request_known_args(const struct http_request *req, const char *const *known,
			    struct sk_error *err)
{
	char list[256] = "";
	size_t n = 0;

	for (int i = 0; i < req->nquery; i++) {
		if (str_index(known, req->query[i].key) >= 0)
			continue;
		for (int k = 0; known[k] != NULL && n < sizeof(list); k++)
			n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s", k ? ", " : "",
					      known[k]);
		return sk_error_set(err, SK_EINVAL,
				    "unknown query argument '%.64s' (known: %s)",
				    req->query[i].key, list);
	}
	return 0;
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

int http_request_query_time(const struct http_request *req, const char *key, int64_t *out,
			    struct sk_error *err)
{
	const char *text = http_request_query(req, key);
	int64_t v;
	int rc;

	if (text == NULL) {
		*out = 0;
		return 0;
	}
	if ((rc = event_read_time(text, (int64_t)str_time_now(), &v, err)) != 0) {
		sk_error_prefix(err, "query argument %s", key);
		return rc;
	}
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
