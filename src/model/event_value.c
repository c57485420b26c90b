/* model/event_value.c: a field's value checked and brought to its
 * canonical form by the field's kind: IP addresses and networks, AS
 * numbers, ports, numbers, booleans, domain names, URLs, times, country
 * codes, registries, base64, TLP labels.
 *
 * SECURITY: every value comes from outside (feeds, IntelMQ JSON, the
 * API). A value over EVENT_VALUE_MAX is refused before any work; values
 * must be valid UTF-8 without NUL bytes; parsers of IPs, AS numbers and
 * domain names are the strict ones in src/net; input quoted in an error
 * message is escaped and cut at SHOW_MAX bytes. */
#include "model/event.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/error.h"
#include "lib/str.h"
#include "lib/utf8.h"
#include "model/event_int.h"
#include "net/asn.h"
#include "net/domain.h"

#define DOMAIN_INPUT_MAX 1024 /* what domain_normalize reads */

/* ---- UTF-8 and showing input in messages ---- */

/* Offset of the first byte of s[0..n) that is not valid UTF-8, or n. */
size_t event_utf8_check(const char *text, size_t n)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0;

	while (i < n) {
		uint64_t w;
		uint32_t cp;
		size_t k;

		if (n - i >= 8) {
			memcpy(&w, s + i, 8);
			if ((w & 0x8080808080808080ull) == 0) {
				i += 8;
				continue;
			}
		}
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		k = utf8_decode(s + i, n - i, &cp);
		if (k == 0)
			return i;
		i += k;
	}
	return n;
}

/* The part of a message from src/net after the input it quotes:
 * "'x': over 255" gives "over 255". */
static const char *detail(const struct sk_error *sub, const char *input)
{
	const char *m = sub->msg, *p;
	size_t n = strlen(input);

	if (m[0] == '\'' && (p = strstr(m + 1, "': ")) != NULL)
		return p + 3;
	if (strncmp(m, input, n) == 0 && strncmp(m + n, ": ", 2) == 0)
		return m + n + 2;
	if (strncmp(m, "empty text: ", 12) == 0)
		return m + 12;
	return m;
}

/* ---- numbers ---- */

/* Check s[0..n) against the JSON number grammar; *integral is set if it
 * has neither fraction nor exponent. */
static bool json_number_syntax(const char *s, size_t n, bool *integral)
{
	size_t i = 0;

	*integral = true;
	if (i < n && s[i] == '-')
		i++;
	if (i >= n || !is_digit(s[i]))
		return false;
	if (s[i] == '0')
		i++;
	else
		while (i < n && is_digit(s[i]))
			i++;
	if (i < n && s[i] == '.') {
		*integral = false;
		if (++i >= n || !is_digit(s[i]))
			return false;
		while (i < n && is_digit(s[i]))
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		*integral = false;
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= n || !is_digit(s[i]))
			return false;
		while (i < n && is_digit(s[i]))
			i++;
	}
	return i == n;
}

/* A JSON number that fits: integers within int64, reals finite. Returns
 * NULL or why not; its value in *value unless value is NULL, in which
 * case most numbers need no conversion: an integer of up to 18 digits
 * fits, and a real without an exponent is finite at any length this
 * takes. */
const char *event_number_check(const char *s, size_t n, bool *integral, double *value)
{
	char z[NUMBER_MAX + 1];
	char *end = NULL;
	double d;

	if (!json_number_syntax(s, n, integral))
		return "not a number";
	if (n > NUMBER_MAX)
		return "too long for a number";
	if (value == NULL) {
		size_t digits = n - (s[0] == '-');

		if (*integral ? digits <= 18
			      : memchr(s, 'e', n) == NULL && memchr(s, 'E', n) == NULL)
			return NULL;
	}
	if (!copy_z(z, sizeof(z), s, n))
		return "too long for a number";
	errno = 0;
	if (*integral) {
		long long v = strtoll(z, &end, 10);

		if (errno == ERANGE)
			return "an integer out of the 64-bit range";
		d = (double)v;
	} else {
		d = strtod(z, &end);
		if (!isfinite(d) || (errno == ERANGE && (d > 1.0 || d < -1.0)))
			return "a number out of range";
	}
	if (value != NULL)
		*value = d;
	return NULL;
}

