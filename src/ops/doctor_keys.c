/* ops/doctor_keys.c: schakel's keyring: its own key there, with its
 * secret part, able to sign and not about to expire; partners' keys
 * that expired or soon will. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/config.h"
#include "lib/error.h"
#include "ops/doctor_int.h"
#include "pgp/pgp.h"

/* Partners' keys named in a finding, at most. */
#define KEYS_NAMED 3

/* Days from now to t, rounded down. */
static long long days_to(int64_t t, int64_t now)
{
	return (long long)((t - now) / 86400);
}

static void check_own(const struct doctor_setup *d, struct pgp *p, struct pgp_key *own,
		      struct doctor_report *r)
{
	char fix[DOCTOR_TEXT_MAX];
	struct sk_error err = {0};
	int rc = pgp_own_key(p, config_get(d->cfg, "pgp", "key"), own, &err);

	if (rc == SK_ENOTFOUND) {
		doctor_add(r, "key-own", DOCTOR_FAIL,
			   "schakel key generate --name NAME --email ADDRESS (or schakel key "
			   "import FILE --secret)",
			   "no secret key of schakel's own in %s: mail cannot be signed",
			   d->pgp_home);
		own->fpr[0] = '\0';
		return;
	}
	if (rc != 0) {
		doctor_add(r, "key-own", DOCTOR_FAIL, "name schakel's key with [pgp] key", "%s",
			   err.msg);
		own->fpr[0] = '\0';
		return;
	}
	snprintf(fix, sizeof(fix),
		 "extend it (gpg --homedir %s --quick-set-expire %s 2y) or generate a new one",
		 d->pgp_home, own->fpr);
	if (own->state != PGP_KEY_USABLE || !own->can_sign)
		doctor_add(r, "key-own", DOCTOR_FAIL, fix, "schakel's key %s is %s%s", own->fpr,
			   pgp_key_state_name(own->state),
			   own->can_sign ? "" : " and cannot sign");
	else if (!pgp_key_usable_until(own, d->now, DOCTOR_EXPIRY_MARGIN))
		doctor_add(r, "key-own", DOCTOR_WARN, fix,
			   "schakel's key %s expires in %lld days", own->fpr,
			   days_to(own->expires, d->now));
	else
		doctor_add(r, "key-own", DOCTOR_OK, NULL, "schakel's key %s signs%s", own->fpr,
			   own->expires ? "" : " and does not expire");
}

static void check_partners(const struct doctor_setup *d, struct pgp *p,
			   const struct pgp_key *own, struct doctor_report *r)
{
	struct pgp_key *keys = NULL;
	struct sk_error err = {0};
	char named[DOCTOR_TEXT_MAX] = "";
	size_t n = 0, total = 0, bad = 0;

	if (pgp_key_list(p, false, &keys, &n, &err) != 0) {
		doctor_add(r, "keys-partners", DOCTOR_FAIL,
			   "check the keyring with gpg --homedir", "%s", err.msg);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct pgp_key *k = &keys[i];
		size_t used = strlen(named);
		bool expired = k->state == PGP_KEY_EXPIRED;

		if (strcmp(k->fpr, own->fpr) == 0)
			continue;
		total++;
		if (!expired && (k->state != PGP_KEY_USABLE ||
				 pgp_key_usable_until(k, d->now, DOCTOR_EXPIRY_MARGIN)))
			continue;
		if (bad++ >= KEYS_NAMED)
			continue;
		if (expired)
			snprintf(named + used, sizeof(named) - used, "%s%s (expired)",
				 used ? ", " : "", k->email[0] ? k->email : k->fpr);
		else
			snprintf(named + used, sizeof(named) - used, "%s%s (in %lld days)",
				 used ? ", " : "", k->email[0] ? k->email : k->fpr,
				 days_to(k->expires, d->now));
	}
	free(keys);
	if (bad > 0)
		doctor_add(
		    r, "keys-partners", DOCTOR_WARN,
		    "ask these partners for their extended keys and schakel key import them",
		    "%zu of %zu partners' keys expired or expire within 30 days: %s%s", bad,
		    total, named, bad > KEYS_NAMED ? ", ..." : "");
	else
		doctor_add(r, "keys-partners", DOCTOR_OK, NULL,
			   "%zu partners' keys, none expiring within 30 days", total);
}

void doctor_check_keys(const struct doctor_setup *d, struct doctor_report *r)
{
	struct pgp_key own;
	struct sk_error err = {0};
	struct stat sb;
	struct pgp *p;

	if (stat(d->pgp_home, &sb) != 0) {
		doctor_add(
		    r, "key-own", DOCTOR_FAIL,
		    "run schakel init, then schakel key generate --name NAME --email ADDRESS",
		    "there is no keyring at %s", d->pgp_home);
		return;
	}
	if ((p = pgp_open(d->pgp_home, &err)) == NULL) {
		doctor_add(r, "key-own", DOCTOR_FAIL, "install gnupg, or correct [pgp] home",
			   "%s", err.msg);
		return;
	}
	check_own(d, p, &own, r);
	check_partners(d, p, &own, r);
	pgp_close(p);
}
