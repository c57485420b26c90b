/* feed/csv.c: CSV read from a fixed window over the input, field by
 * field as Python's csv module reads it with IntelMQ's settings (dialect
 * "unix", not strict): a field starting with a quote is quoted up to the
 * next single quote, "" inside it being one quote; whatever follows a
 * closing quote up to the delimiter or the line end is text of the same
 * field; a quote inside an unquoted field is text; LF, CRLF and a lone CR
 * end a line (inside quotes they are text); a quoted field still open at
 * the end of the input ends there. A record is parsed from the window
 * into an output buffer of fields; when the window ends inside a record,
 * the record is moved to the front, more input is read and the record is
 * parsed again from its start.
 *
 * Parses outside input. Limits: CSV_RECORD_MAX bytes in a record (not
 * counting its line end) and CSV_COLUMNS_MAX fields. A record over a
 * limit is an error for that record: it is skipped to its end without
 * being buffered (quotes are followed, so a line break inside quotes does
 * not end it) and reading goes on.
 *
 * SECURITY: all buffers are allocated once, at their cap; nothing grows
 * with the input. */
#include "feed/csv.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "lib/xalloc.h"
#include "model/event.h"

/* The window holds a whole record of the largest size with room to spare,
 * so a record cut by the window's end fits once moved to the front. */
#define WINDOW_SIZE (256 * 1024)
/* A record's bytes with a CRLF. */
#define RECORD_SPAN (CSV_RECORD_MAX + 2)

_Static_assert(WINDOW_SIZE > 2 * RECORD_SPAN, "the window must hold a record");

enum parse_result {
	P_DONE, /* a record */
	P_MORE, /* the window ends inside the record */
	P_LONG, /* over CSV_RECORD_MAX */
	P_WIDE, /* over CSV_COLUMNS_MAX */
};

struct csv_reader {
	FILE *in;	  /* borrowed */
	const char *name; /* borrowed */
	char delim, comment;
	bool intelmq; /* csv_options.intelmq */
	bool eof, started, lead;
	/* With intelmq, the white space IntelMQ strips is what comes before
	 * the first NUL byte and after the last one it dropped: window
	 * indexes of where the first (SIZE_MAX: none yet) and the last were */
	size_t first_nul, last_nul;
	unsigned long line; /* lines consumed before win[start] */
	char *win;	    /* WINDOW_SIZE bytes */
	size_t start, end;  /* unread bytes: win[start..end) */
	char *out;	    /* field text, each with a NUL */
	struct csv_field fields[CSV_COLUMNS_MAX];
	uint8_t special[256]; /* bytes that end an unquoted run */
};

struct csv_reader *csv_reader_new(FILE *in, const char *name, const struct csv_options *opt)
{
	struct csv_reader *r = xcalloc(1, sizeof(*r));

	r->in = in;
	r->name = name;
	r->delim = opt != NULL && opt->delimiter != 0 ? opt->delimiter : ',';
	r->comment = opt != NULL ? opt->comment : 0;
	r->intelmq = opt != NULL && opt->intelmq;
	r->first_nul = SIZE_MAX;
	r->win = xmalloc(WINDOW_SIZE);
	r->out = xmalloc(RECORD_SPAN + CSV_COLUMNS_MAX + 1);
	r->special[(unsigned char)r->delim] = 1;
	r->special['\n'] = 1;
	r->special['\r'] = 1;
	return r;
}

void csv_reader_free(struct csv_reader *r)
{
	if (r == NULL)
		return;
	free(r->win);
	free(r->out);
	free(r);
}

unsigned long csv_lines(const struct csv_reader *r)
{
	return r->line;
}

/* White space as Python's str.strip() sees it, in ASCII. */
static bool is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

/* Remove the NUL bytes of the n bytes just read at win[end], as IntelMQ
 * does before reading a report, noting where they were; returns the
 * bytes left. */
static size_t drop_nul(struct csv_reader *r, size_t n)
{
	char *s = r->win + r->end, *z = memchr(s, '\0', n), *o;

	if (z == NULL)
		return n;
	o = z;
	for (const char *p = z; p < s + n; p++) {
		if (*p != '\0') {
			*o++ = *p;
			continue;
		}
		if (r->first_nul == SIZE_MAX)
			r->first_nul = (size_t)(o - r->win);
		r->last_nul = (size_t)(o - r->win);
	}
	return (size_t)(o - s);
}

