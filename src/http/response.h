/* http/response.h: what a handler answers: a status, a JSON body (or
 * one already rendered, of a given media type) and the few headers the
 * API uses. Errors always have the shape
 * {"error": {"code": "not_found", "message": "..."}}. */
#ifndef SK_HTTP_RESPONSE_H
#define SK_HTTP_RESPONSE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct buf;
struct sk_error;
struct store;

#define HTTP_LOCATION_MAX    256
#define HTTP_ALLOW_MAX	     64
#define HTTP_COOKIE_MAX	     160
#define HTTP_DISPOSITION_MAX 256

/* Seconds a client should wait after a 503. */
#define HTTP_RETRY_AFTER 5

/* A body written piece by piece after the handler has returned, so that
 * a large answer never sits in memory whole: fill appends the next piece
 * to b (a few hundred KiB at most) reading with st, a store from the
 * pool held for that call only, and sets *done after the last piece. An
 * error cuts the connection: the client sees a body that ends short.
 * release frees ctx; it is called once, whatever happens. */
typedef int (*http_fill_fn)(void *ctx, struct store *st, struct buf *b, bool *done,
			    struct sk_error *err);
struct http_stream {
	http_fill_fn fill; /* NULL: no stream */
	void (*release)(void *ctx);
	void *ctx;
};

struct http_response {
	int status;   /* 0 until set */
	json_t *body; /* owned; NULL: no body (204) */
	char *text;   /* owned; a body already rendered, or NULL */
	size_t text_len;
	struct http_stream stream;		/* owned; a body still to write */
	const char *content_type;		/* static; of text or stream */
	char location[HTTP_LOCATION_MAX];	/* "" or the Location header */
	char allow[HTTP_ALLOW_MAX];		/* "" or the Allow header (405) */
	char next_cursor[24];			/* "" or the X-Next-Cursor header (pages) */
	int retry_after;			/* seconds for Retry-After, 0: none */
	int challenge;				/* send WWW-Authenticate: Bearer (401) */
	char cookie[HTTP_COOKIE_MAX];		/* "" or the Set-Cookie header */
	char media_type[128];			/* "" or the body's type, over content_type */
	char disposition[HTTP_DISPOSITION_MAX]; /* "" or the Content-Disposition header */
};

void http_response_init(struct http_response *resp);
/* Drop the body and headers; resp can be filled again. */
void http_response_clear(struct http_response *resp);

/* Answer status with body, replacing anything set before. Takes
 * ownership of body, which may be NULL for no body. */
void http_response_json(struct http_response *resp, int status, json_t *body);

/* Answer status with a body already rendered: len bytes of text (from
 * malloc; ownership taken) of media type content_type (static). */
void http_response_text(struct http_response *resp, int status, const char *content_type,
			char *text, size_t len);

/* Answer status with a body that fill writes later, of media type
 * content_type (static); takes ownership of ctx (see http_stream). */
void http_response_stream(struct http_response *resp, int status, const char *content_type,
			  http_fill_fn fill, void (*release)(void *ctx), void *ctx);

/* Answer {"items": items, "total": total}; takes ownership of items. */
void http_response_list(struct http_response *resp, json_t *items, size_t total);

/* Answer an error: status, a machine code ("invalid") and a message for
 * the user. */
void http_response_error(struct http_response *resp, int status, const char *code,
			 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Answer err as the API's error: SK_EINVAL 400, SK_EPERM 403,
 * SK_ENOTFOUND 404, SK_EEXIST 409, SK_ETOOBIG 413, SK_ETEMP 503 with
 * Retry-After, anything else 500. Messages of internal failures are not
 * shown to clients (the server logs them). */
void http_response_from_error(struct http_response *resp, const struct sk_error *err);

/* The HTTP status for an SK_E* code. */
int http_status_for_code(int code);

/* Set the Location header; printf-style. */
void http_response_location(struct http_response *resp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The body as text ending in a newline (a rendered body as it is), or
 * NULL when there is none. Caller frees with free(); *len receives its
 * length. */
char *http_response_render(const struct http_response *resp, size_t *len);

#endif
