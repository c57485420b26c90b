/* store/store_ticket.c: tickets, their messages, parties, links and
 * items (see store.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "lib/str.h"
#include "lib/utf8.h"
#include "store/db.h"
#include "store/store.h"
#include "store/store_int.h"

#define TICKET_COLS                                                                            \
	"id, type, status, subject, requester, org_id, class, service, severity, priority, "   \
	"coverage, tlp, owner, tags, scope, scope_reason, created, updated, due_ack, "         \
	"due_response, due_resolve, acked_at, responded_at, resolved_at"
/* The due time of the first clock still running. */
#define NEXT_DUE                                                                               \
	"(CASE WHEN acked_at IS NULL THEN due_ack WHEN responded_at IS NULL THEN "             \
	"due_response ELSE due_resolve END)"
#define MESSAGE_COLS                                                                           \
	"id, ticket_id, party_id, kind, message_id, author, recipients, subject, body, "       \
	"encrypted, size, mail_id, created, not_parsed, sig_status, sig_fpr, "                 \
	"sig_contact_id, sig_org_id"

/* Copy text into dst[size], cut to fit ("" for NULL). */
static void text_copy(char *dst, size_t size, const char *text)
{
	snprintf(dst, size, "%s", text != NULL ? text : "");
}

/* At most AUDIT_TEXT_MAX bytes of text for an audit summary, cut before
 * a character rather than inside it (PostgreSQL takes only UTF-8). */
#define AUDIT_TEXT_MAX 200
static const char *audit_text(char dst[AUDIT_TEXT_MAX + 2], const char *text)
{
	size_t n = text != NULL ? strnlen(text, AUDIT_TEXT_MAX + 1) : 0;

	if (n > 0)
		memcpy(dst, text, n);
	dst[n] = '\0';
	utf8_cut(dst, AUDIT_TEXT_MAX);
	return dst;
}

static int ticket_from_row(struct db_stmt *s, struct ticket *t, struct sk_error *err)
{
	int type = str_index(ticket_type_names, db_col_text(s, 1) ? db_col_text(s, 1) : "");
	enum tlp_label tlp;
	struct sk_error ignored = {0};

	memset(t, 0, sizeof(*t));
	t->id = db_col_int(s, 0);
	if (type < 0 ||
	    tlp_parse(db_col_text(s, 11) ? db_col_text(s, 11) : "", &tlp, &ignored) != 0)
		return sk_error_set(err, SK_EIO, "ticket %lld in the database is damaged",
				    (long long)t->id);
	t->type = (enum ticket_type)type;
	t->tlp = tlp;
	text_copy(t->status, sizeof(t->status), db_col_text(s, 2));
	text_copy(t->subject, sizeof(t->subject), db_col_text(s, 3));
	text_copy(t->requester, sizeof(t->requester), db_col_text(s, 4));
	t->org_id = db_col_is_null(s, 5) ? 0 : db_col_int(s, 5);
	text_copy(t->class, sizeof(t->class), db_col_text(s, 6));
	text_copy(t->service, sizeof(t->service), db_col_text(s, 7));
	text_copy(t->severity, sizeof(t->severity), db_col_text(s, 8));
	t->priority = (int)db_col_int(s, 9);
	text_copy(t->coverage, sizeof(t->coverage), db_col_text(s, 10));
	text_copy(t->owner, sizeof(t->owner), db_col_text(s, 12));
	text_copy(t->tags, sizeof(t->tags), db_col_text(s, 13));
	text_copy(t->scope, sizeof(t->scope), db_col_text(s, 14));
	text_copy(t->scope_reason, sizeof(t->scope_reason), db_col_text(s, 15));
	text_copy(t->created, sizeof(t->created), db_col_text(s, 16));
	text_copy(t->updated, sizeof(t->updated), db_col_text(s, 17));
	text_copy(t->due_ack, sizeof(t->due_ack), db_col_text(s, 18));
	text_copy(t->due_response, sizeof(t->due_response), db_col_text(s, 19));
	text_copy(t->due_resolve, sizeof(t->due_resolve), db_col_text(s, 20));
	text_copy(t->acked_at, sizeof(t->acked_at), db_col_text(s, 21));
	text_copy(t->responded_at, sizeof(t->responded_at), db_col_text(s, 22));
	text_copy(t->resolved_at, sizeof(t->resolved_at), db_col_text(s, 23));
	return 0;
}

