/* route/match_context.c: the routing context: the organizations with a
 * hash table from id to place, their opt-outs as bit sets over the RSIT
 * types and their liaison organizations, built from the store once and
 * then shared read-only by every routing call (match.c). */
#include "route/match.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/error.h"
#include "lib/xalloc.h"
#include "model/taxonomy.h"
#include "route/match_int.h"
#include "store/store.h"

struct b_org {
	int64_t id;
	size_t name; /* offset in names */
	enum org_kind kind;
	enum org_class class;
};

struct b_pair {
	int64_t liaison, member;
};

struct b_optout {
	int64_t org;
	int type;
};

struct route_context_builder {
	struct b_org *orgs;
	size_t norgs, aorgs;
	struct b_pair *pairs;
	size_t npairs, apairs;
	struct b_optout *optouts;
	size_t noptouts, aoptouts;
	char *names;
	size_t nnames, anames;
};

struct route_context_builder *route_context_builder_new(void)
{
	return xcalloc(1, sizeof(struct route_context_builder));
}

void route_context_builder_free(struct route_context_builder *b)
{
	if (b == NULL)
		return;
	free(b->orgs);
	free(b->pairs);
	free(b->optouts);
	free(b->names);
	free(b);
}

/* name borrowed (copied). */
int route_context_builder_add_org(struct route_context_builder *b, int64_t id, const char *name,
				  enum org_kind kind, enum org_class class,
				  struct sk_error *err)
{
	size_t len;

	if (id <= 0)
		return sk_error_set(err, SK_EINVAL, "organization id %lld is not positive",
				    (long long)id);
	if ((unsigned)kind > ORG_KIND_CONSTITUENT || (unsigned)class > ORG_CLASS_PUBLIC)
		return sk_error_set(err, SK_EINVAL, "organization %lld: no such kind or class",
				    (long long)id);
	if (b->norgs >= ROUTE_CONTEXT_MAX_ORGS)
		return sk_error_set(err, SK_ETOOBIG, "more than %u organizations",
				    ROUTE_CONTEXT_MAX_ORGS);
	if (name == NULL)
		name = "";
	len = strnlen(name, ORG_NAME_MAX * 4 + 1);
	if (len > ORG_NAME_MAX * 4)
		return sk_error_set(err, SK_EINVAL, "organization %lld: the name is too long",
				    (long long)id);
	match_grow(&b->orgs, &b->aorgs, b->norgs + 1, sizeof(*b->orgs));
	match_grow(&b->names, &b->anames, b->nnames + len + 1, 1);
	memcpy(b->names + b->nnames, name, len);
	b->names[b->nnames + len] = '\0';
	b->orgs[b->norgs++] = (struct b_org){id, b->nnames, kind, class};
	b->nnames += len + 1;
	return 0;
}

int route_context_builder_add_member(struct route_context_builder *b, int64_t liaison_id,
				     int64_t member_id, struct sk_error *err)
{
	if (liaison_id <= 0 || member_id <= 0 || liaison_id == member_id)
		return sk_error_set(err, SK_EINVAL, "membership %lld of %lld is not possible",
				    (long long)member_id, (long long)liaison_id);
	if (b->npairs >= (size_t)ROUTE_CONTEXT_MAX_ORGS * 16)
		return sk_error_set(err, SK_ETOOBIG, "too many memberships");
	match_grow(&b->pairs, &b->apairs, b->npairs + 1, sizeof(*b->pairs));
	b->pairs[b->npairs++] = (struct b_pair){liaison_id, member_id};
	return 0;
}

