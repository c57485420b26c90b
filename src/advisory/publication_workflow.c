/* advisory/publication_workflow.c: the life of a publication (see
 * publication.h): the advisories' steps, checks and audience over the
 * publications' own rows. */
#include "advisory/publication.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access/access.h"
#include "lib/buf.h"
#include "lib/error.h"
#include "lib/str.h"
#include "lib/xalloc.h"

#define PUBLICATION_JSON_MAX (PUBLICATION_BODY_MAX * 8 + ADVISORY_JSON_MAX)

static void now_iso(char out[21])
{
	str_time_iso(str_time_now(), out);
}

static int load(struct store *st, int64_t id, struct publication *p, struct sk_error *err)
{
	struct buf text;
	json_t *doc;
	int rc;

	buf_init(&text, PUBLICATION_JSON_MAX);
	if ((rc = store_publication_get(st, id, &text, err)) != 0) {
		if (rc == SK_ENOTFOUND)
			sk_error_set(err, rc, "no publication %lld", (long long)id);
		buf_free(&text);
		return rc;
	}
	doc = json_loads(buf_str(&text), 0, NULL);
	buf_free(&text);
	if (doc == NULL || publication_from_json(p, doc, err) != 0) {
		json_decref(doc);
		return sk_error_set(err, SK_EIO, "publication %lld in the database is damaged",
				    (long long)id);
	}
	json_decref(doc);
	p->base.id = id;
	return 0;
}

/* The stored document of p; caller frees. */
static char *doc_text(const struct publication *p)
{
	json_t *doc = publication_to_json(p);
	char *text = json_dumps(doc, JSON_COMPACT);

	json_decref(doc);
	if (text == NULL)
		abort(); /* out of memory */
	return text;
}

static void row_fill(struct store_publication *r, const struct publication *p, const char *doc)
{
	r->id = p->base.id;
	r->number = p->base.number;
	r->kind = publication_kind_names[p->kind];
	r->status = advisory_status_names[p->base.status];
	r->title = p->base.title;
	r->tlp = tlp_name(p->base.tlp);
	r->revision = p->base.revision;
	r->author = p->base.author;
	r->published = p->base.published;
	r->doc = doc;
}

static int save(struct store *st, struct publication *p, const char *action,
		const char *summary, struct sk_error *err)
{
	struct store_publication r = {0};
	char *doc;
	int rc;

	now_iso(p->base.updated);
	doc = doc_text(p);
	row_fill(&r, p, doc);
	rc = store_publication_update(st, &r, action, summary, err);
	free(doc);
	return rc;
}

/* Staff see every publication; a partner a published or withdrawn one
 * its organization receives; nobody else any. */
static int visible(struct store *st, const struct user *u, const struct publication *p,
		   struct sk_error *err)
{
	struct advisory_recipients r = {0};
	enum advisory_status s = p->base.status;
	int rc;

	if (access_is_staff(u))
		return 0;
	if (u == NULL || u->role != USER_ROLE_PARTNER || u->org_id <= 0 ||
	    (s != ADVISORY_PUBLISHED && s != ADVISORY_WITHDRAWN))
		return sk_error_set(err, SK_ENOTFOUND, "no publication %lld",
				    (long long)p->base.id);
	if ((rc = advisory_audience_resolve(st, &p->base, &r, err)) != 0)
		return rc;
	rc =
	    advisory_recipients_find(&r, u->org_id) != NULL
		? 0
		: sk_error_set(err, SK_ENOTFOUND, "no publication %lld", (long long)p->base.id);
	advisory_recipients_free(&r);
	return rc;
}

/* Store the files as attachments of p (in the caller's transaction),
 * each checked first against what p holds. */
static int attach_all(struct store *st, struct publication *p,
		      const struct publication_settings *cfg, const struct publication_file *f,
		      size_t n, struct sk_error *err)
{
	int rc;

	for (size_t i = 0; i < n; i++) {
		struct publication_attachment *a;

		if ((rc = publication_file_check(p, cfg, &f[i], err)) != 0 ||
		    (rc = store_publication_attach(st, p->base.id, f[i].name, f[i].media_type,
						   f[i].data, f[i].size, err)) != 0)
			return rc;
		p->att = xreallocarray(p->att, p->n_att + 1, sizeof(*p->att));
		a = &p->att[p->n_att++];
		memset(a, 0, sizeof(*a));
		snprintf(a->name, sizeof(a->name), "%s", f[i].name);
		snprintf(a->media_type, sizeof(a->media_type), "%s", f[i].media_type);
		a->size = f[i].size;
	}
	return 0;
}

