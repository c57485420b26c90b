/* http/api_registry.h: the registry under /api/v1: organizations, their
 * resources, contacts and memberships, whois, and the caller itself;
 * plus /healthz. Every handler asks src/registry who may read or write. */
#ifndef SK_HTTP_API_REGISTRY_H
#define SK_HTTP_API_REGISTRY_H

#include <jansson.h>

#include "http/router.h"

struct sk_error;
struct store;
struct user;

/* The routes, ended by an entry with a NULL pattern. */
extern const struct router_route api_registry_routes[];

/* The caller as GET /api/v1/me describes it: id, name, role, org_id;
 * "org" ({"id","name","is_liaison"} of a partner's organization, null
 * for staff) and "may" (access_may_all()). u is borrowed; the caller
 * owns the object. NULL on an error of the store. */
json_t *api_me_json(struct store *st, const struct user *u, struct sk_error *err);

#endif
