/* mail/inbound.c: a received mail read with GMime. GMime is lenient
 * (it reads what it can of a damaged message) and builds the whole mail
 * in memory, so mimescan counts it first; what is kept is cut to the
 * bounds in inbound.h. */
#include "mail/inbound.h"

#include <ctype.h>
#include <gmime/gmime.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "lib/str.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"
#include "mail/pgpmime.h"

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;

static void gmime_start(void)
{
	g_mime_init();
}

/* Copy at most size - 1 bytes of s, trimmed of spaces and <>. */
static void id_copy(char *dst, size_t size, const char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t' || *s == '<')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '>' ||
			 s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	if (n >= size)
		n = size - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* A header's value, its first word lower-cased, e.g. "auto-replied". */
static void word_copy(char *dst, size_t size, const char *s)
{
	size_t n = 0;

	while (s != NULL && (*s == ' ' || *s == '\t'))
		s++;
	while (s != NULL && s[n] != '\0' && s[n] != ';' && s[n] != ' ' && s[n] != '\t' &&
	       s[n] != '\r' && s[n] != '\n' && n + 1 < size) {
		dst[n] = (char)tolower((unsigned char)s[n]);
		n++;
	}
	dst[n] = '\0';
}

/* The address of the first mailbox of list into dst, or "". */
static void first_addr(InternetAddressList *list, char *dst, size_t size)
{
	dst[0] = '\0';
	for (int i = 0; list != NULL && i < internet_address_list_length(list); i++) {
		InternetAddress *a = internet_address_list_get_address(list, i);
		const char *addr;

		if (!INTERNET_ADDRESS_IS_MAILBOX(a))
			continue;
		addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a));
		if (addr == NULL || *addr == '\0' || strlen(addr) >= size)
			continue;
		snprintf(dst, size, "%s", addr);
		for (char *at = strrchr(dst, '@'); at != NULL && *at != '\0'; at++)
			*at = (char)tolower((unsigned char)*at);
		return;
	}
}

/* Add the Message-IDs of a header (In-Reply-To, References). newest
 * first: References lists the oldest first. */
static void refs_add(struct inbound *m, const char *value, bool newest_first)
{
	GMimeReferences *refs;
	int n;

	if (value == NULL)
		return;
	refs = g_mime_references_parse(NULL, value);
	if (refs == NULL)
		return;
	n = g_mime_references_length(refs);
	for (int k = 0; k < n && m->n_refs < INBOUND_REFS_MAX; k++) {
		const char *id =
		    g_mime_references_get_message_id(refs, newest_first ? n - 1 - k : k);
		char copy[MAIL_MSGID_MAX + 1];
		bool seen = false;

		if (id == NULL)
			continue;
		id_copy(copy, sizeof(copy), id);
		utf8_scrub(copy);
		for (size_t i = 0; i < m->n_refs && !seen; i++)
			seen = strcmp(m->refs[i], copy) == 0;
		if (!seen && copy[0] != '\0')
			m->refs[m->n_refs++] = xstrdup(copy);
	}
	g_mime_references_free(refs);
}

/* Text with the HTML tags taken out (enough to find what it names). */
static char *html_strip(const char *html)
{
	size_t n = strlen(html), j = 0;
	char *out = xmalloc(n + 1);
	bool in_tag = false;

	for (size_t i = 0; i < n; i++) {
		if (html[i] == '<')
			in_tag = true;
		else if (html[i] == '>' && in_tag)
			in_tag = false, out[j++] = ' ';
		else if (!in_tag)
			out[j++] = html[i];
	}
	out[j] = '\0';
	return out;
}

struct walk {
	struct inbound *m;
	char *html;
	/* inbound_part_content: the leaf sought (from 1), the leaves seen. */
	size_t want, seen;
	GMimeObject *found;
};

/* The OpenPGP armor in a part's decoded content: an armored message
 * marks the part encrypted, a clear-signed text or a signature signed. */
