/* mail/pgpmime.c: OpenPGP armor and PGP/MIME structure recognized (see
 * pgpmime.h). One pass over the lines of a text: a BEGIN line opens a
 * block, its END line closes it; a clear-signed message closes at the
 * END line of its signature. A BEGIN line inside an open block ends that
 * block unfinished (a truncated block followed by another). */
#include "mail/pgpmime.h"

#include <string.h>
#include <strings.h>

const char *const pgpmime_block_names[] = {"message",	 "signed",	"signature",
					   "public-key", "private-key", NULL};

#define DASHES "-----"

/* The armor word of a line "-----BEGIN PGP <word>-----" (begin) or
 * "-----END PGP <word>-----": its kind, or -1. "MESSAGE, PART 1/2" is a
 * message. */
static int armor_line(const char *p, size_t n, bool begin)
{
	const char *lead = begin ? DASHES "BEGIN PGP " : DASHES "END PGP ";
	size_t ln = strlen(lead);
	static const struct {
		const char *word;
		enum pgpmime_block_kind kind;
		bool prefix; /* more may follow (", PART x/y") */
	} words[] = {
	    {"MESSAGE", PGPMIME_MESSAGE, false},
	    {"MESSAGE, PART ", PGPMIME_MESSAGE, true},
	    {"SIGNED MESSAGE", PGPMIME_SIGNED, false},
	    {"SIGNATURE", PGPMIME_SIGNATURE, false},
	    {"PUBLIC KEY BLOCK", PGPMIME_PUBLIC_KEY, false},
	    {"PRIVATE KEY BLOCK", PGPMIME_PRIVATE_KEY, false},
	};
	const char *w;
	size_t wn;

	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
		n--;
	if (n < ln + 5 || memcmp(p, lead, ln) != 0 || memcmp(p + n - 5, DASHES, 5) != 0)
		return -1;
	w = p + ln;
	wn = n - ln - 5;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		size_t k = strlen(words[i].word);

		if (words[i].prefix ? (wn > k && memcmp(w, words[i].word, k) == 0)
				    : (wn == k && memcmp(w, words[i].word, k) == 0))
			return (int)words[i].kind;
	}
	return -1;
}

static void block_close(struct pgpmime_armor *out, enum pgpmime_block_kind kind, size_t start,
			size_t end, bool complete)
{
	if (kind == PGPMIME_MESSAGE)
		out->encrypted = true;
	if (kind == PGPMIME_SIGNED || kind == PGPMIME_SIGNATURE)
		out->signed_ = true;
	if (out->n == PGPMIME_BLOCKS_MAX) {
		out->dropped++;
		return;
	}
	out->blocks[out->n++] = (struct pgpmime_block){kind, start, end, complete};
}

void pgpmime_armor_scan(const char *text, size_t len, struct pgpmime_armor *out)
{
	size_t i = 0, start = 0;
	int open = -1;	     /* the kind of the open block, or -1 */
	bool in_sig = false; /* a signed message's signature has begun */

	memset(out, 0, sizeof(*out));
	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t e = nl != NULL ? (size_t)(nl - text) : len;
		size_t next = nl != NULL ? e + 1 : len;
		int b = -1, x = -1;

		/* Only a line that starts with five dashes can be armor. */
		if (e - i >= 5 && memcmp(text + i, DASHES, 5) == 0) {
			b = armor_line(text + i, e - i, true);
			x = open >= 0 ? armor_line(text + i, e - i, false) : -1;
		}
		if (open == PGPMIME_SIGNED && !in_sig && b == PGPMIME_SIGNATURE) {
			in_sig = true;
		} else if (open >= 0 && x >= 0 &&
			   x == (open == PGPMIME_SIGNED ? (in_sig ? PGPMIME_SIGNATURE : -2)
							: open)) {
			block_close(out, (enum pgpmime_block_kind)open, start, next, true);
			open = -1;
		} else if (b >= 0) {
			if (open >= 0)
				block_close(out, (enum pgpmime_block_kind)open, start, i,
					    false);
			open = b;
			start = i;
			in_sig = false;
		}
		i = next;
	}
	if (open >= 0)
		block_close(out, (enum pgpmime_block_kind)open, start, len, false);
}

enum pgpmime_role pgpmime_role(const char *mime_type, const char *protocol)
{
	if (mime_type == NULL)
		return PGPMIME_PLAIN;
	if (strcasecmp(mime_type, "multipart/encrypted") == 0)
		return protocol != NULL &&
			       strcasecmp(protocol, "application/pgp-encrypted") == 0
			   ? PGPMIME_ENCRYPTED
			   : PGPMIME_OTHER_CRYPTO;
	if (strcasecmp(mime_type, "multipart/signed") == 0)
		return protocol != NULL &&
			       strcasecmp(protocol, "application/pgp-signature") == 0
			   ? PGPMIME_SIGNED_PART
			   : PGPMIME_PLAIN;
	if (strcasecmp(mime_type, "application/pgp-encrypted") == 0)
		return PGPMIME_CONTROL;
	if (strcasecmp(mime_type, "application/pgp-signature") == 0)
		return PGPMIME_SIGNATURE_PART;
	if (strcasecmp(mime_type, "application/pgp-keys") == 0)
		return PGPMIME_KEYS;
	if (strcasecmp(mime_type, "application/pkcs7-mime") == 0 ||
	    strcasecmp(mime_type, "application/x-pkcs7-mime") == 0)
		return PGPMIME_OTHER_CRYPTO;
	return PGPMIME_PLAIN;
}
