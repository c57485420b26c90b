/* http/server.h: the HTTP server of schakeld (libmicrohttpd with a pool
 * of threads). It enforces the request limits, authenticates (and checks
 * the CSRF token of a session), routes, hands each request a store from
 * the pool, serves the web console's files and logs one line per
 * request. Every answer carries the security headers (a strict
 * Content-Security-Policy, X-Frame-Options DENY, ...; HSTS over HTTPS).
 * HTTPS is served with the pair of http/tls.h; behind a trusted proxy
 * the client is the address it forwards (http/forwarded.h). */
#ifndef SK_HTTP_SERVER_H
#define SK_HTTP_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/forwarded.h"
#include "http/router.h"
#include "http/session.h"
#include "http/signin.h"

struct sk_error;
struct store_pool;

/* Limits on what a client may send; larger is refused before it is
 * buffered. */
#define HTTP_PATH_MAX	     1024  /* bytes of path: else 414 */
#define HTTP_HEADERS_MAX     64	   /* header lines: else 431 */
#define HTTP_HEADER_BYTES    32768 /* request line and headers (MHD memory) */
#define HTTP_CONNECTIONS_MAX 512   /* open connections */
#define HTTP_TIMEOUT	     30	   /* seconds a connection may idle */

/* Defaults of the settings below ([http] in schakel.conf). */
#define HTTP_REQUEST_TIMEOUT	    30 /* seconds to send a whole request */
#define HTTP_CONNECTIONS_PER_CLIENT 32 /* open connections from one address */

struct http_server_config {
	const char *listen;		  /* numeric IPv4 or IPv6 address */
	int port;			  /* 0 picks a free one */
	int threads;			  /* worker threads, >= 1 */
	size_t max_body;		  /* largest request body in bytes: else 413 */
	int64_t request_timeout;	  /* seconds to receive a whole request, >= 1 */
	int connections_per_client;	  /* open connections from one address, >= 1 */
	struct signin_config signin;	  /* password sign-in limits */
	struct session_config session;	  /* sign-in sessions of the web console */
	const char *web_root;		  /* the web console's files; NULL: none */
	const char *tls_cert;		  /* PEM certificate and chain; NULL: plain HTTP */
	const char *tls_key;		  /* PEM private key, with tls_cert */
	struct forwarded_proxies proxies; /* whose X-Forwarded-For is believed */
	/* NULL-terminated list of route tables (router_match); borrowed. */
	const struct router_route *const *tables;
};

struct http_server;

/* Start serving. cfg is copied, its tables and pool are borrowed and
 * must outlive the server. The files of web_root are read now (a
 * web_root that does not exist is logged and leaves the console out; a
 * file over the limits of http/webfiles.h is SK_ETOOBIG). A bad address
 * or TLS pair (http/tls.h) is SK_ECONFIG; failing to bind is SK_EIO. Stop and free with
 * http_server_stop(). */
struct http_server *http_server_start(const struct http_server_config *cfg,
				      struct store_pool *pool, struct sk_error *err);

/* Read [http] tls_cert and tls_key again (nothing without TLS): new
 * connections get the new pair, open ones go on. A bad pair is
 * SK_ECONFIG naming the file, and the old pair stays. */
int http_server_reload(struct http_server *srv, struct sk_error *err);

/* Does srv serve HTTPS? */
bool http_server_tls(const struct http_server *srv);

/* The port the server listens on. */
int http_server_port(const struct http_server *srv);

/* Stop accepting connections, let requests in flight finish (waiting at
 * most grace_ms), then close everything and free srv. */
void http_server_stop(struct http_server *srv, int grace_ms);

#endif
