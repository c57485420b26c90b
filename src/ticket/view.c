/* ticket/view.c: tickets as JSON (see view.h). */
#include "ticket/view.h"

#include <stdio.h>
#include <string.h>

#include "access/access.h"
#include "lib/error.h"
#include "lib/str.h"
#include "model/org.h"
#include "registry/event_read.h"
#include "store/store.h"
#include "ticket/sla.h"

static json_t *time_json(const char *t)
{
	return t[0] != '\0' ? json_string(t) : json_null();
}

json_t *ticket_view_fields(const struct ticket *t)
{
	json_t *v = json_object();

	json_object_set_new(v, "id", json_integer(t->id));
	json_object_set_new(v, "type", json_string(ticket_type_names[t->type]));
	json_object_set_new(v, "status", json_string(t->status));
	json_object_set_new(v, "subject", json_string(t->subject));
	json_object_set_new(v, "requester", json_string(t->requester));
	json_object_set_new(v, "org_id", t->org_id > 0 ? json_integer(t->org_id) : json_null());
	json_object_set_new(v, "class", json_string(t->class));
	json_object_set_new(v, "service", json_string(t->service));
	json_object_set_new(v, "severity", json_string(t->severity));
	json_object_set_new(v, "priority", json_integer(t->priority));
	json_object_set_new(v, "coverage", json_string(t->coverage));
	json_object_set_new(v, "tlp", json_string(tlp_name(t->tlp)));
	json_object_set_new(v, "owner", json_string(t->owner));
	json_object_set_new(v, "tags", json_string(t->tags));
	json_object_set_new(v, "scope", json_string(t->scope));
	json_object_set_new(v, "scope_reason", json_string(t->scope_reason));
	json_object_set_new(v, "created", json_string(t->created));
	json_object_set_new(v, "updated", json_string(t->updated));
	json_object_set_new(v, "due_ack", time_json(t->due_ack));
	json_object_set_new(v, "due_response", time_json(t->due_response));
	json_object_set_new(v, "due_resolve", time_json(t->due_resolve));
	json_object_set_new(v, "acked_at", time_json(t->acked_at));
	json_object_set_new(v, "responded_at", time_json(t->responded_at));
	json_object_set_new(v, "resolved_at", time_json(t->resolved_at));
	return v;
}

static int add_message(const struct store_ticket_message *m, void *ctx)
{
	json_t *v = json_object();

	json_object_set_new(v, "id", json_integer(m->id));
	json_object_set_new(v, "kind", json_string(m->kind));
	json_object_set_new(v, "created", json_string(m->created));
	json_object_set_new(v, "message_id", json_string(m->message_id));
	json_object_set_new(v, "party_id",
			    m->party_id > 0 ? json_integer(m->party_id) : json_null());
	json_object_set_new(v, "author", json_string(m->author));
	json_object_set_new(v, "recipients", json_string(m->recipients));
	json_object_set_new(v, "subject", json_string(m->subject));
	json_object_set_new(v, "encrypted", json_boolean(m->encrypted));
	json_object_set_new(v, "not_parsed",
			    m->not_parsed != NULL && m->not_parsed[0] != '\0'
				? json_string(m->not_parsed)
				: json_null());
	json_object_set_new(v, "size", json_integer((json_int_t)m->size));
	json_object_set_new(v, "body", json_string(m->body));
	if (m->sig_status != NULL && m->sig_status[0] != '\0') {
		json_t *sg = json_object();

		json_object_set_new(sg, "status", json_string(m->sig_status));
		json_object_set_new(sg, "fingerprint",
				    m->sig_fpr[0] != '\0' ? json_string(m->sig_fpr)
							  : json_null());
		json_object_set_new(sg, "contact_id",
				    m->sig_contact_id > 0 ? json_integer(m->sig_contact_id)
							  : json_null());
		json_object_set_new(sg, "org_id",
				    m->sig_org_id > 0 ? json_integer(m->sig_org_id)
						      : json_null());
		json_object_set_new(v, "signature", sg);
	} else {
		json_object_set_new(v, "signature", json_null());
	}
	json_array_append_new(ctx, v);
	return 0;
}

