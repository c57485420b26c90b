/* store/store_advisory.c: advisories, their revisions and the assets
 * organizations declare (see store.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "store/db.h"
#include "store/store.h"
#include "store/store_int.h"

#define ADVISORY_COLS                                                                          \
	"id, number, status, title, tlp, urgent, revision, author, reviewer, published, "      \
	"doc, created, updated"

/* Step a statement ending in "RETURNING id" that may touch no row:
 * SK_ENOTFOUND with "no <what>" then. */
static int step_found(struct db_stmt *s, const char *what, struct sk_error *err)
{
	int rc = db_step(s, err);

	if (rc < 0)
		return rc;
	if (rc == 0)
		return sk_error_set(err, SK_ENOTFOUND, "no %s", what);
	db_reset(s);
	return 0;
}

/* Bind NULL for NULL or "". */
static void bind_opt(struct db_stmt *s, int idx, const char *v)
{
	if (v == NULL || v[0] == '\0')
		db_bind_null(s, idx);
	else
		db_bind_text(s, idx, v);
}

static const char *col(struct db_stmt *s, int c)
{
	const char *v = db_col_text(s, c);

	return v != NULL ? v : "";
}

int store_advisory_last_number(struct store *st, const char *prefix, int64_t *seq_out,
			       struct sk_error *err)
{
	size_t plen = strlen(prefix);
	struct db_stmt *s;
	int64_t best = 0;
	int rc;

	if ((rc = store_prep(st, "SELECT number FROM advisories", &s, err)) != 0)
		return rc;
	while ((rc = db_step(s, err)) == 1) {
		const char *n = col(s, 0);
		char *end = NULL;
		long long v;

		if (strncmp(n, prefix, plen) != 0 || n[plen] < '0' || n[plen] > '9')
			continue;
		v = strtoll(n + plen, &end, 10);
		if (*end == '\0' && v > best)
			best = v;
	}
	if (rc < 0)
		return rc;
	*seq_out = best;
	return 0;
}

int store_advisory_add(struct store *st, struct store_advisory *a, struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	if ((rc = store_begin(st, err)) != 0)
		return rc;
	store_time_now(a->created);
	memcpy(a->updated, a->created, sizeof(a->updated));
	rc = store_prep(
	    st,
	    "INSERT INTO advisories (number, status, title, tlp, urgent, revision, "
	    "author, reviewer, published, doc, created, updated) VALUES ($1, $2, $3, "
	    "$4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
	    &s, err);
	if (rc == 0) {
		db_bind_text(s, 1, a->number);
		db_bind_text(s, 2, a->status);
		db_bind_text(s, 3, a->title);
		db_bind_text(s, 4, a->tlp);
		db_bind_int(s, 5, a->urgent);
		db_bind_int(s, 6, a->revision);
		db_bind_text(s, 7, a->author);
		bind_opt(s, 8, a->reviewer);
		bind_opt(s, 9, a->published);
		db_bind_text(s, 10, a->doc);
		db_bind_text(s, 11, a->created);
		db_bind_text(s, 12, a->updated);
		rc = store_step_id(s, &a->id, err);
		if (rc == SK_EEXIST)
			sk_error_set(err, rc, "advisory number %s is taken", a->number);
	}
	if (rc == 0)
		rc = store_audit(st, "advisory.new", "advisory", a->id, err,
				 "%s drafted: %.200s", a->number, a->title);
	return store_finish(st, rc, err);
}

int store_advisory_update(struct store *st, struct store_advisory *a, const char *action,
			  const char *summary, struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	if ((rc = store_begin(st, err)) != 0)
		return rc;
	store_time_now(a->updated);
	rc = store_prep(st,
			"UPDATE advisories SET status = $2, title = $3, tlp = $4, urgent = $5, "
			"revision = $6, reviewer = $7, published = $8, doc = $9, updated = $10 "
			"WHERE id = $1 RETURNING id",
			&s, err);
	if (rc == 0) {
		db_bind_int(s, 1, a->id);
		db_bind_text(s, 2, a->status);
		db_bind_text(s, 3, a->title);
		db_bind_text(s, 4, a->tlp);
		db_bind_int(s, 5, a->urgent);
		db_bind_int(s, 6, a->revision);
		bind_opt(s, 7, a->reviewer);
		bind_opt(s, 8, a->published);
		db_bind_text(s, 9, a->doc);
		db_bind_text(s, 10, a->updated);
		rc = step_found(s, "such advisory", err);
	}
	if (rc == 0)
		rc = store_audit(st, action, "advisory", a->id, err, "%s: %.800s", a->number,
				 summary);
	return store_finish(st, rc, err);
}

