/* tests/unit/test_doctor.c: the pure parts of ops/doctor.c: reading the
 * kernel's clock state, which file modes keep a file private, which
 * store URLs carry a password, and the report's worst status and
 * counts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <sys/timex.h>

#include "ops/doctor.h"

static void test_clock(void **state)
{
	(void)state;
	assert_int_equal(doctor_clock_status(TIME_OK, 0), DOCTOR_OK);
	assert_int_equal(doctor_clock_status(TIME_INS, STA_PLL), DOCTOR_OK);
	/* The kernel says TIME_ERROR, or sets STA_UNSYNC, when no NTP
	 * client disciplines the clock. */
	assert_int_equal(doctor_clock_status(TIME_ERROR, 0), DOCTOR_WARN);
	assert_int_equal(doctor_clock_status(TIME_OK, STA_UNSYNC), DOCTOR_WARN);
	assert_int_equal(doctor_clock_status(TIME_OK, STA_PLL | STA_UNSYNC), DOCTOR_WARN);
	assert_int_equal(doctor_clock_status(-1, 0), DOCTOR_WARN);
}

static void test_mode(void **state)
{
	(void)state;
	assert_true(doctor_mode_private(0100600));
	assert_true(doctor_mode_private(0040700));
	assert_true(doctor_mode_private(0400));
	assert_false(doctor_mode_private(0100644));
	assert_false(doctor_mode_private(0640));
	assert_false(doctor_mode_private(0604));
	assert_false(doctor_mode_private(0602));
	assert_false(doctor_mode_private(0610));
	assert_false(doctor_mode_private(0040755));
}

static void test_url_password(void **state)
{
	(void)state;
	assert_true(
	    doctor_url_has_password("postgresql://schakel:s3cret@db.example:5432/schakel"));
	assert_true(doctor_url_has_password("postgres://u:p@localhost/x"));
	assert_true(doctor_url_has_password("postgresql://db.example/schakel?password=x"));
	assert_false(doctor_url_has_password("postgresql://schakel@db.example:5432/schakel"));
	assert_false(doctor_url_has_password("postgresql://db.example:5432/schakel"));
	assert_false(doctor_url_has_password("postgresql:///schakel?host=/run/postgresql"));
	assert_false(doctor_url_has_password("sqlite:/var/lib/schakel/schakel.db"));
	/* An '@' past the host is not a user's. */
	assert_false(doctor_url_has_password("postgresql://db.example:5432/a@b"));
}

static void test_report(void **state)
{
	struct doctor_report r = {0};
	char longtext[2 * DOCTOR_TEXT_MAX];

	(void)state;
	assert_int_equal(doctor_worst(&r), DOCTOR_OK);
	for (int i = 0; i < 20; i++)
		doctor_add(&r, "store", DOCTOR_OK, NULL, "row %d", i);
	assert_int_equal(doctor_worst(&r), DOCTOR_OK);
	doctor_add(&r, "clock", DOCTOR_WARN, "run chrony", "not synchronized");
	assert_int_equal(doctor_worst(&r), DOCTOR_WARN);
	memset(longtext, 'x', sizeof(longtext) - 1);
	longtext[sizeof(longtext) - 1] = '\0';
	doctor_add(&r, "relay", DOCTOR_FAIL, longtext, "%s", longtext);
	assert_int_equal(doctor_worst(&r), DOCTOR_FAIL);
	assert_int_equal(doctor_count(&r, DOCTOR_OK), 20);
	assert_int_equal(doctor_count(&r, DOCTOR_WARN), 1);
	assert_int_equal(doctor_count(&r, DOCTOR_FAIL), 1);
	assert_string_equal(r.rows[19].finding, "row 19");
	assert_string_equal(r.rows[20].fix, "run chrony");
	assert_string_equal(r.rows[0].fix, "");
	assert_int_equal(strlen(r.rows[21].finding), DOCTOR_TEXT_MAX - 1);
	assert_int_equal(strlen(r.rows[21].fix), DOCTOR_TEXT_MAX - 1);
	assert_string_equal(doctor_status_name(r.rows[21].status), "fail");
	assert_string_equal(doctor_status_name(DOCTOR_WARN), "warn");
	assert_string_equal(doctor_status_name(DOCTOR_OK), "ok");
	doctor_report_free(&r);
	assert_int_equal(r.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_clock),
	    cmocka_unit_test(test_mode),
	    cmocka_unit_test(test_url_password),
	    cmocka_unit_test(test_report),
	};

	return cmocka_run_group_tests_name("doctor", tests, NULL, NULL);
}
