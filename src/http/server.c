/* http/server.c: libmicrohttpd glue: per-request state, limits, the
 * order of checks (path, route, authentication, the route's access rule,
 * body), dispatch to a handler with a pooled store, JSON responses and
 * the request log.
 * SECURITY: everything a client sends is untrusted. Limits: path
 * HTTP_PATH_MAX, query HTTP_QUERY_BYTES_MAX and HTTP_QUERY_MAX arguments,
 * HTTP_HEADERS_MAX headers within HTTP_HEADER_BYTES, bodies max_body (or
 * the route's own limit, router.h)
 * (checked against Content-Length before reading and counted while
 * receiving; a chunked body past the limit is discarded, never buffered,
 * and the connection is dropped if it goes on much longer; a body framed
 * both by Content-Length and Transfer-Encoding is refused), a whole
 * request within request_timeout seconds however slowly it trickles in
 * (http/deadline.h), connections_per_client connections from one
 * address. Requests are authenticated before their body is read;
 * password sign-ins pass the limits of http/signin.h. Without an
 * Authorization header a session cookie (http/session.h) authenticates,
 * and then every method but GET and HEAD needs the session's CSRF token,
 * checked before the body too. Paths outside /api/ name the web
 * console's files, served from memory (http/webfiles.h). Paths are logged
 * with control and non-ASCII bytes replaced, with the client address. */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http/auth.h"
#include "http/deadline.h"
#include "http/request.h"
#include "http/response.h"
#include "http/routes.h"
#include "http/session.h"
#include "http/signin.h"
#include "http/webfiles.h"
#include "lib/buf.h"
#include "lib/error.h"
#include "lib/log.h"
#include "lib/xalloc.h"
#include "store/store.h"

#define LOG_PATH_MAX	  200		    /* bytes of path in the request log */
#define OUTFLOW_BLOCK	  (64 * 1024)	    /* bytes MHD asks a stream for at a time */
#define OUTFLOW_PIECE_MAX (4 * 1024 * 1024) /* the most a stream may fill at once */
#define ACTOR_MAX	  (USER_NAME_MAX + 8)

/* The Content-Security-Policy of every answer: the console's own files
 * only, no inline script or style, never in a frame. */
#define HTTP_CSP                                                                               \
	"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "      \
	"connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; "    \
	"base-uri 'none'"

struct http_server {
	struct MHD_Daemon *mhd;
	struct store_pool *pool;
	const struct router_route *const *tables;
	size_t max_body;
	struct signin *signin;
	struct session_config sessions;
	struct webfiles *web; /* NULL: the console is not installed */
	struct deadline *deadline;
	atomic_int in_flight; /* requests begun and not yet completed */
};

/* One request, from its headers to its log line. */
struct exchange {
	struct http_server *srv;
	struct timespec start;
	struct deadline_conn *watch; /* NULL: not watched */
	char client[INET6_ADDRSTRLEN];
	char method[16];
	char log_path[LOG_PATH_MAX + 1];
	struct router_match match;
	struct user user;
	bool has_user;
	struct session session; /* when has_session */
	bool has_session;
	const struct webfile *file; /* a file of the console to answer, or NULL */
	struct http_request req;
	size_t query_bytes;
	bool query_overflow;
	int nlength; /* Content-Length header lines */
	struct buf body;
	size_t max_body; /* the route's limit */
	bool entered;	 /* admitted by the route's intake: leave() when done */
	bool too_big;
	size_t drained; /* body bytes discarded after too_big */
	int status;	/* sent, for the log; 0: none yet */
};

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

/* Copy s for the log: at most LOG_PATH_MAX bytes, printable ASCII only. */
static void log_copy(char *dst, size_t size, const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < size; i++) {
		unsigned char c = (unsigned char)s[i];

		dst[i] = c >= 0x21 && c < 0x7f ? (char)c : '?';
	}
	dst[i] = '\0';
}

/* The headers every answer carries, API or file. */
static void server_secure(struct MHD_Response *r)
{
	MHD_add_response_header(r, "Content-Security-Policy", HTTP_CSP);
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
}

