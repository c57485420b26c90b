/* advisory/workflow.c: the life of an advisory (see workflow.h). */
#include "advisory/workflow.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access/access.h"
#include "lib/buf.h"
#include "lib/config.h"
#include "lib/error.h"
#include "lib/str.h"
#include "lib/xalloc.h"

int advisory_settings_load(const struct config *cfg, struct advisory_settings *out,
			   struct sk_error *err)
{
	struct advisory_settings s = {.review = true};
	const char *prefix =
	    cfg != NULL ? config_str(cfg, "advisories", "prefix", "CERT") : "CERT";
	size_t n = strlen(prefix);
	int rc;

	if (n == 0 || n > ADVISORY_PREFIX_MAX)
		return config_error(cfg, "advisories", "prefix", err, "1 to %d characters",
				    ADVISORY_PREFIX_MAX);
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)prefix[i]) && prefix[i] != '-')
			return config_error(cfg, "advisories", "prefix", err,
					    "letters, digits and - only");
	memcpy(s.prefix, prefix, n + 1);
	if (cfg != NULL &&
	    (rc = config_bool(cfg, "advisories", "review", true, &s.review, err)) != 0)
		return rc;
	*out = s;
	return 0;
}

static void now_iso(char out[21])
{
	str_time_iso(str_time_now(), out);
}

/* Read advisory id from the store into *a (initialised). */
static int load(struct store *st, int64_t id, struct advisory *a, struct sk_error *err)
{
	struct buf text;
	json_t *doc;
	int rc;

	buf_init(&text, ADVISORY_JSON_MAX * 2);
	if ((rc = store_advisory_get(st, id, &text, err)) != 0) {
		if (rc == SK_ENOTFOUND)
			sk_error_set(err, rc, "no advisory %lld", (long long)id);
		buf_free(&text);
		return rc;
	}
	doc = json_loads(buf_str(&text), 0, NULL);
	buf_free(&text);
	if (doc == NULL)
		return sk_error_set(err, SK_EIO, "advisory %lld in the database is damaged",
				    (long long)id);
	rc = advisory_from_json(a, doc, err);
	json_decref(doc);
	if (rc != 0) {
		sk_error_prefix(err, "advisory %lld in the database is damaged", (long long)id);
		err->code = SK_EIO;
		return SK_EIO;
	}
	a->id = id;
	return 0;
}

/* The document of a as stored; caller frees. */
static char *doc_text(const struct advisory *a)
{
	json_t *doc = advisory_to_json(a);
	char *text = json_dumps(doc, JSON_COMPACT);

	json_decref(doc);
	if (text == NULL)
		abort(); /* out of memory */
	return text;
}

static void row_fill(struct store_advisory *r, const struct advisory *a, const char *doc)
{
	r->id = a->id;
	r->number = a->number;
	r->status = advisory_status_names[a->status];
	r->title = a->title;
	r->tlp = tlp_name(a->tlp);
	r->urgent = advisory_urgent(a);
	r->revision = a->revision;
	r->author = a->author;
	r->reviewer = a->reviewer;
	r->published = a->published;
	r->doc = doc;
}

/* Write a back with an audit row; a's updated time follows the store's. */
static int save(struct store *st, struct advisory *a, const char *action, const char *summary,
		struct sk_error *err)
{
	struct store_advisory r = {0};
	char *doc;
	int rc;

	now_iso(a->updated);
	doc = doc_text(a);
	row_fill(&r, a, doc);
	rc = store_advisory_update(st, &r, action, summary, err);
	free(doc);
	return rc;
}

/* May u see a? Staff: yes. A partner: a published or withdrawn one its
 * organization receives. SK_ENOTFOUND otherwise. */
static int visible(struct store *st, const struct user *u, const struct advisory *a,
		   struct sk_error *err)
{
	struct advisory_recipients r = {0};
	int rc;

