/* registry/constituency.c: the operations of constituency.h, each once:
 * the access check, the transaction, the store calls. The command line
 * and the API call these and nothing below them.
 * SECURITY: what may be read is filtered after each store walk, never
 * inside it (an access check asks the store again); an unreadable
 * organization reads as one that does not exist. */
#include "registry/constituency.h"

#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "lib/error.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "registry/exchange.h"

static int org_not_found(int64_t id, struct sk_error *err)
{
	return sk_error_set(err, SK_ENOTFOUND, "organization %lld not found", (long long)id);
}

/* Begin a change of the registry by u: the check, then the transaction. */
static int change_begin(struct store *st, const struct user *u, struct sk_error *err)
{
	int rc = access_may_change_registry(u, err);

	return rc != 0 ? rc : store_begin(st, err);
}

/* ---- organizations ---- */

int registry_org_get(struct store *st, const struct user *u, int64_t id, struct org *out,
		     struct sk_error *err)
{
	int rc = access_may_read_org(st, u, id, err);

	if (rc < 0)
		return rc;
	if (rc == 0)
		return org_not_found(id, err);
	rc = store_org_get(st, id, out, err);
	return rc == SK_ENOTFOUND ? org_not_found(id, err) : rc;
}

/* ref is borrowed. */
int registry_org_find(struct store *st, const struct user *u, const char *ref, struct org *out,
		      struct sk_error *err)
{
	struct sk_error ignore = {0};
	struct org org;
	int64_t id = 0;
	int rc = SK_ENOTFOUND;

	memset(&org, 0, sizeof(org));
	if (str_to_i64(ref, 1, INT64_MAX, &id) == 0)
		rc = store_org_get(st, id, &org, err);
	if (rc == SK_ENOTFOUND)
		rc = store_org_get_by_name(st, ref, &org, &ignore);
	if (rc == 0) {
		rc = access_may_read_org(st, u, org.id, err);
		if (rc == 1) {
			*out = org;
			return 0;
		}
		org_clear(&org);
		if (rc < 0)
			return rc;
		rc = SK_ENOTFOUND;
	}
	if (rc == SK_ENOTFOUND)
		return sk_error_set(err, SK_ENOTFOUND,
				    "no organization '%s' (give its id or exact name)", ref);
	if (ignore.code != 0)
		sk_error_set(err, rc, "%s", ignore.msg);
	return rc;
}

/* Drop from l what u may not read; staff read all. */
static int org_list_readable(struct store *st, const struct user *u, struct org_list *l,
			     struct sk_error *err)
{
	size_t kept = 0;
	int rc = 0;

	if (access_is_staff(u))
		return 0;
	for (size_t i = 0; i < l->n; i++) {
		if (rc == 0) {
			int may = access_may_read_org(st, u, l->v[i].id, err);

			if (may < 0)
				rc = may;
			else if (may == 1) {
				l->v[kept++] = l->v[i];
				continue;
			}
		}
		org_clear(&l->v[i]);
	}
	l->n = kept;
	return rc;
}

int registry_org_list(struct store *st, const struct user *u, struct org_list *out,
		      struct sk_error *err)
{
	int rc = store_org_each(st, org_list_push, out, err);

	return rc != 0 ? rc : org_list_readable(st, u, out, err);
}

int registry_member_list(struct store *st, const struct user *u, int64_t id,
			 struct org_list *out, struct sk_error *err)
{
	struct org org = {0};
	int rc = registry_org_get(st, u, id, &org, err);

	org_clear(&org);
	if (rc == 0)
		rc = store_member_each(st, id, org_list_push, out, err);
	return rc != 0 ? rc : org_list_readable(st, u, out, err);
}

int registry_liaison_list(struct store *st, const struct user *u, int64_t id,
			  struct org_list *out, struct sk_error *err)
{
	struct org org = {0};
	int rc = registry_org_get(st, u, id, &org, err);

	org_clear(&org);
	if (rc == 0)
		rc = store_liaison_each(st, id, org_list_push, out, err);
	return rc != 0 ? rc : org_list_readable(st, u, out, err);
}

