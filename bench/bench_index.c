/* bench/bench_index.c: the constituency index on a synthetic constituency
 * of a million nested IPv4 and IPv6 prefixes, 100,000 AS numbers and a
 * million domain names: build time, memory, and look-ups per second on
 * one core, each against a linear scan over the same resources measured
 * in the same run. The synthetic addresses are random (any space: the
 * data never leaves the process). Prints its figures, the headline last.
 * Sizes: BENCH_PREFIXES, BENCH_ASNS, BENCH_DOMAINS, BENCH_STORE (resources
 * in the store built from; 0 skips it), BENCH_SECONDS per measurement. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/error.h"
#include "lib/xalloc.h"
#include "model/org.h"
#include "model/resource.h"
#include "net/domain.h"
#include "net/prefix.h"
#include "route/index.h"
#include "store/store.h"
#include "synth.h"

#define MAXM 256

static struct route_index *build(const struct synth *d)
{
	struct route_index_builder *b = route_index_builder_new();
	struct sk_error err = {0};
	struct route_index *idx;
	size_t i;

	for (i = 0; i < d->npfx; i++)
		if (route_index_builder_add_prefix(b, &d->pfx[i].p, d->pfx[i].org,
						   d->pfx[i].res, &err) != 0)
			goto fail;
	for (i = 0; i < d->nasn; i++)
		if (route_index_builder_add_asn(b, d->asn[i].asn, d->asn[i].org, d->asn[i].res,
						&err) != 0)
			goto fail;
	for (i = 0; i < d->ndom; i++)
		if (route_index_builder_add_domain(b, d->names + d->dom[i].name, d->dom[i].org,
						   d->dom[i].res, &err) != 0)
			goto fail;
	idx = route_index_builder_finish(b, &err);
	if (idx == NULL)
		goto fail;
	route_index_builder_free(b);
	return idx;
fail:
	fprintf(stderr, "bench_index: build: %s\n", err.msg);
	exit(1);
}

/* The naive baseline: every prefix in the list that covers q, sorted
 * most specific first. */
static int scan_addr(const struct synth *d, const struct prefix *q, struct route_match *out,
		     size_t max)
{
	size_t i, n = 0, k;

	for (i = 0; i < d->npfx; i++) {
		if (!prefix_contains(&d->pfx[i].p, q))
			continue;
		if (n < max) {
			struct route_match m = {0};

			m.org_id = d->pfx[i].org;
			m.resource_id = d->pfx[i].res;
			m.prefix = &d->pfx[i].p;
			for (k = n; k > 0 && out[k - 1].prefix->len < m.prefix->len; k--)
				out[k] = out[k - 1];
			out[k] = m;
		}
		n++;
	}
	return (int)n;
}

static int scan_domain(const struct synth *d, const char *name, struct route_match *out,
		       size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < d->ndom; i++) {
		const char *s = d->names + d->dom[i].name;

		if (!domain_is_under(name, s))
			continue;
		if (n < max) {
			out[n].org_id = d->dom[i].org;
			out[n].resource_id = d->dom[i].res;
			out[n].domain = s;
		}
		n++;
	}
	return (int)n;
}

static int scan_asn(const struct synth *d, uint32_t asn, struct route_match *out, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < d->nasn; i++) {
		if (d->asn[i].asn != asn)
			continue;
		if (n < max) {
			out[n].org_id = d->asn[i].org;
			out[n].resource_id = d->asn[i].res;
			out[n].asn = asn;
		}
		n++;
	}
	return (int)n;
}

static int sum_batch(size_t i, const struct route_match *m, int n, void *ctx)
{
	long *sum = ctx;

	(void)i;
	(void)m;
	*sum += n;
	return 0;
}

/* The answers of single look-ups, to hold batches against. */
struct batch_check {
	int *want;
	int64_t *first;
	size_t bad;
};

static int check_batch(size_t i, const struct route_match *m, int n, void *ctx)
{
	struct batch_check *c = ctx;

	if (n != c->want[i] || (n > 0 && m[0].resource_id != c->first[i])) {
		c->bad = i;
		return 1;
	}
	return 0;
}

/* A domain batch must answer as single look-ups do. */
struct dom_check {
	const struct route_index *idx;
	const char **names;
};

