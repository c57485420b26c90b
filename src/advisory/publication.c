/* advisory/publication.c: the publication itself: its fields, their
 * checks and its JSON (see publication.h). The shared fields go through
 * the advisory's own setters and JSON, so they are checked and named
 * alike. */
#include "advisory/publication.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisory/workflow.h"
#include "lib/config.h"
#include "lib/error.h"
#include "lib/str.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"

const char *const publication_kind_names[] = {"threat-assessment", "resilience-measure",
					      "guidance", "best-practice", NULL};

/* The advisory fields a publication has; the rest of an advisory's
 * JSON is left out of a publication's. */
static const char *const shared[] = {"title", "summary", "tlp", "audience", NULL};
static const char *const advisory_only[] = {
    "description", "remediation", "products", "cves",  "cwes",	      "references", "cvss",
    "cvss_score",  "severity",	  "matrix",   "label", "probability", "damage",	    NULL};

int publication_settings_load(const struct config *cfg, struct publication_settings *out,
			      struct sk_error *err)
{
	struct advisory_settings a;
	struct publication_settings s = {0};
	const char *prefix;
	int64_t v;
	int rc;

	if ((rc = advisory_settings_load(cfg, &a, err)) != 0)
		return rc;
	s.review = a.review;
	snprintf(s.prefix, sizeof(s.prefix), "%s-PUB", a.prefix);
	prefix = cfg != NULL ? config_str(cfg, "publications", "prefix", NULL) : NULL;
	if (prefix != NULL) {
		size_t n = strlen(prefix);

		if (n == 0 || n > ADVISORY_PREFIX_MAX ||
		    strspn(prefix, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				   "0123456789-") != n)
			return config_error(cfg, "publications", "prefix", err,
					    "1 to %d letters, digits or -",
					    ADVISORY_PREFIX_MAX);
		memcpy(s.prefix, prefix, n + 1);
	}
	s.max_attachment = 10 * 1024 * 1024;
	s.max_attachments = 10;
	s.max_total = 50 * 1024 * 1024;
	if (cfg == NULL) {
		*out = s;
		return 0;
	}
	if ((rc = config_int(cfg, "publications", "max_attachment", 1, 1024 * 1024 * 1024,
			     (int64_t)s.max_attachment, &v, err)) != 0)
		return rc;
	s.max_attachment = (size_t)v;
	if ((rc = config_int(cfg, "publications", "max_attachments", 0, 100,
			     (int64_t)s.max_attachments, &v, err)) != 0)
		return rc;
	s.max_attachments = (size_t)v;
	if ((rc = config_int(cfg, "publications", "max_total", 1, 4LL * 1024 * 1024 * 1024,
			     (int64_t)s.max_total, &v, err)) != 0)
		return rc;
	s.max_total = (size_t)v;
	*out = s;
	return 0;
}

void publication_init(struct publication *p)
{
	memset(p, 0, sizeof(*p));
	advisory_init(&p->base);
}

void publication_clear(struct publication *p)
{
	advisory_clear(&p->base);
	free(p->body);
	free(p->att);
	publication_init(p);
}

static int kind_set(struct publication *p, const char *value, struct sk_error *err)
{
	int k = value != NULL ? str_index(publication_kind_names, value) : -1;

	if (k < 0)
		return sk_error_set(
		    err, SK_EINVAL,
		    "kind: '%.40s' is not threat-assessment, resilience-measure, "
		    "guidance or best-practice",
		    value != NULL ? value : "");
	p->kind = (enum publication_kind)k;
	return 0;
}

static int body_set(struct publication *p, const char *value, size_t len, struct sk_error *err)
{
	if (len > PUBLICATION_BODY_MAX)
		return sk_error_set(err, SK_ETOOBIG, "body: more than %d bytes",
				    PUBLICATION_BODY_MAX);
	if (!utf8_valid(value, len) || memchr(value, '\0', len) != NULL)
		return sk_error_set(err, SK_EINVAL, "body: not UTF-8 text");
	free(p->body);
	p->body = xstrndup(value, len);
	return 0;
}

int publication_set_json(struct publication *p, const json_t *doc, struct sk_error *err)
{
	json_t *rest = NULL;
	const char *k;
	json_t *v;
	int rc = 0;

	if (!json_is_object(doc))
		return sk_error_set(err, SK_EINVAL, "a publication must be a JSON object");
	rest = json_object();
	json_object_foreach((json_t *)doc, k, v)
	{
		if (strcmp(k, "kind") == 0)
			rc = json_is_string(v)
				 ? kind_set(p, json_string_value(v), err)
				 : sk_error_set(err, SK_EINVAL, "kind: must be a string");
		else if (strcmp(k, "body") == 0)
			rc = json_is_string(v)
				 ? body_set(p, json_string_value(v), json_string_length(v), err)
				 : sk_error_set(err, SK_EINVAL, "body: must be a string");
		else if (str_index(shared, k) >= 0)
			json_object_set(rest, k, v);
		else
			rc = sk_error_set(err, SK_EINVAL, "%.40s: no such field", k);
		if (rc != 0)
			break;
	}
	if (rc == 0)
		rc = advisory_set_json(&p->base, rest, err);
	json_decref(rest);
	return rc;
}

int publication_set_field(struct publication *p, const char *field, const char *value,
			  struct sk_error *err)
{
	if (strcmp(field, "kind") == 0)
		return kind_set(p, value, err);
	if (strcmp(field, "body") == 0)
		return body_set(p, value, strlen(value), err);
	if (str_index(shared, field) < 0 || strcmp(field, "audience") == 0)
		return sk_error_set(err, SK_EINVAL, "%.40s: no such field", field);
	return advisory_set_field(&p->base, field, value, err);
}

