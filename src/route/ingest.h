/* route/ingest.h: a feed into the store: read (feed/feed.h), fill in
 * what events lack (route/enrich.h), route (route/match.h) and store the
 * events with their recipients, a batch at a time, all of one input in
 * one transaction: an input that fails (or, strict, has a bad line)
 * stores nothing. */
#ifndef SK_ROUTE_INGEST_H
#define SK_ROUTE_INGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/tlp.h"

struct feed_reader;
struct route_context;
struct route_enricher;
struct route_index;
struct sk_error;
struct store;

/* Events per batch: routed together (the index's batch look-ups) and
 * stored together. */
#define INGEST_BATCH 1024

/* How many events one organization received. */
struct ingest_org_count {
	int64_t org_id;
	unsigned long events;
};

struct ingest_stats {
	unsigned long lines;	 /* read */
	unsigned long parsed;	 /* events parsed (and stored) */
	unsigned long rejected;	 /* bad lines */
	unsigned long matched;	 /* events for an organization besides the national CSIRT */
	unsigned long unmatched; /* events for the national CSIRT alone (no owner, opted out) */
	unsigned long enriched;	 /* events the enricher added to */
	struct ingest_org_count
	    *orgs; /* in order of first event; free with ingest_stats_free() */
	size_t n_orgs, alloc_orgs;
	size_t *org_slot; /* private: a hash table of indexes into orgs */
	size_t org_cap;
};
void ingest_stats_free(struct ingest_stats *s);
/* Add the counts of from to to. */
void ingest_stats_add(struct ingest_stats *to, const struct ingest_stats *from);

/* Called for each bad line with its message ("FILE:LINE: reason"). */
typedef void (*ingest_reject_fn)(const struct sk_error *err, void *ctx);

struct ingest_options {
	const char *source;	    /* the input's name, for the audit log */
	enum tlp_label default_tlp; /* of events without a label */
	bool strict;		    /* the first bad line fails the input */
	ingest_reject_fn reject;    /* hears of each bad line; may be NULL */
	void *reject_ctx;
	/* Shared back: > 0 when partner organization source_org submitted
	 * the input. Every event gets feed.provider source_name and
	 * INGEST_SOURCE_KEY source_org (replacing what it said), and is
	 * routed as route_event_batch_from() says. */
	int64_t source_org;
	const char *source_name;
};

/* The extra field that names the organization that shared an event
 * back (its id, a number). */
#define INGEST_SOURCE_KEY "extra.source_org_id"

/* Ingest everything r reads. ctx and idx route; en (may be NULL) fills
 * in. Bad lines are counted and reported; stats (zeroed by the caller,
 * adds up over several inputs) gets the counts of what was stored
 * (nothing after a failure). An audit row names the source and the
 * counts. */
int ingest_run(struct store *st, const struct route_context *ctx, const struct route_index *idx,
	       const struct route_enricher *en, struct feed_reader *r,
	       const struct ingest_options *opt, struct ingest_stats *stats,
	       struct sk_error *err);

/* ingest_run() over IntelMQ JSON lines in data[0..len) (borrowed; len
 * > 0), read as `schakel ingest --format intelmq` reads a file: name
 * starts every message ("NAME:LINE: reason"), events without a label get
 * opt->default_tlp, and with opt->strict the first bad line fails it
 * all. For bodies of the API. */
int ingest_buffer(struct store *st, const struct route_context *ctx,
		  const struct route_index *idx, const struct route_enricher *en,
		  const char *data, size_t len, const char *name,
		  const struct ingest_options *opt, struct ingest_stats *stats,
		  struct sk_error *err);

#endif
