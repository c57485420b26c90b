/* tests/unit/test_csaf.c: an advisory as a CSAF 2.0 document: the
 * profile follows from its products, the TLP label maps to CSAF's, the
 * revisions become the revision history, CVSS and products land where
 * CSAF wants them; file names follow the CSAF rule; [csaf] is checked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "advisory/advisory.h"
#include "advisory/csaf.h"
#include "lib/config.h"
#include "lib/error.h"

static const char *const stored =
    "{\"id\": 7, \"number\": \"NCSC-2026-0007\", \"title\": \"RCE in Gateway\","
    " \"summary\": \"Anyone can run code.\", \"description\": \"More.\","
    " \"products\": [{\"vendor\": \"Example\", \"product\": \"Gateway\","
    "   \"versions\": \">= 1.0, < 1.2.3\","
    "   \"cpe\": \"cpe:2.3:a:example:gateway:*:*:*:*:*:*:*:*\"},"
    "  {\"vendor\": \"Example\", \"product\": \"Agent\", \"versions\": \"*\","
    "   \"purl\": \"pkg:npm/example-agent@2.0.0\"}],"
    " \"cves\": [\"CVE-2026-1\", \"CVE-2026-2\"], \"cwes\": [\"CWE-78\"],"
    " \"cvss\": \"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:L\","
    " \"references\": [\"https://example.nl/a\"], \"remediation\": \"Update.\","
    " \"tlp\": \"TLP:AMBER+STRICT\", \"status\": \"published\", \"revision\": 2,"
    " \"revisions\": [{\"number\": 1, \"date\": \"2026-01-02T03:04:05Z\","
    "   \"summary\": \"Initial publication\"},"
    "  {\"number\": 2, \"date\": \"2026-02-03T04:05:06Z\", \"summary\": \"Fix\"}],"
    " \"published\": \"2026-01-02T03:04:05Z\"}";

static struct csaf_settings settings(void)
{
	struct csaf_settings s = {.publisher_name = "NCSC Test"};

	memcpy(s.namespace, "https://ncsc.example.nl", sizeof("https://ncsc.example.nl"));
	memcpy(s.base_url, "https://ncsc.example.nl", sizeof("https://ncsc.example.nl"));
	return s;
}

static json_t *csaf_of(const char *text)
{
	struct csaf_settings s = settings();
	struct sk_error err = {0};
	struct advisory a;
	json_t *in = json_loads(text, 0, NULL), *out;

	assert_non_null(in);
	advisory_init(&a);
	assert_int_equal(advisory_from_json(&a, in, &err), 0);
	out = csaf_document(&a, &s);
	advisory_clear(&a);
	json_decref(in);
	return out;
}

static const char *str_at(json_t *doc, const char *path)
{
	json_t *v = doc;
	char key[64];

	while (*path != '\0' && v != NULL) {
		size_t n = strcspn(path, ".");

		snprintf(key, sizeof(key), "%.*s", (int)n, path);
		v = json_is_array(v) ? json_array_get(v, (size_t)strtoul(key, NULL, 10))
				     : json_object_get(v, key);
		path += n + (path[n] == '.');
	}
	return json_string_value(v);
}

static void test_security_advisory(void **state)
{
	json_t *d = csaf_of(stored), *v;

	(void)state;
	assert_string_equal(str_at(d, "document.category"), "csaf_security_advisory");
	assert_string_equal(str_at(d, "document.tracking.id"), "NCSC-2026-0007");
	assert_string_equal(str_at(d, "document.tracking.version"), "2");
	assert_string_equal(str_at(d, "document.tracking.initial_release_date"),
			    "2026-01-02T03:04:05Z");
	assert_string_equal(str_at(d, "document.tracking.current_release_date"),
			    "2026-02-03T04:05:06Z");
	assert_string_equal(str_at(d, "document.tracking.revision_history.1.number"), "2");
	assert_string_equal(str_at(d, "document.distribution.tlp.label"), "AMBER");
	assert_non_null(str_at(d, "document.distribution.text"));
	assert_string_equal(str_at(d, "document.publisher.category"), "coordinator");
	/* vendor -> product name -> version range; all versions: the name */
	assert_string_equal(str_at(d, "product_tree.branches.0.branches.0.branches.0.name"),
			    ">= 1.0, < 1.2.3");
	assert_string_equal(
	    str_at(d, "product_tree.branches.0.branches.0.branches.0.product.product_id"),
	    "CSAFPID-0001");
	assert_string_equal(str_at(d, "product_tree.branches.0.branches.1.product."
				      "product_identification_helper.purl"),
			    "pkg:npm/example-agent@2.0.0");
	v = json_object_get(d, "vulnerabilities");
	assert_int_equal(json_array_size(v), 2);
	assert_string_equal(str_at(d, "vulnerabilities.1.cve"), "CVE-2026-2");
	assert_string_equal(str_at(d, "vulnerabilities.0.scores.0.cvss_v3.baseSeverity"),
			    "CRITICAL");
	assert_true(json_real_value(json_object_get(
			json_object_get(
			    json_array_get(json_object_get(json_array_get(v, 0), "scores"), 0),
			    "cvss_v3"),
			"baseScore")) == 9.4);
	assert_string_equal(str_at(d, "vulnerabilities.0.product_status.known_affected.1"),
			    "CSAFPID-0002");
	assert_string_equal(str_at(d, "vulnerabilities.0.remediations.0.category"),
			    "vendor_fix");
	json_decref(d);
}

