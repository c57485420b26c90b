/* route/match_int.h: what the files of the matcher share: the routing
 * context's layout (built in match_context.c, read by match.c) and its
 * small helpers. Private to src/route. */
#ifndef SK_ROUTE_MATCH_INT_H
#define SK_ROUTE_MATCH_INT_H

#include <stddef.h>
#include <stdint.h>

#include "route/match.h"

struct ctx_org {
	struct route_org pub; /* name points into route_context.names */
	uint64_t optouts;     /* bit t: no events of taxonomy_type_names[t] */
	uint32_t lia_off;     /* its liaisons: liaisons[lia_off..lia_off + nlia) */
	uint32_t nlia;
};

struct route_context {
	enum route_mode mode;
	struct ctx_org *orgs;
	size_t norgs;
	uint32_t *liaisons;  /* org places */
	uint32_t *nationals; /* org places, by id */
	size_t nnationals;
	uint32_t *tab; /* org place + 1; 0 is empty */
	size_t mask;
	char *names;
};

/* Room for need elements of size bytes in *pp (*alloc of them now). */
void match_grow(void *pp, size_t *alloc, size_t need, size_t size);

static inline uint64_t match_mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	return x ^ (x >> 33);
}

/* The place of organization id in ctx, or -1. On the routing path:
 * inline. */
static inline long match_org_place(const struct route_context *ctx, int64_t id)
{
	size_t j;

	if (ctx->tab == NULL)
		return -1;
	for (j = match_mix64((uint64_t)id) & ctx->mask; ctx->tab[j] != 0;
	     j = (j + 1) & ctx->mask)
		if (ctx->orgs[ctx->tab[j] - 1].pub.id == id)
			return (long)ctx->tab[j] - 1;
	return -1;
}

#endif
