/* tests/unit/test_store_mail.c: the outbound mail queue on a fresh store
 * per test, on the backend testdb.h names: queueing (alone and in the
 * caller's transaction), checks, claims and their leases, the outcomes
 * of sending, backoff and giving up, retry, listing, purging, several
 * senders at once, and mail_dispatch() while the relay is down. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/error.h"
#include "lib/str.h"
#include "mail/dispatch.h"
#include "store/store.h"
#include "testdb.h"

#define T0 1700000000 /* 2023-11-14T22:13:20Z */

struct fixture {
	struct testdb db;
	struct store *st;
};

static void set_now(int64_t t)
{
	char v[24];

	snprintf(v, sizeof(v), "%lld", (long long)t);
	setenv("SCHAKEL_NOW", v, 1);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	set_now(T0);
	if (testdb_open(&f->db, "mail") != 0)
		return -1;
	f->st = f->db.st;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	testdb_close(&f->db);
	free(f);
	unsetenv("SCHAKEL_NOW");
	return 0;
}

/* ---- helpers ---- */

static const char *const one_rcpt[] = {"soc@example.nl"};

static struct store_mail_new new_mail(const char *subject)
{
	return (struct store_mail_new){
	    .kind = "notification",
	    .ref = "notification:7",
	    .message_id = "<n7@example.be>",
	    .sender = "cert@example.be",
	    .rcpt = one_rcpt,
	    .n_rcpt = 1,
	    .subject = subject,
	    .message =
		"From: cert@example.be\r\nTo: soc@example.nl\r\nSubject: x\r\n\r\nhello\r\n",
	};
}

static int64_t enqueue_ok(struct store *st, const struct store_mail_new *m)
{
	struct sk_error err = {0};
	int64_t id = 0;

	if (store_mail_enqueue(st, m, &id, &err) != 0)
		fail_msg("store_mail_enqueue: %s", err.msg);
	assert_true(id > 0);
	return id;
}

/* Claim the next due message, which must exist; clear it after. */
static void claim_ok(struct store *st, struct store_mail *m)
{
	struct sk_error err = {0};
	int rc = store_mail_claim(st, 300, 1, m, &err);

	if (rc != 1)
		fail_msg("store_mail_claim: %d %s", rc, err.msg);
}

static void claim_none(struct store *st)
{
	struct sk_error err = {0};
	struct store_mail m;

	assert_int_equal(store_mail_claim(st, 300, 1, &m, &err), 0);
}

static void get_ok(struct store *st, int64_t id, struct store_mail *m)
{
	struct sk_error err = {0};

	if (store_mail_get(st, id, m, &err) != 0)
		fail_msg("store_mail_get: %s", err.msg);
}

struct counter {
	int n;
	int64_t ids[16];
	char actions[16][32];
};

static int count_mail(const struct store_mail *m, void *ctx)
{
	struct counter *c = ctx;

	assert_null(m->message);
	if (c->n < 16)
		c->ids[c->n] = m->id;
	c->n++;
	return 0;
}

static int collect_audit(const struct audit_entry *e, void *ctx)
{
	struct counter *c = ctx;

	if (c->n < 16)
		snprintf(c->actions[c->n], sizeof(c->actions[0]), "%s", e->action);
	c->n++;
	return 0;
}

/* The newest audit action. */
static void assert_last_audit(struct store *st, const char *action)
{
	struct sk_error err = {0};
	struct counter c = {0};

	assert_int_equal(store_audit_each(st, 1, collect_audit, &c, &err), 0);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.actions[0], action);
}

/* ---- tests ---- */

static void test_enqueue_and_get(void **state)
{
	struct fixture *f = *state;
	const char *rcpt[] = {"soc@example.nl", "noc@example.be"};
	struct store_mail_new n = new_mail("Één melding");
	struct store_mail m;
	int64_t id;

	n.rcpt = rcpt;
	n.n_rcpt = 2;
	id = enqueue_ok(f->st, &n);
	get_ok(f->st, id, &m);
	assert_int_equal(m.id, id);
	assert_string_equal(m.created, "2023-11-14T22:13:20Z");
	assert_string_equal(m.kind, "notification");
	assert_string_equal(m.ref, "notification:7");
	assert_string_equal(m.message_id, "<n7@example.be>");
	assert_string_equal(m.sender, "cert@example.be");
	assert_string_equal(m.rcpt, "soc@example.nl, noc@example.be");
	assert_string_equal(m.subject, "Één melding");
	assert_string_equal(m.message, n.message);
	assert_int_equal(m.size, strlen(n.message));
	assert_int_equal(m.status, STORE_MAIL_QUEUED);
	assert_int_equal(m.attempts, 0);
	assert_string_equal(m.next_attempt, "2023-11-14T22:13:20Z");
	assert_string_equal(m.sent_at, "");
	assert_string_equal(m.last_error, "");
	store_mail_clear(&m);
	assert_last_audit(f->st, "mail.queue");
}

