/* feed/shadowserver.c: Shadowserver CSV reports into events. A reader
 * matches its report in a schema (shadowserver_schema.c) against the
 * header of a file into a plan (column index, target, conversion), and
 * then turns every row into an event by that plan.
 *
 * What a row becomes, as IntelMQ's Shadowserver parser does it: feed.name,
 * feed.documentation (the report's url), the constant fields and
 * time.observation (set once, copied into every event; a column never
 * replaces them, as in IntelMQ, which sets the constants last); the
 * required, then the optional columns, each converted and set on its
 * field or extra.* name (an empty value, or one its conversion turns into
 * nothing, sets nothing; a field keeps its first value); extra.<column>
 * for every other non-empty column, and for an optional column whose
 * value its field refuses. classification.taxonomy is always derived from
 * classification.type. Where this differs from IntelMQ, docs/feeds.md
 * says so. The file is read as IntelMQ reads it (feed/csv.h, intelmq),
 * through feed/csvtable.h.
 *
 * Parses outside input (a report). Limits: those of feed/csv.h per record
 * and of model/event.h per event.
 *
 * SECURITY: a row is untrusted: its values reach the event only through
 * event_set_*, which validates them; converted values are built in a
 * buffer capped at EVENT_VALUE_MAX. A bad row is an error for that row
 * only; quoted input in messages comes from model/event.c, which escapes
 * it, or is cut and escaped here. */
#include "feed/shadowserver.h"

#include <math.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "feed/csv.h"
#include "feed/csvtable.h"
#include "feed/feedtime.h"
#include "feed/shadowserver_int.h"
#include "lib/buf.h"
#include "lib/error.h"
#include "lib/xalloc.h"
#include "model/event.h"

/* ---- reader ---- */

/* One step of the plan: a mapping and the column it reads. */
struct step {
	const struct ss_map *m;
	uint32_t col;
	bool first_only;	    /* an extra.* name that an earlier step sets too */
	struct event_extra_key key; /* TARGET_EXTRA: m->extra, checked once */
};

struct shadowserver_reader {
	const char *name; /* borrowed */
	const struct ss_report *rep;
	const char *feed_name; /* borrowed */
	char observation[26];
	void (*warn)(void *arg, const char *message);
	void *warn_arg;
	struct csv_table *table;
	size_t ncols;
	char **col_names;		   /* header, as read */
	struct event_extra_key *const_key; /* the report's extra.* constants */
	struct step *steps;
	size_t nsteps;
	uint32_t *rest; /* columns no step reads */
	size_t nrest;
	uint32_t *failed; /* columns whose value this row's field refused */
	size_t nfailed;
	/* columns convert_http_host_and_url and category_or_detail read */
	int col_host[4]; /* cc_dns, http_host, hostname, ip */
	int col_url, col_http_url, col_application, col_detail;
	struct buf value;  /* converted values */
	char *b64;	   /* EVENT_VALUE_MAX + 1 bytes */
	struct event tmpl; /* what every event starts as */
};

static int read_header(void *ctx, const struct csv_record *rec, struct sk_error *err);
static int read_row(void *ctx, const struct csv_record *rec, struct event *ev,
		    struct sk_error *err);

static const struct csv_table_ops table_ops = {.header = read_header, .row = read_row};

struct shadowserver_reader *shadowserver_reader_new(FILE *in, const char *name,
						    const struct shadowserver_schema *schema,
						    const char *report,
						    const struct shadowserver_options *opt,
						    struct sk_error *err)
{
	const struct ss_report *rep = ss_find_report(schema, report);
	struct shadowserver_reader *r;
	char q[QUOTE_MAX + 4];

