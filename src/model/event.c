/* model/event.c: events with IntelMQ's field names: validation and
 * canonical forms per field kind, a per-event text arena, extra.* fields
 * and IntelMQ JSON output.
 *
 * SECURITY: every value comes from outside (feeds, IntelMQ JSON, the
 * API). Sizes are checked before any work: a value over EVENT_VALUE_MAX,
 * an event over EVENT_TEXT_MAX of text or EVENT_EXTRA_MAX extra fields is
 * refused; values must be valid UTF-8 without NUL bytes; parsers of IPs,
 * AS numbers and domain names are the strict ones in src/net; input quoted
 * in an error message is escaped and cut at SHOW_MAX bytes. A failed set
 * leaves the event as it was. */
#include "model/event.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/error.h"
#include "lib/str.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"
#include "model/taxonomy.h"
#include "net/asn.h"
#include "net/domain.h"

#define SHOW_MAX	 80
#define SHOW_SIZE	 STR_SHOW_SIZE(SHOW_MAX)
#define NUMBER_MAX	 64   /* bytes in a number's text */
#define CANON_MAX	 256  /* bytes of canonical text built on the side */
#define DOMAIN_INPUT_MAX 1024 /* what domain_normalize reads */

enum kind {
	K_TEXT,
	K_LOWER,
	K_UPPER,
	K_CC,
	K_IP,
	K_NETWORK,
	K_ASN,
	K_PORT,
	K_INTEGER,
	K_FLOAT,
	K_ACCURACY,
	K_BOOL,
	K_FQDN,
	K_SUFFIX,
	K_RDNS,
	K_URL,
	K_TIME,
	K_TAXONOMY,
	K_TYPE,
	K_TLP,
	K_REGISTRY,
	K_BASE64,
};

struct field_def {
	const char *name;
	uint8_t kind;
};

static const struct field_def fields[EVENT_FIELD_COUNT] = {
    [EVENT_CLASSIFICATION_IDENTIFIER] = {"classification.identifier", K_TEXT},
    [EVENT_CLASSIFICATION_TAXONOMY] = {"classification.taxonomy", K_TAXONOMY},
    [EVENT_CLASSIFICATION_TYPE] = {"classification.type", K_TYPE},
    [EVENT_COMMENT] = {"comment", K_TEXT},
    [EVENT_DESTINATION_ABUSE_CONTACT] = {"destination.abuse_contact", K_LOWER},
    [EVENT_DESTINATION_ACCOUNT] = {"destination.account", K_TEXT},
    [EVENT_DESTINATION_ALLOCATED] = {"destination.allocated", K_TIME},
    [EVENT_DESTINATION_AS_NAME] = {"destination.as_name", K_TEXT},
    [EVENT_DESTINATION_ASN] = {"destination.asn", K_ASN},
    [EVENT_DESTINATION_DOMAIN_SUFFIX] = {"destination.domain_suffix", K_SUFFIX},
    [EVENT_DESTINATION_FQDN] = {"destination.fqdn", K_FQDN},
    [EVENT_DESTINATION_GEOLOCATION_CC] = {"destination.geolocation.cc", K_CC},
    [EVENT_DESTINATION_GEOLOCATION_CITY] = {"destination.geolocation.city", K_TEXT},
    [EVENT_DESTINATION_GEOLOCATION_COUNTRY] = {"destination.geolocation.country", K_TEXT},
    [EVENT_DESTINATION_GEOLOCATION_LATITUDE] = {"destination.geolocation.latitude", K_FLOAT},
    [EVENT_DESTINATION_GEOLOCATION_LONGITUDE] = {"destination.geolocation.longitude", K_FLOAT},
    [EVENT_DESTINATION_GEOLOCATION_REGION] = {"destination.geolocation.region", K_TEXT},
    [EVENT_DESTINATION_GEOLOCATION_STATE] = {"destination.geolocation.state", K_TEXT},
    [EVENT_DESTINATION_IP] = {"destination.ip", K_IP},
    [EVENT_DESTINATION_LOCAL_HOSTNAME] = {"destination.local_hostname", K_TEXT},
    [EVENT_DESTINATION_LOCAL_IP] = {"destination.local_ip", K_IP},
    [EVENT_DESTINATION_NETWORK] = {"destination.network", K_NETWORK},
    [EVENT_DESTINATION_PORT] = {"destination.port", K_PORT},
    [EVENT_DESTINATION_REGISTRY] = {"destination.registry", K_REGISTRY},
    [EVENT_DESTINATION_REVERSE_DNS] = {"destination.reverse_dns", K_RDNS},
    [EVENT_DESTINATION_TOR_NODE] = {"destination.tor_node", K_BOOL},
    [EVENT_DESTINATION_URL] = {"destination.url", K_URL},
    [EVENT_DESTINATION_URLPATH] = {"destination.urlpath", K_TEXT},
    [EVENT_EVENT_DESCRIPTION_TARGET] = {"event_description.target", K_TEXT},
    [EVENT_EVENT_DESCRIPTION_TEXT] = {"event_description.text", K_TEXT},
    [EVENT_EVENT_DESCRIPTION_URL] = {"event_description.url", K_URL},
    [EVENT_EVENT_HASH] = {"event_hash", K_UPPER},
    [EVENT_FEED_ACCURACY] = {"feed.accuracy", K_ACCURACY},
    [EVENT_FEED_CODE] = {"feed.code", K_TEXT},
    [EVENT_FEED_DOCUMENTATION] = {"feed.documentation", K_TEXT},
    [EVENT_FEED_NAME] = {"feed.name", K_TEXT},
    [EVENT_FEED_PROVIDER] = {"feed.provider", K_TEXT},
    [EVENT_FEED_URL] = {"feed.url", K_URL},
    [EVENT_MALWARE_HASH_MD5] = {"malware.hash.md5", K_TEXT},
    [EVENT_MALWARE_HASH_SHA1] = {"malware.hash.sha1", K_TEXT},
    [EVENT_MALWARE_HASH_SHA256] = {"malware.hash.sha256", K_TEXT},
    [EVENT_MALWARE_NAME] = {"malware.name", K_LOWER},
    [EVENT_MALWARE_VERSION] = {"malware.version", K_TEXT},
    [EVENT_MISP_ATTRIBUTE_UUID] = {"misp.attribute_uuid", K_LOWER},
    [EVENT_MISP_EVENT_UUID] = {"misp.event_uuid", K_LOWER},
    [EVENT_PRODUCT_NAME] = {"product.name", K_TEXT},
    [EVENT_PRODUCT_VENDOR] = {"product.vendor", K_TEXT},
    [EVENT_PRODUCT_VERSION] = {"product.version", K_TEXT},
    [EVENT_PRODUCT_VULNERABILITIES] = {"product.vulnerabilities", K_LOWER},
    [EVENT_PROTOCOL_APPLICATION] = {"protocol.application", K_LOWER},
    [EVENT_PROTOCOL_TRANSPORT] = {"protocol.transport", K_LOWER},
    [EVENT_RAW] = {"raw", K_BASE64},
    [EVENT_RTIR_ID] = {"rtir_id", K_INTEGER},
    [EVENT_SCREENSHOT_URL] = {"screenshot_url", K_URL},
    [EVENT_SEVERITY] = {"severity", K_LOWER},
    [EVENT_SOURCE_ABUSE_CONTACT] = {"source.abuse_contact", K_LOWER},
    [EVENT_SOURCE_ACCOUNT] = {"source.account", K_TEXT},
    [EVENT_SOURCE_ALLOCATED] = {"source.allocated", K_TIME},
    [EVENT_SOURCE_AS_NAME] = {"source.as_name", K_TEXT},
    [EVENT_SOURCE_ASN] = {"source.asn", K_ASN},
    [EVENT_SOURCE_DOMAIN_SUFFIX] = {"source.domain_suffix", K_SUFFIX},
    [EVENT_SOURCE_FQDN] = {"source.fqdn", K_FQDN},
    [EVENT_SOURCE_GEOLOCATION_CC] = {"source.geolocation.cc", K_CC},
    [EVENT_SOURCE_GEOLOCATION_CITY] = {"source.geolocation.city", K_TEXT},
    [EVENT_SOURCE_GEOLOCATION_COUNTRY] = {"source.geolocation.country", K_TEXT},
    [EVENT_SOURCE_GEOLOCATION_CYMRU_CC] = {"source.geolocation.cymru_cc", K_CC},
    [EVENT_SOURCE_GEOLOCATION_GEOIP_CC] = {"source.geolocation.geoip_cc", K_CC},
    [EVENT_SOURCE_GEOLOCATION_LATITUDE] = {"source.geolocation.latitude", K_FLOAT},
    [EVENT_SOURCE_GEOLOCATION_LONGITUDE] = {"source.geolocation.longitude", K_FLOAT},
    [EVENT_SOURCE_GEOLOCATION_REGION] = {"source.geolocation.region", K_TEXT},
    [EVENT_SOURCE_GEOLOCATION_STATE] = {"source.geolocation.state", K_TEXT},
    [EVENT_SOURCE_IP] = {"source.ip", K_IP},
    [EVENT_SOURCE_LOCAL_HOSTNAME] = {"source.local_hostname", K_TEXT},
    [EVENT_SOURCE_LOCAL_IP] = {"source.local_ip", K_IP},
    [EVENT_SOURCE_NETWORK] = {"source.network", K_NETWORK},
    [EVENT_SOURCE_PORT] = {"source.port", K_PORT},
    [EVENT_SOURCE_REGISTRY] = {"source.registry", K_REGISTRY},
    [EVENT_SOURCE_REVERSE_DNS] = {"source.reverse_dns", K_RDNS},
    [EVENT_SOURCE_TOR_NODE] = {"source.tor_node", K_BOOL},
    [EVENT_SOURCE_URL] = {"source.url", K_URL},
    [EVENT_SOURCE_URLPATH] = {"source.urlpath", K_TEXT},
    [EVENT_STATUS] = {"status", K_TEXT},
    [EVENT_TIME_OBSERVATION] = {"time.observation", K_TIME},
    [EVENT_TIME_SOURCE] = {"time.source", K_TIME},
    [EVENT_TLP] = {"tlp", K_TLP},
};