static void test_enqueue_in_callers_transaction(void **state)
{
	struct fixture *f = *state;
	struct store_mail_new n = new_mail("x");
	struct sk_error err = {0};
	struct counter c = {0};
	int64_t id;

	assert_int_equal(store_begin(f->st, &err), 0);
	id = enqueue_ok(f->st, &n);
	store_rollback(f->st);
	assert_int_equal(store_mail_get(f->st, id, &(struct store_mail){0}, &err),
			 SK_ENOTFOUND);

	assert_int_equal(store_begin(f->st, &err), 0);
	enqueue_ok(f->st, &n);
	enqueue_ok(f->st, &n);
	assert_int_equal(store_commit(f->st, &err), 0);
	assert_int_equal(store_mail_each(f->st, -1, 0, count_mail, &c, &err), 0);
	assert_int_equal(c.n, 2);
}

static void test_enqueue_checks(void **state)
{
	struct fixture *f = *state;
	const char *crlf_rcpt[] = {"soc@example.nl\r\nRCPT TO:<x@example.test>"};
	const char *bracket_rcpt[] = {"<soc@example.nl>"};
	const char *many[STORE_MAIL_RCPT_MAX + 1];
	struct store_mail_new n;
	struct sk_error err = {0};
	struct counter c = {0};
	char *big;

	for (int i = 0; i <= STORE_MAIL_RCPT_MAX; i++)
		many[i] = "soc@example.nl";
#define REFUSED(code, field, value)                                                            \
	do {                                                                                   \
		n = new_mail("x");                                                             \
		n.field = value;                                                               \
		memset(&err, 0, sizeof(err));                                                  \
		assert_int_equal(store_mail_enqueue(f->st, &n, NULL, &err), code);             \
		assert_true(err.msg[0] != '\0');                                               \
	} while (0)
	REFUSED(SK_EINVAL, kind, "");
	REFUSED(SK_EINVAL, kind, "Notification");
	REFUSED(SK_EINVAL, kind, "a-very-long-kind-of-mail-that-goes-on-and-on");
	REFUSED(SK_EINVAL, sender, NULL);
	REFUSED(SK_EINVAL, sender, "cert");
	REFUSED(SK_EINVAL, sender, "cert@example.be\r\n");
	REFUSED(SK_EINVAL, rcpt, crlf_rcpt);
	REFUSED(SK_EINVAL, rcpt, bracket_rcpt);
	REFUSED(SK_EINVAL, n_rcpt, 0);
	REFUSED(SK_EINVAL, subject, "line\nbreak");
	REFUSED(SK_EINVAL, subject, "bad \xff UTF-8");
	REFUSED(SK_EINVAL, message, "");
	REFUSED(SK_EINVAL, message, "Subject: x\n\nbare LF\n");
	REFUSED(SK_EINVAL, message, "Subject: x\r\n\r\n8-bit \xc3\xa9\r\n");
	n = new_mail("x");
	n.rcpt = many;
	n.n_rcpt = STORE_MAIL_RCPT_MAX + 1;
	assert_int_equal(store_mail_enqueue(f->st, &n, NULL, &err), SK_EINVAL);
	big = malloc(STORE_MAIL_SIZE_MAX + 2);
	assert_non_null(big);
	memset(big, 'a', STORE_MAIL_SIZE_MAX + 1);
	big[STORE_MAIL_SIZE_MAX + 1] = '\0';
	REFUSED(SK_ETOOBIG, message, big);
	free(big);
#undef REFUSED
	/* The null sender is allowed (bounces must not bounce). */
	n = new_mail("x");
	n.sender = "";
	enqueue_ok(f->st, &n);
	assert_int_equal(store_mail_each(f->st, -1, 0, count_mail, &c, &err), 0);
	assert_int_equal(c.n, 1);
}

