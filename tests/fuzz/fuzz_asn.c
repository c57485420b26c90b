/* tests/fuzz/fuzz_asn.c: libFuzzer target for asn_parse. Whatever parses
 * must print as "AS<number>" and parse back to the same number; whatever
 * fails must say why. Input is cut at 256 bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/error.h"
#include "net/asn.h"

#define FUZZ_INPUT_MAX 256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* data is borrowed from libFuzzer. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[FUZZ_INPUT_MAX + 1], out[ASN_TEXT_MAX];
	struct sk_error err = {0};
	uint32_t asn = 0, back = 0;
	int rc, n;

	if (size > FUZZ_INPUT_MAX)
		size = FUZZ_INPUT_MAX;
	memcpy(text, data, size);
	text[size] = '\0';

	rc = asn_parse(text, &asn, &err);
	if (rc != 0) {
		if (rc > 0 || err.code != rc || err.msg[0] == '\0')
			abort();
		return 0;
	}
	if (asn == 0 || asn == 23456 || asn == UINT32_MAX)
		abort(); /* reserved numbers must never get through */
	n = asn_format(asn, out, sizeof(out));
	if (n <= 2 || (size_t)n != strlen(out) || memcmp(out, "AS", 2) != 0)
		abort();
	if (asn_parse(out, &back, &err) != 0 || back != asn)
		abort();
	if (asn_parse(out + 2, &back, &err) != 0 || back != asn)
		abort();
	return 0;
}
