/* tests/unit/test_domain.c: domain names are brought to one canonical
 * form, bad names refused with a clear message, and suffix matching
 * respects label boundaries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "lib/error.h"
#include "net/domain.h"

/* Normalize text, which must succeed; returns the canonical name. */
static const char *norm(const char *text, bool allow_tld)
{
	static char out[DOMAIN_TEXT_MAX];
	struct sk_error err = {0};

	if (domain_normalize(text, allow_tld, out, &err) != 0)
		fail_msg("'%s': %s", text, err.msg);
	return out;
}

/* Normalize text, which must fail with code and a message with want. */
static void refused(const char *text, bool allow_tld, int code, const char *want)
{
	struct sk_error err = {0};
	char out[DOMAIN_TEXT_MAX] = "untouched";

	assert_int_equal(domain_normalize(text, allow_tld, out, &err), code);
	assert_int_equal(err.code, code);
	if (strstr(err.msg, want) == NULL)
		fail_msg("message '%s' lacks '%s'", err.msg, want);
	assert_string_equal(out, "untouched");
}

/* n labels of len bytes each ('a'..), joined by dots, then tail. */
static void build(char *buf, size_t size, int n, size_t len, const char *tail)
{
	size_t o = 0;

	for (int i = 0; i < n; i++) {
		assert_true(o + len + 1 < size);
		memset(buf + o, 'a' + i % 26, len);
		o += len;
		buf[o++] = '.';
	}
	assert_true(o + strlen(tail) < size);
	memcpy(buf + o, tail, strlen(tail) + 1);
}

static void test_canonical(void **state)
{
	(void)state;
	assert_string_equal(norm("WWW.Example.BE.", false), "www.example.be");
	assert_string_equal(norm("example.be", false), "example.be");
	assert_string_equal(norm("Example.NL", false), "example.nl");
	assert_string_equal(norm("host-1.sub.example.test", false), "host-1.sub.example.test");
	assert_string_equal(norm("1.example.be", false), "1.example.be");
	assert_string_equal(norm("xn--bcher-kva.example", false), "xn--bcher-kva.example");
	assert_string_equal(norm("a--b.example.be", false), "a--b.example.be");
	/* tld: only when allowed, with or without a leading dot */
	assert_string_equal(norm("BE", true), "be");
	assert_string_equal(norm(".be", true), "be");
	assert_string_equal(norm("be.", true), "be");
	assert_string_equal(norm(".example.be", true), "example.be");
}

static void test_idn(void **state)
{
	(void)state;
	assert_string_equal(norm("bücher.example", false), "xn--bcher-kva.example");
	assert_string_equal(norm("Bücher.Example.", false), "xn--bcher-kva.example");
	/* NFC: "u" + combining diaeresis is the same name */
	assert_string_equal(norm("bu\xcc\x88"
				 "cher.example",
				 false),
			    "xn--bcher-kva.example");
	assert_string_equal(norm("www.bücher.example.be", false),
			    "www.xn--bcher-kva.example.be");
	/* IDNA2008 nontransitional: sharp s is kept, not mapped to "ss" */
	assert_string_equal(norm("faß.example", false), "xn--fa-hia.example");
	assert_string_equal(norm(".бел", true), "xn--90ais");
	/* invalid UTF-8 and disallowed code points are refused */
	refused("b\xfc"
		"cher.example",
		false, SK_EINVAL, "internationalized domain name");
	refused("b\xfc"
		"cher.example",
		false, SK_EINVAL, "b\\xfccher.example");
	refused("exa\xe2\x98\x83mple\xe2\x80\xae.be", false, SK_EINVAL, "\\xe2\\x80\\xae");
}

