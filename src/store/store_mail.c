/* store/store_mail.c: the outbound mail queue (store.h, "outbound
 * mail"). Senders on several nodes share it without locks: a claim is an
 * UPDATE guarded by the claim counter the sender read, so of two senders
 * reading the same row only one gets it, on every backend.
 * Checks what it stores: envelope addresses, kinds and message text
 * (7-bit, CRLF, at most STORE_MAIL_SIZE_MAX bytes). */
#include "store/store.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "lib/log.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "store/db.h"
#include "store/store_int.h"

#define MAIL_COLS                                                                              \
	"id, created, kind, ref, message_id, sender, recipients, subject, size, status, "      \
	"attempts, claim, next_attempt, last_error, sent_at, tlp, held, clear_ok, holder"
#define KIND_MAX       32
#define REF_MAX	       200
#define SUBJECT_MAX    1000
#define MESSAGE_ID_MAX 998
/* Claim queries per store_mail_claim() before giving up on a busy queue. */
#define CLAIM_ROUNDS 50

static const char *const status_names[] = {"queued", "sent", "failed", "held", NULL};

const char *store_mail_status_name(enum store_mail_status s)
{
	return (unsigned)s < 4 ? status_names[s] : "?";
}

int store_mail_status_parse(const char *text)
{
	return text ? str_index(status_names, text) : -1;
}

/* Free the strings of m (NULL is fine) and zero it. */
void store_mail_clear(struct store_mail *m)
{
	if (m == NULL)
		return;
	free(m->kind);
	free(m->ref);
	free(m->message_id);
	free(m->sender);
	free(m->rcpt);
	free(m->subject);
	free(m->message);
	free(m->last_error);
	free(m->tlp);
	free(m->held);
	free(m->holder);
	memset(m, 0, sizeof(*m));
}

/* ---- checks ---- */

/* True if s is well-formed UTF-8 without control characters (tab is
 * fine). */
static bool text_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned cp;
		int n;

		if (*p < 0x80) {
			if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
				return false;
			p++;
			continue;
		}
		if ((*p & 0xe0) == 0xc0) {
			n = 1;
			cp = *p & 0x1f;
		} else if ((*p & 0xf0) == 0xe0) {
			n = 2;
			cp = *p & 0x0f;
		} else if ((*p & 0xf8) == 0xf0) {
			n = 3;
			cp = *p & 0x07;
		} else {
			return false;
		}
		for (int i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
		    (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp < 0xa0))
			return false;
		p += n + 1;
	}
	return true;
}

/* An envelope address: local@domain, printable ASCII without spaces,
 * angle brackets or commas (src/mail checks the full syntax). */
static int addr_check(const char *what, const char *a, struct sk_error *err)
{
	size_t n = a ? strlen(a) : 0;
	const char *at;

	if (n == 0)
		return sk_error_set(err, SK_EINVAL, "%s is empty", what);
	if (n > STORE_MAIL_ADDR_MAX)
		return sk_error_set(err, SK_EINVAL, "%s is longer than %d bytes", what,
				    STORE_MAIL_ADDR_MAX);
	for (const char *p = a; *p; p++)
		if (*p <= ' ' || *p >= 0x7f || *p == '<' || *p == '>' || *p == ',')
			return sk_error_set(err, SK_EINVAL,
					    "%s '%.64s' is not a plain address (a character "
					    "that is not printable ASCII, or one of <>,)",
					    what, text_ok(a) ? a : "?");
	at = strrchr(a, '@');
	if (at == NULL || at == a || at[1] == '\0')
		return sk_error_set(err, SK_EINVAL, "%s '%s' is not an address (local@domain)",
				    what, a);
	return 0;
}

/* 7-bit text without NUL whose every line ends in CRLF. */
static int message_check(const char *msg, struct sk_error *err)
{
	size_t n = msg ? strlen(msg) : 0;

	if (n == 0)
		return sk_error_set(err, SK_EINVAL, "the message is empty");
	if (n > STORE_MAIL_SIZE_MAX)
		return sk_error_set(err, SK_ETOOBIG,
				    "the message is %zu bytes, more than the %d allowed", n,
				    STORE_MAIL_SIZE_MAX);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)msg[i];

		if (c >= 0x80)
			return sk_error_set(err, SK_EINVAL,
					    "the message is not 7-bit (byte %zu is 0x%02x)", i,
					    c);
		if (c == '\n' && (i == 0 || msg[i - 1] != '\r'))
			return sk_error_set(err, SK_EINVAL,
					    "the message has a bare LF at byte %zu (lines "
					    "end in CRLF)",
					    i);
		if (c == '\r' && msg[i + 1] != '\n')
			return sk_error_set(err, SK_EINVAL,
					    "the message has a bare CR at byte %zu (lines "
					    "end in CRLF)",
					    i);
	}
	return 0;
}

