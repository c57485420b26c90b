/* http/api_ops.h: the duty officer's overview under /api/v1: the audit
 * log, filtered, and what was ingested and who received it
 * (/api/v1/stats/...). Staff only. */
#ifndef SK_HTTP_API_OPS_H
#define SK_HTTP_API_OPS_H

#include "http/router.h"

/* The routes, ended by an entry with a NULL pattern. */
extern const struct router_route api_ops_routes[];

#endif
