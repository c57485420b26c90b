/* http/api_alerts.h: the alerts of urgent advisories: the personal
 * acknowledgement link /ack/{token} (public: the token is the
 * capability), a partner's acknowledgement from the portal, and the
 * staff's lists and calling list. */
#ifndef SK_HTTP_API_ALERTS_H
#define SK_HTTP_API_ALERTS_H

#include "http/router.h"

struct delivery_settings;

extern const struct router_route api_alerts_routes[];

/* The delivery settings publishing through the API uses; borrowed, set
 * once before the server starts. NULL until then. */
void api_alerts_configure(const struct delivery_settings *s);
const struct delivery_settings *api_alerts_delivery(void);

#endif
