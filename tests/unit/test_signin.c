/* tests/unit/test_signin.c: the sign-in limits: failures counted per
 * user name and per address within a window, lockouts and their end, the
 * table's bound under a flood of names, the concurrency slots. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "http/signin.h"

static const struct signin_config cfg = {
    .concurrency = 2,
    .user_failures = 3,
    .address_failures = 5,
    .window = 600,
    .lockout = 60,
};

static void test_user_lockout(void **state)
{
	struct signin *si = signin_new(&cfg);
	int which = -1;

	(void)state;
	assert_int_equal(signin_check(si, "bob", "192.0.2.1", 1000), 0);
	assert_int_equal(signin_failed(si, "bob", "192.0.2.1", 1000, &which), 0);
	assert_int_equal(which, 0);
	assert_int_equal(signin_failed(si, "bob", "192.0.2.2", 1001, &which), 0);
	assert_int_equal(signin_check(si, "bob", "192.0.2.1", 1002), 0);
	/* The third failure of the name locks it, from every address. */
	assert_int_equal(signin_failed(si, "bob", "192.0.2.3", 1002, &which), 60);
	assert_int_equal(which, SIGNIN_LOCKED_USER);
	assert_int_equal(signin_check(si, "bob", "198.51.100.9", 1002), 60);
	assert_int_equal(signin_check(si, "bob", "198.51.100.9", 1050), 12);
	assert_int_equal(signin_check(si, "alice", "192.0.2.3", 1050), 0);
	/* The lockout ends, and the count starts again. */
	assert_int_equal(signin_check(si, "bob", "192.0.2.1", 1062), 0);
	assert_int_equal(signin_failed(si, "bob", "192.0.2.1", 1062, &which), 0);
	assert_int_equal(signin_check(si, "bob", "192.0.2.1", 1063), 0);
	signin_free(si);
}

static void test_window_and_success(void **state)
{
	struct signin *si = signin_new(&cfg);
	int which;

	(void)state;
	signin_failed(si, "bob", "192.0.2.1", 0, &which);
	signin_failed(si, "bob", "192.0.2.1", 1, &which);
	/* Failures older than the window are forgotten. */
	assert_int_equal(signin_failed(si, "bob", "192.0.2.1", 700, &which), 0);
	assert_int_equal(signin_check(si, "bob", NULL, 701), 0);
	/* A success forgets the name's failures. */
	signin_failed(si, "bob", "192.0.2.9", 702, &which);
	signin_succeeded(si, "bob", 703);
	signin_failed(si, "bob", "192.0.2.9", 704, &which);
	assert_int_equal(signin_failed(si, "bob", "192.0.2.9", 705, &which), 0);
	assert_int_equal(signin_check(si, "bob", NULL, 706), 0);
	signin_free(si);
}

static void test_address_lockout(void **state)
{
	struct signin *si = signin_new(&cfg);
	char name[32];
	int which = 0;

	(void)state;
	for (int i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "guess%d", i);
		assert_int_equal(signin_failed(si, name, "2001:db8::1", 10, &which), 0);
	}
	assert_int_equal(signin_failed(si, "guess4", "2001:db8::1", 10, &which), 60);
	assert_int_equal(which, SIGNIN_LOCKED_ADDRESS);
	assert_int_equal(signin_check(si, "alice", "2001:db8::1", 11), 59);
	assert_int_equal(signin_check(si, "alice", "2001:db8::2", 11), 0);
	signin_free(si);
}

/* A flood of made-up names stays within the table and does not push out
 * a lockout in force. */
static void test_table_bound(void **state)
{
	struct signin *si = signin_new(&cfg);
	char name[600];
	int which;

	(void)state;
	for (int i = 0; i < 3; i++)
		signin_failed(si, "bob", NULL, 5, &which);
	assert_int_equal(signin_check(si, "bob", NULL, 5), 60);
	for (int i = 0; i < 4 * SIGNIN_TABLE_MAX; i++) {
		snprintf(name, sizeof(name), "flood%d", i);
		signin_failed(si, name, NULL, 6, &which);
	}
	assert_int_equal(signin_check(si, "bob", NULL, 7), 58);
	/* Names longer than SIGNIN_KEY_MAX are counted by their start. */
	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	for (int i = 0; i < 3; i++)
		signin_failed(si, name, NULL, 8, &which);
	name[SIGNIN_KEY_MAX + 5] = '\0';
	assert_int_equal(signin_check(si, name, NULL, 8), 60);
	signin_free(si);
}

static void test_slots(void **state)
{
	struct signin *si = signin_new(&cfg);

	(void)state;
	assert_true(signin_slot_take(si));
	assert_true(signin_slot_take(si));
	assert_false(signin_slot_take(si));
	signin_slot_give(si);
	assert_true(signin_slot_take(si));
	assert_false(signin_slot_take(si));
	signin_slot_give(si);
	signin_slot_give(si);
	signin_free(si);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_user_lockout),    cmocka_unit_test(test_window_and_success),
	    cmocka_unit_test(test_address_lockout), cmocka_unit_test(test_table_bound),
	    cmocka_unit_test(test_slots),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
