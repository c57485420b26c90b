/* model/event_field.c: the known IntelMQ fields: their names, the kind
 * of value each holds, the JSON type it is written as, and the look-up of
 * a field by name (an open-addressing hash table built once). */
#include "model/event.h"

#include <pthread.h>
#include <string.h>

#include "model/event_int.h"

#define FIELD(name, kind)                                                                      \
	{                                                                                      \
		name, sizeof(name) - 1, kind                                                   \
	}

const struct field_def event_fields[EVENT_FIELD_COUNT] = {
    [EVENT_CLASSIFICATION_IDENTIFIER] = FIELD("classification.identifier", K_TEXT),
    [EVENT_CLASSIFICATION_TAXONOMY] = FIELD("classification.taxonomy", K_TAXONOMY),
    [EVENT_CLASSIFICATION_TYPE] = FIELD("classification.type", K_TYPE),
    [EVENT_COMMENT] = FIELD("comment", K_TEXT),
    [EVENT_DESTINATION_ABUSE_CONTACT] = FIELD("destination.abuse_contact", K_LOWER),
    [EVENT_DESTINATION_ACCOUNT] = FIELD("destination.account", K_TEXT),
    [EVENT_DESTINATION_ALLOCATED] = FIELD("destination.allocated", K_TIME),
    [EVENT_DESTINATION_AS_NAME] = FIELD("destination.as_name", K_TEXT),
    [EVENT_DESTINATION_ASN] = FIELD("destination.asn", K_ASN),
    [EVENT_DESTINATION_DOMAIN_SUFFIX] = FIELD("destination.domain_suffix", K_SUFFIX),
    [EVENT_DESTINATION_FQDN] = FIELD("destination.fqdn", K_FQDN),
    [EVENT_DESTINATION_GEOLOCATION_CC] = FIELD("destination.geolocation.cc", K_CC),
    [EVENT_DESTINATION_GEOLOCATION_CITY] = FIELD("destination.geolocation.city", K_TEXT),
    [EVENT_DESTINATION_GEOLOCATION_COUNTRY] = FIELD("destination.geolocation.country", K_TEXT),
    [EVENT_DESTINATION_GEOLOCATION_LATITUDE] =
	FIELD("destination.geolocation.latitude", K_FLOAT),
    [EVENT_DESTINATION_GEOLOCATION_LONGITUDE] =
	FIELD("destination.geolocation.longitude", K_FLOAT),
    [EVENT_DESTINATION_GEOLOCATION_REGION] = FIELD("destination.geolocation.region", K_TEXT),
    [EVENT_DESTINATION_GEOLOCATION_STATE] = FIELD("destination.geolocation.state", K_TEXT),
    [EVENT_DESTINATION_IP] = FIELD("destination.ip", K_IP),
    [EVENT_DESTINATION_LOCAL_HOSTNAME] = FIELD("destination.local_hostname", K_TEXT),
    [EVENT_DESTINATION_LOCAL_IP] = FIELD("destination.local_ip", K_IP),
    [EVENT_DESTINATION_NETWORK] = FIELD("destination.network", K_NETWORK),
    [EVENT_DESTINATION_PORT] = FIELD("destination.port", K_PORT),
    [EVENT_DESTINATION_REGISTRY] = FIELD("destination.registry", K_REGISTRY),
    [EVENT_DESTINATION_REVERSE_DNS] = FIELD("destination.reverse_dns", K_RDNS),
    [EVENT_DESTINATION_TOR_NODE] = FIELD("destination.tor_node", K_BOOL),
    [EVENT_DESTINATION_URL] = FIELD("destination.url", K_URL),
    [EVENT_DESTINATION_URLPATH] = FIELD("destination.urlpath", K_TEXT),
    [EVENT_EVENT_DESCRIPTION_TARGET] = FIELD("event_description.target", K_TEXT),
    [EVENT_EVENT_DESCRIPTION_TEXT] = FIELD("event_description.text", K_TEXT),
    [EVENT_EVENT_DESCRIPTION_URL] = FIELD("event_description.url", K_URL),
    [EVENT_EVENT_HASH] = FIELD("event_hash", K_UPPER),
    [EVENT_FEED_ACCURACY] = FIELD("feed.accuracy", K_ACCURACY),
    [EVENT_FEED_CODE] = FIELD("feed.code", K_TEXT),
    [EVENT_FEED_DOCUMENTATION] = FIELD("feed.documentation", K_TEXT),
    [EVENT_FEED_NAME] = FIELD("feed.name", K_TEXT),
    [EVENT_FEED_PROVIDER] = FIELD("feed.provider", K_TEXT),
    [EVENT_FEED_URL] = FIELD("feed.url", K_URL),
    [EVENT_MALWARE_HASH_MD5] = FIELD("malware.hash.md5", K_TEXT),
    [EVENT_MALWARE_HASH_SHA1] = FIELD("malware.hash.sha1", K_TEXT),
    [EVENT_MALWARE_HASH_SHA256] = FIELD("malware.hash.sha256", K_TEXT),
    [EVENT_MALWARE_NAME] = FIELD("malware.name", K_LOWER),
    [EVENT_MALWARE_VERSION] = FIELD("malware.version", K_TEXT),
    [EVENT_MISP_ATTRIBUTE_UUID] = FIELD("misp.attribute_uuid", K_LOWER),
    [EVENT_MISP_EVENT_UUID] = FIELD("misp.event_uuid", K_LOWER),
    [EVENT_PRODUCT_NAME] = FIELD("product.name", K_TEXT),
    [EVENT_PRODUCT_VENDOR] = FIELD("product.vendor", K_TEXT),
    [EVENT_PRODUCT_VERSION] = FIELD("product.version", K_TEXT),
    [EVENT_PRODUCT_VULNERABILITIES] = FIELD("product.vulnerabilities", K_LOWER),
    [EVENT_PROTOCOL_APPLICATION] = FIELD("protocol.application", K_LOWER),
    [EVENT_PROTOCOL_TRANSPORT] = FIELD("protocol.transport", K_LOWER),
    [EVENT_RAW] = FIELD("raw", K_BASE64),
    [EVENT_RTIR_ID] = FIELD("rtir_id", K_INTEGER),
    [EVENT_SCREENSHOT_URL] = FIELD("screenshot_url", K_URL),
    [EVENT_SEVERITY] = FIELD("severity", K_LOWER),
    [EVENT_SOURCE_ABUSE_CONTACT] = FIELD("source.abuse_contact", K_LOWER),
    [EVENT_SOURCE_ACCOUNT] = FIELD("source.account", K_TEXT),
    [EVENT_SOURCE_ALLOCATED] = FIELD("source.allocated", K_TIME),
    [EVENT_SOURCE_AS_NAME] = FIELD("source.as_name", K_TEXT),
    [EVENT_SOURCE_ASN] = FIELD("source.asn", K_ASN),
    [EVENT_SOURCE_DOMAIN_SUFFIX] = FIELD("source.domain_suffix", K_SUFFIX),
    [EVENT_SOURCE_FQDN] = FIELD("source.fqdn", K_FQDN),
    [EVENT_SOURCE_GEOLOCATION_CC] = FIELD("source.geolocation.cc", K_CC),
    [EVENT_SOURCE_GEOLOCATION_CITY] = FIELD("source.geolocation.city", K_TEXT),
    [EVENT_SOURCE_GEOLOCATION_COUNTRY] = FIELD("source.geolocation.country", K_TEXT),
    [EVENT_SOURCE_GEOLOCATION_CYMRU_CC] = FIELD("source.geolocation.cymru_cc", K_CC),
    [EVENT_SOURCE_GEOLOCATION_GEOIP_CC] = FIELD("source.geolocation.geoip_cc", K_CC),
    [EVENT_SOURCE_GEOLOCATION_LATITUDE] = FIELD("source.geolocation.latitude", K_FLOAT),
    [EVENT_SOURCE_GEOLOCATION_LONGITUDE] = FIELD("source.geolocation.longitude", K_FLOAT),
    [EVENT_SOURCE_GEOLOCATION_REGION] = FIELD("source.geolocation.region", K_TEXT),
    [EVENT_SOURCE_GEOLOCATION_STATE] = FIELD("source.geolocation.state", K_TEXT),
    [EVENT_SOURCE_IP] = FIELD("source.ip", K_IP),
    [EVENT_SOURCE_LOCAL_HOSTNAME] = FIELD("source.local_hostname", K_TEXT),
    [EVENT_SOURCE_LOCAL_IP] = FIELD("source.local_ip", K_IP),
    [EVENT_SOURCE_NETWORK] = FIELD("source.network", K_NETWORK),
    [EVENT_SOURCE_PORT] = FIELD("source.port", K_PORT),
    [EVENT_SOURCE_REGISTRY] = FIELD("source.registry", K_REGISTRY),
    [EVENT_SOURCE_REVERSE_DNS] = FIELD("source.reverse_dns", K_RDNS),
    [EVENT_SOURCE_TOR_NODE] = FIELD("source.tor_node", K_BOOL),
    [EVENT_SOURCE_URL] = FIELD("source.url", K_URL),
    [EVENT_SOURCE_URLPATH] = FIELD("source.urlpath", K_TEXT),
    [EVENT_STATUS] = FIELD("status", K_TEXT),
    [EVENT_TIME_OBSERVATION] = FIELD("time.observation", K_TIME),
    [EVENT_TIME_SOURCE] = FIELD("time.source", K_TIME),
    [EVENT_TLP] = FIELD("tlp", K_TLP),
};

