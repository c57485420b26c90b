/* http/api_events.h: events under /api/v1/events: the events an
 * organization receives, as JSON or CSV, a page at a time (every row
 * passes registry/event_read.h, which applies the TLP policy); and
 * events in, IntelMQ events posted by a token with the scope
 * events:write, ingested as `schakel ingest` does (route/ingest.h). */
#ifndef SK_HTTP_API_EVENTS_H
#define SK_HTTP_API_EVENTS_H

#include "http/router.h"

struct config;
struct sk_error;

/* Defaults of [http] max_events_body, [ingest] max_batch_events and
 * [ingest] http_concurrency. */
#define API_EVENTS_MAX_BODY    (16 * 1024 * 1024)
#define API_EVENTS_MAX_BATCH   10000
#define API_EVENTS_CONCURRENCY 2

/* Read the settings of POST /api/v1/events from cfg (those above, [feeds]
 * tlp, [route] match and the MaxMind databases); once, before serving.
 * SK_ECONFIG naming a bad setting. */
int api_events_configure(const struct config *cfg, struct sk_error *err);
/* Free what api_events_configure() opened. */
void api_events_unconfigure(void);

/* The routes, ended by an entry with a NULL pattern. */
extern const struct router_route api_events_routes[];

#endif