/* Move the unread bytes to the front and read more after them. Returns 0
 * (r->eof set at the end of input) or SK_EIO. */
static int fill(struct csv_reader *r)
{
	size_t n;

	if (r->start > 0) {
		memmove(r->win, r->win + r->start, r->end - r->start);
		r->end -= r->start;
		if (r->first_nul != SIZE_MAX)
			r->first_nul = r->first_nul > r->start ? r->first_nul - r->start : 0;
		r->last_nul = r->last_nul > r->start ? r->last_nul - r->start : 0;
		r->start = 0;
	}
	if (r->end == WINDOW_SIZE)
		return 0;
	n = fread(r->win + r->end, 1, WINDOW_SIZE - r->end, r->in);
	if (r->intelmq)
		n = drop_nul(r, n);
	r->end += n;
	if (n == 0) {
		if (ferror(r->in))
			return SK_EIO;
		r->eof = true;
		/* IntelMQ strips the white space around the report */
		while (r->intelmq && r->end > r->start && r->end > r->last_nul &&
		       is_space(r->win[r->end - 1]))
			r->end--;
	}
	return 0;
}

/* Line ends in s[0..n), the text of a record, where they can only be
 * inside quotes: LF, CRLF or a lone CR (one as the last byte is in a
 * quoted field open at the end of the input). */
static size_t count_line_ends(const char *s, size_t n)
{
	const char *p = s, *end = s + n;
	size_t c = 0;

	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		c++;
		p++;
	}
	/* a CR counts where no LF follows */
	for (p = s; (p = memchr(p, '\r', (size_t)(end - p))) != NULL; p++)
		if (p + 1 == end || p[1] != '\n')
			c++;
	return c;
}

/* Only white space from p[i] to the end of the window, which could take
 * more input: the record before it may be the last one, whose trailing
 * white space IntelMQ strips, so the reader must see whether the input
 * ends there. */
static bool trailing_space(const struct csv_reader *r, const char *p, size_t i, size_t n)
{
	if (!r->intelmq || r->eof || n >= WINDOW_SIZE)
		return false;
	while (i < n && is_space(p[i]))
		i++;
	return i == n;
}

/* Parse one record from p[0..n) (the window from the record's start) into
 * r->out and r->fields. On P_DONE, *used is the bytes taken with the line
 * end, *text_len those before it, *nfields the fields, *newlines the line
 * ends taken. */
static enum parse_result parse_record(struct csv_reader *r, const char *p, size_t n,
				      size_t *used, size_t *text_len, size_t *nfields,
				      size_t *newlines)
{
	const size_t lim = n < RECORD_SPAN ? n : RECORD_SPAN;
	const char delim = r->delim;
	const uint8_t *special = r->special;
	char *out = r->out;
	size_t i = 0, o = 0, nf = 0, nl = 0, end_of_text, s;
	bool quoted = false;

	for (;;) {
		size_t f0 = o;

		if (nf == CSV_COLUMNS_MAX)
			return P_WIDE;
		if (i < lim && p[i] == '"') {
			quoted = true;
			i++;
			for (;;) {
				const char *q = memchr(p + i, '"', lim - i);
				size_t run = q ? (size_t)(q - (p + i)) : lim - i;

				memcpy(out + o, p + i, run);
				o += run;
				i += run;
				if (q == NULL) {
					if (lim < n)
						return P_LONG;
					if (!r->eof)
						return P_MORE;
					/* still open at the end of the input: the
					 * field ends there, as in Python */
					break;
				}
				if (i + 1 >= lim) {
					if (lim < n)
						return P_LONG;
					if (!r->eof)
						return P_MORE;
					i++; /* closing quote at the end of input */
					break;
				}
				if (p[i + 1] == '"') {
					out[o++] = '"';
					i += 2;
					continue;
				}
				i++; /* the closing quote */
				break;
			}
		}
		/* unquoted text, or what follows a closing quote */
		s = i;
		while (i < lim && !special[(unsigned char)p[i]])
			i++;
		if (i > s) {
			memcpy(out + o, p + s, i - s);
			o += i - s;
		}
		r->fields[nf].text = out + f0;
		r->fields[nf].len = o - f0;
		out[o++] = '\0';
		nf++;
		if (i == lim) {
			if (lim < n)
				return P_LONG;
			if (!r->eof)
				return P_MORE;
			end_of_text = i;
			break;
		}
		if (p[i] == delim) {
			i++;
			continue;
		}
		end_of_text = i;
		if (p[i] == '\r') {
			if (i + 1 == n && !r->eof)
				return P_MORE; /* is it a CRLF? */
			if (i + 1 < n && p[i + 1] == '\n')
				i++;
		}
		i++;
		nl++;
		if (trailing_space(r, p, i, n))
			return P_MORE;
		break;
	}
	if (end_of_text > CSV_RECORD_MAX)
		return P_LONG;
	/* the line ends inside quotes, counted once for the record */
	if (quoted)
		nl += count_line_ends(p, end_of_text);
	*used = i;
	*text_len = end_of_text;
	*nfields = nf;
	*newlines = nl;
	return P_DONE;
}