/* Queue resp (consumed) on conn. */
static enum MHD_Result server_send(struct exchange *ex, struct MHD_Connection *conn,
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
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	server_secure(r);
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

/* Answer an error right away. */
static enum MHD_Result server_refuse(struct exchange *ex, struct MHD_Connection *conn,
				     int status, const char *code, const char *msg)
{
	struct http_response resp;

	http_response_init(&resp);
	http_response_error(&resp, status, code, "%s", msg);
	return server_send(ex, conn, &resp);
}

static enum MHD_Result server_refuse_error(struct exchange *ex, struct MHD_Connection *conn,
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

/* MHD_KeyValueIterator: collect query arguments within the limits. */
static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind, const char *key,
				     const char *value)
{
	struct exchange *ex = cls;

	(void)kind;
	if (!http_request_add_query(&ex->req, &ex->query_bytes, key, value)) {
		ex->query_overflow = true;
		return MHD_NO;
	}
	return MHD_YES;
}

/* MHD_KeyValueIterator: count the Content-Length header lines. */
static enum MHD_Result count_lengths(void *cls, enum MHD_ValueKind kind, const char *key,
				     const char *value)
{
	struct exchange *ex = cls;

	(void)kind;
	(void)value;
	if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0)
		ex->nlength++;
	return MHD_YES;
}

/* The client's address as text into out ("-" when unknown). */
static void client_address(struct MHD_Connection *conn, char out[INET6_ADDRSTRLEN])
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci != NULL ? ci->client_addr : NULL;
	const void *bytes = NULL;

	if (sa != NULL && sa->sa_family == AF_INET)
		bytes = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	else if (sa != NULL && sa->sa_family == AF_INET6)
		bytes = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
	if (bytes == NULL || inet_ntop(sa->sa_family, bytes, out, INET6_ADDRSTRLEN) == NULL)
		memcpy(out, "-", 2);
}

/* Authenticate the request; 0 or an answer already queued (*answered). */
static enum MHD_Result server_authenticate(struct exchange *ex, struct MHD_Connection *conn,
					   bool *answered)
{
	const char *authz =
	    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	struct auth_client client = {ex->srv->signin, ex->client, 0};
	struct auth_wait wait = {0};
	struct sk_error err = {0};
	struct http_response resp;
	struct timespec now;
	struct store *st;
	int rc;
	/* The Authorization header wins over a session cookie. */
	const char *cookie = authz == NULL ? MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
									 MHD_HTTP_HEADER_COOKIE)
					   : NULL;
	char id[SESSION_RANDOM_LEN + 1];
	bool by_cookie = session_cookie_id(cookie, id);

	explicit_bzero(id, sizeof(id));
	clock_gettime(CLOCK_MONOTONIC, &now);
	client.now = (int64_t)now.tv_sec;
	st = store_pool_get(ex->srv->pool);
	if (by_cookie)
		rc = auth_session(st, cookie, ex->srv->sessions.idle_timeout, &client,
				  &ex->user, &ex->session, &err);
	else
		rc = auth_authenticate(st, authz, &client, &ex->user, &wait, &err);
	store_pool_put(ex->srv->pool, st);
	*answered = true;
	if (rc == 0 && by_cookie && session_needs_csrf(ex->method) &&
	    !session_csrf_ok(ex->session.info.csrf, MHD_lookup_connection_value(
							conn, MHD_HEADER_KIND, SESSION_CSRF))) {
		log_info("%s %s: refused: session of %s without its CSRF token (from %s)",
			 ex->method, ex->log_path, ex->user.name, ex->client);
		return server_refuse(ex, conn, 403, "csrf",
				     "this request needs the session's " SESSION_CSRF
				     " header");
	}
	if (rc == 0) {
		ex->has_user = true;
		ex->has_session = by_cookie;
		*answered = false;
		return MHD_YES;
	}
	if (rc != SK_EPERM)
		return server_refuse_error(ex, conn, &err);
	http_response_init(&resp);
	auth_answer(&resp, &wait, err.msg);
	resp.challenge = wait.status == 0;
	return server_send(ex, conn, &resp);
}

/* A path outside /api/: a file of the web console, answered once the
 * request is read (an answer queued before that closes the connection). */
