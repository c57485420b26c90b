/* mail/lmtp.c: the LMTP server's state machine (see lmtp.h).
 *
 * SECURITY: everything here is outside input. A command line is at most
 * LMTP_CMD_LINE_MAX bytes, a line of a message lim.data_line, a message
 * lim.max_size (the rest is read and dropped, and the message refused),
 * a transaction lim.rcpt recipients; after lim.errors bad commands the
 * session ends. Nothing is parsed of a message: it is kept as received. */
#include "mail/lmtp.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/buf.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"
#include "mail/message.h"

#define OUTPUT_PAUSE 16384 /* replies held before the caller must send them */
#define ANSWER_MAX   400   /* bytes of the text of an answer */

enum state {
	S_START,   /* greeted; LHLO expected */
	S_READY,   /* MAIL expected */
	S_MAIL,	   /* RCPT expected */
	S_RCPT,	   /* RCPT or DATA */
	S_DATA,	   /* the message's lines, to the dot */
	S_DELIVER, /* the caller is storing it */
	S_CLOSED,
};

struct lmtp {
	struct lmtp_limits lim;
	char host[256];
	enum state state;
	int errors;
	struct buf out;
	struct buf line; /* a line begun in an earlier lmtp_feed() */
	bool overlong;	 /* the line passed its limit: dropped to its end */
	char from[MAIL_ADDR_MAX + 1];
	bool from_utf8;
	int nrcpt;
	struct buf msg;
	bool too_big, long_line;
};

