/* tests/unit/test_mail_message.c: composing outbound mail: header fields,
 * encodings (read back with GMime, an independent MIME parser),
 * attachments, line limits, the size limit, and header injection
 * refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <gmime/gmime.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/error.h"
#include "mail/message.h"

#define T0 1700000000 /* Tue, 14 Nov 2023 22:13:20 +0000 */

static const struct mail_addr to_one[] = {{"SOC", "soc@example.nl"}};

/* A message from cert@example.be to soc@example.nl with subject and body. */
static struct mail_message basic(const char *subject, const char *body)
{
	return (struct mail_message){
	    .from = {"CERT.be", "cert@example.be"},
	    .to = to_one,
	    .n_to = 1,
	    .subject = subject,
	    .body = body,
	    .date = T0,
	};
}

/* Compose m, which must succeed; caller frees. */
static char *compose_ok(const struct mail_message *m, char msgid[MAIL_MSGID_MAX + 1])
{
	struct sk_error err = {0};
	char *out = NULL;
	size_t len = 0;
	int rc = mail_compose(m, &out, &len, msgid, &err);

	if (rc != 0)
		fail_msg("mail_compose: %s", err.msg);
	assert_non_null(out);
	assert_int_equal(len, strlen(out));
	return out;
}

/* Compose m, which must fail with code; the message in err. */
static void compose_fails(const struct mail_message *m, int code, struct sk_error *err)
{
	char *out = (char *)"untouched";

	memset(err, 0, sizeof(*err));
	assert_int_equal(mail_compose(m, &out, NULL, NULL, err), code);
	assert_string_equal(out, "untouched");
	assert_true(err->msg[0] != '\0');
}

/* Every byte 7-bit, every line ending in CRLF and at most 78 characters
 * (the RFC 5322 recommendation; 998 is the hard limit). */
static void assert_wire_clean(const char *msg)
{
	size_t col = 0;

	for (size_t i = 0; msg[i]; i++) {
		unsigned char c = (unsigned char)msg[i];

		assert_true(c < 0x80);
		if (c == '\n') {
			assert_true(i > 0 && msg[i - 1] == '\r');
			col = 0;
		} else if (c == '\r') {
			assert_int_equal(msg[i + 1], '\n');
		} else if (++col > 78) {
			fail_msg("line longer than 78 characters near byte %zu: %.90s", i,
				 msg + i - 78);
		}
	}
	assert_int_equal(col, 0); /* ends with CRLF */
}

/* The header block of msg (up to the empty line), as a new string. */
static char *header_block(const char *msg)
{
	const char *end = strstr(msg, "\r\n\r\n");

	assert_non_null(end);
	return strndup(msg, (size_t)(end - msg) + 2);
}

/* The number of header fields called name (case-sensitive, at the start
 * of a line) in msg's header. */
static int header_count(const char *msg, const char *name)
{
	char *h = header_block(msg), key[80];
	int n = 0;

	snprintf(key, sizeof(key), "\r\n%s:", name);
	if (strncmp(h, key + 2, strlen(key) - 2) == 0)
		n++;
	for (const char *p = h; (p = strstr(p, key)) != NULL; p += 2)
		n++;
	free(h);
	return n;
}

static GMimeMessage *parse(const char *msg)
{
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(msg, strlen(msg));
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	GMimeMessage *m = g_mime_parser_construct_message(parser, NULL);

	g_object_unref(parser);
	g_object_unref(stream);
	assert_non_null(m);
	return m;
}

/* The decoded content of a leaf part, as a NUL-terminated string (with
 * its length in *len). */
