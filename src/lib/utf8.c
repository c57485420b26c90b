/* lib/utf8.c: see utf8.h. */
#include "lib/utf8.h"

#include <string.h>

bool utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;

	for (size_t i = 0, len; i < n; i += len)
		if ((len = p[i] < 0x80 ? 1 : utf8_decode(p + i, n - i, &cp)) == 0)
			return false;
	return true;
}

size_t utf8_scrub(char *s)
{
	unsigned char *p = (unsigned char *)s;
	size_t n = strlen(s), bad = 0;
	uint32_t cp;

	for (size_t i = 0, len; i < n; i += len)
		if ((len = p[i] < 0x80 ? 1 : utf8_decode(p + i, n - i, &cp)) == 0) {
			p[i] = '?';
			len = 1;
			bad++;
		}
	return bad;
}

void utf8_cut(char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return;
	/* Back to the start of the character cut (at most 3 continuation
	 * bytes: more are not UTF-8, and utf8_scrub() finds them). */
	for (int k = 0; k < 3 && max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80; k++)
		max--;
	s[max] = '\0';
}
