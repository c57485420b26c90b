/* tests/fuzz/fuzz_cvss.c: libFuzzer target for cvss_parse. Whatever
 * parses scores 0..10 and prints as a canonical vector that parses back
 * to the same score; whatever fails says why. Input is cut at 256 bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "advisory/cvss.h"
#include "lib/error.h"

#define FUZZ_INPUT_MAX 256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* data is borrowed from libFuzzer. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[FUZZ_INPUT_MAX + 1], out[CVSS_VECTOR_MAX + 1];
	struct sk_error err = {0};
	struct cvss c, back;
	int rc;

	if (size > FUZZ_INPUT_MAX)
		size = FUZZ_INPUT_MAX;
	memcpy(text, data, size);
	text[size] = '\0';
	rc = cvss_parse(text, &c, &err);
	if (rc != 0) {
		if (rc > 0 || err.code != rc || err.msg[0] == '\0')
			abort();
		return 0;
	}
	if (c.score10 < 0 || c.score10 > 100 || cvss_severity(c.score10) == NULL)
		abort();
	if (cvss_format(&c, out, sizeof(out)) <= 0 || cvss_parse(out, &back, &err) != 0 ||
	    back.score10 != c.score10)
		abort();
	return 0;
}