/* Bind a time: "" binds NULL. */
static void bind_time(struct db_stmt *s, int idx, const char *t)
{
	if (t[0] == '\0')
		db_bind_null(s, idx);
	else
		db_bind_text(s, idx, t);
}

/* Bind t's fields from type to resolved_at as $first.. in TICKET_COLS
 * order (without id). */
static void ticket_bind(struct db_stmt *s, int first, const struct ticket *t)
{
	int n = first;

	db_bind_text(s, n++, ticket_type_names[t->type]);
	db_bind_text(s, n++, t->status);
	db_bind_text(s, n++, t->subject);
	db_bind_text(s, n++, t->requester);
	if (t->org_id > 0)
		db_bind_int(s, n++, t->org_id);
	else
		db_bind_null(s, n++);
	db_bind_text(s, n++, t->class);
	db_bind_text(s, n++, t->service);
	db_bind_text(s, n++, t->severity);
	db_bind_int(s, n++, t->priority);
	db_bind_text(s, n++, t->coverage);
	db_bind_text(s, n++, tlp_name(t->tlp));
	db_bind_text(s, n++, t->owner);
	db_bind_text(s, n++, t->tags);
	db_bind_text(s, n++, t->scope);
	db_bind_text(s, n++, t->scope_reason);
	db_bind_text(s, n++, t->created);
	db_bind_text(s, n++, t->updated);
	bind_time(s, n++, t->due_ack);
	bind_time(s, n++, t->due_response);
	bind_time(s, n++, t->due_resolve);
	bind_time(s, n++, t->acked_at);
	bind_time(s, n++, t->responded_at);
	bind_time(s, n++, t->resolved_at);
}

int store_ticket_add(struct store *st, struct ticket *t, struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	if (!ticket_status_valid(t->type, t->status))
		return sk_error_set(err, SK_EINVAL, "status '%s' is not one of a %s's",
				    t->status, ticket_type_names[t->type]);
	if ((rc = store_begin(st, err)) != 0)
		return rc;
	store_time_now(t->created);
	memcpy(t->updated, t->created, sizeof(t->updated));
	rc = store_prep(st,
			"INSERT INTO tickets (type, status, subject, requester, org_id, class, "
			"service, severity, priority, coverage, tlp, owner, tags, scope, "
			"scope_reason, created, updated, due_ack, due_response, due_resolve, "
			"acked_at, responded_at, resolved_at) VALUES ($1, $2, $3, $4, $5, $6, "
			"$7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, "
			"$21, $22, $23) RETURNING id",
			&s, err);
	if (rc == 0) {
		ticket_bind(s, 1, t);
		rc = store_step_id(s, &t->id, err);
	}
	if (rc == 0)
		rc = store_audit(st, "ticket.open", "ticket", t->id, err, "opened %s #%lld: %s",
				 ticket_type_names[t->type], (long long)t->id,
				 audit_text((char[AUDIT_TEXT_MAX + 2]){0}, t->subject));
	return store_finish(st, rc, err);
}

int store_ticket_get(struct store *st, int64_t id, struct ticket *out, struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	if ((rc = store_prep(st, "SELECT " TICKET_COLS " FROM tickets WHERE id = $1", &s,
			     err)) != 0)
		return rc;
	db_bind_int(s, 1, id);
	if ((rc = db_step(s, err)) < 0)
		return rc;
	if (rc == 0)
		return sk_error_set(err, SK_ENOTFOUND, "no ticket #%lld", (long long)id);
	rc = ticket_from_row(s, out, err);
	db_reset(s);
	return rc;
}

