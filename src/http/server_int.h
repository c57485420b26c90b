/* http/server_int.h: what the parts of the HTTP server share: the
 * server, one request's state, and the answers (server_send.c). */
#ifndef SK_HTTP_SERVER_INT_H
#define SK_HTTP_SERVER_INT_H

#include <arpa/inet.h>
#include <microhttpd.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "http/forwarded.h"
#include "http/request.h"
#include "http/response.h"
#include "http/router.h"
#include "http/server.h"
#include "http/session.h"
#include "lib/buf.h"
#include "store/store.h"

struct deadline;
struct deadline_conn;
struct http_tls;
struct signin;
struct webfile;
struct webfiles;

#define LOG_PATH_MAX 200 /* bytes of path in the request log */

/* The server: its daemon, its settings and what requests share. */
struct http_server {
	struct MHD_Daemon *mhd;
	struct store_pool *pool;
	const struct router_route *const *tables;
	size_t max_body;
	struct signin *signin;
	struct session_config sessions;
	struct webfiles *web; /* NULL: the console is not installed */
	struct deadline *deadline;
	atomic_int in_flight;		  /* requests begun and not yet completed */
	struct http_tls *tls;		  /* NULL: plain HTTP */
	struct forwarded_proxies proxies; /* whose X-Forwarded-For is believed */
};

/* One request, from its headers to its log line. */
struct exchange {
	struct http_server *srv;
	struct timespec start;
	struct deadline_conn *watch;   /* NULL: not watched */
	char client[INET6_ADDRSTRLEN]; /* behind a trusted proxy, the one it forwards */
	char request_id[17];	       /* random, in hex: X-Request-Id and the log */
	char method[16];
	char log_path[LOG_PATH_MAX + 1];
	struct router_match match;
	struct user user;
	bool has_user;
	struct session session; /* when has_session */
	bool has_session;
	struct session_config sessions; /* the server's, Secure decided for this request */
	const struct webfile *file;	/* a file of the console to answer, or NULL */
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

/* Queue resp (consumed) on conn. */
enum MHD_Result server_send(struct exchange *ex, struct MHD_Connection *conn,
			    struct http_response *resp);

/* Answer an error right away. */
enum MHD_Result server_refuse(struct exchange *ex, struct MHD_Connection *conn, int status,
			      const char *code, const char *msg);

/* Answer err, logging it when it is the server's fault. */
enum MHD_Result server_refuse_error(struct exchange *ex, struct MHD_Connection *conn,
				    const struct sk_error *err);

/* Send ex->file, from memory. */
enum MHD_Result server_file_send(struct exchange *ex, struct MHD_Connection *conn);

#endif
