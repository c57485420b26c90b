/* advisory/audience.c: resolving an advisory's audience to recipient
 * organizations (see audience.h). */
#include "advisory/audience.h"

#include <stdlib.h>
#include <string.h>

#include "advisory/asset.h"
#include "lib/error.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "model/org.h"

void advisory_recipients_free(struct advisory_recipients *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}

/* The row of org_id for member_id in r, or NULL. */
static struct advisory_recipient *row_find(struct advisory_recipients *r, int64_t org_id,
					   int64_t member_id)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].org_id == org_id && r->v[i].member_id == member_id)
			return &r->v[i];
	return NULL;
}

/* Add org_id as relation; a direct recipient keeps the closer relation
 * (named before concerned). */
static void row_add(struct advisory_recipients *r, int64_t org_id, enum tlp_relation rel,
		    int64_t member_id)
{
	struct advisory_recipient *e = row_find(r, org_id, member_id);

	if (e != NULL) {
		if (rel < e->relation)
			e->relation = rel;
		return;
	}
	if (r->n == r->alloc) {
		r->alloc = r->alloc ? r->alloc * 2 : 16;
		r->v = xreallocarray(r->v, r->alloc, sizeof(*r->v));
	}
	r->v[r->n++] = (struct advisory_recipient){
	    .org_id = org_id, .relation = rel, .member_id = member_id};
}

static bool active_partner(const struct org *o)
{
	return o->kind != ORG_KIND_NATIONAL_CSIRT &&
	       (o->status == ORG_STATUS_DESIGNATED || o->status == ORG_STATUS_CONNECTED);
}

static bool listed(const struct advisory_strs *l, const char *word)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], word) == 0)
			return true;
	return false;
}

struct walk {
	const struct advisory *a;
	struct advisory_recipients *r;
	const struct org_list *orgs; /* sorted by id */
	const struct advisory_product *p;
};

static int select_org(const struct org *o, void *ctx)
{
	struct walk *w = ctx;
	const struct advisory_audience *au = &w->a->audience;

	if (active_partner(o) && (au->all || listed(&au->classes, org_class_names[o->class]) ||
				  listed(&au->sectors, o->sector)))
		row_add(w->r, o->id, TLP_REL_NAMED, 0);
	return 0;
}

static int select_asset(const struct store_asset *as, void *ctx)
{
	struct walk *w = ctx;
	const struct org *o = org_list_find_id(w->orgs, as->org_id);

	if (o != NULL && active_partner(o) && asset_matches(as, w->p))
		row_add(w->r, as->org_id, TLP_REL_CONCERNED, 0);
	return 0;
}

struct liaison_walk {
	struct advisory_recipients *r;
	int64_t member_id;
};

static int add_liaison(const struct org *o, void *ctx)
{
	struct liaison_walk *lw = ctx;

	if (row_find(lw->r, o->id, 0) == NULL)
		row_add(lw->r, o->id, TLP_REL_LIAISON, lw->member_id);
	return 0;
}

static int by_id(const void *x, const void *y)
{
	const struct advisory_recipient *a = x, *b = y;

	if ((a->relation == TLP_REL_LIAISON) != (b->relation == TLP_REL_LIAISON))
		return a->relation == TLP_REL_LIAISON ? 1 : -1;
	if (a->org_id != b->org_id)
		return a->org_id < b->org_id ? -1 : 1;
	return (a->member_id > b->member_id) - (a->member_id < b->member_id);
}

int advisory_audience_resolve(struct store *st, const struct advisory *a,
			      struct advisory_recipients *out, struct sk_error *err)
{
	struct advisory_recipients r = {0};
	struct org_list orgs = {0};
	struct walk w = {.a = a, .r = &r, .orgs = &orgs};
	size_t direct, kept = 0;
	int rc;

	if ((rc = store_org_each(st, org_list_push, &orgs, err)) != 0)
		goto out;
	org_list_sort_by_id(&orgs);
	for (size_t i = 0; i < a->audience.n_orgs; i++) {
		if (org_list_find_id(&orgs, a->audience.orgs[i]) == NULL) {
			rc = sk_error_set(err, SK_EINVAL,
					  "audience.orgs[%zu]: no organization %lld", i,
					  (long long)a->audience.orgs[i]);
			goto out;
		}
		row_add(&r, a->audience.orgs[i], TLP_REL_NAMED, 0);
	}
	for (size_t i = 0; i < orgs.n; i++)
		select_org(&orgs.v[i], &w);
	for (size_t i = 0; a->audience.by_assets && i < a->n_products; i++) {
		char key[ASSET_KEY_MAX + 1];

		w.p = &a->products[i];
		asset_key(w.p->product != NULL ? w.p->product : "", key);
		if ((rc = store_asset_by_product(st, key, select_asset, &w, err)) != 0)
			goto out;
	}
	direct = r.n;
	for (size_t i = 0; i < direct; i++) {
		struct liaison_walk lw = {.r = &r, .member_id = r.v[i].org_id};

		if ((rc = store_liaison_each(st, r.v[i].org_id, add_liaison, &lw, err)) != 0)
			goto out;
	}
	for (size_t i = 0; i < r.n; i++) {
		r.v[i].may = tlp_policy(a->tlp, r.v[i].relation);
		if (r.v[i].may.receive)
			r.v[kept++] = r.v[i];
	}
	r.n = kept;
	if (r.n > 1)
		qsort(r.v, r.n, sizeof(*r.v), by_id);
	*out = r;
	r = (struct advisory_recipients){0};
out:
	advisory_recipients_free(&r);
	org_list_free(&orgs);
	return rc;
}

const struct advisory_recipient *advisory_recipients_find(const struct advisory_recipients *r,
							  int64_t org_id)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].org_id == org_id)
			return &r->v[i];
	return NULL;
}
