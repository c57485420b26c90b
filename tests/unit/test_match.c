/* tests/unit/test_match.c: who receives an event. A small constituency
 * (a national CSIRT, two liaison organizations, an ISP and members with
 * nested prefixes, IPv6, AS numbers and domains) is routed in both match
 * modes: nested prefixes, IPv6, the AS number when no prefix covers the
 * address, domains on label boundaries and URL hosts, liaisons under
 * every TLP label, opt-outs, the national CSIRT, an event nobody owns,
 * an organization that is both owner and liaison, batches against single
 * events, events shared back by a partner, the builder's errors and a
 * context loaded from a real store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/error.h"
#include "model/event.h"
#include "model/org.h"
#include "model/recipient.h"
#include "model/resource.h"
#include "model/tlp.h"
#include "route/index.h"
#include "route/match.h"
#include "store/store.h"
#include "testdb.h"

/* The constituency. */
enum {
	CERT = 1,      /* national CSIRT, owns domain cert-demo.example.nl */
	ENERGY_CERT,   /* liaison, owns 192.0.2.0/24 */
	HEALTH_ISAC,   /* liaison, opted out of spam */
	ISP,	       /* 198.51.100.0/24, 2001:db8::/32, AS64496, example.net */
	ENERGY,	       /* member of both liaisons: 198.51.100.0/26, 2001:db8:1::/48,
			* AS64497, example.be */
	HOSPITAL,      /* member of the Health ISAC: 198.51.100.0/28,
			* hospital.example.be; opted out of scanner */
	WATER,	       /* member of the Energy CERT: 203.0.113.0/25, badexample.be */
	STRANGER = 99, /* in the index, unknown to the context */
};

static const char *const names[] = {
    [CERT] = "CERT Demo",	   [ENERGY_CERT] = "Energy Sector CERT",
    [HEALTH_ISAC] = "Health ISAC", [ISP] = "Example ISP",
    [ENERGY] = "Example Energy",   [HOSPITAL] = "Example Hospital",
    [WATER] = "Example Water",
};

/* Resource ids: 100 * org + n. */
static const struct {
	const char *value;
	int64_t org, id;
} resources[] = {
    {"domain:cert-demo.example.nl", CERT, 101},
    {"prefix:192.0.2.0/24", ENERGY_CERT, 201},
    {"prefix:198.51.100.0/24", ISP, 401},
    {"prefix:2001:db8::/32", ISP, 402},
    {"asn:AS64496", ISP, 403},
    {"domain:example.net", ISP, 404},
    {"prefix:198.51.100.0/26", ENERGY, 501},
    {"prefix:2001:db8:1::/48", ENERGY, 502},
    {"asn:AS64497", ENERGY, 503},
    {"domain:example.be", ENERGY, 504},
    {"prefix:198.51.100.0/28", HOSPITAL, 601},
    {"domain:hospital.example.be", HOSPITAL, 602},
    {"prefix:203.0.113.0/25", WATER, 701},
    {"domain:badexample.be", WATER, 702},
    {"prefix:203.0.113.64/26", STRANGER, 9901},
};

static struct route_index *idx;
static struct route_context *most, *all;

static struct route_context *context(enum route_mode mode)
{
	struct route_context_builder *b = route_context_builder_new();
	struct sk_error err = {0};
	struct route_context *ctx;
	static const enum org_kind kinds[] = {
	    [CERT] = ORG_KIND_NATIONAL_CSIRT, [ENERGY_CERT] = ORG_KIND_LIAISON,
	    [HEALTH_ISAC] = ORG_KIND_LIAISON, [ISP] = ORG_KIND_CONSTITUENT,
	    [ENERGY] = ORG_KIND_CONSTITUENT,  [HOSPITAL] = ORG_KIND_CONSTITUENT,
	    [WATER] = ORG_KIND_CONSTITUENT,
	};

	for (int id = CERT; id <= WATER; id++)
		if (route_context_builder_add_org(b, id, names[id], kinds[id], ORG_CLASS_OES,
						  &err) != 0)
			fail_msg("add_org %d: %s", id, err.msg);
	if (route_context_builder_add_member(b, ENERGY_CERT, ENERGY, &err) != 0 ||
	    route_context_builder_add_member(b, HEALTH_ISAC, ENERGY, &err) != 0 ||
	    route_context_builder_add_member(b, HEALTH_ISAC, HOSPITAL, &err) != 0 ||
	    route_context_builder_add_member(b, ENERGY_CERT, WATER, &err) != 0 ||
	    route_context_builder_add_member(b, ENERGY_CERT, WATER, &err) != 0 || /* twice */
	    route_context_builder_add_optout(b, HOSPITAL, "scanner", &err) != 0 ||
	    route_context_builder_add_optout(b, HEALTH_ISAC, "spam", &err) != 0 ||
	    route_context_builder_add_optout(b, CERT, "scanner", &err) != 0)
		fail_msg("builder: %s", err.msg);
	ctx = route_context_builder_finish(b, mode, &err);
	if (ctx == NULL)
		fail_msg("finish: %s", err.msg);
	route_context_builder_free(b);
	return ctx;
}

