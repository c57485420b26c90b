/* advisory/delivery.c: the mails of a published advisory revision, one
 * per recipient organization and language, to its advisory and
 * operational-24x7 contacts, queued in the publishing transaction. The text of the
 * advisory is in the one language it was written in; only the frame
 * around it (share/templates/advisory-<lang>.txt) is translated. */
#include "advisory/delivery.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisory/alert.h"
#include "config_build.h"
#include "lib/buf.h"
#include "lib/config.h"
#include "lib/error.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "mail/dispatch.h"
#include "mail/message.h"
#include "model/org.h"

#define BODY_MAX       (256 * 1024)
#define DEFAULT_SENDER "the national CSIRT"
#define ESCALATE_MAX   (7 * 86400)

static const char *const advisory_vars[] = {
    "org",	"number",  "title",	   "tlp",	  "label", "matrix",
    "revision", "summary", "description",  "remediation", "cves",  "liaison",
    "members",	"pass_on", "need_to_know", "sender",	  NULL};

int delivery_settings_load(const struct config *cfg, struct delivery_settings *out,
			   struct sk_error *err)
{
	const char *url = config_str(cfg, "http", "public_url", "");
	char from[MAIL_ADDR_MAX + 1];
	size_t n = strlen(url);
	int rc;

	memset(out, 0, sizeof(*out));
	out->templates = config_str(cfg, "notify", "templates", SCHAKEL_TEMPLATES);
	out->sender = config_str(cfg, "notify", "sender", DEFAULT_SENDER);
	out->from = config_str(cfg, "mail", "from", NULL);
	if (out->from != NULL && (rc = mail_addr_check(out->from, from, err)) != 0) {
		sk_error_prefix(err, "mail.from");
		return err->code = SK_ECONFIG;
	}
	while (n > 0 && url[n - 1] == '/')
		n--;
	if (n > 0 && ((!str_has_prefix(url, "https://") && !str_has_prefix(url, "http://")) ||
		      n > DELIVERY_URL_MAX || strpbrk(url, " \t\r\n\"<>") != NULL))
		return sk_error_set(err, SK_ECONFIG,
				    "http.public_url: '%s' is not an http(s) URL of at most %d "
				    "bytes",
				    url, DELIVERY_URL_MAX);
	memcpy(out->public_url, url, n);
	out->public_url[n] = '\0';
	return config_duration(cfg, "alerts", "escalate_after", 1, ESCALATE_MAX,
			       DELIVERY_ESCALATE_DEFAULT, &out->escalate_after, err);
}

struct template *delivery_template(struct template_set *ts, const char *langs,
				   const char **lang_out, struct sk_error *err)
{
	struct template *t = template_set_pick(ts, langs, lang_out, err);

	if (t == NULL && err->code == 0)
		sk_error_set(err, SK_ECONFIG, "%s/%s-en.txt: no such template", ts->dir,
			     ts->prefix);
	return t;
}

/* What one organization receives: its rows in the recipients. */
struct org_rows {
	int64_t org_id;
	bool direct;	    /* named or concerned */
	struct buf members; /* liaison: the members' names */
	bool pass_on, need_to_know;
};

/* Join the strings v[0..n) with ", " into out. */
static void join(const struct advisory_strs *v, struct buf *out)
{
	for (size_t i = 0; i < v->n; i++)
		buf_printf(out, "%s%s", i ? ", " : "", v->v[i]);
}

/* Whether a contact with this role reads advisories (alerts go to
 * operational-24x7 alone). */
static bool reads_advisories(enum contact_role role)
{
	return role == CONTACT_ROLE_ADVISORY || role == CONTACT_ROLE_OPERATIONAL_24X7;
}

/* The contacts of an organization that read advisories, in language
 * groups, each group one mail saying it->vars with the organization's
 * own fields. */
