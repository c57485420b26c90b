/* tests/unit/test_mimescan.c: the first pass over a received mail
 * (src/mail/mimescan.c). It counts parts, nesting and header fields as
 * GMime would build them, never fewer (each case is checked against
 * GMime itself), stops at the first limit broken saying which, and
 * gives the bytes of the top-level header that are within the limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gmime/gmime.h>

#include "mail/mimescan.h"
#include "mime_built.h"

static const struct mimescan_limits wide = {100000, 1000, 1000000, 1000000};

/* Scan text within wide limits and check that GMime builds no more. */
static struct mimescan scan_checked(const char *text)
{
	struct mimescan s;
	struct built b = {0};
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(text, strlen(text));
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	GMimeMessage *msg = g_mime_parser_construct_message(parser, NULL);

	mimescan_run(text, strlen(text), &wide, &s);
	assert_string_equal(s.over, "");
	if (msg != NULL) /* GMime found no header: it built nothing */
		built_count(GMIME_OBJECT(msg), 1, false, &b);
	if (b.blocks > s.parts || b.depth > s.depth || b.headers > s.headers)
		fail_msg("GMime built %lld blocks, depth %lld, %lld headers; the scan counted "
			 "%lld, %lld, %lld, of:\n%s",
			 (long long)b.blocks, (long long)b.depth, (long long)b.headers,
			 (long long)s.parts, (long long)s.depth, (long long)s.headers, text);
	if (msg != NULL)
		g_object_unref(msg);
	g_object_unref(parser);
	g_object_unref(stream);
	return s;
}

static void test_plain(void **state)
{
	const char *m = "From: a@example.nl\r\nSubject: hi\r\n\r\n--b\r\nbody\r\n";
	struct mimescan s = scan_checked(m);

	(void)state;
	assert_int_equal(s.parts, 1);
	assert_int_equal(s.depth, 1);
	assert_int_equal(s.headers, 2);
	assert_int_equal(s.body, strlen("From: a@example.nl\r\nSubject: hi\r\n\r\n"));
	assert_int_equal(s.header_ok, s.body);
}

static void test_multipart(void **state)
{
	const char *m =
	    "From: a@example.nl\nContent-Type: multipart/mixed;\n boundary=\"b\"\n\n"
	    "preamble\n--b\nContent-Type: text/plain\n\none\n"
	    "--b\nContent-Type: multipart/alternative; boundary=c\n\n"
	    "--c\n\ntwo\n--c\n\nthree\n--c--\n"
	    "--b\n\nfour\n--b--\nepilogue\n--b\n--c\n";
	struct mimescan s = scan_checked(m);

	(void)state;
	/* The message, one, the alternative, two, three, four. */
	assert_int_equal(s.parts, 6);
	assert_int_equal(s.depth, 3);
}

/* An empty boundary is a boundary: GMime opens a part at "--". */
static void test_empty_boundary(void **state)
{
	struct mimescan s = scan_checked("Content-Type: multipart/mixed; boundary=\"\"\n\n"
					 "--\n\none\n--\n\ntwo\n");

	(void)state;
	assert_true(s.parts >= 3);
	assert_int_equal(s.depth, 2);
}

static void test_messages(void **state)
{
	const char *rfc822 = "From: a@example.nl\nContent-Type: message/rfc822\n\n"
			     "From: b@example.nl\nContent-Type: message/rfc822\n\n"
			     "From: c@example.nl\n\ninner\n";
	const char *digest =
	    "From: a@example.nl\nContent-Type: multipart/digest; boundary=d\n\n"
	    "--d\n\nFrom: b@example.nl\nSubject: one\n\nx\n"
	    "--d\nContent-Type: text/plain\n\ny\n--d--\n";
	struct mimescan s = scan_checked(rfc822);

	(void)state;
	assert_int_equal(s.parts, 3);
	assert_int_equal(s.depth, 3);
	/* A digest's part without a Content-Type is an attached mail; one
	 * with a Content-Type that is not multipart counts as one too (GMime
	 * may fail to read the type). */
	s = scan_checked(digest);
	assert_int_equal(s.parts, 5);
	assert_int_equal(s.depth, 3);
	/* An attached mail in base64 is an attachment to GMime: its lines
	 * are no header fields. */
	s = scan_checked(
	    "From: a@example.nl\nContent-Type: message/rfc822\n"
	    "Content-Transfer-Encoding: base64\n\n"
	    "RnJvbTogYkBleGFtcGxlLm5sCgpib2R5Cg==\nRnJvbTogYkBleGFtcGxlLm5sCgpib2R5Cg==\n");
	assert_int_equal(s.parts, 1);
	assert_int_equal(s.headers, 3);
}

/* A line that is no field, two Content-Type fields, a boundary in
 * RFC 2231 pieces: never fewer than GMime builds. */
