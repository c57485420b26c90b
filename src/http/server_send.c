/* http/server_send.c: the answers of the HTTP server: a handler's
 * response (a rendered body, or a stream filled piece by piece with a
 * store from the pool), an error, a file of the web console; each with
 * the security headers (and HSTS over HTTPS). */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "http/deadline.h"
#include "http/server_int.h"
#include "http/webfiles.h"
#include "lib/error.h"
#include "lib/log.h"
#include "lib/xalloc.h"

#define OUTFLOW_BLOCK	  (64 * 1024)	    /* bytes MHD asks a stream for at a time */
#define OUTFLOW_PIECE_MAX (4 * 1024 * 1024) /* the most a stream may fill at once */

/* The Content-Security-Policy of every answer: the console's own files
 * only, no inline script or style, never in a frame. */
#define HTTP_CSP                                                                               \
	"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "      \
	"connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; "    \
	"base-uri 'none'"

/* Strict-Transport-Security over HTTPS: a year. */
#define HTTP_HSTS "max-age=31536000"

/* A streamed body on its way out (http_stream): the piece being sent. */
struct outflow {
	struct store_pool *pool;
	struct http_stream stream;
	struct buf piece;
	size_t sent; /* bytes of piece already handed to MHD */
	bool done;
	char what[16 + LOG_PATH_MAX + 2]; /* method and path, for the log */
};

/* MHD_ContentReaderCallback: hand out the piece, filling the next one
 * when it is gone. */
static ssize_t outflow_read(void *cls, uint64_t pos, char *out, size_t max)
{
	struct outflow *of = cls;
	size_t n;

	(void)pos;
	while (of->sent == of->piece.len) {
		struct sk_error err = {0};
		struct store *st;
		int rc;

		if (of->done)
			return MHD_CONTENT_READER_END_OF_STREAM;
		buf_reset(&of->piece);
		of->sent = 0;
		st = store_pool_get(of->pool);
		rc = of->stream.fill(of->stream.ctx, st, &of->piece, &of->done, &err);
		store_pool_put(of->pool, st);
		if (rc != 0) {
			log_error("%s: the answer was cut short: %s", of->what,
				  err.msg[0] != '\0' ? err.msg : sk_error_name(rc));
			return MHD_CONTENT_READER_END_WITH_ERROR;
		}
	}
	n = of->piece.len - of->sent < max ? of->piece.len - of->sent : max;
	memcpy(out, of->piece.data + of->sent, n);
	of->sent += n;
	return (ssize_t)n;
}

/* MHD_ContentReaderFreeCallback. */
static void outflow_free(void *cls)
{
	struct outflow *of = cls;

	of->stream.release(of->stream.ctx);
	buf_free(&of->piece);
	free(of);
}

/* An MHD response that writes resp's stream (taken from resp). */
static struct MHD_Response *outflow_start(struct exchange *ex, struct http_response *resp)
{
	struct outflow *of = xcalloc(1, sizeof(*of));
	struct MHD_Response *r;

	of->pool = ex->srv->pool;
	of->stream = resp->stream;
	memset(&resp->stream, 0, sizeof(resp->stream));
	buf_init(&of->piece, OUTFLOW_PIECE_MAX);
	snprintf(of->what, sizeof(of->what), "%s %s", ex->method, ex->log_path);
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, OUTFLOW_BLOCK, outflow_read, of,
					      outflow_free);
	if (r == NULL)
		outflow_free(of);
	return r;
}

/* The headers every answer carries, API or file. */
static void server_secure(const struct exchange *ex, struct MHD_Response *r)
{
	const struct http_server *srv = ex->srv;

	MHD_add_response_header(r, "X-Request-Id", ex->request_id);
	MHD_add_response_header(r, "Content-Security-Policy", HTTP_CSP);
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	if (srv->tls != NULL)
		MHD_add_response_header(r, "Strict-Transport-Security", HTTP_HSTS);
}

enum MHD_Result server_send(struct exchange *ex, struct MHD_Connection *conn,
			    struct http_response *resp)
{
	struct MHD_Response *r = NULL;
	enum MHD_Result ret;
	size_t len = 0;
	const char *type =
	    (resp->text != NULL || resp->stream.fill != NULL) && resp->content_type != NULL
		? resp->content_type
		: "application/json";
	char *text = NULL;

	if (resp->stream.fill != NULL) {
		r = outflow_start(ex, resp);
	} else {
		/* A body already rendered goes out as it is, without a copy. */
		if (resp->text != NULL) {
			text = resp->text;
			len = resp->text_len;
			resp->text = NULL;
		} else {
			text = http_response_render(resp, &len);
		}
		if (resp->body != NULL && text == NULL) {
			static const char oom[] = "{\"error\":{\"code\":\"internal\","
						  "\"message\":\"out of memory\"}}\n";
			resp->status = 500;
			r = MHD_create_response_from_buffer(sizeof(oom) - 1, (void *)oom,
							    MHD_RESPMEM_PERSISTENT);
		} else if (text != NULL) {
			r = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
		} else {
			r = MHD_create_response_from_buffer(0, (void *)"",
							    MHD_RESPMEM_PERSISTENT);
		}
	}
	if (r == NULL) {
		free(text);
		http_response_clear(resp);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				resp->media_type[0] != '\0' ? resp->media_type : type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	if (resp->disposition[0] != '\0')
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_DISPOSITION, resp->disposition);
	server_secure(ex, r);
	if (resp->cookie[0] != '\0')
		MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, resp->cookie);
	if (resp->location[0] != '\0')
		MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, resp->location);
	if (resp->allow[0] != '\0')
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, resp->allow);
	if (resp->next_cursor[0] != '\0')
		MHD_add_response_header(r, "X-Next-Cursor", resp->next_cursor);
	if (resp->retry_after > 0) {
		char secs[16];

		snprintf(secs, sizeof(secs), "%d", resp->retry_after);
		MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, secs);
	}
	if (resp->challenge)
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
					"Bearer realm=\"schakel\"");
	ex->status = resp->status;
	if (ex->watch != NULL)
		deadline_disarm(ex->srv->deadline, ex->watch);
	ret = MHD_queue_response(conn, (unsigned)resp->status, r);
	MHD_destroy_response(r);
	http_response_clear(resp);
	return ret;
}

enum MHD_Result server_refuse(struct exchange *ex, struct MHD_Connection *conn, int status,
			      const char *code, const char *msg)
{
	struct http_response resp;

	http_response_init(&resp);
	http_response_error(&resp, status, code, "%s", msg);
	return server_send(ex, conn, &resp);
}

enum MHD_Result server_refuse_error(struct exchange *ex, struct MHD_Connection *conn,
				    const struct sk_error *err)
{
	struct http_response resp;

	if (err->code == SK_ETEMP)
		log_warn("%s %s: %s", ex->method, ex->log_path, err->msg);
	else if (http_status_for_code(err->code) == 500)
		log_error("%s %s: %s", ex->method, ex->log_path, err->msg);
	http_response_init(&resp);
	http_response_from_error(&resp, err);
	return server_send(ex, conn, &resp);
}

enum MHD_Result server_file_send(struct exchange *ex, struct MHD_Connection *conn)
{
	const struct webfile *f = ex->file;
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(f->size, f->data, MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, f->type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
	server_secure(ex, r);
	ex->status = 200;
	if (ex->watch != NULL)
		deadline_disarm(ex->srv->deadline, ex->watch);
	ret = MHD_queue_response(conn, 200, r);
	MHD_destroy_response(r);
	return ret;
}