	if (rep == NULL) {
		sk_error_set(err, SK_EINVAL,
			     "%s: unknown Shadowserver report type '%s' (schakel knows %zu; a "
			     "schema file can add more: feeds.shadowserver_schema)",
			     name, ss_quote(report, strlen(report), q),
			     shadowserver_schema_count(schema));
		return NULL;
	}
	if (rep->bad_conv != NULL) {
		sk_error_set(err, SK_EINVAL,
			     "%s: report type '%s' uses the conversion function '%s', which "
			     "schakel does not know",
			     name, rep->name,
			     ss_quote(rep->bad_conv, strlen(rep->bad_conv), q));
		return NULL;
	}
	r = xcalloc(1, sizeof(*r));
	r->name = name;
	r->rep = rep;
	r->feed_name = opt != NULL && opt->feed_name != NULL ? opt->feed_name : rep->feed_name;
	r->warn = opt != NULL ? opt->warn : NULL;
	r->warn_arg = opt != NULL ? opt->warn_arg : NULL;
	feedtime_format(opt != NULL ? opt->observation : 0, r->observation);
	/* read as IntelMQ reads a report */
	r->table =
	    csv_table_new(in, name, &(struct csv_options){.intelmq = true}, true,
			  opt != NULL && opt->raw ? CSV_TABLE_RAW_AS_READ : CSV_TABLE_RAW_NONE,
			  &table_ops, r);
	buf_init(&r->value, EVENT_VALUE_MAX);
	r->b64 = xmalloc(EVENT_VALUE_MAX + 1);
	event_init(&r->tmpl);
	if (event_set_field(&r->tmpl, EVENT_FEED_NAME, r->feed_name, err) != 0 ||
	    event_set_field(&r->tmpl, EVENT_TIME_OBSERVATION, r->observation, err) != 0 ||
	    (rep->url != NULL &&
	     event_set_field(&r->tmpl, EVENT_FEED_DOCUMENTATION, rep->url, err) != 0)) {
		sk_error_prefix(err, "%s", name);
		shadowserver_reader_free(r);
		return NULL;
	}
	for (size_t i = 0; i < rep->n_consts; i++)
		if (rep->consts[i].field >= 0 &&
		    event_set_field(&r->tmpl, rep->consts[i].field, rep->consts[i].value,
				    err) != 0)
			abort(); /* checked when the schema loaded */
	return r;
}

void shadowserver_reader_free(struct shadowserver_reader *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->ncols; i++)
		free(r->col_names[i]);
	free(r->col_names);
	free(r->const_key);
	free(r->steps);
	free(r->rest);
	free(r->failed);
	csv_table_free(r->table);
	buf_free(&r->value);
	free(r->b64);
	event_free(&r->tmpl);
	free(r);
}

unsigned long shadowserver_lines(const struct shadowserver_reader *r)
{
	return csv_table_lines(r->table);
}

static int find_column(const struct shadowserver_reader *r, const char *name)
{
	for (size_t i = 0; i < r->ncols; i++)
		if (strcmp(r->col_names[i], name) == 0)
			return (int)i;
	return -1;
}

/* Build the plan from the header record (a csv_table_ops header). Errors
 * are for the whole file. */
