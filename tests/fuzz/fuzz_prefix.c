/* tests/fuzz/fuzz_prefix.c: libFuzzer target for prefix_parse and
 * prefix_parse_addr. Whatever parses must print canonically and parse back
 * to the same value; whatever fails must say why. Input is cut at 256 bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/error.h"
#include "net/prefix.h"

#define FUZZ_INPUT_MAX 256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A failure must carry its code and a message. */
static void check_error(int rc, const struct sk_error *err)
{
	if (rc >= 0 || err->code != rc || err->msg[0] == '\0')
		abort();
}

/* p was parsed: it prints, parses back to itself, and its truncations
 * cover it. */
static void check_round_trip(const struct prefix *p)
{
	char text[PREFIX_TEXT_MAX];
	struct sk_error err = {0};
	struct prefix back, t;
	int n;

	n = prefix_format(p, text, sizeof(text));
	if (n <= 0 || (size_t)n != strlen(text))
		abort();
	if (prefix_parse(text, &back, &err) != 0)
		abort();
	if (memcmp(p, &back, sizeof(back)) != 0 || prefix_compare(p, &back) != 0)
		abort();
	if (!prefix_contains(p, &back))
		abort();
	t = *p;
	prefix_truncate(&t, (uint8_t)(p->len / 2));
	if (!prefix_contains(&t, p) || prefix_compare(&t, p) > 0)
		abort();
	if (t.len != p->len && prefix_contains(p, &t))
		abort();
	n = prefix_format(&t, text, sizeof(text));
	if (n <= 0 || prefix_parse(text, &back, &err) != 0 || prefix_compare(&t, &back) != 0)
		abort();
}

/* data is borrowed from libFuzzer. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[FUZZ_INPUT_MAX + 1];
	char addr[PREFIX_TEXT_MAX];
	struct sk_error err = {0};
	struct prefix p, back;
	int rc;

	if (size > FUZZ_INPUT_MAX)
		size = FUZZ_INPUT_MAX;
	memcpy(text, data, size);
	text[size] = '\0';

	rc = prefix_parse(text, &p, &err);
	if (rc == 0)
		check_round_trip(&p);
	else
		check_error(rc, &err);

	rc = prefix_parse_addr(text, &p, &err);
	if (rc == 0) {
		if (p.len != prefix_family_bits(p.family))
			abort();
		if (prefix_format_addr(&p, addr, sizeof(addr)) <= 0)
			abort();
		if (prefix_parse_addr(addr, &back, &err) != 0 || prefix_compare(&p, &back) != 0)
			abort();
		check_round_trip(&p);
	} else {
		check_error(rc, &err);
	}
	return 0;
}
