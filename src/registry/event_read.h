/* registry/event_read.h: handing stored events out, the one way both
 * front doors do it: whose events a user may read, the TLP policy
 * (model/tlp.h) on every row, pages with a cursor, and the shapes a row
 * leaves in (a JSON object, a CSV row). Reads outside input: time bounds
 * of at most EVENT_READ_TIME_MAX bytes. */
#ifndef SK_REGISTRY_EVENT_READ_H
#define SK_REGISTRY_EVENT_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/tlp.h"
#include "model/user.h"
#include "store/store.h"

struct buf;
struct sk_error;

#define EVENT_READ_TIME_MAX 64

/* A time bound: ISO 8601 ("2024-01-31T12:00:00Z", "2024-01-31 12:00+01:00",
 * or a date alone, "2024-01-31", meaning its midnight UTC) or a span back
 * from now ("90m", "12h", "7d"). Seconds since the epoch into *out; what
 * is wrong (SK_EINVAL) names the text. */
int event_read_time(const char *text, int64_t now, int64_t *out, struct sk_error *err);

/* A row as it may leave: perm is what tlp_policy() says for it
 * (receive is always true here); pass_on and need_to_know are what the
 * recipient may do with it: the routing's word and the policy's, the
 * stricter of the two. */
struct event_out {
	const struct store_event_row *row;
	struct tlp_permission perm;
	bool pass_on;
	bool need_to_know;
};

/* Return from an event_read_fn to end the page after this row. */
#define EVENT_READ_FULL 1

typedef int (*event_read_fn)(const struct event_out *out, void *ctx);

/* One page of the events f selects for user u (f->limit: rows handed
 * out, 0 for no limit; f->after_id: the cursor). Whose rows first:
 * access_event_scope(u, f->org_id) (access/access.h): a partner reads
 * its own organization's whatever f names (another is SK_EPERM); staff
 * read the organization f names (SK_ENOTFOUND naming it if there is
 * none) or all. Every row then passes THE policy:
 * tlp_policy(label, recipient_relation(role)) for a walk of one
 * organization's events, and the national CSIRT's relation (named) for
 * a walk of all; a row it refuses is skipped. fn returns 0 to go on,
 * EVENT_READ_FULL to end the page after that row, anything else to stop
 * with that error. *next_out gets the cursor of the next page, or 0
 * when the walk reached the end. */
int event_read_page(struct store *st, const struct user *u, const struct store_event_filter *f,
		    event_read_fn fn, void *ctx, int64_t *next_out, struct sk_error *err);

/* Every recipient of event event_id, with the notification that carried
 * it: the national CSIRT's view, for staff only (SK_EPERM for others). */
int event_read_recipients(struct store *st, const struct user *u, int64_t event_id,
			  store_recipient_fn fn, void *ctx, struct sk_error *err);

/* Append the row to b as one JSON object without a newline: the IntelMQ
 * event's members, then "schakel.id", "schakel.received" and, for a walk
 * of one organization, "schakel.recipient": {"org_id", "role", "reason",
 * "member_id" (liaison rows), "may_pass_on", "need_to_know"}. SK_ETOOBIG
 * at b's cap (b as it was). */
int event_read_json(const struct event_out *o, struct buf *b);

/* The CSV columns, in order, and the header line (with CRLF). */
extern const char *const event_read_csv_columns[];
int event_read_csv_header(struct buf *b);
/* Append the row to b as one CSV line (RFC 4180, CRLF): the event's own
 * fields of event_read_csv_columns and this recipient's row, nothing of
 * other organizations. SK_EIO for a stored line that is not a JSON
 * object, SK_ETOOBIG at b's cap (b as it was). */
int event_read_csv_row(const struct event_out *o, struct buf *b);

#endif
