/* cmd/schakeld.c: the schakel daemon: serves the HTTP API from a pool of
 * store connections until SIGTERM or SIGINT, then finishes the requests
 * in flight and exits 0. Runs in the foreground (systemd style). */
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cmd/common.h"
#include "config_build.h"
#include "http/api_registry.h"
#include "http/server.h"
#include "lib/config.h"
#include "lib/error.h"
#include "lib/log.h"
#include "lib/secret.h"
#include "lib/str.h"
#include "store/store.h"

#define PROG		  "schakeld"
#define SHUTDOWN_GRACE_MS 25000 /* requests in flight get this long */

static const char usage_text[] =
    "Usage: schakeld [OPTIONS]\n"
    "Serve the schakel HTTP API (JSON under /api/v1) until SIGTERM or SIGINT.\n"
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
	bool use_syslog;
};

static int read_settings(const struct config *cfg, const char *db_flag,
			 struct daemon_settings *out, struct sk_error *err)
{
	struct daemon_settings s = {0};
	int64_t port, threads, max_body, pool_size;
	const char *level;
	int rc;

	s.url = cmd_store_url(cfg, db_flag);
	s.http.listen = config_str(cfg, "http", "listen", "127.0.0.1");
	rc = config_int(cfg, "http", "port", 0, 65535, 8080, &port, err);
	if (rc == 0)
		rc = config_int(cfg, "http", "threads", 1, 256, 4, &threads, err);
	if (rc == 0)
		rc = config_int(cfg, "http", "max_body", 1, 1 << 30, 1 << 20, &max_body, err);
	if (rc == 0)
		rc = config_int(cfg, "store", "pool_size", 1, 256, threads, &pool_size, err);
	if (rc == 0)
		rc = config_bool(cfg, "log", "syslog", false, &s.use_syslog, err);
	if (rc != 0)
		return rc;
	level = config_str(cfg, "log", "level", "info");
	s.log_level = log_level_parse(level);
	if (s.log_level < 0)
		return sk_error_set(err, SK_ECONFIG,
				    "[log] level = '%s': expected error, warn, info or debug",
				    level);
	s.http.port = (int)port;
	s.http.threads = (int)threads;
	s.http.max_body = (size_t)max_body;
	s.pool_size = (int)pool_size;
	*out = s;
	return 0;
}

/* Wait for a signal that ends the daemon; SIGHUP is noted and ignored. */
static int wait_for_stop(const sigset_t *set)
{
	int sig = 0;

	for (;;) {
		if (sigwait(set, &sig) != 0)
			continue;
		if (sig != SIGHUP)
			return sig;
		log_info("SIGHUP ignored: restart schakeld to apply a changed configuration");
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
	static const struct router_route *const tables[] = {api_registry_routes, NULL};
	const char *conf_path = NULL, *db_flag = NULL, *listen = NULL, *port = NULL;
	struct sk_error err = {0};
	struct daemon_settings s;
	struct config *cfg = NULL;
	struct store_pool *pool = NULL;
	struct http_server *srv = NULL;
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
	s.http.tables = tables;
	log_init(PROG, (enum log_level)s.log_level, s.use_syslog);

	/* Signals are taken by sigwait() below; every thread started from
	 * here on inherits the mask. */
	sigemptyset(&stop_set);
	sigaddset(&stop_set, SIGTERM);
	sigaddset(&stop_set, SIGINT);
	sigaddset(&stop_set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &stop_set, NULL);
	signal(SIGPIPE, SIG_IGN);

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
	log_info("schakeld %s listening on %s port %d (%d threads, %d store connections)",
		 SCHAKEL_VERSION, s.http.listen, http_server_port(srv), s.http.threads,
		 s.pool_size);

	sig = wait_for_stop(&stop_set);
	log_info("%s: stopping; finishing requests in flight", strsignal(sig));
	http_server_stop(srv, SHUTDOWN_GRACE_MS);
	srv = NULL;
	log_info("stopped");
out:
	http_server_stop(srv, 0);
	store_pool_free(pool);
	config_free(cfg);
	return status;
}
