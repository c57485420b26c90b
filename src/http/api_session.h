/* http/api_session.h: sign-in sessions of the web console under
 * /api/v1/session (sign in, look at, sign out) and a signed-in user's
 * own password, /api/v1/me/password. */
#ifndef SK_HTTP_API_SESSION_H
#define SK_HTTP_API_SESSION_H

#include "http/router.h"

/* The routes, ended by an entry with a NULL pattern. */
extern const struct router_route api_session_routes[];

#endif
