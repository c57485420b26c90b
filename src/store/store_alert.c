/* store/store_alert.c: alerts of urgent advisories, their
 * acknowledgement tokens (hashes only) and the duty officer's calls (see
 * store.h). */
#include <stdio.h>
#include <string.h>

#include "lib/error.h"
#include "store/db.h"
#include "store/store.h"
#include "store/store_int.h"

#define ALERT_SELECT                                                                           \
	"SELECT a.id, a.advisory_id, a.org_id, a.state, a.step, a.contact_id, a.sent_at, "     \
	"a.notified_at, a.ack_at, a.ack_by, a.ack_how, o.name, v.number FROM alerts a "        \
	"JOIN orgs o ON o.id = a.org_id JOIN advisories v ON v.id = a.advisory_id "

static void copy_col(char *dst, size_t size, struct db_stmt *s, int c)
{
	if (store_copy_text(dst, size, db_col_text(s, c)) != 0)
		dst[0] = '\0';
}

/* The alert on the row s stands on. */
static void alert_read(struct db_stmt *s, struct store_alert *a)
{
	memset(a, 0, sizeof(*a));
	a->id = db_col_int(s, 0);
	a->advisory_id = db_col_int(s, 1);
	a->org_id = db_col_int(s, 2);
	copy_col(a->state, sizeof(a->state), s, 3);
	a->step = (int)db_col_int(s, 4);
	a->contact_id = db_col_int(s, 5);
	copy_col(a->sent_at, sizeof(a->sent_at), s, 6);
	copy_col(a->notified_at, sizeof(a->notified_at), s, 7);
	copy_col(a->ack_at, sizeof(a->ack_at), s, 8);
	copy_col(a->ack_by, sizeof(a->ack_by), s, 9);
	copy_col(a->ack_how, sizeof(a->ack_how), s, 10);
	copy_col(a->org_name, sizeof(a->org_name), s, 11);
	copy_col(a->number, sizeof(a->number), s, 12);
}

static int token_add(struct store *st, int64_t alert_id, int64_t contact_id, const char *hash,
		     const char *expires, struct sk_error *err)
{
	struct db_stmt *s;
	int rc = store_prep(st,
			    "INSERT INTO alert_tokens (alert_id, contact_id, hash, expires) "
			    "VALUES ($1, $2, $3, $4)",
			    &s, err);

	if (rc != 0)
		return rc;
	db_bind_int(s, 1, alert_id);
	db_bind_int(s, 2, contact_id);
	db_bind_text(s, 3, hash);
	db_bind_text(s, 4, expires);
	return store_step_done(s, err);
}

int store_alert_add(struct store *st, struct store_alert *a, const char *hash,
		    const char *expires, struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	if ((rc = store_begin(st, err)) != 0)
		return rc;
	store_time_now(a->sent_at);
	memcpy(a->notified_at, a->sent_at, sizeof(a->notified_at));
	snprintf(a->state, sizeof(a->state), "sent");
	rc = store_prep(st,
			"INSERT INTO alerts (advisory_id, org_id, state, step, contact_id, "
			"sent_at, notified_at) VALUES ($1, $2, 'sent', $3, $4, $5, $5) "
			"RETURNING id",
			&s, err);
	if (rc == 0) {
		db_bind_int(s, 1, a->advisory_id);
		db_bind_int(s, 2, a->org_id);
		db_bind_int(s, 3, a->step);
		db_bind_int(s, 4, a->contact_id);
		db_bind_text(s, 5, a->sent_at);
		rc = store_step_id(s, &a->id, err);
		if (rc == SK_EEXIST)
			sk_error_set(err, rc, "organization %lld has an alert of this advisory",
				     (long long)a->org_id);
	}
	if (rc == 0)
		rc = token_add(st, a->id, a->contact_id, hash, expires, err);
	return store_finish(st, rc, err);
}