/* The byte at win[start], reading on as needed; -1 at the end of the
 * input, -2 on a read error. */
static int peek(struct csv_reader *r)
{
	while (r->start == r->end) {
		if (r->eof)
			return -1;
		if (fill(r) != 0)
			return -2;
	}
	return (unsigned char)r->win[r->start];
}

/* Skip the record at win[start] to its end, reading on as needed and
 * following quotes as the parser does. Returns 0 or SK_EIO. */
static int skip_record(struct csv_reader *r)
{
	enum { FIELD_START, UNQUOTED, QUOTED, QUOTE_IN_QUOTED } st = FIELD_START;
	bool any = false;
	int c;

	for (;;) {
		c = peek(r);
		if (c == -2)
			return SK_EIO;
		if (c == -1) {
			if (any)
				r->line++; /* a last line without a line end */
			return 0;
		}
		r->start++;
		any = true;
		if (c == '\n' || c == '\r') {
			int next = c == '\r' ? peek(r) : 0;

			if (next == -2)
				return SK_EIO;
			if (next == '\n' && st == QUOTED)
				continue; /* counted with the LF */
			r->line++;
			any = false;
			if (st == QUOTED)
				continue;
			if (next == '\n')
				r->start++;
			return 0;
		}
		switch (st) {
		case FIELD_START:
			st = c == '"' ? QUOTED : c == r->delim ? FIELD_START : UNQUOTED;
			break;
		case UNQUOTED:
			if (c == r->delim)
				st = FIELD_START;
			break;
		case QUOTED:
			if (c == '"')
				st = QUOTE_IN_QUOTED;
			break;
		case QUOTE_IN_QUOTED:
			st = c == '"' ? QUOTED : c == r->delim ? FIELD_START : UNQUOTED;
			break;
		}
	}
}

/* Skip to the end of the current line. Returns 0 or SK_EIO. */
static int skip_line(struct csv_reader *r)
{
	for (;;) {
		const char *nl = memchr(r->win + r->start, '\n', r->end - r->start);

		if (nl != NULL) {
			r->start = (size_t)(nl - r->win) + 1;
			r->line++;
			return 0;
		}
		r->start = r->end;
		if (r->eof) {
			r->line++;
			return 0;
		}
		if (fill(r) != 0)
			return SK_EIO;
	}
}

static int read_error(struct csv_reader *r, struct sk_error *err)
{
	return sk_error_set(err, SK_EIO, "%s:%lu: read error", r->name, r->line + 1);
}