static void armor_mark(struct inbound_part *p, const GByteArray *bytes)
{
	struct pgpmime_armor a;

	pgpmime_armor_scan((const char *)bytes->data, bytes->len, &a);
	p->encrypted |= a.encrypted;
	p->signed_ |= a.signed_;
}

/* List leaf part, marked encrypted or signed by what holds it (enc,
 * sig) and by its own type and armor; take the text unless it is
 * encrypted. */
static void part_seen(GMimeObject *part, bool enc, bool sig, struct walk *w)
{
	struct inbound *m = w->m;
	GMimeContentType *ct = g_mime_object_get_content_type(part);
	struct inbound_part *p;
	GMimeDataWrapper *content;
	const char *filename;
	char *type;

	if (m->n_parts == INBOUND_PARTS_MAX) {
		m->parts_dropped++;
		return;
	}
	p = &m->parts[m->n_parts++];
	type = g_mime_content_type_get_mime_type(ct);
	snprintf(p->content_type, sizeof(p->content_type), "%s", type ? type : "");
	switch (pgpmime_role(type, NULL)) {
	case PGPMIME_CONTROL:
	case PGPMIME_OTHER_CRYPTO:
		enc = true;
		break;
	case PGPMIME_SIGNATURE_PART:
		sig = true;
		break;
	default:
		break;
	}
	g_free(type);
	p->encrypted = enc;
	p->signed_ = sig;
	filename = g_mime_part_get_filename(GMIME_PART(part));
	snprintf(p->filename, sizeof(p->filename), "%s", filename ? filename : "");
	content = g_mime_part_get_content(GMIME_PART(part));
	if (content != NULL) {
		GMimeStream *mem = g_mime_stream_mem_new();
		ssize_t n = g_mime_data_wrapper_write_to_stream(content, mem);

		p->size = n > 0 ? n : 0;
		armor_mark(p, g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem)));
		g_object_unref(mem);
	}
	m->encrypted |= p->encrypted;
	m->signed_ |= p->signed_;
	if (!p->encrypted && GMIME_IS_TEXT_PART(part) &&
	    !g_mime_part_is_attachment(GMIME_PART(part))) {
		bool plain = g_mime_content_type_is_type(ct, "text", "plain");
		bool html = g_mime_content_type_is_type(ct, "text", "html");

		if ((plain && m->text == NULL) ||
		    (html && m->text == NULL && w->html == NULL)) {
			char *text = g_mime_text_part_get_text(GMIME_TEXT_PART(part));

			struct pgpmime_armor a;

			/* Armor in the charset the part declares is armor too. */
			if (text != NULL) {
				pgpmime_armor_scan(text, strlen(text), &a);
				p->signed_ |= a.signed_;
				m->signed_ |= a.signed_;
				if (a.encrypted) {
					p->encrypted = m->encrypted = true;
					g_free(text);
					return;
				}
			}
			if (text != NULL) {
				if (plain)
					m->text = xstrdup(text);
				else
					w->html = html_strip(text);
				g_free(text);
			}
		}
	}
}

/* Walk o: multiparts into their parts (RFC 3156 structure passing its
 * marks down), leaves listed. An attached mail is a leaf, as in
 * g_mime_message_foreach; depth is bounded by mimescan. */
static void walk(GMimeObject *o, bool enc, bool sig, struct walk *w)
{
	if (GMIME_IS_MULTIPART(o)) {
		GMimeContentType *ct = g_mime_object_get_content_type(o);
		char *type = g_mime_content_type_get_mime_type(ct);
		enum pgpmime_role role =
		    pgpmime_role(type, g_mime_content_type_get_parameter(ct, "protocol"));
		int n = g_mime_multipart_get_count(GMIME_MULTIPART(o));

		g_free(type);
		enc |= role == PGPMIME_ENCRYPTED || role == PGPMIME_OTHER_CRYPTO;
		sig |= role == PGPMIME_SIGNED_PART;
		if (w->m != NULL) { /* marked even when it holds no part */
			w->m->encrypted |= enc;
			w->m->signed_ |= sig;
		}
		for (int i = 0; i < n; i++)
			walk(g_mime_multipart_get_part(GMIME_MULTIPART(o), i), enc, sig, w);
	} else if (GMIME_IS_PART(o) && w->want > 0) {
		if (++w->seen == w->want)
			w->found = o;
	} else if (GMIME_IS_PART(o)) {
		part_seen(o, enc, sig, w);
	}
}

