/* advisory/alert.h: alerts of urgent (High/High) advisories. On
 * publishing, each recipient organization's first operational-24x7
 * contact (by id) gets an alert at once, whatever the hour, with a
 * personal acknowledgement link (a random token, valid ALERT_TOKEN_DAYS,
 * stored hashed). The alert is acknowledged by the link, a reply to its
 * mail (subject tag "[ALERT #id]"), the portal, or the duty officer
 * (phone); without [http] public_url the mail has no link.
 * Unacknowledged after [alerts] escalate_after, the next contact gets
 * it; after the last one the organization lands on the calling list. */
#ifndef SK_ADVISORY_ALERT_H
#define SK_ADVISORY_ALERT_H

#include <jansson.h>
#include <stdint.h>

#include "advisory/advisory.h"
#include "advisory/audience.h"
#include "advisory/delivery.h"
#include "model/user.h"
#include "store/store.h"

struct sk_error;

#define ALERT_TOKEN_DAYS 7
#define ALERT_TAG	 "ALERT"

/* Raise the alerts of urgent advisory a for recipients r, in the
 * caller's transaction; their number added to *n_out. */
int alert_raise(struct store *st, const struct delivery_settings *ds, const struct advisory *a,
		const struct advisory_recipients *r, size_t *n_out, struct sk_error *err);

/* One escalation run: every alert unacknowledged escalate_after after
 * its last mail goes to the organization's next contact, or to the
 * calling list after the last one. Each alert in its own transaction.
 * How many moved into *escalated and *called (may be NULL). */
int alert_escalate(struct store *st, const struct delivery_settings *ds, size_t *escalated,
		   size_t *called, struct sk_error *err);

/* The escalation as a job of schakeld (cmd/jobs.h): arg is the
 * struct delivery_settings; logs what it did; returns 0. */
#define ALERT_JOB_INTERVAL_MS 30000
int alert_job_run(struct store *st, void *arg);

/* The alert that token (from a link) stands for, with its advisory's
 * number, title and summary (caller clears *adv); SK_ENOTFOUND for an
 * unknown or expired token. */
int alert_by_token(struct store *st, const char *token, struct store_alert *out,
		   struct advisory *adv, struct sk_error *err);
/* Acknowledge by link: the token is checked again. */
int alert_ack_token(struct store *st, const char *token, struct sk_error *err);
/* Acknowledge by a reply from address from: only when it is a contact
 * of the alert's organization (else SK_ENOTFOUND, and nothing changes). */
int alert_ack_mail(struct store *st, int64_t id, const char *from, struct sk_error *err);
/* Acknowledge as u: staff (how "phone" or "portal"), or a partner of the
 * alert's organization (how "portal"); to others it does not exist. */
int alert_ack(struct store *st, const struct user *u, int64_t id, const char *how,
	      struct sk_error *err);
/* Record the duty officer u's call about alert id (staff only). */
int alert_call(struct store *st, const struct user *u, int64_t id, bool reached,
	       const char *who, const char *notes, struct sk_error *err);
/* Alerts as u may see them (access_alert_scope: staff all, a partner
 * its organization's), of advisory_id (0: all). */
int alert_list(struct store *st, const struct user *u, int64_t advisory_id, store_alert_fn fn,
	       void *ctx, struct sk_error *err);
/* Seconds from sending to acknowledging a, or -1 when not acknowledged. */
int64_t alert_ack_seconds(const struct store_alert *a);

/* An alert as the CLI's --json and the API give it: id, advisory_id,
 * advisory, org_id, org, state, step (1 for the first contact),
 * sent_at, notified_at, acknowledged_at, acknowledged_by, how,
 * seconds_to_acknowledge (null until acknowledged). */
json_t *alert_json(const struct store_alert *a);
/* The calls about alert id, oldest first, as an array of {at, by,
 * reached, who, notes} into *out (caller decrefs). */
int alert_calls_json(struct store *st, int64_t id, json_t **out, struct sk_error *err);

/* One line of the calling list. */
struct alert_callee {
	struct store_alert alert;
	char class_name[24];
	char phones[512]; /* the 24x7 contacts' "name: phone", "; " between */
};
typedef int (*alert_callee_fn)(const struct alert_callee *c, void *ctx);
/* The calling list of advisory_id (staff only): its alerts on the list
 * and the others not acknowledged, by class priority (oes first), then
 * name. */
int alert_calllist(struct store *st, const struct user *u, int64_t advisory_id,
		   alert_callee_fn fn, void *ctx, struct sk_error *err);

#endif
