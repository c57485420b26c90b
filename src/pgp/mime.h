/* pgp/mime.h: PGP/MIME (RFC 3156) for outbound mail: a composed message
 * signed with schakel's key (multipart/signed), or signed and encrypted
 * to its recipients' keys and schakel's own (multipart/encrypted). */
#ifndef SK_PGP_MIME_H
#define SK_PGP_MIME_H

#include <stddef.h>

#include "pgp/pgp.h"

struct sk_error;

/* Protect message (7-bit RFC 5322 text with CRLF line ends, as
 * mail_compose() writes it), signed with the secret key signer (a
 * fingerprint). With n_rcpt > 0 it is encrypted to the keys rcpt
 * (fingerprints) and to signer's, signed inside (RFC 3156 6.2); with
 * none it is only signed. The header fields that are not Content-* stay
 * outside. *out (caller frees), *len_out its length (may be NULL), at
 * most max bytes (SK_ETOOBIG). SK_EIO when gpg fails (no passphrase
 * for the signing key, a key unusable after all). */
int pgp_mime_protect(struct pgp *p, const char *signer, const char *const *rcpt, size_t n_rcpt,
		     const char *message, size_t max, char **out, size_t *len_out,
		     struct sk_error *err);

#endif
