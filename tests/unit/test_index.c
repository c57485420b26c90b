/* tests/unit/test_index.c: the constituency index answers every covering
 * prefix most specific first with all its owners, keeps IPv4 and IPv6
 * apart, matches domains on label boundaries, agrees with a brute-force
 * scan on random data, builds from a real SQLite store, and lets readers
 * go on while a writer swaps snapshots. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/error.h"
#include "lib/xalloc.h"
#include "model/org.h"
#include "model/resource.h"
#include "net/prefix.h"
#include "route/index.h"
#include "store/store.h"
#include "testdb.h"

#define MAXM 64

static struct prefix pfx(const char *text)
{
	struct sk_error err = {0};
	struct prefix p;

	if (prefix_parse(text, &p, &err) != 0)
		fail_msg("%s: %s", text, err.msg);
	return p;
}

/* Add "type:value" (or a bare value) owned by org with resource id res. */
static void add(struct route_index_builder *b, const char *text, int64_t org, int64_t res)
{
	struct sk_error err = {0};
	struct resource r;

	if (resource_parse(text, &r, &err) != 0)
		fail_msg("resource_parse %s: %s", text, err.msg);
	r.org_id = org;
	r.id = res;
	if (route_index_builder_add(b, &r, &err) != 0)
		fail_msg("add %s: %s", text, err.msg);
}

static struct route_index *finish(struct route_index_builder *b)
{
	struct sk_error err = {0};
	struct route_index *idx = route_index_builder_finish(b, &err);

	if (idx == NULL)
		fail_msg("finish: %s", err.msg);
	route_index_builder_free(b);
	return idx;
}

/* Look up an address or prefix given as text; returns the count. */
static int addr(const struct route_index *idx, const char *text, struct route_match *m)
{
	struct prefix q = pfx(text);
	int n = route_index_lookup_addr(idx, &q, m, MAXM);

	assert_true(n >= 0 && n <= MAXM);
	return n;
}

