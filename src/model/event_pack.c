/* model/event_pack.c: the stored form of an event's JSON line, less
 * than half its size: each member is a control byte (which JSON never
 * holds unescaped) saying what follows, then for a known field its
 * one-byte code and for an extra.* field its name after "extra." and a
 * ':' (two bytes of code for a name of event_pack_extra.c), then the
 * value as JSON writes it, a string without its quotes, a time in the
 * usual form as six characters. The value ends at the next control
 * byte. The text stays UTF-8 without NUL bytes, so both stores keep it
 * in a TEXT column. event_json.c writes it; this file holds the codes
 * and turns it back into the JSON line.
 *
 * SECURITY: event_pack_to_json() reads text from the store; a member it
 * does not understand is an error, never read past the end. */
#include "model/event.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "lib/error.h"
#include "lib/str.h"
#include "model/event_int.h"

/* A field's code is stored in events: this table only ever grows, and a
 * code once given keeps its field. Entries hold the field + 1; 0 is no
 * field. */
#define CODE(code, field) [code] = (field) + 1
static const uint8_t pack_fields[EVENT_PACK_CODES] = {
    CODE(1, EVENT_CLASSIFICATION_IDENTIFIER),
    CODE(2, EVENT_CLASSIFICATION_TAXONOMY),
    CODE(3, EVENT_CLASSIFICATION_TYPE),
    CODE(4, EVENT_COMMENT),
    CODE(5, EVENT_DESTINATION_ABUSE_CONTACT),
    CODE(6, EVENT_DESTINATION_ACCOUNT),
    CODE(7, EVENT_DESTINATION_ALLOCATED),
    CODE(8, EVENT_DESTINATION_AS_NAME),
    CODE(9, EVENT_DESTINATION_ASN),
    CODE(10, EVENT_DESTINATION_DOMAIN_SUFFIX),
    CODE(11, EVENT_DESTINATION_FQDN),
    CODE(12, EVENT_DESTINATION_GEOLOCATION_CC),
    CODE(13, EVENT_DESTINATION_GEOLOCATION_CITY),
    CODE(14, EVENT_DESTINATION_GEOLOCATION_COUNTRY),
    CODE(15, EVENT_DESTINATION_GEOLOCATION_LATITUDE),
    CODE(16, EVENT_DESTINATION_GEOLOCATION_LONGITUDE),
    CODE(17, EVENT_DESTINATION_GEOLOCATION_REGION),
    CODE(18, EVENT_DESTINATION_GEOLOCATION_STATE),
    CODE(19, EVENT_DESTINATION_IP),
    CODE(20, EVENT_DESTINATION_LOCAL_HOSTNAME),
    CODE(21, EVENT_DESTINATION_LOCAL_IP),
    CODE(22, EVENT_DESTINATION_NETWORK),
    CODE(23, EVENT_DESTINATION_PORT),
    CODE(24, EVENT_DESTINATION_REGISTRY),
    CODE(25, EVENT_DESTINATION_REVERSE_DNS),
    CODE(26, EVENT_DESTINATION_TOR_NODE),
    CODE(27, EVENT_DESTINATION_URL),
    CODE(28, EVENT_DESTINATION_URLPATH),
    CODE(29, EVENT_EVENT_DESCRIPTION_TARGET),
    CODE(30, EVENT_EVENT_DESCRIPTION_TEXT),
    CODE(31, EVENT_EVENT_DESCRIPTION_URL),
    CODE(32, EVENT_EVENT_HASH),
    CODE(33, EVENT_FEED_ACCURACY),
    CODE(34, EVENT_FEED_CODE),
    CODE(35, EVENT_FEED_DOCUMENTATION),
    CODE(36, EVENT_FEED_NAME),
    CODE(37, EVENT_FEED_PROVIDER),
    CODE(38, EVENT_FEED_URL),
    CODE(39, EVENT_MALWARE_HASH_MD5),
    CODE(40, EVENT_MALWARE_HASH_SHA1),
    CODE(41, EVENT_MALWARE_HASH_SHA256),
    CODE(42, EVENT_MALWARE_NAME),
    CODE(43, EVENT_MALWARE_VERSION),
    CODE(44, EVENT_MISP_ATTRIBUTE_UUID),
    CODE(45, EVENT_MISP_EVENT_UUID),
    CODE(46, EVENT_PRODUCT_NAME),
    CODE(47, EVENT_PRODUCT_VENDOR),
    CODE(48, EVENT_PRODUCT_VERSION),
    CODE(49, EVENT_PRODUCT_VULNERABILITIES),
    CODE(50, EVENT_PROTOCOL_APPLICATION),
    CODE(51, EVENT_PROTOCOL_TRANSPORT),
    CODE(52, EVENT_RAW),
    CODE(53, EVENT_RTIR_ID),
    CODE(54, EVENT_SCREENSHOT_URL),
    CODE(55, EVENT_SEVERITY),
    CODE(56, EVENT_SOURCE_ABUSE_CONTACT),
    CODE(57, EVENT_SOURCE_ACCOUNT),
    CODE(58, EVENT_SOURCE_ALLOCATED),
    CODE(59, EVENT_SOURCE_AS_NAME),
    CODE(60, EVENT_SOURCE_ASN),
    CODE(61, EVENT_SOURCE_DOMAIN_SUFFIX),
    CODE(62, EVENT_SOURCE_FQDN),
    CODE(63, EVENT_SOURCE_GEOLOCATION_CC),
    CODE(64, EVENT_SOURCE_GEOLOCATION_CITY),
    CODE(65, EVENT_SOURCE_GEOLOCATION_COUNTRY),
    CODE(66, EVENT_SOURCE_GEOLOCATION_CYMRU_CC),
    CODE(67, EVENT_SOURCE_GEOLOCATION_GEOIP_CC),
    CODE(68, EVENT_SOURCE_GEOLOCATION_LATITUDE),
    CODE(69, EVENT_SOURCE_GEOLOCATION_LONGITUDE),
    CODE(70, EVENT_SOURCE_GEOLOCATION_REGION),
    CODE(71, EVENT_SOURCE_GEOLOCATION_STATE),
    CODE(72, EVENT_SOURCE_IP),
    CODE(73, EVENT_SOURCE_LOCAL_HOSTNAME),
    CODE(74, EVENT_SOURCE_LOCAL_IP),
    CODE(75, EVENT_SOURCE_NETWORK),
    CODE(76, EVENT_SOURCE_PORT),
    CODE(77, EVENT_SOURCE_REGISTRY),
    CODE(78, EVENT_SOURCE_REVERSE_DNS),
    CODE(79, EVENT_SOURCE_TOR_NODE),
    CODE(80, EVENT_SOURCE_URL),
    CODE(81, EVENT_SOURCE_URLPATH),
    CODE(82, EVENT_STATUS),
    CODE(83, EVENT_TIME_OBSERVATION),
    CODE(84, EVENT_TIME_SOURCE),
    CODE(85, EVENT_TLP),
};