static enum MHD_Result server_file(struct exchange *ex, struct MHD_Connection *conn,
				   const char *url)
{
	struct http_response resp;

	ex->file = webfiles_find(ex->srv->web, url);
	if (ex->file == NULL && ex->srv->web == NULL && strcmp(url, "/") == 0)
		return server_refuse(ex, conn, 404, "not_found",
				     "the web console is not installed (no files in "
				     "[http] web_root)");
	if (ex->file == NULL)
		return server_refuse(ex, conn, 404, "not_found", "no such file");
	if (strcmp(ex->method, "GET") == 0 || strcmp(ex->method, "HEAD") == 0)
		return MHD_YES;
	http_response_init(&resp);
	http_response_error(&resp, 405, "method_not_allowed",
			    "method %s is not allowed here; allowed: GET, HEAD", ex->method);
	snprintf(resp.allow, sizeof(resp.allow), "GET, HEAD");
	return server_send(ex, conn, &resp);
}

/* Send ex->file, from memory. */
static enum MHD_Result server_file_send(struct exchange *ex, struct MHD_Connection *conn)
{
	const struct webfile *f = ex->file;
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(f->size, f->data, MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, f->type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
	server_secure(r);
	ex->status = 200;
	if (ex->watch != NULL)
		deadline_disarm(ex->srv->deadline, ex->watch);
	ret = MHD_queue_response(conn, 200, r);
	MHD_destroy_response(r);
	return ret;
}

/* Is content_type one the route takes (intake NULL: JSON)? */
static bool server_media_ok(const struct router_intake *intake, const char *content_type)
{
	if (intake == NULL)
		return http_request_is_json(content_type);
	for (size_t i = 0; intake->media[i] != NULL; i++)
		if (http_request_is_media(content_type, intake->media[i]))
			return true;
	return false;
}

/* First call: the headers are in. Refuse what breaks a limit, match the
 * route, authenticate, and look at the announced body; a response queued
 * here means MHD never reads the body. */
static enum MHD_Result server_begin(struct exchange *ex, struct MHD_Connection *conn,
				    const char *url)
{
	const struct http_server *srv = ex->srv;
	const struct router_intake *intake;
	struct http_framing framing;
	struct sk_error err = {0};
	struct http_response denied;
	char allow[ROUTER_ALLOW_MAX];
	enum router_result found;
	bool answered = false;
	enum MHD_Result ret;

	if (strlen(url) > HTTP_PATH_MAX)
		return server_refuse(ex, conn, 414, "uri_too_long", "the path is too long");
	if (MHD_get_connection_values(conn, MHD_HEADER_KIND, NULL, NULL) > HTTP_HEADERS_MAX)
		return server_refuse(ex, conn, 431, "header_too_large",
				     "the request has too many header lines");
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_query, ex);
	if (ex->query_overflow)
		return server_refuse(ex, conn, 414, "uri_too_long",
				     "the query string is too long");
	/* Framing first: a request whose body could be read two ways must
	 * not reach a handler or leave its body to be taken for the next
	 * request. Its size is judged after authentication. */
	MHD_get_connection_values(conn, MHD_HEADER_KIND, count_lengths, ex);
	if (http_request_framing(MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_CONTENT_LENGTH),
				 ex->nlength,
				 MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_TRANSFER_ENCODING),
				 SIZE_MAX, &framing, &err) != 0)
		return server_refuse(ex, conn, 400, "invalid", err.msg);

	found = router_match(srv->tables, ex->method, url, &ex->match, allow);
	if (found == ROUTER_NO_PATH && strncmp(url, "/api/", 5) != 0)
		return server_file(ex, conn, url);
	if (found == ROUTER_NO_PATH)
		return server_refuse(ex, conn, 404, "not_found", "no such endpoint");
	if (found == ROUTER_NO_METHOD) {
		struct http_response resp;

		http_response_init(&resp);
		http_response_error(&resp, 405, "method_not_allowed",
				    "method %s is not allowed here; allowed: %s", ex->method,
				    allow);
		snprintf(resp.allow, sizeof(resp.allow), "%s", allow);
		return server_send(ex, conn, &resp);
	}
	if (ex->match.route->rule != ACCESS_PUBLIC) {
		ret = server_authenticate(ex, conn, &answered);
		if (answered)
			return ret;
	}
	http_response_init(&denied);
	if (http_route_admit(ex->match.route, ex->has_user ? &ex->user : NULL, &denied) != 0)
		return server_send(ex, conn, &denied);
	intake = ex->match.route->intake;
	ex->req.content_type =
	    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);

	ex->max_body = intake != NULL ? intake->max_body() : srv->max_body;
	if ((uint64_t)framing.length > ex->max_body) {
		char msg[96];

		snprintf(msg, sizeof(msg), "the request body is larger than %zu bytes",
			 ex->max_body);
		return server_refuse(ex, conn, 413, "too_large", msg);
	}
	if (framing.has_body && !server_media_ok(intake, ex->req.content_type))
		return server_refuse(ex, conn, 415, "unsupported_media_type",
				     intake != NULL
					 ? "the request body must be application/json "
					   "or application/x-ndjson"
					 : "the request body must be application/json");
	if (intake != NULL) {
		if (intake->enter(&denied) != 0)
			return server_send(ex, conn, &denied);
		ex->entered = true;
	}
	buf_init(&ex->body, ex->max_body);
	return MHD_YES;
}

