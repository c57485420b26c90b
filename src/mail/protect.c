/* mail/protect.c: the outbound OpenPGP policy: find each recipient's key,
 * decide sign, sign and encrypt, or hold, and build the PGP/MIME message
 * (pgp/mime.h). */
#include "mail/protect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/config.h"
#include "lib/log.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "model/org.h"
#include "pgp/mime.h"
#include "pgp/pgp.h"
#include "store/store.h"

struct mail_pgp {
	struct pgp *p;
	struct pgp_key own;
	enum tlp_label require;
};

int mail_pgp_settings_read(const struct config *cfg, const char *store_url,
			   struct mail_pgp_settings *out, struct sk_error *err)
{
	struct mail_pgp_settings s = {0};
	const char *req = config_str(cfg, "pgp", "require_encryption", "TLP:AMBER");
	char fpr[PGP_FPR_MAX + 1];
	struct sk_error local = {0};

	if (tlp_parse(req, &s.require, &local) != 0)
		return config_error(cfg, "pgp", "require_encryption", err, "%s", local.msg);
	s.key = config_get(cfg, "pgp", "key");
	if (s.key != NULL && pgp_fpr_normalize(s.key, fpr, &local) != 0)
		return config_error(cfg, "pgp", "key", err, "%s", local.msg);
	s.passphrase_file = config_get(cfg, "pgp", "passphrase_file");
	s.home = pgp_home_path(cfg, store_url);
	*out = s;
	return 0;
}

void mail_pgp_settings_free(struct mail_pgp_settings *s)
{
	free(s->home);
	s->home = NULL;
}

int mail_pgp_open(const struct mail_pgp_settings *s, struct mail_pgp **out,
		  struct sk_error *err)
{
	struct sk_error local = {0};
	struct mail_pgp *mp;
	struct pgp *p;
	int rc;

	p = pgp_open(s->home, &local);
	if (p == NULL) {
		log_warn("mail goes out unsigned: %s", local.msg);
		*out = NULL;
		return 0;
	}
	if (s->passphrase_file != NULL &&
	    (rc = pgp_set_passphrase_file(p, s->passphrase_file, err)) != 0) {
		pgp_close(p);
		return rc;
	}
	mp = xcalloc(1, sizeof(*mp));
	mp->p = p;
	mp->require = s->require;
	rc = pgp_own_key(p, s->key, &mp->own, &local);
	if (rc == SK_ENOTFOUND && (s->key == NULL || *s->key == '\0')) {
		log_warn("mail goes out unsigned: %s", local.msg);
		mail_pgp_close(mp);
		*out = NULL;
		return 0;
	}
	if (rc != 0) {
		mail_pgp_close(mp);
		return sk_error_set(err, SK_ECONFIG, "%s", local.msg);
	}
	*out = mp;
	return 0;
}

void mail_pgp_close(struct mail_pgp *mp)
{
	if (mp == NULL)
		return;
	pgp_close(mp->p);
	free(mp);
}

bool mail_pgp_rcpt_key(struct mail_pgp *mp, struct store *st, const char *addr,
		       char fpr[PGP_FPR_MAX + 1])
{
	struct contact c;
	struct pgp_key k;
	bool found = false;
	int64_t now = str_time_now();

	contact_init(&c);
	if (store_contact_find_email(st, addr, &c, NULL) == 0 && c.pgp_fpr[0] != '\0') {
		/* The contact names its key: that one, or none. */
		found = pgp_key_get(mp->p, c.pgp_fpr, false, &k, NULL) == 0 &&
			pgp_key_usable_until(&k, now, 0);
	} else {
		found = pgp_key_get(mp->p, addr, false, &k, NULL) == 0 &&
			pgp_key_usable_until(&k, now, 0);
	}
	contact_clear(&c);
	if (found)
		memcpy(fpr, k.fpr, sizeof(k.fpr));
	return found;
}

int mail_protect(struct mail_pgp *mp, struct store *st, const struct store_mail *m,
		 const char *const *rcpt, size_t n, char **out, char why[SK_ERROR_MAX],
		 struct sk_error *err)
{
	char(*fprs)[PGP_FPR_MAX + 1] = xcalloc(n + 1, sizeof(*fprs));
	const char **keys = xcalloc(n + 1, sizeof(*keys));
	const char *missing = NULL;
	enum tlp_label tlp = TLP_CLEAR;
	bool labelled = m->tlp != NULL && *m->tlp && tlp_parse(m->tlp, &tlp, NULL) == 0;
	size_t n_missing = 0;
	int rc;

	for (size_t i = 0; i < n; i++) {
		keys[i] = fprs[i];
		if (!mail_pgp_rcpt_key(mp, st, rcpt[i], fprs[i])) {
			missing = missing != NULL ? missing : rcpt[i];
			n_missing++;
		}
	}
	if (n_missing > 0 && labelled && tlp >= mp->require && !m->clear_ok) {
		if (n_missing > 1)
			snprintf(
			    why, SK_ERROR_MAX,
			    "no usable key for %s and %zu more (%s, encryption required from "
			    "%s)",
			    missing, n_missing - 1, tlp_name(tlp), tlp_name(mp->require));
		else
			snprintf(why, SK_ERROR_MAX,
				 "no usable key for %s (%s, encryption required from %s)",
				 missing, tlp_name(tlp), tlp_name(mp->require));
		rc = MAIL_PROTECT_HOLD;
		goto out;
	}
	/* One recipient without a key: all get it signed, in clear. */
	rc = pgp_mime_protect(mp->p, mp->own.fpr, keys, n_missing > 0 ? 0 : n, m->message,
			      STORE_MAIL_SIZE_MAX, out, NULL, err);
out:
	free(fprs);
	free(keys);
	return rc;
}

int mail_pgp_seal(struct mail_pgp *mp, const char *fpr, const char *message, char **out,
		  struct sk_error *err)
{
	const char *keys[1] = {fpr};

	return pgp_mime_protect(mp->p, mp->own.fpr, keys, 1, message, STORE_MAIL_SIZE_MAX, out,
				NULL, err);
}
