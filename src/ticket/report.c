/* ticket/report.c: a partner's report through the portal, composed as
 * the mail a reporter would send and handed to intake_mail() (see
 * report.h); and the list of an organization's reports.
 * SECURITY: subject and text come from a client: both are checked for
 * size and UTF-8 and the subject for control characters before anything
 * is composed; the reporter must be a contact of the partner's own
 * organization, and the report may join only that organization's
 * tickets. */
#include "ticket/report.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "access/access.h"
#include "lib/error.h"
#include "lib/str.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"
#include "mail/message.h"
#include "model/org.h"
#include "model/tlp.h"
#include "store/store.h"
#include "ticket/intake.h"

void report_result_clear(struct report_result *r)
{
	free(r->ack_to);
	free(r->ack_subject);
	free(r->ack_text);
	r->ack_to = r->ack_subject = r->ack_text = NULL;
}

/* The fields of in, checked: SK_EINVAL or SK_ETOOBIG naming the field. */
static int input_check(const struct report_input *in, enum tlp_label *tlp, struct sk_error *err)
{
	size_t n = in->subject != NULL ? strlen(in->subject) : 0;
	struct sk_error why = {0};

	if (n == 0)
		return sk_error_set(err, SK_EINVAL, "subject: a report needs a subject");
	if (n > REPORT_SUBJECT_MAX)
		return sk_error_set(err, SK_EINVAL, "subject: longer than %d bytes",
				    REPORT_SUBJECT_MAX);
	if (!utf8_valid(in->subject, n))
		return sk_error_set(err, SK_EINVAL, "subject: not valid UTF-8");
	for (const char *p = in->subject; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return sk_error_set(err, SK_EINVAL,
					    "subject: control characters are not allowed "
					    "(byte %zu)",
					    (size_t)(p - in->subject) + 1);
	n = in->text != NULL ? strlen(in->text) : 0;
	if (n == 0 || strspn(in->text, " \t\r\n") == n)
		return sk_error_set(err, SK_EINVAL, "text: a report needs a text");
	if (n > REPORT_TEXT_MAX)
		return sk_error_set(err, SK_ETOOBIG, "text: longer than %d bytes",
				    REPORT_TEXT_MAX);
	if (!utf8_valid(in->text, n))
		return sk_error_set(err, SK_EINVAL, "text: not valid UTF-8");
	if (in->contact_id <= 0)
		return sk_error_set(err, SK_EINVAL,
				    "contact_id: the id of one of your organization's contacts "
				    "is required");
	if (in->tlp != NULL && tlp_parse(in->tlp, tlp, &why) != 0)
		return sk_error_set(err, SK_EINVAL, "tlp: %s", why.msg);
	return 0;
}

/* The reporter: contact in->contact_id, of u's organization; another
 * organization's reads as one that does not exist. */
static int reporter_get(struct store *st, const struct user *u, int64_t id, struct contact *out,
			struct sk_error *err)
{
	int rc = store_contact_get(st, id, out, err);

	if (rc == 0 && out->org_id != u->org_id) {
		contact_clear(out);
		rc = SK_ENOTFOUND;
	}
	if (rc == SK_ENOTFOUND)
		return sk_error_set(err, SK_EINVAL,
				    "contact_id: %lld is not a contact of your organization",
				    (long long)id);
	return rc;
}

/* The Message-ID of the report: a hash of who sent what, and the minute,
 * at the reporter's domain; the same report again within the minute
 * gets the same one (intake's duplicate rule). */
static void report_msgid(const struct user *u, const struct contact *who,
			 const struct report_input *in, time_t now,
			 char out[MAIL_MSGID_MAX + 1])
{
	unsigned char h[16];
	char hex[2 * sizeof(h) + 1];
	crypto_generichash_state s;
	char head[96];

	snprintf(head, sizeof(head), "%lld:%lld:%lld:", (long long)u->id, (long long)who->id,
		 (long long)(now / 60));
	crypto_generichash_init(&s, NULL, 0, sizeof(h));
	crypto_generichash_update(&s, (const unsigned char *)head, strlen(head));
	crypto_generichash_update(&s, (const unsigned char *)in->subject,
				  strlen(in->subject) + 1);
	crypto_generichash_update(&s, (const unsigned char *)in->text, strlen(in->text));
	crypto_generichash_final(&s, h, sizeof(h));
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	snprintf(out, MAIL_MSGID_MAX + 1, "<portal.%s.%lld@%s>", hex, (long long)(now / 60),
		 strchr(who->email, '@') + 1);
}

/* The report as a mail from who (*raw: caller frees). To the CSIRT's
 * first own address (mail.from or tickets.addresses); without one, to
 * the reporter itself, as only the sender matters to the intake. */
static int report_compose(const struct user *u, const struct intake_config *c,
			  const struct contact *who, const struct report_input *in, char **raw,
			  size_t *len, struct sk_error *err)
{
	time_t now = str_time_now();
	char msgid[MAIL_MSGID_MAX + 1];
	const struct mail_addr to = {NULL, c->n_own > 0 ? c->own[0] : who->email};
	const struct mail_header headers[] = {{REPORT_HEADER_USER, u->name}};
	const struct mail_message m = {
	    .from = {who->name, who->email},
	    .to = &to,
	    .n_to = 1,
	    .subject = in->subject,
	    .body = in->text,
	    .headers = headers,
	    .n_headers = 1,
	    .date = now,
	    .message_id = msgid,
	};

	report_msgid(u, who, in, now, msgid);
	return mail_compose(&m, raw, len, NULL, err);
}

/* The last acknowledgement of ticket_id, copied into the result. */
static int ack_take(const struct store_ticket_message *m, void *ctx)
{
	struct report_result *r = ctx;

	if (strcmp(m->kind, "ack") != 0)
		return 0;
	report_result_clear(r);
	r->ack_to = xstrdup(m->recipients != NULL ? m->recipients : "");
	r->ack_subject = xstrdup(m->subject != NULL ? m->subject : "");
	r->ack_text = xstrdup(m->body != NULL ? m->body : "");
	return 0;
}

/* After the intake, in its transaction: a threaded report must have
 * joined a ticket of u's organization; a new ticket is the reporter's
 * organization's, with the label asked for. */
static int report_settle(struct store *st, const struct user *u, const struct contact *who,
			 const struct intake_result *ir, const enum tlp_label *tlp,
			 struct ticket *t, struct sk_error *err)
{
	int rc = store_ticket_get(st, ir->ticket_id, t, err);

	if (rc != 0)
		return rc;
	if (!ir->created) {
		if (t->org_id != u->org_id)
			return sk_error_set(
			    err, SK_EINVAL,
			    "subject: it names a ticket that is not one of your "
			    "organization's");
		return 0;
	}
	if (t->org_id == who->org_id && (tlp == NULL || t->tlp == *tlp))
		return 0;
	t->org_id = who->org_id;
	if (tlp != NULL)
		t->tlp = *tlp;
	return store_ticket_update(st, t, "reported through the portal", err);
}

int ticket_report_submit(struct store *st, const struct user *u, const struct intake_config *c,
			 const struct report_input *in, struct report_result *out,
			 struct sk_error *err)
{
	struct intake_result ir;
	struct report_result r;
	struct contact who;
	enum tlp_label tlp;
	bool have_who = false;
	char *raw = NULL;
	size_t len = 0;
	int rc;

	memset(&r, 0, sizeof(r));
	contact_init(&who);
	if ((rc = access_may_report(u, err)) != 0 || (rc = input_check(in, &tlp, err)) != 0)
		return rc;
	if ((rc = reporter_get(st, u, in->contact_id, &who, err)) != 0)
		return rc;
	have_who = true;
	if ((rc = report_compose(u, c, &who, in, &raw, &len, err)) != 0)
		goto out;
	/* One transaction around the intake's and what follows it. */
	if ((rc = store_begin(st, err)) != 0)
		goto out;
	rc = intake_mail(st, c, who.email, raw, len, &ir, err);
	if (rc == 0 && ir.duplicate) {
		store_rollback(st);
		r.duplicate = true;
		/* 0: the same report is being stored by another request. */
		rc = ir.ticket_id > 0 ? store_ticket_get(st, ir.ticket_id, &r.ticket, err)
				      : sk_error_set(err, SK_ETEMP,
						     "the same report is being taken in: "
						     "try again in a moment");
		goto out;
	}
	if (rc == 0)
		rc = report_settle(st, u, &who, &ir, in->tlp != NULL ? &tlp : NULL, &r.ticket,
				   err);
	if (rc == 0 && ir.acked)
		rc = store_ticket_message_each(st, r.ticket.id, ack_take, &r, err);
	if ((rc = store_finish(st, rc, err)) != 0)
		goto out;
	r.created = ir.created;
	r.acked = ir.acked && r.ack_to != NULL;
	snprintf(r.no_ack, sizeof(r.no_ack), "%s", ir.no_ack);
out:
	if (rc == 0)
		*out = r;
	else
		report_result_clear(&r);
	if (have_who)
		contact_clear(&who);
	free(raw);
	return rc;
}

/* ---- the shapes ---- */

json_t *ticket_report_json(const struct ticket *t)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(t->id));
	json_object_set_new(o, "number", json_integer(t->id));
	json_object_set_new(o, "subject", json_string(t->subject));
	json_object_set_new(o, "status", json_string(t->status));
	json_object_set_new(o, "created", json_string(t->created));
	json_object_set_new(o, "updated", json_string(t->updated));
	return o;
}

