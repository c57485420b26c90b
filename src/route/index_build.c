/* route/index_build.c: building the constituency index: the builder
 * collects resources, sorts and deduplicates them, lays out the blob's
 * records, builds the prefix tries and fills the hash tables of AS numbers
 * and domain names. index_int.h describes the layout. */
#include "route/index.h"

#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "lib/error.h"
#include "lib/xalloc.h"
#include "net/domain.h"
#include "route/index_int.h"
#include "store/store.h"

struct pfx_ent {
	struct prefix p;
	uint8_t pad[6];
	int64_t org_id;
	int64_t resource_id;
};

struct asn_ent {
	uint32_t asn;
	int64_t org_id;
	int64_t resource_id;
};

struct dom_ent {
	uint64_t name; /* offset in the builder's names */
	uint32_t len;
	uint32_t id; /* distinct-name number, set by finish */
	int64_t org_id;
	int64_t resource_id;
};

struct route_index_builder {
	struct pfx_ent *pfx;
	size_t npfx, apfx;
	struct asn_ent *asn;
	size_t nasn, aasn;
	struct dom_ent *dom;
	size_t ndom, adom;
	char *names;
	size_t nnames, anames;
};

/* Grow array p of *alloc elements of size bytes to hold need; returns the
 * (maybe moved) array. Aborts on overflow or exhaustion. */
static void *vec_grow(void *p, size_t *alloc, size_t need, size_t size)
{
	size_t a = *alloc;

	if (need <= a)
		return p;
	if (a < 64)
		a = 64;
	while (a < need)
		a = a > (size_t)-1 / 2 ? need : a * 2;
	p = xreallocarray(p, a, size);
	*alloc = a;
	return p;
}

#define HUGE_PAGE ((size_t)2 << 20)

/* Zeroed memory for one of idx's arrays (size > 0), counted in its memory
 * figure; caller frees with free(). An array of 2 MiB or more is aligned
 * to 2 MiB and offered to the kernel for transparent huge pages: random
 * reads over a large index then miss the TLB far less often. */