int store_ticket_update(struct store *st, struct ticket *t, const char *change,
			struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	if (!ticket_status_valid(t->type, t->status))
		return sk_error_set(err, SK_EINVAL, "status '%s' is not one of a %s's",
				    t->status, ticket_type_names[t->type]);
	if ((rc = store_begin(st, err)) != 0)
		return rc;
	store_time_now(t->updated);
	rc = store_prep(
	    st,
	    "UPDATE tickets SET type = $2, status = $3, subject = $4, requester = $5, "
	    "org_id = $6, class = $7, service = $8, severity = $9, priority = $10, "
	    "coverage = $11, tlp = $12, owner = $13, tags = $14, scope = $15, "
	    "scope_reason = $16, created = $17, updated = $18, due_ack = $19, "
	    "due_response = $20, due_resolve = $21, acked_at = $22, "
	    "responded_at = $23, resolved_at = $24 WHERE id = $1 RETURNING id",
	    &s, err);
	if (rc == 0) {
		int64_t id = 0;

		db_bind_int(s, 1, t->id);
		ticket_bind(s, 2, t);
		rc = store_step_id(s, &id, err);
		if (rc == 0 && id == 0)
			rc = sk_error_set(err, SK_ENOTFOUND, "no ticket #%lld",
					  (long long)t->id);
	}
	if (rc == 0)
		rc = store_audit(st, "ticket.update", "ticket", t->id, err, "#%lld: %.800s",
				 (long long)t->id, change);
	return store_finish(st, rc, err);
}

int store_ticket_each(struct store *st, const struct store_ticket_filter *f, store_ticket_fn fn,
		      void *ctx, struct sk_error *err)
{
	struct buf sql;
	struct db_stmt *s;
	int n = 1, rc;

	buf_init(&sql, 2048);
	rc = buf_append_str(&sql, "SELECT " TICKET_COLS " FROM tickets WHERE 1 = 1");
	if (rc == 0 && f->open_only)
		rc = buf_append_str(&sql, " AND resolved_at IS NULL");
	if (rc == 0 && f->type >= 0)
		rc = buf_printf(&sql, " AND type = $%d", n++);
	if (rc == 0 && f->status != NULL)
		rc = buf_printf(&sql, " AND status = $%d", n++);
	if (rc == 0 && f->owner != NULL)
		rc = buf_printf(&sql, " AND owner = $%d", n++);
	if (rc == 0 && f->class != NULL)
		rc = buf_printf(&sql, " AND class = $%d", n++);
	if (rc == 0 && f->org_id > 0)
		rc = buf_printf(&sql, " AND org_id = $%d", n++);
	if (rc == 0)
		rc = buf_append_str(&sql, f->queue_order ? " ORDER BY priority, " NEXT_DUE
							   " IS NULL, " NEXT_DUE ", id"
							 : " ORDER BY id DESC");
	if (rc == 0 && f->limit > 0)
		rc = buf_printf(&sql, " LIMIT %zu", f->limit);
	if (rc != 0) {
		buf_free(&sql);
		return sk_error_set(err, SK_EIO, "the tickets query does not fit");
	}
	rc = store_prep(st, buf_str(&sql), &s, err);
	buf_free(&sql);
	if (rc != 0)
		return rc;
	n = 1;
	if (f->type >= 0)
		db_bind_text(s, n++, ticket_type_names[f->type]);
	if (f->status != NULL)
		db_bind_text(s, n++, f->status);
	if (f->owner != NULL)
		db_bind_text(s, n++, f->owner);
	if (f->class != NULL)
		db_bind_text(s, n++, f->class);
	if (f->org_id > 0)
		db_bind_int(s, n++, f->org_id);
	while ((rc = db_step(s, err)) == 1) {
		struct ticket t;

		if ((rc = ticket_from_row(s, &t, err)) == 0)
			rc = fn(&t, ctx);
		if (rc != 0) {
			db_reset(s);
			return rc;
		}
	}
	return rc;
}

/* ---- messages ---- */

