/* tests/fuzz/fuzz_markdown.c: libFuzzer target for the Markdown renderer
 * of the public pages (lib/markdown). Any input renders within the cap
 * or says it is too big, and the output never holds a tag other than
 * the renderer's own, nor one left open. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "lib/markdown.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const tags[] = {"p",	 "h2", "h3",	 "h4",	 "h5",	"h6", "ul", "ol",
				   "li", "em", "strong", "code", "pre", "a",  NULL};

static size_t tag_index(const char *name, size_t n)
{
	for (size_t i = 0; tags[i] != NULL; i++)
		if (strlen(tags[i]) == n && memcmp(tags[i], name, n) == 0)
			return i;
	abort(); /* a tag the renderer does not write */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t stack[256], depth = 0;
	struct buf out;
	int rc;

	buf_init(&out, 1 << 20);
	rc = markdown_render((const char *)data, size, &out);
	if (rc != 0 && rc != SK_ETOOBIG)
		abort();
	for (const char *p = buf_str(&out); rc == 0 && (p = strchr(p, '<')) != NULL; p++) {
		const char *name = p + 1 + (p[1] == '/');
		size_t n = strcspn(name, " >"), t = tag_index(name, n);

		if (p[1] == '/') {
			if (depth == 0 || stack[--depth] != t)
				abort();
		} else {
			if (depth == 256)
				abort();
			stack[depth++] = t;
		}
	}
	if (rc == 0 && depth != 0)
		abort();
	buf_free(&out);
	return 0;
}
