/* tests/unit/test_str.c: number parsing and small string helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "lib/error.h"
#include "lib/str.h"

static void test_to_i64(void **state)
{
	int64_t v = 7;

	(void)state;
	assert_int_equal(str_to_i64("42", 0, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(str_to_i64("-1", 0, 100, &v), SK_EINVAL);
	assert_int_equal(str_to_i64("101", 0, 100, &v), SK_EINVAL);
	assert_int_equal(str_to_i64("4x", 0, 100, &v), SK_EINVAL);
	assert_int_equal(str_to_i64("", 0, 100, &v), SK_EINVAL);
	assert_int_equal(str_to_i64(" 4", 0, 100, &v), SK_EINVAL);
	assert_int_equal(str_to_i64("99999999999999999999", 0, INT64_MAX, &v), SK_EINVAL);
	assert_int_equal(v, 42); /* untouched on failure */
}

static void test_to_bool(void **state)
{
	bool b = false;

	(void)state;
	assert_int_equal(str_to_bool("Yes", &b), 0);
	assert_true(b);
	assert_int_equal(str_to_bool("off", &b), 0);
	assert_false(b);
	assert_int_equal(str_to_bool("maybe", &b), SK_EINVAL);
}

static void test_to_duration(void **state)
{
	int64_t v = 7;

	(void)state;
	assert_int_equal(str_to_duration("15m", INT64_MAX, &v), 0);
	assert_int_equal(v, 900);
	assert_int_equal(str_to_duration("1d", INT64_MAX, &v), 0);
	assert_int_equal(v, 86400);
	assert_int_equal(str_to_duration("30s", 29, &v), SK_EINVAL);
	assert_int_equal(str_to_duration("1w", INT64_MAX, &v), SK_EINVAL);
	assert_int_equal(str_to_duration("-1h", INT64_MAX, &v), SK_EINVAL);
	assert_int_equal(str_to_duration("h", INT64_MAX, &v), SK_EINVAL);
	assert_int_equal(str_to_duration(" 1h", INT64_MAX, &v), SK_EINVAL);
	assert_int_equal(v, 86400);
}

static void test_time(void **state)
{
	char iso[21];

	(void)state;
	str_time_iso(0, iso);
	assert_string_equal(iso, "1970-01-01T00:00:00Z");
	setenv("SCHAKEL_NOW", "1700000000", 1);
	assert_int_equal(str_time_now(), 1700000000);
	unsetenv("SCHAKEL_NOW");
}

static void test_index_and_lower(void **state)
{
	static const char *const words[] = { "asn", "prefix", "domain", NULL };
	char s[] = "Example.BE";

	(void)state;
	assert_int_equal(str_index(words, "domain"), 2);
	assert_int_equal(str_index(words, "Domain"), -1);
	str_lower(s);
	assert_string_equal(s, "example.be");
	assert_true(str_has_prefix("sqlite:x.db", "sqlite:"));
	assert_false(str_has_prefix("sqlit", "sqlite:"));
}

/* Outside input quoted in a message: nothing in it can move the cursor,
 * reorder the text or break the line. */
static void test_show(void **state)
{
	char out[STR_SHOW_SIZE(8)];

	(void)state;
	assert_string_equal(str_show("Li\xc3\xa8ge", 6, 8, out), "Li\xc3\xa8ge");
	assert_string_equal(str_show("a\n\x1b[31m", 7, 8, out), "a\\x0a\\x1b[31m");
	assert_string_equal(str_show("Li\xe8ge", 5, 8, out), "Li\\xe8ge");
	assert_string_equal(str_show("x\xe2\x80\xaey", 5, 8, out), "x\\xe2\\x80\\xaey");
	assert_string_equal(str_show("a\0b", 3, 8, out), "a\\x00b");
	/* Cut after max bytes, before a character rather than inside. */
	assert_string_equal(str_show("abcdefghij", 10, 8, out), "abcdefgh...");
	assert_string_equal(str_show("abcdefg\xc3\xa8", 9, 8, out), "abcdefg...");
	assert_string_equal(str_show("\x01\x02\x03\x04\x05\x06\x07\x08\x09", 9, 8, out),
			    "\\x01\\x02\\x03\\x04\\x05\\x06\\x07\\x08...");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_to_i64),
		cmocka_unit_test(test_to_bool),
		cmocka_unit_test(test_to_duration),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_index_and_lower),
		cmocka_unit_test(test_show),
	};

	return cmocka_run_group_tests_name("str", tests, NULL, NULL);
}
