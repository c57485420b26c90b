/* tests/unit/test_prefix.c: IPv4 and IPv6 prefixes are parsed strictly,
 * with messages that say what was wrong, and printed canonically. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "lib/error.h"
#include "net/prefix.h"

/* Parse text, which must succeed, and return its canonical form. */
static const char *canon(const char *text)
{
	static char buf[PREFIX_TEXT_MAX];
	struct sk_error err = {0};
	struct prefix p;
	int n;

	if (prefix_parse(text, &p, &err) != 0)
		fail_msg("%s: %s", text, err.msg);
	n = prefix_format(&p, buf, sizeof(buf));
	assert_int_equal(n, (int)strlen(buf));
	return buf;
}

/* Parse text, which must fail with code and a message containing want. */
static void refused(const char *text, int code, const char *want)
{
	struct sk_error err = {0};
	struct prefix p, before;

	memset(&p, 0xa5, sizeof(p));
	before = p;
	assert_int_equal(prefix_parse(text, &p, &err), code);
	assert_int_equal(err.code, code);
	if (strstr(err.msg, want) == NULL)
		fail_msg("'%s': message '%s' lacks '%s'", text, err.msg, want);
	assert_memory_equal(&p, &before, sizeof(p)); /* untouched on failure */
}

static struct prefix pfx(const char *text)
{
	struct sk_error err = {0};
	struct prefix p;

	if (prefix_parse(text, &p, &err) != 0)
		fail_msg("%s: %s", text, err.msg);
	return p;
}

static void test_parse_ipv4(void **state)
{
	struct prefix p;

	(void)state;
	p = pfx("198.51.100.0/24");
	assert_int_equal(p.family, 4);
	assert_int_equal(p.len, 24);
	assert_int_equal(p.addr[0], 198);
	assert_int_equal(p.addr[1], 51);
	assert_int_equal(p.addr[2], 100);
	assert_int_equal(p.addr[3], 0);
	p = pfx("192.0.2.7");
	assert_int_equal(p.len, 32);
	assert_int_equal(p.addr[3], 7);
	p = pfx("0.0.0.0/0");
	assert_int_equal(p.len, 0);
	assert_string_equal(canon("0.0.0.0/0"), "0.0.0.0/0");
	assert_string_equal(canon("203.0.113.255"), "203.0.113.255/32");
	assert_string_equal(canon("203.0.113.128/25"), "203.0.113.128/25");
	assert_string_equal(canon("255.255.255.255/32"), "255.255.255.255/32");
	assert_string_equal(canon("0.0.0.0"), "0.0.0.0/32");
}

