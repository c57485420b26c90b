/* advisory/advisory.h: the advisory: what it says (title, texts,
 * affected products, CVE and CWE ids, CVSS, references, remediation), how
 * it is scored (probability and damage, High/Medium/Low each, with the
 * criteria that decided them: the NCSC matrix, High/High is urgent), who
 * receives it (audience), and where it is in its life (status, revisions).
 * Read from and written as JSON (docs/advisories.md gives the shape);
 * validated with errors naming the field ("products[2].cpe: ..."). Reads
 * outside input: the limits are the ADVISORY_*_MAX below. */
#ifndef SK_ADVISORY_ADVISORY_H
#define SK_ADVISORY_ADVISORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/tlp.h"
#include "model/user.h"

struct sk_error;
struct json_t;

#define ADVISORY_TITLE_MAX   200
#define ADVISORY_SUMMARY_MAX 4000
#define ADVISORY_TEXT_MAX    (64 * 1024) /* description, remediation, criteria (Markdown) */
#define ADVISORY_FIELD_MAX   256	 /* vendor, product, an id, a reference ... */
#define ADVISORY_LIST_MAX    200	 /* products, CVEs, references, audience entries */
#define ADVISORY_JSON_MAX    (1024 * 1024)
#define ADVISORY_NUMBER_MAX  40

enum advisory_level { ADVISORY_LEVEL_NONE, ADVISORY_LOW, ADVISORY_MEDIUM, ADVISORY_HIGH };
enum advisory_status {
	ADVISORY_DRAFT,
	ADVISORY_REVIEW,
	ADVISORY_PUBLISHED,
	ADVISORY_WITHDRAWN
};

/* "draft", "review", "published", "withdrawn"; NULL-terminated. */
extern const char *const advisory_status_names[];

struct advisory_strs {
	char **v;
	size_t n;
};

struct advisory_product {
	char *vendor, *product;
	char *versions; /* a range (advisory/version.h); "*" when not given */
	char *cpe;	/* a CPE 2.3 formatted string, or NULL */
	char *purl;	/* a package URL, or NULL */
};

struct advisory_audience {
	bool all;		      /* every active partner */
	struct advisory_strs classes; /* org_class_names */
	struct advisory_strs sectors; /* org_sector_names */
	int64_t *orgs;		      /* organization ids */
	size_t n_orgs;
	bool by_assets; /* also those whose assets match an affected product */
};

struct advisory_revision {
	int number;
	char date[21];
	char *summary; /* what changed */
};

struct advisory {
	int64_t id;
	char number[ADVISORY_NUMBER_MAX + 1]; /* "CERT-2026-0042" */
	char *title, *summary, *description, *remediation;
	struct advisory_product *products;
	size_t n_products;
	struct advisory_strs cves, cwes, references;
	char *cvss; /* vector, or NULL; the score is derived */
	enum tlp_label tlp;
	enum advisory_level probability, damage;
	char *probability_criteria, *damage_criteria;
	struct advisory_audience audience;
	enum advisory_status status;
	int revision; /* 0 until published */
	struct advisory_revision *revisions;
	size_t n_revisions;
	char created[21], updated[21], published[21], withdrawn[21];
	char *withdraw_reason;
	char author[USER_NAME_MAX + 1], reviewer[USER_NAME_MAX + 1];
};

void advisory_init(struct advisory *a);
/* Free what a owns and leave it as advisory_init() does. */
void advisory_clear(struct advisory *a);

/* Set the fields that the JSON object doc names, of those an author
 * writes (title ... audience; docs/advisories.md); the others are left
 * as they are. A field of the wrong type or over its limit, or a name
 * that is no field: SK_EINVAL naming it. doc is borrowed. On failure a
 * may hold some of the new fields: callers work on a copy. */
int advisory_set_json(struct advisory *a, const struct json_t *doc, struct sk_error *err);

/* Set one field from text, as the CLI's --title: title, summary,
 * description, remediation, cvss, tlp, probability, damage,
 * probability-criteria, damage-criteria, cves, cwes, references (comma
 * lists). */
int advisory_set_field(struct advisory *a, const char *field, const char *value,
		       struct sk_error *err);

/* Check every field: SK_EINVAL naming the first that is wrong
 * ("cvss: ...", "products[2].cpe: ..."). for_publish also asks for what
 * a published advisory must carry (summary, probability, damage, an
 * affected product, an audience). Fills a product's vendor and product
 * from its CPE or purl where they are missing. */
int advisory_validate(struct advisory *a, bool for_publish, struct sk_error *err);

/* The whole advisory as a JSON object, with the derived fields
 * (cvss_score, severity, matrix, label); caller owns the reference. */
struct json_t *advisory_to_json(const struct advisory *a);
/* Read back what advisory_to_json() wrote (as stored). */
int advisory_from_json(struct advisory *a, const struct json_t *doc, struct sk_error *err);

/* Deep copy of src into dst (initialised or cleared). */
void advisory_copy(struct advisory *dst, const struct advisory *src);

/* "H", "M", "L" or "-". */
const char *advisory_level_letter(enum advisory_level l);
/* The matrix cell: "H/H", "H/M", ... ("-/-" while not scored). */
void advisory_matrix(const struct advisory *a, char out[4]);
/* Urgent iff probability and damage are both High. */
bool advisory_urgent(const struct advisory *a);
/* "Urgent" or "Normal". */
const char *advisory_label(const struct advisory *a);

#endif
