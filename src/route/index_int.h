/* route/index_int.h: the layout of the constituency index, shared by
 * index_build.c, which writes it, and index.c, which reads it; and the
 * small helpers of the look-up path (hashing, a trie step), static inline
 * so that they inline into the look-up loops. Private to src/route.
 *
 * An index is an immutable snapshot of the registry's resources, made for
 * many concurrent look-ups.
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
#ifndef SK_ROUTE_INDEX_INT_H
#define SK_ROUTE_INDEX_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "route/index.h"

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

static inline size_t sparse_entries_at(unsigned n)
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

/* Zeroed memory for one of idx's arrays (size > 0), counted in its memory
 * figure (index_build.c); caller frees with free(). */
void *index_alloc(struct route_index *idx, size_t size);

/* ---- hashing ---- */

#define HASH_SEED 0x243f6a8885a308d3ull

static inline uint64_t hash_mix(uint64_t a, uint64_t b)
{
	__uint128_t r = (__uint128_t)(a ^ 0xa0761d6478bd642full) * (b ^ 0xe7037ed1a0b428dbull);

	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

/* The hash of label s (n bytes) in front of a suffix hashing to h. */
static inline uint64_t hash_label(uint64_t h, const char *s, size_t n)
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
static inline uint64_t hash_name(const char *name, size_t len)
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

static inline size_t asn_hash(uint32_t asn)
{
	return (size_t)(((uint64_t)asn * 0x9e3779b97f4a7c15ull) >> 32);
}

/* Slots for n keys: a power of two, load at most 0.7. */
static inline size_t table_size(size_t n)
{
	size_t size = 8;

	while (size * 7 < n * 10)
		size *= 2;
	return size;
}

/* ---- the prefix trie ---- */

static inline unsigned popcount64(uint64_t x)
{
	return (unsigned)__builtin_popcountll(x);
}

static inline const struct owner *prefix_rec_owners(const struct prefix_rec *rec)
{
	return (const struct owner *)((const uint64_t *)rec +
				      (sizeof(struct prefix_rec) + 4 * rec->nanc + 7) / 8);
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
static inline uint32_t trie_match(const struct trie *t, const uint8_t *a)
{
	uint32_t e = t->root[(unsigned)a[0] << 8 | a[1]];
	unsigned d = 2;

	while (e & TRIE_CHILD)
		e = node_step(t, a, &d, e);
	return e;
}

#endif
