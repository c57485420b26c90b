/* cmd/schakeld.c: the schakel daemon: serves the HTTP API from a pool of
 * store connections and runs the periodic jobs (the mail dispatcher)
 * until SIGTERM or SIGINT, then finishes the requests and runs in flight
 * and exits 0; SIGHUP reloads the TLS certificate and key. Runs in the
 * foreground (systemd style). */
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "access/access.h"
#include "advisory/publication.h"
#include "advisory/workflow.h"
#include "cmd/common.h"
#include "cmd/jobs.h"
#include "cmd/lmtpd.h"
#include "config_build.h"
#include "advisory/delivery.h"
#include "advisory/alert.h"
#include "http/api_advisories.h"
#include "http/api_events.h"
#include "http/api_csaf.h"
#include "http/api_publications.h"
#include "http/public_pages.h"
#include "http/api_alerts.h"
#include "http/api_tickets.h"
#include "http/api_keys.h"
#include "http/api_metrics.h"
#include "http/api_portal.h"
#include "http/routes.h"
#include "http/server.h"
#include "lib/config.h"
#include "lib/error.h"
#include "lib/log.h"
#include "lib/metrics.h"
#include "lib/secret.h"
#include "lib/str.h"
#include "mail/dispatch.h"
#include "mail/protect.h"
#include "registry/constituency.h"
#include "route/notify.h"
#include "route/retention.h"
#include "store/store.h"
#include "ticket/intake.h"

#define PROG		   "schakeld"
#define SHUTDOWN_GRACE_MS  25000   /* requests in flight get this long */
#define MAIL_INTERVAL_MS   1000	   /* the dispatcher looks for due mail this often */
#define MAIL_DOWN_MIN_MS   5000	   /* first pause once the relay is down */
#define MAIL_BATCH	   100	   /* messages a run; more go on at once */
#define MAIL_DOWN_MAX_MS   30000   /* longest pause while the relay is down */
#define NOTIFY_INTERVAL_MS 60000   /* due digests are looked for this often */
#define PURGE_INTERVAL_MS  3600000 /* events past retention are deleted this often */

static const char usage_text[] =
    "Usage: schakeld [OPTIONS]\n"
    "Serve the schakel HTTP API (JSON under /api/v1), send queued mail through\n"
    "[mail] relay, queue due notification digests and delete events past\n"
    "[events] retention_days, until SIGTERM or SIGINT. SIGHUP reloads the TLS\n"
    "certificate and key ([http] tls_cert, tls_key).\n"
    "\n"
    "  -c, --config FILE   configuration file (default $SCHAKEL_CONF, else\n"
    "                      " SCHAKEL_DEFAULT_CONF ")\n"
    "      --db URL        store URL (overrides [store] url)\n"
    "      --listen ADDR   numeric IPv4 or IPv6 address (overrides [http] listen;\n"
    "                      default 127.0.0.1)\n"
    "      --port N        TCP port (overrides [http] port; default 8080)\n"
    "      --foreground    stay in the foreground (the default; schakeld never\n"
    "                      daemonizes itself)\n"
    "  -h, --help          show this help\n"
    "  -V, --version       show the version\n"
    "\n"
    "Exit status: 0 after a clean shutdown, 64 usage, 74 I/O (cannot listen),\n"
    "75 store temporarily unavailable, 78 configuration.\n";

/* Settings schakeld runs with, from the configuration and the flags. */
struct daemon_settings {
	const char *url;
	struct http_server_config http;
	int pool_size;
	int log_level;
	int log_format;
	bool use_syslog;
	char metrics_token[METRICS_TOKEN_MAX + 1]; /* "" without [metrics] token_file */
	bool metrics_loopback;
	struct mail_settings mail;
	int64_t retention_days;
	struct notify_config notify;
	bool notify_on; /* notify.* and mail.from are set: digests go out */
	struct intake_config tickets;
	struct lmtpd_config lmtp;
};