/* A part of the body: keep it while it fits, else count and drop it. A
 * client that goes on sending long after the limit is cut off. */
static enum MHD_Result server_receive(struct exchange *ex, const char *data, size_t *size)
{
	size_t n = *size;
	size_t drain_max = ex->max_body > (1u << 20) ? ex->max_body : (1u << 20);

	*size = 0;
	if (!ex->too_big && buf_append(&ex->body, data, n) == 0)
		return MHD_YES;
	if (!ex->too_big) {
		ex->too_big = true;
		ex->drained = ex->body.len;
		buf_free(&ex->body);
	}
	ex->drained += n;
	if (ex->drained - ex->max_body > drain_max) {
		log_info("%s %s: body goes on past %zu bytes; connection dropped", ex->method,
			 ex->log_path, ex->max_body);
		return MHD_NO;
	}
	return MHD_YES;
}

/* The whole request is in: run the handler with a store of its own. */
static enum MHD_Result server_dispatch(struct exchange *ex, struct MHD_Connection *conn,
				       const char *url)
{
	struct sk_error err = {0};
	struct http_response resp;
	char actor[ACTOR_MAX];
	struct store *st = NULL;
	int rc;

	if (ex->too_big) {
		char msg[96];

		snprintf(msg, sizeof(msg), "the request body is larger than %zu bytes",
			 ex->max_body);
		return server_refuse(ex, conn, 413, "too_large", msg);
	}
	ex->req.method = ex->method;
	ex->req.path = url;
	ex->req.match = &ex->match;
	ex->req.body = buf_str(&ex->body);
	ex->req.body_len = ex->body.len;
	ex->req.user = ex->has_user ? &ex->user : NULL;
	ex->req.client = ex->client;
	ex->req.signin = ex->srv->signin;
	ex->req.sessions = &ex->srv->sessions;
	ex->req.session = ex->has_session ? &ex->session : NULL;

	st = store_pool_get(ex->srv->pool);
	snprintf(actor, sizeof(actor), "api:%s", ex->has_user ? ex->user.name : "-");
	store_set_actor(st, actor);
	ex->req.st = st;
	http_response_init(&resp);
	rc = ex->match.route->handler(&ex->req, &resp, &err);
	ex->req.st = NULL;
	store_pool_put(ex->srv->pool, st);
	if (rc == 0 && resp.status == 0)
		rc = sk_error_set(&err, SK_EIO, "handler gave no answer");
	if (rc != 0) {
		http_response_clear(&resp);
		if (err.code == 0)
			err.code = rc;
		return server_refuse_error(ex, conn, &err);
	}
	return server_send(ex, conn, &resp);
}

