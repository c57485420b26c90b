/* tests/unit/test_sla.c: priority, the default service matrix and
 * targets, [sla] and [services] settings and their errors, and due times
 * on the office and the 24x7 calendars. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/config.h"
#include "lib/error.h"
#include "lib/str.h"
#include "lib/tz.h"
#include "model/org.h"
#include "ticket/sla.h"

#define M 60
#define H 3600

static int64_t at(int64_t y, unsigned mo, unsigned d, int hh, int mm)
{
	return str_days_from_civil(y, mo, d) * 86400 + hh * 3600 + mm * 60;
}

static int setup(void **state)
{
	(void)state;
	unsetenv("TZDIR");
	return 0;
}

static void test_priority_table(void **state)
{
	/* Rows: oes, essential-public, administration, private, public;
	 * columns: critical, high, medium, low. */
	static const int want[SLA_CLASS_COUNT][SLA_SEVERITY_COUNT] = {
	    {1, 1, 2, 3}, {1, 1, 2, 3}, {1, 2, 3, 4}, {2, 3, 4, 5}, {3, 4, 5, 5},
	};

	(void)state;
	for (int c = 0; c < SLA_CLASS_COUNT; c++)
		for (int s = 0; s < SLA_SEVERITY_COUNT; s++)
			if (sla_priority((enum org_class)c, (enum sla_severity)s) != want[c][s])
				fail_msg("%s/%s: priority %d, want %d", org_class_names[c],
					 sla_severity_names[s],
					 sla_priority((enum org_class)c, (enum sla_severity)s),
					 want[c][s]);
}

static void test_names(void **state)
{
	static const char *const services[] = {
	    "warnings",
	    "incident-analysis",
	    "on-site-handling",
	    "incident-support",
	    "incident-coordination",
	    "vulnerability-coordination",
	    "artifact-analysis",
	    "announcements",
	    "technology-watch",
	    "detection",
	    "security-assessment",
	    "information-sharing",
	    "awareness",
	    "training",
	};

	(void)state;
	for (int i = 0; i < SLA_SERVICE_COUNT; i++)
		assert_string_equal(sla_service_names[i], services[i]);
	assert_null(sla_service_names[SLA_SERVICE_COUNT]);
	assert_int_equal(SLA_SERVICE_COUNT, 14);
	assert_string_equal(sla_severity_names[SLA_SEVERITY_LOW], "low");
	assert_null(sla_severity_names[SLA_SEVERITY_COUNT]);
	assert_string_equal(sla_coverage_names[SLA_COVERAGE_24X7], "24x7");
	assert_string_equal(sla_coverage_names[SLA_COVERAGE_OFFICE_HOURS], "office-hours");
	assert_null(sla_coverage_names[3]);
}

static void test_defaults(void **state)
{
	struct sk_error err = {0};
	struct sla_config c;
	enum sla_coverage(*m)[SLA_CLASS_COUNT];

	(void)state;
	assert_int_equal(sla_config_read(NULL, &c, &err), 0);
	m = c.matrix;
	/* The charter's row for incident analysis. */
	assert_int_equal(m[SLA_SERVICE_INCIDENT_ANALYSIS][ORG_CLASS_ESSENTIAL_PUBLIC],
			 SLA_COVERAGE_24X7);
	assert_int_equal(m[SLA_SERVICE_INCIDENT_ANALYSIS][ORG_CLASS_OES],
			 SLA_COVERAGE_OFFICE_HOURS);
	assert_int_equal(m[SLA_SERVICE_INCIDENT_ANALYSIS][ORG_CLASS_ADMINISTRATION],
			 SLA_COVERAGE_OFFICE_HOURS);
	assert_int_equal(m[SLA_SERVICE_INCIDENT_ANALYSIS][ORG_CLASS_PRIVATE],
			 SLA_COVERAGE_NONE);
	assert_int_equal(m[SLA_SERVICE_INCIDENT_ANALYSIS][ORG_CLASS_PUBLIC], SLA_COVERAGE_NONE);
	/* Warnings, announcements and awareness reach everyone. */
	for (int k = 0; k < SLA_CLASS_COUNT; k++) {
		assert_int_not_equal(m[SLA_SERVICE_WARNINGS][k], SLA_COVERAGE_NONE);
		assert_int_not_equal(m[SLA_SERVICE_ANNOUNCEMENTS][k], SLA_COVERAGE_NONE);
		assert_int_equal(m[SLA_SERVICE_AWARENESS][k], SLA_COVERAGE_OFFICE_HOURS);
	}
	assert_int_equal(m[SLA_SERVICE_WARNINGS][ORG_CLASS_OES], SLA_COVERAGE_24X7);
	assert_int_equal(m[SLA_SERVICE_ON_SITE_HANDLING][ORG_CLASS_ESSENTIAL_PUBLIC],
			 SLA_COVERAGE_OFFICE_HOURS);
	assert_int_equal(m[SLA_SERVICE_ON_SITE_HANDLING][ORG_CLASS_ADMINISTRATION],
			 SLA_COVERAGE_NONE);
	assert_int_equal(m[SLA_SERVICE_TRAINING][ORG_CLASS_PUBLIC], SLA_COVERAGE_NONE);
	/* Targets: p1 is 30m, 2h, 1d. */
	assert_int_equal(c.target[0][SLA_CLOCK_ACK], 30 * M);
	assert_int_equal(c.target[0][SLA_CLOCK_RESPONSE], 2 * H);
	assert_int_equal(c.target[0][SLA_CLOCK_RESOLVE], 24 * H);
	for (int p = 1; p < SLA_PRIORITY_COUNT; p++)
		for (int k = 0; k < SLA_CLOCK_COUNT; k++)
			assert_true(c.target[p][k] >= c.target[p - 1][k]);
	/* The office calendar: Brussels, 09:00-17:00, Monday to Friday. */
	assert_string_equal(tz_name(c.zone), "Europe/Brussels");
	assert_ptr_equal(c.office.zone, c.zone);
	assert_int_equal(c.office.open_min, 9 * 60);
	assert_int_equal(c.office.close_min, 17 * 60);
	assert_int_equal(c.office.days, 0x1f);
	assert_true(c.around.always_open);
	assert_ptr_equal(sla_calendar(&c, SLA_COVERAGE_OFFICE_HOURS), &c.office);
	assert_null(sla_calendar(&c, SLA_COVERAGE_NONE));
	sla_config_free(&c);
}

