/* ticket/signature.h: the OpenPGP signature of a received mail checked
 * at intake: a PGP/MIME multipart/signed (RFC 3156) or a clear-signed
 * text, verified with the public keys in schakel's keyring; the signer's
 * key and whether it belongs to a known contact (contacts' pgp_fpr) and
 * which organization. Checking never makes a mail fail to be stored: a
 * keyring or gpg that fails gives the status "error" or "unchecked". */
#ifndef SK_TICKET_SIGNATURE_H
#define SK_TICKET_SIGNATURE_H

#include <stddef.h>
#include <stdint.h>

#include "pgp/pgp.h"

struct mimescan_limits;
struct store;

struct signature {
	/* "good", "bad", "no-key", "expired-key", "error", "unchecked" */
	char status[16];
	char fpr[PGP_FPR_MAX + 1];  /* the signer's primary key, or as the signature names it */
	int64_t contact_id, org_id; /* 0: no known contact holds the key */
	char why[160];		    /* for "error": what went wrong */
};

/* Check the first signature of raw[0..len) (read within lim) with the
 * keyring at pgp_home (NULL: "unchecked"). out is written in full. */
void signature_check(struct store *st, const char *pgp_home, const void *raw, size_t len,
		     const struct mimescan_limits *lim, struct signature *out);

#endif