/* ---- names to fields: an open-addressing hash table built once ---- */

#define LOOKUP_SIZE 256 /* a power of two, over twice the field count */

_Static_assert(EVENT_FIELD_COUNT < LOOKUP_SIZE / 2, "grow LOOKUP_SIZE");
_Static_assert(EVENT_FIELD_COUNT <= 128, "grow event.set");

static uint8_t lookup_table[LOOKUP_SIZE]; /* field + 1; 0 is empty */
static uint8_t name_len[EVENT_FIELD_COUNT];
static pthread_once_t lookup_once = PTHREAD_ONCE_INIT;

/* FNV-1a. */
static uint32_t hash_bytes(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

static void lookup_build(void)
{
	for (int f = 0; f < EVENT_FIELD_COUNT; f++) {
		size_t n = strlen(fields[f].name);
		uint32_t h = hash_bytes(fields[f].name, n) & (LOOKUP_SIZE - 1);

		name_len[f] = (uint8_t)n;
		while (lookup_table[h] != 0)
			h = (h + 1) & (LOOKUP_SIZE - 1);
		lookup_table[h] = (uint8_t)(f + 1);
	}
}

/* name[0..n) is borrowed. */
static int lookup_n(const char *name, size_t n)
{
	uint32_t h;

	pthread_once(&lookup_once, lookup_build);
	h = hash_bytes(name, n) & (LOOKUP_SIZE - 1);
	while (lookup_table[h] != 0) {
		int f = lookup_table[h] - 1;

		if (name_len[f] == n && memcmp(fields[f].name, name, n) == 0)
			return f;
		h = (h + 1) & (LOOKUP_SIZE - 1);
	}
	return -1;
}

int event_field_lookup(const char *name)
{
	if (name == NULL)
		return -1;
	return lookup_n(name, strlen(name));
}

const char *event_field_name(enum event_field f)
{
	if ((unsigned)f >= EVENT_FIELD_COUNT)
		return NULL;
	return fields[f].name;
}

enum event_json_type event_field_json_type(enum event_field f)
{
	if ((unsigned)f >= EVENT_FIELD_COUNT)
		return EVENT_JSON_STRING;
	switch (fields[f].kind) {
	case K_ASN:
	case K_PORT:
	case K_INTEGER:
	case K_FLOAT:
	case K_ACCURACY:
		return EVENT_JSON_NUMBER;
	case K_BOOL:
		return EVENT_JSON_BOOL;
	default:
		return EVENT_JSON_STRING;
	}
}

/* ---- UTF-8 and showing input in messages ---- */

/* Offset of the first byte of s[0..n) that is not valid UTF-8, or n. */
static size_t utf8_check(const char *text, size_t n)
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

/* True if text[0..len) is plain ASCII without NUL bytes: valid as it
 * is. One pass, eight bytes at a time; false sends the caller to the
 * exact checks (and their messages). */
static bool plain_text(const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		uint64_t w;

		memcpy(&w, s + i, 8);
		/* a byte >= 0x80, or a zero byte */
		if ((w & highs) != 0 || ((w - ones) & ~w & highs) != 0)
			return false;
	}
	for (; i < len; i++)
		if (s[i] == 0 || s[i] >= 0x80)
			return false;
	return true;
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

/* ---- small scanners ---- */

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static void lower_n(char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] >= 'A' && s[i] <= 'Z')
			s[i] = (char)(s[i] - 'A' + 'a');
}

