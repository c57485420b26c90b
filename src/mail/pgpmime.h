/* mail/pgpmime.h: recognizing OpenPGP in a received mail: ASCII-armored
 * blocks in a text ("-----BEGIN PGP MESSAGE-----", a clear-signed
 * message, a detached signature, a key) and the PGP/MIME structure of RFC
 * 3156 (multipart/encrypted, multipart/signed and their parts). It only
 * says what is there and where; nothing is decrypted or verified here.
 * SECURITY: reads outside input: time linear in its length, no memory
 * beyond struct pgpmime_armor (at most PGPMIME_BLOCKS_MAX blocks listed,
 * the rest counted). */
#ifndef SK_MAIL_PGPMIME_H
#define SK_MAIL_PGPMIME_H

#include <stdbool.h>
#include <stddef.h>

#define PGPMIME_BLOCKS_MAX 16

enum pgpmime_block_kind {
	PGPMIME_MESSAGE,     /* BEGIN PGP MESSAGE: encrypted (or signed and packed) */
	PGPMIME_SIGNED,	     /* BEGIN PGP SIGNED MESSAGE up to its signature's END */
	PGPMIME_SIGNATURE,   /* a detached BEGIN PGP SIGNATURE */
	PGPMIME_PUBLIC_KEY,  /* BEGIN PGP PUBLIC KEY BLOCK */
	PGPMIME_PRIVATE_KEY, /* BEGIN PGP PRIVATE KEY BLOCK */
};

extern const char *const pgpmime_block_names[]; /* "message", "signed", ... */

/* One armored block: text[start..end) runs from the first byte of its
 * BEGIN line to the end of its END line (line break included); a block
 * without its END line runs to the end of the text, complete false. */
struct pgpmime_block {
	enum pgpmime_block_kind kind;
	size_t start, end;
	bool complete;
};

struct pgpmime_armor {
	struct pgpmime_block blocks[PGPMIME_BLOCKS_MAX]; /* in order, not overlapping */
	size_t n, dropped;				 /* listed; found past the list */
	bool encrypted; /* a PGP MESSAGE block, complete or not */
	bool signed_;	/* a clear-signed message or a detached signature */
};

/* The armored blocks of text[0..len): BEGIN and END lines must start a
 * line (no quoting, no indentation); trailing blanks and CR are allowed.
 * out is written in full. */
void pgpmime_armor_scan(const char *text, size_t len, struct pgpmime_armor *out);

/* What a MIME part is to RFC 3156, from its type ("multipart/encrypted",
 * compared without case) and its protocol parameter (may be NULL). */
enum pgpmime_role {
	PGPMIME_PLAIN,		/* nothing OpenPGP */
	PGPMIME_ENCRYPTED,	/* multipart/encrypted; protocol="application/pgp-encrypted" */
	PGPMIME_SIGNED_PART,	/* multipart/signed; protocol="application/pgp-signature" */
	PGPMIME_CONTROL,	/* application/pgp-encrypted ("Version: 1") */
	PGPMIME_SIGNATURE_PART, /* application/pgp-signature */
	PGPMIME_KEYS,		/* application/pgp-keys */
	PGPMIME_OTHER_CRYPTO,	/* S/MIME, or multipart/encrypted of another protocol */
};

enum pgpmime_role pgpmime_role(const char *mime_type, const char *protocol);

#endif