/* MHD_AccessHandlerCallback. */
static enum MHD_Result server_access(void *cls, struct MHD_Connection *conn, const char *url,
				     const char *method, const char *version,
				     const char *upload_data, size_t *upload_data_size,
				     void **con_cls)
{
	struct http_server *srv = cls;
	struct exchange *ex = *con_cls;

	(void)version;
	if (ex == NULL) {
		ex = xcalloc(1, sizeof(*ex));
		ex->srv = srv;
		clock_gettime(CLOCK_MONOTONIC, &ex->start);
		client_address(conn, ex->client);
		if (srv->deadline != NULL) {
			const union MHD_ConnectionInfo *ci =
			    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

			ex->watch = ci != NULL ? ci->socket_context : NULL;
		}
		log_copy(ex->method, sizeof(ex->method), method);
		log_copy(ex->log_path, sizeof(ex->log_path), url);
		/* The exact method matters for routing: an over-long one
		 * must not be cut to a valid one. */
		if (strlen(method) >= sizeof(ex->method))
			memcpy(ex->method, "INVALID", sizeof("INVALID"));
		buf_init(&ex->body, 0);
		atomic_fetch_add(&srv->in_flight, 1);
		*con_cls = ex;
		return server_begin(ex, conn, url);
	}
	if (*upload_data_size > 0)
		return server_receive(ex, upload_data, upload_data_size);
	if (ex->file != NULL)
		return server_file_send(ex, conn);
	return server_dispatch(ex, conn, url);
}

/* MHD_NotifyConnectionCallback: watch each connection for the request
 * deadline from its opening to its closing. */
static void server_connection(void *cls, struct MHD_Connection *conn, void **socket_ctx,
			      enum MHD_ConnectionNotificationCode code)
{
	struct http_server *srv = cls;

	if (srv->deadline == NULL)
		return;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
		    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		char addr[INET6_ADDRSTRLEN];

		client_address(conn, addr);
		*socket_ctx =
		    ci != NULL ? deadline_add(srv->deadline, ci->connect_fd, addr) : NULL;
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED && *socket_ctx != NULL) {
		deadline_remove(srv->deadline, *socket_ctx);
		*socket_ctx = NULL;
	}
}

/* MHD_RequestCompletedCallback: log the request and free its state. */
static void server_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			     enum MHD_RequestTerminationCode toe)
{
	struct http_server *srv = cls;
	struct exchange *ex = *con_cls;
	struct timespec end;
	double ms;

	(void)conn;
	if (ex == NULL)
		return;
	clock_gettime(CLOCK_MONOTONIC, &end);
	ms = (double)(end.tv_sec - ex->start.tv_sec) * 1e3 +
	     (double)(end.tv_nsec - ex->start.tv_nsec) / 1e6;
	log_info("%s %s %d %.1fms %s from %s%s", ex->method, ex->log_path, ex->status, ms,
		 ex->has_user ? ex->user.name : "-", ex->client,
		 toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (aborted)");
	/* The connection may carry another request: its clock starts. */
	if (ex->watch != NULL)
		deadline_arm(srv->deadline, ex->watch);
	if (ex->entered)
		ex->match.route->intake->leave();
	buf_free(&ex->body);
	free(ex);
	*con_cls = NULL;
	atomic_fetch_sub(&srv->in_flight, 1);
}

/* MHD_LogCallback: MHD's own messages go to our log. */
__attribute__((format(printf, 2, 0))) static void server_mhd_log(void *cls, const char *fmt,
								 va_list ap)
{
	char msg[512];
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	log_warn("libmicrohttpd: %s", msg);
}

/* Fill *ss from a numeric address and port. */
static int parse_listen(const char *addr, int port, struct sockaddr_storage *ss, bool *v6,
			struct sk_error *err)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)port);
		*v6 = false;
		return 0;
	}
	if (inet_pton(AF_INET6, addr, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		*v6 = true;
		return 0;
	}
	return sk_error_set(err, SK_ECONFIG,
			    "listen address '%s' is not a numeric IPv4 or IPv6 address", addr);
}

/* Read the console's files into srv->web; a root that does not exist
 * leaves it NULL. */