static int check_dom_batch(size_t i, const struct route_match *m, int n, void *ctx)
{
	static struct route_match one[MAXM];
	const struct dom_check *c = ctx;
	int k = route_index_lookup_domain(c->idx, c->names[i], one, MAXM);

	return k != n || (n > 0 && one[0].resource_id != m[0].resource_id);
}

/* Queries: 70% IPv4; four in five an address inside a registered prefix,
 * one in five a random unicast address (nearly always a miss). */
static struct prefix *gen_addr_queries(const struct synth *d, size_t n)
{
	struct prefix *q = xcalloc(n, sizeof(*q));
	size_t i;

	for (i = 0; i < n; i++) {
		bool v4 = synth_below(10) < 7;
		size_t lo = v4 ? 0 : d->n4, hi = v4 ? d->n4 : d->npfx;

		if (synth_below(5) != 0 && hi > lo) {
			const struct prefix *p = &d->pfx[lo + synth_below(hi - lo)].p;

			q[i] = synth_inside(p, prefix_family_bits(p->family));
		} else {
			int k;

			q[i].family = v4 ? 4 : 6;
			q[i].len = v4 ? 32 : 128;
			for (k = 0; k < (v4 ? 4 : 16); k++)
				q[i].addr[k] = (uint8_t)synth_rnd();
			if (!v4)
				q[i].addr[0] = (uint8_t)(0x20 | (q[i].addr[0] & 0x1f));
		}
	}
	return q;
}

/* Names: two in five a registered name with a label in front, one in
 * five a registered name itself, one in five two labels in front, one in
 * five an unregistered name. Offsets into qnames. */
static size_t *gen_domain_queries(const struct synth *d, size_t n, char **qnames)
{
	struct synth tmp = {0};
	size_t *q = xcalloc(n, sizeof(*q)), i;
	char name[DOMAIN_TEXT_MAX];

	for (i = 0; i < n; i++) {
		const char *r = d->names + d->dom[synth_below(d->ndom)].name;
		size_t kind = synth_below(5);

		if (kind < 2)
			snprintf(name, sizeof(name), "%s.%s", synth_subs[synth_below(7)], r);
		else if (kind == 2)
			snprintf(name, sizeof(name), "%s", r);
		else if (kind == 3)
			snprintf(name, sizeof(name), "host%zu.%s.%s", synth_below(1000),
				 synth_subs[synth_below(7)], r);
		else
			snprintf(name, sizeof(name), "www.nowhere%zu-q.%s",
				 synth_below(10000000), synth_tlds[synth_below(8)]);
		q[i] = synth_put_name(&tmp, name);
	}
	*qnames = tmp.names;
	return q;
}

/* True if (value, organization) of r was seen before; else remember it.
 * set has mask + 1 slots of 64-bit hashes (0 empty). */
static bool seen_add(uint64_t *set, size_t mask, const struct resource *r)
{
	char text[RESOURCE_TEXT_MAX];
	uint64_t h = 0xcbf29ce484222325ull;
	int len = resource_format_value(r, text, sizeof(text)), i;
	size_t j;

	for (i = 0; i < len; i++)
		h = (h ^ (uint8_t)text[i]) * 0x100000001b3ull;
	h = ((h ^ (uint64_t)r->org_id) * 0x100000001b3ull) | 1;
	for (j = h & mask; set[j] != 0; j = (j + 1) & mask)
		if (set[j] == h)
			return true;
	set[j] = h;
	return false;
}

/* Open a store in a new directory under TMPDIR, fill it with about n
 * resources taken from d (in proportion), and time route_index_build. */
