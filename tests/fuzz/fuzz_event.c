/* tests/fuzz/fuzz_event.c: libFuzzer target for event_set and
 * event_to_json. The input is lines "name=value"; for an extra.* name a
 * value starting "#n", "#b" or "#z" is a number, a bool or null. A failed
 * set must say why and leave the event as it was; the JSON must parse
 * back (jansson, duplicates refused) with one key per field and the
 * stored values; every stored value must be a fixed point (setting it on
 * a new event gives the same text and the same JSON); a copy must write
 * the same JSON. Input is cut at 8 KiB. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "model/event.h"

#define FUZZ_INPUT_MAX 8192
#define JSON_MAX       (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void json_of(const struct event *ev, struct buf *out)
{
	buf_reset(out);
	if (event_to_json(ev, out) != 0)
		abort(); /* 64 KiB of text escapes to far less than JSON_MAX */
}

/* Set one "name=value" line on ev; check what a failure must hold. */
static void set_line(struct event *ev, char *line, struct buf *before, struct buf *after)
{
	enum event_json_type type = EVENT_JSON_STRING;
	struct sk_error err = {0};
	char *eq = strchr(line, '='), *value;
	int rc;

	if (eq == NULL)
		return;
	*eq = '\0';
	value = eq + 1;
	json_of(ev, before);
	if (strncmp(line, "extra.", 6) == 0) {
		if (strncmp(value, "#n", 2) == 0)
			type = EVENT_JSON_NUMBER;
		else if (strncmp(value, "#b", 2) == 0)
			type = EVENT_JSON_BOOL;
		else if (strncmp(value, "#z", 2) == 0)
			type = EVENT_JSON_NULL;
		if (type != EVENT_JSON_STRING)
			value += 2;
		rc = event_set_extra(ev, line, type, value, &err);
	} else {
		rc = event_set(ev, line, value, &err);
	}
	if (rc == 0)
		return;
	if (rc > 0 || err.code != rc || err.msg[0] == '\0')
		abort();
	json_of(ev, after);
	if (strcmp(buf_str(before), buf_str(after)) != 0)
		abort(); /* a failed set changed the event */
}

/* The JSON of ev must parse back to exactly its fields. */
static void check_json(const struct event *ev, const struct buf *out)
{
	struct event_iter it;
	struct event_item item;
	json_error_t jerr;
	json_t *obj;
	size_t items = 0;

	if (out->len == 0 || out->data[out->len - 1] != '\n' ||
	    memchr(out->data, '\n', out->len - 1) != NULL)
		abort(); /* one line */
	obj = json_loadb(out->data, out->len, JSON_REJECT_DUPLICATES, &jerr);
	if (obj == NULL || !json_is_object(obj))
		abort();
	event_iter_init(&it);
	while (event_next(ev, &it, &item)) {
		json_t *v = json_object_get(obj, item.name);

		items++;
		if (v == NULL)
			abort();
		switch (item.type) {
		case EVENT_JSON_STRING:
			if (!json_is_string(v))
				abort();
			if (item.field != EVENT_TLP &&
			    (json_string_length(v) != item.len ||
			     memcmp(json_string_value(v), item.value, item.len) != 0))
				abort();
			break;
		case EVENT_JSON_NUMBER:
			if (!json_is_number(v))
				abort();
			break;
		case EVENT_JSON_BOOL:
			if (!json_is_boolean(v) ||
			    json_is_true(v) != (strcmp(item.value, "true") == 0))
				abort();
			break;
		case EVENT_JSON_NULL:
			if (!json_is_null(v))
				abort();
			break;
		}
	}
	if (json_object_size(obj) != items)
		abort();
	json_decref(obj);
}

/* Every canonical value, set again on a new event, stays as it is. */
static void check_fixed_point(const struct event *ev, struct event *again,
			      const struct buf *json, struct buf *tmp)
{
	struct event_iter it;
	struct event_item item;
	struct sk_error err = {0};

	event_reset(again);
	event_iter_init(&it);
	while (event_next(ev, &it, &item)) {
		const char *got;
		enum event_json_type type;

		if (item.field >= 0) {
			if (event_set_field(again, item.field, item.value, &err) != 0)
				abort();
			got = event_get(again, item.field);
		} else {
			if (event_set_extra(again, item.name, item.type, item.value, &err) != 0)
				abort();
			got = event_get_extra(again, item.name, &type);
			if (type != item.type)
				abort();
		}
		if (got == NULL || strcmp(got, item.value) != 0)
			abort();
	}
	json_of(again, tmp);
	if (strcmp(buf_str(json), buf_str(tmp)) != 0)
		abort();
}

/* data is borrowed from libFuzzer. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[FUZZ_INPUT_MAX + 1];
	static struct event ev, again, copy;
	static struct buf json, before, after;
	static int ready;
	struct sk_error err = {0};
	char *line, *next;
	int rc;

	if (!ready) {
		event_init(&ev);
		event_init(&again);
		event_init(&copy);
		buf_init(&json, JSON_MAX);
		buf_init(&before, JSON_MAX);
		buf_init(&after, JSON_MAX);
		ready = 1;
	}
	if (size > FUZZ_INPUT_MAX)
		size = FUZZ_INPUT_MAX;
	memcpy(text, data, size);
	text[size] = '\0';

	event_reset(&ev); /* reused, as a parser reuses it */
	for (line = text; line != NULL; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		set_line(&ev, line, &before, &after);
	}

	json_of(&ev, &json);
	check_json(&ev, &json);
	check_fixed_point(&ev, &again, &json, &after);
	event_copy(&copy, &ev);
	json_of(&copy, &after);
	if (strcmp(buf_str(&json), buf_str(&after)) != 0)
		abort();
	rc = event_validate(&ev, &err);
	if (rc != 0 && (rc != SK_EINVAL || err.msg[0] == '\0'))
		abort();
	return 0;
}
