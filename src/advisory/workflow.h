/* advisory/workflow.h: what analysts do with advisories, the same from
 * the CLI and the API: draft -> (review by a second analyst, when
 * [advisories] review = yes) -> published (revision 1) -> updated
 * (revision n + 1, each revision kept as a snapshot) -> withdrawn. Each
 * step asks access/access.h, runs in one transaction, and the store
 * writes its audit row. Partners read published (and withdrawn)
 * advisories whose audience holds their organization, as far as THE
 * TLP policy lets it receive them; to anyone else an advisory does not
 * exist (SK_ENOTFOUND, never SK_EPERM). */
#ifndef SK_ADVISORY_WORKFLOW_H
#define SK_ADVISORY_WORKFLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "advisory/advisory.h"
#include "advisory/audience.h"
#include "model/user.h"
#include "store/store.h"

struct config;
struct sk_error;

#define ADVISORY_PREFIX_MAX 24

struct advisory_settings {
	char prefix[ADVISORY_PREFIX_MAX + 1]; /* [advisories] prefix, default "CERT" */
	bool review;			      /* [advisories] review, default yes */
};

/* Read [advisories] from cfg (may be NULL: the defaults). A prefix must
 * be 1..24 letters, digits or "-": else SK_ECONFIG naming it. */
int advisory_settings_load(const struct config *cfg, struct advisory_settings *out,
			   struct sk_error *err);

/* A change to an advisory's fields: sets what it changes in a (a copy;
 * on failure it is thrown away). */
typedef int (*advisory_apply_fn)(struct advisory *a, void *ctx, struct sk_error *err);

/* Draft a new advisory as u: apply fills its fields, then it is
 * validated and stored with a number "<prefix>-<year>-<NNNN>" (the next
 * of the year). The stored advisory into *out (cleared by the caller). */
int advisory_new(struct store *st, const struct user *u, const struct advisory_settings *cfg,
		 advisory_apply_fn apply, void *ctx, struct advisory *out,
		 struct sk_error *err);

/* Advisory id as u may see it (see above) into *out. */
int advisory_get(struct store *st, const struct user *u, int64_t id, struct advisory *out,
		 struct sk_error *err);

/* The id of ref, an id ("12") or a number ("CERT-2026-0042"). */
int advisory_ref(struct store *st, const char *ref, int64_t *id_out, struct sk_error *err);

/* Advisories u may see, newest first, of status (NULL: all), each to fn
 * (borrowed for the call). */
typedef int (*advisory_fn)(const struct advisory *a, void *ctx);
int advisory_list(struct store *st, const struct user *u, const char *status, advisory_fn fn,
		  void *ctx, struct sk_error *err);

/* Change a draft (or one in review, which returns it to draft and
 * forgets an approval). A published advisory changes by
 * advisory_update() only. */
int advisory_edit(struct store *st, const struct user *u, int64_t id, advisory_apply_fn apply,
		  void *ctx, struct advisory *out, struct sk_error *err);

/* Submit a draft for review: it must be complete (validated as for
 * publishing). */
int advisory_submit(struct store *st, const struct user *u, int64_t id, struct sk_error *err);
/* Approve an advisory in review: u must be staff and not its author. */
int advisory_approve(struct store *st, const struct user *u, int64_t id, struct sk_error *err);

/* Publish: approved, or a draft or one in review when review is not
 * required. Revision 1 with its snapshot; the published time is set.
 * The resolved audience into *rcpt_out (zeroed; may be NULL): see
 * advisory_published(). */
int advisory_publish(struct store *st, const struct user *u,
		     const struct advisory_settings *cfg, int64_t id,
		     struct advisory_recipients *rcpt_out, struct sk_error *err);

/* Update a published advisory: apply changes it, summary says what
 * changed (required); revision n + 1 with its snapshot. Audience as
 * publish. */
int advisory_update(struct store *st, const struct user *u, int64_t id, const char *summary,
		    advisory_apply_fn apply, void *ctx, struct advisory_recipients *rcpt_out,
		    struct sk_error *err);

/* Withdraw a published advisory, with a reason (required); its
 * revisions are kept. */
int advisory_withdraw(struct store *st, const struct user *u, int64_t id, const char *reason,
		      struct sk_error *err);

/* The call point where a revision of a becomes public: publish and
 * update call it inside their transaction, after storing the revision,
 * and it resolves the audience into *out. Delivery (mail, alerts,
 * CSAF) consumes what it returns: the recipients with their TLP
 * relation, and the revision's snapshot is store_advisory_revision_each's
 * doc for a->revision. */
int advisory_published(struct store *st, const struct advisory *a,
		       struct advisory_recipients *out, struct sk_error *err);

/* The resolved audience of advisory id, as staff u sees it. */
int advisory_audience(struct store *st, const struct user *u, int64_t id,
		      struct advisory_recipients *out, struct sk_error *err);

/* The revisions of advisory id as u may see it, oldest first: number,
 * date, what changed and the snapshot (JSON text), borrowed for the
 * call. */
int advisory_revision_each(struct store *st, const struct user *u, int64_t id,
			   store_advisory_revision_fn fn, void *ctx, struct sk_error *err);

#endif
