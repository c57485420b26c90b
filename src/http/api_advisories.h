/* http/api_advisories.h: advisories under /api/v1/advisories and the
 * assets under /api/v1/orgs/{id}/assets. Staff write and read all;
 * a partner reads the published advisories addressed to its
 * organization that the TLP policy lets it receive (404 for others) and
 * its own organization's assets. */
#ifndef SK_HTTP_API_ADVISORIES_H
#define SK_HTTP_API_ADVISORIES_H

#include "http/router.h"

struct advisory_settings;

extern const struct router_route api_advisories_routes[];

/* The [advisories] settings (number prefix, review); borrowed, set once
 * before the server starts. Without them the defaults apply (prefix
 * CERT, review required). */
void api_advisories_configure(const struct advisory_settings *s);

#endif
