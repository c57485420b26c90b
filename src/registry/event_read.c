/* registry/event_read.c: stored events on their way out to a reader.
 * Every row passes tlp_policy() here before a front door sees it, so the
 * CLI and the API hand out exactly the same rows.
 * SECURITY: time bounds come from users (at most EVENT_READ_TIME_MAX
 * bytes); stored JSON lines are checked to be objects before they are
 * spliced or parsed. */
#include "registry/event_read.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "lib/buf.h"
#include "lib/csvout.h"
#include "lib/error.h"
#include "lib/str.h"
#include "model/event.h"
#include "model/org.h"
#include "model/recipient.h"
#include "model/taxonomy.h"

/* Spans back from now go at most this far (about 100 years). */
#define SPAN_MAX ((int64_t)100 * 366 * 86400)
/* A private stop signal of the walk, never returned to callers. */
#define PAGE_STOP 0x7ead

int event_read_time(const char *text, int64_t now, int64_t *out, struct sk_error *err)
{
	char iso[EVENT_READ_TIME_MAX + 16];
	struct sk_error ignore = {0};
	struct event ev;
	int64_t span, t = 0;
	size_t n = text ? strlen(text) : 0;
	int rc;

	if (n == 0)
		return sk_error_set(err, SK_EINVAL, "an empty time");
	if (n > EVENT_READ_TIME_MAX)
		return sk_error_set(err, SK_EINVAL, "time '%.*s...' is longer than %d bytes",
				    16, text, EVENT_READ_TIME_MAX);
	if (str_to_duration(text, SPAN_MAX, &span) == 0) {
		*out = now - span;
		return 0;
	}
	/* A date alone is its midnight, UTC. */
	if (n == 10 && text[4] == '-' && text[7] == '-')
		snprintf(iso, sizeof(iso), "%sT00:00:00Z", text);
	else
		snprintf(iso, sizeof(iso), "%s", text);
	/* The one ISO 8601 reader is the event model's. */
	event_init(&ev);
	rc = event_set_field(&ev, EVENT_TIME_SOURCE, iso, &ignore);
	if (rc == 0 && !event_get_int(&ev, EVENT_TIME_SOURCE, &t))
		rc = SK_EINVAL;
	event_free(&ev);
	if (rc != 0)
		return sk_error_set(
		    err, SK_EINVAL,
		    "time '%s' is neither ISO 8601 (2024-01-31 or "
		    "2024-01-31T12:00:00Z) nor a span back from now (90m, 12h, 7d)",
		    text);
	*out = t;
	return 0;
}

/* ---- pages ---- */

struct page {
	event_read_fn fn;
	void *ctx;
	size_t limit, handed;
	int64_t last; /* the last row looked at */
	int64_t next;
};

/* store_event_fn: THE policy, then the caller. */
static int page_row(const struct store_event_row *row, void *arg)
{
	struct page *pg = arg;
	struct event_out o;
	int rc;

	memset(&o, 0, sizeof(o));
	o.row = row;
	o.perm = tlp_policy(row->tlp, row->rcpt != NULL ? recipient_relation(row->rcpt->role)
							: TLP_REL_NAMED);
	if (!o.perm.receive) {
		pg->last = row->id;
		return 0;
	}
	if (pg->limit > 0 && pg->handed == pg->limit) {
		/* One more row to hand out: the page is full. */
		pg->next = pg->last;
		return PAGE_STOP;
	}
	o.pass_on = o.perm.pass_on && (row->rcpt == NULL || row->rcpt->pass_on);
	o.need_to_know = o.pass_on && (o.perm.need_to_know ||
				       (row->rcpt != NULL && row->rcpt->need_to_know));
	rc = pg->fn(&o, pg->ctx);
	pg->handed++;
	pg->last = row->id;
	if (rc == EVENT_READ_FULL) {
		pg->next = row->id;
		return PAGE_STOP;
	}
	return rc;
}

int event_read_page(struct store *st, const struct user *u, const struct store_event_filter *f,
		    event_read_fn fn, void *ctx, int64_t *next_out, struct sk_error *err)
{
	struct store_event_filter all = *f;
	struct page pg;
	struct org org;
	int rc;

	if ((rc = access_event_scope(u, f->org_id, &all.org_id, err)) != 0)
		return rc;
	if (all.org_id > 0 && access_is_staff(u)) {
		if ((rc = store_org_get(st, all.org_id, &org, err)) != 0) {
			if (rc == SK_ENOTFOUND)
				sk_error_set(err, rc, "organization %lld not found",
					     (long long)all.org_id);
			return rc;
		}
		org_clear(&org);
	}
	memset(&pg, 0, sizeof(pg));
	pg.fn = fn;
	pg.ctx = ctx;
	pg.limit = f->limit;
	pg.last = f->after_id;
	/* The store's limit would count rows the policy refuses. */
	all.limit = 0;
	rc = store_event_each(st, &all, page_row, &pg, err);
	if (rc == PAGE_STOP)
		rc = 0;
	else
		pg.next = 0;
	if (rc == 0)
		*next_out = pg.next;
	return rc;
}

int event_read_recipients(struct store *st, const struct user *u, int64_t event_id,
			  store_recipient_fn fn, void *ctx, struct sk_error *err)
{
	if (!access_is_staff(u))
		return sk_error_set(err, SK_EPERM,
				    "user %s may not see who else received an event",
				    u != NULL ? u->name : "-");
	return store_event_recipient_each(st, event_id, fn, ctx, err);
}

/* ---- JSON ---- */

