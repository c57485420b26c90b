/* route/index.h: the constituency index: an immutable in-memory snapshot
 * of every resource in the registry (IPv4 and IPv6 prefixes, AS numbers,
 * domain names), built once, then read by many threads at once without
 * locks; and a holder through which a new snapshot replaces the old one
 * while readers go on. index_int.h describes the layout. */
#ifndef SK_ROUTE_INDEX_H
#define SK_ROUTE_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "model/resource.h"
#include "net/prefix.h"

struct sk_error;
struct store;
struct route_index;
struct route_index_builder;
struct route_index_holder;

/* Most resources one builder takes, of each type; more is SK_ETOOBIG. */
#define ROUTE_INDEX_MAX_ENTRIES (1u << 26)

/* One owner of one matching resource. A look-up reports every owner of
 * every matching prefix, AS number or domain, most specific first; the
 * owners of one prefix (or domain) share a depth and come ordered by
 * org_id, then resource_id. The pointers are borrowed from the index and
 * stay valid as long as the index does (for a snapshot read through a
 * holder: until route_index_read_end()). */
struct route_match {
	int64_t org_id;
	int64_t resource_id;
	const struct prefix *prefix; /* address look-ups: the covering prefix */
	const char *domain;	     /* domain look-ups: the matching name */
	uint32_t asn;		     /* ASN look-ups: the AS number */
	uint32_t depth;		     /* 0 for the most specific match, then 1, ... */
};

/* Figures about an index, for logs, metrics and the benchmark. */
struct route_index_stats {
	size_t prefixes4;  /* distinct IPv4 prefixes */
	size_t prefixes6;  /* distinct IPv6 prefixes */
	size_t asns;	   /* distinct AS numbers */
	size_t domains;	   /* distinct domain names */
	size_t owners;	   /* (resource, owner) entries in all */
	size_t trie_nodes; /* interior nodes of both prefix tries */
	size_t memory;	   /* bytes allocated for the index */
};

/* Building. A builder collects resources (copied), then finish() turns
 * them into an index. Caller frees the builder with
 * route_index_builder_free(), also after finish(). */
struct route_index_builder *route_index_builder_new(void);
void route_index_builder_free(struct route_index_builder *b);

/* Add one resource owned by org_id. The same (prefix, org, resource)
 * given twice counts once; one prefix, AS number or name may have many
 * owners. A prefix must be canonical (family 4 or 6, host bits zero) and
 * a name canonical as net/domain.h says (else SK_EINVAL); past
 * ROUTE_INDEX_MAX_ENTRIES of one type is SK_ETOOBIG. */
int route_index_builder_add_prefix(struct route_index_builder *b, const struct prefix *p,
				   int64_t org_id, int64_t resource_id, struct sk_error *err);
int route_index_builder_add_asn(struct route_index_builder *b, uint32_t asn, int64_t org_id,
				int64_t resource_id, struct sk_error *err);
int route_index_builder_add_domain(struct route_index_builder *b, const char *name,
				   int64_t org_id, int64_t resource_id, struct sk_error *err);
/* Add r (borrowed) by its type, owned by r->org_id. */
int route_index_builder_add(struct route_index_builder *b, const struct resource *r,
			    struct sk_error *err);

/* Build the index from everything added so far. Caller frees the result
 * with route_index_free(); NULL with err set if it would be too large. */
struct route_index *route_index_builder_finish(struct route_index_builder *b,
					       struct sk_error *err);

/* Build the index from every resource in the store (one walk with
 * store_resource_each). Caller frees with route_index_free(). */
struct route_index *route_index_build(struct store *st, struct sk_error *err);

/* An index with nothing in it. Caller frees with route_index_free(). */
struct route_index *route_index_new_empty(void);

void route_index_free(struct route_index *idx);

