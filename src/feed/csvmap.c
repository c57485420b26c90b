/* feed/csvmap.c: the mapping file (a small INI dialect, parsed here line
 * by line so that every error names its line) and the reader that turns
 * CSV rows into events by it.
 *
 * Parses outside input. Limits: a mapping file of at most
 * CSVMAP_FILE_MAX bytes, lines of CSVMAP_LINE_MAX bytes, no NUL bytes,
 * CSV_COLUMNS_MAX columns and 64 constants; every constant is checked on
 * a scratch event when the mapping loads. Rows: the limits of feed/csv.h
 * and model/event.h; a value a field refuses makes the row bad.
 *
 * SECURITY: both files are untrusted. Mapping values reach events only
 * through event_set_*, which validates them; names quoted in messages are
 * cut and have control characters replaced. */
#include "feed/csvmap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "feed/csv.h"
#include "feed/csvtable.h"
#include "feed/feedtime.h"
#include "lib/buf.h"
#include "lib/error.h"
#include "lib/xalloc.h"
#include "model/event.h"

#define CONSTS_MAX 64
#define QUOTE_MAX  64

enum time_format { TIME_ISO, TIME_EPOCH, TIME_EPOCH_MS, TIME_PATTERN };
enum section { SEC_NONE, SEC_CSV, SEC_CONSTANTS, SEC_COLUMNS };

struct cm_column {
	char *name;	 /* header name, or the number as text */
	unsigned number; /* header = no: 1.. */
	int field;	 /* enum event_field, or -1 */
	char *extra;	 /* field -1 and not ignored: "extra.foo" */
	bool ignore;
	unsigned line;
};

struct cm_const {
	int field; /* or -1 */
	char *extra;
	char *value;
};

struct csvmap {
	char delimiter, comment;
	bool header, unmapped_extra;
	enum time_format time_format;
	char *pattern;
	bool has_feed_name;
	struct cm_column *cols;
	size_t ncols;
	struct cm_const consts[CONSTS_MAX];
	size_t nconsts;
};

void csvmap_free(struct csvmap *map)
{
	if (map == NULL)
		return;
	for (size_t i = 0; i < map->ncols; i++) {
		free(map->cols[i].name);
		free(map->cols[i].extra);
	}
	for (size_t i = 0; i < map->nconsts; i++) {
		free(map->consts[i].extra);
		free(map->consts[i].value);
	}
	free(map->cols);
	free(map->pattern);
	free(map);
}

