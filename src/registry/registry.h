/* registry/registry.h: questions about the constituency registry that
 * both front doors ask: who owns this value (whois), which prefixes of
 * different organizations overlap. */
#ifndef SK_REGISTRY_REGISTRY_H
#define SK_REGISTRY_REGISTRY_H

#include <stdbool.h>
#include <stdint.h>

#include "model/org.h"
#include "model/resource.h"
#include "model/user.h"

struct sk_error;
struct store;

/* One owner of the value asked about, and the resource through which it
 * owns it. Borrowed for the duration of the callback. */
typedef int (*registry_whois_fn)(const struct org *org, const struct resource *via, void *ctx);

/* Which organizations own query: an IP address, a prefix, an AS number
 * or a domain name. For addresses and prefixes, every covering prefix,
 * most specific first; for domains, the name or its closest parent first.
 * A query that is none of these is SK_EINVAL saying so. */
int registry_whois(struct store *st, const char *query, registry_whois_fn fn, void *ctx,
		   struct sk_error *err);

/* A pair of prefixes of different organizations where outer covers inner
 * (equal prefixes included). */
typedef int (*registry_overlap_fn)(const struct org *outer_org, const struct resource *outer,
				   const struct org *inner_org, const struct resource *inner,
				   void *ctx);
/* Every such pair, ordered by the inner prefix. */
int registry_overlaps(struct store *st, registry_overlap_fn fn, void *ctx,
		      struct sk_error *err);

#endif
