/* model/event_json.c: an event written as one IntelMQ JSON line: keys
 * in IntelMQ's order (extra.* sorted among them), strings escaped as
 * Python's json.dumps(ensure_ascii=False) writes them; or the same in
 * its stored, packed form (event_pack.c). */
#include "model/event.h"

#include <stdint.h>
#include <string.h>

#include "lib/error.h"
#include "model/event_int.h"

/* Output is gathered in chunk and handed to the buffer in large pieces. */
struct json_out {
	struct buf *out;
	int rc;
	bool packed; /* event_pack.c's form: keys as codes, strings unquoted */
	size_t n;
	size_t start;  /* out->len when the event began */
	size_t obs[2]; /* where time.observation's member lies, from start */
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

	if (!w->packed)
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
	if (!w->packed)
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

/* A packed member's opening: its control byte head, then the field's
 * code, or an extra.* name (without "extra.") and ':'. */
static void out_packed_key(struct json_out *w, unsigned char head, unsigned char code,
			   const char *name, size_t len)
{
	char h[2] = {(char)head, (char)code};

	if (name == NULL) {
		out_put(w, h, 2);
	} else {
		out_put(w, h, 1);
		out_put(w, name, len);
		out_put(w, ":", 1);
	}
}

/* A packed extra.* member's opening: the name's code where it has one. */
static void out_packed_extra(struct json_out *w, const struct event_extra *x, const char *key)
{
	bool string = x->type == EVENT_JSON_STRING;
	int code = event_pack_extra_code(key, x->key_len, x->hash);
	char h[3];

	if (code < 0) {
		out_packed_key(w, string ? EVENT_PACK_EXTRA_STR : EVENT_PACK_EXTRA, 0, key + 6,
			       x->key_len - 6u);
		return;
	}
	h[0] = string ? EVENT_PACK_XCODE_STR : EVENT_PACK_XCODE;
	h[1] = (char)(1 + code / 127);
	h[2] = (char)(1 + code % 127);
	out_put(w, h, 3);
}

/* Bytes written for this event so far. */
static size_t out_pos(const struct json_out *w)
{
	return w->out->len - w->start + w->n;
}

static void out_field_value(const struct event *ev, struct json_out *w, bool *first,
			    unsigned f);

static void out_field(const struct event *ev, struct json_out *w, bool *first, unsigned f)
{
	if (f != EVENT_TIME_OBSERVATION) {
		out_field_value(ev, w, first, f);
		return;
	}
	w->obs[0] = out_pos(w);
	out_field_value(ev, w, first, f);
	w->obs[1] = out_pos(w);
}

static void out_field_value(const struct event *ev, struct json_out *w, bool *first, unsigned f)
{
	const char *v = ev->arena.data + ev->text[f].off;
	bool string =
	    event_fields[f].kind == K_TLP || event_field_json_type(f) == EVENT_JSON_STRING;
	char when[EVENT_PACK_TIME_LEN];
	const char *word;

	if (w->packed && event_fields[f].kind == K_TIME &&
	    event_pack_time(v, ev->text[f].len, when)) {
		out_packed_key(w, EVENT_PACK_TIME, event_pack_code[f], NULL, 0);
		out_put(w, when, EVENT_PACK_TIME_LEN);
		return;
	}
	if (w->packed)
		out_packed_key(w, string ? EVENT_PACK_FIELD_STR : EVENT_PACK_FIELD,
			       event_pack_code[f], NULL, 0);
	else
		out_key(w, first, event_fields[f].name, event_fields[f].len);
	if (event_fields[f].kind == K_TLP) {
		word = intelmq_tlp(ev->parsed[f].num);
		out_string(w, word, strlen(word));
	} else if (string) {
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
static int event_write(const struct event *ev, struct buf *out, bool packed, size_t obs[2])
{
	struct sorted_extra sorted[EVENT_EXTRA_MAX];
	struct json_out w;
	size_t start = out->len;
	bool first = true;
	unsigned f;

	w.out = out;
	w.rc = 0;
	w.packed = packed;
	w.n = 0;
	w.start = start;
	w.obs[0] = w.obs[1] = SIZE_MAX;
	if (packed)
		event_pack_init();
	for (unsigned i = 0; i < ev->n_extra; i++) {
		sorted[i].key = ev->arena.data + ev->extra[i].key_off;
		sorted[i].x = &ev->extra[i];
	}
	sort_extra(sorted, ev->n_extra);

	if (!packed)
		out_put(&w, "{", 1);
	for (f = 0; f <= EVENT_EVENT_HASH; f++)
		if (field_is_set(ev, f))
			out_field(ev, &w, &first, f);
	for (unsigned i = 0; i < ev->n_extra; i++) {
		const struct event_extra *x = sorted[i].x;
		const char *v = ev->arena.data + x->val_off;

		if (packed)
			out_packed_extra(&w, x, sorted[i].key);
		else
			out_key(&w, &first, sorted[i].key, x->key_len);
		if (x->type == EVENT_JSON_STRING)
			out_string(&w, v, x->val_len);
		else
			out_put(&w, v, x->val_len);
	}
	for (; f < EVENT_FIELD_COUNT; f++)
		if (field_is_set(ev, f))
			out_field(ev, &w, &first, f);
	if (!packed)
		out_put(&w, "}\n", 2);
	out_flush(&w);
	if (w.rc != 0) {
		out->len = start;
		if (out->data != NULL)
			out->data[start] = '\0';
		return SK_ETOOBIG;
	}
	if (obs != NULL) {
		bool seen = w.obs[0] != SIZE_MAX;

		obs[0] = seen ? w.obs[0] : out->len - start;
		obs[1] = seen ? w.obs[1] : out->len - start;
	}
	return 0;
}

int event_to_json(const struct event *ev, struct buf *out)
{
	return event_write(ev, out, false, NULL);
}

int event_to_packed(const struct event *ev, struct buf *out, size_t obs[2])
{
	return event_write(ev, out, true, obs);
}