#undef FIELD

/* ---- names to fields: an open-addressing hash table built once ---- */

#define LOOKUP_SIZE 256 /* a power of two, over twice the field count */

_Static_assert(EVENT_FIELD_COUNT < LOOKUP_SIZE / 2, "grow LOOKUP_SIZE");
_Static_assert(EVENT_FIELD_COUNT <= 128, "grow event.set");

static uint8_t lookup_table[LOOKUP_SIZE]; /* field + 1; 0 is empty */
static pthread_once_t lookup_once = PTHREAD_ONCE_INIT;

static void lookup_build(void)
{
	for (int f = 0; f < EVENT_FIELD_COUNT; f++) {
		uint32_t h = event_hash_bytes(event_fields[f].name, event_fields[f].len) &
			     (LOOKUP_SIZE - 1);

		while (lookup_table[h] != 0)
			h = (h + 1) & (LOOKUP_SIZE - 1);
		lookup_table[h] = (uint8_t)(f + 1);
	}
}

/* name[0..n) is borrowed. */
int event_field_lookup_n(const char *name, size_t n)
{
	uint32_t h;

	pthread_once(&lookup_once, lookup_build);
	h = event_hash_bytes(name, n) & (LOOKUP_SIZE - 1);
	while (lookup_table[h] != 0) {
		int f = lookup_table[h] - 1;

		if (event_fields[f].len == n && memcmp(event_fields[f].name, name, n) == 0)
			return f;
		h = (h + 1) & (LOOKUP_SIZE - 1);
	}
	return -1;
}

int event_field_lookup(const char *name)
{
	if (name == NULL)
		return -1;
	return event_field_lookup_n(name, strlen(name));
}

const char *event_field_name(enum event_field f)
{
	if ((unsigned)f >= EVENT_FIELD_COUNT)
		return NULL;
	return event_fields[f].name;
}

enum event_json_type event_field_json_type(enum event_field f)
{
	if ((unsigned)f >= EVENT_FIELD_COUNT)
		return EVENT_JSON_STRING;
	switch (event_fields[f].kind) {
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
