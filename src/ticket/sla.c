/* ticket/sla.c: priority, the service matrix and due times. The tables
 * here are the defaults that docs/sla.md describes; [services] and [sla]
 * in the configuration change them.
 *
 * Reads configuration text: list values are bounded by the config
 * module (4 KiB), entries are cut at ENTRY_MAX bytes for messages. */
#include "ticket/sla.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/config.h"
#include "lib/error.h"
#include "lib/str.h"
#include "lib/tz.h"

#define ENTRY_MAX 48

/* The vocabularies and tables, laid out as tables; docs/sla.md shows
 * the same. */
/* clang-format off */
const char *const sla_service_names[] = {
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
	NULL,
};
const char *const sla_severity_names[] = { "critical", "high", "medium", "low", NULL };
const char *const sla_coverage_names[] = { "none", "office-hours", "24x7", NULL };
const char *const sla_clock_names[] = { "acknowledge", "first response", "resolve", NULL };

const char *const sla_settings[] = {
	"sla.timezone",
	"sla.office_hours",
	"sla.office_days",
	"sla.holidays",
	"sla.p1",
	"sla.p2",
	"sla.p3",
	"sla.p4",
	"sla.p5",
	"services.warnings",
	"services.incident-analysis",
	"services.on-site-handling",
	"services.incident-support",
	"services.incident-coordination",
	"services.vulnerability-coordination",
	"services.artifact-analysis",
	"services.announcements",
	"services.technology-watch",
	"services.detection",
	"services.security-assessment",
	"services.information-sharing",
	"services.awareness",
	"services.training",
	NULL,
};

/* Rank of each class: who comes first when everything is urgent. */
static const int class_rank[SLA_CLASS_COUNT] = {
	[ORG_CLASS_OES] = 1,
	[ORG_CLASS_ESSENTIAL_PUBLIC] = 1,
	[ORG_CLASS_ADMINISTRATION] = 2,
	[ORG_CLASS_PRIVATE] = 3,
	[ORG_CLASS_PUBLIC] = 4,
};

/* [rank - 1][severity] */
static const int priority_table[4][SLA_SEVERITY_COUNT] = {
	/* critical high medium low */
	{  1,       1,   2,     3 },
	{  1,       2,   3,     4 },
	{  2,       3,   4,     5 },
	{  3,       4,   5,     5 },
};

#define N SLA_COVERAGE_NONE
#define O SLA_COVERAGE_OFFICE_HOURS
#define A SLA_COVERAGE_24X7
/* [service][class]: N none, O office hours, A around the clock (24x7). */
static const enum sla_coverage default_matrix[SLA_SERVICE_COUNT][SLA_CLASS_COUNT] = {
	/*                                         oes essential-public administration private public */
	[SLA_SERVICE_WARNINGS]                   = { A, A, O, O, O },
	[SLA_SERVICE_INCIDENT_ANALYSIS]          = { O, A, O, N, N },
	[SLA_SERVICE_ON_SITE_HANDLING]           = { O, O, N, N, N },
	[SLA_SERVICE_INCIDENT_SUPPORT]           = { O, A, O, O, O },
	[SLA_SERVICE_INCIDENT_COORDINATION]      = { O, A, O, O, N },
	[SLA_SERVICE_VULNERABILITY_COORDINATION] = { O, O, O, O, O },
	[SLA_SERVICE_ARTIFACT_ANALYSIS]          = { O, O, O, N, N },
	[SLA_SERVICE_ANNOUNCEMENTS]              = { O, O, O, O, O },
	[SLA_SERVICE_TECHNOLOGY_WATCH]           = { O, O, O, O, N },
	[SLA_SERVICE_DETECTION]                  = { A, A, O, N, N },
	[SLA_SERVICE_SECURITY_ASSESSMENT]        = { O, O, O, N, N },
	[SLA_SERVICE_INFORMATION_SHARING]        = { O, O, O, O, N },
	[SLA_SERVICE_AWARENESS]                  = { O, O, O, O, O },
	[SLA_SERVICE_TRAINING]                   = { O, O, O, O, N },
};
#undef N
#undef O
#undef A

#define MIN INT64_C(60)
#define HOUR INT64_C(3600)
#define DAY INT64_C(86400)
/* [priority - 1][clock], in business time. */
static const int64_t default_target[SLA_PRIORITY_COUNT][SLA_CLOCK_COUNT] = {
	/* acknowledge  first response  resolve */
	{ 30 * MIN,     2 * HOUR,       1 * DAY },
	{  1 * HOUR,    4 * HOUR,       3 * DAY },
	{  4 * HOUR,    8 * HOUR,       5 * DAY },
	{  8 * HOUR,    1 * DAY,       10 * DAY },
	{  1 * DAY,     3 * DAY,       20 * DAY },
};
#undef MIN
#undef HOUR
#undef DAY