static void test_claim_order_and_lease(void **state)
{
	struct fixture *f = *state;
	struct store_mail_new n = new_mail("first");
	struct store_mail a, b, again;
	struct sk_error err = {0};
	struct store *other;
	int64_t first, second;

	first = enqueue_ok(f->st, &n);
	set_now(T0 + 1);
	n.subject = "second";
	second = enqueue_ok(f->st, &n);
	/* Oldest first, with its text. */
	claim_ok(f->st, &a);
	assert_int_equal(a.id, first);
	assert_string_equal(a.message, n.message);
	assert_int_equal(a.status, STORE_MAIL_QUEUED);
	/* Another node does not get the claimed one. */
	other = store_open(f->db.url, &err);
	assert_non_null(other);
	claim_ok(other, &b);
	assert_int_equal(b.id, second);
	claim_none(other);
	claim_none(f->st);
	/* A sender that died: its lease runs out and the message is due again. */
	set_now(T0 + 1 + 301);
	claim_ok(other, &again);
	assert_int_equal(again.id, first);
	/* The first sender comes back: its claim is no longer good. */
	assert_int_equal(store_mail_sent(f->st, &a, &err), SK_ENOTFOUND);
	assert_int_equal(store_mail_sent(other, &again, &err), 0);
	assert_int_equal(store_mail_sent(other, &b, &err), 0);
	claim_none(f->st);
	store_mail_clear(&a);
	store_mail_clear(&b);
	store_mail_clear(&again);
	store_close(other);
}

static void test_sent(void **state)
{
	struct fixture *f = *state;
	struct store_mail_new n = new_mail("x");
	struct sk_error err = {0};
	struct store_mail m, got;
	int64_t id = enqueue_ok(f->st, &n);

	claim_ok(f->st, &m);
	set_now(T0 + 5);
	assert_int_equal(store_mail_sent(f->st, &m, &err), 0);
	get_ok(f->st, id, &got);
	assert_int_equal(got.status, STORE_MAIL_SENT);
	assert_int_equal(got.attempts, 1);
	assert_string_equal(got.sent_at, "2023-11-14T22:13:25Z");
	assert_string_equal(got.next_attempt, "");
	/* Sent once is sent: a second outcome for the same claim fails. */
	assert_int_equal(store_mail_sent(f->st, &m, &err), SK_ENOTFOUND);
	set_now(T0 + 100000);
	claim_none(f->st);
	store_mail_clear(&m);
	store_mail_clear(&got);
}

static void test_defer_backoff_and_give_up(void **state)
{
	struct fixture *f = *state;
	struct store_mail_new n = new_mail("x");
	struct sk_error err = {0};
	struct store_mail m, got;
	int64_t id = enqueue_ok(f->st, &n), t = T0;
	bool gave_up = true;

	/* Attempts 1 and 2 are deferred by the backoff given. */
	for (int attempt = 1; attempt <= 2; attempt++) {
		int delay = mail_backoff(attempt);

		claim_ok(f->st, &m);
		assert_int_equal(m.attempts, attempt - 1);
		assert_int_equal(store_mail_defer(f->st, &m, "451 4.3.0 try later", delay, 3,
						  &gave_up, &err),
				 0);
		assert_false(gave_up);
		get_ok(f->st, id, &got);
		assert_int_equal(got.status, STORE_MAIL_QUEUED);
		assert_int_equal(got.attempts, attempt);
		assert_string_equal(got.last_error, "451 4.3.0 try later");
		store_mail_clear(&got);
		store_mail_clear(&m);
		set_now(t + delay - 1);
		claim_none(f->st);
		t += delay;
		set_now(t);
	}
	/* Attempt 3 of 3: given up, failed, with an audit row. */
	claim_ok(f->st, &m);
	assert_int_equal(store_mail_defer(f->st, &m, "451 still", 240, 3, &gave_up, &err), 0);
	assert_true(gave_up);
	get_ok(f->st, id, &got);
	assert_int_equal(got.status, STORE_MAIL_FAILED);
	assert_int_equal(got.attempts, 3);
	assert_string_equal(got.next_attempt, "");
	assert_last_audit(f->st, "mail.fail");
	set_now(t + 100000);
	claim_none(f->st);
	store_mail_clear(&m);
	store_mail_clear(&got);
}

