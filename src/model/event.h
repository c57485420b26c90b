/* model/event.h: one event (one observation from a feed) with IntelMQ's
 * harmonization field names ("source.ip", "classification.type",
 * "extra.*"), every value validated and brought to its canonical form
 * when it is set, and written out as an IntelMQ JSON line.
 *
 * Built for feeds of hundreds of thousands of events a second: known
 * fields sit in an array indexed by enum event_field, with the parsed
 * form routing needs (an address as struct prefix, an AS number, a time
 * in seconds) kept beside the canonical text; all text lives in one
 * arena per event that event_reset() empties without freeing, so a
 * reused event allocates nothing once it has grown.
 *
 * Parses outside input. Limits: at most EVENT_TEXT_MAX (64 KiB) of text
 * in one event, EVENT_VALUE_MAX (16 KiB) in one value, EVENT_EXTRA_MAX
 * (256) extra.* fields, EVENT_EXTRA_KEY_MAX (128) bytes in an extra.*
 * name; values must be valid UTF-8. Each breach is an error naming the
 * field. */
#ifndef SK_MODEL_EVENT_H
#define SK_MODEL_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "model/tlp.h"
#include "net/prefix.h"

struct sk_error;

#define EVENT_TEXT_MAX	    (64 * 1024)
#define EVENT_VALUE_MAX	    (16 * 1024)
#define EVENT_EXTRA_MAX	    256
#define EVENT_EXTRA_KEY_MAX 128

/* The known IntelMQ fields, in the byte order of their names: the order
 * of iteration and of keys in JSON. Values, by kind:
 *   IP address (source.ip, *.local_ip): canonical text (RFC 5952 for
 *     IPv6); 0.0.0.0 and :: are refused. Parsed: struct prefix (/32, /128).
 *   network (*.network): a prefix, "192.0.2.0/24"; host bits set are an
 *     error. Parsed: struct prefix.
 *   AS number (*.asn): "AS64496", "64496" or asdot; stored as "64496",
 *     written as a JSON number. Parsed: the number.
 *   port (*.port): 0-65535. integer (rtir_id). Parsed: the number.
 *   float (*.latitude, *.longitude), accuracy (feed.accuracy, 0-100):
 *     a JSON number; "48" is stored as "48.0" as IntelMQ writes floats.
 *   boolean (*.tor_node): true/false/1/0; stored "true" or "false".
 *   domain name (*.fqdn): canonical via domain_normalize (lowercase,
 *     A-labels, no trailing dot). *.domain_suffix may be one label.
 *     *.reverse_dns: a domain name, or failing that (PTR records hold
 *     anything) lowercase letters, digits, '-', '_' and dots.
 *   URL (*.url, feed.url, ...): scheme "://" host..., no spaces or
 *     control characters; "hxxp://" and "hxxps://" are defanged back.
 *   time (time.*, *.allocated): ISO 8601 with 'T' or a space, optional
 *     fraction (dropped), 'Z', "+01:00", "+0100", "+01" or no zone (UTC,
 *     as Shadowserver writes); stored as "2024-01-31T12:00:00+00:00" in
 *     UTC. Parsed: seconds since the epoch.
 *   classification.type: an RSIT type (model/taxonomy.h), legacy IntelMQ
 *     spellings read as the current one. classification.taxonomy: derived
 *     from the type when not given; one that does not match the type is
 *     an error. Parsed: index in taxonomy_type_names / enum taxonomy.
 *   tlp: any label tlp_parse reads; stored "TLP:AMBER". JSON has IntelMQ's
 *     words: "RED", "AMBER+STRICT", "AMBER", "GREEN", and "WHITE" for
 *     TLP:CLEAR (IntelMQ knows no CLEAR). Parsed: enum tlp_label.
 *   country code (*.cc): two letters or digits, uppercased.
 *   registry: AFRINIC, APNIC, ARIN, LACNIC, RIPE (RIPE-NCC is RIPE).
 *   raw: base64. lowercase fields (malware.name, protocol.*, ...) are
 *     lowercased (ASCII letters).
 *   everything else: text.
 * No value may be empty or start or end with white space. */
