/* ops/doctor_files.c: the files schakel reads as it runs: the mail
 * templates (each parsed as the mail code parses it), the web console,
 * and the TLS certificate and key of [http] tls_cert and tls_key (read
 * with GnuTLS: whether they fit and when the certificate ends). */
#include <errno.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_build.h"
#include "lib/buf.h"
#include "lib/config.h"
#include "lib/error.h"
#include "lib/str.h"
#include "lib/template.h"
#include "lib/xalloc.h"
#include "model/org.h"
#include "ops/doctor_int.h"
#include "route/notify.h"
#include "ticket/intake.h"

/* One template: it exists, parses with the names its mail fills in, and
 * opens with a subject line. 0, SK_ENOTFOUND, or another error in err. */
static int template_check(const char *path, const char *const *names, struct sk_error *err)
{
	struct template *t = template_load(path, names, err);
	const char *subject, *body;
	struct buf text;
	int rc = 0;

	if (t == NULL)
		return err->code ? err->code : SK_EIO;
	buf_init(&text, 2 * TEMPLATE_MAX);
	if (template_render(t, NULL, 0, &text) != 0 || text.data == NULL ||
	    template_split_subject(text.data, &subject, &body) != 0)
		rc = sk_error_set(err, SK_ECONFIG,
				  "%s:1: the first line must be \"Subject: ...\"", path);
	buf_free(&text);
	template_free(t);
	return rc;
}

static void check_templates(const struct doctor_setup *d, struct doctor_report *r)
{
	static const struct {
		const char *prefix;
		const char *const *names;
	} kinds[] = {
	    {"notify", notify_template_names},
	    {"ticket-ack", intake_ack_names},
	    {"ticket-not-entitled", intake_ack_names},
	};
	const char *dir = config_str(d->cfg, "notify", "templates", SCHAKEL_TEMPLATES);
	char first[DOCTOR_TEXT_MAX] = "", fallback[64] = "", fix[DOCTOR_TEXT_MAX];
	size_t good = 0, bad = 0;

	for (size_t l = 0; contact_language_names[l] != NULL; l++) {
		const char *lang = contact_language_names[l];
		bool missing = false;

		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			char *path = xasprintf("%s/%s-%s.txt", dir, kinds[k].prefix, lang);
			struct sk_error err = {0};
			int rc = template_check(path, kinds[k].names, &err);

			if (rc == 0) {
				good++;
			} else if (rc == SK_ENOTFOUND && strcmp(lang, "en") != 0) {
				missing = true; /* mail in English instead */
			} else if (bad++ == 0 && rc == SK_ENOTFOUND) {
				snprintf(first, sizeof(first), "%s is missing", path);
			} else if (bad == 1) {
				snprintf(first, sizeof(first), "%s", err.msg);
			}
			free(path);
		}
		if (missing)
			snprintf(fallback + strlen(fallback),
				 sizeof(fallback) - strlen(fallback), "%s%s",
				 fallback[0] ? ", " : "", lang);
	}
	if (bad > 0) {
		snprintf(fix, sizeof(fix),
			 "restore the file from %s (the texts schakel ships) or correct it",
			 SCHAKEL_TEMPLATES);
		doctor_add(r, "templates", DOCTOR_FAIL, fix, "%s%s", first,
			   bad > 1 ? " (and more)" : "");
		return;
	}
	doctor_add(r, "templates", DOCTOR_OK, NULL, "%zu templates in %s read%s%s%s", good, dir,
		   fallback[0] ? "; " : "", fallback, fallback[0] ? " mail in English" : "");
}

static void check_web_root(const struct doctor_setup *d, struct doctor_report *r)
{
	const char *dir = config_str(d->cfg, "http", "web_root", SCHAKEL_WEB_ROOT);
	char *index = xasprintf("%s/index.html", dir);

	if (access(index, R_OK) == 0)
		doctor_add(r, "web-root", DOCTOR_OK, NULL, "the console's files are in %s",
			   dir);
	else
		doctor_add(r, "web-root", DOCTOR_WARN,
			   "install the console's files there, or set [http] web_root",
			   "no console: %s: %s", index, strerror(errno));
	free(index);
}

