/* lib/str.c: string helpers. */
#include "lib/str.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/error.h"
#include "lib/utf8.h"

int str_to_i64(const char *text, int64_t min, int64_t max, int64_t *out)
{
	char *end = NULL;
	long long v;

	if (text == NULL || *text == '\0' || isspace((unsigned char)*text))
		return SK_EINVAL;
	errno = 0;
	v = strtoll(text, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return SK_EINVAL;
	*out = v;
	return 0;
}

int str_to_duration(const char *text, int64_t max, int64_t *out)
{
	static const struct {
		char unit;
		int64_t seconds;
	} units[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}};
	char num[24];
	size_t n = text ? strlen(text) : 0;
	int64_t v;

	if (n < 2 || n > sizeof(num))
		return SK_EINVAL;
	memcpy(num, text, n - 1);
	num[n - 1] = '\0';
	if (!isdigit((unsigned char)num[0]) || str_to_i64(num, 0, INT64_MAX / 86400, &v) != 0)
		return SK_EINVAL;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (text[n - 1] == units[i].unit) {
			if (v * units[i].seconds > max)
				return SK_EINVAL;
			*out = v * units[i].seconds;
			return 0;
		}
	}
	return SK_EINVAL;
}

int str_to_bool(const char *text, bool *out)
{
	static const char *const yes[] = {"true", "yes", "on", "1", NULL};
	static const char *const no[] = {"false", "no", "off", "0", NULL};

	for (int i = 0; yes[i] != NULL; i++) {
		if (strcasecmp(text, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(text, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return SK_EINVAL;
}

bool str_eq_nocase(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

bool str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

void str_lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

int str_index(const char *const *list, const char *text)
{
	for (int i = 0; list[i] != NULL; i++)
		if (strcmp(list[i], text) == 0)
			return i;
	return -1;
}

void str_time_iso(time_t t, char out[21])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

time_t str_time_now(void)
{
	const char *fixed = getenv("SCHAKEL_NOW");
	int64_t v;

	if (fixed != NULL && str_to_i64(fixed, 0, INT64_MAX, &v) == 0)
		return (time_t)v;
	return time(NULL);
}

int64_t str_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void str_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* s borrowed and moved on; out is the caller's. */
bool str_next_item(const char **s, char *out, size_t size)
{
	const char *p = *s, *end = strchr(p, ',');
	bool comma = end != NULL;
	size_t n;

	if (end == NULL)
		end = p + strlen(p);
	*s = comma ? end + 1 : end;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	n = (size_t)(end - p);
	if (n > size - 1)
		n = size - 1;
	memcpy(out, p, n);
	out[n] = '\0';
	return comma;
}

/* Length of the UTF-8 sequence at s (n bytes available) if it is valid
 * and safe to print; 0 for invalid UTF-8, C1 controls, bidirectional
 * marks and overrides, and line and paragraph separators. */
static size_t show_utf8_len(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t len = utf8_decode(s, n, &cp);

	if (len == 0 || cp < 0xa0)
		return 0;
	if ((cp >= 0x200e && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069))
		return 0;
	return len;
}

const char *str_show(const char *text, size_t len, size_t max, char *out)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0, o = 0, limit = len < max ? len : max;

	while (i < limit) {
		size_t n = s[i] >= 0x80 ? show_utf8_len(s + i, len - i) : 0;

		if (s[i] >= 0x20 && s[i] < 0x7f) {
			out[o++] = (char)s[i++];
		} else if (n > 0) {
			if (i + n > limit)
				break; /* do not cut a character in two */
			memcpy(out + o, s + i, n);
			o += n;
			i += n;
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[s[i] >> 4];
			out[o++] = hex[s[i] & 0x0f];
			i++;
		}
	}
	if (i < len) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}
