/* advisory/delivery.h: what goes out when an advisory is published or
 * updated: one mail per recipient organization and language to its
 * advisory and operational-24x7 contacts, queued in the publishing transaction (all
 * mails are queued or the publish fails), and for an urgent advisory the
 * alerts (advisory/alert.h). The dispatcher signs and encrypts each mail
 * per recipient key and TLP (docs/pgp.md). */
#ifndef SK_ADVISORY_DELIVERY_H
#define SK_ADVISORY_DELIVERY_H

#include <stddef.h>
#include <stdint.h>

#include "advisory/advisory.h"
#include "advisory/audience.h"
#include "advisory/workflow.h"
#include "lib/template.h"
#include "store/store.h"

struct config;
struct mail_attachment;
struct sk_error;

#define DELIVERY_ESCALATE_DEFAULT 1800 /* [alerts] escalate_after, seconds */
#define DELIVERY_URL_MAX	  200

/* [mail] from, [notify] sender and templates, [http] public_url and
 * [alerts] escalate_after; strings borrowed from the configuration. */
struct delivery_settings {
	const char *from, *sender, *templates;
	char public_url[DELIVERY_URL_MAX + 1]; /* without a trailing "/"; "" if not set */
	int64_t escalate_after;		       /* seconds */
};

/* Read the settings: mail.from, when set, an address (it is needed
 * once there is mail to send), public_url an http(s) URL; else
 * SK_ECONFIG naming the setting. */
int delivery_settings_load(const struct config *cfg, struct delivery_settings *out,
			   struct sk_error *err);

struct delivery_stats {
	size_t mails;  /* advisory mails queued */
	size_t alerts; /* alerts raised */
};

/* Queue the mails of revision a->revision of a (published) to the
 * recipients r, in the caller's transaction or one of its own, and
 * raise the alerts when a is urgent and this is its first revision. */
int advisory_deliver(struct store *st, const struct delivery_settings *ds,
		     const struct advisory *a, const struct advisory_recipients *r,
		     struct delivery_stats *stats, struct sk_error *err);

/* What a delivery says. kind names the templates
 * (share/templates/<kind>-<lang>.txt, whose names are allowed) and the
 * queue kind; vars are the item's fields, to which each organization's
 * are added: org, liaison, members, pass_on, need_to_know, sender;
 * attachments go with every mail. All borrowed. */
struct delivery_item {
	const char *kind;
	const char *const *allowed;
	const struct template_var *vars;
	size_t n_vars;
	const struct mail_attachment *attachments; /* n_attachments, or NULL */
	size_t n_attachments;
	const char *number;
	enum tlp_label tlp;
	int64_t id;
};

/* Queue one mail of it per recipient organization of r and language to
 * its contacts, in the caller's transaction or one of its own; adds the
 * mails queued to *n_out. */
int delivery_queue(struct store *st, const struct delivery_settings *ds,
		   const struct delivery_item *it, const struct advisory_recipients *r,
		   size_t *n_out, struct sk_error *err);

/* advisory_publish() and advisory_deliver() in one transaction. */
int advisory_publish_deliver(struct store *st, const struct user *u,
			     const struct advisory_settings *cfg,
			     const struct delivery_settings *ds, int64_t id,
			     struct advisory_recipients *rcpt_out, struct delivery_stats *stats,
			     struct sk_error *err);

/* advisory_update() and advisory_deliver() in one transaction. */
int advisory_update_deliver(struct store *st, const struct user *u,
			    const struct delivery_settings *ds, int64_t id, const char *summary,
			    advisory_apply_fn apply, void *ctx,
			    struct advisory_recipients *rcpt_out, struct sk_error *err);

/* The language of contact c's template in ts (see template_set_pick),
 * with the template; SK_ECONFIG when none exists. */
struct template *delivery_template(struct template_set *ts, const char *langs,
				   const char **lang_out, struct sk_error *err);

#endif
