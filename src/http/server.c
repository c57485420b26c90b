/* http/server.c: libmicrohttpd glue: per-request state, limits, the
 * order of checks (path, route, authentication, the route's access rule,
 * body), dispatch to a handler with a pooled store, the request log, and
 * starting the daemon (HTTP or HTTPS). The answers are in server_send.c.
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
 * with control and non-ASCII bytes replaced, with the client address:
 * the peer's, or behind a trusted proxy the one it forwards in
 * X-Forwarded-For (http/forwarded.h; at most FORWARDED_LIST_MAX bytes of
 * it are read). */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sodium.h>
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

#include "http/api_metrics.h"
#include "http/auth.h"
#include "http/deadline.h"
#include "http/forwarded.h"
#include "http/request.h"
#include "http/response.h"
#include "http/routes.h"
#include "http/server_int.h"
#include "http/session.h"
#include "http/signin.h"
#include "http/tls.h"
#include "http/webfiles.h"
#include "lib/buf.h"
#include "lib/error.h"
#include "lib/log.h"
#include "lib/xalloc.h"
#include "store/store.h"

#define ACTOR_MAX (USER_NAME_MAX + 8)

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

/* MHD_KeyValueIterator: join the X-Forwarded-For lines, in order. */
static enum MHD_Result collect_forwarded(void *cls, enum MHD_ValueKind kind, const char *key,
					 const char *value)
{
	struct buf *b = cls;

	(void)kind;
	if (strcasecmp(key, "X-Forwarded-For") != 0)
		return MHD_YES;
	if ((b->len > 0 && buf_append_char(b, ',') != 0) || buf_append_str(b, value) != 0) {
		b->len = 0; /* too long to believe: the proxy is the client */
		return MHD_NO;
	}
	return MHD_YES;
}

/* Who the client is (behind a trusted proxy, the address it forwarded)
 * and whether a session cookie must be Secure. */
static void server_client(struct exchange *ex, struct MHD_Connection *conn)
{
	const struct http_server *srv = ex->srv;
	char peer[INET6_ADDRSTRLEN];
	const char *proto;
	bool https = srv->tls != NULL;

	client_address(conn, peer);
	memcpy(ex->client, peer, sizeof(peer));
	if (srv->proxies.n > 0 && forwarded_trusted(&srv->proxies, peer)) {
		struct buf xff;

		buf_init(&xff, FORWARDED_LIST_MAX);
		MHD_get_connection_values(conn, MHD_HEADER_KIND, collect_forwarded, &xff);
		forwarded_client(&srv->proxies, peer, xff.len > 0 ? buf_str(&xff) : NULL,
				 ex->client);
		buf_free(&xff);
		proto = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-Proto");
		https = https || (proto != NULL && strcasecmp(proto, "https") == 0);
	}
	ex->sessions = srv->sessions;
	if (srv->sessions.cookie_auto)
		ex->sessions.cookie_secure = https;
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
	ex->req.sessions = &ex->sessions;
	ex->req.session = ex->has_session ? &ex->session : NULL;
	ex->req.authorization =
	    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);

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

/* A new request id: 16 random hex digits. */
static void request_id_new(char out[17])
{
	unsigned char raw[8];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(out, 17, raw, sizeof(raw));
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
		server_client(ex, conn);
		request_id_new(ex->request_id);
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

/* MHD_RequestCompletedCallback: log and count the request, free its
 * state. */
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
	api_metrics_request(ex->match.route, ex->method, ex->status, ms / 1e3);
	log_event(LOG_LEVEL_INFO, "http.request",
		  (const struct log_field[]){
		      LOG_STR("request_id", ex->request_id), LOG_STR("method", ex->method),
		      LOG_STR("path", ex->log_path),
		      LOG_STR("route", ex->match.route ? ex->match.route->pattern : NULL),
		      LOG_INT("status", ex->status), LOG_REAL("duration_ms", ms),
		      LOG_STR("user", ex->has_user ? ex->user.name : NULL),
		      LOG_STR("client", ex->client),
		      LOG_STR("outcome",
			      toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? NULL : "aborted"),
		      LOG_END},
		  "%s %s %d %.1fms %s from %s%s", ex->method, ex->log_path, ex->status, ms,
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

/* Free srv and what it holds; its MHD daemon is stopped already. */
static void server_free(struct http_server *srv)
{
	deadline_stop(srv->deadline);
	signin_free(srv->signin);
	webfiles_free(srv->web);
	http_tls_free(srv->tls);
	free(srv);
}

struct http_server *http_server_start(const struct http_server_config *cfg,
				      struct store_pool *pool, struct sk_error *err)
{
	struct http_server *srv = NULL;
	struct sockaddr_storage ss;
	unsigned int flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_USE_ITC;
	struct MHD_OptionItem tls_options[] = {
	    {MHD_OPTION_HTTPS_CERT_CALLBACK2, 0, (void *)http_tls_retrieve},
	    {MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)HTTP_TLS_PRIORITIES},
	    {MHD_OPTION_END, 0, NULL},
	};
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
	srv->proxies = cfg->proxies;
	if (cfg->tls_cert != NULL) {
		if (MHD_is_feature_supported(MHD_FEATURE_HTTPS_CERT_CALLBACK2) != MHD_YES) {
			sk_error_set(err, SK_ECONFIG,
				     "[http] tls_cert: this libmicrohttpd cannot serve HTTPS");
			goto fail;
		}
		srv->tls = http_tls_load(cfg->tls_cert, cfg->tls_key, err);
		if (srv->tls == NULL)
			goto fail;
		flags |= MHD_USE_TLS;
	} else {
		tls_options[0].option = MHD_OPTION_END;
	}
	if (cfg->web_root != NULL && server_web_load(srv, cfg->web_root, err) != 0)
		goto fail;
	srv->signin = signin_new(&cfg->signin);
	srv->deadline = deadline_start(cfg->request_timeout);
	if (srv->deadline == NULL) {
		sk_error_set(err, SK_EIO, "cannot start the request deadline's thread");
		goto fail;
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
		MHD_OPTION_ARRAY, tls_options,
		MHD_OPTION_END);
	/* clang-format on */
	if (srv->mhd == NULL) {
		sk_error_set(err, SK_EIO, "cannot listen on %s port %d%s%s", cfg->listen,
			     cfg->port, errno ? ": " : "", errno ? strerror(errno) : "");
		goto fail;
	}
	return srv;
fail:
	server_free(srv);
	return NULL;
}

int http_server_reload(struct http_server *srv, struct sk_error *err)
{
	if (srv->tls == NULL)
		return 0;
	return http_tls_reload(srv->tls, err);
}

bool http_server_tls(const struct http_server *srv)
{
	return srv->tls != NULL;
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
	server_free(srv);
}
