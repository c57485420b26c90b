/* tests/unit/test_enrich.c: AS numbers, AS names and country codes from
 * MaxMind's test databases (tests/fixtures/mmdb, whose README lists
 * the expected answers): IPv4 looked up in the IPv4 part of an IPv6 tree,
 * IPv6, IPv4-mapped and 6to4 aliases, addresses the databases do not
 * know, filling only what an event lacks, and the errors of a wrong or
 * missing file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/error.h"
#include "model/event.h"
#include "net/prefix.h"
#include "route/enrich.h"

static char asn_db[1024], country_db[1024], city_db[1024], readme[1024];

static int setup(void **state)
{
	const char *dir = getenv("SCHAKEL_FIXTURES");

	(void)state;
	if (dir == NULL)
		return 0; /* each test skips */
	snprintf(asn_db, sizeof(asn_db), "%s/mmdb/GeoLite2-ASN-Test.mmdb", dir);
	snprintf(country_db, sizeof(country_db), "%s/mmdb/GeoIP2-Country-Test.mmdb", dir);
	snprintf(city_db, sizeof(city_db), "%s/mmdb/GeoIP2-City-Test.mmdb", dir);
	snprintf(readme, sizeof(readme), "%s/mmdb/README.md", dir);
	return 0;
}

static struct route_enricher *open_both(void)
{
	struct sk_error err = {0};
	struct route_enricher *e;

	if (asn_db[0] == '\0')
		skip();
	e = route_enricher_open(asn_db, country_db, &err);
	if (e == NULL)
		fail_msg("open: %s", err.msg);
	return e;
}

static struct route_geo look(const struct route_enricher *e, const char *ip)
{
	struct sk_error err = {0};
	struct route_geo geo;
	struct prefix p;

	if (prefix_parse_addr(ip, &p, &err) != 0)
		fail_msg("%s: %s", ip, err.msg);
	if (route_enrich_lookup(e, &p, &geo, &err) != 0)
		fail_msg("lookup %s: %s", ip, err.msg);
	return geo;
}

static void test_lookups(void **state)
{
	struct route_enricher *e = open_both();
	struct route_geo g;
	struct prefix net;
	struct sk_error err = {0};

	(void)state;
	assert_true(route_enricher_active(e));
	/* IPv4 in a database of both families: its IPv4 part (::/96). The
	 * same four bytes at the start of an IPv6 address are elsewhere. */
	g = look(e, "81.2.69.160");
	assert_string_equal(g.cc, "GB");
	assert_int_equal(g.asn, 0);
	g = look(e, "5102:45a0::");
	assert_string_equal(g.cc, "");
	g = look(e, "::ffff:81.2.69.160");
	assert_string_equal(g.cc, "GB");
	g = look(e, "2002:5102:45a0::1");
	assert_string_equal(g.cc, "GB");

	g = look(e, "1.128.0.1");
	assert_int_equal(g.asn, 1221);
	assert_string_equal(g.as_name, "Telstra Pty Ltd");
	g = look(e, "12.81.92.1");
	assert_int_equal(g.asn, 7018);
	assert_string_equal(g.as_name, "AT&T Services");
	g = look(e, "89.160.20.128");
	assert_int_equal(g.asn, 29518);
	assert_string_equal(g.as_name, "Bredband2 AB");
	assert_string_equal(g.cc, "SE");
	g = look(e, "2001:218::1");
	assert_string_equal(g.cc, "JP");
	g = look(e, "2600:6000::1");
	assert_int_equal(g.asn, 237);
	assert_string_equal(g.as_name, "Merit Network Inc.");
	/* An AS number without a name. */
	g = look(e, "216.160.83.56");
	assert_int_equal(g.asn, 209);
	assert_string_equal(g.as_name, "");
	assert_string_equal(g.cc, "US");

	/* Documentation and private ranges are in neither. */
	for (const char *const *ip =
		 (const char *const[]){"10.0.0.1", "192.0.2.1", "198.51.100.1", "203.0.113.1",
				       "2001:db8::1", NULL};
	     *ip != NULL; ip++) {
		g = look(e, *ip);
		assert_int_equal(g.asn, 0);
		assert_string_equal(g.as_name, "");
		assert_string_equal(g.cc, "");
	}
	/* A network is no address. */
	assert_int_equal(prefix_parse("81.2.69.160/27", &net, &err), 0);
	assert_int_equal(route_enrich_lookup(e, &net, &g, &err), SK_EINVAL);
	route_enricher_free(e);
}

static void set(struct event *ev, const char *name, const char *value)
{
	struct sk_error err = {0};

	if (event_set(ev, name, value, &err) != 0)
		fail_msg("%s: %s", name, err.msg);
}