void *index_alloc(struct route_index *idx, size_t size)
{
	void *p = NULL;

	if (size >= HUGE_PAGE) {
		size = (size + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
		if (posix_memalign(&p, HUGE_PAGE, size) == 0) {
			(void)madvise(p, size, MADV_HUGEPAGE);
			memset(p, 0, size);
		} else {
			p = NULL;
		}
	}
	if (p == NULL)
		p = xcalloc(1, size);
	idx->stats.memory += size;
	return p;
}

/* ---- building ---- */

struct route_index_builder *route_index_builder_new(void)
{
	return xcalloc(1, sizeof(struct route_index_builder));
}

/* b may be NULL. */
void route_index_builder_free(struct route_index_builder *b)
{
	if (b == NULL)
		return;
	free(b->pfx);
	free(b->asn);
	free(b->dom);
	free(b->names);
	free(b);
}

/* p is borrowed and copied. */
int route_index_builder_add_prefix(struct route_index_builder *b, const struct prefix *p,
				   int64_t org_id, int64_t resource_id, struct sk_error *err)
{
	struct pfx_ent *e;
	unsigned bits, i;

	if (p->family != 4 && p->family != 6)
		return sk_error_set(err, SK_EINVAL, "prefix: family %u is neither 4 nor 6",
				    p->family);
	bits = (unsigned)prefix_family_bits(p->family);
	if (p->len > bits)
		return sk_error_set(err, SK_EINVAL, "prefix: length %u is over %u", p->len,
				    bits);
	for (i = p->len; i < bits; i++)
		if (p->addr[i / 8] & (0x80u >> (i % 8)))
			return sk_error_set(err, SK_EINVAL, "prefix: host bits set past /%u",
					    p->len);
	if (b->npfx >= ROUTE_INDEX_MAX_ENTRIES)
		return sk_error_set(err, SK_ETOOBIG, "index: more than %u prefixes",
				    ROUTE_INDEX_MAX_ENTRIES);
	b->pfx = vec_grow(b->pfx, &b->apfx, b->npfx + 1, sizeof(*b->pfx));
	e = &b->pfx[b->npfx++];
	memset(e, 0, sizeof(*e));
	e->p.family = p->family;
	e->p.len = p->len;
	memcpy(e->p.addr, p->addr, bits / 8);
	e->org_id = org_id;
	e->resource_id = resource_id;
	return 0;
}

int route_index_builder_add_asn(struct route_index_builder *b, uint32_t asn, int64_t org_id,
				int64_t resource_id, struct sk_error *err)
{
	struct asn_ent *e;

	if (b->nasn >= ROUTE_INDEX_MAX_ENTRIES)
		return sk_error_set(err, SK_ETOOBIG, "index: more than %u AS numbers",
				    ROUTE_INDEX_MAX_ENTRIES);
	b->asn = vec_grow(b->asn, &b->aasn, b->nasn + 1, sizeof(*b->asn));
	e = &b->asn[b->nasn++];
	memset(e, 0, sizeof(*e));
	e->asn = asn;
	e->org_id = org_id;
	e->resource_id = resource_id;
	return 0;
}

/* True if name (len bytes) looks canonical: LDH labels of 1..63 bytes,
 * lowercase, separated by single dots. */
static bool name_is_canonical(const char *name, size_t len)
{
	size_t i, label = 0;

	for (i = 0; i < len; i++) {
		char c = name[i];

		if (c == '.') {
			if (label == 0)
				return false;
			label = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') {
			if (++label > 63)
				return false;
		} else {
			return false;
		}
	}
	return label > 0;
}

/* name is borrowed and copied. */
int route_index_builder_add_domain(struct route_index_builder *b, const char *name,
				   int64_t org_id, int64_t resource_id, struct sk_error *err)
{
	size_t len = strnlen(name, DOMAIN_MAX + 1);
	struct dom_ent *e;

	if (len == 0 || len > DOMAIN_MAX || !name_is_canonical(name, len))
		return sk_error_set(err, SK_EINVAL, "domain: '%.*s' is not a canonical name",
				    (int)(len > 64 ? 64 : len), name);
	if (b->ndom >= ROUTE_INDEX_MAX_ENTRIES)
		return sk_error_set(err, SK_ETOOBIG, "index: more than %u domain names",
				    ROUTE_INDEX_MAX_ENTRIES);
	b->names = vec_grow(b->names, &b->anames, b->nnames + len + 1, 1);
	memcpy(b->names + b->nnames, name, len + 1);
	b->dom = vec_grow(b->dom, &b->adom, b->ndom + 1, sizeof(*b->dom));
	e = &b->dom[b->ndom++];
	memset(e, 0, sizeof(*e));
	e->name = b->nnames;
	e->len = (uint32_t)len;
	e->org_id = org_id;
	e->resource_id = resource_id;
	b->nnames += len + 1;
	return 0;
}

/* r is borrowed. */
int route_index_builder_add(struct route_index_builder *b, const struct resource *r,
			    struct sk_error *err)
{
	switch (r->type) {
	case RESOURCE_PREFIX:
		return route_index_builder_add_prefix(b, &r->prefix, r->org_id, r->id, err);
	case RESOURCE_ASN:
		return route_index_builder_add_asn(b, r->asn, r->org_id, r->id, err);
	case RESOURCE_DOMAIN:
		return route_index_builder_add_domain(b, r->domain, r->org_id, r->id, err);
	}
	return sk_error_set(err, SK_EINVAL, "resource %lld: unknown type %d", (long long)r->id,
			    (int)r->type);
}

static int owner_cmp(int64_t ao, int64_t ar, int64_t bo, int64_t br)
{
	if (ao != bo)
		return ao < bo ? -1 : 1;
	if (ar != br)
		return ar < br ? -1 : 1;
	return 0;
}

static int pfx_ent_cmp(const void *a, const void *b)
{
	const struct pfx_ent *x = a, *y = b;
	int c = prefix_compare(&x->p, &y->p);

	return c != 0 ? c : owner_cmp(x->org_id, x->resource_id, y->org_id, y->resource_id);
}

static int asn_ent_cmp(const void *a, const void *b)
{
	const struct asn_ent *x = a, *y = b;

	if (x->asn != y->asn)
		return x->asn < y->asn ? -1 : 1;
	return owner_cmp(x->org_id, x->resource_id, y->org_id, y->resource_id);
}

static int dom_ent_cmp(const void *a, const void *b)
{
	const struct dom_ent *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return owner_cmp(x->org_id, x->resource_id, y->org_id, y->resource_id);
}

/* Sort the entries and drop exact repeats; returns the new count. */
static size_t pfx_sort(struct pfx_ent *e, size_t n)
{
	size_t i, k = 0;

	if (n > 1)
		qsort(e, n, sizeof(*e), pfx_ent_cmp);
	for (i = 0; i < n; i++)
		if (k == 0 || pfx_ent_cmp(&e[k - 1], &e[i]) != 0)
			e[k++] = e[i];
	return k;
}

static size_t asn_sort(struct asn_ent *e, size_t n)
{
	size_t i, k = 0;

	if (n > 1)
		qsort(e, n, sizeof(*e), asn_ent_cmp);
	for (i = 0; i < n; i++)
		if (k == 0 || asn_ent_cmp(&e[k - 1], &e[i]) != 0)
			e[k++] = e[i];
	return k;
}

/* Number the distinct names of b (dom_ent.id), then sort the entries by
 * that number and owner and drop repeats. Returns the distinct count and
 * the new entry count in *n_out. */
static size_t dom_sort(struct route_index_builder *b, size_t *n_out)
{
	size_t size = table_size(b->ndom), mask = size - 1, i, k = 0, distinct = 0;
	struct slot *tab = xcalloc(size, sizeof(*tab));
	uint32_t *first = xcalloc(b->ndom + 1, sizeof(*first));

	for (i = 0; i < b->ndom; i++) {
		struct dom_ent *e = &b->dom[i];
		const char *name = b->names + e->name;
		uint64_t h = hash_name(name, e->len);
		size_t j = (size_t)h & mask;

		for (;; j = (j + 1) & mask) {
			if (tab[j].off == 0) {
				tab[j].key = (uint32_t)(h >> 32);
				tab[j].off = (uint32_t)++distinct;
				first[distinct] = (uint32_t)i;
				e->id = (uint32_t)distinct;
				break;
			}
			if (tab[j].key == (uint32_t)(h >> 32)) {
				const struct dom_ent *o = &b->dom[first[tab[j].off]];

				if (o->len == e->len &&
				    memcmp(b->names + o->name, name, e->len) == 0) {
					e->id = tab[j].off;
					break;
				}
			}
		}
	}
	free(tab);
	free(first);
	if (b->ndom > 1)
		qsort(b->dom, b->ndom, sizeof(*b->dom), dom_ent_cmp);
	for (i = 0; i < b->ndom; i++)
		if (k == 0 || dom_ent_cmp(&b->dom[k - 1], &b->dom[i]) != 0)
			b->dom[k++] = b->dom[i];
	*n_out = k;
	return distinct;
}

/* ---- the prefix trie ---- */

/* A prefix record as the trie builder sees it. */
struct trec {
	struct prefix p;
	uint32_t off;
};

struct tbuild {
	uint64_t *w;
	size_t len, alloc;
	size_t nodes;
	const struct trec *r;
	bool toobig;
};

/* A node's result before it is written: a leaf, a written node, or a path
 * that the level above may still extend. */
enum { PEND_LEAF, PEND_NODE, PEND_PATH };
struct pend {
	int kind;
	uint32_t val;  /* LEAF: the leaf; NODE: its offset; PATH: next */
	uint32_t miss; /* PATH */
	unsigned nkey; /* PATH */
	uint8_t key[PATH_KEY_MAX];
};

/* Room for n words; returns their offset. */
static size_t tb_alloc(struct tbuild *tb, size_t n)
{
	size_t off = tb->len;

	tb->w = vec_grow(tb->w, &tb->alloc, tb->len + n, sizeof(uint64_t));
	memset(tb->w + off, 0, n * sizeof(uint64_t));
	tb->len += n;
	if (tb->len > BLOB_MAX_WORDS)
		tb->toobig = true;
	tb->nodes++;
	return off;
}

/* The entry for p, writing p if it is a path. */
static uint32_t tb_emit(struct tbuild *tb, const struct pend *p)
{
	struct path_node *n;
	size_t off;

	if (p->kind == PEND_LEAF)
		return p->val;
	if (p->kind == PEND_NODE)
		return TRIE_CHILD | p->val;
	off = tb_alloc(tb, sizeof(*n) / 8);
	n = (struct path_node *)(tb->w + off);
	n->kind = NODE_PATH;
	n->nkey = (uint8_t)p->nkey;
	n->miss = p->miss;
	n->next = p->val;
	memcpy(n->key, p->key, p->nkey);
	return TRIE_CHILD | (uint32_t)off;
}

/* Write a sparse node for val (256 entries) if it has at most SPARSE_MAX
 * runs of equal entries; returns its offset, or -1 if it has more. */
static long tb_sparse(struct tbuild *tb, const uint32_t *val)
{
	uint8_t start[SPARSE_MAX];
	uint32_t ent[SPARSE_MAX];
	unsigned s, n = 0;
	struct sparse_node *node;
	size_t off;

	for (s = 0; s < 256; s++) {
		if (s > 0 && val[s] == val[s - 1])
			continue;
		if (n == SPARSE_MAX)
			return -1;
		start[n] = (uint8_t)s;
		ent[n++] = val[s];
	}
	off = tb_alloc(tb, (sparse_entries_at(n) + n * sizeof(uint32_t) + 7) / 8);
	node = (struct sparse_node *)(tb->w + off);
	node->kind = NODE_SPARSE;
	node->n = (uint8_t)n;
	memcpy(node->start, start, n);
	memcpy((char *)node + sparse_entries_at(n), ent, n * sizeof(uint32_t));
	return (long)off;
}

/* Write a node for val (256 entries, children marked by cmap): sparse if
 * it can be, else full. Returns its offset. */
static uint32_t tb_write_node(struct tbuild *tb, const uint32_t *val, const uint64_t cmap[4])
{
	uint64_t lmap[4] = {0, 0, 0, 0};
	uint32_t ent[512], leaves[256];
	unsigned s, nch = 0, nleaf = 0, w;
	bool have_prev = false;
	uint32_t prev = 0;
	struct full_node *n;
	long sparse = tb_sparse(tb, val);
	size_t off;

	if (sparse >= 0)
		return (uint32_t)sparse;

	for (s = 0; s < 256; s++) {
		if (cmap[s >> 6] >> (s & 63) & 1) {
			ent[nch++] = val[s] & ~TRIE_CHILD;
			continue;
		}
		if (!have_prev || val[s] != prev) {
			lmap[s >> 6] |= 1ull << (s & 63);
			leaves[nleaf++] = val[s];
			prev = val[s];
			have_prev = true;
		}
	}
	memcpy(ent + nch, leaves, nleaf * sizeof(uint32_t));
	off = tb_alloc(tb, sizeof(*n) / 8 + (nch + nleaf + 1) / 2);
	n = (struct full_node *)(tb->w + off);
	n->kind = NODE_FULL;
	n->nchild = (uint16_t)nch;
	for (w = 0; w < 4; w++) {
		n->child_map[w] = cmap[w];
		n->leaf_map[w] = lmap[w];
		n->ccum[w] = (uint8_t)(w == 0 ? 0 : n->ccum[w - 1] + popcount64(cmap[w - 1]));
		n->lcum[w] = (uint8_t)(w == 0 ? 0 : n->lcum[w - 1] + popcount64(lmap[w - 1]));
	}
	memcpy(n->ent, ent, (nch + nleaf) * sizeof(uint32_t));
	return (uint32_t)off;
}

/* The node for byte d of the records [lo, hi), which all share their first
 * 8*d bits and are longer than that; def is the leaf inherited from above. */
static struct pend tb_node(struct tbuild *tb, unsigned d, size_t lo, size_t hi, uint32_t def)
{
	uint32_t val[256];
	uint64_t cmap[4] = {0, 0, 0, 0};
	unsigned lim = 8 * d + 8, nch = 0, s, odd = 0, nodd = 0;
	struct pend res, child;
	uint32_t v;
	size_t i, j;

	for (s = 0; s < 256; s++)
		val[s] = def;
	for (i = lo; i < hi; i++) {
		const struct prefix *p = &tb->r[i].p;

		assert(p->len > 8 * d);
		s = p->addr[d];
		if (p->len <= lim) {
			unsigned end = s + (1u << (lim - p->len));

			for (; s < end; s++)
				val[s] = tb->r[i].off;
		} else if (!(cmap[s >> 6] >> (s & 63) & 1)) {
			cmap[s >> 6] |= 1ull << (s & 63);
			nch++;
		}
	}

	/* Is every leaf slot the same (or all but one, without children)? */
	v = val[0] == val[1] || val[0] == val[2] ? val[0] : val[1];
	if (nch == 1) {
		for (s = 0; cmap[s >> 6] >> (s & 63) & 1; s++)
			;
		v = val[s];
	}
	for (s = 0; s < 256; s++) {
		if (cmap[s >> 6] >> (s & 63) & 1)
			continue;
		if (val[s] != v) {
			odd = s;
			nodd++;
		}
	}

	memset(&res, 0, sizeof(res));
	if (nch == 0 && nodd == 0) {
		res.kind = PEND_LEAF;
		res.val = v;
		return res;
	}
	if (nch == 0 && nodd == 1) {
		res.kind = PEND_PATH;
		res.miss = v;
		res.nkey = 1;
		res.key[0] = (uint8_t)odd;
		res.val = val[odd];
		return res;
	}

	for (i = lo; i < hi; i = j) {
		if (tb->r[i].p.len <= lim) {
			j = i + 1;
			continue;
		}
		s = tb->r[i].p.addr[d];
		for (j = i + 1; j < hi && tb->r[j].p.addr[d] == s; j++)
			assert(tb->r[j].p.len > lim);
		child = tb_node(tb, d + 1, i, j, val[s]);
		if (nch == 1 && nodd == 0) {
			/* One way on: a path, joined to the child's if that
			 * misses to the same leaf. */
			res.kind = PEND_PATH;
			res.miss = v;
			res.key[0] = (uint8_t)s;
			if (child.kind == PEND_LEAF && child.val == v) {
				res.kind = PEND_LEAF;
				res.val = v;
			} else if (child.kind == PEND_PATH && child.miss == v &&
				   child.nkey < PATH_KEY_MAX) {
				memcpy(res.key + 1, child.key, child.nkey);
				res.nkey = child.nkey + 1;
				res.val = child.val;
			} else {
				res.nkey = 1;
				res.val = tb_emit(tb, &child);
			}
			return res;
		}
		val[s] = tb_emit(tb, &child);
		if (!(val[s] & TRIE_CHILD))
			cmap[s >> 6] &= ~(1ull << (s & 63));
	}
	res.kind = PEND_NODE;
	res.val = tb_write_node(tb, val, cmap);
	return res;
}

/* Build t, one of idx's tries, from the n records r (sorted, one family).
 * 0 or SK_ETOOBIG. */
static int trie_build(struct route_index *idx, struct trie *t, const struct trec *r, size_t n,
		      struct sk_error *err)
{
	struct tbuild tb = {0};
	struct pend child;
	size_t i, j;
	unsigned s;

	memset(t, 0, sizeof(*t));
	if (n == 0)
		return 0;
	tb.r = r;
	t->root = index_alloc(idx, 65536 * sizeof(uint32_t));
	for (i = 0; i < n; i++) {
		if (r[i].p.len <= 16) {
			unsigned first = (unsigned)r[i].p.addr[0] << 8 | r[i].p.addr[1];
			unsigned end = first + (1u << (16 - r[i].p.len));

			for (s = first; s < end; s++)
				t->root[s] = r[i].off;
		}
	}
	for (i = 0; i < n; i = j) {
		if (r[i].p.len <= 16) {
			j = i + 1;
			continue;
		}
		s = (unsigned)r[i].p.addr[0] << 8 | r[i].p.addr[1];
		for (j = i + 1; j < n && ((unsigned)r[j].p.addr[0] << 8 | r[j].p.addr[1]) == s;
		     j++)
			;
		child = tb_node(&tb, 2, i, j, t->root[s]);
		t->root[s] = tb_emit(&tb, &child);
	}
	if (tb.toobig) {
		free(tb.w);
		return sk_error_set(err, SK_ETOOBIG, "index: the prefix trie is over %u words",
				    BLOB_MAX_WORDS);
	}
	if (tb.len > 0) {
		t->nodes = index_alloc(idx, tb.len * sizeof(uint64_t));
		memcpy(t->nodes, tb.w, tb.len * sizeof(uint64_t));
	}
	free(tb.w);
	t->nwords = tb.len;
	t->nnodes = tb.nodes;
	return 0;
}

/* ---- finishing ---- */

/* Words of a key record with nowners owners and extra_bytes after them. */
static size_t key_rec_words(size_t nowners, size_t extra_bytes)
{
	return 1 + 2 * nowners + (extra_bytes + 7) / 8;
}

/* Words of a prefix record with nanc covering records and nowners owners. */
static size_t prefix_rec_words(size_t nanc, size_t nowners)
{
	return (sizeof(struct prefix_rec) + 4 * nanc + 7) / 8 + 2 * nowners;
}

/* Lay out one prefix record per distinct prefix of the sorted entries
 * e[0..n), from word pos on, each listing the records that cover it. With
 * blob NULL only count; else write the records, numbering their prefixes
 * from rbase on, and fill r (one per record). Returns the words used; the
 * record count goes into *nrec. */
static size_t put_prefixes(uint64_t *blob, size_t pos, const struct pfx_ent *e, size_t n,
			   struct trec *r, size_t rbase, size_t *nrec)
{
	struct {
		const struct prefix *p;
		uint32_t off;
	} stack[130];
	size_t top = 0, i, j, k, start = pos, nr = 0;

	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && prefix_compare(&e[i].p, &e[j].p) == 0; j++)
			;
		/* Sorted order puts a prefix after every prefix covering it. */
		while (top > 0 && !prefix_contains(stack[top - 1].p, &e[i].p))
			top--;
		if (blob != NULL) {
			struct prefix_rec *rec = (struct prefix_rec *)(blob + pos);
			struct owner *o;

			rec->nowners = (uint32_t)(j - i);
			rec->prefix = (uint32_t)(rbase + nr);
			rec->nanc = (uint16_t)top;
			rec->len = e[i].p.len;
			for (k = 0; k < top; k++)
				rec->anc[k] = stack[top - 1 - k].off;
			o = (struct owner *)prefix_rec_owners(rec);
			for (k = i; k < j; k++) {
				o[k - i].org_id = e[k].org_id;
				o[k - i].resource_id = e[k].resource_id;
			}
			r[nr].p = e[i].p;
			r[nr].off = (uint32_t)pos;
		}
		nr++;
		assert(top < sizeof(stack) / sizeof(stack[0]));
		stack[top].p = &e[i].p;
		stack[top].off = (uint32_t)pos;
		top++;
		pos += prefix_rec_words(top - 1, j - i);
	}
	*nrec = nr;
	return pos - start;
}