int store_ticket_message_add(struct store *st, const struct store_ticket_message *m,
			     const struct store_ticket_part *parts, size_t n_parts,
			     int64_t *id_out, struct sk_error *err)
{
	char now[21];
	struct db_stmt *s;
	int64_t id = 0, other;
	int rc;

	if (m->size > STORE_TICKET_RAW_MAX)
		return sk_error_set(err, SK_ETOOBIG,
				    "a message of %zu bytes is over the %d limit", m->size,
				    STORE_TICKET_RAW_MAX);
	if ((rc = store_begin(st, err)) != 0)
		return rc;
	if (strcmp(m->kind, "in") == 0 && m->message_id[0] != '\0') {
		rc = store_ticket_message_dup(st, m->message_id, m->body_hash, m->author,
					      &other, err);
		if (rc == 0) {
			rc = sk_error_set(err, SK_EEXIST,
					  "message <%.300s> is stored already (ticket #%lld)",
					  m->message_id, (long long)other);
			goto out;
		}
		if (rc != SK_ENOTFOUND)
			goto out;
		sk_error_clear(err);
	}
	store_time_now(now);
	rc = store_prep(st,
			"INSERT INTO ticket_messages (ticket_id, party_id, kind, message_id, "
			"author, recipients, subject, body, encrypted, raw, size, mail_id, "
			"created, body_hash, not_parsed, sig_status, sig_fpr, sig_contact_id, "
			"sig_org_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
			"$12, $13, $14, $15, $16, $17, $18, $19) RETURNING id",
			&s, err);
	if (rc != 0)
		goto out;
	db_bind_int(s, 1, m->ticket_id);
	if (m->party_id > 0)
		db_bind_int(s, 2, m->party_id);
	else
		db_bind_null(s, 2);
	db_bind_text(s, 3, m->kind);
	db_bind_text(s, 4, m->message_id ? m->message_id : "");
	db_bind_text(s, 5, m->author ? m->author : "");
	db_bind_text(s, 6, m->recipients ? m->recipients : "");
	db_bind_text(s, 7, m->subject ? m->subject : "");
	db_bind_text(s, 8, m->body ? m->body : "");
	db_bind_int(s, 9, m->encrypted);
	if (m->raw != NULL)
		db_bind_blob(s, 10, m->raw, m->size);
	else
		db_bind_null(s, 10);
	db_bind_int(s, 11, (int64_t)m->size);
	if (m->mail_id > 0)
		db_bind_int(s, 12, m->mail_id);
	else
		db_bind_null(s, 12);
	db_bind_text(s, 13, now);
	db_bind_text(s, 14, m->body_hash ? m->body_hash : "");
	db_bind_text(s, 15, m->not_parsed ? m->not_parsed : "");
	db_bind_text(s, 16, m->sig_status ? m->sig_status : "");
	db_bind_text(s, 17, m->sig_fpr ? m->sig_fpr : "");
	if (m->sig_contact_id > 0)
		db_bind_int(s, 18, m->sig_contact_id);
	else
		db_bind_null(s, 18);
	if (m->sig_org_id > 0)
		db_bind_int(s, 19, m->sig_org_id);
	else
		db_bind_null(s, 19);
	if ((rc = store_step_id(s, &id, err)) != 0)
		goto out;
	for (size_t i = 0; i < n_parts && rc == 0; i++) {
		rc = store_prep(
		    st,
		    "INSERT INTO ticket_parts (message_id, n, content_type, filename, "
		    "size, encrypted, signed) VALUES ($1, $2, $3, $4, $5, $6, $7)",
		    &s, err);
		if (rc != 0)
			break;
		db_bind_int(s, 1, id);
		db_bind_int(s, 2, (int64_t)i + 1);
		db_bind_text(s, 3, parts[i].content_type);
		db_bind_text(s, 4, parts[i].filename ? parts[i].filename : "");
		db_bind_int(s, 5, parts[i].size);
		db_bind_int(s, 6, parts[i].encrypted);
		db_bind_int(s, 7, parts[i].signed_);
		rc = store_step_done(s, err);
	}
	if (rc == 0)
		rc = store_audit(st, "ticket.message", "ticket", m->ticket_id, err,
				 "#%lld: %s from %s", (long long)m->ticket_id, m->kind,
				 audit_text((char[AUDIT_TEXT_MAX + 2]){0}, m->author));
out:
	rc = store_finish(st, rc, err);
	if (rc == 0 && id_out != NULL)
		*id_out = id;
	return rc;
}

