/* advisory/cvss.c: CVSS v3.1 base vectors and scores (see cvss.h). The
 * weights and formulas are those of section 7 of the specification. */
#include "advisory/cvss.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "lib/error.h"
#include "lib/str.h"

struct metric {
	const char *name;
	const char *values; /* one letter per value, in index order */
	size_t offset;
};

static const struct metric metrics[] = {
    {"AV", "NALP", offsetof(struct cvss, av)}, {"AC", "LH", offsetof(struct cvss, ac)},
    {"PR", "NLH", offsetof(struct cvss, pr)},  {"UI", "NR", offsetof(struct cvss, ui)},
    {"S", "UC", offsetof(struct cvss, s)},     {"C", "HLN", offsetof(struct cvss, c)},
    {"I", "HLN", offsetof(struct cvss, i)},    {"A", "HLN", offsetof(struct cvss, a)},
};
#define N_METRICS (sizeof(metrics) / sizeof(metrics[0]))

static const double w_av[] = {0.85, 0.62, 0.55, 0.2};
static const double w_ac[] = {0.77, 0.44};
static const double w_pr_u[] = {0.85, 0.62, 0.27};
static const double w_pr_c[] = {0.85, 0.68, 0.5};
static const double w_ui[] = {0.85, 0.62};
static const double w_cia[] = {0.56, 0.22, 0};

int cvss_roundup10(double x)
{
	long long n = (long long)(x * 100000.0 + 0.5); /* x >= 0: round to nearest */

	if (n % 10000 == 0)
		return (int)(n / 10000);
	return (int)(n / 10000 + 1);
}

/* x to the power 15. */
static double pow15(double x)
{
	double r = 1;

	for (int i = 0; i < 15; i++)
		r *= x;
	return r;
}

static double min10(double x)
{
	return x < 10 ? x : 10;
}

static int score10(const struct cvss *c)
{
	double iss, impact, expl, pr;

	iss = 1 - (1 - w_cia[c->c]) * (1 - w_cia[c->i]) * (1 - w_cia[c->a]);
	if (c->s == 0)
		impact = 6.42 * iss;
	else
		impact = 7.52 * (iss - 0.029) - 3.25 * pow15(iss - 0.02);
	pr = c->s == 0 ? w_pr_u[c->pr] : w_pr_c[c->pr];
	expl = 8.22 * w_av[c->av] * w_ac[c->ac] * pr * w_ui[c->ui];
	if (impact <= 0)
		return 0;
	if (c->s == 0)
		return cvss_roundup10(min10(impact + expl));
	return cvss_roundup10(min10(1.08 * (impact + expl)));
}

int cvss_parse(const char *text, struct cvss *out, struct sk_error *err)
{
	char show[STR_SHOW_SIZE(16)];
	struct cvss c = {0};
	unsigned seen = 0;
	const char *p;

	if (text == NULL || text[0] == '\0')
		return sk_error_set(err, SK_EINVAL, "empty CVSS vector");
	if (strnlen(text, CVSS_VECTOR_MAX + 1) > CVSS_VECTOR_MAX)
		return sk_error_set(err, SK_EINVAL, "CVSS vector longer than %d bytes",
				    CVSS_VECTOR_MAX);
	if (!str_has_prefix(text, "CVSS:3.1/"))
		return sk_error_set(err, SK_EINVAL,
				    "not a CVSS v3.1 vector: it must begin with \"CVSS:3.1/\"");
	p = text + 9;
	for (;;) {
		const char *end = strchr(p, '/'), *colon;
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
		size_t k, nlen;
		const char *v;

		colon = memchr(p, ':', len);
		if (colon == NULL || colon == p || (size_t)(colon - p) + 2 != len)
			return sk_error_set(err, SK_EINVAL,
					    "CVSS metric '%s' is not NAME:VALUE",
					    str_show(p, len, 16, show));
		nlen = (size_t)(colon - p);
		for (k = 0; k < N_METRICS; k++)
			if (strlen(metrics[k].name) == nlen &&
			    memcmp(metrics[k].name, p, nlen) == 0)
				break;
		if (k == N_METRICS)
			return sk_error_set(
			    err, SK_EINVAL,
			    "CVSS metric '%s' is not a base metric of CVSS v3.1",
			    str_show(p, nlen, 16, show));
		if (seen & (1u << k))
			return sk_error_set(err, SK_EINVAL, "CVSS metric %s given twice",
					    metrics[k].name);
		v = colon[1] != '\0' ? strchr(metrics[k].values, colon[1]) : NULL;
		if (v == NULL)
			return sk_error_set(err, SK_EINVAL,
					    "CVSS metric %s: value '%s' is not one of %s",
					    metrics[k].name, str_show(colon + 1, 1, 4, show),
					    metrics[k].values);
		seen |= 1u << k;
		*((uint8_t *)&c + metrics[k].offset) = (uint8_t)(v - metrics[k].values);
		if (end == NULL)
			break;
		p = end + 1;
	}
	for (size_t k = 0; k < N_METRICS; k++)
		if (!(seen & (1u << k)))
			return sk_error_set(err, SK_EINVAL, "CVSS base metric %s is missing",
					    metrics[k].name);
	c.score10 = score10(&c);
	*out = c;
	return 0;
}

int cvss_format(const struct cvss *c, char *buf, size_t size)
{
	int n = snprintf(buf, size, "CVSS:3.1/AV:%c/AC:%c/PR:%c/UI:%c/S:%c/C:%c/I:%c/A:%c",
			 "NALP"[c->av % 4], "LH"[c->ac % 2], "NLH"[c->pr % 3], "NR"[c->ui % 2],
			 "UC"[c->s % 2], "HLN"[c->c % 3], "HLN"[c->i % 3], "HLN"[c->a % 3]);

	return n < 0 || (size_t)n >= size ? -1 : n;
}

const char *cvss_severity(int score10)
{
	if (score10 <= 0)
		return "None";
	if (score10 < 40)
		return "Low";
	if (score10 < 70)
		return "Medium";
	if (score10 < 90)
		return "High";
	return "Critical";
}
