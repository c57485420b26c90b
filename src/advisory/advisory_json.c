/* advisory/advisory_json.c: advisories read from and written as JSON
 * (see advisory.h), and single fields set from text. Reads outside
 * input: every string and list has its limit, checked before copying. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisory/advisory.h"
#include "advisory/cvss.h"
#include "lib/error.h"
#include "lib/str.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"

static const char *const level_names[] = {"", "low", "medium", "high", NULL};

/* Replace *dst with a copy of the string j (NULL for JSON null), at most
 * max bytes of UTF-8. */
static int str_take(char **dst, const json_t *j, size_t max, const char *field,
		    struct sk_error *err)
{
	size_t len;

	if (json_is_null(j)) {
		free(*dst);
		*dst = NULL;
		return 0;
	}
	if (!json_is_string(j))
		return sk_error_set(err, SK_EINVAL, "%s: must be a string", field);
	len = json_string_length(j);
	if (len > max)
		return sk_error_set(err, SK_ETOOBIG, "%s: %zu bytes, at most %zu", field, len,
				    max);
	if (strlen(json_string_value(j)) != len)
		return sk_error_set(err, SK_EINVAL, "%s: holds a NUL character", field);
	free(*dst);
	*dst = xstrdup(json_string_value(j));
	return 0;
}

static void strs_clear(struct advisory_strs *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* A list of strings, each at most ADVISORY_FIELD_MAX bytes. */
static int strs_take(struct advisory_strs *dst, const json_t *j, const char *field,
		     struct sk_error *err)
{
	struct advisory_strs l = {0};
	char name[64];
	size_t i;
	json_t *v;
	int rc = 0;

	if (!json_is_array(j))
		return sk_error_set(err, SK_EINVAL, "%s: must be a list of strings", field);
	if (json_array_size(j) > ADVISORY_LIST_MAX)
		return sk_error_set(err, SK_ETOOBIG, "%s: more than %d entries", field,
				    ADVISORY_LIST_MAX);
	l.v = xcalloc(json_array_size(j) + 1, sizeof(char *));
	json_array_foreach(j, i, v)
	{
		snprintf(name, sizeof(name), "%s[%zu]", field, i);
		if (json_is_null(v) ||
		    (rc = str_take(&l.v[l.n], v, ADVISORY_FIELD_MAX, name, err)) != 0) {
			if (rc == 0)
				rc = sk_error_set(err, SK_EINVAL, "%s: must be a string", name);
			strs_clear(&l);
			return rc;
		}
		l.n++;
	}
	strs_clear(dst);
	*dst = l;
	return 0;
}

static int level_take(enum advisory_level *level, char **criteria, const json_t *j,
		      const char *field, struct sk_error *err)
{
	char name[64];
	json_t *lv = json_object_get(j, "level"), *cr = json_object_get(j, "criteria");
	const char *k;
	json_t *v;
	int i, rc;

	if (!json_is_object(j))
		return sk_error_set(err, SK_EINVAL,
				    "%s: must be an object {\"level\": ..., \"criteria\": ...}",
				    field);
	json_object_foreach((json_t *)j, k,
			    v) if (strcmp(k, "level") != 0 &&
				   strcmp(k, "criteria") !=
				       0) return sk_error_set(err, SK_EINVAL,
							      "%s.%s: no such field", field, k);
	if (json_is_null(lv))
		*level = ADVISORY_LEVEL_NONE;
	else if (lv != NULL) {
		i = json_is_string(lv) ? str_index(level_names, json_string_value(lv)) : -1;
		if (i < 0 && json_is_string(lv)) {
			char low[16];

			snprintf(low, sizeof(low), "%s", json_string_value(lv));
			str_lower(low);
			i = str_index(level_names, low);
		}
		if (i <= 0)
			return sk_error_set(err, SK_EINVAL,
					    "%s.level: must be high, medium or low", field);
		*level = (enum advisory_level)i;
	}
	snprintf(name, sizeof(name), "%s.criteria", field);
	if (cr != NULL && (rc = str_take(criteria, cr, ADVISORY_TEXT_MAX, name, err)) != 0)
		return rc;
	return 0;
}

static void products_free(struct advisory_product *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(p[i].vendor);
		free(p[i].product);
		free(p[i].versions);
		free(p[i].cpe);
		free(p[i].purl);
	}
	free(p);
}