static int mail_org(struct store *st, const struct delivery_settings *ds,
		    struct template_set *ts, const struct delivery_item *it,
		    const struct org *org, const struct org_rows *o,
		    const struct contact_list *cl, size_t *n_out, struct sk_error *err)
{
	bool *done = xcalloc(cl->n + 1, sizeof(*done));
	struct mail_addr *to = xcalloc(cl->n + 1, sizeof(*to));
	struct template_var *vars = xcalloc(it->n_vars + 6, sizeof(*vars));
	char ref[64];
	struct buf text;
	size_t n_vars = it->n_vars;
	int rc = 0;

	buf_init(&text, BODY_MAX);
	memcpy(vars, it->vars, it->n_vars * sizeof(*vars));
	vars[n_vars++] = (struct template_var){"org", org->name};
	vars[n_vars++] = (struct template_var){"liaison", o->direct ? NULL : "yes"};
	vars[n_vars++] =
	    (struct template_var){"members", o->members.len ? buf_str(&o->members) : NULL};
	vars[n_vars++] = (struct template_var){"pass_on", o->pass_on ? "yes" : NULL};
	vars[n_vars++] = (struct template_var){"need_to_know", o->need_to_know ? "yes" : NULL};
	vars[n_vars++] = (struct template_var){"sender", ds->sender};
	snprintf(ref, sizeof(ref), "%s:%lld", it->kind, (long long)it->id);
	for (size_t i = 0; i < cl->n && rc == 0; i++) {
		const char *lang = "en", *subject, *body;
		const struct template *t;
		size_t n_to = 0;

		if (done[i] || !reads_advisories(cl->v[i].role))
			continue;
		if (ds->from == NULL) {
			rc = sk_error_set(err, SK_ECONFIG,
					  "mail.from: %s %s: its mails need a sender address",
					  it->kind, it->number);
			break;
		}
		if ((t = delivery_template(ts, cl->v[i].languages, &lang, err)) == NULL) {
			rc = err->code;
			break;
		}
		/* Everyone whose language picks the same template. */
		for (size_t j = i; j < cl->n && n_to < MAIL_TO_MAX; j++) {
			const char *l2 = "en";

			if (done[j] || !reads_advisories(cl->v[j].role))
				continue;
			if (delivery_template(ts, cl->v[j].languages, &l2, err) == NULL) {
				rc = err->code;
				break;
			}
			if (strcmp(l2, lang) != 0)
				continue;
			done[j] = true;
			to[n_to++] = (struct mail_addr){cl->v[j].name, cl->v[j].email};
		}
		if (rc != 0)
			break;
		buf_reset(&text);
		if ((rc = template_render(t, vars, n_vars, &text)) != 0) {
			sk_error_set(err, rc, "%s %s: the mail is larger than %d bytes",
				     it->kind, it->number, BODY_MAX);
			break;
		}
		if (template_split_subject(text.data, &subject, &body) != 0) {
			rc = sk_error_set(err, SK_ECONFIG,
					  "%s/%s-%s.txt:1: the first line must be "
					  "\"Subject: ...\"",
					  ds->templates, it->kind, lang);
			break;
		}
		{
			const struct mail_header auto_gen = {"Auto-Submitted",
							     "auto-generated"};
			const struct mail_message m = {.from = {ds->sender, ds->from},
						       .to = to,
						       .n_to = n_to,
						       .subject = subject,
						       .body = body,
						       .headers = &auto_gen,
						       .n_headers = 1,
						       .attachments = it->attachments,
						       .n_attachments = it->n_attachments,
						       .tlp = tlp_name(it->tlp)};

			if ((rc = mail_enqueue(st, &m, it->kind, ref, NULL, NULL, err)) == 0)
				(*n_out)++;
		}
	}
	buf_free(&text);
	free(vars);
	free(done);
	free(to);
	return rc;
}

static int rows_cmp(const void *x, const void *y)
{
	const struct org_rows *a = x, *b = y;

	return (a->org_id > b->org_id) - (a->org_id < b->org_id);
}

/* Group the recipient rows by organization, with the members' names of
 * the liaison rows the policy lets it receive. */
static struct org_rows *group(struct store *st, const struct advisory_recipients *r,
			      size_t *n_out, struct sk_error *err)
{
	struct org_rows *v = xcalloc(r->n + 1, sizeof(*v));
	size_t n = 0;

	for (size_t i = 0; i < r->n; i++) {
		const struct advisory_recipient *x = &r->v[i];
		struct org_rows *o = NULL;

		if (!x->may.receive)
			continue;
		for (size_t j = 0; j < n && o == NULL; j++)
			if (v[j].org_id == x->org_id)
				o = &v[j];
		if (o == NULL) {
			o = &v[n++];
			o->org_id = x->org_id;
			buf_init(&o->members, 64 * 1024);
		}
		if (x->relation != TLP_REL_LIAISON) {
			o->direct = true;
			continue;
		}
		{
			struct org m;

			memset(&m, 0, sizeof(m));
			if (store_org_get(st, x->member_id, &m, err) == 0)
				buf_printf(&o->members, "%s%s", o->members.len ? ", " : "",
					   m.name);
			org_clear(&m);
			sk_error_clear(err);
		}
		o->pass_on |= x->may.pass_on;
		o->need_to_know |= x->may.need_to_know;
	}
	qsort(v, n, sizeof(*v), rows_cmp);
	*n_out = n;
	return v;
}

