/* mail/message.h: composing outbound mail: an RFC 5322 message with a
 * UTF-8 text body and attachments, as 7-bit MIME text with CRLF line
 * ends, ready for the queue (store_mail_enqueue) and SMTP. */
#ifndef SK_MAIL_MESSAGE_H
#define SK_MAIL_MESSAGE_H

#include <stddef.h>
#include <time.h>

struct sk_error;

#define MAIL_MESSAGE_MAX (10 * 1024 * 1024) /* bytes of a composed message */
#define MAIL_ADDR_MAX	 254		    /* bytes of an address */
#define MAIL_NAME_MAX	 200		    /* bytes of a display name */
#define MAIL_SUBJECT_MAX 900		    /* bytes of a subject (UTF-8) */
#define MAIL_TO_MAX	 100		    /* recipients of a message */
#define MAIL_HEADERS_MAX 20		    /* extra header fields */
#define MAIL_HEADER_MAX	 998		    /* bytes of an extra header's value */
#define MAIL_ATTACH_MAX	 20		    /* attachments */
#define MAIL_MSGID_MAX	 300		    /* bytes of a Message-ID, <> included */

/* An address with an optional display name. */
struct mail_addr {
	const char *name; /* UTF-8 display name, or NULL */
	const char *addr; /* local@domain */
};

/* A header field added as given: Auto-Submitted, In-Reply-To,
 * References, Reply-To, ... Values are ASCII. */
struct mail_header {
	const char *name;
	const char *value;
};

struct mail_attachment {
	const char *filename;	  /* UTF-8, without a path */
	const char *content_type; /* "text/csv", "application/json"; NULL: octet-stream */
	const void *data;
	size_t len;
};

/* What to compose; everything borrowed. */
struct mail_message {
	struct mail_addr from;
	const struct mail_addr *to; /* n_to of them, 1..MAIL_TO_MAX */
	size_t n_to;
	const char *subject; /* UTF-8 */
	const char *body;    /* UTF-8 text, lines ending in LF or CRLF */
	const struct mail_header *headers;
	size_t n_headers;
	const struct mail_attachment *attachments;
	size_t n_attachments;
	time_t date;		/* 0: now (str_time_now) */
	const char *message_id; /* "<...@...>"; NULL: a new one at from's domain */
	const char *tlp;	/* its TLP label, for the queue's OpenPGP policy; or NULL */
};

/* Check an address (dot-atom local part, a domain name of two or more
 * labels; an internationalized domain becomes its A-labels) and write
 * its canonical form into out. */
int mail_addr_check(const char *addr, char out[MAIL_ADDR_MAX + 1], struct sk_error *err);

/* Compose m. On success *out is the message (NUL-terminated 7-bit text
 * with CRLF line ends; caller frees), *len_out its length (may be NULL)
 * and msgid_out its Message-ID (may be NULL). Bad input, a line break
 * in any header value above all, is SK_EINVAL naming the field; a
 * message larger than MAIL_MESSAGE_MAX is SK_ETOOBIG. */
int mail_compose(const struct mail_message *m, char **out, size_t *len_out,
		 char msgid_out[MAIL_MSGID_MAX + 1], struct sk_error *err);

#endif
