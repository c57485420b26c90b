/* tests/unit/test_purl.c: package URLs split and percent-decoded as the
 * purl specification's examples show; bad ones refused naming the part. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "advisory/purl.h"
#include "lib/error.h"

static struct purl p;

static void parsed(const char *text)
{
	struct sk_error err = {0};

	if (purl_parse(text, &p, &err) != 0)
		fail_msg("'%s': %s", text, err.msg);
}

static void test_examples(void **state)
{
	(void)state;
	parsed("pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie");
	assert_string_equal(p.type, "deb");
	assert_string_equal(p.namespace_, "debian");
	assert_string_equal(p.name, "curl");
	assert_string_equal(p.version, "7.50.3-1");
	assert_string_equal(p.qualifiers, "arch=i386&distro=jessie");
	parsed("pkg:npm/%40angular/animation@12.3.1");
	assert_string_equal(p.namespace_, "@angular");
	assert_string_equal(p.name, "animation");
	parsed("pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1?packaging=sources");
	assert_string_equal(p.namespace_, "org.apache.xmlgraphics");
	parsed("pkg:golang/google.golang.org/genproto#googleapis/api/annotations");
	assert_string_equal(p.namespace_, "google.golang.org");
	assert_string_equal(p.name, "genproto");
	assert_string_equal(p.version, "");
	assert_string_equal(p.subpath, "googleapis/api/annotations");
	parsed("pkg:PYPI/django@1.11.1");
	assert_string_equal(p.type, "pypi");
	assert_string_equal(p.namespace_, "");
	assert_string_equal(p.name, "django");
	parsed("pkg:generic/openssl@1.1.10g?download_url=https://openssl.org/source/x.tgz");
	assert_string_equal(p.version, "1.1.10g");
}

static void refused(const char *text, const char *want)
{
	struct sk_error err = {0};

	memcpy(p.name, "kept", sizeof("kept"));
	assert_int_equal(purl_parse(text, &p, &err), SK_EINVAL);
	if (strstr(err.msg, want) == NULL)
		fail_msg("'%s': message '%s' lacks '%s'", text, err.msg, want);
	assert_string_equal(p.name, "kept");
}

static void test_refused(void **state)
{
	(void)state;
	refused("", "empty");
	refused("npm/left-pad@1.0", "pkg:");
	refused("pkg:npm", "type and a name");
	refused("pkg:npm/", "type and a name");
	refused("pkg:1npm/x", "type");
	refused("pkg:np$m/x", "type");
	refused("pkg:npm/x%4", "name: cut-off");
	refused("pkg:npm/x%zz", "name: bad percent");
	refused("pkg:npm/x%00", "name: not UTF-8");
	refused("pkg:npm/x@1?arch", "qualifiers");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_examples),
	    cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