static int setup(void **state)
{
	struct route_index_builder *b = route_index_builder_new();
	struct sk_error err = {0};

	(void)state;
	for (size_t i = 0; i < sizeof(resources) / sizeof(resources[0]); i++) {
		struct resource r;

		if (resource_parse(resources[i].value, &r, &err) != 0)
			fail_msg("%s: %s", resources[i].value, err.msg);
		r.org_id = resources[i].org;
		r.id = resources[i].id;
		if (route_index_builder_add(b, &r, &err) != 0)
			fail_msg("%s: %s", resources[i].value, err.msg);
	}
	idx = route_index_builder_finish(b, &err);
	route_index_builder_free(b);
	if (idx == NULL)
		fail_msg("index: %s", err.msg);
	most = context(ROUTE_MODE_MOST_SPECIFIC);
	all = context(ROUTE_MODE_ALL_COVERING);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	route_index_free(idx);
	route_context_free(most);
	route_context_free(all);
	return 0;
}

/* An event of type scanner unless fields say otherwise: "name=value"
 * pairs, NULL-terminated. */
static void make(struct event *ev, ...)
{
	struct sk_error err = {0};
	const char *kv;
	va_list ap;

	event_reset(ev);
	if (event_set(ev, "classification.type", "scanner", &err) != 0)
		fail_msg("%s", err.msg);
	va_start(ap, ev);
	while ((kv = va_arg(ap, const char *)) != NULL) {
		char name[64];
		const char *eq = strchr(kv, '=');

		assert_non_null(eq);
		snprintf(name, sizeof(name), "%.*s", (int)(eq - kv), kv);
		if (event_set(ev, name, eq + 1, &err) != 0)
			fail_msg("%s: %s", kv, err.msg);
	}
	va_end(ap);
}

/* One expected recipient: "Org Name/role/reason/PN" where P is pass_on
 * and N need_to_know ('1' or '0'), and for a liaison "/Member Name". */
static void check(const struct route_recipients *got, const char *const *want)
{
	size_t n = 0;

	while (want[n] != NULL)
		n++;
	for (size_t i = 0; i < got->n || i < n; i++) {
		char text[512], member[64] = "";
		const struct event_recipient *r = i < got->n ? &got->v[i] : NULL;

		if (r == NULL)
			fail_msg("recipient %zu missing: want %s", i, want[i]);
		if (r->member_id > 0)
			snprintf(member, sizeof(member), "/%s", names[r->member_id]);
		snprintf(text, sizeof(text), "%s/%s/%s/%d%d%s",
			 r->org_id < (int64_t)(sizeof(names) / sizeof(names[0]))
			     ? names[r->org_id]
			     : "stranger",
			 recipient_role_names[r->role], r->reason, r->pass_on, r->need_to_know,
			 member);
		if (i >= n)
			fail_msg("recipient %zu unexpected: %s", i, text);
		if (strcmp(text, want[i]) != 0)
			fail_msg("recipient %zu: got %s, want %s", i, text, want[i]);
	}
}

/* Route ev in ctx with default_tlp and check the answer. */
static void expect(const struct route_context *ctx, const struct event *ev, enum tlp_label dflt,
		   const char *const *want)
{
	struct route_recipients got = {0};
	int n = route_event(ctx, idx, ev, dflt, &got);

	assert_int_equal(n, (int)got.n);
	check(&got, want);
	route_recipients_free(&got);
}

#define WANT(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NATIONAL  "CERT Demo/national/national CSIRT/10"

static void test_nested_most_specific(void **state)
{
	struct event ev;
	struct route_recipients got = {0};

	(void)state;
	event_init(&ev);
	make(&ev, "source.ip=198.51.100.5", "classification.type=infected-system", NULL);
	expect(most, &ev, TLP_GREEN,
	       WANT("Example Hospital/owner/prefix 198.51.100.0/28/10",
		    "Health ISAC/liaison/prefix 198.51.100.0/28/10/Example Hospital",
		    NATIONAL));
	route_event(most, idx, &ev, TLP_GREEN, &got);
	assert_int_equal(got.v[0].resource_id, 601);
	assert_int_equal(got.v[1].resource_id, 601);
	assert_int_equal(got.v[1].member_id, HOSPITAL);
	assert_int_equal(got.v[2].resource_id, 0);
	route_recipients_free(&got);

	make(&ev, "source.ip=198.51.100.50", "classification.type=infected-system", NULL);
	expect(most, &ev, TLP_GREEN,
	       WANT("Example Energy/owner/prefix 198.51.100.0/26/10",
		    "Energy Sector CERT/liaison/prefix 198.51.100.0/26/10/Example Energy",
		    "Health ISAC/liaison/prefix 198.51.100.0/26/10/Example Energy", NATIONAL));
	make(&ev, "source.ip=198.51.100.200", "classification.type=infected-system", NULL);
	expect(most, &ev, TLP_GREEN,
	       WANT("Example ISP/owner/prefix 198.51.100.0/24/10", NATIONAL));
	/* source.network when there is no source.ip. */
	make(&ev, "source.network=198.51.100.0/27", "classification.type=infected-system",
	     NULL);
	expect(most, &ev, TLP_GREEN,
	       WANT("Example Energy/owner/prefix 198.51.100.0/26/10",
		    "Energy Sector CERT/liaison/prefix 198.51.100.0/26/10/Example Energy",
		    "Health ISAC/liaison/prefix 198.51.100.0/26/10/Example Energy", NATIONAL));
	event_free(&ev);
}