/* s for a message: at most QUOTE_MAX bytes, control characters as '?'. */
static const char *quote(const char *s, size_t len, char out[QUOTE_MAX + 4])
{
	size_t n = 0;

	for (; n < len && n < QUOTE_MAX; n++) {
		unsigned char c = (unsigned char)s[n];

		out[n] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	if (n < len) {
		memcpy(out + n, "...", 3);
		n += 3;
	}
	out[n] = '\0';
	return out;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static char *trim(char *s)
{
	size_t n;

	while (is_space(*s))
		s++;
	n = strlen(s);
	while (n > 0 && is_space(s[n - 1]))
		s[--n] = '\0';
	return s;
}

static bool is_time_field(int f)
{
	return f == EVENT_TIME_SOURCE || f == EVENT_TIME_OBSERVATION ||
	       f == EVENT_SOURCE_ALLOCATED || f == EVENT_DESTINATION_ALLOCATED;
}

/* One "key = value" of [csv]. */
static int set_option(struct csvmap *map, const char *key, const char *value,
		      struct sk_error *err)
{
	bool b;

	if (strcmp(key, "delimiter") == 0 || strcmp(key, "comment") == 0) {
		char c = strcmp(value, "tab") == 0 ? '\t' : value[0];

		if ((strlen(value) != 1 && strcmp(value, "tab") != 0) || c == '"' ||
		    c == '\n' || c == '\r' || (unsigned char)c >= 0x80)
			return sk_error_set(err, SK_EINVAL,
					    "%s: one ASCII character other than '\"', or tab",
					    key);
		if (key[0] == 'd')
			map->delimiter = c;
		else
			map->comment = c;
		return 0;
	}
	if (strcmp(key, "header") == 0 || strcmp(key, "unmapped") == 0) {
		if (key[0] == 'u') {
			if (strcmp(value, "extra") != 0 && strcmp(value, "ignore") != 0)
				return sk_error_set(err, SK_EINVAL,
						    "unmapped: extra or ignore");
			map->unmapped_extra = value[0] == 'e';
			return 0;
		}
		if (strcasecmp(value, "yes") == 0 || strcasecmp(value, "true") == 0)
			b = true;
		else if (strcasecmp(value, "no") == 0 || strcasecmp(value, "false") == 0)
			b = false;
		else
			return sk_error_set(err, SK_EINVAL, "header: yes or no");
		map->header = b;
		return 0;
	}
	if (strcmp(key, "time_format") == 0) {
		free(map->pattern);
		map->pattern = NULL;
		if (strcmp(value, "iso") == 0) {
			map->time_format = TIME_ISO;
		} else if (strcmp(value, "epoch") == 0) {
			map->time_format = TIME_EPOCH;
		} else if (strcmp(value, "epoch_ms") == 0) {
			map->time_format = TIME_EPOCH_MS;
		} else {
			if (feedtime_check_pattern(value, err) != 0) {
				sk_error_prefix(err, "time_format");
				return SK_EINVAL;
			}
			map->time_format = TIME_PATTERN;
			map->pattern = xstrdup(value);
		}
		return 0;
	}
	return sk_error_set(err, SK_EINVAL,
			    "unknown setting '%s' in [csv] (delimiter, comment, header, "
			    "time_format, unmapped)",
			    key);
}

/* A field or extra.* name: *field, or *extra (caller frees). */
static int target(const char *value, struct event *scratch, int *field, char **extra,
		  struct sk_error *err)
{
	char q[QUOTE_MAX + 4];

	*field = -1;
	*extra = NULL;
	if (strncmp(value, "extra.", 6) == 0) {
		event_reset(scratch);
		if (event_set_extra(scratch, value, EVENT_JSON_STRING, "x", err) != 0)
			return SK_EINVAL;
		*extra = xstrdup(value);
		return 0;
	}
	*field = event_field_lookup(value);
	if (*field < 0)
		return sk_error_set(
		    err, SK_EINVAL,
		    "'%s' is not an IntelMQ field (extra.NAME holds other data)",
		    quote(value, strlen(value), q));
	return 0;
}

static int add_constant(struct csvmap *map, const char *key, const char *value,
			struct event *scratch, struct sk_error *err)
{
	struct cm_const *c;
	int field;
	char *extra = NULL;

	if (map->nconsts == CONSTS_MAX)
		return sk_error_set(err, SK_ETOOBIG, "more than %d constants", CONSTS_MAX);
	if (target(key, scratch, &field, &extra, err) != 0)
		return SK_EINVAL;
	for (size_t i = 0; i < map->nconsts; i++) {
		if ((field >= 0 && map->consts[i].field == field) ||
		    (extra != NULL && map->consts[i].extra != NULL &&
		     strcmp(map->consts[i].extra, extra) == 0)) {
			free(extra);
			return sk_error_set(err, SK_EINVAL, "%s is given twice", key);
		}
	}
	/* Check the value, and the taxonomy against the type. */
	event_reset(scratch);
	for (size_t i = 0; i < map->nconsts; i++)
		if (map->consts[i].field >= 0)
			(void)event_set_field(scratch, map->consts[i].field,
					      map->consts[i].value, NULL);
	if ((field >= 0 && event_set_field(scratch, field, value, err) != 0) ||
	    (field < 0 &&
	     event_set_extra(scratch, extra, EVENT_JSON_STRING, value, err) != 0)) {
		free(extra);
		return SK_EINVAL;
	}
	c = &map->consts[map->nconsts++];
	c->field = field;
	c->extra = extra;
	c->value = xstrdup(value);
	if (field == EVENT_FEED_NAME)
		map->has_feed_name = true;
	return 0;
}

static int add_column(struct csvmap *map, const char *key, const char *value, unsigned line,
		      struct event *scratch, struct sk_error *err)
{
	struct cm_column *col;
	int field = -1;
	char *extra = NULL;

	if (map->ncols == CSV_COLUMNS_MAX)
		return sk_error_set(err, SK_ETOOBIG, "more than %d columns", CSV_COLUMNS_MAX);
	if (strcmp(value, "ignore") != 0 && target(value, scratch, &field, &extra, err) != 0)
		return SK_EINVAL;
	for (size_t i = 0; i < map->ncols; i++) {
		const struct cm_column *o = &map->cols[i];

		if (strcmp(o->name, key) == 0) {
			free(extra);
			return sk_error_set(err, SK_EINVAL,
					    "column '%s' is mapped on line %u already", key,
					    o->line);
		}
		if ((field >= 0 && o->field == field) ||
		    (extra != NULL && o->extra != NULL && strcmp(o->extra, extra) == 0)) {
			free(extra);
			return sk_error_set(
			    err, SK_EINVAL,
			    "%s is the target of column '%s' on line %u already", value,
			    o->name, o->line);
		}
	}
	map->cols = xreallocarray(map->cols, map->ncols + 1, sizeof(*map->cols));
	col = &map->cols[map->ncols++];
	memset(col, 0, sizeof(*col));
	col->name = xstrdup(key);
	col->field = field;
	col->extra = extra;
	col->ignore = field < 0 && extra == NULL;
	col->line = line;
	return 0;
}

/* Checks once the whole file is read. */
static int check_map(struct csvmap *map, const char *name, struct sk_error *err)
{
	bool type = false, source = false;

	if (map->ncols == 0)
		return sk_error_set(err, SK_EINVAL, "%s: no [columns] mapped", name);
	for (size_t i = 0; i < map->nconsts; i++) {
		int f = map->consts[i].field;

		type |= f == EVENT_CLASSIFICATION_TYPE;
		source |= f == EVENT_SOURCE_IP || f == EVENT_SOURCE_FQDN ||
			  f == EVENT_SOURCE_URL || f == EVENT_SOURCE_ASN;
	}
	for (size_t i = 0; i < map->ncols; i++) {
		struct cm_column *c = &map->cols[i];
		int f = c->field;

		type |= f == EVENT_CLASSIFICATION_TYPE;
		source |= f == EVENT_SOURCE_IP || f == EVENT_SOURCE_FQDN ||
			  f == EVENT_SOURCE_URL || f == EVENT_SOURCE_ASN;
		if (!map->header) {
			char *end = NULL;
			long v;

			errno = 0;
			v = strtol(c->name, &end, 10);
			if (errno != 0 || end == c->name || *end != '\0' || v < 1 ||
			    v > CSV_COLUMNS_MAX || c->name[0] == '+' || c->name[0] == '0')
				return sk_error_set(
				    err, SK_EINVAL,
				    "%s:%u: with header = no, columns are numbers "
				    "from 1 to %d",
				    name, c->line, CSV_COLUMNS_MAX);
			c->number = (unsigned)v;
		}
	}
	if (!type)
		return sk_error_set(
		    err, SK_EINVAL,
		    "%s: classification.type is neither a constant nor a column", name);
	if (!source)
		return sk_error_set(err, SK_EINVAL,
				    "%s: no column or constant gives source.ip, source.fqdn, "
				    "source.url or source.asn",
				    name);
	return 0;
}

/* Parse the mapping text[0..len) (NUL-terminated, changed in place). */
static int parse_text(struct csvmap *map, char *text, size_t len, const char *name,
		      struct sk_error *err)
{
	enum section sec = SEC_NONE;
	struct event scratch;
	unsigned line = 0;
	char *p = text, q[QUOTE_MAX + 4];
	int rc = 0;

	event_init(&scratch);
	if (memchr(text, '\0', len) != NULL) {
		rc = sk_error_set(err, SK_EINVAL, "%s: holds a NUL byte", name);
		goto out;
	}
	while (p < text + len) {
		char *nl = memchr(p, '\n', (size_t)(text + len - p)), *s, *key, *value, *eq;
		size_t n = nl ? (size_t)(nl - p) : (size_t)(text + len - p);

		line++;
		if (nl != NULL)
			*nl = '\0';
		if (n > 0 && p[n - 1] == '\r')
			p[--n] = '\0';
		s = p;
		p += n + 1;
		if (n > CSVMAP_LINE_MAX) {
			rc = sk_error_set(err, SK_ETOOBIG, "%s:%u: line longer than %d bytes",
					  name, line, CSVMAP_LINE_MAX);
			goto out;
		}
		s = trim(s);
		if (*s == '\0' || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			if (strcmp(s, "[csv]") == 0)
				sec = SEC_CSV;
			else if (strcmp(s, "[constants]") == 0)
				sec = SEC_CONSTANTS;
			else if (strcmp(s, "[columns]") == 0)
				sec = SEC_COLUMNS;
			else {
				rc = sk_error_set(
				    err, SK_EINVAL,
				    "%s:%u: unknown section %s ([csv], [constants], "
				    "[columns])",
				    name, line, quote(s, strlen(s), q));
				goto out;
			}
			continue;
		}
		if (*s == '"') {
			char *close = strchr(s + 1, '"');

			if (close == NULL) {
				rc = sk_error_set(err, SK_EINVAL,
						  "%s:%u: a quoted name is not closed", name,
						  line);
				goto out;
			}
			*close = '\0';
			key = s + 1;
			eq = close + 1;
			while (is_space(*eq))
				eq++;
			if (*eq != '=') {
				rc = sk_error_set(err, SK_EINVAL,
						  "%s:%u: '=' must follow the quoted name",
						  name, line);
				goto out;
			}
		} else {
			eq = strchr(s, '=');
			if (eq == NULL) {
				rc = sk_error_set(
				    err, SK_EINVAL,
				    "%s:%u: not a section, a comment or NAME = VALUE", name,
				    line);
				goto out;
			}
			*eq = '\0';
			key = trim(s);
		}
		value = trim(eq + 1);
		if (*key == '\0' || *value == '\0') {
			rc = sk_error_set(err, SK_EINVAL, "%s:%u: %s is empty", name, line,
					  *key == '\0' ? "the name" : "the value");
			goto out;
		}
		switch (sec) {
		case SEC_NONE:
			rc = sk_error_set(
			    err, SK_EINVAL,
			    "setting outside a section ([csv], [constants], [columns])");
			break;
		case SEC_CSV:
			rc = set_option(map, key, value, err);
			break;
		case SEC_CONSTANTS:
			rc = add_constant(map, key, value, &scratch, err);
			break;
		case SEC_COLUMNS:
			rc = add_column(map, key, value, line, &scratch, err);
			break;
		}
		if (rc != 0) {
			sk_error_prefix(err, "%s:%u", name, line);
			goto out;
		}
	}
	rc = check_map(map, name, err);
out:
	event_free(&scratch);
	return rc;
}

struct csvmap *csvmap_parse(FILE *f, const char *name, struct sk_error *err)
{
	struct csvmap *map = NULL;
	char *text = xmalloc(CSVMAP_FILE_MAX + 2);
	size_t len = fread(text, 1, CSVMAP_FILE_MAX + 1, f);

	if (ferror(f)) {
		sk_error_set(err, SK_EIO, "%s: read error", name);
		goto out;
	}
	if (len > CSVMAP_FILE_MAX) {
		sk_error_set(err, SK_ETOOBIG, "%s: larger than %d bytes", name,
			     CSVMAP_FILE_MAX);
		goto out;
	}
	text[len] = '\0';
	map = xcalloc(1, sizeof(*map));
	map->delimiter = ',';
	map->header = true;
	map->unmapped_extra = true;
	if (parse_text(map, text, len, name, err) != 0) {
		csvmap_free(map);
		map = NULL;
	}
out:
	free(text);
	return map;
}

struct csvmap *csvmap_load(const char *path, struct sk_error *err)
{
	struct csvmap *map;
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		sk_error_set(err, SK_ENOTFOUND, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	map = csvmap_parse(f, path, err);
	fclose(f);
	return map;
}

/* ---- reader ---- */

struct csvmap_reader {
	const char *name; /* borrowed */
	const struct csvmap *map;
	const char *feed_name; /* borrowed; NULL: the mapping's */
	char observation[26];
	struct csv_table *table;
	size_t need;  /* fields a row needs (header = no) */
	int *col_of;  /* per mapping column: its index in the row */
	bool *mapped; /* per row column: a mapping column reads it */
};

static int read_header(void *ctx, const struct csv_record *rec, struct sk_error *err);
static int read_row(void *ctx, const struct csv_record *rec, struct event *ev,
		    struct sk_error *err);

static const struct csv_table_ops table_ops = {.header = read_header, .row = read_row};

struct csvmap_reader *csvmap_reader_new(FILE *in, const char *name, const struct csvmap *map,
					const struct csvmap_options *opt, struct sk_error *err)
{
	struct csv_options copt = {.delimiter = map->delimiter, .comment = map->comment};
	struct csvmap_reader *r;

	if ((opt == NULL || opt->feed_name == NULL) && !map->has_feed_name) {
		sk_error_set(err, SK_EINVAL,
			     "%s: the events would have no feed.name: set it in [constants] of "
			     "the mapping, or give a feed name",
			     name);
		return NULL;
	}
	r = xcalloc(1, sizeof(*r));
	r->name = name;
	r->map = map;
	r->feed_name = opt != NULL ? opt->feed_name : NULL;
	feedtime_format(opt != NULL ? opt->observation : 0, r->observation);
	r->table = csv_table_new(
	    in, name, &copt, map->header,
	    opt != NULL && opt->raw ? CSV_TABLE_RAW_QUOTED : CSV_TABLE_RAW_NONE, &table_ops, r);
	r->col_of = xcalloc(map->ncols + 1, sizeof(*r->col_of));
	if (!map->header) {
		r->mapped = xcalloc(CSV_COLUMNS_MAX, sizeof(*r->mapped));
		for (size_t i = 0; i < map->ncols; i++) {
			r->col_of[i] = (int)map->cols[i].number - 1;
			r->mapped[r->col_of[i]] = true;
			if (map->cols[i].number > r->need)
				r->need = map->cols[i].number;
		}
	}
	return r;
}

void csvmap_reader_free(struct csvmap_reader *r)
{
	if (r == NULL)
		return;
	free(r->mapped);
	free(r->col_of);
	csv_table_free(r->table);
	free(r);
}

unsigned long csvmap_lines(const struct csvmap_reader *r)
{
	return csv_table_lines(r->table);
}

/* Find the mapping's columns in the header (a csv_table_ops header). */
static int read_header(void *ctx, const struct csv_record *rec, struct sk_error *err)
{
	struct csvmap_reader *r = ctx;
	const struct csvmap *map = r->map;
	char q[QUOTE_MAX + 4];

	r->mapped = xcalloc(rec->n + 1, sizeof(*r->mapped));
	for (size_t c = 0; c < map->ncols; c++) {
		const char *want = map->cols[c].name;
		size_t wlen = strlen(want);
		int found = -1;

		for (size_t i = 0; i < rec->n; i++) {
			if (rec->fields[i].len == wlen &&
			    memcmp(rec->fields[i].text, want, wlen) == 0) {
				if (found >= 0)
					return sk_error_set(
					    err, SK_EINVAL,
					    "%s:%lu: column '%s' appears twice in the "
					    "header",
					    r->name, rec->line, quote(want, wlen, q));
				found = (int)i;
			}
		}
		if (found < 0)
			return sk_error_set(
			    err, SK_EINVAL,
			    "%s:%lu: the header lacks the column '%s' of the mapping", r->name,
			    rec->line, quote(want, wlen, q));
		r->col_of[c] = found;
		r->mapped[found] = true;
	}
	return 0;
}

/* A time field's value in the mapping's time_format, as ISO 8601 in
 * out (26 bytes); false if it is not one. */
static bool convert_time(const struct csvmap *map, const char *s, size_t n, char *out)
{
	int64_t t = 0;
	size_t i = 0, d0;
	bool neg = false;

	if (map->time_format == TIME_PATTERN) {
		if (feedtime_parse_pattern(map->pattern, s, n, &t) != 0)
			return false;
	} else {
		if (i < n && s[i] == '-')
			neg = s[i++] == '-';
		d0 = i;
		while (i < n && s[i] >= '0' && s[i] <= '9' && i - d0 < 16)
			t = t * 10 + (s[i++] - '0');
		if (i == d0)
			return false;
		if (map->time_format == TIME_EPOCH && i < n && s[i] == '.') {
			for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
				;
		}
		if (i != n)
			return false;
		if (map->time_format == TIME_EPOCH_MS)
			t = neg ? -((t + 999) / 1000) : t / 1000;
		else if (neg)
			t = -t;
		if (t < -62135596800LL || t > 253402300799LL)
			return false;
	}
	feedtime_format(t, out);
	return true;
}

/* One data row into ev (a csv_table_ops row). */
static int read_row(void *ctx, const struct csv_record *rec, struct event *ev,
		    struct sk_error *err)
{
	struct csvmap_reader *r = ctx;
	const struct csvmap *map = r->map;
	struct sk_error sub = {0};
	char when[26];
	int rc;

	if (map->header && rec->n > csv_table_width(r->table))
		return sk_error_set(err, SK_EINVAL,
				    "%s:%lu: %zu fields where the header has %zu", r->name,
				    rec->line, rec->n, csv_table_width(r->table));
	if (!map->header && rec->n < r->need)
		return sk_error_set(err, SK_EINVAL,
				    "%s:%lu: %zu fields where the mapping needs %zu", r->name,
				    rec->line, rec->n, r->need);
	event_reset(ev);
	for (size_t i = 0; i < map->nconsts; i++) {
		const struct cm_const *c = &map->consts[i];

		rc = c->field >= 0
			 ? event_set_field(ev, c->field, c->value, &sub)
			 : event_set_extra(ev, c->extra, EVENT_JSON_STRING, c->value, &sub);
		if (rc != 0)
			return csv_table_error(r->table, rec, NULL, &sub, err);
	}
	for (size_t i = 0; i < map->ncols; i++) {
		const struct cm_column *c = &map->cols[i];
		const struct csv_field *f = &rec->fields[r->col_of[i]];
		const char *text = f->text;
		size_t len = f->len;

		if (c->ignore || len == 0)
			continue;
		if (c->field >= 0 && is_time_field(c->field) && map->time_format != TIME_ISO) {
			if (!convert_time(map, text, len, when)) {
				char q[QUOTE_MAX + 4];

				return sk_error_set(
				    err, SK_EINVAL,
				    "%s:%lu: %s: '%s' is not a time in the form of "
				    "time_format (column '%s')",
				    r->name, rec->line, event_field_name(c->field),
				    quote(text, len, q), c->name);
			}
			text = when;
			len = strlen(when);
		}
		rc = c->field >= 0
			 ? event_set_field_n(ev, c->field, text, len, &sub)
			 : event_set_extra_n(ev, c->extra, EVENT_JSON_STRING, text, len, &sub);
		if (rc != 0)
			return csv_table_error(r->table, rec, c->name, &sub, err);
	}
	if (map->unmapped_extra) {
		for (size_t i = 0; i < rec->n; i++) {
			const struct csv_field *f = &rec->fields[i];
			char name[40];
			const char *extra;

			if (f->len == 0 || r->mapped[i])
				continue;
			if (map->header) {
				extra = csv_table_extra(r->table, i);
			} else {
				snprintf(name, sizeof(name), "extra.column_%zu", i + 1);
				extra = name;
			}
			if (event_set_extra_n(ev, extra, EVENT_JSON_STRING, f->text, f->len,
					      &sub) != 0)
				return csv_table_error(r->table, rec, extra + 6, &sub, err);
		}
	}
	if (r->feed_name != NULL &&
	    event_set_field(ev, EVENT_FEED_NAME, r->feed_name, &sub) != 0)
		return csv_table_error(r->table, rec, NULL, &sub, err);
	if (!event_has(ev, EVENT_TIME_OBSERVATION) &&
	    event_set_field_n(ev, EVENT_TIME_OBSERVATION, r->observation, 25, &sub) != 0)
		return csv_table_error(r->table, rec, NULL, &sub, err);
	return 0;
}

int csvmap_read(struct csvmap_reader *r, struct event **ev, struct sk_error *err)
{
	return csv_table_read(r->table, ev, err);
}
