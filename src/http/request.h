/* http/request.h: one API request as a handler sees it: path parameters,
 * query arguments, the body, the authenticated user and a store of its
 * own. Knows nothing of libmicrohttpd, so handlers can be tested alone.
 * Reads outside input: bodies are parsed as JSON (UTF-8, no duplicate
 * keys, at most the server's max_body bytes). */
#ifndef SK_HTTP_REQUEST_H
#define SK_HTTP_REQUEST_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sk_error;
struct store;
struct user;
struct router_match;
struct http_response;

#define HTTP_QUERY_MAX 16 /* query arguments per request */

struct http_query_arg {
	const char *key;   /* borrowed from the server */
	const char *value; /* "" for "?flag" */
};

struct http_request {
	const char *method;
	const char *path;
	const struct router_match *match; /* path parameters */
	struct http_query_arg query[HTTP_QUERY_MAX];
	int nquery;
	const char *body; /* NUL-terminated; "" when none */
	size_t body_len;
	const struct user *user; /* NULL on public routes */
	struct store *st;	 /* for this request only; audit actor set */
};

/* A handler answers req: it returns 0 with resp filled, or a negative
 * SK_E* code with a message in err, which the server turns into the
 * JSON error response (SK_EINVAL 400, SK_ENOTFOUND 404, ...). */
typedef int (*http_handler_fn)(struct http_request *req, struct http_response *resp,
			       struct sk_error *err);

/* The path parameter name ("id"), or NULL; borrowed. */
const char *http_request_param(const struct http_request *req, const char *name);

/* Path parameter name as a positive id. Anything else cannot name an
 * object, so it is SK_ENOTFOUND: "<what> 'abc' not found". */
int http_request_id(const struct http_request *req, const char *name, const char *what,
		    int64_t *out, struct sk_error *err);

/* The first value of query argument key, or NULL; borrowed. */
const char *http_request_query(const struct http_request *req, const char *key);

/* Query argument key as an integer in [min, max]; absent gives dflt.
 * SK_EINVAL names the argument and the range. */
int http_request_query_int(const struct http_request *req, const char *key, int64_t min,
			   int64_t max, int64_t dflt, int64_t *out, struct sk_error *err);

/* Paging of list endpoints: ?limit= (1..HTTP_PAGE_MAX, default
 * HTTP_PAGE_DEFAULT) and ?offset= (default 0). */
#define HTTP_PAGE_DEFAULT 1000
#define HTTP_PAGE_MAX	  10000

struct http_page {
	int64_t limit;
	int64_t offset;
	size_t seen; /* items offered to http_page_take so far */
};

/* Read limit and offset; SK_EINVAL names a bad one. */
int http_request_page(const struct http_request *req, struct http_page *out,
		      struct sk_error *err);

/* Count one more item; true if it falls on the requested page. After the
 * walk, seen is the total. */
bool http_page_take(struct http_page *pg);

/* Parse the body as JSON. With want_object anything but an object is
 * SK_EINVAL; an empty body always is. Errors say where the JSON broke.
 * Caller decrefs *out. */
int http_request_json(const struct http_request *req, bool want_object, json_t **out,
		      struct sk_error *err);

#endif