json_t *ticket_report_result_json(const struct report_result *r)
{
	json_t *o = json_object(), *ack = json_null();

	if (r->acked) {
		json_decref(ack);
		ack = json_object();
		json_object_set_new(ack, "to", json_string(r->ack_to));
		json_object_set_new(ack, "subject", json_string(r->ack_subject));
		json_object_set_new(ack, "text", json_string(r->ack_text));
	}
	json_object_set_new(o, "ticket", ticket_report_json(&r->ticket));
	json_object_set_new(o, "acknowledgement", ack);
	json_object_set_new(o, "duplicate", json_boolean(r->duplicate));
	json_object_set_new(o, "no_ack",
			    r->created && !r->acked ? json_string(r->no_ack) : json_null());
	return o;
}

/* ---- the list ---- */

struct report_walk {
	struct contact_list contacts; /* the organization's */
	int64_t org_id;		      /* 0: every report */
	report_fn fn;
	void *ctx;
};

/* Is t the organization's report? */
static bool report_ours(const struct report_walk *w, const struct ticket *t)
{
	if (w->org_id <= 0 || t->org_id == w->org_id)
		return true;
	for (size_t i = 0; i < w->contacts.n; i++)
		if (strcasecmp(w->contacts.v[i].email, t->requester) == 0)
			return true;
	return false;
}

static int report_visit(const struct ticket *t, void *ctx)
{
	struct report_walk *w = ctx;

	return report_ours(w, t) ? w->fn(t, w->ctx) : 0;
}

int ticket_report_each(struct store *st, const struct user *u, int64_t org_id, report_fn fn,
		       void *ctx, struct sk_error *err)
{
	const struct store_ticket_filter f = {.type = TICKET_REPORT};
	struct report_walk w = {.org_id = org_id, .fn = fn, .ctx = ctx};
	int rc = access_report_scope(u, org_id, &w.org_id, err);

	if (rc != 0)
		return rc;
	if (w.org_id > 0)
		rc = store_contact_each(st, w.org_id, contact_list_push, &w.contacts, err);
	if (rc == 0)
		rc = store_ticket_each(st, &f, report_visit, &w, err);
	contact_list_free(&w.contacts);
	return rc;
}
