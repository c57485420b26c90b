/* tests/unit/test_forwarded.c: the client's address behind trusted
 * proxies: X-Forwarded-For believed only from a trusted peer and only up
 * to the first untrusted hop, malformed entries ending the walk, and the
 * trusted_proxies list as the configuration gives it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "http/forwarded.h"
#include "lib/error.h"

static struct forwarded_proxies proxies;

static int setup(void **state)
{
	(void)state;
	return forwarded_parse("127.0.0.1, ::1, 192.0.2.0/24", &proxies, NULL);
}

/* The client forwarded_client() finds for peer and xff. */
static const char *client(const char *peer, const char *xff)
{
	static char out[FORWARDED_ADDR_MAX];

	forwarded_client(&proxies, peer, xff, out);
	return out;
}

static void test_parse(void **state)
{
	struct forwarded_proxies fp;
	struct sk_error err = {0};
	char many[2048] = "";

	(void)state;
	assert_int_equal(proxies.n, 3);
	assert_int_equal(forwarded_parse("", &fp, &err), 0);
	assert_int_equal(fp.n, 0);
	assert_int_equal(forwarded_parse("2001:db8::/32,", &fp, &err), 0);
	assert_int_equal(fp.n, 1);
	assert_int_equal(forwarded_parse("127.0.0.1, proxy.example", &fp, &err), SK_ECONFIG);
	assert_non_null(strstr(err.msg, "proxy.example"));
	assert_int_equal(forwarded_parse("192.0.2.1/24", &fp, &err), SK_ECONFIG);
	assert_int_equal(forwarded_parse("127.0.0.1,,::1", &fp, &err), SK_ECONFIG);
	for (int i = 0; i <= FORWARDED_PROXIES_MAX; i++) {
		size_t n = strlen(many);

		snprintf(many + n, sizeof(many) - n, "%s198.51.100.%d", i ? "," : "", i);
	}
	assert_int_equal(forwarded_parse(many, &fp, &err), SK_ECONFIG);
	assert_non_null(strstr(err.msg, "more than"));
}

static void test_trusted(void **state)
{
	(void)state;
	assert_true(forwarded_trusted(&proxies, "127.0.0.1"));
	assert_true(forwarded_trusted(&proxies, "::1"));
	assert_true(forwarded_trusted(&proxies, "192.0.2.200"));
	assert_false(forwarded_trusted(&proxies, "127.0.0.2"));
	assert_false(forwarded_trusted(&proxies, "198.51.100.1"));
	assert_false(forwarded_trusted(&proxies, "-"));
}

static void test_untrusted_peer(void **state)
{
	(void)state;
	/* The header of a peer that is no proxy of ours is its own claim. */
	assert_string_equal(client("198.51.100.7", "203.0.113.5"), "198.51.100.7");
	assert_string_equal(client("198.51.100.7", NULL), "198.51.100.7");
	/* A trusted peer without the header is the client itself. */
	assert_string_equal(client("127.0.0.1", NULL), "127.0.0.1");
}

static void test_trusted_peer(void **state)
{
	(void)state;
	assert_string_equal(client("127.0.0.1", "203.0.113.5"), "203.0.113.5");
	/* What the client put in front is not believed: the last
	 * untrusted entry is the client. */
	assert_string_equal(client("127.0.0.1", "10.9.9.9, 203.0.113.5"), "203.0.113.5");
	/* Trusted hops on the right are passed over. */
	assert_string_equal(client("127.0.0.1", "203.0.113.5, 192.0.2.10"), "203.0.113.5");
	assert_string_equal(client("::1", "2001:db8:0:0::7 ,\t192.0.2.10"), "2001:db8::7");
	/* Only trusted hops: the leftmost is as far as we can see. */
	assert_string_equal(client("127.0.0.1", "192.0.2.3, 192.0.2.10"), "192.0.2.3");
}

static void test_malformed(void **state)
{
	char long_list[4096] = "203.0.113.5";

	(void)state;
	/* A bad entry ends the walk at the trusted hop that handed it on. */
	assert_string_equal(client("127.0.0.1", "unknown"), "127.0.0.1");
	assert_string_equal(client("127.0.0.1", "203.0.113.5, unknown, 192.0.2.10"),
			    "192.0.2.10");
	assert_string_equal(client("127.0.0.1", "203.0.113.5:4711"), "127.0.0.1");
	assert_string_equal(client("127.0.0.1", ""), "127.0.0.1");
	assert_string_equal(client("127.0.0.1", "203.0.113.5,"), "127.0.0.1");
	assert_string_equal(client("127.0.0.1", "198.51.100.0/24"), "127.0.0.1");
	/* A long run of trusted hops is not walked to its end. */
	for (int i = 0; i < FORWARDED_HOPS_MAX + 5; i++) {
		size_t n = strlen(long_list);

		snprintf(long_list + n, sizeof(long_list) - n, ", 192.0.2.%d", i % 250 + 1);
	}
	assert_string_not_equal(client("127.0.0.1", long_list), "203.0.113.5");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),	   cmocka_unit_test(test_trusted),
	    cmocka_unit_test(test_untrusted_peer), cmocka_unit_test(test_trusted_peer),
	    cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