/* Enter the record at off into table tab (mask) under key, starting at
 * hash h; keys are distinct here, so nothing is compared. */
static void table_put(struct slot *tab, size_t mask, size_t h, uint32_t key, uint32_t off)
{
	size_t j = h & mask;

	while (tab[j].off != 0)
		j = (j + 1) & mask;
	tab[j].key = key;
	tab[j].off = off;
}

/* b is borrowed; its entries are sorted and deduplicated on the way. */
struct route_index *route_index_builder_finish(struct route_index_builder *b,
					       struct sk_error *err)
{
	struct route_index *idx = route_index_new_empty();
	struct route_index *result = NULL;
	struct trec *r = NULL;
	size_t e4, n4, n6, npfx, nasn_d = 0, ndom_d = 0, ndom = 0, total = 1;
	size_t i, j, k, pos;

	/* Sort, deduplicate, and count what goes into the blob. */
	b->npfx = pfx_sort(b->pfx, b->npfx);
	b->nasn = asn_sort(b->asn, b->nasn);
	ndom_d = b->ndom > 0 ? dom_sort(b, &ndom) : 0;
	b->ndom = ndom;
	npfx = b->npfx;
	for (e4 = 0; e4 < npfx && b->pfx[e4].p.family == 4; e4++)
		;
	total += put_prefixes(NULL, 0, b->pfx, e4, NULL, 0, &n4);
	total += put_prefixes(NULL, 0, b->pfx + e4, npfx - e4, NULL, 0, &n6);
	for (i = 0; i < b->nasn; i = j) {
		for (j = i + 1; j < b->nasn && b->asn[j].asn == b->asn[i].asn; j++)
			;
		nasn_d++;
		total += key_rec_words(j - i, 0);
	}
	for (i = 0; i < b->ndom; i = j) {
		for (j = i + 1; j < b->ndom && b->dom[j].id == b->dom[i].id; j++)
			;
		total += key_rec_words(j - i, b->dom[i].len + 1);
	}
	if (total > BLOB_MAX_WORDS) {
		sk_error_set(err, SK_ETOOBIG, "index: %zu words of records, over %u", total,
			     BLOB_MAX_WORDS);
		goto out;
	}
	idx->blob = index_alloc(idx, total * sizeof(uint64_t));
	idx->blob_words = total;
	pos = 1;

