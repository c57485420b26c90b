/* tests/unit/test_lmtp.c: the LMTP state machine (src/mail/lmtp.c): a
 * session as Postfix's lmtp client speaks it, pipelined or a byte at a
 * time, gives the same replies and the same message, dots unstuffed;
 * one answer per recipient; the limits on size, lines, recipients and
 * bad commands; commands out of order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mail/lmtp.h"

static const struct lmtp_limits lim = {1000, 200, 3, 4};

/* Feed text in pieces of step bytes (0: all at once) into s, answering
 * each message with 250 and keeping the last one in msg; the replies
 * are appended to out. Returns the last event. */
static enum lmtp_event talk(struct lmtp *s, const char *text, size_t step, char *out,
			    size_t outsize, char *msg, size_t msgsize)
{
	enum lmtp_event ev = LMTP_MORE;
	size_t len = strlen(text), off = 0;

	while (off < len && ev != LMTP_CLOSE) {
		size_t n = step == 0 || len - off < step ? len - off : step, used;
		const char *o;
		size_t olen;

		ev = lmtp_feed(s, text + off, n, &used);
		off += used;
		if (ev == LMTP_DELIVER) {
			const char *from, *raw;
			size_t rlen;
			int nrcpt;

			lmtp_envelope(s, &from, &raw, &rlen, &nrcpt);
			snprintf(msg, msgsize, "%s|%d|%.*s", from ? from : "(null)", nrcpt,
				 (int)rlen, raw);
			lmtp_answer(s, 250, "2.0.0", "stored on ticket #1");
		}
		o = lmtp_output(s, &olen);
		strncat(out, o, outsize - strlen(out) - 1);
		lmtp_output_done(s, olen);
	}
	return ev;
}

static const char session[] = "LHLO mx.example.be\r\n"
			      "MAIL FROM:<alice@example.nl> SIZE=80 BODY=8BITMIME\r\n"
			      "RCPT TO:<cert@example.be>\r\n"
			      "RCPT TO:<abuse@example.be>\r\n"
			      "DATA\r\n"
			      "Subject: hi\r\n"
			      "\r\n"
			      "..dot\r\n"
			      ".\r\n"
			      "QUIT\r\n";

static const char replies[] = "220 mx LMTP schakel ready\r\n"
			      "250-mx\r\n"
			      "250-PIPELINING\r\n"
			      "250-ENHANCEDSTATUSCODES\r\n"
			      "250-8BITMIME\r\n"
			      "250 SIZE 1000\r\n"
			      "250 2.1.0 sender ok\r\n"
			      "250 2.1.5 recipient ok\r\n"
			      "250 2.1.5 recipient ok\r\n"
			      "354 2.0.0 send the message, end with <CRLF>.<CRLF>\r\n"
			      "250 2.0.0 stored on ticket #1\r\n"
			      "250 2.0.0 stored on ticket #1\r\n"
			      "221 2.0.0 mx closing\r\n";

static void check_session(size_t step)
{
	char out[4096] = "", msg[512] = "";
	struct lmtp *s = lmtp_new(&lim, "mx");

	assert_int_equal(talk(s, session, step, out, sizeof(out), msg, sizeof(msg)),
			 LMTP_CLOSE);
	assert_string_equal(out, replies);
	assert_string_equal(msg, "alice@example.nl|2|Subject: hi\r\n\r\n.dot\r\n");
	lmtp_free(s);
}

/* Pipelined in one piece, or a byte at a time: the same session. */
static void test_session(void **state)
{
	(void)state;
	check_session(0);
	check_session(1);
	check_session(7);
}

/* Run text after LHLO and return the replies to it; the last message
 * goes to msg (2048 bytes) unless NULL. */
static const char *run(const char *text, char *msg)
{
	static char out[8192];
	char m[2048] = "";
	struct lmtp *s = lmtp_new(&lim, "mx");

	out[0] = '\0';
	talk(s, "LHLO c\r\n", 0, out, sizeof(out), m, sizeof(m));
	out[0] = '\0';
	talk(s, text, 0, out, sizeof(out), m, sizeof(m));
	if (msg != NULL)
		snprintf(msg, 2048, "%s", m);
	lmtp_free(s);
	return out;
}

static void test_order(void **state)
{
	struct lmtp *s = lmtp_new(&lim, "mx");
	char out[1024] = "", m[64] = "";

	(void)state;
	lmtp_output_done(s, SIZE_MAX);
	talk(s, "MAIL FROM:<a@b.nl>\r\n", 0, out, sizeof(out), m, sizeof(m));
	assert_string_equal(out, "503 5.5.1 LHLO first\r\n");
	lmtp_free(s);
	assert_string_equal(run("RCPT TO:<a@b.nl>\r\n", NULL), "503 5.5.1 MAIL first\r\n");
	assert_string_equal(run("MAIL FROM:<>\r\nDATA\r\n", NULL),
			    "250 2.1.0 sender ok\r\n503 5.5.1 no recipients\r\n");
	assert_string_equal(run("EHLO c\r\n", NULL),
			    "500 5.5.1 this is LMTP: LHLO, not HELO or EHLO\r\n");
	assert_string_equal(run("VRFY x\r\nNOOP\r\nRSET\r\n", NULL),
			    "252 2.5.0 cannot verify, but will take the message\r\n"
			    "250 2.0.0 ok\r\n250 2.0.0 reset\r\n");
	assert_string_equal(run("MAIL FROM:<a@b.nl> FOO=1\r\n", NULL),
			    "555 5.5.4 unknown MAIL FROM parameter\r\n");
	assert_string_equal(run("MAIL FROM:a@b.nl\r\n", NULL),
			    "501 5.1.7 the sender is not an address in <>\r\n");
}

