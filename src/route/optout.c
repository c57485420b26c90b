/* route/optout.c: opt-outs, through access.h, in one transaction (see
 * optout.h). */
#include "route/optout.h"

#include "access/access.h"
#include "lib/error.h"

int optout_change(struct store *st, const struct user *u, int64_t org_id,
		  const char *const *types, size_t n, bool add, struct sk_error *err)
{
	int rc;

	if ((rc = access_may_change_registry(u, err)) != 0 || (rc = store_begin(st, err)) != 0)
		return rc;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = add ? store_optout_add(st, org_id, types[i], err)
			 : store_optout_remove(st, org_id, types[i], err);
	return store_finish(st, rc, err);
}

int optout_each(struct store *st, const struct user *u, int64_t org_id, store_optout_fn fn,
		void *ctx, struct sk_error *err)
{
	int rc;

	if (org_id <= 0 && !access_is_staff(u))
		return sk_error_set(
		    err, SK_EPERM, "user %s may read the opt-outs of its own organization only",
		    u != NULL ? u->name : "-");
	if (org_id > 0) {
		rc = access_may_read_org(st, u, org_id, err);
		if (rc < 0)
			return rc;
		if (rc == 0)
			return sk_error_set(err, SK_EPERM,
					    "user %s may not read organization %lld",
					    u != NULL ? u->name : "-", (long long)org_id);
	}
	return store_optout_each(st, org_id, fn, ctx, err);
}