/* Look-ups. Each writes the matches into out (max entries, caller's
 * memory: nothing is allocated) and returns how many there are in all,
 * which may be more than max: then only the first max are written and a
 * larger array gets the rest. All three are safe to call from any number
 * of threads at once on one index. */

/* Every prefix that covers q, an address (a /32 or /128) or a prefix,
 * most specific first; q itself counts if it is in the index. IPv4 never
 * matches IPv6 (an IPv4-mapped IPv6 address is IPv6). SK_EINVAL if q is
 * not an IPv4 or IPv6 prefix. */
int route_index_lookup_addr(const struct route_index *idx, const struct prefix *q,
			    struct route_match *out, size_t max);
/* A batch of look-ups, for callers that have many addresses at hand (a
 * feed file): the same answers as route_index_lookup_addr() for each of
 * q[0..nq), several times faster, since the batch's memory accesses
 * overlap instead of waiting on one another. For each query in order,
 * calls fn with its index i, the matches (in scratch, max entries, the
 * caller's memory, reused for the next query) and their count n as
 * route_index_lookup_addr() would return it (SK_EINVAL for a query that
 * is not an IPv4 or IPv6 prefix). fn returns 0 to go on; any other value
 * stops the batch and is returned. Returns 0 when every query was done. */
typedef int (*route_index_batch_fn)(size_t i, const struct route_match *m, int n, void *ctx);
int route_index_lookup_addr_batch(const struct route_index *idx, const struct prefix *q,
				  size_t nq, struct route_match *scratch, size_t max,
				  route_index_batch_fn fn, void *ctx);

/* The owners of one AS number. */
int route_index_lookup_asn(const struct route_index *idx, uint32_t asn, struct route_match *out,
			   size_t max);
/* The owners of name and of each of its parents, most specific first;
 * matching is on label boundaries ("example.be" matches "www.example.be",
 * never "badexample.be"). name must be canonical (domain_normalize());
 * SK_EINVAL if it is empty, longer than DOMAIN_MAX or has an empty label. */
int route_index_lookup_domain(const struct route_index *idx, const char *name,
			      struct route_match *out, size_t max);
/* route_index_lookup_domain() for each of names[0..nq), as a batch: see
 * route_index_lookup_addr_batch(). */
int route_index_lookup_domain_batch(const struct route_index *idx, const char *const *names,
				    size_t nq, struct route_match *scratch, size_t max,
				    route_index_batch_fn fn, void *ctx);

/* Bytes allocated for idx. */
size_t route_index_memory(const struct route_index *idx);
void route_index_get_stats(const struct route_index *idx, struct route_index_stats *out);

/* Sharing. A holder owns the current index; readers enter a read-side
 * section, use the index they find there for as long as they stay inside,
 * and leave; a writer swaps in a new index, which waits until every
 * reader that might still see the old one has left, then frees it.
 * Readers take no lock and write no shared memory (userspace RCU, the
 * "bulletproof" flavour of liburcu: any thread may read, no registration).
 * Read-side sections nest and are cheap (tens of nanoseconds); keep them
 * short, since a swap waits for them, and never swap from inside one. */

/* A holder owning initial (takes ownership; NULL means an empty index).
 * Caller frees with route_index_holder_free() once no thread uses it. */
struct route_index_holder *route_index_holder_new(struct route_index *initial);
/* Free the holder and its current index; no reader may be inside. */
void route_index_holder_free(struct route_index_holder *h);

/* Enter a read-side section and return the current index (never NULL),
 * borrowed until the matching route_index_read_end(). */
const struct route_index *route_index_read_begin(struct route_index_holder *h);
void route_index_read_end(struct route_index_holder *h);
/* The current index; only inside a read-side section. */
const struct route_index *route_index_current(struct route_index_holder *h);

/* Make next the current index (takes ownership; must not be NULL), wait
 * for the readers of the old one to leave, and free it. Safe to call
 * from several threads; never from inside a read-side section. */
void route_index_swap(struct route_index_holder *h, struct route_index *next);

#endif
