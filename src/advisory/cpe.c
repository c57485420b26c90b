/* advisory/cpe.c: CPE 2.3 formatted strings (see cpe.h). A value is
 * ALPHA, DIGIT, "_", "-", "." and backslash-quoted punctuation, with
 * unquoted "*" or runs of "?" only at its start or end (section 6.2.2). */
#include "advisory/cpe.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/error.h"
#include "lib/str.h"

static const char *const attr_names[CPE_ATTRS] = {
    "part",	"vendor",     "product",   "version",	"update", "edition",
    "language", "sw_edition", "target_sw", "target_hw", "other",
};

bool cpe_is_logical(const char *value)
{
	return strcmp(value, "*") == 0 || strcmp(value, "-") == 0;
}

/* Check one attribute s[0..len) and unescape it, lowercased, into
 * value. */
static int attr_read(int k, const char *s, size_t len, char *value, struct sk_error *err)
{
	size_t o = 0;

	if (len == 0)
		return sk_error_set(err, SK_EINVAL, "%s is empty (use * for ANY)",
				    attr_names[k]);
	if ((len == 1 && (s[0] == '*' || s[0] == '-'))) {
		value[0] = s[0];
		value[1] = '\0';
		return 0;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '\\') {
			if (i + 1 == len || !ispunct((unsigned char)s[i + 1]))
				return sk_error_set(err, SK_EINVAL,
						    "%s: a backslash must quote punctuation",
						    attr_names[k]);
			value[o++] = s[++i];
		} else if (ch == '*') {
			if (i != 0 && i != len - 1)
				return sk_error_set(err, SK_EINVAL,
						    "%s: * may stand only at the start or end",
						    attr_names[k]);
			value[o++] = '*';
		} else if (ch == '?') {
			size_t j = i;

			while (j < len && s[j] == '?')
				j++;
			if (i != 0 && j != len)
				return sk_error_set(err, SK_EINVAL,
						    "%s: ? may stand only at the start or end",
						    attr_names[k]);
			for (; i < j; i++)
				value[o++] = '?';
			i--;
		} else if (isalnum(ch) || ch == '_' || ch == '-' || ch == '.') {
			value[o++] = (char)tolower(ch);
		} else {
			return sk_error_set(
			    err, SK_EINVAL,
			    "%s: character '%c' must be quoted with a backslash", attr_names[k],
			    isprint(ch) ? ch : '?');
		}
	}
	value[o] = '\0';
	return 0;
}

int cpe_parse(const char *text, struct cpe *out, struct sk_error *err)
{
	const char *start[CPE_ATTRS + 2];
	size_t len[CPE_ATTRS + 2], n = 0, total;
	struct cpe *c = NULL;
	const char *p;
	int rc;

	if (text == NULL || text[0] == '\0')
		return sk_error_set(err, SK_EINVAL, "empty CPE name");
	total = strnlen(text, CPE_NAME_MAX + 1);
	if (total > CPE_NAME_MAX)
		return sk_error_set(err, SK_EINVAL, "CPE name longer than %d bytes",
				    CPE_NAME_MAX);
	/* Split at unescaped colons, counting all components. */
	p = text;
	start[0] = p;
	for (size_t i = 0; i < total; i++) {
		if (text[i] == '\\' && i + 1 < total) {
			i++;
		} else if (text[i] == ':') {
			if (n < CPE_ATTRS + 1)
				len[n] = (size_t)(text + i - start[n]);
			n++;
			if (n < CPE_ATTRS + 2)
				start[n] = text + i + 1;
		}
	}
	if (n < CPE_ATTRS + 2)
		len[n] = (size_t)(text + total - start[n]);
	n++;
	if (n < 2 || len[0] != 3 || strncasecmp(start[0], "cpe", 3) != 0 || len[1] != 3 ||
	    memcmp(start[1], "2.3", 3) != 0)
		return sk_error_set(err, SK_EINVAL,
				    "not a CPE 2.3 formatted string: it must begin with "
				    "\"cpe:2.3:\"");
	if (n != CPE_ATTRS + 2)
		return sk_error_set(err, SK_EINVAL, "%zu components, a CPE 2.3 name has %d", n,
				    CPE_ATTRS + 2);
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return sk_error_set(err, SK_EIO, "out of memory");
	for (int k = 0; k < CPE_ATTRS; k++) {
		if ((rc = attr_read(k, start[k + 2], len[k + 2], c->value[k], err)) != 0)
			goto out;
		memcpy(c->raw[k], start[k + 2], len[k + 2]);
		c->raw[k][len[k + 2]] = '\0';
	}
	if (strlen(c->value[CPE_PART]) != 1 || strchr("aoh*-", c->value[CPE_PART][0]) == NULL) {
		rc = sk_error_set(err, SK_EINVAL, "part must be a, o, h, * or -");
		goto out;
	}
	memcpy(out, c, sizeof(*c));
	rc = 0;
out:
	free(c);
	return rc;
}
