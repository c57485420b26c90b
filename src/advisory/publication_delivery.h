/* advisory/publication_delivery.h: the mails of a published
 * publication, one per recipient organization and language to its
 * contacts, queued in the publishing transaction as advisories' are
 * (advisory/delivery.h), from share/templates/publication-<lang>.txt. */
#ifndef SK_ADVISORY_PUBLICATION_DELIVERY_H
#define SK_ADVISORY_PUBLICATION_DELIVERY_H

#include <stddef.h>
#include <stdint.h>

#include "advisory/delivery.h"
#include "advisory/publication.h"

struct sk_error;
struct user;

/* Attachments go with the mail while together they are at most this
 * many bytes; else the mail names them and points to the portal. */
#define PUBLICATION_MAIL_ATTACH_MAX (2 * 1024 * 1024)

/* Queue the mails of p (published) to the recipients r, in the
 * caller's transaction or one of its own; the count into *n_out (may be
 * NULL). */
int publication_deliver(struct store *st, const struct delivery_settings *ds,
			const struct publication *p, const struct advisory_recipients *r,
			size_t *n_out, struct sk_error *err);

/* publication_publish() and publication_deliver() in one transaction:
 * every mail is queued or nothing is published. */
int publication_publish_deliver(struct store *st, const struct user *u,
				const struct publication_settings *cfg,
				const struct delivery_settings *ds, int64_t id,
				struct advisory_recipients *rcpt_out, size_t *n_out,
				struct sk_error *err);

#endif