static void upper_n(char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] >= 'a' && s[i] <= 'z')
			s[i] = (char)(s[i] - 'a' + 'A');
}

/* Copy text[0..len) into dst (size bytes) with a NUL; false if it does
 * not fit. */
static bool copy_z(char *dst, size_t size, const char *text, size_t len)
{
	if (len >= size)
		return false;
	memcpy(dst, text, len);
	dst[len] = '\0';
	return true;
}

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
static const char *json_number_check(const char *s, size_t n, bool *integral, double *value)
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

/* ---- the arena ---- */

static bool field_is_set(const struct event *ev, unsigned f)
{
	return (ev->set[f / 64] >> (f % 64)) & 1u;
}

static void field_mark(struct event *ev, unsigned f, bool on)
{
	if (on)
		ev->set[f / 64] |= (uint64_t)1 << (f % 64);
	else
		ev->set[f / 64] &= ~((uint64_t)1 << (f % 64));
}

static int too_big(struct sk_error *err, const char *name)
{
	return sk_error_set(err, SK_ETOOBIG,
			    "%s: the event would hold more than %d bytes of text", name,
			    EVENT_TEXT_MAX);
}

/* True if p points into ev's arena, which may move when it grows. */
static bool in_arena(const struct event *ev, const char *p)
{
	uintptr_t x = (uintptr_t)p, base = (uintptr_t)ev->arena.data;

	return ev->arena.data != NULL && x >= base && x < base + ev->arena.alloc;
}

/* Append text[0..len) and a NUL to the arena; *off is where it went.
 * text may point into the arena itself. */
static int arena_append(struct event *ev, const char *text, size_t len, uint32_t *off)
{
	struct buf *a = &ev->arena;
	size_t start = a->len;
	char *copy = NULL;
	int rc = 0;

	if (in_arena(ev, text)) {
		copy = xmalloc(len + 1); /* rare: the arena may move while growing */
		memcpy(copy, text, len);
		text = copy;
	}
	/* The value and its NUL in one piece: buf_append writes a NUL
	 * after what it appends, which is the value's own. */
	if (start + len + 1 > a->max || buf_append(a, text, len) != 0) {
		rc = SK_ETOOBIG;
	} else {
		a->len++; /* past the NUL, which buf_append wrote */
		if (a->len < a->alloc)
			a->data[a->len] = '\0';
		else
			rc = buf_append(a, "", 0); /* room for the next NUL */
	}
	if (rc != 0) {
		a->len = start;
		if (a->data != NULL)
			a->data[start] = '\0';
		rc = SK_ETOOBIG;
	}
	free(copy);
	if (rc == 0)
		*off = (uint32_t)start;
	return rc;
}

/* Make text[0..len) the value of field f: in place when it fits where
 * the old value was, else appended. Returns a pointer to the stored copy
 * through *stored. */
static int put_text(struct event *ev, unsigned f, const char *text, size_t len, char **stored,
		    struct sk_error *err)
{
	struct event_text *t = &ev->text[f];
	uint32_t off;

	if (field_is_set(ev, f) && len <= t->len) {
		memmove(ev->arena.data + t->off, text, len);
		ev->arena.data[t->off + len] = '\0';
		t->len = (uint32_t)len;
	} else {
		if (arena_append(ev, text, len, &off) != 0)
			return too_big(err, fields[f].name);
		t->off = off;
		t->len = (uint32_t)len;
	}
	field_mark(ev, f, true);
	*stored = ev->arena.data + t->off;
	return 0;
}

/* ---- values ---- */

/* A canonical value built before it is stored. */
struct canon {
	const char *text; /* input or buf */
	size_t len;
	union event_parsed parsed;
	enum { POST_NONE, POST_LOWER, POST_UPPER, POST_DEFANG } post;
	char buf[CANON_MAX];
};

