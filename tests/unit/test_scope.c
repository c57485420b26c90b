/* tests/unit/test_scope.c: RIR delegated statistics read for one country
 * (header, summary and comment lines, IPv4 counts that are not a power of
 * two, IPv6, AS numbers, statuses that are not kept), their errors naming
 * file:line and the field, and the verdicts of scope_check(): by
 * delegated stats, by a MaxMind country database (the test databases in
 * tests/fixtures/mmdb know no documentation address, so those tests
 * use theirs), by TLD, out of scope, and nothing named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/error.h"
#include "net/prefix.h"
#include "ticket/extract.h"
#include "ticket/scope.h"

/* A delegated-stats file in the RIR exchange format, documentation
 * ranges only. */
static const char delegated[] = "# RIR statistics exchange format, for the scope tests\n"
				"2.3|ripencc|1700000000|13|19830705|20240101|+0100\n"
				"ripencc|*|asn|*|3|summary\n"
				"ripencc|*|ipv4|*|6|summary\n"
				"ripencc|*|ipv6|*|2|summary\n"
				"#\n"
				"ripencc|BE|asn|64496|2|20100101|allocated|a1b2c3\n"
				"ripencc|NL|asn|64500|1|20100101|assigned|d4e5f6\n"
				"ripencc|BE|asn|64510|1|20100101|available\n"
				"ripencc|BE|ipv4|198.51.100.0|96|20100101|allocated|a1b2c3\n"
				"ripencc|BE|ipv4|203.0.113.0|256|20120304|assigned\n"
				"ripencc|be|ipv4|203.0.113.16|16|20120304|assigned\r\n"
				"ripencc|NL|ipv4|192.0.2.0|256|20100101|allocated\n"
				"ripencc|BE|ipv4|198.51.100.128|64|20100101|available\n"
				"ripencc|ZZ|ipv4|198.51.100.192|64||reserved\n"
				"\n"
				"ripencc|BE|ipv6|2001:db8::|33|20100101|allocated|a1b2c3\n"
				"ripencc|NL|ipv6|2001:db8:8000::|33|20100101|allocated";

static char delegated_path[64], country_db[1024];

static int setup(void **state)
{
	const char *dir = getenv("SCHAKEL_FIXTURES");
	int fd;

	(void)state;
	if (dir != NULL)
		snprintf(country_db, sizeof(country_db), "%s/mmdb/GeoIP2-Country-Test.mmdb",
			 dir);
	snprintf(delegated_path, sizeof(delegated_path), "/tmp/test_scope.XXXXXX");
	fd = mkstemp(delegated_path);
	if (fd < 0 || write(fd, delegated, sizeof(delegated) - 1) != sizeof(delegated) - 1)
		return -1;
	close(fd);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(delegated_path);
	return 0;
}

static struct prefix pfx(const char *text)
{
	struct sk_error err = {0};
	struct prefix p;

	if (prefix_parse(text, &p, &err) != 0)
		fail_msg("%s: %s", text, err.msg);
	return p;
}

/* The national prefix covering text, or "" if none. */
static const char *covering(const struct scope_ranges *r, const char *text)
{
	static char out[PREFIX_TEXT_MAX];
	struct prefix q = pfx(text), c;

	if (!scope_ranges_find(r, &q, &c))
		return "";
	prefix_format(&c, out, sizeof(out));
	return out;
}

