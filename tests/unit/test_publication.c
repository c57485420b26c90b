/* tests/unit/test_publication.c: a publication's fields and the checks
 * on files to attach: names, media types and the size limits, each
 * refused naming the field; and its JSON read back as written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisory/publication.h"
#include "lib/error.h"

static const struct publication_settings limits = {
    .prefix = "CERT-PUB", .max_attachment = 100, .max_attachments = 2, .max_total = 150};

static int check(const struct publication *p, const char *name, const char *type, size_t size,
		 struct sk_error *err)
{
	struct publication_file f = {
	    .name = name, .media_type = type, .data = "", .size = size};

	sk_error_clear(err);
	return publication_file_check(p, &limits, &f, err);
}

static void test_file_names(void **state)
{
	static const char *const bad[] = {"",	     "../etc/passwd", "a/b",
					  ".hidden", "a\\b",	      "say\"hi\".txt",
					  "a;b",     "tab\there",     "nl\n.txt"};
	struct publication p;
	struct sk_error err = {0};

	(void)state;
	publication_init(&p);
	assert_int_equal(check(&p, "report 2026.pdf", "application/pdf", 10, &err), 0);
	assert_int_equal(check(&p, "übersicht.txt", "text/plain", 10, &err), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(check(&p, bad[i], "text/plain", 1, &err), SK_EINVAL);
		assert_non_null(strstr(err.msg, "attachments: "));
	}
	assert_int_equal(check(&p, "a.txt", "text", 1, &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "attachments.a.txt: media type"));
	assert_int_equal(check(&p, "a.txt", "text/plain; charset=utf-8", 1, &err), SK_EINVAL);
	publication_clear(&p);
}

static void test_file_limits(void **state)
{
	struct publication p;
	struct sk_error err = {0};

	(void)state;
	publication_init(&p);
	assert_int_equal(check(&p, "big.bin", "application/octet-stream", 101, &err),
			 SK_ETOOBIG);
	assert_string_equal(
	    err.msg, "attachments.big.bin: 101 bytes, more than max_attachment (100 bytes)");
	p.att = calloc(2, sizeof(*p.att));
	p.n_att = 1;
	snprintf(p.att[0].name, sizeof(p.att[0].name), "one.txt");
	p.att[0].size = 100;
	assert_int_equal(check(&p, "one.txt", "text/plain", 1, &err), SK_EEXIST);
	assert_int_equal(check(&p, "two.txt", "text/plain", 51, &err), SK_ETOOBIG);
	assert_non_null(strstr(err.msg, "more than max_total"));
	assert_int_equal(check(&p, "two.txt", "text/plain", 50, &err), 0);
	p.n_att = 2;
	snprintf(p.att[1].name, sizeof(p.att[1].name), "two.txt");
	assert_int_equal(check(&p, "three.txt", "text/plain", 0, &err), SK_ETOOBIG);
	assert_non_null(strstr(err.msg, "max_attachments"));
	publication_clear(&p);
}

static void test_fields(void **state)
{
	struct publication p, back;
	struct sk_error err = {0};
	json_t *in, *out;

	(void)state;
	publication_init(&p);
	publication_init(&back);
	assert_int_equal(publication_set_field(&p, "kind", "rumour", &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "kind: 'rumour'"));
	assert_int_equal(publication_set_field(&p, "tlp", "TLP:PINK", &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "tlp"));
	in = json_pack("{s:s,s:s,s:s,s:s,s:{s:b}}", "kind", "best-practice", "title", "Backups",
		       "body", "# Keep three copies", "tlp", "TLP:CLEAR", "audience", "all", 1);
	assert_int_equal(publication_set_json(&p, in, &err), 0);
	json_decref(in);
	assert_int_equal(publication_validate(&p, false, &err), 0);
	assert_int_equal(publication_validate(&p, true, &err), SK_EINVAL);
	assert_string_equal(err.msg, "summary: missing");
	in = json_pack("{s:s}", "cves", "CVE-2026-1");
	assert_int_equal(publication_set_json(&p, in, &err), SK_EINVAL);
	assert_string_equal(err.msg, "cves: no such field");
	json_decref(in);
	out = publication_to_json(&p);
	assert_null(json_object_get(out, "products"));
	assert_int_equal(publication_from_json(&back, out, &err), 0);
	json_decref(out);
	assert_int_equal(back.kind, PUBLICATION_BEST_PRACTICE);
	assert_string_equal(back.body, "# Keep three copies");
	assert_true(back.base.audience.all);
	assert_int_equal(back.base.tlp, TLP_CLEAR);
	publication_clear(&p);
	publication_clear(&back);
}

static void test_body_limit(void **state)
{
	struct publication p;
	struct sk_error err = {0};
	char *big = malloc(PUBLICATION_BODY_MAX + 2);

	(void)state;
	publication_init(&p);
	memset(big, 'a', PUBLICATION_BODY_MAX + 1);
	big[PUBLICATION_BODY_MAX + 1] = '\0';
	assert_int_equal(publication_set_field(&p, "body", big, &err), SK_ETOOBIG);
	assert_non_null(strstr(err.msg, "body: more than"));
	big[PUBLICATION_BODY_MAX] = '\0';
	assert_int_equal(publication_set_field(&p, "body", big, &err), 0);
	free(big);
	publication_clear(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_file_names),
	    cmocka_unit_test(test_file_limits),
	    cmocka_unit_test(test_fields),
	    cmocka_unit_test(test_body_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
