/* pgp/mime.c: PGP/MIME (RFC 3156) around a composed message: the header
 * is split into the fields that stay outside and the Content-* fields
 * that go with the body into the part that is signed or encrypted; gpg
 * signs or encrypts through GPGME; the result is 7-bit text, CRLF. */
#include "pgp/mime.h"

#include <ctype.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "lib/secret.h"
#include "lib/xalloc.h"

/* Split message at its header's end: outer gets the header fields that
 * stay outside (not Content-*, not MIME-Version), inner the Content-*
 * fields, an empty line and the body. 0 or SK_EINVAL. */
static int split_message(const char *message, struct buf *outer, struct buf *inner,
			 struct sk_error *err)
{
	const char *end = strstr(message, "\r\n\r\n"), *p = message;
	bool content_seen = false;

	if (end == NULL)
		return sk_error_set(err, SK_EINVAL, "message: no end of header");
	while (p < end + 2) {
		const char *f = p, *next = p;
		size_t len;

		/* A field is its line and the lines that continue it. */
		do {
			next = strstr(next, "\r\n") + 2;
		} while (next < end + 2 && (*next == ' ' || *next == '\t'));
		len = (size_t)(next - f);
		if (strncasecmp(f, "Content-", 8) == 0) {
			content_seen = true;
			if (buf_append(inner, f, len) != 0)
				return sk_error_set(err, SK_ETOOBIG, "message too large");
		} else if (strncasecmp(f, "MIME-Version:", 13) != 0) {
			if (buf_append(outer, f, len) != 0)
				return sk_error_set(err, SK_ETOOBIG, "message too large");
		}
		p = next;
	}
	if (!content_seen &&
	    buf_append_str(inner, "Content-Type: text/plain; charset=us-ascii\r\n") != 0)
		return sk_error_set(err, SK_ETOOBIG, "message too large");
	if (buf_append_str(inner, end + 2) != 0)
		return sk_error_set(err, SK_ETOOBIG, "message too large");
	return 0;
}

/* Append armored gpg output (LF or CRLF) to b with CRLF line ends. */
static int append_crlf(struct buf *b, const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\r')
			continue;
		if (text[i] == '\n' ? buf_append(b, "\r\n", 2) : buf_append_char(b, text[i]))
			return SK_ETOOBIG;
	}
	return 0;
}

/* The keys named by fprs into keys (NULL-terminated); 0 or SK_EIO. */
static int get_keys(gpgme_ctx_t ctx, const char *const *fprs, size_t n, gpgme_key_t *keys,
		    struct sk_error *err)
{
	for (size_t i = 0; i < n; i++) {
		gpgme_error_t ge = gpgme_get_key(ctx, fprs[i], &keys[i], 0);

		if (ge != 0) {
			keys[i] = NULL;
			return sk_error_set(err, SK_EIO, "key %s: %s", fprs[i],
					    gpgme_strerror(ge));
		}
	}
	keys[n] = NULL;
	return 0;
}

int pgp_mime_protect(struct pgp *p, const char *signer, const char *const *rcpt, size_t n_rcpt,
		     const char *message, size_t max, char **out, size_t *len_out,
		     struct sk_error *err)
{
	gpgme_ctx_t ctx = pgp_context(p);
	char token[SECRET_TOKEN_LEN + 1], micalg[32] = "pgp-sha256";
	struct buf outer, inner, res;
	gpgme_key_t *keys = NULL, own = NULL;
	gpgme_data_t plain = NULL, sealed = NULL;
	gpgme_error_t ge;
	const char *sdata;
	size_t slen = 0;
	int rc;

