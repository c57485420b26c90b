/* tests/unit/test_calendar.c: business time on office-hour calendars in
 * Europe/Brussels: weekends, holidays, wall-clock hours across the DST
 * changes of 2026, 24x7, and the parsing of hours, days and holidays. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "lib/calendar.h"
#include "lib/error.h"
#include "lib/str.h"
#include "lib/tz.h"

#define H 3600

static struct tz *zone;

static int64_t at(int64_t y, unsigned mo, unsigned d, int hh, int mm)
{
	return str_days_from_civil(y, mo, d) * 86400 + hh * 3600 + mm * 60;
}

/* The instant the Brussels wall clock reads that date and time. */
static int64_t local(int64_t y, unsigned mo, unsigned d, int hh, int mm)
{
	return tz_local_to_utc(zone, at(y, mo, d, hh, mm));
}

static int setup(void **state)
{
	struct sk_error err = {0};

	(void)state;
	unsetenv("TZDIR");
	zone = tz_load("Europe/Brussels", &err);
	return zone == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	tz_free(zone);
	return 0;
}

static void test_weekend(void **state)
{
	struct calendar c;

	(void)state;
	calendar_init_office(&c, zone);
	/* Friday 16 January 2026, 16:00 + 2 h: one hour Friday, one Monday. */
	assert_int_equal(calendar_add(&c, local(2026, 1, 16, 16, 0), 2 * H),
			 local(2026, 1, 19, 10, 0));
	assert_int_equal(local(2026, 1, 19, 10, 0), at(2026, 1, 19, 9, 0));
	/* Opened on Saturday: the clock starts on Monday at 09:00. */
	assert_int_equal(calendar_add(&c, local(2026, 1, 17, 11, 0), 1 * H),
			 local(2026, 1, 19, 10, 0));
	assert_int_equal(calendar_add(&c, local(2026, 1, 17, 11, 0), 0),
			 local(2026, 1, 19, 9, 0));
	/* Before opening, at opening, at closing, exactly to the closing. */
	assert_int_equal(calendar_add(&c, local(2026, 1, 19, 7, 0), 0),
			 local(2026, 1, 19, 9, 0));
	assert_int_equal(calendar_add(&c, local(2026, 1, 19, 9, 0), 0),
			 local(2026, 1, 19, 9, 0));
	assert_int_equal(calendar_add(&c, local(2026, 1, 19, 11, 5), 0),
			 local(2026, 1, 19, 11, 5));
	assert_int_equal(calendar_add(&c, local(2026, 1, 16, 17, 0), 0),
			 local(2026, 1, 19, 9, 0));
	assert_int_equal(calendar_add(&c, local(2026, 1, 19, 9, 0), 8 * H),
			 local(2026, 1, 19, 17, 0));
	assert_int_equal(calendar_add(&c, local(2026, 1, 19, 9, 0), 8 * H + 1),
			 local(2026, 1, 20, 9, 0) + 1);
	/* A whole week of business time is five days later at the same hour. */
	assert_int_equal(calendar_add(&c, local(2026, 1, 14, 10, 0), 40 * H),
			 local(2026, 1, 21, 10, 0));
	assert_int_equal(calendar_add(&c, local(2026, 1, 14, 10, 0), -5),
			 local(2026, 1, 14, 10, 0));
	calendar_clear(&c);
}

static void test_holiday(void **state)
{
	struct sk_error err = {0};
	struct calendar c;

	(void)state;
	calendar_init_office(&c, zone);
	/* Without the holiday, Thursday 24 December 16:00 + 2 h is Friday 10:00. */
	assert_int_equal(calendar_add(&c, local(2026, 12, 24, 16, 0), 2 * H),
			 local(2026, 12, 25, 10, 0));
	assert_int_equal(calendar_set_holidays(&c, "2026-12-25, 2027-01-01", &err), 0);
	assert_true(calendar_is_holiday(&c, str_days_from_civil(2026, 12, 25)));
	assert_false(calendar_is_holiday(&c, str_days_from_civil(2026, 12, 24)));
	/* Christmas is a Friday: the second hour falls on Monday 28th. */
	assert_int_equal(calendar_add(&c, local(2026, 12, 24, 16, 0), 2 * H),
			 local(2026, 12, 28, 10, 0));
	assert_int_equal(calendar_add(&c, local(2026, 12, 25, 9, 30), 0),
			 local(2026, 12, 28, 9, 0));
	/* Between Christmas Eve 09:00 and New Year's Day: 24th, 28th-31st. */
	assert_int_equal(
	    calendar_between(&c, local(2026, 12, 24, 9, 0), local(2027, 1, 2, 0, 0)),
	    5 * 8 * H);
	calendar_clear(&c);
}

