/* registry/registry.c: whois (who owns an address, prefix, AS number or
 * domain) and the overlap report (nested prefixes of different
 * organizations). Who may read what is access/access.h's word.
 * Parses outside input (the whois query): at most 1024 bytes of text. */
#include "registry/registry.h"

#include <stdlib.h>
#include <string.h>

#include "lib/error.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "net/asn.h"
#include "net/domain.h"
#include "net/prefix.h"
#include "store/store.h"

#define WHOIS_QUERY_MAX 1024

/* Most specific first: longer prefixes, longer domain names; then by
 * organization and id so the order does not depend on the backend. */
static int whois_order(const void *pa, const void *pb)
{
	const struct resource *a = pa, *b = pb;
	size_t la, lb;

	if (a->type == RESOURCE_PREFIX && b->type == RESOURCE_PREFIX &&
	    a->prefix.len != b->prefix.len)
		return a->prefix.len > b->prefix.len ? -1 : 1;
	if (a->type == RESOURCE_DOMAIN && b->type == RESOURCE_DOMAIN) {
		la = strlen(a->domain);
		lb = strlen(b->domain);
		if (la != lb)
			return la > lb ? -1 : 1;
	}
	if (a->org_id != b->org_id)
		return a->org_id < b->org_id ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

/* Does text look like it was meant as an address or prefix: it has a
 * '/' or ':', or is four dotted numbers? Then the prefix parser's error
 * is the one to show. */
static bool looks_like_prefix(const char *text)
{
	int dots = 0;

	if (strchr(text, '/') != NULL || strchr(text, ':') != NULL)
		return true;
	for (const char *p = text; *p; p++) {
		if (*p == '.')
			dots++;
		else if (*p < '0' || *p > '9')
			return false;
	}
	return dots == 3;
}

/* A small cache of organizations by id, for one call. */
struct org_cache {
	struct org *v;
	size_t n;
};

static void org_cache_free(struct org_cache *c)
{
	for (size_t i = 0; i < c->n; i++)
		org_clear(&c->v[i]);
	free(c->v);
	c->v = NULL;
	c->n = 0;
}

/* The organization with id, fetched once; borrowed from the cache. */
static int org_cache_get(struct org_cache *c, struct store *st, int64_t id,
			 const struct org **out, struct sk_error *err)
{
	struct org org;
	int rc;

	for (size_t i = 0; i < c->n; i++) {
		if (c->v[i].id == id) {
			*out = &c->v[i];
			return 0;
		}
	}
	memset(&org, 0, sizeof(org));
	rc = store_org_get(st, id, &org, err);
	if (rc != 0)
		return rc;
	c->v = xreallocarray(c->v, c->n + 1, sizeof(*c->v));
	c->v[c->n] = org;
	*out = &c->v[c->n++];
	return 0;
}

/* "prefix:...", "asn:..." or "domain:...": the type is given. */
static bool has_type_word(const char *query)
{
	return str_has_prefix(query, "prefix:") || str_has_prefix(query, "asn:") ||
	       str_has_prefix(query, "domain:");
}

/* query is borrowed; fn gets each owner and resource, borrowed for the
 * call. */
int registry_whois(struct store *st, const char *query, registry_whois_fn fn, void *ctx,
		   struct sk_error *err)
{
	struct resource_list found = {0};
	struct org_cache cache = {0};
	struct sk_error perr = {0};
	struct resource q;
	int rc;

	memset(&q, 0, sizeof(q));
	if (strlen(query) > WHOIS_QUERY_MAX)
		return sk_error_set(err, SK_ETOOBIG, "query is longer than %d bytes",
				    WHOIS_QUERY_MAX);
	if (has_type_word(query)) {
		rc = resource_parse(query, &q, err);
		if (rc != 0)
			goto out;
	} else if (prefix_parse(query, &q.prefix, &perr) == 0) {
		q.type = RESOURCE_PREFIX;
	} else if (looks_like_prefix(query)) {
		rc = sk_error_set(err, perr.code ? perr.code : SK_EINVAL, "%s", perr.msg);
		goto out;
	} else if (asn_parse(query, &q.asn, &perr) == 0) {
		q.type = RESOURCE_ASN;
	} else if (domain_normalize(query, false, q.domain, &perr) == 0) {
		q.type = RESOURCE_DOMAIN;
	} else {
		rc = sk_error_set(err, SK_EINVAL,
				  "'%s': not an IP address, prefix, AS number or domain name",
				  query);
		goto out;
	}
	switch (q.type) {
	case RESOURCE_PREFIX:
		rc = store_resource_covering(st, &q.prefix, resource_list_push, &found, err);
		break;
	case RESOURCE_ASN:
		rc = store_resource_by_asn(st, q.asn, resource_list_push, &found, err);
		break;
	case RESOURCE_DOMAIN:
	default:
		rc = store_resource_by_domain(st, q.domain, resource_list_push, &found, err);
		break;
	}
	if (rc != 0)
		goto out;
	if (found.n > 1)
		qsort(found.v, found.n, sizeof(*found.v), whois_order);
	for (size_t i = 0; i < found.n; i++) {
		const struct org *org = NULL;

		rc = org_cache_get(&cache, st, found.v[i].org_id, &org, err);
		if (rc != 0)
			goto out;
		rc = fn(org, &found.v[i], ctx);
		if (rc != 0)
			goto out;
	}
	rc = 0;
out:
	org_cache_free(&cache);
	resource_list_free(&found);
	return rc;
}

/* One prefix resource, kept small for the overlap sweep. */
struct ov_item {
	struct prefix p;
	int64_t id;
	int64_t org_id;
	char created[21];
};

struct ov_list {
	struct ov_item *v;
	size_t n, alloc;
};

static int collect_prefix(const struct resource *r, void *ctx)
{
	struct ov_list *l = ctx;

	if (r->type != RESOURCE_PREFIX)
		return 0;
	if (l->n == l->alloc) {
		l->alloc = l->alloc ? l->alloc * 2 : 256;
		l->v = xreallocarray(l->v, l->alloc, sizeof(*l->v));
	}
	l->v[l->n].p = r->prefix;
	l->v[l->n].id = r->id;
	l->v[l->n].org_id = r->org_id;
	memcpy(l->v[l->n].created, r->created, sizeof(r->created));
	l->n++;
	return 0;
}

static int ov_order(const void *pa, const void *pb)
{
	const struct ov_item *a = pa, *b = pb;
	int c = prefix_compare(&a->p, &b->p);

	if (c != 0)
		return c;
	if (a->org_id != b->org_id)
		return a->org_id < b->org_id ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

static void ov_resource(const struct ov_item *it, struct resource *r)
{
	memset(r, 0, sizeof(*r));
	r->id = it->id;
	r->org_id = it->org_id;
	r->type = RESOURCE_PREFIX;
	r->prefix = it->p;
	memcpy(r->created, it->created, sizeof(r->created));
}

/* Sorted by prefix_compare, every prefix comes after all prefixes that
 * cover it, and the prefixes covering the current one form a chain. The
 * sweep keeps that chain on a stack: pop what does not cover the current
 * prefix, report every entry left of another organization, push. Work is
 * O(n log n) for the sort plus, per prefix, the pairs it is in and at
 * most one stack entry per length of its own organization. */
int registry_overlaps(struct store *st, registry_overlap_fn fn, void *ctx, struct sk_error *err)
{
	struct ov_list all = {0};
	struct org_list orgs = {0};
	size_t *stack = NULL, depth = 0;
	int rc;

	rc = store_resource_each(st, 0, collect_prefix, &all, err);
	if (rc != 0)
		goto out;
	rc = store_org_each(st, org_list_push, &orgs, err);
	if (rc != 0)
		goto out;
	org_list_sort_by_id(&orgs);
	if (all.n > 1)
		qsort(all.v, all.n, sizeof(*all.v), ov_order);
	stack = xcalloc(all.n ? all.n : 1, sizeof(*stack));
	for (size_t i = 0; i < all.n; i++) {
		const struct ov_item *in = &all.v[i];
		const struct org *in_org = NULL;
		struct resource inner;

		while (depth > 0 && !prefix_contains(&all.v[stack[depth - 1]].p, &in->p))
			depth--;
		for (size_t k = 0; k < depth; k++) {
			const struct ov_item *o = &all.v[stack[k]];
			const struct org *out_org;
			struct resource outer;

			if (o->org_id == in->org_id)
				continue;
			if (in_org == NULL)
				in_org = org_list_find_id(&orgs, in->org_id);
			out_org = org_list_find_id(&orgs, o->org_id);
			if (in_org == NULL || out_org == NULL) {
				rc = sk_error_set(err, SK_EIO,
						  "resource %lld belongs to no organization",
						  (long long)(in_org == NULL ? in->id : o->id));
				goto out;
			}
			ov_resource(o, &outer);
			ov_resource(in, &inner);
			rc = fn(out_org, &outer, in_org, &inner, ctx);
			if (rc != 0)
				goto out;
		}
		stack[depth++] = i;
	}
	rc = 0;
out:
	free(stack);
	free(all.v);
	org_list_free(&orgs);
	return rc;
}
