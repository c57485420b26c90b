/* tests/unit/test_request.c: what handlers read from a request: ids in
 * the path, query arguments and paging, JSON bodies; and the checks on
 * what a client sends: body framing, media type, query limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "http/request.h"
#include "http/router.h"
#include "lib/error.h"

static const struct router_route routes[] = {
    {"GET", "/orgs/{id}", NULL, ACCESS_USER},
    {NULL, NULL, NULL, ACCESS_PUBLIC},
};
static const struct router_route *const tables[] = {routes, NULL};

/* A request for path with the body given. */
static void make(struct http_request *req, struct router_match *m, const char *path,
		 const char *body)
{
	char allow[ROUTER_ALLOW_MAX];

	memset(req, 0, sizeof(*req));
	assert_int_equal(router_match(tables, "GET", path, m, allow), ROUTER_FOUND);
	req->match = m;
	req->body = body;
	req->body_len = strlen(body);
}

static void test_id(void **state)
{
	struct http_request req;
	struct router_match m;
	struct sk_error err;
	int64_t id = -7;

	(void)state;
	make(&req, &m, "/orgs/12", "");
	assert_int_equal(http_request_id(&req, "id", "organization", &id, &err), 0);
	assert_int_equal(id, 12);
	id = -7;
	for (const char *const *p = (const char *const[]){"/orgs/0", "/orgs/-1", "/orgs/1x",
							  "/orgs/99999999999999999999", NULL};
	     *p != NULL; p++) {
		make(&req, &m, *p, "");
		assert_int_equal(http_request_id(&req, "id", "organization", &id, &err),
				 SK_ENOTFOUND);
		assert_int_equal(id, -7);
	}
	assert_string_equal(err.msg, "organization '99999999999999999999' not found");
}

static void test_query(void **state)
{
	struct http_request req;
	struct router_match m;
	struct sk_error err;
	struct http_page pg;
	int64_t v = 0;
	int taken = 0;

	(void)state;
	make(&req, &m, "/orgs/1", "");
	req.query[0] = (struct http_query_arg){"q", "198.51.100.7"};
	req.query[1] = (struct http_query_arg){"limit", "2"};
	req.query[2] = (struct http_query_arg){"offset", "1"};
	req.query[3] = (struct http_query_arg){"q", "second"};
	req.nquery = 4;
	assert_string_equal(http_request_query(&req, "q"), "198.51.100.7");
	assert_null(http_request_query(&req, "Q"));
	assert_int_equal(http_request_query_int(&req, "absent", 0, 9, 5, &v, &err), 0);
	assert_int_equal(v, 5);

	assert_int_equal(http_request_page(&req, &pg, &err), 0);
	for (int i = 0; i < 5; i++)
		if (http_page_take(&pg))
			taken |= 1 << i;
	assert_int_equal(taken, 0x6); /* items 1 and 2 */
	assert_int_equal(pg.seen, 5);

	req.query[1].value = "0";
	assert_int_equal(http_request_page(&req, &pg, &err), SK_EINVAL);
	assert_string_equal(err.msg,
			    "query argument limit must be a whole number from 1 to 10000");
	req.query[1].value = "10";
	req.query[2].value = "-1";
	assert_int_equal(http_request_page(&req, &pg, &err), SK_EINVAL);
}

/* Unknown arguments are named with the known ones; times read as the
 * events API reads them, naming the argument when they do not. */
static void test_query_known_and_time(void **state)
{
	static const char *const known[] = {"since", "until", NULL};
	struct http_request req;
	struct router_match m;
	struct sk_error err;
	int64_t t = -1;

	(void)state;
	make(&req, &m, "/orgs/1", "");
	req.query[0] = (struct http_query_arg){"since", "2024-01-31"};
	req.query[1] = (struct http_query_arg){"until", "2024-01-31T12:00:00Z"};
	req.nquery = 2;
	assert_int_equal(http_request_known_args(&req, known, &err), 0);
	assert_int_equal(http_request_query_time(&req, "since", &t, &err), 0);
	assert_int_equal(t, 1706659200);
	assert_int_equal(http_request_query_time(&req, "until", &t, &err), 0);
	assert_int_equal(t, 1706702400);
	assert_int_equal(http_request_query_time(&req, "absent", &t, &err), 0);
	assert_int_equal(t, 0);

	req.query[2] = (struct http_query_arg){"snice", "1d"};
	req.nquery = 3;
	assert_int_equal(http_request_known_args(&req, known, &err), SK_EINVAL);
	assert_string_equal(err.msg, "unknown query argument 'snice' (known: since, until)");

	req.query[0].value = "next week";
	t = -1;
	assert_int_equal(http_request_query_time(&req, "since", &t, &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "query argument since"));
	assert_int_equal(t, -1);
}

static void test_json(void **state)
{
	struct http_request req;
	struct router_match m;
	struct sk_error err;
	json_t *v = NULL;

	(void)state;
	make(&req, &m, "/orgs/1", "{\"name\": \"Example Energy\"}");
	assert_int_equal(http_request_json(&req, true, &v, &err), 0);
	assert_string_equal(json_string_value(json_object_get(v, "name")), "Example Energy");
	json_decref(v);
	v = NULL;

	make(&req, &m, "/orgs/1", "{\"name\": ");
	assert_int_equal(http_request_json(&req, true, &v, &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "malformed JSON at line 1"));
	assert_null(v);

	make(&req, &m, "/orgs/1", "{\"a\": 1, \"a\": 2}");
	assert_int_equal(http_request_json(&req, true, &v, &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "duplicate"));

	make(&req, &m, "/orgs/1", "\"198.51.100.0/24\"");
	assert_int_equal(http_request_json(&req, true, &v, &err), SK_EINVAL);
	assert_string_equal(err.msg, "the request body must be a JSON object");
	assert_int_equal(http_request_json(&req, false, &v, &err), 0);
	assert_string_equal(json_string_value(v), "198.51.100.0/24");
	json_decref(v);

	make(&req, &m, "/orgs/1", "");
	assert_int_equal(http_request_json(&req, false, &v, &err), SK_EINVAL);
	assert_string_equal(err.msg, "the request needs a JSON body");

	/* Not UTF-8. */
	make(&req, &m, "/orgs/1", "{\"name\": \"\xff\"}");
	assert_int_equal(http_request_json(&req, true, &v, &err), SK_EINVAL);
}