static void copy_fields(struct publication *dst, const struct publication *in)
{
	json_t *doc = publication_to_json(in);

	json_object_del(doc, "attachments");
	publication_from_json(dst, doc, NULL);
	json_decref(doc);
}

int publication_new(struct store *st, const struct user *u,
		    const struct publication_settings *cfg, const struct publication *in,
		    const struct publication_file *files, size_t n_files,
		    struct publication *out, struct sk_error *err)
{
	struct store_publication r = {0};
	struct publication p;
	char prefix[64], *doc = NULL;
	time_t now = str_time_now();
	struct tm tm;
	int64_t seq = 0;
	int rc;

	if ((rc = access_may_handle_advisories(u, err)) != 0)
		return rc;
	publication_init(&p);
	copy_fields(&p, in);
	p.base.status = ADVISORY_DRAFT;
	p.base.revision = 0;
	if ((rc = publication_validate(&p, false, err)) != 0)
		goto out;
	for (size_t i = 0; i < n_files; i++) /* all checked before anything is stored */
		if ((rc = publication_file_check(&p, cfg, &files[i], err)) != 0)
			goto out;
	gmtime_r(&now, &tm);
	snprintf(prefix, sizeof(prefix), "%s-%04d-", cfg->prefix, tm.tm_year + 1900);
	if ((rc = store_begin(st, err)) != 0)
		goto out;
	if ((rc = store_publication_last_number(st, prefix, &seq, err)) == 0) {
		char number[96];

		snprintf(number, sizeof(number), "%s%04lld", prefix, (long long)seq + 1);
		snprintf(p.base.number, sizeof(p.base.number), "%.40s", number);
		snprintf(p.base.author, sizeof(p.base.author), "%s", u->name);
		now_iso(p.base.created);
		memcpy(p.base.updated, p.base.created, sizeof(p.base.updated));
		doc = doc_text(&p);
		row_fill(&r, &p, doc);
		rc = store_publication_add(st, &r, err);
	}
	p.base.id = r.id;
	if (rc == 0 && n_files > 0 && (rc = attach_all(st, &p, cfg, files, n_files, err)) == 0)
		rc = save(st, &p, "publication.edit", "attachments added", err);
	if ((rc = store_finish(st, rc, err)) == 0 && out != NULL) {
		publication_clear(out);
		*out = p;
		publication_init(&p);
	}
out:
	free(doc);
	publication_clear(&p);
	return rc;
}

/* Begin a change of publication id by staff u: the transaction is open
 * and *p loaded on success. */
static int change_begin(struct store *st, const struct user *u, int64_t id,
			struct publication *p, struct sk_error *err)
{
	int rc;

	if ((rc = access_may_handle_advisories(u, err)) != 0 ||
	    (rc = store_begin(st, err)) != 0)
		return rc;
	if ((rc = load(st, id, p, err)) != 0)
		store_rollback(st);
	return rc;
}

static int wrong_status(const struct publication *p, const char *what, struct sk_error *err)
{
	return sk_error_set(err, SK_EINVAL, "publication %s is %s: %s", p->base.number,
			    advisory_status_names[p->base.status], what);
}

int publication_attach(struct store *st, const struct user *u,
		       const struct publication_settings *cfg, int64_t id,
		       const struct publication_file *f, struct sk_error *err)
{
	struct publication p;
	int rc;

	publication_init(&p);
	if ((rc = change_begin(st, u, id, &p, err)) != 0)
		goto done;
	if (p.base.status != ADVISORY_DRAFT)
		rc = wrong_status(&p, "only a draft takes attachments", err);
	if (rc == 0 && (rc = attach_all(st, &p, cfg, f, 1, err)) == 0)
		rc = save(st, &p, "publication.edit", "attachment added", err);
	rc = store_finish(st, rc, err);
done:
	publication_clear(&p);
	return rc;
}

int publication_get(struct store *st, const struct user *u, int64_t id, struct publication *out,
		    struct sk_error *err)
{
	struct publication p;
	int rc;

	if (u == NULL)
		return sk_error_set(err, SK_ENOTFOUND, "no publication %lld", (long long)id);
	publication_init(&p);
	if ((rc = load(st, id, &p, err)) == 0 && (rc = visible(st, u, &p, err)) == 0) {
		publication_clear(out);
		*out = p;
		return 0;
	}
	publication_clear(&p);
	return rc;
}

struct ref_walk {
	const char *number;
	int64_t id;
};