/* The certificate's end (Unix time), once the key is known to fit it. */
static int tls_read(const char *cert, const char *key, int64_t *end, struct sk_error *err)
{
	gnutls_certificate_credentials_t cred = NULL;
	gnutls_x509_crt_t crt = NULL;
	gnutls_datum_t data = {NULL, 0};
	int rc = 0, g;

	if ((g = gnutls_load_file(cert, &data)) < 0) {
		rc = sk_error_set(err, SK_ECONFIG, "%s: %s", cert, gnutls_strerror(g));
		goto out;
	}
	if (gnutls_x509_crt_init(&crt) < 0 ||
	    (g = gnutls_x509_crt_import(crt, &data, GNUTLS_X509_FMT_PEM)) < 0) {
		rc = sk_error_set(err, SK_ECONFIG, "%s is not a PEM certificate", cert);
		goto out;
	}
	if (gnutls_certificate_allocate_credentials(&cred) < 0 ||
	    (g = gnutls_certificate_set_x509_key_file(cred, cert, key, GNUTLS_X509_FMT_PEM)) <
		0) {
		rc = sk_error_set(err, SK_ECONFIG, "%s and %s do not make a pair: %s", cert,
				  key, gnutls_strerror(g));
		goto out;
	}
	*end = (int64_t)gnutls_x509_crt_get_expiration_time(crt);
out:
	if (cred != NULL)
		gnutls_certificate_free_credentials(cred);
	if (crt != NULL)
		gnutls_x509_crt_deinit(crt);
	gnutls_free(data.data);
	return rc;
}

static void check_tls(const struct doctor_setup *d, struct doctor_report *r)
{
	const char *cert = config_get(d->cfg, "http", "tls_cert");
	const char *key = config_get(d->cfg, "http", "tls_key");
	char fix[DOCTOR_TEXT_MAX], when[21];
	struct sk_error err = {0};
	struct stat sb;
	int64_t end = 0;

	if (cert == NULL && key == NULL) {
		doctor_add(
		    r, "tls", DOCTOR_OK, NULL,
		    "[http] tls_cert and tls_key are not set: schakeld speaks plain HTTP");
		return;
	}
	if (cert == NULL || key == NULL) {
		doctor_add(r, "tls", DOCTOR_FAIL, "set both [http] tls_cert and tls_key",
			   "only one of [http] tls_cert and tls_key is set");
		return;
	}
	if (stat(key, &sb) != 0 || access(key, R_OK) != 0 || access(cert, R_OK) != 0) {
		doctor_add(r, "tls", DOCTOR_FAIL,
			   "make both files readable for the user schakeld runs as",
			   "%s or %s cannot be read: %s", cert, key, strerror(errno));
		return;
	}
	if (!doctor_mode_private(sb.st_mode)) {
		snprintf(fix, sizeof(fix), "chmod 600 %s", key);
		doctor_add(r, "tls", DOCTOR_FAIL, fix,
			   "the TLS key %s is mode %04o: other users may read it", key,
			   (unsigned)(sb.st_mode & 07777));
		return;
	}
	if (tls_read(cert, key, &end, &err) != 0) {
		doctor_add(r, "tls", DOCTOR_FAIL, "correct [http] tls_cert and tls_key", "%s",
			   err.msg);
		return;
	}
	str_time_iso(end, when);
	snprintf(fix, sizeof(fix), "renew %s and restart schakeld", cert);
	if (end <= d->now)
		doctor_add(r, "tls", DOCTOR_FAIL, fix, "the certificate %s expired at %s", cert,
			   when);
	else if (end - d->now < DOCTOR_EXPIRY_MARGIN)
		doctor_add(r, "tls", DOCTOR_WARN, fix,
			   "the certificate %s expires in %lld days, at %s", cert,
			   (long long)((end - d->now) / 86400), when);
	else
		doctor_add(r, "tls", DOCTOR_OK, NULL, "the certificate %s is valid until %s",
			   cert, when);
}

void doctor_check_files(const struct doctor_setup *d, struct doctor_report *r)
{
	check_templates(d, r);
	check_web_root(d, r);
	check_tls(d, r);
}