	if (access_is_staff(u))
		return 0;
	if (u == NULL || u->role != USER_ROLE_PARTNER || u->org_id <= 0 ||
	    (a->status != ADVISORY_PUBLISHED && a->status != ADVISORY_WITHDRAWN))
		return sk_error_set(err, SK_ENOTFOUND, "no advisory %lld", (long long)a->id);
	if ((rc = advisory_audience_resolve(st, a, &r, err)) != 0)
		return rc;
	rc = advisory_recipients_find(&r, u->org_id) != NULL
		 ? 0
		 : sk_error_set(err, SK_ENOTFOUND, "no advisory %lld", (long long)a->id);
	advisory_recipients_free(&r);
	return rc;
}

int advisory_new(struct store *st, const struct user *u, const struct advisory_settings *cfg,
		 advisory_apply_fn apply, void *ctx, struct advisory *out, struct sk_error *err)
{
	struct store_advisory r = {0};
	struct advisory a;
	char prefix[ADVISORY_PREFIX_MAX + 16], *doc = NULL;
	time_t now = str_time_now();
	struct tm tm;
	int64_t seq = 0;
	int rc;

	if ((rc = access_may_handle_advisories(u, err)) != 0)
		return rc;
	advisory_init(&a);
	if ((rc = apply(&a, ctx, err)) != 0 || (rc = advisory_validate(&a, false, err)) != 0)
		goto out;
	gmtime_r(&now, &tm);
	snprintf(prefix, sizeof(prefix), "%s-%04d-", cfg->prefix, tm.tm_year + 1900);
	if ((rc = store_begin(st, err)) != 0)
		goto out;
	if ((rc = store_advisory_last_number(st, prefix, &seq, err)) == 0) {
		char number[ADVISORY_PREFIX_MAX + 64];

		snprintf(number, sizeof(number), "%s%04lld", prefix, (long long)seq + 1);
		snprintf(a.number, sizeof(a.number), "%.40s", number);
		snprintf(a.author, sizeof(a.author), "%s", u->name);
		a.status = ADVISORY_DRAFT;
		now_iso(a.created);
		memcpy(a.updated, a.created, sizeof(a.updated));
		doc = doc_text(&a);
		row_fill(&r, &a, doc);
		rc = store_advisory_add(st, &r, err);
	}
	if ((rc = store_finish(st, rc, err)) == 0) {
		a.id = r.id;
		advisory_clear(out);
		*out = a;
		advisory_init(&a);
	}
out:
	free(doc);
	advisory_clear(&a);
	return rc;
}

int advisory_get(struct store *st, const struct user *u, int64_t id, struct advisory *out,
		 struct sk_error *err)
{
	struct advisory a;
	int rc;

	advisory_init(&a);
	if (u == NULL)
		return sk_error_set(err, SK_ENOTFOUND, "no advisory %lld", (long long)id);
	if ((rc = load(st, id, &a, err)) == 0 && (rc = visible(st, u, &a, err)) == 0) {
		advisory_clear(out);
		*out = a;
		return 0;
	}
	advisory_clear(&a);
	return rc;
}

struct ref_walk {
	const char *number;
	int64_t id;
};

static int ref_find(const struct store_advisory *r, void *ctx)
{
	struct ref_walk *w = ctx;

	if (strcmp(r->number, w->number) == 0) {
		w->id = r->id;
		return 1;
	}
	return 0;
}

int advisory_ref(struct store *st, const char *ref, int64_t *id_out, struct sk_error *err)
{
	struct store_advisory_filter f = {0};
	struct ref_walk w = {.number = ref};
	int64_t id;
	int rc;

	if (str_to_i64(ref, 1, INT64_MAX, &id) == 0) {
		*id_out = id;
		return 0;
	}
	if ((rc = store_advisory_each(st, &f, ref_find, &w, err)) < 0)
		return rc;
	if (w.id == 0)
		return sk_error_set(err, SK_ENOTFOUND, "no advisory %.60s", ref);
	*id_out = w.id;
	return 0;
}