enum event_field {
	EVENT_CLASSIFICATION_IDENTIFIER,
	EVENT_CLASSIFICATION_TAXONOMY,
	EVENT_CLASSIFICATION_TYPE,
	EVENT_COMMENT,
	EVENT_DESTINATION_ABUSE_CONTACT,
	EVENT_DESTINATION_ACCOUNT,
	EVENT_DESTINATION_ALLOCATED,
	EVENT_DESTINATION_AS_NAME,
	EVENT_DESTINATION_ASN,
	EVENT_DESTINATION_DOMAIN_SUFFIX,
	EVENT_DESTINATION_FQDN,
	EVENT_DESTINATION_GEOLOCATION_CC,
	EVENT_DESTINATION_GEOLOCATION_CITY,
	EVENT_DESTINATION_GEOLOCATION_COUNTRY,
	EVENT_DESTINATION_GEOLOCATION_LATITUDE,
	EVENT_DESTINATION_GEOLOCATION_LONGITUDE,
	EVENT_DESTINATION_GEOLOCATION_REGION,
	EVENT_DESTINATION_GEOLOCATION_STATE,
	EVENT_DESTINATION_IP,
	EVENT_DESTINATION_LOCAL_HOSTNAME,
	EVENT_DESTINATION_LOCAL_IP,
	EVENT_DESTINATION_NETWORK,
	EVENT_DESTINATION_PORT,
	EVENT_DESTINATION_REGISTRY,
	EVENT_DESTINATION_REVERSE_DNS,
	EVENT_DESTINATION_TOR_NODE,
	EVENT_DESTINATION_URL,
	EVENT_DESTINATION_URLPATH,
	EVENT_EVENT_DESCRIPTION_TARGET,
	EVENT_EVENT_DESCRIPTION_TEXT,
	EVENT_EVENT_DESCRIPTION_URL,
	EVENT_EVENT_HASH,
	/* extra.* sorts here */
	EVENT_FEED_ACCURACY,
	EVENT_FEED_CODE,
	EVENT_FEED_DOCUMENTATION,
	EVENT_FEED_NAME,
	EVENT_FEED_PROVIDER,
	EVENT_FEED_URL,
	EVENT_MALWARE_HASH_MD5,
	EVENT_MALWARE_HASH_SHA1,
	EVENT_MALWARE_HASH_SHA256,
	EVENT_MALWARE_NAME,
	EVENT_MALWARE_VERSION,
	EVENT_MISP_ATTRIBUTE_UUID,
	EVENT_MISP_EVENT_UUID,
	EVENT_PRODUCT_NAME,
	EVENT_PRODUCT_VENDOR,
	EVENT_PRODUCT_VERSION,
	EVENT_PRODUCT_VULNERABILITIES,
	EVENT_PROTOCOL_APPLICATION,
	EVENT_PROTOCOL_TRANSPORT,
	EVENT_RAW,
	EVENT_RTIR_ID,
	EVENT_SCREENSHOT_URL,
	EVENT_SEVERITY,
	EVENT_SOURCE_ABUSE_CONTACT,
	EVENT_SOURCE_ACCOUNT,
	EVENT_SOURCE_ALLOCATED,
	EVENT_SOURCE_AS_NAME,
	EVENT_SOURCE_ASN,
	EVENT_SOURCE_DOMAIN_SUFFIX,
	EVENT_SOURCE_FQDN,
	EVENT_SOURCE_GEOLOCATION_CC,
	EVENT_SOURCE_GEOLOCATION_CITY,
	EVENT_SOURCE_GEOLOCATION_COUNTRY,
	EVENT_SOURCE_GEOLOCATION_CYMRU_CC,
	EVENT_SOURCE_GEOLOCATION_GEOIP_CC,
	EVENT_SOURCE_GEOLOCATION_LATITUDE,
	EVENT_SOURCE_GEOLOCATION_LONGITUDE,
	EVENT_SOURCE_GEOLOCATION_REGION,
	EVENT_SOURCE_GEOLOCATION_STATE,
	EVENT_SOURCE_IP,
	EVENT_SOURCE_LOCAL_HOSTNAME,
	EVENT_SOURCE_LOCAL_IP,
	EVENT_SOURCE_NETWORK,
	EVENT_SOURCE_PORT,
	EVENT_SOURCE_REGISTRY,
	EVENT_SOURCE_REVERSE_DNS,
	EVENT_SOURCE_TOR_NODE,
	EVENT_SOURCE_URL,
	EVENT_SOURCE_URLPATH,
	EVENT_STATUS,
	EVENT_TIME_OBSERVATION,
	EVENT_TIME_SOURCE,
	EVENT_TLP,
	EVENT_FIELD_COUNT
};

