/* mail/dispatch.c: queueing composed messages and sending the due ones
 * through the relay: sent, deferred with backoff (given up after
 * mail.max_attempts), refused, or left due when the relay is down; each
 * outcome is logged and counted for /metrics. */
#include "mail/dispatch.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "lib/config.h"
#include "lib/log.h"
#include "lib/metrics.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "mail/protect.h"
#include "store/store.h"

/* Messages one claim takes: the claim and its commit are shared by
 * them, and at most this many wait for the lease to end if the node
 * dies. */
#define MAIL_CLAIM_BATCH 16

_Static_assert(MAIL_CLAIM_BATCH <= STORE_MAIL_CLAIM_MAX, "a claim takes the whole batch");
_Static_assert(MAIL_MESSAGE_MAX <= STORE_MAIL_SIZE_MAX, "the queue must hold any message");
_Static_assert(MAIL_TO_MAX <= STORE_MAIL_RCPT_MAX, "the queue must hold any recipient list");

int mail_settings_read(const struct config *cfg, struct mail_settings *out,
		       struct sk_error *err)
{
	struct mail_settings s = {0};
	struct sk_error local = {0};
	char from[MAIL_ADDR_MAX + 1];
	const char *tls;
	int64_t n;
	int rc;

	s.smtp.relay = config_str(cfg, "mail", "relay", "smtp://127.0.0.1:25");
	if ((rc = smtp_relay_check(s.smtp.relay, &local)) != 0) {
		if (rc != SK_ECONFIG) /* libcurl could not start */
			return sk_error_set(err, rc, "%s", local.msg);
		return config_error(cfg, "mail", "relay", err, "%s", local.msg);
	}
	tls = config_str(cfg, "mail", "tls", "try");
	if (strcmp(tls, "try") == 0)
		s.smtp.tls = SMTP_TLS_TRY;
	else if (strcmp(tls, "require") == 0)
		s.smtp.tls = SMTP_TLS_REQUIRE;
	else
		return config_error(cfg, "mail", "tls", err, "expected try or require");
	if ((rc = config_int(cfg, "mail", "lease", MAIL_LEASE_MIN, 86400, MAIL_LEASE_DEFAULT,
			     &n, err)) != 0)
		return rc;
	s.lease = (int)n;
	/* Connecting and sending fit in half the lease (mail_dispatch). */
	s.smtp.connect_timeout = MAIL_CONNECT_TIMEOUT < n / 6 ? MAIL_CONNECT_TIMEOUT : n / 6;
	s.smtp.timeout = MAIL_SEND_TIMEOUT < n / 3 ? MAIL_SEND_TIMEOUT : n / 3;
	if ((rc = config_int(cfg, "mail", "senders", 1, MAIL_SENDERS_MAX, 1, &n, err)) != 0)
		return rc;
	s.senders = (int)n;
	s.from = config_get(cfg, "mail", "from");
	if (s.from != NULL && mail_addr_check(s.from, from, &local) != 0)
		return config_error(cfg, "mail", "from", err, "%s", local.msg);
	if ((rc = config_int(cfg, "mail", "max_attempts", 1, 100, 12, &n, err)) != 0)
		return rc;
	s.max_attempts = (int)n;
	*out = s;
	return 0;
}

/* Compose m, sealed to fpr when mp is not NULL, and queue it. */
static int enqueue(struct store *st, struct mail_pgp *mp, const char *fpr,
		   const struct mail_message *m, const char *kind, const char *ref,
		   int64_t *id_out, char msgid_out[MAIL_MSGID_MAX + 1], struct sk_error *err)
{
	char from[MAIL_ADDR_MAX + 1], msgid[MAIL_MSGID_MAX + 1],
	    (*to)[MAIL_ADDR_MAX + 1] = NULL;
	const char **rcpt = NULL;
	char *text = NULL, *sealed = NULL;
	size_t len = 0;
	int64_t id = 0;
	int rc;

	if ((rc = mail_compose(m, &text, &len, msgid, err)) != 0)
		return rc;
	if (mp != NULL) {
		rc = mail_pgp_seal(mp, fpr, text, &sealed, err);
		sodium_memzero(text, len);
		if (rc != 0)
			goto out;
	}
	/* mail_compose() checked them all; this gives their canonical form. */
	to = xcalloc(m->n_to, sizeof(*to));
	rcpt = xcalloc(m->n_to, sizeof(*rcpt));
	if ((rc = mail_addr_check(m->from.addr, from, err)) != 0)
		goto out;
	for (size_t i = 0; i < m->n_to; i++) {
		if ((rc = mail_addr_check(m->to[i].addr, to[i], err)) != 0)
			goto out;
		rcpt[i] = to[i];
	}
	rc = store_mail_enqueue(st,
				&(struct store_mail_new){
				    .kind = kind,
				    .ref = ref,
				    .message_id = msgid,
				    .sender = from,
				    .rcpt = rcpt,
				    .n_rcpt = m->n_to,
				    .subject = m->subject,
				    .message = sealed != NULL ? sealed : text,
				    .tlp = m->tlp,
				},
				&id, err);
out:
	free(text);
	free(sealed);
	free(to);
	free(rcpt);
	if (rc == 0) {
		if (id_out != NULL)
			*id_out = id;
		if (msgid_out != NULL)
			memcpy(msgid_out, msgid, sizeof(msgid));
	}
	return rc;
}