static int new_check(const struct store_mail_new *m, struct sk_error *err)
{
	char what[48];
	size_t n;
	int rc;

	n = m->kind ? strlen(m->kind) : 0;
	if (n == 0 || n > KIND_MAX ||
	    strspn(m->kind, "abcdefghijklmnopqrstuvwxyz0123456789-") < n)
		return sk_error_set(err, SK_EINVAL,
				    "mail kind '%.40s' must be 1 to %d of a-z, 0-9 and '-'",
				    m->kind ? m->kind : "", KIND_MAX);
	if (m->ref != NULL && (strlen(m->ref) > REF_MAX || !text_ok(m->ref)))
		return sk_error_set(err, SK_EINVAL,
				    "mail reference must be UTF-8 text of at most %d bytes "
				    "without control characters",
				    REF_MAX);
	if (m->subject != NULL && (strlen(m->subject) > SUBJECT_MAX || !text_ok(m->subject)))
		return sk_error_set(err, SK_EINVAL,
				    "mail subject must be UTF-8 text of at most %d bytes "
				    "without control characters",
				    SUBJECT_MAX);
	if (m->message_id != NULL) {
		n = strlen(m->message_id);
		for (size_t i = 0; i < n; i++)
			if (m->message_id[i] <= ' ' || m->message_id[i] >= 0x7f)
				n = MESSAGE_ID_MAX + 1;
		if (n > MESSAGE_ID_MAX)
			return sk_error_set(err, SK_EINVAL,
					    "Message-ID must be printable ASCII of at most %d "
					    "bytes",
					    MESSAGE_ID_MAX);
	}
	if (m->sender == NULL)
		return sk_error_set(err, SK_EINVAL, "the envelope sender is missing");
	if (*m->sender != '\0' && (rc = addr_check("the envelope sender", m->sender, err)) != 0)
		return rc;
	if (m->n_rcpt == 0 || m->rcpt == NULL)
		return sk_error_set(err, SK_EINVAL, "a message needs at least one recipient");
	if (m->n_rcpt > STORE_MAIL_RCPT_MAX)
		return sk_error_set(err, SK_EINVAL,
				    "a message has at most %d recipients, not %zu",
				    STORE_MAIL_RCPT_MAX, m->n_rcpt);
	for (size_t i = 0; i < m->n_rcpt; i++) {
		snprintf(what, sizeof(what), "recipient %zu", i + 1);
		if ((rc = addr_check(what, m->rcpt[i], err)) != 0)
			return rc;
	}
	return message_check(m->message, err);
}

/* ---- rows ---- */

static void time_col(struct db_stmt *s, int col, char out[21])
{
	const char *t = db_col_text(s, col);

	if (store_copy_text(out, 21, t) != 0)
		out[0] = '\0';
}

static char *text_col(struct db_stmt *s, int col)
{
	const char *t = db_col_text(s, col);

	return t ? (char *)t : "";
}

/* Read MAIL_COLS (and the message at column 19 if with_message) into *m,
 * the strings borrowed from the statement. */
static void mail_from_row(struct db_stmt *s, bool with_message, struct store_mail *m)
{
	int status;

	memset(m, 0, sizeof(*m));
	m->id = db_col_int(s, 0);
	time_col(s, 1, m->created);
	m->kind = text_col(s, 2);
	m->ref = text_col(s, 3);
	m->message_id = text_col(s, 4);
	m->sender = text_col(s, 5);
	m->rcpt = text_col(s, 6);
	m->subject = text_col(s, 7);
	m->size = db_col_int(s, 8);
	status = store_mail_status_parse(db_col_text(s, 9));
	m->status = status < 0 ? STORE_MAIL_FAILED : (enum store_mail_status)status;
	m->attempts = (int)db_col_int(s, 10);
	m->claim = db_col_int(s, 11);
	time_col(s, 12, m->next_attempt);
	m->last_error = text_col(s, 13);
	time_col(s, 14, m->sent_at);
	m->tlp = text_col(s, 15);
	m->held = text_col(s, 16);
	m->clear_ok = db_col_int(s, 17) != 0;
	m->holder = text_col(s, 18);
	if (m->status == STORE_MAIL_QUEUED && *m->held)
		m->status = STORE_MAIL_HELD;
	m->message = with_message ? text_col(s, 19) : NULL;
}

