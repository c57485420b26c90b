/* lib/markdown.h: a small, safe Markdown to HTML renderer for the public
 * pages: paragraphs, headings (# becomes <h2>: the page owns <h1>),
 * emphasis, code spans and blocks (fenced or indented), flat lists and
 * links to http, https and mailto only. Every other character is
 * escaped; raw HTML never passes. The output is well-formed: every tag
 * it opens it closes. Reads outside input: any bytes, as long as the
 * output fits the buffer's cap. */
#ifndef SK_LIB_MARKDOWN_H
#define SK_LIB_MARKDOWN_H

#include <stddef.h>

struct buf;

/* Append text as HTML to out. SK_ETOOBIG when out's cap is reached (out
 * then holds a prefix of the output, not to be shown). */
int markdown_render(const char *text, size_t len, struct buf *out);

/* Append s (len bytes) to out with & < > " ' escaped and control
 * characters other than newline and tab dropped. */
int markdown_escape(struct buf *out, const char *s, size_t len);

#endif