/* The JSON type of a value. */
enum event_json_type { EVENT_JSON_STRING, EVENT_JSON_NUMBER, EVENT_JSON_BOOL, EVENT_JSON_NULL };

/* Private to event.c: where a value's text is in the arena. */
struct event_text {
	uint32_t off;
	uint32_t len;
};

/* Private to event.c: one extra.* field. */
struct event_extra {
	uint32_t key_off; /* "extra.foo", NUL-terminated */
	uint32_t val_off;
	uint32_t val_len;
	uint32_t hash;
	uint16_t key_len;
	uint8_t type; /* enum event_json_type */
};

/* Private to event.c: a parsed value. */
union event_parsed {
	struct prefix prefix;
	int64_t num;
};

/* An event. Callers allocate it (it is reused, on the stack or in a
 * parser's state) but touch its members only through the functions
 * below. */
struct event {
	uint64_t set[(EVENT_FIELD_COUNT + 63) / 64];
	bool taxonomy_derived;
	uint16_t n_extra;
	struct event_text text[EVENT_FIELD_COUNT];
	union event_parsed parsed[EVENT_FIELD_COUNT];
	struct buf arena;
	struct event_extra extra[EVENT_EXTRA_MAX];
};

/* One field, as iteration gives it. Pointers are borrowed from the event
 * and valid until it next changes. */
struct event_item {
	const char *name;	   /* "source.ip", "extra.foo" */
	int field;		   /* enum event_field, or -1 for extra.* */
	enum event_json_type type; /* how JSON writes the value */
	const char *value;	   /* canonical text, NUL-terminated */
	size_t len;
};

struct event_iter {
	unsigned pos;
};

/* An empty event. The caller frees it with event_free(). */
void event_init(struct event *ev);
/* Empty ev for the next observation, keeping its memory. */
void event_reset(struct event *ev);
/* Free what ev holds; ev may then be initialized again. */
void event_free(struct event *ev);
/* dst (initialized) becomes a deep copy of src. */
void event_copy(struct event *dst, const struct event *src);

/* The harmonization name of a field ("source.ip"); NULL outside the
 * enum. Static. */
const char *event_field_name(enum event_field f);
/* The field with that harmonization name, or -1 (also for "extra.*").
 * A hash lookup, not a scan. name is borrowed. */
int event_field_lookup(const char *name);
/* How JSON writes the field's values. */
enum event_json_type event_field_json_type(enum event_field f);

/* Set a field by harmonization name: a known field, or "extra.foo" (a
 * JSON string; see event_set_extra for other types). The value is
 * validated and stored in canonical form, replacing an earlier one; on
 * error (SK_EINVAL, or SK_ETOOBIG for a limit) the message names the
 * field and the event is unchanged. name and text are borrowed. */
int event_set(struct event *ev, const char *name, const char *text, struct sk_error *err);
/* The same by enum. */
int event_set_field(struct event *ev, enum event_field f, const char *text,
		    struct sk_error *err);
/* The same for text[0..len), which need not be NUL-terminated. */
int event_set_field_n(struct event *ev, enum event_field f, const char *text, size_t len,
		      struct sk_error *err);
/* Set an IP address field (a host prefix) or a network field from p. */
int event_set_prefix(struct event *ev, enum event_field f, const struct prefix *p,
		     struct sk_error *err);
/* Set a number field (AS number, port, integer) from v. */
int event_set_int(struct event *ev, enum event_field f, int64_t v, struct sk_error *err);
/* Remove a field (for instance to leave personal data out). */
void event_unset(struct event *ev, enum event_field f);

