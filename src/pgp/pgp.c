/* pgp/pgp.c: schakel's keyring through GPGME: its directory, a context on
 * it, and key look-ups that say whether a key can be used and until when.
 * Reads outside input: a passphrase file (first line, at most 1 KiB). */
#include "pgp/pgp.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/config.h"
#include "lib/error.h"
#include "lib/secret.h"
#include "lib/str.h"
#include "lib/xalloc.h"

#define PASSPHRASE_MAX 1024

struct pgp {
	gpgme_ctx_t ctx;
	char *home;
	char *passphrase; /* from pgp_set_passphrase_file, or NULL */
};

static pthread_once_t gpgme_once = PTHREAD_ONCE_INIT;
static bool gpgme_ready;

static void gpgme_start(void)
{
	gpgme_ready = gpgme_check_version(NULL) != NULL &&
		      gpgme_engine_check_version(GPGME_PROTOCOL_OpenPGP) == 0;
}

char *pgp_home_path(const struct config *cfg, const char *store_url)
{
	const char *home = cfg != NULL ? config_get(cfg, "pgp", "home") : NULL;
	const char *path, *slash;

	if (home != NULL && *home != '\0')
		return xstrdup(home);
	if (store_url != NULL && str_has_prefix(store_url, "sqlite:")) {
		path = store_url + strlen("sqlite:");
		slash = strrchr(path, '/');
		if (slash == NULL)
			return xstrdup("gnupg");
		if (slash == path)
			return xstrdup("/gnupg");
		return xasprintf("%.*s/gnupg", (int)(slash - path), path);
	}
	return xstrdup(PGP_DEFAULT_HOME);
}