/* Organization id, which must be a liaison organization. */
static int liaison_get(struct store *st, const struct user *u, int64_t id, struct org *out,
		       struct sk_error *err)
{
	int rc = registry_org_get(st, u, id, out, err);

	if (rc == 0 && out->kind != ORG_KIND_LIAISON)
		rc = sk_error_set(err, SK_EINVAL,
				  "%s is not a liaison organization (its kind is %s)",
				  out->name, org_kind_names[out->kind]);
	return rc;
}

/* org is filled in; liaisons[] borrowed. */
int registry_org_add(struct store *st, const struct user *u, struct org *org,
		     const int64_t *liaisons, size_t n, struct sk_error *err)
{
	int rc = org_validate(org, err);

	if (rc == 0)
		rc = change_begin(st, u, err);
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct org liaison = {0};

		rc = liaison_get(st, u, liaisons[i], &liaison, err);
		org_clear(&liaison);
	}
	if (rc == 0)
		rc = store_org_add(st, org, err);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = store_member_add(st, liaisons[i], org->id, err);
	return store_finish(st, rc, err);
}

int registry_org_update(struct store *st, const struct user *u, int64_t id,
			registry_org_edit_fn edit, void *ctx, struct org *out,
			struct sk_error *err)
{
	struct org org = {0};
	int rc = change_begin(st, u, err);

	if (rc != 0)
		return rc;
	rc = registry_org_get(st, u, id, &org, err);
	if (rc == 0)
		rc = edit(&org, ctx, err);
	if (rc == 0)
		rc = org_validate(&org, err);
	if (rc == 0)
		rc = store_org_update(st, &org, err);
	org_clear(&org);
	rc = store_finish(st, rc, err);
	/* Read back: the store sets "updated". */
	if (rc == 0 && out != NULL)
		rc = store_org_get(st, id, out, err);
	return rc;
}

int registry_org_remove(struct store *st, const struct user *u, int64_t id, struct org *out,
			struct sk_error *err)
{
	struct org org = {0};
	int rc = change_begin(st, u, err);

	if (rc != 0)
		return rc;
	rc = registry_org_get(st, u, id, &org, err);
	if (rc == 0)
		rc = store_org_remove(st, id, err);
	rc = store_finish(st, rc, err);
	if (rc == 0 && out != NULL)
		*out = org;
	else
		org_clear(&org);
	return rc;
}

int registry_member_add(struct store *st, const struct user *u, int64_t liaison_id,
			int64_t member_id, bool *was, struct sk_error *err)
{
	struct org liaison = {0}, member = {0};
	int rc = change_begin(st, u, err), is = 0;

	if (rc != 0)
		return rc;
	rc = liaison_get(st, u, liaison_id, &liaison, err);
	if (rc == 0)
		rc = registry_org_get(st, u, member_id, &member, err);
	if (rc == 0 && liaison_id == member_id)
		rc = sk_error_set(err, SK_EINVAL,
				  "an organization cannot be a member of itself");
	if (rc == 0 && (is = store_is_member(st, liaison_id, member_id, err)) < 0)
		rc = is;
	if (rc == 0 && is == 0)
		rc = store_member_add(st, liaison_id, member_id, err);
	org_clear(&liaison);
	org_clear(&member);
	rc = store_finish(st, rc, err);
	if (rc == 0 && was != NULL)
		*was = is == 1;
	return rc;
}

int registry_member_remove(struct store *st, const struct user *u, int64_t liaison_id,
			   int64_t member_id, struct sk_error *err)
{
	struct org liaison = {0}, member = {0};
	int rc = change_begin(st, u, err);

	if (rc != 0)
		return rc;
	rc = registry_org_get(st, u, liaison_id, &liaison, err);
	if (rc == 0)
		rc = registry_org_get(st, u, member_id, &member, err);
	if (rc == 0)
		rc = store_member_remove(st, liaison_id, member_id, err);
	org_clear(&liaison);
	org_clear(&member);
	return store_finish(st, rc, err);
}

/* ---- resources ---- */

