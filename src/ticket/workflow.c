/* ticket/workflow.c: handlers' changes to tickets (see workflow.h). */
#include "ticket/workflow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "access/access.h"
#include "lib/buf.h"
#include "lib/error.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "mail/dispatch.h"
#include "model/org.h"
#include "store/store.h"
#include "registry/event_read.h"
#include "ticket/intake.h"
#include "ticket/sla.h"

/* text must be non-empty UTF-8-ish text within the limit. */
static int text_check(const char *what, const char *text, struct sk_error *err)
{
	size_t n = text != NULL ? strlen(text) : 0;

	if (n == 0)
		return sk_error_set(err, SK_EINVAL, "the %s is empty", what);
	if (n > TICKET_TEXT_MAX)
		return sk_error_set(err, SK_EINVAL, "the %s has %zu bytes, more than %d", what,
				    n, TICKET_TEXT_MAX);
	return 0;
}

int ticket_list(struct store *st, const struct user *u, const struct store_ticket_filter *f,
		store_ticket_fn fn, void *ctx, struct sk_error *err)
{
	int rc;

	if ((rc = access_may_handle_tickets(u, err)) != 0)
		return rc;
	return store_ticket_each(st, f, fn, ctx, err);
}

int ticket_get(struct store *st, const struct user *u, int64_t id, struct ticket *out,
	       struct sk_error *err)
{
	int rc;

	if ((rc = access_may_handle_tickets(u, err)) != 0)
		return rc;
	return store_ticket_get(st, id, out, err);
}

int ticket_message_raw(struct store *st, const struct user *u, int64_t id, struct buf *out,
		       struct sk_error *err)
{
	int rc;

	if ((rc = access_may_handle_tickets(u, err)) != 0)
		return rc;
	return store_ticket_message_raw(st, id, out, err);
}

int ticket_link(struct store *st, const struct user *u, int64_t report_id, int64_t incident_id,
		struct sk_error *err)
{
	int rc;

	if ((rc = access_may_handle_tickets(u, err)) != 0)
		return rc;
	return store_ticket_link(st, report_id, incident_id, err);
}

int ticket_open(struct store *st, const struct user *u, enum ticket_type type,
		const char *subject, const char *requester, struct ticket *out,
		struct sk_error *err)
{
	char addr[MAIL_ADDR_MAX + 1] = "";
	int rc;

	if ((rc = access_may_handle_tickets(u, err)) != 0)
		return rc;
	if (subject == NULL || *subject == '\0' || strlen(subject) > TICKET_SUBJECT_MAX ||
	    strpbrk(subject, "\r\n") != NULL)
		return sk_error_set(err, SK_EINVAL, "a subject is one line of 1 to %d bytes",
				    TICKET_SUBJECT_MAX);
	if (requester != NULL && *requester != '\0' &&
	    mail_addr_check(requester, addr, err) != 0) {
		sk_error_prefix(err, "requester");
		return SK_EINVAL;
	}
	ticket_init(out, type);
	snprintf(out->subject, sizeof(out->subject), "%s", subject);
	snprintf(out->requester, sizeof(out->requester), "%s", addr);
	return store_ticket_add(st, out, err);
}

/* Copy value into a field of size bytes, or say it does not fit. */
static int field_set(char *field, size_t size, const char *name, const char *value,
		     struct buf *what, struct sk_error *err)
{
	if (strlen(value) >= size || strpbrk(value, "\r\n") != NULL)
		return sk_error_set(err, SK_EINVAL, "%s must be one line of at most %zu bytes",
				    name, size - 1);
	if (strcmp(field, value) != 0)
		buf_printf(what, "%s%s %s -> %s", what->len ? ", " : "", name,
			   field[0] ? field : "-", value[0] ? value : "-");
	snprintf(field, size, "%s", value);
	return 0;
}

