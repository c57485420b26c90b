/* lib/metrics.c: process counters and histograms in atomics, and the
 * Prometheus text format they are written in. Counting is relaxed: a
 * scrape may see one counter a step ahead of another, never a torn
 * value. */
#include "lib/metrics.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "lib/buf.h"
#include "lib/error.h"

const double metrics_bucket_bounds[METRICS_BUCKETS] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
						       0.1,   0.25,   0.5,   1,	   2.5,	  10};

static _Atomic uint64_t counters[METRICS_COUNTER_COUNT];
static _Atomic int64_t gauges[METRICS_GAUGE_COUNT];

/* How each counter is written: its family, help and one label. */
struct counter_info {
	const char *name, *help, *label, *value;
};
static const struct counter_info counter_info[METRICS_COUNTER_COUNT] = {
    [METRICS_STORE_ERRORS_TEMPORARY] = {"schakel_store_errors_total",
					"Database calls of this process that failed.", "kind",
					"temporary"},
    [METRICS_STORE_ERRORS_IO] = {"schakel_store_errors_total", NULL, "kind", "io"},
    [METRICS_MAIL_SENT] = {"schakel_mail_sent_total",
			   "Messages the dispatcher handed to the relay.", NULL, NULL},
    [METRICS_MAIL_DEFERRED] = {"schakel_mail_deferred_total",
			       "Messages left queued after an attempt: the relay deferred "
			       "(4xx) or was down, or signing failed.",
			       NULL, NULL},
    [METRICS_MAIL_FAILED] = {"schakel_mail_failed_total",
			     "Messages given up: refused by the relay or out of attempts.",
			     NULL, NULL},
    [METRICS_MAIL_HELD] = {"schakel_mail_held_total",
			   "Messages held for want of a recipient's OpenPGP key.", NULL, NULL},
    [METRICS_DIGESTS_QUEUED] = {"schakel_digests_queued_total",
				"Notification digests the daemon's notify job queued.", NULL,
				NULL},
    [METRICS_DIGEST_EVENTS] = {"schakel_digest_events_total",
			       "Events the daemon's queued digests carried.", NULL, NULL},
    [METRICS_LMTP_STORED] = {"schakel_lmtp_messages_total",
			     "Messages the LMTP listener answered, by outcome.", "outcome",
			     "stored"},
    [METRICS_LMTP_DUPLICATE] = {"schakel_lmtp_messages_total", NULL, "outcome", "duplicate"},
    [METRICS_LMTP_REFUSED] = {"schakel_lmtp_messages_total", NULL, "outcome", "refused"},
    [METRICS_LMTP_DEFERRED] = {"schakel_lmtp_messages_total", NULL, "outcome", "deferred"},
};

/* How each gauge is written. */
static const struct counter_info gauge_info[METRICS_GAUGE_COUNT] = {
    [METRICS_LMTP_SESSIONS] = {"schakel_lmtp_sessions", "LMTP sessions open.", NULL, NULL},
};

void metrics_count(enum metrics_counter c, uint64_t n)
{
	atomic_fetch_add_explicit(&counters[c], n, memory_order_relaxed);
}

uint64_t metrics_counter_value(enum metrics_counter c)
{
	return atomic_load_explicit(&counters[c], memory_order_relaxed);
}

void metrics_gauge_add(enum metrics_gauge g, int64_t delta)
{
	atomic_fetch_add_explicit(&gauges[g], delta, memory_order_relaxed);
}

int64_t metrics_gauge_value(enum metrics_gauge g)
{
	return atomic_load_explicit(&gauges[g], memory_order_relaxed);
}

void metrics_observe(struct metrics_histogram *h, double seconds)
{
	int i = 0;

	if (!(seconds >= 0)) /* NaN or a clock that went back */
		seconds = 0;
	while (i < METRICS_BUCKETS && seconds > metrics_bucket_bounds[i])
		i++;
	if (i < METRICS_BUCKETS)
		atomic_fetch_add_explicit(&h->bucket[i], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&h->sum_us, (uint64_t)(seconds * 1e6 + 0.5),
				  memory_order_relaxed);
	atomic_fetch_add_explicit(&h->count, 1, memory_order_relaxed);
}

