/* feed/feedtime.c: parsing feed times into seconds since the epoch (UTC):
 * ISO 8601, the three HTTP date forms and strptime-style patterns, all by
 * hand so that nothing depends on the locale or the TZ variable.
 *
 * Parses outside input: text over FEEDTIME_TEXT_MAX bytes is refused;
 * every number is read with a digit limit, every date checked against
 * the calendar (years 1..9999), zone offsets within 18 hours.
 *
 * SECURITY: nothing is allocated; scanners never read past the length
 * they are given, and a pattern is walked only as far as its NUL. */
#include "feed/feedtime.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/error.h"
#include "lib/str.h"

struct parts {
	int year, month, day, hour, min, sec;
	int offset; /* seconds east of UTC */
	bool epoch; /* %s gave the time whole */
	int64_t epoch_value;
};

static const char *const month_names[] = {"january",   "february", "march",    "april",
					  "may",       "june",	   "july",     "august",
					  "september", "october",  "november", "december"};
static const char *const day_names[] = {"monday", "tuesday",  "wednesday", "thursday",
					"friday", "saturday", "sunday"};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static int days_in_month(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

/* Check the parts and turn them into seconds; false if not a time. */
static bool parts_to_time(const struct parts *p, int64_t *out)
{
	if (p->epoch) {
		/* 0001-01-01 to 9999-12-31 */
		if (p->epoch_value < -62135596800LL || p->epoch_value > 253402300799LL)
			return false;
		*out = p->epoch_value;
		return true;
	}
	if (p->year < 1 || p->year > 9999 || p->month < 1 || p->month > 12 || p->day < 1 ||
	    p->day > days_in_month(p->year, p->month) || p->hour < 0 || p->hour > 23 ||
	    p->min < 0 || p->min > 59 || p->sec < 0 || p->sec > 59)
		return false;
	*out = str_days_from_civil(p->year, (unsigned)p->month, (unsigned)p->day) * 86400 +
	       p->hour * 3600 + p->min * 60 + p->sec - p->offset;
	return true;
}

/* A scanner over s[0..n). */
struct scan {
	const char *s;
	size_t n, i;
};

/* Read min..max digits. */
static bool scan_num(struct scan *sc, int min, int max, int *out)
{
	int v = 0, k = 0;

	while (k < max && sc->i < sc->n && is_digit(sc->s[sc->i])) {
		v = v * 10 + (sc->s[sc->i++] - '0');
		k++;
	}
	*out = v;
	return k >= min;
}

static bool scan_char(struct scan *sc, char c)
{
	if (sc->i < sc->n && sc->s[sc->i] == c) {
		sc->i++;
		return true;
	}
	return false;
}

static void scan_spaces(struct scan *sc)
{
	while (sc->i < sc->n && is_space(sc->s[sc->i]))
		sc->i++;
}

/* A name from names[count], full or its first three letters, any case;
 * *out is its index. */
static bool scan_name(struct scan *sc, const char *const *names, int count, int *out)
{
	size_t len = 0;

	while (sc->i + len < sc->n &&
	       ((sc->s[sc->i + len] | 0x20) >= 'a' && (sc->s[sc->i + len] | 0x20) <= 'z'))
		len++;
	for (int k = 0; k < count; k++) {
		if ((len == 3 || len == strlen(names[k])) && len <= strlen(names[k]) &&
		    strncasecmp(sc->s + sc->i, names[k], len) == 0) {
			sc->i += len;
			*out = k;
			return true;
		}
	}
	return false;
}

/* Skip a fraction of a second after '.' or ','. */
static void scan_fraction(struct scan *sc)
{
	if (sc->i + 1 < sc->n && (sc->s[sc->i] == '.' || sc->s[sc->i] == ',') &&
	    is_digit(sc->s[sc->i + 1])) {
		sc->i++;
		while (sc->i < sc->n && is_digit(sc->s[sc->i]))
			sc->i++;
	}
}

/* A zone: Z, UTC, UT, GMT, +01:00, +0100, +01 (at most 18 hours). */
static bool scan_zone(struct scan *sc, int *offset)
{
	int h = 0, m = 0, sign;
	size_t rest = sc->n - sc->i;
	const char *s = sc->s + sc->i;

	if (rest >= 3 && (strncasecmp(s, "UTC", 3) == 0 || strncasecmp(s, "GMT", 3) == 0)) {
		sc->i += 3;
		*offset = 0;
		return true;
	}
	if (rest >= 2 && strncasecmp(s, "UT", 2) == 0) {
		sc->i += 2;
		*offset = 0;
		return true;
	}
	if (rest >= 1 && (s[0] == 'Z' || s[0] == 'z')) {
		sc->i++;
		*offset = 0;
		return true;
	}
	if (rest < 1 || (s[0] != '+' && s[0] != '-'))
		return false;
	sign = s[0] == '-' ? -1 : 1;
	sc->i++;
	if (!scan_num(sc, 2, 2, &h))
		return false;
	if (scan_char(sc, ':')) {
		if (!scan_num(sc, 2, 2, &m))
			return false;
	} else if (sc->i < sc->n && is_digit(sc->s[sc->i])) {
		if (!scan_num(sc, 2, 2, &m))
			return false;
	}
	if (h > 18 || m > 59 || h * 60 + m > 18 * 60)
		return false;
	*offset = sign * (h * 3600 + m * 60);
	return true;
}

/* Optional white space and an optional zone, then the end. */
static bool scan_zone_end(struct scan *sc, int *offset)
{
	scan_spaces(sc);
	if (sc->i == sc->n)
		return true;
	if (!scan_zone(sc, offset))
		return false;
	return sc->i == sc->n;
}

/* "2024-01-31", "2024-01-31 12:00", "2024-01-31T12:00:00.5+01:00". */
static bool parse_iso(struct scan *sc, struct parts *p)
{
	if (!scan_num(sc, 4, 4, &p->year) || !scan_char(sc, '-') ||
	    !scan_num(sc, 2, 2, &p->month) || !scan_char(sc, '-') ||
	    !scan_num(sc, 2, 2, &p->day))
		return false;
	if (sc->i == sc->n)
		return true;
	if (!scan_char(sc, 'T') && !scan_char(sc, 't') && !scan_char(sc, ' '))
		return scan_zone_end(sc, &p->offset);
	if (!scan_num(sc, 2, 2, &p->hour) || !scan_char(sc, ':') ||
	    !scan_num(sc, 2, 2, &p->min))
		return false;
	if (scan_char(sc, ':')) {
		if (!scan_num(sc, 2, 2, &p->sec))
			return false;
		scan_fraction(sc);
	}
	return scan_zone_end(sc, &p->offset);
}

/* "12:00:00" */
static bool scan_clock(struct scan *sc, struct parts *p)
{
	return scan_num(sc, 1, 2, &p->hour) && scan_char(sc, ':') &&
	       scan_num(sc, 2, 2, &p->min) && scan_char(sc, ':') && scan_num(sc, 2, 2, &p->sec);
}

/* "Wed, 31 Jan 2024 12:00:00 GMT", "Wednesday, 31-Jan-24 12:00:00 GMT",
 * "31 Jan 2024 12:00:00 +0100", "Wed Jan 31 12:00:00 2024". */
static bool parse_http(struct scan *sc, struct parts *p)
{
	int wday, mon;

	if (scan_name(sc, day_names, 7, &wday)) {
		if (!scan_char(sc, ',')) {
			/* asctime: "Wed Jan 31 12:00:00 2024" */
			scan_spaces(sc);
			if (!scan_name(sc, month_names, 12, &mon))
				return false;
			scan_spaces(sc);
			if (!scan_num(sc, 1, 2, &p->day))
				return false;
			scan_spaces(sc);
			if (!scan_clock(sc, p))
				return false;
			scan_spaces(sc);
			if (!scan_num(sc, 4, 4, &p->year))
				return false;
			p->month = mon + 1;
			return scan_zone_end(sc, &p->offset);
		}
		scan_spaces(sc);
	}
	if (!scan_num(sc, 1, 2, &p->day))
		return false;
	if (scan_char(sc, '-')) {
		/* RFC 850: 31-Jan-24 */
		size_t y0;

		if (!scan_name(sc, month_names, 12, &mon) || !scan_char(sc, '-'))
			return false;
		y0 = sc->i;
		if (!scan_num(sc, 2, 4, &p->year) || sc->i - y0 == 3)
			return false;
		if (sc->i - y0 == 2)
			p->year += p->year < 70 ? 2000 : 1900;
	} else {
		scan_spaces(sc);
		if (!scan_name(sc, month_names, 12, &mon))
			return false;
		scan_spaces(sc);
		if (!scan_num(sc, 4, 4, &p->year))
			return false;
	}
	p->month = mon + 1;
	scan_spaces(sc);
	if (!scan_clock(sc, p))
		return false;
	return scan_zone_end(sc, &p->offset);
}

int feedtime_parse(const char *s, size_t n, int64_t *out)
{
	struct parts p = {0};
	struct scan sc;
	bool ok;

	while (n > 0 && is_space(s[0])) {
		s++;
		n--;
	}
	while (n > 0 && is_space(s[n - 1]))
		n--;
	if (n == 0 || n > FEEDTIME_TEXT_MAX)
		return SK_EINVAL;
	sc.s = s;
	sc.n = n;
	sc.i = 0;
	if (n >= 5 && is_digit(s[0]) && is_digit(s[1]) && is_digit(s[2]) && is_digit(s[3]) &&
	    s[4] == '-')
		ok = parse_iso(&sc, &p);
	else
		ok = parse_http(&sc, &p);
	if (!ok || !parts_to_time(&p, out))
		return SK_EINVAL;
	return 0;
}

/* ---- patterns ---- */

int feedtime_check_pattern(const char *pattern, struct sk_error *err)
{
	bool year = false, month = false, day = false, epoch = false;
	size_t len = strlen(pattern);

	if (len == 0)
		return sk_error_set(err, SK_EINVAL, "the time pattern is empty");
	if (len > FEEDTIME_PATTERN_MAX)
		return sk_error_set(err, SK_EINVAL, "the time pattern is longer than %d bytes",
				    FEEDTIME_PATTERN_MAX);
	for (size_t i = 0; i < len; i++) {
		if (pattern[i] != '%')
			continue;
		switch (pattern[++i]) {
		case 'Y':
		case 'y':
			year = true;
			break;
		case 'm':
		case 'b':
		case 'h':
		case 'B':
			month = true;
			break;
		case 'd':
		case 'e':
			day = true;
			break;
		case 'F':
			year = month = day = true;
			break;
		case 's':
			epoch = true;
			break;
		case 'H':
		case 'M':
		case 'S':
		case 'T':
		case 'a':
		case 'A':
		case 'z':
		case 'Z':
		case 'f':
		case '%':
			break;
		case '\0':
			return sk_error_set(err, SK_EINVAL, "the time pattern ends in '%%'");
		default:
			return sk_error_set(
			    err, SK_EINVAL,
			    "'%%%c' is not a time pattern directive (%%Y %%m %%d "
			    "%%e %%H %%M %%S %%y %%b %%B %%a %%z %%Z %%f %%s %%T "
			    "%%F %%%%)",
			    pattern[i]);
		}
	}
	if (!epoch && !(year && month && day))
		return sk_error_set(
		    err, SK_EINVAL,
		    "the time pattern needs a year, a month and a day (or %%s)");
	return 0;
}

static bool pattern_directive(struct scan *sc, char d, struct parts *p)
{
	int v, neg;
	int64_t e;

	switch (d) {
	case 'Y':
		return scan_num(sc, 4, 4, &p->year);
	case 'y':
		if (!scan_num(sc, 2, 2, &v))
			return false;
		p->year = v < 69 ? 2000 + v : 1900 + v;
		return true;
	case 'm':
		return scan_num(sc, 1, 2, &p->month);
	case 'd':
		return scan_num(sc, 1, 2, &p->day);
	case 'e':
		scan_spaces(sc);
		return scan_num(sc, 1, 2, &p->day);
	case 'H':
		return scan_num(sc, 1, 2, &p->hour);
	case 'M':
		return scan_num(sc, 1, 2, &p->min);
	case 'S':
		return scan_num(sc, 1, 2, &p->sec);
	case 'T':
		return scan_clock(sc, p);
	case 'F':
		return scan_num(sc, 4, 4, &p->year) && scan_char(sc, '-') &&
		       scan_num(sc, 1, 2, &p->month) && scan_char(sc, '-') &&
		       scan_num(sc, 1, 2, &p->day);
	case 'b':
	case 'h':
	case 'B':
		if (!scan_name(sc, month_names, 12, &v))
			return false;
		p->month = v + 1;
		return true;
	case 'a':
	case 'A':
		return scan_name(sc, day_names, 7, &v);
	case 'z':
	case 'Z':
		return scan_zone(sc, &p->offset);
	case 'f':
		v = 0;
		while (sc->i < sc->n && is_digit(sc->s[sc->i])) {
			sc->i++;
			v++;
		}
		return v > 0;
	case 's':
		neg = scan_char(sc, '-');
		e = 0;
		v = 0;
		while (sc->i < sc->n && is_digit(sc->s[sc->i]) && v < 12) {
			e = e * 10 + (sc->s[sc->i++] - '0');
			v++;
		}
		if (v == 0 || (sc->i < sc->n && is_digit(sc->s[sc->i])))
			return false;
		p->epoch = true;
		p->epoch_value = neg ? -e : e;
		return true;
	case '%':
		return scan_char(sc, '%');
	default:
		return false;
	}
}

int feedtime_parse_pattern(const char *pattern, const char *s, size_t n, int64_t *out)
{
	struct parts p = {0};
	struct scan sc;

	while (n > 0 && is_space(s[0])) {
		s++;
		n--;
	}
	while (n > 0 && is_space(s[n - 1]))
		n--;
	if (n == 0 || n > FEEDTIME_TEXT_MAX)
		return SK_EINVAL;
	sc.s = s;
	sc.n = n;
	sc.i = 0;
	for (const char *q = pattern; *q != '\0'; q++) {
		if (*q == '%') {
			if (*++q == '\0' || !pattern_directive(&sc, *q, &p))
				return SK_EINVAL;
		} else if (is_space(*q)) {
			scan_spaces(&sc);
		} else if (!scan_char(&sc, *q)) {
			return SK_EINVAL;
		}
	}
	if (sc.i != sc.n || !parts_to_time(&p, out))
		return SK_EINVAL;
	return 0;
}

void feedtime_format(int64_t t, char out[26])
{
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400), y;
	int64_t rem = t - days * 86400;
	unsigned m, d;
	unsigned v[6];
	char *o = out;

	str_civil_from_days(days, &y, &m, &d);
	if (y < 0)
		y = 0;
	else if (y > 9999)
		y = 9999;
	v[0] = (unsigned)y;
	v[1] = m;
	v[2] = d;
	v[3] = (unsigned)(rem / 3600);
	v[4] = (unsigned)(rem % 3600 / 60);
	v[5] = (unsigned)(rem % 60);
	*o++ = (char)('0' + v[0] / 1000);
	*o++ = (char)('0' + v[0] / 100 % 10);
	for (int i = 0; i < 6; i++) {
		*o++ = (char)('0' + v[i] / 10 % 10);
		*o++ = (char)('0' + v[i] % 10);
		*o++ = "--T::+"[i];
	}
	memcpy(o, "00:00", 6);
}
