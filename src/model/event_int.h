/* model/event_int.h: what the files of the event model share: the
 * table of known fields and their kinds, a value's canonical form before
 * it is stored, and the small checks every value passes (static inline:
 * they run for every field of every event). Private to src/model. */
#ifndef SK_MODEL_EVENT_INT_H
#define SK_MODEL_EVENT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "model/event.h"

struct sk_error;

#define SHOW_MAX   80
#define SHOW_SIZE  STR_SHOW_SIZE(SHOW_MAX)
#define NUMBER_MAX 64  /* bytes in a number's text */
#define CANON_MAX  256 /* bytes of canonical text built on the side */

/* How a field's values are checked and written. */
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
	uint8_t len; /* strlen(name) */
	uint8_t kind;
};

/* Indexed by enum event_field (event_field.c). */
extern const struct field_def event_fields[EVENT_FIELD_COUNT];

/* The field named name[0..n) (borrowed), or -1. */
int event_field_lookup_n(const char *name, size_t n);

/* The packed form (event_pack.c): the control byte that opens a member,
 * and the codes of the known fields. */
enum {
	EVENT_PACK_FIELD_STR = 1, /* a code, then a string's text */
	EVENT_PACK_FIELD = 2,	  /* a code, then a number, true, false */
	EVENT_PACK_EXTRA_STR = 3, /* a name, ':', then a string's text */
	EVENT_PACK_EXTRA = 4,	  /* a name, ':', then any other JSON */
	EVENT_PACK_XCODE_STR = 5, /* two bytes of a name's code, then a string */
	EVENT_PACK_XCODE = 6,	  /* the same, then any other JSON */
	EVENT_PACK_TIME = 7,	  /* a code, then a time (event_pack_time) */
	EVENT_PACK_CODES = 128
};

/* Each field's code, once event_pack_init() has run. */
extern uint8_t event_pack_code[EVENT_FIELD_COUNT];
void event_pack_init(void);

/* A time "YYYY-MM-DDTHH:MM:SS+00:00" (text[0..len)) as six printable
 * ASCII characters (its seconds since the epoch in base 95); false if it
 * is not in that form or out of range. */
#define EVENT_PACK_TIME_LEN 6
bool event_pack_time(const char *text, size_t len, char out[EVENT_PACK_TIME_LEN]);

/* The extra.* names with codes (event_pack_extra.c), without "extra.". */
extern const char *const event_pack_extra_names[];
extern const size_t event_pack_extra_count;

/* The code of extra.* name[0..len) ("extra." included) whose
 * event_hash_bytes() is hash, or -1; after event_pack_init(). */
int event_pack_extra_code(const char *name, size_t len, uint32_t hash);

/* FNV-1a: field names and extra.* names. */
static inline uint32_t event_hash_bytes(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

static inline bool field_is_set(const struct event *ev, unsigned f)
{
	return (ev->set[f / 64] >> (f % 64)) & 1u;
}

static inline void field_mark(struct event *ev, unsigned f, bool on)
{
	if (on)
		ev->set[f / 64] |= (uint64_t)1 << (f % 64);
	else
		ev->set[f / 64] &= ~((uint64_t)1 << (f % 64));
}

/* ---- small scanners ---- */

static inline bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static inline bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline void lower_n(char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] >= 'A' && s[i] <= 'Z')
			s[i] = (char)(s[i] - 'A' + 'a');
}

static inline void upper_n(char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] >= 'a' && s[i] <= 'z')
			s[i] = (char)(s[i] - 'a' + 'A');
}

/* Copy text[0..len) into dst (size bytes) with a NUL; false if it does
 * not fit. */
static inline bool copy_z(char *dst, size_t size, const char *text, size_t len)
{
	if (len >= size)
		return false;
	memcpy(dst, text, len);
	dst[len] = '\0';
	return true;
}

/* True if text[0..len) is plain ASCII without NUL bytes: valid as it
 * is. One pass, eight bytes at a time; false sends the caller to the
 * exact checks (and their messages). */
static inline bool plain_text(const char *text, size_t len)
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

/* Offset of the first byte of text[0..n) that is not valid UTF-8, or n
 * (event_value.c). */
size_t event_utf8_check(const char *text, size_t n);

/* A JSON number that fits: NULL, or why not (event_value.c). */
const char *event_number_check(const char *s, size_t n, bool *integral, double *value);

/* ---- values ---- */

/* A canonical value built before it is stored. */
struct canon {
	const char *text; /* input or buf */
	size_t len;
	union event_parsed parsed;
	enum { POST_NONE, POST_LOWER, POST_UPPER, POST_DEFANG } post;
	char buf[CANON_MAX];
};

/* Check text[0..len) as a value of field f and build its canonical form
 * in c (text borrowed; c->text may point into it). The checks every value
 * passes, then those of the field's kind; classification.type and
 * .taxonomy are only checked as text here, since their checks need the
 * event (event.c). 0, or SK_EINVAL / SK_ETOOBIG with err set. */
int event_value_canon(unsigned f, const char *text, size_t len, struct canon *c,
		      struct sk_error *err);

#endif
