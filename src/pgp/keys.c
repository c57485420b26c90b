/* pgp/keys.c: generating, importing and deleting keys of schakel's
 * keyring with GPGME. Reads outside input: key data, at most
 * PGP_KEY_FILE_MAX bytes, which gpg parses. */
#include "pgp/keys.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/error.h"
#include "lib/str.h"

int pgp_key_generate(struct pgp *p, const char *name, const char *email, int64_t expires,
		     struct pgp_key *out, struct sk_error *err)
{
	gpgme_ctx_t ctx = pgp_context(p);
	char uid[600], addr[256];
	unsigned int flags = GPGME_CREATE_SIGN | GPGME_CREATE_CERT | GPGME_CREATE_FORCE;
	char fpr[PGP_FPR_MAX + 1];
	gpgme_genkey_result_t res;
	gpgme_key_t key = NULL;
	gpgme_error_t ge;

	if (name == NULL || *name == '\0' || strlen(name) > 200 ||
	    strpbrk(name, "<>\r\n") != NULL)
		return sk_error_set(err, SK_EINVAL,
				    "key name: 1 to 200 characters, no <, > or line break");
	if (email == NULL || strlen(email) >= sizeof(addr) || strchr(email, '@') == NULL ||
	    strpbrk(email, " <>\r\n") != NULL)
		return sk_error_set(err, SK_EINVAL, "key address '%s': not an e-mail address",
				    email != NULL ? email : "");
	if (expires < 0 || expires > (int64_t)20 * 365 * 86400)
		return sk_error_set(err, SK_EINVAL, "key expiry: from 0 (never) to 20 years");
	snprintf(addr, sizeof(addr), "%s", email);
	str_lower(addr);
	snprintf(uid, sizeof(uid), "%s <%s>", name, addr);
	if (expires == 0)
		flags |= GPGME_CREATE_NOEXPIRE;
	if (gpgme_get_pinentry_mode(ctx) != GPGME_PINENTRY_MODE_LOOPBACK)
		flags |= GPGME_CREATE_NOPASSWD;
	ge = gpgme_op_createkey(ctx, uid, "default", 0, (unsigned long)expires, NULL, flags);
	if (ge != 0)
		return sk_error_set(err, SK_EIO, "generating a key for %s: %s", uid,
				    gpgme_strerror(ge));
	res = gpgme_op_genkey_result(ctx);
	if (res == NULL || res->fpr == NULL)
		return sk_error_set(err, SK_EIO, "generating a key for %s: no fingerprint",
				    uid);
	snprintf(fpr, sizeof(fpr), "%s", res->fpr);
	/* The encryption subkey, expiring with the primary key. */
	ge = gpgme_get_key(ctx, fpr, &key, 1);
	if (ge == 0)
		ge = gpgme_op_createsubkey(
		    ctx, key, "default", 0, (unsigned long)expires,
		    GPGME_CREATE_ENCR |
			(flags & (GPGME_CREATE_NOEXPIRE | GPGME_CREATE_NOPASSWD)));
	gpgme_key_unref(key);
	if (ge != 0)
		return sk_error_set(err, SK_EIO, "adding the encryption subkey of %s: %s", uid,
				    gpgme_strerror(ge));
	return pgp_key_get(p, fpr, true, out, err);
}

/* Does the armored text in data hold a secret key block? Binary data is
 * told by its first packet's tag (5: secret key). */
static bool holds_secret(const char *data, size_t len)
{
	static const char armor[] = "-----BEGIN PGP PRIVATE KEY BLOCK-----";
	unsigned char tag;

	if (len == 0)
		return false;
	for (size_t i = 0; i + sizeof(armor) - 1 <= len; i++)
		if (data[i] == '-' && memcmp(data + i, armor, sizeof(armor) - 1) == 0)
			return true;
	tag = (unsigned char)data[0];
	if ((tag & 0x80) == 0)
		return false;
	/* New format: 0xC0 | tag; old format: 0x80 | tag << 2 | length type. */
	tag = (tag & 0x40) ? (tag & 0x3f) : ((tag >> 2) & 0x0f);
	return tag == 5 || tag == 7;
}

int pgp_key_import(struct pgp *p, const void *data, size_t len, bool secret,
		   struct pgp_import *out, struct sk_error *err)
{
	gpgme_ctx_t ctx = pgp_context(p);
	struct pgp_import r = {0};
	gpgme_import_result_t res;
	gpgme_data_t d = NULL;
	gpgme_error_t ge;
	int rc = 0;

