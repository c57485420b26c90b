/* route/optout.h: the classification types an organization opts out of
 * (routing sends it no event of those types), changed and read the same
 * way from every front door: each asks access/access.h first, and a
 * change of several types is one transaction (all or none), each type
 * with its audit row. */
#ifndef SK_ROUTE_OPTOUT_H
#define SK_ROUTE_OPTOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/user.h"
#include "store/store.h"

struct sk_error;

/* Opt organization org_id out of (add) or back into (!add) the types
 * types[0..n) (classification.type names; legacy spellings read as
 * current). u must be allowed to change the registry
 * (access_may_change_registry: SK_EPERM). An unknown type is SK_EINVAL,
 * an unknown organization SK_ENOTFOUND, an opt-out it has already (add)
 * SK_EEXIST, one it does not have (remove) SK_ENOTFOUND: then nothing
 * changed. */
int optout_change(struct store *st, const struct user *u, int64_t org_id,
		  const char *const *types, size_t n, bool add, struct sk_error *err);

/* The opt-outs of organization org_id, or of all (org_id 0), by
 * organization id and type, as user u may read them: one organization
 * when u may read it (access_may_read_org), all for staff; else
 * SK_EPERM. */
int optout_each(struct store *st, const struct user *u, int64_t org_id, store_optout_fn fn,
		void *ctx, struct sk_error *err);

#endif