/* The [http] limits on slow clients and password sign-ins. */
static int read_http_limits(const struct config *cfg, int threads,
			    struct http_server_config *http, struct sk_error *err)
{
	int64_t timeout, per_client, conc, ufail, afail, window, lockout;
	/* Fewer password checks at once than worker threads, so that the
	 * others stay free for tokens and /healthz; by default a quarter of
	 * them, as each check takes a core and 64 MiB for a while. */
	int64_t conc_max = threads > 1 ? threads - 1 : 1;
	int rc;

	rc = config_duration(cfg, "http", "request_timeout", 1, 3600, HTTP_REQUEST_TIMEOUT,
			     &timeout, err);
	if (rc == 0)
		rc = config_int(cfg, "http", "connections_per_client", 1, HTTP_CONNECTIONS_MAX,
				HTTP_CONNECTIONS_PER_CLIENT, &per_client, err);
	if (rc == 0)
		rc = config_int(cfg, "http", "signin_concurrency", 1, conc_max,
				threads / 4 > 1 ? threads / 4 : 1, &conc, err);
	if (rc == 0)
		rc = config_int(cfg, "http", "signin_user_failures", 1, 1000, 5, &ufail, err);
	if (rc == 0)
		rc = config_int(cfg, "http", "signin_address_failures", 1, 100000, 20, &afail,
				err);
	if (rc == 0)
		rc = config_duration(cfg, "http", "signin_window", 1, 86400, 15 * 60, &window,
				     err);
	if (rc == 0)
		rc = config_duration(cfg, "http", "signin_lockout", 1, 86400, 15 * 60, &lockout,
				     err);
	if (rc != 0)
		return rc;
	http->request_timeout = timeout;
	http->connections_per_client = (int)per_client;
	http->signin.concurrency = (int)conc;
	http->signin.user_failures = (int)ufail;
	http->signin.address_failures = (int)afail;
	http->signin.window = window;
	http->signin.lockout = lockout;
	return 0;
}

/* [session] and [http] web_root: the web console. cookie_secure = auto
 * marks the cookie Secure over HTTPS, served here or at a trusted proxy
 * that says so in X-Forwarded-Proto. */
static int read_console(const struct config *cfg, struct http_server_config *http,
			struct sk_error *err)
{
	const char *secure = config_str(cfg, "session", "cookie_secure", "auto");
	int64_t idle, lifetime;
	int rc;

	rc = config_duration(cfg, "session", "idle_timeout", 1, 86400, SESSION_IDLE_TIMEOUT,
			     &idle, err);
	if (rc == 0)
		rc = config_duration(cfg, "session", "lifetime", 1, 30 * 86400,
				     SESSION_LIFETIME, &lifetime, err);
	if (rc != 0)
		return rc;
	if (strcmp(secure, "auto") != 0 && strcmp(secure, "yes") != 0 &&
	    strcmp(secure, "no") != 0)
		return config_error(cfg, "session", "cookie_secure", err,
				    "expected auto, yes or no");
	http->session.idle_timeout = idle;
	http->session.lifetime = lifetime;
	http->session.cookie_secure = strcmp(secure, "yes") == 0;
	http->session.cookie_auto = strcmp(secure, "auto") == 0;
	http->web_root = config_str(cfg, "http", "web_root", SCHAKEL_WEB_ROOT);
	return 0;
}

/* [http] tls_cert, tls_key and trusted_proxies. The files themselves
 * are checked when the server starts. */
static int read_tls(const struct config *cfg, struct http_server_config *http,
		    struct sk_error *err)
{
	const char *cert = config_get(cfg, "http", "tls_cert");
	const char *key = config_get(cfg, "http", "tls_key");
	struct sk_error sub = {0};