static char *part_content(GMimeObject *obj, size_t *len)
{
	GMimeDataWrapper *w = g_mime_part_get_content(GMIME_PART(obj));
	GMimeStream *mem = g_mime_stream_mem_new();
	GByteArray *bytes;
	char *out;

	assert_non_null(w);
	g_mime_data_wrapper_write_to_stream(w, mem);
	bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	out = malloc(bytes->len + 1);
	if (bytes->len > 0)
		memcpy(out, bytes->data, bytes->len);
	out[bytes->len] = '\0';
	if (len != NULL)
		*len = bytes->len;
	g_object_unref(mem);
	return out;
}

/* The first mailbox of list: display name and address. */
static void first_mailbox(InternetAddressList *list, const char **name, const char **addr)
{
	InternetAddress *a;

	assert_true(internet_address_list_length(list) >= 1);
	a = internet_address_list_get_address(list, 0);
	*name = internet_address_get_name(a);
	*addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a));
}

static void test_plain_message(void **state)
{
	struct mail_message m = basic("Open resolver on 192.0.2.53", "Hello,\n\nA report.\n");
	char msgid[MAIL_MSGID_MAX + 1];
	const char *name, *addr;
	GMimeMessage *g;
	char *out, *body;

	(void)state;
	out = compose_ok(&m, msgid);
	assert_wire_clean(out);
	assert_non_null(strstr(out, "From: \"CERT.be\" <cert@example.be>\r\n"));
	assert_non_null(strstr(out, "To: SOC <soc@example.nl>\r\n"));
	assert_non_null(strstr(out, "Subject: Open resolver on 192.0.2.53\r\n"));
	assert_non_null(strstr(out, "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"));
	assert_non_null(strstr(out, "MIME-Version: 1.0\r\n"));
	assert_non_null(strstr(out, "Content-Type: text/plain; charset=utf-8\r\n"));
	assert_non_null(strstr(out, "Content-Transfer-Encoding: 7bit\r\n"));
	assert_non_null(strstr(out, "\r\n\r\nHello,\r\n\r\nA report.\r\n"));
	/* The Message-ID is new, at the sender's domain. */
	assert_true(strncmp(msgid, "<", 1) == 0);
	assert_non_null(strstr(msgid, "@example.be>"));
	assert_int_equal(strlen(msgid), 1 + 32 + strlen("@example.be>"));
	assert_non_null(strstr(out, msgid));
	for (const char *f = "From\0To\0Subject\0Date\0Message-ID\0MIME-Version\0"; *f;
	     f += strlen(f) + 1)
		assert_int_equal(header_count(out, f), 1);

	g = parse(out);
	assert_string_equal(g_mime_message_get_subject(g), "Open resolver on 192.0.2.53");
	first_mailbox(g_mime_message_get_from(g), &name, &addr);
	assert_string_equal(name, "CERT.be");
	assert_string_equal(addr, "cert@example.be");
	body = part_content(g_mime_message_get_mime_part(g), NULL);
	assert_string_equal(body, "Hello,\r\n\r\nA report.\r\n");
	free(body);
	g_object_unref(g);
	free(out);
}

static void test_two_messages_two_ids(void **state)
{
	struct mail_message m = basic("x", "y");
	char a[MAIL_MSGID_MAX + 1], b[MAIL_MSGID_MAX + 1];

	(void)state;
	free(compose_ok(&m, a));
	free(compose_ok(&m, b));
	assert_string_not_equal(a, b);
	m.message_id = "<ticket-2024-0042@cert.example.be>";
	free(compose_ok(&m, a));
	assert_string_equal(a, "<ticket-2024-0042@cert.example.be>");
}

