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
	struct sk_error err = { 0 };
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
	struct sk_error err = { 0 };
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

static void test_unknown_and_missing(void **state)
{
	static const char *const known[] = { "http.port", NULL };
	struct sk_error err = { 0 };
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_errors_name_line),
		cmocka_unit_test(test_unknown_and_missing),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
