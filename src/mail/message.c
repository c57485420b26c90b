/* mail/message.c: composing outbound mail as 7-bit MIME (RFC 5322, 2045,
 * 2047, 2231): header fields folded at 78 columns, non-ASCII words as
 * encoded-words, the body as 7bit text or quoted-printable, attachments
 * in base64, lines of at most 78 characters everywhere.
 * SECURITY: every header value comes from callers that may pass on
 * outside input; a CR or LF in any of them is refused, never passed on,
 * so no caller can add header fields or end the header early. At most
 * MAIL_MESSAGE_MAX bytes in all. */
#include "mail/message.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "net/domain.h"

#define LINE_SOFT 78 /* header lines are folded to this width */
#define QP_LINE	  76 /* quoted-printable line width */
#define B64_LINE  76 /* base64 line width (57 bytes a line) */
/* An encoded-word is at most 75 characters: "=?UTF-8?B?" + 60 + "?=". */
#define EW_BYTES	   45
#define FILENAME_MAX_BYTES 255
#define CONTENT_TYPE_MAX   200
#define HEADER_NAME_MAX	   76

static const char hexd[] = "0123456789ABCDEF";

/* ---- characters ---- */

/* The length of the UTF-8 character at s (1..4), or 0 if it is not
 * well-formed (overlong, surrogate, past U+10FFFF, cut short). */
static size_t utf8_char(const unsigned char *s)
{
	unsigned cp;
	size_t n;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* Check header text (a subject, a display name, a file name): UTF-8,
 * no line break, no other control character but tab. what names it. */
static int header_text_check(const char *what, const char *s, size_t max, struct sk_error *err)
{
	size_t n = strlen(s);

	if (strpbrk(s, "\r\n") != NULL)
		return sk_error_set(err, SK_EINVAL,
				    "%s: a line break is not allowed in a header field", what);
	if (n > max)
		return sk_error_set(err, SK_EINVAL, "%s is longer than %zu bytes", what, max);
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t k = utf8_char(p);

		if (k == 0)
			return sk_error_set(err, SK_EINVAL, "%s is not valid UTF-8", what);
		if (k == 1 && ((*p < 0x20 && *p != '\t') || *p == 0x7f))
			return sk_error_set(err, SK_EINVAL,
					    "%s holds a control character (0x%02x)", what, *p);
		p += k;
	}
	return 0;
}

static bool is_ascii_printable(const char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			return false;
	return true;
}