int store_alert_get(struct store *st, int64_t id, struct store_alert *out, struct sk_error *err)
{
	struct db_stmt *s;
	int rc = store_row_by_id(st, ALERT_SELECT "WHERE a.id = $1", id, "alert", &s, err);

	if (rc != 0)
		return rc;
	alert_read(s, out);
	db_reset(s);
	return 0;
}

int store_alert_by_token(struct store *st, const char *hash, const char *now,
			 struct store_alert *out, struct sk_error *err)
{
	struct db_stmt *s;
	int rc = store_prep(st,
			    ALERT_SELECT "JOIN alert_tokens t ON t.alert_id = a.id "
					 "WHERE t.hash = $1 AND t.expires > $2",
			    &s, err);

	if (rc != 0)
		return rc;
	db_bind_text(s, 1, hash);
	db_bind_text(s, 2, now);
	if ((rc = db_step(s, err)) < 0)
		return rc;
	if (rc == 0)
		return sk_error_set(err, SK_ENOTFOUND, "no such acknowledgement link");
	alert_read(s, out);
	db_reset(s);
	return 0;
}

int store_alert_each(struct store *st, const struct store_alert_filter *f, store_alert_fn fn,
		     void *ctx, struct sk_error *err)
{
	struct db_stmt *s;
	struct store_alert a;
	int rc = store_prep(st,
			    ALERT_SELECT "WHERE ($1 = 0 OR a.advisory_id = $1) AND "
					 "($2 = '' OR a.state = $2) AND "
					 "($3 = '' OR a.notified_at < $3) AND "
					 "($4 = 0 OR a.org_id = $4) ORDER BY a.id",
			    &s, err);

	if (rc != 0)
		return rc;
	db_bind_int(s, 1, f->advisory_id);
	db_bind_text(s, 2, f->state != NULL ? f->state : "");
	db_bind_text(s, 3, f->notified_before != NULL ? f->notified_before : "");
	db_bind_int(s, 4, f->org_id);
	while ((rc = db_step(s, err)) == 1) {
		alert_read(s, &a);
		if ((rc = fn(&a, ctx)) != 0) {
			db_reset(s);
			return rc;
		}
	}
	return rc < 0 ? rc : 0;
}

/* Run sql, an UPDATE of alert $1 ending in "RETURNING id", in the
 * current transaction: SK_ENOTFOUND if it touched no row. */
static int update_one(struct store *st, const char *sql, int64_t id, const char *now,
		      struct sk_error *err)
{
	struct db_stmt *s;
	int rc = store_prep(st, sql, &s, err);

	if (rc != 0)
		return rc;
	db_bind_int(s, 1, id);
	db_bind_text(s, 2, now);
	if ((rc = db_step(s, err)) < 0)
		return rc;
	if (rc == 0)
		return sk_error_set(err, SK_ENOTFOUND, "no alert with id %lld", (long long)id);
	db_reset(s);
	return 0;
}

int store_alert_escalate(struct store *st, int64_t id, int step, int64_t contact_id,
			 const char *hash, const char *expires, struct sk_error *err)
{
	struct db_stmt *s;
	char now[21];
	int rc;

	if ((rc = store_begin(st, err)) != 0)
		return rc;
	store_time_now(now);
	rc = store_prep(st,
			"UPDATE alerts SET step = $2, contact_id = $3, notified_at = $4 "
			"WHERE id = $1 AND state = 'sent'",
			&s, err);
	if (rc == 0) {
		db_bind_int(s, 1, id);
		db_bind_int(s, 2, step);
		db_bind_int(s, 3, contact_id);
		db_bind_text(s, 4, now);
		rc = store_step_done(s, err);
	}
	if (rc == 0)
		rc = token_add(st, id, contact_id, hash, expires, err);
	if (rc == 0)
		rc = store_audit(st, "alert.escalate", "alert", id, err,
				 "alert %lld to contact %lld", (long long)id,
				 (long long)contact_id);
	return store_finish(st, rc, err);
}

