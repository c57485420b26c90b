/* bench/synth.c: the synthetic constituency the benchmarks share (see
 * synth.h). One random stream (splitmix64 from a fixed seed) drives it
 * all, so every run builds the same data. */
#include "synth.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/xalloc.h"
#include "net/domain.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

/* splitmix64 */
uint64_t synth_rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

size_t synth_below(size_t n)
{
	return (size_t)(synth_rnd() % n);
}

double synth_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A size from the environment, or def; exits on a bad value. */
size_t synth_env_size(const char *prog, const char *name, size_t def)
{
	const char *v = getenv(name);
	char *end;
	long long n;

	if (v == NULL || *v == '\0')
		return def;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < 0 || n > 100000000) {
		fprintf(stderr, "%s: %s: not a count: %s\n", prog, name, v);
		exit(1);
	}
	return (size_t)n;
}

/* Random address bits from bit len on (len < bits), within p. */
struct prefix synth_inside(const struct prefix *p, int len)
{
	struct prefix q = *p;
	int bits = prefix_family_bits(p->family), i;

	for (i = p->len; i < bits; i++)
		if (synth_rnd() & 1)
			q.addr[i / 8] |= (uint8_t)(0x80u >> (i % 8));
	q.len = (uint8_t)bits;
	prefix_truncate(&q, (uint8_t)len);
	return q;
}

static int64_t next_res = 1;

static void put_pfx(struct synth *d, const struct prefix *p)
{
	struct synth_pfx *e = &d->pfx[d->npfx++];

	e->p = *p;
	e->org = 1 + (int64_t)synth_below(50000);
	e->res = next_res++;
}

/* IPv4: allocations /16../20 in unicast space, assignments /21../24 in
 * them, more-specifics /25../32 in those; IPv6: /29../32 in 2000::/3,
 * /40../48 in them, /52../64 (and a few /128) in those. One prefix in
 * twenty is registered a second time by another organization (an ISP and
 * its customer). */
void synth_prefixes(struct synth *d, size_t n)
{
	size_t n4 = n * 65 / 100, n6 = n - n4, top, mid, i;

	d->pfx = xcalloc(n, sizeof(*d->pfx));
	top = n4 / 60;
	mid = top + (n4 - top) * 55 / 100;
	for (i = 0; i < n4; i++) {
		struct prefix p = {0};

		if (i > top && synth_below(20) == 0) {
			p = d->pfx[synth_below(d->npfx)].p;
		} else if (i < top) {
			uint32_t a = 0x01000000u + (uint32_t)synth_below(0xdf000000u);

			p.family = 4;
			p.addr[0] = (uint8_t)(a >> 24), p.addr[1] = (uint8_t)(a >> 16);
			p.addr[2] = (uint8_t)(a >> 8), p.addr[3] = (uint8_t)a;
			p.len = 32;
			prefix_truncate(&p, (uint8_t)(16 + synth_below(5)));
		} else if (i < mid) {
			const struct prefix *t = &d->pfx[synth_below(top)].p;
			int len = 21 + (int)synth_below(4);

			p = synth_inside(t, len > t->len ? len : t->len + 1);
		} else {
			const struct prefix *m = &d->pfx[top + synth_below(mid - top)].p;
			int len = synth_below(10) == 0 ? 32 : m->len + 1 + (int)synth_below(5);

			p = synth_inside(m, len > 32 ? 32 : len);
		}
		put_pfx(d, &p);
	}
	d->n4 = d->npfx;
	top = n6 / 20;
	mid = top + (n6 - top) * 75 / 100;
	for (i = 0; i < n6; i++) {
		struct prefix p = {0};
		size_t base = d->n4;

		if (i > top && synth_below(20) == 0) {
			p = d->pfx[base + synth_below(d->npfx - base)].p;
		} else if (i < top) {
			int k;

			p.family = 6;
			for (k = 0; k < 16; k++)
				p.addr[k] = (uint8_t)synth_rnd();
			p.addr[0] = (uint8_t)(0x20 | (p.addr[0] & 0x1f));
			p.len = 128;
			prefix_truncate(&p, (uint8_t)(29 + synth_below(4)));
		} else if (i < mid) {
			p = synth_inside(&d->pfx[base + synth_below(top)].p,
					 40 + (int)synth_below(9));
		} else {
			const struct prefix *m = &d->pfx[base + top + synth_below(mid - top)].p;

			p = synth_inside(m, synth_below(50) == 0 ? 128
								 : 52 + (int)synth_below(13));
		}
		put_pfx(d, &p);
	}
}

void synth_asns(struct synth *d, size_t n)
{
	size_t i;

	d->asn = xcalloc(n, sizeof(*d->asn));
	for (i = 0; i < n; i++) {
		struct synth_asn *e = &d->asn[d->nasn++];

		e->asn = i > 0 && synth_below(20) == 0 ? d->asn[synth_below(i)].asn
						       : 1 + (uint32_t)synth_below(400000);
		e->org = 1 + (int64_t)synth_below(50000);
		e->res = next_res++;
	}
}

const char *const synth_tlds[] = {"be", "nl", "eu", "com", "org", "net", "de", "fr"};
const char *const synth_subs[] = {"www", "mail", "shop", "portal", "vpn", "api", "intra"};

size_t synth_put_name(struct synth *d, const char *name)
{
	size_t len = strlen(name), off = d->nnames;

	if (d->nnames + len + 1 > d->anames) {
		d->anames = (d->anames + len + 1) * 2;
		d->names = xrealloc(d->names, d->anames);
	}
	memcpy(d->names + off, name, len + 1);
	d->nnames += len + 1;
	return off;
}

/* Registrable names ("org12345-x.be") and, for one in four, a name under
 * one of them ("shop.org12345-x.be"). */
void synth_domains(struct synth *d, size_t n)
{
	char name[DOMAIN_TEXT_MAX];
	size_t i;

	d->dom = xcalloc(n, sizeof(*d->dom));
	for (i = 0; i < n; i++) {
		struct synth_dom *e = &d->dom[d->ndom++];

		if (i > 0 && synth_below(4) == 0) {
			const char *parent = d->names + d->dom[synth_below(i)].name;

			snprintf(name, sizeof(name), "%s.%s", synth_subs[synth_below(7)],
				 parent);
			if (strlen(name) > 60)
				snprintf(name, sizeof(name), "org%zu-s.%s", i,
					 synth_tlds[synth_below(8)]);
		} else {
			snprintf(name, sizeof(name), "org%zu-%c%c.%s", i,
				 'a' + (int)synth_below(26), 'a' + (int)synth_below(26),
				 synth_tlds[synth_below(8)]);
		}
		e->name = synth_put_name(d, name);
		e->org = 1 + (int64_t)synth_below(50000);
		e->res = next_res++;
	}
}
