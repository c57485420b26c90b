/* tests/fuzz/fuzz_csvmap.c: libFuzzer target for mapping files and the
 * CSV files read through them. The input is a mapping, then a line
 * "---", then the CSV. A mapping that loads must read the CSV to its end;
 * every event must write out as JSON, every error carry its code and a
 * message starting with the file's name. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed/csvmap.h"
#include "lib/buf.h"
#include "lib/error.h"
#include "model/event.h"

#define JSON_MAX (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t *find_separator(const uint8_t *data, size_t size)
{
	for (size_t i = 0; i + 5 <= size; i++)
		if (memcmp(data + i, "\n---\n", 5) == 0)
			return data + i;
	return NULL;
}

/* data is borrowed from libFuzzer. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct buf json;
	static int ready;
	struct csvmap_options opt = {.feed_name = NULL, .observation = 1706702400};
	const uint8_t *sep = find_separator(data, size);
	size_t map_len = sep ? (size_t)(sep - data) + 1 : size;
	struct csvmap_reader *r;
	struct sk_error err = {0};
	struct csvmap *map;
	struct event *ev;
	size_t calls = 0;
	FILE *f, *in;
	int rc;

	if (!ready) {
		buf_init(&json, JSON_MAX);
		ready = 1;
	}
	if (map_len == 0)
		return 0;
	f = fmemopen((void *)data, map_len, "r");
	if (f == NULL)
		abort();
	map = csvmap_parse(f, "map", &err);
	fclose(f);
	if (map == NULL) {
		if (err.code >= 0 || strncmp(err.msg, "map", 3) != 0)
			abort();
		return 0;
	}
	if (sep == NULL || size - map_len - 4 == 0) {
		csvmap_free(map);
		return 0;
	}
	opt.feed_name = (data[0] & 1) ? "Fuzz" : NULL;
	opt.raw = data[0] & 2;
	in = fmemopen((void *)(sep + 5), size - map_len - 4, "r");
	if (in == NULL)
		abort();
	r = csvmap_reader_new(in, "fuzz", map, &opt, &err);
	if (r == NULL) {
		if (err.code >= 0 || strncmp(err.msg, "fuzz:", 5) != 0)
			abort();
		goto out;
	}
	for (;;) {
		memset(&err, 0, sizeof(err));
		rc = csvmap_read(r, &ev, &err);
		if (rc == 0)
			break;
		if (++calls > size + 1)
			abort();
		if (rc == 1) {
			buf_reset(&json);
			if (event_to_json(ev, &json) != 0 || event_validate(ev, NULL) != 0)
				abort();
			continue;
		}
		if (rc >= 0 || err.code != rc || strncmp(err.msg, "fuzz:", 5) != 0 ||
		    err.msg[5] == '\0')
			abort();
	}
	csvmap_reader_free(r);
out:
	fclose(in);
	csvmap_free(map);
	return 0;
}