static int add_part(int n, const struct store_ticket_part *p, void *ctx)
{
	json_t *v = json_object();

	json_object_set_new(v, "n", json_integer(n));
	json_object_set_new(v, "content_type", json_string(p->content_type));
	json_object_set_new(v, "filename", json_string(p->filename));
	json_object_set_new(v, "size", json_integer(p->size));
	json_object_set_new(v, "encrypted", json_boolean(p->encrypted));
	json_object_set_new(v, "signed", json_boolean(p->signed_));
	json_array_append_new(ctx, v);
	return 0;
}

/* The name of a signer's organization ("org"), null if none is known. */
static int signer_org(struct store *st, json_t *sig, struct sk_error *err)
{
	struct org o;
	int rc;

	if (!json_is_object(sig))
		return 0;
	if (!json_is_integer(json_object_get(sig, "org_id"))) {
		json_object_set_new(sig, "org", json_null());
		return 0;
	}
	rc = store_org_get(st, (int64_t)json_integer_value(json_object_get(sig, "org_id")), &o,
			   err);
	if (rc == SK_ENOTFOUND) {
		sk_error_clear(err);
		json_object_set_new(sig, "org", json_null());
		return 0;
	}
	if (rc != 0)
		return rc;
	json_object_set_new(sig, "org", json_string(o.name));
	org_clear(&o);
	return 0;
}

/* Each inbound message of messages with its "parts" (read after the
 * walk over the messages has ended). */
