/* tests/unit/test_config.c: INI files, typed look-ups and errors that
 * name file and line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/config.h"
#include "lib/error.h"

static char *write_file(const char *text)
{
	static char path[64];
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "/tmp/schakel-conf.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static void test_values(void **state)
{
	struct sk_error err = {0};
	struct config *cfg;
	int64_t port = 0;
	bool sys = true;
	char *path = write_file("# comment\n[store]\nurl = sqlite:/tmp/x.db\n"
				"[http]\nport = 8081\n[log]\nsyslog = no\n");

	(void)state;
	cfg = config_load(path, false, &err);
	assert_non_null(cfg);
	assert_string_equal(config_str(cfg, "store", "url", "d"), "sqlite:/tmp/x.db");
	assert_string_equal(config_str(cfg, "store", "missing", "d"), "d");
	assert_int_equal(config_int(cfg, "http", "port", 1, 65535, 8080, &port, &err), 0);
	assert_int_equal(port, 8081);
	assert_int_equal(config_bool(cfg, "log", "syslog", true, &sys, &err), 0);
	assert_false(sys);
	config_set(cfg, "store", "url", "sqlite:/tmp/y.db");
	assert_string_equal(config_get(cfg, "store", "url"), "sqlite:/tmp/y.db");
	config_free(cfg);
	unlink(path);
}

static void test_errors_name_line(void **state)
{
	struct sk_error err = {0};
	struct config *cfg;
	int64_t port = 0;
	char *path = write_file("[http]\n\nport = eighty\n");

	(void)state;
	cfg = config_load(path, false, &err);
	assert_non_null(cfg);
	assert_int_equal(config_int(cfg, "http", "port", 1, 65535, 8080, &port, &err),
			 SK_ECONFIG);
	assert_non_null(strstr(err.msg, ":3:"));
	assert_non_null(strstr(err.msg, "port"));
	config_free(cfg);
	unlink(path);

	path = write_file("[http]\nport = 8080\nthis line is wrong\n");
	assert_null(config_load(path, false, &err));
	assert_int_equal(err.code, SK_ECONFIG);
	assert_non_null(strstr(err.msg, ":3:"));
	unlink(path);
}

/* Parse text as a file named "t.conf": the configuration, or NULL with
 * the error in err. */
static struct config *parse(const char *text, struct sk_error *err)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	struct config *cfg;

	assert_non_null(f);
	cfg = config_parse(f, "t.conf", err);
	fclose(f);
	return cfg;
}

static void test_long_values(void **state)
{
	struct sk_error err = {0};
	struct config *cfg;
	char text[8192], value[4200];
	struct buf b;

	(void)state;
	/* Indented lines continue a value; the entry keeps its first line. */
	cfg = parse("[sla]\nholidays = 2026-12-25,\n  2026-12-26,\n\t2027-01-01\n"
		    "office_days = mon-fri\n",
		    &err);
	assert_non_null(cfg);
	assert_string_equal(config_get(cfg, "sla", "holidays"),
			    "2026-12-25, 2026-12-26, 2027-01-01");
	assert_string_equal(config_get(cfg, "sla", "office_days"), "mon-fri");
	assert_int_equal(config_error(cfg, "sla", "holidays", &err, "bad"), SK_ECONFIG);
	assert_string_equal(err.msg, "t.conf:2: [sla] holidays = '2026-12-25, 2026-12-26, "
				     "2027-01-01': bad");
	config_free(cfg);

	/* A line longer than the parser's buffer is refused where it is,
	 * not cut or read as two lines. */
	memset(value, 'a', 300);
	value[300] = '\0';
	snprintf(text, sizeof(text), "[notify]\nsender = CERT\n\nsubject = %s\nx = 1\n", value);
	assert_null(parse(text, &err));
	assert_int_equal(err.code, SK_ECONFIG);
	assert_non_null(strstr(err.msg, "t.conf:4: the line is longer than"));

	/* Continued up to the 4 KiB limit, and not past it. */
	buf_init(&b, sizeof(text));
	assert_int_equal(buf_append_str(&b, "[tickets]\naddresses = a@example.be"), 0);
	for (int i = 0; i < 200; i++)
		assert_int_equal(buf_append_str(&b, "\n  b@example.be"), 0);
	assert_int_equal(buf_append_str(&b, "\n"), 0);
	cfg = parse(buf_str(&b), &err);
	assert_non_null(cfg);
	assert_int_equal(strlen(config_get(cfg, "tickets", "addresses")), 12 + 200 * 13);
	config_free(cfg);
	for (int i = 0; i < 150; i++)
		assert_int_equal(buf_append_str(&b, "  c@example.be\n"), 0);
	assert_null(parse(buf_str(&b), &err));
	buf_free(&b);
	assert_non_null(strstr(err.msg, "value of 'addresses' is longer than 4096 bytes"));
}

