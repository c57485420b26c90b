/* bench/bench_route.c: the data and the baseline of bench_route.sh.
 *   bench_route store URL   write the synthetic constituency (synth.h)
 *                           into the store at URL: 50,000 organizations, a
 *                           national CSIRT, 20 liaison organizations with
 *                           10,000 members, opt-outs, and every prefix, AS
 *                           number and domain name
 *   bench_route events N    write N IntelMQ events about that constituency
 *                           to stdout (the same N events every run)
 *   bench_route baseline    read IntelMQ JSON lines on stdin and write each
 *                           back with jansson (parse and print, nothing
 *                           else): the baseline schakel route is held to
 * Sizes: BENCH_PREFIXES, BENCH_ASNS, BENCH_DOMAINS as for bench_index. */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/error.h"
#include "lib/xalloc.h"
#include "model/org.h"
#include "model/resource.h"
#include "net/asn.h"
#include "net/prefix.h"
#include "store/store.h"
#include "synth.h"

#define LIAISONS 20
#define CHUNK	 100000 /* resources per store call */

static void gen(struct synth *d)
{
	synth_prefixes(d, synth_env_size("bench_route", "BENCH_PREFIXES", 1000000));
	synth_asns(d, synth_env_size("bench_route", "BENCH_ASNS", 100000));
	synth_domains(d, synth_env_size("bench_route", "BENCH_DOMAINS", 1000000));
}

static void die(const char *what, const struct sk_error *err)
{
	fprintf(stderr, "bench_route: %s: %s\n", what, err->msg);
	exit(1);
}

static void org_fill(struct org *o, const char *name, const char *kind, const char *class)
{
	struct sk_error err = {0};

	org_init(o);
	if (org_set_field(o, "name", name, &err) != 0 ||
	    org_set_field(o, "kind", kind, &err) != 0 ||
	    org_set_field(o, "class", class, &err) != 0)
		die(name, &err);
}

/* Constituent k (1..SYNTH_ORGS) is a member of liaison k % LIAISONS when
 * k is a multiple of 5, and opts out of scanner when a multiple of 97. */
