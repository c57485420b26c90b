/* mail/protect.h: OpenPGP on the way out: every message the dispatcher
 * sends is signed with schakel's key (PGP/MIME) and, when every recipient
 * has a usable key, encrypted to them and to schakel's own key. A message
 * at or above [pgp] require_encryption for a recipient without one is
 * held instead, until an analyst releases or drops it (docs/pgp.md). */
#ifndef SK_MAIL_PROTECT_H
#define SK_MAIL_PROTECT_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/error.h"
#include "model/tlp.h"
#include "pgp/pgp.h"

struct config;
struct store;
struct store_mail;
struct mail_pgp;

/* The [pgp] settings. Strings borrowed from the configuration. */
struct mail_pgp_settings {
	char *home;		     /* the keyring (pgp_home_path); owned */
	const char *key;	     /* [pgp] key: schakel's key's fingerprint, or NULL */
	const char *passphrase_file; /* [pgp] passphrase_file, or NULL */
	enum tlp_label require;	     /* [pgp] require_encryption */
};

/* Read and check [pgp]; free with mail_pgp_settings_free(). */
int mail_pgp_settings_read(const struct config *cfg, const char *store_url,
			   struct mail_pgp_settings *out, struct sk_error *err);
void mail_pgp_settings_free(struct mail_pgp_settings *s);

/* Open the keyring for outbound mail. *out is NULL, without an error,
 * when there is no keyring or schakel has no key of its own yet: mail
 * then goes as composed (a warning says so). Caller frees with
 * mail_pgp_close(). SK_ECONFIG for a bad [pgp] key or passphrase file. */
int mail_pgp_open(const struct mail_pgp_settings *s, struct mail_pgp **out,
		  struct sk_error *err);
void mail_pgp_close(struct mail_pgp *mp);

enum mail_protect_result {
	MAIL_PROTECT_SEND = 0, /* *out is the message to send */
	MAIL_PROTECT_HOLD = 1, /* hold it: why says for whom there is no key */
};

/* Protect claimed message m (text m->message) for its n envelope
 * recipients rcpt. The recipients' keys: their contact's fingerprint,
 * else a key with their address. MAIL_PROTECT_SEND with *out (caller
 * frees), MAIL_PROTECT_HOLD with why, or SK_EIO when gpg cannot sign
 * (the message waits; it never goes unsigned). */
int mail_protect(struct mail_pgp *mp, struct store *st, const struct store_mail *m,
		 const char *const *rcpt, size_t n, char **out, char why[SK_ERROR_MAX],
		 struct sk_error *err);

/* The usable key of recipient addr into fpr, as mail_protect() finds
 * it: its contact's fingerprint, else a key with its address. false
 * when it has none. */
bool mail_pgp_rcpt_key(struct mail_pgp *mp, struct store *st, const char *addr,
		       char fpr[PGP_FPR_MAX + 1]);

/* Sign message (as mail_compose() writes it) with schakel's key and
 * encrypt it to the key fpr and schakel's own, now, into *out (caller
 * frees). SK_EIO when gpg cannot. */
int mail_pgp_seal(struct mail_pgp *mp, const char *fpr, const char *message, char **out,
		  struct sk_error *err);

#endif
