/* feed/shadowserver_schema.c: Shadowserver's report schema (IntelMQ's
 * intelmq.json of The-Shadowserver-Foundation/report_schema) parsed into
 * reports: per report type its constant fields and its columns, each with
 * the field it goes to and a conversion function; the built-in copy,
 * embedded at build time from shadowserver/schema.json; and the report
 * type in a file name, by IntelMQ's rule.
 *
 * Parses outside input (a schema file). Limits: SHADOWSERVER_SCHEMA_MAX
 * bytes, SHADOWSERVER_REPORTS_MAX reports of SHADOWSERVER_FIELDS_MAX
 * fields, names of SHADOWSERVER_NAME_MAX bytes; every constant is checked
 * by the event model when the schema loads. Errors name the file, the
 * report and the entry. */
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "feed/csv.h"
#include "feed/shadowserver_int.h"
#include "lib/error.h"
#include "lib/xalloc.h"
#include "model/event.h"

/* The built-in schema, made by shadowserver/embed.py. */
extern const unsigned char shadowserver_schema_json[];
extern const size_t shadowserver_schema_json_len;

const char *const ss_conv_names[CONV_COUNT] = {
    [CONV_NONE] = "",
    [CONV_ADD_UTC] = "add_UTC_to_timestamp",
    [CONV_BOOL] = "convert_bool",
    [CONV_TO_NONE] = "validate_to_none",
    [CONV_INT] = "convert_int",
    [CONV_FLOAT] = "convert_float",
    [CONV_HTTP_URL] = "convert_http_host_and_url",
    [CONV_ZERO] = "invalidate_zero",
    [CONV_IP] = "validate_ip",
    [CONV_NETWORK] = "validate_network",
    [CONV_FQDN] = "validate_fqdn",
    [CONV_DATE] = "convert_date",
    [CONV_DATE_UTC] = "convert_date_utc",
    [CONV_BASE64] = "force_base64",
    [CONV_EXCHANGE_TAXONOMY] = "scan_exchange_taxonomy",
    [CONV_EXCHANGE_TYPE] = "scan_exchange_type",
    [CONV_EXCHANGE_IDENTIFIER] = "scan_exchange_identifier",
    [CONV_CVE] = "extract_cve_from_tag",
    [CONV_CATEGORY] = "category_or_detail",
};

/* ---- names ---- */

/* Copy s for a message: at most QUOTE_MAX bytes, control characters and
 * non-ASCII bytes as '?'. */
const char *ss_quote(const char *s, size_t len, char out[QUOTE_MAX + 4])
{
	size_t n = 0;

	for (; n < len && n < QUOTE_MAX; n++) {
		unsigned char c = (unsigned char)s[n];

		out[n] = c < 0x20 || c >= 0x7f ? '?' : (char)c;
	}
	if (n < len) {
		memcpy(out + n, "...", 3);
		n += 3;
	}
	out[n] = '\0';
	return out;
}

static bool is_word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* s[0..n) is \w+(-\w+)*; *first is the length of the first \w+. */
static bool word_groups(const char *s, size_t n, size_t *first)
{
	size_t i = 0, run = 0;
	bool got_first = false;

	if (n == 0)
		return false;
	for (; i < n; i++) {
		if (is_word_char(s[i])) {
			run++;
		} else if (s[i] == '-' && run > 0) {
			if (!got_first) {
				*first = run;
				got_first = true;
			}
			run = 0;
		} else {
			return false;
		}
	}
	if (run == 0)
		return false;
	if (!got_first)
		*first = run;
	return true;
}