static void test_refused(void **state)
{
	char name[400];

	(void)state;
	refused("", false, SK_EINVAL, "empty");
	refused(NULL, false, SK_EINVAL, "empty");
	refused(".", false, SK_EINVAL, "root");
	refused(".", true, SK_EINVAL, "root");
	refused("example", false, SK_EINVAL,
		"'example': a domain name needs at least two labels");
	refused("example.", false, SK_EINVAL, "at least two labels");
	refused("-bad.example.be", false, SK_EINVAL, "label '-bad' starts with a hyphen");
	refused("bad-.example.be", false, SK_EINVAL, "label 'bad-' ends with a hyphen");
	refused("ex_ample.be", false, SK_EINVAL, "underscore in label 'ex_ample'");
	refused("_dmarc.example.be", false, SK_EINVAL, "underscore");
	refused("exa mple.be", false, SK_EINVAL, "not a letter, digit or hyphen");
	refused("example.be/path", false, SK_EINVAL, "not a letter, digit or hyphen");
	refused("user@example.be", false, SK_EINVAL, "not a letter, digit or hyphen");
	refused(" example.be", false, SK_EINVAL, "not a letter, digit or hyphen");
	refused("example.be\n", false, SK_EINVAL, "example.be\\x0a");
	refused("a..example.be", false, SK_EINVAL, "empty label");
	refused(".example.be", false, SK_EINVAL, "empty label");
	refused("example.be..", false, SK_EINVAL, "empty label");
	refused("192.0.2.1", false, SK_EINVAL, "last label is all digits");
	refused("example.123", false, SK_EINVAL, "last label is all digits");
	refused("123", true, SK_EINVAL, "all digits");

	/* a label of 63 is fine, 64 is not */
	build(name, sizeof(name), 1, 63, "example.be");
	assert_int_equal(strlen(norm(name, false)), 63 + 1 + 10);
	build(name, sizeof(name), 1, 64, "example.be");
	refused(name, false, SK_EINVAL, "is 64 bytes long, over the limit of 63");

	/* a name of 253 is fine, 254 is not (with or without the root dot) */
	build(name, sizeof(name), 3, 63, "");
	memset(name + 192, 'd', 61);
	name[253] = '\0';
	assert_int_equal(strlen(name), 253);
	assert_int_equal(strlen(norm(name, false)), 253);
	name[253] = '.';
	name[254] = '\0';
	assert_int_equal(strlen(norm(name, false)), 253);
	name[253] = 'b';
	refused(name, false, SK_EINVAL, "254 bytes long, over the limit of 253");
}

static void test_input_limit(void **state)
{
	static char big[1100];
	char out[DOMAIN_TEXT_MAX];
	struct sk_error err = {0};

	(void)state;
	memset(big, 'a', 1024);
	big[1024] = '\0';
	assert_int_equal(domain_normalize(big, false, out, &err), SK_EINVAL);
	big[1024] = 'a';
	big[1025] = '\0';
	assert_int_equal(domain_normalize(big, false, out, &err), SK_ETOOBIG);
	assert_non_null(strstr(err.msg, "longer than 1024 bytes"));
	/* the message shows a bounded excerpt of the input */
	assert_true(strlen(err.msg) < 200);
	memset(big, 0, sizeof(big));
	for (size_t i = 0; i + 2 < 1030; i += 2)
		memcpy(big + i, "ü", 2);
	assert_int_equal(domain_normalize(big, false, out, &err), SK_ETOOBIG);
}

static void test_is_under(void **state)
{
	(void)state;
	assert_true(domain_is_under("www.example.be", "example.be"));
	assert_true(domain_is_under("example.be", "example.be"));
	assert_true(domain_is_under("a.b.example.be", "example.be"));
	assert_true(domain_is_under("example.be", "be"));
	assert_false(domain_is_under("badexample.be", "example.be"));
	assert_false(domain_is_under("example.be", "www.example.be"));
	assert_false(domain_is_under("example.nl", "example.be"));
	assert_false(domain_is_under("example.be.example.nl", "example.be"));
	assert_false(domain_is_under("xexample.be", "example.be"));
	assert_false(domain_is_under("example.be", ""));
	assert_false(domain_is_under("example.be", "e"));
}

static void test_parent(void **state)
{
	const char *name = "www.sub.example.be";

	(void)state;
	assert_string_equal(domain_parent(name), "sub.example.be");
	assert_ptr_equal(domain_parent(name), name + 4);
	assert_string_equal(domain_parent(domain_parent(name)), "example.be");
	assert_string_equal(domain_parent("example.be"), "be");
	assert_null(domain_parent("be"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_canonical), cmocka_unit_test(test_idn),
	    cmocka_unit_test(test_refused),   cmocka_unit_test(test_input_limit),
	    cmocka_unit_test(test_is_under),  cmocka_unit_test(test_parent),
	};

	return cmocka_run_group_tests_name("domain", tests, NULL, NULL);
}