static void bench_store(const struct synth *d, size_t n)
{
	char dir[256], url[300], path[300];
	const char *tmp = getenv("TMPDIR");
	struct sk_error err = {0};
	struct store *st = NULL;
	struct route_index *idx = NULL;
	int64_t orgs[100];
	size_t i, np = n * 10 / 21, na = n / 21, nd = n - np - na, added = 0;
	double t0, t1;
	static const char *const sfx[] = {"", "-wal", "-shm"};
	size_t seen_mask = 1;
	uint64_t *seen;

	while (seen_mask < 2 * n)
		seen_mask = seen_mask * 2 + 1;
	seen = xcalloc(seen_mask + 1, sizeof(*seen));

	snprintf(dir, sizeof(dir), "%s/bench-index.XXXXXX", tmp != NULL ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror("bench_index: mkdtemp");
		exit(1);
	}
	snprintf(url, sizeof(url), "sqlite:%s/x.db", dir);
	st = store_open(url, &err);
	if (st == NULL)
		goto fail;
	store_set_actor(st, "bench");
	if (store_begin(st, &err) != 0)
		goto fail;
	for (i = 0; i < 100; i++) {
		struct org o;
		char name[32];

		org_init(&o);
		snprintf(name, sizeof(name), "Bench Org %03zu", i);
		if (org_set_field(&o, "name", name, &err) != 0 ||
		    org_set_field(&o, "kind", "constituent", &err) != 0 ||
		    org_set_field(&o, "class", "private", &err) != 0 ||
		    store_org_add(st, &o, &err) != 0) {
			org_clear(&o);
			goto fail;
		}
		orgs[i] = o.id;
		org_clear(&o);
	}
	for (i = 0; i < np + na + nd; i++) {
		struct resource r;

		memset(&r, 0, sizeof(r));
		if (i < np && i < d->npfx) {
			r.type = RESOURCE_PREFIX;
			r.prefix = d->pfx[i * (d->npfx / (np ? np : 1))].p;
		} else if (i < np + na && i - np < d->nasn) {
			r.type = RESOURCE_ASN;
			r.asn = d->asn[i - np].asn;
		} else if (i >= np + na && i - np - na < d->ndom) {
			r.type = RESOURCE_DOMAIN;
			snprintf(r.domain, sizeof(r.domain), "%s",
				 d->names + d->dom[i - np - na].name);
		} else {
			continue;
		}
		r.org_id = orgs[i % 100];
		if (seen_add(seen, seen_mask, &r))
			continue; /* the store refuses a repeat within one organization */
		if (store_resource_add(st, &r, &err) != 0)
			goto fail;
		added++;
	}
	if (store_commit(st, &err) != 0)
		goto fail;
	t0 = synth_now();
	idx = route_index_build(st, &err);
	t1 = synth_now();
	if (idx == NULL)
		goto fail;
	printf("build from a SQLite store: %zu resources in %.3f s (the store walk included)\n",
	       added, t1 - t0);
	route_index_free(idx);
	store_close(st);
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/x.db%s", dir, sfx[i]);
		unlink(path);
	}
	rmdir(dir);
	free(seen);
	return;
fail:
	fprintf(stderr, "bench_index: store: %s\n", err.msg);
	exit(1);
}

/* What the measured passes work on. */
struct work {
	const struct route_index *idx;
	const struct prefix *aq;
	const char **dnames;
	const uint32_t *asq;
	size_t nq;
	long sum;
};

static struct route_match scratch[MAXM];

/* One at a time: each query's address depends on the previous answer (n
 * is never negative here, but the processor cannot know), so look-ups
 * cannot overlap. */
static void pass_addr(struct work *w)
{
	size_t i;
	int n = 0;

	for (i = 0; i < w->nq; i++) {
		n = route_index_lookup_addr(w->idx, &w->aq[i + ((unsigned)n >> 31)], scratch,
					    MAXM);
		w->sum += n;
	}
}

static void pass_addr_batch(struct work *w)
{
	route_index_lookup_addr_batch(w->idx, w->aq, w->nq, scratch, MAXM, sum_batch, &w->sum);
}

static void pass_domain(struct work *w)
{
	size_t i;

	for (i = 0; i < w->nq; i++)
		w->sum += route_index_lookup_domain(w->idx, w->dnames[i], scratch, MAXM);
}

static void pass_domain_batch(struct work *w)
{
	route_index_lookup_domain_batch(w->idx, w->dnames, w->nq, scratch, MAXM, sum_batch,
					&w->sum);
}

static void pass_asn(struct work *w)
{
	size_t i;

	for (i = 0; i < w->nq; i++)
		w->sum += route_index_lookup_asn(w->idx, w->asq[i], scratch, MAXM);
}

/* This thread's CPU seconds: on a machine shared with other work, wall
 * time counts the time the thread waits for a core. */
static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Look-ups per CPU second of pass in five rounds of at least secs / 5
 * seconds each, slowest first: r[2] is the median, which keeps a round
 * disturbed by other work on the machine out of the figure. */
struct rate {
	double r[5];
};

static struct rate rate(void (*pass)(struct work *), struct work *w, double secs)
{
	struct rate res;
	double *r = res.r, t0, t1, x;
	size_t n;
	int k, j;

