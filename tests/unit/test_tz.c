/* tests/unit/test_tz.c: time zones from TZif files and POSIX TZ strings:
 * offsets in winter, summer, before the first and after the last
 * transition of a file, wall times in gaps and overlaps, and damaged
 * files. Reads Europe/Brussels from the system's tzdata. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/error.h"
#include "lib/str.h"
#include "lib/tz.h"

#define H 3600

/* Seconds since the epoch of a date and time, read as UTC or as a wall
 * time depending on what it is given to. */
static int64_t at(int64_t y, unsigned mo, unsigned d, int hh, int mm, int ss)
{
	return str_days_from_civil(y, mo, d) * 86400 + hh * 3600 + mm * 60 + ss;
}

static struct tz *brussels(void)
{
	struct sk_error err = {0};
	struct tz *z;

	unsetenv("TZDIR");
	z = tz_load("Europe/Brussels", &err);
	if (z == NULL)
		fail_msg("Europe/Brussels: %s", err.msg);
	return z;
}

/* The bytes of the system's Brussels file; caller frees. */
static uint8_t *brussels_file(size_t *len)
{
	FILE *f = fopen("/usr/share/zoneinfo/Europe/Brussels", "rb");
	uint8_t *data = malloc(TZ_FILE_MAX);

	assert_non_null(f);
	*len = fread(data, 1, TZ_FILE_MAX, f);
	fclose(f);
	assert_true(*len > 100);
	return data;
}

static void test_brussels_offsets(void **state)
{
	struct tz *z = brussels();

	(void)state;
	assert_string_equal(tz_name(z), "Europe/Brussels");
	assert_int_equal(tz_offset(z, at(2026, 1, 15, 12, 0, 0)), 1 * H);
	assert_int_equal(tz_offset(z, at(2026, 7, 15, 12, 0, 0)), 2 * H);
	/* Spring forward and fall back at 01:00 UTC, to the second. */
	assert_int_equal(tz_offset(z, at(2026, 3, 29, 0, 59, 59)), 1 * H);
	assert_int_equal(tz_offset(z, at(2026, 3, 29, 1, 0, 0)), 2 * H);
	assert_int_equal(tz_offset(z, at(2026, 10, 25, 0, 59, 59)), 2 * H);
	assert_int_equal(tz_offset(z, at(2026, 10, 25, 1, 0, 0)), 1 * H);
	/* Before the first transition: local mean time, +00:17:30. */
	assert_int_equal(tz_offset(z, at(1850, 6, 1, 0, 0, 0)), 1050);
	/* Before the war on Greenwich time; CEST through the winter of 1941. */
	assert_int_equal(tz_offset(z, at(1939, 12, 1, 0, 0, 0)), 0);
	assert_int_equal(tz_offset(z, at(1941, 12, 1, 0, 0, 0)), 2 * H);
	tz_free(z);
}

/* The file's table ends in 2037 (or earlier for a slim build); after it
 * the footer rule CET-1CEST,M3.5.0,M10.5.0/3 must give the same answers. */
static void test_brussels_footer_rule(void **state)
{
	struct tz *z = brussels();

	(void)state;
	assert_int_equal(tz_offset(z, at(2037, 10, 25, 0, 59, 59)), 2 * H);
	assert_int_equal(tz_offset(z, at(2037, 10, 25, 1, 0, 0)), 1 * H);
	/* 2100: last Sundays are March 28 and October 31. */
	assert_int_equal(tz_offset(z, at(2100, 3, 28, 0, 59, 59)), 1 * H);
	assert_int_equal(tz_offset(z, at(2100, 3, 28, 1, 0, 0)), 2 * H);
	assert_int_equal(tz_offset(z, at(2100, 10, 31, 0, 59, 59)), 2 * H);
	assert_int_equal(tz_offset(z, at(2100, 10, 31, 1, 0, 0)), 1 * H);
	assert_int_equal(tz_offset(z, at(2100, 10, 24, 12, 0, 0)), 2 * H);
	assert_int_equal(tz_local_to_utc(z, at(2100, 10, 31, 2, 30, 0)),
			 at(2100, 10, 31, 0, 30, 0));
	/* The ends of time work and stay in range. */
	assert_true(tz_offset(z, INT64_MAX) == 1 * H || tz_offset(z, INT64_MAX) == 2 * H);
	assert_int_equal(tz_offset(z, INT64_MIN), 1050);
	assert_true(tz_local_to_utc(z, INT64_MAX) < INT64_MAX);
	assert_true(tz_local_to_utc(z, INT64_MIN) > INT64_MIN);
	tz_free(z);
}