/* RFC 5322 atext. */
static bool is_atext(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* RFC 2045 token character. */
static bool is_token(char c)
{
	return c > 0x20 && c < 0x7f && strchr("()<>@,;:\\\"/[]?=", c) == NULL;
}

/* ---- addresses ---- */

int mail_addr_check(const char *addr, char out[MAIL_ADDR_MAX + 1], struct sk_error *err)
{
	char domain[DOMAIN_TEXT_MAX], dom_in[DOMAIN_TEXT_MAX + 1];
	struct sk_error derr = {0};
	const char *at;
	size_t local;
	int n;

	if (addr == NULL || *addr == '\0')
		return sk_error_set(err, SK_EINVAL, "the address is empty");
	if (strpbrk(addr, "\r\n") != NULL)
		return sk_error_set(err, SK_EINVAL,
				    "a line break is not allowed in an address");
	if (strlen(addr) > MAIL_ADDR_MAX)
		return sk_error_set(err, SK_EINVAL, "the address is longer than %d bytes",
				    MAIL_ADDR_MAX);
	at = strrchr(addr, '@');
	if (at == NULL)
		return sk_error_set(err, SK_EINVAL, "'%s' is not an address: no @", addr);
	local = (size_t)(at - addr);
	if (local == 0 || local > 64)
		return sk_error_set(err, SK_EINVAL,
				    "'%s': the part before @ must be 1 to 64 characters", addr);
	for (size_t i = 0; i < local; i++) {
		char c = addr[i];

		if (c == '.' ? (i == 0 || i + 1 == local || addr[i + 1] == '.') : !is_atext(c))
			return sk_error_set(err, SK_EINVAL,
					    "'%s': the part before @ may hold letters, digits, "
					    "single dots inside and !#$%%&'*+-/=?^_`{|}~",
					    addr);
	}
	if (strlen(at + 1) >= sizeof(dom_in))
		return sk_error_set(err, SK_EINVAL, "'%s': the domain is too long", addr);
	snprintf(dom_in, sizeof(dom_in), "%s", at + 1);
	if (domain_normalize(dom_in, false, domain, &derr) != 0)
		return sk_error_set(err, SK_EINVAL, "'%s': %s", addr, derr.msg);
	n = snprintf(out, MAIL_ADDR_MAX + 1, "%.*s@%s", (int)local, addr, domain);
	if (n < 0 || n > MAIL_ADDR_MAX)
		return sk_error_set(err, SK_EINVAL, "the address is longer than %d bytes",
				    MAIL_ADDR_MAX);
	return 0;
}

/* ---- header fields ---- */

/* A header field being written: words are appended with a space, or on
 * a continuation line when the line would pass LINE_SOFT. The first
 * error sticks in rc. */
struct hdr {
	struct buf *b;
	size_t col; /* characters on the current line */
	bool first; /* no word yet after "Name:" */
	int rc;
};

static void hdr_put(struct hdr *h, const char *s, size_t n)
{
	if (h->rc == 0)
		h->rc = buf_append(h->b, s, n);
}

static void hdr_start(struct hdr *h, struct buf *b, const char *name)
{
	h->b = b;
	h->rc = 0;
	h->first = true;
	h->col = strlen(name) + 1;
	hdr_put(h, name, strlen(name));
	hdr_put(h, ":", 1);
}

/* Append a word of n characters (no spaces in it). */
static void hdr_word(struct hdr *h, const char *w, size_t n)
{
	if (!h->first && h->col + 1 + n > LINE_SOFT) {
		hdr_put(h, "\r\n ", 3);
		h->col = 1;
	} else {
		hdr_put(h, " ", 1);
		h->col++;
	}
	h->first = false;
	hdr_put(h, w, n);
	h->col += n;
}

static void hdr_end(struct hdr *h)
{
	hdr_put(h, "\r\n", 2);
}

/* Append text as RFC 2047 encoded-words (B encoding), each taking whole
 * UTF-8 characters and fitting one line: the first on the rest of the
 * current line, the others on lines of their own. */
static void hdr_encoded(struct hdr *h, const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	char word[80];

	while (*p) {
		size_t take = 0, k, pos, max = EW_BYTES;
		char b64[64];

		if (h->first) {
			/* "=?UTF-8?B?" and "?=" take 12, each 3 bytes 4 more. */
			size_t room =
			    LINE_SOFT - 1 - (h->col < LINE_SOFT - 20 ? h->col : LINE_SOFT - 20);

			max = (room > 75 ? 75 - 12 : room - 12) / 4 * 3;
		}
		while (p[take] && (k = utf8_char(p + take)) > 0 && take + k <= max)
			take += k;
		if (take == 0) /* checked before: cannot happen */
			take = 1;
		sodium_bin2base64(b64, sizeof(b64), p, take, sodium_base64_VARIANT_ORIGINAL);
		pos = (size_t)snprintf(word, sizeof(word), "=?UTF-8?B?%s?=", b64);
		hdr_word(h, word, pos);
		p += take;
	}
}

/* Append text (checked: UTF-8 without line breaks) as words: plain when
 * it is ASCII that reads back the same, else as encoded-words. */
static void hdr_text(struct hdr *h, const char *text)
{
	bool plain = is_ascii_printable(text) && strstr(text, "=?") == NULL && text[0] != ' ' &&
		     strstr(text, "  ") == NULL &&
		     (text[0] == '\0' || text[strlen(text) - 1] != ' ');

	if (plain)
		for (const char *p = text; *p;) {
			size_t n = strcspn(p, " ");

			if (n > LINE_SOFT - 8) {
				plain = false;
				break;
			}
			p += n;
			p += *p == ' ';
		}
	if (!plain) {
		hdr_encoded(h, text);
		return;
	}
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, " ");

		hdr_word(h, p, n);
		p += n;
		p += *p == ' ';
	}
}