uint8_t event_pack_code[EVENT_FIELD_COUNT];

/* The extra.* names with codes by the hash of their full name: each slot
 * the code + 1, or 0. */
#define XSLOTS 4096
static uint16_t xslots[XSLOTS];

static pthread_once_t codes_once = PTHREAD_ONCE_INIT;

static uint32_t extra_hash(const char *name)
{
	char full[EVENT_EXTRA_KEY_MAX + 1];
	size_t n = strlen(name);

	memcpy(full, "extra.", 6);
	memcpy(full + 6, name, n);
	return event_hash_bytes(full, n + 6);
}

static void codes_build(void)
{
	for (int c = 1; c < EVENT_PACK_CODES; c++)
		if (pack_fields[c] > 0)
			event_pack_code[pack_fields[c] - 1] = (uint8_t)c;
	for (size_t c = 0; c < event_pack_extra_count; c++) {
		uint32_t i = extra_hash(event_pack_extra_names[c]) % XSLOTS;

		while (xslots[i] != 0)
			i = (i + 1) % XSLOTS;
		xslots[i] = (uint16_t)(c + 1);
	}
}

int event_pack_extra_code(const char *name, size_t len, uint32_t hash)
{
	for (uint32_t i = hash % XSLOTS; xslots[i] != 0; i = (i + 1) % XSLOTS) {
		const char *x = event_pack_extra_names[xslots[i] - 1];

		if (len > 6 && strncmp(x, name + 6, len - 6) == 0 && x[len - 6] == '\0')
			return xslots[i] - 1;
	}
	return -1;
}