/* Copy the borrowed strings of m into strings it owns. */
static void mail_own(struct store_mail *m)
{
	m->kind = xstrdup(m->kind);
	m->ref = xstrdup(m->ref);
	m->message_id = xstrdup(m->message_id);
	m->sender = xstrdup(m->sender);
	m->rcpt = xstrdup(m->rcpt);
	m->subject = xstrdup(m->subject);
	m->message = m->message ? xstrdup(m->message) : NULL;
	m->last_error = xstrdup(m->last_error);
	m->tlp = xstrdup(m->tlp);
	m->held = xstrdup(m->held);
	m->holder = xstrdup(m->holder);
}

/* text, cut to fit size bytes on a UTF-8 character boundary, in out. */
static void cut_copy(char *out, size_t size, const char *text)
{
	size_t n = text ? strlen(text) : 0;

	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)text[n] & 0xc0) == 0x80)
			n--;
	}
	if (n > 0)
		memcpy(out, text, n);
	out[n] = '\0';
}

/* The first of the joined recipients rcpt and how many more, for audit
 * sentences: "soc@example.be and 2 more". */
void store_mail_rcpt_short(const char *rcpt, char out[STORE_MAIL_ADDR_MAX + 32])
{
	size_t first = strcspn(rcpt, ","), more = 0;

	for (const char *p = rcpt + first; *p; p++)
		more += *p == ',';
	if (more > 0)
		snprintf(out, STORE_MAIL_ADDR_MAX + 32, "%.*s and %zu more",
			 (int)(first > STORE_MAIL_ADDR_MAX ? STORE_MAIL_ADDR_MAX : first), rcpt,
			 more);
	else
		snprintf(out, STORE_MAIL_ADDR_MAX + 32, "%.*s",
			 (int)(first > STORE_MAIL_ADDR_MAX ? STORE_MAIL_ADDR_MAX : first),
			 rcpt);
}

/* ---- queueing ---- */

int store_mail_enqueue(struct store *st, const struct store_mail_new *m, int64_t *id_out,
		       struct sk_error *err)
{
	char now[21], who[STORE_MAIL_ADDR_MAX + 32], subject[256];
	struct db_stmt *s;
	struct buf rcpt;
	int64_t id = 0;
	int rc;

	if ((rc = new_check(m, err)) != 0)
		return rc;
	buf_init(&rcpt, (STORE_MAIL_ADDR_MAX + 2) * STORE_MAIL_RCPT_MAX);
	for (size_t i = 0; i < m->n_rcpt && rc == 0; i++)
		rc = buf_printf(&rcpt, "%s%s", i ? ", " : "", m->rcpt[i]);
	/* The cap fits every list new_check() lets through. */
	assert(rc == 0);
	if ((rc = store_begin(st, err)) != 0)
		goto done;
	store_time_now(now);
	rc = store_prep(
	    st,
	    "INSERT INTO mail_out (created, kind, ref, message_id, sender, recipients, "
	    "subject, message, size, status, next_attempt, tlp) "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'queued', $1, $10) RETURNING id",
	    &s, err);
	if (rc != 0)
		goto out;
	db_bind_text(s, 1, now);
	db_bind_text(s, 2, m->kind);
	db_bind_text(s, 3, m->ref ? m->ref : "");
	db_bind_text(s, 4, m->message_id ? m->message_id : "");
	db_bind_text(s, 5, m->sender);
	db_bind_text(s, 6, buf_str(&rcpt));
	db_bind_text(s, 7, m->subject ? m->subject : "");
	db_bind_text(s, 8, m->message);
	db_bind_int(s, 9, (int64_t)strlen(m->message));
	db_bind_text(s, 10, m->tlp ? m->tlp : "");
	if ((rc = store_step_id(s, &id, err)) != 0) {
		sk_error_prefix(err, "queueing a message to %s", buf_str(&rcpt));
		goto out;
	}
	store_mail_rcpt_short(buf_str(&rcpt), who);
	cut_copy(subject, sizeof(subject), m->subject);
	rc = store_audit(st, "mail.queue", "mail", id, err, "queued %s mail%s%s to %s: %s",
			 m->kind, m->ref && *m->ref ? " for " : "", m->ref ? m->ref : "", who,
			 subject);
