/* http/api_mail.h: the outbound mail queue under /api/v1/mail: list it
 * (held messages with their reason among them) and release or drop a
 * held message. Staff only, as from the CLI (mail/dispatch.h). */
#ifndef SK_HTTP_API_MAIL_H
#define SK_HTTP_API_MAIL_H

#include "http/router.h"

/* The routes, ended by an entry with a NULL pattern. */
extern const struct router_route api_mail_routes[];

#endif
