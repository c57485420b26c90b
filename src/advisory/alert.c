/* advisory/alert.c: alerts of urgent advisories: raised on publishing,
 * acknowledged by link, reply, portal or phone, escalated from one
 * operational-24x7 contact to the next and then to the duty officer's
 * calling list (see alert.h). */
#include "advisory/alert.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "lib/buf.h"
#include "lib/error.h"
#include "lib/log.h"
#include "lib/secret.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "mail/dispatch.h"
#include "mail/message.h"
#include "model/org.h"

#define BODY_MAX (64 * 1024)

static const char *const alert_vars[] = {"org",	 "number", "title", "tlp",    "summary",
					 "link", "tag",	   "step",  "sender", NULL};

static const struct user system_user = {.name = "system", .role = USER_ROLE_ADMIN};

/* Seconds since 1970 of an ISO 8601 UTC time as the store writes it, or
 * -1. */
static int64_t iso_seconds(const char *t)
{
	unsigned y, mo, d, h, mi, s;

	if (t == NULL || sscanf(t, "%4u-%2u-%2uT%2u:%2u:%2uZ", &y, &mo, &d, &h, &mi, &s) != 6 ||
	    mo < 1 || mo > 12 || d < 1 || d > 31)
		return -1;
	return str_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

int64_t alert_ack_seconds(const struct store_alert *a)
{
	int64_t s = iso_seconds(a->sent_at), k = iso_seconds(a->ack_at);

	return s < 0 || k < 0 ? -1 : k - s;
}

static int contact_cmp(const void *x, const void *y)
{
	const struct contact *a = x, *b = y;

	return (a->id > b->id) - (a->id < b->id);
}

/* The operational-24x7 contacts of org_id, by id, into *out. */
static int contacts_24x7(struct store *st, int64_t org_id, struct contact_list *out,
			 struct sk_error *err)
{
	struct contact_list all = {0};
	int rc = store_contact_each(st, org_id, contact_list_push, &all, err);

	for (size_t i = 0; rc == 0 && i < all.n; i++)
		if (all.v[i].role == CONTACT_ROLE_OPERATIONAL_24X7)
			contact_list_push(&all.v[i], out);
	contact_list_free(&all);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), contact_cmp);
	return rc;
}

/* A new token into token and its hash into hash; its expiry into
 * expires. */
static void token_new(char token[SECRET_TOKEN_LEN + 1], char hash[SECRET_HASH_HEX + 1],
		      char expires[21])
{
	secret_token_new(token);
	secret_token_hash(token, hash);
	str_time_iso(str_time_now() + (time_t)ALERT_TOKEN_DAYS * 86400, expires);
}

/* Queue the alert mail of alert id (step) about a to contact c of org,
 * with the link of token. */
static int alert_mail(struct store *st, const struct delivery_settings *ds,
		      const struct advisory *a, const struct org *org, const struct contact *c,
		      int64_t id, int step, const char *token, struct sk_error *err)
{
	struct template_set ts = {
	    .dir = ds->templates, .prefix = "alert", .allowed = alert_vars};
	char tag[64], link[DELIVERY_URL_MAX + SECRET_TOKEN_LEN + 8], ref[48], stp[16];
	const char *lang = "en", *subject, *body;
	const struct template *t;
	struct buf text;
	int rc;

	if (ds->from == NULL)
		return sk_error_set(err, SK_ECONFIG, "mail.from: alerts need a sender address");
	if ((t = delivery_template(&ts, c->languages, &lang, err)) == NULL) {
		template_set_free(&ts);
		return err->code;
	}
	snprintf(tag, sizeof(tag), "[%s #%lld]", ALERT_TAG, (long long)id);
	snprintf(link, sizeof(link), "%s/ack/%s", ds->public_url, token);
	snprintf(ref, sizeof(ref), "alert:%lld", (long long)id);
	snprintf(stp, sizeof(stp), "%d", step + 1);
	buf_init(&text, BODY_MAX);
	{
		const struct template_var vars[] = {
		    {"org", org->name},
		    {"number", a->number},
		    {"title", a->title},
		    {"tlp", tlp_name(a->tlp)},
		    {"summary", a->summary},
		    {"link", ds->public_url[0] ? link : NULL},
		    {"tag", tag},
		    {"step", step > 0 ? stp : NULL},
		    {"sender", ds->sender},
		};
		rc = template_render(t, vars, sizeof(vars) / sizeof(vars[0]), &text);
	}
	if (rc != 0)
		sk_error_set(err, rc, "the alert text is larger than %d bytes", BODY_MAX);
	else if (template_split_subject(text.data, &subject, &body) != 0)
		rc = sk_error_set(err, SK_ECONFIG,
				  "%s/alert-%s.txt:1: the first line must be \"Subject: ...\"",
				  ds->templates, lang);
	if (rc == 0) {
		const struct mail_header h[] = {{"Auto-Submitted", "auto-generated"},
						{"Importance", "high"}};
		const struct mail_addr to = {c->name, c->email};
		const struct mail_message m = {.from = {ds->sender, ds->from},
					       .to = &to,
					       .n_to = 1,
					       .subject = subject,
					       .body = body,
					       .headers = h,
					       .n_headers = 2,
					       .tlp = tlp_name(a->tlp)};

		rc = mail_enqueue(st, &m, "alert", ref, NULL, NULL, err);
	}
	buf_free(&text);
	template_set_free(&ts);
	return rc;
}

