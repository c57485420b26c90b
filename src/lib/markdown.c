/* lib/markdown.c: Markdown to HTML (see markdown.h). Blocks are read a
 * line at a time; inline markup is rendered by a recursive descent with
 * a depth limit, and a delimiter whose closer was once not found is not
 * searched again in the same span, so the work stays near linear.
 * SECURITY: the only tags written are the fixed ones below; text and
 * link targets are escaped, and a link whose scheme is not http, https
 * or mailto is written as its text alone. */
#include "lib/markdown.h"

#include <stdbool.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/error.h"

#define INLINE_DEPTH_MAX 8

int markdown_escape(struct buf *out, const char *s, size_t len)
{
	size_t start = 0;
	int rc = 0;

	for (size_t i = 0; i < len && rc == 0; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *rep = NULL;

		switch (c) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
				rep = "";
		}
		if (rep == NULL)
			continue;
		if (i > start)
			rc = buf_append(out, s + start, i - start);
		if (rc == 0)
			rc = buf_append_str(out, rep);
		start = i + 1;
	}
	if (rc == 0 && len > start)
		rc = buf_append(out, s + start, len - start);
	return rc;
}

/* Delimiters known to have no closer in the current span. */
enum {
	MISS_STAR = 1,
	MISS_STAR2 = 2,
	MISS_UNDER = 4,
	MISS_UNDER2 = 8,
	MISS_TICK = 16,
	MISS_TICK2 = 32,
	MISS_LINK = 64
};

static bool is_word(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c >= 0x80;
}

/* The first i in [from, end) where s[i..] starts with d (dlen bytes),
 * or end. For "_", only a closer not followed by a word character. */
static size_t find(const char *s, size_t from, size_t end, const char *d, size_t dlen)
{
	for (size_t i = from; i + dlen <= end; i++)
		if (memcmp(s + i, d, dlen) == 0 &&
		    (d[0] != '_' || i + dlen == end || !is_word((unsigned char)s[i + dlen])) &&
		    (dlen > 1 || (d[0] != '*' && d[0] != '_') ||
		     ((i + 1 == end || s[i + 1] != d[0]) && (i == from || s[i - 1] != d[0]))))
			return i;
	return end;
}

static bool safe_url(const char *u, size_t n)
{
	static const char *const ok[] = {"http://", "https://", "mailto:"};

	for (size_t k = 0; k < sizeof(ok) / sizeof(ok[0]); k++) {
		size_t m = strlen(ok[k]);

		if (n <= m)
			continue;
		bool same = true;
		for (size_t i = 0; i < m && same; i++) {
			char c = u[i];
			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			same = c == ok[k][i];
		}
		if (same)
			return true;
	}
	return false;
}

static int inline_span(struct buf *out, const char *s, size_t start, size_t end, int depth,
		       bool in_link, unsigned miss);

/* Wrap s[from, to) in <tag> rendered inline. */
static int wrap(struct buf *out, const char *tag, const char *s, size_t from, size_t to,
		int depth, bool in_link, unsigned miss)
{
	int rc = buf_printf(out, "<%s>", tag);

	if (rc == 0)
		rc = inline_span(out, s, from, to, depth + 1, in_link, miss);
	if (rc == 0)
		rc = buf_printf(out, "</%s>", tag);
	return rc;
}

/* A link "[text](url)" at s[i]: *used is how many bytes it took, 0 if
 * none is there. */
static int link(struct buf *out, const char *s, size_t i, size_t end, int depth, unsigned *miss,
		size_t *used)
{
	size_t close = find(s, i + 1, end, "]", 1), paren, stop;
	int rc;

	*used = 0;
	if (close == end || close + 1 >= end || s[close + 1] != '(') {
		if (close == end)
			*miss |= MISS_LINK;
		return 0;
	}
	paren = close + 2;
	stop = find(s, paren, end, ")", 1);
	if (stop == end)
		return 0;
	for (size_t k = paren; k < stop; k++)
		if (s[k] == ' ' || s[k] == '\n' || s[k] == '\t')
			return 0;
	*used = stop + 1 - i;
	if (!safe_url(s + paren, stop - paren))
		return inline_span(out, s, i + 1, close, depth + 1, true, *miss);
	rc = buf_append_str(out, "<a href=\"");
	if (rc == 0)
		rc = markdown_escape(out, s + paren, stop - paren);
	if (rc == 0)
		rc = buf_append_str(out, "\" rel=\"nofollow noopener\">");
	if (rc == 0)
		rc = inline_span(out, s, i + 1, close, depth + 1, true, *miss);
	if (rc == 0)
		rc = buf_append_str(out, "</a>");
	return rc;
}