int store_ticket_message_dup(struct store *st, const char *message_id, const char *body_hash,
			     const char *author, int64_t *ticket_out, struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	rc = store_prep(st,
			"SELECT ticket_id FROM ticket_messages WHERE kind = 'in' AND "
			"message_id = $1 AND ((body_hash = $2 AND body_hash <> '') OR "
			"(author = $3 AND author <> '')) ORDER BY id LIMIT 1",
			&s, err);
	if (rc != 0)
		return rc;
	db_bind_text(s, 1, message_id);
	db_bind_text(s, 2, body_hash != NULL ? body_hash : "");
	db_bind_text(s, 3, author != NULL ? author : "");
	if ((rc = db_step(s, err)) < 0)
		return rc;
	if (rc == 0)
		return sk_error_set(err, SK_ENOTFOUND, "no message <%.300s> like this one",
				    message_id);
	*ticket_out = db_col_int(s, 0);
	db_reset(s);
	return 0;
}

int store_ticket_message_find(struct store *st, const char *message_id, int64_t *ticket_out,
			      char *kind_out, struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	rc = store_prep(st,
			"SELECT ticket_id, kind FROM ticket_messages WHERE message_id = $1 "
			"ORDER BY kind = 'in' DESC, id LIMIT 1",
			&s, err);
	if (rc != 0)
		return rc;
	db_bind_text(s, 1, message_id);
	if ((rc = db_step(s, err)) < 0)
		return rc;
	if (rc == 0)
		return sk_error_set(err, SK_ENOTFOUND, "no message <%.300s>", message_id);
	*ticket_out = db_col_int(s, 0);
	text_copy(kind_out, 8, db_col_text(s, 1));
	db_reset(s);
	return 0;
}

int store_ticket_message_each(struct store *st, int64_t ticket_id, store_ticket_message_fn fn,
			      void *ctx, struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	rc = store_prep(st,
			"SELECT " MESSAGE_COLS " FROM ticket_messages WHERE ticket_id = $1 "
			"ORDER BY id",
			&s, err);
	if (rc != 0)
		return rc;
	db_bind_int(s, 1, ticket_id);
	while ((rc = db_step(s, err)) == 1) {
		struct store_ticket_message m;

		memset(&m, 0, sizeof(m));
		m.id = db_col_int(s, 0);
		m.ticket_id = db_col_int(s, 1);
		m.party_id = db_col_is_null(s, 2) ? 0 : db_col_int(s, 2);
		m.kind = db_col_text(s, 3);
		m.message_id = db_col_text(s, 4);
		m.author = db_col_text(s, 5);
		m.recipients = db_col_text(s, 6);
		m.subject = db_col_text(s, 7);
		m.body = db_col_text(s, 8);
		m.encrypted = db_col_int(s, 9) != 0;
		m.size = (size_t)db_col_int(s, 10);
		m.mail_id = db_col_is_null(s, 11) ? 0 : db_col_int(s, 11);
		text_copy(m.created, sizeof(m.created), db_col_text(s, 12));
		m.not_parsed = db_col_text(s, 13);
		m.sig_status = db_col_text(s, 14);
		m.sig_fpr = db_col_text(s, 15);
		m.sig_contact_id = db_col_is_null(s, 16) ? 0 : db_col_int(s, 16);
		m.sig_org_id = db_col_is_null(s, 17) ? 0 : db_col_int(s, 17);
		if ((rc = fn(&m, ctx)) != 0) {
			db_reset(s);
			return rc;
		}
	}
	return rc;
}

int store_ticket_part_each(struct store *st, int64_t message_id, store_ticket_part_fn fn,
			   void *ctx, struct sk_error *err)
{
	struct db_stmt *s;
	int rc, n = 0;

	rc = store_prep(st,
			"SELECT n, content_type, filename, size, encrypted, signed FROM "
			"ticket_parts WHERE message_id = $1 ORDER BY n",
			&s, err);
	if (rc != 0)
		return rc;
	db_bind_int(s, 1, message_id);
	while ((rc = db_step(s, err)) == 1) {
		const struct store_ticket_part p = {db_col_text(s, 1), db_col_text(s, 2),
						    db_col_int(s, 3), db_col_int(s, 4) != 0,
						    db_col_int(s, 5) != 0};

		n++;
		if ((rc = fn((int)db_col_int(s, 0), &p, ctx)) != 0) {
			db_reset(s);
			return rc;
		}
	}
	if (rc == 0 && n == 0)
		return sk_error_set(err, SK_ENOTFOUND, "message %lld has no parts listed",
				    (long long)message_id);
	return rc;
}