int metrics_family(struct buf *b, const char *name, const char *type, const char *help)
{
	return buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Label value v, escaped as the format says: backslash, quote, newline. */
static int label_value(struct buf *b, const char *v)
{
	int rc = 0;

	for (; *v != '\0' && rc == 0; v++) {
		if (*v == '\\' || *v == '"')
			rc = buf_printf(b, "\\%c", *v);
		else if (*v == '\n')
			rc = buf_append_str(b, "\\n");
		else
			rc = buf_append_char(b, *v);
	}
	return rc;
}

/* name{k="v",...} without the value; extra (may be NULL) is one more
 * pair, for le. */
static int series(struct buf *b, const char *name, const char *suffix,
		  const char *const *labels, const char *extra_key, const char *extra_value)
{
	bool any = false;
	int rc = buf_printf(b, "%s%s", name, suffix);

	for (size_t i = 0; rc == 0 && labels != NULL && labels[i] != NULL; i += 2) {
		rc = buf_printf(b, "%s%s=\"", any ? "," : "{", labels[i]);
		if (rc == 0)
			rc = label_value(b, labels[i + 1]);
		if (rc == 0)
			rc = buf_append_char(b, '"');
		any = true;
	}
	if (rc == 0 && extra_key != NULL) {
		rc = buf_printf(b, "%s%s=\"%s\"", any ? "," : "{", extra_key, extra_value);
		any = true;
	}
	if (rc == 0 && any)
		rc = buf_append_char(b, '}');
	return rc;
}

int metrics_sample(struct buf *b, const char *name, const char *const *labels, int64_t value)
{
	int rc = series(b, name, "", labels, NULL, NULL);

	return rc != 0 ? rc : buf_printf(b, " %lld\n", (long long)value);
}

int metrics_histogram_write(struct buf *b, const char *name, const char *const *labels,
			    const struct metrics_histogram *h)
{
	uint64_t count = atomic_load_explicit(&h->count, memory_order_relaxed);
	uint64_t sum_us = atomic_load_explicit(&h->sum_us, memory_order_relaxed);
	uint64_t cum = 0;
	char le[32];
	int rc = 0;

	for (int i = 0; rc == 0 && i < METRICS_BUCKETS; i++) {
		cum += atomic_load_explicit(&h->bucket[i], memory_order_relaxed);
		snprintf(le, sizeof(le), "%g", metrics_bucket_bounds[i]);
		rc = series(b, name, "_bucket", labels, "le", le);
		if (rc == 0)
			rc = buf_printf(b, " %llu\n", (unsigned long long)cum);
	}
	/* +Inf is the count, read before the buckets: never below them. */
	if (count < cum)
		count = cum;
	if (rc == 0)
		rc = series(b, name, "_bucket", labels, "le", "+Inf");
	if (rc == 0)
		rc = buf_printf(b, " %llu\n", (unsigned long long)count);
	if (rc == 0)
		rc = series(b, name, "_sum", labels, NULL, NULL);
	if (rc == 0)
		rc = buf_printf(b, " %llu.%06llu\n", (unsigned long long)(sum_us / 1000000),
				(unsigned long long)(sum_us % 1000000));
	if (rc == 0)
		rc = series(b, name, "_count", labels, NULL, NULL);
	if (rc == 0)
		rc = buf_printf(b, " %llu\n", (unsigned long long)count);
	return rc;
}

int metrics_counters_write(struct buf *b)
{
	int rc = 0;

	for (int c = 0; rc == 0 && c < METRICS_COUNTER_COUNT; c++) {
		const struct counter_info *ci = &counter_info[c];
		const char *labels[] = {ci->label, ci->value, NULL};

		if (ci->help != NULL)
			rc = metrics_family(b, ci->name, "counter", ci->help);
		if (rc == 0)
			rc = metrics_sample(
			    b, ci->name, labels,
			    (int64_t)metrics_counter_value((enum metrics_counter)c));
	}
	return rc;
}

int metrics_gauges_write(struct buf *b)
{
	int rc = 0;

	for (int g = 0; rc == 0 && g < METRICS_GAUGE_COUNT; g++) {
		const struct counter_info *gi = &gauge_info[g];
		const char *labels[] = {gi->label, gi->value, NULL};

		if (gi->help != NULL)
			rc = metrics_family(b, gi->name, "gauge", gi->help);
		if (rc == 0)
			rc = metrics_sample(b, gi->name, labels,
					    metrics_gauge_value((enum metrics_gauge)g));
	}
	return rc;
}
