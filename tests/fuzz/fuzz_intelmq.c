/* tests/fuzz/fuzz_intelmq.c: libFuzzer target for the IntelMQ JSON-lines
 * reader. The input is the file: every event is read; an error must carry
 * its code and a message starting with the reader's name, and reading
 * must end. Every event read must write out as JSON. Each line must get
 * the answer of the reference (jansson and event_set,
 * tests/unit/intelmq_ref.h): accepted by both as the same event, or
 * refused by both. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed/intelmq.h"
#include "lib/buf.h"
#include "lib/error.h"
#include "model/event.h"

#include "../unit/intelmq_ref.h"

#define JSON_MAX (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A line the reader skips. */
static int blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

/* data is borrowed from libFuzzer. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct event ev, ref;
	static struct buf json, ref_json;
	static int ready;
	const char *p = (const char *)data, *end = p + size;
	struct intelmq_reader *r;
	size_t calls = 0;
	FILE *in;
	int rc;

	if (!ready) {
		event_init(&ev);
		event_init(&ref);
		buf_init(&json, JSON_MAX);
		buf_init(&ref_json, JSON_MAX);
		ready = 1;
	}
	if (size == 0)
		return 0; /* fmemopen refuses an empty buffer */
	in = fmemopen((void *)data, size, "r");
	if (in == NULL)
		abort();
	r = intelmq_reader_new(in, "fuzz");
	for (;;) {
		struct sk_error err = {0};
		const char *line;
		size_t len;
		int want;

		rc = intelmq_read(r, &ev, &err);
		if (rc == 0)
			break;
		if (++calls > size + 1)
			abort(); /* more results than lines */
		/* The line of this result: the next that is not blank. */
		do {
			const char *nl = memchr(p, '\n', (size_t)(end - p));

			if (p >= end)
				abort(); /* a result without a line */
			line = p;
			len = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
			p = nl != NULL ? nl + 1 : end;
		} while (blank(line, len));
		want = len > INTELMQ_LINE_MAX ? SK_EINVAL : ref_parse(&ref, line, len);
		if ((rc == 1) != (want == 0))
			abort(); /* the reader and the reference disagree */
		if (rc == 1) {
			buf_reset(&json);
			buf_reset(&ref_json);
			if (event_to_json(&ev, &json) != 0 ||
			    event_to_json(&ref, &ref_json) != 0 ||
			    strcmp(buf_str(&json), buf_str(&ref_json)) != 0)
				abort();
			continue;
		}
		if (rc != SK_EINVAL || err.code != rc || strncmp(err.msg, "fuzz:", 5) != 0 ||
		    err.msg[5] == '\0')
			abort();
	}
	intelmq_reader_free(r);
	fclose(in);
	return 0;
}