/* clang-format on */

#define DEFAULT_TIMEZONE "Europe/Brussels"

int sla_priority(enum org_class class, enum sla_severity sev)
{
	if ((unsigned)class >= SLA_CLASS_COUNT || (unsigned)sev >= SLA_SEVERITY_COUNT)
		return SLA_PRIORITY_COUNT;
	return priority_table[class_rank[class] - 1][sev];
}

/* A [services] value: "oes:office-hours, private:none, ...". */
static int read_service(const struct config *cfg, const char *key, const char *value,
			enum sla_coverage row[SLA_CLASS_COUNT], struct sk_error *err)
{
	const char *s = value;
	char entry[ENTRY_MAX], *colon;
	bool seen[SLA_CLASS_COUNT] = {false}, more = true;
	int class, coverage;

	while (more) {
		more = str_next_item(&s, entry, sizeof(entry));
		colon = strchr(entry, ':');
		if (colon == NULL)
			return config_error(
			    cfg, "services", key, err,
			    "'%s' is not class:coverage (e.g. oes:office-hours)", entry);
		*colon = '\0';
		class = str_index(org_class_names, entry);
		coverage = str_index(sla_coverage_names, colon + 1);
		*colon = ':';
		if (class < 0)
			return config_error(cfg, "services", key, err,
					    "'%s': unknown class (oes, essential-public, "
					    "administration, private, public)",
					    entry);
		if (coverage < 0)
			return config_error(cfg, "services", key, err,
					    "'%s': unknown coverage (none, office-hours, 24x7)",
					    entry);
		if (seen[class])
			return config_error(cfg, "services", key, err, "class '%s' given twice",
					    org_class_names[class]);
		seen[class] = true;
		row[class] = (enum sla_coverage)coverage;
	}
	return 0;
}

/* A target value "30m, 2h, 1d": acknowledge, first response, resolve. */
static int read_targets(const struct config *cfg, const char *key, const char *value,
			int64_t out[SLA_CLOCK_COUNT], struct sk_error *err)
{
	const char *s = value;
	char entry[ENTRY_MAX];
	int64_t v[SLA_CLOCK_COUNT];
	bool more = true;
	int n = 0;

	while (more) {
		more = str_next_item(&s, entry, sizeof(entry));
		if (n == SLA_CLOCK_COUNT)
			return config_error(cfg, "sla", key, err,
					    "expected three durations (acknowledge, first "
					    "response, resolve), got more");
		if (str_to_duration(entry, SLA_TARGET_MAX, &v[n]) != 0 || v[n] == 0)
			return config_error(cfg, "sla", key, err,
					    "%s time '%s' is not a duration from 1s to 365d (a "
					    "whole number and s, m, h or d, e.g. 30m)",
					    sla_clock_names[n], entry);
		n++;
	}
	if (n != SLA_CLOCK_COUNT)
		return config_error(cfg, "sla", key, err,
				    "expected three durations (acknowledge, first response, "
				    "resolve), got %d",
				    n);
	if (v[0] > v[1] || v[1] > v[2])
		return config_error(cfg, "sla", key, err,
				    "acknowledge may not come after first response, nor first "
				    "response after resolve");
	memcpy(out, v, sizeof(v));
	return 0;
}

/* A calendar setting through one of the calendar_set_*() functions. */
static int read_calendar(const struct config *cfg, const char *key, struct calendar *cal,
			 int (*set)(struct calendar *, const char *, struct sk_error *),
			 struct sk_error *err)
{
	const char *value = cfg ? config_get(cfg, "sla", key) : NULL;
	struct sk_error why = {0};

	if (value == NULL)
		return 0;
	if (set(cal, value, &why) != 0)
		return config_error(cfg, "sla", key, err, "%s", why.msg);
	return 0;
}

