/* tests/unit/test_event.c: every field kind is validated with an error
 * naming the field and stored canonically; classification.taxonomy is
 * derived and checked; extra.* keeps its order and JSON types; limits
 * hold; the IntelMQ JSON output is what IntelMQ writes (checked against
 * the Shadowserver events in tests/fixtures/shadowserver) and escapes correctly;
 * the packed form the store keeps turns back into the same line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "model/event.h"
#include "model/event_int.h"
#include "model/taxonomy.h"

static int setup(void **state)
{
	struct event *ev = malloc(sizeof(*ev));

	if (ev == NULL)
		return -1;
	event_init(ev);
	*state = ev;
	return 0;
}

static int teardown(void **state)
{
	event_free(*state);
	free(*state);
	return 0;
}

/* The event as JSON, for comparing states; caller frees. */
static char *snapshot(const struct event *ev)
{
	struct buf b;

	buf_init(&b, 1 << 20);
	assert_int_equal(event_to_json(ev, &b), 0);
	return buf_take(&b);
}

/* ev packed and unpacked gives json (its JSON line, newline and all),
 * and the packed text is shorter and free of NUL bytes. */
static void pack_roundtrip(const struct event *ev, const char *json)
{
	struct buf packed, back;
	size_t len = strlen(json);

	buf_init(&packed, 1 << 20);
	buf_init(&back, 1 << 20);
	assert_int_equal(event_to_packed(ev, &packed, NULL), 0);
	assert_null(memchr(packed.data ? packed.data : "", '\0', packed.len));
	assert_true(packed.len < len || len <= 3);
	assert_int_equal(buf_append_str(&back, "x"), 0);
	assert_int_equal(event_pack_to_json(buf_str(&packed), packed.len, &back), 0);
	assert_true(len > 0 && json[len - 1] == '\n');
	assert_int_equal(back.len, len);
	assert_memory_equal(back.data + 1, json, len - 1);
	buf_free(&packed);
	buf_free(&back);
}

/* The event as JSON, checked against its packed form; caller frees. */
static char *snapshot_packed(const struct event *ev)
{
	char *json = snapshot(ev);

	pack_roundtrip(ev, json);
	return json;
}

/* Set name to text; it must succeed and read back as want. */
static void ok(struct event *ev, const char *name, const char *text, const char *want)
{
	struct sk_error err = {0};
	const char *got;
	int f;

	if (event_set(ev, name, text, &err) != 0)
		fail_msg("%s = '%s': %s", name, text, err.msg);
	f = event_field_lookup(name);
	got = f >= 0 ? event_get(ev, f) : event_get_extra(ev, name, NULL);
	if (got == NULL || strcmp(got, want) != 0)
		fail_msg("%s = '%s': stored '%s', want '%s'", name, text, got ? got : "(null)",
			 want);
}

/* Set name to text; it must fail with code and a message containing
 * want, and leave the event as it was. */
static void bad(struct event *ev, const char *name, const char *text, int code,
		const char *want)
{
	struct sk_error err = {0};
	char *before = snapshot(ev), *after;
	int rc = event_set(ev, name, text, &err);

	if (rc != code)
		fail_msg("%s = '%s': returned %d, want %d (%s)", name, text ? text : "(null)",
			 rc, code, err.msg);
	assert_int_equal(err.code, code);
	if (strstr(err.msg, want) == NULL)
		fail_msg("%s = '%s': message '%s' lacks '%s'", name, text ? text : "(null)",
			 err.msg, want);
	after = snapshot(ev);
	assert_string_equal(before, after);
	free(before);
	free(after);
}

static void test_field_names(void **state)
{
	(void)state;
	for (int f = 0; f < EVENT_FIELD_COUNT; f++) {
		const char *name = event_field_name(f);

		assert_non_null(name);
		assert_int_equal(event_field_lookup(name), f);
		/* enum order is the byte order of the names, as JSON keys sort */
		if (f > 0)
			assert_true(strcmp(event_field_name(f - 1), name) < 0);
		if (f <= EVENT_EVENT_HASH)
			assert_true(strcmp(name, "extra.") < 0);
		else
			assert_true(strcmp(name, "extra.") > 0);
	}
	assert_string_equal(event_field_name(EVENT_SOURCE_IP), "source.ip");
	assert_string_equal(event_field_name(EVENT_CLASSIFICATION_TYPE), "classification.type");
	assert_string_equal(event_field_name(EVENT_SOURCE_GEOLOCATION_CC),
			    "source.geolocation.cc");
	assert_string_equal(event_field_name(EVENT_TIME_OBSERVATION), "time.observation");
	assert_null(event_field_name(EVENT_FIELD_COUNT));
	assert_int_equal(event_field_lookup("source.ip"), EVENT_SOURCE_IP);
	assert_int_equal(event_field_lookup("feed.name"), EVENT_FEED_NAME);
	assert_int_equal(event_field_lookup("tlp"), EVENT_TLP);
	assert_int_equal(event_field_lookup("source.IP"), -1);
	assert_int_equal(event_field_lookup("source.ip "), -1);
	assert_int_equal(event_field_lookup("source"), -1);
	assert_int_equal(event_field_lookup("extra.foo"), -1);
	assert_int_equal(event_field_lookup(""), -1);
	assert_int_equal(event_field_lookup(NULL), -1);
	assert_int_equal(event_field_json_type(EVENT_SOURCE_PORT), EVENT_JSON_NUMBER);
	assert_int_equal(event_field_json_type(EVENT_SOURCE_ASN), EVENT_JSON_NUMBER);
	assert_int_equal(event_field_json_type(EVENT_SOURCE_TOR_NODE), EVENT_JSON_BOOL);
	assert_int_equal(event_field_json_type(EVENT_SOURCE_IP), EVENT_JSON_STRING);
}

static void test_unknown_field(void **state)
{
	struct event *ev = *state;

	bad(ev, "source.foo", "x", SK_EINVAL,
	    "'source.foo' is not an IntelMQ field (put other data in extra.*)");
	bad(ev, "Source.IP", "192.0.2.1", SK_EINVAL, "is not an IntelMQ field");
	bad(ev, "", "x", SK_EINVAL, "empty field name");
}

static void test_ip(void **state)
{
	struct event *ev = *state;
	const struct prefix *p;

	ok(ev, "source.ip", "192.0.2.1", "192.0.2.1");
	p = event_get_prefix(ev, EVENT_SOURCE_IP);
	assert_non_null(p);
	assert_int_equal(p->family, 4);
	assert_int_equal(p->len, 32);
	assert_int_equal(p->addr[3], 1);
	ok(ev, "source.ip", "2001:DB8:0:0::1", "2001:db8::1");
	p = event_get_prefix(ev, EVENT_SOURCE_IP);
	assert_int_equal(p->family, 6);
	assert_int_equal(p->len, 128);
	ok(ev, "destination.ip", "198.51.100.7", "198.51.100.7");
	ok(ev, "source.local_ip", "10.0.0.1", "10.0.0.1");
	bad(ev, "source.ip", "192.0.2.300", SK_EINVAL,
	    "source.ip: '192.0.2.300' is not an IP address (part 300 is over 255");
	bad(ev, "source.ip", "192.0.2.0/24", SK_EINVAL,
	    "source.ip: '192.0.2.0/24' is not an IP address (expected an IP address, not a "
	    "prefix)");
	bad(ev, "source.ip", "0.0.0.0", SK_EINVAL,
	    "source.ip: '0.0.0.0' is not a host address");
	bad(ev, "destination.ip", "::", SK_EINVAL, "unspecified address");
	bad(ev, "source.ip", "example.be", SK_EINVAL,
	    "source.ip: 'example.be' is not an IP address");
	bad(ev, "source.ip", "192.0.2.1:80", SK_EINVAL, "is not an IP address");
	bad(ev, "source.ip",
	    "2001:db8:2001:db8:2001:db8:2001:db8:2001:db8:2001:db8:2001:db8:2001:db8",
	    SK_EINVAL, "is not an IP address");
	/* the last good value stayed */
	assert_string_equal(event_get(ev, EVENT_SOURCE_IP), "2001:db8::1");
	assert_null(event_get_prefix(ev, EVENT_SOURCE_PORT));
}

