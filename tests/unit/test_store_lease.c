/* tests/unit/test_store_lease.c: leases on a fresh store of each backend:
 * a periodic job's lease goes to one node a period, also when several
 * take it at once; the outbound queue's batch claims give each message
 * to one sender, which keeps it until its lease ends. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/error.h"
#include "store/store.h"
#include "testdb.h"

#define T0	 1700000000 /* 2023-11-14T22:13:20Z */
#define TAKERS	 4
#define MESSAGES 120

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
	if (testdb_open(&f->db, "lease") != 0)
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

static bool take(struct store *st, const char *job, int seconds)
{
	struct sk_error err = {0};
	bool won = false;

	if (store_lease_take(st, job, seconds, &won, &err) != 0)
		fail_msg("store_lease_take: %s", err.msg);
	return won;
}

static void test_job_lease_a_period(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct store_lease l;

	assert_int_equal(store_lease_get(f->st, "purge", &l, &err), SK_ENOTFOUND);
	assert_true(take(f->st, "purge", 60));
	assert_int_equal(store_lease_get(f->st, "purge", &l, &err), 0);
	assert_string_equal(l.holder, store_lease_holder());
	assert_string_equal(l.until, "2023-11-14T22:14:20Z");
	assert_int_equal(l.runs, 1);
	/* Held for the period, by this node too: one run a period. */
	assert_false(take(f->st, "purge", 60));
	set_now(T0 + 59);
	assert_false(take(f->st, "purge", 60));
	/* Another job has a lease of its own. */
	assert_true(take(f->st, "notify", 60));
	/* Once the period ends, the next run is anyone's. */
	set_now(T0 + 60);
	assert_true(take(f->st, "purge", 60));
	assert_int_equal(store_lease_get(f->st, "purge", &l, &err), 0);
	assert_int_equal(l.runs, 2);
	assert_string_equal(l.until, "2023-11-14T22:15:20Z");
	assert_int_equal(store_lease_take(f->st, "", 60, &(bool){false}, &err), SK_EINVAL);
}

struct taker {
	const char *url;
	int won;
	char error[SK_ERROR_MAX + 16];
};

static void *taker_main(void *arg)
{
	struct taker *t = arg;
	struct sk_error err = {0};
	struct store *st = store_open(t->url, &err);
	bool won = false;
	int rc;

	if (st == NULL) {
		snprintf(t->error, sizeof(t->error), "%s", err.msg);
		return NULL;
	}
	/* A busy SQLite file: try again. */
	for (int tries = 0;
	     (rc = store_lease_take(st, "digest", 600, &won, &err)) == SK_ETEMP && tries < 1000;
	     tries++)
		;
	if (rc != 0)
		snprintf(t->error, sizeof(t->error), "take: %s", err.msg);
	t->won = won;
	store_close(st);
	return NULL;
}

/* Nodes taking a job's lease at the same moment: one runs it. */
static void test_job_lease_at_once(void **state)
{
	struct fixture *f = *state;
	struct taker t[TAKERS];
	pthread_t tid[TAKERS];
	int won = 0;

	for (int round = 0; round < 3; round++) {
		set_now(T0 + round * 600);
		for (int i = 0; i < TAKERS; i++) {
			t[i] = (struct taker){.url = f->db.url};
			assert_int_equal(pthread_create(&tid[i], NULL, taker_main, &t[i]), 0);
		}
		won = 0;
		for (int i = 0; i < TAKERS; i++) {
			pthread_join(tid[i], NULL);
			if (t[i].error[0])
				fail_msg("taker %d: %s", i, t[i].error);
			won += t[i].won;
		}
		assert_int_equal(won, 1);
	}
}

static void enqueue(struct store *st, int n)
{
	static const char *const rcpt[] = {"soc@example.nl"};
	struct sk_error err = {0};

	for (int i = 0; i < n; i++) {
		struct store_mail_new m = {
		    .kind = "notification",
		    .sender = "cert@example.be",
		    .rcpt = rcpt,
		    .n_rcpt = 1,
		    .message = "Subject: x\r\n\r\nhello\r\n",
		};

		if (store_mail_enqueue(st, &m, NULL, &err) != 0)
			fail_msg("store_mail_enqueue: %s", err.msg);
	}
}

static int claim(struct store *st, int lease, size_t max, struct store_mail *out)
{
	struct sk_error err = {0};
	int rc = store_mail_claim(st, lease, max, out, &err);

	if (rc < 0)
		fail_msg("store_mail_claim: %s", err.msg);
	return rc;
}

