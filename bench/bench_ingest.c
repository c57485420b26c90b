/* bench/bench_ingest.c: the data and the measurements of bench_ingest.sh.
 *   bench_ingest csv TEMPLATE N   write a Shadowserver report of N rows
 *                                 about the synthetic constituency (synth.h,
 *                                 the one bench_route store writes) to
 *                                 stdout: TEMPLATE's header, then its data
 *                                 rows in turn with a new address, port, AS
 *                                 number and host name, and times through
 *                                 one day in order
 *   bench_ingest ingest URL FILE  ingest FILE into the store at URL as schakel
 *                                 ingest does (route/ingest.h), timed from
 *                                 the first line to the commit, after the
 *                                 registry is loaded
 *   bench_ingest parts URL FILE   time reading, copying into batches,
 *                                 routing and JSON on their own (the store
 *                                 is not changed)
 * The address column is "ip" or "src_ip"; its family is the template
 * row's. Four addresses in five lie inside a registered prefix, three AS
 * numbers in four are registered ones, as in bench_route's events. The
 * same N rows every run. Sizes: BENCH_PREFIXES, BENCH_ASNS, BENCH_DOMAINS
 * as for bench_index. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "feed/feed.h"
#include "lib/buf.h"
#include "lib/error.h"
#include "lib/xalloc.h"
#include "model/event.h"
#include "net/asn.h"
#include "net/prefix.h"
#include "route/index.h"
#include "route/ingest.h"
#include "route/match.h"
#include "store/store.h"
#include "synth.h"

#define LINE_MAX_BYTES 65536
#define FIELDS_MAX     256

struct row {
	char *text;		    /* the line, without its newline */
	size_t off[FIELDS_MAX + 1]; /* field i is text[off[i], off[i+1] - 1) */
	size_t n;
};

/* Split line (without newline) into its fields' raw text, quotes kept. */
static int row_split(char *line, struct row *r)
{
	size_t i = 0, len = strlen(line);
	bool quoted = false;

	r->text = line;
	r->n = 0;
	r->off[r->n++] = 0;
	for (i = 0; i < len; i++) {
		if (line[i] == '"')
			quoted = !quoted;
		else if (line[i] == ',' && !quoted) {
			if (r->n == FIELDS_MAX)
				return -1;
			r->off[r->n++] = i + 1;
		}
	}
	r->off[r->n] = len + 1;
	return quoted ? -1 : 0;
}

/* The column named name (unquoted) in the header, or -1. */
static int column(const struct row *h, const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < h->n; i++) {
		const char *f = h->text + h->off[i];
		size_t flen = h->off[i + 1] - 1 - h->off[i];

		if (flen >= 2 && f[0] == '"') {
			f++;
			flen -= 2;
		}
		if (flen == len && memcmp(f, name, len) == 0)
			return (int)i;
	}
	return -1;
}

static int either(const struct row *h, const char *a, const char *b)
{
	int c = column(h, a);

	return c >= 0 ? c : column(h, b);
}

/* An address: four in five inside a registered prefix of its family,
 * else anywhere in unicast space (as bench_route's put_addr). */
static void put_addr(const struct synth *d, bool v4, char *out, size_t size)
{
	size_t lo = v4 ? 0 : d->n4, hi = v4 ? d->n4 : d->npfx;
	struct prefix q = {0};

	if (synth_below(5) != 0 && hi > lo) {
		const struct prefix *p = &d->pfx[lo + synth_below(hi - lo)].p;

		q = synth_inside(p, prefix_family_bits(p->family));
	} else {
		q.family = v4 ? 4 : 6;
		q.len = v4 ? 32 : 128;
		for (int k = 0; k < (v4 ? 4 : 16); k++)
			q.addr[k] = (uint8_t)synth_rnd();
		q.addr[0] =
		    v4 ? (uint8_t)(1 + q.addr[0] % 223) : (uint8_t)(0x20 | (q.addr[0] & 0x1f));
	}
	if (prefix_format_addr(&q, out, size) < 0)
		abort();
}

