/* mail/smtp.h: handing messages to the SMTP relay (libcurl), with
 * timeouts, and telling a relay that cannot take mail now from a
 * message it refuses for a while or for good. */
#ifndef SK_MAIL_SMTP_H
#define SK_MAIL_SMTP_H

#include <stddef.h>

struct sk_error;

#define SMTP_RELAY_MAX 512 /* bytes of a relay URL */

enum smtp_tls {
	SMTP_TLS_TRY,	 /* smtp://: STARTTLS when the relay offers it */
	SMTP_TLS_REQUIRE /* smtp://: STARTTLS or nothing is sent */
};

struct smtp_config {
	const char *relay; /* smtp://host[:port][/ehlo-name] or smtps://...; borrowed */
	enum smtp_tls tls;
	long connect_timeout; /* seconds */
	long timeout;	      /* seconds for one whole message */
};

enum smtp_result {
	SMTP_SENT,	 /* the relay took the message */
	SMTP_RELAY_DOWN, /* the relay cannot take mail now (unreachable, TLS,
			  * authentication, 421, a refused sender): not the
			  * message's fault */
	SMTP_DEFER,	 /* a 4xx reply to this message: try it again later */
	SMTP_REJECT	 /* a 5xx reply to this message: it will never go */
};

/* Check a relay URL: smtp:// or smtps://, a host, no query. */
int smtp_relay_check(const char *relay, struct sk_error *err);

/* The relay URL without a password, for messages and logs. */
void smtp_relay_display(const char *relay, char *out, size_t size);

/* Send msg (len bytes, CRLF lines) from sender ("" is the null sender)
 * to rcpt[0..n_rcpt), all borrowed. A recipient the relay refuses fails
 * the whole message. On anything but SMTP_SENT err says what happened,
 * with the relay's reply when there was one. Thread-safe. */
enum smtp_result smtp_send(const struct smtp_config *cfg, const char *sender,
			   const char *const *rcpt, size_t n_rcpt, const char *msg, size_t len,
			   struct sk_error *err);

/* A connection to the relay kept open from one message to the next
 * (it opens with the first message and again after any failure), for
 * one thread at a time. cfg is borrowed and must outlive it. */
struct smtp_session;
struct smtp_session *smtp_session_new(const struct smtp_config *cfg);
/* As smtp_send(), on s's connection. */
enum smtp_result smtp_session_send(struct smtp_session *s, const char *sender,
				   const char *const *rcpt, size_t n_rcpt, const char *msg,
				   size_t len, struct sk_error *err);
/* Say QUIT and close; NULL is fine. */
void smtp_session_free(struct smtp_session *s);

/* Connect to the relay and say EHLO (STARTTLS and AUTH as smtp_send
 * would), then hang up without sending anything: 0 when the relay would
 * take mail, else SK_ETEMP with what went wrong. */
int smtp_probe(const struct smtp_config *cfg, struct sk_error *err);

#endif
