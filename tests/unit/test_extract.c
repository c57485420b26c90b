/* tests/unit/test_extract.c: what extract_text() finds in a report: each
 * kind in its canonical form, defanged forms refanged, IPv6 in running
 * text, trailing punctuation, repeats, the limits, and the look-alikes it
 * must pass over (file names, version numbers, times, MAC addresses). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/error.h"
#include "ticket/extract.h"

/* The items of text as "kind value" lines, in order. */
static char *found(const char *text)
{
	struct extract_result r;
	struct sk_error err = {0};
	static char out[65536];
	size_t o = 0;

	if (extract_text(text, strlen(text), &r, &err) != 0)
		fail_msg("extract: %s", err.msg);
	out[0] = '\0';
	for (size_t k = 0; k < r.count; k++) {
		int n = snprintf(out + o, sizeof(out) - o, "%s %s\n",
				 extract_kind_names[r.items[k].kind], r.items[k].text);

		assert_true(n > 0 && (size_t)n < sizeof(out) - o);
		o += (size_t)n;
	}
	assert_int_equal(r.dropped, 0);
	assert_false(r.cut);
	extract_result_free(&r);
	return out;
}

static void test_kinds(void **state)
{
	(void)state;
	assert_string_equal(found("Scans from 198.51.100.7 against 2001:db8::1, "
				  "net 203.0.113.0/24, see www.example.be, "
				  "https://www.example.be/login, CVE-2021-44228 and AS64496."),
			    "ip 198.51.100.7\n"
			    "ip 2001:db8::1\n"
			    "prefix 203.0.113.0/24\n"
			    "domain www.example.be\n"
			    "url https://www.example.be/login\n"
			    "cve CVE-2021-44228\n"
			    "asn AS64496\n");
	assert_string_equal(found(""), "");
	assert_string_equal(found("nothing to see here."), "");
}

static void test_canonical(void **state)
{
	(void)state;
	/* IPv6 compressed and lowercase; prefixes; an address with its
	 * netmask length names the host. */
	assert_string_equal(found("2001:DB8:0:0:0:0:0:1 2001:DB8:0:0::/32. 192.0.2.77/24 "
				  "198.51.100.7/32 2001:db8::5/128 ::ffff:192.0.2.1"),
			    "ip 2001:db8::1\n"
			    "prefix 2001:db8::/32\n"
			    "ip 192.0.2.77\n"
			    "ip 198.51.100.7\n"
			    "ip 2001:db8::5\n"
			    "ip ::ffff:192.0.2.1\n");
	/* Domains lowercase, IDN as A-labels, no trailing dot. */
	assert_string_equal(found("WWW.Example.BE. bücher.example.be пример.рф"),
			    "domain www.example.be\n"
			    "domain xn--bcher-kva.example.be\n"
			    "domain xn--e1afmkfd.xn--p1ai\n");
	/* CVE ids uppercase; AS numbers as "AS<n>". */
	assert_string_equal(found("cve-2023-12345 Cve-2021-44228"),
			    "cve CVE-2023-12345\ncve CVE-2021-44228\n");
	/* URLs: scheme and host lowercase, "/" for an empty path, the
	 * rest as written, non-ASCII percent-encoded. */
	assert_string_equal(
	    found("HTTPS://User:pw@WWW.Example.BE:8443?q=1 http://example.nl/café"),
	    "url https://User:pw@www.example.be:8443/?q=1\n"
	    "domain www.example.be\n"
	    "url http://example.nl/caf%C3%A9\n"
	    "domain example.nl\n");
}

static void test_defanged(void **state)
{
	(void)state;
	assert_string_equal(found("hxxp://example[.]be/x hXXps://www.example(.)nl/ "
				  "198.51.100[.]7 203[.]0[.]113[.]9 example[dot]be "
				  "hxxp[:]//192.0.2[.]5/a hxxps[://]evil[.]example.nl/p "
				  "2001:db8[:][:]9"),
			    "url http://example.be/x\n"
			    "domain example.be\n"
			    "url https://www.example.nl/\n"
			    "domain www.example.nl\n"
			    "ip 198.51.100.7\n"
			    "ip 203.0.113.9\n"
			    "url http://192.0.2.5/a\n"
			    "ip 192.0.2.5\n"
			    "url https://evil.example.nl/p\n"
			    "domain evil.example.nl\n"
			    "ip 2001:db8::9\n");
	/* A defanged name under a TLD that is also a file extension is a
	 * host: the writer took care to defang it. */
	assert_string_equal(found("evil[.]zip but not payload.zip"), "domain evil.zip\n");
}

static void test_ipv6_in_text(void **state)
{
	(void)state;
	assert_string_equal(found("(2001:db8::1) fe80::1%eth0, [2001:db8::2]:443 "
				  "2001:db8::3. 2001:db8::/48;"),
			    "ip 2001:db8::1\n"
			    "ip fe80::1\n"
			    "ip 2001:db8::2\n"
			    "ip 2001:db8::3\n"
			    "prefix 2001:db8::/48\n");
	/* Ports, labels and ranges around IPv4. */
	assert_string_equal(found("IP:192.0.2.1 192.0.2.9:8080 192.0.2.10-192.0.2.20 "
				  "example.be:8080"),
			    "ip 192.0.2.1\n"
			    "ip 192.0.2.9\n"
			    "ip 192.0.2.10\n"
			    "ip 192.0.2.20\n"
			    "domain example.be\n");
}