static void test_network(void **state)
{
	struct event *ev = *state;

	ok(ev, "source.network", "192.0.2.0/24", "192.0.2.0/24");
	assert_int_equal(event_get_prefix(ev, EVENT_SOURCE_NETWORK)->len, 24);
	ok(ev, "source.network", "2001:DB8::/32", "2001:db8::/32");
	ok(ev, "destination.network", "203.0.113.9", "203.0.113.9/32");
	bad(ev, "source.network", "192.0.2.1/24", SK_EINVAL,
	    "source.network: '192.0.2.1/24' is not an IP network (host bits are set (did you "
	    "mean 192.0.2.0/24?))");
	bad(ev, "source.network", "192.0.2.0/33", SK_EINVAL, "is not an IP network");
}

static void test_asn(void **state)
{
	struct event *ev = *state;
	int64_t v = 0;

	ok(ev, "source.asn", "AS64496", "64496");
	assert_true(event_get_int(ev, EVENT_SOURCE_ASN, &v));
	assert_int_equal(v, 64496);
	ok(ev, "source.asn", "64511", "64511");
	ok(ev, "destination.asn", "as64500", "64500");
	ok(ev, "source.asn", "1.10", "65546");
	ok(ev, "source.asn", "4294967294", "4294967294");
	bad(ev, "source.asn", "AS0", SK_EINVAL,
	    "source.asn: 'AS0' is not an AS number (AS0 is reserved (RFC 7607)");
	bad(ev, "source.asn", "4294967296", SK_EINVAL, "too large");
	bad(ev, "source.asn", "AS-1", SK_EINVAL, "source.asn: 'AS-1' is not an AS number");
	assert_true(event_get_int(ev, EVENT_SOURCE_ASN, &v));
	assert_int_equal(v, 4294967294);
}

static void test_port(void **state)
{
	struct event *ev = *state;
	int64_t v = 0;

	ok(ev, "source.port", "80", "80");
	assert_true(event_get_int(ev, EVENT_SOURCE_PORT, &v));
	assert_int_equal(v, 80);
	ok(ev, "source.port", "0", "0");
	ok(ev, "source.port", "65535", "65535");
	ok(ev, "destination.port", "0443", "443");
	bad(ev, "source.port", "70000", SK_EINVAL,
	    "source.port: 70000 is not a port (0-65535)");
	bad(ev, "source.port", "65536", SK_EINVAL,
	    "source.port: 65536 is not a port (0-65535)");
	bad(ev, "source.port", "-1", SK_EINVAL, "source.port: -1 is not a port");
	bad(ev, "source.port", "http", SK_EINVAL, "source.port: http is not a port");
	bad(ev, "source.port", "80/tcp", SK_EINVAL, "is not a port");
	bad(ev, "source.port", "99999999999999999999999", SK_EINVAL, "is not a port");
	bad(ev, "source.port", "", SK_EINVAL, "source.port: the value is empty");
	bad(ev, "source.port", " 80", SK_EINVAL,
	    "source.port: ' 80' has leading or trailing white space");
}

static void test_domain(void **state)
{
	struct event *ev = *state;

	ok(ev, "source.fqdn", "WWW.Example.BE.", "www.example.be");
	ok(ev, "source.fqdn", "bücher.example.be", "xn--bcher-kva.example.be");
	ok(ev, "destination.fqdn", "mail.example.nl", "mail.example.nl");
	ok(ev, "source.domain_suffix", "be", "be");
	bad(ev, "source.fqdn", "localhost", SK_EINVAL,
	    "source.fqdn: 'localhost' is not a domain name (a domain name needs at least two "
	    "labels");
	bad(ev, "source.fqdn", "192.0.2.1", SK_EINVAL, "is not a domain name");
	bad(ev, "source.fqdn", "exa mple.be", SK_EINVAL, "source.fqdn: 'exa mple.be' is not a");
	bad(ev, "source.fqdn", "_dmarc.example.be", SK_EINVAL, "underscore");
	bad(ev, "source.fqdn", "http://example.be/", SK_EINVAL, "is not a domain name");
	/* reverse DNS holds what PTR records hold */
	ok(ev, "source.reverse_dns", "Host.Example.Test.", "host.example.test");
	ok(ev, "source.reverse_dns", "host.local", "host.local");
	ok(ev, "source.reverse_dns", "Dyn_192-0-2-1.ISP.Example.", "dyn_192-0-2-1.isp.example");
	bad(ev, "source.reverse_dns", "a b.example", SK_EINVAL,
	    "source.reverse_dns: 'a b.example' is not a domain name");
	bad(ev, "source.reverse_dns", "a..example", SK_EINVAL, "is not a domain name");
	bad(ev, "source.reverse_dns", "a_b..", SK_EINVAL, "is not a domain name");
	bad(ev, "source.reverse_dns", ".a_b", SK_EINVAL, "is not a domain name");
}

static void test_url(void **state)
{
	struct event *ev = *state;

	ok(ev, "source.url", "http://example.be/x?y=1#z", "http://example.be/x?y=1#z");
	ok(ev, "source.url", "hxxps://example.be/login", "https://example.be/login");
	ok(ev, "source.url", "hxxp://198.51.100.7:8080/a", "http://198.51.100.7:8080/a");
	ok(ev, "destination.url", "https://user@example.nl/", "https://user@example.nl/");
	ok(ev, "source.url", "http://example.be/caf\xc3\xa9", "http://example.be/caf\xc3\xa9");
	ok(ev, "feed.url", "https://example.be/feed.csv", "https://example.be/feed.csv");
	bad(ev, "source.url", "example.be/login", SK_EINVAL,
	    "source.url: 'example.be/login' is not a URL (no scheme such as http://)");
	bad(ev, "source.url", "http:///etc/passwd", SK_EINVAL, "is not a URL (no host)");
	bad(ev, "source.url", "http://exa mple.be/", SK_EINVAL,
	    "is not a URL (it holds a space or a control character)");
	bad(ev, "source.url", "mailto:abuse@example.be", SK_EINVAL, "is not a URL");
}

