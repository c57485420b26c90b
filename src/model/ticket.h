/* model/ticket.h: a unit of incident-handling work: its type, the
 * statuses each type goes through, and the fields a handler sees. The
 * number shown to people ("[CERT.be #42]") is the id. Priority, service,
 * severity and due times are worked out by ticket/sla.h; they are kept
 * here as the store has them. */
#ifndef SK_MODEL_TICKET_H
#define SK_MODEL_TICKET_H

#include <stdbool.h>
#include <stdint.h>

#include "model/tlp.h"

enum ticket_type {
	TICKET_REPORT,
	TICKET_INCIDENT,
	TICKET_VULNERABILITY,
};
#define TICKET_TYPE_COUNT 3

/* "report", "incident", "vulnerability-coordination"; NULL-terminated,
 * the enum value is the index. */
extern const char *const ticket_type_names[];

/* The statuses of a type, NULL-terminated; the first is a new ticket's. */
const char *const *ticket_statuses(enum ticket_type type);
/* Is status one of type's? Is it one that ends the work (resolved,
 * rejected, abandoned, closed, disclosed)? */
bool ticket_status_valid(enum ticket_type type, const char *status);
bool ticket_status_final(const char *status);

#define TICKET_SUBJECT_MAX 900
#define TICKET_ADDR_MAX	   254
#define TICKET_OWNER_MAX   64
#define TICKET_TAGS_MAX	   512
#define TICKET_REASON_MAX  512
#define TICKET_WORD_MAX	   32 /* status, class, service, severity, coverage */
#define TICKET_TIME_MAX	   21 /* ISO 8601 UTC, NUL included; "" when unset */

struct ticket {
	int64_t id;
	enum ticket_type type;
	char status[TICKET_WORD_MAX];
	char subject[TICKET_SUBJECT_MAX + 1];
	char requester[TICKET_ADDR_MAX + 1]; /* the reporter's address */
	int64_t org_id;			     /* the requester's organization; 0: none known */
	char class[TICKET_WORD_MAX];	     /* org_class_names[], "public" when unknown */
	char service[TICKET_WORD_MAX];	     /* ticket/sla.h services */
	char severity[TICKET_WORD_MAX];	     /* critical, high, medium, low */
	int priority;			     /* 1 (most urgent) .. 5 */
	char coverage[TICKET_WORD_MAX];	     /* none, office-hours, 24x7 */
	enum tlp_label tlp;
	char owner[TICKET_OWNER_MAX + 1]; /* a user name, or "" */
	char tags[TICKET_TAGS_MAX + 1];	  /* comma list */
	char scope[8];			  /* in, out, unknown */
	char scope_reason[TICKET_REASON_MAX + 1];
	char created[TICKET_TIME_MAX], updated[TICKET_TIME_MAX];
	char due_ack[TICKET_TIME_MAX], due_response[TICKET_TIME_MAX],
	    due_resolve[TICKET_TIME_MAX];
	char acked_at[TICKET_TIME_MAX], responded_at[TICKET_TIME_MAX],
	    resolved_at[TICKET_TIME_MAX];
};

/* A new ticket of type: its first status, class public, service
 * incident-analysis, severity medium, priority 3, TLP:AMBER, scope
 * unknown. */
void ticket_init(struct ticket *t, enum ticket_type type);

#endif