static int csv_cmd(const char *path, const char *count)
{
	struct synth d = {0};
	struct row head, *rows = NULL;
	size_t nrows = 0;
	char *end, line[LINE_MAX_BYTES];
	long long n = strtoll(count, &end, 10);
	int c_time, c_ip, c_port, c_asn, c_host;
	FILE *in;

	if (*end != '\0' || n < 0 || n > 100000000) {
		fprintf(stderr, "bench_ingest: csv: not a count: %s\n", count);
		return 1;
	}
	if ((in = fopen(path, "r")) == NULL) {
		perror(path);
		return 1;
	}
	rows = xcalloc(1024, sizeof(*rows));
	while (fgets(line, sizeof(line), in) != NULL && nrows < 1024) {
		struct row *r = nrows == 0 ? &head : &rows[nrows - 1];

		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0')
			continue;
		if (row_split(xstrdup(line), r) != 0 || (nrows > 0 && r->n != head.n)) {
			fprintf(stderr, "bench_ingest: %s: row %zu does not fit the header\n",
				path, nrows);
			return 1;
		}
		nrows++;
	}
	fclose(in);
	if (nrows < 2) {
		fprintf(stderr, "bench_ingest: %s: no data rows\n", path);
		return 1;
	}
	nrows--;
	c_time = column(&head, "timestamp");
	c_ip = either(&head, "ip", "src_ip");
	c_port = either(&head, "port", "src_port");
	c_asn = either(&head, "asn", "src_asn");
	c_host = either(&head, "hostname", "src_hostname");
	if (c_time < 0 || c_ip < 0) {
		fprintf(stderr, "bench_ingest: %s: no timestamp or ip column\n", path);
		return 1;
	}
	synth_prefixes(&d, synth_env_size("bench_ingest", "BENCH_PREFIXES", 1000000));
	synth_asns(&d, synth_env_size("bench_ingest", "BENCH_ASNS", 100000));
	synth_domains(&d, synth_env_size("bench_ingest", "BENCH_DOMAINS", 1000000));
	fputs(head.text, stdout);
	fputc('\n', stdout);
	for (long long i = 0; i < n; i++) {
		const struct row *r = &rows[i % (long long)nrows];
		const char *tip = r->text + r->off[c_ip];
		bool v4 = memchr(tip, ':', r->off[c_ip + 1] - 1 - r->off[c_ip]) == NULL;
		/* through the day in order, as Shadowserver sorts its reports */
		unsigned sec = (unsigned)(i * 86400 / n);

		for (size_t f = 0; f < head.n; f++) {
			if (f > 0)
				fputc(',', stdout);
			if ((int)f == c_time) {
				printf("\"2026-11-30 %02u:%02u:%02u\"", sec / 3600,
				       sec / 60 % 60, sec % 60);
			} else if ((int)f == c_ip) {
				char ip[PREFIX_TEXT_MAX];

				put_addr(&d, v4, ip, sizeof(ip));
				fputs(ip, stdout);
			} else if ((int)f == c_port) {
				printf("%zu", 1024 + synth_below(64000));
			} else if ((int)f == c_asn) {
				uint32_t a = d.asn[synth_below(d.nasn)].asn, ok;
				char text[16];

				snprintf(text, sizeof(text), "%u", a);
				if (synth_below(4) == 0 || asn_parse(text, &ok, NULL) != 0)
					a = 64512 + (uint32_t)synth_below(1000); /* private */
				printf("%u", a);
			} else if ((int)f == c_host) {
				if (synth_below(2) == 0)
					printf("%s.%s", synth_subs[synth_below(7)],
					       d.names + d.dom[synth_below(d.ndom)].name);
			} else {
				fwrite(r->text + r->off[f], 1, r->off[f + 1] - 1 - r->off[f],
				       stdout);
			}
		}
		fputc('\n', stdout);
	}
	for (size_t i = 0; i < nrows; i++)
		free(rows[i].text);
	free(rows);
	free(head.text);
	free(d.pfx);
	free(d.asn);
	free(d.dom);
	free(d.names);
	return fflush(stdout) == 0 ? 0 : 1;
}

/* CPU seconds of this process so far, user and system. */
static double cpu_now(void)
{
	struct rusage u;

	getrusage(RUSAGE_SELF, &u);
	return (double)u.ru_utime.tv_sec + (double)u.ru_utime.tv_usec / 1e6 +
	       (double)u.ru_stime.tv_sec + (double)u.ru_stime.tv_usec / 1e6;
}

struct phase_batch {
	struct event ev[INGEST_BATCH];
	const struct event *evp[INGEST_BATCH];
	size_t n, rcpt;
};

static int count_rcpt(size_t i, const struct event_recipient *r, size_t nr, void *arg)
{
	struct phase_batch *b = arg;

	(void)i;
	(void)r;
	b->rcpt += nr;
	return 0;
}

/* One pass over path: level 0 reads, 1 also copies into a batch, 2 also
 * routes each batch, 3 also writes each event's JSON line. */
static double part(const char *path, int level, const struct route_context *ctx,
		   const struct route_index *idx, struct phase_batch *b, size_t *events)
{
	struct feed_options fo = {.has_tlp = true, .tlp = TLP_AMBER};
	struct sk_error err = {0};
	struct feed_reader *r;
	struct event *ev;
	struct buf json;
	FILE *in = fopen(path, "r");
	double t0 = synth_now();
	int rc;

	buf_init(&json, (size_t)INGEST_BATCH * 2 * EVENT_TEXT_MAX);
	if (in == NULL || (r = feed_open(in, path, &fo, &err)) == NULL) {
		fprintf(stderr, "bench_ingest: %s: %s\n", path, in ? err.msg : "cannot open");
		exit(1);
	}
	*events = 0;
	b->n = b->rcpt = 0;
	for (;;) {
		rc = feed_read(r, &ev, &err);
		if (rc == 1) {
			(*events)++;
			if (level >= 1)
				event_copy(&b->ev[b->n++], ev);
		}
		if (level >= 1 && (b->n == INGEST_BATCH || (rc <= 0 && b->n > 0))) {
			if (level >= 2 && route_event_batch(ctx, idx, b->evp, b->n, TLP_AMBER,
							    count_rcpt, b) != 0) {
				fprintf(stderr, "bench_ingest: routing failed\n");
				exit(1);
			}
			if (level >= 3) {
				buf_reset(&json);
				for (size_t i = 0; i < b->n; i++)
					if (event_to_json(&b->ev[i], &json) != 0)
						abort(); /* the buffer holds a batch */
			}
			b->n = 0;
		}
		if (rc == 0 || rc == SK_EIO)
			break;
	}
	feed_close(r);
	fclose(in);
	buf_free(&json);
	return synth_now() - t0;
}

