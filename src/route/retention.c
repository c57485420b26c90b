/* route/retention.c: purging events and mail past retention (see
 * retention.h). */
#include "route/retention.h"

#include <string.h>

#include "access/access.h"
#include "lib/error.h"
#include "lib/str.h"
#include "store/store.h"

int retention_purge(struct store *st, const struct user *u, int64_t before, bool dry_run,
		    struct retention_result *out, struct sk_error *err)
{
	struct retention_result r = {0, 0};
	struct store_event_filter f;
	char when[21];
	int rc;

	if (access_route(ACCESS_ADMIN, u, err) != ACCESS_ALLOW)
		return err->code ? err->code : SK_EPERM;
	/* An event goes when both its time and its receipt are past the
	 * cut (as store_event_purge() decides); sent mail with it. */
	memset(&f, 0, sizeof(f));
	f.until = before;
	str_time_iso((time_t)before, when);
	f.received_before = when;
	rc = dry_run ? store_event_count(st, &f, &r.events, err)
		     : store_event_purge(st, before, &r.events, err);
	if (rc == 0)
		rc = store_mail_purge(st, before, dry_run, &r.mails, err);
	if (rc == 0)
		*out = r;
	return rc;
}
