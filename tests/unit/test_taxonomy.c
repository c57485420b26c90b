/* tests/unit/test_taxonomy.c: every classification.type IntelMQ allows
 * maps to its RSIT taxonomy, legacy spellings map to current ones, and
 * unknown words are refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "model/taxonomy.h"

/* IntelMQ 3.x's classification table (docs/user/event.md), typed out
 * here independently of taxonomy.c. */
static const char *const intelmq[][2] = {
    {"harmful-speech", "abusive-content"},
    {"spam", "abusive-content"},
    {"violence", "abusive-content"},
    {"ddos", "availability"},
    {"dos", "availability"},
    {"misconfiguration", "availability"},
    {"outage", "availability"},
    {"sabotage", "availability"},
    {"copyright", "fraud"},
    {"masquerade", "fraud"},
    {"phishing", "fraud"},
    {"unauthorized-use-of-resources", "fraud"},
    {"data-leak", "information-content-security"},
    {"data-loss", "information-content-security"},
    {"unauthorised-information-access", "information-content-security"},
    {"unauthorised-information-modification", "information-content-security"},
    {"scanner", "information-gathering"},
    {"sniffing", "information-gathering"},
    {"social-engineering", "information-gathering"},
    {"brute-force", "intrusion-attempts"},
    {"exploit", "intrusion-attempts"},
    {"ids-alert", "intrusion-attempts"},
    {"application-compromise", "intrusions"},
    {"burglary", "intrusions"},
    {"privileged-account-compromise", "intrusions"},
    {"system-compromise", "intrusions"},
    {"unprivileged-account-compromise", "intrusions"},
    {"c2-server", "malicious-code"},
    {"infected-system", "malicious-code"},
    {"malware-configuration", "malicious-code"},
    {"malware-distribution", "malicious-code"},
    {"blacklist", "other"},
    {"dga-domain", "other"},
    {"other", "other"},
    {"malware", "other"},
    {"proxy", "other"},
    {"tor", "other"},
    {"undetermined", "other"},
    {"test", "test"},
    {"ddos-amplifier", "vulnerable"},
    {"information-disclosure", "vulnerable"},
    {"potentially-unwanted-accessible", "vulnerable"},
    {"vulnerable-system", "vulnerable"},
    {"weak-crypto", "vulnerable"},
};

static void test_every_type(void **state)
{
	size_t n = sizeof(intelmq) / sizeof(intelmq[0]);

	(void)state;
	assert_int_equal(n, TAXONOMY_TYPE_COUNT);
	for (size_t i = 0; i < n; i++) {
		const char *tax = taxonomy_for_type(intelmq[i][0]);

		if (tax == NULL || strcmp(tax, intelmq[i][1]) != 0)
			fail_msg("%s: got %s, want %s", intelmq[i][0], tax ? tax : "NULL",
				 intelmq[i][1]);
		assert_true(taxonomy_type_valid(intelmq[i][0]));
		assert_string_equal(taxonomy_type_names[taxonomy_type_lookup(intelmq[i][0])],
				    intelmq[i][0]);
	}
}

static void test_tables(void **state)
{
	int count = 0;

	(void)state;
	for (int i = 0; taxonomy_names[i] != NULL; i++) {
		assert_int_equal(taxonomy_lookup(taxonomy_names[i]), i);
		count++;
	}
	assert_int_equal(count, TAXONOMY_COUNT);
	count = 0;
	for (int i = 0; taxonomy_type_names[i] != NULL; i++) {
		if (i > 0)
			assert_true(strcmp(taxonomy_type_names[i - 1], taxonomy_type_names[i]) <
				    0);
		assert_int_equal(taxonomy_type_lookup(taxonomy_type_names[i]), i);
		assert_true(taxonomy_type_taxonomy[i] < TAXONOMY_COUNT);
		count++;
	}
	assert_int_equal(count, TAXONOMY_TYPE_COUNT);
	/* every taxonomy has at least one type */
	for (int t = 0; t < TAXONOMY_COUNT; t++) {
		bool found = false;

		for (int i = 0; i < TAXONOMY_TYPE_COUNT; i++)
			found = found || taxonomy_type_taxonomy[i] == (enum taxonomy)t;
		if (!found)
			fail_msg("taxonomy %s has no type", taxonomy_names[t]);
	}
	assert_string_equal(taxonomy_names[TAXONOMY_VULNERABLE], "vulnerable");
	assert_string_equal(taxonomy_names[TAXONOMY_INFORMATION_CONTENT_SECURITY],
			    "information-content-security");
}