static void test_read(void **state)
{
	struct sk_error err = {0};
	struct scope_ranges *r = scope_read_delegated(delegated_path, "be", &err);
	size_t n4, n6, nasn;

	(void)state;
	if (r == NULL)
		fail_msg("read: %s", err.msg);
	/* 96 addresses: a /26 and a /27. 203.0.113.16/28 lies inside the
	 * /24 and goes. available and reserved are left out. */
	scope_ranges_count(r, &n4, &n6, &nasn);
	assert_int_equal(n4, 3);
	assert_int_equal(n6, 1);
	assert_int_equal(nasn, 1);
	assert_string_equal(covering(r, "198.51.100.0"), "198.51.100.0/26");
	assert_string_equal(covering(r, "198.51.100.63"), "198.51.100.0/26");
	assert_string_equal(covering(r, "198.51.100.64"), "198.51.100.64/27");
	assert_string_equal(covering(r, "198.51.100.95"), "198.51.100.64/27");
	assert_string_equal(covering(r, "198.51.100.96"), "");
	assert_string_equal(covering(r, "198.51.100.130"), "");
	assert_string_equal(covering(r, "198.51.100.200"), "");
	assert_string_equal(covering(r, "203.0.113.17"), "203.0.113.0/24");
	assert_string_equal(covering(r, "203.0.113.0/25"), "203.0.113.0/24");
	assert_string_equal(covering(r, "198.51.100.0/25"), ""); /* only partly */
	assert_string_equal(covering(r, "192.0.2.1"), "");	 /* NL */
	assert_string_equal(covering(r, "2001:db8::1"), "2001:db8::/33");
	assert_string_equal(covering(r, "2001:db8:7fff::/48"), "2001:db8::/33");
	assert_string_equal(covering(r, "2001:db8:8000::1"), "");
	assert_string_equal(covering(r, "2001:db9::1"), "");
	assert_false(scope_ranges_find_asn(r, 64495));
	assert_true(scope_ranges_find_asn(r, 64496));
	assert_true(scope_ranges_find_asn(r, 64497));
	assert_false(scope_ranges_find_asn(r, 64498));
	assert_false(scope_ranges_find_asn(r, 64500));
	assert_false(scope_ranges_find_asn(r, 64510));
	scope_ranges_free(r);

	r = scope_read_delegated(delegated_path, "NL", &err);
	assert_non_null(r);
	assert_string_equal(covering(r, "192.0.2.255"), "192.0.2.0/24");
	assert_string_equal(covering(r, "2001:db8:8000::1"), "2001:db8:8000::/33");
	assert_true(scope_ranges_find_asn(r, 64500));
	scope_ranges_free(r);
	scope_ranges_free(NULL);
}

/* Read text (a whole file) for cc; NULL with err set on failure. */
static struct scope_ranges *read_text(const char *text, const char *cc, struct sk_error *err)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	struct scope_ranges *r;

	assert_non_null(f);
	r = scope_read_delegated_file(f, "stats.txt", cc, err);
	fclose(f);
	return r;
}

static void test_ipv4_counts(void **state)
{
	struct sk_error err = {0};
	struct scope_ranges *r;
	size_t n4, n6, nasn;

	(void)state;
	/* No header at all is fine. 6 addresses from .1: .1/32, .2/31,
	 * .4/31, .6/32; the whole space is one /0. */
	r = read_text("arin|US|ipv4|192.0.2.1|6|20100101|assigned\n", "US", &err);
	assert_non_null(r);
	scope_ranges_count(r, &n4, &n6, &nasn);
	assert_int_equal(n4, 4);
	assert_string_equal(covering(r, "192.0.2.1"), "192.0.2.1/32");
	assert_string_equal(covering(r, "192.0.2.3"), "192.0.2.2/31");
	assert_string_equal(covering(r, "192.0.2.5"), "192.0.2.4/31");
	assert_string_equal(covering(r, "192.0.2.6"), "192.0.2.6/32");
	assert_string_equal(covering(r, "192.0.2.0"), "");
	assert_string_equal(covering(r, "192.0.2.7"), "");
	scope_ranges_free(r);

	r = read_text("iana|ZZ|ipv4|0.0.0.0|4294967296||allocated\n"
		      "iana|ZZ|asn|0|4294967296||allocated\n",
		      "zz", &err);
	assert_non_null(r);
	scope_ranges_count(r, &n4, &n6, &nasn);
	assert_int_equal(n4, 1);
	assert_string_equal(covering(r, "255.255.255.255"), "0.0.0.0/0");
	assert_true(scope_ranges_find_asn(r, 4294967295u));
	scope_ranges_free(r);
}

/* Reading text must fail with code, and the message must hold want. */
static void want_error(const char *text, int code, const char *want)
{
	struct sk_error err = {0};
	struct scope_ranges *r = read_text(text, "BE", &err);

	assert_null(r);
	assert_int_equal(err.code, code);
	if (strstr(err.msg, want) == NULL)
		fail_msg("'%s' lacks '%s'", err.msg, want);
}