int alert_raise(struct store *st, const struct delivery_settings *ds, const struct advisory *a,
		const struct advisory_recipients *r, size_t *n_out, struct sk_error *err)
{
	int rc = 0;

	for (size_t i = 0; i < r->n && rc == 0; i++) {
		struct store_alert al = {.advisory_id = a->id, .org_id = r->v[i].org_id};
		char token[SECRET_TOKEN_LEN + 1], hash[SECRET_HASH_HEX + 1], expires[21];
		struct contact_list cl = {0};
		struct org org;
		bool seen = false;

		for (size_t j = 0; j < i && !seen; j++)
			seen = r->v[j].org_id == r->v[i].org_id;
		if (seen || !r->v[i].may.receive)
			continue;
		memset(&org, 0, sizeof(org));
		if ((rc = store_org_get(st, al.org_id, &org, err)) == 0)
			rc = contacts_24x7(st, al.org_id, &cl, err);
		token_new(token, hash, expires);
		al.contact_id = cl.n > 0 ? cl.v[0].id : 0;
		if (rc == 0)
			rc = store_alert_add(st, &al, hash, expires, err);
		if (rc == 0 && cl.n > 0)
			rc = alert_mail(st, ds, a, &org, &cl.v[0], al.id, 0, token, err);
		else if (rc == 0)
			rc = store_alert_calllist(st, al.id, err);
		if (rc == 0)
			(*n_out)++;
		memset(token, 0, sizeof(token));
		contact_list_free(&cl);
		org_clear(&org);
	}
	return rc;
}

struct due {
	struct store_alert *v;
	size_t n, alloc;
};

static int due_push(const struct store_alert *a, void *ctx)
{
	struct due *d = ctx;

	if (d->n == d->alloc) {
		d->alloc = d->alloc ? 2 * d->alloc : 16;
		d->v = xreallocarray(d->v, d->alloc, sizeof(*d->v));
	}
	d->v[d->n++] = *a;
	return 0;
}

/* Move alert al on: to its next contact, or to the calling list. */
static int escalate_one(struct store *st, const struct delivery_settings *ds,
			const struct store_alert *al, bool *called, struct sk_error *err)
{
	char token[SECRET_TOKEN_LEN + 1], hash[SECRET_HASH_HEX + 1], expires[21];
	struct contact_list cl = {0};
	struct advisory a;
	struct org org;
	int rc;

	advisory_init(&a);
	memset(&org, 0, sizeof(org));
	if ((rc = store_begin(st, err)) != 0)
		goto out;
	if ((rc = contacts_24x7(st, al->org_id, &cl, err)) != 0)
		goto end;
	if ((size_t)al->step + 1 >= cl.n) {
		*called = true;
		rc = store_alert_calllist(st, al->id, err);
		goto end;
	}
	token_new(token, hash, expires);
	if ((rc = advisory_get(st, &system_user, al->advisory_id, &a, err)) == 0 &&
	    (rc = store_org_get(st, al->org_id, &org, err)) == 0 &&
	    (rc = store_alert_escalate(st, al->id, al->step + 1, cl.v[al->step + 1].id, hash,
				       expires, err)) == 0)
		rc = alert_mail(st, ds, &a, &org, &cl.v[al->step + 1], al->id, al->step + 1,
				token, err);
	memset(token, 0, sizeof(token));
end:
	rc = store_finish(st, rc, err);
out:
	contact_list_free(&cl);
	org_clear(&org);
	advisory_clear(&a);
	return rc;
}

int alert_escalate(struct store *st, const struct delivery_settings *ds, size_t *escalated,
		   size_t *called, struct sk_error *err)
{
	char before[21];
	struct store_alert_filter f = {.state = "sent", .notified_before = before};
	struct due d = {0};
	size_t e = 0, c = 0;
	int rc;

	/* Mailed at or before now - escalate_after. */
	str_time_iso(str_time_now() - (time_t)ds->escalate_after + 1, before);
	rc = store_alert_each(st, &f, due_push, &d, err);
	for (size_t i = 0; rc == 0 && i < d.n; i++) {
		bool to_list = false;

		if ((rc = escalate_one(st, ds, &d.v[i], &to_list, err)) == 0)
			*(to_list ? &c : &e) += 1;
	}
	free(d.v);
	if (escalated != NULL)
		*escalated = e;
	if (called != NULL)
		*called = c;
	return rc;
}

