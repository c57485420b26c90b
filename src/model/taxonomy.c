/* model/taxonomy.c: the RSIT taxonomy as IntelMQ 3.x uses it: a sorted
 * table of the 44 classification.type values with their taxonomy, looked
 * up by binary search, and IntelMQ's legacy spellings as aliases. */
#include "model/taxonomy.h"

#include <stddef.h>
#include <strings.h>

const char *const taxonomy_names[] = {
    [TAXONOMY_ABUSIVE_CONTENT] = "abusive-content",
    [TAXONOMY_MALICIOUS_CODE] = "malicious-code",
    [TAXONOMY_INFORMATION_GATHERING] = "information-gathering",
    [TAXONOMY_INTRUSION_ATTEMPTS] = "intrusion-attempts",
    [TAXONOMY_INTRUSIONS] = "intrusions",
    [TAXONOMY_AVAILABILITY] = "availability",
    [TAXONOMY_INFORMATION_CONTENT_SECURITY] = "information-content-security",
    [TAXONOMY_FRAUD] = "fraud",
    [TAXONOMY_VULNERABLE] = "vulnerable",
    [TAXONOMY_OTHER] = "other",
    [TAXONOMY_TEST] = "test",
    [TAXONOMY_COUNT] = NULL,
};

/* Sorted by name: taxonomy_type_lookup() searches it by halves. Types
 * that IntelMQ marks "not in RSIT" (blacklist, dga-domain, malware,
 * proxy, tor, test) are kept: IntelMQ feeds use them. */
const char *const taxonomy_type_names[] = {
    "application-compromise",
    "blacklist",
    "brute-force",
    "burglary",
    "c2-server",
    "copyright",
    "data-leak",
    "data-loss",
    "ddos",
    "ddos-amplifier",
    "dga-domain",
    "dos",
    "exploit",
    "harmful-speech",
    "ids-alert",
    "infected-system",
    "information-disclosure",
    "malware",
    "malware-configuration",
    "malware-distribution",
    "masquerade",
    "misconfiguration",
    "other",
    "outage",
    "phishing",
    "potentially-unwanted-accessible",
    "privileged-account-compromise",
    "proxy",
    "sabotage",
    "scanner",
    "sniffing",
    "social-engineering",
    "spam",
    "system-compromise",
    "test",
    "tor",
    "unauthorised-information-access",
    "unauthorised-information-modification",
    "unauthorized-use-of-resources",
    "undetermined",
    "unprivileged-account-compromise",
    "violence",
    "vulnerable-system",
    "weak-crypto",
    NULL,
};

const enum taxonomy taxonomy_type_taxonomy[] = {
    TAXONOMY_INTRUSIONS,		   /* application-compromise */
    TAXONOMY_OTHER,			   /* blacklist */
    TAXONOMY_INTRUSION_ATTEMPTS,	   /* brute-force */
    TAXONOMY_INTRUSIONS,		   /* burglary */
    TAXONOMY_MALICIOUS_CODE,		   /* c2-server */
    TAXONOMY_FRAUD,			   /* copyright */
    TAXONOMY_INFORMATION_CONTENT_SECURITY, /* data-leak */
    TAXONOMY_INFORMATION_CONTENT_SECURITY, /* data-loss */
    TAXONOMY_AVAILABILITY,		   /* ddos */
    TAXONOMY_VULNERABLE,		   /* ddos-amplifier */
    TAXONOMY_OTHER,			   /* dga-domain */
    TAXONOMY_AVAILABILITY,		   /* dos */
    TAXONOMY_INTRUSION_ATTEMPTS,	   /* exploit */
    TAXONOMY_ABUSIVE_CONTENT,		   /* harmful-speech */
    TAXONOMY_INTRUSION_ATTEMPTS,	   /* ids-alert */
    TAXONOMY_MALICIOUS_CODE,		   /* infected-system */
    TAXONOMY_VULNERABLE,		   /* information-disclosure */
    TAXONOMY_OTHER,			   /* malware */
    TAXONOMY_MALICIOUS_CODE,		   /* malware-configuration */
    TAXONOMY_MALICIOUS_CODE,		   /* malware-distribution */
    TAXONOMY_FRAUD,			   /* masquerade */
    TAXONOMY_AVAILABILITY,		   /* misconfiguration */
    TAXONOMY_OTHER,			   /* other */
    TAXONOMY_AVAILABILITY,		   /* outage */
    TAXONOMY_FRAUD,			   /* phishing */
    TAXONOMY_VULNERABLE,		   /* potentially-unwanted-accessible */
    TAXONOMY_INTRUSIONS,		   /* privileged-account-compromise */
    TAXONOMY_OTHER,			   /* proxy */
    TAXONOMY_AVAILABILITY,		   /* sabotage */
    TAXONOMY_INFORMATION_GATHERING,	   /* scanner */
    TAXONOMY_INFORMATION_GATHERING,	   /* sniffing */
    TAXONOMY_INFORMATION_GATHERING,	   /* social-engineering */
    TAXONOMY_ABUSIVE_CONTENT,		   /* spam */
    TAXONOMY_INTRUSIONS,		   /* system-compromise */
    TAXONOMY_TEST,			   /* test */
    TAXONOMY_OTHER,			   /* tor */
    TAXONOMY_INFORMATION_CONTENT_SECURITY, /* unauthorised-information-access */
    TAXONOMY_INFORMATION_CONTENT_SECURITY, /* unauthorised-information-modification */
    TAXONOMY_FRAUD,			   /* unauthorized-use-of-resources */
    TAXONOMY_OTHER,			   /* undetermined */
    TAXONOMY_INTRUSIONS,		   /* unprivileged-account-compromise */
    TAXONOMY_ABUSIVE_CONTENT,		   /* violence */
    TAXONOMY_VULNERABLE,		   /* vulnerable-system */
    TAXONOMY_VULNERABLE,		   /* weak-crypto */
};

