/* mail/dispatch.h: the outbound mail queue as the rest of schakel uses
 * it: compose and queue a message in the caller's transaction, and send
 * what is due through the relay, with backoff, so that nothing is lost
 * while the relay is down. */
#ifndef SK_MAIL_DISPATCH_H
#define SK_MAIL_DISPATCH_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/error.h"
#include "mail/message.h"
#include "mail/smtp.h"
#include "model/user.h"
#include "store/store.h"

struct config;
struct mail_pgp;

#define MAIL_CONNECT_TIMEOUT 10	 /* seconds to reach the relay */
#define MAIL_SEND_TIMEOUT    120 /* seconds for one message */
#define MAIL_BACKOFF_FIRST   60	 /* seconds after the first failed attempt */
#define MAIL_BACKOFF_MAX     3600
#define MAIL_LEASE_DEFAULT   360 /* seconds a sender holds what it claimed */
#define MAIL_LEASE_MIN	     6
#define MAIL_SENDERS_MAX     16

/* The [mail] settings. Strings are borrowed from the configuration. */
struct mail_settings {
	struct smtp_config smtp; /* mail.relay, mail.tls */
	const char *from;	 /* mail.from, or NULL when not set */
	int max_attempts;	 /* mail.max_attempts */
	int lease;		 /* mail.lease: seconds; 0: MAIL_LEASE_DEFAULT */
	int senders;		 /* mail.senders: schakeld's sender threads */
	struct mail_pgp *pgp;	 /* OpenPGP (mail/protect.h), borrowed; NULL: none */
};

/* Read and check the [mail] settings; SK_ECONFIG names the bad one. */
int mail_settings_read(const struct config *cfg, struct mail_settings *out,
		       struct sk_error *err);

/* Compose m and queue it: envelope from m->from.addr, envelope to every
 * m->to, inside the caller's transaction if one is open. kind and ref as
 * in store_mail_new (never MAIL_KIND_SEALED). The new id in *id_out and the Message-ID in
 * msgid_out (both may be NULL). */
int mail_enqueue(struct store *st, const struct mail_message *m, const char *kind,
		 const char *ref, int64_t *id_out, char msgid_out[MAIL_MSGID_MAX + 1],
		 struct sk_error *err);

/* The queue kind of a message signed and encrypted before it was
 * queued (mail_enqueue_sealed): the dispatcher sends it as it is. */
#define MAIL_KIND_SEALED "ticket-forward"

/* Compose m, sign it with schakel's key and encrypt it at once to the
 * key fpr and schakel's own (mail_pgp_seal), and queue only the
 * encrypted text, of kind MAIL_KIND_SEALED, as mail_enqueue does. The
 * composed clear text is wiped before it is freed. mp is borrowed. */
int mail_enqueue_sealed(struct store *st, struct mail_pgp *mp, const char *fpr,
			const struct mail_message *m, const char *ref, int64_t *id_out,
			char msgid_out[MAIL_MSGID_MAX + 1], struct sk_error *err);

/* The queue as user u may see and change it, from any front door:
 * messages carry personal data, so staff only (access/access.h;
 * SK_EPERM for anyone else). mail_list: messages newest first, of one
 * status (or all when status < 0), at most limit (0: all). mail_retry:
 * queue message id again, due at once, its attempts counted from zero
 * (a sent one is SK_EINVAL), with an audit row. */
int mail_list(struct store *st, const struct user *u, int status, size_t limit,
	      store_mail_fn fn, void *ctx, struct sk_error *err);
int mail_retry(struct store *st, const struct user *u, int64_t id, struct sk_error *err);
/* The analyst's decision on held message id (docs/pgp.md), staff only,
 * audited: release sends it (signed; in clear to recipients without a
 * usable key), drop fails it for good. SK_EINVAL if it is not held. */
int mail_release(struct store *st, const struct user *u, int64_t id, struct sk_error *err);
int mail_drop(struct store *st, const struct user *u, int64_t id, struct sk_error *err);

/* A queued message as the CLI's --json and the API give it: id,
 * created, kind, ref, message_id, sender, recipients, subject, size,
 * status, attempts, next_attempt, sent_at, last_error, held (why, or
 * null), tlp (or null). */
json_t *mail_json(const struct store_mail *m);

/* Seconds to wait after the attempts-th failed attempt: one minute,
 * doubling, at most an hour. */
int mail_backoff(int attempts);

struct mail_dispatch_stats {
	int sent;			/* taken by the relay */
	int deferred;			/* still queued: a 4xx reply, or the relay was down */
	int failed;			/* refused for good, or out of attempts */
	int held;			/* held for want of a recipient's key */
	bool relay_down;		/* the run stopped because the relay cannot take mail */
	char relay_error[SK_ERROR_MAX]; /* why, when relay_down */
};

/* Send every due message once, at most limit of them (0: no limit),
 * on one connection to the relay, recording each outcome as soon as the
 * relay answered. Messages are claimed a few at a time for ms->lease
 * seconds; one is sent only while half its lease is left, so that no
 * other sender takes it meanwhile. When the relay cannot take mail the
 * run stops, the messages in hand are due again at once and relay_down
 * is set: nothing is lost. Several senders may run at once, on one node
 * or many. st is used outside a transaction. Returns 0, or a store
 * error. */
int mail_dispatch(struct store *st, const struct mail_settings *ms, int limit,
		  struct mail_dispatch_stats *stats, struct sk_error *err);

#endif