static void test_errors(void **state)
{
	char *longline = malloc(SCOPE_DELEGATED_LINE_MAX + 100);

	(void)state;
	want_error("2|ripencc|1|1|19830705|20240101|+0100\n"
		   "ripencc|BE|ipv4|198.51.100.300|256|20100101|allocated\n",
		   SK_EINVAL, "stats.txt:2: field 'start' ('198.51.100.300')");
	want_error("ripencc|BE|ipv4|198.51.100.0|abc|20100101|allocated\n", SK_EINVAL,
		   "stats.txt:1: field 'value' ('abc')");
	want_error("ripencc|BE|ipv4|198.51.100.0|0|20100101|allocated\n", SK_EINVAL,
		   "field 'value' ('0')");
	want_error("ripencc|BE|ipv4|255.255.255.0|512|20100101|allocated\n", SK_EINVAL,
		   "field 'value' ('512'): not a number of addresses that fits");
	want_error("# c\n\nripencc|BE|ipv6|2001:db8::1|32|20100101|allocated\n", SK_EINVAL,
		   "stats.txt:3: field 'start' ('2001:db8::1'): host bits set");
	want_error("ripencc|BE|ipv6|2001:db8::|129|20100101|allocated\n", SK_EINVAL,
		   "field 'value' ('129')");
	want_error("ripencc|BE|ipv5|192.0.2.0|1|20100101|allocated\n", SK_EINVAL,
		   "field 'type' ('ipv5')");
	want_error("ripencc|BE|asn|AS64496|1|20100101|allocated\n", SK_EINVAL,
		   "field 'start' ('AS64496')");
	want_error("ripencc|BE|asn|4294967295|2|20100101|allocated\n", SK_EINVAL,
		   "field 'value' ('2')");
	want_error("ripencc|BE|ipv4|192.0.2.0|1|20100101|gone\n", SK_EINVAL,
		   "field 'status' ('gone')");
	want_error("ripencc|BE|ipv4|192.0.2.0|1|2010|allocated\n", SK_EINVAL,
		   "field 'date' ('2010')");
	want_error("ripencc|BEL|ipv4|192.0.2.0|1|20100101|allocated\n", SK_EINVAL,
		   "field 'cc' ('BEL')");
	want_error("RIPE NCC|BE|ipv4|192.0.2.0|1|20100101|allocated\n", SK_EINVAL,
		   "field 'registry' ('RIPE NCC')");
	want_error("ripencc|BE|ipv4|192.0.2.0|1\n", SK_EINVAL, "stats.txt:1: 5 fields");
	want_error("ripencc|*|ipv4|*|x|summary\n", SK_EINVAL, "field 'count' ('x')");
	want_error("ripencc|*|ipv4|5|summary\n", SK_EINVAL, "not a summary line");
	want_error("ripencc|BE|asn|64496|1|20100101|allocated\n2|ripencc|1|1|1|1|+0100\n",
		   SK_EINVAL, "stats.txt:2: a version line after the first record");
	want_error("ripencc|BE|ipv4|192.0.2.\x01|1|20100101|allocated\n", SK_EINVAL,
		   "('192.0.2.\\x01')");
	want_error("a|b|c|d|e|f|g|h|i|j|k|l|m|n|o|p|q\n", SK_EINVAL, "more than 16 fields");
	assert_non_null(longline);
	memset(longline, 'x', SCOPE_DELEGATED_LINE_MAX + 99);
	longline[SCOPE_DELEGATED_LINE_MAX + 99] = '\0';
	want_error(longline, SK_ETOOBIG, "stats.txt:1: line longer than 1024 bytes");
	free(longline);

	{
		struct sk_error err = {0};

		assert_null(scope_read_delegated("/nonexistent/delegated.txt", "BE", &err));
		assert_int_equal(err.code, SK_ECONFIG);
		assert_non_null(strstr(err.msg, "/nonexistent/delegated.txt"));
	}
}

/* The verdict on text for s. */
static struct scope_verdict verdict(const struct scope *s, const char *text)
{
	struct extract_result items;
	struct scope_verdict v;
	struct sk_error err = {0};

	assert_int_equal(extract_text(text, strlen(text), &items, &err), 0);
	assert_int_equal(scope_check(s, &items, &v), 0);
	extract_result_free(&items);
	return v;
}

static void want(const struct scope *s, const char *text, enum scope_answer answer,
		 const char *reason)
{
	struct scope_verdict v = verdict(s, text);

	assert_string_equal(v.reason, reason);
	assert_int_equal(v.answer, answer);
}

