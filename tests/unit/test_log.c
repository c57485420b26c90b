/* tests/unit/test_log.c: JSON log lines (lib/log.c) parse whatever their
 * strings hold: quotes, control characters, invalid UTF-8, and values
 * too long for a line, which are cut inside their strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <string.h>

#include "lib/log.h"

#define STAMP "2024-01-31T12:00:00.123Z"

/* The line as JSON (caller decrefs); fails the test if it does not
 * parse or does not end in one newline. */
static json_t *parse(const char *line, size_t len)
{
	json_error_t e;
	json_t *j;

	assert_true(len > 0 && line[len - 1] == '\n');
	assert_int_equal(strlen(line), len);
	assert_null(memchr(line, '\n', len - 1));
	j = json_loadb(line, len, 0, &e);
	if (j == NULL)
		fail_msg("not JSON (%s): %s", e.text, line);
	return j;
}

static void test_fields(void **state)
{
	const struct log_field f[] = {LOG_STR("request_id", "0123456789abcdef"),
				      LOG_INT("status", 404), LOG_REAL("duration_ms", 1.5),
				      LOG_STR("user", NULL), LOG_END};
	char line[1024];
	size_t n;
	json_t *j;

	(void)state;
	n = log_json_line(line, sizeof(line), STAMP, LOG_LEVEL_INFO, "schakeld", "http.request",
			  "GET / 404", f);
	j = parse(line, n);
	assert_string_equal(json_string_value(json_object_get(j, "time")), STAMP);
	assert_string_equal(json_string_value(json_object_get(j, "level")), "info");
	assert_string_equal(json_string_value(json_object_get(j, "event")), "http.request");
	assert_string_equal(json_string_value(json_object_get(j, "msg")), "GET / 404");
	assert_string_equal(json_string_value(json_object_get(j, "request_id")),
			    "0123456789abcdef");
	assert_int_equal(json_integer_value(json_object_get(j, "status")), 404);
	assert_true(json_real_value(json_object_get(j, "duration_ms")) == 1.5);
	assert_null(json_object_get(j, "user")); /* NULL: left out */
	json_decref(j);
}

static void test_escapes(void **state)
{
	const char *msg = "quote \" backslash \\ tab\t nl\n cr\r bell\a del\x7f esc\x1b";
	char line[1024];
	size_t n;
	json_t *j;

	(void)state;
	n = log_json_line(line, sizeof(line), STAMP, LOG_LEVEL_WARN, "schakeld", "log", msg,
			  NULL);
	j = parse(line, n);
	assert_string_equal(json_string_value(json_object_get(j, "msg")), msg);
	json_decref(j);
}

static void test_bad_utf8(void **state)
{
	/* Latin-1, an overlong '/', a surrogate, a cut sequence; UTF-8 stays. */
	const char *msg = "caf\xe9 \xc0\xaf \xed\xa0\x80 \xe2\x82 \xe2\x82\xac";
	char line[1024];
	size_t n;
	json_t *j;

	(void)state;
	n = log_json_line(line, sizeof(line), STAMP, LOG_LEVEL_INFO, "schakeld", "log", msg,
			  NULL);
	j = parse(line, n);
	assert_string_equal(json_string_value(json_object_get(j, "msg")),
			    "caf\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd"
			    "\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd \xe2\x82\xac");
	json_decref(j);
}

/* However long the values, every size of line gives a line that parses. */
static void test_cut(void **state)
{
	char big[3000], line[2048];
	const struct log_field f[] = {LOG_STR("path", big), LOG_INT("status", 200),
				      LOG_STR("client", big), LOG_END};

	(void)state;
	for (size_t i = 0; i < sizeof(big) - 1; i++)
		big[i] = "a\"\x01\xe2\x82\xac\\"[i % 7];
	big[sizeof(big) - 1] = '\0';
	for (size_t size = 256; size <= sizeof(line); size += 37) {
		size_t n = log_json_line(line, size, STAMP, LOG_LEVEL_INFO, "schakeld",
					 "http.request", big, f);
		json_t *j;

		assert_true(n < size);
		j = parse(line, n);
		assert_non_null(json_object_get(j, "time"));
		assert_non_null(json_object_get(j, "event"));
		json_decref(j);
	}
}

static void test_parse_names(void **state)
{
	(void)state;
	assert_int_equal(log_format_parse("text"), LOG_FORMAT_TEXT);
	assert_int_equal(log_format_parse("json"), LOG_FORMAT_JSON);
	assert_int_equal(log_format_parse("JSON"), -1);
	assert_int_equal(log_level_parse("debug"), LOG_LEVEL_DEBUG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fields),	cmocka_unit_test(test_escapes),
	    cmocka_unit_test(test_bad_utf8),	cmocka_unit_test(test_cut),
	    cmocka_unit_test(test_parse_names),
	};

	return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}
