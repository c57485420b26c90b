/* mail/inbound.h: reading a mail as received (RFC 5322 and MIME, with
 * GMime): who sent it, what it answers, whether a machine sent it, its
 * text and its parts. Reads outside input: at most INBOUND_MAX bytes, of
 * at most the parts, nesting, header fields and field length of struct
 * mimescan_limits (a mail over them is read for its header only);
 * everything kept from it is bounded below and is valid UTF-8. */
#ifndef SK_MAIL_INBOUND_H
#define SK_MAIL_INBOUND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mail/message.h"
#include "mail/mimescan.h"

struct buf;
struct sk_error;

#define INBOUND_MAX	  (64 * 1024 * 1024) /* bytes of a message read at all */
#define INBOUND_TEXT_MAX  (1024 * 1024)	     /* bytes of text kept */
#define INBOUND_REFS_MAX  32		     /* Message-IDs it answers */
#define INBOUND_PARTS_MAX 64		     /* MIME parts listed */
#define INBOUND_WORD_MAX  64		     /* Auto-Submitted, Precedence */

struct inbound_part {
	char content_type[128]; /* "text/plain" */
	char filename[256];	/* "" if none */
	int64_t size;		/* bytes once decoded */
	/* In a PGP/MIME or S/MIME encrypted structure, or holding an armored
	 * PGP MESSAGE: its text is never read. */
	bool encrypted;
	bool signed_; /* in a multipart/signed, a signature, or clear-signed armor */
};

struct inbound {
	/* Without <>. A message without one gets "<hash>@mailgate.invalid",
	 * a hash of its bytes, so that the same mail is still known twice. */
	char message_id[MAIL_MSGID_MAX + 1];
	char from[MAIL_ADDR_MAX + 1]; /* the first From address, lower-cased domain; "" if
					 not parsed and none in the header read */
	char body_hash[33];	      /* hex BLAKE2b-128 of the bytes after the header */
	/* "" when the mail was read; else why only its header was, e.g.
	 * "too many MIME parts (over 1000)": no text, no parts. */
	char not_parsed[96];
	char *subject; /* UTF-8 ("?" for a byte that is not, a space for a control
			  character), "" if none; owned */
	bool has_return_path;
	char return_path[MAIL_ADDR_MAX + 1];   /* "" for the null sender <> */
	char auto_submitted[INBOUND_WORD_MAX]; /* "" if absent */
	char precedence[INBOUND_WORD_MAX];
	bool list;		      /* has List-Id or List-Unsubscribe */
	char *refs[INBOUND_REFS_MAX]; /* In-Reply-To, then References newest first */
	size_t n_refs;
	bool encrypted; /* a part is (PGP/MIME, S/MIME, an inline PGP message) */
	bool signed_;	/* a part is signed (PGP/MIME or clear-signed armor) */
	char *text;	/* the first text/plain part (else text/html, tags removed), UTF-8 as
			   subject */
	bool text_cut;	/* longer than INBOUND_TEXT_MAX */
	struct inbound_part parts[INBOUND_PARTS_MAX];
	size_t n_parts, parts_dropped;
};

/* Read raw[0..len) within lim (NULL: the MIMESCAN_*_DEFAULT limits). A
 * mail over lim is not an error: only its header is read, as far as it
 * is within lim, and not_parsed says why. Not a mail at all (no header,
 * no From address, when read in full) is SK_EINVAL saying why; over
 * INBOUND_MAX is SK_ETOOBIG. Clear *out with inbound_clear() in any
 * case. */
int inbound_parse(const void *raw, size_t len, const struct mimescan_limits *lim,
		  struct inbound *out, struct sk_error *err);
void inbound_clear(struct inbound *m);

/* The decoded content of leaf part n (from 1, as inbound_parse() lists
 * parts) of raw[0..len), appended to out (within its cap, else
 * SK_ETOOBIG). A mail over lim is SK_EINVAL (its parts were never
 * listed); no part n is SK_ENOTFOUND. */
int inbound_part_content(const void *raw, size_t len, const struct mimescan_limits *lim,
			 size_t n, struct buf *out, struct sk_error *err);

#endif