static void test_time(void **state)
{
	struct event *ev = *state;
	int64_t t = 0;

	ok(ev, "time.source", "2024-01-31T12:00:00Z", "2024-01-31T12:00:00+00:00");
	assert_true(event_get_int(ev, EVENT_TIME_SOURCE, &t));
	assert_int_equal(t, 1706702400);
	ok(ev, "time.source", "2024-01-31T12:00:00+00:00", "2024-01-31T12:00:00+00:00");
	ok(ev, "time.source", "2024-01-31 12:00:00", "2024-01-31T12:00:00+00:00");
	ok(ev, "time.source", "2024-01-31T13:30:00+01:30", "2024-01-31T12:00:00+00:00");
	ok(ev, "time.source", "2024-01-31T13:00:00+0100", "2024-01-31T12:00:00+00:00");
	ok(ev, "time.source", "2024-01-31T13:00:00+01", "2024-01-31T12:00:00+00:00");
	ok(ev, "time.source", "2024-01-31 13:00:00 +0100", "2024-01-31T12:00:00+00:00");
	ok(ev, "time.source", "2024-01-31 12:00:00 UTC", "2024-01-31T12:00:00+00:00");
	ok(ev, "time.source", "2024-01-31t12:00:00.123456z", "2024-01-31T12:00:00+00:00");
	ok(ev, "time.source", "2024-01-31T12:00:00.999999999Z", "2024-01-31T12:00:00+00:00");
	ok(ev, "time.source", "2024-01-01T00:30:00+01:00", "2023-12-31T23:30:00+00:00");
	ok(ev, "time.source", "2023-12-31T23:30:00-01:00", "2024-01-01T00:30:00+00:00");
	ok(ev, "time.source", "2024-02-29T00:00:00Z", "2024-02-29T00:00:00+00:00");
	ok(ev, "time.source", "2000-02-29T00:00:00Z", "2000-02-29T00:00:00+00:00");
	ok(ev, "time.source", "1970-01-01T00:00:00Z", "1970-01-01T00:00:00+00:00");
	assert_true(event_get_int(ev, EVENT_TIME_SOURCE, &t));
	assert_int_equal(t, 0);
	ok(ev, "time.source", "1969-12-31T23:59:59Z", "1969-12-31T23:59:59+00:00");
	assert_true(event_get_int(ev, EVENT_TIME_SOURCE, &t));
	assert_int_equal(t, -1);
	ok(ev, "time.observation", "9999-12-31T23:59:59Z", "9999-12-31T23:59:59+00:00");
	ok(ev, "source.allocated", "0001-01-01T00:00:00Z", "0001-01-01T00:00:00+00:00");

	bad(ev, "time.source", "2024-13-01", SK_EINVAL,
	    "time.source: '2024-13-01' is not an ISO 8601 time");
	bad(ev, "time.source", "2024-13-01T00:00:00Z", SK_EINVAL,
	    "time.source: '2024-13-01T00:00:00Z' is not an ISO 8601 time (month 13 is out of "
	    "range)");
	bad(ev, "time.source", "2023-02-29T00:00:00Z", SK_EINVAL,
	    "day 29 is out of range for 2023-02");
	bad(ev, "time.source", "1900-02-29T00:00:00Z", SK_EINVAL, "day 29 is out of range");
	bad(ev, "time.source", "2024-01-31T24:00:00Z", SK_EINVAL, "is not a time of day");
	bad(ev, "time.source", "2024-01-31T23:59:60Z", SK_EINVAL, "leap seconds");
	bad(ev, "time.source", "2024-01-31T12:00Z", SK_EINVAL, "not in the form");
	bad(ev, "time.source", "2024-01-31T12:00:00+01:", SK_EINVAL, "not in the form");
	bad(ev, "time.source", "2024-01-31T12:00:00+24:00", SK_EINVAL, "offset 24:00");
	bad(ev, "time.source", "2024-01-31T12:00:00Zjunk", SK_EINVAL, "not in the form");
	bad(ev, "time.source", "2024-1-31T12:00:00Z", SK_EINVAL, "not in the form");
	bad(ev, "time.source", "31-01-2024 12:00:00", SK_EINVAL, "not in the form");
	bad(ev, "time.source", "2024-01-31", SK_EINVAL, "a date without a time of day");
	bad(ev, "time.source", "2024-01-31T12:00:00.Z", SK_EINVAL, "not in the form");
	bad(ev, "time.source", "2024-01-31T12:00:00.1234567890Z", SK_EINVAL, "9 digits");
	bad(ev, "time.source", "0001-01-01T00:00:00+01:00", SK_EINVAL,
	    "out of range once converted to UTC");
	bad(ev, "time.source", "0000-01-01T00:00:00Z", SK_EINVAL, "year 0000");
	bad(ev, "time.source", "1706702400", SK_EINVAL, "is not an ISO 8601 time");
}

static void test_classification(void **state)
{
	struct event *ev = *state;
	int64_t i = -1;

	/* derived from the type */
	ok(ev, "classification.type", "infected-system", "infected-system");
	assert_string_equal(event_get(ev, EVENT_CLASSIFICATION_TAXONOMY), "malicious-code");
	assert_true(event_get_int(ev, EVENT_CLASSIFICATION_TAXONOMY, &i));
	assert_int_equal(i, TAXONOMY_MALICIOUS_CODE);
	/* a new type derives again */
	ok(ev, "classification.type", "ddos-amplifier", "ddos-amplifier");
	assert_string_equal(event_get(ev, EVENT_CLASSIFICATION_TAXONOMY), "vulnerable");
	ok(ev, "classification.type", "vulnerable-system", "vulnerable-system");
	ok(ev, "classification.type", "system-compromise", "system-compromise");
	assert_string_equal(event_get(ev, EVENT_CLASSIFICATION_TAXONOMY), "intrusions");
	ok(ev, "classification.type", "scanner", "scanner");
	assert_string_equal(event_get(ev, EVENT_CLASSIFICATION_TAXONOMY),
			    "information-gathering");
	assert_true(event_get_int(ev, EVENT_CLASSIFICATION_TYPE, &i));
	assert_string_equal(taxonomy_type_names[i], "scanner");
	/* a matching explicit taxonomy is fine, a wrong one is not */
	ok(ev, "classification.taxonomy", "information-gathering", "information-gathering");
	bad(ev, "classification.taxonomy", "fraud", SK_EINVAL,
	    "classification.taxonomy: 'fraud' does not match classification.type 'scanner' "
	    "(which belongs to information-gathering)");
	/* case does not matter */
	ok(ev, "classification.type", "Scanner", "scanner");
}

static void test_classification_order(void **state)
{
	struct event *ev = *state;

	/* taxonomy first: the type must fit it */
	ok(ev, "classification.taxonomy", "malicious code", "malicious-code");
	bad(ev, "classification.type", "phishing", SK_EINVAL,
	    "classification.type: 'phishing' does not match classification.taxonomy "
	    "'malicious-code' (it belongs to fraud)");
	ok(ev, "classification.type", "c2server", "c2-server");
	assert_string_equal(event_get(ev, EVENT_CLASSIFICATION_TAXONOMY), "malicious-code");
	/* an explicit taxonomy is not re-derived */
	bad(ev, "classification.type", "blocklist", SK_EINVAL, "does not match");
	event_unset(ev, EVENT_CLASSIFICATION_TAXONOMY);
	ok(ev, "classification.type", "blocklist", "blacklist");
	assert_string_equal(event_get(ev, EVENT_CLASSIFICATION_TAXONOMY), "other");
	/* removing the type takes its derived taxonomy with it */
	event_unset(ev, EVENT_CLASSIFICATION_TYPE);
	assert_null(event_get(ev, EVENT_CLASSIFICATION_TAXONOMY));
	bad(ev, "classification.type", "foo", SK_EINVAL,
	    "classification.type: 'foo' is not an RSIT type");
	bad(ev, "classification.taxonomy", "bar", SK_EINVAL,
	    "classification.taxonomy: 'bar' is not an RSIT taxonomy (abusive-content");
	ok(ev, "classification.type", "unknown", "undetermined");
	assert_string_equal(event_get(ev, EVENT_CLASSIFICATION_TAXONOMY), "other");
	ok(ev, "classification.identifier", "open-redis", "open-redis");
}

static void test_tlp(void **state)
{
	struct event *ev = *state;
	enum tlp_label label = TLP_RED;
	char *json;

	assert_false(event_get_tlp(ev, &label));
	ok(ev, "tlp", "amber", "TLP:AMBER");
	assert_true(event_get_tlp(ev, &label));
	assert_int_equal(label, TLP_AMBER);
	ok(ev, "tlp", "TLP:AMBER+STRICT", "TLP:AMBER+STRICT");
	json = snapshot(ev);
	assert_string_equal(json, "{\"tlp\": \"AMBER+STRICT\"}\n");
	free(json);
	ok(ev, "tlp", "white", "TLP:CLEAR");
	json = snapshot(ev);
	assert_string_equal(json, "{\"tlp\": \"WHITE\"}\n"); /* IntelMQ's word for CLEAR */
	free(json);
	ok(ev, "tlp", "TLP:CLEAR", "TLP:CLEAR");
	ok(ev, "tlp", "RED", "TLP:RED");
	bad(ev, "tlp", "ORANGE", SK_EINVAL, "tlp: 'ORANGE' is not a TLP label");
	bad(ev, "tlp", "TLP: RED", SK_EINVAL, "is not a TLP label");
}

