/* pgp/keys.h: changing schakel's keyring: generating schakel's own key,
 * importing partners' public keys (and schakel's secret key), deleting
 * keys. Reads outside input: key files of at most PGP_KEY_FILE_MAX bytes. */
#ifndef SK_PGP_KEYS_H
#define SK_PGP_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "pgp/pgp.h"

struct sk_error;

#define PGP_KEY_FILE_MAX (1024 * 1024) /* bytes of a key file to import */
#define PGP_IMPORT_MAX	 100	       /* keys reported from one import */

/* Generate schakel's own key pair: a signing primary key and an
 * encryption subkey (GnuPG's default algorithms) for "name <email>",
 * expiring after expires seconds (0: never). Protected with the
 * passphrase of pgp_set_passphrase_file(), else none. *out on success. */
int pgp_key_generate(struct pgp *p, const char *name, const char *email, int64_t expires,
		     struct pgp_key *out, struct sk_error *err);

/* What an import did. */
struct pgp_import {
	int considered;	     /* keys in the data */
	int imported;	     /* new or changed */
	int unchanged;	     /* already there as given */
	int secret_imported; /* secret keys taken */
	int revocations;     /* revocation certificates taken */
	size_t n_fpr;	     /* the keys' fingerprints */
	char fpr[PGP_IMPORT_MAX][PGP_FPR_MAX + 1];
};

/* Import OpenPGP key data (armored or binary, len bytes). secret: the
 * data must hold a secret key (schakel's own); otherwise data holding a
 * secret key is refused, so that a partner's key file never brings one.
 * SK_ETOOBIG over PGP_KEY_FILE_MAX, SK_EINVAL when the data holds no key. */
int pgp_key_import(struct pgp *p, const void *data, size_t len, bool secret,
		   struct pgp_import *out, struct sk_error *err);

/* Delete the key with fingerprint fpr; a key whose secret part is in the
 * keyring only with secret (and then both parts go). SK_ENOTFOUND,
 * SK_EPERM for a secret key without secret. */
int pgp_key_delete(struct pgp *p, const char *fpr, bool secret, struct sk_error *err);

/* k as the CLI's --json and the API give it: fingerprint, uid, email,
 * created, expires (null: never), state, usable (at now), secret. */
json_t *pgp_key_json(const struct pgp_key *k, int64_t now);

#endif