/* Append a display name as a phrase: atoms, a quoted string or
 * encoded-words. */
static void hdr_phrase(struct hdr *h, const char *name)
{
	bool atoms = *name != '\0' && name[0] != ' ' && name[strlen(name) - 1] != ' ' &&
		     strstr(name, "  ") == NULL;
	char q[2 * MAIL_NAME_MAX + 3];
	size_t n = 0;

	for (const char *p = name; *p && atoms; p++)
		atoms = *p == ' ' || is_atext(*p);
	if (atoms && strstr(name, "=?") == NULL) {
		hdr_text(h, name);
		return;
	}
	if (!is_ascii_printable(name) || strlen(name) > LINE_SOFT - 10) {
		hdr_encoded(h, name);
		return;
	}
	q[n++] = '"';
	for (const char *p = name; *p; p++) {
		if (*p == '"' || *p == '\\')
			q[n++] = '\\';
		q[n++] = *p;
	}
	q[n++] = '"';
	hdr_word(h, q, n);
}

/* Append "name <addr>" or "addr" (both checked), then "," if comma. */
static void hdr_mailbox(struct hdr *h, const char *name, const char *addr, bool comma)
{
	char w[MAIL_ADDR_MAX + 4];
	int n;

	if (name != NULL && *name != '\0') {
		hdr_phrase(h, name);
		n = snprintf(w, sizeof(w), "<%s>%s", addr, comma ? "," : "");
	} else {
		n = snprintf(w, sizeof(w), "%s%s", addr, comma ? "," : "");
	}
	hdr_word(h, w, (size_t)n);
}

/* ---- bodies ---- */

/* Quoted-printable (RFC 2045 6.7) of text, whose line breaks (LF or
 * CRLF) become CRLF. */
static int qp_encode(struct buf *b, const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t col = 0;
	int rc = 0;

	while (*p && rc == 0) {
		char enc[4];
		size_t n;
		bool eol;

		if (p[0] == '\n' || (p[0] == '\r' && p[1] == '\n')) {
			rc = buf_append(b, "\r\n", 2);
			p += p[0] == '\r' ? 2 : 1;
			col = 0;
			continue;
		}
		eol = p[1] == '\0' || p[1] == '\n' || (p[1] == '\r' && p[2] == '\n');
		if ((p[0] >= 33 && p[0] <= 126 && p[0] != '=') ||
		    ((p[0] == ' ' || p[0] == '\t') && !eol)) {
			enc[0] = (char)p[0];
			n = 1;
		} else {
			enc[0] = '=';
			enc[1] = hexd[p[0] >> 4];
			enc[2] = hexd[p[0] & 15];
			n = 3;
		}
		/* Keep room for a soft break "=" unless this ends the line. */
		if (col + n > (eol ? QP_LINE : QP_LINE - 1)) {
			rc = buf_append(b, "=\r\n", 3);
			col = 0;
		}
		if (rc == 0)
			rc = buf_append(b, enc, n);
		col += n;
		p++;
	}
	if (rc == 0 && col > 0)
		rc = buf_append(b, "\r\n", 2);
	return rc;
}

/* True if text can go as it is: printable ASCII and tabs in lines of at
 * most LINE_SOFT characters, no stray CR, and no "=_" (the start of
 * every boundary). */
static bool body_is_7bit(const char *text)
{
	size_t col = 0;

	if (strstr(text, "=_") != NULL)
		return false;
	for (const char *p = text; *p; p++) {
		if (*p == '\r' && p[1] == '\n')
			continue;
		if (*p == '\n') {
			col = 0;
			continue;
		}
		if ((*p < 0x20 && *p != '\t') || *p > 0x7e || ++col > LINE_SOFT)
			return false;
	}
	return true;
}

/* Text with its line breaks made CRLF, ending in CRLF. */
static int crlf_copy(struct buf *b, const char *text)
{
	int rc = 0;

	for (const char *p = text; *p && rc == 0;) {
		size_t n = strcspn(p, "\r\n");

		rc = buf_append(b, p, n);
		p += n;
		if (*p == '\r')
			p++;
		if (*p == '\n')
			p++;
		if (rc == 0)
			rc = buf_append(b, "\r\n", 2);
	}
	return rc;
}