static void test_nested_all_covering(void **state)
{
	struct event ev;

	(void)state;
	event_init(&ev);
	make(&ev, "source.ip=198.51.100.5", "classification.type=infected-system", NULL);
	expect(all, &ev, TLP_GREEN,
	       WANT("Example Hospital/owner/prefix 198.51.100.0/28/10",
		    "Example Energy/owner/prefix 198.51.100.0/26/10",
		    "Example ISP/owner/prefix 198.51.100.0/24/10",
		    "Health ISAC/liaison/prefix 198.51.100.0/28/10/Example Hospital",
		    "Energy Sector CERT/liaison/prefix 198.51.100.0/26/10/Example Energy",
		    NATIONAL));
	/* The AS number counts too, after the prefixes; an owner is named
	 * once, by its most specific match. */
	make(&ev, "source.ip=198.51.100.50", "source.asn=64496",
	     "classification.type=infected-system", NULL);
	expect(all, &ev, TLP_GREEN,
	       WANT("Example Energy/owner/prefix 198.51.100.0/26/10",
		    "Example ISP/owner/prefix 198.51.100.0/24/10",
		    "Energy Sector CERT/liaison/prefix 198.51.100.0/26/10/Example Energy",
		    "Health ISAC/liaison/prefix 198.51.100.0/26/10/Example Energy", NATIONAL));
	make(&ev, "source.ip=198.51.100.200", "source.asn=64497",
	     "classification.type=infected-system", NULL);
	expect(all, &ev, TLP_GREEN,
	       WANT("Example ISP/owner/prefix 198.51.100.0/24/10",
		    "Example Energy/owner/asn 64497/10",
		    "Energy Sector CERT/liaison/asn 64497/10/Example Energy",
		    "Health ISAC/liaison/asn 64497/10/Example Energy", NATIONAL));
	/* Every matching domain. */
	make(&ev, "source.fqdn=www.hospital.example.be", "classification.type=infected-system",
	     NULL);
	expect(all, &ev, TLP_GREEN,
	       WANT("Example Hospital/owner/domain hospital.example.be/10",
		    "Example Energy/owner/domain example.be/10",
		    "Health ISAC/liaison/domain hospital.example.be/10/Example Hospital",
		    "Energy Sector CERT/liaison/domain example.be/10/Example Energy",
		    NATIONAL));
	event_free(&ev);
}

static void test_ipv6(void **state)
{
	struct event ev;

	(void)state;
	event_init(&ev);
	make(&ev, "source.ip=2001:db8:1::5", "classification.type=infected-system", NULL);
	expect(most, &ev, TLP_GREEN,
	       WANT("Example Energy/owner/prefix 2001:db8:1::/48/10",
		    "Energy Sector CERT/liaison/prefix 2001:db8:1::/48/10/Example Energy",
		    "Health ISAC/liaison/prefix 2001:db8:1::/48/10/Example Energy", NATIONAL));
	expect(all, &ev, TLP_GREEN,
	       WANT("Example Energy/owner/prefix 2001:db8:1::/48/10",
		    "Example ISP/owner/prefix 2001:db8::/32/10",
		    "Energy Sector CERT/liaison/prefix 2001:db8:1::/48/10/Example Energy",
		    "Health ISAC/liaison/prefix 2001:db8:1::/48/10/Example Energy", NATIONAL));
	make(&ev, "source.ip=2001:db8:ffff::1", "classification.type=infected-system", NULL);
	expect(most, &ev, TLP_GREEN,
	       WANT("Example ISP/owner/prefix 2001:db8::/32/10", NATIONAL));
	make(&ev, "source.ip=2001:db9::1", "classification.type=infected-system", NULL);
	expect(most, &ev, TLP_GREEN, WANT(NATIONAL));
	/* An IPv4-mapped address is IPv6: no IPv4 prefix covers it. */
	make(&ev, "source.ip=::ffff:198.51.100.5", "classification.type=infected-system", NULL);
	expect(most, &ev, TLP_GREEN, WANT(NATIONAL));
	event_free(&ev);
}

static void test_asn_fallback(void **state)
{
	struct event ev;

	(void)state;
	event_init(&ev);
	/* No prefix covers 203.0.113.200: its AS number decides. */
	make(&ev, "source.ip=203.0.113.200", "source.asn=AS64497",
	     "classification.type=infected-system", NULL);
	expect(most, &ev, TLP_GREEN,
	       WANT("Example Energy/owner/asn 64497/10",
		    "Energy Sector CERT/liaison/asn 64497/10/Example Energy",
		    "Health ISAC/liaison/asn 64497/10/Example Energy", NATIONAL));
	/* A prefix covers it: the AS number is not asked. */
	make(&ev, "source.ip=203.0.113.5", "source.asn=64497",
	     "classification.type=infected-system", NULL);
	expect(most, &ev, TLP_GREEN,
	       WANT("Example Water/owner/prefix 203.0.113.0/25/10",
		    "Energy Sector CERT/liaison/prefix 203.0.113.0/25/10/Example Water",
		    NATIONAL));
	/* Only an AS number. */
	make(&ev, "source.asn=64496", "classification.type=infected-system", NULL);
	expect(most, &ev, TLP_GREEN, WANT("Example ISP/owner/asn 64496/10", NATIONAL));
	make(&ev, "source.asn=64511", "classification.type=infected-system", NULL);
	expect(most, &ev, TLP_GREEN, WANT(NATIONAL));
	event_free(&ev);
}

