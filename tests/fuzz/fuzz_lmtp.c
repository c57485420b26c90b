/* tests/fuzz/fuzz_lmtp.c: libFuzzer target for the LMTP state machine
 * (mail/lmtp.c) on any bytes from a client, fed in pieces whose sizes
 * the input's first byte picks: it never takes more than it was given,
 * a message handed over stays within the size limit, it always makes
 * progress once its replies are sent, and every reply is a line of a
 * three-digit code. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mail/lmtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every line of out[0..len) starts with three digits and ' ' or '-'. */
static void check_replies(const char *out, size_t len)
{
	for (size_t i = 0; i < len;) {
		const char *lf = memchr(out + i, '\n', len - i);

		if (lf == NULL || lf - (out + i) < 5 || out[i] < '2' || out[i] > '5' ||
		    (out[i + 3] != ' ' && out[i + 3] != '-') || lf[-1] != '\r')
			abort();
		i = (size_t)(lf - out) + 1;
	}
}

/* data is borrowed from libFuzzer. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct lmtp_limits lim = {4096, 300, 5, 20};
	struct lmtp *s = lmtp_new(&lim, "fuzz");
	size_t step, off = 1, len;
	enum lmtp_event ev = LMTP_MORE;
	const char *out;

	if (size == 0) {
		lmtp_free(s);
		return 0;
	}
	step = (size_t)data[0] % 64 + 1;
	while (off < size && ev != LMTP_CLOSE) {
		size_t n = size - off < step ? size - off : step, used;

		ev = lmtp_feed(s, (const char *)data + off, n, &used);
		if (used > n)
			abort();
		off += used;
		if (ev == LMTP_DELIVER) {
			const char *from, *raw;
			size_t rlen;
			int nrcpt;

			lmtp_envelope(s, &from, &raw, &rlen, &nrcpt);
			if (rlen > (size_t)lim.max_size || nrcpt < 1 || nrcpt > lim.rcpt)
				abort();
			lmtp_answer(s, off % 2 ? 250 : 451, off % 2 ? "2.0.0" : "4.3.0",
				    "answer\r\nwith a break");
		}
		out = lmtp_output(s, &len);
		check_replies(out, len);
		lmtp_output_done(s, len);
		if (ev == LMTP_MORE && used == 0)
			abort(); /* no progress, with the output sent */
	}
	lmtp_timeout(s);
	out = lmtp_output(s, &len);
	check_replies(out, len);
	lmtp_free(s);
	return 0;
}