int ticket_set(struct store *st, const struct user *u, const struct sla_config *sla, int64_t id,
	       const struct ticket_change *ch, struct ticket *out, struct sk_error *err)
{
	struct ticket t;
	struct buf what;
	char now[21];
	int rc;

	if ((rc = access_may_handle_tickets(u, err)) != 0)
		return rc;
	buf_init(&what, 2048);
	if ((rc = store_begin(st, err)) != 0)
		goto done;
	if ((rc = store_ticket_get(st, id, &t, err)) != 0)
		goto out;
	if (ch->status != NULL && !ticket_status_valid(t.type, ch->status)) {
		const char *const *all = ticket_statuses(t.type);
		char list[128] = "";

		for (size_t i = 0; all[i] != NULL; i++)
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
				 i ? ", " : "", all[i]);
		rc = sk_error_set(err, SK_EINVAL, "a %s's status is one of %s, not '%.32s'",
				  ticket_type_names[t.type], list, ch->status);
		goto out;
	}
	if ((ch->service != NULL &&
	     (rc = org_vocab_parse(sla_service_names, "service", ch->service, err)) < 0) ||
	    (ch->severity != NULL &&
	     (rc = org_vocab_parse(sla_severity_names, "severity", ch->severity, err)) < 0))
		goto out;
	rc = 0;
	if ((ch->status && (rc = field_set(t.status, sizeof(t.status), "status", ch->status,
					   &what, err)) != 0) ||
	    (ch->owner &&
	     (rc = field_set(t.owner, sizeof(t.owner), "owner", ch->owner, &what, err)) != 0) ||
	    (ch->severity && (rc = field_set(t.severity, sizeof(t.severity), "severity",
					     ch->severity, &what, err)) != 0) ||
	    (ch->service && (rc = field_set(t.service, sizeof(t.service), "service",
					    ch->service, &what, err)) != 0) ||
	    (ch->tags &&
	     (rc = field_set(t.tags, sizeof(t.tags), "tags", ch->tags, &what, err)) != 0))
		goto out;
	if (ch->tlp >= 0 && (enum tlp_label)ch->tlp != t.tlp) {
		buf_printf(&what, "%stlp %s -> %s", what.len ? ", " : "", tlp_name(t.tlp),
			   tlp_name((enum tlp_label)ch->tlp));
		t.tlp = (enum tlp_label)ch->tlp;
	}
	if (sla != NULL && (ch->severity != NULL || ch->service != NULL)) {
		int64_t opened = 0;
		bool entitled;

		if (event_read_time(t.created, 0, &opened, &(struct sk_error){0}) == 0)
			intake_sla_apply(sla, &t, opened, &entitled);
	}
	str_time_iso(str_time_now(), now);
	if (t.acked_at[0] == '\0' && (t.owner[0] != '\0' || strcmp(t.status, "new") != 0))
		memcpy(t.acked_at, now, sizeof(t.acked_at));
	if (ticket_status_final(t.status) && t.resolved_at[0] == '\0')
		memcpy(t.resolved_at, now, sizeof(t.resolved_at));
	else if (!ticket_status_final(t.status))
		t.resolved_at[0] = '\0';
	rc = store_ticket_update(st, &t, what.len ? buf_str(&what) : "no change", err);
out:
	rc = store_finish(st, rc, err);
	if (rc == 0 && out != NULL)
		*out = t;
done:
	buf_free(&what);
	return rc;
}

int ticket_comment(struct store *st, const struct user *u, int64_t id, const char *text,
		   struct sk_error *err)
{
	struct ticket t;
	int rc;

	if ((rc = access_may_handle_tickets(u, err)) != 0 ||
	    (rc = text_check("comment", text, err)) != 0)
		return rc;
	if ((rc = store_begin(st, err)) != 0)
		return rc;
	if ((rc = store_ticket_get(st, id, &t, err)) == 0) {
		const struct store_ticket_message m = {
		    .ticket_id = id, .kind = "comment", .author = u->name, .body = text};

		rc = store_ticket_message_add(st, &m, NULL, 0, NULL, err);
	}
	return store_finish(st, rc, err);
}

struct party_find {
	const char *addr;
	int64_t id;
};

static int party_match(int64_t id, int64_t org_id, const char *address, void *ctx)
{
	struct party_find *p = ctx;

	(void)org_id;
	if (strcasecmp(address, p->addr) == 0) {
		p->id = id;
		return 1;
	}
	return 0;
}

struct last_in {
	char id[MAIL_MSGID_MAX + 1];
};

static int note_last_in(const struct store_ticket_message *m, void *ctx)
{
	struct last_in *l = ctx;

	if (strcmp(m->kind, "in") == 0)
		snprintf(l->id, sizeof(l->id), "%s", m->message_id);
	return 0;
}

int ticket_recipient(struct store *st, const struct ticket *t, const char *to,
		     char addr[MAIL_ADDR_MAX + 1], int64_t *party_id, struct sk_error *err)
{
	struct party_find party = {NULL, 0};
	enum tlp_relation rel;
	int rc;

	if ((rc = mail_addr_check(to, addr, err)) != 0)
		return rc;
	if (strcasecmp(addr, t->requester) == 0) {
		rel = TLP_REL_NAMED;
	} else {
		party.addr = addr;
		rc = store_ticket_party_each(st, t->id, party_match, &party, err);
		if (rc < 0 || (rc > 0 && rc != 1))
			return rc;
		if (party.id == 0)
			return sk_error_set(err, SK_EINVAL,
					    "%s is neither the requester nor a party of ticket "
					    "#%lld: add it as a party first",
					    addr, (long long)t->id);
		rel = TLP_REL_CONCERNED;
	}
	if (!tlp_policy(t->tlp, rel).receive)
		return sk_error_set(err, SK_EPERM,
				    "ticket #%lld is %s: a party may not receive it",
				    (long long)t->id, tlp_name(t->tlp));
	*party_id = party.id;
	return 0;
}

int ticket_reply(struct store *st, const struct user *u, const struct intake_config *c,
		 int64_t id, const char *to, const char *text, int64_t *mail_id,
		 struct sk_error *err)
{
	char addr[MAIL_ADDR_MAX + 1], ref[MAIL_MSGID_MAX + 3], msgid[MAIL_MSGID_MAX + 1];
	char *subject = NULL, *body = NULL;
	struct party_find party = {NULL, 0};
	struct last_in last = {""};
	struct ticket t;
	int64_t mid = 0;
	int rc;

