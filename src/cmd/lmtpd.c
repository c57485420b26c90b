/* cmd/lmtpd.c: the LMTP listener (see lmtpd.h): a socket, and a fixed
 * set of worker threads that take turns accepting on it, each serving
 * one session at a time with a store of its own from a pool. The
 * protocol is mail/lmtp.c, the group commit lmtpd_batch.c; here is the
 * I/O, the clock, and the answer to each message: intake_mail()'s
 * result, given to every recipient.
 *
 * SECURITY: a session's input is bounded by mail/lmtp.c's limits and
 * [lmtp] timeout per read and per write; a unix socket is mode 0660. */
#include "cmd/lmtpd.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cmd/lmtpd_batch.h"
#include "lib/config.h"
#include "lib/error.h"
#include "lib/log.h"
#include "lib/metrics.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "mail/lmtp.h"
#include "store/store.h"
#include "ticket/intake.h"

#define LMTPD_BACKLOG  64
#define LMTPD_READ_MAX 65536 /* bytes read at a time */
#define ADDRESS_MAX    192   /* "unix:" and a path, or "[address]:port" */

struct lmtpd {
	const struct lmtpd_config *c;
	struct intake_config ic;
	struct lmtp_limits lim;
	char host[256];
	char address[ADDRESS_MAX];
	const char *unix_path; /* within address; NULL for TCP */
	int fd;
	int stop_pipe[2];
	atomic_bool stopping;
	struct store_pool *pool;
	struct lmtpd_batch *batch;
	pthread_t *threads;
	int nthreads;
};

int lmtpd_config_read(const struct config *cfg, int64_t tickets_max_size,
		      struct lmtpd_config *out, struct sk_error *err)
{
	int64_t max_size, sessions, timeout;
	int rc;

	rc = config_int(cfg, "lmtp", "max_size", 1, INT64_MAX / 2, tickets_max_size, &max_size,
			err);
	if (rc == 0)
		rc = config_int(cfg, "lmtp", "sessions", 1, 256, LMTPD_SESSIONS_DEFAULT,
				&sessions, err);
	if (rc == 0)
		rc = config_duration(cfg, "lmtp", "timeout", 1, 3600, LMTPD_TIMEOUT_DEFAULT,
				     &timeout, err);
	if (rc != 0)
		return rc;
	out->listen = config_get(cfg, "lmtp", "listen");
	if (out->listen != NULL && out->listen[0] == '\0')
		out->listen = NULL;
	out->max_size = max_size;
	out->sessions = (int)sessions;
	out->timeout = (int)timeout;
	return 0;
}

/* ---- the socket ---- */