/* Set extra field name ("extra.foo": the full name; parts of lowercase
 * letters, digits and '_' between dots) to a JSON scalar: a string (valid
 * UTF-8, may be empty or hold any character), a number (JSON syntax,
 * integers within 64 bits, reals finite), a bool ("true", "false", also
 * "1", "0", any case) or null (text ignored, may be NULL). Setting a
 * name again replaces its value and keeps its place. Borrowed. */
int event_set_extra(struct event *ev, const char *name, enum event_json_type type,
		    const char *text, struct sk_error *err);
/* The same for text[0..len). */
int event_set_extra_n(struct event *ev, const char *name, enum event_json_type type,
		      const char *text, size_t len, struct sk_error *err);

/* An extra.* name checked and hashed once, for a reader that sets the
 * same names on every event it reads (a feed's columns): setting a value
 * by key skips the name's checks. */
struct event_extra_key {
	const char *name; /* borrowed: must outlive the key */
	uint16_t len;
	uint32_t hash;
};
/* Fill *key for name (borrowed), checked as event_set_extra_n checks it;
 * SK_EINVAL if it is not an extra.* name. */
int event_extra_key_init(struct event_extra_key *key, const char *name, struct sk_error *err);
/* event_set_extra_n() by a key from event_extra_key_init(); the value is
 * checked as there. */
int event_set_extra_key(struct event *ev, const struct event_extra_key *key,
			enum event_json_type type, const char *text, size_t len,
			struct sk_error *err);

/* The canonical text of a field, or NULL if it is not set. Borrowed from
 * ev, valid until ev next changes. */
const char *event_get(const struct event *ev, enum event_field f);
bool event_has(const struct event *ev, enum event_field f);
/* The parsed address or network of an IP or network field; NULL if the
 * field is not set or not of that kind. Borrowed. */
const struct prefix *event_get_prefix(const struct event *ev, enum event_field f);
/* The parsed number of a number field; seconds since the epoch for a
 * time; 0/1 for a boolean; the index for classification.type (in
 * taxonomy_type_names), classification.taxonomy (enum taxonomy) and tlp
 * (enum tlp_label). False if the field is unset or has no such form. */
bool event_get_int(const struct event *ev, enum event_field f, int64_t *out);
/* The event's TLP label, if it has one. */
bool event_get_tlp(const struct event *ev, enum tlp_label *out);
/* The value of extra field name ("extra.foo") and its type; NULL if it is
 * not set. Borrowed. */
const char *event_get_extra(const struct event *ev, const char *name,
			    enum event_json_type *type);
/* Number of extra.* fields. */
size_t event_extra_count(const struct event *ev);

/* Iterate over the fields that are set: known fields in enum order, then
 * extra.* fields in the order they were first set. */
void event_iter_init(struct event_iter *it);
bool event_next(const struct event *ev, struct event_iter *it, struct event_item *out);

/* Check that ev is a complete event: a source (source.ip, source.fqdn,
 * source.url or source.asn), classification.type, feed.name, and
 * time.source or time.observation. */
int event_validate(const struct event *ev, struct sk_error *err);

/* Append ev to out as one IntelMQ JSON line: a flat object with dotted
 * keys ("extra.foo" too), keys sorted as IntelMQ sorts them, separators
 * ", " and ": ", UTF-8 unescaped, and a final newline. On SK_ETOOBIG
 * (out's cap) out is left as it was. */
int event_to_json(const struct event *ev, struct buf *out);

/* Append ev to out in the stored form of its JSON line (event_pack.c):
 * the same members, each key a byte or two, no newline; UTF-8 without
 * NUL bytes. obs (may be NULL) gets where time.observation's member
 * lies in what was appended, [obs[0], obs[1]), both the appended length
 * if there is none. On SK_ETOOBIG out is left as it was. */
int event_to_packed(const struct event *ev, struct buf *out, size_t obs[2]);

/* Append the JSON line that packed text p[0..len) (borrowed) was made
 * from, without its newline; SK_EINVAL if p is damaged, SK_ETOOBIG past
 * out's cap; out is left as it was on failure. */
int event_pack_to_json(const char *p, size_t len, struct buf *out);

#endif