/* type borrowed. */
int route_context_builder_add_optout(struct route_context_builder *b, int64_t org_id,
				     const char *type, struct sk_error *err)
{
	int t = type != NULL ? taxonomy_type_lookup(type) : -1;

	if (t < 0)
		return sk_error_set(err, SK_EINVAL,
				    "organization %lld opts out of '%.64s', which is no "
				    "classification.type",
				    (long long)org_id, type != NULL ? type : "");
	if (b->noptouts >= (size_t)ROUTE_CONTEXT_MAX_ORGS * TAXONOMY_TYPE_COUNT)
		return sk_error_set(err, SK_ETOOBIG, "too many opt-outs");
	match_grow(&b->optouts, &b->aoptouts, b->noptouts + 1, sizeof(*b->optouts));
	b->optouts[b->noptouts++] = (struct b_optout){org_id, t};
	return 0;
}

static int pair_cmp(const void *a, const void *b)
{
	const struct b_pair *x = a, *y = b;

	if (x->member != y->member)
		return x->member < y->member ? -1 : 1;
	if (x->liaison != y->liaison)
		return x->liaison < y->liaison ? -1 : 1;
	return 0;
}

void route_context_free(struct route_context *ctx)
{
	if (ctx == NULL)
		return;
	free(ctx->orgs);
	free(ctx->liaisons);
	free(ctx->nationals);
	free(ctx->tab);
	free(ctx->names);
	free(ctx);
}

/* b is borrowed; its memberships are sorted in place. */
struct route_context *route_context_builder_finish(struct route_context_builder *b,
						   enum route_mode mode, struct sk_error *err)
{
	struct route_context *ctx = xcalloc(1, sizeof(*ctx));
	size_t i, size = 16, nlia = 0;
	long m, l;

	if ((unsigned)mode > ROUTE_MODE_ALL_COVERING) {
		sk_error_set(err, SK_EINVAL, "no such match mode %d", (int)mode);
		goto fail;
	}
	ctx->mode = mode;
	ctx->norgs = b->norgs;
	ctx->orgs = xcalloc(b->norgs ? b->norgs : 1, sizeof(*ctx->orgs));
	ctx->names = xmalloc(b->nnames ? b->nnames : 1);
	if (b->nnames > 0)
		memcpy(ctx->names, b->names, b->nnames);
	while (size < 2 * b->norgs)
		size *= 2;
	ctx->tab = xcalloc(size, sizeof(*ctx->tab));
	ctx->mask = size - 1;
	for (i = 0; i < b->norgs; i++) {
		struct ctx_org *o = &ctx->orgs[i];
		size_t j;

		o->pub.id = b->orgs[i].id;
		o->pub.name = ctx->names + b->orgs[i].name;
		o->pub.kind = b->orgs[i].kind;
		o->pub.class = b->orgs[i].class;
		for (j = match_mix64((uint64_t)o->pub.id) & ctx->mask; ctx->tab[j] != 0;
		     j = (j + 1) & ctx->mask) {
			if (ctx->orgs[ctx->tab[j] - 1].pub.id == o->pub.id) {
				sk_error_set(err, SK_EINVAL, "organization %lld is there twice",
					     (long long)o->pub.id);
				goto fail;
			}
		}
		ctx->tab[j] = (uint32_t)i + 1;
		if (o->pub.kind == ORG_KIND_NATIONAL_CSIRT)
			ctx->nnationals++;
	}

	/* Liaisons: one run per member, by liaison id; repeats count once. */
	if (b->npairs > 0)
		qsort(b->pairs, b->npairs, sizeof(*b->pairs), pair_cmp);
	ctx->liaisons = xcalloc(b->npairs ? b->npairs : 1, sizeof(*ctx->liaisons));
	for (i = 0; i < b->npairs; i++) {
		if (i > 0 && pair_cmp(&b->pairs[i], &b->pairs[i - 1]) == 0)
			continue;
		m = match_org_place(ctx, b->pairs[i].member);
		l = match_org_place(ctx, b->pairs[i].liaison);
		if (m < 0 || l < 0) {
			sk_error_set(
			    err, SK_EINVAL, "membership of %lld in %lld: no such organization",
			    (long long)b->pairs[i].member, (long long)b->pairs[i].liaison);
			goto fail;
		}
		if (ctx->orgs[l].pub.kind != ORG_KIND_LIAISON) {
			sk_error_set(err, SK_EINVAL,
				     "membership of %lld in %lld: that is not a liaison "
				     "organization",
				     (long long)b->pairs[i].member,
				     (long long)b->pairs[i].liaison);
			goto fail;
		}
		if (ctx->orgs[m].nlia == 0)
			ctx->orgs[m].lia_off = (uint32_t)nlia;
		ctx->orgs[m].nlia++;
		ctx->liaisons[nlia++] = (uint32_t)l;
	}