static void test_encoded_subject(void **state)
{
	/* Non-ASCII, long, with double spaces: read back exactly. */
	const char *subjects[] = {
	    "Kwetsbaarheid in één systeem van uw organisatie",
	    "Vulnérabilité critique — élévation de privilèges sur les contrôleurs de domaine "
	    "Active Directory de votre organisation (CVE-2024-0001)",
	    "two  spaces and a trailing one ",
	    "looks like =?UTF-8?B?eA==?= an encoded word",
	    "Ünïcødé 🙂 emoji and a long tail of text that must be folded over several "
	    "lines "
	    "because it does not fit on one",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(subjects) / sizeof(subjects[0]); i++) {
		struct mail_message m = basic(subjects[i], "body");
		char *out = compose_ok(&m, NULL);
		GMimeMessage *g;

		assert_wire_clean(out);
		assert_int_equal(header_count(out, "Subject"), 1);
		/* Every encoded-word fits the RFC 2047 limit of 75 characters. */
		for (const char *p = out; (p = strstr(p, "=?UTF-8?B?")) != NULL; p++) {
			const char *end = strstr(p + 10, "?=");

			assert_non_null(end);
			assert_true(end + 2 - p <= 75);
		}
		g = parse(out);
		assert_string_equal(g_mime_message_get_subject(g), subjects[i]);
		g_object_unref(g);
		free(out);
	}
}

static void test_display_names_and_recipients(void **state)
{
	const struct mail_addr to[] = {
	    {"Jan \"de SOC\" Peeters, Example", "jan@example.be"},
	    {"Zoë Vandenbroucke", "zoe@example.nl"},
	    {NULL, "abuse@example.test"},
	    {"Operations Centre of a Very Long Organization Name That Goes On",
	     "noc@example.be"},
	};
	struct mail_message m = basic("x", "y");
	InternetAddressList *list;
	const char *name, *addr;
	GMimeMessage *g;
	char *out;

	(void)state;
	m.to = to;
	m.n_to = 4;
	m.from.name = "CERT.be, the Belgian CSIRT";
	out = compose_ok(&m, NULL);
	assert_wire_clean(out);
	assert_non_null(strstr(out, "\"CERT.be, the Belgian CSIRT\" <cert@example.be>"));
	g = parse(out);
	list = g_mime_message_get_to(g);
	assert_int_equal(internet_address_list_length(list), 4);
	for (int i = 0; i < 4; i++) {
		InternetAddress *a = internet_address_list_get_address(list, i);

		assert_string_equal(
		    internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a)), to[i].addr);
		if (to[i].name != NULL)
			assert_string_equal(internet_address_get_name(a), to[i].name);
	}
	first_mailbox(g_mime_message_get_from(g), &name, &addr);
	assert_string_equal(name, "CERT.be, the Belgian CSIRT");
	g_object_unref(g);
	free(out);
}

static void test_quoted_printable_body(void **state)
{
	const char *body =
	    "Beste,\n"
	    "Het adres 192.0.2.7 van uw organisatie is besmet met één of meer bots; "
	    "deze regel is langer dan zesenzeventig tekens en wordt dus gebroken.\r\n"
	    "a line ending in spaces   \n"
	    "= sign, tab\tand =_ too\n"
	    "\n"
	    "-- \n"
	    "CERT.be\n";
	struct mail_message m = basic("x", body);
	char *out, *got, *want;
	GMimeMessage *g;

	(void)state;
	out = compose_ok(&m, NULL);
	assert_wire_clean(out);
	assert_non_null(strstr(out, "Content-Transfer-Encoding: quoted-printable\r\n"));
	/* Soft breaks keep encoded lines within 76 characters. */
	for (const char *p = strstr(out, "\r\n\r\n") + 4; *p;) {
		size_t n = strcspn(p, "\r");

		assert_true(n <= 76);
		p += n + 2;
	}
	assert_non_null(strstr(out, "=C3=A9=C3=A9n"));
	assert_non_null(strstr(out, "spaces  =20\r\n"));
	assert_non_null(strstr(out, "\r\n--=20\r\n"));
	g = parse(out);
	got = part_content(g_mime_message_get_mime_part(g), NULL);
	want = strdup("Beste,\r\n"
		      "Het adres 192.0.2.7 van uw organisatie is besmet met één of meer bots; "
		      "deze regel is langer dan zesenzeventig tekens en wordt dus gebroken.\r\n"
		      "a line ending in spaces   \r\n"
		      "= sign, tab\tand =_ too\r\n"
		      "\r\n"
		      "-- \r\n"
		      "CERT.be\r\n");
	assert_string_equal(got, want);
	free(got);
	free(want);
	g_object_unref(g);
	free(out);
}