	for (k = 0; k < 5; k++) {
		n = 0;
		t0 = cpu_now();
		do {
			pass(w);
			n += w->nq;
			t1 = cpu_now();
		} while (t1 - t0 < secs / 5);
		x = (double)n / (t1 - t0);
		for (j = k; j > 0 && r[j - 1] > x; j--)
			r[j] = r[j - 1];
		r[j] = x;
	}
	return res;
}

/* Bytes of an index of the prefixes pfx[lo..hi) alone, per distinct
 * prefix (how many into *n). */
static double prefix_bytes(const struct synth *d, size_t lo, size_t hi, size_t *n)
{
	struct route_index_builder *b = route_index_builder_new();
	struct route_index_stats st;
	struct sk_error err = {0};
	struct route_index *idx;
	size_t i;

	for (i = lo; i < hi; i++)
		if (route_index_builder_add_prefix(b, &d->pfx[i].p, d->pfx[i].org,
						   d->pfx[i].res, &err) != 0)
			goto fail;
	idx = route_index_builder_finish(b, &err);
	if (idx == NULL)
		goto fail;
	route_index_builder_free(b);
	route_index_get_stats(idx, &st);
	route_index_free(idx);
	*n = st.prefixes4 + st.prefixes6;
	return (double)st.memory / (double)*n;
fail:
	fprintf(stderr, "bench_index: prefix build: %s\n", err.msg);
	exit(1);
}

/* The queries of one family out of q[0..n), into *out; returns how many. */
static size_t family_queries(const struct prefix *q, size_t n, int family, struct prefix **out)
{
	size_t i, k = 0;

	*out = xcalloc(n, sizeof(**out));
	for (i = 0; i < n; i++)
		if (q[i].family == family)
			(*out)[k++] = q[i];
	return k;
}

/* One family's figures, against the target and the linear scan (scan
 * look-ups per second). */
static void print_family(const char *name, const struct rate *one, const struct rate *batch,
			 double target, double scan)
{
	printf(
	    "%s look-ups one at a time (each waiting for the last): %.2f M/CPU s "
	    "(rounds %.2f-%.2f), %.2f x the target of %.0f M/s, %.0f x the scan; in batches: "
	    "%.2f M/CPU s (rounds %.2f-%.2f), %.2f x the target, %.0f x the scan\n",
	    name, one->r[2] / 1e6, one->r[0] / 1e6, one->r[4] / 1e6, one->r[2] / target,
	    target / 1e6, one->r[2] / scan, batch->r[2] / 1e6, batch->r[0] / 1e6,
	    batch->r[4] / 1e6, batch->r[2] / target, batch->r[2] / scan);
}

/* Bytes of this process's memory in transparent huge pages, or -1. */
static long huge_bytes(void)
{
	FILE *f = fopen("/proc/self/smaps_rollup", "r");
	char line[256];
	long kb = -1;

	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
			break;
	if (f != NULL)
		fclose(f);
	return kb < 0 ? -1 : kb * 1024;
}

