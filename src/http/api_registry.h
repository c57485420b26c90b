/* http/api_registry.h: the registry under /api/v1: organizations, their
 * resources, contacts and memberships, whois, and the caller itself;
 * plus /healthz. Every handler asks src/registry who may read or write. */
#ifndef SK_HTTP_API_REGISTRY_H
#define SK_HTTP_API_REGISTRY_H

#include "http/router.h"

/* The routes, ended by an entry with a NULL pattern. */
extern const struct router_route api_registry_routes[];

#endif