static int products_take(struct advisory *a, const json_t *j, struct sk_error *err)
{
	struct advisory_product *v;
	size_t i, n;
	json_t *e;
	int rc = 0;

	if (!json_is_array(j))
		return sk_error_set(err, SK_EINVAL, "products: must be a list of objects");
	n = json_array_size(j);
	if (n > ADVISORY_LIST_MAX)
		return sk_error_set(err, SK_ETOOBIG, "products: more than %d entries",
				    ADVISORY_LIST_MAX);
	v = xcalloc(n + 1, sizeof(*v));
	json_array_foreach(j, i, e)
	{
		static const char *const keys[] = {"vendor", "product", "versions",
						   "cpe",    "purl",	NULL};
		char name[64];
		const char *k;
		json_t *f;

		if (!json_is_object(e)) {
			rc =
			    sk_error_set(err, SK_EINVAL, "products[%zu]: must be an object", i);
			break;
		}
		json_object_foreach(e, k, f)
		{
			int w = str_index(keys, k);
			char **dst[] = {&v[i].vendor, &v[i].product, &v[i].versions, &v[i].cpe,
					&v[i].purl};

			snprintf(name, sizeof(name), "products[%zu].%.20s", i, k);
			if (w < 0) {
				rc = sk_error_set(err, SK_EINVAL, "%s: no such field", name);
				break;
			}
			if ((rc = str_take(dst[w], f, ADVISORY_FIELD_MAX * 4, name, err)) != 0)
				break;
		}
		if (rc != 0)
			break;
	}
	if (rc != 0) {
		products_free(v, n);
		return rc;
	}
	products_free(a->products, a->n_products);
	a->products = v;
	a->n_products = n;
	return 0;
}

static int audience_take(struct advisory_audience *au, const json_t *j, struct sk_error *err)
{
	const char *k;
	json_t *v;
	int rc;

	if (!json_is_object(j))
		return sk_error_set(err, SK_EINVAL, "audience: must be an object");
	json_object_foreach((json_t *)j, k, v)
	{
		if (strcmp(k, "all") == 0 || strcmp(k, "by_assets") == 0) {
			if (!json_is_boolean(v))
				return sk_error_set(err, SK_EINVAL,
						    "audience.%s: must be true or false", k);
			*(strcmp(k, "all") == 0 ? &au->all : &au->by_assets) = json_is_true(v);
		} else if (strcmp(k, "classes") == 0) {
			if ((rc = strs_take(&au->classes, v, "audience.classes", err)) != 0)
				return rc;
		} else if (strcmp(k, "sectors") == 0) {
			if ((rc = strs_take(&au->sectors, v, "audience.sectors", err)) != 0)
				return rc;
		} else if (strcmp(k, "orgs") == 0) {
			size_t i, n = json_array_size(v);
			json_t *e;
			int64_t *ids;

			if (!json_is_array(v))
				return sk_error_set(
				    err, SK_EINVAL,
				    "audience.orgs: must be a list of organization ids");
			if (n > ADVISORY_LIST_MAX)
				return sk_error_set(err, SK_ETOOBIG,
						    "audience.orgs: more than %d entries",
						    ADVISORY_LIST_MAX);
			ids = xcalloc(n + 1, sizeof(*ids));
			json_array_foreach(v, i, e)
			{
				if (!json_is_integer(e) || json_integer_value(e) <= 0) {
					free(ids);
					return sk_error_set(err, SK_EINVAL,
							    "audience.orgs[%zu]: must be an "
							    "organization id",
							    i);
				}
				ids[i] = json_integer_value(e);
			}
			free(au->orgs);
			au->orgs = ids;
			au->n_orgs = n;
		} else {
			return sk_error_set(err, SK_EINVAL, "audience.%.40s: no such field", k);
		}
	}
	return 0;
}