static void test_domains(void **state)
{
	struct event ev;

	(void)state;
	event_init(&ev);
	make(&ev, "source.fqdn=www.example.be", "classification.type=infected-system", NULL);
	expect(most, &ev, TLP_GREEN,
	       WANT("Example Energy/owner/domain example.be/10",
		    "Energy Sector CERT/liaison/domain example.be/10/Example Energy",
		    "Health ISAC/liaison/domain example.be/10/Example Energy", NATIONAL));
	make(&ev, "source.fqdn=a.b.hospital.example.be", "classification.type=infected-system",
	     NULL);
	expect(most, &ev, TLP_GREEN,
	       WANT("Example Hospital/owner/domain hospital.example.be/10",
		    "Health ISAC/liaison/domain hospital.example.be/10/Example Hospital",
		    NATIONAL));
	/* Label boundaries: badexample.be is not under example.be. */
	make(&ev, "source.fqdn=www.badexample.be", "classification.type=infected-system", NULL);
	expect(most, &ev, TLP_GREEN,
	       WANT("Example Water/owner/domain badexample.be/10",
		    "Energy Sector CERT/liaison/domain badexample.be/10/Example Water",
		    NATIONAL));
	make(&ev, "source.fqdn=anexample.be", "classification.type=infected-system", NULL);
	expect(most, &ev, TLP_GREEN, WANT(NATIONAL));
	make(&ev, "source.fqdn=be.example", "classification.type=infected-system", NULL);
	expect(most, &ev, TLP_GREEN, WANT(NATIONAL));
	/* The host of source.url: user, port and case do not matter. */
	make(&ev, "source.url=https://user:pw@WWW.Example.NET:8443/login?next=/", NULL);
	expect(most, &ev, TLP_GREEN, WANT("Example ISP/owner/domain example.net/10", NATIONAL));
	make(&ev, "source.url=hxxp://shop.example.net/", NULL);
	expect(most, &ev, TLP_GREEN, WANT("Example ISP/owner/domain example.net/10", NATIONAL));
	/* An address as the host, when the event has no source.ip. */
	make(&ev, "source.url=http://[2001:db8:1::9]:8080/x", NULL);
	expect(most, &ev, TLP_GREEN,
	       WANT("Example Energy/owner/prefix 2001:db8:1::/48/10",
		    "Energy Sector CERT/liaison/prefix 2001:db8:1::/48/10/Example Energy",
		    "Health ISAC/liaison/prefix 2001:db8:1::/48/10/Example Energy", NATIONAL));
	make(&ev, "source.url=http://198.51.100.201/x", NULL);
	expect(most, &ev, TLP_GREEN,
	       WANT("Example ISP/owner/prefix 198.51.100.0/24/10", NATIONAL));
	/* Address and names are separate identifiers: the owners of each. */
	make(&ev, "source.ip=198.51.100.200", "source.fqdn=www.badexample.be",
	     "source.url=http://example.be/", NULL);
	expect(most, &ev, TLP_GREEN,
	       WANT("Example ISP/owner/prefix 198.51.100.0/24/10",
		    "Example Water/owner/domain badexample.be/10",
		    "Example Energy/owner/domain example.be/10",
		    "Energy Sector CERT/liaison/domain badexample.be/10/Example Water",
		    "Health ISAC/liaison/domain example.be/10/Example Energy", NATIONAL));
	event_free(&ev);
}

/* An event of the Example Energy (two liaisons) under every label, from
 * the event's tlp field and from the default. */
