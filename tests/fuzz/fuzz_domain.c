/* tests/fuzz/fuzz_domain.c: libFuzzer target for domain_normalize, with
 * and without allow_tld. A canonical name must be a fixed point, valid LDH
 * of at most 253 bytes, and under each of its parents, which are canonical
 * too; whatever fails must say why. Input is cut at 2048 bytes. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/error.h"
#include "net/domain.h"

#define FUZZ_INPUT_MAX 2048

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* name was produced by domain_normalize. */
static void check_canonical(const char *name, bool allow_tld)
{
	char again[DOMAIN_TEXT_MAX];
	struct sk_error err = {0};
	size_t len = strlen(name);

	if (len == 0 || len > DOMAIN_MAX)
		abort();
	if (strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-.") != len)
		abort();
	if (name[0] == '.' || name[len - 1] == '.' || strstr(name, "..") != NULL)
		abort();
	if (domain_normalize(name, allow_tld, again, &err) != 0 || strcmp(name, again) != 0)
		abort();
	if (!domain_is_under(name, name))
		abort();
	for (const char *p = domain_parent(name); p != NULL; p = domain_parent(p)) {
		if (!domain_is_under(name, p) || domain_is_under(p, name))
			abort();
		if (domain_normalize(p, true, again, &err) != 0 || strcmp(p, again) != 0)
			abort();
	}
}

/* data is borrowed from libFuzzer. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[FUZZ_INPUT_MAX + 1];
	char out[DOMAIN_TEXT_MAX];
	struct sk_error err = {0};

	if (size > FUZZ_INPUT_MAX)
		size = FUZZ_INPUT_MAX;
	memcpy(text, data, size);
	text[size] = '\0';

	for (int tld = 0; tld < 2; tld++) {
		int rc = domain_normalize(text, tld == 1, out, &err);

		if (rc == 0)
			check_canonical(out, tld == 1);
		else if (rc > 0 || err.code != rc || err.msg[0] == '\0')
			abort();
	}
	return 0;
}
