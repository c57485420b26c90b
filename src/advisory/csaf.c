/* advisory/csaf.c: a published advisory as a CSAF 2.0 document (see
 * csaf.h): publisher, tracking with the revision history, TLP, notes,
 * references, the product tree (vendor, product name, version range)
 * and one vulnerability per CVE with its CVSS v3.1 score, the products
 * known affected and the remediation. */
#include "advisory/csaf.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "advisory/advisory.h"
#include "advisory/cvss.h"
#include "config_build.h"
#include "lib/config.h"
#include "lib/error.h"
#include "lib/str.h"

int csaf_settings_read(const struct config *cfg, struct csaf_settings *out,
		       struct sk_error *err)
{
	struct csaf_settings s = {0};
	const char *ns = config_get(cfg, "csaf", "publisher_namespace");
	const char *base = config_str(cfg, "csaf", "base_url", ns);
	size_t n;

	s.publisher_name = config_get(cfg, "csaf", "publisher_name");
	if (s.publisher_name == NULL || *s.publisher_name == '\0')
		return config_error(cfg, "csaf", "publisher_name", err, "not set");
	if (ns == NULL || !str_has_prefix(ns, "https://") || strlen(ns) < 9)
		return config_error(cfg, "csaf", "publisher_namespace", err,
				    "an https:// URL is required");
	if (!str_has_prefix(base, "https://") || strlen(base) < 9)
		return config_error(cfg, "csaf", "base_url", err,
				    "an https:// URL is required");
	if (snprintf(s.namespace, sizeof(s.namespace), "%s", ns) >= (int)sizeof(s.namespace))
		return config_error(cfg, "csaf", "publisher_namespace", err, "too long");
	if (snprintf(s.base_url, sizeof(s.base_url), "%s", base) >= (int)sizeof(s.base_url))
		return config_error(cfg, "csaf", "base_url", err, "too long");
	n = strlen(s.base_url);
	while (n > 8 && s.base_url[n - 1] == '/')
		s.base_url[--n] = '\0';
	*out = s;
	return 0;
}

const char *csaf_tlp_word(enum tlp_label t)
{
	switch (t) {
	case TLP_CLEAR:
		return "WHITE";
	case TLP_GREEN:
		return "GREEN";
	case TLP_AMBER:
	case TLP_AMBER_STRICT:
		return "AMBER";
	case TLP_RED:
		break;
	}
	return "RED";
}

const char *csaf_tlp_dir(enum tlp_label t)
{
	switch (t) {
	case TLP_CLEAR:
		return "white";
	case TLP_GREEN:
		return "green";
	case TLP_AMBER:
	case TLP_AMBER_STRICT:
		return "amber";
	case TLP_RED:
		break;
	}
	return "red";
}