int store_ticket_message_raw(struct store *st, int64_t id, struct buf *out,
			     struct sk_error *err)
{
	struct db_stmt *s;
	const void *raw;
	size_t len;
	int rc;

	if ((rc = store_prep(st, "SELECT raw FROM ticket_messages WHERE id = $1", &s, err)) !=
	    0)
		return rc;
	db_bind_int(s, 1, id);
	if ((rc = db_step(s, err)) < 0)
		return rc;
	if (rc == 0)
		return sk_error_set(err, SK_ENOTFOUND, "no message %lld", (long long)id);
	raw = db_col_blob(s, 0, &len);
	rc = raw == NULL
		 ? sk_error_set(err, SK_ENOTFOUND, "message %lld keeps no bytes", (long long)id)
		 : buf_append(out, raw, len);
	if (rc == SK_ETOOBIG)
		sk_error_set(err, rc, "message %lld is larger than the buffer", (long long)id);
	db_reset(s);
	return rc;
}

int store_ticket_acks_since(struct store *st, const char *address, const char *since,
			    int64_t *count_out, struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	rc = store_prep(st,
			"SELECT count(*) FROM ticket_messages WHERE kind = 'ack' AND "
			"recipients = $1 AND created >= $2",
			&s, err);
	if (rc != 0)
		return rc;
	db_bind_text(s, 1, address);
	db_bind_text(s, 2, since);
	if ((rc = db_step(s, err)) != 1)
		return rc < 0 ? rc : sk_error_set(err, SK_EIO, "counting returned nothing");
	*count_out = db_col_int(s, 0);
	db_reset(s);
	return 0;
}

/* ---- links, parties, items ---- */

int store_ticket_link(struct store *st, int64_t report_id, int64_t incident_id,
		      struct sk_error *err)
{
	struct ticket r, i;
	struct db_stmt *s;
	int rc;

	if ((rc = store_begin(st, err)) != 0)
		return rc;
	if ((rc = store_ticket_get(st, report_id, &r, err)) != 0 ||
	    (rc = store_ticket_get(st, incident_id, &i, err)) != 0)
		goto out;
	if (r.type != TICKET_REPORT || i.type != TICKET_INCIDENT) {
		rc = sk_error_set(err, SK_EINVAL,
				  "a report links to an incident: #%lld is a %s, #%lld a %s",
				  (long long)report_id, ticket_type_names[r.type],
				  (long long)incident_id, ticket_type_names[i.type]);
		goto out;
	}
	rc = store_prep(st,
			"SELECT count(*) FROM ticket_links WHERE report_id = $1 AND "
			"incident_id = $2",
			&s, err);
	if (rc == 0) {
		db_bind_int(s, 1, report_id);
		db_bind_int(s, 2, incident_id);
		if ((rc = db_step(s, err)) == 1) {
			rc = db_col_int(s, 0) > 0
				 ? sk_error_set(err, SK_EEXIST,
						"#%lld is linked to #%lld already",
						(long long)report_id, (long long)incident_id)
				 : 0;
			db_reset(s);
		} else if (rc == 0) {
			rc = sk_error_set(err, SK_EIO, "counting links returned nothing");
		}
	}
	if (rc == 0)
		rc = store_prep(
		    st, "INSERT INTO ticket_links (report_id, incident_id) VALUES ($1, $2)", &s,
		    err);
	if (rc == 0) {
		db_bind_int(s, 1, report_id);
		db_bind_int(s, 2, incident_id);
		rc = store_step_done(s, err);
	}
	if (rc == 0)
		rc = store_audit(st, "ticket.link", "ticket", report_id, err,
				 "report #%lld linked to incident #%lld", (long long)report_id,
				 (long long)incident_id);
out:
	return store_finish(st, rc, err);
}

