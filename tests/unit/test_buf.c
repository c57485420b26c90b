/* tests/unit/test_buf.c: capped buffers refuse to grow past their cap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/error.h"

static void test_append_and_printf(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 100);
	assert_string_equal(buf_str(&b), "");
	assert_int_equal(buf_append_str(&b, "AS"), 0);
	assert_int_equal(buf_printf(&b, "%d", 64496), 0);
	assert_string_equal(buf_str(&b), "AS64496");
	assert_int_equal(b.len, 7);
	buf_reset(&b);
	assert_string_equal(buf_str(&b), "");
	buf_free(&b);
}

static void test_cap_is_hard(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 8);
	assert_int_equal(buf_append_str(&b, "12345678"), 0);
	assert_int_equal(buf_append_char(&b, '9'), SK_ETOOBIG);
	assert_int_equal(buf_printf(&b, "%s", "x"), SK_ETOOBIG);
	/* A failed append leaves the contents as they were. */
	assert_string_equal(buf_str(&b), "12345678");
	buf_free(&b);
}

static void test_grows_past_initial_allocation(void **state)
{
	struct buf b;
	char *s;

	(void)state;
	buf_init(&b, 1 << 20);
	for (int i = 0; i < 10000; i++)
		assert_int_equal(buf_append(&b, "0123456789", 10), 0);
	assert_int_equal(b.len, 100000);
	s = buf_take(&b);
	assert_int_equal(strlen(s), 100000);
	assert_null(b.data);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append_and_printf),
		cmocka_unit_test(test_cap_is_hard),
		cmocka_unit_test(test_grows_past_initial_allocation),
	};

	return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
