/* tests/unit/test_webfiles.c: the web console's files read from a folder
 * the test makes: what is served (regular files of safe names and known
 * types, in folders), what is not (symbolic links, hidden and odd names,
 * other types, FIFOs), look-ups by request path, and the limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/webfiles.h"
#include "lib/error.h"

static char root[64];

static void put(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void sub(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", root, name);
	assert_int_equal(mkdir(path, 0700), 0);
}

static int setup(void **state)
{
	char path[256], target[256];

	(void)state;
	snprintf(root, sizeof(root), "%s/webfiles.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(root) == NULL)
		return -1;
	put("index.html", "<!doctype html>\n");
	sub("lib");
	put("lib/api.js", "export const api = 1;\n");
	sub("css");
	put("css/console.css", "body { margin: 0; }\n");
	put("README.md", "not served\n");
	put(".hidden.js", "not served\n");
	put("a b.js", "not served\n");
	snprintf(path, sizeof(path), "%s/secret.txt", root);
	snprintf(target, sizeof(target), "%s/lib/api.js", root);
	if (symlink("/etc/passwd", path) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/linked", root);
	if (symlink(target, path) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/pipe.txt", root);
	return mkfifo(path, 0600);
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_served(void **state)
{
	struct sk_error err = {0};
	struct webfiles *w = NULL;
	const struct webfile *f;

	(void)state;
	assert_int_equal(webfiles_load(root, &w, &err), 0);
	assert_int_equal(webfiles_count(w), 3);
	f = webfiles_find(w, "/");
	assert_non_null(f);
	assert_string_equal(f->path, "index.html");
	assert_string_equal(f->type, "text/html; charset=utf-8");
	assert_int_equal(f->size, strlen("<!doctype html>\n"));
	assert_memory_equal(f->data, "<!doctype html>\n", f->size);
	f = webfiles_find(w, "/lib/api.js");
	assert_non_null(f);
	assert_string_equal(f->type, "text/javascript; charset=utf-8");
	f = webfiles_find(w, "/css/console.css");
	assert_non_null(f);
	assert_string_equal(f->type, "text/css; charset=utf-8");
	webfiles_free(w);
}

static void test_not_served(void **state)
{
	static const char *const paths[] = {
	    "/README.md",
	    "/.hidden.js",
	    "/a b.js",
	    "/secret.txt",
	    "/linked",
	    "/pipe.txt",
	    "/lib",
	    "/lib/",
	    "lib/api.js",
	    "/../index.html",
	    "/lib/../index.html",
	    "/lib//api.js",
	    "/index.html/",
	    "",
	    "/nothing.js",
	};
	struct sk_error err = {0};
	struct webfiles *w = NULL;

	(void)state;
	assert_int_equal(webfiles_load(root, &w, &err), 0);
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (webfiles_find(w, paths[i]) != NULL)
			fail_msg("%s is served", paths[i]);
	assert_null(webfiles_find(w, NULL));
	assert_null(webfiles_find(NULL, "/"));
	webfiles_free(w);
}

static void test_types(void **state)
{
	(void)state;
	assert_string_equal(webfiles_type("a.json"), "application/json");
	assert_string_equal(webfiles_type("logo.svg"), "image/svg+xml");
	assert_string_equal(webfiles_type("logo.png"), "image/png");
	assert_string_equal(webfiles_type("favicon.ico"), "image/x-icon");
	assert_string_equal(webfiles_type("robots.txt"), "text/plain; charset=utf-8");
	assert_null(webfiles_type("run.sh"));
	assert_null(webfiles_type("html"));
	assert_null(webfiles_type("page.html.bak"));
}

static void test_missing_and_deep(void **state)
{
	struct sk_error err = {0};
	struct webfiles *w = NULL;
	char path[256] = "";

	(void)state;
	assert_int_equal(webfiles_load("/nonexistent/schakel/web", &w, &err), SK_ENOTFOUND);
	assert_null(w);
	snprintf(path, sizeof(path), "%s/index.html", root);
	assert_int_equal(webfiles_load(path, &w, &err), SK_ENOTFOUND);
	/* Folders nested past WEBFILES_DEPTH_MAX are refused. */
	snprintf(path, sizeof(path), "d");
	for (int i = 0; i <= WEBFILES_DEPTH_MAX; i++) {
		sub(path);
		memcpy(path + strlen(path), "/d", 3);
	}
	assert_int_equal(webfiles_load(root, &w, &err), SK_ETOOBIG);
	assert_non_null(strstr(err.msg, "deeper"));
	assert_null(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_served),
	    cmocka_unit_test(test_not_served),
	    cmocka_unit_test(test_types),
	    cmocka_unit_test(test_missing_and_deep),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