static void test_odd_headers(void **state)
{
	const char *m = "From: a@example.nl\nContent-Type: multipart/mixed; boundary=b\n"
			"this line is no field\n--b\n\none\n--b\n\ntwo\n--b--\n";
	const char *twice = "From: a@example.nl\nContent-Type: multipart/mixed; boundary=x\n"
			    "Content-Type: multipart/mixed; boundary=y\n\n"
			    "--x\n\none\n--y\n\ntwo\n--y\n\nthree\n";
	const char *rfc2231 = "From: a@example.nl\nContent-Type: multipart/mixed;\n"
			      " boundary*0=\"ab\"; boundary*1=\"cd\"\n\n"
			      "--abcd\n\none\n--abcd\n\ntwo\n--abcd--\n";
	struct mimescan s;

	(void)state;
	scan_checked(m);
	scan_checked(twice);
	s = scan_checked(rfc2231);
	assert_int_equal(s.parts, 3);
}

/* Mails put together at random from the lines that make MIME structure
 * (boundaries, Content-Type fields, empty lines, continuations, lines
 * that are no field): GMime never builds more than the scan counts. */
static void test_random(void **state)
{
	static const char *const lines[] = {
	    "--a\n",
	    "--b\n",
	    "--a--\n",
	    "--b--\n",
	    "--ab\n",
	    "\n",
	    "\r\n",
	    "Content-Type: multipart/mixed; boundary=a\n",
	    "Content-Type: multipart/mixed; boundary=\"b\"\n",
	    "Content-Type: multipart/digest; boundary=b\n",
	    "Content-Type: multipart/mixed;\n boundary=ab\n",
	    "Content-Type: message/rfc822\n",
	    "Content-type : Multipart/Mixed; BOUNDARY=a\n",
	    "Content-Type: multipart/alternative; boundary*0=a; boundary*1=b\n",
	    "Content-Type: text/plain\n",
	    "Content-Type: message/partial\n",
	    "Content-Transfer-Encoding: base64\n",
	    "Content-Transfer-Encoding: 7bit\n",
	    "From: a@example.nl\n",
	    "X-Field: value\n",
	    " continued\n",
	    "no field here\n",
	    "body text\n",
	    ":\n",
	};
	unsigned int seed = 20261207;
	char mail[4096];

	(void)state;
	for (int round = 0; round < 20000; round++) {
		size_t len = 0;
		int n = 1 + (int)(rand_r(&seed) % 40);

		for (int i = 0; i < n; i++) {
			const char *l =
			    lines[rand_r(&seed) % (sizeof(lines) / sizeof(lines[0]))];
			size_t k = strlen(l);

			if (len + k >= sizeof(mail))
				break;
			memcpy(mail + len, l, k);
			len += k;
		}
		mail[len] = '\0';
		scan_checked(mail);
	}
}

static void test_limits(void **state)
{
	struct mimescan_limits lim = {3, 2, 4, 60};
	const char *parts = "From: a@example.nl\nContent-Type: multipart/mixed; boundary=b\n\n"
			    "--b\n\n1\n--b\n\n2\n--b\n\n3\n--b--\n";
	const char *deep = "From: a@example.nl\nContent-Type: multipart/mixed; boundary=b\n\n"
			   "--b\nContent-Type: multipart/mixed; boundary=c\n\n--c\n\nx\n";
	const char *many = "From: a@example.nl\nA: 1\nB: 2\nC: 3\nSubject: five\n\nbody\n";
	const char *longf =
	    "From: a@example.nl\nX-Long: 0123456789\n 0123456789 0123456789\n"
	    " 0123456789 0123456789\n 0123456789 0123456789\nSubject: after\n\nbody\n";
	struct mimescan s;

	(void)state;
	mimescan_run(parts, strlen(parts), &lim, &s);
	assert_string_equal(s.over, "too many MIME parts (over 3)");
	/* The top-level header was whole: a header-only read takes it. */
	assert_int_equal(s.header_ok, s.body);
	mimescan_run(deep, strlen(deep), &lim, &s);
	assert_string_equal(s.over, "MIME parts nested too deep (over 2)");
	mimescan_run(many, strlen(many), &lim, &s);
	assert_string_equal(s.over, "too many header fields (over 4)");
	assert_int_equal(s.header_ok, strlen("From: a@example.nl\nA: 1\nB: 2\nC: 3\n"));
	mimescan_run(longf, strlen(longf), &lim, &s);
	assert_string_equal(s.over, "a header field too long (over 60 bytes)");
	assert_int_equal(s.header_ok, strlen("From: a@example.nl\n"));
	assert_int_equal(s.body, strlen(longf) - strlen("body\n"));
}

/* No header end at all, an empty mail, a lone boundary: no crash, sane
 * offsets. */
static void test_edges(void **state)
{
	struct mimescan s;

	(void)state;
	mimescan_run("", 0, &wide, &s);
	assert_int_equal(s.parts, 1);
	assert_int_equal(s.body, 0);
	mimescan_run("From: a@example.nl", 18, &wide, &s);
	assert_int_equal(s.headers, 1);
	assert_int_equal(s.body, 18);
	assert_int_equal(s.header_ok, 18);
	mimescan_run("--\n\n--\n", 7, &wide, &s);
	assert_string_equal(s.over, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain),	   cmocka_unit_test(test_multipart),
	    cmocka_unit_test(test_empty_boundary), cmocka_unit_test(test_messages),
	    cmocka_unit_test(test_odd_headers),	   cmocka_unit_test(test_random),
	    cmocka_unit_test(test_limits),	   cmocka_unit_test(test_edges),
	};

	g_mime_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
