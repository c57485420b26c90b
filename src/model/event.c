/* model/event.c: events with IntelMQ's field names: setting a field
 * (its value checked and made canonical by event_value.c) into a
 * per-event text arena, extra.* fields, and reading an event back.
 * event_field.c holds the table of fields, event_json.c writes IntelMQ
 * JSON.
 *
 * SECURITY: every value comes from outside (feeds, IntelMQ JSON, the
 * API). Sizes are checked before any work: a value over EVENT_VALUE_MAX,
 * an event over EVENT_TEXT_MAX of text or EVENT_EXTRA_MAX extra fields is
 * refused; values must be valid UTF-8 without NUL bytes; input quoted in
 * an error message is escaped and cut at SHOW_MAX bytes. A failed set
 * leaves the event as it was. */
#include "model/event.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/error.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "model/event_int.h"
#include "model/taxonomy.h"

/* ---- the arena ---- */

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
			return too_big(err, event_fields[f].name);
		t->off = off;
		t->len = (uint32_t)len;
	}
	field_mark(ev, f, true);
	*stored = ev->arena.data + t->off;
	return 0;
}

/* ---- setting fields ---- */

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
				    event_fields[ft].name,
				    str_show(text, len, SHOW_MAX, shown));
	type = taxonomy_type_names[t];
	expect = taxonomy_type_taxonomy[t];
	tax = taxonomy_names[expect];
	if (field_is_set(ev, fx) && !ev->taxonomy_derived && ev->parsed[fx].num != expect)
		return sk_error_set(err, SK_EINVAL,
				    "%s: '%s' does not match classification.taxonomy '%s' (it "
				    "belongs to %s)",
				    event_fields[ft].name, type,
				    taxonomy_names[ev->parsed[fx].num], tax);
	/* Both values go in, or neither: check the room for both first. */
	if (ev->arena.len + strlen(type) + strlen(tax) + 2 > EVENT_TEXT_MAX)
		return too_big(err, event_fields[ft].name);
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
				    event_fields[fx].name,
				    str_show(text, len, SHOW_MAX, shown));
	tax = taxonomy_names[x];
	if (field_is_set(ev, ft) &&
	    taxonomy_type_taxonomy[ev->parsed[ft].num] != (enum taxonomy)x)
		return sk_error_set(
		    err, SK_EINVAL,
		    "%s: '%s' does not match classification.type '%s' (which belongs to %s)",
		    event_fields[fx].name, tax, taxonomy_type_names[ev->parsed[ft].num],
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
	rc = event_value_canon(f, text, len, &c, err);
	if (rc != 0)
		return rc;
	if (event_fields[f].kind == K_TAXONOMY)
		return set_taxonomy(ev, text, len, err);
	if (event_fields[f].kind == K_TYPE)
		return set_type(ev, text, len, err);
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
	f = event_field_lookup_n(name, n);
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
	    (event_fields[f].kind != K_IP && event_fields[f].kind != K_NETWORK))
		return sk_error_set(err, SK_EINVAL, "%s: not an IP address or network field",
				    event_field_name(f) ? event_field_name(f) : "?");
	if (event_fields[f].kind == K_IP && p->len != prefix_family_bits(p->family))
		return sk_error_set(err, SK_EINVAL, "%s: a network where an address belongs",
				    event_fields[f].name);
	if (event_fields[f].kind == K_IP)
		n = prefix_format_addr(p, text, sizeof(text));
	else
		n = prefix_format(p, text, sizeof(text));
	if (n < 0)
		return sk_error_set(err, SK_EINVAL, "%s: not a valid prefix",
				    event_fields[f].name);
	return event_set_field_n(ev, f, text, (size_t)n, err);
}

int event_set_int(struct event *ev, enum event_field f, int64_t v, struct sk_error *err)
{
	char text[24];
	int n;

	if ((unsigned)f >= EVENT_FIELD_COUNT ||
	    (event_fields[f].kind != K_ASN && event_fields[f].kind != K_PORT &&
	     event_fields[f].kind != K_INTEGER))
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
	key->hash = event_hash_bytes(name, n);
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
		why = event_number_check(text, len, &integral, NULL);
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
		bad_at = event_utf8_check(text, len);
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
	if (!event_has(ev, f) ||
	    (event_fields[f].kind != K_IP && event_fields[f].kind != K_NETWORK))
		return NULL;
	return &ev->parsed[f].prefix;
}

bool event_get_int(const struct event *ev, enum event_field f, int64_t *out)
{
	if (!event_has(ev, f))
		return false;
	switch (event_fields[f].kind) {
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
	i = find_extra(ev, name, n, event_hash_bytes(name, n));
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
		out->name = event_fields[f].name;
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