static void test_tlp(void **state)
{
	const struct {
		const char *label;
		enum tlp_label value;
		const char *const *want;
	} cases[] = {
	    {"CLEAR", TLP_CLEAR,
	     WANT("Example Energy/owner/prefix 198.51.100.0/26/10",
		  "Energy Sector CERT/liaison/prefix 198.51.100.0/26/10/Example Energy",
		  "Health ISAC/liaison/prefix 198.51.100.0/26/10/Example Energy", NATIONAL)},
	    {"GREEN", TLP_GREEN,
	     WANT("Example Energy/owner/prefix 198.51.100.0/26/10",
		  "Energy Sector CERT/liaison/prefix 198.51.100.0/26/10/Example Energy",
		  "Health ISAC/liaison/prefix 198.51.100.0/26/10/Example Energy", NATIONAL)},
	    {"AMBER", TLP_AMBER,
	     WANT("Example Energy/owner/prefix 198.51.100.0/26/11",
		  "Energy Sector CERT/liaison/prefix 198.51.100.0/26/11/Example Energy",
		  "Health ISAC/liaison/prefix 198.51.100.0/26/11/Example Energy",
		  "CERT Demo/national/national CSIRT/11")},
	    {"AMBER+STRICT", TLP_AMBER_STRICT,
	     WANT("Example Energy/owner/prefix 198.51.100.0/26/00",
		  "CERT Demo/national/national CSIRT/00")},
	    {"RED", TLP_RED, WANT("CERT Demo/national/national CSIRT/00")},
	};
	struct event ev;
	char tlp[32];

	(void)state;
	event_init(&ev);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(tlp, sizeof(tlp), "tlp=%s", cases[i].label);
		make(&ev, "source.ip=198.51.100.50", "classification.type=infected-system", tlp,
		     NULL);
		/* The event's label wins over the default, either way. */
		expect(most, &ev, i == 0 ? TLP_RED : TLP_CLEAR, cases[i].want);
		make(&ev, "source.ip=198.51.100.50", "classification.type=infected-system",
		     NULL);
		expect(most, &ev, cases[i].value, cases[i].want);
	}
	/* All covering under AMBER+STRICT: every owner, no liaison. */
	make(&ev, "source.ip=198.51.100.5", "classification.type=infected-system",
	     "tlp=AMBER+STRICT", NULL);
	expect(all, &ev, TLP_CLEAR,
	       WANT("Example Hospital/owner/prefix 198.51.100.0/28/00",
		    "Example Energy/owner/prefix 198.51.100.0/26/00",
		    "Example ISP/owner/prefix 198.51.100.0/24/00",
		    "CERT Demo/national/national CSIRT/00"));
	event_free(&ev);
}

static void test_optout(void **state)
{
	struct event ev;

	(void)state;
	event_init(&ev);
	/* The Hospital opted out of scanner: not it, but its liaison; and
	 * not the Energy owner of the less specific /26 instead. */
	make(&ev, "source.ip=198.51.100.5", "classification.type=scanner", NULL);
	expect(
	    most, &ev, TLP_GREEN,
	    WANT("Health ISAC/liaison/prefix 198.51.100.0/28/10/Example Hospital", NATIONAL));
	/* The liaison opted out of spam itself. */
	make(&ev, "source.ip=198.51.100.5", "classification.type=spam", NULL);
	expect(most, &ev, TLP_GREEN,
	       WANT("Example Hospital/owner/prefix 198.51.100.0/28/10", NATIONAL));
	/* A legacy spelling of a type is the same type. */
	make(&ev, "source.ip=198.51.100.5", "classification.type=vulnerable service", NULL);
	expect(most, &ev, TLP_GREEN,
	       WANT("Example Hospital/owner/prefix 198.51.100.0/28/10",
		    "Health ISAC/liaison/prefix 198.51.100.0/28/10/Example Hospital",
		    NATIONAL));
	/* All covering: the other owners still get it. */
	make(&ev, "source.ip=198.51.100.5", "classification.type=scanner", NULL);
	expect(all, &ev, TLP_GREEN,
	       WANT("Example Energy/owner/prefix 198.51.100.0/26/10",
		    "Example ISP/owner/prefix 198.51.100.0/24/10",
		    "Health ISAC/liaison/prefix 198.51.100.0/28/10/Example Hospital",
		    "Energy Sector CERT/liaison/prefix 198.51.100.0/26/10/Example Energy",
		    NATIONAL));
	event_free(&ev);
}

static void test_national(void **state)
{
	struct route_context_builder *b;
	struct route_context *ctx;
	struct sk_error err = {0};
	struct event ev;

	(void)state;
	event_init(&ev);
	/* Nobody owns it: only the national CSIRT, whose opt-out of scanner
	 * does not count. */
	make(&ev, "source.ip=192.0.2.1", "source.fqdn=nowhere.example.org",
	     "classification.type=scanner", NULL);
	expect(all, &ev, TLP_GREEN,
	       WANT("Energy Sector CERT/owner/prefix 192.0.2.0/24/10", NATIONAL));
	make(&ev, "source.fqdn=nowhere.example.org", "classification.type=scanner", NULL);
	expect(most, &ev, TLP_AMBER, WANT("CERT Demo/national/national CSIRT/11"));
	/* The national CSIRT owns the match: national, with its reason. */
	make(&ev, "source.fqdn=www.cert-demo.example.nl", NULL);
	expect(most, &ev, TLP_RED, WANT("CERT Demo/national/domain cert-demo.example.nl/00"));

	/* Two national CSIRTs, by id; none at all. */
	b = route_context_builder_new();
	assert_int_equal(route_context_builder_add_org(b, 12, "B", ORG_KIND_NATIONAL_CSIRT,
						       ORG_CLASS_ADMINISTRATION, &err),
			 0);
	assert_int_equal(route_context_builder_add_org(b, CERT, "A", ORG_KIND_NATIONAL_CSIRT,
						       ORG_CLASS_ADMINISTRATION, &err),
			 0);
	ctx = route_context_builder_finish(b, ROUTE_MODE_MOST_SPECIFIC, &err);
	assert_non_null(ctx);
	route_context_builder_free(b);
	make(&ev, "source.ip=192.0.2.1", NULL);
	{
		struct route_recipients got = {0};

		/* Energy Sector CERT (2) owns 192.0.2.0/24 but this context
		 * does not know it: still an owner. */
		assert_int_equal(route_event(ctx, idx, &ev, TLP_GREEN, &got), 3);
		assert_int_equal(got.v[0].org_id, ENERGY_CERT);
		assert_int_equal(got.v[0].role, RECIPIENT_OWNER);
		assert_int_equal(got.v[1].org_id, CERT);
		assert_int_equal(got.v[1].role, RECIPIENT_NATIONAL);
		assert_int_equal(got.v[2].org_id, 12);
		assert_int_equal(got.v[2].role, RECIPIENT_NATIONAL);
		route_recipients_free(&got);
	}
	route_context_free(ctx);

	b = route_context_builder_new();
	ctx = route_context_builder_finish(b, ROUTE_MODE_MOST_SPECIFIC, &err);
	assert_non_null(ctx);
	route_context_builder_free(b);
	make(&ev, "source.ip=2001:db8::1", NULL);
	{
		struct route_recipients got = {0};

		assert_int_equal(route_event(ctx, idx, &ev, TLP_RED, &got), 0);
		assert_int_equal(route_event(ctx, idx, &ev, TLP_GREEN, &got), 1);
		assert_int_equal(got.v[0].org_id, ISP);
		route_recipients_free(&got);
	}
	route_context_free(ctx);
	event_free(&ev);
}

