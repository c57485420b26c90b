/* http/api_keys.h: schakel's OpenPGP keyring under /api/v1/keys: list,
 * show, import and delete partners' public keys. Staff only; schakel's
 * own secret key is handled with the CLI alone (docs/pgp.md). */
#ifndef SK_HTTP_API_KEYS_H
#define SK_HTTP_API_KEYS_H

#include "http/router.h"

/* The routes, ended by an entry with a NULL pattern. */
extern const struct router_route api_keys_routes[];

/* The keyring's directory (pgp_home_path); borrowed, set once before the
 * server starts. Without it the routes answer 500. */
void api_keys_configure(const char *home);

#endif