/* A socket that does not block in accept(), closed in children. */
static int listen_socket(int family)
{
	int fd = socket(family, SOCK_STREAM, 0);

	if (fd >= 0 && (fcntl(fd, F_SETFD, FD_CLOEXEC) != 0 ||
			fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* "unix:/path": a stale socket left by a daemon before is replaced. */
static int listen_unix(struct lmtpd *d, const char *path, struct sk_error *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct stat sb;

	if (path[0] != '/' || strlen(path) >= sizeof(sa.sun_path))
		return sk_error_set(
		    err, SK_ECONFIG,
		    "[lmtp] listen: 'unix:%s' is not an absolute path of at most "
		    "%zu bytes",
		    path, sizeof(sa.sun_path) - 1);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (lstat(path, &sb) == 0 && S_ISSOCK(sb.st_mode))
		unlink(path);
	d->fd = listen_socket(AF_UNIX);
	if (d->fd < 0 || bind(d->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    chmod(path, 0660) != 0)
		return sk_error_set(
		    err, SK_EIO,
		    "[lmtp] listen: cannot make the socket %s: %s (its directory "
		    "must exist)",
		    path, strerror(errno));
	snprintf(d->address, sizeof(d->address), "unix:%s", path);
	d->unix_path = d->address + 5;
	return 0;
}

/* "address:port" or "[v6]:port", numeric. */
static int listen_tcp(struct lmtpd *d, const char *spec, struct sk_error *err)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE};
	struct addrinfo *ai = NULL;
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	char host[128], port[16];
	const char *colon = strrchr(spec, ':');
	size_t hlen = colon != NULL ? (size_t)(colon - spec) : 0;
	int one = 1, rc;

	if (hlen >= 2 && spec[0] == '[' && spec[hlen - 1] == ']')
		spec++, hlen -= 2;
	if (colon == NULL || hlen == 0 || hlen >= sizeof(host) || strlen(colon + 1) == 0 ||
	    strlen(colon + 1) >= sizeof(port))
		return sk_error_set(
		    err, SK_ECONFIG,
		    "[lmtp] listen = '%s': expected unix:/path, address:port or "
		    "[address]:port",
		    d->c->listen);
	memcpy(host, spec, hlen);
	host[hlen] = '\0';
	snprintf(port, sizeof(port), "%s", colon + 1);
	if ((rc = getaddrinfo(host, port, &hints, &ai)) != 0)
		return sk_error_set(err, SK_ECONFIG,
				    "[lmtp] listen = '%s': not a numeric address and port: %s",
				    d->c->listen, gai_strerror(rc));
	d->fd = listen_socket(ai->ai_family);
	if (d->fd >= 0)
		setsockopt(d->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	rc = d->fd < 0 || bind(d->fd, ai->ai_addr, ai->ai_addrlen) != 0;
	freeaddrinfo(ai);
	if (rc || getsockname(d->fd, (struct sockaddr *)&ss, &sslen) != 0)
		return sk_error_set(err, SK_EIO, "[lmtp] listen: cannot bind %s: %s",
				    d->c->listen, strerror(errno));
	getnameinfo((struct sockaddr *)&ss, sslen, NULL, 0, port, sizeof(port), NI_NUMERICSERV);
	snprintf(d->address, sizeof(d->address), "%s%s%s:%s",
		 ss.ss_family == AF_INET6 ? "[" : "", host, ss.ss_family == AF_INET6 ? "]" : "",
		 port);
	return 0;
}

/* ---- a session ---- */

/* Send what the session has to say; false if the client is gone or too
 * slow to read it. */
static bool session_flush(struct lmtpd *d, int fd, struct lmtp *s)
{
	size_t len;
	const char *out = lmtp_output(s, &len);

	while (len > 0) {
		ssize_t n = send(fd, out, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		struct pollfd p = {fd, POLLOUT, 0};

		if (n > 0) {
			lmtp_output_done(s, (size_t)n);
			out = lmtp_output(s, &len);
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			return false;
		if (poll(&p, 1, d->c->timeout * 1000) <= 0)
			return false;
	}
	return true;
}

/* Take in the message s holds and answer it. The answer is intake's:
 * stored (or stored before): 250; never acceptable: 552 or 554 with the
 * reason; anything else is worth another try: 451. */
static void session_deliver(struct lmtpd *d, struct store *st, struct lmtp *s)
{
	struct lmtpd_job job = {0};
	const struct intake_result *r = &job.r;
	const struct sk_error *err = &job.err;
	const char *from, *raw;
	char text[SK_ERROR_MAX + 64];
	size_t len;
	int nrcpt;

	lmtp_envelope(s, &from, &raw, &len, &nrcpt);
	job.from = from;
	job.raw = raw;
	job.len = len;
	lmtpd_batch_take(d->batch, st, &d->ic, &job);
	if (job.rc == 0) {
		snprintf(text, sizeof(text), "%s ticket #%lld",
			 r->duplicate ? "stored before on" : "stored on",
			 (long long)r->ticket_id);
		log_debug("lmtp: from <%s>, %zu bytes: %s", from ? from : "", len, text);
		metrics_count(r->duplicate ? METRICS_LMTP_DUPLICATE : METRICS_LMTP_STORED, 1);
		lmtp_answer(s, 250, "2.0.0", text);
	} else if (r->refused) {
		log_info("lmtp: from <%s>, %zu bytes: refused: %s", from ? from : "", len,
			 err->msg);
		metrics_count(METRICS_LMTP_REFUSED, 1);
		lmtp_answer(s, job.rc == SK_ETOOBIG ? 552 : 554,
			    job.rc == SK_ETOOBIG ? "5.3.4" : "5.6.0", err->msg);
	} else {
		log_warn("lmtp: from <%s>, %zu bytes: not stored, the sender tries again: %s",
			 from ? from : "", len, err->msg);
		snprintf(text, sizeof(text), "not stored, try again later: %s", err->msg);
		metrics_count(METRICS_LMTP_DEFERRED, 1);
		lmtp_answer(s, 451, "4.3.0", text);
	}
}

/* Serve one client on fd until it quits, times out or the daemon stops. */
static void session_run(struct lmtpd *d, struct store *st, int fd)
{
	struct lmtp *s = lmtp_new(&d->lim, d->host);
	char *in = xmalloc(LMTPD_READ_MAX);
	enum lmtp_event ev = LMTP_MORE;

	while (ev != LMTP_CLOSE && session_flush(d, fd, s)) {
		struct pollfd p[2] = {{fd, POLLIN, 0}, {d->stop_pipe[0], POLLIN, 0}};
		bool watch_stop = !lmtp_in_data(s);
		size_t off = 0;
		ssize_t n;
		int ready;

		if (watch_stop && atomic_load(&d->stopping)) {
			ev = lmtp_shutdown(s);
			continue;
		}
		ready = poll(p, watch_stop ? 2 : 1, d->c->timeout * 1000);
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready == 0) {
			ev = lmtp_timeout(s);
			continue;
		}
		if (ready < 0)
			break;
		if ((p[0].revents & (POLLIN | POLLHUP | POLLERR)) == 0)
			continue; /* the stop, seen at the top */
		n = recv(fd, in, LMTPD_READ_MAX, MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			continue;
		if (n <= 0)
			break;
		while (off < (size_t)n && ev != LMTP_CLOSE) {
			size_t used;

			ev = lmtp_feed(s, in + off, (size_t)n - off, &used);
			off += used;
			if (ev == LMTP_DELIVER) {
				session_deliver(d, st, s);
				ev = LMTP_MORE;
			} else if (off < (size_t)n && !session_flush(d, fd, s)) {
				ev = LMTP_CLOSE;
			}
		}
	}
	session_flush(d, fd, s);
	lmtp_free(s);
	free(in);
}

/* A worker: accept a client, serve it, again, until the stop. */
static void *worker(void *arg)
{
	struct lmtpd *d = arg;
	struct store *st = store_pool_get(d->pool);
	struct sk_error err = {0};

	store_set_actor(st, "lmtp");
	if (store_durable(st, &err) != 0)
		log_warn("lmtp: %s", err.msg);
	while (!atomic_load(&d->stopping)) {
		struct pollfd p[2] = {{d->fd, POLLIN, 0}, {d->stop_pipe[0], POLLIN, 0}};
		int fd;

		if (poll(p, 2, -1) < 0 || (p[0].revents & POLLIN) == 0)
			continue;
		fd = accept(d->fd, NULL, NULL);
		if (fd < 0)
			continue; /* another worker took it */
		fcntl(fd, F_SETFD, FD_CLOEXEC);
		metrics_gauge_add(METRICS_LMTP_SESSIONS, 1);
		session_run(d, st, fd);
		metrics_gauge_add(METRICS_LMTP_SESSIONS, -1);
		close(fd);
	}
	store_pool_put(d->pool, st);
	return NULL;
}

/* ---- start and stop ---- */

struct lmtpd *lmtpd_start(const struct lmtpd_config *c, const char *url,
			  const struct intake_config *ic, const char *pgp_home,
			  struct sk_error *err)
{
	struct lmtpd *d = xcalloc(1, sizeof(*d));
	int rc;

	d->c = c;
	d->ic = *ic;
	d->ic.pgp_home = pgp_home;
	d->fd = d->stop_pipe[0] = d->stop_pipe[1] = -1;
	d->lim = (struct lmtp_limits){c->max_size, LMTP_DATA_LINE_MAX, LMTP_RCPT_MAX,
				      LMTP_ERRORS_MAX};
	if (gethostname(d->host, sizeof(d->host) - 1) != 0 || d->host[0] == '\0')
		snprintf(d->host, sizeof(d->host), "localhost");
	rc = str_has_prefix(c->listen, "unix:") ? listen_unix(d, c->listen + 5, err)
						: listen_tcp(d, c->listen, err);
	if (rc == 0 && listen(d->fd, LMTPD_BACKLOG) != 0)
		rc = sk_error_set(err, SK_EIO, "[lmtp] listen: cannot listen on %s: %s",
				  d->address, strerror(errno));
	if (rc == 0 && pipe(d->stop_pipe) != 0)
		rc = sk_error_set(err, SK_EIO, "lmtp: cannot make a pipe: %s", strerror(errno));
	for (int i = 0; rc == 0 && i < 2; i++)
		fcntl(d->stop_pipe[i], F_SETFD, FD_CLOEXEC);
	if (rc == 0 && (d->pool = store_pool_new(url, c->sessions, err)) == NULL) {
		sk_error_prefix(err, "lmtp: store");
		rc = SK_ETEMP;
	}
	if (rc != 0) {
		lmtpd_stop(d);
		return NULL;
	}
	d->batch = lmtpd_batch_new();
	d->threads = xcalloc((size_t)c->sessions, sizeof(*d->threads));
	for (; d->nthreads < c->sessions; d->nthreads++)
		if (pthread_create(&d->threads[d->nthreads], NULL, worker, d) != 0) {
			sk_error_set(err, SK_EIO, "lmtp: cannot start a thread");
			lmtpd_stop(d);
			return NULL;
		}
	return d;
}

const char *lmtpd_address(const struct lmtpd *d)
{
	return d->address;
}

void lmtpd_stop(struct lmtpd *d)
{
	if (d == NULL)
		return;
	atomic_store(&d->stopping, true);
	if (d->stop_pipe[1] >= 0 && write(d->stop_pipe[1], "x", 1) < 0)
		log_warn("lmtp: cannot wake the sessions: %s", strerror(errno));
	for (int i = 0; i < d->nthreads; i++)
		pthread_join(d->threads[i], NULL);
	if (d->fd >= 0)
		close(d->fd);
	if (d->unix_path != NULL)
		unlink(d->unix_path);
	for (int i = 0; i < 2; i++)
		if (d->stop_pipe[i] >= 0)
			close(d->stop_pipe[i]);
	store_pool_free(d->pool);
	lmtpd_batch_free(d->batch);
	free(d->threads);
	free(d);
}
