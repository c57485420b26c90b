/* tests/fuzz/fuzz_mimescan.c: libFuzzer target for mimescan_run, the
 * first pass over a received mail, on any bytes. Within wide limits it
 * never counts fewer header blocks, levels or header fields than GMime
 * then builds from the same bytes (the limits would not hold GMime
 * otherwise); within small ones it stops, says which limit, and its
 * offsets stay inside the mail. */
#include <gmime/gmime.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mail/mimescan.h"
#include "../unit/mime_built.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* data is borrowed from libFuzzer. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool started;
	const struct mimescan_limits wide = {1000000, 20000, 1000000, 100000000};
	const struct mimescan_limits small = {4, 3, 12, 200};
	struct built b = {0};
	struct mimescan s;
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *msg;

	if (!started) {
		g_mime_init();
		started = true;
	}
	mimescan_run(data, size, &small, &s);
	if (s.body > size || s.header_ok > size || memchr(s.over, '\0', sizeof(s.over)) == NULL)
		abort();
	if (s.over[0] == '\0' && (s.parts > 4 || s.depth > 3 || s.headers > 12))
		abort();
	mimescan_run(data, size, &wide, &s);
	if (s.over[0] != '\0' || s.header_ok != s.body)
		abort();
	stream = g_mime_stream_mem_new_with_buffer((const char *)data, size);
	parser = g_mime_parser_new_with_stream(stream);
	msg = g_mime_parser_construct_message(parser, NULL);
	if (msg != NULL) {
		built_count(GMIME_OBJECT(msg), 1, false, &b);
		g_object_unref(msg);
	}
	g_object_unref(parser);
	g_object_unref(stream);
	if (b.blocks > s.parts || b.depth > s.depth || b.headers > s.headers)
		abort();
	return 0;
}