/* The rule alone and the file's table agree hour by hour over the years
 * both cover. */
static void test_rule_matches_table(void **state)
{
	struct sk_error err = {0};
	struct tz *file = brussels();
	struct tz *rule = tz_posix("CET-1CEST,M3.5.0,M10.5.0/3", &err);
	int changes = 0;

	(void)state;
	assert_non_null(rule);
	for (int64_t t = at(1997, 1, 1, 0, 0, 0); t < at(2038, 1, 1, 0, 0, 0); t += 1800) {
		assert_int_equal(tz_offset(rule, t), tz_offset(file, t));
		changes += tz_offset(rule, t) != tz_offset(rule, t - 1800);
	}
	assert_int_equal(changes, 41 * 2);
	tz_free(rule);
	tz_free(file);
}

static void test_gap_and_overlap(void **state)
{
	struct tz *z = brussels();

	(void)state;
	/* Ordinary wall times. */
	assert_int_equal(tz_local_to_utc(z, at(2026, 1, 15, 9, 0, 0)),
			 at(2026, 1, 15, 8, 0, 0));
	assert_int_equal(tz_local_to_utc(z, at(2026, 7, 15, 9, 0, 0)),
			 at(2026, 7, 15, 7, 0, 0));
	/* 29 March 2026: 02:00 jumps to 03:00; 02:xx moves on by an hour. */
	assert_int_equal(tz_local_to_utc(z, at(2026, 3, 29, 1, 59, 59)),
			 at(2026, 3, 29, 0, 59, 59));
	assert_int_equal(tz_local_to_utc(z, at(2026, 3, 29, 2, 0, 0)),
			 at(2026, 3, 29, 1, 0, 0));
	assert_int_equal(tz_local_to_utc(z, at(2026, 3, 29, 2, 30, 0)),
			 at(2026, 3, 29, 1, 30, 0));
	assert_int_equal(tz_local_to_utc(z, at(2026, 3, 29, 3, 0, 0)),
			 at(2026, 3, 29, 1, 0, 0));
	assert_int_equal(tz_local_to_utc(z, at(2026, 3, 29, 3, 30, 0)),
			 at(2026, 3, 29, 1, 30, 0));
	/* 25 October 2026: 03:00 goes back to 02:00; 02:30 happens twice,
	 * the earlier (CEST) one is taken. */
	assert_int_equal(tz_local_to_utc(z, at(2026, 10, 25, 1, 59, 0)),
			 at(2026, 10, 24, 23, 59, 0));
	assert_int_equal(tz_local_to_utc(z, at(2026, 10, 25, 2, 0, 0)),
			 at(2026, 10, 25, 0, 0, 0));
	assert_int_equal(tz_local_to_utc(z, at(2026, 10, 25, 2, 30, 0)),
			 at(2026, 10, 25, 0, 30, 0));
	assert_int_equal(tz_local_to_utc(z, at(2026, 10, 25, 3, 0, 0)),
			 at(2026, 10, 25, 2, 0, 0));
	tz_free(z);
}

