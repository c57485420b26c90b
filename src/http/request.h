/* http/request.h: one API request as a handler sees it: path parameters,
 * query arguments, the body, the authenticated user and a store of its
 * own, and the checks on what the client sent: body framing, media type,
 * query arguments. Knows nothing of libmicrohttpd, so handlers and checks
 * can be tested alone. Reads outside input: bodies are parsed as JSON
 * (UTF-8, no duplicate keys, at most the server's max_body bytes); query
 * arguments are at most HTTP_QUERY_MAX within HTTP_QUERY_BYTES_MAX. */
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
struct session;
struct session_config;
struct signin;

#define HTTP_QUERY_MAX	     16	  /* query arguments per request */
#define HTTP_QUERY_BYTES_MAX 2048 /* bytes of query arguments: else 414 */

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
	const char *content_type; /* the header, or NULL */
	const struct user *user;  /* NULL on public routes */
	struct store *st;	  /* for this request only; audit actor set */
	/* For sign-in and sessions (http/session.h); borrowed. */
	const char *client;		       /* client address, "-" when unknown */
	struct signin *signin;		       /* sign-in limits; NULL: none */
	const struct session_config *sessions; /* NULL: no sessions */
	const struct session *session;	       /* the cookie's session, or NULL */
	/* The Authorization header, for a public route that checks a token
	 * of its own (/metrics); NULL when absent. */
	const char *authorization;
};

/* A handler answers req: it returns 0 with resp filled, or a negative
 * SK_E* code with a message in err, which the server turns into the
 * JSON error response (SK_EINVAL 400, SK_ENOTFOUND 404, ...). */
typedef int (*http_handler_fn)(struct http_request *req, struct http_response *resp,
			       struct sk_error *err);

/* How the body of a request is framed (RFC 9112 section 6). */
struct http_framing {
	bool has_body;
	bool chunked;	/* Transfer-Encoding: chunked */
	int64_t length; /* Content-Length; 0 when chunked or absent */
};

/* Check the framing headers: content_length and transfer_encoding are
 * the header values (NULL when absent), nlength the number of
 * Content-Length lines. Both headers together (a way to smuggle a
 * request past a proxy), more than one Content-Length, one that is not a
 * whole number, or a transfer coding other than "chunked" is SK_EINVAL
 * (400); a length over max_body is SK_ETOOBIG (413). Fills *out on
 * success. */
int http_request_framing(const char *content_length, int nlength, const char *transfer_encoding,
			 size_t max_body, struct http_framing *out, struct sk_error *err);

/* Is the media type of a Content-Type value (NULL: absent)
 * application/json? */
bool http_request_is_json(const char *content_type);
/* Is it media ("application/x-ndjson"), parameters aside? */
bool http_request_is_media(const char *content_type, const char *media);

/* Add query argument key=value (value NULL for "?flag"; both borrowed
 * and kept) to req, counting its bytes in *bytes. false, adding nothing,
 * when it would break HTTP_QUERY_MAX or HTTP_QUERY_BYTES_MAX (414). */
bool http_request_add_query(struct http_request *req, size_t *bytes, const char *key,
			    const char *value);

/* The path parameter name ("id"), or NULL; borrowed. */
const char *http_request_param(const struct http_request *req, const char *name);

/* Path parameter name as a positive id. Anything else cannot name an
 * object, so it is SK_ENOTFOUND: "<what> 'abc' not found". */
int http_request_id(const struct http_request *req, const char *name, const char *what,
		    int64_t *out, struct sk_error *err);

/* The first value of query argument key, or NULL; borrowed. */
const char *http_request_query(const struct http_request *req, const char *key);

/* Every query argument is one of known (NULL-terminated): else
 * SK_EINVAL naming the first unknown one and the known ones, so that a
 * misspelt filter never widens an answer. */
int http_request_known_args(const struct http_request *req, const char *const *known,
			    struct sk_error *err);

/* Query argument key as an integer in [min, max]; absent gives dflt.
 * SK_EINVAL names the argument and the range. */
int http_request_query_int(const struct http_request *req, const char *key, int64_t min,
			   int64_t max, int64_t dflt, int64_t *out, struct sk_error *err);

/* Query argument key as a time bound in seconds since the epoch, in any
 * form event_read_time() reads (ISO 8601, a date, or a span back from
 * now such as "7d"); absent gives 0. SK_EINVAL names the argument. */
int http_request_query_time(const struct http_request *req, const char *key, int64_t *out,
			    struct sk_error *err);

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