static int store_cmd(const char *url)
{
	struct sk_error err = {0};
	struct synth d = {0};
	struct store *st;
	struct org *orgs = xcalloc(SYNTH_ORGS + 1 + LIAISONS, sizeof(*orgs));
	int64_t *ids = xcalloc(SYNTH_ORGS + 1, sizeof(*ids)), lia[LIAISONS];
	int64_t *members = xcalloc(SYNTH_ORGS, sizeof(*members));
	struct resource *r = xcalloc(CHUNK, sizeof(*r));
	size_t i, n, total = 0, added, nres;
	char name[64];
	double t0 = synth_now();

	gen(&d);
	st = store_open(url, &err);
	if (st == NULL)
		die(url, &err);
	store_set_actor(st, "bench");
	if (store_begin(st, &err) != 0)
		die("begin", &err);
	org_fill(&orgs[0], "Bench CERT", "national-csirt", "administration");
	for (i = 0; i < LIAISONS; i++) {
		snprintf(name, sizeof(name), "Bench Liaison %02zu", i);
		org_fill(&orgs[1 + i], name, "liaison", "oes");
	}
	for (i = 1; i <= SYNTH_ORGS; i++) {
		snprintf(name, sizeof(name), "Bench Org %05zu", i);
		org_fill(&orgs[LIAISONS + i], name, "constituent", i % 3 ? "private" : "oes");
	}
	if (store_org_add_many(st, orgs, SYNTH_ORGS + 1 + LIAISONS, &err) != 0)
		die("organizations", &err);
	for (i = 0; i < LIAISONS; i++)
		lia[i] = orgs[1 + i].id;
	for (i = 1; i <= SYNTH_ORGS; i++)
		ids[i] = orgs[LIAISONS + i].id;
	for (size_t l = 0; l < LIAISONS; l++) {
		n = 0;
		for (i = 5; i <= SYNTH_ORGS; i += 5)
			if (i % LIAISONS == l)
				members[n++] = ids[i];
		if (n > 0 && store_member_add_many(st, lia[l], members, n, NULL, &err) != 0)
			die("members", &err);
	}
	for (i = 97; i <= SYNTH_ORGS; i += 97)
		if (store_optout_add(st, ids[i], "scanner", &err) != 0)
			die("opt-outs", &err);

	nres = d.npfx + d.nasn + d.ndom;
	for (size_t base = 0; base < nres; base += n) {
		n = nres - base < CHUNK ? nres - base : CHUNK;
		memset(r, 0, n * sizeof(*r));
		for (i = 0; i < n; i++) {
			size_t k = base + i;

			if (k < d.npfx) {
				r[i].type = RESOURCE_PREFIX;
				r[i].prefix = d.pfx[k].p;
				r[i].org_id = ids[d.pfx[k].org];
			} else if (k < d.npfx + d.nasn) {
				r[i].type = RESOURCE_ASN;
				r[i].asn = d.asn[k - d.npfx].asn;
				r[i].org_id = ids[d.asn[k - d.npfx].org];
			} else {
				r[i].type = RESOURCE_DOMAIN;
				snprintf(r[i].domain, sizeof(r[i].domain), "%s",
					 d.names + d.dom[k - d.npfx - d.nasn].name);
				r[i].org_id = ids[d.dom[k - d.npfx - d.nasn].org];
			}
		}
		if (store_resource_add_many(st, r, n, &added, &err) != 0)
			die("resources", &err);
		total += added;
	}
	if (store_commit(st, &err) != 0)
		die("commit", &err);
	store_close(st);
	printf("store: %d organizations (a national CSIRT, %d liaison organizations with %d "
	       "members), %zu resources (%zu prefixes, %zu AS numbers, %zu names given) in "
	       "%.1f s\n",
	       SYNTH_ORGS + 1 + LIAISONS, LIAISONS, SYNTH_ORGS / 5, total, d.npfx, d.nasn,
	       d.ndom, synth_now() - t0);
	for (i = 0; i < SYNTH_ORGS + 1 + LIAISONS; i++)
		org_clear(&orgs[i]);
	free(orgs);
	free(ids);
	free(members);
	free(r);
	free(d.pfx);
	free(d.asn);
	free(d.dom);
	free(d.names);
	return 0;
}

/* classification.type, its taxonomy, an identifier, protocol.application. */
static const char *const kinds[][4] = {
    {"infected-system", "malicious-code", "andromeda", "http"},
    {"scanner", "information-gathering", "scan-ssh", "ssh"},
    {"vulnerable-system", "vulnerable", "open-rdp", "rdp"},
    {"ddos-amplifier", "vulnerable", "ntp-monitor", "ntp"},
    {"c2-server", "malicious-code", "cobaltstrike", "https"},
    {"brute-force", "intrusion-attempts", "ssh-brute", "ssh"},
};

/* An address: four in five inside a registered prefix of its family
 * (IPv4 seven in ten), else anywhere in unicast space. */
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

/* A host name: four in five under a registered name. */
static void put_name(const struct synth *d, char *out, size_t size)
{
	if (synth_below(5) != 0)
		snprintf(out, size, "%s.%s", synth_subs[synth_below(7)],
			 d->names + d->dom[synth_below(d->ndom)].name);
	else
		snprintf(out, size, "www.nowhere%zu.%s", synth_below(10000000),
			 synth_tlds[synth_below(8)]);
}

/* Events, one a line: 55% an IPv4 address, 20% IPv6, 15% a host name,
 * 10% a URL; three in four carry source.asn, three in ten a tlp. */
