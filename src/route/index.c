/* route/index.c: the constituency index, an immutable snapshot of the
 * registry's resources made for many concurrent look-ups.
 *
 * What an answer reports lives in one array of 64-bit words, the blob,
 * addressed by 32-bit word offsets (0 is never a record):
 *   prefix record: owner count, prefix length and number (the prefixes
 *                  themselves are in an array of their own), the offsets
 *                  of every record that covers it (closest first), then
 *                  the owners
 *   ASN record:    AS number, owner count, then the owners
 *   domain record: name length, owner count, the owners, then the name
 * An owner is (org id, resource id). Every covering prefix of an address
 * is its most specific match followed by the covering records that match
 * lists, worked out once when the index is built; since the list holds
 * them all, a look-up asks for all of them at once instead of following a
 * chain of parents one memory access after another.
 *
 * The most specific match comes from one trie per family, after DIR-24-8
 * (Gupta, Lin, McKeown 1998) and Poptrie (Asai, Ohara 2015): the first 16
 * bits of the address index a direct table of 65,536 entries, and each
 * further byte is one level. Prefixes are pushed to the leaves (a /20 fills
 * 16 slots of its level), so a slot holds either a leaf (a prefix record,
 * or 0) or a child node, and a look-up stops at the first leaf. A level is
 * one of three nodes:
 *   sparse node: the 256 slots as up to 16 runs of equal entries, where
 *     each run starts and its entry; most levels are a few runs, and fit
 *     in a cache line;
 *   full node: two 256-bit maps (which slots are children; where a run of
 *     equal leaves starts) and the children, then one leaf per run; the
 *     slot's entry is found by counting the set bits before it (Poptrie's
 *     population-count compression, with stride 8 and per-word counts);
 *   path node: up to 16 bytes that must match, a leaf for a mismatch and
 *     what follows a match (a leaf or a node): the chains of one-way levels
 *     of sparse IPv6 space collapse into one such node.
 *
 * AS numbers and domain names are open-addressing hash tables of (key or
 * fingerprint, record offset) pairs, linear probing, load at most 0.7. A
 * name's hash is built label by label from the right, so one pass over a
 * name gives the hashes of all its parents, and their slots are fetched
 * together before the first is compared.
 *
 * On a large index nearly every step of a look-up waits for main memory.
 * The batch look-ups take 16 queries through the same step before any
 * takes the next, asking the processor to fetch what each will need next,
 * so that the waits overlap; the large arrays ask for transparent huge
 * pages, which make each of those fetches cheaper. */
#include "route/index.h"

#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <urcu/urcu-bp.h>

#include "lib/error.h"
#include "lib/xalloc.h"
#include "net/domain.h"
#include "store/store.h"

struct owner {
	int64_t org_id;
	int64_t resource_id;
};

/* Blob records; offsets count 8-byte words from the start of the blob. A
 * prefix record lists every covering record (closest first), so that a
 * look-up can fetch them all at once instead of one after another; the
 * prefix itself sits in a separate array, which look-ups only point into,
 * so that the record stays small. */
struct prefix_rec {
	uint32_t nowners;
	uint32_t prefix; /* its index in route_index.prefixes */
	uint16_t nanc;	 /* entries in anc */
	uint8_t len;	 /* the prefix length, for prefix queries */
	uint8_t pad;
	uint32_t anc[]; /* covering records, closest first; then the owners */
};
_Static_assert(sizeof(struct prefix_rec) == 12, "a prefix record header is 12 bytes");

struct key_rec {
	uint32_t key; /* the AS number, or the length of the name */
	uint32_t nowners;
	struct owner owners[]; /* a domain record's name follows, NUL-terminated */
};
_Static_assert(sizeof(struct key_rec) == 8, "a key record header is 1 word");

#define BLOB_MAX_WORDS 0x7fffffffu /* leaves share 32 bits with TRIE_CHILD */

/* Trie entries: a leaf (a prefix record offset, 0 for no match), or a node
 * offset in the node array with TRIE_CHILD set. */
#define TRIE_CHILD   0x80000000u
#define NODE_FULL    1
#define NODE_PATH    2
#define NODE_SPARSE  3
#define SPARSE_MAX   16 /* runs in a sparse node */
#define PATH_KEY_MAX 16

struct full_node {
	uint8_t kind; /* NODE_FULL */
	uint8_t pad;
	uint16_t nchild;
	uint8_t ccum[4]; /* child slots in the map words before word w */
	uint8_t lcum[4]; /* leaf runs in the map words before word w */
	uint32_t pad2;
	uint64_t child_map[4]; /* slot s is a child */
	uint64_t leaf_map[4];  /* slot s is a leaf that starts a run */
	uint32_t ent[];	       /* nchild node offsets, then one leaf per run */
};
_Static_assert(sizeof(struct full_node) == 80, "a full node header is 10 words");

/* A sparse node: the level as runs of equal entries, up to SPARSE_MAX:
 * where each starts, then their entries (child entries with TRIE_CHILD).
 * Most levels are a few runs; this keeps them to a cache line or less. */
struct sparse_node {
	uint8_t kind;	 /* NODE_SPARSE */
	uint8_t n;	 /* runs, 1..SPARSE_MAX */
	uint8_t start[]; /* n first slots, start[0] == 0; then, from the next
			  * multiple of 4 bytes, n uint32_t entries */
};

