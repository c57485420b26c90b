/* http/api_tickets.h: the tickets under /api/v1/tickets, for the
 * national CSIRT's staff (admins and analysts; partners get 403). */
#ifndef SK_HTTP_API_TICKETS_H
#define SK_HTTP_API_TICKETS_H

#include "http/router.h"

struct intake_config;

extern const struct router_route api_tickets_routes[];

/* The settings replies are mailed with (tag, sender); borrowed, set once
 * before the server starts. Without them replies are refused (500). */
void api_tickets_configure(const struct intake_config *c);

/* The [pgp] settings (schakel's keyring, its key and the file holding
 * its passphrase) for POST .../decrypt and .../forward; borrowed, set
 * once before the server starts. Without them both are refused (500). */
struct mail_pgp_settings;
void api_tickets_configure_pgp(const struct mail_pgp_settings *s);

#endif
