/* tests/fuzz/fuzz_delegated.c: libFuzzer target for the RIR
 * delegated-stats reader on any bytes, read for BE. A failure must carry
 * its code and a message naming the input; ranges read must answer
 * look-ups, and the prefix found for an address must cover it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/error.h"
#include "net/prefix.h"
#include "ticket/scope.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_lookups(const struct scope_ranges *r)
{
	static const char *const probes[] = {"198.51.100.7",
					     "203.0.113.0/24",
					     "0.0.0.0",
					     "255.255.255.255",
					     "2001:db8::1",
					     "::",
					     NULL};
	struct prefix q, c;

	for (const char *const *p = probes; *p != NULL; p++) {
		if (prefix_parse(*p, &q, NULL) != 0)
			abort();
		if (scope_ranges_find(r, &q, &c) && !prefix_contains(&c, &q))
			abort();
	}
	(void)scope_ranges_find_asn(r, 64496);
	(void)scope_ranges_find_asn(r, UINT32_MAX);
}

/* data is borrowed from libFuzzer. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sk_error err = {0};
	struct scope_ranges *r;
	FILE *f;

	if (size == 0)
		return 0;
	f = fmemopen((void *)data, size, "r");
	if (f == NULL)
		return 0;
	r = scope_read_delegated_file(f, "fuzz.txt", "BE", &err);
	fclose(f);
	if (r == NULL) {
		if (err.code >= 0 || err.msg[0] == '\0' || strstr(err.msg, "fuzz.txt") == NULL)
			abort();
		return 0;
	}
	check_lookups(r);
	scope_ranges_free(r);
	return 0;
}