int pgp_home_create(const char *home, struct sk_error *err)
{
	struct stat st;

	if (mkdir(home, 0700) != 0 && errno != EEXIST)
		return sk_error_set(err, SK_EIO, "keyring %s: %s", home, strerror(errno));
	if (stat(home, &st) != 0)
		return sk_error_set(err, SK_EIO, "keyring %s: %s", home, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return sk_error_set(err, SK_EIO, "keyring %s: not a directory", home);
	if ((st.st_mode & 077) != 0 && chmod(home, 0700) != 0)
		return sk_error_set(err, SK_EIO, "keyring %s: %s", home, strerror(errno));
	return 0;
}

static gpgme_error_t passphrase_cb(void *hook, const char *uid_hint, const char *info,
				   int prev_bad, int fd)
{
	const struct pgp *p = hook;
	size_t len, off = 0;
	ssize_t w;

	(void)uid_hint;
	(void)info;
	if (prev_bad || p->passphrase == NULL)
		return gpg_error(GPG_ERR_CANCELED);
	len = strlen(p->passphrase);
	while (off < len) {
		w = write(fd, p->passphrase + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return gpg_error(GPG_ERR_EIO);
		off += (size_t)w;
	}
	if (write(fd, "\n", 1) != 1)
		return gpg_error(GPG_ERR_EIO);
	return 0;
}

struct pgp *pgp_open(const char *home, struct sk_error *err)
{
	struct pgp *p = NULL;
	struct stat st;
	gpgme_error_t ge;

	pthread_once(&gpgme_once, gpgme_start);
	if (!gpgme_ready) {
		sk_error_set(err, SK_ECONFIG, "GPGME cannot use gpg (is GnuPG installed?)");
		return NULL;
	}
	if (stat(home, &st) != 0 || !S_ISDIR(st.st_mode)) {
		sk_error_set(err, SK_ECONFIG,
			     "keyring %s: no such directory (run schakel init)", home);
		return NULL;
	}
	p = xcalloc(1, sizeof(*p));
	p->home = xstrdup(home);
	ge = gpgme_new(&p->ctx);
	if (ge == 0)
		ge = gpgme_set_protocol(p->ctx, GPGME_PROTOCOL_OpenPGP);
	if (ge == 0)
		ge = gpgme_ctx_set_engine_info(p->ctx, GPGME_PROTOCOL_OpenPGP, NULL, home);
	if (ge == 0)
		ge = gpgme_set_keylist_mode(p->ctx, GPGME_KEYLIST_MODE_LOCAL);
	if (ge != 0) {
		sk_error_set(err, SK_ECONFIG, "keyring %s: %s", home, gpgme_strerror(ge));
		pgp_close(p);
		return NULL;
	}
	gpgme_set_armor(p->ctx, 1);
	gpgme_set_offline(p->ctx, 1);
	return p;
}

void pgp_close(struct pgp *p)
{
	if (p == NULL)
		return;
	if (p->ctx != NULL)
		gpgme_release(p->ctx);
	if (p->passphrase != NULL) {
		explicit_bzero(p->passphrase, strlen(p->passphrase));
		free(p->passphrase);
	}
	free(p->home);
	free(p);
}

const char *pgp_home(const struct pgp *p)
{
	return p->home;
}

gpgme_ctx_t pgp_context(struct pgp *p)
{
	return p->ctx;
}

int pgp_set_passphrase_file(struct pgp *p, const char *path, struct sk_error *err)
{
	char buf[PASSPHRASE_MAX + 1];
	gpgme_error_t ge;
	int rc;

	if ((rc = secret_file_read(path, "passphrase file", buf, sizeof(buf), err)) != 0)
		return rc;
	ge = gpgme_set_pinentry_mode(p->ctx, GPGME_PINENTRY_MODE_LOOPBACK);
	if (ge != 0) {
		rc = sk_error_set(err, SK_ECONFIG, "gpg: loopback passphrase: %s",
				  gpgme_strerror(ge));
		goto out;
	}
	if (p->passphrase != NULL) {
		explicit_bzero(p->passphrase, strlen(p->passphrase));
		free(p->passphrase);
	}
	p->passphrase = xstrdup(buf);
	gpgme_set_passphrase_cb(p->ctx, passphrase_cb, p);
out:
	explicit_bzero(buf, sizeof(buf));
	return rc;
}

const char *pgp_key_state_name(enum pgp_key_state s)
{
	switch (s) {
	case PGP_KEY_USABLE:
		return "usable";
	case PGP_KEY_REVOKED:
		return "revoked";
	case PGP_KEY_EXPIRED:
		return "expired";
	case PGP_KEY_DISABLED:
		return "disabled";
	case PGP_KEY_INVALID:
		return "invalid";
	case PGP_KEY_NO_ENCRYPT:
		return "no-encrypt";
	}
	return "invalid";
}

bool pgp_key_usable_until(const struct pgp_key *k, int64_t now, int64_t within)
{
	if (k->state != PGP_KEY_USABLE)
		return false;
	if (k->expires == 0)
		return true;
	return k->expires > now + within;
}

int pgp_fpr_normalize(const char *text, char *out, struct sk_error *err)
{
	char buf[PGP_FPR_MAX + 1];
	size_t n = 0;

	for (const char *s = text; *s != '\0'; s++) {
		if (*s == ' ')
			continue;
		if (!isxdigit((unsigned char)*s) || n == PGP_FPR_MAX)
			return sk_error_set(err, SK_EINVAL,
					    "fingerprint: 40 or 64 hex digits expected");
		buf[n++] = (char)toupper((unsigned char)*s);
	}
	if (n != 40 && n != 64)
		return sk_error_set(err, SK_EINVAL,
				    "fingerprint: 40 or 64 hex digits expected");
	buf[n] = '\0';
	memcpy(out, buf, n + 1);
	return 0;
}

static void copy_trunc(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src != NULL ? src : "");
}

/* Fill out from a GPGME key. */
static void key_from_gpgme(gpgme_key_t key, struct pgp_key *out)
{
	int64_t enc_until = -1; /* latest end of a good encryption subkey, 0: never */
	gpgme_subkey_t primary = key->subkeys;

	memset(out, 0, sizeof(*out));
	copy_trunc(out->fpr, sizeof(out->fpr), key->fpr != NULL ? key->fpr : primary->fpr);
	for (char *c = out->fpr; *c != '\0'; c++)
		*c = (char)toupper((unsigned char)*c);
	if (key->uids != NULL) {
		copy_trunc(out->uid, sizeof(out->uid), key->uids->uid);
		copy_trunc(out->email, sizeof(out->email), key->uids->email);
		str_lower(out->email);
	}
	out->created = primary != NULL ? primary->timestamp : 0;
	out->secret = key->secret != 0;
	out->can_sign = key->can_sign != 0;
	for (gpgme_subkey_t sk = primary; sk != NULL; sk = sk->next) {
		if (!sk->can_encrypt || sk->revoked || sk->expired || sk->disabled ||
		    sk->invalid)
			continue;
		if (sk->expires == 0)
			enc_until = 0;
		else if (enc_until != 0 && sk->expires > enc_until)
			enc_until = sk->expires;
	}
	out->can_encrypt = enc_until >= 0;
	if (primary != NULL && primary->expires != 0)
		out->expires = primary->expires;
	if (enc_until > 0 && (out->expires == 0 || enc_until < out->expires))
		out->expires = enc_until;
	if (key->revoked)
		out->state = PGP_KEY_REVOKED;
	else if (key->expired)
		out->state = PGP_KEY_EXPIRED;
	else if (key->disabled)
		out->state = PGP_KEY_DISABLED;
	else if (key->invalid)
		out->state = PGP_KEY_INVALID;
	else if (!out->can_encrypt) {
		/* Every encryption subkey expired: the key is, for mail. */
		bool any_expired = false;
		for (gpgme_subkey_t sk = primary; sk != NULL; sk = sk->next)
			if (sk->can_encrypt && sk->expired)
				any_expired = true;
		out->state = any_expired ? PGP_KEY_EXPIRED : PGP_KEY_NO_ENCRYPT;
	} else
		out->state = PGP_KEY_USABLE;
}

/* An e-mail address as a user ID pattern: something@something, no
 * spaces or angle brackets. */
static bool is_address(const char *what)
{
	const char *at = strchr(what, '@');

	return at != NULL && at != what && at[1] != '\0' && strpbrk(what, " <>\t") == NULL &&
	       strlen(what) < 254;
}

int pgp_key_get(struct pgp *p, const char *what, bool secret, struct pgp_key *out,
		struct sk_error *err)
{
	char fpr[PGP_FPR_MAX + 1], pattern[260];
	struct pgp_key best, cur;
	gpgme_key_t key = NULL;
	gpgme_error_t ge;
	bool found = false;

	if (pgp_fpr_normalize(what, fpr, NULL) == 0) {
		ge = gpgme_get_key(p->ctx, fpr, &key, secret);
		if (gpg_err_code(ge) == GPG_ERR_EOF || (ge == 0 && key == NULL))
			return sk_error_set(err, SK_ENOTFOUND, "no %skey %s in the keyring",
					    secret ? "secret " : "", fpr);
		if (ge != 0)
			return sk_error_set(err, SK_EIO, "key %s: %s", fpr, gpgme_strerror(ge));
		key_from_gpgme(key, out);
		gpgme_key_unref(key);
		return 0;
	}
	if (!is_address(what))
		return sk_error_set(err, SK_EINVAL,
				    "'%s': neither a fingerprint nor an e-mail address", what);
	snprintf(pattern, sizeof(pattern), "<%s>", what);
	ge = gpgme_op_keylist_start(p->ctx, pattern, secret);
	while (ge == 0 && (ge = gpgme_op_keylist_next(p->ctx, &key)) == 0) {
		key_from_gpgme(key, &cur);
		gpgme_key_unref(key);
		key = NULL;
		if (!found || (cur.state == PGP_KEY_USABLE && best.state != PGP_KEY_USABLE) ||
		    ((cur.state == PGP_KEY_USABLE) == (best.state == PGP_KEY_USABLE) &&
		     cur.created > best.created)) {
			best = cur;
			found = true;
		}
	}
	gpgme_op_keylist_end(p->ctx);
	if (gpg_err_code(ge) != GPG_ERR_EOF)
		return sk_error_set(err, SK_EIO, "keys of %s: %s", what, gpgme_strerror(ge));
	if (!found)
		return sk_error_set(err, SK_ENOTFOUND, "no %skey for %s in the keyring",
				    secret ? "secret " : "", what);
	*out = best;
	return 0;
}

static int cmp_uid(const void *a, const void *b)
{
	const struct pgp_key *x = a, *y = b;
	int c = strcmp(x->uid, y->uid);

	return c != 0 ? c : strcmp(x->fpr, y->fpr);
}

int pgp_key_list(struct pgp *p, bool secret, struct pgp_key **out, size_t *n,
		 struct sk_error *err)
{
	struct pgp_key *keys = NULL;
	size_t count = 0, cap = 0;
	gpgme_key_t key = NULL;
	gpgme_error_t ge;

	ge = gpgme_op_keylist_start(p->ctx, NULL, secret);
	while (ge == 0 && (ge = gpgme_op_keylist_next(p->ctx, &key)) == 0) {
		if (count == cap) {
			cap = cap != 0 ? cap * 2 : 16;
			keys = xreallocarray(keys, cap, sizeof(*keys));
		}
		key_from_gpgme(key, &keys[count++]);
		gpgme_key_unref(key);
		key = NULL;
	}
	gpgme_op_keylist_end(p->ctx);
	if (gpg_err_code(ge) != GPG_ERR_EOF) {
		free(keys);
		return sk_error_set(err, SK_EIO, "listing keys: %s", gpgme_strerror(ge));
	}
	if (count > 1)
		qsort(keys, count, sizeof(*keys), cmp_uid);
	*out = keys;
	*n = count;
	return 0;
}

int pgp_own_key(struct pgp *p, const char *fpr, struct pgp_key *out, struct sk_error *err)
{
	struct pgp_key *keys = NULL;
	size_t n = 0;
	int rc;

	if (fpr != NULL && *fpr != '\0') {
		rc = pgp_key_get(p, fpr, true, out, err);
		if (rc != 0)
			sk_error_prefix(err, "schakel's key ([pgp] key)");
		return rc;
	}
	rc = pgp_key_list(p, true, &keys, &n, err);
	if (rc != 0)
		return rc;
	if (n == 0)
		rc = sk_error_set(err, SK_ENOTFOUND,
				  "schakel has no key of its own in %s (schakel key generate)",
				  p->home);
	else if (n > 1)
		rc = sk_error_set(err, SK_ECONFIG,
				  "%zu secret keys in %s: name schakel's in [pgp] key", n,
				  p->home);
	else
		*out = keys[0];
	free(keys);
	return rc;
}

/* The gpgme data object's bytes as a NUL-terminated string: *out, caller
 * frees. Releases d. */
static int take_data(gpgme_data_t d, char **out, struct sk_error *err)
{
	size_t n = 0;
	char *mem = gpgme_data_release_and_get_mem(d, &n);

	if (mem == NULL || n == 0) {
		gpgme_free(mem);
		return sk_error_set(err, SK_EIO, "gpg gave no output");
	}
	*out = xmalloc(n + 1);
	memcpy(*out, mem, n);
	(*out)[n] = '\0';
	gpgme_free(mem);
	return 0;
}

int pgp_sign_detached(struct pgp *p, const char *fpr, const void *data, size_t len, char **out,
		      struct sk_error *err)
{
	gpgme_key_t key = NULL;
	gpgme_data_t in = NULL, sig = NULL;
	gpgme_error_t ge;

	if ((ge = gpgme_get_key(p->ctx, fpr, &key, 1)) != 0)
		return sk_error_set(err, SK_EIO, "signing key %s: %s", fpr, gpgme_strerror(ge));
	gpgme_signers_clear(p->ctx);
	ge = gpgme_signers_add(p->ctx, key);
	if (ge == 0)
		ge = gpgme_data_new_from_mem(&in, data, len, 0);
	if (ge == 0)
		ge = gpgme_data_new(&sig);
	if (ge == 0)
		ge = gpgme_op_sign(p->ctx, in, sig, GPGME_SIG_MODE_DETACH);
	gpgme_signers_clear(p->ctx);
	gpgme_key_unref(key);
	gpgme_data_release(in);
	if (ge != 0) {
		gpgme_data_release(sig);
		return sk_error_set(err, SK_EIO, "signing with key %s: %s", fpr,
				    gpgme_strerror(ge));
	}
	return take_data(sig, out, err);
}

int pgp_export_public(struct pgp *p, const char *fpr, char **out, struct sk_error *err)
{
	gpgme_data_t d = NULL;
	gpgme_error_t ge = gpgme_data_new(&d);

	if (ge == 0)
		ge = gpgme_op_export(p->ctx, fpr, GPGME_EXPORT_MODE_MINIMAL, d);
	if (ge != 0) {
		gpgme_data_release(d);
		return sk_error_set(err, SK_EIO, "exporting key %s: %s", fpr,
				    gpgme_strerror(ge));
	}
	return take_data(d, out, err);
}