	for (i = 0; i < b->noptouts; i++) {
		m = match_org_place(ctx, b->optouts[i].org);
		if (m < 0) {
			sk_error_set(err, SK_EINVAL, "opt-out of %lld: no such organization",
				     (long long)b->optouts[i].org);
			goto fail;
		}
		ctx->orgs[m].optouts |= (uint64_t)1 << b->optouts[i].type;
	}

	/* National CSIRTs by id (there are few: insertion). */
	ctx->nationals =
	    xcalloc(ctx->nnationals ? ctx->nnationals : 1, sizeof(*ctx->nationals));
	ctx->nnationals = 0;
	for (i = 0; i < ctx->norgs; i++) {
		size_t j = ctx->nnationals++;

		if (ctx->orgs[i].pub.kind != ORG_KIND_NATIONAL_CSIRT) {
			ctx->nnationals--;
			continue;
		}
		for (; j > 0 && ctx->orgs[ctx->nationals[j - 1]].pub.id > ctx->orgs[i].pub.id;
		     j--)
			ctx->nationals[j] = ctx->nationals[j - 1];
		ctx->nationals[j] = (uint32_t)i;
	}
	return ctx;
fail:
	route_context_free(ctx);
	return NULL;
}

/* What route_context_load collects. */
struct load {
	struct route_context_builder *b;
	struct org_list liaisons;
	int64_t liaison_id;
	struct sk_error *err;
};

static int load_org(const struct org *org, void *arg)
{
	struct load *l = arg;

	if (org->kind == ORG_KIND_LIAISON)
		org_list_push(org, &l->liaisons);
	return route_context_builder_add_org(l->b, org->id, org->name, org->kind, org->class,
					     l->err);
}

static int load_member(const struct org *org, void *arg)
{
	struct load *l = arg;

	return route_context_builder_add_member(l->b, l->liaison_id, org->id, l->err);
}

static int load_optout(int64_t org_id, const char *type, void *arg)
{
	struct load *l = arg;

	return route_context_builder_add_optout(l->b, org_id, type, l->err);
}

/* st borrowed; caller frees the result with route_context_free(). */
struct route_context *route_context_load(struct store *st, enum route_mode mode,
					 struct sk_error *err)
{
	struct load l = {route_context_builder_new(), {0}, 0, err};
	struct route_context *ctx = NULL;

	if (store_org_each(st, load_org, &l, err) != 0)
		goto out;
	for (size_t i = 0; i < l.liaisons.n; i++) {
		l.liaison_id = l.liaisons.v[i].id;
		if (store_member_each(st, l.liaison_id, load_member, &l, err) != 0)
			goto out;
	}
	if (store_optout_each(st, 0, load_optout, &l, err) != 0)
		goto out;
	ctx = route_context_builder_finish(l.b, mode, err);
out:
	org_list_free(&l.liaisons);
	route_context_builder_free(l.b);
	return ctx;
}

enum route_mode route_context_mode(const struct route_context *ctx)
{
	return ctx->mode;
}

const struct route_org *route_context_org(const struct route_context *ctx, int64_t id)
{
	long i = match_org_place(ctx, id);

	return i < 0 ? NULL : &ctx->orgs[i].pub;
}

void route_recipients_free(struct route_recipients *l)
{
	if (l == NULL)
		return;
	free(l->v);
	l->v = NULL;
	l->n = l->alloc = 0;
}