/* The registry of the store at url as schakel ingest loads it; exits
 * on failure. */
static void load(const char *url, struct store **st, struct route_index **idx,
		 struct route_context **ctx)
{
	struct sk_error err = {0};
	double t0 = synth_now();

	*st = store_open(url, &err);
	if (*st == NULL || (*idx = route_index_build(*st, &err)) == NULL ||
	    (*ctx = route_context_load(*st, ROUTE_MODE_MOST_SPECIFIC, &err)) == NULL) {
		fprintf(stderr, "bench_ingest: %s: %s\n", url, err.msg);
		exit(1);
	}
	fprintf(stderr, "registry loaded in %.2f s\n", synth_now() - t0);
}

/* Time the parts of an ingest of path against the store at url (which
 * is not changed): reading, copying into a batch, routing, JSON; each
 * pass does what the one before did and one thing more. */
static int parts_cmd(const char *url, const char *path)
{
	static const char *const what[] = {"read and parse", "+ copy into the batch", "+ route",
					   "+ JSON line"};
	struct store *st = NULL;
	struct route_index *idx = NULL;
	struct route_context *ctx = NULL;
	struct phase_batch *b = xcalloc(1, sizeof(*b));
	double prev = 0;

	load(url, &st, &idx, &ctx);
	for (size_t i = 0; i < INGEST_BATCH; i++) {
		event_init(&b->ev[i]);
		b->evp[i] = &b->ev[i];
	}
	for (int level = 0; level < 4; level++) {
		size_t n = 0;
		double t = part(path, level, ctx, idx, b, &n);

		if (n == 0) {
			fprintf(stderr, "bench_ingest: %s: no events\n", path);
			return 1;
		}
		printf("  %-22s %.2f us/event (+%.2f)\n", what[level], 1e6 * t / (double)n,
		       1e6 * (t - prev) / (double)n);
		prev = t;
	}
	for (size_t i = 0; i < INGEST_BATCH; i++)
		event_free(&b->ev[i]);
	free(b);
	route_context_free(ctx);
	route_index_free(idx);
	store_close(st);
	return 0;
}

static void print_reject(const struct sk_error *err, void *ctx)
{
	(void)ctx;
	fprintf(stderr, "%s\n", err->msg);
}

/* schakel ingest of path into the store at url, timed from the first
 * line read to the commit, after the registry is loaded (as schakel
 * ingest does it: route/ingest.h, the feed's TLP AMBER). */
static int ingest_cmd(const char *url, const char *path)
{
	struct ingest_options io = {
	    .source = path, .default_tlp = TLP_AMBER, .reject = print_reject};
	struct feed_options fo = {.has_tlp = true, .tlp = TLP_AMBER};
	struct ingest_stats stats = {0};
	struct sk_error err = {0};
	struct store *st = NULL;
	struct route_index *idx = NULL;
	struct route_context *ctx = NULL;
	struct feed_reader *r;
	FILE *in;
	double t0, c0, t, c;

	load(url, &st, &idx, &ctx);
	store_set_actor(st, "bench");
	if ((in = fopen(path, "r")) == NULL) {
		perror(path);
		return 1;
	}
	t0 = synth_now();
	c0 = cpu_now();
	r = feed_open(in, path, &fo, &err);
	if (r == NULL || ingest_run(st, ctx, idx, NULL, r, &io, &stats, &err) != 0) {
		fprintf(stderr, "bench_ingest: %s: %s\n", path, err.msg);
		return 1;
	}
	t = synth_now() - t0;
	c = cpu_now() - c0;
	printf("ingest %s: %lu events, %lu rejected, %lu matched, in %.3f s (%.0f events/s; "
	       "%.3f s of CPU, %.0f events per CPU second)\n",
	       path, stats.parsed, stats.rejected, stats.matched, t, (double)stats.parsed / t,
	       c, (double)stats.parsed / c);
	feed_close(r);
	fclose(in);
	ingest_stats_free(&stats);
	route_context_free(ctx);
	route_index_free(idx);
	store_close(st);
	return stats.parsed > 0 && stats.rejected == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "csv") == 0)
		return csv_cmd(argv[2], argv[3]);
	if (argc == 4 && strcmp(argv[1], "parts") == 0)
		return parts_cmd(argv[2], argv[3]);
	if (argc == 4 && strcmp(argv[1], "ingest") == 0)
		return ingest_cmd(argv[2], argv[3]);
	fprintf(stderr,
		"usage: bench_ingest csv TEMPLATE N | parts URL FILE | ingest URL FILE\n");
	return 64;
}
