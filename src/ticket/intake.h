/* ticket/intake.h: a mail in becomes a ticket, or part of one. The mail
 * is stored exactly as received with what was read from it, threaded
 * (the subject's "[<tag> #<number>]", else the Message-IDs it answers),
 * and a new ticket is acknowledged through the outbound queue, all in
 * one transaction: either everything is stored or nothing is. */
#ifndef SK_TICKET_INTAKE_H
#define SK_TICKET_INTAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mail/message.h"
#include "mail/mimescan.h"
#include "ticket/sla.h"

struct config;
struct extract_result;
struct scope;
struct ticket;
struct sk_error;
struct store;

#define INTAKE_OWN_MAX	    16		       /* our own addresses */
#define INTAKE_TAG_MAX	    32		       /* bytes of the subject tag */
#define INTAKE_SIZE_DEFAULT (25 * 1024 * 1024) /* tickets.max_size */

struct intake_config {
	char tag[INTAKE_TAG_MAX + 1]; /* tickets.tag: "CERT.be" */
	/* mail.from and tickets.addresses: never acknowledged (no loops) */
	char own[INTAKE_OWN_MAX][MAIL_ADDR_MAX + 1];
	size_t n_own;
	const char *from;	 /* mail.from: acknowledgements' sender; NULL: none sent */
	const char *sender_name; /* notify.sender: the name under which they go */
	bool ack;		 /* tickets.ack */
	int64_t ack_per_hour;	 /* tickets.ack_per_hour: per address */
	int64_t max_size;	 /* tickets.max_size: bytes of a mail */
	/* tickets.max_parts, max_depth, max_headers, max_header_length: a mail
	 * over them is stored as received, read for its header only */
	struct mimescan_limits limits;
	const char *templates; /* directory of ticket-ack-<lang>.txt */
	struct sla_config sla; /* [sla], [services]: priority and due times */
	struct scope *scope;   /* [scope]; NULL when no country is set */
	/* schakel's keyring (pgp_home_path()), set by the caller: signatures
	 * are checked with it; NULL: they are recorded "unchecked". */
	const char *pgp_home;
};

/* Read [tickets], [sla], [services], [scope] and what it needs of
 * [mail], [notify] and [route]; SK_ECONFIG names the bad setting.
 * Strings are borrowed from cfg; free with intake_config_free(). */
int intake_config_read(const struct config *cfg, struct intake_config *out,
		       struct sk_error *err);
void intake_config_free(struct intake_config *c);

struct intake_result {
	int64_t ticket_id;
	bool created;	/* a new ticket */
	bool duplicate; /* this mail was stored already (the same Message-ID and
			   body, or Message-ID and sender): nothing done */
	bool refused;	/* the mail can never be taken (err says why) */
	bool encrypted;
	const char *threaded_by; /* "tag", "reference" or "new" */
	bool acked;		 /* an acknowledgement was queued */
	bool entitled;		 /* the requester's class has the service */
	char no_ack[200];	 /* why not, when a new ticket got none */
	char not_parsed[96];	 /* why only its header was read, or "" */
	char signature[16];	 /* "" not signed, else signature.h's status */
	char signature_why[160]; /* why it is "error" or "unchecked" */
};

/* Take in one mail: raw[0..len) as received, from envelope sender
 * envelope_from (NULL: unknown; "" the null sender of a bounce). A mail
 * that can never be accepted (larger than max_size, not a mail) fails
 * with out->refused set; anything else that fails is worth retrying:
 * nothing in a mail's text makes a mail that can be stored fail. */
int intake_mail(struct store *st, const struct intake_config *c, const char *envelope_from,
		const void *raw, size_t len, struct intake_result *out, struct sk_error *err);

/* Store what x found in ticket_id's text, each with its owners from the
 * registry (one row per owner of the most specific resource, or one
 * without): derived_from as in store_ticket_item_add(). In the caller's
 * transaction. */
int intake_items_store(struct store *st, int64_t ticket_id, const struct extract_result *x,
		       const char *derived_from, struct sk_error *err);

/* Priority, coverage and due times of t (its class, service and
 * severity) for a ticket opened at opened, from the service matrix and
 * targets; *entitled false when the class has no entitlement to the
 * service (coverage none, no due times). */
void intake_sla_apply(const struct sla_config *sla, struct ticket *t, int64_t opened,
		      bool *entitled);

/* The ticket number in a subject's "[<tag> #<number>]" (tag compared
 * without case), or 0. */
int64_t intake_subject_number(const char *subject, const char *tag);

/* The names an acknowledgement template (ticket-ack-LANG.txt,
 * ticket-not-entitled-LANG.txt) may use. */
extern const char *const intake_ack_names[];

#endif