static void test_informational(void **state)
{
	json_t *in = json_loads(stored, 0, NULL), *d;
	char *text;

	(void)state;
	json_object_set_new(in, "products", json_array());
	json_object_set_new(in, "tlp", json_string("TLP:CLEAR"));
	text = json_dumps(in, 0);
	d = csaf_of(text);
	assert_string_equal(str_at(d, "document.category"), "csaf_informational_advisory");
	assert_string_equal(str_at(d, "document.distribution.tlp.label"), "WHITE");
	assert_null(json_object_get(d, "vulnerabilities"));
	assert_null(json_object_get(d, "product_tree"));
	assert_string_equal(str_at(d, "document.references.0.category"), "external");
	free(text);
	json_decref(in);
	json_decref(d);
}

static void test_file_name(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(csaf_file_name("NCSC-2026-0007", out, sizeof(out)), 19);
	assert_string_equal(out, "ncsc-2026-0007.json");
	assert_true(csaf_file_name("Example SA:2026/1+x", out, sizeof(out)) > 0);
	assert_string_equal(out, "example_sa_2026_1+x.json");
	assert_int_equal(csaf_file_name("NCSC-2026-0007", out, 10), -1);
	assert_int_equal(csaf_file_name("", out, sizeof(out)), -1);
}

static void test_settings(void **state)
{
	struct config *cfg = config_new();
	struct csaf_settings s;
	struct sk_error err = {0};

	(void)state;
	assert_int_equal(csaf_settings_read(cfg, &s, &err), SK_ECONFIG);
	config_set(cfg, "csaf", "publisher_name", "NCSC");
	config_set(cfg, "csaf", "publisher_namespace", "http://ncsc.example.nl");
	assert_int_equal(csaf_settings_read(cfg, &s, &err), SK_ECONFIG);
	assert_non_null(strstr(err.msg, "publisher_namespace"));
	config_set(cfg, "csaf", "publisher_namespace", "https://ncsc.example.nl/");
	assert_int_equal(csaf_settings_read(cfg, &s, &err), 0);
	assert_string_equal(s.base_url, "https://ncsc.example.nl");
	config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_security_advisory),
	    cmocka_unit_test(test_informational),
	    cmocka_unit_test(test_file_name),
	    cmocka_unit_test(test_settings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
