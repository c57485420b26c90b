/* tests/unit/test_dso.c: libraries loaded on first use: libpq is not
 * mapped until asked for (so schakel starts without it), then its
 * functions work; a missing library or function is a clear SK_ECONFIG. */
#define _GNU_SOURCE /* dl_iterate_phdr */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <link.h>
#include <string.h>

#include "lib/dso.h"
#include "lib/error.h"

static int find_object(struct dl_phdr_info *info, size_t size, void *name)
{
	(void)size;
	return strstr(info->dlpi_name, name) != NULL;
}

static bool mapped(const char *name)
{
	return dl_iterate_phdr(find_object, (void *)name) != 0;
}

static void test_loaded_on_first_use(void **state)
{
	int (*version)(void) = NULL;
	const struct dso_symbol syms[] = {{"PQlibVersion", (void **)&version}};
	struct sk_error err = {0};
	bool loaded = false;

	(void)state;
	assert_false(mapped("libpq.so")); /* not linked: only loaded */
	assert_int_equal(dso_load("libpq.so.5", syms, 1, &loaded, &err), 0);
	assert_true(loaded);
	assert_true(mapped("libpq.so"));
	assert_true(version() >= 90000);
	/* Once loaded, a second call changes nothing. */
	version = NULL;
	assert_int_equal(dso_load("libpq.so.5", syms, 1, &loaded, &err), 0);
	assert_null(version);
}

static void test_missing(void **state)
{
	void *fn = NULL;
	const struct dso_symbol syms[] = {{"PQnoSuchFunction", &fn}};
	struct sk_error err = {0};
	bool loaded = false;

	(void)state;
	assert_int_equal(dso_load("libschakel-absent.so.1", syms, 1, &loaded, &err),
			 SK_ECONFIG);
	assert_false(loaded);
	assert_non_null(strstr(err.msg, "libschakel-absent.so.1 cannot be loaded"));

	sk_error_clear(&err);
	assert_int_equal(dso_load("libpq.so.5", syms, 1, &loaded, &err), SK_ECONFIG);
	assert_false(loaded);
	assert_string_equal(err.msg, "libpq.so.5 has no function PQnoSuchFunction");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_loaded_on_first_use),
	    cmocka_unit_test(test_missing),
	};

	return cmocka_run_group_tests_name("dso", tests, NULL, NULL);
}