static int bad(struct sk_error *err, unsigned f, const char *text, size_t len, const char *what,
	       const char *why)
{
	char shown[SHOW_SIZE];

	str_show(text, len, SHOW_MAX, shown);
	if (why != NULL && *why != '\0')
		return sk_error_set(err, SK_EINVAL, "%s: '%s' is not %s (%s)", fields[f].name,
				    shown, what, why);
	return sk_error_set(err, SK_EINVAL, "%s: '%s' is not %s", fields[f].name, shown, what);
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
				    fields[f].name, str_show(text, len, SHOW_MAX, shown));
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

	why = json_number_check(text, len, &integral, &v);
	if (why != NULL)
		return bad(err, f, text, len, "a number",
			   strcmp(why, "not a number") == 0 ? NULL : why);
	if (accuracy && (v < 0 || v > 100))
		return sk_error_set(err, SK_EINVAL, "%s: %s is not an accuracy (0-100)",
				    fields[f].name, str_show(text, len, SHOW_MAX, shown));
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
				    fields[f].name);
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
		return sk_error_set(err, SK_EINVAL, "%s: the value is empty", fields[f].name);
	if (len > EVENT_VALUE_MAX)
		return sk_error_set(err, SK_ETOOBIG,
				    "%s: the value is %zu bytes long, over the limit of %d",
				    fields[f].name, len, EVENT_VALUE_MAX);
	if (!plain_text(text, len)) {
		if (memchr(text, '\0', len) != NULL)
			return sk_error_set(err, SK_EINVAL, "%s: the value holds a NUL byte",
					    fields[f].name);
		bad_at = utf8_check(text, len);
		if (bad_at != len)
			return sk_error_set(
			    err, SK_EINVAL,
			    "%s: the value is not valid UTF-8 (at byte %zu): '%s'",
			    fields[f].name, bad_at, str_show(text, len, SHOW_MAX, shown));
	}
	if (is_space((unsigned char)text[0]) || is_space((unsigned char)text[len - 1]))
		return sk_error_set(err, SK_EINVAL,
				    "%s: '%s' has leading or trailing white space",
				    fields[f].name, str_show(text, len, SHOW_MAX, shown));
	return 0;
}

/* Set classification.type, deriving classification.taxonomy (or
 * checking an explicit one). */
static int set_type(struct event *ev, const char *text, size_t len, struct sk_error *err)
{
	const unsigned ft = EVENT_CLASSIFICATION_TYPE, fx = EVENT_CLASSIFICATION_TAXONOMY;
	char z[64], shown[SHOW_SIZE];
	const char *type, *tax;
	enum taxonomy expect;
	char *stored;
	int t;

	t = copy_z(z, sizeof(z), text, len) ? taxonomy_type_lookup(z) : -1;
	if (t < 0)
		return sk_error_set(err, SK_EINVAL, "%s: '%s' is not an RSIT type",
				    fields[ft].name, str_show(text, len, SHOW_MAX, shown));
	type = taxonomy_type_names[t];
	expect = taxonomy_type_taxonomy[t];
	tax = taxonomy_names[expect];
	if (field_is_set(ev, fx) && !ev->taxonomy_derived && ev->parsed[fx].num != expect)
		return sk_error_set(err, SK_EINVAL,
				    "%s: '%s' does not match classification.taxonomy '%s' (it "
				    "belongs to %s)",
				    fields[ft].name, type, taxonomy_names[ev->parsed[fx].num],
				    tax);
	/* Both values go in, or neither: check the room for both first. */
	if (ev->arena.len + strlen(type) + strlen(tax) + 2 > EVENT_TEXT_MAX)
		return too_big(err, fields[ft].name);
	if (put_text(ev, ft, type, strlen(type), &stored, err) != 0)
		return SK_ETOOBIG;
	ev->parsed[ft].num = t;
	if (!field_is_set(ev, fx) || ev->taxonomy_derived) {
		if (put_text(ev, fx, tax, strlen(tax), &stored, err) != 0)
			return SK_ETOOBIG;
		ev->parsed[fx].num = expect;
		ev->taxonomy_derived = true;
	}
	return 0;
}

/* Set classification.taxonomy given explicitly. */
static int set_taxonomy(struct event *ev, const char *text, size_t len, struct sk_error *err)
{
	const unsigned ft = EVENT_CLASSIFICATION_TYPE, fx = EVENT_CLASSIFICATION_TAXONOMY;
	char z[64], shown[SHOW_SIZE];
	const char *tax;
	char *stored;
	int x;

	x = copy_z(z, sizeof(z), text, len) ? taxonomy_lookup(z) : -1;
	if (x < 0)
		return sk_error_set(err, SK_EINVAL,
				    "%s: '%s' is not an RSIT taxonomy (abusive-content, "
				    "availability, fraud, information-content-security, "
				    "information-gathering, intrusion-attempts, intrusions, "
				    "malicious-code, other, test, vulnerable)",
				    fields[fx].name, str_show(text, len, SHOW_MAX, shown));
	tax = taxonomy_names[x];
	if (field_is_set(ev, ft) &&
	    taxonomy_type_taxonomy[ev->parsed[ft].num] != (enum taxonomy)x)
		return sk_error_set(
		    err, SK_EINVAL,
		    "%s: '%s' does not match classification.type '%s' (which belongs to %s)",
		    fields[fx].name, tax, taxonomy_type_names[ev->parsed[ft].num],
		    taxonomy_names[taxonomy_type_taxonomy[ev->parsed[ft].num]]);
	if (put_text(ev, fx, tax, strlen(tax), &stored, err) != 0)
		return SK_ETOOBIG;
	ev->parsed[fx].num = x;
	ev->taxonomy_derived = false;
	return 0;
}

/* text[0..len) is borrowed; ev changes only on success. */
int event_set_field_n(struct event *ev, enum event_field f, const char *text, size_t len,
		      struct sk_error *err)
{
	struct canon c;
	char *stored = NULL;
	int rc;