static void test_backoff(void **state)
{
	(void)state;
	assert_int_equal(mail_backoff(1), 60);
	assert_int_equal(mail_backoff(2), 120);
	assert_int_equal(mail_backoff(3), 240);
	assert_int_equal(mail_backoff(6), 1920);
	assert_int_equal(mail_backoff(7), 3600);
	assert_int_equal(mail_backoff(100), 3600);
}

static void test_release_and_fail(void **state)
{
	struct fixture *f = *state;
	struct store_mail_new n = new_mail("x");
	struct sk_error err = {0};
	struct store_mail m, got;
	int64_t id = enqueue_ok(f->st, &n);

	/* The relay is down: no attempt counted, due again at once. */
	for (int i = 0; i < 20; i++) {
		claim_ok(f->st, &m);
		assert_int_equal(store_mail_release(f->st, &m, "connection refused", &err), 0);
		store_mail_clear(&m);
	}
	get_ok(f->st, id, &got);
	assert_int_equal(got.status, STORE_MAIL_QUEUED);
	assert_int_equal(got.attempts, 0);
	assert_string_equal(got.last_error, "connection refused");
	store_mail_clear(&got);
	/* Refused for good. */
	claim_ok(f->st, &m);
	assert_int_equal(store_mail_fail(f->st, &m,
					 "RCPT TO:<soc@example.nl>: 550 5.1.1 no such "
					 "user\r\nwith a line break",
					 &err),
			 0);
	get_ok(f->st, id, &got);
	assert_int_equal(got.status, STORE_MAIL_FAILED);
	assert_int_equal(got.attempts, 1);
	assert_null(strpbrk(got.last_error, "\r\n"));
	assert_non_null(strstr(got.last_error, "550 5.1.1"));
	assert_last_audit(f->st, "mail.fail");
	claim_none(f->st);
	store_mail_clear(&m);
	store_mail_clear(&got);
}

static void test_retry(void **state)
{
	struct fixture *f = *state;
	struct store_mail_new n = new_mail("x");
	struct sk_error err = {0};
	struct store_mail m, got;
	int64_t failed = enqueue_ok(f->st, &n), sent;

	claim_ok(f->st, &m);
	assert_int_equal(store_mail_fail(f->st, &m, "550", &err), 0);
	store_mail_clear(&m);
	set_now(T0 + 60);
	assert_int_equal(store_mail_retry(f->st, failed, &err), 0);
	assert_last_audit(f->st, "mail.retry");
	get_ok(f->st, failed, &got);
	assert_int_equal(got.status, STORE_MAIL_QUEUED);
	assert_int_equal(got.attempts, 0);
	assert_string_equal(got.next_attempt, "2023-11-14T22:14:20Z");
	store_mail_clear(&got);
	claim_ok(f->st, &m);
	assert_int_equal(m.id, failed);
	assert_int_equal(store_mail_sent(f->st, &m, &err), 0);
	store_mail_clear(&m);
	sent = failed;
	assert_int_equal(store_mail_retry(f->st, sent, &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "was sent"));
	assert_int_equal(store_mail_retry(f->st, 999999, &err), SK_ENOTFOUND);
}

/* mail_list() and mail_retry(), the queue as the front doors see it:
 * staff only, whichever door asks. */
static void test_queue_staff_only(void **state)
{
	struct fixture *f = *state;
	struct store_mail_new n = new_mail("x");
	struct user analyst = {.name = "ann", .role = USER_ROLE_ANALYST};
	struct user partner = {.name = "pat", .role = USER_ROLE_PARTNER, .org_id = 1};
	struct sk_error err = {0};
	struct counter c = {0};
	struct store_mail m;
	int64_t id = enqueue_ok(f->st, &n);

	claim_ok(f->st, &m);
	assert_int_equal(store_mail_fail(f->st, &m, "550", &err), 0);
	store_mail_clear(&m);
	assert_int_equal(mail_list(f->st, &partner, -1, 0, count_mail, &c, &err), SK_EPERM);
	assert_int_equal(mail_list(f->st, NULL, -1, 0, count_mail, &c, &err), SK_EPERM);
	assert_int_equal(c.n, 0);
	assert_int_equal(mail_retry(f->st, &partner, id, &err), SK_EPERM);
	assert_int_equal(mail_retry(f->st, NULL, id, &err), SK_EPERM);
	assert_int_equal(mail_list(f->st, &analyst, STORE_MAIL_QUEUED, 0, count_mail, &c, &err),
			 0);
	assert_int_equal(c.n, 0);
	assert_int_equal(mail_retry(f->st, &analyst, id, &err), 0);
	assert_int_equal(mail_list(f->st, &analyst, STORE_MAIL_QUEUED, 0, count_mail, &c, &err),
			 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.ids[0], id);
}