static int b64_encode(struct buf *b, const unsigned char *data, size_t len)
{
	char line[B64_LINE + 4];
	int rc = 0;

	for (size_t at = 0; at < len && rc == 0; at += 57) {
		size_t n = len - at < 57 ? len - at : 57;

		sodium_bin2base64(line, sizeof(line), data + at, n,
				  sodium_base64_VARIANT_ORIGINAL);
		rc = buf_append_str(b, line);
		if (rc == 0)
			rc = buf_append(b, "\r\n", 2);
	}
	return rc;
}

/* ---- attachments ---- */

/* "type/subtype" with optional "; attribute=value" parameters of
 * tokens. */
static bool content_type_ok(const char *ct)
{
	const char *p = ct;
	size_t n;

	if (strlen(ct) > CONTENT_TYPE_MAX)
		return false;
	for (n = 0; is_token(p[n]); n++)
		;
	if (n == 0 || p[n] != '/')
		return false;
	p += n + 1;
	for (n = 0; is_token(p[n]); n++)
		;
	if (n == 0)
		return false;
	p += n;
	while (*p) {
		if (*p++ != ';')
			return false;
		while (*p == ' ')
			p++;
		for (n = 0; is_token(p[n]); n++)
			;
		if (n == 0 || p[n] != '=')
			return false;
		p += n + 1;
		for (n = 0; is_token(p[n]); n++)
			;
		if (n == 0)
			return false;
		p += n;
	}
	return true;
}

/* The filename parameter: quoted when it is short plain ASCII, else
 * RFC 2231 percent-encoded UTF-8 in continuations. */
static int filename_param(struct buf *b, const char *name)
{
	bool plain =
	    is_ascii_printable(name) && strlen(name) <= 60 && strpbrk(name, "\"\\%") == NULL;
	const unsigned char *p = (const unsigned char *)name;
	int rc, part = 0;

	if (plain)
		return buf_printf(b, ";\r\n filename=\"%s\"", name);
	rc = 0;
	while (*p && rc == 0) {
		size_t col = 0;

		rc = buf_printf(b, ";\r\n filename*%d*=%s", part, part == 0 ? "UTF-8''" : "");
		while (*p && col < 60 && rc == 0) {
			if (is_token(*p) && *p != '*' && *p != '\'' && *p != '%') {
				rc = buf_append_char(b, (char)*p);
				col++;
			} else {
				rc = buf_printf(b, "%%%c%c", hexd[*p >> 4], hexd[*p & 15]);
				col += 3;
			}
			p++;
		}
		part++;
	}
	return rc;
}

static int attachment_check(size_t i, const struct mail_attachment *a, struct sk_error *err)
{
	char what[48];
	int rc;

	snprintf(what, sizeof(what), "attachment %zu: the file name", i + 1);
	if (a->filename == NULL || *a->filename == '\0')
		return sk_error_set(err, SK_EINVAL, "%s is empty", what);
	if ((rc = header_text_check(what, a->filename, FILENAME_MAX_BYTES, err)) != 0)
		return rc;
	if (strpbrk(a->filename, "/\\") != NULL)
		return sk_error_set(err, SK_EINVAL, "%s '%s' holds a path separator", what,
				    a->filename);
	if (a->content_type != NULL && !content_type_ok(a->content_type))
		return sk_error_set(
		    err, SK_EINVAL,
		    "attachment %zu: content type '%.80s' is not type/subtype "
		    "with optional ; name=value parameters",
		    i + 1, is_ascii_printable(a->content_type) ? a->content_type : "?");
	if (a->len > 0 && a->data == NULL)
		return sk_error_set(err, SK_EINVAL, "attachment %zu has no data", i + 1);
	return 0;
}

/* ---- the message ---- */