	if ((unsigned)f >= EVENT_FIELD_COUNT)
		return sk_error_set(err, SK_EINVAL, "field %d is not an event field", (int)f);
	rc = check_common(f, text, len, err);
	if (rc != 0)
		return rc;
	c.text = text;
	c.len = len;
	c.post = POST_NONE;
	memset(&c.parsed, 0, sizeof(c.parsed));
	switch (fields[f].kind) {
	case K_TEXT:
		break;
	case K_LOWER:
		c.post = POST_LOWER;
		break;
	case K_UPPER:
		c.post = POST_UPPER;
		break;
	case K_CC:
		rc = canon_cc(f, text, len, &c, err);
		break;
	case K_IP:
	case K_NETWORK:
		rc = canon_ip(f, text, len, fields[f].kind == K_NETWORK, &c, err);
		break;
	case K_ASN:
		rc = canon_asn(f, text, len, &c, err);
		break;
	case K_PORT:
		rc = canon_port(f, text, len, &c, err);
		break;
	case K_INTEGER:
		rc = canon_integer(f, text, len, &c, err);
		break;
	case K_FLOAT:
	case K_ACCURACY:
		rc = canon_float(f, text, len, fields[f].kind == K_ACCURACY, &c, err);
		break;
	case K_BOOL:
		rc = canon_bool(f, text, len, &c, err);
		break;
	case K_FQDN:
	case K_SUFFIX:
	case K_RDNS:
		rc = canon_domain(f, text, len, fields[f].kind, &c, err);
		break;
	case K_URL:
		rc = canon_url(f, text, len, &c, err);
		break;
	case K_TIME:
		rc = canon_time(f, text, len, &c, err);
		break;
	case K_TAXONOMY:
		return set_taxonomy(ev, text, len, err);
	case K_TYPE:
		return set_type(ev, text, len, err);
	case K_TLP:
		rc = canon_tlp(f, text, len, &c, err);
		break;
	case K_REGISTRY:
		rc = canon_registry(f, text, len, &c, err);
		break;
	case K_BASE64:
		rc = canon_base64(f, text, len, &c, err);
		break;
	}
	if (rc != 0)
		return rc;
	rc = put_text(ev, f, c.text, c.len, &stored, err);
	if (rc != 0)
		return rc;
	ev->parsed[f] = c.parsed;
	if (c.post == POST_LOWER)
		lower_n(stored, c.len);
	else if (c.post == POST_UPPER)
		upper_n(stored, c.len);
	else if (c.post == POST_DEFANG)
		memcpy(stored, "http", 4); /* hxxp:// -> http://, hxxps:// -> https:// */
	return 0;
}

int event_set_field(struct event *ev, enum event_field f, const char *text,
		    struct sk_error *err)
{
	return event_set_field_n(ev, f, text, text != NULL ? strlen(text) : 0, err);
}

/* name and text are borrowed. */
int event_set(struct event *ev, const char *name, const char *text, struct sk_error *err)
{
	char shown[SHOW_SIZE];
	size_t n;
	int f;

	if (name == NULL || *name == '\0')
		return sk_error_set(err, SK_EINVAL, "empty field name");
	n = strlen(name);
	if (strncmp(name, "extra.", 6) == 0)
		return event_set_extra(ev, name, EVENT_JSON_STRING, text, err);
	f = lookup_n(name, n);
	if (f < 0)
		return sk_error_set(err, SK_EINVAL,
				    "'%s' is not an IntelMQ field (put other data in extra.*)",
				    str_show(name, n, SHOW_MAX, shown));
	return event_set_field(ev, (enum event_field)f, text, err);
}

int event_set_prefix(struct event *ev, enum event_field f, const struct prefix *p,
		     struct sk_error *err)
{
	char text[PREFIX_TEXT_MAX];
	int n = -1;

	if ((unsigned)f >= EVENT_FIELD_COUNT ||
	    (fields[f].kind != K_IP && fields[f].kind != K_NETWORK))
		return sk_error_set(err, SK_EINVAL, "%s: not an IP address or network field",
				    event_field_name(f) ? event_field_name(f) : "?");
	if (fields[f].kind == K_IP && p->len != prefix_family_bits(p->family))
		return sk_error_set(err, SK_EINVAL, "%s: a network where an address belongs",
				    fields[f].name);
	if (fields[f].kind == K_IP)
		n = prefix_format_addr(p, text, sizeof(text));
	else
		n = prefix_format(p, text, sizeof(text));
	if (n < 0)
		return sk_error_set(err, SK_EINVAL, "%s: not a valid prefix", fields[f].name);
	return event_set_field_n(ev, f, text, (size_t)n, err);
}

int event_set_int(struct event *ev, enum event_field f, int64_t v, struct sk_error *err)
{
	char text[24];
	int n;

	if ((unsigned)f >= EVENT_FIELD_COUNT ||
	    (fields[f].kind != K_ASN && fields[f].kind != K_PORT &&
	     fields[f].kind != K_INTEGER))
		return sk_error_set(err, SK_EINVAL, "%s: not a number field",
				    event_field_name(f) ? event_field_name(f) : "?");
	n = snprintf(text, sizeof(text), "%lld", (long long)v);
	return event_set_field_n(ev, f, text, (size_t)n, err);
}

void event_unset(struct event *ev, enum event_field f)
{
	if ((unsigned)f >= EVENT_FIELD_COUNT)
		return;
	field_mark(ev, f, false);
	if (f == EVENT_CLASSIFICATION_TYPE && ev->taxonomy_derived)
		field_mark(ev, EVENT_CLASSIFICATION_TAXONOMY, false);
	if (f == EVENT_CLASSIFICATION_TAXONOMY || f == EVENT_CLASSIFICATION_TYPE)
		ev->taxonomy_derived = false;
}

/* ---- extra.* ---- */

/* "extra." and parts of [a-z0-9_] between dots. */
static bool extra_name_ok(const char *name, size_t n)
{
	size_t part = 0;

	if (n <= 6 || n > EVENT_EXTRA_KEY_MAX || memcmp(name, "extra.", 6) != 0)
		return false;
	for (size_t i = 6; i < n; i++) {
		char c = name[i];

		if (c == '.') {
			if (part == 0)
				return false;
			part = 0;
		} else if ((c >= 'a' && c <= 'z') || is_digit(c) || c == '_') {
			part++;
		} else {
			return false;
		}
	}
	return part > 0;
}

static int find_extra(const struct event *ev, const char *name, size_t n, uint32_t hash)
{
	for (int i = 0; i < ev->n_extra; i++) {
		const struct event_extra *x = &ev->extra[i];

		if (x->hash == hash && x->key_len == n &&
		    memcmp(ev->arena.data + x->key_off, name, n) == 0)
			return i;
	}
	return -1;
}

