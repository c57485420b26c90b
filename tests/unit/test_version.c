/* tests/unit/test_version.c: versions order as a release manager reads
 * them, and ranges select the versions they say. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "advisory/version.h"
#include "lib/error.h"

static void test_compare(void **state)
{
	(void)state;
	assert_true(version_compare("2.4.57", "2.4.58") < 0);
	assert_true(version_compare("2.4.58", "2.4.58") == 0);
	assert_true(version_compare("2.10", "2.9") > 0);
	assert_true(version_compare("1.0", "1.0.0") < 0);
	assert_true(version_compare("1.0rc1", "1.0") < 0);
	assert_true(version_compare("1.0-beta", "1.0-alpha") > 0);
	assert_true(version_compare("9.3p2", "9.3p10") < 0);
	assert_true(version_compare("v1.2", "1.2") == 0);
	assert_true(version_compare("01.2", "1.2") == 0);
	assert_true(version_compare("1.1.1w", "1.1.1t") > 0);
	assert_true(version_compare("3.0.0", "3.0.0-rc2") > 0);
}

static int in(const char *range, const char *version)
{
	struct version_range r;
	struct sk_error err = {0};

	if (version_range_parse(range, &r, &err) != 0)
		fail_msg("'%s': %s", range, err.msg);
	return version_range_match(&r, version);
}

static void test_ranges(void **state)
{
	(void)state;
	assert_true(in("< 2.4.58", "2.4.57"));
	assert_false(in("< 2.4.58", "2.4.58"));
	assert_true(in(">= 1.0, < 1.2.3", "1.0"));
	assert_true(in(">= 1.0, < 1.2.3", "1.2.2"));
	assert_false(in(">= 1.0, < 1.2.3", "1.2.3"));
	assert_false(in(">= 1.0, < 1.2.3", "0.9"));
	assert_true(in("= 3.1", "3.1"));
	assert_false(in("= 3.1", "3.1.1"));
	assert_true(in("3.1", "3.1"));
	assert_true(in("*", "anything"));
	assert_true(in("!= 2.0", "2.1"));
	assert_true(in("<=2.0,>1.5", "2.0"));
	assert_true(in("vers:generic/>=1.0|<1.2.3", "1.1"));
	assert_false(in("vers:generic/>=1.0|<1.2.3", "1.3"));
}

static void refused(const char *range, const char *want)
{
	struct version_range r = {.n = 9};
	struct sk_error err = {0};

	assert_int_equal(version_range_parse(range, &r, &err), SK_EINVAL);
	if (strstr(err.msg, want) == NULL)
		fail_msg("'%s': message '%s' lacks '%s'", range, err.msg, want);
	assert_int_equal(r.n, 9);
}

static void test_refused(void **state)
{
	(void)state;
	refused("", "empty");
	refused("<", "not an operator and a version");
	refused(">= 1.0,", "empty constraint");
	refused("~> 1.0", "not a version");
	refused("< 1.0 || > 2.0", "not a version");
	refused("vers:/<1", "vers:TYPE");
	refused("<1,<1,<1,<1,<1,<1,<1,<1,<1,<1,<1,<1,<1,<1,<1,<1,<1", "more than 16");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_compare),
	    cmocka_unit_test(test_ranges),
	    cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
