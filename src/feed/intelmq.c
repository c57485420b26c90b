/* feed/intelmq.c: IntelMQ events as JSON lines, read one line at a time
 * into struct event. Each line goes through one pass of a strict JSON
 * scanner made for this shape (one flat object), which unescapes strings
 * in place in the line buffer; every key is set with event_set, which
 * validates and canonicalizes the value. The scanner accepts what a
 * strict JSON parser (jansson, with duplicate keys refused) accepts for
 * such a line; test_intelmq.c holds the two against each other.
 *
 * Parses outside input. Limits: INTELMQ_LINE_MAX (64 KiB) bytes in a
 * line (a longer one is an error and is skipped to its end without being
 * buffered); one flat JSON object a line, keys unique; values strings,
 * numbers, booleans or null (null: the field is absent); nested objects
 * and arrays are refused, under extra.* too; keys must be known
 * harmonization fields or extra.*, at most INTELMQ_EXTRA_KEYS of the
 * latter; numbers at most INTELMQ_NUMBER_MAX bytes, integers within 64
 * bits, reals finite; strings without "\u0000" or lone surrogates; the
 * event must pass event_validate; the limits of model/event.h apply to
 * each event.
 *
 * SECURITY: every line is untrusted. The read buffer is fixed at
 * INTELMQ_READ_SIZE; nothing grows with the input except through the
 * event's capped arena. Unescaping only ever shortens a string, so it
 * writes inside the string it reads. A bad line is an error for that
 * line only, and keys quoted in messages have control characters and
 * bytes outside ASCII replaced and are cut short. */
#include "feed/intelmq.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/error.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"
#include "model/event.h"

/* How much of a key an error message quotes. */
#define INTELMQ_KEY_QUOTE 64
/* Bytes read at once; a line (INTELMQ_LINE_MAX) always fits beside a
 * read of the same size. */
#define INTELMQ_READ_SIZE (4 * INTELMQ_LINE_MAX)
/* Most extra.* keys in a line, null ones included. */
#define INTELMQ_EXTRA_KEYS (2 * EVENT_EXTRA_MAX)
/* Longest number text. */
#define INTELMQ_NUMBER_MAX 128

struct intelmq_reader {
	FILE *in;	  /* borrowed */
	const char *name; /* borrowed */
	int fd;		  /* in's descriptor, or -1: read through stdio */
	unsigned long line;
	bool eof;
	char *buf;	   /* INTELMQ_READ_SIZE bytes */
	size_t start, end; /* unread input: buf[start..end) */
	struct event ev;   /* filled, then copied to the caller's on success */
};

/* in, name borrowed; caller frees with intelmq_reader_free(). */
struct intelmq_reader *intelmq_reader_new(FILE *in, const char *name)
{
	struct intelmq_reader *r = xcalloc(1, sizeof(*r));