int csaf_file_name(const char *tracking_id, char *out, size_t size)
{
	size_t n = 0;
	bool gap = false;

	for (const char *p = tracking_id; *p != '\0'; p++) {
		char c = (char)tolower((unsigned char)*p);
		bool ok =
		    (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '-';

		if (!ok) {
			gap = true;
			continue;
		}
		if (gap && n + 1 < size)
			out[n++] = '_';
		gap = false;
		if (n + 1 >= size)
			return -1;
		out[n++] = c;
	}
	if (gap && n + 1 < size)
		out[n++] = '_';
	if (n == 0 || n + 6 > size)
		return -1;
	memcpy(out + n, ".json", 6);
	return (int)(n + 5);
}

/* "CSAFPID-0001" for product i. */
static json_t *product_id(size_t i)
{
	char id[32];

	snprintf(id, sizeof(id), "CSAFPID-%04zu", i + 1);
	return json_string(id);
}

static json_t *product_ids(const struct advisory *a)
{
	json_t *ids = json_array();

	for (size_t i = 0; i < a->n_products; i++)
		json_array_append_new(ids, product_id(i));
	return ids;
}

/* {category, text, title}. */
static json_t *note(const char *category, const char *title, const char *text)
{
	return json_pack("{s:s, s:s, s:s}", "category", category, "text", text, "title", title);
}

/* The branch named name of category in branches, added if missing. */
static json_t *branch(json_t *branches, const char *category, const char *name)
{
	size_t i;
	json_t *b;

	json_array_foreach(branches, i, b)
	{
		if (strcmp(json_string_value(json_object_get(b, "name")), name) == 0)
			return b;
	}
	b = json_pack("{s:s, s:s}", "category", category, "name", name);
	json_array_append_new(branches, b);
	return b;
}

/* The leaf of product i: its full product name, id and identifiers. */
static json_t *full_product(const struct advisory_product *p, size_t i)
{
	char name[3 * ADVISORY_FIELD_MAX + 4];
	json_t *fp, *helper = json_object();

	if (strcmp(p->versions, "*") == 0)
		snprintf(name, sizeof(name), "%s %s", p->vendor, p->product);
	else
		snprintf(name, sizeof(name), "%s %s %s", p->vendor, p->product, p->versions);
	fp = json_pack("{s:s, s:o}", "name", name, "product_id", product_id(i));
	if (p->cpe != NULL)
		json_object_set_new(helper, "cpe", json_string(p->cpe));
	if (p->purl != NULL)
		json_object_set_new(helper, "purl", json_string(p->purl));
	if (json_object_size(helper) > 0)
		json_object_set(fp, "product_identification_helper", helper);
	json_decref(helper);
	return fp;
}

/* vendor -> product_name -> product_version_range (the leaf; the
 * product name is the leaf when every version is affected). */
static json_t *product_tree(const struct advisory *a)
{
	json_t *vendors = json_array();

	for (size_t i = 0; i < a->n_products; i++) {
		const struct advisory_product *p = &a->products[i];
		json_t *v = branch(vendors, "vendor", p->vendor), *vb, *pn, *leaf;

		if ((vb = json_object_get(v, "branches")) == NULL) {
			vb = json_array();
			json_object_set_new(v, "branches", vb);
		}
		if (strcmp(p->versions, "*") == 0) {
			leaf = json_pack("{s:s, s:s, s:o}", "category", "product_name", "name",
					 p->product, "product", full_product(p, i));
			json_array_append_new(vb, leaf);
			continue;
		}
		pn = branch(vb, "product_name", p->product);
		if (json_object_get(pn, "product") != NULL) {
			/* a leaf already: the same name with a range is a sibling */
			pn = json_pack("{s:s, s:s}", "category", "product_name", "name",
				       p->product);
			json_array_append_new(vb, pn);
		}
		if (json_object_get(pn, "branches") == NULL)
			json_object_set_new(pn, "branches", json_array());
		leaf = json_pack("{s:s, s:s, s:o}", "category", "product_version_range", "name",
				 p->versions, "product", full_product(p, i));
		json_array_append_new(json_object_get(pn, "branches"), leaf);
	}
	return json_pack("{s:o}", "branches", vendors);
}

static json_t *revision_history(const struct advisory *a)
{
	json_t *h = json_array();
	char num[16];

	for (size_t i = 0; i < a->n_revisions; i++) {
		const struct advisory_revision *r = &a->revisions[i];

		snprintf(num, sizeof(num), "%d", r->number);
		json_array_append_new(
		    h, json_pack("{s:s, s:s, s:s}", "date", r->date, "number", num, "summary",
				 r->summary != NULL && *r->summary != '\0' ? r->summary
									   : "Revision"));
	}
	return h;
}

static json_t *document(const struct advisory *a, const struct csaf_settings *s, bool security)
{
	const char *initial = a->n_revisions > 0 ? a->revisions[0].date : a->published;
	const char *current =
	    a->n_revisions > 0 ? a->revisions[a->n_revisions - 1].date : a->updated;
	char version[16];
	json_t *doc, *notes = json_array(), *refs = json_array(), *dist;

	snprintf(version, sizeof(version), "%d", a->revision > 0 ? a->revision : 1);
	if (a->summary != NULL && *a->summary != '\0')
		json_array_append_new(notes, note("summary", "Summary", a->summary));
	if (a->description != NULL && *a->description != '\0')
		json_array_append_new(notes,
				      note("description", "Description", a->description));
	json_array_append_new(notes, note("legal_disclaimer", "Terms of use",
					  "Shared under the TLP label of this document."));
	for (size_t i = 0; i < a->references.n; i++)
		json_array_append_new(refs, json_pack("{s:s, s:s, s:s}", "category", "external",
						      "summary", "Reference", "url",
						      a->references.v[i]));
	dist = json_pack("{s:{s:s, s:s}}", "tlp", "label", csaf_tlp_word(a->tlp), "url",
			 "https://www.first.org/tlp/");
	if (a->tlp == TLP_AMBER_STRICT)
		json_object_set_new(dist, "text",
				    json_string("TLP:AMBER+STRICT: for the recipient's "
						"organization only, not its clients."));
	doc = json_pack(
	    "{s:s, s:s, s:o, s:s, s:o, s:{s:s, s:s, s:s}, s:s,"
	    " s:{s:s, s:{s:{s:s, s:s}}, s:s, s:s, s:o, s:s, s:s}}",
	    "category", security ? "csaf_security_advisory" : "csaf_informational_advisory",
	    "csaf_version", "2.0", "distribution", dist, "lang", "en", "notes", notes,
	    "publisher", "category", "coordinator", "name", s->publisher_name, "namespace",
	    s->namespace, "title", a->title, "tracking", "current_release_date", current,
	    "generator", "engine", "name", "schakel", "version", SCHAKEL_VERSION, "id",
	    a->number, "initial_release_date", initial, "revision_history", revision_history(a),
	    "status", "final", "version", version);
	if (json_array_size(refs) > 0)
		json_object_set_new(doc, "references", refs);
	else
		json_decref(refs);
	return doc;
}

/* The vulnerability of cve (NULL: the advisory's own, without one). */
static json_t *vulnerability(const struct advisory *a, const char *cve)
{
	json_t *v = json_object(), *notes = json_array();
	struct sk_error err = {0};
	struct cvss c;

	if (cve != NULL)
		json_object_set_new(v, "cve", json_string(cve));
	json_object_set_new(v, "title", json_string(a->title));
	json_array_append_new(
	    notes, note("summary", "Summary",
			a->summary != NULL && *a->summary != '\0' ? a->summary : a->title));
	if (a->cwes.n > 0) {
		char text[ADVISORY_LIST_MAX * 16];
		size_t n = 0;

		for (size_t i = 0; i < a->cwes.n && n < sizeof(text); i++)
			n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%s", i ? ", " : "",
					      a->cwes.v[i]);
		json_array_append_new(notes, note("other", "Weaknesses (CWE)", text));
	}
	json_object_set_new(v, "notes", notes);
	json_object_set_new(v, "product_status",
			    json_pack("{s:o}", "known_affected", product_ids(a)));
	if (a->cvss != NULL && cvss_parse(a->cvss, &c, &err) == 0) {
		char vec[CVSS_VECTOR_MAX], sev[16];

		cvss_format(&c, vec, sizeof(vec));
		/* CVSS 3.1's JSON names severities in capitals */
		snprintf(sev, sizeof(sev), "%s", cvss_severity(c.score10));
		for (char *p = sev; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		json_object_set_new(v, "scores",
				    json_pack("[{s:{s:s, s:s, s:f, s:s}, s:o}]", "cvss_v3",
					      "version", "3.1", "vectorString", vec,
					      "baseScore", c.score10 / 10.0, "baseSeverity",
					      sev, "products", product_ids(a)));
	}
	if (a->remediation != NULL && *a->remediation != '\0')
		json_object_set_new(v, "remediations",
				    json_pack("[{s:s, s:s, s:o}]", "category", "vendor_fix",
					      "details", a->remediation, "product_ids",
					      product_ids(a)));
	return v;
}

json_t *csaf_document(const struct advisory *a, const struct csaf_settings *s)
{
	bool security = a->n_products > 0;
	json_t *out = json_object(), *vulns;

	json_object_set_new(out, "document", document(a, s, security));
	if (!security)
		return out;
	json_object_set_new(out, "product_tree", product_tree(a));
	vulns = json_array();
	for (size_t i = 0; i < a->cves.n; i++)
		json_array_append_new(vulns, vulnerability(a, a->cves.v[i]));
	if (a->cves.n == 0)
		json_array_append_new(vulns, vulnerability(a, NULL));
	json_object_set_new(out, "vulnerabilities", vulns);
	return out;
}
