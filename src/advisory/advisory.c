/* advisory/advisory.c: the advisory's lifetime in memory, its
 * validation and the derived scoring (see advisory.h). */
#include "advisory/advisory.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisory/cpe.h"
#include "advisory/cvss.h"
#include "advisory/purl.h"
#include "advisory/version.h"
#include "lib/error.h"
#include "lib/str.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"
#include "model/org.h"

const char *const advisory_status_names[] = {"draft", "review", "published", "withdrawn", NULL};

void advisory_init(struct advisory *a)
{
	memset(a, 0, sizeof(*a));
	a->tlp = TLP_AMBER;
}

static void strs_free(struct advisory_strs *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

void advisory_clear(struct advisory *a)
{
	if (a == NULL)
		return;
	free(a->title);
	free(a->summary);
	free(a->description);
	free(a->remediation);
	for (size_t i = 0; i < a->n_products; i++) {
		free(a->products[i].vendor);
		free(a->products[i].product);
		free(a->products[i].versions);
		free(a->products[i].cpe);
		free(a->products[i].purl);
	}
	free(a->products);
	strs_free(&a->cves);
	strs_free(&a->cwes);
	strs_free(&a->references);
	free(a->cvss);
	free(a->probability_criteria);
	free(a->damage_criteria);
	strs_free(&a->audience.classes);
	strs_free(&a->audience.sectors);
	free(a->audience.orgs);
	for (size_t i = 0; i < a->n_revisions; i++)
		free(a->revisions[i].summary);
	free(a->revisions);
	free(a->withdraw_reason);
	advisory_init(a);
}

void advisory_copy(struct advisory *dst, const struct advisory *src)
{
	json_t *doc = advisory_to_json(src);
	struct sk_error err = {0};

	advisory_clear(dst);
	if (advisory_from_json(dst, doc, &err) != 0)
		abort(); /* what advisory_to_json() writes always reads back */
	json_decref(doc);
}

const char *advisory_level_letter(enum advisory_level l)
{
	switch (l) {
	case ADVISORY_HIGH:
		return "H";
	case ADVISORY_MEDIUM:
		return "M";
	case ADVISORY_LOW:
		return "L";
	default:
		return "-";
	}
}

void advisory_matrix(const struct advisory *a, char out[4])
{
	snprintf(out, 4, "%s/%s", advisory_level_letter(a->probability),
		 advisory_level_letter(a->damage));
}

bool advisory_urgent(const struct advisory *a)
{
	return a->probability == ADVISORY_HIGH && a->damage == ADVISORY_HIGH;
}

const char *advisory_label(const struct advisory *a)
{
	return advisory_urgent(a) ? "Urgent" : "Normal";
}

/* "CVE-YYYY-NNNN..." (four or more digits). */
static bool cve_valid(const char *s)
{
	size_t n = 0;

	if (strncmp(s, "CVE-", 4) != 0)
		return false;
	for (int i = 0; i < 4; i++)
		if (!isdigit((unsigned char)s[4 + i]))
			return false;
	if (s[8] != '-')
		return false;
	for (s += 9; isdigit((unsigned char)s[n]); n++)
		;
	return n >= 4 && n <= 19 && s[n] == '\0';
}

static bool cwe_valid(const char *s)
{
	size_t n = 0;

	if (strncmp(s, "CWE-", 4) != 0)
		return false;
	for (s += 4; isdigit((unsigned char)s[n]); n++)
		;
	return n >= 1 && n <= 9 && s[n] == '\0';
}

static bool text_ok(const char *s)
{
	for (const char *p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t' && *p != '\r')
			return false;
	return utf8_valid(s, strlen(s));
}

/* Check product i and fill its vendor and product from its CPE or purl. */
static int product_check(struct advisory_product *p, size_t i, struct sk_error *err)
{
	struct version_range r;
	int rc = 0;

	if (p->cpe != NULL) {
		struct cpe *c = xmalloc(sizeof(*c));

		if ((rc = cpe_parse(p->cpe, c, err)) == 0) {
			if (p->vendor == NULL && !cpe_is_logical(c->value[CPE_VENDOR]))
				p->vendor = xstrdup(c->value[CPE_VENDOR]);
			if (p->product == NULL && !cpe_is_logical(c->value[CPE_PRODUCT]))
				p->product = xstrdup(c->value[CPE_PRODUCT]);
		}
		free(c);
		if (rc != 0) {
			sk_error_prefix(err, "products[%zu].cpe", i);
			return rc;
		}
	}
	if (p->purl != NULL) {
		struct purl *u = xmalloc(sizeof(*u));

		if ((rc = purl_parse(p->purl, u, err)) == 0) {
			if (p->vendor == NULL && u->namespace_[0] != '\0')
				p->vendor = xstrdup(u->namespace_);
			if (p->product == NULL)
				p->product = xstrdup(u->name);
		}
		free(u);
		if (rc != 0) {
			sk_error_prefix(err, "products[%zu].purl", i);
			return rc;
		}
	}
	if (p->product == NULL || p->product[0] == '\0')
		return sk_error_set(err, SK_EINVAL,
				    "products[%zu].product: missing (give it, a CPE or a purl)",
				    i);
	if (p->vendor == NULL)
		p->vendor = xstrdup("");
	if (strlen(p->vendor) > ADVISORY_FIELD_MAX || strlen(p->product) > ADVISORY_FIELD_MAX)
		return sk_error_set(err, SK_ETOOBIG,
				    "products[%zu]: vendor or product over %d bytes", i,
				    ADVISORY_FIELD_MAX);
	if (p->versions == NULL)
		p->versions = xstrdup("*");
	if ((rc = version_range_parse(p->versions, &r, err)) != 0) {
		sk_error_prefix(err, "products[%zu].versions", i);
		return rc;
	}
	return 0;
}

static int audience_check(const struct advisory_audience *au, bool for_publish,
			  struct sk_error *err)
{
	for (size_t i = 0; i < au->classes.n; i++)
		if (str_index(org_class_names, au->classes.v[i]) < 0)
			return sk_error_set(err, SK_EINVAL,
					    "audience.classes[%zu]: no class '%.40s'", i,
					    au->classes.v[i]);
	for (size_t i = 0; i < au->sectors.n; i++)
		if (str_index(org_sector_names, au->sectors.v[i]) < 0)
			return sk_error_set(err, SK_EINVAL,
					    "audience.sectors[%zu]: no sector '%.40s'", i,
					    au->sectors.v[i]);
	if (for_publish && !au->all && au->classes.n == 0 && au->sectors.n == 0 &&
	    au->n_orgs == 0 && !au->by_assets)
		return sk_error_set(err, SK_EINVAL,
				    "audience: nobody (set all, classes, "
				    "sectors, orgs or by_assets)");
	return 0;
}

int advisory_validate(struct advisory *a, bool for_publish, struct sk_error *err)
{
	const struct {
		const char *name, *value;
	} texts[] = {{"title", a->title},
		     {"summary", a->summary},
		     {"description", a->description},
		     {"remediation", a->remediation},
		     {"probability.criteria", a->probability_criteria},
		     {"damage.criteria", a->damage_criteria}};
	struct cvss c;
	int rc;

	if (a->title == NULL || a->title[0] == '\0')
		return sk_error_set(err, SK_EINVAL, "title: missing");
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (texts[i].value != NULL && !text_ok(texts[i].value))
			return sk_error_set(err, SK_EINVAL,
					    "%s: not UTF-8 text or holds control characters",
					    texts[i].name);
	if (strchr(a->title, '\n') != NULL)
		return sk_error_set(err, SK_EINVAL, "title: must be one line");
	if (a->cvss != NULL && (rc = cvss_parse(a->cvss, &c, err)) != 0) {
		sk_error_prefix(err, "cvss");
		return rc;
	}
	for (size_t i = 0; i < a->cves.n; i++)
		if (!cve_valid(a->cves.v[i]))
			return sk_error_set(err, SK_EINVAL,
					    "cves[%zu]: not a CVE id (CVE-2026-1234)", i);
	for (size_t i = 0; i < a->cwes.n; i++)
		if (!cwe_valid(a->cwes.v[i]))
			return sk_error_set(err, SK_EINVAL, "cwes[%zu]: not a CWE id (CWE-79)",
					    i);
	for (size_t i = 0; i < a->references.n; i++)
		if (!str_has_prefix(a->references.v[i], "https://") &&
		    !str_has_prefix(a->references.v[i], "http://"))
			return sk_error_set(err, SK_EINVAL,
					    "references[%zu]: not an http or https URL", i);
	for (size_t i = 0; i < a->n_products; i++)
		if ((rc = product_check(&a->products[i], i, err)) != 0)
			return rc;
	if ((rc = audience_check(&a->audience, for_publish, err)) != 0)
		return rc;
	if (!for_publish)
		return 0;
	if (a->summary == NULL || a->summary[0] == '\0')
		return sk_error_set(err, SK_EINVAL, "summary: missing");
	if (a->probability == ADVISORY_LEVEL_NONE)
		return sk_error_set(err, SK_EINVAL, "probability.level: missing");
	if (a->damage == ADVISORY_LEVEL_NONE)
		return sk_error_set(err, SK_EINVAL, "damage.level: missing");
	/* Without products it is informational: CSAF (6.1.27.2) wants a
	 * reference then. */
	if (a->n_products == 0 && a->references.n == 0)
		return sk_error_set(
		    err, SK_EINVAL,
		    "references: an advisory without products names at least one");
	return 0;
}
