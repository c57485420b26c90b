/* tests/unit/test_pgpmime.c: the OpenPGP recognizer (src/mail/pgpmime.c)
 * and the marks a received mail's parts get from it (src/mail/inbound.c):
 * armored messages, clear-signed texts, truncated and quoted armor,
 * PGP/MIME encrypted and signed structure, armor in an attachment. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/error.h"
#include "mail/inbound.h"
#include "lib/buf.h"
#include "mail/pgpmime.h"

static void scan(const char *text, struct pgpmime_armor *a)
{
	pgpmime_armor_scan(text, strlen(text), a);
}

static void test_armor_message(void **state)
{
	const char *t = "Hello\n-----BEGIN PGP MESSAGE-----\r\n\r\nhQEMA\n=ab\n"
			"-----END PGP MESSAGE-----  \nbye\n";
	struct pgpmime_armor a;

	(void)state;
	scan(t, &a);
	assert_int_equal(a.n, 1);
	assert_true(a.encrypted);
	assert_false(a.signed_);
	assert_int_equal(a.blocks[0].kind, PGPMIME_MESSAGE);
	assert_true(a.blocks[0].complete);
	assert_int_equal(a.blocks[0].start, 6);
	assert_string_equal(t + a.blocks[0].end, "bye\n");
}

static void test_armor_truncated_and_quoted(void **state)
{
	struct pgpmime_armor a;

	(void)state;
	scan("-----BEGIN PGP MESSAGE-----\n\nhQEM", &a);
	assert_int_equal(a.n, 1);
	assert_false(a.blocks[0].complete);
	assert_true(a.encrypted);
	/* Quoted or indented armor is not armor; nor a wrong word. */
	scan("> -----BEGIN PGP MESSAGE-----\n -----BEGIN PGP MESSAGE-----\n"
	     "-----BEGIN PGP MESSAGES-----\n-----BEGIN PGP MESSAGE----\n",
	     &a);
	assert_int_equal(a.n, 0);
	assert_false(a.encrypted);
	/* A truncated block followed by a whole one: two blocks. */
	scan("-----BEGIN PGP MESSAGE-----\nAAA\n-----BEGIN PGP MESSAGE, PART 1/2-----\nBBB\n"
	     "-----END PGP MESSAGE, PART 1/2-----\n",
	     &a);
	assert_int_equal(a.n, 2);
	assert_false(a.blocks[0].complete);
	assert_true(a.blocks[1].complete);
}

static void test_armor_signed(void **state)
{
	const char *t =
	    "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nWe see 198.51.100.7\n"
	    "- -----BEGIN PGP MESSAGE-----\n-----BEGIN PGP SIGNATURE-----\n\niQE\n"
	    "-----END PGP SIGNATURE-----\n";
	struct pgpmime_armor a;

	(void)state;
	scan(t, &a);
	assert_int_equal(a.n, 1);
	assert_int_equal(a.blocks[0].kind, PGPMIME_SIGNED);
	assert_true(a.blocks[0].complete);
	assert_int_equal(a.blocks[0].end, strlen(t));
	assert_true(a.signed_);
	assert_false(a.encrypted); /* the dash-escaped line is text */
}

static void test_armor_many(void **state)
{
	struct pgpmime_armor a;
	struct buf text;

	(void)state;
	buf_init(&text, 4096);
	for (int i = 0; i < PGPMIME_BLOCKS_MAX + 3; i++)
		assert_int_equal(buf_append_str(&text,
						"-----BEGIN PGP PUBLIC KEY BLOCK-----\nx\n"
						"-----END PGP PUBLIC KEY BLOCK-----\n"),
				 0);
	scan(text.data, &a);
	buf_free(&text);
	assert_int_equal(a.n, PGPMIME_BLOCKS_MAX);
	assert_int_equal(a.dropped, 3);
	assert_false(a.encrypted);
}