	r->in = in;
	r->name = name;
	r->fd = fileno(in);
	r->buf = xmalloc(INTELMQ_READ_SIZE);
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

/* Move the unread input to the front of the buffer and read more after
 * it: from the descriptor, which returns what has arrived (a pipe's
 * events are handled as they come), or through stdio for a stream
 * without one. Returns 1 with more input, 0 at its end, SK_EIO. */
static int fill(struct intelmq_reader *r)
{
	size_t space;
	ssize_t n;

	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	space = INTELMQ_READ_SIZE - r->end;
	if (r->fd >= 0) {
		do
			n = read(r->fd, r->buf + r->end, space);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return SK_EIO;
	} else {
		n = (ssize_t)fread(r->buf + r->end, 1, space, r->in);
		if (n == 0 && ferror(r->in))
			return SK_EIO;
	}
	r->end += (size_t)n;
	return n > 0;
}

/* The next line, without its newline: *line points into the buffer
 * (*len bytes, which the caller may change in place until the next
 * call). A line longer than INTELMQ_LINE_MAX is consumed without being
 * kept: *too_long, *len 0. Returns 1 with a line, 0 at the end of input,
 * SK_EIO if reading failed. */
static int read_line(struct intelmq_reader *r, char **line, size_t *len, bool *too_long)
{
	size_t scanned = 0, avail, n;
	bool over = false;
	char *nl;
	int rc;

	for (;;) {
		avail = r->end - r->start;
		nl = memchr(r->buf + r->start + scanned, '\n', avail - scanned);
		if (nl != NULL) {
			n = (size_t)(nl - (r->buf + r->start));
			*line = r->buf + r->start;
			r->start += n + 1;
			if (n > INTELMQ_LINE_MAX)
				over = true;
			break;
		}
		scanned = avail;
		if (avail > INTELMQ_LINE_MAX) {
			over = true; /* drop what there is; find the end */
			r->start = r->end = 0;
			scanned = avail = 0;
		}
		if (r->eof) {
			if (avail == 0 && !over)
				return 0;
			n = avail; /* the last line has no newline */
			*line = r->buf + r->start;
			r->start = r->end;
			break;
		}
		rc = fill(r);
		if (rc < 0)
			return rc;
		if (rc == 0)
			r->eof = true;
	}
	r->line++;
	*len = over ? 0 : n;
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

/* key[0..len) as an error message may quote it: control characters and
 * bytes outside ASCII become '?', and it is cut at INTELMQ_KEY_QUOTE
 * bytes with "..." after. */
static void key_quote(const char *key, size_t len, char *out, size_t size)
{
	size_t n = 0;

	for (; n < len && n < INTELMQ_KEY_QUOTE && n + 4 < size; n++) {
		unsigned char c = (unsigned char)key[n];

		out[n] = c < 0x20 || c >= 0x7f ? '?' : (char)c;
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

/* ---- the scanner ---- */

struct scan {
	char *p;	  /* the next byte */
	char *end;	  /* the end of the line */
	const char *line; /* its start, for columns */
};

static int syntax(const struct scan *s, const char *what, struct sk_error *err)
{
	return sk_error_set(err, SK_EINVAL, "invalid JSON at column %zu: %s",
			    (size_t)(s->p - s->line) + 1, what);
}

static void skip_ws(struct scan *s)
{
	while (s->p < s->end &&
	       (*s->p == ' ' || *s->p == '\t' || *s->p == '\r' || *s->p == '\n'))
		s->p++;
}

static int hex4(const char *p)
{
	int v = 0;

	for (int i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/* Write code point cp as UTF-8 at w; returns the bytes written. */
static size_t utf8_put(char *w, uint32_t cp)
{
	if (cp < 0x80) {
		w[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		w[0] = (char)(0xc0 | cp >> 6);
		w[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		w[0] = (char)(0xe0 | cp >> 12);
		w[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		w[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	w[0] = (char)(0xf0 | cp >> 18);
	w[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	w[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	w[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* The escape at p (p[0] == '\\', p < end) unescaped at w; returns the
 * bytes of input it took, or 0 with *why. Never writes past p. */
static size_t unescape(const char *p, const char *end, char *w, size_t *wrote, const char **why)
{
	int cp, lo;

	*why = "invalid escape";
	if (end - p < 2)
		return 0;
	*wrote = 1;
	switch (p[1]) {
	case '"':
	case '\\':
	case '/':
		*w = p[1];
		return 2;
	case 'b':
		*w = '\b';
		return 2;
	case 'f':
		*w = '\f';
		return 2;
	case 'n':
		*w = '\n';
		return 2;
	case 'r':
		*w = '\r';
		return 2;
	case 't':
		*w = '\t';
		return 2;
	case 'u':
		break;
	default:
		return 0;
	}
	if (end - p < 6 || (cp = hex4(p + 2)) < 0)
		return 0;
	if (cp == 0) {
		*why = "\\u0000 is not allowed";
		return 0;
	}
	if (cp >= 0xdc00 && cp <= 0xdfff) {
		*why = "a lone low surrogate";
		return 0;
	}
	if (cp < 0xd800 || cp > 0xdbff) {
		*wrote = utf8_put(w, (uint32_t)cp);
		return 6;
	}
	if (end - p < 12 || p[6] != '\\' || p[7] != 'u' || (lo = hex4(p + 8)) < 0xdc00 ||
	    lo > 0xdfff) {
		*why = "a high surrogate without its low one";
		return 0;
	}
	*wrote =
	    utf8_put(w, 0x10000u + ((uint32_t)(cp - 0xd800) << 10) + (uint32_t)(lo - 0xdc00));
	return 12;
}

/* True if one of the 8 bytes at p is '"', '\\' or a control character:
 * a word at a time, by the "has a zero byte" test. */
static bool word_special(const char *p)
{
	const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
	uint64_t w, q, b;

	memcpy(&w, p, 8);
	q = w ^ (ones * '"');
	b = w ^ (ones * '\\');
	return (((q - ones) & ~q) | ((b - ones) & ~b) | ((w - ones * 0x20) & ~w)) & high;
}

/* The string at s->p (its opening quote), unescaped in place: *out and
 * *len. Raw bytes 0x80 and up are left to event_set's UTF-8 check. */
static int scan_string(struct scan *s, char **out, size_t *len, struct sk_error *err)
{
	char *start = s->p + 1, *p = start, *w;
	const char *why;
	size_t took, wrote;

	while (s->end - p >= 8 && !word_special(p))
		p += 8;
	while (p < s->end && *p != '"' && *p != '\\' && (unsigned char)*p >= 0x20)
		p++;
	w = p;
	while (p < s->end) {
		unsigned char c = (unsigned char)*p;

		if (c == '"') {
			*out = start;
			*len = (size_t)(w - start);
			s->p = p + 1;
			return 0;
		}
		if (c < 0x20) {
			s->p = p;
			return syntax(s, "a control character in a string", err);
		}
		if (c != '\\') {
			*w++ = *p++;
			continue;
		}
		took = unescape(p, s->end, w, &wrote, &why);
		if (took == 0) {
			s->p = p;
			return syntax(s, why, err);
		}
		p += took;
		w += wrote;
	}
	s->p = p;
	return syntax(s, "a string without its closing quote", err);
}

/* The number at s->p as jansson would read and write it back: an
 * integer (no fraction or exponent) within 64 bits as decimal, a real as
 * real_format() writes it. Into num (INTELMQ_NUMBER_MAX + 1 bytes). */
static int scan_number(struct scan *s, char *num, size_t *len, struct sk_error *err)
{
	char *p = s->p, *start = p;
	bool integral = true, neg = false;
	uint64_t v = 0, limit;
	size_t n;

	if (p < s->end && *p == '-') {
		neg = true;
		p++;
	}
	if (p >= s->end || *p < '0' || *p > '9') {
		s->p = p;
		return syntax(s, "a value expected", err);
	}
	if (*p == '0') {
		p++;
	} else {
		limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
		while (p < s->end && *p >= '0' && *p <= '9') {
			unsigned d = (unsigned)(*p - '0');

			if (v > (limit - d) / 10)
				v = UINT64_MAX; /* too big, if it stays an integer */
			else
				v = v * 10 + d;
			p++;
		}
	}
	if (p < s->end && *p == '.') {
		integral = false;
		if (++p >= s->end || *p < '0' || *p > '9') {
			s->p = p;
			return syntax(s, "a digit expected after the decimal point", err);
		}
		while (p < s->end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < s->end && (*p == 'e' || *p == 'E')) {
		integral = false;
		p++;
		if (p < s->end && (*p == '+' || *p == '-'))
			p++;
		if (p >= s->end || *p < '0' || *p > '9') {
			s->p = p;
			return syntax(s, "a digit expected in the exponent", err);
		}
		while (p < s->end && *p >= '0' && *p <= '9')
			p++;
	}
	n = (size_t)(p - start);
	if (n > INTELMQ_NUMBER_MAX)
		return syntax(s, "a number too long", err);
	if (integral) {
		char tmp[24];
		size_t k = 0;

		if (v == UINT64_MAX)
			return syntax(s, "an integer out of the 64-bit range", err);
		do
			tmp[k++] = (char)('0' + v % 10);
		while ((v /= 10) > 0);
		n = 0;
		if (neg && !(k == 1 && tmp[0] == '0'))
			num[n++] = '-';
		while (k > 0)
			num[n++] = tmp[--k];
		num[n] = '\0';
	} else {
		char z[INTELMQ_NUMBER_MAX + 1];
		double d;

		memcpy(z, start, n);
		z[n] = '\0';
		errno = 0;
		d = strtod(z, NULL);
		if (!isfinite(d))
			return syntax(s, "a number out of range", err);
		real_format(d, num, INTELMQ_NUMBER_MAX + 1);
		n = strlen(num);
	}
	s->p = p;
	*len = n;
	return 0;
}

/* The extra.* keys of one line, null ones too, to find duplicates. */
struct seen_extras {
	const char *key[INTELMQ_EXTRA_KEYS];
	uint32_t hash[INTELMQ_EXTRA_KEYS];
	uint16_t len[INTELMQ_EXTRA_KEYS];
	size_t n;
	uint64_t known[(EVENT_FIELD_COUNT + 63) / 64]; /* known keys seen */
};

/* FNV-1a. */
static uint32_t hash_key(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

/* Known keys to fields: an open-addressing table over
 * event_field_name(), built once, looked up by the key's bytes and
 * length (the scanner has both at hand) with a hash of its first and
 * last eight bytes: every key costs this, so it is kept short. */
#define KEYS_SIZE 512 /* a power of two, over four times EVENT_FIELD_COUNT */
_Static_assert(EVENT_FIELD_COUNT < KEYS_SIZE / 4, "grow KEYS_SIZE");

static uint8_t keys[KEYS_SIZE]; /* field + 1; 0 is empty */
static uint8_t keys_len[EVENT_FIELD_COUNT];
static pthread_once_t keys_once = PTHREAD_ONCE_INIT;

static uint32_t key_hash(const char *key, size_t n)
{
	uint64_t a = 0, b = 0;

	if (n >= 8) {
		memcpy(&a, key, 8);
		memcpy(&b, key + n - 8, 8);
	} else {
		memcpy(&a, key, n);
	}
	a = (a ^ (b * 0x9e3779b97f4a7c15ull) ^ n) * 0xbf58476d1ce4e5b9ull;
	return (uint32_t)(a >> 40);
}

static void keys_build(void)
{
	for (int f = 0; f < EVENT_FIELD_COUNT; f++) {
		const char *name = event_field_name((enum event_field)f);
		size_t n = strlen(name);
		uint32_t h = key_hash(name, n) & (KEYS_SIZE - 1);

		keys_len[f] = (uint8_t)n;
		while (keys[h] != 0)
			h = (h + 1) & (KEYS_SIZE - 1);
		keys[h] = (uint8_t)(f + 1);
	}
}

/* The field named key[0..klen), or -1. */
static int key_field(const char *key, size_t klen)
{
	uint32_t h = key_hash(key, klen) & (KEYS_SIZE - 1);

	for (; keys[h] != 0; h = (h + 1) & (KEYS_SIZE - 1)) {
		int f = keys[h] - 1;

		if (keys_len[f] == klen &&
		    memcmp(event_field_name((enum event_field)f), key, klen) == 0)
			return f;
	}
	return -1;
}

/* Set key (NUL-terminated, klen bytes) to text[0..len) of JSON type. */
static int set_key(struct event *ev, struct seen_extras *seen, const char *key, size_t klen,
		   enum event_json_type type, const char *text, size_t len,
		   struct sk_error *err)
{
	char quoted[INTELMQ_KEY_QUOTE + 4];
	uint32_t h;
	int f;

	if (klen > 6 && memcmp(key, "extra.", 6) == 0) {
		if (klen > UINT16_MAX) {
			key_quote(key, klen, quoted, sizeof(quoted));
			return sk_error_set(err, SK_EINVAL, "'%s' is too long for a key",
					    quoted);
		}
		h = hash_key(key, klen);
		for (size_t i = 0; i < seen->n; i++) {
			if (seen->hash[i] == h && seen->len[i] == klen &&
			    memcmp(seen->key[i], key, klen) == 0) {
				key_quote(key, klen, quoted, sizeof(quoted));
				return sk_error_set(err, SK_EINVAL, "duplicate key '%s'",
						    quoted);
			}
		}
		if (seen->n == INTELMQ_EXTRA_KEYS)
			return sk_error_set(err, SK_ETOOBIG, "more than %d extra.* keys",
					    INTELMQ_EXTRA_KEYS);
		seen->key[seen->n] = key;
		seen->hash[seen->n] = h;
		seen->len[seen->n++] = (uint16_t)klen;
		if (type == EVENT_JSON_NULL) {
			/* Absent; only its key is checked, as JSON. */
			if (!utf8_valid(key, klen))
				return sk_error_set(err, SK_EINVAL, "a key is not valid UTF-8");
			return 0;
		}
		return event_set_extra_n(ev, key, type, text, len, err);
	}
	f = key_field(key, klen);
	if (f < 0) {
		key_quote(key, klen, quoted, sizeof(quoted));
		return sk_error_set(err, SK_EINVAL, "unknown key '%s'", quoted);
	}
	if (seen->known[f / 64] >> (f % 64) & 1)
		return sk_error_set(err, SK_EINVAL, "duplicate key '%s'", key);
	seen->known[f / 64] |= (uint64_t)1 << (f % 64);
	if (type == EVENT_JSON_NULL)
		return 0; /* absent */
	return event_set_field_n(ev, (enum event_field)f, text, len, err);
}

/* The value at s->p for key (quoted in messages): its JSON type and text
 * (in the line, or in num). */
static int scan_value(struct scan *s, const char *key, size_t klen, char *num,
		      enum event_json_type *type, char **text, size_t *len,
		      struct sk_error *err)
{
	char quoted[INTELMQ_KEY_QUOTE + 4];
	size_t left = (size_t)(s->end - s->p);

	if (left == 0)
		return syntax(s, "a value expected", err);
	switch (*s->p) {
	case '"':
		*type = EVENT_JSON_STRING;
		return scan_string(s, text, len, err);
	case '{':
	case '[':
		key_quote(key, klen, quoted, sizeof(quoted));
		return sk_error_set(err, SK_EINVAL,
				    "%s: nested objects and arrays are not supported", quoted);
	case 't':
		if (left < 4 || memcmp(s->p, "true", 4) != 0)
			break;
		*type = EVENT_JSON_BOOL;
		*text = (char *)"true";
		*len = 4;
		s->p += 4;
		return 0;
	case 'f':
		if (left < 5 || memcmp(s->p, "false", 5) != 0)
			break;
		*type = EVENT_JSON_BOOL;
		*text = (char *)"false";
		*len = 5;
		s->p += 5;
		return 0;
	case 'n':
		if (left < 4 || memcmp(s->p, "null", 4) != 0)
			break;
		*type = EVENT_JSON_NULL;
		*text = NULL;
		*len = 0;
		s->p += 4;
		return 0;
	default:
		*type = EVENT_JSON_NUMBER;
		*text = num;
		return scan_number(s, num, len, err);
	}
	return syntax(s, "a value expected", err);
}

/* Parse line[0..len) (changed in place) into ev (reset). */
static int parse_line(struct event *ev, char *line, size_t len, struct sk_error *err)
{
	struct scan s = {line, line + len, line};
	struct seen_extras seen;
	char num[INTELMQ_NUMBER_MAX + 1];
	enum event_json_type type = EVENT_JSON_NULL;
	char *key, *text = NULL;
	size_t klen, tlen;
	int rc;

	pthread_once(&keys_once, keys_build);
	event_reset(ev);
	seen.n = 0;
	memset(seen.known, 0, sizeof(seen.known));
	skip_ws(&s);
	if (s.p == s.end || *s.p != '{') {
		if (s.p < s.end && *s.p != '\0' && strchr("[\"-0123456789tfn", *s.p) != NULL)
			return sk_error_set(err, SK_EINVAL, "not a JSON object");
		return syntax(&s, "'{' expected", err);
	}
	s.p++;
	skip_ws(&s);
	if (s.p < s.end && *s.p == '}') {
		s.p++;
		goto end;
	}
	for (;;) {
		skip_ws(&s);
		if (s.p == s.end || *s.p != '"')
			return syntax(&s, "a key (a string) expected", err);
		rc = scan_string(&s, &key, &klen, err);
		if (rc != 0)
			return rc;
		skip_ws(&s);
		if (s.p == s.end || *s.p != ':')
			return syntax(&s, "':' expected", err);
		s.p++;
		skip_ws(&s);
		/* The key ends at or before its closing quote, behind s.p now. */
		key[klen] = '\0';
		rc = scan_value(&s, key, klen, num, &type, &text, &tlen, err);
		if (rc != 0)
			return rc;
		rc = set_key(ev, &seen, key, klen, type, text, tlen, err);
		if (rc != 0)
			return rc;
		skip_ws(&s);
		if (s.p < s.end && *s.p == ',') {
			s.p++;
			continue;
		}
		if (s.p < s.end && *s.p == '}') {
			s.p++;
			break;
		}
		return syntax(&s, "',' or '}' expected", err);
	}
end:
	skip_ws(&s);
	if (s.p != s.end)
		return syntax(&s, "the line goes on after the object", err);
	return event_validate(ev, err);
}

/* The next event into ev (which changes even for a bad line). */
static int read_event(struct intelmq_reader *r, struct event *ev, struct sk_error *err)
{
	size_t len = 0;
	bool too_long = false;
	char *line = NULL;
	int rc;

	for (;;) {
		rc = read_line(r, &line, &len, &too_long);
		if (rc == 0)
			return 0;
		if (rc < 0)
			return sk_error_set(err, rc, "%s:%lu: read error", r->name,
					    r->line + 1);
		if (too_long)
			return sk_error_set(err, SK_EINVAL, "%s:%lu: line longer than %d bytes",
					    r->name, r->line, INTELMQ_LINE_MAX);
		if (!line_is_blank(line, len))
			break;
	}
	rc = parse_line(ev, line, len, err);
	if (rc != 0) {
		/* A line over an event limit is a bad line like any other. */
		sk_error_prefix(err, "%s:%lu", r->name, r->line);
		if (err != NULL)
			err->code = SK_EINVAL;
		return SK_EINVAL;
	}
	return 1;
}

/* r borrowed; ev is the caller's, written only when 1 is returned. */
int intelmq_read(struct intelmq_reader *r, struct event *ev, struct sk_error *err)
{
	int rc = read_event(r, &r->ev, err);

	if (rc == 1)
		event_copy(ev, &r->ev);
	return rc;
}

/* r borrowed; ev is the caller's scratch. */
int intelmq_read_into(struct intelmq_reader *r, struct event *ev, struct sk_error *err)
{
	return read_event(r, ev, err);
}

/* line borrowed, copied: the scanner changes what it reads. */
int intelmq_parse(const char *line, size_t len, struct event *ev, struct sk_error *err)
{
	char *copy;
	int rc;

	if (len > INTELMQ_STORED_MAX)
		return sk_error_set(err, SK_EINVAL, "line longer than %d bytes",
				    INTELMQ_STORED_MAX);
	copy = xmalloc(len + 1);
	memcpy(copy, line, len);
	copy[len] = '\0';
	rc = parse_line(ev, copy, len, err);
	free(copy);
	return rc == 0 ? 0 : SK_EINVAL;
}
