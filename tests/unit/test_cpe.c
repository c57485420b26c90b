/* tests/unit/test_cpe.c: CPE 2.3 formatted strings: 13 components,
 * quoting and wildcards as NISTIR 7695 says, errors naming what is
 * wrong. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "advisory/cpe.h"
#include "lib/error.h"

static struct cpe c;

static void test_parsed(void **state)
{
	struct sk_error err = {0};

	(void)state;
	assert_int_equal(
	    cpe_parse("cpe:2.3:a:apache:http_server:2.4.58:*:*:*:*:*:*:*", &c, &err), 0);
	assert_string_equal(c.value[CPE_PART], "a");
	assert_string_equal(c.value[CPE_VENDOR], "apache");
	assert_string_equal(c.value[CPE_PRODUCT], "http_server");
	assert_string_equal(c.value[CPE_VERSION], "2.4.58");
	assert_true(cpe_is_logical(c.value[CPE_UPDATE]));
	assert_int_equal(
	    cpe_parse("cpe:2.3:o:Example_Vendor:router\\:os:1.0\\*:-:*:*:*:*:*:*", &c, &err),
	    0);
	assert_string_equal(c.value[CPE_VENDOR], "example_vendor");
	assert_string_equal(c.value[CPE_PRODUCT], "router:os");
	assert_string_equal(c.raw[CPE_PRODUCT], "router\\:os");
	assert_string_equal(c.value[CPE_VERSION], "1.0*");
	assert_int_equal(cpe_parse("cpe:2.3:h:example:box:1.*:??:*:*:*:*:*:*", &c, &err), 0);
}

static void refused(const char *text, const char *want)
{
	struct sk_error err = {0};

	memcpy(c.value[CPE_VENDOR], "kept", sizeof("kept"));
	assert_int_equal(cpe_parse(text, &c, &err), SK_EINVAL);
	if (strstr(err.msg, want) == NULL)
		fail_msg("'%s': message '%s' lacks '%s'", text, err.msg, want);
	assert_string_equal(c.value[CPE_VENDOR], "kept");
}

static void test_refused(void **state)
{
	(void)state;
	refused("cpe:2.3:a:apache:http_server:2.4.58:*:*:*:*:*:*",
		"12 components, a CPE 2.3 name has 13");
	refused("cpe:2.3:a:apache:http_server:2.4.58:*:*:*:*:*:*:*:*", "14 components");
	refused("cpe:/a:apache:http_server:2.4.58", "cpe:2.3:");
	refused("cpe:2.3:x:apache:http_server:*:*:*:*:*:*:*:*", "part must be");
	refused("cpe:2.3:a:apa che:http_server:*:*:*:*:*:*:*:*", "vendor: character ' '");
	refused("cpe:2.3:a:apache:ht*tp:*:*:*:*:*:*:*:*", "product: * may stand");
	refused("cpe:2.3:a:apache::*:*:*:*:*:*:*:*", "product is empty");
	refused("cpe:2.3:a:apache:x:1?0:*:*:*:*:*:*:*", "version: ? may stand");
}

static void test_limit(void **state)
{
	char *big = malloc(CPE_NAME_MAX + 40);
	struct sk_error err = {0};

	(void)state;
	memcpy(big, "cpe:2.3:a:v:", sizeof("cpe:2.3:a:v:"));
	memset(big + 12, 'p', CPE_NAME_MAX);
	memcpy(big + 12 + CPE_NAME_MAX, ":*:*:*:*:*:*:*:*:*", sizeof(":*:*:*:*:*:*:*:*:*"));
	assert_int_equal(cpe_parse(big, &c, &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "longer than"));
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parsed),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
