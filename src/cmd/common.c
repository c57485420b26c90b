/* cmd/common.c: configuration and store URL for both binaries. */
#include "cmd/common.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/config.h"
#include "lib/error.h"
#include "lib/xalloc.h"
#include "pgp/pgp.h"
#include "ticket/sla.h"

/* Every setting schakel knows; anything else in the file is a typo. */
static const char *const known_settings[] = {
    "store.url",
    "store.pool_size",
    "http.listen",
    "http.port",
    "http.threads",
    "http.max_body",
    "http.max_events_body",
    "http.public_url",
    "http.request_timeout",
    "http.connections_per_client",
    "http.signin_concurrency",
    "http.signin_user_failures",
    "http.signin_address_failures",
    "http.signin_window",
    "http.signin_lockout",
    "http.web_root",
    "http.tls_cert",
    "http.tls_key",
    "http.trusted_proxies",
    "http.public_url",
    "session.idle_timeout",
    "session.lifetime",
    "session.cookie_secure",
    "log.level",
    "log.syslog",
    "log.format",
    "metrics.token_file",
    "metrics.loopback",
    "feeds.tlp",
    "feeds.shadowserver_schema",
    "route.match",
    "route.asn_mmdb",
    "route.country_mmdb",
    "ingest.max_batch_events",
    "ingest.http_concurrency",
    "events.retention_days",
    "notify.interval",
    "notify.immediate",
    "notify.templates",
    "notify.drop_fields",
    "notify.sender",
    "mail.relay",
    "mail.from",
    "mail.max_attempts",
    "mail.lease",
    "mail.senders",
    "mail.tls",
    "pgp.home",
    "pgp.key",
    "pgp.passphrase_file",
    "pgp.require_encryption",
    "tickets.tag",
    "tickets.addresses",
    "tickets.ack",
    "tickets.ack_per_hour",
    "tickets.max_size",
    "tickets.max_parts",
    "tickets.max_depth",
    "tickets.max_headers",
    "tickets.max_header_length",
    "scope.country",
    "scope.delegated",
    "scope.tlds",
    "portal.partners_edit",
    "lmtp.listen",
    "lmtp.max_size",
    "lmtp.sessions",
    "lmtp.timeout",
    "advisories.prefix",
    "advisories.review",
    "csaf.publisher_name",
    "csaf.publisher_namespace",
    "csaf.base_url",
    "publications.prefix",
    "publications.max_attachment",
    "publications.max_attachments",
    "publications.max_total",
    "alerts.escalate_after",
    NULL,
};

const char *cmd_config_path(const char *path, bool *optional)
{
	const char *env = getenv("SCHAKEL_CONF");

	*optional = false;
	if (path != NULL)
		return path;
	if (env != NULL && *env != '\0')
		return env;
	*optional = true;
	return SCHAKEL_DEFAULT_CONF;
}

int cmd_config_check(const struct config *cfg, struct sk_error *err)
{
	enum { OURS = sizeof(known_settings) / sizeof(known_settings[0]) - 1 };
	const char **known;
	size_t n = 0, nsla = 0;
	int rc;

	/* Ours and the SLA module's, in one list. */
	while (sla_settings[nsla] != NULL)
		nsla++;
	known = xcalloc(OURS + nsla + 1, sizeof(*known));
	for (size_t i = 0; i < OURS; i++)
		known[n++] = known_settings[i];
	for (size_t i = 0; i < nsla; i++)
		known[n++] = sla_settings[i];
	rc = config_check_known(cfg, known, err);
	free(known);
	return rc;
}

struct config *cmd_config_load(const char *path, struct sk_error *err)
{
	bool optional;
	struct config *cfg;

	path = cmd_config_path(path, &optional);
	cfg = config_load(path, optional, err);
	if (cfg == NULL)
		return NULL;
	if (cmd_config_check(cfg, err) != 0) {
		config_free(cfg);
		return NULL;
	}
	return cfg;
}

const char *cmd_store_url(const struct config *cfg, const char *db_flag)
{
	if (db_flag != NULL)
		return db_flag;
	return config_str(cfg, "store", "url", SCHAKEL_DEFAULT_DB);
}

int cmd_key_check(const char *fpr, void *home, struct sk_error *err)
{
	struct pgp *p = pgp_open(home, err);
	struct pgp_key k;
	int rc;

	if (p == NULL)
		return SK_ECONFIG;
	rc = pgp_key_get(p, fpr, false, &k, err);
	pgp_close(p);
	if (rc == SK_ENOTFOUND)
		return sk_error_set(
		    err, SK_EINVAL,
		    "pgp fingerprint %s: no such key in schakel's keyring (schakel key "
		    "import it first)",
		    fpr);
	return rc;
}

int cmd_fail(const char *prog, const struct sk_error *err)
{
	fprintf(stderr, "%s: %s\n", prog, err->msg[0] ? err->msg : "failed");
	return sk_error_exit_code(err->code);
}