/* ---- time ---- */

static bool leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Read exactly digits decimal digits of s[0..n) at *i. */
static bool read_num(const char *s, size_t n, size_t *i, int digits, int *out)
{
	int v = 0;

	if (n - *i < (size_t)digits)
		return false;
	for (int k = 0; k < digits; k++) {
		char c = s[*i + (size_t)k];

		if (!is_digit(c))
			return false;
		v = v * 10 + (c - '0');
	}
	*i += (size_t)digits;
	*out = v;
	return true;
}

#define TIME_SYNTAX "not in the form 2024-01-31T12:00:00Z"

/* Parse an ISO 8601 time (see event.h) into seconds since the epoch. On
 * failure *why says what is wrong (into why_buf when it needs numbers). */
static bool parse_time(const char *s, size_t n, int64_t *out, const char **why, char *why_buf,
		       size_t why_size)
{
	int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, oh = 0, om = 0, sign = 0;
	size_t i = 0, frac = 0;
	int64_t t;
	unsigned dim;

	*why = TIME_SYNTAX;
	if (!read_num(s, n, &i, 4, &y) || i >= n || s[i++] != '-' ||
	    !read_num(s, n, &i, 2, &mo) || i >= n || s[i++] != '-' ||
	    !read_num(s, n, &i, 2, &d))
		return false;
	if (i == n) {
		*why = "a date without a time of day";
		return false;
	}
	if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
		return false;
	i++;
	if (!read_num(s, n, &i, 2, &h) || i >= n || s[i++] != ':' ||
	    !read_num(s, n, &i, 2, &mi) || i >= n || s[i++] != ':' ||
	    !read_num(s, n, &i, 2, &sec))
		return false;
	if (i < n && (s[i] == '.' || s[i] == ',')) {
		i++;
		while (i < n && is_digit(s[i])) {
			i++;
			frac++;
		}
		if (frac == 0)
			return false;
		if (frac > 9) {
			*why = "more than 9 digits of fractional seconds";
			return false;
		}
	}
	if (i < n && s[i] == ' ')
		i++; /* "2024-01-31 12:00:00 +0100" */
	if (i < n) {
		if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == n) {
			i++;
		} else if (n - i == 3 &&
			   (strncmp(s + i, "UTC", 3) == 0 || strncmp(s + i, "GMT", 3) == 0)) {
			i += 3;
		} else if (s[i] == '+' || s[i] == '-') {
			sign = s[i++] == '-' ? -1 : 1;
			if (!read_num(s, n, &i, 2, &oh))
				return false;
			if (i < n && s[i] == ':') {
				i++;
				if (!read_num(s, n, &i, 2, &om))
					return false;
			} else if (i < n && !read_num(s, n, &i, 2, &om)) {
				return false;
			}
		}
		if (i != n)
			return false;
	}

	*why = why_buf;
	if (y < 1) {
		snprintf(why_buf, why_size, "year %04d is out of range", y);
		return false;
	}
	if (mo < 1 || mo > 12) {
		snprintf(why_buf, why_size, "month %d is out of range", mo);
		return false;
	}
	dim = mo == 2 ? (leap(y) ? 29u : 28u)
		      : (mo == 4 || mo == 6 || mo == 9 || mo == 11 ? 30u : 31u);
	if (d < 1 || (unsigned)d > dim) {
		snprintf(why_buf, why_size, "day %d is out of range for %04d-%02d", d, y, mo);
		return false;
	}
	if (h > 23 || mi > 59 || sec > 59) {
		snprintf(why_buf, why_size, "%02d:%02d:%02d is not a time of day%s", h, mi, sec,
			 sec == 60 ? " (leap seconds are not supported)" : "");
		return false;
	}
	if (oh > 23 || om > 59) {
		snprintf(why_buf, why_size, "offset %02d:%02d is out of range", oh, om);
		return false;
	}
	t = str_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 +
	    sec;
	t -= (int64_t)sign * (oh * 3600 + om * 60);
	/* 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z */
	if (t < -62135596800LL || t > 253402300799LL) {
		snprintf(why_buf, why_size, "out of range once converted to UTC");
		return false;
	}
	*out = t;
	return true;
}

