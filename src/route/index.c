/* route/index.c: look-ups in the constituency index, one at a time and
 * in batches, and the holder through which a new snapshot replaces the old
 * one while readers go on. index_build.c builds an index; index_int.h
 * describes its layout. */
#include "route/index.h"

#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <urcu/urcu-bp.h>

#include "lib/error.h"
#include "lib/xalloc.h"
#include "net/domain.h"
#include "route/index_int.h"

struct route_index_holder {
	struct route_index *current; /* RCU-protected; never NULL */
};

struct route_index *route_index_new_empty(void)
{
	struct route_index *idx = xcalloc(1, sizeof(*idx));

	idx->stats.memory = sizeof(*idx);
	return idx;
}

/* idx may be NULL. */
void route_index_free(struct route_index *idx)
{
	if (idx == NULL)
		return;
	free(idx->blob);
	free(idx->prefixes);
	free(idx->t4.root);
	free(idx->t4.nodes);
	free(idx->t6.root);
	free(idx->t6.nodes);
	free(idx->asn_tab);
	free(idx->dom_tab);
	free(idx);
}

size_t route_index_memory(const struct route_index *idx)
{
	return idx->stats.memory;
}

void route_index_get_stats(const struct route_index *idx, struct route_index_stats *out)
{
	*out = idx->stats;
}

/* ---- look-ups ---- */

/* Report the owners of one match: out[n..] as room allows; returns the new
 * count. */
static size_t put_owners(struct route_match *out, size_t max, size_t n, const struct owner *o,
			 uint32_t count, const struct route_match *proto)
{
	uint32_t i;

	for (i = 0; i < count; i++, n++) {
		if (n < max) {
			out[n] = *proto;
			out[n].org_id = o[i].org_id;
			out[n].resource_id = o[i].resource_id;
		}
	}
	return n;
}

/* Start fetching the records that cover the prefix record at off. */
static void prefetch_chain(const struct route_index *idx, uint32_t off)
{
	const struct prefix_rec *rec = (const struct prefix_rec *)(idx->blob + off);
	unsigned k;

	for (k = 0; k < rec->nanc; k++)
		__builtin_prefetch(idx->blob + rec->anc[k]);
}

/* Report the prefix record at off and every record covering it that is
 * no longer than qlen into out (max entries); returns the count. */
static size_t put_chain(const struct route_index *idx, uint32_t off, unsigned qlen,
			struct route_match *out, size_t max)
{
	const struct prefix_rec *first = (const struct prefix_rec *)(idx->blob + off), *rec;
	struct route_match m = {0};
	size_t n = 0;
	unsigned k;

	for (rec = first, k = 0;;
	     rec = (const struct prefix_rec *)(idx->blob + first->anc[k++])) {
		if (rec->len <= qlen) {
			m.prefix = &idx->prefixes[rec->prefix];
			n = put_owners(out, max, n, prefix_rec_owners(rec), rec->nowners, &m);
			m.depth++;
		}
		if (k == first->nanc)
			return n;
	}
}

static bool query_ok(const struct prefix *q)
{
	return (q->family == 4 || q->family == 6) && q->len <= prefix_family_bits(q->family);
}

/* idx, q borrowed; out is the caller's (max entries). */
int route_index_lookup_addr(const struct route_index *idx, const struct prefix *q,
			    struct route_match *out, size_t max)
{
	const struct trie *t;
	uint32_t off;

	if (!query_ok(q))
		return SK_EINVAL;
	t = q->family == 4 ? &idx->t4 : &idx->t6;
	if (t->root == NULL)
		return 0;
	off = trie_match(t, q->addr);
	if (off == 0)
		return 0;
	prefetch_chain(idx, off);
	return (int)put_chain(idx, off, q->len, out, max);
}

/* Ask for the cache lines of the node e and of its first entries. */
static void prefetch_node(const struct trie *t, uint32_t e)
{
	const char *n = (const char *)(t->nodes + (e & ~TRIE_CHILD));

	__builtin_prefetch(n);
	__builtin_prefetch(n + 64);
	__builtin_prefetch(n + 128);
}

#define BATCH 16

/* idx, q borrowed; scratch is the caller's (max entries), handed to fn for
 * each query in turn. The queries go through the tries BATCH at a time,
 * level by level: each round takes every unfinished query one node
 * further and asks for the node it needs next, so that the memory
 * accesses of the batch overlap. */