static void reply(struct lmtp *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append one reply line and its CRLF. The output has no cap: it only
 * grows with the commands taken, and lmtp_feed() pauses at OUTPUT_PAUSE. */
static void reply(struct lmtp *s, const char *fmt, ...)
{
	char text[600];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	buf_append_str(&s->out, text);
	buf_append(&s->out, "\r\n", 2);
}

struct lmtp *lmtp_new(const struct lmtp_limits *lim, const char *host)
{
	struct lmtp *s = xcalloc(1, sizeof(*s));

	s->lim = *lim;
	snprintf(s->host, sizeof(s->host), "%s", host);
	buf_init(&s->out, SIZE_MAX / 2);
	buf_init(&s->line,
		 (LMTP_CMD_LINE_MAX > lim->data_line ? LMTP_CMD_LINE_MAX : lim->data_line) + 2);
	buf_init(&s->msg, (size_t)lim->max_size);
	reply(s, "220 %s LMTP schakel ready", s->host);
	return s;
}

void lmtp_free(struct lmtp *s)
{
	if (s == NULL)
		return;
	buf_free(&s->out);
	buf_free(&s->line);
	buf_free(&s->msg);
	free(s);
}

static void transaction_reset(struct lmtp *s)
{
	s->from[0] = '\0';
	s->from_utf8 = false;
	s->nrcpt = 0;
	buf_reset(&s->msg);
	s->too_big = s->long_line = false;
	if (s->state > S_START)
		s->state = S_READY;
}

/* A bad command: its reply, and the end once there were too many. */
static enum lmtp_event bad(struct lmtp *s, const char *code_enh, const char *text)
{
	reply(s, "%s %s", code_enh, text);
	if (++s->errors < s->lim.errors)
		return LMTP_MORE;
	reply(s, "421 4.7.0 %s: too many bad commands, closing", s->host);
	s->state = S_CLOSED;
	return LMTP_CLOSE;
}

/* "<address>" at *p: the address into out (without the brackets), *p
 * past the '>'. A quoted local part may hold '>'. */
static int path_parse(const char **p, char out[MAIL_ADDR_MAX + 1])
{
	const char *c = *p;
	bool quoted = false;
	size_t n = 0;

	if (*c++ != '<')
		return -1;
	for (; *c != '\0' && (quoted || *c != '>'); c++) {
		if (*c == '"')
			quoted = !quoted;
		else if (*c == '\\' && quoted && c[1] != '\0')
			out[n++] = *c++;
		if ((unsigned char)*c < 0x20 || *c == 0x7f || n >= MAIL_ADDR_MAX)
			return -1;
		out[n++] = *c;
	}
	if (*c != '>')
		return -1;
	out[n] = '\0';
	*p = c + 1;
	return 0;
}

/* MAIL FROM:<path> [SIZE=n] [BODY=7BIT|8BITMIME] */
static enum lmtp_event cmd_mail(struct lmtp *s, const char *arg)
{
	char from[MAIL_ADDR_MAX + 1];

	if (s->state == S_START)
		return bad(s, "503 5.5.1", "LHLO first");
	if (s->state != S_READY)
		return bad(s, "503 5.5.1", "a sender is given already");
	if (strncasecmp(arg, "FROM:", 5) != 0)
		return bad(s, "501 5.5.4", "expected MAIL FROM:<address>");
	arg += 5;
	arg += strspn(arg, " ");
	if (path_parse(&arg, from) != 0)
		return bad(s, "501 5.1.7", "the sender is not an address in <>");
	while (*arg == ' ') {
		char *end;

		arg += strspn(arg, " ");
		if (*arg == '\0')
			break;
		if (strncasecmp(arg, "SIZE=", 5) == 0) {
			unsigned long long size = strtoull(arg + 5, &end, 10);

			if (end == arg + 5 || (*end != ' ' && *end != '\0'))
				return bad(s, "501 5.5.4", "SIZE= expects a number");
			if (size > (unsigned long long)s->lim.max_size) {
				reply(s, "552 5.3.4 the message is larger than %lld bytes",
				      (long long)s->lim.max_size);
				return LMTP_MORE;
			}
			arg = end;
		} else if (strncasecmp(arg, "BODY=7BIT", 9) == 0 &&
			   (arg[9] == ' ' || arg[9] == '\0')) {
			arg += 9;
		} else if (strncasecmp(arg, "BODY=8BITMIME", 13) == 0 &&
			   (arg[13] == ' ' || arg[13] == '\0')) {
			arg += 13;
		} else {
			return bad(s, "555 5.5.4", "unknown MAIL FROM parameter");
		}
	}
	if (*arg != '\0')
		return bad(s, "501 5.5.4", "expected MAIL FROM:<address>");
	snprintf(s->from, sizeof(s->from), "%s", from);
	s->from_utf8 = utf8_valid(from, strlen(from));
	s->state = S_MAIL;
	reply(s, "250 2.1.0 sender ok");
	return LMTP_MORE;
}

/* RCPT TO:<path>: any recipient is taken; the MTA routed it here. */
static enum lmtp_event cmd_rcpt(struct lmtp *s, const char *arg)
{
	char to[MAIL_ADDR_MAX + 1];

	if (s->state != S_MAIL && s->state != S_RCPT)
		return bad(s, "503 5.5.1", "MAIL first");
	if (strncasecmp(arg, "TO:", 3) != 0)
		return bad(s, "501 5.5.4", "expected RCPT TO:<address>");
	arg += 3;
	arg += strspn(arg, " ");
	if (path_parse(&arg, to) != 0 || to[0] == '\0')
		return bad(s, "501 5.1.3", "the recipient is not an address in <>");
	if (arg[strspn(arg, " ")] != '\0')
		return bad(s, "555 5.5.4", "RCPT TO takes no parameters");
	if (s->nrcpt >= s->lim.rcpt) {
		reply(s, "452 4.5.3 more than %d recipients: send the rest again", s->lim.rcpt);
		return LMTP_MORE;
	}
	s->nrcpt++;
	s->state = S_RCPT;
	reply(s, "250 2.1.5 recipient ok");
	return LMTP_MORE;
}

/* One command line, CRLF or LF cut off. */
static enum lmtp_event command(struct lmtp *s, char *line)
{
	char *arg = line + strcspn(line, " ");

	if (*arg == ' ')
		*arg++ = '\0';
	/* 8-bit bytes pass: a sender that is not UTF-8 is passed on as
	 * unknown, as mailgate takes it. */
	for (const char *c = arg; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return bad(s, "501 5.5.2", "a command holds a control character");
	if (strcasecmp(line, "LHLO") == 0) {
		if (*arg == '\0')
			return bad(s, "501 5.5.4", "LHLO needs the client's name");
		s->state = S_READY;
		transaction_reset(s);
		reply(s, "250-%s", s->host);
		reply(s, "250-PIPELINING");
		reply(s, "250-ENHANCEDSTATUSCODES");
		reply(s, "250-8BITMIME");
		reply(s, "250 SIZE %lld", (long long)s->lim.max_size);
		return LMTP_MORE;
	}
	if (strcasecmp(line, "MAIL") == 0)
		return cmd_mail(s, arg);
	if (strcasecmp(line, "RCPT") == 0)
		return cmd_rcpt(s, arg);
	if (strcasecmp(line, "DATA") == 0) {
		if (*arg != '\0')
			return bad(s, "501 5.5.4", "DATA takes no parameters");
		if (s->state != S_RCPT)
			return bad(s, "503 5.5.1",
				   s->state == S_MAIL ? "no recipients" : "MAIL first");
		s->state = S_DATA;
		reply(s, "354 2.0.0 send the message, end with <CRLF>.<CRLF>");
		return LMTP_MORE;
	}
	if (strcasecmp(line, "RSET") == 0) {
		transaction_reset(s);
		reply(s, "250 2.0.0 reset");
		return LMTP_MORE;
	}
	if (strcasecmp(line, "NOOP") == 0) {
		reply(s, "250 2.0.0 ok");
		return LMTP_MORE;
	}
	if (strcasecmp(line, "QUIT") == 0) {
		reply(s, "221 2.0.0 %s closing", s->host);
		s->state = S_CLOSED;
		return LMTP_CLOSE;
	}
	if (strcasecmp(line, "VRFY") == 0) {
		reply(s, "252 2.5.0 cannot verify, but will take the message");
		return LMTP_MORE;
	}
	if (strcasecmp(line, "HELO") == 0 || strcasecmp(line, "EHLO") == 0)
		return bad(s, "500 5.5.1", "this is LMTP: LHLO, not HELO or EHLO");
	return bad(s, "500 5.5.2", "unknown command");
}

/* One line of the message, with its line break; the dot alone ends it. */
static enum lmtp_event data_line(struct lmtp *s, const char *l, size_t n)
{
	if ((n == 2 && l[0] == '.' && l[1] == '\n') ||
	    (n == 3 && l[0] == '.' && l[1] == '\r' && l[2] == '\n')) {
		if (s->too_big)
			lmtp_answer(s, 552, "5.3.4", "the message is too large");
		else if (s->long_line)
			lmtp_answer(s, 554, "5.6.0", "a line of the message is too long");
		else {
			s->state = S_DELIVER;
			return LMTP_DELIVER;
		}
		return LMTP_MORE;
	}
	if (l[0] == '.')
		l++, n--;
	if (!s->too_big && buf_append(&s->msg, l, n) != 0)
		s->too_big = true;
	return LMTP_MORE;
}

/* A line over its limit, now at its end. */
static enum lmtp_event overlong(struct lmtp *s)
{
	if (s->state == S_DATA) {
		s->long_line = true;
		return LMTP_MORE;
	}
	return bad(s, "500 5.5.2", "the command line is too long");
}

enum lmtp_event lmtp_feed(struct lmtp *s, const char *data, size_t len, size_t *used)
{
	enum lmtp_event ev = LMTP_MORE;
	size_t off = 0;

	if (s->state == S_CLOSED || s->state == S_DELIVER) {
		*used = 0;
		return s->state == S_CLOSED ? LMTP_CLOSE : LMTP_DELIVER;
	}
	while (off < len && ev == LMTP_MORE && s->out.len < OUTPUT_PAUSE) {
		const char *start = data + off;
		const char *lf = memchr(start, '\n', len - off);
		size_t take = lf != NULL ? (size_t)(lf - start) + 1 : len - off;
		size_t limit = (s->state == S_DATA ? s->lim.data_line : LMTP_CMD_LINE_MAX) + 2;

		if (!s->overlong && s->line.len + take > limit) {
			s->overlong = true;
			buf_reset(&s->line);
		} else if (!s->overlong && (lf == NULL || s->line.len > 0)) {
			buf_append(&s->line, start, take);
		}
		off += take;
		if (lf == NULL)
			break;
		if (s->overlong) {
			ev = overlong(s);
		} else if (s->state == S_DATA) {
			ev = s->line.len > 0 ? data_line(s, s->line.data, s->line.len)
					     : data_line(s, start, take);
		} else {
			char cmd[LMTP_CMD_LINE_MAX + 3];
			size_t n = s->line.len > 0 ? s->line.len : take;

			memcpy(cmd, s->line.len > 0 ? s->line.data : start, n);
			cmd[--n] = '\0';
			if (n > 0 && cmd[n - 1] == '\r')
				cmd[--n] = '\0';
			ev = memchr(cmd, '\0', n) != NULL || memchr(cmd, '\r', n) != NULL
				 ? bad(s, "501 5.5.2", "a command holds a NUL or CR")
				 : command(s, cmd);
		}
		s->overlong = false;
		buf_reset(&s->line);
	}
	*used = off;
	return ev;
}

void lmtp_envelope(const struct lmtp *s, const char **from, const char **raw, size_t *len,
		   int *nrcpt)
{
	*from = s->from_utf8 ? s->from : NULL;
	*raw = buf_str(&s->msg);
	*len = s->msg.len;
	*nrcpt = s->nrcpt;
}

void lmtp_answer(struct lmtp *s, int code, const char *enhanced, const char *text)
{
	char clean[ANSWER_MAX + 1];
	size_t n = 0;

	for (; text[n] != '\0' && n < ANSWER_MAX; n++)
		clean[n] = (unsigned char)text[n] < 0x20 || text[n] == 0x7f ? ' ' : text[n];
	clean[n] = '\0';
	for (int i = 0; i < s->nrcpt; i++)
		reply(s, "%03d %s %s", code, enhanced, clean);
	s->state = S_READY;
	transaction_reset(s);
}

enum lmtp_event lmtp_timeout(struct lmtp *s)
{
	if (s->state != S_CLOSED)
		reply(s, "421 4.4.2 %s: no command in time, closing", s->host);
	s->state = S_CLOSED;
	return LMTP_CLOSE;
}

bool lmtp_in_data(const struct lmtp *s)
{
	return s->state == S_DATA || s->state == S_DELIVER;
}

enum lmtp_event lmtp_shutdown(struct lmtp *s)
{
	if (lmtp_in_data(s))
		return LMTP_MORE;
	if (s->state != S_CLOSED)
		reply(s, "421 4.3.2 %s: shutting down, try again later", s->host);
	s->state = S_CLOSED;
	return LMTP_CLOSE;
}

const char *lmtp_output(const struct lmtp *s, size_t *len)
{
	*len = s->out.len;
	return buf_str(&s->out);
}

void lmtp_output_done(struct lmtp *s, size_t n)
{
	if (n >= s->out.len) {
		buf_reset(&s->out);
		return;
	}
	memmove(s->out.data, s->out.data + n, s->out.len - n);
	s->out.len -= n;
	s->out.data[s->out.len] = '\0';
}
