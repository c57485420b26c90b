/* cmd/lmtpd_batch.c: group commit for the LMTP sessions (see
 * lmtpd_batch.h). A session with a message queues it; if no session is
 * storing, it becomes the one that does, takes the whole queue and
 * stores it in one transaction, then wakes the sessions it stored for.
 * intake_mail() nests inside the outer transaction (store_begin()
 * counts). If any message fails inside it, or the commit fails, nothing
 * of the batch is kept and each message is taken in again on its own,
 * so that each gets the answer it would have had alone. */
#include "cmd/lmtpd_batch.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "lib/xalloc.h"
#include "store/store.h"

struct lmtpd_batch {
	pthread_mutex_t lock;
	pthread_cond_t done;
	bool storing;		/* a session is storing a batch */
	struct lmtpd_job *head; /* waiting, oldest first */
	struct lmtpd_job **tail;
};

struct lmtpd_batch *lmtpd_batch_new(void)
{
	struct lmtpd_batch *b = xcalloc(1, sizeof(*b));

	pthread_mutex_init(&b->lock, NULL);
	pthread_cond_init(&b->done, NULL);
	b->tail = &b->head;
	return b;
}

void lmtpd_batch_free(struct lmtpd_batch *b)
{
	if (b == NULL)
		return;
	pthread_cond_destroy(&b->done);
	pthread_mutex_destroy(&b->lock);
	free(b);
}

static void take_one(struct store *st, const struct intake_config *ic, struct lmtpd_job *j)
{
	sk_error_clear(&j->err);
	j->rc = intake_mail(st, ic, j->from, j->raw, j->len, &j->r, &j->err);
}

/* Store the n jobs of v in one transaction, or each on its own. */
static void store_batch(struct store *st, const struct intake_config *ic, struct lmtpd_job **v,
			size_t n)
{
	struct sk_error err = {0};
	bool whole = n > 1 && store_begin(st, &err) == 0;

	for (size_t i = 0; whole && i < n; i++) {
		take_one(st, ic, v[i]);
		/* A duplicate rolls back its part: the batch cannot be kept. */
		if ((v[i]->rc != 0 && !v[i]->r.refused) || v[i]->r.duplicate)
			whole = false;
	}
	if (whole && store_commit(st, &err) == 0)
		return;
	while (store_in_transaction(st))
		store_rollback(st);
	for (size_t i = 0; i < n; i++)
		take_one(st, ic, v[i]);
}

void lmtpd_batch_take(struct lmtpd_batch *b, struct store *st, const struct intake_config *ic,
		      struct lmtpd_job *job)
{
	struct lmtpd_job *v[LMTPD_BATCH_MAX];

	job->next = NULL;
	job->done = 0;
	pthread_mutex_lock(&b->lock);
	*b->tail = job;
	b->tail = &job->next;
	while (!job->done) {
		size_t n = 0;

		if (b->storing) {
			pthread_cond_wait(&b->done, &b->lock);
			continue;
		}
		b->storing = true;
		for (; b->head != NULL && n < LMTPD_BATCH_MAX; b->head = b->head->next)
			v[n++] = b->head;
		if (b->head == NULL)
			b->tail = &b->head;
		pthread_mutex_unlock(&b->lock);
		store_batch(st, ic, v, n);
		pthread_mutex_lock(&b->lock);
		for (size_t i = 0; i < n; i++)
			v[i]->done = 1;
		b->storing = false;
		pthread_cond_broadcast(&b->done);
	}
	pthread_mutex_unlock(&b->lock);
}