static void test_posix_forms(void **state)
{
	struct sk_error err = {0};
	struct tz *z;

	(void)state;
	/* Jn never counts February 29: J60 is March 1, also in 2024. */
	z = tz_posix("AAA0BBB,J60/0,J300/0", &err);
	assert_non_null(z);
	assert_int_equal(tz_offset(z, at(2024, 2, 29, 23, 59, 59)), 0);
	assert_int_equal(tz_offset(z, at(2024, 3, 1, 0, 0, 0)), 1 * H);
	tz_free(z);
	/* n counts from 0 and counts February 29: 59 is Feb 29 in 2024 and
	 * March 1 in 2023. */
	z = tz_posix("AAA0BBB,59/0,300/0", &err);
	assert_non_null(z);
	assert_int_equal(tz_offset(z, at(2024, 2, 29, 0, 0, 0)), 1 * H);
	assert_int_equal(tz_offset(z, at(2023, 2, 28, 23, 0, 0)), 0);
	assert_int_equal(tz_offset(z, at(2023, 3, 1, 0, 0, 0)), 1 * H);
	tz_free(z);
	/* Times before midnight and past 24 h (TZif version 3): DST starts
	 * at -1:00 on the last Sunday of March (the Saturday at 23:00) and
	 * ends at 25:00 on the last Sunday of October (Monday 01:00 DST). */
	z = tz_posix("<+00>0<+01>,M3.5.0/-1,M10.5.0/25", &err);
	assert_non_null(z);
	assert_int_equal(tz_offset(z, at(2026, 3, 28, 22, 59, 59)), 0);
	assert_int_equal(tz_offset(z, at(2026, 3, 28, 23, 0, 0)), 1 * H);
	assert_int_equal(tz_offset(z, at(2026, 10, 25, 23, 59, 59)), 1 * H);
	assert_int_equal(tz_offset(z, at(2026, 10, 26, 0, 0, 0)), 0);
	tz_free(z);
	/* Southern hemisphere: DST spans the new year. */
	z = tz_posix("AEST-10AEDT,M10.1.0,M4.1.0/3", &err);
	assert_non_null(z);
	assert_int_equal(tz_offset(z, at(2026, 1, 15, 0, 0, 0)), 11 * H);
	assert_int_equal(tz_offset(z, at(2026, 7, 15, 0, 0, 0)), 10 * H);
	tz_free(z);
	/* DST all year, as tzcode writes it. */
	z = tz_posix("EST5EDT,0/0,J365/25", &err);
	assert_non_null(z);
	assert_int_equal(tz_offset(z, at(2026, 1, 1, 0, 0, 0)), -4 * H);
	assert_int_equal(tz_offset(z, at(2026, 7, 1, 0, 0, 0)), -4 * H);
	assert_int_equal(tz_offset(z, at(2026, 12, 31, 23, 59, 0)), -4 * H);
	tz_free(z);
	z = tz_posix("JST-9", &err);
	assert_non_null(z);
	assert_int_equal(tz_offset(z, at(2026, 7, 1, 0, 0, 0)), 9 * H);
	assert_int_equal(tz_local_to_utc(z, at(2026, 7, 1, 9, 0, 0)), at(2026, 7, 1, 0, 0, 0));
	tz_free(z);
	/* Half-hour and explicit DST offsets, the week-5 rule in a short month. */
	z = tz_posix("XST-5:30XDT-7,M2.5.0,M11.1.0", &err);
	assert_non_null(z);
	assert_int_equal(tz_offset(z, at(2026, 1, 1, 0, 0, 0)), 5 * H + 1800);
	assert_int_equal(tz_offset(z, at(2026, 2, 22, 0, 0, 0)), 7 * H);
	assert_int_equal(tz_offset(z, at(2026, 2, 21, 0, 0, 0)), 5 * H + 1800);
	tz_free(z);
}