static size_t sparse_entries_at(unsigned n)
{
	return (2 + n + 3) & ~(size_t)3;
}

struct path_node {
	uint8_t kind; /* NODE_PATH */
	uint8_t nkey; /* bytes in key, 1..PATH_KEY_MAX */
	uint16_t pad;
	uint32_t miss; /* the leaf when key does not match */
	uint32_t next; /* the entry when it does */
	uint32_t pad2;
	uint8_t key[PATH_KEY_MAX];
};
_Static_assert(sizeof(struct path_node) == 32, "a path node is 4 words");

struct trie {
	uint32_t *root; /* 65,536 entries; NULL when the family is empty */
	uint64_t *nodes;
	size_t nwords;
	size_t nnodes;
};

struct slot {
	uint32_t key; /* AS number, or the high half of a name's hash */
	uint32_t off; /* record offset; 0 marks an empty slot */
};

struct route_index {
	uint64_t *blob;
	size_t blob_words;
	struct prefix *prefixes; /* one per prefix record */
	struct trie t4, t6;
	struct slot *asn_tab; /* NULL when there are no AS numbers */
	size_t asn_mask;
	struct slot *dom_tab; /* NULL when there are no names */
	size_t dom_mask;
	struct route_index_stats stats;
};

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

struct route_index_holder {
	struct route_index *current; /* RCU-protected; never NULL */
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
static void *index_alloc(struct route_index *idx, size_t size)
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

/* ---- hashing ---- */

#define HASH_SEED 0x243f6a8885a308d3ull

static uint64_t hash_mix(uint64_t a, uint64_t b)
{
	__uint128_t r = (__uint128_t)(a ^ 0xa0761d6478bd642full) * (b ^ 0xe7037ed1a0b428dbull);

	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

/* The hash of label s (n bytes) in front of a suffix hashing to h. */
static uint64_t hash_label(uint64_t h, const char *s, size_t n)
{
	uint64_t v = hash_mix(h, n), c;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&c, s, 8);
		v = hash_mix(v, c);
	}
	if (n > 0) {
		c = 0;
		memcpy(&c, s, n);
		v = hash_mix(v, c);
	}
	return v;
}

/* The hash of a whole name (len bytes, borrowed). */
static uint64_t hash_name(const char *name, size_t len)
{
	uint64_t h = HASH_SEED;
	size_t end = len, i;

	for (;;) {
		for (i = end; i > 0 && name[i - 1] != '.'; i--)
			;
		h = hash_label(h, name + i, end - i);
		if (i == 0)
			return h;
		end = i - 1;
	}
}

static size_t asn_hash(uint32_t asn)
{
	return (size_t)(((uint64_t)asn * 0x9e3779b97f4a7c15ull) >> 32);
}

/* Slots for n keys: a power of two, load at most 0.7. */
static size_t table_size(size_t n)
{
	size_t size = 8;

	while (size * 7 < n * 10)
		size *= 2;
	return size;
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

static unsigned popcount64(uint64_t x)
{
	return (unsigned)__builtin_popcountll(x);
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

/* Follow e, a node entry, one node further along address a, whose byte
 * *d that node looks at (moved on past what the node consumed). Returns
 * the next entry: a leaf, or another node. */
static inline __attribute__((always_inline)) uint32_t
node_step(const struct trie *t, const uint8_t *a, unsigned *d, uint32_t e)
{
	const uint64_t *n = t->nodes + (e & ~TRIE_CHILD);

	if (*(const uint8_t *)n == NODE_PATH) {
		const struct path_node *p = (const struct path_node *)n;
		unsigned i;

		for (i = 0; i < p->nkey; i++)
			if (a[*d + i] != p->key[i])
				return p->miss;
		*d += p->nkey;
		return p->next;
	} else if (*(const uint8_t *)n == NODE_SPARSE) {
		const struct sparse_node *sp = (const struct sparse_node *)n;
		unsigned s = a[(*d)++], i = 1;

		while (i < sp->n && sp->start[i] <= s)
			i++;
		return ((const uint32_t *)((const char *)sp + sparse_entries_at(sp->n)))[i - 1];
	} else {
		const struct full_node *f = (const struct full_node *)n;
		unsigned s = a[(*d)++], w = s >> 6, b = s & 63;
		uint64_t m = f->child_map[w];

		if (m >> b & 1)
			return TRIE_CHILD |
			       f->ent[f->ccum[w] + popcount64(m & ((1ull << b) - 1))];
		return f->ent[f->nchild + f->lcum[w] +
			      popcount64(f->leaf_map[w] & ((2ull << b) - 1)) - 1];
	}
}

/* The offset of the most specific prefix record covering address a, or 0. */
static uint32_t trie_match(const struct trie *t, const uint8_t *a)
{
	uint32_t e = t->root[(unsigned)a[0] << 8 | a[1]];
	unsigned d = 2;

	while (e & TRIE_CHILD)
		e = node_step(t, a, &d, e);
	return e;
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

static const struct owner *prefix_rec_owners(const struct prefix_rec *rec)
{
	return (const struct owner *)((const uint64_t *)rec +
				      (sizeof(struct prefix_rec) + 4 * rec->nanc + 7) / 8);
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
