/* net/text_int.h: private to src/net: shows outside input inside an error
 * message safely. Control characters, invalid UTF-8, and bidirectional and
 * line-separator code points become \xNN; text past NET_SHOW_MAX bytes is cut. */
#ifndef SK_NET_TEXT_INT_H
#define SK_NET_TEXT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/utf8.h"

#define NET_SHOW_MAX  80		     /* bytes of input shown */
#define NET_SHOW_SIZE (NET_SHOW_MAX * 4 + 4) /* all escaped, "..." and NUL */

/* Length of the UTF-8 sequence at s (n bytes available) if it is valid
 * and encodes a code point that is safe to print; 0 otherwise. */
static inline size_t net_utf8_len(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t len = utf8_decode(s, n, &cp);

	if (len == 0 || cp < 0xa0)
		return 0; /* invalid; C1 controls */
	if ((cp >= 0x200e && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069))
		return 0; /* bidi marks and overrides, line/paragraph separators */
	return len;
}

/* Write the first NET_SHOW_MAX bytes of text[0..len) into out, escaped as
 * described above, with "..." when cut. text is borrowed. */
static inline void net_text_escape(const char *text, size_t len, char out[NET_SHOW_SIZE])
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0, o = 0, limit = len < NET_SHOW_MAX ? len : NET_SHOW_MAX;

	while (i < limit) {
		size_t n = s[i] >= 0x80 ? net_utf8_len(s + i, len - i) : 0;

		if (s[i] >= 0x20 && s[i] < 0x7f) {
			out[o++] = (char)s[i++];
		} else if (n > 0) {
			if (i + n > limit)
				break; /* do not cut a character in two */
			for (size_t k = 0; k < n; k++)
				out[o++] = (char)s[i++];
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[s[i] >> 4];
			out[o++] = hex[s[i] & 0x0f];
			i++;
		}
	}
	if (i < len) {
		out[o++] = '.';
		out[o++] = '.';
		out[o++] = '.';
	}
	out[o] = '\0';
}

/* Input to be shown in a message, escaped only when a message needs it
 * (parsing that succeeds pays nothing). */
struct net_text {
	const char *text; /* borrowed */
	size_t len;
	bool ready;
	char shown[NET_SHOW_SIZE];
};

static inline void net_text_init(struct net_text *t, const char *text, size_t len)
{
	t->text = text;
	t->len = len;
	t->ready = false;
}

/* The escaped text; borrowed from t. */
static inline const char *net_text_show(struct net_text *t)
{
	if (!t->ready) {
		net_text_escape(t->text, t->len, t->shown);
		t->ready = true;
	}
	return t->shown;
}

#endif