static bool is_date_prefix(const char *s, size_t n)
{
	static const char shape[] = "dddd-dd-dd-";

	if (n < 11)
		return false;
	for (size_t i = 0; i < 11; i++)
		if (shape[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != '-')
			return false;
	return true;
}

int shadowserver_report_from_name(const char *file_name, char *out, size_t size)
{
	const char *base = strrchr(file_name, '/');
	size_t n, first = 0;

	base = base != NULL ? base + 1 : file_name;
	n = strlen(base);
	if (n < 5 || strcmp(base + n - 4, ".csv") != 0)
		return SK_EINVAL;
	n -= 4;
	/* The date is optional; the rest must match either way. */
	if (is_date_prefix(base, n) && word_groups(base + 11, n - 11, &first))
		base += 11;
	else if (!word_groups(base, n, &first))
		return SK_EINVAL;
	if (first >= size || first > SHADOWSERVER_NAME_MAX)
		return SK_EINVAL;
	memcpy(out, base, first);
	out[first] = '\0';
	return 0;
}

/* ---- schema ---- */

static void report_clear(struct ss_report *rep)
{
	for (size_t i = 0; i < rep->n_maps; i++) {
		free(rep->maps[i].column);
		free(rep->maps[i].extra);
	}
	for (size_t i = 0; i < rep->n_consts; i++) {
		free(rep->consts[i].extra);
		free(rep->consts[i].value);
	}
	free(rep->maps);
	free(rep->consts);
	free(rep->name);
	free(rep->feed_name);
	free(rep->url);
	free(rep->bad_conv);
	memset(rep, 0, sizeof(*rep));
}

void shadowserver_schema_free(struct shadowserver_schema *schema)
{
	if (schema == NULL)
		return;
	for (size_t i = 0; i < schema->n; i++)
		report_clear(&schema->reports[i]);
	free(schema->reports);
	free(schema);
}

static int compare_reports(const void *a, const void *b)
{
	return strcmp(((const struct ss_report *)a)->name, ((const struct ss_report *)b)->name);
}

const struct ss_report *ss_find_report(const struct shadowserver_schema *schema,
				       const char *name)
{
	struct ss_report key = {.name = (char *)name};

	if (schema == NULL || schema->n == 0)
		return NULL;
	return bsearch(&key, schema->reports, schema->n, sizeof(key), compare_reports);
}

bool shadowserver_schema_has(const struct shadowserver_schema *schema, const char *report)
{
	return ss_find_report(schema, report) != NULL;
}

size_t shadowserver_schema_count(const struct shadowserver_schema *schema)
{
	return schema != NULL ? schema->n : 0;
}

/* A string of 1..SHADOWSERVER_NAME_MAX bytes without control characters. */
static bool name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > SHADOWSERVER_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

/* One [key, column, function?, row?] entry of required_fields or
 * optional_fields into m. Messages name the entry; the caller adds the
 * report. */
static int parse_map(json_t *item, const char *list, size_t idx, bool required,
		     struct ss_report *rep, struct ss_map *m, struct sk_error *err)
{
	json_t *key, *col, *fn;
	const char *k, *f;
	size_t n;
	int field;

	memset(m, 0, sizeof(*m));
	n = json_is_array(item) ? json_array_size(item) : 0;
	if (n < 2 || n > 4)
		return sk_error_set(err, SK_EINVAL,
				    "%s[%zu]: not a list [field, column, function, row]", list,
				    idx);
	key = json_array_get(item, 0);
	col = json_array_get(item, 1);
	fn = n > 2 ? json_array_get(item, 2) : NULL;
	if (!json_is_string(col) || !name_ok(json_string_value(col)))
		return sk_error_set(err, SK_EINVAL,
				    "%s[%zu]: the column must be a name of 1 to %d bytes", list,
				    idx, SHADOWSERVER_NAME_MAX);
	if (n == 4 && !json_is_boolean(json_array_get(item, 3)))
		return sk_error_set(err, SK_EINVAL,
				    "%s[%zu]: the fourth item must be true or false", list,
				    idx);
	m->column = xstrdup(json_string_value(col));
	m->required = required;
	if (fn != NULL && !json_is_null(fn)) {
		if (!json_is_string(fn))
			return sk_error_set(err, SK_EINVAL,
					    "%s[%zu]: the conversion function must be a name",
					    list, idx);
		f = json_string_value(fn);
		for (m->conv = 1; m->conv < CONV_COUNT; m->conv++)
			if (strcmp(ss_conv_names[m->conv], f) == 0)
				break;
		if (m->conv == CONV_COUNT) {
			m->conv = CONV_NONE;
			if (rep->bad_conv == NULL)
				rep->bad_conv = xstrndup(f, strnlen(f, SHADOWSERVER_NAME_MAX));
		}
	}
	if (json_is_false(key)) {
		m->target = TARGET_IGNORE;
		return 0;
	}
	if (!json_is_string(key) || !name_ok(json_string_value(key)))
		return sk_error_set(err, SK_EINVAL,
				    "%s[%zu]: the field must be an IntelMQ field name or false",
				    list, idx);
	k = json_string_value(key);
	if (strcmp(k, "extra.") == 0) {
		m->target = TARGET_EXTRA;
		m->extra = csv_extra_name(m->column, strlen(m->column), false);
	} else if (strncmp(k, "extra.", 6) == 0) {
		m->target = TARGET_EXTRA;
		m->extra = csv_extra_name(k + 6, strlen(k + 6), true);
	} else if ((field = event_field_lookup(k)) >= 0) {
		/* classification.taxonomy follows from classification.type */
		m->target =
		    field == EVENT_CLASSIFICATION_TAXONOMY ? TARGET_IGNORE : TARGET_FIELD;
		m->field = field;
	} else {
		/* A field schakel does not know goes to extra, as in IntelMQ. */
		m->target = TARGET_EXTRA;
		m->extra = csv_extra_name(k, strlen(k), true);
	}
	if (m->target == TARGET_EXTRA && m->extra == NULL)
		return sk_error_set(err, SK_EINVAL, "%s[%zu]: no usable extra.* name", list,
				    idx);
	return 0;
}

/* constant_fields into rep->consts, checked on a scratch event: every
 * value valid, classification.taxonomy matching the type. */
static int parse_consts(json_t *obj, struct ss_report *rep, struct event *scratch,
			struct sk_error *err)
{
	const char *k;
	json_t *v;
	size_t n = 0;
	int field;

	if (obj == NULL)
		return 0;
	if (!json_is_object(obj))
		return sk_error_set(err, SK_EINVAL, "constant_fields: not an object");
	rep->consts = xcalloc(json_object_size(obj) + 1, sizeof(*rep->consts));
	event_reset(scratch);
	/* The type first, so that the taxonomy is checked against it. */
	for (int pass = 0; pass < 2; pass++) {
		json_object_foreach(obj, k, v)
		{
			struct ss_const *c;

			if ((strcmp(k, "classification.type") == 0) != (pass == 0))
				continue;
			if (!json_is_string(v))
				return sk_error_set(err, SK_EINVAL,
						    "constant_fields: %s: not a string", k);
			if (!name_ok(k))
				return sk_error_set(
				    err, SK_EINVAL,
				    "constant_fields: a name is empty or too long");
			field = strncmp(k, "extra.", 6) == 0 ? -1 : event_field_lookup(k);
			if (field >= 0) {
				if (event_set_field(scratch, field, json_string_value(v),
						    err) != 0) {
					sk_error_prefix(err, "constant_fields");
					return SK_EINVAL;
				}
				if (field == EVENT_CLASSIFICATION_TAXONOMY)
					continue; /* derived from the type */
			}
			c = &rep->consts[n];
			c->field = field;
			if (field < 0) {
				c->extra = csv_extra_name(
				    strncmp(k, "extra.", 6) == 0 ? k + 6 : k,
				    strlen(k) - (strncmp(k, "extra.", 6) == 0 ? 6 : 0), true);
				if (c->extra == NULL)
					return sk_error_set(
					    err, SK_EINVAL,
					    "constant_fields: %s: no usable extra.* name", k);
			}
			c->value = xstrdup(json_string_value(v));
			rep->n_consts = ++n;
		}
	}
	return 0;
}

/* One report of the schema. */
static int parse_report(const char *key, json_t *obj, struct ss_report *rep,
			struct event *scratch, struct sk_error *err)
{
	static const char *const lists[] = {"required_fields", "optional_fields"};
	json_t *fn = json_object_get(obj, "file_name"),
	       *feed = json_object_get(obj, "feed_name"), *url = json_object_get(obj, "url");
	size_t total = 0;
	int rc;

	if (!json_is_string(fn) || !name_ok(json_string_value(fn)))
		return sk_error_set(err, SK_EINVAL,
				    "file_name: missing or not a name of 1 to %d bytes",
				    SHADOWSERVER_NAME_MAX);
	if (feed != NULL && (!json_is_string(feed) || !name_ok(json_string_value(feed))))
		return sk_error_set(err, SK_EINVAL, "feed_name: not a name of 1 to %d bytes",
				    SHADOWSERVER_NAME_MAX);
	rep->name = xstrdup(json_string_value(fn));
	rep->feed_name = xstrdup(feed != NULL ? json_string_value(feed) : key);
	if (url != NULL) {
		/* IntelMQ gives every event feed.documentation from it */
		event_reset(scratch);
		if (!json_is_string(url) || event_set_field(scratch, EVENT_FEED_DOCUMENTATION,
							    json_string_value(url), err) != 0)
			return sk_error_set(err, SK_EINVAL,
					    "url: not a text of at most %d bytes",
					    EVENT_VALUE_MAX);
		rep->url = xstrdup(json_string_value(url));
	}
	for (int l = 0; l < 2; l++) {
		json_t *list = json_object_get(obj, lists[l]);

		if (list == NULL && l == 1)
			continue;
		if (!json_is_array(list))
			return sk_error_set(err, SK_EINVAL, "%s: missing or not a list",
					    lists[l]);
		total += json_array_size(list);
	}
	if (total > SHADOWSERVER_FIELDS_MAX)
		return sk_error_set(err, SK_ETOOBIG, "more than %d fields",
				    SHADOWSERVER_FIELDS_MAX);
	rep->maps = xcalloc(total + 1, sizeof(*rep->maps));
	for (int l = 0; l < 2; l++) {
		json_t *list = json_object_get(obj, lists[l]), *item;
		size_t i;

		json_array_foreach(list, i, item)
		{
			rc = parse_map(item, lists[l], i, l == 0, rep, &rep->maps[rep->n_maps],
				       err);
			rep->n_maps++; /* freed with the report either way */
			if (rc != 0)
				return rc;
		}
	}
	return parse_consts(json_object_get(obj, "constant_fields"), rep, scratch, err);
}

struct shadowserver_schema *shadowserver_schema_parse(const char *text, size_t len,
						      const char *name, struct sk_error *err)
{
	struct shadowserver_schema *schema = NULL;
	struct event scratch;
	json_error_t jerr;
	json_t *root = NULL, *v;
	const char *key;
	bool ok = false;
	int rc = 0;

	event_init(&scratch);
	if (len > SHADOWSERVER_SCHEMA_MAX) {
		sk_error_set(err, SK_ETOOBIG, "%s: larger than %d bytes", name,
			     SHADOWSERVER_SCHEMA_MAX);
		goto out;
	}
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		sk_error_set(err, SK_EINVAL, "%s:%d: invalid JSON: %s", name, jerr.line,
			     jerr.text);
		goto out;
	}
	if (!json_is_object(root)) {
		sk_error_set(err, SK_EINVAL, "%s: not a JSON object of reports", name);
		goto out;
	}
	if (json_object_size(root) > SHADOWSERVER_REPORTS_MAX + 1) {
		sk_error_set(err, SK_ETOOBIG, "%s: more than %d reports", name,
			     SHADOWSERVER_REPORTS_MAX);
		goto out;
	}
	schema = xcalloc(1, sizeof(*schema));
	schema->reports = xcalloc(json_object_size(root) + 1, sizeof(*schema->reports));
	json_object_foreach(root, key, v)
	{
		struct ss_report *rep = &schema->reports[schema->n];
		char q[QUOTE_MAX + 4];

		if (strcmp(key, "_meta") == 0)
			continue;
		if (!json_is_object(v)) {
			rc = sk_error_set(err, SK_EINVAL, "%s: report '%s': not an object",
					  name, ss_quote(key, strlen(key), q));
			goto out;
		}
		rc = parse_report(key, v, rep, &scratch, err);
		schema->n++;
		if (rc != 0) {
			sk_error_prefix(err, "%s: report '%s'", name,
					ss_quote(key, strlen(key), q));
			goto out;
		}
	}
	qsort(schema->reports, schema->n, sizeof(*schema->reports), compare_reports);
	for (size_t i = 1; i < schema->n; i++) {
		if (strcmp(schema->reports[i - 1].name, schema->reports[i].name) == 0) {
			char q[QUOTE_MAX + 4];

			rc = sk_error_set(err, SK_EINVAL,
					  "%s: two reports have the file_name '%s'", name,
					  ss_quote(schema->reports[i].name,
						   strlen(schema->reports[i].name), q));
			goto out;
		}
	}
	ok = true;
out:
	json_decref(root);
	event_free(&scratch);
	if (!ok) {
		shadowserver_schema_free(schema);
		return NULL;
	}
	return schema;
}

