/* lib/calendar.h: business-hour calendars for SLA clocks: either always
 * open, or open on wall-clock office hours in one time zone, on chosen
 * weekdays, except on holidays. */
#ifndef SK_LIB_CALENDAR_H
#define SK_LIB_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sk_error;
struct tz;

#define CALENDAR_HOLIDAYS_MAX 1024
/* calendar_add() and calendar_between() look at most this many days
 * ahead (about 100 years); further is "never" (INT64_MAX). */
#define CALENDAR_DAYS_MAX (366 * 100)

enum calendar_weekday {
	CALENDAR_MON,
	CALENDAR_TUE,
	CALENDAR_WED,
	CALENDAR_THU,
	CALENDAR_FRI,
	CALENDAR_SAT,
	CALENDAR_SUN
};

/* Callers may keep one on the stack; set it up with calendar_init_*()
 * and release it with calendar_clear(). */
struct calendar {
	bool always_open;      /* 24x7: every second counts */
	const struct tz *zone; /* borrowed; NULL means UTC */
	int open_min;	       /* opening, minutes after local midnight */
	int close_min;	       /* closing, 1 to 1440; later than opening */
	uint8_t days;	       /* bit (1 << enum calendar_weekday) set: open */
	int64_t *holidays;     /* sorted local dates (str_days_from_civil), owned */
	size_t nholidays;
};

/* A calendar that is always open. */
void calendar_init_24x7(struct calendar *c);
/* Office hours in zone (borrowed, NULL for UTC): 09:00-17:00, Monday
 * to Friday, no holidays. */
void calendar_init_office(struct calendar *c, const struct tz *zone);
/* Free the holidays; c may be set up again afterwards. Accepts NULL. */
void calendar_clear(struct calendar *c);

/* Set the office hours from "HH:MM-HH:MM" (closing may be 24:00;
 * opening must come first: no overnight hours). SK_EINVAL says what is
 * wrong; c is unchanged then. */
int calendar_set_hours(struct calendar *c, const char *text, struct sk_error *err);
/* Set the open weekdays from a comma list of days and ranges: "mon-fri",
 * "mon,tue,thu", "sun-thu" (three-letter English names, any case). */
int calendar_set_days(struct calendar *c, const char *text, struct sk_error *err);
/* Set the holidays from a comma list of local dates "YYYY-MM-DD"
 * (empty: none), at most CALENDAR_HOLIDAYS_MAX; an error names the bad
 * entry. */
int calendar_set_holidays(struct calendar *c, const char *text, struct sk_error *err);

/* Whether the local date day (str_days_from_civil) is a holiday. */
bool calendar_is_holiday(const struct calendar *c, int64_t day);

/* The instant at which seconds of business time have passed since
 * start_utc. A start outside office hours counts from the next opening;
 * seconds == 0 gives the next open instant at or after start (start
 * itself when open); an amount that ends exactly at a closing gives that
 * closing. Negative seconds count as 0. INT64_MAX ("never") when the
 * calendar has no open time at all or the end is more than
 * CALENDAR_DAYS_MAX days away. */
int64_t calendar_add(const struct calendar *c, int64_t start_utc, int64_t seconds);

/* Business seconds between two instants; 0 if to_utc <= from_utc.
 * INT64_MAX when to_utc is more than CALENDAR_DAYS_MAX days after
 * from_utc. */
int64_t calendar_between(const struct calendar *c, int64_t from_utc, int64_t to_utc);

#endif
