/* ticket/forward.c: an encrypted report forwarded to a party, encrypted
 * again to its key (see forward.h). The clear text lives in the locked
 * buffer ticket_decrypt() gives, in the composed message until it is
 * sealed (then wiped), and in gpg; the queue gets only the sealed text. */
#include "ticket/forward.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "lib/error.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"
#include "mail/dispatch.h"
#include "mail/protect.h"
#include "store/store.h"
#include "ticket/decrypt.h"
#include "ticket/intake.h"
#include "ticket/workflow.h"

/* Queue the forward of r's clear text to addr, sealed to fpr, and note it
 * on ticket t, in one transaction. The new mail's id into *mail_id. */
static int forward_queue(struct store *st, const struct user *u, const struct intake_config *c,
			 struct mail_pgp *mp, const struct ticket *t, const char *addr,
			 int64_t party_id, const char *fpr, const struct decrypt_result *r,
			 int64_t *mail_id, struct sk_error *err)
{
	bool text = utf8_valid(r->clear, r->len);
	char file[64], tref[32], msgid[MAIL_MSGID_MAX + 1], bare[MAIL_MSGID_MAX + 1];
	char *subject = NULL, *body = NULL, *note = NULL;
	int64_t mid = 0;
	size_t n;
	int rc;

	snprintf(file, sizeof(file), "message-%lld-part-%d.%s", (long long)r->message_id,
		 r->part, text ? "txt" : "bin");
	snprintf(tref, sizeof(tref), "ticket:%lld", (long long)t->id);
	subject = intake_subject_number(t->subject, c->tag) == t->id
		      ? xasprintf("Fwd: %s", t->subject)
		      : xasprintf("Fwd: [%s #%lld] %s", c->tag, (long long)t->id, t->subject);
	body = xasprintf("Attached is the encrypted report received on ticket #%lld "
			 "(message %lld, part %d), decrypted by %s and encrypted again "
			 "to your key.\n\n-- \nThis message is classified %s.\n",
			 (long long)t->id, (long long)r->message_id, r->part, c->tag,
			 tlp_name(t->tlp));
	note = xasprintf("encrypted report of message %lld part %d forwarded, encrypted to %s",
			 (long long)r->message_id, r->part, fpr);
	if ((rc = store_begin(st, err)) != 0)
		goto out;
	{
		const struct mail_addr rcpt = {NULL, addr};
		const struct mail_attachment att = {
		    file, text ? "text/plain" : "application/octet-stream", r->clear, r->len};
		const struct mail_message m = {
		    .from = {c->sender_name, c->from},
		    .to = &rcpt,
		    .n_to = 1,
		    .subject = subject,
		    .body = body,
		    .attachments = &att,
		    .n_attachments = 1,
		    .tlp = tlp_name(t->tlp),
		};

		rc = mail_enqueue_sealed(st, mp, fpr, &m, tref, &mid, msgid, err);
	}
	if (rc == 0) {
		n = strlen(msgid);
		snprintf(bare, sizeof(bare), "%.*s", n > 2 ? (int)(n - 2) : 0, msgid + 1);
		const struct store_ticket_message tm = {
		    .ticket_id = t->id,
		    .party_id = party_id,
		    .kind = "reply",
		    .message_id = bare,
		    .author = u->name,
		    .recipients = addr,
		    .subject = subject,
		    .body = note,
		    .mail_id = mid,
		};
		rc = store_ticket_message_add(st, &tm, NULL, 0, NULL, err);
	}
	rc = store_finish(st, rc, err);
	if (rc == 0)
		*mail_id = mid;
out:
	free(subject);
	free(body);
	free(note);
	return rc;
}

int ticket_forward(struct store *st, const struct user *u, const struct intake_config *c,
		   struct mail_pgp *mp, const char *pgp_home, const struct decrypt_request *rq,
		   const char *to, struct forward_result *out, struct sk_error *err)
{
	char addr[MAIL_ADDR_MAX + 1], fpr[PGP_FPR_MAX + 1];
	struct decrypt_request dr = *rq;
	struct decrypt_result r = {0};
	struct ticket t;
	int64_t party_id = 0, mail_id = 0;
	int rc;

	if ((rc = access_may_handle_tickets(u, err)) != 0)
		return rc;
	if (c == NULL || c->from == NULL)
		return sk_error_set(err, SK_ECONFIG,
				    "[mail] from is not set: nothing can be forwarded");
	if (to == NULL || *to == '\0')
		return sk_error_set(err, SK_EINVAL, "name the address to forward to");
	if ((rc = store_ticket_get(st, rq->ticket_id, &t, err)) != 0 ||
	    (rc = ticket_recipient(st, &t, to, addr, &party_id, err)) != 0)
		return rc;
	if (mp == NULL)
		return sk_error_set(err, SK_ECONFIG,
				    "schakel has no key of its own (schakel key generate): "
				    "nothing is forwarded unsigned");
	/* No key, no forward: the report never goes in clear. */
	if (!mail_pgp_rcpt_key(mp, st, addr, fpr))
		return sk_error_set(err, SK_EEXIST,
				    "no usable key for %s in schakel's keyring: the report is "
				    "not forwarded, it would go in clear (schakel key import, "
				    "or a contact's pgp fingerprint)",
				    addr);
	dr.forward_to = addr;
	dr.extract = false;
	if ((rc = ticket_decrypt(st, u, pgp_home, &dr, &r, err)) != 0)
		goto out;
	if ((rc = forward_queue(st, u, c, mp, &t, addr, party_id, fpr, &r, &mail_id, err)) != 0)
		goto out;
	out->message_id = r.message_id;
	out->part = r.part;
	out->mail_id = mail_id;
	memcpy(out->fpr, fpr, sizeof(fpr));
out:
	decrypt_result_free(&r);
	return rc;
}