int alert_job_run(struct store *st, void *arg)
{
	struct sk_error err = {0};
	size_t e = 0, c = 0;

	if (alert_escalate(st, arg, &e, &c, &err) != 0)
		log_warn("alerts: %s", err.msg);
	else if (e + c > 0)
		log_info("alerts: %zu escalated to the next contact, %zu to the calling list",
			 e, c);
	return 0;
}

int alert_by_token(struct store *st, const char *token, struct store_alert *out,
		   struct advisory *adv, struct sk_error *err)
{
	char hash[SECRET_HASH_HEX + 1], now[21];
	struct store_alert al;
	int rc;

	if (strlen(token) != SECRET_TOKEN_LEN)
		return sk_error_set(err, SK_ENOTFOUND, "no such acknowledgement link");
	secret_token_hash(token, hash);
	str_time_iso(str_time_now(), now);
	if ((rc = store_alert_by_token(st, hash, now, &al, err)) != 0)
		return rc;
	if (adv != NULL && (rc = advisory_get(st, &system_user, al.advisory_id, adv, err)) != 0)
		return rc;
	*out = al;
	return 0;
}

int alert_ack_token(struct store *st, const char *token, struct sk_error *err)
{
	struct store_alert al;
	int rc = alert_by_token(st, token, &al, NULL, err);

	return rc != 0 ? rc : store_alert_ack(st, al.id, "link", "link", err);
}

int alert_ack_mail(struct store *st, int64_t id, const char *from, struct sk_error *err)
{
	struct store_alert al;
	struct contact c;
	int rc;

	memset(&c, 0, sizeof(c));
	if ((rc = store_alert_get(st, id, &al, err)) == 0 &&
	    (rc = store_contact_find_email(st, from, &c, err)) == 0) {
		if (c.org_id != al.org_id)
			rc = sk_error_set(err, SK_ENOTFOUND, "%s is no contact of alert %lld",
					  from, (long long)id);
		else
			rc = store_alert_ack(st, id, c.email, "mail", err);
	}
	contact_clear(&c);
	return rc;
}

int alert_ack(struct store *st, const struct user *u, int64_t id, const char *how,
	      struct sk_error *err)
{
	struct store_alert al;
	int rc = store_alert_get(st, id, &al, err);

	if (rc != 0)
		return rc;
	if (!access_is_staff(u) && (u->role != USER_ROLE_PARTNER || u->org_id != al.org_id))
		return sk_error_set(err, SK_ENOTFOUND, "no alert with id %lld", (long long)id);
	if (strcmp(how, "portal") != 0 && (strcmp(how, "phone") != 0 || !access_is_staff(u)))
		return sk_error_set(err, SK_EINVAL, "how: portal or phone (staff)");
	return store_alert_ack(st, id, u->name, how, err);
}

int alert_call(struct store *st, const struct user *u, int64_t id, bool reached,
	       const char *who, const char *notes, struct sk_error *err)
{
	struct store_alert_call c = {.alert_id = id,
				     .by = u->name,
				     .reached = reached,
				     .who = who != NULL ? who : "",
				     .notes = notes != NULL ? notes : ""};
	struct store_alert al;
	int rc;

	if ((rc = access_may_handle_advisories(u, err)) != 0 ||
	    (rc = store_alert_get(st, id, &al, err)) != 0)
		return rc;
	return store_alert_call_add(st, &c, err);
}

/* SK_ENOTFOUND unless advisory id (0: none asked for) exists. */
static int advisory_known(struct store *st, const struct user *u, int64_t id,
			  struct sk_error *err)
{
	struct advisory a;
	int rc;

	if (id == 0)
		return 0;
	advisory_init(&a);
	rc = advisory_get(st, u, id, &a, err);
	advisory_clear(&a);
	return rc;
}

int alert_list(struct store *st, const struct user *u, int64_t advisory_id, store_alert_fn fn,
	       void *ctx, struct sk_error *err)
{
	struct store_alert_filter f = {.advisory_id = advisory_id};
	int rc;

	if ((rc = access_alert_scope(u, &f.org_id, err)) != 0 ||
	    (rc = advisory_known(st, u, advisory_id, err)) != 0)
		return rc;
	return store_alert_each(st, &f, fn, ctx, err);
}

struct callee_list {
	struct alert_callee *v;
	int *prio;
	size_t n, alloc;
	struct store *st;
	struct sk_error *err;
};

