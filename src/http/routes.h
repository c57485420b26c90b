/* http/routes.h: every route schakeld serves, and the access check that
 * runs on each before its handler: one list, so the server and the test
 * that walks every route with every role see the same table. */
#ifndef SK_HTTP_ROUTES_H
#define SK_HTTP_ROUTES_H

#include "http/router.h"

struct http_response;
struct user;

/* The route tables of the API, NULL-terminated (router_match). */
extern const struct router_route *const http_routes[];

/* May u (NULL: no token) call route? 0 when access_route() allows its
 * rule; else -1 with resp filled: 401 "unauthenticated" (with the
 * challenge) or 403 "forbidden". Both are borrowed. */
int http_route_admit(const struct router_route *route, const struct user *u,
		     struct http_response *resp);

#endif