/* Emphasis or a code span opening with delimiter d at s[i]. */
static int delimited(struct buf *out, const char *s, size_t i, size_t end, int depth,
		     bool in_link, unsigned *miss, size_t *used)
{
	static const struct {
		const char *d;
		const char *tag;
		unsigned bit;
	} kinds[] = {
	    {"``", "code", MISS_TICK2},	  {"`", "code", MISS_TICK},
	    {"**", "strong", MISS_STAR2}, {"__", "strong", MISS_UNDER2},
	    {"*", "em", MISS_STAR},	  {"_", "em", MISS_UNDER},
	};

	*used = 0;
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		size_t dl = strlen(kinds[k].d), close;

		if (i + dl > end || memcmp(s + i, kinds[k].d, dl) != 0)
			continue;
		if ((*miss & kinds[k].bit) ||
		    (s[i] == '_' && i > 0 && is_word((unsigned char)s[i - 1])))
			return 0;
		close = find(s, i + dl, end, kinds[k].d, dl);
		if (close == end) {
			*miss |= kinds[k].bit;
			continue;
		}
		if (close == i + dl)
			return 0;
		*used = close + dl - i;
		if (s[i] == '`') {
			int rc = buf_append_str(out, "<code>");
			if (rc == 0)
				rc = markdown_escape(out, s + i + dl, close - i - dl);
			return rc == 0 ? buf_append_str(out, "</code>") : rc;
		}
		return wrap(out, kinds[k].tag, s, i + dl, close, depth, in_link, *miss);
	}
	return 0;
}

static bool is_punct(char c)
{
	return c != '\0' && strchr("\\`*_{}[]()#+-.!<>&\"'", c) != NULL;
}

static int inline_span(struct buf *out, const char *s, size_t start, size_t end, int depth,
		       bool in_link, unsigned miss)
{
	size_t i = start, plain = start;
	int rc = 0;

	if (depth > INLINE_DEPTH_MAX)
		return markdown_escape(out, s + start, end - start);
	while (i < end && rc == 0) {
		size_t used = 0;
		char c = s[i];

		if (c == '\\' && i + 1 < end && is_punct(s[i + 1])) {
			if ((rc = markdown_escape(out, s + plain, i - plain)) == 0)
				rc = markdown_escape(out, s + i + 1, 1);
			i += 2;
			plain = i;
			continue;
		}
		if (c != '`' && c != '*' && c != '_' && c != '[') {
			i++;
			continue;
		}
		if ((rc = markdown_escape(out, s + plain, i - plain)) != 0)
			break;
		if (c == '[' && !in_link && !(miss & MISS_LINK))
			rc = link(out, s, i, end, depth, &miss, &used);
		else if (c != '[')
			rc = delimited(out, s, i, end, depth, in_link, &miss, &used);
		if (used == 0) {
			/* a run of the same delimiter stays literal */
			size_t j = i + 1;
			while (j < end && s[j] == c)
				j++;
			if (rc == 0)
				rc = markdown_escape(out, s + i, j - i);
			used = j - i;
		}
		i += used;
		plain = i;
	}
	if (rc == 0)
		rc = markdown_escape(out, s + plain, end - plain);
	return rc;
}

/* ---- blocks ---- */

enum block { B_NONE, B_PARA, B_UL, B_OL };

struct line {
	const char *s;
	size_t n;
};

static size_t indent(struct line l)
{
	size_t i = 0;

	while (i < l.n && l.s[i] == ' ')
		i++;
	return i;
}

static bool blank(struct line l)
{
	for (size_t i = 0; i < l.n; i++)
		if (l.s[i] != ' ' && l.s[i] != '\t' && l.s[i] != '\r')
			return false;
	return true;
}

/* The heading level of l (1..6) and where its text begins, else 0. */
static int heading(struct line l, size_t *text)
{
	size_t i = indent(l), h = 0;

	if (i > 3)
		return 0;
	while (i + h < l.n && l.s[i + h] == '#')
		h++;
	if (h == 0 || h > 6 || (i + h < l.n && l.s[i + h] != ' '))
		return 0;
	*text = i + h;
	return (int)h;
}

/* A list item: B_UL or B_OL and where its text begins, else B_NONE. */
static enum block item(struct line l, size_t *text)
{
	size_t i = indent(l), d = i;

	if (i > 3 || i >= l.n)
		return B_NONE;
	if ((l.s[i] == '-' || l.s[i] == '*' || l.s[i] == '+') && i + 1 < l.n &&
	    l.s[i + 1] == ' ') {
		*text = i + 2;
		return B_UL;
	}
	while (d < l.n && d - i < 9 && l.s[d] >= '0' && l.s[d] <= '9')
		d++;
	if (d > i && d + 1 < l.n && (l.s[d] == '.' || l.s[d] == ')') && l.s[d + 1] == ' ') {
		*text = d + 2;
		return B_OL;
	}
	return B_NONE;
}

static bool fence(struct line l)
{
	size_t i = indent(l);

	return i <= 3 && l.n - i >= 3 && memcmp(l.s + i, "```", 3) == 0;
}

