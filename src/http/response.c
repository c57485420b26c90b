/* http/response.c: JSON responses and the API's one error shape. */
#include "http/response.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/error.h"

void http_response_init(struct http_response *resp)
{
	memset(resp, 0, sizeof(*resp));
}

void http_response_clear(struct http_response *resp)
{
	json_decref(resp->body);
	free(resp->text);
	if (resp->stream.release != NULL)
		resp->stream.release(resp->stream.ctx);
	http_response_init(resp);
}

void http_response_text(struct http_response *resp, int status, const char *content_type,
			char *text, size_t len)
{
	http_response_clear(resp);
	resp->status = status;
	resp->text = text;
	resp->text_len = len;
	resp->content_type = content_type;
}

void http_response_stream(struct http_response *resp, int status, const char *content_type,
			  http_fill_fn fill, void (*release)(void *ctx), void *ctx)
{
	http_response_clear(resp);
	resp->status = status;
	resp->stream = (struct http_stream){fill, release, ctx};
	resp->content_type = content_type;
}

void http_response_json(struct http_response *resp, int status, json_t *body)
{
	http_response_clear(resp);
	resp->status = status;
	resp->body = body;
}

void http_response_list(struct http_response *resp, json_t *items, size_t total)
{
	json_t *body = json_object();

	json_object_set_new(body, "items", items);
	json_object_set_new(body, "total", json_integer((json_int_t)total));
	http_response_json(resp, 200, body);
}

/* Set the error body; keeps headers already set (Allow, Retry-After). */
static void set_error(struct http_response *resp, int status, const char *code,
		      const char *message)
{
	json_t *e = json_object();
	json_t *body = json_object();
	json_t *m = json_string(message);

	if (m == NULL) {
		/* The message quotes client input that is not UTF-8: show the
		 * ASCII part, never drop the message. */
		char clean[SK_ERROR_MAX];
		size_t i;

		for (i = 0; message[i] != '\0' && i + 1 < sizeof(clean); i++)
			clean[i] = (unsigned char)message[i] < 0x80 ? message[i] : '?';
		clean[i] = '\0';
		m = json_string(clean);
	}
	json_object_set_new(e, "code", json_string(code));
	json_object_set_new(e, "message", m);
	json_object_set_new(body, "error", e);
	json_decref(resp->body);
	free(resp->text);
	resp->text = NULL;
	resp->text_len = 0;
	resp->status = status;
	resp->body = body;
}

void http_response_error(struct http_response *resp, int status, const char *code,
			 const char *fmt, ...)
{
	char msg[SK_ERROR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	http_response_clear(resp);
	set_error(resp, status, code, msg);
}

int http_status_for_code(int code)
{
	switch (code) {
	case SK_EINVAL:
	case SK_EUSAGE:
		return 400;
	case SK_EPERM:
		return 403;
	case SK_ENOTFOUND:
		return 404;
	case SK_EEXIST:
		return 409;
	case SK_ETOOBIG:
		return 413;
	case SK_ETEMP:
		return 503;
	default:
		return 500;
	}
}

void http_response_from_error(struct http_response *resp, const struct sk_error *err)
{
	int status = http_status_for_code(err->code);
	const char *msg = err->msg[0] ? err->msg : "failed";

	http_response_clear(resp);
	if (status == 503) {
		resp->retry_after = HTTP_RETRY_AFTER;
		msg = "the store is temporarily unavailable; try again later";
	} else if (status == 500) {
		msg = "internal error; the server log has the details";
	}
	set_error(resp, status, status == 400 ? "invalid" : sk_error_name(err->code), msg);
}

void http_response_location(struct http_response *resp, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(resp->location, sizeof(resp->location), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(resp->location))
		resp->location[0] = '\0';
}

char *http_response_render(const struct http_response *resp, size_t *len)
{
	char *text, *out;
	size_t n;

	if (resp->text != NULL) {
		out = malloc(resp->text_len + 1);
		if (out == NULL)
			return NULL;
		memcpy(out, resp->text, resp->text_len);
		out[resp->text_len] = '\0';
		*len = resp->text_len;
		return out;
	}
	if (resp->body == NULL)
		return NULL;
	text = json_dumps(resp->body, JSON_COMPACT);
	if (text == NULL)
		return NULL;
	n = strlen(text);
	out = realloc(text, n + 2);
	if (out == NULL) {
		free(text);
		return NULL;
	}
	out[n] = '\n';
	out[n + 1] = '\0';
	*len = n + 1;
	return out;
}
