/* mail/mimescan.c: the first pass over a received mail (see mimescan.h).
 * It reads line by line, as GMime's parser does: a header block runs to
 * its empty line; a Content-Type field that names a multipart adds its
 * boundary once the block ends; a line "--boundary" of any open
 * multipart starts a new header block (a part), "--boundary--" ends
 * that multipart. Where GMime might see structure the scan does not (a
 * line GMime takes for the end of a header), the scan counts the line as
 * a header field instead, so GMime never builds more than the scan
 * counted. */
#include "mail/mimescan.h"

#include <gmime/gmime.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/xalloc.h"

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;

static void gmime_start(void)
{
	g_mime_init();
}

/* An open multipart: its boundary, the depth of its parts, and whether a
 * part without a Content-Type is an attached mail (multipart/digest). */
struct level {
	char *boundary;
	size_t len;
	int64_t depth;
	bool digest;
};

struct scan {
	const char *raw;
	size_t len;
	const struct mimescan_limits *lim;
	struct mimescan *out;
	struct level *stack; /* at most lim->depth */
	size_t n;
	/* The header block being read. */
	bool in_header, top;
	int64_t depth;		     /* of the part whose header it is */
	bool digest_child;	     /* no Content-Type means message/rfc822 */
	bool message;		     /* the block's Content-Type names an attached mail */
	bool encoding_seen, encoded; /* its Content-Transfer-Encoding: base64, ... */
	struct level *pending;	     /* boundaries its Content-Type fields declare */
	size_t n_pending;
	size_t field, field_len; /* the field being read; field_len 0: none */
};

/* Which limit the mail is over: "too many MIME parts (over 1000)". */
static void over(struct scan *s, const char *what, int64_t limit, const char *unit)
{
	snprintf(s->out->over, sizeof(s->out->over), "%s (over %lld%s)", what, (long long)limit,
		 unit);
}

/* Whether the field f[0..len) is called name (blanks before its colon
 * allowed); its unfolded value in *value (caller frees) if so. */
static bool field_is(const char *f, size_t len, const char *name, char **value)
{
	const char *colon = memchr(f, ':', len);
	size_t n = 0, k;
	char *v;

	if (colon == NULL)
		return false;
	for (k = (size_t)(colon - f); k > 0 && (f[k - 1] == ' ' || f[k - 1] == '\t'); k--)
		;
	if (k != strlen(name) || strncasecmp(f, name, k) != 0)
		return false;
	v = xmalloc(len + 1);
	/* GMime reads a value as a C string: up to a NUL byte. */
	for (const char *p = colon + 1; p < f + len && *p != '\0'; p++)
		if (*p != '\r' && *p != '\n')
			v[n++] = *p;
	v[n] = '\0';
	*value = v;
	return true;
}

/* Read the field raw[at..at+len) for what GMime builds from it: the last
 * Content-Type of a block (a multipart's boundary, an attached mail), the
 * first Content-Transfer-Encoding (an attached mail in base64 or
 * quoted-printable is not read as one). Returns false when it opens one
 * level too many. */
