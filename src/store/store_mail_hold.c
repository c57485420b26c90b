/* store/store_mail_hold.c: messages the dispatcher holds back because a
 * recipient has no usable OpenPGP key (docs/pgp.md), and the analyst's
 * decision on them: release (send) or drop. */
#include <stdio.h>
#include <string.h>

#include "lib/error.h"
#include "store/db.h"
#include "store/store.h"
#include "store/store_int.h"

int store_mail_hold(struct store *st, const struct store_mail *m, const char *why,
		    struct sk_error *err)
{
	char text[STORE_MAIL_ERROR_MAX + 1], who[STORE_MAIL_ADDR_MAX + 32];
	struct db_stmt *s;
	int rc;

	store_mail_why_copy(text, *why ? why : "held");
	if ((rc = store_begin(st, err)) != 0)
		return rc;
	rc = store_prep(st,
			"UPDATE mail_out SET held = $1, last_error = $1 "
			"WHERE id = $2 AND claim = $3 AND status = 'queued' RETURNING id",
			&s, err);
	if (rc != 0)
		goto out;
	db_bind_text(s, 1, text);
	db_bind_int(s, 2, m->id);
	db_bind_int(s, 3, m->claim);
	if ((rc = store_mail_guarded_step(s, m, err)) != 0)
		goto out;
	store_mail_rcpt_short(m->rcpt, who);
	rc = store_audit(st, "mail.hold", "mail", m->id, err, "held %s mail to %s: %s", m->kind,
			 who, text);
out:
	return store_finish(st, rc, err);
}

/* Change held message id by sql ($1: now, $2: id); action and verb for
 * the audit row. */
static int decide(struct store *st, int64_t id, const char *sql, const char *action,
		  const char *verb, struct sk_error *err)
{
	char now[21], who[STORE_MAIL_ADDR_MAX + 32];
	struct store_mail m = {0};
	struct db_stmt *s;
	bool have = false;
	int rc;

	if ((rc = store_begin(st, err)) != 0)
		return rc;
	if ((rc = store_mail_get(st, id, &m, err)) != 0)
		goto out;
	have = true;
	if (m.status != STORE_MAIL_HELD) {
		rc = sk_error_set(err, SK_EINVAL, "mail %lld is %s, not held", (long long)id,
				  store_mail_status_name(m.status));
		goto out;
	}
	store_time_now(now);
	if ((rc = store_prep(st, sql, &s, err)) != 0)
		goto out;
	db_bind_text(s, 1, now);
	db_bind_int(s, 2, id);
	if ((rc = store_step_done(s, err)) != 0)
		goto out;
	store_mail_rcpt_short(m.rcpt, who);
	rc = store_audit(st, action, "mail", id, err, "%s held %s mail to %s (%s)", verb,
			 m.kind, who, m.held);
out:
	if (have)
		store_mail_clear(&m);
	return store_finish(st, rc, err);
}

int store_mail_unhold(struct store *st, int64_t id, struct sk_error *err)
{
	return decide(st, id,
		      "UPDATE mail_out SET held = '', clear_ok = 1, next_attempt = $1, "
		      "last_error = '' WHERE id = $2 AND status = 'queued'",
		      "mail.release", "released", err);
}

int store_mail_drop(struct store *st, int64_t id, struct sk_error *err)
{
	return decide(st, id,
		      "UPDATE mail_out SET status = 'failed', next_attempt = NULL, "
		      "last_error = 'dropped: ' || held, held = '', sent_at = NULL "
		      "WHERE id = $2 AND status = 'queued' AND $1 <> ''",
		      "mail.drop", "dropped", err);
}