static void test_other_kinds(void **state)
{
	struct event *ev = *state;
	int64_t v = 0;

	ok(ev, "source.geolocation.cc", "be", "BE");
	ok(ev, "destination.geolocation.cc", "NL", "NL");
	ok(ev, "source.geolocation.cc", "X1", "X1");
	bad(ev, "source.geolocation.cc", "BEL", SK_EINVAL,
	    "source.geolocation.cc: 'BEL' is not a country code");
	bad(ev, "source.geolocation.cc", "B", SK_EINVAL, "is not a country code");
	ok(ev, "malware.name", "Zeus_P2P", "zeus_p2p");
	ok(ev, "protocol.transport", "TCP", "tcp");
	ok(ev, "protocol.application", "HTTP", "http");
	ok(ev, "event_hash", "ab12cd", "AB12CD");
	ok(ev, "source.registry", "ripe-ncc", "RIPE");
	ok(ev, "source.registry", "arin", "ARIN");
	bad(ev, "source.registry", "IANA", SK_EINVAL,
	    "source.registry: 'IANA' is not a regional Internet registry");
	ok(ev, "source.tor_node", "True", "true");
	assert_true(event_get_int(ev, EVENT_SOURCE_TOR_NODE, &v));
	assert_int_equal(v, 1);
	ok(ev, "source.tor_node", "0", "false");
	bad(ev, "source.tor_node", "yes", SK_EINVAL, "source.tor_node: 'yes' is not a boolean");
	ok(ev, "source.geolocation.latitude", "50.85", "50.85");
	ok(ev, "source.geolocation.longitude", "4", "4.0");
	ok(ev, "source.geolocation.longitude", "-1.5e2", "-1.5e2");
	bad(ev, "source.geolocation.latitude", "north", SK_EINVAL,
	    "source.geolocation.latitude: 'north' is not a number");
	bad(ev, "source.geolocation.latitude", "1e999", SK_EINVAL, "out of range");
	bad(ev, "source.geolocation.latitude", "NaN", SK_EINVAL, "is not a number");
	bad(ev, "source.geolocation.latitude", ".5", SK_EINVAL, "is not a number");
	ok(ev, "feed.accuracy", "100", "100.0");
	ok(ev, "feed.accuracy", "99.5", "99.5");
	bad(ev, "feed.accuracy", "101", SK_EINVAL,
	    "feed.accuracy: 101 is not an accuracy (0-100)");
	bad(ev, "feed.accuracy", "-1", SK_EINVAL, "is not an accuracy");
	ok(ev, "rtir_id", "42", "42");
	bad(ev, "rtir_id", "4x2", SK_EINVAL, "rtir_id: '4x2' is not an integer");
	ok(ev, "raw", "aGVsbG8=", "aGVsbG8=");
	bad(ev, "raw", "hello!", SK_EINVAL, "raw: the value is not base64");
	bad(ev, "raw", "aGVsbG8", SK_EINVAL, "not base64");
	ok(ev, "feed.name", "Open Redis", "Open Redis");
	ok(ev, "feed.provider", "Shadowserver", "Shadowserver");
	ok(ev, "feed.code", "shadowserver-redis", "shadowserver-redis");
	ok(ev, "event_description.text", "tab\there", "tab\there");
	ok(ev, "source.geolocation.city", "Li\xc3\xa8ge", "Li\xc3\xa8ge");
}

static void test_common_checks(void **state)
{
	struct event *ev = *state;
	struct sk_error err = {0};
	char *big;

	bad(ev, "feed.name", "", SK_EINVAL, "feed.name: the value is empty");
	bad(ev, "feed.name", NULL, SK_EINVAL, "feed.name: the value is empty");
	bad(ev, "feed.name", "x ", SK_EINVAL,
	    "feed.name: 'x ' has leading or trailing white space");
	bad(ev, "feed.name", "\nx", SK_EINVAL, "feed.name: '\\x0ax' has leading or trailing");
	bad(ev, "source.geolocation.city", "Li\xe8ge", SK_EINVAL,
	    "source.geolocation.city: the value is not valid UTF-8 (at byte 2): 'Li\\xe8ge'");
	bad(ev, "source.geolocation.city", "\xed\xa0\x80", SK_EINVAL,
	    "not valid UTF-8 (at byte 0)");
	bad(ev, "source.geolocation.city", "a\xc0\xafz", SK_EINVAL,
	    "not valid UTF-8 (at byte 1)");
	bad(ev, "source.geolocation.city", "end\xe2\x82", SK_EINVAL,
	    "not valid UTF-8 (at byte 3)");
	assert_int_equal(event_set_field_n(ev, EVENT_FEED_NAME, "a\0b", 3, &err), SK_EINVAL);
	assert_string_equal(err.msg, "feed.name: the value holds a NUL byte");
	/* text that is not NUL-terminated */
	assert_int_equal(event_set_field_n(ev, EVENT_SOURCE_IP, "192.0.2.15xyz", 9, &err), 0);
	assert_string_equal(event_get(ev, EVENT_SOURCE_IP), "192.0.2.1");
	assert_int_equal(event_set_field_n(ev, EVENT_FEED_NAME, "Open SNMPxyz", 9, &err), 0);
	assert_string_equal(event_get(ev, EVENT_FEED_NAME), "Open SNMP");
	assert_int_equal(event_set_field(ev, EVENT_FIELD_COUNT, "x", &err), SK_EINVAL);
	/* a value over 16 KiB */
	big = malloc(EVENT_VALUE_MAX + 2);
	memset(big, 'a', EVENT_VALUE_MAX + 1);
	big[EVENT_VALUE_MAX + 1] = '\0';
	bad(ev, "comment", big, SK_ETOOBIG,
	    "comment: the value is 16385 bytes long, over the limit of 16384");
	big[EVENT_VALUE_MAX] = '\0';
	ok(ev, "comment", big, big);
	free(big);
}