/* The Energy Sector CERT owns 192.0.2.0/24 and is the liaison of the
 * Example Energy, which owns example.be: one entry, as owner. */
static void test_owner_and_liaison(void **state)
{
	struct event ev;

	(void)state;
	event_init(&ev);
	make(&ev, "source.ip=192.0.2.10", "source.fqdn=www.example.be",
	     "classification.type=infected-system", NULL);
	expect(most, &ev, TLP_AMBER,
	       WANT("Energy Sector CERT/owner/prefix 192.0.2.0/24/11",
		    "Example Energy/owner/domain example.be/11",
		    "Health ISAC/liaison/domain example.be/11/Example Energy",
		    "CERT Demo/national/national CSIRT/11"));
	/* An owner the context does not know (newer index) is an owner. */
	make(&ev, "source.ip=203.0.113.70", "classification.type=infected-system", NULL);
	expect(most, &ev, TLP_GREEN,
	       WANT("stranger/owner/prefix 203.0.113.64/26/10", NATIONAL));
	event_free(&ev);
}

struct collect {
	struct route_recipients *each;
	size_t calls;
	size_t stop_at;
};

/* Keep one event's recipients (route_event_batch_from's callback). */
static int keep_fn(size_t i, const struct event_recipient *r, size_t nr, void *arg)
{
	struct route_recipients *out = arg;

	(void)i;
	out->v = nr ? calloc(nr, sizeof(*r)) : NULL;
	if (nr)
		memcpy(out->v, r, nr * sizeof(*r));
	out->n = nr;
	return 0;
}

/* Shared back: ev as source_org submitted it, under each label. */
static void expect_from(const struct event *ev, int64_t source_org, enum tlp_label label,
			const char *const *want)
{
	struct route_recipients got = {0};

	assert_int_equal(
	    route_event_batch_from(most, idx, &ev, 1, label, source_org, keep_fn, &got), 0);
	check(&got, want);
	free(got.v);
}

/* The source never gets its events back; its members (Example Energy
 * of the Energy Sector CERT) only under AMBER, GREEN, CLEAR; others as
 * usual. */
static void test_shared_back(void **state)
{
	const struct {
		enum tlp_label label;
		const char *const *want;
	} cases[] = {
	    {TLP_CLEAR,
	     WANT("Example Energy/owner/prefix 198.51.100.0/26/10",
		  "Health ISAC/liaison/prefix 198.51.100.0/26/10/Example Energy", NATIONAL)},
	    {TLP_GREEN,
	     WANT("Example Energy/owner/prefix 198.51.100.0/26/10",
		  "Health ISAC/liaison/prefix 198.51.100.0/26/10/Example Energy", NATIONAL)},
	    {TLP_AMBER, WANT("Example Energy/owner/prefix 198.51.100.0/26/11",
			     "Health ISAC/liaison/prefix 198.51.100.0/26/11/Example Energy",
			     "CERT Demo/national/national CSIRT/11")},
	    {TLP_AMBER_STRICT, WANT("CERT Demo/national/national CSIRT/00")},
	    {TLP_RED, WANT("CERT Demo/national/national CSIRT/00")},
	};
	struct event ev;

	(void)state;
	event_init(&ev);
	make(&ev, "source.ip=198.51.100.50", NULL);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_from(&ev, ENERGY_CERT, cases[i].label, cases[i].want);
	/* A constituent about itself: its liaisons and the national CSIRT. */
	expect_from(&ev, ENERGY, TLP_GREEN,
		    WANT("Energy Sector CERT/liaison/prefix 198.51.100.0/26/10/Example Energy",
			 "Health ISAC/liaison/prefix 198.51.100.0/26/10/Example Energy",
			 NATIONAL));
	/* Nobody's submission: as route_event(). */
	expect_from(&ev, 0, TLP_GREEN,
		    WANT("Example Energy/owner/prefix 198.51.100.0/26/10",
			 "Energy Sector CERT/liaison/prefix 198.51.100.0/26/10/Example Energy",
			 "Health ISAC/liaison/prefix 198.51.100.0/26/10/Example Energy",
			 NATIONAL));
	event_free(&ev);
}

