/* tests/unit/test_csvout.c: lib/csvout.c, the one CSV writer: cells
 * quoted as RFC 4180 says, and every cell a spreadsheet would run as a
 * formula (OWASP "CSV Injection": = + - @ tab CR first) written as
 * "'...", read back by a CSV reader as the text with a leading quote. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/csvout.h"
#include "lib/error.h"

/* One cell alone, as written. */
static const char *cell(const char *text)
{
	static char out[256];
	struct buf b;

	buf_init(&b, 1024);
	assert_int_equal(csvout_cell(&b, text, true), 0);
	snprintf(out, sizeof(out), "%s", buf_str(&b));
	buf_free(&b);
	return out;
}

static void test_plain(void **state)
{
	(void)state;
	assert_string_equal(cell("198.51.100.7"), "198.51.100.7");
	assert_string_equal(cell("www.example.be"), "www.example.be");
	assert_string_equal(cell(""), "");
	assert_string_equal(cell(NULL), "");
	assert_string_equal(cell("-5"), "-5");
	assert_string_equal(cell("-33.8"), "-33.8");
	assert_string_equal(cell("a=b"), "a=b");
}

static void test_quoted(void **state)
{
	(void)state;
	assert_string_equal(cell("asn 64500, via \"transit\""),
			    "\"asn 64500, via \"\"transit\"\"\"");
	assert_string_equal(cell("two\r\nlines"), "\"two\r\nlines\"");
	assert_string_equal(cell("a;b"), "\"a;b\"");
	assert_string_equal(cell("a\tb"), "\"a\tb\"");
	assert_string_equal(cell(" padded"), "\" padded\"");
	assert_string_equal(cell("padded "), "\"padded \"");
}

static void test_formulas(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"=cmd|' /C calc'!A0", "\"'=cmd|' /C calc'!A0\""},
	    {"=HYPERLINK(\"http://x.test\")", "\"'=HYPERLINK(\"\"http://x.test\"\")\""},
	    {"+1+cmd|' /C calc'!A0", "\"'+1+cmd|' /C calc'!A0\""},
	    {"-2+3", "\"'-2+3\""},
	    {"-", "\"'-\""},
	    {"-5.", "\"'-5.\""},
	    {"@SUM(1+1)*cmd|' /C calc'!A0", "\"'@SUM(1+1)*cmd|' /C calc'!A0\""},
	    {"\t=1+1", "\"'\t=1+1\""},
	    {"\r=1+1", "\"'\r=1+1\""},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_true(csvout_is_formula(cases[i].in));
		assert_string_equal(cell(cases[i].in), cases[i].out);
	}
	assert_false(csvout_is_formula("-12"));
	assert_false(csvout_is_formula("x=1"));
	assert_false(csvout_is_formula(""));
}

static void test_row(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 1024);
	assert_int_equal(csvout_cell(&b, "id", true), 0);
	assert_int_equal(csvout_cell(&b, "=1+1", false), 0);
	assert_int_equal(csvout_cell(&b, NULL, false), 0);
	assert_int_equal(csvout_cell(&b, "x", false), 0);
	assert_int_equal(csvout_end(&b), 0);
	assert_string_equal(buf_str(&b), "id,\"'=1+1\",,x\r\n");
	buf_free(&b);
}

/* At the cap: SK_ETOOBIG, and the row is cut back whole. */
static void test_cap(void **state)
{
	struct buf b;
	size_t start;

	(void)state;
	buf_init(&b, 16);
	assert_int_equal(csvout_cell(&b, "head", true), 0);
	assert_int_equal(csvout_end(&b), 0);
	start = b.len;
	assert_int_equal(csvout_cell(&b, "=a long formula cell", true), SK_ETOOBIG);
	csvout_row_undo(&b, start);
	assert_string_equal(buf_str(&b), "head\r\n");
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain),    cmocka_unit_test(test_quoted),
	    cmocka_unit_test(test_formulas), cmocka_unit_test(test_row),
	    cmocka_unit_test(test_cap),
	};

	return cmocka_run_group_tests_name("csvout", tests, NULL, NULL);
}
