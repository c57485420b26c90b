/* model/ticket.c: ticket types and their statuses. */
#include "model/ticket.h"

#include <stdio.h>
#include <string.h>

#include "lib/str.h"

const char *const ticket_type_names[] = {"report", "incident", "vulnerability-coordination",
					 NULL};

static const char *const report_statuses[] = {"new", "open", "resolved", "rejected", NULL};
static const char *const incident_statuses[] = {"open", "resolved", "abandoned", NULL};
static const char *const vulnerability_statuses[] = {"open", "embargoed", "disclosed", "closed",
						     NULL};
static const char *const final_statuses[] = {"resolved", "rejected",  "abandoned",
					     "closed",	 "disclosed", NULL};

const char *const *ticket_statuses(enum ticket_type type)
{
	switch (type) {
	case TICKET_REPORT:
		return report_statuses;
	case TICKET_INCIDENT:
		return incident_statuses;
	case TICKET_VULNERABILITY:
		return vulnerability_statuses;
	}
	return report_statuses;
}

bool ticket_status_valid(enum ticket_type type, const char *status)
{
	return status != NULL && str_index(ticket_statuses(type), status) >= 0;
}

bool ticket_status_final(const char *status)
{
	return status != NULL && str_index(final_statuses, status) >= 0;
}

void ticket_init(struct ticket *t, enum ticket_type type)
{
	memset(t, 0, sizeof(*t));
	t->type = type;
	snprintf(t->status, sizeof(t->status), "%s", ticket_statuses(type)[0]);
	snprintf(t->class, sizeof(t->class), "public");
	snprintf(t->service, sizeof(t->service), "incident-analysis");
	snprintf(t->severity, sizeof(t->severity), "medium");
	t->priority = 3;
	snprintf(t->coverage, sizeof(t->coverage), "office-hours");
	t->tlp = TLP_AMBER;
	snprintf(t->scope, sizeof(t->scope), "unknown");
}