/* Office hours follow the wall clock: 09:00-17:00 CET before the change
 * and 09:00-17:00 CEST after it, so the UTC hours move by one. */
static void test_dst_changes(void **state)
{
	struct calendar c;

	(void)state;
	calendar_init_office(&c, zone);
	/* Friday 27 March 2026, 13:00 CET (12:00 UTC) + 8 h: four hours on
	 * Friday, four on Monday 30 March, ending 13:00 CEST = 11:00 UTC. */
	assert_int_equal(calendar_add(&c, at(2026, 3, 27, 12, 0), 8 * H),
			 at(2026, 3, 30, 11, 0));
	assert_int_equal(calendar_add(&c, local(2026, 3, 27, 16, 0), 2 * H),
			 at(2026, 3, 30, 8, 0));
	assert_int_equal(calendar_add(&c, local(2026, 3, 28, 12, 0), 0), at(2026, 3, 30, 7, 0));
	/* Back again: Friday 23 October 16:00 CEST + 2 h is Monday 26
	 * October 10:00 CET = 09:00 UTC. */
	assert_int_equal(calendar_add(&c, at(2026, 10, 23, 14, 0), 2 * H),
			 at(2026, 10, 26, 9, 0));
	/* A business day is 8 h on either side of a change. */
	assert_int_equal(calendar_between(&c, at(2026, 3, 27, 0, 0), at(2026, 3, 31, 0, 0)),
			 16 * H);
	assert_int_equal(calendar_between(&c, at(2026, 10, 23, 0, 0), at(2026, 10, 27, 0, 0)),
			 16 * H);
	/* Open on Sundays too: the days of the change are 8 h as well... */
	calendar_set_days(&c, "mon-sun", NULL);
	assert_int_equal(calendar_between(&c, at(2026, 3, 28, 23, 0), at(2026, 3, 29, 22, 0)),
			 8 * H);
	assert_int_equal(calendar_between(&c, at(2026, 10, 24, 23, 0), at(2026, 10, 25, 23, 0)),
			 8 * H);
	assert_int_equal(calendar_add(&c, at(2026, 3, 28, 23, 0), 0), at(2026, 3, 29, 7, 0));
	assert_int_equal(calendar_add(&c, at(2026, 10, 24, 23, 0), 0), at(2026, 10, 25, 8, 0));
	/* ...but a day open round the clock really has 23 h and 25 h. */
	calendar_set_hours(&c, "00:00-24:00", NULL);
	assert_int_equal(
	    calendar_between(&c, local(2026, 3, 29, 0, 0), local(2026, 3, 30, 0, 0)), 23 * H);
	assert_int_equal(
	    calendar_between(&c, local(2026, 10, 25, 0, 0), local(2026, 10, 26, 0, 0)), 25 * H);
	calendar_clear(&c);
}

static void test_24x7(void **state)
{
	struct calendar c;
	int64_t fri = at(2026, 1, 16, 20, 0);

	(void)state;
	calendar_init_24x7(&c);
	assert_int_equal(calendar_add(&c, fri, 5 * H), fri + 5 * H);
	assert_int_equal(calendar_add(&c, fri, 0), fri);
	assert_int_equal(calendar_between(&c, fri, fri + 3 * 86400), 3 * 86400);
	assert_int_equal(calendar_between(&c, fri, fri - 1), 0);
	assert_int_equal(calendar_add(&c, INT64_MAX - 10, 100), INT64_MAX);
	assert_int_equal(calendar_between(&c, INT64_MIN, INT64_MAX), INT64_MAX);
	calendar_clear(&c);
}

/* calendar_between() undoes calendar_add() for starts all through a
 * month around the spring change, at odd minutes, open and closed. */
static void test_between_matches_add(void **state)
{
	static const int64_t spans[] = {1, 59, H, 8 * H - 1, 8 * H, 8 * H + 1, 27 * H, 200 * H};
	struct sk_error err = {0};
	struct calendar c;

	(void)state;
	calendar_init_office(&c, zone);
	assert_int_equal(calendar_set_holidays(&c, "2026-04-06", &err), 0);
	for (int64_t t = at(2026, 3, 15, 0, 0); t < at(2026, 4, 15, 0, 0); t += 37 * 60) {
		for (size_t i = 0; i < sizeof(spans) / sizeof(spans[0]); i++) {
			int64_t end = calendar_add(&c, t, spans[i]);

			assert_true(end > t);
			assert_int_equal(calendar_between(&c, t, end), spans[i]);
			assert_int_equal(calendar_between(&c, t, end - 1), spans[i] - 1);
		}
	}
	calendar_clear(&c);
}