static int collect_fn(size_t i, const struct event_recipient *r, size_t nr, void *arg)
{
	struct collect *c = arg;

	assert_int_equal(i, c->calls);
	c->calls++;
	c->each[i].v = nr ? calloc(nr, sizeof(*r)) : NULL;
	if (nr)
		memcpy(c->each[i].v, r, nr * sizeof(*r));
	c->each[i].n = nr;
	return i + 1 == c->stop_at ? 7 : 0;
}

/* A batch answers as single events do, in order, and stops when told. */
static void test_batch(void **state)
{
	static const char *const ips[] = {
	    "198.51.100.5",	"198.51.100.50", "198.51.100.200", "2001:db8:1::5",
	    "2001:db8:ffff::1", "203.0.113.200", "192.0.2.10",	   "203.0.113.70",
	};
	enum { N = 300 };
	struct event *evs = calloc(N, sizeof(*evs));
	const struct event **ptrs = calloc(N, sizeof(*ptrs));
	struct route_recipients *each = calloc(N, sizeof(*each));
	struct collect c = {each, 0, 0};
	char ip[64], fqdn[80], type[64];

	(void)state;
	for (size_t i = 0; i < N; i++) {
		event_init(&evs[i]);
		snprintf(ip, sizeof(ip), "source.ip=%s", ips[i % 8]);
		snprintf(fqdn, sizeof(fqdn), "source.fqdn=h%zu.%s", i,
			 i % 3 == 0   ? "hospital.example.be"
			 : i % 3 == 1 ? "badexample.be"
				      : "x.org");
		snprintf(type, sizeof(type), "classification.type=%s",
			 i % 2 ? "scanner" : "spam");
		if (i % 5 == 0)
			make(&evs[i], fqdn, type, "source.asn=64497", NULL);
		else if (i % 7 == 0)
			make(&evs[i], "source.url=http://www.example.net/", type, NULL);
		else
			make(&evs[i], ip, fqdn, type, "source.asn=64496", NULL);
		ptrs[i] = &evs[i];
	}
	for (int m = 0; m < 2; m++) {
		const struct route_context *ctx = m ? all : most;

		memset(each, 0, N * sizeof(*each));
		c.calls = 0;
		c.stop_at = 0;
		assert_int_equal(
		    route_event_batch(ctx, idx, ptrs, N, TLP_AMBER, collect_fn, &c), 0);
		assert_int_equal(c.calls, N);
		for (size_t i = 0; i < N; i++) {
			struct route_recipients one = {0};

			route_event(ctx, idx, &evs[i], TLP_AMBER, &one);
			assert_int_equal(one.n, each[i].n);
			assert_true(one.n > 0);
			assert_memory_equal(one.v, each[i].v, one.n * sizeof(*one.v));
			route_recipients_free(&one);
			free(each[i].v);
		}
	}
	memset(each, 0, N * sizeof(*each));
	c.calls = 0;
	c.stop_at = 10;
	assert_int_equal(route_event_batch(most, idx, ptrs, N, TLP_AMBER, collect_fn, &c), 7);
	assert_int_equal(c.calls, 10);
	for (size_t i = 0; i < N; i++) {
		free(each[i].v);
		event_free(&evs[i]);
	}
	assert_int_equal(route_event_batch(most, idx, ptrs, 0, TLP_AMBER, collect_fn, &c), 0);
	free(evs);
	free(ptrs);
	free(each);
}

