/* bench/synth.h: the synthetic constituency of the benchmarks: a million
 * nested IPv4 and IPv6 prefixes, 100,000 AS numbers and a million domain
 * names owned by 50,000 organizations (numbered 1..50000), random but the
 * same in every run, and the random stream that made it for queries and
 * events that hit it. The addresses are random, any space: the data is
 * for benchmarks only and never leaves the machine. */
#ifndef SK_BENCH_SYNTH_H
#define SK_BENCH_SYNTH_H

#include <stddef.h>
#include <stdint.h>

#include "net/prefix.h"

#define SYNTH_ORGS 50000

struct synth_pfx {
	struct prefix p;
	int64_t org, res;
};

struct synth_asn {
	uint32_t asn;
	int64_t org, res;
};

struct synth_dom {
	size_t name; /* offset in names */
	int64_t org, res;
};

/* Start it zeroed; the generators fill it (in the order prefixes, AS
 * numbers, domains, for the same data every run). Free the arrays with
 * free(). Resource numbers count from 1 over all three. */
struct synth {
	struct synth_pfx *pfx;
	size_t npfx, n4; /* pfx[0..n4) IPv4, then IPv6 */
	struct synth_asn *asn;
	size_t nasn;
	struct synth_dom *dom;
	size_t ndom;
	char *names;
	size_t nnames, anames;
};

/* The random stream (splitmix64) and a number below n from it. */
uint64_t synth_rnd(void);
size_t synth_below(size_t n);
/* Seconds on the monotonic clock. */
double synth_now(void);
/* A count from the environment variable name, or def; exits with a
 * message naming prog on a bad value. */
size_t synth_env_size(const char *prog, const char *name, size_t def);
/* A random prefix of length len (len >= p->len) inside p. */
struct prefix synth_inside(const struct prefix *p, int len);

/* IPv4: allocations /16../20, assignments /21../24 in them, more
 * specifics /25../32 in those; IPv6: /29../32 in 2000::/3, /40../48, then
 * /52../64 and a few /128. One in twenty registered again by another
 * organization. */
void synth_prefixes(struct synth *d, size_t n);
void synth_asns(struct synth *d, size_t n);
/* Registrable names ("org12345-xy.be") and, one in four, a name under one
 * of them ("shop.org12345-xy.be"). */
void synth_domains(struct synth *d, size_t n);
/* Append name to d->names; returns its offset. */
size_t synth_put_name(struct synth *d, const char *name);

extern const char *const synth_tlds[8];
extern const char *const synth_subs[7];

#endif