/* Content-Length and Transfer-Encoding: one or the other, never both
 * (RFC 9112 section 6.3), and a length within max_body. */
static void test_framing(void **state)
{
	struct http_framing f = {true, true, 99};
	struct sk_error err;

	(void)state;
	assert_int_equal(http_request_framing(NULL, 0, NULL, 100, &f, &err), 0);
	assert_false(f.has_body);
	assert_int_equal(http_request_framing("0", 1, NULL, 100, &f, &err), 0);
	assert_false(f.has_body);
	assert_int_equal(http_request_framing("100", 1, NULL, 100, &f, &err), 0);
	assert_true(f.has_body);
	assert_false(f.chunked);
	assert_int_equal(f.length, 100);
	assert_int_equal(http_request_framing(NULL, 0, "chunked", 100, &f, &err), 0);
	assert_true(f.has_body && f.chunked);
	assert_int_equal(http_request_framing(NULL, 0, " Chunked ", 100, &f, &err), 0);

	f.length = 7;
	assert_int_equal(http_request_framing("5", 1, "chunked", 100, &f, &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "both Content-Length and Transfer-Encoding"));
	assert_int_equal(f.length, 7); /* untouched on failure */
	assert_int_equal(http_request_framing("5", 2, NULL, 100, &f, &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "2 Content-Length"));
	assert_int_equal(http_request_framing(NULL, 0, "gzip, chunked", 100, &f, &err),
			 SK_EINVAL);
	assert_int_equal(http_request_framing(NULL, 0, "chunked, chunked", 100, &f, &err),
			 SK_EINVAL);
	assert_int_equal(http_request_framing(NULL, 0, "chunkedx", 100, &f, &err), SK_EINVAL);
	assert_int_equal(http_request_framing("-1", 1, NULL, 100, &f, &err), SK_EINVAL);
	assert_int_equal(http_request_framing("5, 5", 1, NULL, 100, &f, &err), SK_EINVAL);
	assert_int_equal(http_request_framing("0x10", 1, NULL, 100, &f, &err), SK_EINVAL);
	assert_int_equal(http_request_framing("99999999999999999999", 1, NULL, 100, &f, &err),
			 SK_EINVAL);
	assert_int_equal(http_request_framing("101", 1, NULL, 100, &f, &err), SK_ETOOBIG);
	assert_non_null(strstr(err.msg, "larger than 100 bytes"));
}

static void test_json_type(void **state)
{
	(void)state;
	assert_true(http_request_is_json("application/json"));
	assert_true(http_request_is_json(" Application/JSON; charset=utf-8"));
	assert_false(http_request_is_json(NULL));
	assert_false(http_request_is_json("application/jsonx"));
	assert_false(http_request_is_json("text/plain"));
	assert_false(http_request_is_json(""));
	assert_true(http_request_is_media("application/x-ndjson", "application/x-ndjson"));
	assert_true(http_request_is_media("application/x-ndjson; charset=utf-8",
					  "application/x-ndjson"));
	assert_false(http_request_is_media("application/x-ndjsonx", "application/x-ndjson"));
	assert_false(http_request_is_media(NULL, "application/x-ndjson"));
}

/* Query arguments stop at HTTP_QUERY_MAX and at HTTP_QUERY_BYTES_MAX. */
static void test_query_limits(void **state)
{
	static char big[HTTP_QUERY_BYTES_MAX];
	struct http_request req;
	size_t bytes = 0;

	(void)state;
	memset(&req, 0, sizeof(req));
	for (int i = 0; i < HTTP_QUERY_MAX; i++)
		assert_true(http_request_add_query(&req, &bytes, "k", i % 2 ? "v" : NULL));
	assert_false(http_request_add_query(&req, &bytes, "k", "v"));
	assert_int_equal(req.nquery, HTTP_QUERY_MAX);
	assert_string_equal(req.query[0].value, "");
	assert_string_equal(req.query[1].value, "v");

	memset(&req, 0, sizeof(req));
	bytes = 0;
	memset(big, 'a', sizeof(big) - 1);
	assert_false(http_request_add_query(&req, &bytes, "k", big));
	big[HTTP_QUERY_BYTES_MAX - 3] = '\0'; /* key, value and 2: the limit */
	assert_true(http_request_add_query(&req, &bytes, "k", big));
	assert_false(http_request_add_query(&req, &bytes, "", NULL));
	assert_int_equal(req.nquery, 1);
	assert_int_equal(bytes, HTTP_QUERY_BYTES_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_id),
	    cmocka_unit_test(test_query),
	    cmocka_unit_test(test_json),
	    cmocka_unit_test(test_framing),
	    cmocka_unit_test(test_json_type),
	    cmocka_unit_test(test_query_limits),
	    cmocka_unit_test(test_query_known_and_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