	if (cert != NULL && *cert == '\0')
		cert = NULL;
	if (key != NULL && *key == '\0')
		key = NULL;
	if (cert != NULL && key == NULL)
		return config_error(cfg, "http", "tls_cert", err,
				    "needs [http] tls_key, the file of its private key");
	if (key != NULL && cert == NULL)
		return config_error(cfg, "http", "tls_key", err,
				    "needs [http] tls_cert, the file of its certificate");
	http->tls_cert = cert;
	http->tls_key = key;
	if (forwarded_parse(config_str(cfg, "http", "trusted_proxies", ""), &http->proxies,
			    &sub) != 0)
		return config_error(cfg, "http", "trusted_proxies", err, "%s", sub.msg);
	return 0;
}

/* [log] level and format, [metrics] token_file and loopback. */
static int read_observability(const struct config *cfg, struct daemon_settings *s,
			      struct sk_error *err)
{
	const char *token_file = config_get(cfg, "metrics", "token_file");
	int rc;

	s->log_level = log_level_parse(config_str(cfg, "log", "level", "info"));
	if (s->log_level < 0)
		return config_error(cfg, "log", "level", err,
				    "expected error, warn, info or debug");
	s->log_format = log_format_parse(config_str(cfg, "log", "format", "text"));
	if (s->log_format < 0)
		return config_error(cfg, "log", "format", err, "expected text or json");
	if ((rc = config_bool(cfg, "metrics", "loopback", true, &s->metrics_loopback, err)) !=
	    0)
		return rc;
	if (token_file != NULL &&
	    (rc = secret_file_read(token_file, "[metrics] token_file", s->metrics_token,
				   sizeof(s->metrics_token), err)) != 0)
		return rc;
	return 0;
}

static int read_settings(const struct config *cfg, const char *db_flag,
			 struct daemon_settings *out, struct sk_error *err)
{
	struct daemon_settings s = {0};
	int64_t port, threads, max_body, pool_size;
	int edit, rc;

	s.url = cmd_store_url(cfg, db_flag);
	s.http.listen = config_str(cfg, "http", "listen", "127.0.0.1");
	rc = config_int(cfg, "http", "port", 0, 65535, 8080, &port, err);
	if (rc == 0)
		rc = config_int(cfg, "http", "threads", 1, 256, 4, &threads, err);
	if (rc == 0)
		rc = config_int(cfg, "http", "max_body", 1, 1 << 30, 1 << 20, &max_body, err);
	if (rc == 0)
		rc = read_http_limits(cfg, (int)threads, &s.http, err);
	if (rc == 0)
		rc = read_console(cfg, &s.http, err);
	if (rc == 0)
		rc = read_tls(cfg, &s.http, err);
	if (rc == 0)
		rc = config_int(cfg, "store", "pool_size", 1, 256, threads, &pool_size, err);
	if (rc == 0)
		rc = config_bool(cfg, "log", "syslog", false, &s.use_syslog, err);
	if (rc == 0)
		rc = mail_settings_read(cfg, &s.mail, err);
	if (rc == 0)
		rc = config_int(cfg, "events", "retention_days", 1, 36500, 90,
				&s.retention_days, err);
	if (rc == 0)
		rc = read_observability(cfg, &s, err);
	if (rc != 0)
		return rc;
	s.http.port = (int)port;
	s.http.threads = (int)threads;
	s.http.max_body = (size_t)max_body;
	s.pool_size = (int)pool_size;
	/* What partners may change of their own organization. */
	edit = str_index(access_partner_edit_names,
			 config_str(cfg, "portal", "partners_edit", "no"));
	if (edit < 0)
		return config_error(cfg, "portal", "partners_edit", err,
				    "expected no, contacts or all");
	access_set_partner_edit((enum access_partner_edit)edit);
	if ((rc = intake_config_read(cfg, &s.tickets, err)) != 0 ||
	    (rc = lmtpd_config_read(cfg, s.tickets.max_size, &s.lmtp, err)) != 0)
		return rc;
	/* Last, so that no later error leaves its lists behind. */
	if (s.mail.from != NULL) {
		if ((rc = notify_config_load(cfg, &s.notify, err)) != 0) {
			intake_config_free(&s.tickets);
			return rc;
		}
		s.notify_on = true;
	}
	*out = s;
	explicit_bzero(s.metrics_token, sizeof(s.metrics_token));
	return 0;
}