	if ((rc = access_may_handle_tickets(u, err)) != 0 ||
	    (rc = text_check("reply", text, err)) != 0)
		return rc;
	if (c->from == NULL)
		return sk_error_set(err, SK_ECONFIG,
				    "[mail] from is not set: no reply can be sent");
	if ((rc = store_begin(st, err)) != 0)
		return rc;
	if ((rc = store_ticket_get(st, id, &t, err)) != 0)
		goto out;
	if (to == NULL || *to == '\0')
		to = t.requester;
	if (*to == '\0') {
		rc = sk_error_set(err, SK_EINVAL, "ticket #%lld has no requester: name --to",
				  (long long)id);
		goto out;
	}
	if ((rc = ticket_recipient(st, &t, to, addr, &party.id, err)) != 0)
		goto out;
	if ((rc = store_ticket_message_each(st, id, note_last_in, &last, err)) != 0)
		goto out;
	subject = intake_subject_number(t.subject, c->tag) == id
		      ? xstrdup(t.subject)
		      : xasprintf("[%s #%lld] %s", c->tag, (long long)id, t.subject);
	body = xasprintf("%s\n\n-- \nThis message is classified %s.\n", text, tlp_name(t.tlp));
	snprintf(ref, sizeof(ref), "<%s>", last.id);
	{
		const struct mail_addr rcpt = {NULL, addr};
		const struct mail_header headers[] = {{"In-Reply-To", ref},
						      {"References", ref}};
		const struct mail_message m = {
		    .from = {c->sender_name, c->from},
		    .to = &rcpt,
		    .n_to = 1,
		    .subject = subject,
		    .body = body,
		    .headers = headers,
		    .n_headers = last.id[0] != '\0' ? 2 : 0,
		    .tlp = tlp_name(t.tlp),
		};
		char tref[32];

		snprintf(tref, sizeof(tref), "ticket:%lld", (long long)id);
		rc = mail_enqueue(st, &m, "ticket-reply", tref, &mid, msgid, err);
	}
	if (rc == 0) {
		char bare[MAIL_MSGID_MAX + 1];
		size_t n = strlen(msgid);

		snprintf(bare, sizeof(bare), "%.*s", n > 2 ? (int)(n - 2) : 0, msgid + 1);
		const struct store_ticket_message m = {
		    .ticket_id = id,
		    .party_id = party.id,
		    .kind = "reply",
		    .message_id = bare,
		    .author = u->name,
		    .recipients = addr,
		    .subject = subject,
		    .body = body,
		    .mail_id = mid,
		};
		rc = store_ticket_message_add(st, &m, NULL, 0, NULL, err);
	}
	if (rc == 0 && t.responded_at[0] == '\0') {
		str_time_iso(str_time_now(), t.responded_at);
		rc = store_ticket_update(st, &t, "first response", err);
	}
out:
	rc = store_finish(st, rc, err);
	free(subject);
	free(body);
	if (rc == 0 && mail_id != NULL)
		*mail_id = mid;
	return rc;
}

struct first_contact {
	char addr[MAIL_ADDR_MAX + 1];
};

static int note_contact(const struct contact *c, void *ctx)
{
	struct first_contact *f = ctx;

	if (f->addr[0] == '\0' && c->email != NULL)
		snprintf(f->addr, sizeof(f->addr), "%s", c->email);
	return 0;
}

int ticket_party_add(struct store *st, const struct user *u, int64_t id, int64_t org_id,
		     const char *address, int64_t *party_id, struct sk_error *err)
{
	char addr[MAIL_ADDR_MAX + 1] = "";
	struct first_contact fc = {""};
	struct ticket t;
	int rc;

	if ((rc = access_may_handle_tickets(u, err)) != 0 || (rc = store_begin(st, err)) != 0)
		return rc;
	if ((rc = store_ticket_get(st, id, &t, err)) != 0)
		goto out;
	if (t.type != TICKET_INCIDENT && t.type != TICKET_VULNERABILITY) {
		rc = sk_error_set(err, SK_EINVAL,
				  "ticket #%lld is a %s: parties are coordinated on incidents "
				  "and vulnerability cases",
				  (long long)id, ticket_type_names[t.type]);
		goto out;
	}
	if (address == NULL && org_id > 0) {
		if ((rc = store_contact_each(st, org_id, note_contact, &fc, err)) != 0)
			goto out;
		address = fc.addr;
	}
	if (address != NULL && *address != '\0' &&
	    (rc = mail_addr_check(address, addr, err)) != 0)
		goto out;
	if (org_id <= 0 && addr[0] == '\0') {
		rc = sk_error_set(err, SK_EINVAL, "a party is an organization or an address");
		goto out;
	}
	rc = store_ticket_party_add(st, id, org_id, addr, party_id, err);
out:
	return store_finish(st, rc, err);
}