static void test_builder_errors(void **state)
{
	struct route_context_builder *b;
	struct sk_error err = {0};
	enum route_mode mode;
	const struct route_org *o;

	(void)state;
	assert_int_equal(route_mode_parse("all-covering", &mode, &err), 0);
	assert_int_equal(mode, ROUTE_MODE_ALL_COVERING);
	assert_int_equal(route_mode_parse("most-specific", &mode, &err), 0);
	assert_int_equal(mode, ROUTE_MODE_MOST_SPECIFIC);
	assert_int_equal(route_mode_parse("best", &mode, &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "most-specific or all-covering"));
	assert_int_equal(route_context_mode(all), ROUTE_MODE_ALL_COVERING);

	o = route_context_org(most, HOSPITAL);
	assert_non_null(o);
	assert_string_equal(o->name, "Example Hospital");
	assert_int_equal(o->kind, ORG_KIND_CONSTITUENT);
	assert_null(route_context_org(most, STRANGER));

	b = route_context_builder_new();
	assert_int_equal(
	    route_context_builder_add_org(b, 0, "x", ORG_KIND_LIAISON, ORG_CLASS_OES, &err),
	    SK_EINVAL);
	assert_int_equal(route_context_builder_add_optout(b, 1, "nonsense", &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "nonsense"));
	assert_int_equal(route_context_builder_add_member(b, 3, 3, &err), SK_EINVAL);
	assert_int_equal(
	    route_context_builder_add_org(b, 1, "a", ORG_KIND_CONSTITUENT, ORG_CLASS_OES, &err),
	    0);
	assert_int_equal(
	    route_context_builder_add_org(b, 2, "b", ORG_KIND_CONSTITUENT, ORG_CLASS_OES, &err),
	    0);
	/* A member of a constituent. */
	assert_int_equal(route_context_builder_add_member(b, 2, 1, &err), 0);
	assert_null(route_context_builder_finish(b, ROUTE_MODE_MOST_SPECIFIC, &err));
	assert_non_null(strstr(err.msg, "not a liaison"));
	route_context_builder_free(b);

	b = route_context_builder_new();
	assert_int_equal(
	    route_context_builder_add_org(b, 1, "a", ORG_KIND_LIAISON, ORG_CLASS_OES, &err), 0);
	assert_int_equal(route_context_builder_add_member(b, 1, 5, &err), 0);
	assert_null(route_context_builder_finish(b, ROUTE_MODE_MOST_SPECIFIC, &err));
	assert_non_null(strstr(err.msg, "no such organization"));
	route_context_builder_free(b);

	b = route_context_builder_new();
	assert_int_equal(route_context_builder_add_optout(b, 4, "spam", &err), 0);
	assert_null(route_context_builder_finish(b, ROUTE_MODE_MOST_SPECIFIC, &err));
	assert_non_null(strstr(err.msg, "no such organization"));
	route_context_builder_free(b);

	b = route_context_builder_new();
	assert_int_equal(
	    route_context_builder_add_org(b, 1, "a", ORG_KIND_LIAISON, ORG_CLASS_OES, &err), 0);
	assert_int_equal(
	    route_context_builder_add_org(b, 1, "b", ORG_KIND_LIAISON, ORG_CLASS_OES, &err), 0);
	assert_null(route_context_builder_finish(b, ROUTE_MODE_MOST_SPECIFIC, &err));
	assert_non_null(strstr(err.msg, "twice"));
	assert_null(route_context_builder_finish(b, (enum route_mode)7, &err));
	route_context_builder_free(b);
	route_context_builder_free(NULL);
}

/* The context and the index of a real SQLite store. */
static void test_load(void **state)
{
	struct testdb db;
	struct sk_error err = {0};
	struct route_recipients got = {0};
	struct route_context *ctx;
	struct route_index *sidx;
	struct store *st;
	struct event ev;
	int64_t cert, lia, mem, res;

	(void)state;
	assert_int_equal(testdb_open(&db, "match"), 0);
	st = db.st;
	store_set_actor(st, "test");
	cert = testdb_org_add_as(st, "CERT Demo", "national-csirt", "oes", NULL);
	lia = testdb_org_add_as(st, "Energy Sector CERT", "liaison", "oes", NULL);
	mem = testdb_org_add_as(st, "Example Energy", "constituent", "oes", NULL);
	res = testdb_resource_add(st, mem, "prefix:198.51.100.0/24");
	if (store_member_add(st, lia, mem, &err) != 0 ||
	    store_optout_add(st, lia, "spam", &err) != 0)
		fail_msg("%s", err.msg);
	ctx = route_context_load(st, ROUTE_MODE_MOST_SPECIFIC, &err);
	if (ctx == NULL)
		fail_msg("route_context_load: %s", err.msg);
	sidx = route_index_build(st, &err);
	assert_non_null(sidx);
	assert_string_equal(route_context_org(ctx, lia)->name, "Energy Sector CERT");

	event_init(&ev);
	make(&ev, "source.ip=198.51.100.9", "classification.type=scanner", NULL);
	assert_int_equal(route_event(ctx, sidx, &ev, TLP_GREEN, &got), 3);
	assert_int_equal(got.v[0].org_id, mem);
	assert_int_equal(got.v[0].resource_id, res);
	assert_int_equal(got.v[1].org_id, lia);
	assert_int_equal(got.v[1].role, RECIPIENT_LIAISON);
	assert_int_equal(got.v[2].org_id, cert);
	make(&ev, "source.ip=198.51.100.9", "classification.type=spam", NULL);
	assert_int_equal(route_event(ctx, sidx, &ev, TLP_GREEN, &got), 2);
	assert_int_equal(got.v[1].org_id, cert);
	route_recipients_free(&got);
	event_free(&ev);
	route_index_free(sidx);
	route_context_free(ctx);
	testdb_close(&db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_nested_most_specific),
	    cmocka_unit_test(test_nested_all_covering),
	    cmocka_unit_test(test_ipv6),
	    cmocka_unit_test(test_asn_fallback),
	    cmocka_unit_test(test_domains),
	    cmocka_unit_test(test_tlp),
	    cmocka_unit_test(test_optout),
	    cmocka_unit_test(test_national),
	    cmocka_unit_test(test_owner_and_liaison),
	    cmocka_unit_test(test_batch),
	    cmocka_unit_test(test_shared_back),
	    cmocka_unit_test(test_builder_errors),
	    cmocka_unit_test(test_load),
	};

	return cmocka_run_group_tests_name("match", tests, setup, teardown);
}