static int extra_header_check(const struct mail_header *h, struct sk_error *err)
{
	static const char *const own[] = {"from",
					  "to",
					  "cc",
					  "bcc",
					  "subject",
					  "date",
					  "message-id",
					  "mime-version",
					  "content-type",
					  "content-transfer-encoding",
					  "content-disposition",
					  NULL};
	size_t n = h->name ? strlen(h->name) : 0;

	if (n == 0 || n > HEADER_NAME_MAX)
		return sk_error_set(err, SK_EINVAL,
				    "a header field name must be 1 to %d "
				    "characters",
				    HEADER_NAME_MAX);
	for (size_t i = 0; i < n; i++)
		if (h->name[i] <= ' ' || h->name[i] >= 0x7f || h->name[i] == ':')
			return sk_error_set(err, SK_EINVAL,
					    "header field name '%.80s' may hold only printable "
					    "ASCII without spaces or ':'",
					    is_ascii_printable(h->name) ? h->name : "?");
	for (size_t i = 0; own[i] != NULL; i++)
		if (str_eq_nocase(h->name, own[i]))
			return sk_error_set(err, SK_EINVAL,
					    "header field %s is written by the composer, not "
					    "given as an extra",
					    h->name);
	if (h->value == NULL)
		return sk_error_set(err, SK_EINVAL, "header field %s has no value", h->name);
	if (strpbrk(h->value, "\r\n") != NULL)
		return sk_error_set(err, SK_EINVAL,
				    "header field %s: a line break is not allowed in a header "
				    "field",
				    h->name);
	if (strlen(h->value) > MAIL_HEADER_MAX)
		return sk_error_set(err, SK_EINVAL, "header field %s is longer than %d bytes",
				    h->name, MAIL_HEADER_MAX);
	for (const char *p = h->value; *p; p++)
		if ((*p < 0x20 && *p != '\t') || *p > 0x7e)
			return sk_error_set(err, SK_EINVAL,
					    "header field %s: only printable ASCII is allowed",
					    h->name);
	for (const char *p = h->value; *p;) {
		size_t w = strcspn(p, " \t");

		if (n + 2 + w > MAIL_HEADER_MAX)
			return sk_error_set(err, SK_EINVAL,
					    "header field %s has a word too long for one line",
					    h->name);
		p += w;
		p += strspn(p, " \t");
	}
	return 0;
}

static int msgid_check(const char *id, struct sk_error *err)
{
	size_t n = strlen(id);
	const char *at = strchr(id, '@');

	if (strpbrk(id, "\r\n") != NULL)
		return sk_error_set(
		    err, SK_EINVAL,
		    "Message-ID: a line break is not allowed in a header field");
	if (n < 5 || n > MAIL_MSGID_MAX || id[0] != '<' || id[n - 1] != '>' || at == NULL ||
	    at == id + 1 || at == id + n - 2 || strchr(at + 1, '@') != NULL)
		return sk_error_set(err, SK_EINVAL,
				    "Message-ID '%.80s' is not <left@right> of at most %d "
				    "characters",
				    is_ascii_printable(id) ? id : "?", MAIL_MSGID_MAX);
	for (size_t i = 1; i + 1 < n; i++)
		if (id[i] != '@' && id[i] != '.' && !is_atext(id[i]))
			return sk_error_set(err, SK_EINVAL,
					    "Message-ID '%.80s' holds a character not allowed "
					    "there",
					    is_ascii_printable(id) ? id : "?");
	return 0;
}

/* "Tue, 14 Nov 2023 22:13:20 +0000", in English whatever the locale. */
static void date_format(time_t t, char out[40])
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(out, 40, "%s, %d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday % 7],
		 tm.tm_mday, months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
		 tm.tm_sec);
}

static void random_hex(char *out, size_t bytes)
{
	unsigned char r[32];

	if (bytes > sizeof(r))
		bytes = sizeof(r);
	randombytes_buf(r, bytes);
	for (size_t i = 0; i < bytes; i++) {
		out[2 * i] = "0123456789abcdef"[r[i] >> 4];
		out[2 * i + 1] = "0123456789abcdef"[r[i] & 15];
	}
	out[2 * bytes] = '\0';
}