static int callee_push(const struct store_alert *a, void *ctx)
{
	struct callee_list *l = ctx;
	struct contact_list cl = {0};
	struct alert_callee *c;
	struct org org;
	int rc;

	if (strcmp(a->state, "acknowledged") == 0)
		return 0;
	if (l->n == l->alloc) {
		l->alloc = l->alloc ? 2 * l->alloc : 16;
		l->v = xreallocarray(l->v, l->alloc, sizeof(*l->v));
		l->prio = xreallocarray(l->prio, l->alloc, sizeof(*l->prio));
	}
	c = &l->v[l->n];
	memset(c, 0, sizeof(*c));
	c->alert = *a;
	memset(&org, 0, sizeof(org));
	if ((rc = store_org_get(l->st, a->org_id, &org, l->err)) == 0 &&
	    (rc = contacts_24x7(l->st, a->org_id, &cl, l->err)) == 0) {
		size_t used = 0;

		snprintf(c->class_name, sizeof(c->class_name), "%s",
			 org_class_names[org.class]);
		l->prio[l->n] = (int)org.class;
		for (size_t i = 0; i < cl.n; i++) {
			int w = snprintf(c->phones + used, sizeof(c->phones) - used, "%s%s: %s",
					 used ? "; " : "", cl.v[i].name,
					 cl.v[i].phone ? cl.v[i].phone : "-");

			if (w < 0 || (size_t)w >= sizeof(c->phones) - used)
				break;
			used += (size_t)w;
		}
		l->n++;
	}
	contact_list_free(&cl);
	org_clear(&org);
	return rc;
}

int alert_calllist(struct store *st, const struct user *u, int64_t advisory_id,
		   alert_callee_fn fn, void *ctx, struct sk_error *err)
{
	struct store_alert_filter f = {.advisory_id = advisory_id};
	struct callee_list l = {.st = st, .err = err};
	int rc;

	if ((rc = access_may_handle_advisories(u, err)) != 0 ||
	    (rc = advisory_known(st, u, advisory_id, err)) != 0)
		return rc;
	rc = store_alert_each(st, &f, callee_push, &l, err);
	/* Insertion sort by class priority, the calling list first, then name. */
	for (size_t i = 1; rc == 0 && i < l.n; i++)
		for (size_t j = i; j > 0; j--) {
			const struct alert_callee *x = &l.v[j - 1], *y = &l.v[j];
			bool xl = strcmp(x->alert.state, "calllist") == 0,
			     yl = strcmp(y->alert.state, "calllist") == 0;
			int d = xl != yl ? (xl ? -1 : 1)
				: l.prio[j - 1] != l.prio[j]
				    ? l.prio[j - 1] - l.prio[j]
				    : strcmp(x->alert.org_name, y->alert.org_name);
			struct alert_callee t;
			int p;

			if (d <= 0)
				break;
			t = l.v[j - 1], l.v[j - 1] = l.v[j], l.v[j] = t;
			p = l.prio[j - 1], l.prio[j - 1] = l.prio[j], l.prio[j] = p;
		}
	for (size_t i = 0; rc == 0 && i < l.n; i++)
		rc = fn(&l.v[i], ctx);
	free(l.v);
	free(l.prio);
	return rc;
}

json_t *alert_json(const struct store_alert *a)
{
	int64_t secs = alert_ack_seconds(a);

	return json_pack(
	    "{s:I,s:I,s:s,s:I,s:s,s:s,s:i,s:s,s:s,s:o,s:o,s:o,s:o}", "id", (json_int_t)a->id,
	    "advisory_id", (json_int_t)a->advisory_id, "advisory", a->number, "org_id",
	    (json_int_t)a->org_id, "org", a->org_name, "state", a->state, "step", a->step + 1,
	    "sent_at", a->sent_at, "notified_at", a->notified_at, "acknowledged_at",
	    a->ack_at[0] ? json_string(a->ack_at) : json_null(), "acknowledged_by",
	    a->ack_by[0] ? json_string(a->ack_by) : json_null(), "how",
	    a->ack_how[0] ? json_string(a->ack_how) : json_null(), "seconds_to_acknowledge",
	    secs >= 0 ? json_integer(secs) : json_null());
}

static int call_push(const struct store_alert_call *k, void *ctx)
{
	json_array_append_new(ctx, json_pack("{s:s,s:s,s:b,s:s,s:s}", "at", k->at, "by", k->by,
					     "reached", k->reached, "who", k->who, "notes",
					     k->notes));
	return 0;
}

int alert_calls_json(struct store *st, int64_t id, json_t **out, struct sk_error *err)
{
	json_t *arr = json_array();
	int rc = store_alert_call_each(st, id, call_push, arr, err);

	if (rc != 0) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return 0;
}