int mail_enqueue(struct store *st, const struct mail_message *m, const char *kind,
		 const char *ref, int64_t *id_out, char msgid_out[MAIL_MSGID_MAX + 1],
		 struct sk_error *err)
{
	if (strcmp(kind, MAIL_KIND_SEALED) == 0)
		return sk_error_set(err, SK_EINVAL, "mail of kind %s is queued sealed",
				    MAIL_KIND_SEALED);
	return enqueue(st, NULL, NULL, m, kind, ref, id_out, msgid_out, err);
}

int mail_enqueue_sealed(struct store *st, struct mail_pgp *mp, const char *fpr,
			const struct mail_message *m, const char *ref, int64_t *id_out,
			char msgid_out[MAIL_MSGID_MAX + 1], struct sk_error *err)
{
	return enqueue(st, mp, fpr, m, MAIL_KIND_SEALED, ref, id_out, msgid_out, err);
}

/* u is borrowed; NULL (nobody) may not. */
static int may_see_queue(const struct user *u, struct sk_error *err)
{
	if (access_is_staff(u))
		return 0;
	return sk_error_set(err, SK_EPERM, "user %s may not see or change the mail queue",
			    u != NULL ? u->name : "-");
}

int mail_list(struct store *st, const struct user *u, int status, size_t limit,
	      store_mail_fn fn, void *ctx, struct sk_error *err)
{
	int rc;

	if ((rc = may_see_queue(u, err)) != 0)
		return rc;
	return store_mail_each(st, status, limit, fn, ctx, err);
}

int mail_retry(struct store *st, const struct user *u, int64_t id, struct sk_error *err)
{
	int rc;

	if ((rc = may_see_queue(u, err)) != 0)
		return rc;
	return store_mail_retry(st, id, err);
}

int mail_release(struct store *st, const struct user *u, int64_t id, struct sk_error *err)
{
	int rc;

	if ((rc = may_see_queue(u, err)) != 0)
		return rc;
	return store_mail_unhold(st, id, err);
}

int mail_drop(struct store *st, const struct user *u, int64_t id, struct sk_error *err)
{
	int rc;

	if ((rc = may_see_queue(u, err)) != 0)
		return rc;
	return store_mail_drop(st, id, err);
}

json_t *mail_json(const struct store_mail *m)
{
	json_t *v = json_object();

	json_object_set_new(v, "id", json_integer(m->id));
	json_object_set_new(v, "created", json_string(m->created));
	json_object_set_new(v, "kind", json_string(m->kind));
	json_object_set_new(v, "ref", json_string(m->ref));
	json_object_set_new(v, "message_id", json_string(m->message_id));
	json_object_set_new(v, "sender", json_string(m->sender));
	json_object_set_new(v, "recipients", json_string(m->rcpt));
	json_object_set_new(v, "subject", json_string(m->subject));
	json_object_set_new(v, "size", json_integer(m->size));
	json_object_set_new(v, "status", json_string(store_mail_status_name(m->status)));
	json_object_set_new(v, "attempts", json_integer(m->attempts));
	json_object_set_new(v, "next_attempt",
			    m->next_attempt[0] ? json_string(m->next_attempt) : json_null());
	json_object_set_new(v, "sent_at",
			    m->sent_at[0] ? json_string(m->sent_at) : json_null());
	json_object_set_new(v, "last_error", json_string(m->last_error));
	json_object_set_new(v, "held", *m->held ? json_string(m->held) : json_null());
	json_object_set_new(v, "tlp", *m->tlp ? json_string(m->tlp) : json_null());
	return v;
}

int mail_backoff(int attempts)
{
	int delay = MAIL_BACKOFF_FIRST;

	for (int i = 1; i < attempts && delay < MAIL_BACKOFF_MAX; i++)
		delay *= 2;
	return delay < MAIL_BACKOFF_MAX ? delay : MAIL_BACKOFF_MAX;
}

