/* http/api_csaf.h: the CSAF 2.0 provider tree under /.well-known/csaf/
 * (advisory/csaf_tree.h), built from the store, the same bytes schakel
 * csaf export writes but for the signatures' times. provider-metadata,
 * the public key and the WHITE directory are public; GREEN, AMBER and
 * RED need a signed-in user: staff read all, a partner what the TLP
 * policy lets its organization receive (404 for the rest). */
#ifndef SK_HTTP_API_CSAF_H
#define SK_HTTP_API_CSAF_H

#include "http/router.h"

struct config;
struct sk_error;

extern const struct router_route api_csaf_routes[];

/* Read [csaf] from cfg (borrowed for the life of the server, as is
 * store_url, whose keyring signs). Without [csaf] publisher_name every
 * /.well-known/csaf/ path is 404. SK_ECONFIG for a bad setting. */
int api_csaf_configure(const struct config *cfg, const char *store_url, struct sk_error *err);

#endif
