/* tests/fuzz/fuzz_intelmq.c: libFuzzer target for the IntelMQ JSON-lines
 * reader. The input is the file: every event is read; an error must carry
 * its code and a message starting with the reader's name, and reading
 * must end. Every event read must write out as JSON. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed/intelmq.h"
#include "lib/buf.h"
#include "lib/error.h"
#include "model/event.h"

#define JSON_MAX (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* data is borrowed from libFuzzer. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct event ev;
	static struct buf json;
	static int ready;
	struct intelmq_reader *r;
	size_t calls = 0;
	FILE *in;
	int rc;

	if (!ready) {
		event_init(&ev);
		buf_init(&json, JSON_MAX);
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

		rc = intelmq_read(r, &ev, &err);
		if (rc == 0)
			break;
		if (++calls > size + 1)
			abort(); /* more results than lines */
		if (rc == 1) {
			buf_reset(&json);
			if (event_to_json(&ev, &json) != 0)
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