/* Split the joined recipients of a queued message (", ") into v; the
 * count. Points into text, which is changed. */
static size_t rcpt_split(char *text, const char *v[STORE_MAIL_RCPT_MAX])
{
	size_t n = 0;

	for (char *p = text; *p && n < STORE_MAIL_RCPT_MAX;) {
		size_t len = strcspn(p, ",");
		char *next = p + len;

		if (*next == ',')
			*next++ = '\0';
		if (len > 0)
			v[n++] = p;
		p = next + strspn(next, " ");
	}
	return n;
}

/* The fields of m in a log event (message ids, kind, the envelope's
 * recipients; never the text), then error (may be NULL). */
#define MAIL_FIELDS(m, error)                                                                  \
	(const struct log_field[])                                                             \
	{                                                                                      \
		LOG_INT("mail_id", (m)->id), LOG_STR("kind", (m)->kind),                       \
		    LOG_STR("ref", *(m)->ref ? (m)->ref : NULL),                               \
		    LOG_STR("message_id", (m)->message_id), LOG_STR("recipients", (m)->rcpt),  \
		    LOG_STR("error", (error)), LOG_END                                         \
	}

/* Record the outcome res of sending m; 0, or a store error that ends the
 * run. */
static int record(struct store *st, const struct mail_settings *ms, struct store_mail *m,
		  enum smtp_result res, const struct sk_error *why,
		  struct mail_dispatch_stats *stats, struct sk_error *err)
{
	struct sk_error local = {0};
	bool gave_up = false;
	int rc = 0;

	switch (res) {
	case SMTP_SENT:
		rc = store_mail_sent(st, m, &local);
		stats->sent++;
		log_event(LOG_LEVEL_INFO, "mail.sent", MAIL_FIELDS(m, NULL),
			  "mail %lld (%s%s%s) sent to %s", (long long)m->id, m->kind,
			  *m->ref ? " " : "", m->ref, m->rcpt);
		break;
	case SMTP_RELAY_DOWN:
		rc = store_mail_release(st, m, why->msg, &local);
		stats->deferred++;
		stats->relay_down = true;
		snprintf(stats->relay_error, sizeof(stats->relay_error), "%s", why->msg);
		break;
	case SMTP_DEFER:
		rc = store_mail_defer(st, m, why->msg, mail_backoff(m->attempts + 1),
				      ms->max_attempts, &gave_up, &local);
		if (rc == 0 && gave_up) {
			stats->failed++;
			log_event(LOG_LEVEL_WARN, "mail.failed", MAIL_FIELDS(m, why->msg),
				  "mail %lld (%s) to %s given up after %d attempts: %s",
				  (long long)m->id, m->kind, m->rcpt, m->attempts + 1,
				  why->msg);
		} else {
			stats->deferred++;
			log_event(LOG_LEVEL_INFO, "mail.deferred", MAIL_FIELDS(m, why->msg),
				  "mail %lld (%s) to %s deferred: %s", (long long)m->id,
				  m->kind, m->rcpt, why->msg);
		}
		break;
	case SMTP_REJECT:
		rc = store_mail_fail(st, m, why->msg, &local);
		stats->failed++;
		log_event(LOG_LEVEL_WARN, "mail.failed", MAIL_FIELDS(m, why->msg),
			  "mail %lld (%s) to %s refused: %s", (long long)m->id, m->kind,
			  m->rcpt, why->msg);
		break;
	}
	if (rc == SK_ENOTFOUND) {
		/* Our lease ran out and another sender has it now. */
		log_warn("%s", local.msg);
		return 0;
	}
	if (rc != 0)
		sk_error_set(err, rc, "recording the outcome of mail %lld: %s",
			     (long long)m->id, local.msg);
	return rc;
}

/* Sign (and encrypt) claimed m into *sealed; MAIL_PROTECT_HOLD with the
 * reason in why, or an error in why. */
static int protect(struct store *st, const struct mail_settings *ms, const struct store_mail *m,
		   const char *const *rcpt, size_t n_rcpt, char **sealed, struct sk_error *why)
{
	char reason[SK_ERROR_MAX];
	int rc = mail_protect(ms->pgp, st, m, rcpt, n_rcpt, sealed, reason, why);

	if (rc == MAIL_PROTECT_HOLD)
		sk_error_set(why, SK_EPERM, "%s", reason);
	else if (rc < 0)
		log_warn("mail %lld (%s) not signed, so not sent: %s", (long long)m->id,
			 m->kind, why->msg);
	return rc;
}

/* Hold m for want of a key; 0, or a store error that ends the run. */
static int record_hold(struct store *st, struct store_mail *m, const char *why,
		       struct mail_dispatch_stats *stats, struct sk_error *err)
{
	struct sk_error local = {0};
	int rc = store_mail_hold(st, m, why, &local);