static void test_extra(void **state)
{
	struct event *ev = *state;
	struct sk_error err = {0};
	enum event_json_type type = EVENT_JSON_NULL;
	struct event_iter it;
	struct event_item item;
	const char *names[8];
	int n = 0;

	assert_int_equal(event_set_extra(ev, "extra.zeta", EVENT_JSON_NUMBER, "17", &err), 0);
	assert_int_equal(event_set_extra(ev, "extra.alpha", EVENT_JSON_STRING, "a \"b\"", &err),
			 0);
	assert_int_equal(event_set_extra(ev, "extra.mid.sub_2", EVENT_JSON_BOOL, "TRUE", &err),
			 0);
	assert_int_equal(event_set_extra(ev, "extra.none", EVENT_JSON_NULL, NULL, &err), 0);
	assert_int_equal(event_set(ev, "extra.via_set", "  kept as is  ", &err), 0);
	assert_int_equal(event_set_extra(ev, "extra.empty", EVENT_JSON_STRING, "", &err), 0);
	assert_int_equal(event_set_extra(ev, "extra.real", EVENT_JSON_NUMBER, "-1.5e-3", &err),
			 0);
	assert_int_equal(event_extra_count(ev), 7);
	assert_string_equal(event_get_extra(ev, "extra.zeta", &type), "17");
	assert_int_equal(type, EVENT_JSON_NUMBER);
	assert_string_equal(event_get_extra(ev, "extra.mid.sub_2", &type), "true");
	assert_int_equal(type, EVENT_JSON_BOOL);
	assert_string_equal(event_get_extra(ev, "extra.none", &type), "null");
	assert_int_equal(type, EVENT_JSON_NULL);
	assert_string_equal(event_get_extra(ev, "extra.via_set", &type), "  kept as is  ");
	assert_int_equal(type, EVENT_JSON_STRING);
	assert_null(event_get_extra(ev, "extra.missing", &type));

	/* setting again replaces the value and keeps the place */
	assert_int_equal(
	    event_set_extra(ev, "extra.zeta", EVENT_JSON_STRING, "longer text", &err), 0);
	assert_int_equal(event_set_extra(ev, "extra.alpha", EVENT_JSON_NUMBER, "1", &err), 0);
	assert_int_equal(event_extra_count(ev), 7);
	assert_string_equal(event_get_extra(ev, "extra.zeta", &type), "longer text");
	assert_int_equal(type, EVENT_JSON_STRING);
	assert_string_equal(event_get_extra(ev, "extra.alpha", &type), "1");
	assert_int_equal(type, EVENT_JSON_NUMBER);

	/* iteration: extras after known fields, in the order first set */
	ok(ev, "source.ip", "192.0.2.1", "192.0.2.1");
	event_iter_init(&it);
	assert_true(event_next(ev, &it, &item));
	assert_string_equal(item.name, "source.ip");
	assert_int_equal(item.field, EVENT_SOURCE_IP);
	while (event_next(ev, &it, &item)) {
		assert_int_equal(item.field, -1);
		names[n++] = item.name;
	}
	assert_int_equal(n, 7);
	assert_string_equal(names[0], "extra.zeta");
	assert_string_equal(names[1], "extra.alpha");
	assert_string_equal(names[2], "extra.mid.sub_2");
	assert_string_equal(names[3], "extra.none");
	assert_string_equal(names[4], "extra.via_set");
	assert_string_equal(names[5], "extra.empty");
	assert_string_equal(names[6], "extra.real");
}

static void test_extra_refused(void **state)
{
	struct event *ev = *state;
	struct sk_error err = {0};
	static const char *const bad_names[] = {
	    "extra.",	"extra",     "foo",	  "extra.Foo", "extra..x",
	    "extra.x.", "extra.a-b", "extra.a b", "EXTRA.x",   "extra.é",
	};
	static const char *const bad_numbers[] = {
	    "01",
	    "1.",
	    "+1",
	    ".5",
	    "1e",
	    "NaN",
	    "Infinity",
	    "0x10",
	    "1 ",
	    "",
	    "1e400",
	    "9223372036854775808",
	    "-9223372036854775809",
	};
	char name[EVENT_EXTRA_KEY_MAX + 2];

	for (size_t i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
		assert_int_equal(
		    event_set_extra(ev, bad_names[i], EVENT_JSON_STRING, "x", &err), SK_EINVAL);
		assert_non_null(strstr(err.msg, "is not an extra.* name"));
	}
	memcpy(name, "extra.", 6);
	memset(name + 6, 'a', EVENT_EXTRA_KEY_MAX - 6);
	name[EVENT_EXTRA_KEY_MAX] = '\0';
	assert_int_equal(event_set_extra(ev, name, EVENT_JSON_STRING, "x", &err), 0);
	name[EVENT_EXTRA_KEY_MAX] = 'a';
	name[EVENT_EXTRA_KEY_MAX + 1] = '\0';
	assert_int_equal(event_set_extra(ev, name, EVENT_JSON_STRING, "x", &err), SK_EINVAL);

	for (size_t i = 0; i < sizeof(bad_numbers) / sizeof(bad_numbers[0]); i++) {
		if (event_set_extra(ev, "extra.n", EVENT_JSON_NUMBER, bad_numbers[i], &err) !=
		    SK_EINVAL)
			fail_msg("'%s' was taken as a number", bad_numbers[i]);
		assert_non_null(strstr(err.msg, "extra.n: '"));
	}
	assert_int_equal(event_set_extra(ev, "extra.n", EVENT_JSON_NUMBER, "-0", &err), 0);
	assert_int_equal(
	    event_set_extra(ev, "extra.n", EVENT_JSON_NUMBER, "9223372036854775807", &err), 0);
	assert_int_equal(event_set_extra(ev, "extra.b", EVENT_JSON_BOOL, "maybe", &err),
			 SK_EINVAL);
	assert_string_equal(err.msg, "extra.b: 'maybe' is not a boolean (true or false)");
	assert_int_equal(event_set_extra(ev, "extra.s", EVENT_JSON_STRING, "\xff", &err),
			 SK_EINVAL);
	assert_string_equal(err.msg,
			    "extra.s: the value is not valid UTF-8 (at byte 0): '\\xff'");
	assert_int_equal(event_set_extra(ev, "extra.s", EVENT_JSON_STRING, NULL, &err),
			 SK_EINVAL);
	assert_int_equal(event_set_extra(ev, "extra.s", (enum event_json_type)9, "x", &err),
			 SK_EINVAL);
	assert_int_equal(event_set_extra_n(ev, "extra.s", EVENT_JSON_STRING, "a\0b", 3, &err),
			 SK_EINVAL);
	assert_null(event_get_extra(ev, "extra.s", NULL));
}

/* A key checked once sets values as its name does, and refuses what
 * event_set_extra refuses; numbers that need no conversion to be known
 * good and those that do. */
static void test_extra_key(void **state)
{
	static const char *const good_numbers[] = {
	    "123456789012345678",
	    "-123456789012345678",
	    "9223372036854775807",
	    "-9223372036854775808",
	    "1E5",
	    "1234567890123456789012345678.5",
	    "-0.000000000000000000001",
	};
	struct event *ev = *state;
	struct event_extra_key key, other;
	struct sk_error err = {0};
	enum event_json_type type;

	assert_int_equal(event_extra_key_init(&key, "extra.Bad", &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "is not an extra.* name"));
	assert_int_equal(event_extra_key_init(&key, "extra.count", &err), 0);
	assert_int_equal(event_extra_key_init(&other, "extra.tag", &err), 0);
	assert_int_equal(event_set_extra_key(ev, &key, EVENT_JSON_NUMBER, "12x", 2, &err), 0);
	assert_string_equal(event_get_extra(ev, "extra.count", &type), "12");
	assert_int_equal(type, EVENT_JSON_NUMBER);
	/* the same name by key and by name is the same field */
	assert_int_equal(event_set_extra(ev, "extra.count", EVENT_JSON_STRING, "twelve", &err),
			 0);
	assert_int_equal(event_set_extra_key(ev, &other, EVENT_JSON_STRING, "t", 1, &err), 0);
	assert_int_equal(event_extra_count(ev), 2);
	assert_string_equal(event_get_extra(ev, "extra.count", NULL), "twelve");
	assert_int_equal(event_set_extra_key(ev, &key, EVENT_JSON_NUMBER, "1e400", 5, &err),
			 SK_EINVAL);
	assert_int_equal(event_set_extra_key(ev, &key, EVENT_JSON_STRING, "a\0b", 3, &err),
			 SK_EINVAL);
	assert_string_equal(err.msg, "extra.count: the value holds a NUL byte");
	assert_int_equal(event_set_extra_key(ev, &key, EVENT_JSON_STRING, "caf\xc3", 4, &err),
			 SK_EINVAL);
	assert_string_equal(event_get_extra(ev, "extra.count", NULL), "twelve");
	for (size_t i = 0; i < sizeof(good_numbers) / sizeof(good_numbers[0]); i++)
		if (event_set_extra_key(ev, &key, EVENT_JSON_NUMBER, good_numbers[i],
					strlen(good_numbers[i]), &err) != 0)
			fail_msg("'%s': %s", good_numbers[i], err.msg);
}