int route_index_lookup_addr_batch(const struct route_index *idx, const struct prefix *q,
				  size_t nq, struct route_match *scratch, size_t max,
				  route_index_batch_fn fn, void *ctx)
{
	const struct trie *t[BATCH];
	uint32_t e[BATCH];
	unsigned d[BATCH];
	size_t base, i, g;
	bool more;
	int rc, n;

	for (base = 0; base < nq; base += g) {
		const struct prefix *bq = q + base;

		g = nq - base < BATCH ? nq - base : BATCH;
		for (i = 0; i < g; i++) {
			t[i] = NULL;
			e[i] = 0;
			d[i] = 2;
			if (query_ok(&bq[i])) {
				t[i] = bq[i].family == 4 ? &idx->t4 : &idx->t6;
				if (t[i]->root != NULL)
					__builtin_prefetch(
					    &t[i]->root[(unsigned)bq[i].addr[0] << 8 |
							bq[i].addr[1]]);
			}
		}
		more = false;
		for (i = 0; i < g; i++) {
			if (t[i] == NULL || t[i]->root == NULL)
				continue;
			e[i] = t[i]->root[(unsigned)bq[i].addr[0] << 8 | bq[i].addr[1]];
			if (e[i] & TRIE_CHILD) {
				prefetch_node(t[i], e[i]);
				more = true;
			}
		}
		while (more) {
			more = false;
			for (i = 0; i < g; i++) {
				if (!(e[i] & TRIE_CHILD))
					continue;
				e[i] = node_step(t[i], bq[i].addr, &d[i], e[i]);
				if (e[i] & TRIE_CHILD) {
					prefetch_node(t[i], e[i]);
					more = true;
				}
			}
		}
		for (i = 0; i < g; i++)
			if (e[i] != 0)
				__builtin_prefetch(idx->blob + e[i]);
		for (i = 0; i < g; i++)
			if (e[i] != 0)
				prefetch_chain(idx, e[i]);
		for (i = 0; i < g; i++) {
			if (t[i] == NULL)
				n = SK_EINVAL;
			else if (e[i] == 0)
				n = 0;
			else
				n = (int)put_chain(idx, e[i], bq[i].len, scratch, max);
			rc = fn(base + i, scratch, n, ctx);
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

int route_index_lookup_asn(const struct route_index *idx, uint32_t asn, struct route_match *out,
			   size_t max)
{
	struct route_match m = {0};
	size_t j;

	if (idx->asn_tab == NULL)
		return 0;
	for (j = asn_hash(asn) & idx->asn_mask; idx->asn_tab[j].off != 0;
	     j = (j + 1) & idx->asn_mask) {
		if (idx->asn_tab[j].key == asn) {
			const struct key_rec *rec =
			    (const struct key_rec *)(idx->blob + idx->asn_tab[j].off);

			m.asn = asn;
			return (int)put_owners(out, max, 0, rec->owners, rec->nowners, &m);
		}
	}
	return 0;
}

/* The record of the name s (len bytes) hashing to h, or NULL. */
static const struct key_rec *dom_find(const struct route_index *idx, uint64_t h, const char *s,
				      size_t len)
{
	uint32_t fp = (uint32_t)(h >> 32);
	size_t j;

	for (j = (size_t)h & idx->dom_mask; idx->dom_tab[j].off != 0;
	     j = (j + 1) & idx->dom_mask) {
		if (idx->dom_tab[j].key == fp) {
			const struct key_rec *rec =
			    (const struct key_rec *)(idx->blob + idx->dom_tab[j].off);

			if (rec->key == len &&
			    memcmp((const char *)(rec->owners + rec->nowners), s, len) == 0)
				return rec;
		}
	}
	return NULL;
}

/* Labels in a name of at most DOMAIN_MAX bytes with no empty label. */
#define NAME_LABELS_MAX (DOMAIN_MAX / 2 + 1)

/* The hash of every suffix of name (len bytes, 1..DOMAIN_MAX) that starts
 * at a label, shortest first, into hs, and where each starts into starts
 * (NAME_LABELS_MAX entries each); asks for their table slots. Returns how
 * many, or SK_EINVAL for an empty label. */
static int name_suffixes(const struct route_index *idx, const char *name, size_t len,
			 uint64_t *hs, uint8_t *starts)
{
	uint64_t h = HASH_SEED;
	size_t end, i;
	int nl = 0;

	for (end = len;; end = i - 1) {
		for (i = end; i > 0 && name[i - 1] != '.'; i--)
			;
		if (i == end)
			return SK_EINVAL;
		h = hash_label(h, name + i, end - i);
		hs[nl] = h;
		starts[nl] = (uint8_t)i;
		if (idx->dom_tab != NULL)
			__builtin_prefetch(&idx->dom_tab[(size_t)h & idx->dom_mask]);
		nl++;
		if (i == 0)
			return nl;
	}
}

/* Report the records of the suffixes of name (len bytes) that are in the
 * index, most specific first, into out (max entries); returns the count. */
static size_t put_names(const struct route_index *idx, const char *name, size_t len,
			const uint64_t *hs, const uint8_t *starts, int nl,
			struct route_match *out, size_t max)
{
	struct route_match m = {0};
	size_t n = 0;

	while (nl-- > 0) {
		const struct key_rec *rec =
		    dom_find(idx, hs[nl], name + starts[nl], len - starts[nl]);

		if (rec == NULL)
			continue;
		m.domain = (const char *)(rec->owners + rec->nowners);
		n = put_owners(out, max, n, rec->owners, rec->nowners, &m);
		m.depth++;
	}
	return n;
}

/* idx, name borrowed; out is the caller's (max entries). */
int route_index_lookup_domain(const struct route_index *idx, const char *name,
			      struct route_match *out, size_t max)
{
	uint64_t hs[NAME_LABELS_MAX];
	uint8_t starts[NAME_LABELS_MAX];
	size_t len = strnlen(name, DOMAIN_MAX + 1);
	int nl;

	if (len == 0 || len > DOMAIN_MAX)
		return SK_EINVAL;
	nl = name_suffixes(idx, name, len, hs, starts);
	if (nl < 0 || idx->dom_tab == NULL)
		return nl < 0 ? nl : 0;
	return (int)put_names(idx, name, len, hs, starts, nl, out, max);
}

/* idx, names borrowed; scratch is the caller's (max entries), handed to fn
 * for each name in turn. BATCH names at a time: all their slots are asked
 * for, then the records the slots point to, then the answers are put
 * together from what has arrived. */
int route_index_lookup_domain_batch(const struct route_index *idx, const char *const *names,
				    size_t nq, struct route_match *scratch, size_t max,
				    route_index_batch_fn fn, void *ctx)
{
	uint64_t hs[BATCH][NAME_LABELS_MAX];
	uint8_t starts[BATCH][NAME_LABELS_MAX];
	size_t len[BATCH], base, i, g, j;
	int nl[BATCH], rc, n, k;

	for (base = 0; base < nq; base += g) {
		g = nq - base < BATCH ? nq - base : BATCH;
		for (i = 0; i < g; i++) {
			const char *name = names[base + i];

			len[i] = strnlen(name, DOMAIN_MAX + 1);
			if (len[i] == 0 || len[i] > DOMAIN_MAX)
				nl[i] = SK_EINVAL;
			else
				nl[i] = name_suffixes(idx, name, len[i], hs[i], starts[i]);
			if (nl[i] > 0 && idx->dom_tab == NULL)
				nl[i] = 0;
		}
		/* Ask for the record behind each slot whose fingerprint fits. */
		for (i = 0; i < g; i++) {
			for (k = 0; k < nl[i]; k++) {
				uint32_t fp = (uint32_t)(hs[i][k] >> 32);

				for (j = (size_t)hs[i][k] & idx->dom_mask;
				     idx->dom_tab[j].off != 0; j = (j + 1) & idx->dom_mask) {
					if (idx->dom_tab[j].key == fp) {
						__builtin_prefetch(idx->blob +
								   idx->dom_tab[j].off);
						break;
					}
				}
			}
		}
		for (i = 0; i < g; i++) {
			n = nl[i] < 0 ? nl[i]
				      : (int)put_names(idx, names[base + i], len[i], hs[i],
						       starts[i], nl[i], scratch, max);
			rc = fn(base + i, scratch, n, ctx);
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

/* ---- sharing ---- */

/* ThreadSanitizer cannot see what liburcu's grace periods guarantee; in a
 * build with it, these say so: publishing an index happens before its
 * readers read it, and every read-side section that could still see an
 * index ends before the index is freed. */
#if defined(__SANITIZE_THREAD__)
#define INDEX_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define INDEX_TSAN 1
#endif
#endif
#ifdef INDEX_TSAN
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
#define tsan_acquire(p) __tsan_acquire((void *)(p))
#define tsan_release(p) __tsan_release((void *)(p))
#else
#define tsan_acquire(p) ((void)(p))
#define tsan_release(p) ((void)(p))
#endif

/* Takes ownership of initial (NULL: an empty index). */
struct route_index_holder *route_index_holder_new(struct route_index *initial)
{
	struct route_index_holder *h = xcalloc(1, sizeof(*h));

	h->current = initial != NULL ? initial : route_index_new_empty();
	return h;
}

/* h may be NULL; frees the current index too. */
void route_index_holder_free(struct route_index_holder *h)
{
	if (h == NULL)
		return;
	route_index_free(h->current);
	free(h);
}

const struct route_index *route_index_read_begin(struct route_index_holder *h)
{
	urcu_bp_read_lock();
	return route_index_current(h);
}

void route_index_read_end(struct route_index_holder *h)
{
	tsan_release(h);
	urcu_bp_read_unlock();
}

const struct route_index *route_index_current(struct route_index_holder *h)
{
	const struct route_index *idx = urcu_bp_dereference(h->current);

	tsan_acquire(idx);
	return idx;
}

/* Takes ownership of next; frees the index it replaces once no reader can
 * see it any more. */
void route_index_swap(struct route_index_holder *h, struct route_index *next)
{
	struct route_index *old;

	assert(next != NULL);
	tsan_release(next);
	old = urcu_bp_xchg_pointer(&h->current, next);
	urcu_bp_synchronize_rcu();
	tsan_acquire(h);
	route_index_free(old);
}