	/* Prefixes (IPv4 sorts first): records, then the tries. */
	r = xcalloc(n4 + n6 + 1, sizeof(*r));
	pos += put_prefixes(idx->blob, pos, b->pfx, e4, r, 0, &n4);
	pos += put_prefixes(idx->blob, pos, b->pfx + e4, npfx - e4, r + n4, n4, &n6);
	if (n4 + n6 > 0) {
		idx->prefixes = index_alloc(idx, (n4 + n6) * sizeof(struct prefix));
		for (i = 0; i < n4 + n6; i++)
			idx->prefixes[i] = r[i].p;
	}
	if (trie_build(idx, &idx->t4, r, n4, err) != 0 ||
	    trie_build(idx, &idx->t6, r + n4, n6, err) != 0)
		goto out;

	/* AS numbers. */
	if (nasn_d > 0) {
		idx->asn_mask = table_size(nasn_d) - 1;
		idx->asn_tab = index_alloc(idx, (idx->asn_mask + 1) * sizeof(struct slot));
	}
	for (i = 0; i < b->nasn; i = j) {
		struct key_rec *rec = (struct key_rec *)(idx->blob + pos);

		for (j = i + 1; j < b->nasn && b->asn[j].asn == b->asn[i].asn; j++)
			;
		rec->key = b->asn[i].asn;
		rec->nowners = (uint32_t)(j - i);
		for (k = i; k < j; k++) {
			rec->owners[k - i].org_id = b->asn[k].org_id;
			rec->owners[k - i].resource_id = b->asn[k].resource_id;
		}
		table_put(idx->asn_tab, idx->asn_mask, asn_hash(rec->key), rec->key,
			  (uint32_t)pos);
		pos += key_rec_words(j - i, 0);
	}