static void test_extra_headers(void **state)
{
	const struct mail_header h[] = {
	    {"Auto-Submitted", "auto-replied"},
	    {"In-Reply-To", "<report-1@reporter.example.nl>"},
	    {"References",
	     "<a1b2c3d4e5f6a7b8c9d0@mail.example.nl> <report-1@reporter.example.nl> "
	     "<ack-7@cert.example.be> <more-references-to-fold@example.be>"},
	    {"X-Schakel-Ticket", "CERT-2024-0042"},
	};
	struct mail_message m = basic("Re: [CERT-2024-0042] phishing", "Thanks.\n");
	GMimeReferences *refs;
	GMimeMessage *g;
	char *out;

	(void)state;
	m.headers = h;
	m.n_headers = 4;
	out = compose_ok(&m, NULL);
	assert_wire_clean(out);
	assert_non_null(strstr(out, "\r\nAuto-Submitted: auto-replied\r\n"));
	assert_non_null(strstr(out, "\r\nIn-Reply-To: <report-1@reporter.example.nl>\r\n"));
	assert_non_null(strstr(out, "\r\nX-Schakel-Ticket: CERT-2024-0042\r\n"));
	g = parse(out);
	assert_string_equal(g_mime_object_get_header(GMIME_OBJECT(g), "Auto-Submitted"),
			    "auto-replied");
	refs = g_mime_references_parse(NULL,
				       g_mime_object_get_header(GMIME_OBJECT(g), "References"));
	assert_int_equal(g_mime_references_length(refs), 4);
	assert_string_equal(g_mime_references_get_message_id(refs, 3),
			    "more-references-to-fold@example.be");
	g_mime_references_free(refs);
	g_object_unref(g);
	free(out);
}

static void test_attachments(void **state)
{
	unsigned char bin[1000];
	const char *csv = "timestamp,ip,asn\n2024-01-31T12:00:00Z,192.0.2.7,64496\n";
	const struct mail_attachment att[] = {
	    {"events.csv", "text/csv; charset=utf-8", csv, strlen(csv)},
	    {"rapport één.bin", NULL, bin, sizeof(bin)},
	    {"empty.txt", "text/plain", "", 0},
	};
	struct mail_message m = basic("Report", "See the attachments.\n");
	GMimeMultipart *mp;
	GMimeMessage *g;
	char *type;
	size_t len;
	char *out, *got;

	(void)state;
	for (size_t i = 0; i < sizeof(bin); i++)
		bin[i] = (unsigned char)(i * 7);
	m.attachments = att;
	m.n_attachments = 3;
	out = compose_ok(&m, NULL);
	assert_wire_clean(out);
	assert_non_null(strstr(out, "Content-Type: multipart/mixed; boundary=\"=_sk_"));
	assert_non_null(strstr(out, "filename=\"events.csv\""));
	assert_non_null(strstr(out, "filename*0*=UTF-8''rapport%20%C3%A9%C3%A9n.bin"));
	g = parse(out);
	mp = GMIME_MULTIPART(g_mime_message_get_mime_part(g));
	assert_int_equal(g_mime_multipart_get_count(mp), 4);
	got = part_content(g_mime_multipart_get_part(mp, 0), NULL);
	assert_string_equal(got, "See the attachments.\r\n");
	free(got);
	got = part_content(g_mime_multipart_get_part(mp, 1), &len);
	assert_int_equal(len, strlen(csv));
	assert_memory_equal(got, csv, len);
	free(got);
	assert_string_equal(
	    g_mime_part_get_filename(GMIME_PART(g_mime_multipart_get_part(mp, 1))),
	    "events.csv");
	assert_string_equal(
	    g_mime_content_type_get_parameter(
		g_mime_object_get_content_type(g_mime_multipart_get_part(mp, 1)), "charset"),
	    "utf-8");
	got = part_content(g_mime_multipart_get_part(mp, 2), &len);
	assert_int_equal(len, sizeof(bin));
	assert_memory_equal(got, bin, sizeof(bin));
	free(got);
	assert_string_equal(
	    g_mime_part_get_filename(GMIME_PART(g_mime_multipart_get_part(mp, 2))),
	    "rapport één.bin");
	type = g_mime_content_type_get_mime_type(
	    g_mime_object_get_content_type(g_mime_multipart_get_part(mp, 2)));
	assert_string_equal(type, "application/octet-stream");
	g_free(type);
	got = part_content(g_mime_multipart_get_part(mp, 3), &len);
	assert_int_equal(len, 0);
	free(got);
	g_object_unref(g);
	free(out);
}

