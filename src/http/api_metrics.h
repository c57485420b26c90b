/* http/api_metrics.h: GET /metrics, the Prometheus text format: the
 * daemon's counters (lib/metrics.h), its HTTP requests by route, method
 * and status with latency histograms by route, and values read from the
 * store at each scrape (store_metrics_each). docs/operations.md lists
 * every metric. */
#ifndef SK_HTTP_API_METRICS_H
#define SK_HTTP_API_METRICS_H

#include <stdbool.h>

#include "http/router.h"

struct buf;
struct sk_error;
struct store;

#define METRICS_TOKEN_MAX 256 /* bytes of the scrape token */

/* Who may scrape: a client on the loopback address when loopback is
 * true, and whoever sends "Authorization: Bearer <token>" (token NULL or
 * "": nobody that way). Copied; call once before serving. */
void api_metrics_configure(const char *token, bool loopback);

/* Count one answered request: route as matched (NULL: no route, counted
 * as route "other"), method as sent, status as answered (0: none, the
 * connection closed first), seconds from its headers to its end. No
 * lock, no allocation. */
void api_metrics_request(const struct router_route *route, const char *method, int status,
			 double seconds);

/* Every metric into b, read from st in one read transaction. */
int api_metrics_render(struct store *st, struct buf *b, struct sk_error *err);

extern const struct router_route api_metrics_routes[];

#endif