	/* Domain names. */
	if (ndom_d > 0) {
		idx->dom_mask = table_size(ndom_d) - 1;
		idx->dom_tab = index_alloc(idx, (idx->dom_mask + 1) * sizeof(struct slot));
	}
	for (i = 0; i < b->ndom; i = j) {
		struct key_rec *rec = (struct key_rec *)(idx->blob + pos);
		const char *name = b->names + b->dom[i].name;
		uint64_t h;

		for (j = i + 1; j < b->ndom && b->dom[j].id == b->dom[i].id; j++)
			;
		rec->key = b->dom[i].len;
		rec->nowners = (uint32_t)(j - i);
		for (k = i; k < j; k++) {
			rec->owners[k - i].org_id = b->dom[k].org_id;
			rec->owners[k - i].resource_id = b->dom[k].resource_id;
		}
		memcpy(rec->owners + (j - i), name, rec->key + 1);
		h = hash_name(name, rec->key);
		table_put(idx->dom_tab, idx->dom_mask, (size_t)h, (uint32_t)(h >> 32),
			  (uint32_t)pos);
		pos += key_rec_words(j - i, rec->key + 1);
	}
	assert(pos == total);

	idx->stats.prefixes4 = n4;
	idx->stats.prefixes6 = n6;
	idx->stats.asns = nasn_d;
	idx->stats.domains = ndom_d;
	idx->stats.owners = npfx + b->nasn + b->ndom;
	idx->stats.trie_nodes = idx->t4.nnodes + idx->t6.nnodes;
	result = idx;
	idx = NULL;
out:
	free(r);
	route_index_free(idx);
	return result;
}

struct build_ctx {
	struct route_index_builder *b;
	struct sk_error *err;
};

static int build_add(const struct resource *r, void *arg)
{
	struct build_ctx *ctx = arg;

	return route_index_builder_add(ctx->b, r, ctx->err);
}

/* st is borrowed. */
struct route_index *route_index_build(struct store *st, struct sk_error *err)
{
	struct route_index_builder *b = route_index_builder_new();
	struct build_ctx ctx = {b, err};
	struct route_index *idx = NULL;

	if (store_resource_each(st, 0, build_add, &ctx, err) != 0) {
		sk_error_prefix(err, "index");
		goto out;
	}
	idx = route_index_builder_finish(b, err);
out:
	route_index_builder_free(b);
	return idx;
}