/* Control characters (tab aside) as spaces: a subject stays one line. */
static void controls_blank(char *s)
{
	for (; *s != '\0'; s++)
		if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
			*s = ' ';
}

/* What is kept of the top-level header: addresses, ids, subject and the
 * fields that decide an acknowledgement. */
static void header_read(GMimeMessage *msg, struct inbound *out)
{
	GMimeObject *obj = GMIME_OBJECT(msg);
	const char *v;

	first_addr(g_mime_message_get_from(msg), out->from, sizeof(out->from));
	utf8_scrub(out->from);
	if ((v = g_mime_message_get_message_id(msg)) != NULL)
		id_copy(out->message_id, sizeof(out->message_id), v);
	v = g_mime_message_get_subject(msg);
	out->subject = xstrdup(v != NULL ? v : "");
	utf8_cut(out->subject, MAIL_SUBJECT_MAX);
	utf8_scrub(out->subject);
	controls_blank(out->subject);
	if ((v = g_mime_object_get_header(obj, "Return-Path")) != NULL) {
		out->has_return_path = true;
		id_copy(out->return_path, sizeof(out->return_path), v);
		utf8_scrub(out->return_path);
	}
	word_copy(out->auto_submitted, sizeof(out->auto_submitted),
		  g_mime_object_get_header(obj, "Auto-Submitted"));
	word_copy(out->precedence, sizeof(out->precedence),
		  g_mime_object_get_header(obj, "Precedence"));
	out->list = g_mime_object_get_header(obj, "List-Id") != NULL ||
		    g_mime_object_get_header(obj, "List-Unsubscribe") != NULL;
	refs_add(out, g_mime_object_get_header(obj, "In-Reply-To"), false);
	refs_add(out, g_mime_object_get_header(obj, "References"), true);
}

/* Message-ID, else a hash of raw; the hash of the body. */
static void ids_set(const void *raw, size_t len, size_t body, struct inbound *out)
{
	unsigned char h[16];

	utf8_scrub(out->message_id);
	if (out->message_id[0] == '\0') { /* none, or nothing but <> */
		char hex[33];

		crypto_generichash(h, sizeof(h), raw, len, NULL, 0);
		sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
		snprintf(out->message_id, sizeof(out->message_id), "%s@mailgate.invalid", hex);
	}
	crypto_generichash(h, sizeof(h), (const unsigned char *)raw + body, len - body, NULL,
			   0);
	sodium_bin2hex(out->body_hash, sizeof(out->body_hash), h, sizeof(h));
}

/* The text of the parts walked, cut and made UTF-8. */
static void text_finish(struct inbound *out, struct walk *w)
{
	if (out->text == NULL) {
		out->text = w->html != NULL ? w->html : xstrdup("");
		w->html = NULL;
	}
	/* Bytes in no charset the part declares are not passed on as text. */
	out->text_cut = strlen(out->text) > INBOUND_TEXT_MAX;
	utf8_cut(out->text, INBOUND_TEXT_MAX);
	utf8_scrub(out->text);
	for (size_t i = 0; i < out->n_parts; i++) {
		utf8_scrub(out->parts[i].content_type);
		utf8_scrub(out->parts[i].filename);
	}
}