int advisory_set_json(struct advisory *a, const json_t *doc, struct sk_error *err)
{
	const char *k;
	json_t *v;
	int rc = 0;

	if (!json_is_object(doc))
		return sk_error_set(err, SK_EINVAL, "an advisory must be a JSON object");
	json_object_foreach((json_t *)doc, k, v)
	{
		if (strcmp(k, "title") == 0)
			rc = str_take(&a->title, v, ADVISORY_TITLE_MAX, k, err);
		else if (strcmp(k, "summary") == 0)
			rc = str_take(&a->summary, v, ADVISORY_SUMMARY_MAX, k, err);
		else if (strcmp(k, "description") == 0 || strcmp(k, "remediation") == 0)
			rc = str_take(k[0] == 'd' ? &a->description : &a->remediation, v,
				      ADVISORY_TEXT_MAX, k, err);
		else if (strcmp(k, "cvss") == 0)
			rc = str_take(&a->cvss, v, CVSS_VECTOR_MAX * 2, k, err);
		else if (strcmp(k, "cves") == 0)
			rc = strs_take(&a->cves, v, k, err);
		else if (strcmp(k, "cwes") == 0)
			rc = strs_take(&a->cwes, v, k, err);
		else if (strcmp(k, "references") == 0)
			rc = strs_take(&a->references, v, k, err);
		else if (strcmp(k, "products") == 0)
			rc = products_take(a, v, err);
		else if (strcmp(k, "probability") == 0)
			rc = level_take(&a->probability, &a->probability_criteria, v, k, err);
		else if (strcmp(k, "damage") == 0)
			rc = level_take(&a->damage, &a->damage_criteria, v, k, err);
		else if (strcmp(k, "audience") == 0)
			rc = audience_take(&a->audience, v, err);
		else if (strcmp(k, "tlp") == 0) {
			enum tlp_label l;

			if (!json_is_string(v))
				rc = sk_error_set(err, SK_EINVAL, "tlp: must be a string");
			else if ((rc = tlp_parse(json_string_value(v), &l, err)) != 0)
				sk_error_prefix(err, "tlp");
			else
				a->tlp = l;
		} else
			rc = sk_error_set(err, SK_EINVAL, "%.40s: no such field", k);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* A comma list into a JSON array of trimmed items. */
static json_t *comma_list(const char *value)
{
	json_t *arr = json_array();
	char item[ADVISORY_FIELD_MAX + 2];
	bool more = *value != '\0';

	while (more) {
		more = str_next_item(&value, item, sizeof(item));
		if (item[0] != '\0')
			json_array_append_new(arr, json_string(item));
	}
	return arr;
}

int advisory_set_field(struct advisory *a, const char *field, const char *value,
		       struct sk_error *err)
{
	static const char *const lists[] = {"cves", "cwes", "references", NULL};
	json_t *doc = json_object(), *v;
	char key[32];
	int rc;

	if (!utf8_valid(value, strlen(value))) {
		json_decref(doc);
		return sk_error_set(err, SK_EINVAL, "%s: not UTF-8 text", field);
	}
	snprintf(key, sizeof(key), "%s", field);
	if (strcmp(field, "probability") == 0 || strcmp(field, "damage") == 0) {
		char low[16];

		snprintf(low, sizeof(low), "%s", value);
		str_lower(low);
		v = json_pack("{s:s}", "level", low);
	} else if (strcmp(field, "probability-criteria") == 0 ||
		   strcmp(field, "damage-criteria") == 0) {
		snprintf(key, sizeof(key), "%s", field[0] == 'p' ? "probability" : "damage");
		v = json_pack("{s:s}", "criteria", value);
	} else if (str_index(lists, field) >= 0) {
		v = comma_list(value);
	} else {
		v = json_string(value);
	}
	json_object_set_new(doc, key, v);
	rc = advisory_set_json(a, doc, err);
	json_decref(doc);
	return rc;
}

static json_t *str_or_null(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

static json_t *strs_json(const struct advisory_strs *l)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(arr, json_string(l->v[i]));
	return arr;
}

static json_t *level_json(enum advisory_level l)
{
	return l == ADVISORY_LEVEL_NONE ? json_null() : json_string(level_names[l % 4]);
}

json_t *advisory_to_json(const struct advisory *a)
{
	json_t *doc, *products = json_array(), *orgs = json_array(), *revs = json_array();
	char matrix[4], vector[CVSS_VECTOR_MAX + 1];
	struct cvss c;
	struct sk_error ignored = {0};
	bool scored = a->cvss != NULL && cvss_parse(a->cvss, &c, &ignored) == 0;

	for (size_t i = 0; i < a->n_products; i++) {
		const struct advisory_product *p = &a->products[i];

		json_array_append_new(products, json_pack("{s:o,s:o,s:o,s:o,s:o}", "vendor",
							  str_or_null(p->vendor), "product",
							  str_or_null(p->product), "versions",
							  str_or_null(p->versions), "cpe",
							  str_or_null(p->cpe), "purl",
							  str_or_null(p->purl)));
	}
	for (size_t i = 0; i < a->audience.n_orgs; i++)
		json_array_append_new(orgs, json_integer(a->audience.orgs[i]));
	for (size_t i = 0; i < a->n_revisions; i++)
		json_array_append_new(revs, json_pack("{s:i,s:s,s:o}", "number",
						      a->revisions[i].number, "date",
						      a->revisions[i].date, "summary",
						      str_or_null(a->revisions[i].summary)));
	advisory_matrix(a, matrix);
	if (scored)
		cvss_format(&c, vector, sizeof(vector));
	doc = json_object();
	json_object_set_new(doc, "id", json_integer(a->id));
	json_object_set_new(doc, "number", json_string(a->number));
	json_object_set_new(doc, "title", str_or_null(a->title));
	json_object_set_new(doc, "summary", str_or_null(a->summary));
	json_object_set_new(doc, "description", str_or_null(a->description));
	json_object_set_new(doc, "products", products);
	json_object_set_new(doc, "cves", strs_json(&a->cves));
	json_object_set_new(doc, "cwes", strs_json(&a->cwes));
	json_object_set_new(doc, "cvss", scored ? json_string(vector) : str_or_null(a->cvss));
	json_object_set_new(doc, "cvss_score",
			    scored ? json_real(c.score10 / 10.0) : json_null());
	json_object_set_new(doc, "severity",
			    scored ? json_string(cvss_severity(c.score10)) : json_null());
	json_object_set_new(doc, "references", strs_json(&a->references));
	json_object_set_new(doc, "remediation", str_or_null(a->remediation));
	json_object_set_new(doc, "tlp", json_string(tlp_name(a->tlp)));
	json_object_set_new(doc, "probability",
			    json_pack("{s:o,s:o}", "level", level_json(a->probability),
				      "criteria", str_or_null(a->probability_criteria)));
	json_object_set_new(doc, "damage",
			    json_pack("{s:o,s:o}", "level", level_json(a->damage), "criteria",
				      str_or_null(a->damage_criteria)));
	json_object_set_new(doc, "matrix", json_string(matrix));
	json_object_set_new(doc, "label", json_string(advisory_label(a)));
	json_object_set_new(doc, "audience",
			    json_pack("{s:b,s:o,s:o,s:o,s:b}", "all", a->audience.all,
				      "classes", strs_json(&a->audience.classes), "sectors",
				      strs_json(&a->audience.sectors), "orgs", orgs,
				      "by_assets", a->audience.by_assets));
	json_object_set_new(doc, "status", json_string(advisory_status_names[a->status]));
	json_object_set_new(doc, "revision", json_integer(a->revision));
	json_object_set_new(doc, "revisions", revs);
	json_object_set_new(doc, "created", json_string(a->created));
	json_object_set_new(doc, "updated", json_string(a->updated));
	json_object_set_new(doc, "published",
			    a->published[0] ? json_string(a->published) : json_null());
	json_object_set_new(doc, "withdrawn",
			    a->withdrawn[0] ? json_string(a->withdrawn) : json_null());
	json_object_set_new(doc, "withdraw_reason", str_or_null(a->withdraw_reason));
	json_object_set_new(doc, "author", json_string(a->author));
	json_object_set_new(doc, "reviewer",
			    a->reviewer[0] ? json_string(a->reviewer) : json_null());
	return doc;
}

/* Copy the string member key of doc into dst[size] ("" if absent). */
static void text_member(const json_t *doc, const char *key, char *dst, size_t size)
{
	const char *s = json_string_value(json_object_get(doc, key));

	snprintf(dst, size, "%s", s != NULL ? s : "");
}

int advisory_from_json(struct advisory *a, const json_t *doc, struct sk_error *err)
{
	static const char *const derived[] = {
	    "id",	 "number",	    "cvss_score", "severity", "matrix",	 "label",
	    "status",	 "revision",	    "revisions",  "created",  "updated", "published",
	    "withdrawn", "withdraw_reason", "author",	  "reviewer", NULL};
	json_t *input = json_deep_copy(doc), *revs;
	const char *k, *status;
	size_t i;
	json_t *v;
	int rc, st;

	if (input == NULL || !json_is_object(input)) {
		json_decref(input);
		return sk_error_set(err, SK_EINVAL, "an advisory must be a JSON object");
	}
	for (i = 0; derived[i] != NULL; i++)
		json_object_del(input, derived[i]);
	rc = advisory_set_json(a, input, err);
	json_decref(input);
	if (rc != 0)
		return rc;
	a->id = json_integer_value(json_object_get(doc, "id"));
	text_member(doc, "number", a->number, sizeof(a->number));
	status = json_string_value(json_object_get(doc, "status"));
	st = status != NULL ? str_index(advisory_status_names, status) : -1;
	if (st < 0)
		return sk_error_set(err, SK_EINVAL,
				    "status: not one of draft, review, "
				    "published, withdrawn");
	a->status = (enum advisory_status)st;
	a->revision = (int)json_integer_value(json_object_get(doc, "revision"));
	text_member(doc, "created", a->created, sizeof(a->created));
	text_member(doc, "updated", a->updated, sizeof(a->updated));
	text_member(doc, "published", a->published, sizeof(a->published));
	text_member(doc, "withdrawn", a->withdrawn, sizeof(a->withdrawn));
	text_member(doc, "author", a->author, sizeof(a->author));
	text_member(doc, "reviewer", a->reviewer, sizeof(a->reviewer));
	free(a->withdraw_reason);
	a->withdraw_reason = NULL;
	if ((k = json_string_value(json_object_get(doc, "withdraw_reason"))) != NULL)
		a->withdraw_reason = xstrdup(k);
	revs = json_object_get(doc, "revisions");
	for (i = 0; i < a->n_revisions; i++)
		free(a->revisions[i].summary);
	free(a->revisions);
	a->n_revisions = json_array_size(revs);
	a->revisions = xcalloc(a->n_revisions + 1, sizeof(*a->revisions));
	json_array_foreach(revs, i, v)
	{
		a->revisions[i].number = (int)json_integer_value(json_object_get(v, "number"));
		text_member(v, "date", a->revisions[i].date, sizeof(a->revisions[i].date));
		k = json_string_value(json_object_get(v, "summary"));
		a->revisions[i].summary = xstrdup(k != NULL ? k : "");
	}
	return 0;
}