static int resource_collect(const struct resource *r, void *ctx)
{
	return resource_list_push(r, ctx);
}

/* May u read the organization of each of n items (org ids in ids[])?
 * keep[i] gets the answer. */
static int readable_ids(struct store *st, const struct user *u, const int64_t *ids, size_t n,
			bool *keep, struct sk_error *err)
{
	for (size_t i = 0; i < n; i++) {
		int may = 1;

		/* Items come grouped by organization: ask once per run. */
		if (i > 0 && ids[i] == ids[i - 1]) {
			keep[i] = keep[i - 1];
			continue;
		}
		if (!access_is_staff(u) && (may = access_may_read_org(st, u, ids[i], err)) < 0)
			return may;
		keep[i] = may == 1;
	}
	return 0;
}

int registry_resource_list(struct store *st, const struct user *u, int64_t org_id,
			   struct resource_list *out, struct sk_error *err)
{
	struct resource_list all = {0};
	int64_t *ids = NULL;
	bool *keep = NULL;
	int rc = 0;

	if (org_id > 0) {
		struct org org = {0};

		rc = registry_org_get(st, u, org_id, &org, err);
		org_clear(&org);
		return rc != 0 ? rc
			       : store_resource_each(st, org_id, resource_collect, out, err);
	}
	if ((rc = store_resource_each(st, 0, resource_collect, &all, err)) != 0)
		goto out;
	ids = xcalloc(all.n + 1, sizeof(*ids));
	keep = xcalloc(all.n + 1, sizeof(*keep));
	for (size_t i = 0; i < all.n; i++)
		ids[i] = all.v[i].org_id;
	if ((rc = readable_ids(st, u, ids, all.n, keep, err)) != 0)
		goto out;
	for (size_t i = 0; i < all.n; i++)
		if (keep[i])
			resource_list_push(&all.v[i], out);
out:
	free(ids);
	free(keep);
	resource_list_free(&all);
	return rc;
}

int registry_resource_get(struct store *st, const struct user *u, int64_t org_id, int64_t id,
			  struct resource *out, struct sk_error *err)
{
	struct resource r;
	struct org org = {0};
	int rc;

	memset(&r, 0, sizeof(r));
	rc = org_id > 0 ? registry_org_get(st, u, org_id, &org, err) : 0;
	org_clear(&org);
	if (rc == 0)
		rc = store_resource_get(st, id, &r, err);
	if (rc == 0 && org_id > 0 && r.org_id != org_id)
		rc = SK_ENOTFOUND;
	if (rc == 0 && org_id <= 0) {
		rc = access_may_read_org(st, u, r.org_id, err);
		rc = rc < 0 ? rc : rc == 1 ? 0 : SK_ENOTFOUND;
	}
	if (rc == SK_ENOTFOUND)
		return org_id > 0 ? sk_error_set(err, SK_ENOTFOUND,
						 "resource %lld not found in organization %lld",
						 (long long)id, (long long)org_id)
				  : sk_error_set(err, SK_ENOTFOUND, "resource %lld not found",
						 (long long)id);
	if (rc == 0)
		*out = r;
	return rc;
}

static bool same_resource(const struct resource *a, const struct resource *b)
{
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case RESOURCE_ASN:
		return a->asn == b->asn;
	case RESOURCE_PREFIX:
		return prefix_compare(&a->prefix, &b->prefix) == 0;
	case RESOURCE_DOMAIN:
		return strcmp(a->domain, b->domain) == 0;
	}
	return false;
}

/* "prefix 192.0.2.0/24" into text. */
static void resource_words(const struct resource *r, char text[RESOURCE_TEXT_MAX + 16])
{
	char value[RESOURCE_TEXT_MAX];

	if (resource_format_value(r, value, sizeof(value)) < 0)
		value[0] = '\0';
	snprintf(text, RESOURCE_TEXT_MAX + 16, "%s %s", resource_type_names[r->type], value);
}