static void test_overrides(void **state)
{
	struct config *cfg = config_new();
	struct sk_error err = {0};
	struct sla_config c;

	(void)state;
	config_set(cfg, "services", "incident-analysis", "private:office-hours, oes:24x7");
	config_set(cfg, "services", "training", "public:office-hours");
	config_set(cfg, "sla", "timezone", "UTC");
	config_set(cfg, "sla", "office_hours", "08:00-16:30");
	config_set(cfg, "sla", "office_days", "mon-thu");
	config_set(cfg, "sla", "holidays", "2026-12-25, 2027-01-01");
	config_set(cfg, "sla", "p1", "15m, 1h, 8h");
	/* Every setting read is a known one. */
	assert_int_equal(config_check_known(cfg, sla_settings, &err), 0);
	assert_int_equal(sla_config_read(cfg, &c, &err), 0);
	assert_int_equal(c.matrix[SLA_SERVICE_INCIDENT_ANALYSIS][ORG_CLASS_PRIVATE],
			 SLA_COVERAGE_OFFICE_HOURS);
	assert_int_equal(c.matrix[SLA_SERVICE_INCIDENT_ANALYSIS][ORG_CLASS_OES],
			 SLA_COVERAGE_24X7);
	/* Classes not named keep the default. */
	assert_int_equal(c.matrix[SLA_SERVICE_INCIDENT_ANALYSIS][ORG_CLASS_ESSENTIAL_PUBLIC],
			 SLA_COVERAGE_24X7);
	assert_int_equal(c.matrix[SLA_SERVICE_INCIDENT_ANALYSIS][ORG_CLASS_PUBLIC],
			 SLA_COVERAGE_NONE);
	assert_int_equal(c.matrix[SLA_SERVICE_TRAINING][ORG_CLASS_PUBLIC],
			 SLA_COVERAGE_OFFICE_HOURS);
	assert_int_equal(c.target[0][SLA_CLOCK_ACK], 15 * M);
	assert_int_equal(c.target[0][SLA_CLOCK_RESOLVE], 8 * H);
	assert_int_equal(c.target[1][SLA_CLOCK_ACK], 1 * H); /* p2 untouched */
	assert_string_equal(tz_name(c.zone), "UTC");
	assert_int_equal(c.office.open_min, 8 * 60);
	assert_int_equal(c.office.close_min, 16 * 60 + 30);
	assert_int_equal(c.office.days, 0x0f);
	assert_int_equal(c.office.nholidays, 2);
	sla_config_free(&c);
	config_free(cfg);
}

/* A bad value gives SK_ECONFIG naming the section, the key and the part
 * that is wrong, and leaves out untouched. */