static int read_header(void *ctx, const struct csv_record *rec, struct sk_error *err)
{
	struct shadowserver_reader *r = ctx;
	const struct ss_report *rep = r->rep;
	bool *used = NULL;
	char q[QUOTE_MAX + 4];

	r->ncols = rec->n;
	r->col_names = xcalloc(rec->n, sizeof(*r->col_names));
	for (size_t i = 0; i < rec->n; i++) {
		const struct csv_field *f = &rec->fields[i];

		if (memchr(f->text, '\0', f->len) != NULL || f->len > SHADOWSERVER_NAME_MAX)
			return sk_error_set(
			    err, SK_EINVAL,
			    "%s:%lu: column %zu of the header is not a name of at "
			    "most %d bytes",
			    r->name, rec->line, i + 1, SHADOWSERVER_NAME_MAX);
		r->col_names[i] = xstrndup(f->text, f->len);
		for (size_t j = 0; j < i; j++)
			if (strcmp(r->col_names[j], r->col_names[i]) == 0)
				return sk_error_set(
				    err, SK_EINVAL,
				    "%s:%lu: column '%s' appears twice in the header", r->name,
				    rec->line, ss_quote(f->text, f->len, q));
	}
	used = xcalloc(rec->n + 1, sizeof(*used));
	r->steps = xcalloc(rep->n_maps + 1, sizeof(*r->steps));
	r->failed = xcalloc(rep->n_maps + 1, sizeof(*r->failed));
	for (size_t i = 0; i < rep->n_maps; i++) {
		const struct ss_map *m = &rep->maps[i];
		int col = find_column(r, m->column);
		struct step *s;

		if (col < 0) {
			/* An optional column may be missing (IntelMQ warns); so may a
			 * required one, as reports change: the events must still be
			 * complete, which event_validate checks for every row. */
			if (m->required && r->warn != NULL) {
				char msg[SK_ERROR_MAX];

				snprintf(
				    msg, sizeof(msg),
				    "%s:%lu: the header lacks the column '%s', which report "
				    "type '%s' requires; its events have no %s",
				    r->name, rec->line, m->column, rep->name,
				    m->target == TARGET_FIELD	? event_field_name(m->field)
				    : m->target == TARGET_EXTRA ? m->extra
								: "value from it");
				r->warn(r->warn_arg, msg);
			}
			continue;
		}
		used[col] = true;
		s = &r->steps[r->nsteps++];
		s->m = m;
		s->col = (uint32_t)col;
		if (m->target == TARGET_EXTRA &&
		    event_extra_key_init(&s->key, m->extra, err) != 0) {
			free(used);
			sk_error_prefix(err, "%s: report type '%s'", r->name, rep->name);
			return SK_EINVAL;
		}
		if (m->target == TARGET_EXTRA)
			for (size_t j = 0; j + 1 < r->nsteps; j++)
				if (r->steps[j].m->target == TARGET_EXTRA &&
				    strcmp(r->steps[j].m->extra, m->extra) == 0)
					s->first_only = true;
	}
	r->rest = xcalloc(rec->n + 1, sizeof(*r->rest));
	for (size_t i = 0; i < rec->n; i++)
		if (!used[i])
			r->rest[r->nrest++] = (uint32_t)i;
	r->const_key = xcalloc(rep->n_consts + 1, sizeof(*r->const_key));
	for (size_t i = 0; i < rep->n_consts; i++)
		if (rep->consts[i].field < 0 &&
		    event_extra_key_init(&r->const_key[i], rep->consts[i].extra, err) != 0) {
			free(used);
			sk_error_prefix(err, "%s: report type '%s'", r->name, rep->name);
			return SK_EINVAL;
		}
	r->col_host[0] = find_column(r, "cc_dns");
	r->col_host[1] = find_column(r, "http_host");
	r->col_host[2] = find_column(r, "hostname");
	r->col_host[3] = find_column(r, "ip");
	r->col_url = find_column(r, "url");
	r->col_http_url = find_column(r, "http_url");
	r->col_application = find_column(r, "application");
	r->col_detail = find_column(r, "detail");
	free(used);
	return 0;
}

/* A converted value. */
struct value {
	const char *text;
	size_t len;
	enum event_json_type type;
};

enum conv_result { CV_NONE, CV_VALUE, CV_FAIL };

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Python's int(): white space around, a sign, digits. Canonical digits
 * into out (24 bytes). */
static bool conv_int(const char *s, size_t n, char *out, size_t *len, bool *zero)
{
	size_t i = 0, d0, o = 0;
	bool neg = false;

	while (n > 0 && is_space(s[n - 1]))
		n--;
	while (i < n && is_space(s[i]))
		i++;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	d0 = i;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	if (i == d0 || i != n)
		return false;
	while (d0 + 1 < n && s[d0] == '0')
		d0++;
	if (n - d0 > 19 ||
	    (n - d0 == 19 &&
	     memcmp(s + d0, neg ? "9223372036854775808" : "9223372036854775807", 19) > 0))
		return false;
	*zero = n - d0 == 1 && s[d0] == '0';
	if (neg && !*zero)
		out[o++] = '-';
	memcpy(out + o, s + d0, n - d0);
	o += n - d0;
	out[o] = '\0';
	*len = o;
	return true;
}

/* A plain decimal ("-12.50") as Python's repr() writes its float, without
 * going through a double: at most 15 significant digits (so the digits
 * are the shortest form that reads back) and within the range repr()
 * writes without an exponent. False if it is not such a number. */