struct list_walk {
	struct store *st;
	const struct user *u;
	advisory_fn fn;
	void *ctx;
	struct sk_error *err;
	int failed;
};

static int list_one(const struct store_advisory *r, void *ctx)
{
	struct list_walk *w = ctx;
	struct advisory a;
	json_t *doc = json_loads(r->doc, 0, NULL);
	int rc;

	advisory_init(&a);
	if (doc == NULL || advisory_from_json(&a, doc, w->err) != 0) {
		json_decref(doc);
		w->failed =
		    sk_error_set(w->err, SK_EIO, "advisory %lld in the database is damaged",
				 (long long)r->id);
		return w->failed;
	}
	json_decref(doc);
	a.id = r->id;
	rc = visible(w->st, w->u, &a, w->err);
	if (rc == SK_ENOTFOUND) {
		rc = 0;
	} else if (rc == 0) {
		rc = w->fn(&a, w->ctx);
	} else {
		w->failed = rc;
	}
	advisory_clear(&a);
	return rc;
}

int advisory_list(struct store *st, const struct user *u, const char *status, advisory_fn fn,
		  void *ctx, struct sk_error *err)
{
	struct store_advisory_filter f = {.status = status};
	struct list_walk w = {.st = st, .u = u, .fn = fn, .ctx = ctx, .err = err};
	int rc;

	if (status != NULL && str_index(advisory_status_names, status) < 0)
		return sk_error_set(
		    err, SK_EINVAL,
		    "status: '%.40s' is not draft, review, published or withdrawn", status);
	if (u == NULL)
		return 0;
	rc = store_advisory_each(st, &f, list_one, &w, err);
	return w.failed != 0 ? w.failed : rc;
}

/* Begin a change of advisory id by staff u: the transaction is open and
 * *a loaded on success. */
static int change_begin(struct store *st, const struct user *u, int64_t id, struct advisory *a,
			struct sk_error *err)
{
	int rc;

	if ((rc = access_may_handle_advisories(u, err)) != 0 ||
	    (rc = store_begin(st, err)) != 0)
		return rc;
	if ((rc = load(st, id, a, err)) != 0)
		store_rollback(st);
	return rc;
}

static int wrong_status(const struct advisory *a, const char *what, struct sk_error *err)
{
	return sk_error_set(err, SK_EINVAL, "advisory %s is %s: %s", a->number,
			    advisory_status_names[a->status], what);
}

int advisory_edit(struct store *st, const struct user *u, int64_t id, advisory_apply_fn apply,
		  void *ctx, struct advisory *out, struct sk_error *err)
{
	struct advisory a;
	int rc;

	advisory_init(&a);
	if ((rc = change_begin(st, u, id, &a, err)) != 0)
		goto done;
	if (a.status != ADVISORY_DRAFT && a.status != ADVISORY_REVIEW)
		rc = wrong_status(&a, "change it with update", err);
	if (rc == 0 && (rc = apply(&a, ctx, err)) == 0 &&
	    (rc = advisory_validate(&a, false, err)) == 0) {
		const char *why =
		    a.status == ADVISORY_REVIEW ? "edited; back to draft" : "edited";

		a.status = ADVISORY_DRAFT;
		a.reviewer[0] = '\0';
		rc = save(st, &a, "advisory.edit", why, err);
	}
	if ((rc = store_finish(st, rc, err)) == 0 && out != NULL) {
		advisory_clear(out);
		*out = a;
		return 0;
	}
done:
	advisory_clear(&a);
	return rc;
}