static int ref_find(const struct store_publication *r, void *ctx)
{
	struct ref_walk *w = ctx;

	if (strcmp(r->number, w->number) != 0)
		return 0;
	w->id = r->id;
	return 1;
}

int publication_ref(struct store *st, const char *ref, int64_t *id_out, struct sk_error *err)
{
	struct ref_walk w = {.number = ref};
	int64_t id;
	int rc;

	if (str_to_i64(ref, 1, INT64_MAX, &id) == 0) {
		*id_out = id;
		return 0;
	}
	if ((rc = store_publication_each(st, NULL, ref_find, &w, err)) < 0)
		return rc;
	if (w.id == 0)
		return sk_error_set(err, SK_ENOTFOUND, "no publication %.60s", ref);
	*id_out = w.id;
	return 0;
}

struct list_walk {
	struct store *st;
	const struct user *u; /* NULL: the public */
	publication_fn fn;
	void *ctx;
	struct sk_error *err;
	int failed;
};

static int list_one(const struct store_publication *r, void *ctx)
{
	struct list_walk *w = ctx;
	struct publication p;
	json_t *doc = json_loads(r->doc, 0, NULL);
	int rc;

	publication_init(&p);
	if (doc == NULL || publication_from_json(&p, doc, w->err) != 0) {
		json_decref(doc);
		publication_clear(&p);
		return w->failed = sk_error_set(w->err, SK_EIO,
						"publication %lld in the database is damaged",
						(long long)r->id);
	}
	json_decref(doc);
	p.base.id = r->id;
	if (w->u == NULL)
		rc = tlp_policy(p.base.tlp, TLP_REL_PUBLIC).receive ? 0 : SK_ENOTFOUND;
	else
		rc = visible(w->st, w->u, &p, w->err);
	if (rc == SK_ENOTFOUND)
		rc = 0;
	else if (rc == 0)
		rc = w->fn(&p, w->ctx);
	else
		w->failed = rc;
	publication_clear(&p);
	return rc;
}

int publication_list(struct store *st, const struct user *u, const char *status,
		     publication_fn fn, void *ctx, struct sk_error *err)
{
	struct list_walk w = {.st = st, .u = u, .fn = fn, .ctx = ctx, .err = err};
	int rc;

	if (status != NULL && str_index(advisory_status_names, status) < 0)
		return sk_error_set(
		    err, SK_EINVAL,
		    "status: '%.40s' is not draft, review, published or withdrawn", status);
	if (u == NULL)
		return 0;
	rc = store_publication_each(st, status, list_one, &w, err);
	return w.failed != 0 ? w.failed : rc;
}

int publication_get_public(struct store *st, int64_t id, struct publication *out,
			   struct sk_error *err)
{
	struct publication p;
	int rc;

	publication_init(&p);
	if ((rc = load(st, id, &p, err)) == 0 &&
	    (p.base.status != ADVISORY_PUBLISHED ||
	     !tlp_policy(p.base.tlp, TLP_REL_PUBLIC).receive))
		rc = sk_error_set(err, SK_ENOTFOUND, "no publication %lld", (long long)id);
	if (rc == 0) {
		publication_clear(out);
		*out = p;
		return 0;
	}
	publication_clear(&p);
	return rc;
}

int publication_public_each(struct store *st, publication_fn fn, void *ctx,
			    struct sk_error *err)
{
	struct list_walk w = {.st = st, .fn = fn, .ctx = ctx, .err = err};
	int rc = store_publication_each(st, "published", list_one, &w, err);

	return w.failed != 0 ? w.failed : rc;
}

int publication_attachment(struct store *st, const struct user *u, int64_t id, const char *name,
			   struct buf *data_out, char media_type[128], struct sk_error *err)
{
	struct publication p;
	int rc;

	publication_init(&p);
	if ((rc = publication_get(st, u, id, &p, err)) == 0)
		rc = store_publication_attachment(st, id, name, data_out, media_type, err);
	publication_clear(&p);
	return rc;
}

int publication_submit(struct store *st, const struct user *u, int64_t id, struct sk_error *err)
{
	struct publication p;
	int rc;

	publication_init(&p);
	if ((rc = change_begin(st, u, id, &p, err)) != 0)
		goto done;
	if (p.base.status != ADVISORY_DRAFT)
		rc = wrong_status(&p, "only a draft is submitted for review", err);
	if (rc == 0 && (rc = publication_validate(&p, true, err)) == 0) {
		p.base.status = ADVISORY_REVIEW;
		p.base.reviewer[0] = '\0';
		rc = save(st, &p, "publication.submit", "submitted for review", err);
	}
	rc = store_finish(st, rc, err);
done:
	publication_clear(&p);
	return rc;
}

