/* http/api_events.h: events under /api/v1/events: the events an
 * organization receives, as JSON or CSV, a page at a time. Every row
 * passes registry/event_read.h, which applies the TLP policy. */
#ifndef SK_HTTP_API_EVENTS_H
#define SK_HTTP_API_EVENTS_H

#include "http/router.h"

/* The routes, ended by an entry with a NULL pattern. */
extern const struct router_route api_events_routes[];

#endif