static void test_posix_errors(void **state)
{
	static const char *const bad[] = {
	    "",				    /* nothing */
	    "CE-1",			    /* name too short */
	    "CET",			    /* no offset */
	    "CET-25",			    /* offset out of range */
	    "CET-1CEST",		    /* DST without a rule */
	    "CET-1CEST,M13.5.0,M10.5.0",    /* month 13 */
	    "CET-1CEST,M3.6.0,M10.5.0",	    /* week 6 */
	    "CET-1CEST,M3.5.7,M10.5.0",	    /* weekday 7 */
	    "CET-1CEST,M3.5.0,M10.5.0/168", /* time past 167 h */
	    "CET-1CEST,J0,J100",	    /* J counts from 1 */
	    "CET-1CEST,M3.5.0",		    /* no end */
	    "CET-1CEST,M3.5.0,M10.5.0x",    /* trailing text */
	    "<C!T>-1",			    /* bad character in <> */
	    NULL,
	};
	struct sk_error err = {0};

	(void)state;
	for (int i = 0; bad[i] != NULL; i++) {
		struct tz *z = tz_posix(bad[i], &err);

		if (z != NULL)
			fail_msg("'%s' was accepted", bad[i]);
		assert_int_equal(err.code, SK_EINVAL);
		assert_non_null(strstr(err.msg, "TZ string"));
	}
	assert_null(tz_posix(NULL, &err));
}

static void expect_damaged(const uint8_t *data, size_t len, const char *what)
{
	struct sk_error err = {0};
	struct tz *z = tz_parse(data, len, "Test/Zone", &err);

	if (z != NULL)
		fail_msg("%s: parsed", what);
	assert_int_equal(err.code, SK_EINVAL);
	if (strstr(err.msg, "'Test/Zone': damaged TZif file at byte") == NULL)
		fail_msg("%s: message '%s'", what, err.msg);
}