static void test_verdicts(void **state)
{
	struct scope_config cfg = {
	    .country = "be", .delegated = delegated_path, .tlds = "be, .brussels  vlaanderen"};
	struct sk_error err = {0};
	const char *bad;
	struct scope *s = scope_open(&cfg, &bad, &err);

	(void)state;
	if (s == NULL)
		fail_msg("open: %s", err.msg);
	want(s, "attack from 198.51.100.7 on example.nl", SCOPE_IN,
	     "198.51.100.7 is in BE (delegated stats: 198.51.100.0/26)");
	want(s, "2001:db8:1::/48 and 2001:db8::2", SCOPE_IN,
	     "2001:db8:1::/48 is in BE (delegated stats: 2001:db8::/33)");
	want(s, "192.0.2.1 then www.example.be", SCOPE_IN, "www.example.be ends in .be");
	want(s, "hxxps://login.example[.]brussels/x", SCOPE_IN,
	     "login.example.brussels ends in .brussels");
	want(s, "AS64497 announces it", SCOPE_IN, "AS64497 is in BE (delegated stats)");
	/* Label boundaries: "notbe" is no .be. */
	want(s, "192.0.2.1, 2001:db8:8000::1 and www.example.nl, AS64500", SCOPE_OUT,
	     "out of scope: no address in BE and no domain under .be, .brussels or "
	     ".vlaanderen (checked 2 addresses, 1 AS number, 1 domain)");
	want(s, "CVE-2021-44228 is bad", SCOPE_OUT,
	     "out of scope: the report names no address or domain");
	want(s, "", SCOPE_OUT, "out of scope: the report names no address or domain");
	scope_close(s);

	/* TLDs only. */
	cfg.delegated = NULL;
	cfg.tlds = "example.nl";
	s = scope_open(&cfg, &bad, &err);
	assert_non_null(s);
	want(s, "badexample.nl www.example.nl", SCOPE_IN, "www.example.nl ends in .example.nl");
	want(s, "198.51.100.7 badexample.nl", SCOPE_OUT,
	     "out of scope: no domain under .example.nl; addresses not placed (no country "
	     "database or delegated stats configured) (checked 1 address, 1 domain)");
	scope_close(s);
	scope_close(NULL);
}

static void test_mmdb(void **state)
{
	struct scope_config cfg = {.country = "GB", .tlds = "uk"};
	struct sk_error err = {0};
	const char *bad;
	struct scope *s;

	(void)state;
	if (country_db[0] == '\0')
		skip();
	cfg.country_mmdb = country_db;
	s = scope_open(&cfg, &bad, &err);
	if (s == NULL)
		fail_msg("open: %s", err.msg);
	want(s, "from 89.160.20.128 and 81.2.69.160", SCOPE_IN,
	     "81.2.69.160 is in GB (country database)");
	want(s, "http://[::ffff:81.2.69.160]/x", SCOPE_IN,
	     "::ffff:81.2.69.160 is in GB (country database)");
	want(s, "89.160.20.128 2001:218::1 198.51.100.7", SCOPE_OUT,
	     "out of scope: no address in GB and no domain under .uk (checked 3 addresses, "
	     "0 domains)");
	scope_close(s);

	cfg.country = "SE";
	cfg.tlds = NULL;
	s = scope_open(&cfg, &bad, &err);
	assert_non_null(s);
	want(s, "89.160.20.128", SCOPE_IN, "89.160.20.128 is in SE (country database)");
	want(s, "81.2.69.160 www.example.be", SCOPE_OUT,
	     "out of scope: no address in SE (checked 1 address, 1 domain)");
	scope_close(s);
}

static void test_config_errors(void **state)
{
	struct scope_config cfg = {.country = "BEL"};
	struct sk_error err = {0};
	const char *bad;

	(void)state;
	assert_null(scope_open(&cfg, &bad, &err));
	assert_int_equal(err.code, SK_ECONFIG);
	assert_non_null(strstr(err.msg, "'BEL' is not a two-letter country code"));
	assert_string_equal(bad, "country");
	cfg.country = NULL;
	assert_null(scope_open(&cfg, &bad, &err));
	assert_int_equal(err.code, SK_ECONFIG);

	cfg.country = "BE";
	cfg.tlds = "be, b_e";
	assert_null(scope_open(&cfg, &bad, &err));
	assert_int_equal(err.code, SK_ECONFIG);
	assert_string_equal(bad, "tlds");
	assert_non_null(strstr(err.msg, "b_e"));

	cfg.tlds = "be";
	cfg.country_mmdb = "/nonexistent/GeoLite2-Country.mmdb";
	assert_null(scope_open(&cfg, &bad, &err));
	assert_int_equal(err.code, SK_ECONFIG);
	assert_non_null(strstr(err.msg, "/nonexistent/GeoLite2-Country.mmdb"));
	assert_string_equal(bad, "country_mmdb");

	cfg.country_mmdb = "";
	cfg.delegated = "/nonexistent/delegated-ripencc-latest";
	assert_null(scope_open(&cfg, &bad, &err));
	assert_int_equal(err.code, SK_ECONFIG);
	assert_non_null(strstr(err.msg, "/nonexistent/delegated-ripencc-latest"));
	assert_string_equal(bad, "delegated");

	assert_int_equal(scope_check(NULL, NULL, NULL), SK_EINVAL);
	assert_string_equal(scope_answer_names[SCOPE_UNKNOWN], "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_read),   cmocka_unit_test(test_ipv4_counts),
	    cmocka_unit_test(test_errors), cmocka_unit_test(test_verdicts),
	    cmocka_unit_test(test_mmdb),   cmocka_unit_test(test_config_errors),
	};

	return cmocka_run_group_tests_name("scope", tests, setup, teardown);
}