/* Check everything about m before writing a byte: the canonical
 * addresses go into from and to. */
static int message_check(const struct mail_message *m, char from[MAIL_ADDR_MAX + 1],
			 char (*to)[MAIL_ADDR_MAX + 1], struct sk_error *err)
{
	size_t total = 0;
	char what[48];
	int rc;

	if (m->from.name != NULL &&
	    (rc = header_text_check("From: the name", m->from.name, MAIL_NAME_MAX, err)) != 0)
		return rc;
	if ((rc = mail_addr_check(m->from.addr, from, err)) != 0) {
		sk_error_prefix(err, "From");
		return rc;
	}
	if (m->n_to == 0 || m->to == NULL)
		return sk_error_set(err, SK_EINVAL, "a message needs at least one recipient");
	if (m->n_to > MAIL_TO_MAX)
		return sk_error_set(err, SK_EINVAL,
				    "a message has at most %d recipients, not %zu", MAIL_TO_MAX,
				    m->n_to);
	for (size_t i = 0; i < m->n_to; i++) {
		snprintf(what, sizeof(what), "To: recipient %zu", i + 1);
		if (m->to[i].name != NULL &&
		    (rc = header_text_check(what, m->to[i].name, MAIL_NAME_MAX, err)) != 0)
			return rc;
		if ((rc = mail_addr_check(m->to[i].addr, to[i], err)) != 0) {
			sk_error_prefix(err, "%s", what);
			return rc;
		}
	}
	if (m->subject != NULL &&
	    (rc = header_text_check("Subject", m->subject, MAIL_SUBJECT_MAX, err)) != 0)
		return rc;
	if (m->message_id != NULL && (rc = msgid_check(m->message_id, err)) != 0)
		return rc;
	if (m->n_headers > MAIL_HEADERS_MAX)
		return sk_error_set(err, SK_EINVAL, "at most %d extra header fields, not %zu",
				    MAIL_HEADERS_MAX, m->n_headers);
	for (size_t i = 0; i < m->n_headers; i++)
		if ((rc = extra_header_check(&m->headers[i], err)) != 0)
			return rc;
	if (m->body != NULL) {
		for (const unsigned char *p = (const unsigned char *)m->body; *p;) {
			size_t k = utf8_char(p);

			if (k == 0)
				return sk_error_set(
				    err, SK_EINVAL, "the body is not valid UTF-8 (at byte %zu)",
				    (size_t)(p - (const unsigned char *)m->body));
			p += k;
		}
		total = strlen(m->body);
	}
	if (m->n_attachments > MAIL_ATTACH_MAX)
		return sk_error_set(err, SK_EINVAL, "at most %d attachments, not %zu",
				    MAIL_ATTACH_MAX, m->n_attachments);
	for (size_t i = 0; i < m->n_attachments; i++) {
		if ((rc = attachment_check(i, &m->attachments[i], err)) != 0)
			return rc;
		if (__builtin_add_overflow(total, m->attachments[i].len, &total))
			total = SIZE_MAX;
	}
	/* base64 makes 78 characters a line of 57 bytes: no need to encode
	 * what cannot fit. */
	if (total > MAIL_MESSAGE_MAX / 78 * 57)
		return sk_error_set(err, SK_ETOOBIG,
				    "the message would be larger than %d MiB: its body and "
				    "attachments hold %zu bytes",
				    MAIL_MESSAGE_MAX / (1024 * 1024), total);
	return 0;
}

/* The text part's header fields and content. */
static int text_part(struct buf *b, const char *body)
{
	bool plain = body_is_7bit(body);
	int rc;

	rc = buf_printf(b,
			"Content-Type: text/plain; charset=utf-8\r\n"
			"Content-Transfer-Encoding: %s\r\n\r\n",
			plain ? "7bit" : "quoted-printable");
	if (rc == 0)
		rc = plain ? crlf_copy(b, body) : qp_encode(b, body);
	return rc;
}