static void expect_bad(const char *section, const char *key, const char *value,
		       const char *names, const char *part)
{
	struct config *cfg = config_new();
	struct sk_error err = {0};
	struct sla_config c;

	memset(&c, 0x5a, sizeof(c));
	config_set(cfg, section, key, value);
	assert_int_equal(sla_config_read(cfg, &c, &err), SK_ECONFIG);
	if (strstr(err.msg, names) == NULL || strstr(err.msg, part) == NULL)
		fail_msg("%s.%s = '%s': message '%s' lacks '%s' or '%s'", section, key, value,
			 err.msg, names, part);
	assert_int_equal(c.office.open_min, 0x5a5a5a5a);
	config_free(cfg);
}

/* A value read from a file is named by the file and line it is on. */
static void test_bad_setting_line(void **state)
{
	static const char text[] = "[sla]\ntimezone = UTC\n\n[services]\n"
				   "warnings = oes:sometimes\n";
	FILE *f = fmemopen((void *)text, sizeof(text) - 1, "r");
	struct sk_error err = {0};
	struct config *cfg;
	struct sla_config c;

	(void)state;
	assert_non_null(f);
	cfg = config_parse(f, "schakel.conf", &err);
	fclose(f);
	assert_non_null(cfg);
	assert_int_equal(sla_config_read(cfg, &c, &err), SK_ECONFIG);
	assert_non_null(strstr(err.msg,
			       "schakel.conf:5: [services] warnings = 'oes:sometimes': "
			       "'oes:sometimes': unknown coverage"));
	config_free(cfg);
}

static void test_bad_settings(void **state)
{
	(void)state;
	expect_bad("sla", "p2", "1h, 4x, 3d", "[sla] p2", "'4x'");
	expect_bad("sla", "p3", "1h, 4h", "[sla] p3", "got 2");
	expect_bad("sla", "p1", "1h, 2h, 3h, 4h", "[sla] p1", "got more");
	expect_bad("sla", "p1", "0m, 2h, 3h", "[sla] p1", "'0m'");
	expect_bad("sla", "p1", "1h, 2h, 400d", "[sla] p1", "'400d'");
	expect_bad("sla", "p4", "4h, 1h, 3d", "[sla] p4", "may not come after");
	expect_bad("services", "incident-analysis", "private:sometimes",
		   "[services] incident-analysis", "'private:sometimes': unknown coverage");
	expect_bad("services", "warnings", "citizens:24x7", "[services] warnings",
		   "'citizens:24x7': unknown class");
	expect_bad("services", "detection", "oes", "[services] detection", "'oes' is not");
	expect_bad("services", "awareness", "oes:none, oes:24x7", "[services] awareness",
		   "'oes' given twice");
	expect_bad("sla", "timezone", "Mars/Olympus", "[sla] timezone",
		   "time zone 'Mars/Olympus' not found");
	expect_bad("sla", "timezone", "../../etc/passwd", "[sla] timezone", "is not valid");
	expect_bad("sla", "office_hours", "9-17", "[sla] office_hours", "HH:MM-HH:MM");
	expect_bad("sla", "office_days", "mon-fry", "[sla] office_days", "'mon-fry'");
	expect_bad("sla", "holidays", "2026-12-25, 2026-02-30", "[sla] holidays",
		   "entry 2 '2026-02-30'");
}

/* Opened on Friday 16 January 2026 at 20:00 CET (19:00 UTC), severity
 * high: essential-public is covered 24x7, oes in office hours; both are
 * priority 1 (30m, 2h, 1d). */
static void test_due(void **state)
{
	int64_t opened = at(2026, 1, 16, 19, 0);
	struct sk_error err = {0};
	struct sla_config c;
	struct sla_due d;

	(void)state;
	assert_int_equal(sla_config_read(NULL, &c, &err), 0);
	assert_int_equal(sla_due(&c, SLA_SERVICE_INCIDENT_ANALYSIS, ORG_CLASS_ESSENTIAL_PUBLIC,
				 SLA_SEVERITY_HIGH, opened, &d, &err),
			 0);
	assert_int_equal(d.priority, 1);
	assert_int_equal(d.coverage, SLA_COVERAGE_24X7);
	assert_int_equal(d.due[SLA_CLOCK_ACK], at(2026, 1, 16, 19, 30));
	assert_int_equal(d.due[SLA_CLOCK_RESPONSE], at(2026, 1, 16, 21, 0));
	assert_int_equal(d.due[SLA_CLOCK_RESOLVE], at(2026, 1, 17, 19, 0));

	assert_int_equal(sla_due(&c, SLA_SERVICE_INCIDENT_ANALYSIS, ORG_CLASS_OES,
				 SLA_SEVERITY_HIGH, opened, &d, &err),
			 0);
	assert_int_equal(d.priority, 1);
	assert_int_equal(d.coverage, SLA_COVERAGE_OFFICE_HOURS);
	/* Monday 09:30 and 11:00 CET; 1d is 24 business hours, three
	 * working days: Wednesday 17:00 CET. */
	assert_int_equal(d.due[SLA_CLOCK_ACK], at(2026, 1, 19, 8, 30));
	assert_int_equal(d.due[SLA_CLOCK_RESPONSE], at(2026, 1, 19, 10, 0));
	assert_int_equal(d.due[SLA_CLOCK_RESOLVE], at(2026, 1, 21, 16, 0));

	/* Public, low: priority 5, awareness in office hours: 1d, 3d, 20d. */
	assert_int_equal(sla_due(&c, SLA_SERVICE_AWARENESS, ORG_CLASS_PUBLIC, SLA_SEVERITY_LOW,
				 opened, &d, &err),
			 0);
	assert_int_equal(d.priority, 5);
	assert_int_equal(d.due[SLA_CLOCK_ACK], at(2026, 1, 21, 16, 0));
	sla_config_free(&c);
}

