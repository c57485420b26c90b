/* tests/unit/test_cvss.c: CVSS v3.1 base scores match the examples of
 * FIRST's specification document and NVD's published scores; bad
 * vectors are refused naming the metric. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "advisory/cvss.h"
#include "lib/error.h"

static void scores(const char *vector, int want10)
{
	struct cvss c;
	struct sk_error err = {0};
	char back[CVSS_VECTOR_MAX + 1];

	if (cvss_parse(vector, &c, &err) != 0)
		fail_msg("%s: %s", vector, err.msg);
	if (c.score10 != want10)
		fail_msg("%s: score %d.%d, want %d.%d", vector, c.score10 / 10, c.score10 % 10,
			 want10 / 10, want10 % 10);
	assert_true(cvss_format(&c, back, sizeof(back)) > 0);
	assert_string_equal(back, vector);
}

static void test_spec_examples(void **state)
{
	(void)state;
	/* CVSS v3.1 Examples (FIRST) and NVD. */
	scores("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 98);
	scores("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 100);
	scores("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 61); /* CVE-2013-1937 */
	scores("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 64); /* CVE-2013-0375 */
	scores("CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N", 31); /* CVE-2014-3566 */
	scores("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 99); /* CVE-2012-1516 */
	scores("CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:L", 42); /* CVE-2009-0783 */
	scores("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 88); /* CVE-2012-0384 */
	scores("CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 78); /* CVE-2015-1098 */
	scores("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 75); /* CVE-2014-0160 */
	scores("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:N/I:H/A:N", 68); /* CVE-2008-1447 */
	scores("CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 68); /* CVE-2014-2005 */
	scores("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:N/A:N", 58); /* CVE-2010-0467 */
	scores("CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:C/C:H/I:N/A:H", 93); /* CVE-2013-6014 */
	scores("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0);
}

static void test_any_order(void **state)
{
	struct cvss c;
	struct sk_error err = {0};

	(void)state;
	assert_int_equal(cvss_parse("CVSS:3.1/S:U/AV:N/AC:L/PR:N/UI:N/A:H/I:H/C:H", &c, &err),
			 0);
	assert_int_equal(c.score10, 98);
}

static void test_roundup(void **state)
{
	(void)state;
	assert_int_equal(cvss_roundup10(4.02), 41);
	assert_int_equal(cvss_roundup10(4.00), 40);
	assert_int_equal(cvss_roundup10(4.000000000000001), 40);
	assert_int_equal(cvss_roundup10(0.0), 0);
}

static void test_severity(void **state)
{
	(void)state;
	assert_string_equal(cvss_severity(0), "None");
	assert_string_equal(cvss_severity(1), "Low");
	assert_string_equal(cvss_severity(39), "Low");
	assert_string_equal(cvss_severity(40), "Medium");
	assert_string_equal(cvss_severity(69), "Medium");
	assert_string_equal(cvss_severity(70), "High");
	assert_string_equal(cvss_severity(89), "High");
	assert_string_equal(cvss_severity(90), "Critical");
	assert_string_equal(cvss_severity(100), "Critical");
}

static void refused(const char *vector, const char *want)
{
	struct cvss c = {.score10 = 7};
	struct sk_error err = {0};

	assert_int_equal(cvss_parse(vector, &c, &err), SK_EINVAL);
	if (strstr(err.msg, want) == NULL)
		fail_msg("'%s': message '%s' lacks '%s'", vector, err.msg, want);
	assert_int_equal(c.score10, 7);
}

static void test_refused(void **state)
{
	(void)state;
	refused("", "empty");
	refused("AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS:3.1/");
	refused("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS:3.1/");
	refused("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", "A is missing");
	refused("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "AV: value 'X'");
	refused("CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "AV given twice");
	refused("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:H", "'E' is not a base metric");
	refused("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:HH", "not NAME:VALUE");
	refused("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/", "not NAME:VALUE");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_spec_examples), cmocka_unit_test(test_any_order),
	    cmocka_unit_test(test_roundup),	  cmocka_unit_test(test_severity),
	    cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