int delivery_queue(struct store *st, const struct delivery_settings *ds,
		   const struct delivery_item *it, const struct advisory_recipients *r,
		   size_t *n_out, struct sk_error *err)
{
	struct template_set ts = {
	    .dir = ds->templates, .prefix = it->kind, .allowed = it->allowed};
	struct org_rows *v;
	size_t n = 0;
	int rc;

	if ((rc = store_begin(st, err)) != 0)
		return rc;
	v = group(st, r, &n, err);
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct contact_list cl = {0};
		struct org org;

		memset(&org, 0, sizeof(org));
		if ((rc = store_org_get(st, v[i].org_id, &org, err)) == 0 &&
		    (rc = store_contact_each(st, v[i].org_id, contact_list_push, &cl, err)) ==
			0)
			rc = mail_org(st, ds, &ts, it, &org, &v[i], &cl, n_out, err);
		contact_list_free(&cl);
		org_clear(&org);
	}
	for (size_t i = 0; i < n; i++)
		buf_free(&v[i].members);
	free(v);
	template_set_free(&ts);
	return store_finish(st, rc, err);
}

int advisory_deliver(struct store *st, const struct delivery_settings *ds,
		     const struct advisory *a, const struct advisory_recipients *r,
		     struct delivery_stats *stats, struct sk_error *err)
{
	struct delivery_stats none;
	char matrix[4], revision[16];
	struct buf cves;
	int rc;

	if (stats == NULL)
		stats = &none;
	memset(stats, 0, sizeof(*stats));
	buf_init(&cves, 64 * 1024);
	join(&a->cves, &cves);
	advisory_matrix(a, matrix);
	snprintf(revision, sizeof(revision), "%d", a->revision);
	if ((rc = store_begin(st, err)) != 0)
		goto out;
	/* The alerts first, so that the dispatcher sends them first. */
	if (a->revision == 1 && advisory_urgent(a))
		rc = alert_raise(st, ds, a, r, &stats->alerts, err);
	if (rc == 0) {
		const struct template_var vars[] = {
		    {"number", a->number},
		    {"title", a->title},
		    {"tlp", tlp_name(a->tlp)},
		    {"label", advisory_label(a)},
		    {"matrix", matrix},
		    {"revision", revision},
		    {"summary", a->summary},
		    {"description", a->description},
		    {"remediation", a->remediation},
		    {"cves", buf_str(&cves)},
		};
		const struct delivery_item it = {.kind = "advisory",
						 .allowed = advisory_vars,
						 .vars = vars,
						 .n_vars = sizeof(vars) / sizeof(vars[0]),
						 .number = a->number,
						 .tlp = a->tlp,
						 .id = a->id};

		rc = delivery_queue(st, ds, &it, r, &stats->mails, err);
	}
	rc = store_finish(st, rc, err);
out:
	buf_free(&cves);
	return rc;
}

int advisory_publish_deliver(struct store *st, const struct user *u,
			     const struct advisory_settings *cfg,
			     const struct delivery_settings *ds, int64_t id,
			     struct advisory_recipients *rcpt_out, struct delivery_stats *stats,
			     struct sk_error *err)
{
	struct advisory a;
	int rc;

	advisory_init(&a);
	if ((rc = store_begin(st, err)) != 0)
		return rc;
	if ((rc = advisory_publish(st, u, cfg, id, rcpt_out, err)) == 0 &&
	    (rc = advisory_get(st, u, id, &a, err)) == 0)
		rc = advisory_deliver(st, ds, &a, rcpt_out, stats, err);
	advisory_clear(&a);
	return store_finish(st, rc, err);
}

int advisory_update_deliver(struct store *st, const struct user *u,
			    const struct delivery_settings *ds, int64_t id, const char *summary,
			    advisory_apply_fn apply, void *ctx,
			    struct advisory_recipients *rcpt_out, struct sk_error *err)
{
	struct advisory a;
	int rc;

	advisory_init(&a);
	if ((rc = store_begin(st, err)) != 0)
		return rc;
	if ((rc = advisory_update(st, u, id, summary, apply, ctx, rcpt_out, err)) == 0 &&
	    (rc = advisory_get(st, u, id, &a, err)) == 0)
		rc = advisory_deliver(st, ds, &a, rcpt_out, NULL, err);
	advisory_clear(&a);
	return store_finish(st, rc, err);
}