int csv_read(struct csv_reader *r, struct csv_record *rec, struct sk_error *err)
{
	enum parse_result pr;
	size_t used = 0, text_len = 0, nf = 0, nl = 0;
	unsigned long line;
	const char *p;
	size_t n;
	int rc;

	for (;;) {
		n = r->end - r->start;
		/* Enough bytes to see a BOM or a CRLF; a record asks for more
		 * when it needs them. fread gives 0 bytes only at the end. */
		if (n < 3 && !r->eof) {
			if (fill(r) != 0)
				return read_error(r, err);
			continue;
		}
		if (!r->started) {
			r->started = true;
			r->lead = r->intelmq;
			if (n >= 3 && memcmp(r->win + r->start, "\xef\xbb\xbf", 3) == 0) {
				r->start += 3;
				n -= 3;
				r->lead = false; /* the BOM is no white space */
			}
		}
		if (n == 0)
			return 0; /* at the end of input */
		p = r->win + r->start;
		if (r->lead && r->start >= r->first_nul)
			r->lead = false; /* a NUL byte was here */
		/* a line end alone: a blank line (LF, CRLF or CR) */
		if (p[0] == '\n' || p[0] == '\r') {
			r->start += p[0] == '\r' && n >= 2 && p[1] == '\n' ? 2 : 1;
			r->line++;
			continue;
		}
		/* IntelMQ strips the white space before the report */
		if (r->lead && is_space(p[0])) {
			r->start++;
			continue;
		}
		r->lead = false;
		if (r->comment != 0 && p[0] == r->comment) {
			if (skip_line(r) != 0)
				return read_error(r, err);
			continue;
		}
		pr = parse_record(r, p, n, &used, &text_len, &nf, &nl);
		if (pr == P_MORE) {
			if (fill(r) != 0)
				return read_error(r, err);
			continue;
		}
		break;
	}
	line = r->line + 1;
	if (pr == P_DONE) {
		r->start += used;
		r->line += nl;
		if (r->start == r->end && r->eof &&
		    (used == 0 || (p[used - 1] != '\n' && p[used - 1] != '\r')))
			r->line++; /* a last line without a line end */
		rec->fields = r->fields;
		rec->n = nf;
		rec->line = line;
		rec->text = p;
		rec->len = text_len;
		rec->end_len = used - text_len;
		return 1;
	}
	rc = skip_record(r);
	if (rc != 0)
		return read_error(r, err);
	switch (pr) {
	case P_LONG:
		return sk_error_set(err, SK_ETOOBIG, "%s:%lu: record longer than %d bytes",
				    r->name, line, CSV_RECORD_MAX);
	default:
		return sk_error_set(err, SK_ETOOBIG, "%s:%lu: more than %d fields", r->name,
				    line, CSV_COLUMNS_MAX);
	}
}

/* Append text[0..len) quoted, quotes doubled. */
static int quote_field(struct buf *out, const char *text, size_t len)
{
	const char *q;

	if (buf_append_char(out, '"') != 0)
		return SK_ETOOBIG;
	while ((q = memchr(text, '"', len)) != NULL) {
		size_t run = (size_t)(q - text) + 1;

		if (buf_append(out, text, run) != 0 || buf_append_char(out, '"') != 0)
			return SK_ETOOBIG;
		text += run;
		len -= run;
	}
	if (buf_append(out, text, len) != 0 || buf_append_char(out, '"') != 0)
		return SK_ETOOBIG;
	return 0;
}

int csv_join(struct buf *out, const struct csv_field *fields, size_t n)
{
	size_t start = out->len;

	for (size_t i = 0; i < n; i++) {
		if ((i > 0 && buf_append_char(out, ',') != 0) ||
		    quote_field(out, fields[i].text, fields[i].len) != 0)
			goto too_big;
	}
	if (buf_append_char(out, '\n') != 0)
		goto too_big;
	return 0;
too_big:
	out->len = start;
	if (out->data != NULL)
		out->data[start] = '\0';
	return SK_ETOOBIG;
}

char *csv_extra_name(const char *name, size_t len, bool dots)
{
	char out[EVENT_EXTRA_KEY_MAX + 1];
	size_t o = 6;

	memcpy(out, "extra.", 6);
	for (size_t i = 0; i < len; i++) {
		char c = name[i];

		if (o >= EVENT_EXTRA_KEY_MAX)
			return NULL;
		if (c >= 'A' && c <= 'Z')
			out[o++] = (char)(c - 'A' + 'a');
		else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')
			out[o++] = c;
		else if (c == '.' && dots) {
			if (out[o - 1] != '.')
				out[o++] = '.';
		} else
			out[o++] = '_';
	}
	while (o > 6 && out[o - 1] == '.')
		o--;
	if (o == 6)
		return NULL;
	return xstrndup(out, o);
}

const struct csv_record *csv_pad(const struct csv_record *rec, size_t n, struct csv_field *pad,
				 struct csv_record *out)
{
	memcpy(pad, rec->fields, rec->n * sizeof(*pad));
	for (size_t i = rec->n; i < n; i++) {
		pad[i].text = "";
		pad[i].len = 0;
	}
	*out = *rec;
	out->fields = pad;
	out->n = n;
	return out;
}