static bool float_plain(const char *s, size_t n, char *out, size_t *len)
{
	size_t i = 0, i0, i1, f0, f1, o = 0, sig;
	bool neg = false;

	if (i < n && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	i0 = i;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	i1 = i;
	f0 = f1 = i;
	if (i < n && s[i] == '.') {
		f0 = ++i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		f1 = i;
	}
	if (i != n || (i1 == i0 && f1 == f0))
		return false;
	while (i0 < i1 && s[i0] == '0') /* leading zeros */
		i0++;
	while (f1 > f0 && s[f1 - 1] == '0') /* trailing zeros */
		f1--;
	if (i1 - i0 > 16)
		return false;
	if (i0 == i1) {
		size_t z = f0;

		while (z < f1 && s[z] == '0')
			z++;
		if (z == f1) { /* zero */
			memcpy(out, neg ? "-0.0" : "0.0", neg ? 5 : 4);
			*len = neg ? 4 : 3;
			return true;
		}
		if (z - f0 > 3) /* repr() writes 1e-05 */
			return false;
		sig = f1 - z;
	} else {
		sig = (i1 - i0) + (f1 - f0);
		if (f1 == f0) /* integral: trailing zeros of the integer count */
			for (size_t k = i1; k > i0 && s[k - 1] == '0'; k--)
				sig--;
	}
	if (sig > 15)
		return false;
	if (neg)
		out[o++] = '-';
	if (i0 == i1) {
		out[o++] = '0';
	} else {
		memcpy(out + o, s + i0, i1 - i0);
		o += i1 - i0;
	}
	out[o++] = '.';
	if (f1 == f0) {
		out[o++] = '0';
	} else {
		memcpy(out + o, s + f0, f1 - f0);
		o += f1 - f0;
	}
	out[o] = '\0';
	*len = o;
	return true;
}

/* Python's float(), written as Python's repr() would (shortest text that
 * reads back the same, ".0" on integral values); finite values only.
 * out has 40 bytes. */
static bool conv_float(const char *s, size_t n, char *out, size_t *len)
{
	char z[65], *end = NULL;
	double d;
	int k = 0;

	while (n > 0 && is_space(s[n - 1]))
		n--;
	while (n > 0 && is_space(s[0])) {
		s++;
		n--;
	}
	if (n == 0 || n > 64)
		return false;
	if (n <= 32 && float_plain(s, n, out, len))
		return true;
	memcpy(z, s, n);
	z[n] = '\0';
	if (strspn(z, "0123456789+-.eE") < n)
		return false;
	d = strtod(z, &end);
	if (end != z + n || !isfinite(d))
		return false;
	for (int prec = 1; prec <= 17; prec++) {
		k = snprintf(out, 40, "%.*g", prec, d);
		if (strtod(out, NULL) == d)
			break;
	}
	if (k <= 0 || k > 32)
		return false;
	if (strpbrk(out, ".e") == NULL) {
		memcpy(out + k, ".0", 3);
		k += 2;
	}
	*len = (size_t)k;
	return true;
}

static bool conv_bool(const char *s, size_t n, bool *out)
{
	static const char *const yes[] = {"y", "yes", "true", "enabled", "1"};
	static const char *const no[] = {"n", "no", "false", "disabled", "0"};

	for (size_t i = 0; i < 5; i++) {
		if (strlen(yes[i]) == n && strncasecmp(s, yes[i], n) == 0) {
			*out = true;
			return true;
		}
		if (strlen(no[i]) == n && strncasecmp(s, no[i], n) == 0) {
			*out = false;
			return true;
		}
	}
	return false;
}

static bool base64_valid(const char *s, size_t n)
{
	size_t i = 0, pad = 0;

	if (n % 4 != 0)
		return false;
	for (; i < n; i++) {
		char c = s[i];

		if (c == '=') {
			pad++;
		} else if (pad > 0 || !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
					(c >= '0' && c <= '9') || c == '+' || c == '/')) {
			return false;
		}
	}
	return pad <= 2;
}

struct span {
	const char *p;
	size_t len;
};

