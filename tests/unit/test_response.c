/* tests/unit/test_response.c: the API's JSON answers: the error shape,
 * the status for each error code, and what clients are not shown. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "http/response.h"
#include "lib/error.h"

/* The rendered body of resp; caller frees. */
static char *render(const struct http_response *resp)
{
	size_t len = 0;
	char *text = http_response_render(resp, &len);

	assert_non_null(text);
	assert_int_equal(strlen(text), len);
	assert_int_equal(text[len - 1], '\n');
	return text;
}

static void test_error_shape(void **state)
{
	struct http_response resp;
	char *text;

	(void)state;
	http_response_init(&resp);
	http_response_error(&resp, 405, "method_not_allowed", "method %s is not allowed",
			    "PUT");
	assert_int_equal(resp.status, 405);
	text = render(&resp);
	assert_string_equal(text, "{\"error\":{\"code\":\"method_not_allowed\","
				  "\"message\":\"method PUT is not allowed\"}}\n");
	free(text);
	http_response_clear(&resp);
	assert_null(resp.body);
	assert_int_equal(resp.status, 0);
}

static void test_from_error(void **state)
{
	static const struct {
		int code, status;
		const char *name;
	} cases[] = {
	    {SK_EINVAL, 400, "invalid"},      {SK_EPERM, 403, "forbidden"},
	    {SK_ENOTFOUND, 404, "not_found"}, {SK_EEXIST, 409, "conflict"},
	    {SK_ETOOBIG, 413, "too_large"},   {SK_ETEMP, 503, "unavailable"},
	    {SK_EIO, 500, "internal"},
	};
	struct http_response resp;
	struct sk_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		http_response_init(&resp);
		sk_error_set(&err, cases[i].code, "198.51.100.1/24: host bits are set");
		http_response_from_error(&resp, &err);
		assert_int_equal(resp.status, cases[i].status);
		assert_string_equal(json_string_value(json_object_get(
					json_object_get(resp.body, "error"), "code")),
				    cases[i].name);
		assert_int_equal(resp.retry_after,
				 cases[i].code == SK_ETEMP ? HTTP_RETRY_AFTER : 0);
		http_response_clear(&resp);
	}
}

static void test_messages(void **state)
{
	struct http_response resp;
	struct sk_error err;
	const char *msg;

	(void)state;
	/* Validation messages reach the user word for word. */
	http_response_init(&resp);
	sk_error_set(&err, SK_EINVAL, "198.51.100.1/24: host bits are set");
	http_response_from_error(&resp, &err);
	msg =
	    json_string_value(json_object_get(json_object_get(resp.body, "error"), "message"));
	assert_string_equal(msg, "198.51.100.1/24: host bits are set");
	http_response_clear(&resp);

	/* Internal failures do not leak details. */
	sk_error_set(&err, SK_EIO, "sqlite: disk I/O error at /var/lib/schakel/schakel.db");
	http_response_from_error(&resp, &err);
	msg =
	    json_string_value(json_object_get(json_object_get(resp.body, "error"), "message"));
	assert_null(strstr(msg, "/var/lib"));
	http_response_clear(&resp);

	/* A message quoting bytes that are not UTF-8 is still sent. */
	sk_error_set(&err, SK_ENOTFOUND, "organization '\xff\xfe' not found");
	http_response_from_error(&resp, &err);
	msg =
	    json_string_value(json_object_get(json_object_get(resp.body, "error"), "message"));
	assert_string_equal(msg, "organization '?"
				 "?' not found"); /* no trigraph */
	http_response_clear(&resp);
}

static void test_list_and_location(void **state)
{
	struct http_response resp;
	json_t *items = json_array();
	char *text;

	(void)state;
	http_response_init(&resp);
	json_array_append_new(items, json_integer(1));
	http_response_list(&resp, items, 3);
	http_response_location(&resp, "/api/v1/orgs/%d", 12);
	assert_int_equal(resp.status, 200);
	assert_string_equal(resp.location, "/api/v1/orgs/12");
	text = render(&resp);
	assert_string_equal(text, "{\"items\":[1],\"total\":3}\n");
	free(text);

	/* 204: no body at all. */
	http_response_json(&resp, 204, NULL);
	assert_int_equal(resp.status, 204);
	assert_string_equal(resp.location, "");
	assert_null(http_response_render(&resp, &(size_t){0}));
	http_response_clear(&resp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_error_shape),
	    cmocka_unit_test(test_from_error),
	    cmocka_unit_test(test_messages),
	    cmocka_unit_test(test_list_and_location),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