	if (len > PGP_KEY_FILE_MAX)
		return sk_error_set(err, SK_ETOOBIG, "key data: %zu bytes, more than %d", len,
				    PGP_KEY_FILE_MAX);
	if (len == 0)
		return sk_error_set(err, SK_EINVAL, "key data: empty");
	if (!secret && holds_secret(data, len))
		return sk_error_set(
		    err, SK_EINVAL,
		    "key data holds a secret key: import schakel's own with --secret, "
		    "a partner's public key only");
	ge = gpgme_data_new_from_mem(&d, data, len, 0);
	if (ge == 0)
		ge = gpgme_op_import(ctx, d);
	if (ge != 0) {
		rc = sk_error_set(err, SK_EINVAL, "key data: %s", gpgme_strerror(ge));
		goto out;
	}
	res = gpgme_op_import_result(ctx);
	if (res == NULL || res->considered == 0) {
		rc = sk_error_set(err, SK_EINVAL, "key data: no OpenPGP key in it");
		goto out;
	}
	if (res->imported + res->unchanged + res->secret_imported + res->secret_unchanged +
		res->new_revocations + res->new_signatures + res->new_sub_keys +
		res->new_user_ids ==
	    0) {
		rc = sk_error_set(err, SK_EINVAL, "key data: %d keys, none could be imported",
				  res->considered);
		goto out;
	}
	if (secret && res->secret_imported + res->secret_unchanged == 0) {
		rc = sk_error_set(err, SK_EINVAL,
				  "key data: no secret key imported (a public key, or a wrong "
				  "passphrase?)");
		goto out;
	}
	r.considered = res->considered;
	r.imported = res->imported;
	r.unchanged = res->unchanged;
	r.secret_imported = res->secret_imported;
	r.revocations = res->new_revocations;
	for (gpgme_import_status_t s = res->imports; s != NULL && r.n_fpr < PGP_IMPORT_MAX;
	     s = s->next) {
		bool seen = false;

		if (s->fpr == NULL || s->result != 0)
			continue;
		for (size_t i = 0; i < r.n_fpr; i++)
			seen = seen || strcmp(r.fpr[i], s->fpr) == 0;
		if (!seen && pgp_fpr_normalize(s->fpr, r.fpr[r.n_fpr], NULL) == 0)
			r.n_fpr++;
	}
	*out = r;
out:
	gpgme_data_release(d);
	return rc;
}

int pgp_key_delete(struct pgp *p, const char *fpr, bool secret, struct sk_error *err)
{
	gpgme_ctx_t ctx = pgp_context(p);
	struct pgp_key k;
	gpgme_key_t key = NULL;
	gpgme_error_t ge;
	char norm[PGP_FPR_MAX + 1];
	int rc;

	if ((rc = pgp_fpr_normalize(fpr, norm, err)) != 0)
		return rc;
	if ((rc = pgp_key_get(p, norm, false, &k, err)) != 0)
		return rc;
	if (pgp_key_get(p, norm, true, &k, NULL) == 0 && !secret)
		return sk_error_set(err, SK_EPERM,
				    "key %s is schakel's own (its secret part is here): "
				    "delete it with --secret",
				    norm);
	ge = gpgme_get_key(ctx, norm, &key, 0);
	if (ge == 0)
		ge = gpgme_op_delete_ext(
		    ctx, key, GPGME_DELETE_FORCE | (secret ? GPGME_DELETE_ALLOW_SECRET : 0));
	gpgme_key_unref(key);
	if (ge != 0)
		return sk_error_set(err, SK_EIO, "deleting key %s: %s", norm,
				    gpgme_strerror(ge));
	return 0;
}

json_t *pgp_key_json(const struct pgp_key *k, int64_t now)
{
	char created[21], expires[21];
	json_t *o = json_object();

	str_time_iso((time_t)k->created, created);
	if (k->expires != 0)
		str_time_iso((time_t)k->expires, expires);
	json_object_set_new(o, "fingerprint", json_string(k->fpr));
	json_object_set_new(o, "uid", json_string(k->uid));
	json_object_set_new(o, "email", json_string(k->email));
	json_object_set_new(o, "created", json_string(created));
	json_object_set_new(o, "expires", k->expires ? json_string(expires) : json_null());
	json_object_set_new(o, "state", json_string(pgp_key_state_name(k->state)));
	json_object_set_new(o, "usable", json_boolean(pgp_key_usable_until(k, now, 0)));
	json_object_set_new(o, "secret", json_boolean(k->secret));
	return o;
}