/* A held message: not due, listed as held with its reason and TLP
 * label, not as queued; released it is due at once with clear_ok set;
 * dropped it fails for good. Only a held message is released or
 * dropped, and only by staff. */
static void test_hold_release_drop(void **state)
{
	struct fixture *f = *state;
	struct store_mail_new n = new_mail("x");
	struct user analyst = {.name = "ann", .role = USER_ROLE_ANALYST};
	struct user partner = {.name = "pat", .role = USER_ROLE_PARTNER, .org_id = 1};
	struct sk_error err = {0};
	struct counter c = {0};
	struct store_mail m, got;
	int64_t a, b;

	n.tlp = "TLP:AMBER";
	a = enqueue_ok(f->st, &n);
	b = enqueue_ok(f->st, &n);
	for (int i = 0; i < 2; i++) {
		claim_ok(f->st, &m);
		assert_int_equal(
		    store_mail_hold(f->st, &m, "no usable key for soc@example.nl", &err), 0);
		assert_last_audit(f->st, "mail.hold");
		store_mail_clear(&m);
	}
	claim_none(f->st);
	get_ok(f->st, a, &got);
	assert_int_equal(got.status, STORE_MAIL_HELD);
	assert_string_equal(got.held, "no usable key for soc@example.nl");
	assert_string_equal(got.tlp, "TLP:AMBER");
	assert_false(got.clear_ok);
	store_mail_clear(&got);
	assert_int_equal(mail_list(f->st, &analyst, STORE_MAIL_QUEUED, 0, count_mail, &c, &err),
			 0);
	assert_int_equal(c.n, 0);
	assert_int_equal(mail_list(f->st, &analyst, STORE_MAIL_HELD, 0, count_mail, &c, &err),
			 0);
	assert_int_equal(c.n, 2);
	assert_string_equal(store_mail_status_name(STORE_MAIL_HELD), "held");
	assert_int_equal(store_mail_status_parse("held"), STORE_MAIL_HELD);

	assert_int_equal(mail_release(f->st, &partner, a, &err), SK_EPERM);
	assert_int_equal(mail_drop(f->st, NULL, a, &err), SK_EPERM);
	assert_int_equal(mail_release(f->st, &analyst, a, &err), 0);
	assert_last_audit(f->st, "mail.release");
	assert_int_equal(mail_release(f->st, &analyst, a, &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "not held"));
	claim_ok(f->st, &m);
	assert_int_equal(m.id, a);
	assert_true(m.clear_ok);
	assert_string_equal(m.held, "");
	store_mail_clear(&m);

	assert_int_equal(mail_drop(f->st, &analyst, b, &err), 0);
	assert_last_audit(f->st, "mail.drop");
	get_ok(f->st, b, &got);
	assert_int_equal(got.status, STORE_MAIL_FAILED);
	assert_non_null(strstr(got.last_error, "dropped: no usable key"));
	store_mail_clear(&got);
	assert_int_equal(mail_drop(f->st, &analyst, b, &err), SK_EINVAL);
	assert_int_equal(mail_drop(f->st, &analyst, 999999, &err), SK_ENOTFOUND);
}

