/* ticket/signature.c: a received mail's OpenPGP signature checked (see
 * signature.h). For PGP/MIME the signed part is written as GMime read it
 * with CRLF line ends (RFC 3156, section 5) and verified against the
 * detached signature; a clear-signed text is verified as one block.
 * SECURITY: reads outside input: the mail within the limits it was read
 * with, at most SIGNATURE_PART_MAX bytes of signed text; gpg parses the
 * OpenPGP packets. */
#include "ticket/signature.h"

#include <gmime/gmime.h>
#include <gpgme.h>
#include <stdio.h>
#include <string.h>

#include "lib/error.h"
#include "mail/mimescan.h"
#include "mail/pgpmime.h"
#include "model/org.h"
#include "store/store.h"

#define SIGNATURE_PART_MAX (32 * 1024 * 1024)

/* The first multipart/signed of protocol application/pgp-signature in
 * o, or NULL. */
static GMimeMultipart *signed_find(GMimeObject *o, int depth)
{
	if (!GMIME_IS_MULTIPART(o) || depth > MIMESCAN_DEPTH_DEFAULT * 50)
		return NULL;
	{
		GMimeContentType *ct = g_mime_object_get_content_type(o);
		char *type = g_mime_content_type_get_mime_type(ct);
		enum pgpmime_role role =
		    pgpmime_role(type, g_mime_content_type_get_parameter(ct, "protocol"));

		g_free(type);
		if (role == PGPMIME_SIGNED_PART &&
		    g_mime_multipart_get_count(GMIME_MULTIPART(o)) == 2)
			return GMIME_MULTIPART(o);
	}
	for (int i = 0; i < g_mime_multipart_get_count(GMIME_MULTIPART(o)); i++) {
		GMimeMultipart *m =
		    signed_find(g_mime_multipart_get_part(GMIME_MULTIPART(o), i), depth + 1);

		if (m != NULL)
			return m;
	}
	return NULL;
}

/* The bytes of a memory stream, taken from it (the stream is released;
 * caller frees them with g_byte_array_unref()). */
static GByteArray *stream_take(GMimeStream *mem)
{
	GByteArray *b = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));

	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
	g_object_unref(mem);
	return b;
}

/* The decoded content of a leaf part as a new byte array (caller frees
 * with g_byte_array_unref()), or NULL. */
static GByteArray *part_bytes(GMimeObject *o)
{
	GMimeDataWrapper *content;
	GMimeStream *mem;
	GByteArray *b;

	if (!GMIME_IS_PART(o) || (content = g_mime_part_get_content(GMIME_PART(o))) == NULL)
		return NULL;
	mem = g_mime_stream_mem_new();
	g_mime_data_wrapper_write_to_stream(content, mem);
	b = stream_take(mem);
	return b;
}

/* A clear-signed block in the first leaf that has one, as a new byte
 * array of that block, or NULL. */
static GByteArray *clearsigned_find(GMimeObject *o, int depth)
{
	if (GMIME_IS_MULTIPART(o)) {
		for (int i = 0;
		     i < g_mime_multipart_get_count(GMIME_MULTIPART(o)) && depth < 1000; i++) {
			GByteArray *b = clearsigned_find(
			    g_mime_multipart_get_part(GMIME_MULTIPART(o), i), depth + 1);

			if (b != NULL)
				return b;
		}
		return NULL;
	}
	{
		GByteArray *b = part_bytes(o), *block = NULL;
		struct pgpmime_armor a;

		if (b == NULL)
			return NULL;
		pgpmime_armor_scan((const char *)b->data, b->len, &a);
		for (size_t i = 0; i < a.n && block == NULL; i++)
			if (a.blocks[i].kind == PGPMIME_SIGNED && a.blocks[i].complete) {
				block = g_byte_array_new();
				g_byte_array_append(
				    block, b->data + a.blocks[i].start,
				    (guint)(a.blocks[i].end - a.blocks[i].start));
			}
		g_byte_array_unref(b);
		return block;
	}
}