int publication_validate(struct publication *p, bool for_publish, struct sk_error *err)
{
	int rc;

	if ((rc = advisory_validate(&p->base, false, err)) != 0)
		return rc;
	if (p->body == NULL || p->body[0] == '\0')
		return sk_error_set(err, SK_EINVAL, "body: missing");
	if (!for_publish)
		return 0;
	if (p->base.summary == NULL || p->base.summary[0] == '\0')
		return sk_error_set(err, SK_EINVAL, "summary: missing");
	{
		const struct advisory_audience *au = &p->base.audience;

		if (!au->all && au->classes.n == 0 && au->sectors.n == 0 && au->n_orgs == 0)
			return sk_error_set(err, SK_EINVAL,
					    "audience: nobody (set all, classes, sectors or "
					    "orgs)");
	}
	return 0;
}

/* A plain file name: no directory, not hidden, printable. */
static bool name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > PUBLICATION_NAME_MAX || s[0] == '.' || !utf8_valid(s, n))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f || c == '/' || c == '\\' || c == '"' || c == ';')
			return false;
	}
	return true;
}

/* "type/subtype" of token characters. */
static bool media_type_ok(const char *s)
{
	static const char tok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "0123456789!#$&^_.+-";
	size_t a = strspn(s, tok);

	return a > 0 && s[a] == '/' && strspn(s + a + 1, tok) > 0 &&
	       s[a + 1 + strspn(s + a + 1, tok)] == '\0' &&
	       strlen(s) <= PUBLICATION_MEDIA_TYPE_MAX;
}

int publication_file_check(const struct publication *p, const struct publication_settings *cfg,
			   const struct publication_file *f, struct sk_error *err)
{
	size_t total = f->size;

	if (!name_ok(f->name))
		return sk_error_set(err, SK_EINVAL,
				    "attachments: '%.60s' is not a plain file name (1 to %d "
				    "bytes, no / \\ \" ; or control characters, not starting "
				    "with .)",
				    f->name, PUBLICATION_NAME_MAX);
	if (!media_type_ok(f->media_type))
		return sk_error_set(err, SK_EINVAL,
				    "attachments.%.60s: media type '%.60s' is not "
				    "type/subtype",
				    f->name, f->media_type);
	if (f->size > cfg->max_attachment)
		return sk_error_set(err, SK_ETOOBIG,
				    "attachments.%.60s: %zu bytes, more than max_attachment "
				    "(%zu bytes)",
				    f->name, f->size, cfg->max_attachment);
	if (p->n_att >= cfg->max_attachments)
		return sk_error_set(err, SK_ETOOBIG,
				    "attachments: more than max_attachments (%zu)",
				    cfg->max_attachments);
	for (size_t i = 0; i < p->n_att; i++) {
		if (strcmp(p->att[i].name, f->name) == 0)
			return sk_error_set(err, SK_EEXIST,
					    "attachments.%.60s: attached already", f->name);
		total += p->att[i].size;
	}
	if (total > cfg->max_total)
		return sk_error_set(err, SK_ETOOBIG,
				    "attachments: %zu bytes in all, more than max_total (%zu "
				    "bytes)",
				    total, cfg->max_total);
	return 0;
}

json_t *publication_to_json(const struct publication *p)
{
	json_t *doc = advisory_to_json(&p->base), *att = json_array();

	for (size_t i = 0; advisory_only[i] != NULL; i++)
		json_object_del(doc, advisory_only[i]);
	json_object_set_new(doc, "kind", json_string(publication_kind_names[p->kind]));
	json_object_set_new(doc, "body", json_string(p->body != NULL ? p->body : ""));
	for (size_t i = 0; i < p->n_att; i++)
		json_array_append_new(att, json_pack("{s:s,s:s,s:I}", "name", p->att[i].name,
						     "media_type", p->att[i].media_type, "size",
						     (json_int_t)p->att[i].size));
	json_object_set_new(doc, "attachments", att);
	return doc;
}

int publication_from_json(struct publication *p, const json_t *doc, struct sk_error *err)
{
	json_t *base = json_deep_copy(doc), *att = json_object_get(doc, "attachments"), *v;
	const char *body = json_string_value(json_object_get(doc, "body"));
	size_t i;
	int rc;

	if (base == NULL || !json_is_object(base)) {
		json_decref(base);
		return sk_error_set(err, SK_EINVAL, "a publication must be a JSON object");
	}
	json_object_del(base, "kind");
	json_object_del(base, "body");
	json_object_del(base, "attachments");
	rc = advisory_from_json(&p->base, base, err);
	json_decref(base);
	if (rc == 0)
		rc = kind_set(p, json_string_value(json_object_get(doc, "kind")), err);
	if (rc != 0)
		return rc;
	free(p->body);
	p->body = xstrdup(body != NULL ? body : "");
	free(p->att);
	p->n_att = json_array_size(att);
	p->att = xcalloc(p->n_att + 1, sizeof(*p->att));
	json_array_foreach(att, i, v)
	{
		const char *name = json_string_value(json_object_get(v, "name"));
		const char *type = json_string_value(json_object_get(v, "media_type"));

		snprintf(p->att[i].name, sizeof(p->att[i].name), "%s",
			 name != NULL ? name : "");
		snprintf(p->att[i].media_type, sizeof(p->att[i].media_type), "%s",
			 type != NULL ? type : "application/octet-stream");
		p->att[i].size = (size_t)json_integer_value(json_object_get(v, "size"));
	}
	return 0;
}