out:
	rc = store_finish(st, rc, err);
done:
	buf_free(&rcpt);
	if (rc == 0 && id_out != NULL)
		*id_out = id;
	return rc;
}

/* ---- sending ---- */

int store_mail_claim(struct store *st, int lease, size_t max, struct store_mail *out,
		     struct sk_error *err)
{
	char now[21], until[21];
	struct db_stmt *s;
	size_t n = 0;
	time_t t;
	int rc;

	assert(!store_in_transaction(st));
	if (max == 0)
		return 0;
	if (max > STORE_MAIL_CLAIM_MAX)
		max = STORE_MAIL_CLAIM_MAX;
	for (int round = 0; round < CLAIM_ROUNDS; round++) {
		t = str_time_now();
		str_time_iso(t, now);
		str_time_iso(t + (lease > 0 ? lease : 1), until);
		/* The outer conditions are checked again on a row another
		 * sender changed meanwhile: of two senders only one takes it.
		 * A queued message has a next_attempt and others none, so they
		 * need not name the status, and the rows are found by id, not
		 * by another walk of the due index. */
		rc = store_prep(
		    st,
		    "UPDATE mail_out SET claim = claim + 1, next_attempt = $2, holder = $3 "
		    "WHERE id IN (SELECT id FROM mail_out WHERE status = 'queued' "
		    "AND held = '' AND next_attempt <= $1 ORDER BY next_attempt, id "
		    "LIMIT $4) AND held = '' AND next_attempt <= $1 "
		    "RETURNING " MAIL_COLS ", message",
		    &s, err);
		if (rc != 0)
			goto fail;
		db_bind_text(s, 1, now);
		db_bind_text(s, 2, until);
		db_bind_text(s, 3, store_lease_holder());
		db_bind_int(s, 4, (int64_t)max);
		/* Read every row: the statement commits at its end. */
		while ((rc = db_step(s, err)) == 1) {
			if (n < max) {
				mail_from_row(s, true, &out[n]);
				mail_own(&out[n]);
				n++;
			}
		}
		if (rc < 0)
			goto fail;
		if (n > 0)
			return (int)n;
		/* Nothing taken: none due, or others were quicker. */
		rc = store_prep(st,
				"SELECT id FROM mail_out WHERE status = 'queued' AND held = '' "
				"AND next_attempt <= $1 LIMIT 1",
				&s, err);
		if (rc != 0)
			return rc;
		db_bind_text(s, 1, now);
		if ((rc = db_step(s, err)) <= 0)
			return rc;
		db_reset(s);
	}
	return sk_error_set(err, SK_ETEMP,
			    "the mail queue is too busy: other senders took every due message "
			    "first %d times",
			    CLAIM_ROUNDS);
fail:
	while (n > 0)
		store_mail_clear(&out[--n]);
	return rc;
}

/* Run an UPDATE guarded by m's claim (its last three parameters: id,
 * claim, as $n-1 and $n; the others bound by the caller) and ending in
 * "RETURNING id": SK_ENOTFOUND if the claim is no longer m's. */
int store_mail_guarded_step(struct db_stmt *s, const struct store_mail *m, struct sk_error *err)
{
	int rc = db_step(s, err);

	if (rc < 0)
		return rc;
	if (rc == 0)
		return sk_error_set(err, SK_ENOTFOUND,
				    "mail %lld is no longer this sender's: it was claimed "
				    "again or changed meanwhile",
				    (long long)m->id);
	if ((rc = db_step(s, err)) < 0)
		return rc;
	if (rc == 1)
		db_reset(s);
	return 0;
}

