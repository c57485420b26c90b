/* tests/fuzz/fuzz_shadowserver.c: libFuzzer target for the Shadowserver
 * reader and its CSV reader, and for schema files. The first byte picks
 * what the rest is: a report of one of the built-in types (with or
 * without raw), or, for 0xff, a schema. Every event read must write out
 * as JSON; every error must carry its code and a message starting with
 * the reader's name; reading must end. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed/shadowserver.h"
#include "lib/buf.h"
#include "lib/error.h"
#include "model/event.h"

#define JSON_MAX (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const reports[] = {
    "scan_ntp", "event4_sinkhole_http", "blocklist", "compromised_website",
    "scan_ssl", "malware_url",		"scan_http", "event4_sinkhole_dns",
};
#define NREPORTS (sizeof(reports) / sizeof(reports[0]))

static void fuzz_schema(const uint8_t *data, size_t size)
{
	struct sk_error err = {0};
	struct shadowserver_schema *s =
	    shadowserver_schema_parse((const char *)data, size, "fuzz", &err);

	if (s == NULL && (err.code >= 0 || strncmp(err.msg, "fuzz", 4) != 0))
		abort();
	shadowserver_schema_free(s);
}

/* data is borrowed from libFuzzer. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct buf json;
	static int ready;
	struct shadowserver_options opt = {.observation = 1706702400};
	struct shadowserver_reader *r;
	struct sk_error err = {0};
	struct event *ev;
	size_t calls = 0;
	FILE *in;
	int rc;

	if (!ready) {
		buf_init(&json, JSON_MAX);
		ready = 1;
	}
	if (size < 2)
		return 0; /* fmemopen refuses an empty buffer */
	if (data[0] == 0xff) {
		fuzz_schema(data + 1, size - 1);
		return 0;
	}
	opt.raw = data[0] & 0x80;
	in = fmemopen((void *)(data + 1), size - 1, "r");
	if (in == NULL)
		abort();
	r = shadowserver_reader_new(in, "fuzz", shadowserver_schema_builtin(),
				    reports[data[0] % NREPORTS], &opt, &err);
	if (r == NULL)
		abort();
	for (;;) {
		memset(&err, 0, sizeof(err));
		rc = shadowserver_read(r, &ev, &err);
		if (rc == 0)
			break;
		if (++calls > size + 1)
			abort(); /* more results than lines */
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
	if (shadowserver_read(r, &ev, &err) != 0)
		abort();
	shadowserver_reader_free(r);
	fclose(in);
	return 0;
}