static void test_parse_ipv6(void **state)
{
	struct prefix p;

	(void)state;
	p = pfx("2001:db8::/32");
	assert_int_equal(p.family, 6);
	assert_int_equal(p.len, 32);
	assert_int_equal(p.addr[0], 0x20);
	assert_int_equal(p.addr[1], 0x01);
	assert_int_equal(p.addr[2], 0x0d);
	assert_int_equal(p.addr[3], 0xb8);
	assert_int_equal(p.addr[15], 0);
	assert_string_equal(canon("2001:DB8:0:0::1/128"), "2001:db8::1/128");
	assert_string_equal(canon("2001:db8::1"), "2001:db8::1/128");
	assert_string_equal(canon("2001:0db8:0000:0000:0000:0000:0000:0001"),
			    "2001:db8::1/128");
	assert_string_equal(canon("2001:db8:0:1:0:0:0:0/64"), "2001:db8:0:1::/64");
	/* RFC 5952: the longest run of zeros is compressed, the first on a tie,
	 * a single zero group is not */
	assert_string_equal(canon("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1/128");
	assert_string_equal(canon("2001:db8:0:1:1:1:1:1"), "2001:db8:0:1:1:1:1:1/128");
	assert_string_equal(canon("::/0"), "::/0");
	assert_string_equal(canon("::"), "::/128");
	assert_string_equal(canon("::1"), "::1/128");
	/* IPv4-mapped addresses are IPv6 */
	p = pfx("::ffff:192.0.2.1");
	assert_int_equal(p.family, 6);
	assert_int_equal(p.len, 128);
	assert_string_equal(canon("::FFFF:192.0.2.1"), "::ffff:192.0.2.1/128");
	assert_string_equal(canon("::ffff:192.0.2.0/120"), "::ffff:192.0.2.0/120");
}

static void test_refused(void **state)
{
	(void)state;
	refused("198.51.100.1/24", SK_EINVAL,
		"198.51.100.1/24: host bits are set (did you mean 198.51.100.0/24?)");
	refused("2001:db8::1/32", SK_EINVAL, "host bits are set (did you mean 2001:db8::/32?)");
	refused("192.0.2.0/33", SK_EINVAL,
		"192.0.2.0/33: prefix length 33 is over 32 for IPv4");
	refused("2001:db8::/129", SK_EINVAL,
		"2001:db8::/129: prefix length 129 is over 128 for IPv6");
	refused("192.0.2.0/4294967328", SK_EINVAL, "is over 32 for IPv4");
	refused("garbage", SK_EINVAL, "'garbage': not an IP address or prefix");
	refused("", SK_EINVAL, "empty");
	refused("example.be", SK_EINVAL, "not an IP address or prefix");
	refused("64496", SK_EINVAL, "not an IP address or prefix");
	refused("1.2.3", SK_EINVAL, "four parts");
	refused("1.2.3.4.5", SK_EINVAL, "four parts");
	refused("1.2.3.4.", SK_EINVAL, "empty part");
	refused("1..3.4", SK_EINVAL, "empty part");
	refused(".1.2.3", SK_EINVAL, "empty part");
	refused("256.0.0.0", SK_EINVAL, "part 256 is over 255");
	refused("192.0.2.1000", SK_EINVAL, "over 255");
	refused("192.0.2.99999999999999999999", SK_EINVAL, "over 255");
	refused("192.0.02.1", SK_EINVAL, "part '02' has a leading zero");
	refused("01.2.3.4", SK_EINVAL, "leading zero");
	refused("192.0.2.00", SK_EINVAL, "leading zero");
	refused("192.0.2.0/024", SK_EINVAL, "leading zero");
	refused("192.0.2.0/", SK_EINVAL, "missing prefix length");
	refused("192.0.2.0/x", SK_EINVAL, "not a number");
	refused("192.0.2.0/24/8", SK_EINVAL, "not a number");
	refused("192.0.2.0/-1", SK_EINVAL, "not a number");
	refused("192.0.2.0/+24", SK_EINVAL, "not a number");
	refused("/24", SK_EINVAL, "not an IP address or prefix");
	refused(" 192.0.2.1", SK_EINVAL, "not an IP address or prefix");
	refused("192.0.2.1 ", SK_EINVAL, "not an IP address or prefix");
	refused("192.0.2.0/24 ", SK_EINVAL, "not a number");
	refused("0x7f.0.0.1", SK_EINVAL, "not an IP address or prefix");
	refused("fe80::1%eth0", SK_EINVAL, "zone index is not allowed");
	refused("fe80::%1/64", SK_EINVAL, "zone index is not allowed");
	refused("2001:db8::1::2", SK_EINVAL, "not a valid IPv6 address");
	refused("2001:db8:0:0:0:0:0:0:1", SK_EINVAL, "not a valid IPv6 address");
	refused("2001:db8::g", SK_EINVAL, "not a valid IPv6 address");
	refused("2001:db8:00001::", SK_EINVAL, "not a valid IPv6 address");
	refused("::ffff:192.0.02.1", SK_EINVAL, "not a valid IPv6 address");
	refused("0000:0000:0000:0000:0000:0000:0000:0000:0000:1", SK_EINVAL, "too long");
	refused("2001:db8::/64x", SK_EINVAL, "not a number");
	refused("192.0.2.1:80", SK_EINVAL, "a port number is not part of an address");
	refused("[2001:db8::1]", SK_EINVAL, "not a valid IPv6 address");
}

static void test_limits_and_escaping(void **state)
{
	char text[200];
	struct sk_error err = {0};
	struct prefix p;

	(void)state;
	memset(text, '1', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	assert_int_equal(prefix_parse(text, &p, &err), SK_ETOOBIG);
	assert_non_null(strstr(err.msg, "longer than 64 bytes"));
	assert_int_equal(prefix_parse_addr(text, &p, &err), SK_ETOOBIG);

	/* control characters in the input do not reach the message raw */
	assert_int_equal(prefix_parse("192.0.2.1\n\x1b[31m", &p, &err), SK_EINVAL);
	assert_null(strchr(err.msg, '\n'));
	assert_null(strchr(err.msg, '\x1b'));
	assert_non_null(strstr(err.msg, "192.0.2.1\\x0a\\x1b[31m"));
	assert_int_equal(prefix_parse(NULL, &p, NULL), SK_EINVAL);
	assert_int_equal(prefix_parse("garbage", &p, NULL), SK_EINVAL);
}

static void test_parse_addr(void **state)
{
	struct sk_error err = {0};
	struct prefix p;
	char buf[PREFIX_TEXT_MAX];

	(void)state;
	assert_int_equal(prefix_parse_addr("198.51.100.7", &p, &err), 0);
	assert_int_equal(p.family, 4);
	assert_int_equal(p.len, 32);
	assert_int_equal(prefix_format_addr(&p, buf, sizeof(buf)), 12);
	assert_string_equal(buf, "198.51.100.7");
	assert_int_equal(prefix_parse_addr("2001:DB8::0:1", &p, &err), 0);
	assert_int_equal(p.len, 128);
	assert_int_equal(prefix_format_addr(&p, buf, sizeof(buf)), 11);
	assert_string_equal(buf, "2001:db8::1");
	assert_int_equal(prefix_parse_addr("198.51.100.0/24", &p, &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "expected an IP address, not a prefix"));
	assert_int_equal(prefix_parse_addr("198.51.100.07", &p, &err), SK_EINVAL);
	assert_int_equal(prefix_parse_addr("", &p, &err), SK_EINVAL);
	assert_int_equal(prefix_parse_addr("fe80::1%lo", &p, &err), SK_EINVAL);
}

static void test_format(void **state)
{
	struct prefix p = pfx("2001:db8:1234:5678:9abc:def0:1234:5678");
	struct prefix v4 = pfx("198.51.100.0/24");
	char buf[PREFIX_TEXT_MAX];

	(void)state;
	assert_int_equal(prefix_format(&p, buf, sizeof(buf)), 42);
	assert_string_equal(buf, "2001:db8:1234:5678:9abc:def0:1234:5678/128");
	/* too small a buffer is refused, never overrun */
	assert_int_equal(prefix_format(&p, buf, 42), -1);
	assert_int_equal(prefix_format(&p, buf, 43), 42);
	assert_int_equal(prefix_format(&p, buf, 5), -1);
	assert_int_equal(prefix_format(&v4, buf, 15), -1);
	assert_int_equal(prefix_format(&v4, buf, 16), 15);
	assert_string_equal(buf, "198.51.100.0/24");
	assert_int_equal(prefix_format_addr(&v4, buf, 12), -1);
	assert_int_equal(prefix_format_addr(&v4, buf, 0), -1);
	/* a nonsense struct is refused */
	v4.family = 5;
	assert_int_equal(prefix_format(&v4, buf, sizeof(buf)), -1);
	v4.family = 4;
	v4.len = 33;
	assert_int_equal(prefix_format(&v4, buf, sizeof(buf)), -1);
}

static void test_contains(void **state)
{
	struct prefix net24 = pfx("198.51.100.0/24");
	struct prefix net25 = pfx("198.51.100.128/25");
	struct prefix host = pfx("198.51.100.200");
	struct prefix other = pfx("198.51.101.0/24");
	struct prefix all4 = pfx("0.0.0.0/0");
	struct prefix all6 = pfx("::/0");
	struct prefix doc6 = pfx("2001:db8::/32");
	struct prefix in6 = pfx("2001:db8:ffff::1");
	struct prefix out6 = pfx("2001:db9::1");
	struct prefix mapped = pfx("::ffff:198.51.100.200");
	struct prefix odd = pfx("2001:db8::/33");
	struct prefix odd_out = pfx("2001:db8:8000::1");

	(void)state;
	assert_true(prefix_contains(&net24, &net25));
	assert_true(prefix_contains(&net24, &host));
	assert_true(prefix_contains(&net25, &host));
	assert_true(prefix_contains(&net24, &net24));
	assert_false(prefix_contains(&net25, &net24));
	assert_false(prefix_contains(&other, &host));
	assert_false(prefix_contains(&host, &net24));
	assert_true(prefix_contains(&all4, &host));
	assert_true(prefix_contains(&all6, &in6));
	assert_true(prefix_contains(&doc6, &in6));
	assert_false(prefix_contains(&doc6, &out6));
	assert_false(prefix_contains(&odd, &doc6));
	assert_false(prefix_contains(&odd, &odd_out));
	assert_true(prefix_contains(&doc6, &odd_out));
	/* IPv4 and IPv6 never contain one another */
	assert_false(prefix_contains(&all4, &in6));
	assert_false(prefix_contains(&all6, &host));
	assert_false(prefix_contains(&all4, &mapped));
	assert_false(prefix_contains(&net24, &mapped));
	assert_false(prefix_contains(&all6, &all4));
}

static void test_truncate(void **state)
{
	struct prefix p = pfx("198.51.100.200");
	struct prefix q = pfx("2001:db8:abcd:ef01::1");
	struct prefix doc6;
	char buf[PREFIX_TEXT_MAX];

	(void)state;
	prefix_truncate(&p, 25);
	assert_int_equal(prefix_format(&p, buf, sizeof(buf)), 17);
	assert_string_equal(buf, "198.51.100.128/25");
	prefix_truncate(&p, 20);
	prefix_format(&p, buf, sizeof(buf));
	assert_string_equal(buf, "198.51.96.0/20");
	prefix_truncate(&p, 24); /* longer than it is: unchanged */
	prefix_format(&p, buf, sizeof(buf));
	assert_string_equal(buf, "198.51.96.0/20");
	prefix_truncate(&p, 0);
	prefix_format(&p, buf, sizeof(buf));
	assert_string_equal(buf, "0.0.0.0/0");
	prefix_truncate(&q, 36);
	prefix_format(&q, buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8:a000::/36");
	prefix_truncate(&q, 32);
	prefix_format(&q, buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8::/32");
	/* a truncated prefix is the same value as the parsed one */
	doc6 = pfx("2001:db8::/32");
	assert_int_equal(prefix_compare(&q, &doc6), 0);
	assert_memory_equal(&q, &doc6, sizeof(q));
}

static void test_compare(void **state)
{
	static const char *const sorted[] = {
	    "0.0.0.0/0",       "192.0.2.0/24",	 "192.0.2.0/25",
	    "192.0.2.0/32",    "192.0.2.128/25", "198.51.100.0/24",
	    "203.0.113.0/24",  "::/0",		 "::ffff:192.0.2.0/120",
	    "2001:db8::/32",   "2001:db8::/48",	 "2001:db8::1/128",
	    "2001:db8:1::/48",
	};
	size_t n = sizeof(sorted) / sizeof(sorted[0]);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		struct prefix a = pfx(sorted[i]);

		assert_int_equal(prefix_compare(&a, &a), 0);
		for (size_t j = i + 1; j < n; j++) {
			struct prefix b = pfx(sorted[j]);

			if (prefix_compare(&a, &b) >= 0 || prefix_compare(&b, &a) <= 0)
				fail_msg("%s should sort before %s", sorted[i], sorted[j]);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_ipv4), cmocka_unit_test(test_parse_ipv6),
	    cmocka_unit_test(test_refused),    cmocka_unit_test(test_limits_and_escaping),
	    cmocka_unit_test(test_parse_addr), cmocka_unit_test(test_format),
	    cmocka_unit_test(test_contains),   cmocka_unit_test(test_truncate),
	    cmocka_unit_test(test_compare),
	};

	return cmocka_run_group_tests_name("prefix", tests, NULL, NULL);
}