	buf_init(&outer, max);
	buf_init(&inner, max);
	buf_init(&res, max);
	keys = xcalloc(n_rcpt + 2, sizeof(*keys));
	if ((rc = split_message(message, &outer, &inner, err)) != 0)
		goto out;
	if ((ge = gpgme_get_key(ctx, signer, &own, 1)) != 0) {
		own = NULL;
		rc =
		    sk_error_set(err, SK_EIO, "signing key %s: %s", signer, gpgme_strerror(ge));
		goto out;
	}
	if (n_rcpt > 0) {
		if ((rc = get_keys(ctx, rcpt, n_rcpt, keys, err)) != 0)
			goto out;
		gpgme_key_ref(own);
		keys[n_rcpt] = own;
	}
	gpgme_signers_clear(ctx);
	ge = gpgme_signers_add(ctx, own);
	if (ge == 0)
		ge = gpgme_data_new_from_mem(&plain, buf_str(&inner), inner.len, 0);
	if (ge == 0)
		ge = gpgme_data_new(&sealed);
	if (ge == 0 && n_rcpt > 0)
		ge =
		    gpgme_op_encrypt_sign(ctx, keys, GPGME_ENCRYPT_ALWAYS_TRUST, plain, sealed);
	else if (ge == 0)
		ge = gpgme_op_sign(ctx, plain, sealed, GPGME_SIG_MODE_DETACH);
	gpgme_signers_clear(ctx);
	if (ge != 0) {
		rc = sk_error_set(err, SK_EIO, "%s with key %s: %s",
				  n_rcpt > 0 ? "signing and encrypting" : "signing", signer,
				  gpgme_strerror(ge));
		goto out;
	}
	if (n_rcpt == 0) {
		gpgme_sign_result_t sr = gpgme_op_sign_result(ctx);
		const char *h = sr != NULL && sr->signatures != NULL
				    ? gpgme_hash_algo_name(sr->signatures->hash_algo)
				    : NULL;

		if (h != NULL) {
			snprintf(micalg, sizeof(micalg), "pgp-%s", h);
			for (char *c = micalg; *c; c++)
				*c = (char)tolower((unsigned char)*c);
		}
	}
	sdata = gpgme_data_release_and_get_mem(sealed, &slen);
	sealed = NULL;
	if (sdata == NULL) {
		rc = sk_error_set(err, SK_EIO, "gpg gave no output");
		goto out;
	}
	secret_token_new(token);
	rc = buf_append(&res, buf_str(&outer), outer.len);
	if (rc == 0 && n_rcpt > 0)
		rc = buf_printf(
		    &res,
		    "MIME-Version: 1.0\r\n"
		    "Content-Type: multipart/encrypted;\r\n"
		    " protocol=\"application/pgp-encrypted\";\r\n"
		    " boundary=\"=-%s\"\r\n\r\n"
		    "This is an OpenPGP/MIME encrypted message (RFC 3156).\r\n"
		    "--=-%s\r\n"
		    "Content-Type: application/pgp-encrypted\r\n"
		    "Content-Description: PGP/MIME version identification\r\n\r\n"
		    "Version: 1\r\n\r\n"
		    "--=-%s\r\n"
		    "Content-Type: application/octet-stream; name=\"encrypted.asc\"\r\n"
		    "Content-Description: OpenPGP encrypted message\r\n"
		    "Content-Disposition: inline; filename=\"encrypted.asc\"\r\n\r\n",
		    token, token, token);
	else if (rc == 0)
		rc = buf_printf(
		    &res,
		    "MIME-Version: 1.0\r\n"
		    "Content-Type: multipart/signed; micalg=%s;\r\n"
		    " protocol=\"application/pgp-signature\";\r\n"
		    " boundary=\"=-%s\"\r\n\r\n"
		    "This is an OpenPGP/MIME signed message (RFC 3156).\r\n"
		    "--=-%s\r\n"
		    "%s\r\n"
		    "--=-%s\r\n"
		    "Content-Type: application/pgp-signature; name=\"signature.asc\"\r\n"
		    "Content-Description: OpenPGP digital signature\r\n"
		    "Content-Disposition: attachment; filename=\"signature.asc\"\r\n\r\n",
		    micalg, token, token, buf_str(&inner), token);
	if (rc == 0)
		rc = append_crlf(&res, sdata, slen);
	if (rc == 0)
		rc = buf_printf(&res, "\r\n--=-%s--\r\n", token);
	gpgme_free((void *)sdata);
	if (rc != 0) {
		rc = sk_error_set(err, SK_ETOOBIG, "protected message larger than %zu bytes",
				  max);
		goto out;
	}
	if (len_out != NULL)
		*len_out = res.len;
	*out = xstrdup(buf_str(&res));
out:
	for (size_t i = 0; keys != NULL && i < n_rcpt + 1; i++)
		if (keys[i] != NULL)
			gpgme_key_unref(keys[i]);
	free(keys);
	if (own != NULL)
		gpgme_key_unref(own);
	gpgme_data_release(plain);
	gpgme_data_release(sealed);
	buf_free(&outer);
	/* The clear text (a forwarded report, say) does not outlive this. */
	if (inner.data != NULL)
		sodium_memzero(inner.data, inner.len);
	buf_free(&inner);
	buf_free(&res);
	return rc;
}