static void test_not_found(void **state)
{
	(void)state;
	/* File names, abbreviations, versions, times, MAC addresses, OIDs,
	 * dates, bad addresses, the unspecified address and names nobody
	 * can own. */
	assert_string_equal(found("report.pdf foo.txt e.g. i.e. etc. version 1.2.3 v10.0.3 "
				  "12:30:45 00:1a:2b:3c:4d:5e 1.3.6.1.4.1 2024/01/31 "
				  "2024-01-31 256.1.1.1 010.1.1.1 192.0.2.1/33 0.0.0.0 :: "
				  "dropper.sh README.md payload.zip setup.py co.uk "
				  "localhost http://localhost/ http://intranet:8080/ "
				  "_dmarc.example.be host.test AS0 as400 std::vector"),
			    "");
	/* An e-mail address gives its domain, never its local part. */
	assert_string_equal(found("mail jan.de@example.be"), "domain example.be\n");
}

static void test_punctuation(void **state)
{
	(void)state;
	assert_string_equal(found("(see https://example.be/a). <http://example.nl/b>, "
				  "\"https://example.be/c\" 'http://example.nl/d'; "
				  "https://en.example.be/wiki/Foo_(bar)) "
				  "“www.example.be’s” _example.nl_"),
			    "url https://example.be/a\n"
			    "domain example.be\n"
			    "url http://example.nl/b\n"
			    "domain example.nl\n"
			    "url https://example.be/c\n"
			    "url http://example.nl/d\n"
			    "url https://en.example.be/wiki/Foo_(bar)\n"
			    "domain en.example.be\n"
			    "domain www.example.be\n");
	/* Run-on punctuation ends a URL or a name. */
	assert_string_equal(found("URL:http://203.0.113.5/x. next"),
			    "url http://203.0.113.5/x\nip 203.0.113.5\n");
}

static void test_duplicates(void **state)
{
	(void)state;
	/* Each value once, at its first appearance, however it was written. */
	assert_string_equal(found("example.be EXAMPLE.BE example[.]be 198.51.100.7 "
				  "198.51.100[.]7 http://example.be/ hxxp://example.be "
				  "CVE-2021-44228 cve-2021-44228 2001:db8::1 2001:DB8:0::1"),
			    "domain example.be\n"
			    "ip 198.51.100.7\n"
			    "url http://example.be/\n"
			    "cve CVE-2021-44228\n"
			    "ip 2001:db8::1\n");
}

static void test_limits(void **state)
{
	struct extract_result r;
	struct sk_error err = {0};
	size_t size = 2 * 1100 * 24 + EXTRACT_TEXT_MAX, o = 0;
	char *text = malloc(size);

	(void)state;
	assert_non_null(text);
	/* 1100 names, each twice: 1000 kept, 100 dropped once each. */
	for (int pass = 0; pass < 2; pass++)
		for (int k = 0; k < 1100; k++)
			o += (size_t)snprintf(text + o, size - o, "h%d.example.be ", k);
	assert_int_equal(extract_text(text, o, &r, &err), 0);
	assert_int_equal(r.count, EXTRACT_ITEMS_MAX);
	assert_int_equal(r.dropped, 100);
	assert_false(r.cut);
	assert_string_equal(r.items[0].text, "h0.example.be");
	assert_string_equal(r.items[999].text, "h999.example.be");
	extract_result_free(&r);

	/* Over the text limit: only the start is read, and the name that
	 * straddles the limit is not read cut in two. */
	memset(text, ' ', size);
	memcpy(text, "192.0.2.1", 9);
	memcpy(text + EXTRACT_TEXT_MAX - 5, "198.51.100.77", 13);
	memcpy(text + size - 20, "example.be", 10);
	assert_int_equal(extract_text(text, size, &r, &err), 0);
	assert_true(r.cut);
	assert_int_equal(r.count, 1);
	assert_string_equal(r.items[0].text, "192.0.2.1");
	extract_result_free(&r);

	/* A URL over EXTRACT_URL_MAX is not reported; its host is. */
	o = (size_t)snprintf(text, size, "https://example.nl/");
	memset(text + o, 'a', EXTRACT_URL_MAX);
	memcpy(text + o + EXTRACT_URL_MAX, " https://example.be/ok", 22);
	assert_int_equal(extract_text(text, o + EXTRACT_URL_MAX + 22, &r, &err), 0);
	assert_int_equal(r.count, 3);
	assert_string_equal(r.items[0].text, "example.nl");
	assert_string_equal(r.items[1].text, "https://example.be/ok");
	extract_result_free(&r);

	/* A run of name characters too long to be a name: passed over. */
	memset(text, 'a', 100000);
	memcpy(text + 100000, ".example.be 192.0.2.3", 21);
	assert_int_equal(extract_text(text, 100021, &r, &err), 0);
	assert_int_equal(r.count, 1);
	assert_string_equal(r.items[0].text, "192.0.2.3");
	extract_result_free(&r);

	/* NUL bytes and stray UTF-8 are separators. */
	assert_int_equal(extract_text("a\0example.be\xff"
				      "192.0.2.4",
				      23, &r, &err),
			 0);
	assert_int_equal(r.count, 2);
	assert_string_equal(r.items[0].text, "example.be");
	assert_string_equal(r.items[1].text, "192.0.2.4");
	extract_result_free(&r);
	extract_result_free(NULL);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_kinds),      cmocka_unit_test(test_canonical),
	    cmocka_unit_test(test_defanged),   cmocka_unit_test(test_ipv6_in_text),
	    cmocka_unit_test(test_not_found),  cmocka_unit_test(test_punctuation),
	    cmocka_unit_test(test_duplicates), cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests_name("extract", tests, NULL, NULL);
}
