/* lib/metrics.h: the process's own counters and latency histograms,
 * kept in atomics (no lock, no allocation when counting), and the
 * Prometheus text exposition format (version 0.0.4) to write them and
 * other values in. Names follow Prometheus' conventions: schakel_
 * first, base units, counters end in _total. */
#ifndef SK_LIB_METRICS_H
#define SK_LIB_METRICS_H

#include <stdatomic.h>
#include <stdint.h>

struct buf;

/* The counters of this process, written by metrics_counters_write(). */
enum metrics_counter {
	METRICS_STORE_ERRORS_TEMPORARY, /* a database call failed: busy, locked, down */
	METRICS_STORE_ERRORS_IO,	/* a database call failed otherwise */
	METRICS_MAIL_SENT,		/* the dispatcher's outcomes */
	METRICS_MAIL_DEFERRED,
	METRICS_MAIL_FAILED,
	METRICS_MAIL_HELD,
	METRICS_DIGESTS_QUEUED, /* the notify job's digests */
	METRICS_DIGEST_EVENTS,	/* and the events they carried */
	METRICS_LMTP_STORED,	/* the LMTP listener's answers to messages */
	METRICS_LMTP_DUPLICATE,
	METRICS_LMTP_REFUSED,
	METRICS_LMTP_DEFERRED,
	METRICS_COUNTER_COUNT
};

/* Add n to counter c. */
void metrics_count(enum metrics_counter c, uint64_t n);
uint64_t metrics_counter_value(enum metrics_counter c);

/* The gauges of this process, written by metrics_gauges_write(). */
enum metrics_gauge {
	METRICS_LMTP_SESSIONS, /* LMTP sessions open */
	METRICS_GAUGE_COUNT
};

/* Add delta (may be negative) to gauge g. */
void metrics_gauge_add(enum metrics_gauge g, int64_t delta);
int64_t metrics_gauge_value(enum metrics_gauge g);

/* Upper bounds of the latency buckets, in seconds (the last bucket,
 * +Inf, is implied). */
#define METRICS_BUCKETS 12
extern const double metrics_bucket_bounds[METRICS_BUCKETS];

/* A latency histogram: zero it (static storage, or memset) to start. */
struct metrics_histogram {
	_Atomic uint64_t bucket[METRICS_BUCKETS]; /* not cumulative */
	_Atomic uint64_t count;
	_Atomic uint64_t sum_us; /* microseconds */
};
void metrics_observe(struct metrics_histogram *h, double seconds);

/* ---- the text format; each returns 0 or SK_ETOOBIG when b is full ---- */

/* "# HELP name help" and "# TYPE name type" (counter, gauge, histogram). */
int metrics_family(struct buf *b, const char *name, const char *type, const char *help);
/* One sample: name{labels} value. labels: key, value, key, value, ...,
 * NULL (NULL or just NULL: none); values are escaped. */
int metrics_sample(struct buf *b, const char *name, const char *const *labels, int64_t value);
/* The _bucket (cumulative, with le), _sum and _count lines of h under
 * name, with labels as above. */
int metrics_histogram_write(struct buf *b, const char *name, const char *const *labels,
			    const struct metrics_histogram *h);
/* Every counter of enum metrics_counter, with HELP and TYPE. */
int metrics_counters_write(struct buf *b);
/* Every gauge of enum metrics_gauge, with HELP and TYPE. */
int metrics_gauges_write(struct buf *b);

#endif
