/* mail/lmtp.h: the server side of LMTP (RFC 2033) as a state machine
 * without I/O: bytes from the client go in, replies come out, and a
 * complete message is handed to the caller, whose one answer is given to
 * every recipient. The caller owns the socket, the clock and the store. */
#ifndef SK_MAIL_LMTP_H
#define SK_MAIL_LMTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LMTP_CMD_LINE_MAX  2048	 /* bytes of a command line (RFC 5321: 512) */
#define LMTP_DATA_LINE_MAX 65536 /* bytes of a line of a message (RFC 5321: 1000) */
#define LMTP_RCPT_MAX	   100	 /* recipients of a transaction (RFC 5321: 100) */
#define LMTP_ERRORS_MAX	   10	 /* bad commands before the session ends */

struct lmtp_limits {
	int64_t max_size; /* bytes of a message; more is refused with 552 */
	size_t data_line; /* bytes of a line of a message, CRLF not counted */
	int rcpt;	  /* recipients of one transaction */
	int errors;	  /* bad commands before 421 and the end */
};

enum lmtp_event {
	LMTP_MORE,    /* all input taken: read more */
	LMTP_DELIVER, /* a message is complete: lmtp_envelope(), then lmtp_answer() */
	LMTP_CLOSE,   /* send what is in the output, then close */
};

struct lmtp;

/* A session greeting as host (copied, at most 255 bytes); the greeting
 * is in the output already. Free with lmtp_free(). */
struct lmtp *lmtp_new(const struct lmtp_limits *lim, const char *host);
void lmtp_free(struct lmtp *s);

/* Take bytes from the client: data[0..len). Stops at a complete message
 * (LMTP_DELIVER) or the end of the session (LMTP_CLOSE); *used says how
 * much was taken, the rest is for the next call. Replies are appended to
 * the output. */
enum lmtp_event lmtp_feed(struct lmtp *s, const char *data, size_t len, size_t *used);

/* The message lmtp_feed() announced, borrowed until lmtp_answer():
 * *from is the envelope sender ("" for the null sender, NULL when it is
 * not UTF-8), *raw the message as received with the dots unstuffed. */
void lmtp_envelope(const struct lmtp *s, const char **from, const char **raw, size_t *len,
		   int *nrcpt);

/* The answer to the message: "code enhanced text" once per accepted
 * recipient (RFC 2033 section 4.2), and the next transaction may begin.
 * text is cut at 400 bytes and its line breaks become spaces. */
void lmtp_answer(struct lmtp *s, int code, const char *enhanced, const char *text);

/* No command in time: 421 and the session ends (LMTP_CLOSE). */
enum lmtp_event lmtp_timeout(struct lmtp *s);

/* The daemon is stopping: 421 and the end, unless a message is being
 * received (true: let it finish, and ask again after it). */
bool lmtp_in_data(const struct lmtp *s);
enum lmtp_event lmtp_shutdown(struct lmtp *s);

/* Replies not yet sent, borrowed; lmtp_output_done() after sending n. */
const char *lmtp_output(const struct lmtp *s, size_t *len);
void lmtp_output_done(struct lmtp *s, size_t n);

#endif