int registry_resource_find(struct store *st, const struct user *u, int64_t org_id,
			   const struct resource *want, struct resource *out,
			   struct sk_error *err)
{
	struct resource_list have = {0};
	struct org org = {0};
	char text[RESOURCE_TEXT_MAX + 16];
	int rc = registry_org_get(st, u, org_id, &org, err);
	size_t k = 0;

	if (rc == 0)
		rc = store_resource_each(st, org_id, resource_collect, &have, err);
	for (; rc == 0 && k < have.n && !same_resource(want, &have.v[k]); k++)
		;
	if (rc == 0 && k == have.n) {
		resource_words(want, text);
		rc = sk_error_set(err, SK_ENOTFOUND, "%s has no %s", org.name, text);
	}
	if (rc == 0)
		*out = have.v[k];
	org_clear(&org);
	resource_list_free(&have);
	return rc;
}

int registry_resource_add(struct store *st, const struct user *u, int64_t org_id,
			  struct resource *v, size_t n, struct sk_error *err)
{
	struct resource_list have = {0};
	struct org org = {0};
	char text[RESOURCE_TEXT_MAX + 16];
	int rc = change_begin(st, u, err);

	if (rc != 0)
		return rc;
	rc = registry_org_get(st, u, org_id, &org, err);
	if (rc == 0)
		rc = store_resource_each(st, org_id, resource_collect, &have, err);
	for (size_t i = 0; i < n && rc == 0; i++) {
		bool dup = false;

		for (size_t k = 0; k < have.n && !dup; k++)
			dup = same_resource(&v[i], &have.v[k]);
		for (size_t k = 0; k < i && !dup; k++)
			dup = same_resource(&v[i], &v[k]);
		if (dup) {
			resource_words(&v[i], text);
			rc = sk_error_set(err, SK_EEXIST, "%s already has %s", org.name, text);
		}
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		v[i].org_id = org_id;
		rc = store_resource_add(st, &v[i], err);
	}
	org_clear(&org);
	resource_list_free(&have);
	return store_finish(st, rc, err);
}

int registry_resource_remove(struct store *st, const struct user *u, int64_t org_id, int64_t id,
			     struct resource *out, struct sk_error *err)
{
	struct resource r;
	int rc = change_begin(st, u, err);

	if (rc != 0)
		return rc;
	rc = registry_resource_get(st, u, org_id, id, &r, err);
	if (rc == 0)
		rc = store_resource_remove(st, id, err);
	rc = store_finish(st, rc, err);
	if (rc == 0 && out != NULL)
		*out = r;
	return rc;
}

/* ---- contacts ---- */

static int contact_collect(const struct contact *c, void *ctx)
{
	return contact_list_push(c, ctx);
}

int registry_contact_list(struct store *st, const struct user *u, int64_t org_id,
			  struct contact_list *out, struct sk_error *err)
{
	struct contact_list all = {0};
	int64_t *ids = NULL;
	bool *keep = NULL;
	int rc = 0;

	if (org_id > 0) {
		struct org org = {0};

		rc = registry_org_get(st, u, org_id, &org, err);
		org_clear(&org);
		return rc != 0 ? rc : store_contact_each(st, org_id, contact_collect, out, err);
	}
	if ((rc = store_contact_each(st, 0, contact_collect, &all, err)) != 0)
		goto out;
	ids = xcalloc(all.n + 1, sizeof(*ids));
	keep = xcalloc(all.n + 1, sizeof(*keep));
	for (size_t i = 0; i < all.n; i++)
		ids[i] = all.v[i].org_id;
	if ((rc = readable_ids(st, u, ids, all.n, keep, err)) != 0)
		goto out;
	for (size_t i = 0; i < all.n; i++)
		if (keep[i])
			contact_list_push(&all.v[i], out);
out:
	free(ids);
	free(keep);
	contact_list_free(&all);
	return rc;
}

int registry_contact_get(struct store *st, const struct user *u, int64_t org_id, int64_t id,
			 struct contact *out, struct sk_error *err)
{
	struct contact c;
	struct org org = {0};
	int rc;