/* The null sender, a quoted local part; a sender that is not UTF-8 is
 * passed on as unknown. */
static void test_senders(void **state)
{
	char msg[2048];

	(void)state;
	run("MAIL FROM:<>\r\nRCPT TO:<c@d.be>\r\nDATA\r\nx\r\n.\r\n", msg);
	assert_string_equal(msg, "|1|x\r\n");
	run("MAIL FROM:<\"a>b\"@c.nl>\r\nRCPT TO:<c@d.be>\r\nDATA\r\nx\r\n.\r\n", msg);
	assert_string_equal(msg, "\"a>b\"@c.nl|1|x\r\n");
	run("MAIL FROM:<\xe9@c.nl>\r\nRCPT TO:<c@d.be>\r\nDATA\r\nx\n.\n", msg);
	assert_string_equal(msg, "(null)|1|x\n");
}

static void test_limits(void **state)
{
	char big[1500], line[300], text[2000];

	(void)state;
	/* SIZE= over the limit, and a message that is. */
	assert_string_equal(run("MAIL FROM:<a@b.nl> SIZE=1001\r\n", NULL),
			    "552 5.3.4 the message is larger than 1000 bytes\r\n");
	memset(big, 'x', sizeof(big));
	big[sizeof(big) - 1] = '\0';
	for (size_t i = 100; i < sizeof(big) - 1; i += 100)
		big[i] = '\n';
	snprintf(text, sizeof(text),
		 "MAIL FROM:<a@b.nl>\r\nRCPT TO:<c@d.be>\r\nDATA\r\n%s\r\n.\r\nNOOP\r\n", big);
	assert_string_equal(run(text, NULL),
			    "250 2.1.0 sender ok\r\n250 2.1.5 recipient ok\r\n"
			    "354 2.0.0 send the message, end with <CRLF>.<CRLF>\r\n"
			    "552 5.3.4 the message is too large\r\n250 2.0.0 ok\r\n");
	/* A line of the message over 200 bytes. */
	memset(line, 'y', sizeof(line));
	line[sizeof(line) - 1] = '\0';
	snprintf(text, sizeof(text),
		 "MAIL FROM:<a@b.nl>\r\nRCPT TO:<c@d.be>\r\nDATA\r\n%s\r\n.\r\n", line);
	assert_string_equal(run(text, NULL),
			    "250 2.1.0 sender ok\r\n250 2.1.5 recipient ok\r\n"
			    "354 2.0.0 send the message, end with <CRLF>.<CRLF>\r\n"
			    "554 5.6.0 a line of the message is too long\r\n");
	/* Recipients: three, then 452 for the fourth. */
	assert_string_equal(
	    run("MAIL FROM:<a@b.nl>\r\nRCPT TO:<1@d.be>\r\nRCPT TO:<2@d.be>\r\nRCPT "
		"TO:<3@d.be>\r\nRCPT TO:<4@d.be>\r\n",
		NULL),
	    "250 2.1.0 sender ok\r\n250 2.1.5 recipient ok\r\n250 2.1.5 recipient ok\r\n"
	    "250 2.1.5 recipient ok\r\n452 4.5.3 more than 3 recipients: send the rest "
	    "again\r\n");
	/* A command line over 2048 bytes. */
	{
		char *cmd = malloc(LMTP_CMD_LINE_MAX + 10);

		memset(cmd, 'n', LMTP_CMD_LINE_MAX + 5);
		memcpy(cmd + LMTP_CMD_LINE_MAX + 5, "\r\n", 3);
		assert_string_equal(run(cmd, NULL),
				    "500 5.5.2 the command line is too long\r\n");
		free(cmd);
	}
	/* Four bad commands end the session. */
	assert_string_equal(run("A\r\nB\r\nC\r\nD\r\nNOOP\r\n", NULL),
			    "500 5.5.2 unknown command\r\n500 5.5.2 unknown command\r\n"
			    "500 5.5.2 unknown command\r\n500 5.5.2 unknown command\r\n"
			    "421 4.7.0 mx: too many bad commands, closing\r\n");
}

static void test_end(void **state)
{
	struct lmtp *s = lmtp_new(&lim, "mx");
	char out[1024] = "", m[64] = "";

	(void)state;
	lmtp_output_done(s, SIZE_MAX);
	talk(s, "LHLO c\r\nMAIL FROM:<a@b.nl>\r\nRCPT TO:<c@d.be>\r\nDATA\r\npart", 0, out,
	     sizeof(out), m, sizeof(m));
	assert_true(lmtp_in_data(s));
	assert_int_equal(lmtp_shutdown(s), LMTP_MORE);
	lmtp_output_done(s, SIZE_MAX);
	assert_int_equal(lmtp_timeout(s), LMTP_CLOSE);
	out[0] = '\0';
	strncat(out, lmtp_output(s, &(size_t){0}), sizeof(out) - 1);
	assert_string_equal(out, "421 4.4.2 mx: no command in time, closing\r\n");
	lmtp_free(s);
	s = lmtp_new(&lim, "mx");
	lmtp_output_done(s, SIZE_MAX);
	assert_int_equal(lmtp_shutdown(s), LMTP_CLOSE);
	out[0] = '\0';
	strncat(out, lmtp_output(s, &(size_t){0}), sizeof(out) - 1);
	assert_string_equal(out, "421 4.3.2 mx: shutting down, try again later\r\n");
	lmtp_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_session), cmocka_unit_test(test_order),
	    cmocka_unit_test(test_senders), cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_end),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
