/* store/store_optout.c: the classification types organizations opt out
 * of: no events of those types are routed to them. Every change
 * audited. */
#include "store/store.h"

#include <stdio.h>
#include <string.h>

#include "lib/error.h"
#include "store/db.h"
#include "store/store_int.h"

int store_optout_add(struct store *st, int64_t org_id, const char *type, struct sk_error *err)
{
	char name[ORG_NAME_MAX + 1], now[21];
	const char *canon = NULL;
	struct db_stmt *s;
	int rc;

	if (type == NULL)
		return sk_error_set(err, SK_EINVAL, "no classification.type");
	if ((rc = store_type_canonical(type, &canon, err)) != 0)
		return rc;
	if ((rc = store_begin(st, err)) != 0)
		return rc;
	if ((rc = store_org_name(st, org_id, name, NULL, err)) != 0)
		goto out;
	rc = store_prep(
	    st, "INSERT INTO org_optouts (org_id, type, created) VALUES ($1, $2, $3)", &s, err);
	if (rc != 0)
		goto out;
	store_time_now(now);
	db_bind_int(s, 1, org_id);
	db_bind_text(s, 2, canon);
	db_bind_text(s, 3, now);
	if ((rc = store_step_done(s, err)) != 0) {
		if (rc == SK_EEXIST)
			sk_error_set(err, rc, "organization '%s' has opted out of %s already",
				     name, canon);
		else
			sk_error_prefix(err, "opting organization '%s' out of %s", name, canon);
		goto out;
	}
	rc = store_audit(st, "optout.add", "org", org_id, err,
			 "organization %s opted out of events of type %s", name, canon);
out:
	return store_finish(st, rc, err);
}

int store_optout_remove(struct store *st, int64_t org_id, const char *type,
			struct sk_error *err)
{
	char name[ORG_NAME_MAX + 1];
	const char *canon = NULL;
	struct db_stmt *s;
	int rc;

	if (type == NULL)
		return sk_error_set(err, SK_EINVAL, "no classification.type");
	if ((rc = store_type_canonical(type, &canon, err)) != 0)
		return rc;
	if ((rc = store_begin(st, err)) != 0)
		return rc;
	if ((rc = store_org_name(st, org_id, name, NULL, err)) != 0)
		goto out;
	rc = store_prep(
	    st, "DELETE FROM org_optouts WHERE org_id = $1 AND type = $2 RETURNING org_id", &s,
	    err);
	if (rc != 0)
		goto out;
	db_bind_int(s, 1, org_id);
	db_bind_text(s, 2, canon);
	if ((rc = db_step(s, err)) < 0)
		goto out;
	if (rc == 0) {
		rc = sk_error_set(err, SK_ENOTFOUND,
				  "organization '%s' has not opted out of %s", name, canon);
		goto out;
	}
	db_reset(s);
	rc = store_audit(st, "optout.remove", "org", org_id, err,
			 "organization %s opted in again to events of type %s", name, canon);
out:
	return store_finish(st, rc, err);
}

int store_optout_each(struct store *st, int64_t org_id, store_optout_fn fn, void *ctx,
		      struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	if (org_id > 0)
		rc = store_prep(st,
				"SELECT org_id, type FROM org_optouts WHERE org_id = $1 "
				"ORDER BY org_id, type",
				&s, err);
	else
		rc = store_prep(
		    st, "SELECT org_id, type FROM org_optouts ORDER BY org_id, type", &s, err);
	if (rc != 0)
		return rc;
	if (org_id > 0)
		db_bind_int(s, 1, org_id);
	while ((rc = db_step(s, err)) == 1) {
		const char *type = db_col_text(s, 1);

		rc = type != NULL
			 ? fn(db_col_int(s, 0), type, ctx)
			 : sk_error_set(err, SK_EIO, "an opt-out in the database is damaged");
		if (rc != 0) {
			db_reset(s);
			return rc;
		}
	}
	return rc;
}
