/* tests/fuzz/fuzz_purl.c: libFuzzer target for purl_parse. Whatever
 * parses has a type and a name; whatever fails says why. Input is cut
 * at PURL_MAX + 16 bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "advisory/purl.h"
#include "lib/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* data is borrowed from libFuzzer. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[PURL_MAX + 17];
	static struct purl p;
	struct sk_error err = {0};
	int rc;

	if (size > PURL_MAX + 16)
		size = PURL_MAX + 16;
	memcpy(text, data, size);
	text[size] = '\0';
	rc = purl_parse(text, &p, &err);
	if (rc != 0) {
		if (rc > 0 || err.code != rc || err.msg[0] == '\0')
			abort();
		return 0;
	}
	if (p.type[0] == '\0' || p.name[0] == '\0')
		abort();
	return 0;
}
