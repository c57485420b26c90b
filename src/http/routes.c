/* http/routes.c: the list of route tables schakeld serves and the role
 * check of access/access.h that server.c runs before any handler. */
#include "http/routes.h"

#include "access/access.h"
#include "http/api_advisories.h"
#include "http/api_csaf.h"
#include "http/api_alerts.h"
#include "http/api_events.h"
#include "http/api_keys.h"
#include "http/api_mail.h"
#include "http/api_metrics.h"
#include "http/api_ops.h"
#include "http/api_portal.h"
#include "http/api_publications.h"
#include "http/api_registry.h"
#include "http/api_session.h"
#include "http/api_tickets.h"
#include "http/public_pages.h"
#include "http/response.h"
#include "lib/error.h"

const struct router_route *const http_routes[] = {api_registry_routes,
						  api_session_routes,
						  api_events_routes,
						  api_tickets_routes,
						  api_keys_routes,
						  api_mail_routes,
						  api_ops_routes,
						  api_portal_routes,
						  api_metrics_routes,
						  api_advisories_routes,
						  api_csaf_routes,
						  api_publications_routes,
						  public_pages_routes,
						  api_alerts_routes,
						  NULL};

/* route, u and resp are borrowed. */
int http_route_admit(const struct router_route *route, const struct user *u,
		     struct http_response *resp)
{
	struct sk_error err = {0};

	switch (access_route(route->rule, u, &err)) {
	case ACCESS_ALLOW:
		return 0;
	case ACCESS_UNAUTHENTICATED:
		http_response_error(resp, 401, "unauthenticated", "%s", err.msg);
		resp->challenge = 1;
		return -1;
	case ACCESS_FORBIDDEN:
		break;
	}
	http_response_error(resp, 403, "forbidden", "%s", err.msg);
	return -1;
}