int advisory_submit(struct store *st, const struct user *u, int64_t id, struct sk_error *err)
{
	struct advisory a;
	int rc;

	advisory_init(&a);
	if ((rc = change_begin(st, u, id, &a, err)) != 0)
		goto done;
	if (a.status != ADVISORY_DRAFT)
		rc = wrong_status(&a, "only a draft is submitted for review", err);
	if (rc == 0 && (rc = advisory_validate(&a, true, err)) == 0) {
		a.status = ADVISORY_REVIEW;
		a.reviewer[0] = '\0';
		rc = save(st, &a, "advisory.submit", "submitted for review", err);
	}
	rc = store_finish(st, rc, err);
done:
	advisory_clear(&a);
	return rc;
}

int advisory_approve(struct store *st, const struct user *u, int64_t id, struct sk_error *err)
{
	struct advisory a;
	int rc;

	advisory_init(&a);
	if ((rc = change_begin(st, u, id, &a, err)) != 0)
		goto done;
	if (a.status != ADVISORY_REVIEW)
		rc = wrong_status(&a, "only one in review is approved", err);
	else if (a.reviewer[0] != '\0')
		rc = sk_error_set(err, SK_EINVAL, "advisory %s is approved already by %s",
				  a.number, a.reviewer);
	if (rc == 0 && (rc = access_may_review_advisory(u, a.author, err)) == 0) {
		snprintf(a.reviewer, sizeof(a.reviewer), "%s", u->name);
		rc = save(st, &a, "advisory.approve", "approved", err);
	}
	rc = store_finish(st, rc, err);
done:
	advisory_clear(&a);
	return rc;
}

int advisory_published(struct store *st, const struct advisory *a,
		       struct advisory_recipients *out, struct sk_error *err)
{
	return advisory_audience_resolve(st, a, out, err);
}

/* Record revision a->revision (its history entry, summary) and keep its
 * snapshot, then resolve the audience. */
static int revise(struct store *st, struct advisory *a, const char *summary,
		  struct advisory_recipients *rcpt, struct sk_error *err)
{
	struct advisory_revision *r;
	char *doc;
	int rc;

	a->revisions = xreallocarray(a->revisions, a->n_revisions + 1, sizeof(*a->revisions));
	r = &a->revisions[a->n_revisions++];
	memset(r, 0, sizeof(*r));
	r->number = a->revision;
	now_iso(r->date);
	r->summary = xstrdup(summary);
	doc = doc_text(a);
	rc = store_advisory_revision_add(st, a->id, a->revision, summary, doc, err);
	free(doc);
	if (rc == 0)
		rc = advisory_published(st, a, rcpt, err);
	return rc;
}

/* Hand rcpt to the caller's *out (or free it). */
static void rcpt_give(struct advisory_recipients *rcpt, struct advisory_recipients *out)
{
	if (out != NULL) {
		*out = *rcpt;
		memset(rcpt, 0, sizeof(*rcpt));
	}
	advisory_recipients_free(rcpt);
}

int advisory_publish(struct store *st, const struct user *u,
		     const struct advisory_settings *cfg, int64_t id,
		     struct advisory_recipients *rcpt_out, struct sk_error *err)
{
	struct advisory_recipients rcpt = {0};
	struct advisory a;
	char summary[128];
	int rc;

	advisory_init(&a);
	if ((rc = change_begin(st, u, id, &a, err)) != 0)
		goto done;
	if (a.status != ADVISORY_DRAFT && a.status != ADVISORY_REVIEW)
		rc = wrong_status(&a, "only a draft or one in review is published", err);
	else if (cfg->review && (a.status != ADVISORY_REVIEW || a.reviewer[0] == '\0'))
		rc = sk_error_set(
		    err, SK_EPERM,
		    "advisory %s needs a review first ([advisories] review = yes): "
		    "submit it and let another analyst approve it",
		    a.number);
	if (rc == 0 && (rc = advisory_validate(&a, true, err)) == 0) {
		a.status = ADVISORY_PUBLISHED;
		a.revision = 1;
		now_iso(a.published);
		rc = revise(st, &a, "Initial publication", &rcpt, err);
	}
	if (rc == 0) {
		snprintf(summary, sizeof(summary), "published, revision 1, %zu recipients",
			 rcpt.n);
		rc = save(st, &a, "advisory.publish", summary, err);
	}
	if ((rc = store_finish(st, rc, err)) == 0)
		rcpt_give(&rcpt, rcpt_out);
done:
	advisory_recipients_free(&rcpt);
	advisory_clear(&a);
	return rc;
}

