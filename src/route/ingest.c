/* route/ingest.c: read a batch, fill it in, route it with the batch
 * look-ups, store it; the recipients of a batch live in one array that
 * grows once and is reused. */
#include "route/ingest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed/feed.h"
#include "lib/error.h"
#include "lib/xalloc.h"
#include "model/event.h"
#include "model/recipient.h"
#include "route/enrich.h"
#include "route/match.h"
#include "store/store.h"

struct batch {
	struct event ev[INGEST_BATCH];
	const struct event *evp[INGEST_BATCH];
	struct store_event_in in[INGEST_BATCH];
	size_t first[INGEST_BATCH]; /* each event's first recipient in rcpt */
	size_t n;
	struct event_recipient *rcpt;
	size_t n_rcpt, alloc_rcpt;
};

static size_t slot_of(int64_t id, size_t cap)
{
	return (size_t)(((uint64_t)id * 0x9e3779b97f4a7c15ull) >> 17) & (cap - 1);
}

/* n more events for org_id, found through the table of indexes into
 * s->orgs. */
static void org_count(struct ingest_stats *s, int64_t org_id, unsigned long n)
{
	size_t i;

	if ((s->n_orgs + 1) * 2 > s->org_cap) {
		size_t cap = s->org_cap ? s->org_cap * 2 : 256;
		size_t *slot = xcalloc(cap, sizeof(*slot));

		for (size_t j = 0; j < s->n_orgs; j++) {
			for (i = slot_of(s->orgs[j].org_id, cap); slot[i] != 0;
			     i = (i + 1) & (cap - 1))
				;
			slot[i] = j + 1;
		}
		free(s->org_slot);
		s->org_slot = slot;
		s->org_cap = cap;
	}
	for (i = slot_of(org_id, s->org_cap); s->org_slot[i] != 0;
	     i = (i + 1) & (s->org_cap - 1)) {
		if (s->orgs[s->org_slot[i] - 1].org_id == org_id) {
			s->orgs[s->org_slot[i] - 1].events += n;
			return;
		}
	}
	if (s->n_orgs == s->alloc_orgs) {
		s->alloc_orgs = s->alloc_orgs ? s->alloc_orgs * 2 : 64;
		s->orgs = xreallocarray(s->orgs, s->alloc_orgs, sizeof(*s->orgs));
	}
	s->orgs[s->n_orgs] = (struct ingest_org_count){org_id, n};
	s->org_slot[i] = ++s->n_orgs;
}

void ingest_stats_add(struct ingest_stats *to, const struct ingest_stats *from)
{
	to->lines += from->lines;
	to->parsed += from->parsed;
	to->rejected += from->rejected;
	to->matched += from->matched;
	to->unmatched += from->unmatched;
	to->enriched += from->enriched;
	for (size_t i = 0; i < from->n_orgs; i++)
		org_count(to, from->orgs[i].org_id, from->orgs[i].events);
}

void ingest_stats_free(struct ingest_stats *s)
{
	free(s->orgs);
	free(s->org_slot);
	s->orgs = NULL;
	s->org_slot = NULL;
	s->n_orgs = s->alloc_orgs = s->org_cap = 0;
}

/* Keep the recipients route_event_batch() gives for event i. */
static int keep_recipients(size_t i, const struct event_recipient *r, size_t nr, void *arg)
{
	struct batch *b = arg;

	if (b->n_rcpt + nr > b->alloc_rcpt) {
		while (b->n_rcpt + nr > b->alloc_rcpt)
			b->alloc_rcpt = b->alloc_rcpt ? b->alloc_rcpt * 2 : 4 * INGEST_BATCH;
		b->rcpt = xreallocarray(b->rcpt, b->alloc_rcpt, sizeof(*b->rcpt));
	}
	b->first[i] = b->n_rcpt;
	if (nr > 0) /* r may be NULL then, and so may b->rcpt */
		memcpy(b->rcpt + b->n_rcpt, r, nr * sizeof(*r));
	b->n_rcpt += nr;
	b->in[i].n_rcpt = nr;
	return 0;
}

/* Mark ev as shared back by opt->source_org: feed.provider and
 * INGEST_SOURCE_KEY. */
static int mark_source(struct event *ev, const struct ingest_options *opt, struct sk_error *err)
{
	char id[24];
	int rc;

	snprintf(id, sizeof(id), "%lld", (long long)opt->source_org);
	rc = event_set_field(ev, EVENT_FEED_PROVIDER, opt->source_name, err);
	if (rc == 0)
		rc = event_set_extra(ev, INGEST_SOURCE_KEY, EVENT_JSON_NUMBER, id, err);
	return rc;
}

/* Route and store the events in b, then count them. */
static int batch_flush(struct store *st, const struct route_context *ctx,
		       const struct route_index *idx, const struct ingest_options *opt,
		       struct batch *b, struct ingest_stats *s, struct sk_error *err)
{
	int rc;

