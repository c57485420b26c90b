/* ticket/sla.h: how urgent a ticket is and when it is due. Priority
 * follows the organization's class and the severity; the service matrix
 * says, per service and class, whether the CSIRT covers it around the
 * clock, in office hours or not at all; targets per priority are counted
 * in business time on the calendar the coverage names. */
#ifndef SK_TICKET_SLA_H
#define SK_TICKET_SLA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/calendar.h"
#include "model/org.h"

struct config;
struct sk_error;
struct tz;

/* The services of the CSIRT's charter, in the order of sla_service_names. */
enum sla_service {
	SLA_SERVICE_WARNINGS,
	SLA_SERVICE_INCIDENT_ANALYSIS,
	SLA_SERVICE_ON_SITE_HANDLING,
	SLA_SERVICE_INCIDENT_SUPPORT,
	SLA_SERVICE_INCIDENT_COORDINATION,
	SLA_SERVICE_VULNERABILITY_COORDINATION,
	SLA_SERVICE_ARTIFACT_ANALYSIS,
	SLA_SERVICE_ANNOUNCEMENTS,
	SLA_SERVICE_TECHNOLOGY_WATCH,
	SLA_SERVICE_DETECTION,
	SLA_SERVICE_SECURITY_ASSESSMENT,
	SLA_SERVICE_INFORMATION_SHARING,
	SLA_SERVICE_AWARENESS,
	SLA_SERVICE_TRAINING,
	SLA_SERVICE_COUNT
};

enum sla_severity {
	SLA_SEVERITY_CRITICAL,
	SLA_SEVERITY_HIGH,
	SLA_SEVERITY_MEDIUM,
	SLA_SEVERITY_LOW,
	SLA_SEVERITY_COUNT
};

enum sla_coverage { SLA_COVERAGE_NONE, SLA_COVERAGE_OFFICE_HOURS, SLA_COVERAGE_24X7 };

/* The three clocks of a ticket. */
enum sla_clock { SLA_CLOCK_ACK, SLA_CLOCK_RESPONSE, SLA_CLOCK_RESOLVE, SLA_CLOCK_COUNT };

/* NULL-terminated vocabularies; the enum value is the index (parse them
 * with org_vocab_parse()). */
extern const char *const sla_service_names[];  /* "warnings", "incident-analysis", ... */
extern const char *const sla_severity_names[]; /* "critical", "high", "medium", "low" */
extern const char *const sla_coverage_names[]; /* "none", "office-hours", "24x7" */
extern const char *const sla_clock_names[];    /* "acknowledge", "first response", "resolve" */

#define SLA_CLASS_COUNT	   (ORG_CLASS_PUBLIC + 1)
#define SLA_PRIORITY_COUNT 5			  /* 1, the most urgent, to 5 */
#define SLA_TARGET_MAX	   (INT64_C(365) * 86400) /* longest target */

/* Every "section.key" sla_config_read() reads, NULL-terminated. */
extern const char *const sla_settings[];

/* Callers may keep one on the stack; sla_config_read() fills it and
 * sla_config_free() releases it. */
struct sla_config {
	enum sla_coverage matrix[SLA_SERVICE_COUNT][SLA_CLASS_COUNT];
	/* business seconds per priority (index 0 is priority 1) and clock */
	int64_t target[SLA_PRIORITY_COUNT][SLA_CLOCK_COUNT];
	struct tz *zone;	/* owned: the office calendar's zone */
	struct calendar office; /* office hours, holidays */
	struct calendar around; /* 24x7 */
};

/* Priority 1 (most urgent) to 5 from the class and the severity. */
int sla_priority(enum org_class class, enum sla_severity sev);

/* Read [sla] and [services] from cfg (NULL: all defaults) into out and
 * load the time zone. SK_ECONFIG names the section, the key and the bad
 * part (a zone that cannot be loaded too); out is untouched then. Free
 * with sla_config_free(). */
int sla_config_read(const struct config *cfg, struct sla_config *out, struct sk_error *err);
/* Accepts NULL. */
void sla_config_free(struct sla_config *c);

/* The calendar for a coverage; NULL for SLA_COVERAGE_NONE. Borrowed
 * from c. */
const struct calendar *sla_calendar(const struct sla_config *c, enum sla_coverage coverage);

struct sla_due {
	int priority;
	enum sla_coverage coverage;
	int64_t due[SLA_CLOCK_COUNT]; /* UTC instants; INT64_MAX: never */
};

/* When a ticket for service from an organization of class, with
 * severity sev, opened at opened_utc, is due. SK_EPERM when the class
 * is not entitled to the service (coverage none): the message says so,
 * for a polite answer. */
int sla_due(const struct sla_config *c, enum sla_service service, enum org_class class,
	    enum sla_severity sev, int64_t opened_utc, struct sla_due *out,
	    struct sk_error *err);

/* Whether a clock due at due was missed: done at done_utc (0: not yet
 * done, then judged at now_utc). */
bool sla_breached(int64_t due, int64_t done_utc, int64_t now_utc);

/* Business seconds left until due on the coverage's calendar; negative:
 * business seconds overdue; INT64_MAX for a due time of "never". 0 for
 * SLA_COVERAGE_NONE. */
int64_t sla_left(const struct sla_config *c, enum sla_coverage coverage, int64_t due,
		 int64_t now_utc);

/* Format a number of seconds for a queue: "45m", "1h20", "26h05", "-2h00"
 * for overdue, "never" for INT64_MAX. Returns the length, or -1 if it
 * does not fit in size. */
int sla_format_left(int64_t seconds, char *buf, size_t size);

#endif
