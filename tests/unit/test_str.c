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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_to_i64),
		cmocka_unit_test(test_to_bool),
		cmocka_unit_test(test_to_duration),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_index_and_lower),
	};

	return cmocka_run_group_tests_name("str", tests, NULL, NULL);
}