int advisory_update(struct store *st, const struct user *u, int64_t id, const char *summary,
		    advisory_apply_fn apply, void *ctx, struct advisory_recipients *rcpt_out,
		    struct sk_error *err)
{
	struct advisory_recipients rcpt = {0};
	struct advisory a;
	int rc;

	if (summary == NULL || summary[0] == '\0')
		return sk_error_set(err, SK_EINVAL, "summary: say what changed");
	if (strlen(summary) > ADVISORY_FIELD_MAX * 4)
		return sk_error_set(err, SK_ETOOBIG, "summary: more than %d bytes",
				    ADVISORY_FIELD_MAX * 4);
	advisory_init(&a);
	if ((rc = change_begin(st, u, id, &a, err)) != 0)
		goto done;
	if (a.status != ADVISORY_PUBLISHED)
		rc = wrong_status(&a, "only a published advisory is updated", err);
	if (rc == 0 && apply != NULL)
		rc = apply(&a, ctx, err);
	if (rc == 0 && (rc = advisory_validate(&a, true, err)) == 0) {
		a.revision++;
		rc = revise(st, &a, summary, &rcpt, err);
	}
	if (rc == 0)
		rc = save(st, &a, "advisory.update", summary, err);
	if ((rc = store_finish(st, rc, err)) == 0)
		rcpt_give(&rcpt, rcpt_out);
done:
	advisory_recipients_free(&rcpt);
	advisory_clear(&a);
	return rc;
}

int advisory_withdraw(struct store *st, const struct user *u, int64_t id, const char *reason,
		      struct sk_error *err)
{
	struct advisory a;
	int rc;

	if (reason == NULL || reason[0] == '\0')
		return sk_error_set(err, SK_EINVAL, "reason: say why it is withdrawn");
	if (strlen(reason) > ADVISORY_FIELD_MAX * 4)
		return sk_error_set(err, SK_ETOOBIG, "reason: more than %d bytes",
				    ADVISORY_FIELD_MAX * 4);
	advisory_init(&a);
	if ((rc = change_begin(st, u, id, &a, err)) != 0)
		goto done;
	if (a.status != ADVISORY_PUBLISHED)
		rc = wrong_status(&a, "only a published advisory is withdrawn", err);
	if (rc == 0) {
		a.status = ADVISORY_WITHDRAWN;
		now_iso(a.withdrawn);
		a.withdraw_reason = xstrdup(reason);
		rc = save(st, &a, "advisory.withdraw", reason, err);
	}
	rc = store_finish(st, rc, err);
done:
	advisory_clear(&a);
	return rc;
}

int advisory_audience(struct store *st, const struct user *u, int64_t id,
		      struct advisory_recipients *out, struct sk_error *err)
{
	struct advisory a;
	int rc;

	if ((rc = access_may_handle_advisories(u, err)) != 0)
		return rc;
	advisory_init(&a);
	if ((rc = load(st, id, &a, err)) == 0)
		rc = advisory_audience_resolve(st, &a, out, err);
	advisory_clear(&a);
	return rc;
}

int advisory_revision_each(struct store *st, const struct user *u, int64_t id,
			   store_advisory_revision_fn fn, void *ctx, struct sk_error *err)
{
	struct advisory a;
	int rc;

	advisory_init(&a);
	if ((rc = advisory_get(st, u, id, &a, err)) == 0)
		rc = store_advisory_revision_each(st, id, fn, ctx, err);
	advisory_clear(&a);
	return rc;
}