/* Long strings are escaped wherever the characters fall, also past the
 * first eight bytes and at the very end. */
static void test_json_escapes(void **state)
{
	struct event *ev = *state;
	struct sk_error err = {0};
	char *json;

	assert_int_equal(event_set_extra(ev, "extra.a", EVENT_JSON_STRING,
					 "0123456789abcdef\"0123456789\\x\x1f\n", &err),
			 0);
	assert_int_equal(event_set_extra(ev, "extra.b", EVENT_JSON_STRING,
					 "plain text of some length", &err),
			 0);
	assert_int_equal(event_set_extra(ev, "extra.c", EVENT_JSON_STRING,
					 "\xc3\xa9t\xc3\xa9 \"\xe2\x82\xac\"", &err),
			 0);
	json = snapshot_packed(ev);
	assert_string_equal(json, "{\"extra.a\": \"0123456789abcdef\\\"0123456789\\\\x"
				  "\\u001f\\n\", \"extra.b\": \"plain text of some length\", "
				  "\"extra.c\": \"\xc3\xa9t\xc3\xa9 \\\"\xe2\x82\xac\\\"\"}\n");
	free(json);
}

static void test_limits(void **state)
{
	struct event *ev = *state;
	struct sk_error err = {0};
	char name[32], *big, *before, *after;
	int i;

	/* 256 extra fields, not 257 */
	for (i = 0; i < EVENT_EXTRA_MAX; i++) {
		snprintf(name, sizeof(name), "extra.f%d", i);
		assert_int_equal(event_set_extra(ev, name, EVENT_JSON_NUMBER, "1", &err), 0);
	}
	assert_int_equal(event_set_extra(ev, "extra.one_more", EVENT_JSON_NUMBER, "1", &err),
			 SK_ETOOBIG);
	assert_string_equal(err.msg, "extra.one_more: the event has 256 extra fields already");
	/* replacing one of them is still fine */
	assert_int_equal(event_set_extra(ev, "extra.f7", EVENT_JSON_NUMBER, "2", &err), 0);
	assert_int_equal(event_extra_count(ev), EVENT_EXTRA_MAX);

	/* 64 KiB of text in all */
	event_reset(ev);
	assert_int_equal(event_extra_count(ev), 0);
	big = malloc(EVENT_VALUE_MAX + 1);
	memset(big, 'x', EVENT_VALUE_MAX);
	big[EVENT_VALUE_MAX] = '\0';
	for (i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "extra.big%d", i);
		assert_int_equal(event_set_extra(ev, name, EVENT_JSON_STRING, big, &err), 0);
	}
	/* 3 x (11 + 16385) bytes so far; leave 10 bytes free */
	big[EVENT_TEXT_MAX - 3 * (11 + EVENT_VALUE_MAX + 1) - 10 - 1] = '\0';
	ok(ev, "comment", big, big);
	assert_int_equal(ev->arena.len, EVENT_TEXT_MAX - 10);
	before = snapshot(ev);
	assert_int_equal(event_set(ev, "feed.name", "one byte too many? no, many", &err),
			 SK_ETOOBIG);
	assert_string_equal(err.msg,
			    "feed.name: the event would hold more than 65536 bytes of text");
	assert_int_equal(event_set_extra(ev, "extra.more", EVENT_JSON_STRING, "x", &err),
			 SK_ETOOBIG);
	assert_int_equal(event_set(ev, "classification.type", "scanner", &err), SK_ETOOBIG);
	assert_false(event_has(ev, EVENT_CLASSIFICATION_TAXONOMY));
	after = snapshot(ev);
	assert_string_equal(before, after);
	assert_int_equal(event_extra_count(ev), 3);
	/* a shorter value fits where the old one was */
	ok(ev, "comment", "short now", "short now");
	free(before);
	free(after);
	free(big);
}

static void test_validate(void **state)
{
	struct event *ev = *state;
	struct sk_error err = {0};

	assert_int_equal(event_validate(ev, &err), SK_EINVAL);
	assert_string_equal(err.msg,
			    "the event has no source: it needs source.ip, source.fqdn, "
			    "source.url or source.asn");
	ok(ev, "source.asn", "64496", "64496");
	assert_int_equal(event_validate(ev, &err), SK_EINVAL);
	assert_string_equal(err.msg, "the event has no classification.type");
	ok(ev, "classification.type", "scanner", "scanner");
	assert_int_equal(event_validate(ev, &err), SK_EINVAL);
	assert_string_equal(err.msg, "the event has no feed.name");
	ok(ev, "feed.name", "Scanners", "Scanners");
	assert_int_equal(event_validate(ev, &err), SK_EINVAL);
	assert_string_equal(err.msg,
			    "the event has no time: it needs time.source or time.observation");
	ok(ev, "time.observation", "2024-01-31T12:00:00Z", "2024-01-31T12:00:00+00:00");
	assert_int_equal(event_validate(ev, &err), 0);
	event_unset(ev, EVENT_SOURCE_ASN);
	assert_int_equal(event_validate(ev, &err), SK_EINVAL);
	ok(ev, "source.url", "http://example.be/", "http://example.be/");
	assert_int_equal(event_validate(ev, &err), 0);
}

static void test_json(void **state)
{
	struct event *ev = *state;
	struct sk_error err = {0};
	struct buf out;

	ok(ev, "time.source", "2024-01-31 12:00:00", "2024-01-31T12:00:00+00:00");
	ok(ev, "source.ip", "2001:DB8::7", "2001:db8::7");
	ok(ev, "feed.name", "Test \"quoted\" \\ back\\slash", "Test \"quoted\" \\ back\\slash");
	ok(ev, "source.port", "443", "443");
	ok(ev, "classification.type", "infected-system", "infected-system");
	ok(ev, "source.asn", "AS64496", "64496");
	ok(ev, "source.tor_node", "false", "false");
	ok(ev, "source.geolocation.city", "Li\xc3\xa8ge \xe2\x82\xac \xf0\x9f\x98\x80",
	   "Li\xc3\xa8ge \xe2\x82\xac \xf0\x9f\x98\x80");
	ok(ev, "event_description.text",
	   "a\tb\x01"
	   "c\x1f/\x7f",
	   "a\tb\x01"
	   "c\x1f/\x7f");
	assert_int_equal(event_set_extra(ev, "extra.zz", EVENT_JSON_NUMBER, "1.5", &err), 0);
	assert_int_equal(
	    event_set_extra(ev, "extra.aa", EVENT_JSON_STRING, "l1\nl2\r\b\f", &err), 0);
	assert_int_equal(event_set_extra(ev, "extra.mm", EVENT_JSON_BOOL, "true", &err), 0);
	assert_int_equal(event_set_extra(ev, "extra.nn", EVENT_JSON_NULL, NULL, &err), 0);
	ok(ev, "tlp", "GREEN", "TLP:GREEN");

	buf_init(&out, 4096);
	assert_int_equal(buf_append_str(&out, "before|"), 0);
	assert_int_equal(event_to_json(ev, &out), 0);
	assert_string_equal(
	    buf_str(&out),
	    "before|{\"classification.taxonomy\": \"malicious-code\", "
	    "\"classification.type\": \"infected-system\", "
	    "\"event_description.text\": \"a\\tb\\u0001c\\u001f/\x7f\", "
	    "\"extra.aa\": \"l1\\nl2\\r\\b\\f\", \"extra.mm\": true, "
	    "\"extra.nn\": null, \"extra.zz\": 1.5, "
	    "\"feed.name\": \"Test \\\"quoted\\\" \\\\ back\\\\slash\", "
	    "\"source.asn\": 64496, "
	    "\"source.geolocation.city\": \"Li\xc3\xa8ge \xe2\x82\xac \xf0\x9f\x98\x80\", "
	    "\"source.ip\": \"2001:db8::7\", \"source.port\": 443, "
	    "\"source.tor_node\": false, "
	    "\"time.source\": \"2024-01-31T12:00:00+00:00\", \"tlp\": \"GREEN\"}\n");
	pack_roundtrip(ev, buf_str(&out) + strlen("before|"));
	buf_free(&out);

	/* an empty event */
	event_reset(ev);
	buf_init(&out, 16);
	assert_int_equal(event_to_json(ev, &out), 0);
	assert_string_equal(buf_str(&out), "{}\n");
	buf_free(&out);
}