/* "YYYY-MM-DDTHH:MM:SS+00:00" and a NUL into out (26 bytes). */
static void format_time(int64_t t, char out[26])
{
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400), y;
	int64_t secs = t - days * 86400;
	unsigned m, d, v[6];

	str_civil_from_days(days, &y, &m, &d);
	v[0] = (unsigned)y;
	v[1] = m;
	v[2] = d;
	v[3] = (unsigned)(secs / 3600);
	v[4] = (unsigned)(secs / 60 % 60);
	v[5] = (unsigned)(secs % 60);
	memcpy(out, "0000-00-00T00:00:00+00:00", 26);
	out[0] = (char)('0' + v[0] / 1000 % 10);
	out[1] = (char)('0' + v[0] / 100 % 10);
	out[2] = (char)('0' + v[0] / 10 % 10);
	out[3] = (char)('0' + v[0] % 10);
	for (int k = 1; k < 6; k++) {
		out[2 + 3 * k] = (char)('0' + v[k] / 10);
		out[3 + 3 * k] = (char)('0' + v[k] % 10);
	}
}

/* ---- URL ---- */

/* NULL if s[0..n) is a URL with a scheme and a host and no white space
 * or control characters; else why not. */
static const char *url_check(const char *s, size_t n)
{
	size_t i = 0, host_start, host_end;

	for (size_t k = 0; k < n; k++)
		if ((unsigned char)s[k] <= 0x20 || s[k] == 0x7f)
			return "it holds a space or a control character";
	if (n == 0 || !is_alpha(s[0]))
		return "no scheme such as http://";
	while (i < n &&
	       (is_alpha(s[i]) || is_digit(s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.'))
		i++;
	if (n - i < 3 || memcmp(s + i, "://", 3) != 0)
		return "no scheme such as http://";
	host_start = i + 3;
	host_end = host_start;
	while (host_end < n && s[host_end] != '/' && s[host_end] != '?' && s[host_end] != '#')
		host_end++;
	for (size_t k = host_end; k > host_start; k--)
		if (s[k - 1] == '@') {
			host_start = k; /* after user info */
			break;
		}
	if (host_end == host_start || s[host_start] == ':')
		return "no host";
	return NULL;
}

/* ---- values ---- */

static int bad(struct sk_error *err, unsigned f, const char *text, size_t len, const char *what,
	       const char *why)
{
	char shown[SHOW_SIZE];

	str_show(text, len, SHOW_MAX, shown);
	if (why != NULL && *why != '\0')
		return sk_error_set(err, SK_EINVAL, "%s: '%s' is not %s (%s)",
				    event_fields[f].name, shown, what, why);
	return sk_error_set(err, SK_EINVAL, "%s: '%s' is not %s", event_fields[f].name, shown,
			    what);
}

/* Whether text[0..len) is an IPv4 address as prefix_format_addr writes
 * it: four numbers without leading zeros between dots. Checked only
 * after the address parsed, so the numbers are in range. */
static bool ipv4_canonical(const char *text, size_t len)
{
	size_t i = 0;

	for (int part = 0; part < 4; part++) {
		size_t start = i;

		while (i < len && is_digit(text[i]))
			i++;
		if (i == start || (text[start] == '0' && i - start > 1))
			return false;
		if (part < 3 && (i >= len || text[i++] != '.'))
			return false;
	}
	return i == len;
}

/* The decimal digits of v into out (24 bytes); returns their count. */
static size_t put_u64(char *out, uint64_t v)
{
	char tmp[24];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = '\0';
	return n;
}

static int canon_ip(unsigned f, const char *text, size_t len, bool network, struct canon *c,
		    struct sk_error *err)
{
	const char *what = network ? "an IP network" : "an IP address";
	char z[PREFIX_TEXT_MAX + 1];
	struct sk_error sub = {0};
	struct prefix p;
	int n;

	if (!copy_z(z, sizeof(z), text, len))
		return bad(err, f, text, len, what, "too long");
	if ((network ? prefix_parse(z, &p, &sub) : prefix_parse_addr(z, &p, &sub)) != 0)
		return bad(err, f, text, len, what, detail(&sub, z));
	if (!network) {
		static const uint8_t zero[16];

		if (memcmp(p.addr, zero, p.family == 4 ? 4 : 16) == 0)
			return bad(err, f, text, len, "a host address",
				   "it is the unspecified address");
		if (p.family == 4 && ipv4_canonical(text, len)) {
			c->parsed.prefix = p; /* the text is its canonical form */
			return 0;
		}
		n = prefix_format_addr(&p, c->buf, sizeof(c->buf));
	} else {
		n = prefix_format(&p, c->buf, sizeof(c->buf));
	}
	if (n < 0)
		return bad(err, f, text, len, what, NULL);
	c->text = c->buf;
	c->len = (size_t)n;
	c->parsed.prefix = p;
	return 0;
}

static int canon_asn(unsigned f, const char *text, size_t len, struct canon *c,
		     struct sk_error *err)
{
	char z[33];
	struct sk_error sub = {0};
	uint32_t asn;

	if (!copy_z(z, sizeof(z), text, len))
		return bad(err, f, text, len, "an AS number", "too long");
	if (asn_parse(z, &asn, &sub) != 0)
		return bad(err, f, text, len, "an AS number", detail(&sub, z));
	c->text = c->buf;
	c->len = put_u64(c->buf, asn);
	c->parsed.num = asn;
	return 0;
}

static int canon_port(unsigned f, const char *text, size_t len, struct canon *c,
		      struct sk_error *err)
{
	char shown[SHOW_SIZE];
	uint32_t v = 0;
	size_t i = 0;

	while (i < len && is_digit(text[i])) {
		if (v <= 65535)
			v = v * 10 + (uint32_t)(text[i] - '0');
		i++;
	}
	if (i != len || v > 65535)
		return sk_error_set(err, SK_EINVAL, "%s: %s is not a port (0-65535)",
				    event_fields[f].name, str_show(text, len, SHOW_MAX, shown));
	c->text = c->buf;
	c->len = put_u64(c->buf, v);
	c->parsed.num = v;
	return 0;
}

static int canon_integer(unsigned f, const char *text, size_t len, struct canon *c,
			 struct sk_error *err)
{
	char z[24];
	int64_t v;
	int n;

	if (!copy_z(z, sizeof(z), text, len) || str_to_i64(z, INT64_MIN, INT64_MAX, &v) != 0)
		return bad(err, f, text, len, "an integer", NULL);
	n = snprintf(c->buf, sizeof(c->buf), "%lld", (long long)v);
	c->text = c->buf;
	c->len = (size_t)n;
	c->parsed.num = v;
	return 0;
}

static int canon_float(unsigned f, const char *text, size_t len, bool accuracy, struct canon *c,
		       struct sk_error *err)
{
	char shown[SHOW_SIZE];
	const char *why;
	bool integral;
	double v;

	why = event_number_check(text, len, &integral, &v);
	if (why != NULL)
		return bad(err, f, text, len, "a number",
			   strcmp(why, "not a number") == 0 ? NULL : why);
	if (accuracy && (v < 0 || v > 100))
		return sk_error_set(err, SK_EINVAL, "%s: %s is not an accuracy (0-100)",
				    event_fields[f].name, str_show(text, len, SHOW_MAX, shown));
	memcpy(c->buf, text, len); /* len <= NUMBER_MAX */
	c->len = len;
	if (integral) {
		memcpy(c->buf + len, ".0", 2); /* IntelMQ writes floats as 48.0 */
		c->len += 2;
	}
	c->text = c->buf;
	return 0;
}

static int canon_bool(unsigned f, const char *text, size_t len, struct canon *c,
		      struct sk_error *err)
{
	bool v;

	if ((len == 4 && strncasecmp(text, "true", 4) == 0) || (len == 1 && text[0] == '1'))
		v = true;
	else if ((len == 5 && strncasecmp(text, "false", 5) == 0) ||
		 (len == 1 && text[0] == '0'))
		v = false;
	else
		return bad(err, f, text, len, "a boolean", "true or false");
	c->text = v ? "true" : "false";
	c->len = v ? 4 : 5;
	c->parsed.num = v;
	return 0;
}

/* A reverse DNS name that is no host name: letters, digits, '-', '_'
 * and dots, at most DOMAIN_MAX bytes once one trailing dot is gone. */
static bool rdns_lenient(const char *text, size_t len, struct canon *c)
{
	if (len > 0 && text[len - 1] == '.')
		len--;
	if (len == 0 || len > DOMAIN_MAX || text[0] == '.' || text[len - 1] == '.')
		return false;
	for (size_t i = 0; i < len; i++) {
		char ch = text[i];

		if (!is_alpha(ch) && !is_digit(ch) && ch != '-' && ch != '_' && ch != '.')
			return false;
		if (ch == '.' && i + 1 < len && text[i + 1] == '.')
			return false;
	}
	memcpy(c->buf, text, len);
	lower_n(c->buf, len);
	c->text = c->buf;
	c->len = len;
	return true;
}

static int canon_domain(unsigned f, const char *text, size_t len, int kind, struct canon *c,
			struct sk_error *err)
{
	char z[DOMAIN_INPUT_MAX + 1];
	struct sk_error sub = {0};

	if (!copy_z(z, sizeof(z), text, len))
		return bad(err, f, text, len, "a domain name", "too long");
	if (domain_normalize(z, kind == K_SUFFIX, c->buf, &sub) != 0) {
		if (kind == K_RDNS && rdns_lenient(text, len, c))
			return 0;
		return bad(err, f, text, len, "a domain name", detail(&sub, z));
	}
	c->text = c->buf;
	c->len = strlen(c->buf);
	return 0;
}

static int canon_url(unsigned f, const char *text, size_t len, struct canon *c,
		     struct sk_error *err)
{
	const char *why = url_check(text, len);

	if (why != NULL)
		return bad(err, f, text, len, "a URL", why);
	c->text = text;
	c->len = len;
	if ((len > 7 && strncasecmp(text, "hxxp://", 7) == 0) ||
	    (len > 8 && strncasecmp(text, "hxxps://", 8) == 0))
		c->post = POST_DEFANG;
	return 0;
}

static int canon_time(unsigned f, const char *text, size_t len, struct canon *c,
		      struct sk_error *err)
{
	char why_buf[96];
	const char *why;
	int64_t t;

	if (len > 64 || !parse_time(text, len, &t, &why, why_buf, sizeof(why_buf)))
		return bad(err, f, text, len, "an ISO 8601 time", len > 64 ? "too long" : why);
	format_time(t, c->buf);
	c->text = c->buf;
	c->len = 25;
	c->parsed.num = t;
	return 0;
}

static int canon_cc(unsigned f, const char *text, size_t len, struct canon *c,
		    struct sk_error *err)
{
	if (len != 2 || !(is_alpha(text[0]) || is_digit(text[0])) ||
	    !(is_alpha(text[1]) || is_digit(text[1])))
		return bad(err, f, text, len, "a country code",
			   "two letters, ISO 3166-1 alpha-2");
	c->text = text;
	c->len = 2;
	c->post = POST_UPPER;
	return 0;
}

static int canon_registry(unsigned f, const char *text, size_t len, struct canon *c,
			  struct sk_error *err)
{
	static const char *const names[] = {"AFRINIC", "APNIC",	   "ARIN",   "LACNIC",
					    "RIPE",    "RIPE-NCC", "RIPENCC"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strlen(names[i]) == len && strncasecmp(text, names[i], len) == 0) {
			c->text = i >= 4 ? "RIPE" : names[i];
			c->len = strlen(c->text);
			return 0;
		}
	}
	return bad(err, f, text, len, "a regional Internet registry",
		   "AFRINIC, APNIC, ARIN, LACNIC or RIPE");
}

static int canon_base64(unsigned f, const char *text, size_t len, struct canon *c,
			struct sk_error *err)
{
	size_t i = 0, pad = 0;

	while (i < len &&
	       (is_alpha(text[i]) || is_digit(text[i]) || text[i] == '+' || text[i] == '/'))
		i++;
	while (i < len && text[i] == '=' && pad < 2) {
		i++;
		pad++;
	}
	if (i != len || len % 4 != 0)
		return sk_error_set(err, SK_EINVAL, "%s: the value is not base64",
				    event_fields[f].name);
	c->text = text;
	c->len = len;
	return 0;
}

static int canon_tlp(unsigned f, const char *text, size_t len, struct canon *c,
		     struct sk_error *err)
{
	char z[40];
	struct sk_error sub = {0};
	enum tlp_label label;

	if (!copy_z(z, sizeof(z), text, len))
		return bad(err, f, text, len, "a TLP label", "too long");
	if (tlp_parse(z, &label, &sub) != 0)
		return bad(err, f, text, len, "a TLP label",
			   "TLP:RED, TLP:AMBER+STRICT, TLP:AMBER, TLP:GREEN or TLP:CLEAR");
	c->text = tlp_name(label);
	c->len = strlen(c->text);
	c->parsed.num = label;
	return 0;
}

/* Checks every value of a known field passes. */
static int check_common(unsigned f, const char *text, size_t len, struct sk_error *err)
{
	char shown[SHOW_SIZE];
	size_t bad_at;

	if (text == NULL || len == 0)
		return sk_error_set(err, SK_EINVAL, "%s: the value is empty",
				    event_fields[f].name);
	if (len > EVENT_VALUE_MAX)
		return sk_error_set(err, SK_ETOOBIG,
				    "%s: the value is %zu bytes long, over the limit of %d",
				    event_fields[f].name, len, EVENT_VALUE_MAX);
	if (!plain_text(text, len)) {
		if (memchr(text, '\0', len) != NULL)
			return sk_error_set(err, SK_EINVAL, "%s: the value holds a NUL byte",
					    event_fields[f].name);
		bad_at = event_utf8_check(text, len);
		if (bad_at != len)
			return sk_error_set(
			    err, SK_EINVAL,
			    "%s: the value is not valid UTF-8 (at byte %zu): '%s'",
			    event_fields[f].name, bad_at, str_show(text, len, SHOW_MAX, shown));
	}
	if (is_space((unsigned char)text[0]) || is_space((unsigned char)text[len - 1]))
		return sk_error_set(err, SK_EINVAL,
				    "%s: '%s' has leading or trailing white space",
				    event_fields[f].name, str_show(text, len, SHOW_MAX, shown));
	return 0;
}

/* text[0..len) is borrowed; c is the caller's. */
int event_value_canon(unsigned f, const char *text, size_t len, struct canon *c,
		      struct sk_error *err)
{
	int rc;

	rc = check_common(f, text, len, err);
	if (rc != 0)
		return rc;
	c->text = text;
	c->len = len;
	c->post = POST_NONE;
	memset(&c->parsed, 0, sizeof(c->parsed));
	switch (event_fields[f].kind) {
	case K_TEXT:
		break;
	case K_LOWER:
		c->post = POST_LOWER;
		break;
	case K_UPPER:
		c->post = POST_UPPER;
		break;
	case K_CC:
		rc = canon_cc(f, text, len, c, err);
		break;
	case K_IP:
	case K_NETWORK:
		rc = canon_ip(f, text, len, event_fields[f].kind == K_NETWORK, c, err);
		break;
	case K_ASN:
		rc = canon_asn(f, text, len, c, err);
		break;
	case K_PORT:
		rc = canon_port(f, text, len, c, err);
		break;
	case K_INTEGER:
		rc = canon_integer(f, text, len, c, err);
		break;
	case K_FLOAT:
	case K_ACCURACY:
		rc = canon_float(f, text, len, event_fields[f].kind == K_ACCURACY, c, err);
		break;
	case K_BOOL:
		rc = canon_bool(f, text, len, c, err);
		break;
	case K_FQDN:
	case K_SUFFIX:
	case K_RDNS:
		rc = canon_domain(f, text, len, event_fields[f].kind, c, err);
		break;
	case K_URL:
		rc = canon_url(f, text, len, c, err);
		break;
	case K_TIME:
		rc = canon_time(f, text, len, c, err);
		break;
	case K_TAXONOMY:
	case K_TYPE:
		break; /* checked against the event by event.c */
	case K_TLP:
		rc = canon_tlp(f, text, len, c, err);
		break;
	case K_REGISTRY:
		rc = canon_registry(f, text, len, c, err);
		break;
	case K_BASE64:
		rc = canon_base64(f, text, len, c, err);
		break;
	}
	return rc;
}