/* Match i must be (org, res) at prefix want (text) and depth. */
static void want_pfx(const struct route_match *m, int64_t org, int64_t res, const char *want,
		     uint32_t depth)
{
	char buf[PREFIX_TEXT_MAX];

	assert_non_null(m->prefix);
	assert_true(prefix_format(m->prefix, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, want);
	assert_int_equal(m->org_id, org);
	assert_int_equal(m->resource_id, res);
	assert_int_equal(m->depth, depth);
	assert_null(m->domain);
}

static void test_nested_ipv4(void **state)
{
	struct route_index_builder *b = route_index_builder_new();
	struct route_match m[MAXM];
	struct route_index *idx;
	struct prefix q;

	(void)state;
	add(b, "prefix:198.51.100.0/24", 1, 11); /* A */
	add(b, "prefix:198.51.100.0/25", 3, 31); /* C, added before B */
	add(b, "prefix:198.51.100.0/25", 2, 21); /* B */
	add(b, "prefix:203.0.113.0/24", 4, 41);
	idx = finish(b);

	assert_int_equal(addr(idx, "198.51.100.7", m), 3);
	want_pfx(&m[0], 2, 21, "198.51.100.0/25", 0);
	want_pfx(&m[1], 3, 31, "198.51.100.0/25", 0);
	want_pfx(&m[2], 1, 11, "198.51.100.0/24", 1);

	assert_int_equal(addr(idx, "198.51.100.200", m), 1);
	want_pfx(&m[0], 1, 11, "198.51.100.0/24", 0);
	assert_int_equal(addr(idx, "198.51.100.127", m), 3);
	assert_int_equal(addr(idx, "198.51.100.128", m), 1);
	assert_int_equal(addr(idx, "198.51.100.255", m), 1);

	/* Outside every prefix, on either side. */
	assert_int_equal(addr(idx, "198.51.101.0", m), 0);
	assert_int_equal(addr(idx, "198.51.99.255", m), 0);
	assert_int_equal(addr(idx, "192.0.2.1", m), 0);
	assert_int_equal(addr(idx, "203.0.113.9", m), 1);
	want_pfx(&m[0], 4, 41, "203.0.113.0/24", 0);

	/* Prefix queries: what covers the query, itself included. */
	assert_int_equal(addr(idx, "198.51.100.0/26", m), 3);
	want_pfx(&m[0], 2, 21, "198.51.100.0/25", 0);
	want_pfx(&m[2], 1, 11, "198.51.100.0/24", 1);
	assert_int_equal(addr(idx, "198.51.100.128/26", m), 1);
	assert_int_equal(addr(idx, "198.51.100.0/25", m), 3);
	assert_int_equal(addr(idx, "198.51.100.0/24", m), 1);
	want_pfx(&m[0], 1, 11, "198.51.100.0/24", 0);
	assert_int_equal(addr(idx, "198.51.100.0/23", m), 0);
	assert_int_equal(addr(idx, "0.0.0.0/0", m), 0);

	/* A short array gets the first matches and the total. */
	memset(m, 0xa5, sizeof(m));
	q = pfx("198.51.100.7");
	assert_int_equal(route_index_lookup_addr(idx, &q, m, 1), 3);
	want_pfx(&m[0], 2, 21, "198.51.100.0/25", 0);
	assert_int_equal(m[1].org_id, (int64_t)0xa5a5a5a5a5a5a5a5ull);
	assert_int_equal(route_index_lookup_addr(idx, &q, NULL, 0), 3);
	route_index_free(idx);
}

static void test_nested_ipv6(void **state)
{
	struct route_index_builder *b = route_index_builder_new();
	struct route_match m[MAXM];
	struct route_index *idx;

	(void)state;
	add(b, "prefix:2001:db8::/32", 1, 11);
	add(b, "prefix:2001:db8:1::/48", 2, 21);
	add(b, "prefix:2001:db8:1:2::/64", 3, 31);
	add(b, "prefix:2001:db8:1:2::1/128", 4, 41);
	add(b, "prefix:2001:db8:8000::/33", 5, 51);
	idx = finish(b);

	assert_int_equal(addr(idx, "2001:db8:1:2::1", m), 4);
	want_pfx(&m[0], 4, 41, "2001:db8:1:2::1/128", 0);
	want_pfx(&m[1], 3, 31, "2001:db8:1:2::/64", 1);
	want_pfx(&m[2], 2, 21, "2001:db8:1::/48", 2);
	want_pfx(&m[3], 1, 11, "2001:db8::/32", 3);
	assert_int_equal(addr(idx, "2001:db8:1:2::2", m), 3);
	want_pfx(&m[0], 3, 31, "2001:db8:1:2::/64", 0);
	assert_int_equal(addr(idx, "2001:db8:1:3::1", m), 2);
	want_pfx(&m[0], 2, 21, "2001:db8:1::/48", 0);
	assert_int_equal(addr(idx, "2001:db8:ffff::1", m), 2);
	want_pfx(&m[0], 5, 51, "2001:db8:8000::/33", 0);
	want_pfx(&m[1], 1, 11, "2001:db8::/32", 1);
	assert_int_equal(addr(idx, "2001:db8:7fff::1", m), 1);
	want_pfx(&m[0], 1, 11, "2001:db8::/32", 0);
	assert_int_equal(addr(idx, "2001:db9::1", m), 0);
	assert_int_equal(addr(idx, "2001:db7:ffff::1", m), 0);
	assert_int_equal(addr(idx, "::1", m), 0);

	/* Prefix queries. */
	assert_int_equal(addr(idx, "2001:db8:1:2::/63", m), 2);
	want_pfx(&m[0], 2, 21, "2001:db8:1::/48", 0);
	assert_int_equal(addr(idx, "2001:db8:1:2::/64", m), 3);
	assert_int_equal(addr(idx, "2001:db8::/31", m), 0);
	route_index_free(idx);
}

static void test_default_and_host_routes(void **state)
{
	struct route_index_builder *b = route_index_builder_new();
	struct route_match m[MAXM];
	struct route_index *idx;

	(void)state;
	add(b, "prefix:0.0.0.0/0", 9, 91);
	add(b, "prefix:192.0.2.1/32", 1, 11);
	add(b, "prefix:192.0.2.255/32", 2, 21);
	add(b, "prefix:::/0", 8, 81);
	add(b, "prefix:2001:db8::1/128", 3, 31);
	idx = finish(b);

	assert_int_equal(addr(idx, "192.0.2.1", m), 2);
	want_pfx(&m[0], 1, 11, "192.0.2.1/32", 0);
	want_pfx(&m[1], 9, 91, "0.0.0.0/0", 1);
	assert_int_equal(addr(idx, "192.0.2.255", m), 2);
	want_pfx(&m[0], 2, 21, "192.0.2.255/32", 0);
	assert_int_equal(addr(idx, "192.0.2.2", m), 1);
	want_pfx(&m[0], 9, 91, "0.0.0.0/0", 0);
	assert_int_equal(addr(idx, "203.0.113.5", m), 1);
	assert_int_equal(addr(idx, "0.0.0.0", m), 1);
	assert_int_equal(addr(idx, "255.255.255.255", m), 1);
	assert_int_equal(addr(idx, "0.0.0.0/0", m), 1);
	assert_int_equal(addr(idx, "192.0.2.0/24", m), 1);

	assert_int_equal(addr(idx, "2001:db8::1", m), 2);
	want_pfx(&m[0], 3, 31, "2001:db8::1/128", 0);
	want_pfx(&m[1], 8, 81, "::/0", 1);
	assert_int_equal(addr(idx, "2001:db8::", m), 1);
	want_pfx(&m[0], 8, 81, "::/0", 0);
	assert_int_equal(addr(idx, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", m), 1);
	route_index_free(idx);
}

/* Levels of every density: k host routes on even addresses of one /24
 * make 2k runs in its last level, from a few (a sparse level) to 256 (a
 * full one); every address of the /24 must get its own answer. */
static void test_dense_levels(void **state)
{
	static const int counts[] = {1, 7, 8, 9, 16, 17, 40, 128};
	struct route_match m[MAXM];
	struct sk_error err = {0};
	size_t c;
	int h;

	(void)state;
	for (c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
		struct route_index_builder *b = route_index_builder_new();
		struct route_index *idx;
		struct prefix p = pfx("198.51.100.0/24"), q6 = pfx("2001:db8::/120");

		assert_int_equal(route_index_builder_add_prefix(b, &p, 1000, 1, &err), 0);
		assert_int_equal(route_index_builder_add_prefix(b, &q6, 2000, 2, &err), 0);
		for (h = 0; h < counts[c]; h++) {
			p = pfx("198.51.100.0");
			p.addr[3] = (uint8_t)(2 * h);
			assert_int_equal(
			    route_index_builder_add_prefix(b, &p, h + 1, 10 + h, &err), 0);
			p = pfx("2001:db8::");
			p.addr[15] = (uint8_t)(2 * h);
			assert_int_equal(
			    route_index_builder_add_prefix(b, &p, h + 1, 10 + h, &err), 0);
		}
		idx = finish(b);
		for (h = 0; h < 256; h++) {
			struct prefix q4 = pfx("198.51.100.0"), q = pfx("2001:db8::");
			int want = h % 2 == 0 && h / 2 < counts[c] ? 2 : 1;

			q4.addr[3] = (uint8_t)h;
			q.addr[15] = (uint8_t)h;
			assert_int_equal(route_index_lookup_addr(idx, &q4, m, MAXM), want);
			assert_int_equal(m[want - 1].org_id, 1000);
			if (want == 2)
				assert_int_equal(m[0].org_id, h / 2 + 1);
			assert_int_equal(route_index_lookup_addr(idx, &q, m, MAXM), want);
			assert_int_equal(m[want - 1].org_id, 2000);
			if (want == 2)
				assert_int_equal(m[0].org_id, h / 2 + 1);
		}
		route_index_free(idx);
	}
}

static void test_families_apart(void **state)
{
	struct route_index_builder *b = route_index_builder_new();
	struct route_match m[MAXM];
	struct route_index *idx;

	(void)state;
	add(b, "prefix:192.0.2.0/24", 1, 11);
	add(b, "prefix:::ffff:198.51.100.0/120", 2, 21);
	idx = finish(b);

	/* IPv4 addresses find only IPv4 prefixes; IPv4-mapped is IPv6. */
	assert_int_equal(addr(idx, "192.0.2.1", m), 1);
	assert_int_equal(addr(idx, "::ffff:192.0.2.1", m), 0);
	assert_int_equal(addr(idx, "::c000:201", m), 0);
	assert_int_equal(addr(idx, "198.51.100.1", m), 0);
	assert_int_equal(addr(idx, "::ffff:198.51.100.1", m), 1);
	want_pfx(&m[0], 2, 21, "::ffff:198.51.100.0/120", 0);
	route_index_free(idx);

	/* An IPv6 default never covers IPv4, nor the other way round. */
	b = route_index_builder_new();
	add(b, "prefix:::/0", 1, 11);
	idx = finish(b);
	assert_int_equal(addr(idx, "192.0.2.1", m), 0);
	assert_int_equal(addr(idx, "2001:db8::1", m), 1);
	route_index_free(idx);
	b = route_index_builder_new();
	add(b, "prefix:0.0.0.0/0", 1, 11);
	idx = finish(b);
	assert_int_equal(addr(idx, "::", m), 0);
	assert_int_equal(addr(idx, "::ffff:192.0.2.1", m), 0);
	route_index_free(idx);
}

struct collect {
	int n[8];
	int64_t first[8];
	size_t calls, stop_at;
};

static int collect(size_t i, const struct route_match *m, int n, void *ctx)
{
	struct collect *c = ctx;

	assert_int_equal(i, c->calls);
	c->n[i] = n;
	c->first[i] = n > 0 ? m[0].org_id : 0;
	c->calls++;
	return c->calls == c->stop_at ? 42 : 0;
}

static void test_batch(void **state)
{
	struct route_index_builder *b = route_index_builder_new();
	struct route_match m[2];
	struct collect c;
	struct route_index *idx;
	struct prefix q[6];

	(void)state;
	add(b, "prefix:198.51.100.0/24", 1, 11);
	add(b, "prefix:198.51.100.0/25", 2, 21);
	add(b, "prefix:198.51.100.0/25", 3, 31);
	add(b, "prefix:2001:db8::/32", 4, 41);
	idx = finish(b);
	q[0] = pfx("198.51.100.7");
	q[1] = pfx("198.51.100.200");
	q[2] = pfx("192.0.2.1");
	q[3] = pfx("2001:db8::1");
	q[4] = pfx("198.51.100.0/24");
	q[4].family = 5;
	q[5] = pfx("198.51.100.0/26");

	/* Counts as single look-ups give them, even past the scratch size. */
	memset(&c, 0, sizeof(c));
	assert_int_equal(route_index_lookup_addr_batch(idx, q, 6, m, 2, collect, &c), 0);
	assert_int_equal(c.calls, 6);
	assert_int_equal(c.n[0], 3);
	assert_int_equal(c.first[0], 2);
	assert_int_equal(c.n[1], 1);
	assert_int_equal(c.first[1], 1);
	assert_int_equal(c.n[2], 0);
	assert_int_equal(c.n[3], 1);
	assert_int_equal(c.first[3], 4);
	assert_int_equal(c.n[4], SK_EINVAL);
	assert_int_equal(c.n[5], 3);

	/* The callback stops the batch. */
	memset(&c, 0, sizeof(c));
	c.stop_at = 2;
	assert_int_equal(route_index_lookup_addr_batch(idx, q, 6, m, 2, collect, &c), 42);
	assert_int_equal(c.calls, 2);
	assert_int_equal(route_index_lookup_addr_batch(idx, q, 0, m, 2, collect, &c), 0);
	route_index_free(idx);
}

static void test_asn(void **state)
{
	struct route_index_builder *b = route_index_builder_new();
	struct route_match m[MAXM];
	struct route_index_stats st;
	struct route_index *idx;

	(void)state;
	add(b, "asn:AS64496", 2, 21);
	add(b, "asn:AS64496", 1, 11);
	add(b, "asn:AS64496", 1, 11); /* the same twice counts once */
	add(b, "asn:AS64511", 3, 31);
	add(b, "asn:AS65551", 4, 41);
	idx = finish(b);

	assert_int_equal(route_index_lookup_asn(idx, 64496, m, MAXM), 2);
	assert_int_equal(m[0].org_id, 1);
	assert_int_equal(m[0].resource_id, 11);
	assert_int_equal(m[0].asn, 64496);
	assert_null(m[0].prefix);
	assert_int_equal(m[1].org_id, 2);
	assert_int_equal(route_index_lookup_asn(idx, 64511, m, MAXM), 1);
	assert_int_equal(m[0].org_id, 3);
	assert_int_equal(route_index_lookup_asn(idx, 65551, m, MAXM), 1);
	assert_int_equal(route_index_lookup_asn(idx, 64497, m, MAXM), 0);
	assert_int_equal(route_index_lookup_asn(idx, 0, m, MAXM), 0);
	assert_int_equal(route_index_lookup_asn(idx, 4294967295u, m, MAXM), 0);

	route_index_get_stats(idx, &st);
	assert_int_equal(st.asns, 3);
	assert_int_equal(st.owners, 4);
	route_index_free(idx);
}

/* Domain look-up of name; returns the count. */
static int dom(const struct route_index *idx, const char *name, struct route_match *m)
{
	int n = route_index_lookup_domain(idx, name, m, MAXM);

	assert_true(n >= 0 && n <= MAXM);
	return n;
}

static void want_dom(const struct route_match *m, int64_t org, const char *name, uint32_t depth)
{
	assert_non_null(m->domain);
	assert_string_equal(m->domain, name);
	assert_int_equal(m->org_id, org);
	assert_int_equal(m->depth, depth);
	assert_null(m->prefix);
}

static void test_domains(void **state)
{
	struct route_index_builder *b = route_index_builder_new();
	struct route_match m[MAXM];
	struct route_index *idx;

	(void)state;
	add(b, "domain:example.be", 1, 11);
	add(b, "domain:shop.example.be", 2, 21);
	add(b, "domain:shop.example.be", 3, 31);
	add(b, "domain:example.nl", 4, 41);
	add(b, "domain:a.b.c.d.example.test", 5, 51);
	idx = finish(b);

	assert_int_equal(dom(idx, "example.be", m), 1);
	want_dom(&m[0], 1, "example.be", 0);
	assert_int_equal(dom(idx, "www.example.be", m), 1);
	want_dom(&m[0], 1, "example.be", 0);
	assert_int_equal(dom(idx, "www.shop.example.be", m), 3);
	want_dom(&m[0], 2, "shop.example.be", 0);
	want_dom(&m[1], 3, "shop.example.be", 0);
	want_dom(&m[2], 1, "example.be", 1);
	assert_int_equal(dom(idx, "shop.example.be", m), 3);

	/* Label boundaries: none of these are under example.be. */
	assert_int_equal(dom(idx, "badexample.be", m), 0);
	assert_int_equal(dom(idx, "www.badexample.be", m), 0);
	assert_int_equal(dom(idx, "xshop.example.be", m), 1);
	want_dom(&m[0], 1, "example.be", 0);
	assert_int_equal(dom(idx, "example.be.test", m), 0);
	assert_int_equal(dom(idx, "be", m), 0);
	assert_int_equal(dom(idx, "example.b", m), 0);
	assert_int_equal(dom(idx, "xample.be", m), 0);
	assert_int_equal(dom(idx, "example.nl", m), 1);
	want_dom(&m[0], 4, "example.nl", 0);
	assert_int_equal(dom(idx, "example.test", m), 0);
	assert_int_equal(dom(idx, "c.d.example.test", m), 0);
	assert_int_equal(dom(idx, "x.a.b.c.d.example.test", m), 1);
	want_dom(&m[0], 5, "a.b.c.d.example.test", 0);

	assert_int_equal(route_index_lookup_domain(idx, "", m, MAXM), SK_EINVAL);
	assert_int_equal(route_index_lookup_domain(idx, "www..example.be", m, MAXM), SK_EINVAL);
	assert_int_equal(route_index_lookup_domain(idx, ".example.be", m, MAXM), SK_EINVAL);
	assert_int_equal(route_index_lookup_domain(idx, "example.be.", m, MAXM), SK_EINVAL);
	route_index_free(idx);
}

static void test_empty(void **state)
{
	struct route_index_builder *b = route_index_builder_new();
	struct route_index *idx[2];
	struct route_match m[MAXM];
	struct prefix q = pfx("192.0.2.1"), q6 = pfx("2001:db8::1");
	int i;

	(void)state;
	idx[0] = finish(b);
	idx[1] = route_index_new_empty();
	for (i = 0; i < 2; i++) {
		assert_int_equal(route_index_lookup_addr(idx[i], &q, m, MAXM), 0);
		assert_int_equal(route_index_lookup_addr(idx[i], &q6, m, MAXM), 0);
		assert_int_equal(route_index_lookup_asn(idx[i], 64496, m, MAXM), 0);
		assert_int_equal(route_index_lookup_domain(idx[i], "example.be", m, MAXM), 0);
		assert_int_equal(route_index_lookup_domain(idx[i], "a..be", m, MAXM),
				 SK_EINVAL);
		assert_true(route_index_memory(idx[i]) > 0);
		assert_true(route_index_memory(idx[i]) < 4096);
		route_index_free(idx[i]);
	}
}

static void test_bad_input(void **state)
{
	struct route_index_builder *b = route_index_builder_new();
	struct sk_error err = {0};
	struct route_match m[MAXM];
	struct route_index *idx;
	struct prefix p = pfx("198.51.100.0/24");
	char name[300];

	(void)state;
	p.addr[3] = 1; /* host bits */
	assert_int_equal(route_index_builder_add_prefix(b, &p, 1, 1, &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "host bits"));
	p = pfx("198.51.100.0/24");
	p.len = 33;
	assert_int_equal(route_index_builder_add_prefix(b, &p, 1, 1, &err), SK_EINVAL);
	p.family = 5;
	assert_int_equal(route_index_builder_add_prefix(b, &p, 1, 1, &err), SK_EINVAL);
	assert_int_equal(route_index_builder_add_domain(b, "Example.be", 1, 1, &err),
			 SK_EINVAL);
	assert_int_equal(route_index_builder_add_domain(b, "example..be", 1, 1, &err),
			 SK_EINVAL);
	assert_int_equal(route_index_builder_add_domain(b, "example.be.", 1, 1, &err),
			 SK_EINVAL);
	assert_int_equal(route_index_builder_add_domain(b, "", 1, 1, &err), SK_EINVAL);
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	assert_int_equal(route_index_builder_add_domain(b, name, 1, 1, &err), SK_EINVAL);
	idx = finish(b);

	p = pfx("192.0.2.0/24");
	p.family = 5;
	assert_int_equal(route_index_lookup_addr(idx, &p, m, MAXM), SK_EINVAL);
	p.family = 4;
	p.len = 33;
	assert_int_equal(route_index_lookup_addr(idx, &p, m, MAXM), SK_EINVAL);
	assert_int_equal(route_index_lookup_domain(idx, name, m, MAXM), SK_EINVAL);
	memset(name, '.', DOMAIN_MAX);
	name[DOMAIN_MAX] = '\0';
	assert_int_equal(route_index_lookup_domain(idx, name, m, MAXM), SK_EINVAL);
	assert_int_equal(route_index_lookup_domain(idx, "a..b", m, MAXM), SK_EINVAL);
	route_index_free(idx);
}

/* ---- brute force on random data ---- */

struct ref {
	struct prefix p;
	int64_t org, res;
};

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rng_state = x;
	return x;
}

/* A random address near the documentation ranges: bytes drawn often from
 * a few values, so that prefixes nest and share paths. */
static struct prefix rnd_addr(int family)
{
	static const uint8_t v4[3][3] = {{192, 0, 2}, {198, 51, 100}, {203, 0, 113}};
	static const uint8_t common[] = {0x00, 0x01, 0x80, 0xff, 0x10};
	struct prefix p = {0};
	int i, bytes = family == 4 ? 4 : 16, fixed = family == 4 ? 3 : 4;

	p.family = (uint8_t)family;
	p.len = (uint8_t)(bytes * 8);
	if (family == 4) {
		memcpy(p.addr, v4[rnd() % 3], 3);
		if (rnd() % 4 == 0)
			p.addr[2] ^= (uint8_t)(1u << (rnd() % 8)); /* a neighbour */
	} else {
		p.addr[0] = 0x20, p.addr[1] = 0x01, p.addr[2] = 0x0d, p.addr[3] = 0xb8;
	}
	for (i = fixed; i < bytes; i++)
		p.addr[i] = rnd() % 3 == 0 ? (uint8_t)rnd() : common[rnd() % sizeof(common)];
	if (family == 6 && rnd() % 2)
		memset(p.addr + 8, 0, 8); /* many share their low half */
	return p;
}

/* A random address inside p. */
static struct prefix rnd_inside(const struct prefix *p)
{
	struct prefix q = *p;
	int bits = prefix_family_bits(p->family), i;

	for (i = p->len; i < bits; i++)
		if (rnd() % 2)
			q.addr[i / 8] |= (uint8_t)(0x80u >> (i % 8));
	q.len = (uint8_t)bits;
	return q;
}

static int ref_cmp(const void *a, const void *b)
{
	const struct ref *x = a, *y = b;

	if (x->p.len != y->p.len)
		return x->p.len > y->p.len ? -1 : 1;
	if (x->org != y->org)
		return x->org < y->org ? -1 : 1;
	if (x->res != y->res)
		return x->res < y->res ? -1 : 1;
	return 0;
}

/* Compare the index with a scan of refs[0..n) for query q. */
static void check_against_scan(const struct route_index *idx, const struct ref *refs, size_t n,
			       const struct prefix *q)
{
	static struct route_match m[4096];
	static struct ref want[4096];
	size_t k = 0, i;
	uint32_t depth = 0;
	int got;

	for (i = 0; i < n; i++)
		if (prefix_contains(&refs[i].p, q))
			want[k++] = refs[i];
	qsort(want, k, sizeof(want[0]), ref_cmp);
	/* Drop repeats of the same (prefix, owner). */
	for (i = 0; k > 0 && i + 1 < k;) {
		if (ref_cmp(&want[i], &want[i + 1]) == 0) {
			memmove(&want[i + 1], &want[i + 2], (k - i - 2) * sizeof(want[0]));
			k--;
		} else {
			i++;
		}
	}
	got = route_index_lookup_addr(idx, q, m, 4096);
	if (got != (int)k) {
		char buf[PREFIX_TEXT_MAX];

		prefix_format(q, buf, sizeof(buf));
		fail_msg("%s: %d matches, the scan finds %zu", buf, got, k);
	}
	for (i = 0; i < k; i++) {
		if (i > 0 && want[i].p.len != want[i - 1].p.len)
			depth++;
		assert_int_equal(prefix_compare(m[i].prefix, &want[i].p), 0);
		assert_int_equal(m[i].org_id, want[i].org);
		assert_int_equal(m[i].resource_id, want[i].res);
		assert_int_equal(m[i].depth, depth);
	}
}

/* Batch answers held against single look-ups of the same queries. */
struct batch_check {
	const struct route_index *idx;
	const struct prefix *q;
	size_t next;
};

static int check_batch(size_t i, const struct route_match *m, int n, void *ctx)
{
	struct batch_check *c = ctx;
	static struct route_match one[4096];
	int k, want;

	assert_int_equal(i, c->next++);
	want = route_index_lookup_addr(c->idx, &c->q[i], one, 4096);
	assert_int_equal(n, want);
	for (k = 0; k < n && k < 4096; k++) {
		assert_ptr_equal(m[k].prefix, one[k].prefix);
		assert_int_equal(m[k].org_id, one[k].org_id);
		assert_int_equal(m[k].resource_id, one[k].resource_id);
		assert_int_equal(m[k].depth, one[k].depth);
	}
	return 0;
}

static void random_round(uint64_t seed, size_t nprefixes, size_t nlookups)
{
	struct route_index_builder *b = route_index_builder_new();
	struct ref *refs = xcalloc(nprefixes, sizeof(*refs));
	struct prefix *qs = xcalloc(nlookups, sizeof(*qs));
	static struct route_match scratch[4096];
	struct batch_check c = {0};
	struct sk_error err = {0};
	struct route_index *idx;
	size_t i;

	rng_state = seed;
	for (i = 0; i < nprefixes; i++) {
		int family = rnd() % 2 ? 4 : 6, bits = family == 4 ? 32 : 128;
		struct prefix p = rnd_addr(family);
		int len = (int)(rnd() % (size_t)(bits + 1));

		if (rnd() % 8 == 0 && i > 0) {
			p = refs[rnd() % i].p; /* the same prefix again, often */
		} else {
			if (rnd() % 2)
				len = family == 4 ? 16 + (int)(rnd() % 17)
						  : 24 + (int)(rnd() % 49);
			prefix_truncate(&p, (uint8_t)len);
		}
		refs[i].p = p;
		refs[i].org = (int64_t)(rnd() % 50) + 1;
		refs[i].res = (int64_t)(rnd() % 4) + 1;
		if (route_index_builder_add_prefix(b, &p, refs[i].org, refs[i].res, &err) != 0)
			fail_msg("add: %s", err.msg);
	}
	idx = finish(b);
	for (i = 0; i < nlookups; i++) {
		struct prefix q;

		if (i % 3 == 0 && nprefixes > 0)
			q = rnd_inside(&refs[rnd() % nprefixes].p);
		else
			q = rnd_addr(rnd() % 2 ? 4 : 6);
		if (i % 5 == 0)
			prefix_truncate(&q, (uint8_t)(rnd() % (q.len + 1u)));
		check_against_scan(idx, refs, nprefixes, &q);
		qs[i] = q;
	}
	c.idx = idx;
	c.q = qs;
	assert_int_equal(
	    route_index_lookup_addr_batch(idx, qs, nlookups, scratch, 4096, check_batch, &c),
	    0);
	assert_int_equal(c.next, nlookups);
	route_index_free(idx);
	free(refs);
	free(qs);
}

static void test_random_against_scan(void **state)
{
	uint64_t seed;

	(void)state;
	for (seed = 1; seed <= 40; seed++)
		random_round(seed * 0x9e3779b97f4a7c15ull, 1 + seed % 13, 300);
	for (seed = 1; seed <= 6; seed++)
		random_round(seed * 0x2545f4914f6cdd1dull, 3000, 3000);
}

/* Domain batch answers held against single look-ups. */
struct dom_check {
	const struct route_index *idx;
	const char *const *names;
	size_t next;
};

static int check_dom_batch(size_t i, const struct route_match *m, int n, void *ctx)
{
	struct dom_check *c = ctx;
	struct route_match one[MAXM];
	int k;

	assert_int_equal(i, c->next++);
	assert_int_equal(n, route_index_lookup_domain(c->idx, c->names[i], one, MAXM));
	for (k = 0; k < n && k < MAXM; k++) {
		assert_ptr_equal(m[k].domain, one[k].domain);
		assert_int_equal(m[k].org_id, one[k].org_id);
		assert_int_equal(m[k].depth, one[k].depth);
	}
	return 0;
}

/* Domains against domain_is_under on random names of a few labels. */
static void test_random_domains(void **state)
{
	static const char *const labels[] = {
	    "example",	     "be",   "nl",   "test",	   "www", "a", "b",
	    "xn--bcher-kva", "shop", "mail", "badexample",
	};
	struct route_index_builder *b = route_index_builder_new();
	static char queries[2000][128];
	const char *qp[2000];
	struct dom_check c = {0};
	char names[200][64];
	int64_t org[200];
	struct route_match m[MAXM];
	struct route_index *idx;
	struct sk_error err = {0};
	int i, j;

	(void)state;
	rng_state = 77;
	for (i = 0; i < 200; i++) {
		int n = 1 + (int)(rnd() % 4), k, off = 0;

		for (k = 0; k < n; k++)
			off += snprintf(names[i] + off, sizeof(names[i]) - (size_t)off, "%s%s",
					k ? "." : "", labels[rnd() % 11]);
		org[i] = i + 1;
		if (route_index_builder_add_domain(b, names[i], org[i], 1, &err) != 0)
			fail_msg("add %s: %s", names[i], err.msg);
	}
	idx = finish(b);
	for (i = 0; i < 2000; i++) {
		char *q = queries[i];
		int n = 1 + (int)(rnd() % 5), k, off = 0, want = 0, got;

		for (k = 0; k < n; k++)
			off += snprintf(q + off, sizeof(queries[i]) - (size_t)off, "%s%s",
					k ? "." : "", labels[rnd() % 11]);
		qp[i] = q;
		for (j = 0; j < 200; j++)
			want += domain_is_under(q, names[j]);
		got = dom(idx, q, m);
		assert_int_equal(got, want);
		for (k = 0; k < got; k++) {
			assert_true(domain_is_under(q, m[k].domain));
			if (k > 0)
				assert_true(strlen(m[k].domain) <= strlen(m[k - 1].domain));
		}
	}
	qp[7] = "a..b"; /* one bad name in the batch */
	c.idx = idx;
	c.names = qp;
	assert_int_equal(
	    route_index_lookup_domain_batch(idx, qp, 2000, m, MAXM, check_dom_batch, &c), 0);
	assert_int_equal(c.next, 2000);
	route_index_free(idx);
}

/* ---- building from a store ---- */

static void test_build_from_store(void **state)
{
	struct testdb db;
	struct sk_error err = {0};
	struct route_match m[MAXM];
	struct route_index_stats s;
	struct route_index *idx;
	struct store *st;
	int64_t isp, cust, isp24, cust25, isp24_by_cust, isp_asn, isp_dom, cust_dom, isp6;

	(void)state;
	assert_int_equal(testdb_open(&db, "index"), 0);
	st = db.st;
	store_set_actor(st, "test");
	isp = testdb_org_add_as(st, "Example ISP", "constituent", "private", NULL);
	cust = testdb_org_add_as(st, "Example Customer", "constituent", "private", NULL);
	isp24 = testdb_resource_add(st, isp, "prefix:198.51.100.0/24");
	cust25 = testdb_resource_add(st, cust, "prefix:198.51.100.0/25");
	isp24_by_cust = testdb_resource_add(st, cust, "prefix:198.51.100.0/24");
	isp6 = testdb_resource_add(st, isp, "prefix:2001:db8::/32");
	isp_asn = testdb_resource_add(st, isp, "asn:AS64496");
	isp_dom = testdb_resource_add(st, isp, "domain:example.be");
	cust_dom = testdb_resource_add(st, cust, "domain:shop.example.be");

	idx = route_index_build(st, &err);
	if (idx == NULL)
		fail_msg("route_index_build: %s", err.msg);
	assert_int_equal(addr(idx, "198.51.100.7", m), 3);
	want_pfx(&m[0], cust, cust25, "198.51.100.0/25", 0);
	if (isp < cust) {
		want_pfx(&m[1], isp, isp24, "198.51.100.0/24", 1);
		want_pfx(&m[2], cust, isp24_by_cust, "198.51.100.0/24", 1);
	} else {
		want_pfx(&m[1], cust, isp24_by_cust, "198.51.100.0/24", 1);
		want_pfx(&m[2], isp, isp24, "198.51.100.0/24", 1);
	}
	assert_int_equal(addr(idx, "2001:db8::1", m), 1);
	want_pfx(&m[0], isp, isp6, "2001:db8::/32", 0);
	assert_int_equal(route_index_lookup_asn(idx, 64496, m, MAXM), 1);
	assert_int_equal(m[0].org_id, isp);
	assert_int_equal(m[0].resource_id, isp_asn);
	assert_int_equal(dom(idx, "www.shop.example.be", m), 2);
	want_dom(&m[0], cust, "shop.example.be", 0);
	assert_int_equal(m[0].resource_id, cust_dom);
	want_dom(&m[1], isp, "example.be", 1);
	assert_int_equal(m[1].resource_id, isp_dom);

	route_index_get_stats(idx, &s);
	assert_int_equal(s.prefixes4, 2);
	assert_int_equal(s.prefixes6, 1);
	assert_int_equal(s.asns, 1);
	assert_int_equal(s.domains, 2);
	assert_int_equal(s.owners, 7);
	route_index_free(idx);
	testdb_close(&db);
}

/* ---- swapping under readers ---- */

/* Snapshot number g: everything owned by organization g, plus filler so
 * that snapshots differ in size. */
static struct route_index *generation(int64_t g)
{
	struct route_index_builder *b = route_index_builder_new();
	struct sk_error err = {0};
	struct prefix p = pfx("2001:db8::/48");
	int64_t i;

	add(b, "prefix:198.51.100.0/24", g, 1);
	add(b, "prefix:198.51.100.0/25", g, 2);
	add(b, "prefix:198.51.100.0/25", g, 3);
	add(b, "asn:AS64496", g, 4);
	add(b, "domain:example.be", g, 5);
	add(b, "domain:www.example.be", g, 6);
	for (i = 0; i < 50 + g % 200; i++) {
		p.addr[4] = (uint8_t)(i >> 8);
		p.addr[5] = (uint8_t)i;
		assert_int_equal(route_index_builder_add_prefix(b, &p, g, 100 + i, &err), 0);
	}
	return finish(b);
}

struct swap_test {
	struct route_index_holder *h;
	bool monotonic; /* one writer: generations only go up */
	atomic_int done;
	atomic_long lookups;
	atomic_int bad;
};

/* Check that every answer within one read-side section comes from one
 * complete snapshot, and that snapshots never go back in time. */
static void *reader(void *arg)
{
	struct swap_test *t = arg;
	struct prefix q = pfx("198.51.100.7"), q6 = pfx("2001:db8:5::1");
	struct route_match m[MAXM];
	int64_t last = 0;
	long n = 0;

	while (!atomic_load(&t->done)) {
		const struct route_index *idx = route_index_read_begin(t->h), *nested;
		int64_t g;
		int k, i;

		k = route_index_lookup_addr(idx, &q, m, MAXM);
		g = k > 0 ? m[0].org_id : -1;
		if (k != 3 || (t->monotonic && g < last) || m[0].depth != 0 || m[2].depth != 1)
			atomic_store(&t->bad, 1);
		for (i = 0; i < k; i++)
			if (m[i].org_id != g || m[i].prefix->family != 4)
				atomic_store(&t->bad, 1);
		/* A nested section may find a newer snapshot; leaving it
		 * keeps the outer one alive. */
		nested = route_index_read_begin(t->h);
		if (route_index_lookup_asn(nested, 64496, m, MAXM) != 1 ||
		    (t->monotonic && m[0].org_id < g))
			atomic_store(&t->bad, 1);
		route_index_read_end(t->h);
		if (route_index_lookup_asn(idx, 64496, m, MAXM) != 1 || m[0].org_id != g)
			atomic_store(&t->bad, 1);
		if (route_index_lookup_domain(idx, "www.example.be", m, MAXM) != 2 ||
		    m[0].org_id != g || m[1].org_id != g ||
		    strcmp(m[1].domain, "example.be") != 0)
			atomic_store(&t->bad, 1);
		k = route_index_lookup_addr(idx, &q6, m, MAXM);
		if (k != 1 || m[0].org_id != g || m[0].resource_id != 105)
			atomic_store(&t->bad, 1);
		route_index_read_end(t->h);
		last = g;
		n++;
	}
	atomic_fetch_add(&t->lookups, n);
	return NULL;
}

struct writer_arg {
	struct swap_test *t;
	int64_t first, count;
};

static void *writer(void *arg)
{
	struct writer_arg *w = arg;
	int64_t g;

	for (g = w->first; g < w->first + w->count; g++)
		route_index_swap(w->t->h, generation(g));
	return NULL;
}

static void test_swap_under_readers(void **state)
{
	const struct route_index *idx;
	struct route_match m[MAXM];
	struct swap_test t;
	pthread_t r[4], wt;
	struct writer_arg w;
	int i;

	(void)state;
	memset(&t, 0, sizeof(t));
	t.monotonic = true;
	t.h = route_index_holder_new(generation(1));
	for (i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&r[i], NULL, reader, &t), 0);
	w.t = &t;
	w.first = 2;
	w.count = 150;
	assert_int_equal(pthread_create(&wt, NULL, writer, &w), 0);
	assert_int_equal(pthread_join(wt, NULL), 0);
	atomic_store(&t.done, 1);
	for (i = 0; i < 4; i++)
		assert_int_equal(pthread_join(r[i], NULL), 0);
	assert_int_equal(atomic_load(&t.bad), 0);
	assert_true(atomic_load(&t.lookups) > 0);

	/* The last snapshot is the one left. */
	idx = route_index_read_begin(t.h);
	assert_int_equal(route_index_lookup_asn(idx, 64496, m, MAXM), 1);
	assert_int_equal(m[0].org_id, 151);
	route_index_read_end(t.h);
	route_index_holder_free(t.h);
}

/* Two writers at once: every snapshot is freed exactly once. */
static void test_concurrent_swaps(void **state)
{
	struct swap_test t;
	struct writer_arg w[2];
	pthread_t wt[2], r;
	int i;

	(void)state;
	memset(&t, 0, sizeof(t));
	t.h = route_index_holder_new(NULL);
	/* The empty index answers nothing: prime with generation 1 first. */
	route_index_swap(t.h, generation(1));
	assert_int_equal(pthread_create(&r, NULL, reader, &t), 0);
	for (i = 0; i < 2; i++) {
		w[i].t = &t;
		w[i].first = 2 + i * 1000;
		w[i].count = 40;
		assert_int_equal(pthread_create(&wt[i], NULL, writer, &w[i]), 0);
	}
	for (i = 0; i < 2; i++)
		assert_int_equal(pthread_join(wt[i], NULL), 0);
	atomic_store(&t.done, 1);
	assert_int_equal(pthread_join(r, NULL), 0);
	route_index_holder_free(t.h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_nested_ipv4),
	    cmocka_unit_test(test_nested_ipv6),
	    cmocka_unit_test(test_default_and_host_routes),
	    cmocka_unit_test(test_dense_levels),
	    cmocka_unit_test(test_families_apart),
	    cmocka_unit_test(test_batch),
	    cmocka_unit_test(test_asn),
	    cmocka_unit_test(test_domains),
	    cmocka_unit_test(test_empty),
	    cmocka_unit_test(test_bad_input),
	    cmocka_unit_test(test_random_against_scan),
	    cmocka_unit_test(test_random_domains),
	    cmocka_unit_test(test_build_from_store),
	    cmocka_unit_test(test_swap_under_readers),
	    cmocka_unit_test(test_concurrent_swaps),
	};

	return cmocka_run_group_tests_name("index", tests, NULL, NULL);
}
