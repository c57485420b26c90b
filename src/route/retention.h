/* route/retention.h: deleting what is past retention, the same from
 * every front door: events (IP addresses are personal data) whose time
 * and receipt are both before the cut, and the sent or failed mail
 * created before it. Admins only (access/access.h). */
#ifndef SK_ROUTE_RETENTION_H
#define SK_ROUTE_RETENTION_H

#include <stdbool.h>
#include <stdint.h>

#include "model/user.h"

struct sk_error;
struct store;

struct retention_result {
	int64_t events; /* deleted, or in a dry run that would be */
	int64_t mails;
};

/* Delete (or, dry_run, count) the events and mail before the time
 * before (seconds since the epoch), each with its audit row when any
 * went. SK_EPERM for a user who is not an admin. out is written only on
 * success. */
int retention_purge(struct store *st, const struct user *u, int64_t before, bool dry_run,
		    struct retention_result *out, struct sk_error *err);

#endif
