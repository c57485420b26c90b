/* advisory/purl.c: package URLs (see purl.h), read as the purl
 * specification's "how to parse" section says: subpath after the last
 * "#", qualifiers after the last "?", version after the last "@", type
 * before the first "/", name the last segment, the namespace between. */
#include "advisory/purl.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/error.h"
#include "lib/utf8.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Percent-decode s[0..len) into out (at least len + 1 bytes). */
static int decode(const char *what, const char *s, size_t len, char *out, struct sk_error *err)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '%') {
			int hi, lo;

			if (i + 2 >= len)
				return sk_error_set(err, SK_EINVAL,
						    "%s: cut-off percent escape", what);
			hi = hexval(s[i + 1]);
			lo = hexval(s[i + 2]);
			if (hi < 0 || lo < 0)
				return sk_error_set(err, SK_EINVAL, "%s: bad percent escape",
						    what);
			out[o++] = (char)(hi * 16 + lo);
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	if (strlen(out) != o || !utf8_valid(out, o))
		return sk_error_set(err, SK_EINVAL, "%s: not UTF-8 text", what);
	return 0;
}

/* The last occurrence of c in s[0..len), or NULL. */
static const char *last_of(const char *s, size_t len, char c)
{
	for (size_t i = len; i > 0; i--)
		if (s[i - 1] == c)
			return s + i - 1;
	return NULL;
}

static int parse(const char *text, struct purl *p, struct sk_error *err)
{
	const char *s, *end, *cut;
	size_t total = strlen(text);
	int rc;

	if (total < 4 || strncasecmp(text, "pkg:", 4) != 0)
		return sk_error_set(err, SK_EINVAL, "not a purl: it must begin with \"pkg:\"");
	s = text + 4;
	while (*s == '/')
		s++;
	end = text + total;
	if ((cut = last_of(s, (size_t)(end - s), '#')) != NULL) {
		const char *a = cut + 1;

		while (*a == '/')
			a++;
		if ((rc = decode("subpath", a, (size_t)(end - a), p->subpath, err)) != 0)
			return rc;
		end = cut;
	}
	if ((cut = last_of(s, (size_t)(end - s), '?')) != NULL) {
		size_t qlen = (size_t)(end - cut - 1);

		for (const char *q = cut + 1; q < end;) {
			const char *amp = memchr(q, '&', (size_t)(end - q));
			const char *eq = memchr(q, '=', (size_t)((amp ? amp : end) - q));

			if (eq == NULL || eq == q)
				return sk_error_set(err, SK_EINVAL,
						    "qualifiers: each must be key=value");
			for (const char *k = q; k < eq; k++)
				if (!isalnum((unsigned char)*k) && *k != '.' && *k != '-' &&
				    *k != '_')
					return sk_error_set(
					    err, SK_EINVAL,
					    "qualifiers: bad character in a key");
			q = amp ? amp + 1 : end;
		}
		memcpy(p->qualifiers, cut + 1, qlen);
		p->qualifiers[qlen] = '\0';
		end = cut;
	}
	while (end > s && end[-1] == '/')
		end--;
	if ((cut = last_of(s, (size_t)(end - s), '@')) != NULL &&
	    last_of(s, (size_t)(end - s), '/') < cut) {
		if ((rc = decode("version", cut + 1, (size_t)(end - cut - 1), p->version,
				 err)) != 0)
			return rc;
		end = cut;
	}
	cut = memchr(s, '/', (size_t)(end - s));
	if (cut == NULL || cut == s)
		return sk_error_set(err, SK_EINVAL, "a purl needs a type and a name");
	if ((size_t)(cut - s) >= sizeof(p->type) || isdigit((unsigned char)s[0]))
		return sk_error_set(err, SK_EINVAL, "type: bad package type");
	for (const char *t = s; t < cut; t++) {
		if (!isalnum((unsigned char)*t) && *t != '.' && *t != '+' && *t != '-')
			return sk_error_set(err, SK_EINVAL, "type: bad package type");
		p->type[t - s] = (char)tolower((unsigned char)*t);
	}
	s = cut + 1;
	while (s < end && *s == '/')
		s++;
	cut = last_of(s, (size_t)(end - s), '/');
	if ((rc = decode("name", cut ? cut + 1 : s, (size_t)(end - (cut ? cut + 1 : s)),
			 p->name, err)) != 0)
		return rc;
	if (p->name[0] == '\0')
		return sk_error_set(err, SK_EINVAL, "name: a purl needs a name");
	if (cut != NULL &&
	    (rc = decode("namespace", s, (size_t)(cut - s), p->namespace_, err)) != 0)
		return rc;
	return 0;
}

int purl_parse(const char *text, struct purl *out, struct sk_error *err)
{
	struct purl *p;
	int rc;

	if (text == NULL || text[0] == '\0')
		return sk_error_set(err, SK_EINVAL, "empty purl");
	if (strnlen(text, PURL_MAX + 1) > PURL_MAX)
		return sk_error_set(err, SK_EINVAL, "purl longer than %d bytes", PURL_MAX);
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return sk_error_set(err, SK_EIO, "out of memory");
	if ((rc = parse(text, p, err)) == 0)
		memcpy(out, p, sizeof(*p));
	free(p);
	return rc;
}