static void test_bounds(void **state)
{
	struct calendar c;
	int64_t start = local(2026, 1, 19, 9, 0), end;

	(void)state;
	calendar_init_office(&c, zone);
	/* A year of business time (1095 working days) is found quickly. */
	end = calendar_add(&c, start, 365 * 86400);
	assert_true(end > at(2030, 1, 1, 0, 0) && end < at(2030, 12, 31, 0, 0));
	assert_int_equal(calendar_between(&c, start, end), 365 * 86400);
	/* Beyond 100 years: never. */
	assert_int_equal(calendar_add(&c, start, INT64_MAX), INT64_MAX);
	assert_int_equal(calendar_between(&c, start, INT64_MAX), INT64_MAX);
	assert_int_equal(calendar_add(&c, INT64_MAX, 1), INT64_MAX);
	/* No open day at all: never, at once. */
	c.days = 0;
	assert_int_equal(calendar_add(&c, start, 1), INT64_MAX);
	assert_int_equal(calendar_between(&c, start, start + 86400 * 7), 0);
	calendar_clear(&c);
}

static void test_parse(void **state)
{
	struct sk_error err = {0};
	struct calendar c;

	(void)state;
	calendar_init_office(&c, NULL);
	assert_int_equal(calendar_set_hours(&c, "08:30-18:00", &err), 0);
	assert_int_equal(c.open_min, 510);
	assert_int_equal(c.close_min, 1080);
	assert_int_equal(calendar_set_hours(&c, "07:00-24:00", &err), 0);
	assert_int_equal(c.close_min, 1440);
	assert_int_equal(calendar_set_hours(&c, "9:00-17:00", &err), SK_EINVAL);
	assert_int_equal(calendar_set_hours(&c, "09:00-24:30", &err), SK_EINVAL);
	assert_int_equal(calendar_set_hours(&c, "09:00", &err), SK_EINVAL);
	assert_int_equal(calendar_set_hours(&c, "17:00-09:00", &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "overnight"));
	assert_int_equal(c.open_min, 420); /* unchanged by the failures */

	assert_int_equal(calendar_set_days(&c, "mon-fri", &err), 0);
	assert_int_equal(c.days, 0x1f);
	assert_int_equal(calendar_set_days(&c, "Sun-Thu", &err), 0);
	assert_int_equal(c.days, 0x4f);
	assert_int_equal(calendar_set_days(&c, "mon, wed,fri", &err), 0);
	assert_int_equal(c.days, 0x15);
	assert_int_equal(calendar_set_days(&c, "mon,funday", &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "entry 2 'funday'"));
	assert_int_equal(calendar_set_days(&c, "", &err), SK_EINVAL);
	assert_int_equal(calendar_set_days(&c, "mon,", &err), SK_EINVAL);
	assert_int_equal(c.days, 0x15);

	assert_int_equal(calendar_set_holidays(&c, "2027-01-01,2026-12-25, 2026-12-25", &err),
			 0);
	assert_int_equal(c.nholidays, 2);
	assert_true(c.holidays[0] < c.holidays[1]);
	assert_int_equal(calendar_set_holidays(&c, "2026-12-25, 2026-02-30", &err), SK_EINVAL);
	assert_string_equal(err.msg,
			    "entry 2 '2026-02-30' is not a date (expected YYYY-MM-DD)");
	assert_int_equal(c.nholidays, 2); /* unchanged */
	assert_int_equal(calendar_set_holidays(&c, "2026-12-25,,2027-01-01", &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "entry 2 ''"));
	assert_int_equal(calendar_set_holidays(&c, "25/12/2026", &err), SK_EINVAL);
	assert_int_equal(calendar_set_holidays(&c, "2026-13-01", &err), SK_EINVAL);
	assert_int_equal(calendar_set_holidays(&c, " ", &err), 0);
	assert_int_equal(c.nholidays, 0);
	calendar_clear(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_weekend),
	    cmocka_unit_test(test_holiday),
	    cmocka_unit_test(test_dst_changes),
	    cmocka_unit_test(test_24x7),
	    cmocka_unit_test(test_between_matches_add),
	    cmocka_unit_test(test_bounds),
	    cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests_name("calendar", tests, setup, teardown);
}