	if (rc == SK_ENOTFOUND) {
		log_warn("%s", local.msg);
		return 0;
	}
	if (rc != 0)
		return sk_error_set(err, rc, "holding mail %lld: %s", (long long)m->id,
				    local.msg);
	stats->held++;
	log_event(LOG_LEVEL_WARN, "mail.held", MAIL_FIELDS(m, why),
		  "mail %lld (%s) to %s held: %s", (long long)m->id, m->kind, m->rcpt, why);
	return 0;
}

/* Send claimed m on the session; 0, or a store error that ends the run. */
static int send_one(struct store *st, const struct mail_settings *ms, struct smtp_session *smtp,
		    struct store_mail *m, struct mail_dispatch_stats *s, struct sk_error *err)
{
	const char *rcpt[STORE_MAIL_RCPT_MAX];
	struct sk_error why = {0};
	enum smtp_result res;
	char *joined, *sealed = NULL;
	size_t n_rcpt;
	int rc;

	joined = xstrdup(m->rcpt);
	n_rcpt = rcpt_split(joined, rcpt);
	/* A sealed message was signed and encrypted when it was queued. */
	if (ms->pgp != NULL && strcmp(m->kind, MAIL_KIND_SEALED) != 0) {
		rc = protect(st, ms, m, rcpt, n_rcpt, &sealed, &why);
		if (rc == MAIL_PROTECT_HOLD) {
			rc = record_hold(st, m, why.msg, s, err);
			goto out;
		}
		if (rc != 0) {
			/* Never unsigned: it waits, as for a relay's 4xx. */
			res = SMTP_DEFER;
			goto outcome;
		}
	}
	res = smtp_session_send(smtp, m->sender, rcpt, n_rcpt, sealed ? sealed : m->message,
				strlen(sealed ? sealed : m->message), &why);
outcome:
	/* Committed at once: a node that dies now leaves at most this
	 * message sent and not recorded (docs/notifications.md). */
	rc = record(st, ms, m, res, &why, s, err);
out:
	free(sealed);
	free(joined);
	return rc;
}

/* Give the claimed messages v[0..n) back, due at once, for why. */
static void give_back(struct store *st, struct store_mail *v, size_t n, const char *why)
{
	for (size_t i = 0; i < n; i++) {
		struct sk_error local = {0};

		if (store_mail_release(st, &v[i], why, &local) != 0)
			log_warn("mail %lld stays claimed until its lease ends: %s",
				 (long long)v[i].id, local.msg);
	}
}

int mail_dispatch(struct store *st, const struct mail_settings *ms, int limit,
		  struct mail_dispatch_stats *stats, struct sk_error *err)
{
	struct store_mail batch[MAIL_CLAIM_BATCH];
	struct mail_dispatch_stats s = {0};
	struct smtp_session *smtp = smtp_session_new(&ms->smtp);
	int lease = ms->lease > 0 ? ms->lease : MAIL_LEASE_DEFAULT;
	int rc = 0, n = 0;

	while (rc == 0 && !s.relay_down && (limit <= 0 || n < limit)) {
		size_t want = MAIL_CLAIM_BATCH, got, i = 0;
		time_t claimed = str_time_now();

		if (limit > 0 && (size_t)(limit - n) < want)
			want = (size_t)(limit - n);
		if ((rc = store_mail_claim(st, lease, want, batch, err)) <= 0)
			break;
		got = (size_t)rc;
		rc = 0;
		/* A message goes only while half its lease is left, which
		 * outlasts the longest a send may take: no other sender can
		 * have it while this one talks to the relay. */
		for (; i < got && rc == 0 && !s.relay_down; i++) {
			if (str_time_now() - claimed >= lease / 2)
				break;
			rc = send_one(st, ms, smtp, &batch[i], &s, err);
			n++;
		}
		give_back(st, batch + i, got - i,
			  s.relay_down ? s.relay_error
			  : rc != 0    ? "not sent: the store failed"
				       : "not sent before its lease ran short");
		for (size_t k = 0; k < got; k++)
			store_mail_clear(&batch[k]);
	}
	smtp_session_free(smtp);
	metrics_count(METRICS_MAIL_SENT, (uint64_t)s.sent);
	metrics_count(METRICS_MAIL_DEFERRED, (uint64_t)s.deferred);
	metrics_count(METRICS_MAIL_FAILED, (uint64_t)s.failed);
	metrics_count(METRICS_MAIL_HELD, (uint64_t)s.held);
	if (stats != NULL)
		*stats = s;
	return rc < 0 ? rc : 0;
}