int inbound_parse(const void *raw, size_t len, const struct mimescan_limits *lim,
		  struct inbound *out, struct sk_error *err)
{
	static const struct mimescan_limits defaults = {
	    MIMESCAN_PARTS_DEFAULT, MIMESCAN_DEPTH_DEFAULT, MIMESCAN_HEADERS_DEFAULT,
	    MIMESCAN_HEADER_LENGTH_DEFAULT};
	struct mimescan scan;
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *msg;
	struct walk w = {out, NULL};
	bool whole;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (len > INBOUND_MAX)
		return sk_error_set(err, SK_ETOOBIG, "the message is larger than %d bytes",
				    INBOUND_MAX);
	if (len == 0)
		return sk_error_set(err, SK_EINVAL, "not a mail: the message is empty");
	pthread_once(&gmime_once, gmime_start);
	mimescan_run(raw, len, lim != NULL ? lim : &defaults, &scan);
	whole = scan.over[0] == '\0';
	snprintf(out->not_parsed, sizeof(out->not_parsed), "%s", scan.over);
	/* Over the limits, GMime reads the header fields within them only. */
	stream = g_mime_stream_mem_new_with_buffer(raw, whole ? len : scan.header_ok);
	parser = g_mime_parser_new_with_stream(stream);
	msg = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	g_object_unref(stream);
	if (msg == NULL && whole)
		return sk_error_set(err, SK_EINVAL, "not a mail: no RFC 5322 header found");
	if (msg != NULL)
		header_read(msg, out);
	else
		out->subject = xstrdup("");
	if (out->from[0] == '\0' && whole) {
		rc = sk_error_set(err, SK_EINVAL, "not a mail: it has no From address");
		goto done;
	}
	ids_set(raw, len, scan.body, out);
	if (whole) {
		GMimeObject *top = g_mime_message_get_mime_part(msg);

		if (top != NULL)
			walk(top, false, false, &w);
	} else if (msg != NULL) {
		GMimeContentType *ct = g_mime_object_get_content_type(GMIME_OBJECT(msg));

		out->encrypted = ct != NULL &&
				 (g_mime_content_type_is_type(ct, "multipart", "encrypted") ||
				  g_mime_content_type_is_type(ct, "application", "pkcs7-mime"));
	}
	text_finish(out, &w);
done:
	free(w.html);
	if (msg != NULL)
		g_object_unref(msg);
	return rc;
}

int inbound_part_content(const void *raw, size_t len, const struct mimescan_limits *lim,
			 size_t n, struct buf *out, struct sk_error *err)
{
	struct mimescan scan;
	struct walk w = {.want = n};
	GMimeStream *stream, *mem;
	GMimeParser *parser;
	GMimeMessage *msg;
	GMimeDataWrapper *content;
	GByteArray *bytes;
	int rc;

	if (len > INBOUND_MAX)
		return sk_error_set(err, SK_ETOOBIG, "the message is larger than %d bytes",
				    INBOUND_MAX);
	pthread_once(&gmime_once, gmime_start);
	mimescan_run(raw, len, lim, &scan);
	if (scan.over[0] != '\0')
		return sk_error_set(err, SK_EINVAL, "the mail was not parsed: %s", scan.over);
	stream = g_mime_stream_mem_new_with_buffer(raw, len);
	parser = g_mime_parser_new_with_stream(stream);
	msg = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	g_object_unref(stream);
	if (msg == NULL)
		return sk_error_set(err, SK_EINVAL, "not a mail: no RFC 5322 header found");
	if (n > 0 && g_mime_message_get_mime_part(msg) != NULL)
		walk(g_mime_message_get_mime_part(msg), false, false, &w);
	if (w.found == NULL) {
		rc = sk_error_set(err, SK_ENOTFOUND, "the mail has %zu parts, no part %zu",
				  w.seen, n);
		goto out;
	}
	content = g_mime_part_get_content(GMIME_PART(w.found));
	mem = g_mime_stream_mem_new();
	if (content != NULL)
		g_mime_data_wrapper_write_to_stream(content, mem);
	bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	rc = buf_append(out, bytes->data, bytes->len);
	if (rc != 0)
		sk_error_set(err, rc, "part %zu is larger than %zu bytes", n, out->max);
	g_object_unref(mem);
out:
	g_object_unref(msg);
	return rc;
}

void inbound_clear(struct inbound *m)
{
	free(m->subject);
	free(m->text);
	for (size_t i = 0; i < m->n_refs; i++)
		free(m->refs[i]);
	memset(m, 0, sizeof(*m));
}