static void test_events(void **state)
{
	struct route_enricher *e = open_both(), *asn_only;
	struct sk_error err = {0};
	struct event ev;

	(void)state;
	event_init(&ev);
	set(&ev, "source.ip", "89.160.20.128");
	assert_int_equal(route_enrich_event(e, &ev, &err),
			 ROUTE_ENRICH_ASN | ROUTE_ENRICH_AS_NAME | ROUTE_ENRICH_CC);
	assert_string_equal(event_get(&ev, EVENT_SOURCE_ASN), "29518");
	assert_string_equal(event_get(&ev, EVENT_SOURCE_AS_NAME), "Bredband2 AB");
	assert_string_equal(event_get(&ev, EVENT_SOURCE_GEOLOCATION_CC), "SE");
	/* Nothing is missing any more. */
	assert_int_equal(route_enrich_event(e, &ev, &err), 0);

	/* The event's own values stay; a name goes only with its number. */
	event_reset(&ev);
	set(&ev, "source.ip", "89.160.20.128");
	set(&ev, "source.asn", "AS64496");
	set(&ev, "source.geolocation.cc", "be");
	assert_int_equal(route_enrich_event(e, &ev, &err), 0);
	assert_string_equal(event_get(&ev, EVENT_SOURCE_ASN), "64496");
	assert_null(event_get(&ev, EVENT_SOURCE_AS_NAME));
	assert_string_equal(event_get(&ev, EVENT_SOURCE_GEOLOCATION_CC), "BE");
	event_reset(&ev);
	set(&ev, "source.ip", "1.128.0.1");
	set(&ev, "source.asn", "1221");
	assert_int_equal(route_enrich_event(e, &ev, &err), ROUTE_ENRICH_AS_NAME);
	assert_string_equal(event_get(&ev, EVENT_SOURCE_AS_NAME), "Telstra Pty Ltd");
	assert_false(event_has(&ev, EVENT_SOURCE_GEOLOCATION_CC));

	/* IPv6, and an address nobody knows. */
	event_reset(&ev);
	set(&ev, "source.ip", "2001:218::1");
	assert_int_equal(route_enrich_event(e, &ev, &err), ROUTE_ENRICH_CC);
	assert_string_equal(event_get(&ev, EVENT_SOURCE_GEOLOCATION_CC), "JP");
	event_reset(&ev);
	set(&ev, "source.ip", "198.51.100.7");
	assert_int_equal(route_enrich_event(e, &ev, &err), 0);
	assert_false(event_has(&ev, EVENT_SOURCE_ASN));
	/* No source.ip: nothing to look up. */
	event_reset(&ev);
	set(&ev, "source.fqdn", "www.example.be");
	assert_int_equal(route_enrich_event(e, &ev, &err), 0);

	/* One database only. */
	asn_only = route_enricher_open(asn_db, NULL, &err);
	assert_non_null(asn_only);
	event_reset(&ev);
	set(&ev, "source.ip", "89.160.20.128");
	assert_int_equal(route_enrich_event(asn_only, &ev, &err),
			 ROUTE_ENRICH_ASN | ROUTE_ENRICH_AS_NAME);
	assert_false(event_has(&ev, EVENT_SOURCE_GEOLOCATION_CC));
	route_enricher_free(asn_only);
	event_free(&ev);
	route_enricher_free(e);
}

static void test_open_errors(void **state)
{
	struct sk_error err = {0};
	struct route_enricher *e;
	struct event ev;

	(void)state;
	if (city_db[0] == '\0')
		skip();
	/* A city database is a country database too. */
	e = route_enricher_open(NULL, city_db, &err);
	assert_non_null(e);
	assert_string_equal(look(e, "81.2.69.160").cc, "GB");
	route_enricher_free(e);

	assert_null(route_enricher_open(country_db, NULL, &err));
	assert_int_equal(err.code, SK_ECONFIG);
	assert_non_null(strstr(err.msg, "GeoIP2-Country database, not an ASN database"));
	assert_null(route_enricher_open(NULL, asn_db, &err));
	assert_int_equal(err.code, SK_ECONFIG);
	assert_non_null(strstr(err.msg, "not a country database"));
	assert_null(route_enricher_open("/nonexistent/GeoLite2-ASN.mmdb", NULL, &err));
	assert_int_equal(err.code, SK_ECONFIG);
	assert_non_null(strstr(err.msg, "/nonexistent/GeoLite2-ASN.mmdb"));
	assert_null(route_enricher_open(readme, NULL, &err));
	assert_int_equal(err.code, SK_ECONFIG);
	assert_non_null(strstr(err.msg, "README.md"));

	/* Neither: an enricher that fills nothing. */
	e = route_enricher_open(NULL, "", &err);
	assert_non_null(e);
	assert_false(route_enricher_active(e));
	event_init(&ev);
	assert_int_equal(event_set(&ev, "source.ip", "89.160.20.128", &err), 0);
	assert_int_equal(route_enrich_event(e, &ev, &err), 0);
	assert_false(event_has(&ev, EVENT_SOURCE_ASN));
	event_free(&ev);
	route_enricher_free(e);
	route_enricher_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lookups),
	    cmocka_unit_test(test_events),
	    cmocka_unit_test(test_open_errors),
	};

	return cmocka_run_group_tests_name("enrich", tests, setup, NULL);
}
