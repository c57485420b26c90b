/* http/api_portal.h: the partner portal's routes under /api/v1: a
 * partner reports an incident (it becomes a ticket as a mail would) and
 * lists its organization's reports. */
#ifndef SK_HTTP_API_PORTAL_H
#define SK_HTTP_API_PORTAL_H

#include "http/router.h"

struct intake_config;

/* The routes, ended by an entry with a NULL pattern. */
extern const struct router_route api_portal_routes[];

/* The intake settings reports are taken in with (schakeld's [tickets],
 * [sla], ...); borrowed, set once before the server starts. Without them
 * reports are refused (500). */
void api_portal_configure(const struct intake_config *c);

#endif