/* Check and hash name for event_set_extra_key(). */
int event_extra_key_init(struct event_extra_key *key, const char *name, struct sk_error *err)
{
	char shown[SHOW_SIZE];
	size_t n;

	if (name == NULL)
		return sk_error_set(err, SK_EINVAL, "empty field name");
	n = strlen(name);
	if (!extra_name_ok(name, n))
		return sk_error_set(
		    err, SK_EINVAL,
		    "'%s' is not an extra.* name (extra. then lowercase letters, "
		    "digits and '_', in parts between dots, at most %d bytes)",
		    str_show(name, n, SHOW_MAX, shown), EVENT_EXTRA_KEY_MAX);
	key->name = name;
	key->len = (uint16_t)n;
	key->hash = hash_bytes(name, n);
	return 0;
}

/* name and text[0..len) are borrowed; ev changes only on success. */
int event_set_extra_key(struct event *ev, const struct event_extra_key *key,
			enum event_json_type type, const char *text, size_t len,
			struct sk_error *err)
{
	const char *name = key->name;
	char shown[SHOW_SIZE];
	const char *why;
	struct event_extra *x;
	size_t n = key->len, start, bad_at;
	uint32_t off;
	char *copy = NULL;
	bool integral;
	int i, rc;

	switch (type) {
	case EVENT_JSON_STRING:
		if (text == NULL)
			return sk_error_set(err, SK_EINVAL, "%s: no value", name);
		break;
	case EVENT_JSON_NUMBER:
		if (text == NULL)
			return sk_error_set(err, SK_EINVAL, "%s: no value", name);
		why = json_number_check(text, len, &integral, NULL);
		if (why != NULL)
			return sk_error_set(
			    err, SK_EINVAL, "%s: '%s' is %s", name,
			    str_show(text, len, SHOW_MAX, shown),
			    strcmp(why, "not a number") == 0 ? "not a JSON number" : why);
		break;
	case EVENT_JSON_BOOL:
		if (text != NULL && ((len == 4 && strncasecmp(text, "true", 4) == 0) ||
				     (len == 1 && text[0] == '1'))) {
			text = "true";
			len = 4;
		} else if (text != NULL && ((len == 5 && strncasecmp(text, "false", 5) == 0) ||
					    (len == 1 && text[0] == '0'))) {
			text = "false";
			len = 5;
		} else {
			return sk_error_set(err, SK_EINVAL,
					    "%s: '%s' is not a boolean (true or false)", name,
					    text ? str_show(text, len, SHOW_MAX, shown) : "");
		}
		break;
	case EVENT_JSON_NULL:
		text = "null";
		len = 4;
		break;
	default:
		return sk_error_set(err, SK_EINVAL, "%s: unknown JSON type %d", name,
				    (int)type);
	}
	if (len > EVENT_VALUE_MAX)
		return sk_error_set(err, SK_ETOOBIG,
				    "%s: the value is %zu bytes long, over the limit of %d",
				    name, len, EVENT_VALUE_MAX);
	if (!plain_text(text, len)) {
		if (memchr(text, '\0', len) != NULL)
			return sk_error_set(err, SK_EINVAL, "%s: the value holds a NUL byte",
					    name);
		bad_at = utf8_check(text, len);
		if (bad_at != len)
			return sk_error_set(
			    err, SK_EINVAL,
			    "%s: the value is not valid UTF-8 (at byte %zu): '%s'", name,
			    bad_at, str_show(text, len, SHOW_MAX, shown));
	}

	i = find_extra(ev, name, n, key->hash);
	if (i >= 0) {
		x = &ev->extra[i];
		if (len <= x->val_len) {
			memmove(ev->arena.data + x->val_off, text, len);
			ev->arena.data[x->val_off + len] = '\0';
		} else {
			if (arena_append(ev, text, len, &off) != 0)
				return too_big(err, name);
			x->val_off = off;
		}
		x->val_len = (uint32_t)len;
		x->type = (uint8_t)type;
		return 0;
	}
	if (ev->n_extra >= EVENT_EXTRA_MAX)
		return sk_error_set(err, SK_ETOOBIG,
				    "%s: the event has %d extra fields already", name,
				    EVENT_EXTRA_MAX);
	/* Two appends: a value taken from the arena could move after the first. */
	if (in_arena(ev, text) || in_arena(ev, name)) {
		copy = xmalloc(n + len + 2);
		memcpy(copy, name, n + 1);
		memcpy(copy + n + 1, text, len);
		name = copy;
		text = copy + n + 1;
	}
	start = ev->arena.len;
	x = &ev->extra[ev->n_extra];
	if (arena_append(ev, name, n, &x->key_off) != 0 ||
	    arena_append(ev, text, len, &x->val_off) != 0) {
		ev->arena.len = start;
		if (ev->arena.data != NULL)
			ev->arena.data[start] = '\0';
		rc = too_big(err, name);
		goto out;
	}
	x->key_len = (uint16_t)n;
	x->val_len = (uint32_t)len;
	x->hash = key->hash;
	x->type = (uint8_t)type;
	ev->n_extra++;
	rc = 0;
out:
	free(copy);
	return rc;
}

/* name and text[0..len) are borrowed; ev changes only on success. */
int event_set_extra_n(struct event *ev, const char *name, enum event_json_type type,
		      const char *text, size_t len, struct sk_error *err)
{
	struct event_extra_key key;
	int rc;

	if ((rc = event_extra_key_init(&key, name, err)) != 0)
		return rc;
	return event_set_extra_key(ev, &key, type, text, len, err);
}

int event_set_extra(struct event *ev, const char *name, enum event_json_type type,
		    const char *text, struct sk_error *err)
{
	return event_set_extra_n(ev, name, type, text, text != NULL ? strlen(text) : 0, err);
}

/* ---- life cycle and reading ---- */

void event_init(struct event *ev)
{
	memset(ev->set, 0, sizeof(ev->set));
	ev->taxonomy_derived = false;
	ev->n_extra = 0;
	buf_init(&ev->arena, EVENT_TEXT_MAX);
}

void event_reset(struct event *ev)
{
	memset(ev->set, 0, sizeof(ev->set));
	ev->taxonomy_derived = false;
	ev->n_extra = 0;
	buf_reset(&ev->arena);
}