_Static_assert(sizeof(taxonomy_type_names) / sizeof(taxonomy_type_names[0]) ==
		   TAXONOMY_TYPE_COUNT + 1,
	       "taxonomy_type_names and TAXONOMY_TYPE_COUNT disagree");
_Static_assert(sizeof(taxonomy_type_taxonomy) / sizeof(taxonomy_type_taxonomy[0]) ==
		   TAXONOMY_TYPE_COUNT,
	       "every type needs its taxonomy");

struct alias {
	const char *name;
	const char *canonical;
};

/* IntelMQ's documented automatic mappings of old values, and
 * "blocklist", the word schakel's users may prefer; IntelMQ and
 * Shadowserver still write "blacklist", so that stays the stored form. */
static const struct alias type_aliases[] = {
    {"blocklist", "blacklist"},
    {"botnet drone", "infected-system"},
    {"c&c", "c2-server"},
    {"c2server", "c2-server"},
    {"dga domain", "dga-domain"},
    {"ids alert", "ids-alert"},
    {"infected system", "infected-system"},
    {"leak", "data-leak"},
    {"malware configuration", "malware-configuration"},
    {"ransomware", "infected-system"},
    {"unknown", "undetermined"},
    {"vulnerable client", "vulnerable-system"},
    {"vulnerable service", "vulnerable-system"},
};

static const struct alias taxonomy_aliases[] = {
    {"abusive content", "abusive-content"},
    {"information gathering", "information-gathering"},
    {"intrusion attempts", "intrusion-attempts"},
    {"malicious code", "malicious-code"},
};

/* Binary search in the sorted canonical table. */
static int type_search(const char *text)
{
	int lo = 0, hi = TAXONOMY_TYPE_COUNT - 1;

	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		int c = strcasecmp(text, taxonomy_type_names[mid]);

		if (c == 0)
			return mid;
		if (c < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	return -1;
}

/* text is borrowed. */
int taxonomy_type_lookup(const char *text)
{
	int i;

	if (text == NULL)
		return -1;
	i = type_search(text);
	if (i >= 0)
		return i;
	for (size_t k = 0; k < sizeof(type_aliases) / sizeof(type_aliases[0]); k++)
		if (strcasecmp(text, type_aliases[k].name) == 0)
			return type_search(type_aliases[k].canonical);
	return -1;
}

/* text is borrowed. */
int taxonomy_lookup(const char *text)
{
	if (text == NULL)
		return -1;
	for (int i = 0; i < TAXONOMY_COUNT; i++)
		if (strcasecmp(text, taxonomy_names[i]) == 0)
			return i;
	for (size_t k = 0; k < sizeof(taxonomy_aliases) / sizeof(taxonomy_aliases[0]); k++)
		if (strcasecmp(text, taxonomy_aliases[k].name) == 0)
			return taxonomy_lookup(taxonomy_aliases[k].canonical);
	return -1;
}

bool taxonomy_type_valid(const char *text)
{
	return taxonomy_type_lookup(text) >= 0;
}

/* text is borrowed; the result is static. */
const char *taxonomy_for_type(const char *text)
{
	int i = taxonomy_type_lookup(text);

	return i >= 0 ? taxonomy_names[taxonomy_type_taxonomy[i]] : NULL;
}
