/* tests/fuzz/fuzz_extract.c: libFuzzer target for extract_text on any
 * bytes. Every item must be within its limits, printable ASCII without
 * spaces, named once, and canonical: extracting an address, prefix, AS
 * number or CVE id again from its own text gives it back unchanged, and a
 * domain or URL, when found again, comes back the same. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/error.h"
#include "ticket/extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_item(const struct extract_item *it)
{
	size_t len = strlen(it->text), max = it->kind == EXTRACT_URL ? EXTRACT_URL_MAX : 253;
	struct extract_result again;
	struct sk_error err = {0};

	if (len == 0 || len > max || (unsigned)it->kind >= EXTRACT_KIND_COUNT)
		abort();
	for (size_t k = 0; k < len; k++)
		if (it->text[k] <= 0x20 || it->text[k] >= 0x7f)
			abort();
	if ((it->kind == EXTRACT_URL) != (it->host != NULL))
		abort();
	if (extract_text(it->text, len, &again, &err) != 0)
		abort();
	if (again.count == 0) {
		if (it->kind != EXTRACT_DOMAIN && it->kind != EXTRACT_URL)
			abort(); /* a defanged "name.zip" is found only defanged */
	} else if (again.items[0].kind != it->kind ||
		   strcmp(again.items[0].text, it->text) != 0) {
		abort();
	}
	extract_result_free(&again);
}

/* data is borrowed from libFuzzer. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct extract_result r;
	struct sk_error err = {0};

	if (extract_text((const char *)data, size, &r, &err) != 0)
		abort();
	if (r.count > EXTRACT_ITEMS_MAX || (r.dropped > 0 && r.count != EXTRACT_ITEMS_MAX))
		abort();
	for (size_t k = 0; k < r.count; k++) {
		check_item(&r.items[k]);
		for (size_t j = 0; j < k; j++)
			if (r.items[j].kind == r.items[k].kind &&
			    strcmp(r.items[j].text, r.items[k].text) == 0)
				abort();
	}
	extract_result_free(&r);
	return 0;
}