int mail_compose(const struct mail_message *m, char **out, size_t *len_out,
		 char msgid_out[MAIL_MSGID_MAX + 1], struct sk_error *err)
{
	char from[MAIL_ADDR_MAX + 1], (*to)[MAIL_ADDR_MAX + 1] = NULL;
	char msgid[MAIL_MSGID_MAX + 1], date[40], boundary[80], hex[65];
	const char *body = m->body ? m->body : "";
	struct buf b;
	struct hdr h;
	int rc;

	buf_init(&b, MAIL_MESSAGE_MAX);
	if (sodium_init() < 0) {
		rc = sk_error_set(err, SK_EIO, "cannot initialise libsodium");
		goto out;
	}
	to = xcalloc(MAIL_TO_MAX, sizeof(*to));
	if ((rc = message_check(m, from, to, err)) != 0)
		goto out;
	if (m->message_id != NULL) {
		snprintf(msgid, sizeof(msgid), "%s", m->message_id);
	} else {
		random_hex(hex, 16);
		snprintf(msgid, sizeof(msgid), "<%s@%s>", hex, strchr(from, '@') + 1);
	}
	date_format(m->date ? m->date : str_time_now(), date);

	hdr_start(&h, &b, "From");
	hdr_mailbox(&h, m->from.name, from, false);
	hdr_end(&h);
	rc = h.rc;
	hdr_start(&h, &b, "To");
	for (size_t i = 0; i < m->n_to; i++)
		hdr_mailbox(&h, m->to[i].name, to[i], i + 1 < m->n_to);
	hdr_end(&h);
	rc = rc ? rc : h.rc;
	hdr_start(&h, &b, "Subject");
	hdr_text(&h, m->subject ? m->subject : "");
	hdr_end(&h);
	rc = rc ? rc : h.rc;
	if (rc == 0)
		rc = buf_printf(&b, "Date: %s\r\nMessage-ID: %s\r\n", date, msgid);
	for (size_t i = 0; i < m->n_headers && rc == 0; i++) {
		const char *p = m->headers[i].value;

		hdr_start(&h, &b, m->headers[i].name);
		while (*p) {
			size_t w = strcspn(p, " \t");

			if (w > 0)
				hdr_word(&h, p, w);
			p += w;
			p += strspn(p, " \t");
		}
		hdr_end(&h);
		rc = h.rc;
	}
	if (rc == 0)
		rc = buf_append_str(&b, "MIME-Version: 1.0\r\n");
	if (rc == 0 && m->n_attachments == 0) {
		rc = text_part(&b, body);
	} else if (rc == 0) {
		random_hex(hex, 12);
		snprintf(boundary, sizeof(boundary), "=_sk_%s", hex);
		rc = buf_printf(&b,
				"Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n"
				"This is a message in MIME format.\r\n\r\n--%s\r\n",
				boundary, boundary);
		if (rc == 0)
			rc = text_part(&b, body);
		for (size_t i = 0; i < m->n_attachments && rc == 0; i++) {
			const struct mail_attachment *a = &m->attachments[i];

			rc = buf_printf(&b,
					"\r\n--%s\r\nContent-Type: %s\r\n"
					"Content-Transfer-Encoding: base64\r\n"
					"Content-Disposition: attachment",
					boundary,
					a->content_type ? a->content_type
							: "application/octet-stream");
			if (rc == 0)
				rc = filename_param(&b, a->filename);
			if (rc == 0)
				rc = buf_append_str(&b, "\r\n\r\n");
			if (rc == 0)
				rc = b64_encode(&b, a->data, a->len);
		}
		if (rc == 0)
			rc = buf_printf(&b, "\r\n--%s--\r\n", boundary);
	}
	if (rc == SK_ETOOBIG)
		sk_error_set(err, rc, "the message would be larger than %d MiB",
			     MAIL_MESSAGE_MAX / (1024 * 1024));
	else if (rc != 0)
		sk_error_set(err, rc, "composing the message failed");
out:
	free(to);
	if (rc == 0) {
		if (len_out != NULL)
			*len_out = b.len;
		if (msgid_out != NULL)
			snprintf(msgid_out, MAIL_MSGID_MAX + 1, "%s", msgid);
		*out = buf_take(&b);
	}
	buf_free(&b);
	return rc;
}
