/* tests/unit/test_session.c: the session cookie as the server reads it
 * from a Cookie header (among other cookies, malformed ones refused), the
 * CSRF decisions (which methods need the token, which tokens pass), the
 * Set-Cookie value and fresh random ids. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <string.h>

#include "http/session.h"

#define ID  "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA0"
#define ID2 "Zz-_0123456789abcdefghijklmnopqrstuvwxyzABC"

static void test_cookie_found(void **state)
{
	char id[SESSION_RANDOM_LEN + 1];

	(void)state;
	assert_int_equal(strlen(ID), SESSION_RANDOM_LEN);
	assert_true(session_cookie_id("schakel_session=" ID, id));
	assert_string_equal(id, ID);
	/* Among other cookies, with spaces around. */
	assert_true(session_cookie_id("theme=dark;  schakel_session=" ID2 " ; lang=nl", id));
	assert_string_equal(id, ID2);
	/* A malformed first one does not hide a good one. */
	assert_true(session_cookie_id("schakel_session=short; schakel_session=" ID, id));
	assert_string_equal(id, ID);
}

static void test_cookie_refused(void **state)
{
	static const char *const bad[] = {
	    NULL,
	    "",
	    "theme=dark",
	    "schakel_session=",
	    "schakel_session=" ID "A",					   /* too long */
	    "schakel_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",  /* too short */
	    "schakel_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", /* padding */
	    "schakel_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/+", /* not base64url */
	    "xschakel_session=" ID, /* another cookie's name */
	    "schakel_session =" ID,
	    "Schakel_Session=" ID,
	};
	char id[SESSION_RANDOM_LEN + 1] = "untouched";

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (session_cookie_id(bad[i], id))
			fail_msg("cookie %zu taken: %s", i, bad[i]);
	}
	assert_string_equal(id, "untouched");
}

static void test_csrf_methods(void **state)
{
	(void)state;
	assert_false(session_needs_csrf("GET"));
	assert_false(session_needs_csrf("HEAD"));
	assert_true(session_needs_csrf("POST"));
	assert_true(session_needs_csrf("PUT"));
	assert_true(session_needs_csrf("PATCH"));
	assert_true(session_needs_csrf("DELETE"));
	assert_true(session_needs_csrf("OPTIONS"));
	assert_true(session_needs_csrf("get"));
}

static void test_csrf_tokens(void **state)
{
	(void)state;
	assert_true(session_csrf_ok(ID, ID));
	assert_false(session_csrf_ok(ID, NULL));
	assert_false(session_csrf_ok(ID, ""));
	assert_false(session_csrf_ok(ID, ID2));
	assert_false(session_csrf_ok(ID, ID "A"));
	assert_false(session_csrf_ok(ID, "AAAA"));
	/* A session without a token accepts none. */
	assert_false(session_csrf_ok("", ""));
}

static void test_set_cookie(void **state)
{
	char v[SESSION_HEADER_MAX];

	(void)state;
	session_set_cookie(v, ID, false);
	assert_string_equal(v, "schakel_session=" ID "; Path=/; HttpOnly; SameSite=Strict");
	session_set_cookie(v, ID, true);
	assert_string_equal(v, "schakel_session=" ID
			       "; Path=/; HttpOnly; SameSite=Strict; Secure");
	session_set_cookie(v, NULL, false);
	assert_string_equal(v,
			    "schakel_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
}

static void test_random(void **state)
{
	char a[SESSION_RANDOM_LEN + 1], b[SESSION_RANDOM_LEN + 1];
	char cookie[64], id[SESSION_RANDOM_LEN + 1];

	(void)state;
	session_random(a);
	session_random(b);
	assert_int_equal(strlen(a), SESSION_RANDOM_LEN);
	assert_string_not_equal(a, b);
	/* A new id is one the cookie parser takes back. */
	memcpy(cookie, "schakel_session=", 17);
	memcpy(cookie + 16, a, SESSION_RANDOM_LEN + 1);
	assert_true(session_cookie_id(cookie, id));
	assert_string_equal(id, a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cookie_found), cmocka_unit_test(test_cookie_refused),
	    cmocka_unit_test(test_csrf_methods), cmocka_unit_test(test_csrf_tokens),
	    cmocka_unit_test(test_set_cookie),	 cmocka_unit_test(test_random),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
