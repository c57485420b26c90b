/* tests/unit/test_advisory.c: an advisory read from JSON is validated
 * with errors naming the field, scored on the NCSC matrix, and written
 * back as it was read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "advisory/advisory.h"
#include "lib/error.h"

static const char *const good =
    "{\"title\": \"Remote code execution in Example Gateway\","
    " \"summary\": \"A flaw lets anyone run code.\","
    " \"description\": \"# Details\\n\\nMore.\","
    " \"products\": [{\"cpe\": \"cpe:2.3:a:example_vendor:gateway:*:*:*:*:*:*:*:*\","
    "   \"versions\": \">= 1.0, < 1.2.3\"},"
    "  {\"purl\": \"pkg:npm/%40example/widget@2.0\", \"versions\": \"< 2.1\"}],"
    " \"cves\": [\"CVE-2026-12345\"], \"cwes\": [\"CWE-78\"],"
    " \"cvss\": \"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\","
    " \"references\": [\"https://example.nl/advisory\"],"
    " \"remediation\": \"Update to 1.2.3.\", \"tlp\": \"TLP:CLEAR\","
    " \"probability\": {\"level\": \"high\", \"criteria\": \"exploited in the wild\"},"
    " \"damage\": {\"level\": \"High\", \"criteria\": \"remote code execution\"},"
    " \"audience\": {\"all\": false, \"classes\": [\"oes\"], \"sectors\": [\"energy/gas\"],"
    "   \"orgs\": [3], \"by_assets\": true}}";

/* Read good with member key replaced by value (JSON text; NULL: as
 * is) and validate it for publishing; the result code and message. */
static int try(const char *key, const char *value, struct advisory *a, struct sk_error *err)
{
	json_t *doc = json_loads(good, 0, NULL);
	int rc;

	assert_non_null(doc);
	if (key != NULL) {
		json_t *v = json_loads(value, JSON_DECODE_ANY, NULL);

		assert_non_null(v);
		json_object_set_new(doc, key, v);
	}
	advisory_init(a);
	rc = advisory_set_json(a, doc, err);
	if (rc == 0)
		rc = advisory_validate(a, true, err);
	json_decref(doc);
	return rc;
}

static void test_good(void **state)
{
	struct advisory a, b;
	struct sk_error err = {0};
	char m[4];
	json_t *doc, *doc2;

	(void)state;
	if (try(NULL, NULL, &a, &err) != 0)
		fail_msg("%s", err.msg);
	assert_string_equal(a.products[0].vendor, "example_vendor");
	assert_string_equal(a.products[0].product, "gateway");
	assert_string_equal(a.products[1].vendor, "@example");
	assert_string_equal(a.products[1].product, "widget");
	advisory_matrix(&a, m);
	assert_string_equal(m, "H/H");
	assert_true(advisory_urgent(&a));
	assert_string_equal(advisory_label(&a), "Urgent");
	doc = advisory_to_json(&a);
	assert_true(json_real_value(json_object_get(doc, "cvss_score")) == 9.8);
	assert_string_equal(json_string_value(json_object_get(doc, "severity")), "Critical");
	assert_string_equal(json_string_value(json_object_get(doc, "status")), "draft");
	advisory_init(&b);
	assert_int_equal(advisory_from_json(&b, doc, &err), 0);
	doc2 = advisory_to_json(&b);
	assert_true(json_equal(doc, doc2));
	a.damage = ADVISORY_MEDIUM;
	advisory_matrix(&a, m);
	assert_string_equal(m, "H/M");
	assert_string_equal(advisory_label(&a), "Normal");
	json_decref(doc);
	json_decref(doc2);
	advisory_clear(&a);
	advisory_clear(&b);
}

static void refused(const char *key, const char *value, int code, const char *want)
{
	struct advisory a;
	struct sk_error err = {0};

	assert_int_equal(try(key, value, &a, &err), code);
	if (strstr(err.msg, want) == NULL)
		fail_msg("%s=%s: message '%s' lacks '%s'", key, value, err.msg, want);
	advisory_clear(&a);
}

static void test_refused(void **state)
{
	char *big;

	(void)state;
	refused("cvss", "\"CVSS:3.1/AV:N/AC:L\"", SK_EINVAL,
		"cvss: CVSS base metric PR is missing");
	refused("products",
		"[{\"cpe\": \"cpe:2.3:a:x:y:*:*:*:*:*:*:*:*\"}, {\"product\": \"p\"},"
		" {\"cpe\": \"cpe:2.3:a:x:y:*:*:*:*:*:*:*\"}]",
		SK_EINVAL, "products[2].cpe: 12 components, a CPE 2.3 name has 13");
	refused("products", "[{\"product\": \"p\", \"versions\": \"~> 1\"}]", SK_EINVAL,
		"products[0].versions: ");
	refused("products", "[{\"purl\": \"pkg:npm\"}]", SK_EINVAL, "products[0].purl: ");
	refused("products", "[{\"vendor\": \"v\"}]", SK_EINVAL, "products[0].product: missing");
	refused("products", "[{\"product\": \"p\", \"colour\": \"red\"}]", SK_EINVAL,
		"products[0].colour: no such field");
	refused("cves", "[\"CVE-2026-1\"]", SK_EINVAL, "cves[0]");
	refused("cwes", "[\"79\"]", SK_EINVAL, "cwes[0]");
	refused("references", "[\"ftp://example.nl\"]", SK_EINVAL, "references[0]");
	refused("tlp", "\"TLP:PURPLE\"", SK_EINVAL, "tlp");
	refused("probability", "{\"level\": \"extreme\"}", SK_EINVAL, "probability.level");
	refused("audience", "{\"classes\": [\"vip\"]}", SK_EINVAL, "audience.classes[0]");
	refused("audience", "{\"orgs\": [0]}", SK_EINVAL, "audience.orgs[0]");
	refused("audience", "{\"all\": false}", SK_EINVAL, "audience: nobody");
	refused("title", "\"\"", SK_EINVAL, "title: missing");
	refused("summary", "null", SK_EINVAL, "summary: missing");
	refused("owner", "\"me\"", SK_EINVAL, "owner: no such field");
	big = malloc(ADVISORY_TEXT_MAX + 16);
	big[0] = '"';
	memset(big + 1, 'x', ADVISORY_TEXT_MAX + 1);
	memcpy(big + ADVISORY_TEXT_MAX + 2, "\"", sizeof("\""));
	refused("description", big, SK_ETOOBIG, "description: 65537 bytes, at most 65536");
	free(big);
}

static void test_set_field(void **state)
{
	struct advisory a;
	struct sk_error err = {0};

	(void)state;
	advisory_init(&a);
	assert_int_equal(advisory_set_field(&a, "title", "T", &err), 0);
	assert_int_equal(advisory_set_field(&a, "cves", "CVE-2026-0001, CVE-2026-0002", &err),
			 0);
	assert_int_equal(a.cves.n, 2);
	assert_string_equal(a.cves.v[1], "CVE-2026-0002");
	assert_int_equal(advisory_set_field(&a, "probability", "Medium", &err), 0);
	assert_int_equal(a.probability, ADVISORY_MEDIUM);
	assert_int_equal(advisory_set_field(&a, "damage-criteria", "data loss", &err), 0);
	assert_string_equal(a.damage_criteria, "data loss");
	assert_int_equal(advisory_set_field(&a, "colour", "x", &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "colour"));
	assert_int_equal(advisory_validate(&a, false, &err), 0);
	advisory_clear(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_set_field),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
