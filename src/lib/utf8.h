/* lib/utf8.h: UTF-8 read strictly (RFC 3629): one sequence decoded, a
 * string checked, repaired or cut without splitting a character. */
#ifndef SK_LIB_UTF8_H
#define SK_LIB_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Length of the UTF-8 sequence at s (n >= 1 bytes available) and its code
 * point in *cp; 0 if it is not valid: ASCII or a continuation byte first,
 * overlong, a surrogate, over U+10FFFF, or cut short. */
static inline size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c;
	size_t len;

	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1fu;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0fu;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07u;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3fu);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* Whether s[0..n) is UTF-8 throughout. */
bool utf8_valid(const char *s, size_t n);
/* Replace each byte of s that is not part of a valid sequence with '?'
 * (in place: the length stays); how many were. */
size_t utf8_scrub(char *s);
/* Cut s to at most max bytes, before a character rather than inside. */
void utf8_cut(char *s, size_t max);

#endif