/* ---- periodic jobs ---- */

/* The mail dispatcher: sends what is due, and while the relay is down
 * tries less often (logging once when it goes and once when it is
 * back). */
struct mail_job {
	const struct mail_settings *ms;
	int down; /* runs in a row that found the relay down */
};

static int mail_job_run(struct store *st, void *arg)
{
	struct mail_job *mj = arg;
	struct mail_dispatch_stats stats;
	struct sk_error err = {0};
	long pause;

	if (mail_dispatch(st, mj->ms, MAIL_BATCH, &stats, &err) != 0) {
		log_warn("mail: %s", err.msg);
		return 0;
	}
	if (stats.relay_down) {
		if (mj->down++ == 0)
			log_warn("mail: the relay cannot take mail; due mail stays queued: %s",
				 stats.relay_error);
		pause = (long)MAIL_DOWN_MIN_MS << (mj->down < 4 ? mj->down - 1 : 3);
		return (int)(pause < MAIL_DOWN_MAX_MS ? pause : MAIL_DOWN_MAX_MS);
	}
	if (mj->down > 0) {
		if (stats.sent > 0)
			log_info("mail: the relay takes mail again");
		mj->down = 0;
	}
	return stats.sent + stats.deferred + stats.failed >= MAIL_BATCH ? 1 : 0;
}

/* Retention: delete the events and sent mail older than
 * events.retention_days. */
static int purge_job_run(struct store *st, void *arg)
{
	const struct daemon_settings *s = arg;
	int64_t cut = (int64_t)str_time_now() - s->retention_days * 86400;
	struct sk_error err = {0};
	struct retention_result n;

	if (retention_purge(st, access_local_operator(), cut, false, &n, &err) != 0)
		log_warn("purge: %s", err.msg);
	else if (n.events + n.mails > 0)
		log_info("purge: deleted %lld events and %lld sent mail messages older than "
			 "%lld days",
			 (long long)n.events, (long long)n.mails, (long long)s->retention_days);
	return 0;
}

/* Notifications: queue the digests that are due (the mail job sends
 * them). */
static int notify_job_run(struct store *st, void *arg)
{
	const struct daemon_settings *s = arg;
	struct notify_stats stats;
	struct sk_error err = {0};

	if (notify_run(st, access_local_operator(), &s->notify, false, false, NULL, NULL,
		       &stats, &err) != 0) {
		log_warn("notify: %s", err.msg);
		return 0;
	}
	metrics_count(METRICS_DIGESTS_QUEUED, stats.digests);
	metrics_count(METRICS_DIGEST_EVENTS, stats.events);
	if (stats.digests > 0)
		log_info("notify: queued %zu digests with %zu events", stats.digests,
			 stats.events);
	return 0;
}

/* Wait for a signal that ends the daemon. SIGHUP reads the TLS
 * certificate and key again (a bad pair is logged and the old one
 * stays); the rest of the configuration takes a restart. */