int store_advisory_get(struct store *st, int64_t id, struct buf *doc_out, struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	if ((rc = store_row_by_id(st, "SELECT doc FROM advisories WHERE id = $1", id,
				  "advisory", &s, err)) != 0)
		return rc;
	rc = buf_append_str(doc_out, col(s, 0));
	db_reset(s);
	if (rc != 0)
		return sk_error_set(err, rc, "advisory %lld is too big to read", (long long)id);
	return 0;
}

int store_advisory_each(struct store *st, const struct store_advisory_filter *f,
			store_advisory_fn fn, void *ctx, struct sk_error *err)
{
	struct db_stmt *s;
	size_t seen = 0;
	int rc;

	rc = store_prep(st,
			f->status != NULL
			    ? "SELECT " ADVISORY_COLS
			      " FROM advisories WHERE status = $1 ORDER BY id DESC"
			    : "SELECT " ADVISORY_COLS " FROM advisories ORDER BY id DESC",
			&s, err);
	if (rc != 0)
		return rc;
	if (f->status != NULL)
		db_bind_text(s, 1, f->status);
	while ((rc = db_step(s, err)) == 1) {
		struct store_advisory a = {0};

		a.id = db_col_int(s, 0);
		a.number = col(s, 1);
		a.status = col(s, 2);
		a.title = col(s, 3);
		a.tlp = col(s, 4);
		a.urgent = db_col_int(s, 5) != 0;
		a.revision = (int)db_col_int(s, 6);
		a.author = col(s, 7);
		a.reviewer = col(s, 8);
		a.published = col(s, 9);
		a.doc = col(s, 10);
		snprintf(a.created, sizeof(a.created), "%s", col(s, 11));
		snprintf(a.updated, sizeof(a.updated), "%s", col(s, 12));
		if ((rc = fn(&a, ctx)) != 0 || (f->limit > 0 && ++seen == f->limit)) {
			db_reset(s);
			return rc;
		}
	}
	return rc < 0 ? rc : 0;
}

int store_advisory_revision_add(struct store *st, int64_t advisory_id, int revision,
				const char *summary, const char *doc, struct sk_error *err)
{
	char now[21];
	struct db_stmt *s;
	int rc;

	if ((rc = store_begin(st, err)) != 0)
		return rc;
	store_time_now(now);
	rc = store_prep(
	    st,
	    "INSERT INTO advisory_revisions (advisory_id, revision, created, summary, "
	    "doc) VALUES ($1, $2, $3, $4, $5)",
	    &s, err);
	if (rc == 0) {
		db_bind_int(s, 1, advisory_id);
		db_bind_int(s, 2, revision);
		db_bind_text(s, 3, now);
		db_bind_text(s, 4, summary);
		db_bind_text(s, 5, doc);
		rc = store_step_done(s, err);
		if (rc == SK_EEXIST)
			sk_error_set(err, rc, "advisory %lld has a revision %d already",
				     (long long)advisory_id, revision);
	}
	return store_finish(st, rc, err);
}

int store_advisory_revision_each(struct store *st, int64_t advisory_id,
				 store_advisory_revision_fn fn, void *ctx, struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	if ((rc = store_prep(st,
			     "SELECT revision, created, summary, doc FROM advisory_revisions "
			     "WHERE advisory_id = $1 ORDER BY revision",
			     &s, err)) != 0)
		return rc;
	db_bind_int(s, 1, advisory_id);
	while ((rc = db_step(s, err)) == 1) {
		if ((rc = fn((int)db_col_int(s, 0), col(s, 1), col(s, 2), col(s, 3), ctx)) !=
		    0) {
			db_reset(s);
			return rc;
		}
	}
	return rc < 0 ? rc : 0;
}