static void test_set_twice(void **state)
{
	struct sk_error err = {0};
	struct config *cfg;

	(void)state;
	assert_null(parse("[mail]\nrelay = smtp://a.test\nfrom = x@example.be\n"
			  "relay = smtp://b.test\n",
			  &err));
	assert_int_equal(err.code, SK_ECONFIG);
	assert_string_equal(err.msg, "t.conf:4: [mail] relay is set twice (first on line 2)");
	/* The same key in another section is another setting. */
	cfg = parse("[mail]\nfrom = x@example.be\n[notify]\nfrom = y@example.be\n", &err);
	assert_non_null(cfg);
	config_free(cfg);
	/* An indented line after another key continues that key, not the first. */
	assert_null(parse("[mail]\nrelay = smtp://a.test\nfrom = x@example.be\n"
			  "relay = smtp://b.test\n  more\n",
			  &err));
	assert_non_null(strstr(err.msg, "set twice"));
}

static void test_unknown_and_missing(void **state)
{
	static const char *const known[] = {"http.port", NULL};
	struct sk_error err = {0};
	struct config *cfg;
	char *path = write_file("[http]\nprot = 80\n");

	(void)state;
	cfg = config_load(path, false, &err);
	assert_non_null(cfg);
	assert_int_equal(config_check_known(cfg, known, &err), SK_ECONFIG);
	assert_non_null(strstr(err.msg, "prot"));
	config_free(cfg);
	unlink(path);

	assert_null(config_load("/nonexistent/schakel.conf", false, &err));
	assert_int_equal(err.code, SK_ECONFIG);
	cfg = config_load("/nonexistent/schakel.conf", true, &err);
	assert_non_null(cfg);
	config_free(cfg);
}

/* Durations: s, m, h or d within a range; errors name file and line. */
static void test_duration(void **state)
{
	struct sk_error err = {0};
	struct config *cfg = parse("[http]\nwindow = 15m\nday = 1d\nzero = 0s\n"
				   "word = soon\nbig = 2d\n",
				   &err);
	int64_t v = -1;

	(void)state;
	assert_non_null(cfg);
	assert_int_equal(config_duration(cfg, "http", "window", 1, 86400, 5, &v, &err), 0);
	assert_int_equal(v, 900);
	assert_int_equal(config_duration(cfg, "http", "day", 1, 86400, 5, &v, &err), 0);
	assert_int_equal(v, 86400);
	assert_int_equal(config_duration(cfg, "http", "absent", 1, 86400, 5, &v, &err), 0);
	assert_int_equal(v, 5);
	v = -1;
	assert_int_equal(config_duration(cfg, "http", "zero", 1, 86400, 5, &v, &err),
			 SK_ECONFIG);
	assert_int_equal(v, -1);
	assert_non_null(strstr(err.msg, "t.conf:4: [http] zero"));
	assert_non_null(strstr(err.msg, "from 1s to 86400s"));
	assert_int_equal(config_duration(cfg, "http", "word", 1, 86400, 5, &v, &err),
			 SK_ECONFIG);
	assert_non_null(strstr(err.msg, "t.conf:5:"));
	assert_int_equal(config_duration(cfg, "http", "big", 1, 86400, 5, &v, &err),
			 SK_ECONFIG);
	assert_non_null(strstr(err.msg, "t.conf:6:"));
	config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_values),
	    cmocka_unit_test(test_errors_name_line),
	    cmocka_unit_test(test_unknown_and_missing),
	    cmocka_unit_test(test_long_values),
	    cmocka_unit_test(test_set_twice),
	    cmocka_unit_test(test_duration),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