static void test_each_and_purge(void **state)
{
	struct fixture *f = *state;
	struct store_mail_new n = new_mail("x");
	struct sk_error err = {0};
	struct counter c = {0};
	struct store_mail m;
	int64_t ids[4], deleted = -1;

	for (int i = 0; i < 4; i++)
		ids[i] = enqueue_ok(f->st, &n);
	claim_ok(f->st, &m);
	assert_int_equal(store_mail_sent(f->st, &m, &err), 0);
	store_mail_clear(&m);
	claim_ok(f->st, &m);
	assert_int_equal(store_mail_fail(f->st, &m, "550", &err), 0);
	store_mail_clear(&m);
	/* Newest first; filters by status; limit. */
	assert_int_equal(store_mail_each(f->st, -1, 0, count_mail, &c, &err), 0);
	assert_int_equal(c.n, 4);
	assert_int_equal(c.ids[0], ids[3]);
	assert_int_equal(c.ids[3], ids[0]);
	memset(&c, 0, sizeof(c));
	assert_int_equal(store_mail_each(f->st, STORE_MAIL_QUEUED, 0, count_mail, &c, &err), 0);
	assert_int_equal(c.n, 2);
	memset(&c, 0, sizeof(c));
	assert_int_equal(store_mail_each(f->st, STORE_MAIL_SENT, 0, count_mail, &c, &err), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.ids[0], ids[0]);
	memset(&c, 0, sizeof(c));
	assert_int_equal(store_mail_each(f->st, -1, 3, count_mail, &c, &err), 0);
	assert_int_equal(c.n, 3);
	assert_int_equal(store_mail_each(f->st, 7, 0, count_mail, &c, &err), SK_EINVAL);
	/* Purge takes sent and failed mail older than the cut, never queued. */
	assert_int_equal(store_mail_purge(f->st, T0, false, &deleted, &err), 0);
	assert_int_equal(deleted, 0);
	assert_last_audit(f->st, "mail.fail"); /* nothing deleted: no audit row */
	assert_int_equal(store_mail_purge(f->st, T0 + 1, true, &deleted, &err), 0);
	assert_int_equal(deleted, 2); /* a dry run counts */
	assert_last_audit(f->st, "mail.fail");
	assert_int_equal(store_mail_purge(f->st, T0 + 1, false, &deleted, &err), 0);
	assert_int_equal(deleted, 2);
	assert_last_audit(f->st, "mail.purge");
	memset(&c, 0, sizeof(c));
	assert_int_equal(store_mail_each(f->st, -1, 0, count_mail, &c, &err), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(store_mail_status_parse("failed"), STORE_MAIL_FAILED);
	assert_int_equal(store_mail_status_parse("bounced"), -1);
}

/* Several senders, each with a store of its own, drain one queue: every
 * message is sent exactly once. */
#define SENDERS	 4
#define MESSAGES 60

struct sender {
	const char *url;
	int sent[MESSAGES + 1];
	int n;
	char error[SK_ERROR_MAX + 16];
};

static void *sender_main(void *arg)
{
	struct sender *s = arg;
	struct sk_error err = {0};
	struct store *st = store_open(s->url, &err);
	struct store_mail m;
	int rc, tries = 0;

	if (st == NULL) {
		snprintf(s->error, sizeof(s->error), "%s", err.msg);
		return NULL;
	}
	while (tries < 1000) {
		rc = store_mail_claim(st, 300, 1, &m, &err);
		if (rc == 0)
			break;
		if (rc < 0) {
			/* A busy SQLite file: try again. */
			if (rc == SK_ETEMP) {
				tries++;
				continue;
			}
			snprintf(s->error, sizeof(s->error), "claim: %s", err.msg);
			break;
		}
		do
			rc = store_mail_sent(st, &m, &err);
		while (rc == SK_ETEMP && ++tries < 1000);
		if (rc != 0) {
			snprintf(s->error, sizeof(s->error), "sent: %s", err.msg);
			store_mail_clear(&m);
			break;
		}
		if (m.id >= 1 && m.id <= MESSAGES)
			s->sent[m.id]++;
		s->n++;
		store_mail_clear(&m);
	}
	store_close(st);
	return NULL;
}

static void test_senders_at_once(void **state)
{
	struct fixture *f = *state;
	struct store_mail_new n = new_mail("x");
	struct sender s[SENDERS];
	pthread_t t[SENDERS];
	int total = 0;

	for (int i = 0; i < MESSAGES; i++)
		enqueue_ok(f->st, &n);
	memset(s, 0, sizeof(s));
	for (int i = 0; i < SENDERS; i++) {
		s[i].url = f->db.url;
		assert_int_equal(pthread_create(&t[i], NULL, sender_main, &s[i]), 0);
	}
	for (int i = 0; i < SENDERS; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < SENDERS; i++) {
		if (s[i].error[0] != '\0')
			fail_msg("sender %d: %s", i, s[i].error);
		total += s[i].n;
	}
	assert_int_equal(total, MESSAGES);
	for (int id = 1; id <= MESSAGES; id++) {
		int times = 0;

		for (int i = 0; i < SENDERS; i++)
			times += s[i].sent[id];
		if (times != 1)
			fail_msg("message %d was sent %d times", id, times);
	}
	claim_none(f->st);
}

/* mail_enqueue() composes and queues with the canonical envelope. */
static void test_mail_enqueue(void **state)
{
	struct fixture *f = *state;
	const struct mail_addr to[] = {{"SOC", "SOC@Example.NL"}, {NULL, "noc@bücher.example"}};
	const struct mail_message msg = {
	    .from = {"CERT", "cert@example.be"},
	    .to = to,
	    .n_to = 2,
	    .subject = "Test",
	    .body = "Hello\n",
	};
	char msgid[MAIL_MSGID_MAX + 1];
	struct sk_error err = {0};
	struct store_mail m;
	int64_t id = 0;

	assert_int_equal(mail_enqueue(f->st, &msg, "test", "cli", &id, msgid, &err), 0);
	get_ok(f->st, id, &m);
	assert_string_equal(m.kind, "test");
	assert_string_equal(m.ref, "cli");
	assert_string_equal(m.sender, "cert@example.be");
	assert_string_equal(m.rcpt, "SOC@example.nl, noc@xn--bcher-kva.example");
	assert_string_equal(m.message_id, msgid);
	assert_non_null(strstr(m.message, msgid));
	assert_non_null(strstr(m.message, "\r\nSubject: Test\r\n"));
	store_mail_clear(&m);
}

/* A TCP port on loopback that refuses connections. */
static int refused_port(void)
{
	struct sockaddr_in a = {0};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

static void test_dispatch_relay_down(void **state)
{
	struct fixture *f = *state;
	struct store_mail_new n = new_mail("x");
	struct mail_dispatch_stats stats;
	struct sk_error err = {0};
	struct mail_settings ms;
	struct counter c = {0};
	char relay[64];
	int64_t a, b;

	snprintf(relay, sizeof(relay), "smtp://127.0.0.1:%d", refused_port());
	ms = (struct mail_settings){
	    .smtp = {relay, SMTP_TLS_TRY, 5, 10},
	    .from = NULL,
	    .max_attempts = 2,
	};
	a = enqueue_ok(f->st, &n);
	b = enqueue_ok(f->st, &n);
	/* However often it runs, nothing is lost or used up. */
	for (int i = 0; i < 3; i++) {
		struct store_mail m;

		assert_int_equal(mail_dispatch(f->st, &ms, 0, &stats, &err), 0);
		assert_true(stats.relay_down);
		assert_int_equal(stats.sent, 0);
		assert_int_equal(stats.deferred, 1);
		assert_int_equal(stats.failed, 0);
		assert_non_null(strstr(stats.relay_error, relay));
		get_ok(f->st, a, &m);
		assert_int_equal(m.status, STORE_MAIL_QUEUED);
		assert_int_equal(m.attempts, 0);
		assert_non_null(strstr(m.last_error, relay));
		store_mail_clear(&m);
	}
	assert_int_equal(store_mail_each(f->st, STORE_MAIL_QUEUED, 0, count_mail, &c, &err), 0);
	assert_int_equal(c.n, 2);
	(void)b;
}

#define TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    TEST(test_enqueue_and_get),
	    TEST(test_queue_staff_only),
	    TEST(test_enqueue_in_callers_transaction),
	    TEST(test_enqueue_checks),
	    TEST(test_claim_order_and_lease),
	    TEST(test_sent),
	    TEST(test_defer_backoff_and_give_up),
	    cmocka_unit_test(test_backoff),
	    TEST(test_release_and_fail),
	    TEST(test_retry),
	    TEST(test_hold_release_drop),
	    TEST(test_each_and_purge),
	    TEST(test_senders_at_once),
	    TEST(test_mail_enqueue),
	    TEST(test_dispatch_relay_down),
	};

	testdb_skip_if_unavailable();
	return cmocka_run_group_tests_name("store_mail", tests, NULL, NULL);
}
