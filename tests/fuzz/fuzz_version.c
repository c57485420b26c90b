/* tests/fuzz/fuzz_version.c: libFuzzer target for version ranges and
 * comparison. The input is a range, a NUL byte and a version: a range
 * that parses selects "*" and "=" versions consistently, and the
 * comparison is antisymmetric. Input is cut at 512 bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "advisory/version.h"
#include "lib/error.h"

#define FUZZ_INPUT_MAX 512

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int sign(int c)
{
	return (c > 0) - (c < 0);
}

/* data is borrowed from libFuzzer. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[FUZZ_INPUT_MAX + 2];
	struct sk_error err = {0};
	struct version_range r;
	const char *version;
	int rc;

	if (size > FUZZ_INPUT_MAX)
		size = FUZZ_INPUT_MAX;
	memcpy(text, data, size);
	text[size] = '\0';
	text[size + 1] = '\0';
	version = text + strlen(text) + 1;
	if (sign(version_compare(text, version)) != -sign(version_compare(version, text)))
		abort();
	if (version_compare(version, version) != 0)
		abort();
	rc = version_range_parse(text, &r, &err);
	if (rc != 0) {
		if (rc > 0 || err.code != rc || err.msg[0] == '\0')
			abort();
		return 0;
	}
	if (r.any && !version_range_match(&r, version))
		abort();
	if (!r.any && r.n == 1 && r.term[0].op == VERSION_EQ &&
	    !version_range_match(&r, r.term[0].version))
		abort();
	return 0;
}