static int server_web_load(struct http_server *srv, const char *root, struct sk_error *err)
{
	int rc = webfiles_load(root, &srv->web, err);

	if (rc == SK_ENOTFOUND) {
		log_warn("the web console is not installed: %s", err->msg);
		memset(err, 0, sizeof(*err));
		return 0;
	}
	if (rc == 0)
		log_info("web console: %zu files from %s", webfiles_count(srv->web), root);
	return rc;
}

struct http_server *http_server_start(const struct http_server_config *cfg,
				      struct store_pool *pool, struct sk_error *err)
{
	struct http_server *srv = NULL;
	struct sockaddr_storage ss;
	unsigned int flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_USE_ITC;
	bool v6 = false;

	if (cfg->port < 0 || cfg->port > 65535 || cfg->threads < 1 || cfg->max_body < 1 ||
	    cfg->request_timeout < 1 || cfg->connections_per_client < 1 ||
	    cfg->signin.concurrency < 1 || cfg->signin.window < 1 || cfg->signin.lockout < 1 ||
	    cfg->signin.user_failures < 1 || cfg->signin.address_failures < 1) {
		sk_error_set(err, SK_ECONFIG, "bad server settings (port %d, %d threads)",
			     cfg->port, cfg->threads);
		return NULL;
	}
	if (parse_listen(cfg->listen, cfg->port, &ss, &v6, err) != 0)
		return NULL;
	if (v6)
		flags |= MHD_USE_IPv6;
	srv = xcalloc(1, sizeof(*srv));
	srv->pool = pool;
	srv->tables = cfg->tables;
	srv->max_body = cfg->max_body;
	atomic_init(&srv->in_flight, 0);
	srv->sessions = cfg->session;
	if (cfg->web_root != NULL && server_web_load(srv, cfg->web_root, err) != 0) {
		free(srv);
		return NULL;
	}
	srv->signin = signin_new(&cfg->signin);
	srv->deadline = deadline_start(cfg->request_timeout);
	if (srv->deadline == NULL) {
		sk_error_set(err, SK_EIO, "cannot start the request deadline's thread");
		signin_free(srv->signin);
		webfiles_free(srv->web);
		free(srv);
		return NULL;
	}
	errno = 0;
	/* clang-format off */
	srv->mhd = MHD_start_daemon(flags, (uint16_t)cfg->port, NULL, NULL, server_access, srv,
		MHD_OPTION_EXTERNAL_LOGGER, server_mhd_log, srv, /* first, to see all */
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)cfg->threads,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned int)HTTP_CONNECTIONS_MAX,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)cfg->connections_per_client,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)HTTP_TIMEOUT,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_HEADER_BYTES,
		MHD_OPTION_NOTIFY_COMPLETED, server_completed, srv,
		MHD_OPTION_NOTIFY_CONNECTION, server_connection, srv,
		MHD_OPTION_END);
	/* clang-format on */
	if (srv->mhd == NULL) {
		sk_error_set(err, SK_EIO, "cannot listen on %s port %d%s%s", cfg->listen,
			     cfg->port, errno ? ": " : "", errno ? strerror(errno) : "");
		deadline_stop(srv->deadline);
		signin_free(srv->signin);
		webfiles_free(srv->web);
		free(srv);
		return NULL;
	}
	return srv;
}

int http_server_port(const struct http_server *srv)
{
	const union MHD_DaemonInfo *info =
	    MHD_get_daemon_info(srv->mhd, MHD_DAEMON_INFO_BIND_PORT);

	return info ? (int)info->port : -1;
}

void http_server_stop(struct http_server *srv, int grace_ms)
{
	const struct timespec tick = {0, 10 * 1000 * 1000};
	MHD_socket fd;
	int waited = 0;

	if (srv == NULL)
		return;
	fd = MHD_quiesce_daemon(srv->mhd);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	while (atomic_load(&srv->in_flight) > 0 && waited < grace_ms) {
		nanosleep(&tick, NULL);
		waited += 10;
	}
	if (atomic_load(&srv->in_flight) > 0)
		log_warn("%d requests still in flight after %d ms; stopping anyway",
			 atomic_load(&srv->in_flight), grace_ms);
	MHD_stop_daemon(srv->mhd);
	deadline_stop(srv->deadline);
	signin_free(srv->signin);
	webfiles_free(srv->web);
	free(srv);
}
