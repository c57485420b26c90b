/* registry/constituency.c: the operations of constituency.h, each once:
 * the access check, the transaction, the store calls. The command line
 * and the API call these and nothing below them.
 * SECURITY: what may be read is filtered after each store walk, never
 * inside it (an access check asks the store again); an unreadable
 * organization reads as one that does not exist. */
#include "registry/constituency.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "lib/error.h"
#include "lib/str.h"
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

/* Begin a change of what organization org_id holds (its contacts or
 * resources), which may(u, org_id) allows: staff always, a partner its
 * own per [portal] partners_edit. org_id 0 (not known yet) needs staff. */
static int edit_begin(struct store *st, const struct user *u, int64_t org_id,
		      int (*may)(const struct user *, int64_t, struct sk_error *),
		      struct sk_error *err)
{
	int rc = org_id > 0 ? may(u, org_id, err) : access_may_change_registry(u, err);

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

/* 0 when u may read organization id, else registry_org_get()'s error. */
static int org_check(struct store *st, const struct user *u, int64_t id, struct sk_error *err)
{
	struct org org = {0};
	int rc = registry_org_get(st, u, id, &org, err);

	org_clear(&org);
	return rc;
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

/* Keep of the n items at v (each size bytes, the id of its organization
 * at offset org_off) those u may read, in order, at the front; *kept
 * gets their number. The others go to drop (NULL: nothing to free),
 * all of them after an error. Items of a store walk come grouped by
 * organization: one question per run. */
static int keep_readable(struct store *st, const struct user *u, void *v, size_t n, size_t size,
			 size_t org_off, void (*drop)(void *item), size_t *kept,
			 struct sk_error *err)
{
	char *p = v;
	int64_t org, last = 0;
	size_t k = 0;
	int may = 1, rc = 0;

	for (size_t i = 0; i < n; i++) {
		char *item = p + i * size;

		memcpy(&org, item + org_off, sizeof(org));
		if (rc == 0 && !access_is_staff(u) && (i == 0 || org != last)) {
			may = access_may_read_org(st, u, org, err);
			rc = may < 0 ? may : 0;
			last = org;
		}
		if (rc == 0 && may == 1) {
			if (k != i)
				memcpy(p + k * size, item, size);
			k++;
		} else if (drop != NULL) {
			drop(item);
		}
	}
	*kept = k;
	return rc;
}

static void drop_org(void *org)
{
	org_clear(org);
}

static void drop_contact(void *c)
{
	contact_clear(c);
}

/* Keep of l, from index from on, what u may read. */
static int org_list_readable(struct store *st, const struct user *u, struct org_list *l,
			     size_t from, struct sk_error *err)
{
	size_t kept = 0;
	int rc = keep_readable(st, u, l->v + from, l->n - from, sizeof(*l->v),
			       offsetof(struct org, id), drop_org, &kept, err);

	l->n = from + kept;
	return rc;
}

int registry_org_list(struct store *st, const struct user *u, struct org_list *out,
		      struct sk_error *err)
{
	const struct store_org_filter any = {NULL, -1, -1, NULL};

	return registry_org_search(st, u, &any, out, err);
}

int registry_org_search(struct store *st, const struct user *u,
			const struct store_org_filter *f, struct org_list *out,
			struct sk_error *err)
{
	size_t from = out->n;
	int rc = store_org_search(st, f, org_list_push, out, err);

	return rc != 0 ? rc : org_list_readable(st, u, out, from, err);
}

int registry_member_list(struct store *st, const struct user *u, int64_t id,
			 struct org_list *out, struct sk_error *err)
{
	size_t from = out->n;
	int rc = org_check(st, u, id, err);

	if (rc == 0)
		rc = store_member_each(st, id, org_list_push, out, err);
	return rc != 0 ? rc : org_list_readable(st, u, out, from, err);
}

int registry_liaison_list(struct store *st, const struct user *u, int64_t id,
			  struct org_list *out, struct sk_error *err)
{
	size_t from = out->n;
	int rc = org_check(st, u, id, err);

	if (rc == 0)
		rc = store_liaison_each(st, id, org_list_push, out, err);
	return rc != 0 ? rc : org_list_readable(st, u, out, from, err);
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
	int rc = change_begin(st, u, err);

	if (rc != 0)
		return rc;
	rc = org_check(st, u, liaison_id, err);
	if (rc == 0)
		rc = org_check(st, u, member_id, err);
	if (rc == 0)
		rc = store_member_remove(st, liaison_id, member_id, err);
	return store_finish(st, rc, err);
}

/* ---- resources ---- */

/* The rc of looking up the item id (what: "resource"), owned by owner,
 * for u under organization org_id (0: any): SK_ENOTFOUND naming it when
 * it is missing, under another organization or not readable. */
static int item_check(struct store *st, const struct user *u, int rc, int64_t org_id,
		      int64_t owner, const char *what, int64_t id, struct sk_error *err)
{
	if (rc == 0 && org_id > 0 && owner != org_id)
		rc = SK_ENOTFOUND;
	if (rc == 0 && org_id <= 0) {
		int may = access_may_read_org(st, u, owner, err);

		rc = may < 0 ? may : may == 1 ? 0 : SK_ENOTFOUND;
	}
	if (rc != SK_ENOTFOUND)
		return rc;
	if (org_id > 0)
		return sk_error_set(err, SK_ENOTFOUND, "%s %lld not found in organization %lld",
				    what, (long long)id, (long long)org_id);
	return sk_error_set(err, SK_ENOTFOUND, "%s %lld not found", what, (long long)id);
}

int registry_resource_list(struct store *st, const struct user *u, int64_t org_id,
			   struct resource_list *out, struct sk_error *err)
{
	size_t from = out->n, kept = 0;
	int rc = org_id > 0 ? org_check(st, u, org_id, err) : 0;

	if (rc == 0)
		rc = store_resource_each(st, org_id, resource_list_push, out, err);
	if (rc == 0 && org_id <= 0) {
		rc = keep_readable(st, u, out->v + from, out->n - from, sizeof(*out->v),
				   offsetof(struct resource, org_id), NULL, &kept, err);
		out->n = from + kept;
	}
	return rc;
}

int registry_resource_get(struct store *st, const struct user *u, int64_t org_id, int64_t id,
			  struct resource *out, struct sk_error *err)
{
	struct resource r;
	int rc = org_id > 0 ? org_check(st, u, org_id, err) : 0;

	memset(&r, 0, sizeof(r));
	if (rc != 0)
		return rc;
	rc = store_resource_get(st, id, &r, err);
	rc = item_check(st, u, rc, org_id, r.org_id, "resource", id, err);
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
		rc = store_resource_each(st, org_id, resource_list_push, &have, err);
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
	int rc = edit_begin(st, u, org_id, access_may_edit_org_resources, err);

	if (rc != 0)
		return rc;
	rc = registry_org_get(st, u, org_id, &org, err);
	if (rc == 0)
		rc = store_resource_each(st, org_id, resource_list_push, &have, err);
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
	int rc = edit_begin(st, u, org_id, access_may_edit_org_resources, err);

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

int registry_contact_list(struct store *st, const struct user *u, int64_t org_id,
			  struct contact_list *out, struct sk_error *err)
{
	size_t from = out->n, kept = 0;
	int rc = org_id > 0 ? org_check(st, u, org_id, err) : 0;

	if (rc == 0)
		rc = store_contact_each(st, org_id, contact_list_push, out, err);
	if (rc == 0 && org_id <= 0) {
		rc = keep_readable(st, u, out->v + from, out->n - from, sizeof(*out->v),
				   offsetof(struct contact, org_id), drop_contact, &kept, err);
		out->n = from + kept;
	}
	return rc;
}

int registry_contact_get(struct store *st, const struct user *u, int64_t org_id, int64_t id,
			 struct contact *out, struct sk_error *err)
{
	struct contact c;
	int rc = org_id > 0 ? org_check(st, u, org_id, err) : 0;

	contact_init(&c);
	if (rc == 0) {
		rc = store_contact_get(st, id, &c, err);
		rc = item_check(st, u, rc, org_id, c.org_id, "contact", id, err);
	}
	if (rc == 0)
		*out = c;
	else
		contact_clear(&c);
	return rc;
}

static registry_key_check_fn key_check;
static void *key_check_ctx;

void registry_set_key_check(registry_key_check_fn fn, void *ctx)
{
	key_check = fn;
	key_check_ctx = ctx;
}

int registry_contact_add(struct store *st, const struct user *u, struct contact *c,
			 struct sk_error *err)
{
	int rc = contact_validate(c, err);

	if (rc == 0 && c->pgp_fpr[0] != '\0' && key_check != NULL)
		rc = key_check(c->pgp_fpr, key_check_ctx, err);

	if (rc == 0)
		rc = edit_begin(st, u, c->org_id, access_may_edit_org_contacts, err);
	if (rc != 0)
		return rc;
	rc = org_check(st, u, c->org_id, err);
	if (rc == 0)
		rc = store_contact_add(st, c, err);
	return store_finish(st, rc, err);
}

int registry_contact_update(struct store *st, const struct user *u, int64_t org_id, int64_t id,
			    registry_contact_edit_fn edit, void *ctx, struct contact *out,
			    struct sk_error *err)
{
	char fpr[CONTACT_FPR_LEN + 1] = "";
	struct contact c;
	int rc = edit_begin(st, u, org_id, access_may_edit_org_contacts, err);

	if (rc != 0)
		return rc;
	contact_init(&c);
	rc = registry_contact_get(st, u, org_id, id, &c, err);
	if (rc == 0)
		memcpy(fpr, c.pgp_fpr, sizeof(fpr));
	/* Known now: whose contact it is, asked again when org_id was 0. */
	if (rc == 0 && org_id <= 0)
		rc = access_may_edit_org_contacts(u, c.org_id, err);
	if (rc == 0)
		rc = edit(&c, ctx, err);
	if (rc == 0)
		rc = contact_validate(&c, err);
	if (rc == 0 && c.pgp_fpr[0] != '\0' && strcmp(c.pgp_fpr, fpr) != 0 && key_check != NULL)
		rc = key_check(c.pgp_fpr, key_check_ctx, err);
	if (rc == 0)
		rc = store_contact_update(st, &c, err);
	rc = store_finish(st, rc, err);
	if (rc == 0 && out != NULL)
		*out = c;
	else
		contact_clear(&c);
	return rc;
}

int registry_contact_remove(struct store *st, const struct user *u, int64_t org_id, int64_t id,
			    struct contact *out, struct sk_error *err)
{
	struct contact c;
	int rc = edit_begin(st, u, org_id, access_may_edit_org_contacts, err);

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

int registry_audit_find(struct store *st, const struct user *u, const struct audit_filter *f,
			store_audit_fn fn, void *ctx, int64_t *total_out, struct sk_error *err)
{
	int rc = access_may_read_audit(u, err);

	return rc != 0 ? rc : store_audit_find(st, f, fn, ctx, total_out, err);
}