void event_free(struct event *ev)
{
	if (ev == NULL)
		return;
	buf_free(&ev->arena);
	event_init(ev);
}

/* src is borrowed; dst keeps owning its own arena. */
void event_copy(struct event *dst, const struct event *src)
{
	if (dst == src)
		return;
	memcpy(dst->set, src->set, sizeof(dst->set));
	dst->taxonomy_derived = src->taxonomy_derived;
	dst->n_extra = src->n_extra;
	memcpy(dst->text, src->text, sizeof(dst->text));
	memcpy(dst->parsed, src->parsed, sizeof(dst->parsed));
	memcpy(dst->extra, src->extra, src->n_extra * sizeof(dst->extra[0]));
	buf_reset(&dst->arena);
	/* Cannot fail: both arenas have the same cap. */
	if (src->arena.len > 0 && buf_append(&dst->arena, src->arena.data, src->arena.len) != 0)
		abort();
}

const char *event_get(const struct event *ev, enum event_field f)
{
	if ((unsigned)f >= EVENT_FIELD_COUNT || !field_is_set(ev, f))
		return NULL;
	return ev->arena.data + ev->text[f].off;
}

bool event_has(const struct event *ev, enum event_field f)
{
	return (unsigned)f < EVENT_FIELD_COUNT && field_is_set(ev, f);
}

const struct prefix *event_get_prefix(const struct event *ev, enum event_field f)
{
	if (!event_has(ev, f) || (fields[f].kind != K_IP && fields[f].kind != K_NETWORK))
		return NULL;
	return &ev->parsed[f].prefix;
}

bool event_get_int(const struct event *ev, enum event_field f, int64_t *out)
{
	if (!event_has(ev, f))
		return false;
	switch (fields[f].kind) {
	case K_ASN:
	case K_PORT:
	case K_INTEGER:
	case K_TIME:
	case K_BOOL:
	case K_TYPE:
	case K_TAXONOMY:
	case K_TLP:
		*out = ev->parsed[f].num;
		return true;
	default:
		return false;
	}
}

bool event_get_tlp(const struct event *ev, enum tlp_label *out)
{
	if (!event_has(ev, EVENT_TLP))
		return false;
	*out = (enum tlp_label)ev->parsed[EVENT_TLP].num;
	return true;
}

const char *event_get_extra(const struct event *ev, const char *name,
			    enum event_json_type *type)
{
	size_t n;
	int i;

	if (name == NULL)
		return NULL;
	n = strlen(name);
	i = find_extra(ev, name, n, hash_bytes(name, n));
	if (i < 0)
		return NULL;
	if (type != NULL)
		*type = (enum event_json_type)ev->extra[i].type;
	return ev->arena.data + ev->extra[i].val_off;
}

size_t event_extra_count(const struct event *ev)
{
	return ev->n_extra;
}

void event_iter_init(struct event_iter *it)
{
	it->pos = 0;
}

bool event_next(const struct event *ev, struct event_iter *it, struct event_item *out)
{
	while (it->pos < EVENT_FIELD_COUNT) {
		unsigned f = it->pos++;

		if (!field_is_set(ev, f))
			continue;
		out->name = fields[f].name;
		out->field = (int)f;
		out->type = event_field_json_type(f);
		out->value = ev->arena.data + ev->text[f].off;
		out->len = ev->text[f].len;
		return true;
	}
	if (it->pos - EVENT_FIELD_COUNT < ev->n_extra) {
		const struct event_extra *x = &ev->extra[it->pos++ - EVENT_FIELD_COUNT];

		out->name = ev->arena.data + x->key_off;
		out->field = -1;
		out->type = (enum event_json_type)x->type;
		out->value = ev->arena.data + x->val_off;
		out->len = x->val_len;
		return true;
	}
	return false;
}

int event_validate(const struct event *ev, struct sk_error *err)
{
	if (!field_is_set(ev, EVENT_SOURCE_IP) && !field_is_set(ev, EVENT_SOURCE_FQDN) &&
	    !field_is_set(ev, EVENT_SOURCE_URL) && !field_is_set(ev, EVENT_SOURCE_ASN))
		return sk_error_set(err, SK_EINVAL,
				    "the event has no source: it needs source.ip, source.fqdn, "
				    "source.url or source.asn");
	if (!field_is_set(ev, EVENT_CLASSIFICATION_TYPE))
		return sk_error_set(err, SK_EINVAL, "the event has no classification.type");
	if (!field_is_set(ev, EVENT_FEED_NAME))
		return sk_error_set(err, SK_EINVAL, "the event has no feed.name");
	if (!field_is_set(ev, EVENT_TIME_SOURCE) && !field_is_set(ev, EVENT_TIME_OBSERVATION))
		return sk_error_set(err, SK_EINVAL,
				    "the event has no time: it needs time.source or "
				    "time.observation");
	return 0;
}

/* ---- IntelMQ JSON ---- */

/* Output is gathered in chunk and handed to the buffer in large pieces. */
struct json_out {
	struct buf *out;
	int rc;
	size_t n;
	char chunk[4096];
};

static void out_flush(struct json_out *w)
{
	if (w->rc == 0 && w->n > 0)
		w->rc = buf_append(w->out, w->chunk, w->n);
	w->n = 0;
}

static void out_put(struct json_out *w, const char *s, size_t len)
{
	if (len > sizeof(w->chunk) - w->n) {
		out_flush(w);
		if (len > sizeof(w->chunk)) {
			if (w->rc == 0)
				w->rc = buf_append(w->out, s, len);
			return;
		}
	}
	memcpy(w->chunk + w->n, s, len);
	w->n += len;
}

/* The first byte of s[0..len) at or after i that JSON must escape (a
 * control character, '"' or '\\'), or len; eight bytes at a time. */
