/* tests/fuzz/fuzz_cpe.c: libFuzzer target for cpe_parse. Whatever
 * parses has a part of a, o, h, * or -; whatever fails says why. Input
 * is cut at CPE_NAME_MAX + 16 bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "advisory/cpe.h"
#include "lib/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* data is borrowed from libFuzzer. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[CPE_NAME_MAX + 17];
	static struct cpe c;
	struct sk_error err = {0};
	int rc;

	if (size > CPE_NAME_MAX + 16)
		size = CPE_NAME_MAX + 16;
	memcpy(text, data, size);
	text[size] = '\0';
	rc = cpe_parse(text, &c, &err);
	if (rc != 0) {
		if (rc > 0 || err.code != rc || err.msg[0] == '\0')
			abort();
		return 0;
	}
	if (strlen(c.value[CPE_PART]) != 1 || strchr("aoh*-", c.value[CPE_PART][0]) == NULL)
		abort();
	for (int k = 0; k < CPE_ATTRS; k++)
		if (c.value[k][0] == '\0' || strlen(c.value[k]) > strlen(c.raw[k]))
			abort();
	return 0;
}