static void test_not_entitled(void **state)
{
	struct sk_error err = {0};
	struct sla_config c;
	struct sla_due d = {.priority = 42};

	(void)state;
	assert_int_equal(sla_config_read(NULL, &c, &err), 0);
	assert_int_equal(sla_due(&c, SLA_SERVICE_INCIDENT_ANALYSIS, ORG_CLASS_PRIVATE,
				 SLA_SEVERITY_CRITICAL, at(2026, 1, 16, 19, 0), &d, &err),
			 SK_EPERM);
	assert_string_equal(err.msg, "organizations of class 'private' are not entitled to the "
				     "service 'incident-analysis'");
	assert_int_equal(d.priority, 42);
	assert_int_equal(sla_due(&c, SLA_SERVICE_ON_SITE_HANDLING, ORG_CLASS_PUBLIC,
				 SLA_SEVERITY_CRITICAL, 0, &d, &err),
			 SK_EPERM);
	assert_int_equal(
	    sla_due(&c, SLA_SERVICE_COUNT, ORG_CLASS_OES, SLA_SEVERITY_CRITICAL, 0, &d, &err),
	    SK_EINVAL);
	sla_config_free(&c);
}

static void test_breached_and_left(void **state)
{
	struct sk_error err = {0};
	struct sla_config c;
	int64_t due = at(2026, 1, 19, 10, 0); /* Monday 11:00 CET */
	char text[16];

	(void)state;
	assert_false(sla_breached(100, 100, 500));
	assert_true(sla_breached(100, 101, 0));
	assert_false(sla_breached(100, 0, 100));
	assert_true(sla_breached(100, 0, 101));

	assert_int_equal(sla_config_read(NULL, &c, &err), 0);
	/* Friday 16:40: 20 minutes on Friday, two hours on Monday. */
	assert_int_equal(sla_left(&c, SLA_COVERAGE_OFFICE_HOURS, due, at(2026, 1, 16, 15, 40)),
			 2 * H + 20 * M);
	assert_int_equal(sla_left(&c, SLA_COVERAGE_24X7, due, at(2026, 1, 16, 15, 40)),
			 2 * 86400 + 18 * H + 20 * M);
	assert_int_equal(sla_left(&c, SLA_COVERAGE_OFFICE_HOURS, due, at(2026, 1, 19, 11, 0)),
			 -1 * H);
	assert_int_equal(sla_left(&c, SLA_COVERAGE_NONE, due, 0), 0);
	assert_int_equal(sla_left(&c, SLA_COVERAGE_24X7, INT64_MAX, due), INT64_MAX);
	sla_config_free(&c);

	assert_int_equal(sla_format_left(2 * H + 20 * M, text, sizeof(text)), 4);
	assert_string_equal(text, "2h20");
	sla_format_left(45 * M + 59, text, sizeof(text));
	assert_string_equal(text, "45m");
	sla_format_left(26 * H + 5 * M, text, sizeof(text));
	assert_string_equal(text, "26h05");
	sla_format_left(-1 * H, text, sizeof(text));
	assert_string_equal(text, "-1h00");
	sla_format_left(INT64_MAX, text, sizeof(text));
	assert_string_equal(text, "never");
	assert_int_equal(sla_format_left(INT64_MIN, text, sizeof(text)), -1);
	assert_int_equal(sla_format_left(H, text, 4), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_priority_table),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_overrides),
	    cmocka_unit_test(test_bad_settings),
	    cmocka_unit_test(test_bad_setting_line),
	    cmocka_unit_test(test_due),
	    cmocka_unit_test(test_not_entitled),
	    cmocka_unit_test(test_breached_and_left),
	};

	return cmocka_run_group_tests_name("sla", tests, setup, NULL);
}