static size_t json_plain_run(const unsigned char *s, size_t i, size_t len)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;

	for (; i + 8 <= len; i += 8) {
		uint64_t w, q, b;

		memcpy(&w, s + i, 8);
		q = w ^ (ones * '"');
		b = w ^ (ones * '\\');
		/* a byte below 0x20, or one equal to '"' or '\\' (zero after the xor) */
		if ((((w - ones * 0x20) | (q - ones) | (b - ones)) & ~w & highs) != 0)
			break;
	}
	for (; i < len; i++)
		if (s[i] < 0x20 || s[i] == '"' || s[i] == '\\')
			return i;
	return len;
}

/* A JSON string as Python's json.dumps(ensure_ascii=False) writes it. */
static void out_string(struct json_out *w, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t start = 0;

	out_put(w, "\"", 1);
	for (size_t i = json_plain_run(u, 0, len); i < len; i = json_plain_run(u, i + 1, len)) {
		unsigned char c = u[i];
		char esc[6] = {'\\', 'u', '0', '0', 0, 0};
		size_t elen = 2;

		out_put(w, s + start, i - start);
		start = i + 1;
		switch (c) {
		case '"':
			esc[1] = '"';
			break;
		case '\\':
			esc[1] = '\\';
			break;
		case '\n':
			esc[1] = 'n';
			break;
		case '\r':
			esc[1] = 'r';
			break;
		case '\t':
			esc[1] = 't';
			break;
		case '\b':
			esc[1] = 'b';
			break;
		case '\f':
			esc[1] = 'f';
			break;
		default:
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 0x0f];
			elen = 6;
			break;
		}
		out_put(w, esc, elen);
	}
	out_put(w, s + start, len - start);
	out_put(w, "\"", 1);
}

/* IntelMQ's TLP words; it has no CLEAR, and WHITE means the same. */
static const char *intelmq_tlp(int64_t label)
{
	switch (label) {
	case TLP_CLEAR:
		return "WHITE";
	case TLP_AMBER_STRICT:
		return "AMBER+STRICT"; /* no IntelMQ word: never weaken it to AMBER */
	default:
		return tlp_word((enum tlp_label)label);
	}
}

static void out_key(struct json_out *w, bool *first, const char *key, size_t len)
{
	char *p;

	/* ', "key": ' in one piece; names are plain ASCII: nothing to escape */
	if (len + 6 > sizeof(w->chunk) - w->n)
		out_flush(w);
	p = w->chunk + w->n;
	if (!*first) {
		*p++ = ',';
		*p++ = ' ';
	}
	*first = false;
	*p++ = '"';
	memcpy(p, key, len);
	p += len;
	memcpy(p, "\": ", 3);
	w->n = (size_t)(p + 3 - w->chunk);
}

static void out_field(const struct event *ev, struct json_out *w, bool *first, unsigned f)
{
	const char *v = ev->arena.data + ev->text[f].off;
	const char *word;

	out_key(w, first, fields[f].name, name_len[f]);
	if (fields[f].kind == K_TLP) {
		word = intelmq_tlp(ev->parsed[f].num);
		out_string(w, word, strlen(word));
	} else if (event_field_json_type(f) == EVENT_JSON_STRING) {
		out_string(w, v, ev->text[f].len);
	} else {
		out_put(w, v, ev->text[f].len);
	}
}

struct sorted_extra {
	uint64_t head; /* the first eight bytes of the name after "extra.", big-endian */
	const char *key;
	const struct event_extra *x;
};

static int extra_cmp(const struct sorted_extra *a, const struct sorted_extra *b)
{
	if (a->head != b->head)
		return a->head < b->head ? -1 : 1;
	return strcmp(a->key + 6, b->key + 6);
}

/* Sort v[0..n) by key (strcmp order): a binary insertion sort that
 * compares the first eight bytes as one number, as most names differ
 * there; the few dozen names of a report sort in a few hundred integer
 * comparisons. */
static void sort_extra(struct sorted_extra *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const unsigned char *k = (const unsigned char *)v[i].key + 6;
		uint64_t h = 0;
		size_t j;

		for (j = 0; j < 8 && k[j] != '\0'; j++)
			h = h << 8 | k[j];
		v[i].head = h << (8 * (8 - j));
	}
	for (size_t i = 1; i < n; i++) {
		struct sorted_extra t = v[i];
		size_t lo = 0, hi = i;

		if (extra_cmp(&v[i - 1], &t) <= 0)
			continue; /* already in place: the usual case for sorted input */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (extra_cmp(&v[mid], &t) <= 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		memmove(v + lo + 1, v + lo, (i - lo) * sizeof(*v));
		v[lo] = t;
	}
}

/* ev is borrowed; out is the caller's and is left as it was on failure. */
int event_to_json(const struct event *ev, struct buf *out)
{
	struct sorted_extra sorted[EVENT_EXTRA_MAX];
	struct json_out w;
	size_t start = out->len;
	bool first = true;
	unsigned f;

	pthread_once(&lookup_once, lookup_build); /* name_len */
	w.out = out;
	w.rc = 0;
	w.n = 0;
	for (unsigned i = 0; i < ev->n_extra; i++) {
		sorted[i].key = ev->arena.data + ev->extra[i].key_off;
		sorted[i].x = &ev->extra[i];
	}
	sort_extra(sorted, ev->n_extra);

	out_put(&w, "{", 1);
	for (f = 0; f <= EVENT_EVENT_HASH; f++)
		if (field_is_set(ev, f))
			out_field(ev, &w, &first, f);
	for (unsigned i = 0; i < ev->n_extra; i++) {
		const struct event_extra *x = sorted[i].x;
		const char *v = ev->arena.data + x->val_off;

		out_key(&w, &first, sorted[i].key, x->key_len);
		if (x->type == EVENT_JSON_STRING)
			out_string(&w, v, x->val_len);
		else
			out_put(&w, v, x->val_len);
	}
	for (; f < EVENT_FIELD_COUNT; f++)
		if (field_is_set(ev, f))
			out_field(ev, &w, &first, f);
	out_put(&w, "}\n", 2);
	out_flush(&w);
	if (w.rc != 0) {
		out->len = start;
		if (out->data != NULL)
			out->data[start] = '\0';
		return SK_ETOOBIG;
	}
	return 0;
}