static int events_cmd(const char *count)
{
	struct synth d = {0};
	char *end;
	long long n = strtoll(count, &end, 10);
	char buf[2048], ident[512], asn[64], tlp[32];

	if (*end != '\0' || n < 0 || n > 100000000) {
		fprintf(stderr, "bench_route: events: not a count: %s\n", count);
		return 1;
	}
	gen(&d);
	for (long long i = 0; i < n; i++) {
		const char *const *k = kinds[synth_below(6)];
		size_t what = synth_below(100), t;
		unsigned sec = (unsigned)synth_below(86400);

		if (what < 75) {
			char ip[PREFIX_TEXT_MAX];

			put_addr(&d, what < 55, ip, sizeof(ip));
			snprintf(ident, sizeof(ident),
				 "\"source.ip\": \"%s\", \"source.port\": %zu, "
				 "\"source.reverse_dns\": "
				 "\"host-%zu.example.net\"",
				 ip, 1024 + synth_below(64000), synth_below(100000));
		} else if (what < 90) {
			char host[300];

			put_name(&d, host, sizeof(host));
			snprintf(ident, sizeof(ident), "\"source.fqdn\": \"%s\"", host);
			k = kinds[4];
		} else {
			char host[300];

			put_name(&d, host, sizeof(host));
			snprintf(ident, sizeof(ident),
				 "\"source.url\": \"http://%s/wp-content/login.php?id=%zu\"",
				 host, synth_below(100000));
			k = kinds[0];
		}
		asn[0] = '\0';
		if (synth_below(4) != 0) {
			uint32_t a = d.asn[synth_below(d.nasn)].asn, ok;
			char text[16];

			snprintf(text, sizeof(text), "%u", a);
			if (asn_parse(text, &ok, NULL) == 0) /* not a reserved one */
				snprintf(asn, sizeof(asn), "\"source.asn\": %u, ", a);
		}
		t = synth_below(10);
		snprintf(tlp, sizeof(tlp), "%s",
			 t == 0	 ? ", \"tlp\": \"RED\""
			 : t < 3 ? ", \"tlp\": \"GREEN\""
				 : "");
		snprintf(
		    buf, sizeof(buf),
		    "{\"feed.name\": \"Bench %s\", \"feed.provider\": \"Shadowserver\", "
		    "\"classification.type\": \"%s\", \"classification.taxonomy\": \"%s\", "
		    "\"classification.identifier\": \"%s\", \"extra.tag\": \"%s\", %s"
		    "%s, \"source.geolocation.cc\": \"%s\", \"protocol.transport\": \"tcp\", "
		    "\"protocol.application\": \"%s\", "
		    "\"time.source\": \"2026-11-30T%02u:%02u:%02u+00:00\", "
		    "\"time.observation\": \"2026-11-30 23:59:59\"%s}\n",
		    k[2], k[0], k[1], k[2], k[2], asn, ident, synth_below(3) ? "BE" : "NL",
		    k[3], sec / 3600, sec / 60 % 60, sec % 60, tlp);
		if (fputs(buf, stdout) == EOF)
			return 1;
	}
	free(d.pfx);
	free(d.asn);
	free(d.dom);
	free(d.names);
	return fflush(stdout) == 0 ? 0 : 1;
}

/* Parse each line with jansson and print it back. */
static int baseline_cmd(void)
{
	char *line = NULL, *out = xmalloc(1 << 16);
	size_t cap = 0, n = 0, bad = 0;
	ssize_t len;
	double t0 = synth_now(), t;

	while ((len = getline(&line, &cap, stdin)) > 0) {
		json_error_t jerr;
		json_t *obj = json_loadb(line, (size_t)len, JSON_REJECT_DUPLICATES, &jerr);
		size_t k;

		if (obj == NULL || !json_is_object(obj)) {
			bad++;
			json_decref(obj);
			continue;
		}
		k = json_dumpb(obj, out, (1 << 16) - 1, JSON_PRESERVE_ORDER);
		json_decref(obj);
		if (k == 0 || k >= (1 << 16) - 1) {
			bad++;
			continue;
		}
		out[k++] = '\n';
		if (fwrite(out, 1, k, stdout) != k)
			return 1;
		n++;
	}
	fflush(stdout);
	t = synth_now() - t0;
	fprintf(stderr,
		"baseline: %zu lines parsed and printed by jansson, %zu bad, in %.3f s "
		"(%.0f lines/s)\n",
		n, bad, t, t > 0 ? (double)n / t : 0.0);
	free(line);
	free(out);
	return bad != 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "store") == 0)
		return store_cmd(argv[2]);
	if (argc == 3 && strcmp(argv[1], "events") == 0)
		return events_cmd(argv[2]);
	if (argc == 2 && strcmp(argv[1], "baseline") == 0)
		return baseline_cmd();
	fprintf(stderr, "usage: bench_route store URL | events N | baseline\n");
	return 64;
}