/* Append s as a JSON string. */
static int json_str(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	int rc = buf_append_char(b, '"');

	for (; rc == 0 && *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			char esc[2] = {'\\', (char)c};

			rc = buf_append(b, esc, 2);
		} else if (c < 0x20) {
			char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf]};

			rc = buf_append(b, esc, 6);
		} else {
			rc = buf_append_char(b, (char)c);
		}
	}
	return rc == 0 ? buf_append_char(b, '"') : rc;
}

int event_read_json(const struct event_out *o, struct buf *b)
{
	const struct store_event_row *row = o->row;
	const struct event_recipient *r = row->rcpt;
	size_t start = b->len, n = strlen(row->json);
	int rc;

	if (n < 2 || row->json[0] != '{' || row->json[n - 1] != '}')
		return SK_EIO;
	rc = buf_append(b, row->json, n - 1);
	if (rc == 0)
		rc = buf_printf(b, "%s\"schakel.id\": %lld, \"schakel.received\": \"%s\"",
				n > 2 ? ", " : "", (long long)row->id, row->received);
	if (rc == 0 && r != NULL) {
		rc = buf_printf(
		    b, ", \"schakel.recipient\": {\"org_id\": %lld, \"role\": \"%s\", ",
		    (long long)r->org_id, recipient_role_names[r->role]);
		if (rc == 0)
			rc = buf_append_str(b, "\"reason\": ");
		if (rc == 0)
			rc = json_str(b, r->reason);
		if (rc == 0 && r->role == RECIPIENT_LIAISON && r->member_id > 0)
			rc = buf_printf(b, ", \"member_id\": %lld", (long long)r->member_id);
		if (rc == 0)
			rc = buf_printf(b, ", \"may_pass_on\": %s, \"need_to_know\": %s}",
					o->pass_on ? "true" : "false",
					o->need_to_know ? "true" : "false");
	}
	if (rc == 0)
		rc = buf_append_char(b, '}');
	if (rc != 0) {
		b->len = start;
		if (b->data != NULL)
			b->data[start] = '\0';
	}
	return rc;
}

/* ---- CSV ---- */

/* The event fields (by IntelMQ name) after the fixed leading columns,
 * then this recipient's. Changing them changes the documented format
 * (docs/openapi.yaml). */
const char *const event_read_csv_columns[] = {
    "id",
    "time",
    "received",
    "feed.name",
    "classification.taxonomy",
    "classification.type",
    "tlp",
    "source.ip",
    "source.port",
    "source.asn",
    "source.network",
    "source.fqdn",
    "source.url",
    "source.reverse_dns",
    "source.geolocation.cc",
    "destination.ip",
    "destination.port",
    "protocol.transport",
    "protocol.application",
    "malware.name",
    "event_description.text",
    "recipient.role",
    "recipient.reason",
    "recipient.may_pass_on",
    "recipient.need_to_know",
    NULL,
};

#define CSV_FIRST_EVENT_FIELD 3 /* feed.name */
#define CSV_FIRST_RCPT_FIELD  21

int event_read_csv_header(struct buf *b)
{
	size_t start = b->len;
	int rc = 0;

	for (int i = 0; rc == 0 && event_read_csv_columns[i] != NULL; i++)
		rc = csvout_cell(b, event_read_csv_columns[i], i == 0);
	if (rc == 0)
		rc = csvout_end(b);
	if (rc != 0)
		csvout_row_undo(b, start);
	return rc;
}

/* The text of a JSON scalar: strings as they are, numbers and booleans
 * as JSON writes them; NULL for null. Caller frees *owned. */
static const char *json_text(json_t *v, char **owned)
{
	*owned = NULL;
	if (v == NULL || json_is_null(v))
		return NULL;
	if (json_is_string(v))
		return json_string_value(v);
	*owned = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	return *owned;
}

int event_read_csv_row(const struct event_out *o, struct buf *b)
{
	const struct store_event_row *row = o->row;
	const struct event_recipient *r = row->rcpt;
	json_t *ev = json_loads(row->json, JSON_REJECT_DUPLICATES, NULL);
	char id[24], when[21], *owned = NULL;
	size_t start = b->len;
	int rc = 0;

	if (!json_is_object(ev)) {
		json_decref(ev);
		return SK_EIO;
	}
	snprintf(id, sizeof(id), "%lld", (long long)row->id);
	str_time_iso((time_t)row->time, when);
	rc = csvout_cell(b, id, true);
	if (rc == 0)
		rc = csvout_cell(b, when, false);
	if (rc == 0)
		rc = csvout_cell(b, row->received, false);
	for (int i = CSV_FIRST_EVENT_FIELD; rc == 0 && i < CSV_FIRST_RCPT_FIELD; i++) {
		const char *name = event_read_csv_columns[i];
		const char *v = strcmp(name, "tlp") == 0
				    ? tlp_name(row->tlp)
				    : json_text(json_object_get(ev, name), &owned);

		rc = csvout_cell(b, v, false);
		free(owned);
		owned = NULL;
	}
	if (rc == 0)
		rc = csvout_cell(b, r ? recipient_role_names[r->role] : NULL, false);
	if (rc == 0)
		rc = csvout_cell(b, r ? r->reason : NULL, false);
	if (rc == 0)
		rc = csvout_cell(b, r ? (o->pass_on ? "true" : "false") : NULL, false);
	if (rc == 0)
		rc = csvout_cell(b, r ? (o->need_to_know ? "true" : "false") : NULL, false);
	if (rc == 0)
		rc = csvout_end(b);
	json_decref(ev);
	if (rc != 0)
		csvout_row_undo(b, start);
	return rc;
}