static void test_damaged_files(void **state)
{
	struct sk_error err = {0};
	size_t len;
	uint8_t *data = brussels_file(&len);
	uint8_t *copy = malloc(len);
	struct tz *z;

	(void)state;
	z = tz_parse(data, len, "Test/Zone", &err);
	assert_non_null(z);
	tz_free(z);
	/* Cut anywhere: always a clear error, never a crash. */
	for (size_t cut = 0; cut < len - 1; cut++)
		expect_damaged(data, cut, "truncated");
	expect_damaged((const uint8_t *)"TZif", 4, "header only");
	z = tz_parse(data, len - 1, "Test/Zone", &err);
	assert_null(z);
	assert_non_null(strstr(err.msg, "footer"));

	memcpy(copy, data, len);
	copy[0] = 'X';
	expect_damaged(copy, len, "magic");
	assert_int_equal(tz_parse(copy, len, "Test/Zone", &err), NULL);
	assert_non_null(strstr(err.msg, "byte 0: no 'TZif' magic"));

	memcpy(copy, data, len);
	copy[4] = '9';
	expect_damaged(copy, len, "version");

	/* The footer's rule must parse. */
	memcpy(copy, data, len);
	memcpy(copy + len - 5, "/99\n", 4);
	z = tz_parse(copy, len, "Test/Zone", &err);
	assert_null(z);
	assert_non_null(strstr(err.msg, "footer TZ string"));

	z = tz_parse(data, TZ_FILE_MAX + 1, "Test/Zone", &err);
	assert_null(z);
	assert_int_equal(err.code, SK_ETOOBIG);
	free(copy);
	free(data);
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* A version 1 file: UTC until 1000000000, then +01:00 ("AAA", "BBB"). */
static size_t version1(uint8_t *buf, uint32_t second_time)
{
	size_t n = 44;

	memset(buf, 0, 128);
	memcpy(buf, "TZif", 4);
	put32(buf + 32, 2); /* timecnt */
	put32(buf + 36, 2); /* typecnt */
	put32(buf + 40, 8); /* charcnt */
	put32(buf + n, 0);  /* transition to UTC at the epoch */
	put32(buf + n + 4, second_time);
	n += 8;
	buf[n++] = 0;
	buf[n++] = 1;
	put32(buf + n, 0); /* type 0: +0, std, "AAA" */
	n += 6;
	put32(buf + n, 3600); /* type 1: +1 h, "BBB" */
	buf[n + 5] = 4;
	n += 6;
	memcpy(buf + n, "AAA\0BBB\0", 8);
	return n + 8;
}

static void test_version1(void **state)
{
	struct sk_error err = {0};
	uint8_t buf[128];
	size_t len = version1(buf, 1000000000);
	struct tz *z = tz_parse(buf, len, "V1", &err);

	(void)state;
	assert_non_null(z);
	assert_int_equal(tz_offset(z, -5), 0);
	assert_int_equal(tz_offset(z, 999999999), 0);
	assert_int_equal(tz_offset(z, 1000000000), 3600);
	assert_int_equal(tz_offset(z, INT64_MAX), 3600); /* no footer: the last type goes on */
	tz_free(z);
	/* Transitions out of order. */
	len = version1(buf, 0);
	expect_damaged(buf, len, "order");
	assert_int_equal(tz_parse(buf, len, "V1", &err), NULL);
	assert_non_null(strstr(err.msg, "transition 1 is not later"));
	/* An offset of 26 hours. */
	len = version1(buf, 1000000000);
	put32(buf + 54, 26 * 3600);
	expect_damaged(buf, len, "offset");
}

static void test_load_names(void **state)
{
	static const char *const bad[] = {"../../etc/passwd",
					  "/etc/localtime",
					  "Europe/Br ussels",
					  "Europe/../UTC",
					  "",
					  "Europe/Brussels;",
					  NULL};
	char dir[] = "/tmp/schakel-tz.XXXXXX", path[128];
	struct sk_error err = {0};
	uint8_t buf[128];
	struct tz *z;
	FILE *f;

	(void)state;
	unsetenv("TZDIR");
	for (int i = 0; bad[i] != NULL; i++) {
		assert_null(tz_load(bad[i], &err));
		assert_int_equal(err.code, SK_EINVAL);
		assert_non_null(strstr(err.msg, "is not valid"));
	}
	assert_null(tz_load("Mars/Olympus_Mons", &err));
	assert_int_equal(err.code, SK_ECONFIG);
	assert_string_equal(err.msg, "time zone 'Mars/Olympus_Mons' not found (looked in "
				     "/usr/share/zoneinfo)");
	assert_null(tz_load("Europe", &err)); /* a directory */
	assert_int_equal(err.code, SK_ECONFIG);

	/* $TZDIR is where zones are looked for; a damaged file says so. */
	assert_non_null(mkdtemp(dir));
	setenv("TZDIR", dir, 1);
	snprintf(path, sizeof(path), "%s/Good", dir);
	f = fopen(path, "wb");
	fwrite(buf, 1, version1(buf, 1000000000), f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/Bad", dir);
	f = fopen(path, "wb");
	fwrite(buf, 1, version1(buf, 1000000000) - 3, f);
	fclose(f);
	z = tz_load("Good", &err);
	assert_non_null(z);
	assert_int_equal(tz_offset(z, 1000000000), 3600);
	tz_free(z);
	assert_null(tz_load("Bad", &err));
	assert_int_equal(err.code, SK_EINVAL);
	assert_non_null(strstr(err.msg, "time zone 'Bad': damaged TZif file at byte 44"));
	assert_null(tz_load("Europe/Brussels", &err));
	assert_int_equal(err.code, SK_ECONFIG);
	assert_non_null(strstr(err.msg, dir));
	/* UTC is there even without tzdata. */
	z = tz_load("UTC", &err);
	assert_non_null(z);
	assert_int_equal(tz_offset(z, 1700000000), 0);
	assert_int_equal(tz_local_to_utc(z, 1700000000), 1700000000);
	tz_free(z);
	unlink(path);
	snprintf(path, sizeof(path), "%s/Good", dir);
	unlink(path);
	rmdir(dir);
	unsetenv("TZDIR");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_brussels_offsets),
	    cmocka_unit_test(test_brussels_footer_rule),
	    cmocka_unit_test(test_rule_matches_table),
	    cmocka_unit_test(test_gap_and_overlap),
	    cmocka_unit_test(test_posix_forms),
	    cmocka_unit_test(test_posix_errors),
	    cmocka_unit_test(test_damaged_files),
	    cmocka_unit_test(test_version1),
	    cmocka_unit_test(test_load_names),
	};

	return cmocka_run_group_tests_name("tz", tests, NULL, NULL);
}
