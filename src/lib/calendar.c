/* lib/calendar.c: business time on a calendar. Office hours are wall
 * clock times, so each open day runs from the instant the local clock
 * shows the opening to the instant it shows the closing, whatever the
 * offset that day; time is counted day by day, skipping closed days
 * without looking at the zone.
 *
 * Parses configuration text (hours, weekdays, holidays): at most
 * CALENDAR_HOLIDAYS_MAX holidays, entries of a few bytes each. */
#include "lib/calendar.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/error.h"
#include "lib/str.h"
#include "lib/tz.h"
#include "lib/xalloc.h"

#define DAY	      INT64_C(86400)
#define ENTRY_MAX     32 /* bytes of one list entry, for messages */
#define WEEKDAYS_MASK 0x7f

static const char *const weekday_names[] = {"mon", "tue", "wed", "thu",
					    "fri", "sat", "sun", NULL};

void calendar_init_24x7(struct calendar *c)
{
	memset(c, 0, sizeof(*c));
	c->always_open = true;
	c->open_min = 0;
	c->close_min = 24 * 60;
	c->days = WEEKDAYS_MASK;
}

void calendar_init_office(struct calendar *c, const struct tz *zone)
{
	memset(c, 0, sizeof(*c));
	c->zone = zone;
	c->open_min = 9 * 60;
	c->close_min = 17 * 60;
	c->days = 1 << CALENDAR_MON | 1 << CALENDAR_TUE | 1 << CALENDAR_WED |
		  1 << CALENDAR_THU | 1 << CALENDAR_FRI;
}

void calendar_clear(struct calendar *c)
{
	if (c == NULL)
		return;
	free(c->holidays);
	c->holidays = NULL;
	c->nholidays = 0;
}

/* --- Parsing --------------------------------------------------------- */

static bool is_blank(const char *s)
{
	return s[strspn(s, " \t")] == '\0';
}

/* "HH:MM" with HH 00-24 (24 only as 24:00), as minutes. */
static bool parse_hhmm(const char *s, int *out)
{
	int h, m;

	if (strlen(s) != 5 || s[2] != ':')
		return false;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return false;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h > 24 || m > 59 || (h == 24 && m != 0))
		return false;
	*out = h * 60 + m;
	return true;
}

int calendar_set_hours(struct calendar *c, const char *text, struct sk_error *err)
{
	char open[8] = "", close[8] = "";
	const char *dash = text ? strchr(text, '-') : NULL;
	int o, cl;

	if (dash != NULL && dash - text < (long)sizeof(open) &&
	    strlen(dash + 1) < sizeof(close)) {
		memcpy(open, text, (size_t)(dash - text));
		open[dash - text] = '\0';
		memcpy(close, dash + 1, strlen(dash + 1) + 1);
	}
	if (dash == NULL || !parse_hhmm(open, &o) || !parse_hhmm(close, &cl))
		return sk_error_set(
		    err, SK_EINVAL,
		    "office hours '%.*s' are not HH:MM-HH:MM (e.g. 09:00-17:00)", ENTRY_MAX,
		    text ? text : "");
	if (o >= cl)
		return sk_error_set(
		    err, SK_EINVAL,
		    "office hours '%.*s' close before they open (overnight hours "
		    "are not supported)",
		    ENTRY_MAX, text);
	c->open_min = o;
	c->close_min = cl;
	return 0;
}

static int weekday_parse(const char *s)
{
	for (int i = 0; weekday_names[i] != NULL; i++)
		if (strcasecmp(s, weekday_names[i]) == 0)
			return i;
	return -1;
}

int calendar_set_days(struct calendar *c, const char *text, struct sk_error *err)
{
	const char *s = text ? text : "";
	char entry[ENTRY_MAX], *dash;
	unsigned days = 0;
	bool more = true;
	int index = 0;

	while (more) {
		int from, to;

		index++;
		more = str_next_item(&s, entry, sizeof(entry));
		dash = strchr(entry, '-');
		if (dash != NULL)
			*dash = '\0';
		from = weekday_parse(entry);
		to = dash ? weekday_parse(dash + 1) : from;
		if (dash != NULL)
			*dash = '-';
		if (from < 0 || to < 0)
			return sk_error_set(err, SK_EINVAL,
					    "entry %d '%s' is not a weekday or a range of them "
					    "(mon, tue, wed, thu, fri, sat, sun; e.g. mon-fri)",
					    index, entry);
		/* A range may wrap round the week: sun-thu. */
		for (int d = from;; d = (d + 1) % 7) {
			days |= 1u << d;
			if (d == to)
				break;
		}
	}
	c->days = (uint8_t)days;
	return 0;
}

static int day_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* "YYYY-MM-DD" as a day number. */
static bool parse_date(const char *s, int64_t *out)
{
	unsigned m, d, m2, d2;
	int64_t y = 0, y2, day;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	for (int i = 0; i < 4; i++)
		y = y * 10 + (s[i] - '0');
	m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
	d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	day = str_days_from_civil(y, m, d);
	str_civil_from_days(day, &y2, &m2, &d2);
	if (y2 != y || m2 != m || d2 != d) /* 2026-02-30 */
		return false;
	*out = day;
	return true;
}

