/* tests/fuzz/fuzz_inbound.c: libFuzzer target for inbound_parse, the
 * reading of a mail as mailgate receives it, on any bytes. A mail read
 * has a Message-ID and a From address within their limits (a mail over
 * the MIME limits, read for its header only, may lack the From), a
 * subject and text in valid UTF-8 within theirs, and its lists within
 * their caps; anything else is refused as not a mail. The subject's ticket number is
 * read from it as intake does. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/error.h"
#include "lib/utf8.h"
#include "mail/inbound.h"
#include "ticket/intake.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_utf8(const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	uint32_t cp;

	if (n > max)
		abort();
	for (size_t i = 0; i < n;) {
		size_t len = p[i] < 0x80 ? 1 : utf8_decode(p + i, n - i, &cp);

		if (len == 0)
			abort();
		i += len;
	}
}

/* data is borrowed from libFuzzer. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct inbound in;
	struct sk_error err = {0};
	/* Small limits, so that inputs of fuzzing size reach them. */
	const struct mimescan_limits lim = {8, 4, 40, 2000};
	int rc = inbound_parse(data, size, &lim, &in, &err);

	if (rc != 0) {
		if (rc != SK_EINVAL || err.msg[0] == '\0')
			abort();
		inbound_clear(&in);
		return 0;
	}
	if (in.message_id[0] == '\0' || (in.from[0] == '\0' && in.not_parsed[0] == '\0'))
		abort();
	if (in.not_parsed[0] != '\0' && (in.text[0] != '\0' || in.n_parts != 0))
		abort();
	if (strlen(in.body_hash) != 32)
		abort();
	if (in.subject == NULL || in.text == NULL)
		abort();
	check_utf8(in.subject, INBOUND_MAX);
	check_utf8(in.text, INBOUND_TEXT_MAX);
	if (in.n_refs > INBOUND_REFS_MAX || in.n_parts > INBOUND_PARTS_MAX)
		abort();
	for (size_t i = 0; i < in.n_refs; i++)
		if (in.refs[i] == NULL || in.refs[i][0] == '\0')
			abort();
	if (intake_subject_number(in.subject, "CERT.be") < 0)
		abort();
	inbound_clear(&in);
	return 0;
}