static void test_role(void **state)
{
	(void)state;
	assert_int_equal(pgpmime_role("Multipart/Encrypted", "application/pgp-encrypted"),
			 PGPMIME_ENCRYPTED);
	assert_int_equal(pgpmime_role("multipart/encrypted", NULL), PGPMIME_OTHER_CRYPTO);
	assert_int_equal(pgpmime_role("multipart/signed", "application/pgp-signature"),
			 PGPMIME_SIGNED_PART);
	assert_int_equal(pgpmime_role("multipart/signed", "application/pkcs7-signature"),
			 PGPMIME_PLAIN);
	assert_int_equal(pgpmime_role("application/pgp-encrypted", NULL), PGPMIME_CONTROL);
	assert_int_equal(pgpmime_role("application/pkcs7-mime", NULL), PGPMIME_OTHER_CRYPTO);
	assert_int_equal(pgpmime_role("text/plain", NULL), PGPMIME_PLAIN);
}

static void parse(const char *mail, struct inbound *in)
{
	struct sk_error err = {0};

	assert_int_equal(inbound_parse(mail, strlen(mail), NULL, in, &err), 0);
}

static void test_inbound_pgpmime(void **state)
{
	struct inbound in;

	(void)state;
	parse("From: a@example.org\nMIME-Version: 1.0\nContent-Type: multipart/encrypted; "
	      "protocol=\"application/pgp-encrypted\"; boundary=b\n\n--b\nContent-Type: "
	      "application/pgp-encrypted\n\nVersion: 1\n--b\nContent-Type: "
	      "application/octet-stream\n\n-----BEGIN PGP MESSAGE-----\n\nhQ\n"
	      "-----END PGP MESSAGE-----\n--b--\n",
	      &in);
	assert_true(in.encrypted);
	assert_int_equal(in.n_parts, 2);
	assert_true(in.parts[0].encrypted && in.parts[1].encrypted);
	assert_string_equal(in.text, "");
	inbound_clear(&in);
}

static void test_inbound_attachment(void **state)
{
	struct inbound in;

	(void)state;
	/* Clear text with an armored attachment: the attachment alone is
	 * encrypted; the mail is, so its text is not kept either. */
	parse(
	    "From: a@example.org\nMIME-Version: 1.0\nContent-Type: multipart/mixed; "
	    "boundary=b\n\n--b\nContent-Type: text/plain\n\nSee the attachment.\n--b\n"
	    "Content-Type: text/plain\nContent-Disposition: attachment; filename=r.asc\n"
	    "Content-Transfer-Encoding: base64\n\n"
	    "LS0tLS1CRUdJTiBQR1AgTUVTU0FHRS0tLS0tCgpoUQotLS0tLUVORCBQR1AgTUVTU0FHRS0tLS0tCg==\n"
	    "--b--\n",
	    &in);
	assert_int_equal(in.n_parts, 2);
	assert_false(in.parts[0].encrypted);
	assert_true(in.parts[1].encrypted);
	assert_true(in.encrypted);
	inbound_clear(&in);
}

static void test_inbound_signed(void **state)
{
	struct inbound in;

	(void)state;
	parse("From: a@example.org\nMIME-Version: 1.0\nContent-Type: multipart/signed; "
	      "protocol=\"application/pgp-signature\"; boundary=s\n\n--s\nContent-Type: "
	      "text/plain\n\nWe see 198.51.100.7.\n--s\nContent-Type: "
	      "application/pgp-signature\n\n-----BEGIN PGP SIGNATURE-----\n\niQ\n"
	      "-----END PGP SIGNATURE-----\n--s--\n",
	      &in);
	assert_false(in.encrypted);
	assert_true(in.signed_);
	assert_true(in.parts[0].signed_ && in.parts[1].signed_);
	assert_string_equal(in.text, "We see 198.51.100.7.");
	inbound_clear(&in);
	/* Inline: an armored message in the body. */
	parse("From: a@example.org\n\n-----BEGIN PGP MESSAGE-----\n\nhQ\n"
	      "-----END PGP MESSAGE-----\n",
	      &in);
	assert_true(in.encrypted);
	assert_string_equal(in.text, "");
	inbound_clear(&in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_armor_message),
	    cmocka_unit_test(test_armor_truncated_and_quoted),
	    cmocka_unit_test(test_armor_signed),
	    cmocka_unit_test(test_armor_many),
	    cmocka_unit_test(test_role),
	    cmocka_unit_test(test_inbound_pgpmime),
	    cmocka_unit_test(test_inbound_attachment),
	    cmocka_unit_test(test_inbound_signed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
