/* tests/unit/intelmq_ref.h: the reference the IntelMQ reader is held
 * to, in test_intelmq.c and the fuzz target: a strict JSON parser
 * (jansson, duplicate keys refused) and event_set on each key, as the
 * reader read lines before it had its own scanner. Static functions, for
 * inclusion by one test program. */
#ifndef SK_TESTS_INTELMQ_REF_H
#define SK_TESTS_INTELMQ_REF_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/error.h"
#include "model/event.h"

/* A JSON real as jansson's reader gave it to the old one. */
static void ref_real(double d, char *out, size_t size)
{
	int n = snprintf(out, size, "%.15g", d);

	if (n > 0 && (size_t)n < size && strtod(out, NULL) != d)
		n = snprintf(out, size, "%.17g", d);
	if (n > 0 && (size_t)n + 2 < size && strpbrk(out, ".eEni") == NULL)
		memcpy(out + n, ".0", 3);
}

/* line[0..len) into ev (reset) the reference way; 0 or an error. */
static int ref_parse(struct event *ev, const char *line, size_t len)
{
	json_error_t jerr;
	json_t *obj, *v;
	const char *key;
	int rc = 0;

	event_reset(ev);
	/* JSON text has no NUL bytes; jansson skips one between tokens. */
	if (memchr(line, '\0', len) != NULL)
		return SK_EINVAL;
	obj = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (obj == NULL)
		return SK_EINVAL;
	if (!json_is_object(obj)) {
		json_decref(obj);
		return SK_EINVAL;
	}
	json_object_foreach(obj, key, v)
	{
		/* "extra." alone names no extra field: an unknown key. */
		bool extra = strncmp(key, "extra.", 6) == 0 && key[6] != '\0';
		enum event_json_type type;
		char num[64];
		const char *text;
		size_t tlen;
		int f = extra ? -1 : event_field_lookup(key);

		if (!extra && f < 0) {
			rc = SK_EINVAL;
			break;
		}
		switch (json_typeof(v)) {
		case JSON_STRING:
			type = EVENT_JSON_STRING;
			text = json_string_value(v);
			tlen = json_string_length(v);
			break;
		case JSON_INTEGER:
			type = EVENT_JSON_NUMBER;
			snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
				 json_integer_value(v));
			text = num;
			tlen = strlen(num);
			break;
		case JSON_REAL:
			type = EVENT_JSON_NUMBER;
			ref_real(json_real_value(v), num, sizeof(num));
			text = num;
			tlen = strlen(num);
			break;
		case JSON_TRUE:
		case JSON_FALSE:
			type = EVENT_JSON_BOOL;
			text = json_is_true(v) ? "true" : "false";
			tlen = strlen(text);
			break;
		case JSON_NULL:
			continue;
		default:
			rc = SK_EINVAL;
			break;
		}
		if (rc != 0)
			break;
		rc = extra ? event_set_extra_n(ev, key, type, text, tlen, NULL)
			   : event_set_field_n(ev, f, text, tlen, NULL);
		if (rc != 0)
			break;
	}
	if (rc == 0)
		rc = event_validate(ev, NULL);
	json_decref(obj);
	return rc;
}

#endif
