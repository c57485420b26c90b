/* model/taxonomy.h: the incident classification IntelMQ uses, after the
 * Reference Security Incident Taxonomy (RSIT): 11 taxonomies
 * (classification.taxonomy) and the classification.type values that
 * belong to each. Types and taxonomies are IntelMQ 3.x's allowed values;
 * IntelMQ's older spellings ("c2server", "vulnerable service", "malicious
 * code", ...) and "blocklist" are read as their current name. Lookups
 * are case-insensitive and do not allocate. */
#ifndef SK_MODEL_TAXONOMY_H
#define SK_MODEL_TAXONOMY_H

#include <stdbool.h>

enum taxonomy {
	TAXONOMY_ABUSIVE_CONTENT,
	TAXONOMY_MALICIOUS_CODE,
	TAXONOMY_INFORMATION_GATHERING,
	TAXONOMY_INTRUSION_ATTEMPTS,
	TAXONOMY_INTRUSIONS,
	TAXONOMY_AVAILABILITY,
	TAXONOMY_INFORMATION_CONTENT_SECURITY,
	TAXONOMY_FRAUD,
	TAXONOMY_VULNERABLE,
	TAXONOMY_OTHER,
	TAXONOMY_TEST,
};

#define TAXONOMY_COUNT	    11
#define TAXONOMY_TYPE_COUNT 44

/* NULL-terminated; the enum taxonomy value is the index
 * ("abusive-content", "malicious-code", ...). */
extern const char *const taxonomy_names[];

/* NULL-terminated, sorted: the canonical classification.type values
 * ("application-compromise", "blacklist", ..., "weak-crypto"). */
extern const char *const taxonomy_type_names[];

/* The taxonomy a canonical type belongs to, indexed like
 * taxonomy_type_names. */
extern const enum taxonomy taxonomy_type_taxonomy[];

/* The index of a taxonomy name (or an IntelMQ legacy spelling such as
 * "malicious code") in taxonomy_names, or -1. text is borrowed. */
int taxonomy_lookup(const char *text);

/* The index of a classification.type (canonical or an accepted legacy
 * spelling) in taxonomy_type_names, or -1. text is borrowed. */
int taxonomy_type_lookup(const char *text);

/* True if text is a classification.type schakel accepts. */
bool taxonomy_type_valid(const char *text);

/* The taxonomy name ("vulnerable") a type ("ddos-amplifier") belongs to,
 * or NULL if text is no known type. The result is static. */
const char *taxonomy_for_type(const char *text);

#endif
