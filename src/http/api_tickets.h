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

/* schakel's keyring (pgp_home_path()) and the file holding its key's
 * passphrase ([pgp] passphrase_file, may be NULL) for POST .../decrypt;
 * borrowed, set once before the server starts. Without a keyring
 * decrypt is refused (500). */
void api_tickets_configure_pgp(const char *home, const char *passphrase_file);

#endif