/* "cve-2023-12345" in any case. */
static bool is_cve(const char *s, size_t n)
{
	size_t i = 4, d;

	if (n < 8 || strncasecmp(s, "cve-", 4) != 0)
		return false;
	for (d = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		;
	if (i == d || i >= n || s[i] != '-')
		return false;
	for (d = ++i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		;
	return i > d && i == n;
}

/* extract_cve_from_tag: the CVE names among the ';'-separated tags,
 * lowercased, without repeats, sorted, joined by ','. */
static enum conv_result conv_cve(struct shadowserver_reader *r, const char *s, size_t n,
				 struct value *v)
{
	struct span found[64], t;
	size_t count = 0, i = 0;

	while (i <= n) {
		const char *semi = memchr(s + i, ';', n - i);
		size_t len = semi ? (size_t)(semi - (s + i)) : n - i;

		if (is_cve(s + i, len)) {
			size_t k = 0;

			while (k < count && !(found[k].len == len &&
					      strncasecmp(found[k].p, s + i, len) == 0))
				k++;
			if (k == count) {
				if (count == sizeof(found) / sizeof(found[0]))
					return CV_FAIL;
				found[count].p = s + i;
				found[count].len = len;
				count++;
			}
		}
		i += len + 1;
	}
	if (count == 0)
		return CV_NONE;
	/* insertion sort by the lowercased text */
	for (size_t a = 1; a < count; a++) {
		for (size_t b = a; b > 0; b--) {
			size_t m =
			    found[b - 1].len < found[b].len ? found[b - 1].len : found[b].len;
			int c = strncasecmp(found[b - 1].p, found[b].p, m);

			if (c < 0 || (c == 0 && found[b - 1].len <= found[b].len))
				break;
			t = found[b];
			found[b] = found[b - 1];
			found[b - 1] = t;
		}
	}
	buf_reset(&r->value);
	for (size_t k = 0; k < count; k++) {
		if ((k > 0 && buf_append_char(&r->value, ',') != 0) ||
		    buf_append(&r->value, found[k].p, found[k].len) != 0)
			return CV_FAIL;
	}
	for (size_t k = 0; k < r->value.len; k++)
		if (r->value.data[k] >= 'A' && r->value.data[k] <= 'Z')
			r->value.data[k] = (char)(r->value.data[k] - 'A' + 'a');
	v->text = r->value.data;
	v->len = r->value.len;
	return CV_VALUE;
}

/* Base64 of s[0..n) into r->b64; false if over EVENT_VALUE_MAX. */
static bool base64_encode(struct shadowserver_reader *r, const char *s, size_t n, size_t *len)
{
	size_t need = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);

	if (n > EVENT_VALUE_MAX || need > EVENT_VALUE_MAX + 1)
		return false;
	sodium_bin2base64(r->b64, need, (const unsigned char *)s, n,
			  sodium_base64_VARIANT_ORIGINAL);
	*len = need - 1;
	return true;
}

static const struct csv_field *row_field(const struct csv_record *rec, int col)
{
	return col >= 0 ? &rec->fields[col] : NULL;
}

/* s[0..n) starts with a URL scheme and "://". */
static bool has_scheme(const char *s, size_t n)
{
	size_t i = 0;

	if (n == 0 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return false;
	while (i < n &&
	       ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		(s[i] >= '0' && s[i] <= '9') || s[i] == '+' || s[i] == '-' || s[i] == '.'))
		i++;
	return n - i >= 3 && memcmp(s + i, "://", 3) == 0;
}

/* convert_http_host_and_url: the host from the first of cc_dns,
 * http_host, hostname and ip with a value and the path from url or
 * http_url, joined as a URL with the scheme of "application" (http or
 * https; http otherwise); the value itself when either is missing; a
 * path that is a whole URL as it is. */
static enum conv_result conv_http_url(struct shadowserver_reader *r,
				      const struct csv_record *rec, const char *s, size_t n,
				      struct value *v)
{
	const struct csv_field *host = NULL;
	const struct csv_field *path =
	    row_field(rec, r->col_url >= 0 ? r->col_url : r->col_http_url);
	const struct csv_field *app = row_field(rec, r->col_application);
	const char *p, *scheme = "http";
	size_t plen, k;

	for (k = 0; k < 4 && (host == NULL || host->len == 0); k++)
		host = row_field(rec, r->col_host[k]);
	if (host == NULL || path == NULL || host->len == 0 || path->len == 0) {
		v->text = s;
		v->len = n;
		return n > 0 ? CV_VALUE : CV_NONE;
	}
	p = path->text;
	plen = path->len;
	if (has_scheme(p, plen)) {
		/* a whole URL already: kept as it is, up to white space (IntelMQ
		 * would put the host before its "//") */
		for (k = 0; k < plen && !is_space(p[k]); k++)
			;
		v->text = p;
		v->len = k;
		return CV_VALUE;
	}
	/* drop what comes before the first '/' and from the first white space */
	for (k = 0; k < plen && p[k] != '/'; k++)
		;
	p += k;
	plen -= k;
	for (k = 0; k < plen && !is_space(p[k]); k++)
		;
	plen = k;
	if (app != NULL && ((app->len == 4 && memcmp(app->text, "http", 4) == 0) ||
			    (app->len == 5 && memcmp(app->text, "https", 5) == 0)))
		scheme = app->text;
	buf_reset(&r->value);
	if (buf_append_str(&r->value, scheme) != 0 || buf_append(&r->value, "://", 3) != 0 ||
	    buf_append(&r->value, host->text, host->len) != 0 ||
	    buf_append(&r->value, p, plen) != 0)
		return CV_FAIL;
	v->text = r->value.data;
	v->len = r->value.len;
	return CV_VALUE;
}

/* True if s[0..n) has word (a NUL-terminated text) in it. */
static bool contains(const char *s, size_t n, const char *word)
{
	size_t k = strlen(word);

	for (size_t i = 0; i + k <= n; i++)
		if (s[i] == word[0] && memcmp(s + i, word, k) == 0)
			return true;
	return false;
}

/* Convert field f (of rec) by m's function into v; tmp has 48 bytes. */
static enum conv_result convert(struct shadowserver_reader *r, const struct ss_map *m,
				const struct csv_record *rec, const struct csv_field *f,
				struct value *v, char *tmp)
{
	const char *s = f->text;
	size_t n = f->len;
	int64_t t;
	bool b, zero;

	v->text = s;
	v->len = n;
	v->type = EVENT_JSON_STRING;
	if (n == 0 && m->conv != CONV_HTTP_URL && m->conv != CONV_CATEGORY)
		return CV_NONE;
	switch ((enum conv)m->conv) {
	case CONV_NONE:
	case CONV_FQDN:
		return CV_VALUE;
	case CONV_ADD_UTC:
		if (n > 4 && memcmp(s + n - 4, " UTC", 4) == 0)
			v->len -= 4;
		return CV_VALUE;
	case CONV_TO_NONE:
		if ((n == 1 && s[0] == '0') || (n == 7 && memcmp(s, "unknown", 7) == 0))
			return CV_NONE;
		return CV_VALUE;
	case CONV_INT:
	case CONV_ZERO:
		if (!conv_int(s, n, tmp, &v->len, &zero))
			return CV_FAIL;
		if (zero && m->conv == CONV_ZERO)
			return CV_NONE;
		v->text = tmp;
		v->type = EVENT_JSON_NUMBER;
		return CV_VALUE;
	case CONV_FLOAT:
		if (!conv_float(s, n, tmp, &v->len))
			return CV_FAIL;
		v->text = tmp;
		v->type = EVENT_JSON_NUMBER;
		return CV_VALUE;
	case CONV_BOOL:
		if (!conv_bool(s, n, &b))
			return CV_FAIL;
		v->text = b ? "true" : "false";
		v->len = b ? 4 : 5;
		v->type = EVENT_JSON_BOOL;
		return CV_VALUE;
	case CONV_IP:
		if ((n == 7 && memcmp(s, "0.0.0.0", 7) == 0) ||
		    (n == 2 && memcmp(s, "::", 2) == 0) || memchr(s, '/', n) != NULL)
			return CV_NONE;
		return CV_VALUE;
	case CONV_NETWORK:
		return memchr(s, '/', n) != NULL ? CV_VALUE : CV_NONE;
	case CONV_DATE:
	case CONV_DATE_UTC:
		if (feedtime_parse(s, n, &t) != 0)
			return CV_FAIL;
		feedtime_format(t, tmp);
		v->text = tmp;
		v->len = strlen(tmp);
		return CV_VALUE;
	case CONV_BASE64:
		if (base64_valid(s, n))
			return CV_VALUE;
		if (!base64_encode(r, s, n, &v->len))
			return CV_FAIL;
		v->text = r->b64;
		return CV_VALUE;
	case CONV_EXCHANGE_TAXONOMY:
	case CONV_EXCHANGE_TYPE:
	case CONV_EXCHANGE_IDENTIFIER:
		/* as IntelMQ: a tag with "webshell" in it is a compromised
		 * server, any other a vulnerable one */
		b = contains(s, n, "webshell");
		v->text = m->conv == CONV_EXCHANGE_TAXONOMY ? (b ? "intrusions" : "vulnerable")
			  : m->conv == CONV_EXCHANGE_TYPE
			      ? (b ? "system-compromise" : "vulnerable-system")
			      : (b ? "exchange-server-webshell" : "vulnerable-exchange-server");
		v->len = strlen(v->text);
		return CV_VALUE;
	case CONV_CVE:
		return conv_cve(r, s, n, v);
	case CONV_HTTP_URL:
		return conv_http_url(r, rec, s, n, v);
	case CONV_CATEGORY:
		if (n > 0)
			return CV_VALUE;
		f = row_field(rec, r->col_detail);
		if (f == NULL || f->len == 0)
			return CV_NONE;
		v->text = f->text;
		v->len = f->len;
		return CV_VALUE;
	case CONV_COUNT:
		break;
	}
	return CV_FAIL;
}

/* Turn one data row, at least as wide as the header, into ev (a
 * csv_table_ops row). Values past the header's columns are not read, as
 * in IntelMQ (raw, with --raw, keeps them). */
static int read_row(void *ctx, const struct csv_record *rec, struct event *ev,
		    struct sk_error *err)
{
	struct shadowserver_reader *r = ctx;
	struct sk_error sub = {0};
	char tmp[48];
	/* feed.name, the constant fields and time.observation, set once:
	 * a column never replaces them (in IntelMQ the constants are set
	 * last, over what the columns set) */
	event_copy(ev, &r->tmpl);
	r->nfailed = 0;
	for (size_t i = 0; i < r->nsteps; i++) {
		const struct step *s = &r->steps[i];
		const struct ss_map *m = s->m;
		const struct csv_field *f = &rec->fields[s->col];
		enum conv_result cr;
		struct value v;
		int rc;

		if (m->target == TARGET_IGNORE)
			continue;
		cr = convert(r, m, rec, f, &v, tmp);
		if (cr == CV_NONE)
			continue;
		if (cr == CV_FAIL) {
			char q[QUOTE_MAX + 4];

			if (!m->required) {
				r->failed[r->nfailed++] = s->col;
				continue;
			}
			return sk_error_set(
			    err, SK_EINVAL, "%s:%lu: column '%s': '%s' cannot be read by %s",
			    r->name, rec->line, m->column, ss_quote(f->text, f->len, q),
			    ss_conv_names[m->conv]);
		}
		if (m->target == TARGET_FIELD) {
			if (event_has(ev, m->field))
				continue; /* the first value stays */
			rc = event_set_field_n(ev, m->field, v.text, v.len, &sub);
		} else {
			if (s->first_only && event_get_extra(ev, m->extra, NULL) != NULL)
				continue;
			rc = event_set_extra_key(ev, &s->key, v.type, v.text, v.len, &sub);
		}
		if (rc == 0)
			continue;
		if (m->required || rc == SK_ETOOBIG || m->target == TARGET_EXTRA)
			return csv_table_error(r->table, rec, m->column, &sub, err);
		r->failed[r->nfailed++] = s->col; /* kept as extra.<column> */
	}
	for (size_t i = 0; i < r->rep->n_consts; i++) {
		const struct ss_const *c = &r->rep->consts[i];

		if (c->field < 0 && event_set_extra_key(ev, &r->const_key[i], EVENT_JSON_STRING,
							c->value, strlen(c->value), &sub) != 0)
			return csv_table_error(r->table, rec, NULL, &sub, err);
	}
	for (size_t i = 0; i < r->nrest + r->nfailed; i++) {
		uint32_t col = i < r->nrest ? r->rest[i] : r->failed[i - r->nrest];
		const struct csv_field *f = &rec->fields[col];

		if (f->len == 0)
			continue;
		if (event_set_extra_key(ev, csv_table_extra_key(r->table, col),
					EVENT_JSON_STRING, f->text, f->len, &sub) != 0)
			return csv_table_error(r->table, rec, r->col_names[col], &sub, err);
	}
	return 0;
}

int shadowserver_read(struct shadowserver_reader *r, struct event **ev, struct sk_error *err)
{
	return csv_table_read(r->table, ev, err);
}