int publication_approve(struct store *st, const struct user *u, int64_t id,
			struct sk_error *err)
{
	struct publication p;
	int rc;

	publication_init(&p);
	if ((rc = change_begin(st, u, id, &p, err)) != 0)
		goto done;
	if (p.base.status != ADVISORY_REVIEW)
		rc = wrong_status(&p, "only one in review is approved", err);
	else if (p.base.reviewer[0] != '\0')
		rc = sk_error_set(err, SK_EINVAL, "publication %s is approved already by %s",
				  p.base.number, p.base.reviewer);
	if (rc == 0 && (rc = access_may_review_advisory(u, p.base.author, err)) == 0) {
		snprintf(p.base.reviewer, sizeof(p.base.reviewer), "%s", u->name);
		rc = save(st, &p, "publication.approve", "approved", err);
	}
	rc = store_finish(st, rc, err);
done:
	publication_clear(&p);
	return rc;
}

int publication_published(struct store *st, const struct publication *p,
			  struct advisory_recipients *out, struct sk_error *err)
{
	return advisory_audience_resolve(st, &p->base, out, err);
}

int publication_publish(struct store *st, const struct user *u,
			const struct publication_settings *cfg, int64_t id,
			struct advisory_recipients *rcpt_out, struct sk_error *err)
{
	struct advisory_recipients rcpt = {0};
	struct publication p;
	char summary[128];
	int rc;

	publication_init(&p);
	if ((rc = change_begin(st, u, id, &p, err)) != 0)
		goto done;
	if (p.base.status != ADVISORY_DRAFT && p.base.status != ADVISORY_REVIEW)
		rc = wrong_status(&p, "only a draft or one in review is published", err);
	else if (cfg->review &&
		 (p.base.status != ADVISORY_REVIEW || p.base.reviewer[0] == '\0'))
		rc = sk_error_set(err, SK_EPERM,
				  "publication %s needs a review first ([advisories] review = "
				  "yes): submit it and let another analyst approve it",
				  p.base.number);
	if (rc == 0 && (rc = publication_validate(&p, true, err)) == 0) {
		struct advisory_revision *r;

		p.base.status = ADVISORY_PUBLISHED;
		p.base.revision = 1;
		now_iso(p.base.published);
		p.base.revisions = xreallocarray(p.base.revisions, p.base.n_revisions + 1,
						 sizeof(*p.base.revisions));
		r = &p.base.revisions[p.base.n_revisions++];
		memset(r, 0, sizeof(*r));
		r->number = 1;
		memcpy(r->date, p.base.published, sizeof(r->date));
		r->summary = xstrdup("Initial publication");
		rc = publication_published(st, &p, &rcpt, err);
	}
	if (rc == 0) {
		snprintf(summary, sizeof(summary), "published, revision 1, %zu recipients",
			 rcpt.n);
		rc = save(st, &p, "publication.publish", summary, err);
	}
	if ((rc = store_finish(st, rc, err)) == 0 && rcpt_out != NULL) {
		*rcpt_out = rcpt;
		memset(&rcpt, 0, sizeof(rcpt));
	}
done:
	advisory_recipients_free(&rcpt);
	publication_clear(&p);
	return rc;
}

int publication_withdraw(struct store *st, const struct user *u, int64_t id, const char *reason,
			 struct sk_error *err)
{
	struct publication p;
	int rc;

	if (reason == NULL || reason[0] == '\0')
		return sk_error_set(err, SK_EINVAL, "reason: say why it is withdrawn");
	if (strlen(reason) > ADVISORY_FIELD_MAX * 4)
		return sk_error_set(err, SK_ETOOBIG, "reason: more than %d bytes",
				    ADVISORY_FIELD_MAX * 4);
	publication_init(&p);
	if ((rc = change_begin(st, u, id, &p, err)) != 0)
		goto done;
	if (p.base.status != ADVISORY_PUBLISHED)
		rc = wrong_status(&p, "only a published publication is withdrawn", err);
	if (rc == 0) {
		p.base.status = ADVISORY_WITHDRAWN;
		now_iso(p.base.withdrawn);
		p.base.withdraw_reason = xstrdup(reason);
		rc = save(st, &p, "publication.withdraw", reason, err);
	}
	rc = store_finish(st, rc, err);
done:
	publication_clear(&p);
	return rc;
}
