/* ticket/workflow.h: what handlers do with tickets, the same from the
 * CLI and the API: list and read them, open one, change its fields
 * (status, owner, severity, service, TLP, tags), comment, reply by mail,
 * add parties, link a report to incidents. Each operation is written
 * once, here: it asks access/access.h whether user u may handle tickets
 * (staff only; the CLI acts as the local operator), holds its
 * transaction, and the store writes its audit row. Replies pass the TLP
 * policy: the requester is a named recipient, a party the organization
 * concerned, and nobody else is mailed. */
#ifndef SK_TICKET_WORKFLOW_H
#define SK_TICKET_WORKFLOW_H

#include <stdint.h>

#include "mail/message.h"
#include "model/ticket.h"
#include "model/user.h"
#include "store/store.h"

struct buf;
struct intake_config;
struct sk_error;
struct sla_config;

#define TICKET_TEXT_MAX (256 * 1024) /* bytes of a comment or reply */

/* Every function below first asks access_may_handle_tickets(u): a user
 * who may not is SK_EPERM, and nothing is read or written. u is
 * borrowed; its name is the author of comments and replies. */

/* The tickets f selects, newest first (or in queue order), to fn. */
int ticket_list(struct store *st, const struct user *u, const struct store_ticket_filter *f,
		store_ticket_fn fn, void *ctx, struct sk_error *err);

/* Ticket id into *out; SK_ENOTFOUND if there is none. */
int ticket_get(struct store *st, const struct user *u, int64_t id, struct ticket *out,
	       struct sk_error *err);

/* Message id of a ticket exactly as it was received, into out (at most
 * STORE_TICKET_RAW_MAX bytes); encrypted mail stays encrypted. */
int ticket_message_raw(struct store *st, const struct user *u, int64_t id, struct buf *out,
		       struct sk_error *err);

/* Open a ticket by hand (an incident, say): type, subject and the
 * requester's address (may be ""). *out gets it. */
int ticket_open(struct store *st, const struct user *u, enum ticket_type type,
		const char *subject, const char *requester, struct ticket *out,
		struct sk_error *err);

/* A change; NULL (or -1) leaves a field as it is. */
struct ticket_change {
	const char *status;
	const char *owner; /* "" clears it */
	const char *severity;
	const char *service;
	const char *tags;
	int tlp; /* enum tlp_label, or -1 */
};

/* Apply ch to ticket id: statuses are the type's; a final one (resolved,
 * rejected, ...) sets resolved_at and another clears it; taking the
 * ticket (an owner, or leaving "new") sets acked_at once. A new
 * severity or service gives a new priority and due times from sla
 * (counted from when the ticket was opened). *out (may be NULL) gets
 * the ticket as stored. */
int ticket_set(struct store *st, const struct user *u, const struct sla_config *sla, int64_t id,
	       const struct ticket_change *ch, struct ticket *out, struct sk_error *err);

/* An internal comment by u, never mailed. */
int ticket_comment(struct store *st, const struct user *u, int64_t id, const char *text,
		   struct sk_error *err);

/* Whether to may receive ticket t: the requester (a named recipient)
 * or a party's address (the organization concerned), as the TLP policy
 * lets them; its canonical form into addr and the party's id (0 for
 * the requester) into *party_id. SK_EINVAL for an address that is
 * neither, SK_EPERM when the TLP policy refuses it. */
int ticket_recipient(struct store *st, const struct ticket *t, const char *to,
		     char addr[MAIL_ADDR_MAX + 1], int64_t *party_id, struct sk_error *err);

/* Mail text to the requester (to NULL or the requester's address) or
 * to a party's address, with the ticket's tag in the subject, through
 * the outbound queue; the first reply sets responded_at. SK_EPERM when
 * the TLP policy refuses the recipient, SK_EINVAL for an address that is
 * neither. The new mail's id in *mail_id (may be NULL). */
int ticket_reply(struct store *st, const struct user *u, const struct intake_config *c,
		 int64_t id, const char *to, const char *text, int64_t *mail_id,
		 struct sk_error *err);

/* Add a party to an incident: an organization (org_id > 0; its first
 * contact's address is used when address is NULL) and/or an address. */
int ticket_party_add(struct store *st, const struct user *u, int64_t id, int64_t org_id,
		     const char *address, int64_t *party_id, struct sk_error *err);

/* Link report report_id to incident incident_id: SK_EINVAL unless they
 * are a report and an incident, SK_EEXIST if they are linked already. */
int ticket_link(struct store *st, const struct user *u, int64_t report_id, int64_t incident_id,
		struct sk_error *err);

#endif