	if (b->n == 0)
		return 0;
	b->n_rcpt = 0;
	rc = route_event_batch_from(ctx, idx, b->evp, b->n, opt->default_tlp, opt->source_org,
				    keep_recipients, b);
	if (rc != 0)
		return sk_error_set(err, SK_EIO, "routing failed");
	for (size_t i = 0; i < b->n; i++) {
		bool matched = false;

		b->in[i].ev = &b->ev[i];
		b->in[i].rcpt = b->rcpt + b->first[i];
		for (size_t j = 0; j < b->in[i].n_rcpt; j++) {
			matched |= b->in[i].rcpt[j].role != RECIPIENT_NATIONAL;
			org_count(s, b->in[i].rcpt[j].org_id, 1);
		}
		if (matched)
			s->matched++;
		else
			s->unmatched++;
	}
	if ((rc = store_event_add_many(st, b->in, b->n, err)) != 0)
		return rc;
	s->parsed += b->n;
	b->n = 0;
	return 0;
}

int ingest_run(struct store *st, const struct route_context *ctx, const struct route_index *idx,
	       const struct route_enricher *en, struct feed_reader *r,
	       const struct ingest_options *opt, struct ingest_stats *total,
	       struct sk_error *err)
{
	struct ingest_stats run = {0}, *stats = &run; /* added to total once stored */
	struct batch *b = xcalloc(1, sizeof(*b));
	struct feed_counts fc = {0};
	struct event *ev;
	char summary[512];
	bool enrich = en != NULL && route_enricher_active(en);
	int rc;

	for (size_t i = 0; i < INGEST_BATCH; i++) {
		event_init(&b->ev[i]);
		b->evp[i] = &b->ev[i];
	}
	if ((rc = store_begin(st, err)) != 0)
		goto out;
	for (;;) {
		struct sk_error line_err = {0};

		rc = feed_read(r, &ev, &line_err);
		if (rc == 0)
			break;
		if (rc == SK_EINVAL || rc == SK_ETOOBIG) {
			if (opt->strict) {
				*err = line_err;
				break;
			}
			if (opt->reject != NULL)
				opt->reject(&line_err, opt->reject_ctx);
			continue;
		}
		if (rc < 0) {
			*err = line_err;
			break;
		}
		event_copy(&b->ev[b->n], ev);
		if (opt->source_org > 0 && (rc = mark_source(&b->ev[b->n], opt, err)) != 0) {
			sk_error_prefix(err, "%s: event %lu", opt->source,
					stats->parsed + b->n + 1);
			break;
		}
		if (enrich) {
			int added = route_enrich_event(en, &b->ev[b->n], err);

			if (added < 0) {
				rc = added;
				break;
			}
			stats->enriched += added > 0;
		}
		if (++b->n == INGEST_BATCH &&
		    (rc = batch_flush(st, ctx, idx, opt, b, stats, err)) != 0)
			break;
	}
	if (rc == 0)
		rc = batch_flush(st, ctx, idx, opt, b, stats, err);
	feed_counts(r, &fc);
	stats->lines += fc.lines;
	stats->rejected += fc.rejected;
	if (rc == 0) {
		snprintf(
		    summary, sizeof(summary),
		    "ingested %s: %lu events (%lu matched, %lu unmatched), %lu lines rejected",
		    opt->source, stats->parsed, stats->matched, stats->unmatched, fc.rejected);
		rc = store_audit_add(st, "feed.ingest", "feed", 0, summary, err);
	}
	if (rc == 0)
		rc = store_commit(st, err);
	else
		store_rollback(st);
out:
	if (rc == 0)
		ingest_stats_add(total, &run);
	ingest_stats_free(&run);
	for (size_t i = 0; i < INGEST_BATCH; i++)
		event_free(&b->ev[i]);
	free(b->rcpt);
	free(b);
	return rc;
}

/* data and name borrowed; the reader and its stream live for this call. */
int ingest_buffer(struct store *st, const struct route_context *ctx,
		  const struct route_index *idx, const struct route_enricher *en,
		  const char *data, size_t len, const char *name,
		  const struct ingest_options *opt, struct ingest_stats *stats,
		  struct sk_error *err)
{
	struct feed_options fo = {.format = FEED_INTELMQ,
				  .has_tlp = true,
				  .tlp = opt->default_tlp,
				  .strict = opt->strict};
	struct feed_reader *r = NULL;
	FILE *in = len > 0 ? fmemopen((void *)data, len, "r") : NULL;
	int rc;

	if (in == NULL)
		return sk_error_set(err, SK_EIO, "cannot read a buffer of %zu bytes", len);
	r = feed_open(in, name, &fo, err);
	rc = r != NULL ? ingest_run(st, ctx, idx, en, r, opt, stats, err) : SK_EIO;
	feed_close(r);
	fclose(in);
	return rc;
}
