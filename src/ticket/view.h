/* ticket/view.h: the shape a ticket leaves in, the same for the CLI's
 * --json and the API: the ticket's fields, and for one ticket its
 * messages (encrypted ones without text), what its text names, its
 * links and parties. */
#ifndef SK_TICKET_VIEW_H
#define SK_TICKET_VIEW_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "model/ticket.h"
#include "model/user.h"
#include "ticket/sla.h"

struct sk_error;
struct store;

/* The fields of t as a JSON object (new reference). */
json_t *ticket_view_fields(const struct ticket *t);

/* Where a ticket's SLA clocks stand at now: the next clock to meet
 * (acknowledge, first response, resolve; NULL when all are met or none
 * runs), its due time and the business time left (negative: overdue),
 * and which clocks are breached. */
struct ticket_clocks {
	const char *next;
	int64_t due, left;
	bool breached[SLA_CLOCK_COUNT]; /* by enum sla_clock */
};
void ticket_view_clocks(const struct ticket *t, const struct sla_config *sla, int64_t now,
			struct ticket_clocks *out);

/* The fields with "next", "due", "left_seconds" and "breached" (an
 * array), for the queue. */
json_t *ticket_view_queued(const struct ticket *t, const struct sla_config *sla, int64_t now);

/* Ticket id whole, as user u may read it (access_may_handle_tickets():
 * staff only; else NULL with SK_EPERM): the fields with "messages",
 * "items", "links", "parties" and "history" (its audit entries, oldest
 * first); NULL with err set if it cannot be read. */
json_t *ticket_view_full(struct store *st, const struct user *u, int64_t id,
			 struct sk_error *err);

/* An audit entry as JSON: "id", "time", "actor", "action", "object"
 * (the kind, "ticket"), "object_id" (null when the entry names none) and
 * "summary": the items of GET /api/v1/audit and of a ticket's history.
 * e is borrowed. */
struct audit_entry;
json_t *ticket_view_audit(const struct audit_entry *e);

#endif