static bool field_read(struct scan *s, size_t at, size_t len)
{
	GMimeContentEncoding enc;
	GMimeContentType *ct;
	const char *boundary, *sub;
	char *value = NULL;
	bool ok = true;

	if (!s->encoding_seen &&
	    field_is(s->raw + at, len, "Content-Transfer-Encoding", &value)) {
		s->encoding_seen = true;
		enc = g_mime_content_encoding_from_string(value);
		s->encoded = enc == GMIME_CONTENT_ENCODING_BASE64 ||
			     enc == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE ||
			     enc == GMIME_CONTENT_ENCODING_UUENCODE;
		free(value);
		return true;
	}
	if (!field_is(s->raw + at, len, "Content-Type", &value))
		return true;
	ct = g_mime_content_type_parse(NULL, value);
	free(value);
	if (ct == NULL)
		return true;
	for (size_t i = 0; i < s->n_pending; i++)
		free(s->pending[i].boundary);
	s->n_pending = 0;
	sub = g_mime_content_type_get_media_subtype(ct);
	s->message = g_mime_content_type_is_type(ct, "message", "*") && sub != NULL &&
		     (strcasecmp(sub, "rfc822") == 0 || strcasecmp(sub, "rfc2822") == 0 ||
		      strcasecmp(sub, "global") == 0 || strcasecmp(sub, "news") == 0);
	boundary = g_mime_content_type_get_parameter(ct, "boundary");
	/* An empty boundary ("") is one: "--" alone then opens a part. */
	if (g_mime_content_type_is_type(ct, "multipart", "*") && boundary != NULL) {
		if (s->n + s->n_pending >= (size_t)s->lim->depth) {
			ok = false;
		} else {
			struct level *l = &s->pending[s->n_pending++];

			l->boundary = xstrdup(boundary);
			l->len = strlen(boundary);
			l->digest = g_mime_content_type_is_type(ct, "multipart", "digest");
		}
	}
	g_object_unref(ct);
	return ok;
}

/* The field being read is complete; false when it breaks a limit. */
static bool field_end(struct scan *s)
{
	bool ok = true;

	if (s->field_len > 0)
		ok = field_read(s, s->field, s->field_len);
	if (!ok)
		over(s, "MIME parts nested too deep", s->lim->depth, "");
	else if (s->top && s->field_len > 0)
		s->out->header_ok = s->field + s->field_len;
	s->field_len = 0;
	return ok;
}

/* A header block starts, of a part at depth. */
static bool block_start(struct scan *s, int64_t depth, bool digest_child)
{
	if (++s->out->parts > s->lim->parts) {
		over(s, "too many MIME parts", s->lim->parts, "");
		return false;
	}
	if (depth > s->out->depth)
		s->out->depth = depth;
	if (depth > s->lim->depth) {
		over(s, "MIME parts nested too deep", s->lim->depth, "");
		return false;
	}
	s->in_header = true;
	s->depth = depth;
	s->digest_child = digest_child;
	s->message = s->encoding_seen = s->encoded = false;
	s->field_len = 0;
	return true;
}

/* The multiparts the block declared are open: their boundaries count. */
static void pending_open(struct scan *s)
{
	for (size_t i = 0; i < s->n_pending; i++) {
		s->pending[i].depth = s->depth + 1;
		s->stack[s->n++] = s->pending[i];
	}
	s->n_pending = 0;
}

/* The header block ends at its empty line (next: the offset after it). */
static bool block_end(struct scan *s, size_t next)
{
	bool message;

	if (!field_end(s))
		return false;
	/* In a digest, a part is a mail unless its Content-Type (which GMime
	 * may fail to read) says otherwise: counted as one whatever it says
	 * but multipart. */
	message = (s->message || (s->digest_child && s->n_pending == 0)) && !s->encoded;
	if (s->top) {
		s->out->header_ok = next;
		s->top = false;
	}
	s->in_header = false;
	pending_open(s);
	/* An attached mail: its own header follows. */
	return message ? block_start(s, s->depth + 1, false) : true;
}

/* Close the multiparts whose parts are deeper than depth. */
static void pop_deeper(struct scan *s, int64_t depth)
{
	while (s->n > 0 && s->stack[s->n - 1].depth > depth)
		free(s->stack[--s->n].boundary);
}

/* Whether line[at..n) holds only spaces and tabs. */
static bool blank_rest(const char *line, size_t at, size_t n)
{
	for (; at < n; at++)
		if (line[at] != ' ' && line[at] != '\t' && line[at] != '\r')
			return false;
	return true;
}

/* Whether line[0..n) is "--boundary" of an open multipart, the
 * innermost first, as GMime reads it (optional blanks after it): its
 * level in *k, and in *end whether it is the closing "--boundary--". */