/* why, cut to STORE_MAIL_ERROR_MAX bytes on a character boundary, in out. */
void store_mail_why_copy(char out[STORE_MAIL_ERROR_MAX + 1], const char *why)
{
	cut_copy(out, STORE_MAIL_ERROR_MAX + 1, why);
	for (char *p = out; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
}

int store_mail_sent(struct store *st, const struct store_mail *m, struct sk_error *err)
{
	struct db_stmt *s;
	char now[21];
	int rc;

	store_time_now(now);
	rc = store_prep(
	    st,
	    "UPDATE mail_out SET status = 'sent', sent_at = $1, attempts = attempts + 1, "
	    "next_attempt = NULL, last_error = '' "
	    "WHERE id = $2 AND claim = $3 AND status = 'queued' RETURNING id",
	    &s, err);
	if (rc != 0)
		return rc;
	db_bind_text(s, 1, now);
	db_bind_int(s, 2, m->id);
	db_bind_int(s, 3, m->claim);
	return store_mail_guarded_step(s, m, err);
}

int store_mail_release(struct store *st, const struct store_mail *m, const char *why,
		       struct sk_error *err)
{
	char now[21], text[STORE_MAIL_ERROR_MAX + 1];
	struct db_stmt *s;
	int rc;

	store_time_now(now);
	store_mail_why_copy(text, why);
	rc = store_prep(st,
			"UPDATE mail_out SET next_attempt = $1, last_error = $2 "
			"WHERE id = $3 AND claim = $4 AND status = 'queued' RETURNING id",
			&s, err);
	if (rc != 0)
		return rc;
	db_bind_text(s, 1, now);
	db_bind_text(s, 2, text);
	db_bind_int(s, 3, m->id);
	db_bind_int(s, 4, m->claim);
	return store_mail_guarded_step(s, m, err);
}

/* Mark m failed after this attempt, with an audit row, in a transaction. */
static int mark_failed(struct store *st, const struct store_mail *m, const char *text,
		       const char *summary, struct sk_error *err)
{
	char who[STORE_MAIL_ADDR_MAX + 32], brief[400];
	struct db_stmt *s;
	int rc;

	if ((rc = store_begin(st, err)) != 0)
		return rc;
	rc = store_prep(st,
			"UPDATE mail_out SET status = 'failed', attempts = attempts + 1, "
			"next_attempt = NULL, last_error = $1 "
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
	cut_copy(brief, sizeof(brief), text);
	rc = store_audit(st, "mail.fail", "mail", m->id, err, "%s mail to %s %s: %s", m->kind,
			 who, summary, brief);
out:
	return store_finish(st, rc, err);
}

int store_mail_fail(struct store *st, const struct store_mail *m, const char *why,
		    struct sk_error *err)
{
	char text[STORE_MAIL_ERROR_MAX + 1];

	store_mail_why_copy(text, why);
	return mark_failed(st, m, text, "was refused", err);
}

int store_mail_defer(struct store *st, const struct store_mail *m, const char *why, int delay,
		     int max_attempts, bool *gave_up_out, struct sk_error *err)
{
	char next[21], text[STORE_MAIL_ERROR_MAX + 1], summary[64];
	struct db_stmt *s;
	int rc;

	store_mail_why_copy(text, why);
	if (m->attempts + 1 >= max_attempts) {
		snprintf(summary, sizeof(summary), "was given up after %d attempts",
			 m->attempts + 1);
		if ((rc = mark_failed(st, m, text, summary, err)) == 0 && gave_up_out != NULL)
			*gave_up_out = true;
		return rc;
	}
	str_time_iso(str_time_now() + (delay > 0 ? delay : 0), next);
	rc = store_prep(st,
			"UPDATE mail_out SET attempts = attempts + 1, next_attempt = $1, "
			"last_error = $2 "
			"WHERE id = $3 AND claim = $4 AND status = 'queued' RETURNING id",
			&s, err);
	if (rc != 0)
		return rc;
	db_bind_text(s, 1, next);
	db_bind_text(s, 2, text);
	db_bind_int(s, 3, m->id);
	db_bind_int(s, 4, m->claim);
	if ((rc = store_mail_guarded_step(s, m, err)) == 0 && gave_up_out != NULL)
		*gave_up_out = false;
	return rc;
}

/* ---- operators ---- */

int store_mail_get(struct store *st, int64_t id, struct store_mail *out, struct sk_error *err)
{
	struct store_mail m;
	struct db_stmt *s;
	int rc;

	rc = store_row_by_id(st, "SELECT " MAIL_COLS ", message FROM mail_out WHERE id = $1",
			     id, "mail", &s, err);
	if (rc != 0)
		return rc;
	mail_from_row(s, true, &m);
	mail_own(&m);
	db_reset(s);
	*out = m;
	return 0;
}

int store_mail_retry(struct store *st, int64_t id, struct sk_error *err)
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
	if (m.status == STORE_MAIL_SENT) {
		rc = sk_error_set(err, SK_EINVAL, "mail %lld was sent at %s: nothing to retry",
				  (long long)id, m.sent_at);
		goto out;
	}
	store_time_now(now);
	rc =
	    store_prep(st,
		       "UPDATE mail_out SET status = 'queued', attempts = 0, next_attempt = $1 "
		       "WHERE id = $2 AND status <> 'sent'",
		       &s, err);
	if (rc != 0)
		goto out;
	db_bind_text(s, 1, now);
	db_bind_int(s, 2, id);
	if ((rc = store_step_done(s, err)) != 0)
		goto out;
	store_mail_rcpt_short(m.rcpt, who);
	rc = store_audit(st, "mail.retry", "mail", id, err,
			 "queued %s mail to %s again (was %s)", m.kind, who,
			 store_mail_status_name(m.status));
out:
	if (have)
		store_mail_clear(&m);
	return store_finish(st, rc, err);
}

int store_mail_each(struct store *st, int status, size_t limit, store_mail_fn fn, void *ctx,
		    struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	if (status >= 0 && store_mail_status_parse(store_mail_status_name(status)) != status)
		return sk_error_set(err, SK_EINVAL, "no mail status %d", status);
	if (status >= 0) {
		/* Held messages are queued ones with a reason to wait. */
		rc = store_prep(st,
				status == STORE_MAIL_HELD
				    ? "SELECT " MAIL_COLS " FROM mail_out WHERE status = $1 "
				      "AND held <> '' ORDER BY id DESC LIMIT $2"
				    : "SELECT " MAIL_COLS " FROM mail_out WHERE status = $1 "
				      "AND held = '' ORDER BY id DESC LIMIT $2",
				&s, err);
		if (rc != 0)
			return rc;
		db_bind_text(s, 1,
			     store_mail_status_name(
				 status == STORE_MAIL_HELD ? STORE_MAIL_QUEUED : status));
		db_bind_int(s, 2, limit > 0 && limit < INT64_MAX ? (int64_t)limit : INT64_MAX);
	} else {
		rc = store_prep(st,
				"SELECT " MAIL_COLS " FROM mail_out ORDER BY id DESC LIMIT $1",
				&s, err);
		if (rc != 0)
			return rc;
		db_bind_int(s, 1, limit > 0 && limit < INT64_MAX ? (int64_t)limit : INT64_MAX);
	}
	while ((rc = db_step(s, err)) == 1) {
		struct store_mail m;

		mail_from_row(s, false, &m);
		if ((rc = fn(&m, ctx)) != 0) {
			db_reset(s);
			return rc;
		}
	}
	return rc;
}

int store_mail_purge(struct store *st, int64_t before, bool dry_run, int64_t *deleted_out,
		     struct sk_error *err)
{
	char cut[21];
	struct db_stmt *s;
	int64_t n = 0;
	int rc;

	str_time_iso((time_t)before, cut);
	if ((rc = store_begin(st, err)) != 0)
		return rc;
	rc = store_prep(
	    st,
	    dry_run ? "SELECT id FROM mail_out WHERE status <> 'queued' AND created < $1"
		    : "DELETE FROM mail_out WHERE status <> 'queued' AND created < $1 "
		      "RETURNING id",
	    &s, err);
	if (rc != 0)
		goto out;
	db_bind_text(s, 1, cut);
	while ((rc = db_step(s, err)) == 1)
		n++;
	if (rc < 0)
		goto out;
	rc = n == 0 || dry_run
		 ? 0
		 : store_audit(st, "mail.purge", "mail", 0, err,
			       "deleted %lld sent or failed messages created before %s",
			       (long long)n, cut);
out:
	if ((rc = store_finish(st, rc, err)) == 0 && deleted_out != NULL)
		*deleted_out = n;
	return rc;
}