struct shadowserver_schema *shadowserver_schema_load(const char *path, struct sk_error *err)
{
	struct shadowserver_schema *schema = NULL;
	struct stat st;
	char *text = NULL;
	size_t got;
	FILE *f;

	f = fopen(path, "rb");
	if (f == NULL) {
		sk_error_set(err, SK_ECONFIG, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		sk_error_set(err, SK_ECONFIG, "%s: not a regular file", path);
		goto out;
	}
	if (st.st_size > SHADOWSERVER_SCHEMA_MAX) {
		sk_error_set(err, SK_ETOOBIG, "%s: larger than %d bytes", path,
			     SHADOWSERVER_SCHEMA_MAX);
		goto out;
	}
	text = xmalloc((size_t)st.st_size + 1);
	got = fread(text, 1, (size_t)st.st_size + 1, f);
	if (ferror(f) || got > (size_t)st.st_size) {
		sk_error_set(err, SK_EIO, "%s: read error or the file changed", path);
		goto out;
	}
	schema = shadowserver_schema_parse(text, got, path, err);
out:
	free(text);
	fclose(f);
	return schema;
}

static const struct shadowserver_schema *builtin;
static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;

static void builtin_parse(void)
{
	struct sk_error err = {0};

	builtin =
	    shadowserver_schema_parse((const char *)shadowserver_schema_json,
				      shadowserver_schema_json_len, "built-in schema", &err);
	if (builtin == NULL) {
		/* schakel's own data: a test loads it. */
		fprintf(stderr, "schakel: %s\n", err.msg);
		abort();
	}
}

const struct shadowserver_schema *shadowserver_schema_builtin(void)
{
	pthread_once(&builtin_once, builtin_parse);
	return builtin;
}
