/* ticket/view.h: the shape a ticket leaves in, the same for the CLI's
 * --json and the API: the ticket's fields, and for one ticket its
 * messages (encrypted ones without text), what its text names, its
 * links and parties. */
#ifndef SK_TICKET_VIEW_H
#define SK_TICKET_VIEW_H

#include <jansson.h>
#include <stdint.h>

#include "model/ticket.h"

struct sk_error;
struct store;

/* The fields of t as a JSON object (new reference). */
json_t *ticket_view_fields(const struct ticket *t);

/* Ticket id whole: the fields with "messages", "items", "links" and
 * "parties"; NULL with err set if it cannot be read. */
json_t *ticket_view_full(struct store *st, int64_t id, struct sk_error *err);

#endif