/* Fill event_pack_code[] once. */
void event_pack_init(void)
{
	pthread_once(&codes_once, codes_build);
}

#define TIME_TEXT "YYYY-MM-DDTHH:MM:SS+00:00"
#define TIME_BASE 95 /* the printable ASCII characters, from ' ' */

/* d digits of s as a number, or -1. */
static int64_t digits(const char *s, int d)
{
	int64_t v = 0;

	for (int i = 0; i < d; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* v as n digits at out. */
static void put_digits(char *out, int64_t v, int n)
{
	while (n-- > 0) {
		out[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

/* seconds (0 to TIME_BASE^6 - 1) as TIME_TEXT into out (26 bytes). */
static void time_text(int64_t seconds, char out[sizeof(TIME_TEXT)])
{
	int64_t y, sec = seconds % 86400;
	unsigned m, d;

	str_civil_from_days(seconds / 86400, &y, &m, &d);
	memcpy(out, TIME_TEXT, sizeof(TIME_TEXT));
	put_digits(out, y, 4);
	put_digits(out + 5, m, 2);
	put_digits(out + 8, d, 2);
	put_digits(out + 11, sec / 3600, 2);
	put_digits(out + 14, sec / 60 % 60, 2);
	put_digits(out + 17, sec % 60, 2);
}

bool event_pack_time(const char *text, size_t len, char out[EVENT_PACK_TIME_LEN])
{
	int64_t y, mo, d, h, mi, se, t;
	char back[sizeof(TIME_TEXT)];

	if (len != sizeof(TIME_TEXT) - 1 || memcmp(text + 19, "+00:00", 6) != 0)
		return false;
	y = digits(text, 4), mo = digits(text + 5, 2), d = digits(text + 8, 2);
	h = digits(text + 11, 2), mi = digits(text + 14, 2), se = digits(text + 17, 2);
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 ||
	    mi > 59 || se < 0 || se > 59)
		return false;
	t = str_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se;
	if (t >= (int64_t)TIME_BASE * TIME_BASE * TIME_BASE * TIME_BASE * TIME_BASE * TIME_BASE)
		return false;
	time_text(t, back); /* what does not come back alike stays text */
	if (memcmp(back, text, len) != 0)
		return false;
	for (int i = EVENT_PACK_TIME_LEN; i-- > 0; t /= TIME_BASE)
		out[i] = (char)(' ' + t % TIME_BASE);
	return true;
}

/* '"<prefix><name>": ' appended to out. */
static int key_append(struct buf *out, const char *prefix, const char *name, size_t len)
{
	int rc = buf_append(out, "\"", 1);

	if (rc == 0)
		rc = buf_append(out, prefix, strlen(prefix));
	if (rc == 0)
		rc = buf_append(out, name, len);
	if (rc == 0)
		rc = buf_append(out, "\": ", 3);
	return rc;
}

/* The packed text p[0..len) (borrowed) appended to out as the JSON line
 * it came from, without the newline; SK_EINVAL if it is damaged,
 * SK_ETOOBIG past out's cap (out as it was in both cases). */
int event_pack_to_json(const char *p, size_t len, struct buf *out)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t start = out->len, i = 0;
	int rc = buf_append(out, "{", 1);

	while (rc == 0 && i < len) {
		unsigned char head = u[i++];
		bool string = head == EVENT_PACK_FIELD_STR || head == EVENT_PACK_EXTRA_STR ||
			      head == EVENT_PACK_XCODE_STR || head == EVENT_PACK_TIME;
		size_t v;

		if (start + 1 != out->len)
			rc = buf_append(out, ", ", 2);
		if (rc != 0)
			break;
		if (head == EVENT_PACK_TIME) {
			unsigned code = i < len ? u[i++] : 0;
			int f = code < EVENT_PACK_CODES ? pack_fields[code] - 1 : -1;
			char text[sizeof(TIME_TEXT)];
			int64_t t = 0;

			if (f < 0 || len - i < EVENT_PACK_TIME_LEN) {
				rc = SK_EINVAL;
				break;
			}
			for (int k = 0; k < EVENT_PACK_TIME_LEN; k++, i++) {
				if (u[i] < ' ' || u[i] >= ' ' + TIME_BASE) {
					rc = SK_EINVAL;
					break;
				}
				t = t * TIME_BASE + (u[i] - ' ');
			}
			if (rc != 0)
				break;
			time_text(t, text);
			rc = key_append(out, "", event_fields[f].name, event_fields[f].len);
			if (rc == 0)
				rc = buf_append(out, "\"", 1);
			if (rc == 0)
				rc = buf_append(out, text, sizeof(TIME_TEXT) - 1);
			if (rc == 0)
				rc = buf_append(out, "\"", 1);
			if (rc == 0 && i < len && u[i] >= 0x20)
				rc = SK_EINVAL; /* nothing may follow the six characters */
			continue;
		}
		if (head == EVENT_PACK_FIELD_STR || head == EVENT_PACK_FIELD) {
			unsigned code = i < len ? u[i++] : 0;
			int f = code < EVENT_PACK_CODES ? pack_fields[code] - 1 : -1;

			if (f < 0) {
				rc = SK_EINVAL;
				break;
			}
			rc = key_append(out, "", event_fields[f].name, event_fields[f].len);
		} else if (head == EVENT_PACK_EXTRA_STR || head == EVENT_PACK_EXTRA) {
			const char *colon = memchr(p + i, ':', len - i);

			for (v = i; colon != NULL && p + v < colon && u[v] >= 0x20; v++)
				;
			if (colon == NULL || colon == p + i || p + v != colon) {
				rc = SK_EINVAL;
				break;
			}
			rc = key_append(out, "extra.", p + i, (size_t)(colon - (p + i)));
			i = (size_t)(colon - p) + 1;
		} else if (head == EVENT_PACK_XCODE_STR || head == EVENT_PACK_XCODE) {
			size_t code = i + 1 < len && u[i] >= 1 && u[i] < 128 && u[i + 1] >= 1 &&
					      u[i + 1] < 128
					  ? (size_t)(u[i] - 1) * 127 + (u[i + 1] - 1u)
					  : SIZE_MAX;

			if (code >= event_pack_extra_count) {
				rc = SK_EINVAL;
				break;
			}
			rc = key_append(out, "extra.", event_pack_extra_names[code],
					strlen(event_pack_extra_names[code]));
			i += 2;
		} else {
			rc = SK_EINVAL;
			break;
		}
		for (v = i; v < len && u[v] >= 0x20; v++)
			;
		if (rc == 0 && string)
			rc = buf_append(out, "\"", 1);
		if (rc == 0)
			rc = buf_append(out, p + i, v - i);
		if (rc == 0 && string)
			rc = buf_append(out, "\"", 1);
		i = v;
	}
	if (rc == 0)
		rc = buf_append(out, "}", 1);
	if (rc != 0) {
		out->len = start;
		if (out->data != NULL)
			out->data[start] = '\0';
		return rc == SK_EINVAL ? SK_EINVAL : SK_ETOOBIG;
	}
	return 0;
}