/* Verify with gpg; the first signature's verdict into out. */
static void verify(struct pgp *p, struct store *st, const GByteArray *sig,
		   const GByteArray *text, struct signature *out)
{
	gpgme_ctx_t ctx = pgp_context(p);
	gpgme_data_t dsig = NULL, dtext = NULL, dplain = NULL;
	gpgme_verify_result_t r;
	gpgme_signature_t s;
	gpgme_key_t key = NULL;
	gpgme_error_t e;
	struct contact c;

	e = gpgme_data_new_from_mem(&dsig, (const char *)sig->data, sig->len, 0);
	if (e == 0 && text != NULL)
		e = gpgme_data_new_from_mem(&dtext, (const char *)text->data, text->len, 0);
	if (e == 0 && text == NULL)
		e = gpgme_data_new(&dplain);
	if (e == 0)
		e = gpgme_op_verify(ctx, dsig, dtext, dplain);
	r = e == 0 ? gpgme_op_verify_result(ctx) : NULL;
	s = r != NULL ? r->signatures : NULL;
	if (s == NULL) {
		snprintf(out->status, sizeof(out->status), "error");
		snprintf(out->why, sizeof(out->why), "gpg found no signature it can check (%s)",
			 e != 0 ? gpgme_strerror(e) : "none");
		goto out;
	}
	switch (gpgme_err_code(s->status)) {
	case GPG_ERR_NO_ERROR:
		snprintf(out->status, sizeof(out->status), "good");
		break;
	case GPG_ERR_BAD_SIGNATURE:
		snprintf(out->status, sizeof(out->status), "bad");
		break;
	case GPG_ERR_NO_PUBKEY:
		snprintf(out->status, sizeof(out->status), "no-key");
		break;
	case GPG_ERR_KEY_EXPIRED:
	case GPG_ERR_SIG_EXPIRED:
		snprintf(out->status, sizeof(out->status), "expired-key");
		break;
	default:
		snprintf(out->status, sizeof(out->status), "error");
		snprintf(out->why, sizeof(out->why), "%s", gpgme_strerror(s->status));
		break;
	}
	/* The primary key's fingerprint: a subkey may have signed. */
	if (s->fpr != NULL && gpgme_get_key(ctx, s->fpr, &key, 0) == 0 && key->fpr != NULL)
		snprintf(out->fpr, sizeof(out->fpr), "%s", key->fpr);
	else if (s->fpr != NULL)
		snprintf(out->fpr, sizeof(out->fpr), "%s", s->fpr);
	if (key != NULL)
		gpgme_key_unref(key);
	if (strcmp(out->status, "good") == 0 && out->fpr[0] != '\0' &&
	    store_contact_find_fpr(st, out->fpr, &c, &(struct sk_error){0}) == 0) {
		out->contact_id = c.id;
		out->org_id = c.org_id;
		contact_clear(&c);
	}
out:
	gpgme_data_release(dsig);
	gpgme_data_release(dtext);
	gpgme_data_release(dplain);
}

void signature_check(struct store *st, const char *pgp_home, const void *raw, size_t len,
		     const struct mimescan_limits *lim, struct signature *out)
{
	struct sk_error err = {0};
	struct mimescan scan;
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *msg = NULL;
	GMimeMultipart *mps;
	GByteArray *sig = NULL, *text = NULL;
	struct pgp *p = NULL;

	memset(out, 0, sizeof(*out));
	snprintf(out->status, sizeof(out->status), "unchecked");
	if (pgp_home == NULL) {
		snprintf(out->why, sizeof(out->why), "no keyring ([pgp] home)");
		return;
	}
	mimescan_run(raw, len, lim, &scan);
	if (scan.over[0] != '\0')
		return;
	stream = g_mime_stream_mem_new_with_buffer(raw, len);
	parser = g_mime_parser_new_with_stream(stream);
	msg = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	g_object_unref(stream);
	if (msg == NULL || g_mime_message_get_mime_part(msg) == NULL)
		goto out;
	if ((mps = signed_find(g_mime_message_get_mime_part(msg), 0)) != NULL) {
		GMimeFormatOptions *opt = g_mime_format_options_new();
		GMimeStream *mem = g_mime_stream_mem_new();

		g_mime_format_options_set_newline_format(opt, GMIME_NEWLINE_FORMAT_DOS);
		g_mime_object_write_to_stream(g_mime_multipart_get_part(mps, 0), opt, mem);
		text = stream_take(mem);
		g_mime_format_options_free(opt);
		sig = part_bytes(g_mime_multipart_get_part(mps, 1));
	} else {
		sig = clearsigned_find(g_mime_message_get_mime_part(msg), 0);
	}
	if (sig == NULL) {
		snprintf(
		    out->why, sizeof(out->why),
		    "no PGP/MIME or clear-signed text to check (a detached signature file)");
		goto out;
	}
	if (sig->len > SIGNATURE_PART_MAX || (text != NULL && text->len > SIGNATURE_PART_MAX)) {
		snprintf(out->status, sizeof(out->status), "error");
		snprintf(out->why, sizeof(out->why), "the signed text is larger than %d bytes",
			 SIGNATURE_PART_MAX);
		goto out;
	}
	if ((p = pgp_open(pgp_home, &err)) == NULL) {
		snprintf(out->status, sizeof(out->status), "error");
		snprintf(out->why, sizeof(out->why), "%.150s", err.msg);
		goto out;
	}
	verify(p, st, sig, text, out);
out:
	pgp_close(p);
	if (sig != NULL)
		g_byte_array_unref(sig);
	if (text != NULL)
		g_byte_array_unref(text);
	if (msg != NULL)
		g_object_unref(msg);
}