static void test_header_injection_refused(void **state)
{
	const struct mail_addr bad_to[] = {{"SOC", "soc@example.nl\r\nBcc: all@example.test"}};
	const struct mail_addr bad_name[] = {{"SOC\nBcc: all@example.test", "soc@example.nl"}};
	struct mail_header h = {"In-Reply-To", "<a@example.be>\r\nBcc: all@example.test"};
	struct mail_attachment a = {"x.txt\r\nContent-Type: text/html", NULL, "x", 1};
	struct mail_message m;
	struct sk_error err;

	(void)state;
	m = basic("Alert\r\nBcc: all@example.test", "body");
	compose_fails(&m, SK_EINVAL, &err);
	assert_non_null(strstr(err.msg, "Subject"));
	assert_non_null(strstr(err.msg, "line break"));
	m = basic("Alert\nX: y", "body");
	compose_fails(&m, SK_EINVAL, &err);
	m = basic("Alert\rX: y", "body");
	compose_fails(&m, SK_EINVAL, &err);

	m = basic("Alert", "body");
	m.to = bad_to;
	compose_fails(&m, SK_EINVAL, &err);
	assert_non_null(strstr(err.msg, "line break"));
	m.to = bad_name;
	compose_fails(&m, SK_EINVAL, &err);
	assert_non_null(strstr(err.msg, "To: recipient 1"));
	m = basic("Alert", "body");
	m.from.name = "CERT\r\nBcc: all@example.test";
	compose_fails(&m, SK_EINVAL, &err);
	m = basic("Alert", "body");
	m.headers = &h;
	m.n_headers = 1;
	compose_fails(&m, SK_EINVAL, &err);
	assert_non_null(strstr(err.msg, "In-Reply-To"));
	h = (struct mail_header){"Bcc", "all@example.test"};
	compose_fails(&m, SK_EINVAL, &err);
	h = (struct mail_header){"X-Bad:Name", "v"};
	compose_fails(&m, SK_EINVAL, &err);
	h = (struct mail_header){"X-Bad Name", "v"};
	compose_fails(&m, SK_EINVAL, &err);
	h = (struct mail_header){"X-Utf8", "é"};
	compose_fails(&m, SK_EINVAL, &err);
	m = basic("Alert", "body");
	m.message_id = "<a@example.be>\r\nBcc: all@example.test";
	compose_fails(&m, SK_EINVAL, &err);
	m = basic("Alert", "body");
	m.attachments = &a;
	m.n_attachments = 1;
	compose_fails(&m, SK_EINVAL, &err);
	assert_non_null(strstr(err.msg, "attachment 1"));
}

