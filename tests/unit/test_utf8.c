/* tests/unit/test_utf8.c: strings checked, repaired and cut as UTF-8. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "lib/utf8.h"

static void test_valid(void **state)
{
	(void)state;
	assert_true(utf8_valid("", 0));
	assert_true(utf8_valid("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x92", 14));
	assert_false(utf8_valid("caf\xe9", 4));		 /* Latin-1 */
	assert_false(utf8_valid("\xc0\xaf", 2));	 /* overlong '/' */
	assert_false(utf8_valid("\xed\xa0\x80", 3));	 /* a surrogate */
	assert_false(utf8_valid("\xf4\x90\x80\x80", 4)); /* past U+10FFFF */
	assert_false(utf8_valid("\xe2\x82", 2));	 /* cut short */
	assert_true(utf8_valid("a\0b", 3));		 /* n bytes, NUL or not */
}

static void test_scrub(void **state)
{
	char s[] = "Syst\xe8me \xc3\xa9t\xc3 \xed\xa0\x80!";

	(void)state;
	assert_int_equal(utf8_scrub(s), 5);
	assert_string_equal(s, "Syst?me \xc3\xa9t? \?\?\?!");
	assert_true(utf8_valid(s, strlen(s)));
}

static void test_cut(void **state)
{
	char a[] = "ab\xe2\x82\xac", b[] = "ab\xe2\x82\xac", c[] = "abc", d[] = "\xe2\x82\xac";

	(void)state;
	utf8_cut(a, 4); /* inside the euro sign: before it */
	assert_string_equal(a, "ab");
	utf8_cut(b, 5);
	assert_string_equal(b, "ab\xe2\x82\xac");
	utf8_cut(c, 2);
	assert_string_equal(c, "ab");
	utf8_cut(d, 1);
	assert_string_equal(d, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid),
	    cmocka_unit_test(test_scrub),
	    cmocka_unit_test(test_cut),
	};

	return cmocka_run_group_tests_name("utf8", tests, NULL, NULL);
}