static void test_json_cap(void **state)
{
	struct event *ev = *state;
	struct buf out;
	char *big;

	big = malloc(EVENT_VALUE_MAX + 1);
	memset(big, '"', EVENT_VALUE_MAX); /* every byte doubles when escaped */
	big[EVENT_VALUE_MAX] = '\0';
	ok(ev, "comment", "x\"y\"z", "x\"y\"z");
	assert_int_equal(event_set_extra(ev, "extra.q", EVENT_JSON_STRING, big, NULL), 0);
	buf_init(&out, 20000);
	assert_int_equal(buf_append_str(&out, "kept"), 0);
	assert_int_equal(event_to_json(ev, &out), SK_ETOOBIG);
	assert_string_equal(buf_str(&out), "kept");
	assert_int_equal(out.len, 4);
	buf_free(&out);
	buf_init(&out, 40000);
	assert_int_equal(event_to_json(ev, &out), 0);
	assert_int_equal(out.len,
			 strlen("{\"comment\": \"x\\\"y\\\"z\", \"extra.q\": \"\"}\n") +
			     2 * EVENT_VALUE_MAX);
	buf_free(&out);
	free(big);
}

static void test_reset_copy(void **state)
{
	struct event *ev = *state;
	struct event copy;
	struct sk_error err = {0};
	char *a, *b;

	ok(ev, "source.ip", "192.0.2.1", "192.0.2.1");
	ok(ev, "classification.type", "scanner", "scanner");
	assert_int_equal(event_set_extra(ev, "extra.x", EVENT_JSON_NUMBER, "1", &err), 0);
	event_init(&copy);
	ok(&copy, "feed.name", "old", "old");
	event_copy(&copy, ev);
	a = snapshot(ev);
	b = snapshot(&copy);
	assert_string_equal(a, b);
	free(b);
	/* deep: changing the original leaves the copy */
	ok(ev, "source.ip", "198.51.100.1", "198.51.100.1");
	assert_string_equal(event_get(&copy, EVENT_SOURCE_IP), "192.0.2.1");
	assert_int_equal(event_get_prefix(&copy, EVENT_SOURCE_IP)->addr[0], 192);
	assert_null(event_get(&copy, EVENT_FEED_NAME));
	ok(&copy, "classification.type", "phishing", "phishing"); /* derived stays derived */
	assert_string_equal(event_get(&copy, EVENT_CLASSIFICATION_TAXONOMY), "fraud");
	event_free(&copy);
	free(a);

	event_reset(ev);
	assert_null(event_get(ev, EVENT_SOURCE_IP));
	assert_null(event_get(ev, EVENT_CLASSIFICATION_TAXONOMY));
	assert_int_equal(event_extra_count(ev), 0);
	assert_null(event_get_extra(ev, "extra.x", NULL));
	/* a reset event works as new */
	ok(ev, "classification.taxonomy", "fraud", "fraud");
	ok(ev, "classification.type", "phishing", "phishing");
}

static void test_set_from_values(void **state)
{
	struct event *ev = *state;
	struct sk_error err = {0};
	struct prefix p;
	const char *same;

	assert_int_equal(prefix_parse("203.0.113.0/24", &p, NULL), 0);
	assert_int_equal(event_set_prefix(ev, EVENT_SOURCE_NETWORK, &p, &err), 0);
	assert_string_equal(event_get(ev, EVENT_SOURCE_NETWORK), "203.0.113.0/24");
	assert_int_equal(event_set_prefix(ev, EVENT_SOURCE_IP, &p, &err), SK_EINVAL);
	assert_string_equal(err.msg, "source.ip: a network where an address belongs");
	assert_int_equal(event_set_prefix(ev, EVENT_FEED_NAME, &p, &err), SK_EINVAL);
	assert_int_equal(prefix_parse("2001:db8::5", &p, NULL), 0);
	assert_int_equal(event_set_prefix(ev, EVENT_DESTINATION_IP, &p, &err), 0);
	assert_string_equal(event_get(ev, EVENT_DESTINATION_IP), "2001:db8::5");
	assert_int_equal(event_set_int(ev, EVENT_SOURCE_ASN, 64497, &err), 0);
	assert_string_equal(event_get(ev, EVENT_SOURCE_ASN), "64497");
	assert_int_equal(event_set_int(ev, EVENT_SOURCE_PORT, 70000, &err), SK_EINVAL);
	assert_string_equal(err.msg, "source.port: 70000 is not a port (0-65535)");
	assert_int_equal(event_set_int(ev, EVENT_TIME_SOURCE, 1, &err), SK_EINVAL);
	/* a value taken from the event itself, also while the arena grows */
	ok(ev, "comment", "first comment", "first comment");
	same = event_get(ev, EVENT_COMMENT);
	assert_int_equal(event_set_field(ev, EVENT_EVENT_DESCRIPTION_TEXT, same, &err), 0);
	assert_string_equal(event_get(ev, EVENT_EVENT_DESCRIPTION_TEXT), "first comment");
	for (int i = 0; i < 200; i++) {
		char name[32];

		snprintf(name, sizeof(name), "extra.copy%d", i);
		same = event_get(ev, EVENT_COMMENT);
		assert_int_equal(event_set_extra(ev, name, EVENT_JSON_STRING, same, &err), 0);
	}
	assert_string_equal(event_get_extra(ev, "extra.copy199", NULL), "first comment");
}

/* Set every field of the JSON object obj on ev, as a parser of IntelMQ
 * JSON would. */
static void set_from_json(struct event *ev, json_t *obj, const char *where)
{
	struct sk_error err = {0};
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v)
	{
		bool extra = strncmp(key, "extra.", 6) == 0;
		enum event_json_type type = EVENT_JSON_STRING;
		char *text = NULL;
		int rc;

		switch (json_typeof(v)) {
		case JSON_STRING:
			text = strdup(json_string_value(v));
			break;
		case JSON_INTEGER:
		case JSON_REAL:
			text = json_dumps(v, JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
			type = EVENT_JSON_NUMBER;
			break;
		case JSON_TRUE:
		case JSON_FALSE:
			text = strdup(json_is_true(v) ? "true" : "false");
			type = EVENT_JSON_BOOL;
			break;
		default:
			type = EVENT_JSON_NULL;
			break;
		}
		rc = extra ? event_set_extra(ev, key, type, text, &err)
			   : event_set(ev, key, text, &err);
		if (rc != 0)
			fail_msg("%s: %s", where, err.msg);
		free(text);
	}
}

/* Every event IntelMQ's Shadowserver tests expect goes through an event
 * and comes out as the line IntelMQ writes: same keys, values and JSON
 * types, keys sorted, ", " and ": " between them. */