static int add_parts(struct store *st, json_t *messages, struct sk_error *err)
{
	json_t *m;
	size_t i;

	json_array_foreach(messages, i, m)
	{
		json_t *parts = json_array();
		int rc = 0;

		if (strcmp(json_string_value(json_object_get(m, "kind")), "in") == 0)
			rc = store_ticket_part_each(
			    st, (int64_t)json_integer_value(json_object_get(m, "id")), add_part,
			    parts, err);
		if (rc == SK_ENOTFOUND) {
			sk_error_clear(err);
			rc = 0;
		}
		json_object_set_new(m, "parts", parts);
		if (rc != 0)
			return rc;
		rc = signer_org(st, json_object_get(m, "signature"), err);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int add_item(const char *kind, const char *value, int64_t org_id, const char *org_name,
		    const char *reason, const char *derived_from, void *ctx)
{
	json_t *v = json_object();

	json_object_set_new(v, "kind", json_string(kind));
	json_object_set_new(v, "value", json_string(value));
	json_object_set_new(v, "org_id", org_id > 0 ? json_integer(org_id) : json_null());
	json_object_set_new(v, "org", org_id > 0 ? json_string(org_name) : json_null());
	json_object_set_new(v, "reason", json_string(reason));
	json_object_set_new(v, "derived_from",
			    derived_from[0] != '\0' ? json_string(derived_from) : json_null());
	json_array_append_new(ctx, v);
	return 0;
}

static int add_link(int64_t id, void *ctx)
{
	json_array_append_new(ctx, json_integer(id));
	return 0;
}

static int add_party(int64_t id, int64_t org_id, const char *address, void *ctx)
{
	json_t *v = json_object();

	json_object_set_new(v, "id", json_integer(id));
	json_object_set_new(v, "org_id", org_id > 0 ? json_integer(org_id) : json_null());
	json_object_set_new(v, "address", json_string(address));
	json_array_append_new(ctx, v);
	return 0;
}

json_t *ticket_view_audit(const struct audit_entry *e)
{
	const char *colon = strrchr(e->object, ':');
	json_t *v = json_object();
	int64_t id = 0;

	if (colon != NULL && str_to_i64(colon + 1, 1, INT64_MAX, &id) != 0)
		id = 0;
	json_object_set_new(v, "id", json_integer(e->id));
	json_object_set_new(v, "time", json_string(e->at));
	json_object_set_new(v, "actor", json_string(e->actor));
	json_object_set_new(v, "action", json_string(e->action));
	json_object_set_new(v, "object",
			    colon != NULL ? json_stringn(e->object, (size_t)(colon - e->object))
					  : json_string(e->object));
	json_object_set_new(v, "object_id", id > 0 ? json_integer(id) : json_null());
	json_object_set_new(v, "summary", json_string(e->summary));
	return v;
}

static int add_audit(const struct audit_entry *e, void *ctx)
{
	json_array_append_new(ctx, ticket_view_audit(e));
	return 0;
}

json_t *ticket_view_full(struct store *st, const struct user *u, int64_t id,
			 struct sk_error *err)
{
	struct audit_filter af = {.object = "ticket", .object_id = id, .oldest_first = true};
	json_t *messages, *items, *links, *parties, *history, *j = NULL;
	struct ticket t;

	if (access_may_handle_tickets(u, err) != 0)
		return NULL;
	messages = json_array();
	items = json_array();
	links = json_array();
	parties = json_array();
	history = json_array();
	if (store_ticket_get(st, id, &t, err) == 0 &&
	    store_ticket_message_each(st, id, add_message, messages, err) == 0 &&
	    add_parts(st, messages, err) == 0 &&
	    store_ticket_item_each(st, id, add_item, items, err) == 0 &&
	    store_ticket_link_each(st, id, add_link, links, err) == 0 &&
	    store_ticket_party_each(st, id, add_party, parties, err) == 0 &&
	    store_audit_find(st, &af, add_audit, history, NULL, err) == 0) {
		j = ticket_view_fields(&t);
		json_object_set(j, "messages", messages);
		json_object_set(j, "items", items);
		json_object_set(j, "links", links);
		json_object_set(j, "parties", parties);
		json_object_set(j, "history", history);
	}
	json_decref(messages);
	json_decref(items);
	json_decref(links);
	json_decref(parties);
	json_decref(history);
	return j;
}

/* An ISO time of the ticket as seconds; 0 for "". */
static int64_t when(const char *iso)
{
	int64_t t = 0;

	if (iso[0] != '\0' && event_read_time(iso, 0, &t, &(struct sk_error){0}) != 0)
		t = 0;
	return t;
}

void ticket_view_clocks(const struct ticket *t, const struct sla_config *sla, int64_t now,
			struct ticket_clocks *out)
{
	const char *due[SLA_CLOCK_COUNT] = {t->due_ack, t->due_response, t->due_resolve};
	const char *done[SLA_CLOCK_COUNT] = {t->acked_at, t->responded_at, t->resolved_at};
	int coverage = str_index(sla_coverage_names, t->coverage);

	memset(out, 0, sizeof(*out));
	for (int k = 0; k < SLA_CLOCK_COUNT; k++) {
		int64_t d = when(due[k]), finished = when(done[k]);

		if (d == 0)
			continue;
		out->breached[k] = sla_breached(d, finished, now);
		if (out->next == NULL && finished == 0 && t->resolved_at[0] == '\0') {
			out->next = sla_clock_names[k];
			out->due = d;
			out->left = coverage >= 0
					? sla_left(sla, (enum sla_coverage)coverage, d, now)
					: d - now;
		}
	}
}

json_t *ticket_view_queued(const struct ticket *t, const struct sla_config *sla, int64_t now)
{
	json_t *j = ticket_view_fields(t), *breached = json_array();
	struct ticket_clocks c;
	char due[21];

	ticket_view_clocks(t, sla, now, &c);
	json_object_set_new(j, "next", c.next ? json_string(c.next) : json_null());
	if (c.next != NULL)
		str_time_iso((time_t)c.due, due);
	json_object_set_new(j, "due", c.next ? json_string(due) : json_null());
	json_object_set_new(j, "left_seconds", c.next ? json_integer(c.left) : json_null());
	for (int k = 0; k < SLA_CLOCK_COUNT; k++)
		if (c.breached[k])
			json_array_append_new(breached, json_string(sla_clock_names[k]));
	json_object_set_new(j, "breached", breached);
	return j;
}
