/* advisory/version.c: version comparison and ranges (see version.h). */
#include "advisory/version.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/error.h"
#include "lib/str.h"

static bool is_sep(char c)
{
	return c == '.' || c == '-' || c == '_' || c == '+';
}

/* The next run of digits or letters at *p: its start and length, moving
 * *p past it and the separators after it; 0 at the end. */
static size_t next_run(const char **p, const char **run)
{
	const char *s = *p;
	size_t n = 0;

	while (is_sep(*s))
		s++;
	*run = s;
	if (isdigit((unsigned char)*s))
		while (isdigit((unsigned char)s[n]))
			n++;
	else
		while (s[n] != '\0' && !is_sep(s[n]) && !isdigit((unsigned char)s[n]))
			n++;
	*p = s + n;
	return n;
}

static int compare_numbers(const char *a, size_t na, const char *b, size_t nb)
{
	while (na > 1 && *a == '0')
		a++, na--;
	while (nb > 1 && *b == '0')
		b++, nb--;
	if (na != nb)
		return na < nb ? -1 : 1;
	return memcmp(a, b, na);
}

int version_compare(const char *a, const char *b)
{
	if (*a == 'v' || *a == 'V')
		a++;
	if (*b == 'v' || *b == 'V')
		b++;
	for (;;) {
		const char *ra, *rb;
		size_t na = next_run(&a, &ra), nb = next_run(&b, &rb);
		bool da, db;
		int c;

		if (na == 0 && nb == 0)
			return 0;
		if (na == 0)
			return isdigit((unsigned char)rb[0]) ? -1 : 1;
		if (nb == 0)
			return isdigit((unsigned char)ra[0]) ? 1 : -1;
		da = isdigit((unsigned char)ra[0]);
		db = isdigit((unsigned char)rb[0]);
		if (da != db)
			return da ? 1 : -1;
		if (da) {
			c = compare_numbers(ra, na, rb, nb);
		} else {
			c = strncasecmp(ra, rb, na < nb ? na : nb);
			if (c == 0 && na != nb)
				c = na < nb ? -1 : 1;
		}
		if (c != 0)
			return c < 0 ? -1 : 1;
	}
}

bool version_valid(const char *text)
{
	bool any = false;
	size_t n = 0;

	for (; text[n] != '\0'; n++) {
		unsigned char c = (unsigned char)text[n];

		if (isalnum(c))
			any = true;
		else if (!is_sep((char)c))
			return false;
		if (n == VERSION_MAX)
			return false;
	}
	return any;
}

/* Read one constraint s[0..len), trimmed, into r's next term. */
static int term_read(const char *s, size_t len, struct version_range *r, struct sk_error *err)
{
	static const char *const ops[] = {"<=", ">=", "!=", "<", ">", "="};
	static const enum version_op opv[] = {VERSION_LE, VERSION_GE, VERSION_NE,
					      VERSION_LT, VERSION_GT, VERSION_EQ};
	char v[VERSION_MAX + 2], show[STR_SHOW_SIZE(32)];
	enum version_op op = VERSION_EQ;

	while (len > 0 && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len == 0)
		return sk_error_set(err, SK_EINVAL, "an empty constraint");
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		size_t ol = strlen(ops[i]);

		if (len >= ol && memcmp(s, ops[i], ol) == 0) {
			op = opv[i];
			s += ol;
			len -= ol;
			break;
		}
	}
	while (len > 0 && (*s == ' ' || *s == '\t'))
		s++, len--;
	if (r->n == VERSION_RANGE_TERMS)
		return sk_error_set(err, SK_EINVAL, "more than %d constraints",
				    VERSION_RANGE_TERMS);
	if (len == 0 || len > VERSION_MAX)
		return sk_error_set(err, SK_EINVAL, "'%s' is not an operator and a version",
				    str_show(s, len, 32, show));
	memcpy(v, s, len);
	v[len] = '\0';
	if (!version_valid(v))
		return sk_error_set(err, SK_EINVAL,
				    "'%s' is not a version (letters, digits, . - _ +)",
				    str_show(s, len, 32, show));
	r->term[r->n].op = op;
	memcpy(r->term[r->n].version, v, len + 1);
	r->n++;
	return 0;
}

int version_range_parse(const char *text, struct version_range *out, struct sk_error *err)
{
	struct version_range r = {0};
	char sep = ',';
	const char *p;
	int rc;

	if (text == NULL || text[0] == '\0')
		return sk_error_set(err, SK_EINVAL,
				    "empty version range (use * for every version)");
	if (strnlen(text, VERSION_RANGE_MAX + 1) > VERSION_RANGE_MAX)
		return sk_error_set(err, SK_EINVAL, "version range longer than %d bytes",
				    VERSION_RANGE_MAX);
	p = text;
	if (str_has_prefix(p, "vers:")) {
		const char *slash = strchr(p + 5, '/');

		if (slash == NULL || slash == p + 5)
			return sk_error_set(err, SK_EINVAL, "a vers range needs vers:TYPE/...");
		p = slash + 1;
		sep = '|';
	}
	while (*p == ' ')
		p++;
	if (strcmp(p, "*") == 0) {
		r.any = true;
		*out = r;
		return 0;
	}
	for (;;) {
		const char *end = strchr(p, sep);
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);

		if ((rc = term_read(p, len, &r, err)) != 0)
			return rc;
		if (end == NULL)
			break;
		p = end + 1;
	}
	*out = r;
	return 0;
}

bool version_range_match(const struct version_range *r, const char *version)
{
	if (r->any)
		return true;
	for (size_t i = 0; i < r->n; i++) {
		int c = version_compare(version, r->term[i].version);
		bool ok = false;

		switch (r->term[i].op) {
		case VERSION_LT:
			ok = c < 0;
			break;
		case VERSION_LE:
			ok = c <= 0;
			break;
		case VERSION_GT:
			ok = c > 0;
			break;
		case VERSION_GE:
			ok = c >= 0;
			break;
		case VERSION_EQ:
			ok = c == 0;
			break;
		case VERSION_NE:
			ok = c != 0;
			break;
		}
		if (!ok)
			return false;
	}
	return true;
}
