/* feed/intelmq.c: IntelMQ events as JSON lines, read one line at a time
 * into struct event; each line is parsed with jansson and every key set
 * with event_set, which validates and canonicalizes the value.
 *
 * Parses outside input. Limits: INTELMQ_LINE_MAX (64 KiB) bytes in a
 * line (a longer one is an error and is skipped to its end without being
 * buffered); one flat JSON object a line, keys unique; values strings,
 * numbers, booleans or null (null: the field is absent); nested objects
 * and arrays are refused, under extra.* too; keys must be known
 * harmonization fields or extra.*; the event must pass event_validate;
 * the limits of model/event.h apply to each event.
 *
 * SECURITY: every line is untrusted. The line buffer is fixed at
 * INTELMQ_LINE_MAX; nothing grows with the input except through the
 * event's capped arena. A bad line is an error for that line only, and
 * keys quoted in messages have control characters replaced and are cut
 * short. */
#include "feed/intelmq.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/error.h"
#include "lib/xalloc.h"
#include "model/event.h"

/* How much of a key an error message quotes. */
#define INTELMQ_KEY_QUOTE 64

struct intelmq_reader {
	FILE *in;	  /* borrowed */
	const char *name; /* borrowed */
	unsigned long line;
	bool eof;
	char *buf;	 /* INTELMQ_LINE_MAX bytes */
	struct event ev; /* filled, then copied to the caller's on success */
};

struct intelmq_reader *intelmq_reader_new(FILE *in, const char *name)
{
	struct intelmq_reader *r = xcalloc(1, sizeof(*r));

	r->in = in;
	r->name = name;
	r->buf = xmalloc(INTELMQ_LINE_MAX);
	event_init(&r->ev);
	return r;
}

void intelmq_reader_free(struct intelmq_reader *r)
{
	if (r == NULL)
		return;
	event_free(&r->ev);
	free(r->buf);
	free(r);
}

/* Read the next line into r->buf without its newline. Returns 1 with a
 * line (*len bytes; *too_long if it was cut, the rest consumed), 0 at the
 * end of input, SK_EIO if reading failed. */
static int read_line(struct intelmq_reader *r, size_t *len, bool *too_long)
{
	size_t n = 0;
	bool any = false, over = false;
	int c;

	for (;;) {
		c = getc_unlocked(r->in);
		if (c == EOF) {
			if (ferror(r->in))
				return SK_EIO;
			r->eof = true;
			if (!any)
				return 0;
			break;
		}
		any = true;
		if (c == '\n')
			break;
		if (n < INTELMQ_LINE_MAX)
			r->buf[n++] = (char)c;
		else
			over = true;
	}
	r->line++;
	*len = n;
	*too_long = over;
	return 1;
}

static bool line_is_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

/* key as an error message may quote it: control characters become '?',
 * and it is cut at INTELMQ_KEY_QUOTE bytes with "..." after. */
static void key_quote(const char *key, char *out, size_t size)
{
	size_t n = 0, len = strlen(key);

	for (; n < len && n < INTELMQ_KEY_QUOTE && n + 4 < size; n++) {
		unsigned char c = (unsigned char)key[n];

		out[n] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	if (n < len && n + 4 <= size) {
		memcpy(out + n, "...", 3);
		n += 3;
	}
	out[n] = '\0';
}

/* A JSON real as text that reads back as the same double, with ".0"
 * when it would look like an integer (as jansson and IntelMQ write). */
static void real_format(double d, char *out, size_t size)
{
	int n = snprintf(out, size, "%.15g", d);

	if (n > 0 && (size_t)n < size && strtod(out, NULL) != d)
		n = snprintf(out, size, "%.17g", d);
	if (n > 0 && (size_t)n + 2 < size && strpbrk(out, ".eEni") == NULL)
		memcpy(out + n, ".0", 3);
}

/* Set one key of the line's object on ev. Messages name the key. */
static int set_value(struct event *ev, const char *key, json_t *v, struct sk_error *err)
{
	bool extra = strncmp(key, "extra.", 6) == 0;
	enum event_json_type type;
	char quoted[INTELMQ_KEY_QUOTE + 4], num[64];
	const char *text;
	size_t len;
	int f = -1;

	if (!extra) {
		f = event_field_lookup(key);
		if (f < 0) {
			key_quote(key, quoted, sizeof(quoted));
			return sk_error_set(err, SK_EINVAL, "unknown key '%s'", quoted);
		}
	}
	switch (json_typeof(v)) {
	case JSON_STRING:
		type = EVENT_JSON_STRING;
		text = json_string_value(v);
		len = json_string_length(v);
		break;
	case JSON_INTEGER:
		type = EVENT_JSON_NUMBER;
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		text = num;
		len = strlen(num);
		break;
	case JSON_REAL:
		type = EVENT_JSON_NUMBER;
		real_format(json_real_value(v), num, sizeof(num));
		text = num;
		len = strlen(num);
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		type = EVENT_JSON_BOOL;
		text = json_is_true(v) ? "true" : "false";
		len = strlen(text);
		break;
	case JSON_NULL:
		return 0; /* absent */
	default:
		key_quote(key, quoted, sizeof(quoted));
		return sk_error_set(err, SK_EINVAL,
				    "%s: nested objects and arrays are not supported", quoted);
	}
	if (extra)
		return event_set_extra_n(ev, key, type, text, len, err);
	return event_set_field_n(ev, f, text, len, err);
}

/* Parse line[0..len) into ev (reset). */
static int parse_line(struct event *ev, const char *line, size_t len, struct sk_error *err)
{
	json_error_t jerr;
	json_t *obj = NULL, *v;
	const char *key;
	int rc;

	event_reset(ev);
	obj = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (obj == NULL) {
		rc = sk_error_set(err, SK_EINVAL, "invalid JSON at column %d: %s", jerr.column,
				  jerr.text);
		goto out;
	}
	if (!json_is_object(obj)) {
		rc = sk_error_set(err, SK_EINVAL, "not a JSON object");
		goto out;
	}
	json_object_foreach(obj, key, v)
	{
		rc = set_value(ev, key, v, err);
		if (rc != 0)
			goto out;
	}
	rc = event_validate(ev, err);
out:
	json_decref(obj);
	return rc;
}

int intelmq_read(struct intelmq_reader *r, struct event *ev, struct sk_error *err)
{
	size_t len = 0;
	bool too_long = false;
	int rc;

	for (;;) {
		if (r->eof)
			return 0;
		rc = read_line(r, &len, &too_long);
		if (rc == 0)
			return 0;
		if (rc < 0)
			return sk_error_set(err, rc, "%s:%lu: read error", r->name,
					    r->line + 1);
		if (too_long)
			return sk_error_set(err, SK_EINVAL, "%s:%lu: line longer than %d bytes",
					    r->name, r->line, INTELMQ_LINE_MAX);
		if (!line_is_blank(r->buf, len))
			break;
	}
	rc = parse_line(&r->ev, r->buf, len, err);
	if (rc != 0) {
		/* A line over an event limit is a bad line like any other. */
		sk_error_prefix(err, "%s:%lu", r->name, r->line);
		if (err != NULL)
			err->code = SK_EINVAL;
		return SK_EINVAL;
	}
	event_copy(ev, &r->ev);
	return 1;
}