int sla_config_read(const struct config *cfg, struct sla_config *out, struct sk_error *err)
{
	struct sla_config c;
	const char *value, *zone_name;
	struct sk_error why = {0};
	char key[8];
	int rc;

	memset(&c, 0, sizeof(c));
	memcpy(c.matrix, default_matrix, sizeof(c.matrix));
	memcpy(c.target, default_target, sizeof(c.target));
	calendar_init_24x7(&c.around);
	zone_name =
	    cfg ? config_str(cfg, "sla", "timezone", DEFAULT_TIMEZONE) : DEFAULT_TIMEZONE;
	c.zone = tz_load(zone_name, &why);
	if (c.zone == NULL)
		return config_error(cfg, "sla", "timezone", err, "%s", why.msg);
	calendar_init_office(&c.office, c.zone);
	if ((rc = read_calendar(cfg, "office_hours", &c.office, calendar_set_hours, err)) !=
		0 ||
	    (rc = read_calendar(cfg, "office_days", &c.office, calendar_set_days, err)) != 0 ||
	    (rc = read_calendar(cfg, "holidays", &c.office, calendar_set_holidays, err)) != 0)
		goto fail;
	for (int p = 0; cfg != NULL && p < SLA_PRIORITY_COUNT; p++) {
		snprintf(key, sizeof(key), "p%d", p + 1);
		value = config_get(cfg, "sla", key);
		if (value != NULL &&
		    (rc = read_targets(cfg, key, value, c.target[p], err)) != 0)
			goto fail;
	}
	for (int s = 0; cfg != NULL && s < SLA_SERVICE_COUNT; s++) {
		value = config_get(cfg, "services", sla_service_names[s]);
		if (value != NULL && (rc = read_service(cfg, sla_service_names[s], value,
							c.matrix[s], err)) != 0)
			goto fail;
	}
	*out = c;
	return 0;
fail:
	sla_config_free(&c);
	return rc;
}

void sla_config_free(struct sla_config *c)
{
	if (c == NULL)
		return;
	calendar_clear(&c->office);
	calendar_clear(&c->around);
	tz_free(c->zone);
	c->zone = NULL;
	c->office.zone = NULL;
}

const struct calendar *sla_calendar(const struct sla_config *c, enum sla_coverage coverage)
{
	switch (coverage) {
	case SLA_COVERAGE_24X7:
		return &c->around;
	case SLA_COVERAGE_OFFICE_HOURS:
		return &c->office;
	case SLA_COVERAGE_NONE:
	default:
		return NULL;
	}
}

int sla_due(const struct sla_config *c, enum sla_service service, enum org_class class,
	    enum sla_severity sev, int64_t opened_utc, struct sla_due *out,
	    struct sk_error *err)
{
	const struct calendar *cal;
	struct sla_due d;

	if ((unsigned)service >= SLA_SERVICE_COUNT || (unsigned)class >= SLA_CLASS_COUNT ||
	    (unsigned)sev >= SLA_SEVERITY_COUNT)
		return sk_error_set(err, SK_EINVAL, "unknown service, class or severity");
	d.priority = sla_priority(class, sev);
	d.coverage = c->matrix[service][class];
	cal = sla_calendar(c, d.coverage);
	if (cal == NULL)
		return sk_error_set(
		    err, SK_EPERM,
		    "organizations of class '%s' are not entitled to the service "
		    "'%s'",
		    org_class_names[class], sla_service_names[service]);
	for (int i = 0; i < SLA_CLOCK_COUNT; i++)
		d.due[i] = calendar_add(cal, opened_utc, c->target[d.priority - 1][i]);
	*out = d;
	return 0;
}

bool sla_breached(int64_t due, int64_t done_utc, int64_t now_utc)
{
	return done_utc != 0 ? done_utc > due : now_utc > due;
}

int64_t sla_left(const struct sla_config *c, enum sla_coverage coverage, int64_t due,
		 int64_t now_utc)
{
	const struct calendar *cal = sla_calendar(c, coverage);
	int64_t late;

	if (cal == NULL)
		return 0;
	if (due == INT64_MAX)
		return INT64_MAX; /* never due */
	if (due >= now_utc)
		return calendar_between(cal, now_utc, due);
	late = calendar_between(cal, due, now_utc);
	return late == INT64_MAX ? -INT64_MAX : -late;
}

int sla_format_left(int64_t seconds, char *buf, size_t size)
{
	const char *sign = seconds < 0 ? "-" : "";
	int64_t s = seconds < 0 ? (seconds == INT64_MIN ? INT64_MAX : -seconds) : seconds;
	int n;

	if (seconds == INT64_MAX)
		n = snprintf(buf, size, "never");
	else if (s < 3600)
		n = snprintf(buf, size, "%s%" PRId64 "m", sign, s / 60);
	else
		n = snprintf(buf, size, "%s%" PRId64 "h%02" PRId64, sign, s / 3600,
			     s % 3600 / 60);
	return n < 0 || (size_t)n >= size ? -1 : n;
}