static int wait_for_stop(const sigset_t *set, struct http_server *srv)
{
	int sig = 0;

	for (;;) {
		struct sk_error err = {0};

		if (sigwait(set, &sig) != 0)
			continue;
		if (sig != SIGHUP)
			return sig;
		if (!http_server_tls(srv))
			log_info("SIGHUP: no TLS to reload (other settings take a restart)");
		else if (http_server_reload(srv, &err) != 0)
			log_error("SIGHUP: %s; the old certificate stays in use", err.msg);
		else
			log_info("SIGHUP: TLS certificate and key reloaded");
	}
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"config", required_argument, NULL, 'c'}, {"db", required_argument, NULL, 'd'},
	    {"listen", required_argument, NULL, 'l'}, {"port", required_argument, NULL, 'p'},
	    {"foreground", no_argument, NULL, 'f'},   {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},      {NULL, 0, NULL, 0},
	};
	const char *conf_path = NULL, *db_flag = NULL, *listen = NULL, *port = NULL;
	struct sk_error err = {0};
	struct daemon_settings s = {0};
	struct config *cfg = NULL;
	struct store_pool *pool = NULL;
	struct http_server *srv = NULL;
	struct jobs *jobs = NULL;
	struct lmtpd *lmtp = NULL;
	struct mail_job mail_jobs[MAIL_SENDERS_MAX] = {{NULL, 0}};
	struct mail_pgp_settings pgp_settings = {0};
	struct advisory_settings advisory_settings;
	struct publication_settings publication_settings;
	struct delivery_settings delivery_settings;
	char relay[SMTP_RELAY_MAX + 1];
	sigset_t stop_set;
	int64_t port_num;
	int opt, sig, status = EX_OK;

	while ((opt = getopt_long(argc, argv, "c:hV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			conf_path = optarg;
			break;
		case 'd':
			db_flag = optarg;
			break;
		case 'l':
			listen = optarg;
			break;
		case 'p':
			port = optarg;
			break;
		case 'f':
			break;
		case 'h':
			fputs(usage_text, stdout);
			return EX_OK;
		case 'V':
			printf("schakeld %s\n", SCHAKEL_VERSION);
			return EX_OK;
		default:
			fputs(usage_text, stderr);
			return EX_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n%s", PROG, argv[optind],
			usage_text);
		return EX_USAGE;
	}
	if (port != NULL && str_to_i64(port, 0, 65535, &port_num) != 0) {
		fprintf(stderr, "%s: --port '%s': expected a number from 0 to 65535\n", PROG,
			port);
		return EX_USAGE;
	}

	log_init(PROG, LOG_LEVEL_INFO, 0);
	if (secret_init() != 0) {
		sk_error_set(&err, SK_EIO, "cannot initialise libsodium");
		status = cmd_fail(PROG, &err);
		goto out;
	}
	cfg = cmd_config_load(conf_path, &err);
	if (cfg == NULL) {
		status = cmd_fail(PROG, &err);
		goto out;
	}
	if (listen != NULL)
		config_set(cfg, "http", "listen", listen);
	if (port != NULL)
		config_set(cfg, "http", "port", port);
	if (read_settings(cfg, db_flag, &s, &err) != 0) {
		status = cmd_fail(PROG, &err);
		goto out;
	}
	s.http.tables = http_routes;
	if (api_events_configure(cfg, &err) != 0) {
		status = cmd_fail(PROG, &err);
		goto out;
	}
	api_tickets_configure(&s.tickets);
	api_portal_configure(&s.tickets);
	if (advisory_settings_load(cfg, &advisory_settings, &err) != 0) {
		status = cmd_fail(PROG, &err);
		goto out;
	}
	api_advisories_configure(&advisory_settings);
	if (api_csaf_configure(cfg, s.url, &err) != 0) {
		status = cmd_fail(PROG, &err);
		goto out;
	}
	if (publication_settings_load(cfg, &publication_settings, &err) != 0) {
		status = cmd_fail(PROG, &err);
		goto out;
	}
	api_publications_configure(&publication_settings);
	public_pages_configure(config_str(cfg, "http", "public_url", NULL));
	if (delivery_settings_load(cfg, &delivery_settings, &err) != 0) {
		status = cmd_fail(PROG, &err);
		goto out;
	}
	api_alerts_configure(&delivery_settings);
	log_init(PROG, (enum log_level)s.log_level, s.use_syslog);
	log_set_format((enum log_format)s.log_format);
	api_metrics_configure(s.metrics_token, s.metrics_loopback);
	explicit_bzero(s.metrics_token, sizeof(s.metrics_token));

	/* Signals are taken by sigwait() below; every thread started from
	 * here on inherits the mask. */
	sigemptyset(&stop_set);
	sigaddset(&stop_set, SIGTERM);
	sigaddset(&stop_set, SIGINT);
	sigaddset(&stop_set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &stop_set, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* OpenPGP for outbound mail; the mail job alone uses the context. */
	if (mail_pgp_settings_read(cfg, s.url, &pgp_settings, &err) != 0 ||
	    mail_pgp_open(&pgp_settings, &s.mail.pgp, &err) != 0) {
		status = cmd_fail(PROG, &err);
		goto out;
	}
	registry_set_key_check(cmd_key_check, pgp_settings.home);
	api_keys_configure(pgp_settings.home);
	api_tickets_configure_pgp(&pgp_settings);

	pool = store_pool_new(s.url, s.pool_size, &err);
	if (pool == NULL) {
		sk_error_prefix(&err, "store");
		status = cmd_fail(PROG, &err);
		goto out;
	}
	srv = http_server_start(&s.http, pool, &err);
	if (srv == NULL) {
		status = cmd_fail(PROG, &err);
		goto out;
	}
	{
		/* Add a job here: a name, a pause, a function, its argument
		 * and whether one node a period runs it. The mail senders
		 * come first, one entry each. */
		struct job job_table[MAIL_SENDERS_MAX + 3];
		size_t n_jobs = 0;

		for (int i = 0; i < s.mail.senders; i++) {
			mail_jobs[i].ms = &s.mail;
			job_table[n_jobs++] = (struct job){"mail", MAIL_INTERVAL_MS,
							   mail_job_run, &mail_jobs[i], false};
		}
		job_table[n_jobs++] =
		    (struct job){"purge", PURGE_INTERVAL_MS, purge_job_run, &s, true};
		job_table[n_jobs++] = (struct job){"alerts", ALERT_JOB_INTERVAL_MS, alert_job_run,
						   &delivery_settings, true};
		if (s.notify_on)
			job_table[n_jobs++] = (struct job){"notify", NOTIFY_INTERVAL_MS,
							   notify_job_run, &s, true};
		jobs = jobs_start(s.url, job_table, n_jobs, &err);
	}
	if (jobs == NULL) {
		status = cmd_fail(PROG, &err);
		goto out;
	}
	if (s.lmtp.listen != NULL) {
		lmtp = lmtpd_start(&s.lmtp, s.url, &s.tickets, pgp_settings.home, &err);
		if (lmtp == NULL) {
			status = cmd_fail(PROG, &err);
			goto out;
		}
		log_info("lmtp: mail in on %s (%d sessions)", lmtpd_address(lmtp),
			 s.lmtp.sessions);
	}
	log_info("schakeld %s listening on %s port %d (%d threads, %d store connections)",
		 SCHAKEL_VERSION, s.http.listen, http_server_port(srv), s.http.threads,
		 s.pool_size);
	if (http_server_tls(srv))
		log_info("HTTPS only (TLS 1.2 and 1.3), certificate %s, key %s",
			 s.http.tls_cert, s.http.tls_key);
	smtp_relay_display(s.mail.smtp.relay, relay, sizeof(relay));
	log_info("mail: due mail goes to %s, looked for every %d s by %d sender%s", relay,
		 MAIL_INTERVAL_MS / 1000, s.mail.senders, s.mail.senders == 1 ? "" : "s");
	if (!s.notify_on)
		log_warn("notify: no digests go out: [mail] from is not set");

	sig = wait_for_stop(&stop_set, srv);
	log_info("%s: stopping; finishing requests in flight", strsignal(sig));
	lmtpd_stop(lmtp);
	lmtp = NULL;
	http_server_stop(srv, SHUTDOWN_GRACE_MS);
	srv = NULL;
	jobs_stop(jobs);
	jobs = NULL;
	log_info("stopped");
out:
	lmtpd_stop(lmtp);
	jobs_stop(jobs);
	http_server_stop(srv, 0);
	notify_config_free(&s.notify);
	intake_config_free(&s.tickets);
	mail_pgp_close(s.mail.pgp);
	mail_pgp_settings_free(&pgp_settings);
	store_pool_free(pool);
	api_events_unconfigure();
	config_free(cfg);
	return status;
}