static void test_intelmq_fixtures(void **state)
{
	static const char *const reports[] = {
	    "blocklist",
	    "compromised_website",
	    "event4_honeypot_darknet",
	    "event4_sinkhole_dns",
	    "event4_sinkhole_http",
	    "event6_sinkhole_http",
	    "malware_url",
	    "scan_chargen",
	    "scan_dns",
	    "scan_elasticsearch",
	    "scan_ftp",
	    "scan_http",
	    "scan_memcached",
	    "scan_ntp",
	    "scan_rdp",
	    "scan_redis",
	    "scan_smb",
	    "scan_snmp",
	    "scan_ssh",
	    "scan_ssl",
	    "scan_telnet",
	};
	struct event *ev = *state;
	const char *dir = getenv("SCHAKEL_FIXTURES");
	struct sk_error err = {0};
	int events = 0;

	if (dir == NULL)
		skip();
	for (size_t r = 0; r < sizeof(reports) / sizeof(reports[0]); r++) {
		char path[1024], line[65536], where[1100];
		FILE *f;
		int n = 0;

		snprintf(path, sizeof(path), "%s/shadowserver/%s.expected.jsonl", dir,
			 reports[r]);
		f = fopen(path, "r");
		if (f == NULL)
			fail_msg("cannot open %s", path);
		while (fgets(line, sizeof(line), f) != NULL) {
			json_error_t jerr;
			json_t *obj = json_loads(line, 0, &jerr), *back;
			char *want;
			struct buf out;

			snprintf(where, sizeof(where), "%s line %d", path, ++n);
			if (obj == NULL)
				fail_msg("%s: %s", where, jerr.text);
			event_reset(ev);
			set_from_json(ev, obj, where);
			assert_int_equal(event_validate(ev, &err), 0);
			buf_init(&out, 1 << 20);
			assert_int_equal(event_to_json(ev, &out), 0);
			want = json_dumps(obj, JSON_SORT_KEYS | JSON_REAL_PRECISION(15));
			assert_true(out.len > 0 && out.data[out.len - 1] == '\n');
			out.data[--out.len] = '\0';
			if (strcmp(want, buf_str(&out)) != 0)
				fail_msg("%s:\n got  %s\n want %s", where, buf_str(&out), want);
			assert_int_equal(buf_append(&out, "\n", 1), 0);
			pack_roundtrip(ev, buf_str(&out));
			out.data[--out.len] = '\0';
			back = json_loads(buf_str(&out), JSON_REJECT_DUPLICATES, &jerr);
			assert_non_null(back);
			assert_true(json_equal(back, obj));
			json_decref(back);
			free(want);
			buf_free(&out);
			json_decref(obj);
			events++;
		}
		fclose(f);
	}
	assert_int_equal(events, 58);
}

/* Every field packs under a code of its own; damaged packed text is
 * refused; a member is found where it lies. */
static void test_pack(void **state)
{
	static const char *const damaged[] = {
	    "\x05x", /* no such control byte */
	    "\x01",  /* a field without its code */
	    "\x01\x7f"
	    "1", /* a code no field has */
	    "\x03"
	    "abc",    /* an extra.* name without its ':' */
	    "\x04:1", /* an empty extra.* name */
	    "1",      /* text before any member */
	};
	/* one of these suits every kind of field */
	static const char *const values[] = {
	    "1",
	    "example.com",
	    "2024-01-31T12:00:00+00:00",
	    "GREEN",
	    "true",
	    "vulnerable",
	    "https://example.com/",
	    "scanner",
	    "192.0.2.0/24",
	    "aGk=",
	    "ZZ",
	    "RIPE",
	    "192.0.2.1",
	};
	struct event *ev = *state;
	struct buf b;
	size_t span[2];
	char *json = NULL;

	for (int f = 0; f < EVENT_FIELD_COUNT; f++) {
		struct buf p;

		buf_init(&p, 4096);
		buf_init(&b, 4096);
		event_reset(ev);
		json = NULL;
		for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++)
			if (event_set_field(ev, (enum event_field)f, values[v], NULL) == 0)
				break;
		if (event_has(ev, (enum event_field)f)) {
			size_t obs[2];

			json = snapshot_packed(ev);
			assert_int_equal(event_to_packed(ev, &p, obs), 0);
			/* time.observation's member is the whole text, or none of it */
			assert_int_equal(obs[0], f == EVENT_TIME_OBSERVATION ? 0 : p.len);
			assert_int_equal(obs[1], p.len);
		}
		if (json == NULL)
			fail_msg("no test value for %s", event_field_name((enum event_field)f));
		free(json);
		buf_free(&p);
		buf_free(&b);
	}
	for (size_t i = 0; i < sizeof(damaged) / sizeof(damaged[0]); i++) {
		buf_init(&b, 64);
		assert_int_equal(buf_append_str(&b, "kept"), 0);
		assert_int_equal(event_pack_to_json(damaged[i], strlen(damaged[i]), &b),
				 SK_EINVAL);
		assert_string_equal(buf_str(&b), "kept");
		buf_free(&b);
	}
	/* every name with a code comes back as itself, string or not */
	for (size_t at = 0; at < event_pack_extra_count; at += 200) {
		char name[EVENT_EXTRA_KEY_MAX + 1];

		event_reset(ev);
		for (size_t i = at; i < at + 200 && i < event_pack_extra_count; i++) {
			struct sk_error err = {0};

			snprintf(name, sizeof(name), "extra.%s", event_pack_extra_names[i]);
			if (event_set_extra(ev, name,
					    i % 2 ? EVENT_JSON_STRING : EVENT_JSON_NUMBER, "12",
					    &err) != 0)
				fail_msg("%s: %s", name, err.msg);
		}
		json = snapshot_packed(ev);
		free(json);
	}
	/* times in the usual form pack into six characters, others stay */
	{
		static const char *const times[] = {
		    "1970-01-01T00:00:00+00:00", "2024-02-29T23:59:59+00:00",
		    "2026-11-30T12:34:56+00:00", "9999-12-31T23:59:59+00:00",
		    "1969-12-31T23:59:59+00:00", /* before the epoch: as text */
		};

		for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
			struct buf p;
			char *line;

			event_reset(ev);
			ok(ev, "time.source", times[i], times[i]);
			buf_init(&p, 256);
			assert_int_equal(event_to_packed(ev, &p, NULL), 0);
			assert_int_equal(p.len, i < 4 ? 2 + EVENT_PACK_TIME_LEN
						      : 2 + strlen(times[i]));
			line = snapshot_packed(ev);
			free(line);
			buf_free(&p);
		}
	}
	/* the member of time.observation, between two others */
	event_reset(ev);
	ok(ev, "source.port", "1", "1");
	ok(ev, "time.observation", "2024-01-31T12:00:00Z", "2024-01-31T12:00:00+00:00");
	ok(ev, "tlp", "RED", "TLP:RED");
	buf_init(&b, 4096);
	assert_int_equal(buf_append_str(&b, "before"), 0);
	assert_int_equal(event_to_packed(ev, &b, span), 0);
	assert_int_equal(span[1] - span[0], 2 + EVENT_PACK_TIME_LEN);
	assert_int_equal(b.data[6 + span[0]], EVENT_PACK_TIME);
	assert_int_equal(b.data[6 + span[0] + 1], event_pack_code[EVENT_TIME_OBSERVATION]);
	assert_true(span[0] > 0 && 6 + span[1] < b.len); /* source.port before, tlp after */
	buf_free(&b);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_field_names),
	    T(test_unknown_field),
	    T(test_ip),
	    T(test_network),
	    T(test_asn),
	    T(test_port),
	    T(test_domain),
	    T(test_url),
	    T(test_time),
	    T(test_classification),
	    T(test_classification_order),
	    T(test_tlp),
	    T(test_other_kinds),
	    T(test_common_checks),
	    T(test_extra),
	    T(test_extra_refused),
	    T(test_extra_key),
	    T(test_json_escapes),
	    T(test_limits),
	    T(test_validate),
	    T(test_json),
	    T(test_json_cap),
	    T(test_reset_copy),
	    T(test_set_from_values),
	    T(test_intelmq_fixtures),
	    T(test_pack),
	};

	return cmocka_run_group_tests_name("event", tests, NULL, NULL);
}