static void test_bad_input(void **state)
{
	const struct mail_addr none[] = {{NULL, "x@example.be"}};
	struct mail_attachment a = {"ok.txt", "text/plain; \"charset\"", "x", 1};
	struct mail_message m;
	struct sk_error err;

	(void)state;
	m = basic("x", "invalid \xc3\x28 UTF-8");
	compose_fails(&m, SK_EINVAL, &err);
	assert_non_null(strstr(err.msg, "UTF-8"));
	m = basic("bad \xff subject", "body");
	compose_fails(&m, SK_EINVAL, &err);
	m = basic("x", "y");
	m.n_to = 0;
	compose_fails(&m, SK_EINVAL, &err);
	m.to = none;
	m.n_to = MAIL_TO_MAX + 1;
	compose_fails(&m, SK_EINVAL, &err);
	m = basic("x", "y");
	m.from.addr = "not-an-address";
	compose_fails(&m, SK_EINVAL, &err);
	assert_non_null(strstr(err.msg, "From"));
	m = basic("x", "y");
	m.attachments = &a;
	m.n_attachments = 1;
	compose_fails(&m, SK_EINVAL, &err);
	a = (struct mail_attachment){"../etc/passwd", NULL, "x", 1};
	compose_fails(&m, SK_EINVAL, &err);
	m = basic("x", "y");
	m.message_id = "no-angle-brackets@example.be";
	compose_fails(&m, SK_EINVAL, &err);
}

static void test_size_limit(void **state)
{
	size_t big = MAIL_MESSAGE_MAX / 78 * 57 + 1;
	char *data = calloc(1, big);
	struct mail_attachment a = {"big.bin", NULL, data, big};
	struct mail_message m = basic("big", "body");
	struct sk_error err;
	char *out;

	(void)state;
	assert_non_null(data);
	m.attachments = &a;
	m.n_attachments = 1;
	compose_fails(&m, SK_ETOOBIG, &err);
	assert_non_null(strstr(err.msg, "10 MiB"));
	/* Just under the limit goes, and stays under MAIL_MESSAGE_MAX. */
	a.len = MAIL_MESSAGE_MAX / 78 * 57 - 16 * 1024;
	out = compose_ok(&m, NULL);
	assert_true(strlen(out) <= MAIL_MESSAGE_MAX);
	free(out);
	free(data);
}

static void test_addr_check(void **state)
{
	char out[MAIL_ADDR_MAX + 1];
	struct sk_error err = {0};
	const char *bad[] = {"",
			     "plain",
			     "@example.be",
			     "a@",
			     "a@b",
			     ".a@example.be",
			     "a.@example.be",
			     "a..b@example.be",
			     "a b@example.be",
			     "a\"b@example.be",
			     "a@example..be",
			     "a@[192.0.2.1]",
			     "a@example.be\r\n",
			     "<a@example.be>"};

	(void)state;
	assert_int_equal(mail_addr_check("CERT+ops@Example.BE", out, &err), 0);
	assert_string_equal(out, "CERT+ops@example.be");
	assert_int_equal(mail_addr_check("soc@bücher.example", out, &err), 0);
	assert_string_equal(out, "soc@xn--bcher-kva.example");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(out, sizeof(out), "untouched");
		if (mail_addr_check(bad[i], out, &err) != SK_EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
		assert_string_equal(out, "untouched");
	}
}

static int setup(void **state)
{
	(void)state;
	g_mime_init();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	g_mime_shutdown();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain_message),
	    cmocka_unit_test(test_two_messages_two_ids),
	    cmocka_unit_test(test_encoded_subject),
	    cmocka_unit_test(test_display_names_and_recipients),
	    cmocka_unit_test(test_quoted_printable_body),
	    cmocka_unit_test(test_extra_headers),
	    cmocka_unit_test(test_attachments),
	    cmocka_unit_test(test_header_injection_refused),
	    cmocka_unit_test(test_bad_input),
	    cmocka_unit_test(test_size_limit),
	    cmocka_unit_test(test_addr_check),
	};

	return cmocka_run_group_tests_name("mail_message", tests, setup, teardown);
}
