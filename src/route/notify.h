/* route/notify.h: notifications: each organization's events, per feed
 * and classification.type, gathered over an interval into one digest
 * mail with a short text in the contact's language and a CSV file of
 * only what the recipient needs, put in the outbound queue.
 *
 * A group (organization, feed, type) is due once the interval it began
 * in has ended (intervals are aligned: with 1d, at 00:00 UTC), or at
 * once for the immediate types. Identical events (the same observation
 * ingested twice) go out once. The national CSIRT gets no digests. */
#ifndef SK_ROUTE_NOTIFY_H
#define SK_ROUTE_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/tlp.h"
#include "model/user.h"

struct config;
struct sk_error;
struct store;

#define NOTIFY_LIST_MAX 64 /* entries in notify.immediate and notify.drop_fields */

struct notify_config {
	int64_t interval;	 /* seconds */
	char **immediate;	 /* classification.type values; NULL-terminated */
	char **drop;		 /* fields never sent; NULL-terminated */
	const char *templates;	 /* directory of notify-<lang>.txt; borrowed */
	const char *from;	 /* sender address; borrowed */
	const char *sender_name; /* display name and signature; borrowed */
};

/* Read the notify.* and mail.from settings (borrowed from cfg, which
 * must outlive out). SK_ECONFIG names the setting. Free with
 * notify_config_free(). */
int notify_config_load(const struct config *cfg, struct notify_config *out,
		       struct sk_error *err);
void notify_config_free(struct notify_config *nc);

/* One digest as it was (or, in a dry run, would be) queued. */
struct notify_digest {
	int64_t org_id;
	const char *org_name;
	const char *feed;
	const char *type;
	enum tlp_label tlp;
	size_t events;		 /* distinct events in the CSV */
	size_t rows;		 /* recipient rows it carries (duplicates too) */
	const char *to;		 /* the addresses, ", " between */
	const char *lang;	 /* "en", "nl", "fr" */
	int64_t notification_id; /* 0 in a dry run */
};
typedef void (*notify_report_fn)(const struct notify_digest *d, void *ctx);

struct notify_stats {
	size_t digests;	   /* digests queued (or that would be) */
	size_t events;	   /* events in them */
	size_t waiting;	   /* groups whose interval has not ended */
	size_t no_contact; /* groups of organizations without a contact to mail */
	size_t failed;	   /* groups that failed (bad data; logged) and wait */
};

/* Make the due digests, as user u (staff only, access/access.h: the
 * daemon's job and the CLI run as the local operator; SK_EPERM for
 * anyone else, and nothing is done). all: every group, whatever its
 * interval.
 * dry_run: write nothing. fn (may be NULL) hears of each digest. Each
 * digest, its mail and the marking of its rows are one transaction; an
 * organization without contacts keeps its rows waiting and is counted
 * (and logged). */
int notify_run(struct store *st, const struct user *u, const struct notify_config *nc, bool all,
	       bool dry_run, notify_report_fn fn, void *ctx, struct notify_stats *stats,
	       struct sk_error *err);

/* The names a notification template (notify-LANG.txt) may use. */
extern const char *const notify_template_names[];

#endif