/* A batch claim takes the oldest first, holds them for its lease, and a
 * message whose sender died is due again only after. */
static void test_batch_claim_and_lease(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct store_mail a[8], b[8], m;
	int n;

	enqueue(f->st, 10);
	assert_int_equal(claim(f->st, 30, 8, a), 8);
	/* The oldest eight, in whatever order, in this node's name. */
	for (int i = 0; i < 8; i++) {
		assert_true(a[i].id >= 1 && a[i].id <= 8);
		assert_string_equal(a[i].holder, store_lease_holder());
	}
	n = claim(f->st, 30, 8, b);
	assert_int_equal(n, 2);
	for (int i = 0; i < n; i++)
		for (int k = 0; k < 8; k++)
			assert_true(b[i].id != a[k].id);
	assert_int_equal(claim(f->st, 30, 8, &m), 0);
	/* This sender records the first two; then it dies. */
	assert_int_equal(store_mail_sent(f->st, &a[0], &err), 0);
	assert_int_equal(store_mail_sent(f->st, &b[0], &err), 0);
	set_now(T0 + 29);
	assert_int_equal(claim(f->st, 30, 8, &m), 0);
	set_now(T0 + 30);
	{
		struct store_mail c[16];

		n = claim(f->st, 30, 16, c);
		assert_int_equal(n, 8);
		/* The dead sender's late outcome no longer counts. */
		assert_int_equal(store_mail_sent(f->st, &a[1], &err), SK_ENOTFOUND);
		for (int i = 0; i < n; i++)
			assert_int_equal(store_mail_sent(f->st, &c[i], &err), 0);
		for (int i = 0; i < n; i++)
			store_mail_clear(&c[i]);
	}
	for (int i = 0; i < 8; i++)
		store_mail_clear(&a[i]);
	for (int i = 0; i < 2; i++)
		store_mail_clear(&b[i]);
}

struct sender {
	const char *url;
	int64_t ids[MESSAGES];
	int n;
	char error[SK_ERROR_MAX + 16];
};

static void *sender_main(void *arg)
{
	struct sender *s = arg;
	struct sk_error err = {0};
	struct store *st = store_open(s->url, &err);
	struct store_mail v[7];
	int rc, tries = 0;

	if (st == NULL) {
		snprintf(s->error, sizeof(s->error), "%s", err.msg);
		return NULL;
	}
	while (tries < 1000) {
		if ((rc = store_mail_claim(st, 300, 7, v, &err)) == 0)
			break;
		if (rc == SK_ETEMP) {
			tries++;
			continue;
		}
		if (rc < 0) {
			snprintf(s->error, sizeof(s->error), "claim: %s", err.msg);
			break;
		}
		for (int i = 0; i < rc; i++) {
			int r;

			do
				r = store_mail_sent(st, &v[i], &err);
			while (r == SK_ETEMP && ++tries < 1000);
			if (r != 0)
				snprintf(s->error, sizeof(s->error), "sent: %s", err.msg);
			else if (s->n < MESSAGES)
				s->ids[s->n++] = v[i].id;
			store_mail_clear(&v[i]);
		}
	}
	store_close(st);
	return NULL;
}

/* Senders claiming batches at once: every message goes once. */
static void test_batch_claims_at_once(void **state)
{
	struct fixture *f = *state;
	static struct sender s[TAKERS];
	pthread_t tid[TAKERS];
	char seen[MESSAGES + 1] = {0};
	int total = 0;

	enqueue(f->st, MESSAGES);
	for (int i = 0; i < TAKERS; i++) {
		s[i] = (struct sender){.url = f->db.url};
		assert_int_equal(pthread_create(&tid[i], NULL, sender_main, &s[i]), 0);
	}
	for (int i = 0; i < TAKERS; i++) {
		pthread_join(tid[i], NULL);
		if (s[i].error[0])
			fail_msg("sender %d: %s", i, s[i].error);
		for (int k = 0; k < s[i].n; k++) {
			assert_true(s[i].ids[k] >= 1 && s[i].ids[k] <= MESSAGES);
			assert_int_equal(seen[s[i].ids[k]]++, 0);
		}
		total += s[i].n;
	}
	assert_int_equal(total, MESSAGES);
}

#define TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    TEST(test_job_lease_a_period),
	    TEST(test_job_lease_at_once),
	    TEST(test_batch_claim_and_lease),
	    TEST(test_batch_claims_at_once),
	};

	testdb_skip_if_unavailable();
	return cmocka_run_group_tests_name("store_lease", tests, NULL, NULL);
}