int calendar_set_holidays(struct calendar *c, const char *text, struct sk_error *err)
{
	const char *s = text ? text : "";
	int64_t *days = NULL;
	char entry[ENTRY_MAX];
	size_t n = 0, kept = 0;
	bool more = true;
	int index = 0;

	if (is_blank(s)) {
		calendar_clear(c);
		return 0;
	}
	days = xcalloc(CALENDAR_HOLIDAYS_MAX, sizeof(*days));
	while (more) {
		index++;
		more = str_next_item(&s, entry, sizeof(entry));
		if (n == CALENDAR_HOLIDAYS_MAX) {
			free(days);
			return sk_error_set(err, SK_EINVAL, "more than %d holidays",
					    CALENDAR_HOLIDAYS_MAX);
		}
		if (!parse_date(entry, &days[n])) {
			free(days);
			return sk_error_set(err, SK_EINVAL,
					    "entry %d '%s' is not a date (expected YYYY-MM-DD)",
					    index, entry);
		}
		n++;
	}
	qsort(days, n, sizeof(*days), day_cmp);
	for (size_t i = 0; i < n; i++)
		if (kept == 0 || days[i] != days[kept - 1])
			days[kept++] = days[i];
	calendar_clear(c);
	c->holidays = days;
	c->nholidays = kept;
	return 0;
}

bool calendar_is_holiday(const struct calendar *c, int64_t day)
{
	size_t lo = 0, hi = c->nholidays;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->holidays[mid] == day)
			return true;
		if (c->holidays[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* --- Business time ---------------------------------------------------- */

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int64_t clamp(int64_t t)
{
	if (t > TZ_INSTANT_MAX)
		return TZ_INSTANT_MAX;
	if (t < -TZ_INSTANT_MAX)
		return -TZ_INSTANT_MAX;
	return t;
}

/* The local date at instant t. */
static int64_t local_day(const struct calendar *c, int64_t t)
{
	return floor_div(t + (c->zone ? tz_offset(c->zone, t) : 0), DAY);
}

static int64_t wall_to_utc(const struct calendar *c, int64_t local)
{
	return c->zone ? tz_local_to_utc(c->zone, local) : local;
}

static bool open_on(const struct calendar *c, int64_t day)
{
	int wday = (int)((day % 7 + 7 + 3) % 7); /* 1970-01-01 was a Thursday */

	return (c->days & (1u << wday)) != 0 && !calendar_is_holiday(c, day);
}

/* The instants of the day's opening and closing; false if the day has
 * no open time. */
static bool open_hours(const struct calendar *c, int64_t day, int64_t *open, int64_t *close)
{
	if (!open_on(c, day))
		return false;
	*open = wall_to_utc(c, day * DAY + c->open_min * 60);
	*close = wall_to_utc(c, day * DAY + c->close_min * 60);
	return *close > *open;
}

static bool never_open(const struct calendar *c)
{
	return (c->days & WEEKDAYS_MASK) == 0 || c->close_min <= c->open_min;
}

int64_t calendar_add(const struct calendar *c, int64_t start_utc, int64_t seconds)
{
	int64_t day, open, close, from;

	if (seconds < 0)
		seconds = 0;
	if (c->always_open)
		return start_utc > INT64_MAX - seconds ? INT64_MAX : start_utc + seconds;
	if (never_open(c) || start_utc >= TZ_INSTANT_MAX)
		return INT64_MAX;
	start_utc = clamp(start_utc);
	day = local_day(c, start_utc);
	for (int i = 0; i < CALENDAR_DAYS_MAX; i++, day++) {
		if (!open_hours(c, day, &open, &close) || close <= start_utc)
			continue;
		from = open > start_utc ? open : start_utc;
		if (seconds == 0)
			return from;
		if (seconds <= close - from)
			return from + seconds;
		seconds -= close - from;
	}
	return INT64_MAX;
}

int64_t calendar_between(const struct calendar *c, int64_t from_utc, int64_t to_utc)
{
	int64_t first, last, open, close, sum = 0, diff;

	if (to_utc <= from_utc)
		return 0;
	if (c->always_open)
		return __builtin_sub_overflow(to_utc, from_utc, &diff) ? INT64_MAX : diff;
	if (never_open(c))
		return 0;
	from_utc = clamp(from_utc);
	to_utc = clamp(to_utc);
	first = local_day(c, from_utc);
	last = local_day(c, to_utc);
	if (last - first > CALENDAR_DAYS_MAX)
		return INT64_MAX;
	for (int64_t day = first; day <= last; day++) {
		if (!open_hours(c, day, &open, &close))
			continue;
		if (open < from_utc)
			open = from_utc;
		if (close > to_utc)
			close = to_utc;
		if (close > open)
			sum += close - open;
	}
	return sum;
}
