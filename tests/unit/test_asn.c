/* tests/unit/test_asn.c: AS numbers in asplain and asdot notation are
 * accepted, reserved and malformed ones refused with a clear message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "lib/error.h"
#include "net/asn.h"

static uint32_t parsed(const char *text)
{
	struct sk_error err = {0};
	uint32_t v = 0;

	if (asn_parse(text, &v, &err) != 0)
		fail_msg("'%s': %s", text, err.msg);
	return v;
}

/* Parse text, which must fail with code and a message containing want. */
static void refused(const char *text, int code, const char *want)
{
	struct sk_error err = {0};
	uint32_t v = 7;

	assert_int_equal(asn_parse(text, &v, &err), code);
	assert_int_equal(err.code, code);
	if (strstr(err.msg, want) == NULL)
		fail_msg("'%s': message '%s' lacks '%s'", text ? text : "(null)", err.msg,
			 want);
	assert_int_equal(v, 7); /* untouched on failure */
}

static void test_accepted(void **state)
{
	(void)state;
	assert_int_equal(parsed("AS64496"), 64496);
	assert_int_equal(parsed("as64496"), 64496);
	assert_int_equal(parsed("As64511"), 64511);
	assert_int_equal(parsed("64496"), 64496);
	assert_int_equal(parsed("1"), 1);
	assert_int_equal(parsed("AS1"), 1);
	assert_int_equal(parsed("1.10"), 65546);
	assert_int_equal(parsed("AS1.10"), 65546);
	assert_int_equal(parsed("0.64496"), 64496);
	assert_int_equal(parsed("65535.65534"), 4294967294u);
	assert_int_equal(parsed("4294967294"), 4294967294u);
	assert_int_equal(parsed("23455"), 23455);
	assert_int_equal(parsed("23457"), 23457);
	assert_int_equal(parsed("65536"), 65536);
}

static void test_reserved(void **state)
{
	(void)state;
	refused("0", SK_EINVAL, "AS0 is reserved (RFC 7607)");
	refused("AS0", SK_EINVAL, "RFC 7607");
	refused("0.0", SK_EINVAL, "RFC 7607");
	refused("23456", SK_EINVAL, "AS_TRANS");
	refused("AS23456", SK_EINVAL, "RFC 6793");
	refused("0.23456", SK_EINVAL, "AS_TRANS");
	refused("4294967295", SK_EINVAL, "RFC 7300");
	refused("65535.65535", SK_EINVAL, "RFC 7300");
}

static void test_malformed(void **state)
{
	(void)state;
	refused("4294967296", SK_EINVAL, "too large for an AS number");
	refused("AS99999999999999999999999", SK_EINVAL, "too large");
	refused("-1", SK_EINVAL, "'-1': not an AS number");
	refused("AS-1", SK_EINVAL, "not an AS number");
	refused("+64496", SK_EINVAL, "not an AS number");
	refused("AS", SK_EINVAL, "'AS': missing number after 'AS'");
	refused("as", SK_EINVAL, "missing number");
	refused("AS 1", SK_EINVAL, "'AS 1': not an AS number");
	refused(" 64496", SK_EINVAL, "not an AS number");
	refused("64496 ", SK_EINVAL, "not an AS number");
	refused("64496\n", SK_EINVAL, "'64496\\x0a': not an AS number");
	refused("\t64496", SK_EINVAL, "not an AS number");
	refused("1.", SK_EINVAL, "'1.': missing number after '.'");
	refused(".1", SK_EINVAL, "not an AS number");
	refused("1.65536", SK_EINVAL, "at most 65535");
	refused("65536.1", SK_EINVAL, "at most 65535");
	refused("1.2.3", SK_EINVAL, "not an AS number");
	refused("1..2", SK_EINVAL, "not an AS number");
	refused("064496", SK_EINVAL, "leading zero");
	refused("AS00", SK_EINVAL, "leading zero");
	refused("1.010", SK_EINVAL, "leading zero");
	refused("ASN64496", SK_EINVAL, "not an AS number");
	refused("AS64496x", SK_EINVAL, "not an AS number");
	refused("0x10", SK_EINVAL, "not an AS number");
	refused("", SK_EINVAL, "empty");
	refused(NULL, SK_EINVAL, "empty");
	refused("123456789012345678901234567890123", SK_ETOOBIG, "longer than 32 bytes");
}

static void test_format(void **state)
{
	char buf[ASN_TEXT_MAX];
	uint32_t v = 0;

	(void)state;
	assert_int_equal(asn_format(64496, buf, sizeof(buf)), 7);
	assert_string_equal(buf, "AS64496");
	assert_int_equal(asn_format(65546, buf, sizeof(buf)), 7);
	assert_string_equal(buf, "AS65546"); /* asdot in, asplain out */
	assert_int_equal(asn_format(4294967294u, buf, sizeof(buf)), 12);
	assert_string_equal(buf, "AS4294967294");
	assert_int_equal(asn_format(64496, buf, 7), -1);
	assert_int_equal(asn_format(64496, buf, 8), 7);
	assert_int_equal(asn_parse(buf, &v, NULL), 0);
	assert_int_equal(v, 64496);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_accepted),
	    cmocka_unit_test(test_reserved),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_format),
	};

	return cmocka_run_group_tests_name("asn", tests, NULL, NULL);
}