static void test_legacy(void **state)
{
	(void)state;
	assert_string_equal(taxonomy_for_type("blocklist"), "other");
	assert_string_equal(taxonomy_type_names[taxonomy_type_lookup("blocklist")],
			    "blacklist");
	assert_string_equal(taxonomy_type_names[taxonomy_type_lookup("c2server")], "c2-server");
	assert_string_equal(taxonomy_type_names[taxonomy_type_lookup("c&c")], "c2-server");
	assert_string_equal(taxonomy_type_names[taxonomy_type_lookup("botnet drone")],
			    "infected-system");
	assert_string_equal(taxonomy_type_names[taxonomy_type_lookup("ransomware")],
			    "infected-system");
	assert_string_equal(taxonomy_type_names[taxonomy_type_lookup("vulnerable service")],
			    "vulnerable-system");
	assert_string_equal(taxonomy_type_names[taxonomy_type_lookup("vulnerable client")],
			    "vulnerable-system");
	assert_string_equal(taxonomy_type_names[taxonomy_type_lookup("unknown")],
			    "undetermined");
	assert_string_equal(taxonomy_type_names[taxonomy_type_lookup("leak")], "data-leak");
	assert_string_equal(taxonomy_type_names[taxonomy_type_lookup("ids alert")],
			    "ids-alert");
	assert_string_equal(
	    taxonomy_type_names[taxonomy_type_lookup("Unauthorised-information-access")],
	    "unauthorised-information-access");
	assert_string_equal(taxonomy_names[taxonomy_lookup("malicious code")],
			    "malicious-code");
	assert_string_equal(taxonomy_names[taxonomy_lookup("abusive content")],
			    "abusive-content");
	assert_string_equal(taxonomy_names[taxonomy_lookup("information gathering")],
			    "information-gathering");
	assert_string_equal(taxonomy_names[taxonomy_lookup("intrusion attempts")],
			    "intrusion-attempts");
	/* case does not matter */
	assert_string_equal(taxonomy_for_type("Scanner"), "information-gathering");
	assert_int_equal(taxonomy_lookup("VULNERABLE"), TAXONOMY_VULNERABLE);
}

static void test_unknown(void **state)
{
	(void)state;
	assert_null(taxonomy_for_type("foo"));
	assert_null(taxonomy_for_type(""));
	assert_null(taxonomy_for_type(NULL));
	assert_null(taxonomy_for_type("scanner "));
	assert_null(taxonomy_for_type("vulnerable")); /* a taxonomy, not a type */
	assert_false(taxonomy_type_valid("defacement"));
	assert_false(taxonomy_type_valid("zzzz"));
	assert_false(taxonomy_type_valid("aaaa"));
	assert_int_equal(taxonomy_type_lookup("infected_system"), -1);
	assert_int_equal(taxonomy_lookup("malicious"), -1);
	assert_int_equal(taxonomy_lookup(NULL), -1);
	assert_int_equal(taxonomy_lookup("scanner"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_type),
	    cmocka_unit_test(test_tables),
	    cmocka_unit_test(test_legacy),
	    cmocka_unit_test(test_unknown),
	};

	return cmocka_run_group_tests_name("taxonomy", tests, NULL, NULL);
}
