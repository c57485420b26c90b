/* tests/fuzz/fuzz_pgpmime.c: libFuzzer target for the OpenPGP recognizer
 * (src/mail/pgpmime.c) on any bytes, alone and as a mail. Blocks are in
 * order, inside the text, start at a BEGIN line and, when complete, end
 * after a line break or at the end; a complete block scanned on its own
 * is one block of the same kind. As a mail (src/mail/inbound.c): a part
 * marked encrypted marks the mail, and the text kept of a mail that is
 * not marked encrypted holds no armored PGP message. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/error.h"
#include "mail/inbound.h"
#include "mail/pgpmime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_armor(const char *text, size_t len)
{
	struct pgpmime_armor a, again;
	size_t prev = 0;

	pgpmime_armor_scan(text, len, &a);
	if (a.n > PGPMIME_BLOCKS_MAX || (a.dropped > 0 && a.n != PGPMIME_BLOCKS_MAX))
		abort();
	for (size_t i = 0; i < a.n; i++) {
		const struct pgpmime_block *b = &a.blocks[i];

		if (b->start < prev || b->end <= b->start || b->end > len)
			abort();
		if ((b->start > 0 && text[b->start - 1] != '\n') ||
		    memcmp(text + b->start, "-----BEGIN PGP ", 15) != 0)
			abort();
		if (b->kind == PGPMIME_MESSAGE && !a.encrypted)
			abort();
		if ((b->kind == PGPMIME_SIGNED || b->kind == PGPMIME_SIGNATURE) && !a.signed_)
			abort();
		if (b->complete) {
			if (b->end < len && text[b->end - 1] != '\n')
				abort();
			pgpmime_armor_scan(text + b->start, b->end - b->start, &again);
			if (again.n != 1 || again.blocks[0].kind != b->kind ||
			    !again.blocks[0].complete)
				abort();
		}
		prev = b->end;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct mimescan_limits lim = {200, 20, 2000, 64 * 1024};
	struct sk_error err = {0};
	struct inbound in;

	check_armor((const char *)data, size);
	if (inbound_parse(data, size, &lim, &in, &err) == 0) {
		struct pgpmime_armor a;

		for (size_t i = 0; i < in.n_parts; i++)
			if ((in.parts[i].encrypted && !in.encrypted) ||
			    (in.parts[i].signed_ && !in.signed_))
				abort();
		pgpmime_armor_scan(in.text, strlen(in.text), &a);
		if (a.encrypted && !in.encrypted)
			abort();
	}
	inbound_clear(&in);
	return 0;
}
