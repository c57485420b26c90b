/* ticket/report.h: incident reports a partner sends through the portal,
 * and the reports a partner's organization has sent. A report becomes
 * an RFC 5322 mail from one of the organization's contacts and goes
 * through intake_mail() exactly as a mail through `schakel mailgate`:
 * the same ticket, number, SLA clocks, duplicate rule and
 * acknowledgement. */
#ifndef SK_TICKET_REPORT_H
#define SK_TICKET_REPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "model/ticket.h"
#include "model/user.h"

struct intake_config;
struct sk_error;
struct store;

#define REPORT_SUBJECT_MAX 200	       /* bytes of a subject */
#define REPORT_TEXT_MAX	   (64 * 1024) /* bytes of a text */
#define REPORT_HEADER_USER "X-Schakel-Portal-User"

/* What the partner sends; everything borrowed. */
struct report_input {
	const char *subject; /* UTF-8, no control characters */
	const char *text;    /* UTF-8 */
	int64_t contact_id;  /* a contact of the partner's organization: the reporter */
	const char *tlp;     /* a TLP label (tlp_parse()) for the ticket, or NULL */
};

/* What came of it. The acknowledgement strings are owned; free with
 * report_result_clear(). */
struct report_result {
	struct ticket ticket; /* as stored */
	bool created;	      /* a new ticket (else threaded or a duplicate) */
	bool duplicate;	      /* sent already: nothing stored */
	bool acked;	      /* an acknowledgement was queued: ack_* below */
	char no_ack[200];     /* why not, when a new ticket got none */
	char *ack_to, *ack_subject, *ack_text;
};
void report_result_clear(struct report_result *r);

/* Take in report in for partner u (access_may_report()), as mail from
 * the contact in->contact_id of u's organization, under the intake
 * settings c. The same report (user, contact, subject, text) sent again
 * within the same minute carries the same Message-ID and is a duplicate
 * as a mail would be. A subject that names another organization's ticket
 * ("[<tag> #<number>]") is refused. Bad input is SK_EINVAL (or
 * SK_ETOOBIG) naming the field; nothing is stored then. */
int ticket_report_submit(struct store *st, const struct user *u, const struct intake_config *c,
			 const struct report_input *in, struct report_result *out,
			 struct sk_error *err);

/* A report as its organization sees it, the same for the CLI's --json
 * and the API: {"id","number","subject","status","created","updated"},
 * nothing of its messages (new reference). */
json_t *ticket_report_json(const struct ticket *t);
/* What came of a report: {"ticket", "acknowledgement": {"to","subject",
 * "text"} or null, "duplicate", "no_ack"} (new reference). */
json_t *ticket_report_result_json(const struct report_result *r);

/* Call fn with each report (newest first) of organization org_id: the
 * tickets of type report whose requester is the organization (the
 * address of one of its contacts, or a report of its partners). A
 * partner reads only its own organization's (org_id 0 or its own; else
 * SK_EPERM); staff name one, or 0 for every report. */
typedef int (*report_fn)(const struct ticket *t, void *ctx);
int ticket_report_each(struct store *st, const struct user *u, int64_t org_id, report_fn fn,
		       void *ctx, struct sk_error *err);

#endif
