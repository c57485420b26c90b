/* tests/unit/test_feedtime.c: feed times: ISO 8601 and the HTTP date
 * forms read to the right second in UTC, impossible dates refused,
 * strptime-style patterns checked and read, times written back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "feed/feedtime.h"
#include "lib/error.h"

/* 2024-01-31T12:00:00Z */
#define T0 1706702400

static void good(const char *text, int64_t want)
{
	int64_t t = -1;

	if (feedtime_parse(text, strlen(text), &t) != 0)
		fail_msg("'%s' refused", text);
	if (t != want)
		fail_msg("'%s' gave %lld, want %lld", text, (long long)t, (long long)want);
}

static void bad(const char *text)
{
	int64_t t = 42;

	if (feedtime_parse(text, strlen(text), &t) == 0)
		fail_msg("'%s' accepted as %lld", text, (long long)t);
	assert_int_equal(t, 42);
}

static void test_parse(void **state)
{
	(void)state;
	good("2024-01-31 12:00:00", T0);
	good("2024-01-31T12:00:00Z", T0);
	good("2024-01-31t12:00:00.123456", T0);
	good(" 2024-01-31 12:00:00 UTC ", T0);
	good("2024-01-31 13:00:00+01:00", T0);
	good("2024-01-31 13:00:00 +0100", T0);
	good("2024-01-31 07:00:00-05", T0);
	good("2024-01-31 12:00", T0);
	good("2024-01-31", T0 - 12 * 3600);
	good("Wed, 31 Jan 2024 12:00:00 GMT", T0);
	good("wed, 31 jan 2024 12:00:00 gmt", T0);
	good("31 Jan 2024 13:00:00 +0100", T0);
	good("Wednesday, 31-Jan-24 12:00:00 GMT", T0);
	good("Wednesday, 31-Jan-2024 12:00:00 UT", T0);
	good("Wed Jan 31 12:00:00 2024", T0);
	good("Wed Jan  5 12:00:00 2024", T0 - 26 * 86400);
	good("Thu, 29 Feb 2024 00:00:00 GMT", T0 + 29 * 86400 - 12 * 3600);
	good("1970-01-01 00:00:00", 0);
	good("1969-12-31 23:59:59", -1);
	good("0001-01-01 00:00:00", -62135596800LL);
	good("9999-12-31 23:59:59", 253402300799LL);
	bad("");
	bad("   ");
	bad("2024-02-30 00:00:00");
	bad("2023-02-29");
	bad("2024-13-01");
	bad("2024-01-31 24:00:00");
	bad("2024-01-31 12:60:00");
	bad("2024-01-31 12:00:60");
	bad("2024-01-31 12:00:00 +19:00");
	bad("2024-01-31 12:00:00 CET");
	bad("2024-01-31 12:00:00 x");
	bad("2024-1-31");
	bad("0000-01-01");
	bad("Wed, 32 Jan 2024 12:00:00 GMT");
	bad("Wed, 31 Foo 2024 12:00:00 GMT");
	bad("Wednesday, 31-Jan-202 12:00:00 GMT");
	bad("yesterday");
	bad("1706702400");
	{
		char longtext[FEEDTIME_TEXT_MAX + 2];

		memset(longtext, ' ', sizeof(longtext));
		memcpy(longtext, "2024-01-31", 10);
		longtext[sizeof(longtext) - 1] = 'x';
		assert_int_equal(feedtime_parse(longtext, sizeof(longtext), &(int64_t){0}),
				 SK_EINVAL);
	}
}

static void pattern(const char *pat, const char *text, int64_t want)
{
	int64_t t = -1;

	assert_int_equal(feedtime_check_pattern(pat, NULL), 0);
	if (feedtime_parse_pattern(pat, text, strlen(text), &t) != 0)
		fail_msg("'%s' by '%s' refused", text, pat);
	if (t != want)
		fail_msg("'%s' by '%s' gave %lld, want %lld", text, pat, (long long)t,
			 (long long)want);
}

static void pattern_bad(const char *pat, const char *text)
{
	int64_t t = 0;

	assert_int_equal(feedtime_check_pattern(pat, NULL), 0);
	if (feedtime_parse_pattern(pat, text, strlen(text), &t) == 0)
		fail_msg("'%s' by '%s' accepted", text, pat);
}

static void check_bad(const char *pat, const char *what)
{
	struct sk_error err = {0};

	assert_int_equal(feedtime_check_pattern(pat, &err), SK_EINVAL);
	if (strstr(err.msg, what) == NULL)
		fail_msg("'%s': want '%s', got '%s'", pat, what, err.msg);
}

static void test_patterns(void **state)
{
	(void)state;
	pattern("%d/%m/%Y %H:%M", "31/01/2024 12:00", T0);
	pattern("%d.%m.%y %H:%M:%S", "31.01.24 12:00:00", T0);
	pattern("%d.%m.%y", "01.01.69", -31536000);
	pattern("%d.%m.%y", "01.01.68", 3092601600LL);
	pattern("%F %T", "2024-01-31 12:00:00", T0);
	pattern("%FT%T.%f%z", "2024-01-31T13:00:00.250+01:00", T0);
	pattern("%a %b %e %T %Z %Y", "Wed Jan 31 12:00:00 UTC 2024", T0);
	pattern("%B %d, %Y", "January 31, 2024", T0 - 12 * 3600);
	pattern("%s", "1706702400", T0);
	pattern("%s.%f", "1706702400.999", T0);
	pattern("%s", "-1", -1);
	pattern("%Y%m%d%H%M%S", "20240131120000", T0);
	pattern("[%Y-%m-%d %H:%M:%S] %%", "[2024-01-31  12:00:00] %", T0);
	pattern_bad("%d/%m/%Y", "31/01/2024 12:00");
	pattern_bad("%d/%m/%Y", "31-01-2024");
	pattern_bad("%d/%m/%Y", "31/02/2024");
	pattern_bad("%s", "1234567890123");
	pattern_bad("%s", "");
	pattern_bad("%Y-%m-%d", "2024-01-3x");
	check_bad("", "empty");
	check_bad("%Y-%m-%d %Q", "'%Q' is not a time pattern directive");
	check_bad("%Y-%m-%d %", "ends in '%'");
	check_bad("%H:%M", "needs a year, a month and a day");
	check_bad("%Y-%m", "needs a year");
}

static void written(int64_t t, const char *want)
{
	char out[26];

	feedtime_format(t, out);
	assert_string_equal(out, want);
}

static void test_format(void **state)
{
	(void)state;
	written(0, "1970-01-01T00:00:00+00:00");
	written(T0, "2024-01-31T12:00:00+00:00");
	written(-1, "1969-12-31T23:59:59+00:00");
	written(-62135596800LL, "0001-01-01T00:00:00+00:00");
	written(253402300799LL, "9999-12-31T23:59:59+00:00");
	written(951782400, "2000-02-29T00:00:00+00:00");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_patterns),
	    cmocka_unit_test(test_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
