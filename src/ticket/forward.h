/* ticket/forward.h: an encrypted report forwarded to a party, encrypted
 * again to that party's key. The report is read as ticket/decrypt.h reads
 * it (staff only, a reason, the audit row first, the clear text in
 * locked memory), the forward is composed, signed with schakel's key and
 * encrypted to the party's key and schakel's own before it is queued:
 * neither the queue nor the ticket ever holds it in clear, and an
 * address without a usable key is refused, never mailed in clear. */
#ifndef SK_TICKET_FORWARD_H
#define SK_TICKET_FORWARD_H

#include <stdint.h>

#include "model/user.h"
#include "pgp/pgp.h"

struct decrypt_request;
struct intake_config;
struct mail_pgp;
struct sk_error;
struct store;

struct forward_result {
	int64_t message_id;	   /* the encrypted mail read */
	int part;		   /* and its part */
	int64_t mail_id;	   /* the queued forward */
	char fpr[PGP_FPR_MAX + 1]; /* the key it is encrypted to */
};

/* Forward the part rq names (its reason required, as ticket_decrypt)
 * of ticket rq->ticket_id to address to, as user u (staff only,
 * SK_EPERM otherwise). to must be the ticket's requester or a party's
 * address that the TLP policy lets receive it (ticket_recipient:
 * SK_EINVAL, SK_EPERM), with a usable key in the keyring mp holds (as
 * mail_protect finds it): SK_EEXIST (a conflict: exit 65, HTTP 409)
 * when it has none, before anything is read. mp NULL (no keyring, or schakel has no key of its
 * own) is SK_ECONFIG. The mail goes from c->from; the ticket gets a "reply" message that names
 * the message, part and key, never the clear text. mp, rq and u are borrowed; *out is written
 * only on success. */
int ticket_forward(struct store *st, const struct user *u, const struct intake_config *c,
		   struct mail_pgp *mp, const char *pgp_home, const struct decrypt_request *rq,
		   const char *to, struct forward_result *out, struct sk_error *err);

#endif