int store_asset_add(struct store *st, struct store_asset *a, struct sk_error *err)
{
	char oname[ORG_NAME_MAX + 1];
	struct db_stmt *s;
	int rc;

	if (strlen(a->value) > STORE_ASSET_VALUE_MAX)
		return sk_error_set(err, SK_EINVAL, "asset: longer than %d bytes",
				    STORE_ASSET_VALUE_MAX);
	if ((rc = store_begin(st, err)) != 0)
		return rc;
	if ((rc = store_org_name(st, a->org_id, oname, NULL, err)) != 0)
		goto out;
	store_time_now(a->created);
	if ((rc = store_prep(
		 st,
		 "INSERT INTO assets (org_id, kind, value, vendor, product, version, "
		 "created) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
		 &s, err)) != 0)
		goto out;
	db_bind_int(s, 1, a->org_id);
	db_bind_text(s, 2, a->kind);
	db_bind_text(s, 3, a->value);
	db_bind_text(s, 4, a->vendor);
	db_bind_text(s, 5, a->product);
	db_bind_text(s, 6, a->version);
	db_bind_text(s, 7, a->created);
	if ((rc = store_step_id(s, &a->id, err)) == SK_EEXIST)
		sk_error_set(err, rc, "%s has asset %.300s already", oname, a->value);
	if (rc == 0)
		rc = store_audit(st, "asset.add", "org", a->org_id, err,
				 "added asset %.300s to %s", a->value, oname);
out:
	return store_finish(st, rc, err);
}

int store_asset_remove(struct store *st, int64_t org_id, int64_t id, struct sk_error *err)
{
	char oname[ORG_NAME_MAX + 1];
	struct db_stmt *s;
	int rc;

	if ((rc = store_begin(st, err)) != 0)
		return rc;
	if ((rc = store_org_name(st, org_id, oname, NULL, err)) != 0)
		goto out;
	if ((rc =
		 store_prep(st, "DELETE FROM assets WHERE id = $1 AND org_id = $2 RETURNING id",
			    &s, err)) != 0)
		goto out;
	db_bind_int(s, 1, id);
	db_bind_int(s, 2, org_id);
	if ((rc = step_found(s, "such asset", err)) == SK_ENOTFOUND)
		sk_error_set(err, rc, "%s has no asset %lld", oname, (long long)id);
	if (rc == 0)
		rc = store_audit(st, "asset.remove", "org", org_id, err,
				 "removed asset %lld from %s", (long long)id, oname);
out:
	return store_finish(st, rc, err);
}

static int asset_walk(struct db_stmt *s, store_asset_fn fn, void *ctx, struct sk_error *err)
{
	int rc;

	while ((rc = db_step(s, err)) == 1) {
		struct store_asset a = {0};

		a.id = db_col_int(s, 0);
		a.org_id = db_col_int(s, 1);
		snprintf(a.kind, sizeof(a.kind), "%s", col(s, 2));
		a.value = col(s, 3);
		a.vendor = col(s, 4);
		a.product = col(s, 5);
		a.version = col(s, 6);
		snprintf(a.created, sizeof(a.created), "%s", col(s, 7));
		if ((rc = fn(&a, ctx)) != 0) {
			db_reset(s);
			return rc;
		}
	}
	return rc < 0 ? rc : 0;
}

#define ASSET_COLS "id, org_id, kind, value, vendor, product, version, created"

int store_asset_each(struct store *st, int64_t org_id, store_asset_fn fn, void *ctx,
		     struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	rc = store_prep(st,
			org_id > 0 ? "SELECT " ASSET_COLS
				     " FROM assets WHERE org_id = $1 ORDER BY org_id, value"
				   : "SELECT " ASSET_COLS " FROM assets ORDER BY org_id, value",
			&s, err);
	if (rc != 0)
		return rc;
	if (org_id > 0)
		db_bind_int(s, 1, org_id);
	return asset_walk(s, fn, ctx, err);
}

int store_asset_by_product(struct store *st, const char *product, store_asset_fn fn, void *ctx,
			   struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	if ((rc = store_prep(st,
			     "SELECT " ASSET_COLS
			     " FROM assets WHERE product = $1 ORDER BY org_id, value",
			     &s, err)) != 0)
		return rc;
	db_bind_text(s, 1, product);
	return asset_walk(s, fn, ctx, err);
}