int main(void)
{
	size_t npfx = synth_env_size("bench_index", "BENCH_PREFIXES", 1000000);
	size_t nasn = synth_env_size("bench_index", "BENCH_ASNS", 100000);
	size_t ndom = synth_env_size("bench_index", "BENCH_DOMAINS", 1000000);
	size_t nstore = synth_env_size("bench_index", "BENCH_STORE", 100000);
	double secs = (double)synth_env_size("bench_index", "BENCH_SECONDS", 3);
	size_t nq = 1u << 20, nscan_ip = 300, nscan_dom = 60, nscan_asn = 2000;
	static struct route_match m[MAXM], m2[MAXM];
	struct batch_check check = {0};
	struct route_index_stats st;
	struct dom_check dcheck;
	struct work w = {0};
	struct synth d = {0};
	struct route_index *idx;
	struct prefix *aq;
	const char **dnames;
	size_t *dq, i, hits = 0, matches = 0, dhits = 0, dmatches = 0;
	uint32_t *asq;
	char *qnames;
	struct rate ip_one, ip_batch, dom_one, dom_batch, asn_one, v4_one, v4_batch, v6_one,
	    v6_batch;
	double t0, build_s, ip_scan, dom_scan, asn_scan, bytes4, bytes6;
	struct work w4, w6;
	size_t n4, n6;
	struct prefix *aq4, *aq6;

	if (npfx < 100 || nasn < 1 || ndom < 10) {
		fprintf(stderr, "bench_index: too small: BENCH_PREFIXES >= 100, "
				"BENCH_ASNS >= 1, BENCH_DOMAINS >= 10\n");
		return 1;
	}
	synth_prefixes(&d, npfx);
	synth_asns(&d, nasn);
	synth_domains(&d, ndom);
	printf("constituency: %zu prefixes (%zu IPv4, %zu IPv6), %zu AS numbers, "
	       "%zu domain names, 50000 organizations\n",
	       d.npfx, d.n4, d.npfx - d.n4, d.nasn, d.ndom);

	t0 = synth_now();
	idx = build(&d);
	build_s = synth_now() - t0;
	route_index_get_stats(idx, &st);
	printf("index: %zu IPv4 and %zu IPv6 distinct prefixes, %zu AS numbers, %zu names, "
	       "%zu owners, %zu trie nodes\n",
	       st.prefixes4, st.prefixes6, st.asns, st.domains, st.owners, st.trie_nodes);
	printf("build: %.3f s from memory (target < 5 s); index memory %.1f MB "
	       "(target < 200 MB)\n",
	       build_s, (double)st.memory / 1e6);
	bytes4 = prefix_bytes(&d, 0, d.n4, &n4);
	bytes6 = prefix_bytes(&d, d.n4, d.npfx, &n6);
	printf("index of the prefixes alone: %.1f bytes a prefix for %zu distinct IPv4, %.1f "
	       "for %zu distinct IPv6 (target <= 100)\n",
	       bytes4, n4, bytes6, n6);
	if (nstore > 0)
		bench_store(&d, nstore);

	/* The queries; single look-ups and batches must agree on each, and
	 * with the linear scans on the first ones. */
	aq = gen_addr_queries(&d, nq);
	check.want = xcalloc(nq, sizeof(*check.want));
	check.first = xcalloc(nq, sizeof(*check.first));
	for (i = 0; i < nq; i++) {
		int k = route_index_lookup_addr(idx, &aq[i], m, MAXM);

		hits += k > 0;
		matches += (size_t)k;
		check.want[i] = k;
		check.first[i] = k > 0 ? m[0].resource_id : 0;
	}
	if (route_index_lookup_addr_batch(idx, aq, nq, m, MAXM, check_batch, &check) != 0) {
		fprintf(stderr, "bench_index: a batch answered query %zu differently\n",
			check.bad);
		return 1;
	}
	dq = gen_domain_queries(&d, nq, &qnames);
	dnames = xcalloc(nq, sizeof(*dnames));
	for (i = 0; i < nq; i++) {
		int k;

		dnames[i] = qnames + dq[i];
		k = route_index_lookup_domain(idx, dnames[i], m, MAXM);
		dhits += k > 0;
		dmatches += (size_t)k;
	}
	dcheck.idx = idx;
	dcheck.names = dnames;
	if (route_index_lookup_domain_batch(idx, dnames, nq, m, MAXM, check_dom_batch,
					    &dcheck) != 0) {
		fprintf(stderr, "bench_index: a domain batch answered differently\n");
		return 1;
	}
	asq = xcalloc(nq, sizeof(*asq));
	for (i = 0; i < nq; i++) /* four in five registered */
		asq[i] =
		    synth_below(5) ? d.asn[synth_below(d.nasn)].asn : (uint32_t)synth_rnd();

	/* The baselines: every look-up scans the whole list. */
	t0 = synth_now();
	for (i = 0; i < nscan_ip; i++) {
		int a = scan_addr(&d, &aq[i], m2, MAXM);

		if (a != check.want[i]) {
			fprintf(stderr, "bench_index: query %zu: index %d, scan %d\n", i,
				check.want[i], a);
			return 1;
		}
	}
	ip_scan = (double)nscan_ip / (synth_now() - t0);
	t0 = synth_now();
	for (i = 0; i < nscan_dom; i++) {
		int a = scan_domain(&d, dnames[i], m2, MAXM);

		if (a != route_index_lookup_domain(idx, dnames[i], m, MAXM)) {
			fprintf(stderr, "bench_index: name %s: index and scan differ\n",
				dnames[i]);
			return 1;
		}
	}
	dom_scan = (double)nscan_dom / (synth_now() - t0);
	t0 = synth_now();
	for (i = 0; i < nscan_asn; i++) {
		if (scan_asn(&d, asq[i], m2, MAXM) !=
		    route_index_lookup_asn(idx, asq[i], m, MAXM)) {
			fprintf(stderr, "bench_index: AS%u: index and scan differ\n", asq[i]);
			return 1;
		}
	}
	asn_scan = (double)nscan_asn / (synth_now() - t0);

	w.idx = idx;
	w.aq = aq;
	w.dnames = dnames;
	w.asq = asq;
	w.nq = nq;
	asn_one = rate(pass_asn, &w, secs / 2);
	dom_one = rate(pass_domain, &w, secs);
	dom_batch = rate(pass_domain_batch, &w, secs);
	ip_one = rate(pass_addr, &w, secs);
	ip_batch = rate(pass_addr_batch, &w, secs);
	w4 = w6 = w;
	w4.nq = family_queries(aq, nq, 4, &aq4);
	w4.aq = aq4;
	w6.nq = family_queries(aq, nq, 6, &aq6);
	w6.aq = aq6;
	v4_one = rate(pass_addr, &w4, secs);
	v4_batch = rate(pass_addr_batch, &w4, secs);
	v6_one = rate(pass_addr, &w6, secs);
	v6_batch = rate(pass_addr_batch, &w6, secs);
	w.sum += w4.sum + w6.sum;

	printf(
	    "transparent huge pages: %.1f MB of the process's memory (the index has %.1f MB)\n",
	    (double)huge_bytes() / 1e6, (double)st.memory / 1e6);
	printf("asn look-ups: %.2f M/s on one core, %.0f x a scan of %zu AS numbers (%.0f/s)\n",
	       asn_one.r[2] / 1e6, asn_one.r[2] / asn_scan, d.nasn, asn_scan);
	printf("domain scan baseline: %zu look-ups over all %zu names, %.0f per second\n",
	       nscan_dom, d.ndom, dom_scan);
	printf("domain look-ups one at a time: %.2f M/s on one core (rounds %.2f-%.2f), "
	       "%.0f x the scan\n",
	       dom_one.r[2] / 1e6, dom_one.r[0] / 1e6, dom_one.r[4] / 1e6,
	       dom_one.r[2] / dom_scan);
	printf("domain look-ups in batches: %.2f M/s on one core (rounds %.2f-%.2f; target "
	       "2 M/s; %.0f%% hit, %.2f owners per hit), %.0f x the scan\n",
	       dom_batch.r[2] / 1e6, dom_batch.r[0] / 1e6, dom_batch.r[4] / 1e6,
	       100.0 * (double)dhits / (double)nq,
	       dhits ? (double)dmatches / (double)dhits : 0.0, dom_batch.r[2] / dom_scan);
	printf("ip scan baseline: %zu look-ups over all %zu prefixes, %.0f per second "
	       "(%.2f ms each)\n",
	       nscan_ip, d.npfx, ip_scan, 1e3 / ip_scan);
	printf("ip look-ups one at a time: %.2f M/s on one core (rounds %.2f-%.2f), "
	       "%.0f x the scan\n",
	       ip_one.r[2] / 1e6, ip_one.r[0] / 1e6, ip_one.r[4] / 1e6, ip_one.r[2] / ip_scan);
	print_family("IPv4", &v4_one, &v4_batch, 5e6, ip_scan);
	print_family("IPv6", &v6_one, &v6_batch, 3e6, ip_scan);
	printf("(checksum %ld)\n", w.sum);
	printf("ip look-ups in batches: %.2f M/s on one core (rounds %.2f-%.2f; target 5 M/s; "
	       "%.0f%% hit, %.2f owners per hit, each with its full covering list), %.0f x a "
	       "linear scan of %zu prefixes\n",
	       ip_batch.r[2] / 1e6, ip_batch.r[0] / 1e6, ip_batch.r[4] / 1e6,
	       100.0 * (double)hits / (double)nq, hits ? (double)matches / (double)hits : 0.0,
	       ip_batch.r[2] / ip_scan, d.npfx);

	route_index_free(idx);
	free(aq);
	free(aq4);
	free(aq6);
	free(dq);
	free(dnames);
	free(qnames);
	free(asq);
	free(check.want);
	free(check.first);
	free(d.pfx);
	free(d.asn);
	free(d.dom);
	free(d.names);
	return 0;
}