int store_alert_calllist(struct store *st, int64_t id, struct sk_error *err)
{
	char now[21];
	int rc;

	if ((rc = store_begin(st, err)) != 0)
		return rc;
	store_time_now(now);
	rc = update_one(st,
			"UPDATE alerts SET state = 'calllist', notified_at = $2 "
			"WHERE id = $1 RETURNING id",
			id, now, err);
	if (rc == 0)
		rc = store_audit(st, "alert.calllist", "alert", id, err,
				 "alert %lld on the calling list", (long long)id);
	return store_finish(st, rc, err);
}

int store_alert_ack(struct store *st, int64_t id, const char *by, const char *how,
		    struct sk_error *err)
{
	struct db_stmt *s;
	char now[21];
	int rc;

	if ((rc = store_begin(st, err)) != 0)
		return rc;
	store_time_now(now);
	rc = store_prep(st,
			"UPDATE alerts SET state = 'acknowledged', ack_at = $2, ack_by = $3, "
			"ack_how = $4 WHERE id = $1 AND state <> 'acknowledged' RETURNING id",
			&s, err);
	if (rc == 0) {
		db_bind_int(s, 1, id);
		db_bind_text(s, 2, now);
		db_bind_text(s, 3, by);
		db_bind_text(s, 4, how);
		if ((rc = db_step(s, err)) == 1) {
			db_reset(s);
			rc = store_audit(st, "alert.ack", "alert", id, err,
					 "alert %lld acknowledged by %.128s (%s)",
					 (long long)id, by, how);
		} else if (rc == 0) {
			struct store_alert a;

			rc = store_alert_get(st, id, &a, err);
		}
	}
	return store_finish(st, rc, err);
}

int store_alert_call_add(struct store *st, struct store_alert_call *c, struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	if (strlen(c->who) > STORE_ALERT_CALL_TEXT_MAX ||
	    strlen(c->notes) > STORE_ALERT_CALL_TEXT_MAX)
		return sk_error_set(err, SK_EINVAL, "who and notes: at most %d bytes each",
				    STORE_ALERT_CALL_TEXT_MAX);
	if ((rc = store_begin(st, err)) != 0)
		return rc;
	store_time_now(c->at);
	rc = store_prep(st,
			"INSERT INTO alert_calls (alert_id, at, by_user, reached, who, notes) "
			"VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
			&s, err);
	if (rc == 0) {
		db_bind_int(s, 1, c->alert_id);
		db_bind_text(s, 2, c->at);
		db_bind_text(s, 3, c->by);
		db_bind_int(s, 4, c->reached);
		db_bind_text(s, 5, c->who);
		db_bind_text(s, 6, c->notes);
		rc = store_step_id(s, &c->id, err);
	}
	if (rc == 0)
		rc = store_audit(st, "alert.call", "alert", c->alert_id, err,
				 "alert %lld: %s %.200s", (long long)c->alert_id,
				 c->reached ? "reached" : "not reached", c->who);
	return store_finish(st, rc, err);
}

int store_alert_call_each(struct store *st, int64_t alert_id, store_alert_call_fn fn, void *ctx,
			  struct sk_error *err)
{
	struct db_stmt *s;
	int rc =
	    store_prep(st,
		       "SELECT id, alert_id, at, by_user, reached, who, notes FROM alert_calls "
		       "WHERE alert_id = $1 ORDER BY id",
		       &s, err);

	if (rc != 0)
		return rc;
	db_bind_int(s, 1, alert_id);
	while ((rc = db_step(s, err)) == 1) {
		struct store_alert_call c = {.id = db_col_int(s, 0),
					     .alert_id = db_col_int(s, 1),
					     .by = db_col_text(s, 3),
					     .reached = db_col_int(s, 4) != 0,
					     .who = db_col_text(s, 5),
					     .notes = db_col_text(s, 6)};

		copy_col(c.at, sizeof(c.at), s, 2);
		if ((rc = fn(&c, ctx)) != 0) {
			db_reset(s);
			return rc;
		}
	}
	return rc < 0 ? rc : 0;
}