/* Trim blanks (and, for a heading, closing #s) at both ends of s[*a, *b). */
static void trim(const char *s, size_t *a, size_t *b, bool hashes)
{
	while (*a < *b && (s[*a] == ' ' || s[*a] == '\t'))
		(*a)++;
	while (*b > *a && (s[*b - 1] == ' ' || s[*b - 1] == '\t' || s[*b - 1] == '\r' ||
			   (hashes && s[*b - 1] == '#')))
		(*b)--;
}

struct md {
	const char *text;
	size_t len, pos;
	struct buf *out;
	enum block open;
	size_t para_start, para_end; /* the open paragraph, in text */
};

static bool next_line(struct md *m, struct line *l)
{
	const char *nl;

	if (m->pos >= m->len)
		return false;
	l->s = m->text + m->pos;
	nl = memchr(l->s, '\n', m->len - m->pos);
	l->n = nl != NULL ? (size_t)(nl - l->s) : m->len - m->pos;
	m->pos += l->n + (nl != NULL);
	if (l->n > 0 && l->s[l->n - 1] == '\r')
		l->n--;
	return true;
}

/* Close whatever block is open. */
static int close_block(struct md *m)
{
	int rc = 0;

	if (m->open == B_PARA) {
		size_t a = m->para_start, b = m->para_end;

		trim(m->text, &a, &b, false);
		rc = buf_append_str(m->out, "<p>");
		if (rc == 0)
			rc = inline_span(m->out, m->text, a, b, 0, false, 0);
		if (rc == 0)
			rc = buf_append_str(m->out, "</p>\n");
	} else if (m->open == B_UL || m->open == B_OL) {
		rc = buf_append_str(m->out, m->open == B_UL ? "</ul>\n" : "</ol>\n");
	}
	m->open = B_NONE;
	return rc;
}

static int code_block(struct md *m, struct line first, bool fenced)
{
	struct line l;
	int rc = buf_append_str(m->out, "<pre><code>");

	if (!fenced && rc == 0) {
		rc = markdown_escape(m->out, first.s + 4, first.n - 4);
		if (rc == 0)
			rc = buf_append_char(m->out, '\n');
	}
	while (rc == 0) {
		size_t save = m->pos;

		if (!next_line(m, &l))
			break;
		if (fenced && fence(l))
			break;
		if (!fenced && (l.n < 4 || memcmp(l.s, "    ", 4) != 0) && !blank(l)) {
			m->pos = save;
			break;
		}
		if (!fenced)
			rc = markdown_escape(m->out, l.s + (l.n >= 4 ? 4 : l.n),
					     l.n >= 4 ? l.n - 4 : 0);
		else
			rc = markdown_escape(m->out, l.s, l.n);
		if (rc == 0)
			rc = buf_append_char(m->out, '\n');
	}
	return rc == 0 ? buf_append_str(m->out, "</code></pre>\n") : rc;
}

static int one_line(struct md *m, struct line l)
{
	size_t text = 0;
	enum block it;
	int h, rc = 0;

	if (blank(l))
		return close_block(m);
	if (fence(l)) {
		if ((rc = close_block(m)) == 0)
			rc = code_block(m, l, true);
		return rc;
	}
	if (m->open != B_PARA && l.n >= 4 && memcmp(l.s, "    ", 4) == 0 && m->open == B_NONE)
		return code_block(m, l, false);
	if ((h = heading(l, &text)) > 0) {
		size_t a = text, b = l.n;
		int lv = h < 6 ? h + 1 : 6;

		if ((rc = close_block(m)) != 0)
			return rc;
		trim(l.s, &a, &b, true);
		rc = buf_printf(m->out, "<h%d>", lv);
		if (rc == 0)
			rc = inline_span(m->out, l.s, a, b, 0, false, 0);
		return rc == 0 ? buf_printf(m->out, "</h%d>\n", lv) : rc;
	}
	if ((it = item(l, &text)) != B_NONE) {
		if (m->open != it) {
			if ((rc = close_block(m)) == 0)
				rc = buf_append_str(m->out, it == B_UL ? "<ul>\n" : "<ol>\n");
			m->open = it;
		}
		if (rc == 0)
			rc = buf_append_str(m->out, "<li>");
		if (rc == 0)
			rc = inline_span(m->out, l.s, text, l.n, 0, false, 0);
		return rc == 0 ? buf_append_str(m->out, "</li>\n") : rc;
	}
	if (m->open != B_PARA) {
		if ((rc = close_block(m)) != 0)
			return rc;
		m->open = B_PARA;
		m->para_start = (size_t)(l.s - m->text);
	}
	m->para_end = (size_t)(l.s - m->text) + l.n;
	return 0;
}

int markdown_render(const char *text, size_t len, struct buf *out)
{
	struct md m = {.text = text, .len = len, .out = out};
	struct line l;
	int rc = 0;

	while (rc == 0 && next_line(&m, &l))
		rc = one_line(&m, l);
	if (rc == 0)
		rc = close_block(&m);
	return rc;
}
