/* pgp/pgp.h: schakel's own OpenPGP keyring (a GnuPG home directory
 * reached through GPGME): where it lives, opening a context on it, and
 * looking keys up by fingerprint or e-mail address with what makes them
 * usable or not (expired, revoked, disabled, expiring soon). */
#ifndef SK_PGP_PGP_H
#define SK_PGP_PGP_H

#include <gpgme.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config;
struct sk_error;
struct pgp;

/* Where schakel's keyring is when [pgp] home is not set and the store is
 * not a SQLite file (beside which it is otherwise kept). */
#define PGP_DEFAULT_HOME "/var/lib/schakel/gnupg"

/* Fingerprints: 40 hex digits (v4), 64 (v5), uppercase, no spaces. */
#define PGP_FPR_MAX 64

/* The keyring directory: [pgp] home, else "gnupg" beside the database of
 * a sqlite: store URL, else PGP_DEFAULT_HOME. Caller frees. */
char *pgp_home_path(const struct config *cfg, const char *store_url);

/* Create home (mode 0700) if it does not exist; an existing directory
 * that group or others may read or write is made 0700 as GnuPG expects.
 * 0, or SK_EIO naming the path. */
int pgp_home_create(const char *home, struct sk_error *err);

/* A GPGME context (OpenPGP, armored output, local key listing) on the
 * keyring at home, which must exist (schakel init). Caller frees with
 * pgp_close(). SK_ECONFIG when the directory is missing or GPGME and gpg
 * cannot be used. */
struct pgp *pgp_open(const char *home, struct sk_error *err);
void pgp_close(struct pgp *p);

/* The keyring's directory; borrowed from p. */
const char *pgp_home(const struct pgp *p);

/* The GPGME context for operations this module does not wrap (verify,
 * decrypt). Borrowed: do not release it; reset what you change. */
gpgme_ctx_t pgp_context(struct pgp *p);

/* Read the passphrase of schakel's secret key from path (first line, at
 * most 1 KiB; a file others may read is refused) and give it to gpg in
 * loopback mode whenever it asks. Without this, gpg-agent is asked (a
 * cached passphrase, or a key without one). */
int pgp_set_passphrase_file(struct pgp *p, const char *path, struct sk_error *err);

/* What a key is good for, worst first where several apply. */
enum pgp_key_state {
	PGP_KEY_USABLE = 0, /* encrypts (and signs, for a secret key) */
	PGP_KEY_REVOKED,
	PGP_KEY_EXPIRED,
	PGP_KEY_DISABLED,
	PGP_KEY_INVALID,
	PGP_KEY_NO_ENCRYPT, /* valid, but no subkey that can encrypt */
};

/* "usable", "revoked", "expired", "disabled", "invalid", "no-encrypt". */
const char *pgp_key_state_name(enum pgp_key_state s);

/* One key as schakel sees it. Plain data: copy freely. */
struct pgp_key {
	char fpr[PGP_FPR_MAX + 1]; /* primary key, uppercase hex */
	char uid[256];		   /* first user ID, truncated */
	char email[256];	   /* its address, lowercase, or "" */
	int64_t created;	   /* Unix time */
	int64_t expires;	   /* when it stops encrypting; 0: never */
	bool secret;		   /* the secret part is in the keyring */
	bool can_sign;
	bool can_encrypt;
	enum pgp_key_state state;
};

/* Usable now, and still at now + within seconds (within 0: only now). */
bool pgp_key_usable_until(const struct pgp_key *k, int64_t now, int64_t within);

/* Normalize a fingerprint given with spaces or in lowercase into out
 * (PGP_FPR_MAX + 1 bytes). 0, or SK_EINVAL when it is not 40 or 64 hex
 * digits. */
int pgp_fpr_normalize(const char *text, char *out, struct sk_error *err);

/* The key named by what: a fingerprint (spaces allowed) or an e-mail
 * address (of a user ID; of several matching keys the usable one created
 * last). secret: only keys whose secret part is present. Writes *out on
 * success; SK_ENOTFOUND when no key matches, SK_EIO when gpg fails. */
int pgp_key_get(struct pgp *p, const char *what, bool secret, struct pgp_key *out,
		struct sk_error *err);

/* Every key of the keyring (secret: only those with a secret part),
 * sorted by first user ID. Caller frees *out with free(). */
int pgp_key_list(struct pgp *p, bool secret, struct pgp_key **out, size_t *n,
		 struct sk_error *err);

/* schakel's own key: the secret key named by fpr ([pgp] key) or, when
 * fpr is NULL or "", the keyring's only secret key. SK_ENOTFOUND when
 * there is none, SK_ECONFIG when there are several and none is named. */
int pgp_own_key(struct pgp *p, const char *fpr, struct pgp_key *out, struct sk_error *err);

/* An armored detached signature of the len bytes of data by the secret
 * key fpr into *out (NUL-terminated; caller frees). SK_EIO when gpg
 * cannot sign. */
int pgp_sign_detached(struct pgp *p, const char *fpr, const void *data, size_t len, char **out,
		      struct sk_error *err);

/* The armored public key fpr (minimal: no other signatures) into *out;
 * caller frees. SK_EIO when gpg cannot export it. */
int pgp_export_public(struct pgp *p, const char *fpr, char **out, struct sk_error *err);

#endif