static bool boundary_line(const struct scan *s, const char *line, size_t n, size_t *k,
			  bool *end)
{
	if (n < 2 || line[0] != '-' || line[1] != '-')
		return false;
	for (size_t i = s->n; i-- > 0;) {
		const struct level *l = &s->stack[i];
		size_t after = 2 + l->len;

		if (n < after || memcmp(line + 2, l->boundary, l->len) != 0)
			continue;
		if (n >= after + 2 && line[after] == '-' && line[after + 1] == '-' &&
		    blank_rest(line, after + 2, n)) {
			*k = i;
			*end = true;
			return true;
		}
		if (blank_rest(line, after, n)) {
			*k = i;
			*end = false;
			return true;
		}
	}
	return false;
}

/* One line raw[at..at+n) without its line break; next is where the
 * following line starts. False once a limit is broken. */
static bool line_seen(struct scan *s, size_t at, size_t n, size_t next)
{
	const char *line = s->raw + at;
	size_t k;
	bool end;

	if (boundary_line(s, line, n, &k, &end)) {
		int64_t depth;
		bool digest;

		/* The line ends the header too: the part is built as its
		 * Content-Type says, and the line read again as its content. */
		while (s->in_header)
			if (!block_end(s, at))
				return false;
		boundary_line(s, line, n, &k, &end);
		depth = s->stack[k].depth;
		digest = s->stack[k].digest;
		/* A part of level k ends the parts nested in it; "--b--" ends
		 * level k itself (a block that declared two boundaries keeps the
		 * other open). */
		pop_deeper(s, depth);
		if (end && k == s->n - 1)
			free(s->stack[--s->n].boundary);
		return end ? true : block_start(s, depth, digest);
	}
	if (!s->in_header)
		return true;
	if (n == 0)
		return block_end(s, next);
	if ((line[0] == ' ' || line[0] == '\t') && s->field_len > 0) {
		s->field_len = next - s->field;
	} else {
		if (!field_end(s))
			return false;
		if (++s->out->headers > s->lim->headers) {
			over(s, "too many header fields", s->lim->headers, "");
			return false;
		}
		s->field = at;
		s->field_len = next - at;
	}
	if ((int64_t)s->field_len > s->lim->header_length) {
		over(s, "a header field too long", s->lim->header_length, " bytes");
		return false;
	}
	return true;
}

/* Where the top-level header of raw[0..len) ends: after its empty line,
 * or len. */
static size_t body_start(const char *raw, size_t len)
{
	for (size_t at = 0; at < len;) {
		const char *nl = memchr(raw + at, '\n', len - at);
		size_t n = nl != NULL ? (size_t)(nl - raw) - at : len - at;

		if (n == 0 || (n == 1 && raw[at] == '\r'))
			return nl != NULL ? at + n + 1 : len;
		if (nl == NULL)
			break;
		at += n + 1;
	}
	return len;
}

void mimescan_run(const void *raw, size_t len, const struct mimescan_limits *lim,
		  struct mimescan *out)
{
	struct scan s = {.raw = raw, .len = len, .lim = lim, .out = out, .top = true};
	bool ok;

	pthread_once(&gmime_once, gmime_start);
	memset(out, 0, sizeof(*out));
	out->body = body_start(raw, len);
	s.stack = xcalloc((size_t)lim->depth, sizeof(*s.stack));
	s.pending = xcalloc((size_t)lim->depth, sizeof(*s.pending));
	ok = block_start(&s, 1, false);
	for (size_t at = 0; ok && at < len;) {
		const char *nl = memchr(s.raw + at, '\n', len - at);
		size_t next = nl != NULL ? (size_t)(nl - s.raw) + 1 : len;
		size_t n = next - at - (nl != NULL);

		if (n > 0 && s.raw[at + n - 1] == '\r')
			n--;
		ok = line_seen(&s, at, n, next);
		at = next;
	}
	if (ok && s.in_header)
		ok = field_end(&s);
	if (ok && s.top)
		out->header_ok = len;
	pop_deeper(&s, 0);
	for (size_t i = 0; i < s.n_pending; i++)
		free(s.pending[i].boundary);
	free(s.stack);
	free(s.pending);
}
