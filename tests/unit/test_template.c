/* Unit tests for lib/template: values, sections, and load-time checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "lib/template.h"

static const char *const allowed[] = {"org", "count", "liaison", NULL};

static char *render(const char *text, const struct template_var *v, size_t n)
{
	struct sk_error err = {0};
	struct template *t = template_parse(text, strlen(text), "t.txt", allowed, &err);
	struct buf out;

	assert_non_null(t);
	buf_init(&out, 4096);
	assert_int_equal(template_render(t, v, n, &out), 0);
	template_free(t);
	return buf_take(&out);
}

static void test_values_and_sections(void **state)
{
	const struct template_var owner[] = {{"org", "Example Water"}, {"count", "3"}};
	const struct template_var liaison[] = {
	    {"org", "Energy CERT"}, {"count", "1"}, {"liaison", "yes"}};
	const char *text = "Dear {{org}},\n{{count}} events.\n"
			   "{{#liaison}}Pass them on to your member.\n{{/liaison}}"
			   "{{^liaison}}They concern your network.\n{{/liaison}}";
	char *s;

	(void)state;
	s = render(text, owner, 2);
	assert_string_equal(s, "Dear Example Water,\n3 events.\nThey concern your network.\n");
	free(s);
	s = render(text, liaison, 3);
	assert_string_equal(s, "Dear Energy CERT,\n1 events.\nPass them on to your member.\n");
	free(s);
}

static void test_errors_name_the_line(void **state)
{
	struct sk_error err = {0};

	(void)state;
	assert_null(template_parse("a\n{{nope}}", 10, "t.txt", allowed, &err));
	assert_int_equal(err.code, SK_EINVAL);
	assert_string_equal(err.msg, "t.txt:2: unknown placeholder \"{{nope}}\"");
	assert_null(template_parse("{{#org}}x", 9, "t.txt", allowed, &err));
	assert_string_equal(err.msg, "t.txt:1: section \"org\" is never closed");
	assert_null(template_parse("{{#org}}{{/count}}", 18, "t.txt", allowed, &err));
	assert_string_equal(err.msg, "t.txt:1: \"{{/count}}\" closes no open section");
	assert_null(template_parse("x {{org", 7, "t.txt", allowed, &err));
	assert_string_equal(err.msg, "t.txt:1: \"{{\" without \"}}\"");
	assert_null(template_load("/nonexistent/t.txt", allowed, &err));
	assert_int_equal(err.code, SK_ENOTFOUND);
}

static void test_cap_leaves_output(void **state)
{
	struct sk_error err = {0};
	struct template *t = template_parse("{{org}}{{org}}", 14, "t.txt", allowed, &err);
	const struct template_var v[] = {{"org", "0123456789"}};
	struct buf out;

	(void)state;
	buf_init(&out, 15);
	assert_int_equal(buf_append_str(&out, "ab"), 0);
	assert_int_equal(template_render(t, v, 1, &out), SK_ETOOBIG);
	assert_string_equal(buf_str(&out), "ab");
	buf_free(&out);
	template_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_values_and_sections),
	    cmocka_unit_test(test_errors_name_the_line),
	    cmocka_unit_test(test_cap_leaves_output),
	};

	return cmocka_run_group_tests_name("template", tests, NULL, NULL);
}