	contact_init(&c);
	rc = org_id > 0 ? registry_org_get(st, u, org_id, &org, err) : 0;
	org_clear(&org);
	if (rc == 0)
		rc = store_contact_get(st, id, &c, err);
	if (rc == 0 && org_id > 0 && c.org_id != org_id)
		rc = SK_ENOTFOUND;
	if (rc == 0 && org_id <= 0) {
		rc = access_may_read_org(st, u, c.org_id, err);
		rc = rc < 0 ? rc : rc == 1 ? 0 : SK_ENOTFOUND;
	}
	if (rc == SK_ENOTFOUND)
		rc = org_id > 0 ? sk_error_set(err, SK_ENOTFOUND,
					       "contact %lld not found in organization %lld",
					       (long long)id, (long long)org_id)
				: sk_error_set(err, SK_ENOTFOUND, "contact %lld not found",
					       (long long)id);
	if (rc == 0)
		*out = c;
	else
		contact_clear(&c);
	return rc;
}

int registry_contact_add(struct store *st, const struct user *u, struct contact *c,
			 struct sk_error *err)
{
	struct org org = {0};
	int rc = contact_validate(c, err);

	if (rc == 0)
		rc = change_begin(st, u, err);
	if (rc != 0)
		return rc;
	rc = registry_org_get(st, u, c->org_id, &org, err);
	if (rc == 0)
		rc = store_contact_add(st, c, err);
	org_clear(&org);
	return store_finish(st, rc, err);
}

int registry_contact_remove(struct store *st, const struct user *u, int64_t org_id, int64_t id,
			    struct contact *out, struct sk_error *err)
{
	struct contact c;
	int rc = change_begin(st, u, err);

	if (rc != 0)
		return rc;
	contact_init(&c);
	rc = registry_contact_get(st, u, org_id, id, &c, err);
	if (rc == 0)
		rc = store_contact_remove(st, id, err);
	rc = store_finish(st, rc, err);
	if (rc == 0 && out != NULL)
		*out = c;
	else
		contact_clear(&c);
	return rc;
}

/* ---- questions ---- */

struct whois_as {
	struct store *st;
	const struct user *u;
	registry_whois_fn fn;
	void *ctx;
	struct sk_error *err;
};

/* registry_whois_fn: called after registry_whois()'s store walk, so the
 * access check may ask the store. */
static int whois_readable(const struct org *org, const struct resource *via, void *arg)
{
	struct whois_as *w = arg;
	int may = access_may_read_org(w->st, w->u, org->id, w->err);

	if (may < 0)
		return may;
	return may == 1 ? w->fn(org, via, w->ctx) : 0;
}

int registry_whois_as(struct store *st, const struct user *u, const char *query,
		      registry_whois_fn fn, void *ctx, struct sk_error *err)
{
	struct whois_as w = {st, u, fn, ctx, err};

	return registry_whois(st, query, whois_readable, &w, err);
}

int registry_overlaps_as(struct store *st, const struct user *u, registry_overlap_fn fn,
			 void *ctx, struct sk_error *err)
{
	if (!access_is_staff(u))
		return sk_error_set(err, SK_EPERM, "user %s may not list overlaps",
				    u != NULL ? u->name : "-");
	return registry_overlaps(st, fn, ctx, err);
}

/* ---- the whole registry ---- */

int registry_export(struct store *st, const struct user *u, FILE *out, struct sk_error *err)
{
	int rc = access_may_change_registry(u, err);

	return rc != 0 ? rc : exchange_export(st, out, err);
}

int registry_import(struct store *st, const struct user *u, FILE *in, const char *name,
		    struct exchange_stats *stats, struct sk_error *err)
{
	int rc = access_may_change_registry(u, err);

	return rc != 0 ? rc : exchange_import(st, in, name, stats, err);
}

int registry_audit_each(struct store *st, const struct user *u, int limit, store_audit_fn fn,
			void *ctx, struct sk_error *err)
{
	if (!access_is_staff(u))
		return sk_error_set(err, SK_EPERM, "user %s may not read the audit log",
				    u != NULL ? u->name : "-");
	return store_audit_each(st, limit, fn, ctx, err);
}