int store_ticket_link_each(struct store *st, int64_t id, store_ticket_id_fn fn, void *ctx,
			   struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	rc = store_prep(st,
			"SELECT incident_id FROM ticket_links WHERE report_id = $1 UNION "
			"SELECT report_id FROM ticket_links WHERE incident_id = $1 ORDER BY 1",
			&s, err);
	if (rc != 0)
		return rc;
	db_bind_int(s, 1, id);
	while ((rc = db_step(s, err)) == 1)
		if ((rc = fn(db_col_int(s, 0), ctx)) != 0) {
			db_reset(s);
			return rc;
		}
	return rc;
}

int store_ticket_party_add(struct store *st, int64_t ticket_id, int64_t org_id,
			   const char *address, int64_t *id_out, struct sk_error *err)
{
	char now[21];
	struct db_stmt *s;
	int64_t id = 0;
	int rc;

	if ((rc = store_begin(st, err)) != 0)
		return rc;
	store_time_now(now);
	rc = store_prep(st,
			"INSERT INTO ticket_parties (ticket_id, org_id, address, created) "
			"VALUES ($1, $2, $3, $4) RETURNING id",
			&s, err);
	if (rc == 0) {
		db_bind_int(s, 1, ticket_id);
		if (org_id > 0)
			db_bind_int(s, 2, org_id);
		else
			db_bind_null(s, 2);
		db_bind_text(s, 3, address ? address : "");
		db_bind_text(s, 4, now);
		rc = store_step_id(s, &id, err);
	}
	if (rc == 0)
		rc = store_audit(st, "ticket.party", "ticket", ticket_id, err,
				 "#%lld: party %lld added (organization %lld, %.254s)",
				 (long long)ticket_id, (long long)id, (long long)org_id,
				 address ? address : "");
	rc = store_finish(st, rc, err);
	if (rc == 0 && id_out != NULL)
		*id_out = id;
	return rc;
}

int store_ticket_party_each(struct store *st, int64_t ticket_id, store_ticket_party_fn fn,
			    void *ctx, struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	rc = store_prep(st,
			"SELECT id, org_id, address FROM ticket_parties WHERE ticket_id = $1 "
			"ORDER BY id",
			&s, err);
	if (rc != 0)
		return rc;
	db_bind_int(s, 1, ticket_id);
	while ((rc = db_step(s, err)) == 1)
		if ((rc = fn(db_col_int(s, 0), db_col_is_null(s, 1) ? 0 : db_col_int(s, 1),
			     db_col_text(s, 2), ctx)) != 0) {
			db_reset(s);
			return rc;
		}
	return rc;
}

int store_ticket_item_add(struct store *st, int64_t ticket_id, const char *kind,
			  const char *value, int64_t org_id, const char *reason,
			  const char *derived_from, struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	rc = store_prep(st,
			"INSERT INTO ticket_items (ticket_id, kind, value, org_id, reason, "
			"derived_from) VALUES ($1, $2, $3, $4, $5, $6)",
			&s, err);
	if (rc != 0)
		return rc;
	db_bind_int(s, 1, ticket_id);
	db_bind_text(s, 2, kind);
	db_bind_text(s, 3, value);
	if (org_id > 0)
		db_bind_int(s, 4, org_id);
	else
		db_bind_null(s, 4);
	db_bind_text(s, 5, reason ? reason : "");
	db_bind_text(s, 6, derived_from ? derived_from : "");
	return store_step_done(s, err);
}

int store_ticket_item_each(struct store *st, int64_t ticket_id, store_ticket_item_fn fn,
			   void *ctx, struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	rc = store_prep(st,
			"SELECT i.kind, i.value, i.org_id, COALESCE(o.name, ''), i.reason, "
			"i.derived_from "
			"FROM ticket_items i LEFT JOIN orgs o ON o.id = i.org_id "
			"WHERE i.ticket_id = $1 ORDER BY i.id",
			&s, err);
	if (rc != 0)
		return rc;
	db_bind_int(s, 1, ticket_id);
	while ((rc = db_step(s, err)) == 1)
		if ((rc = fn(db_col_text(s, 0), db_col_text(s, 1),
			     db_col_is_null(s, 2) ? 0 : db_col_int(s, 2), db_col_text(s, 3),
			     db_col_text(s, 4), db_col_text(s, 5), ctx)) != 0) {
			db_reset(s);
			return rc;
		}
	return rc;
}
