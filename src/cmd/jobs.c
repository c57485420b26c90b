/* cmd/jobs.c: periodic jobs, one thread each, woken early only to stop.
 * Pauses are measured on the monotonic clock, so that a change of the
 * wall clock neither stalls nor hurries them; the leases of once-a-period
 * jobs are in the store, on the nodes' wall clocks. */
#include "cmd/jobs.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/error.h"
#include "lib/log.h"
#include "lib/xalloc.h"
#include "store/store.h"

struct job_thread {
	struct jobs *owner;
	struct job job;
	struct store *st;
	pthread_t tid;
	bool running;
};

struct jobs {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stopping;
	size_t n;
	struct job_thread *t;
};

/* Wait ms on j's condition, or less if stopping; true if stopping. */
static bool pause_ms(struct jobs *j, long ms)
{
	struct timespec until;
	bool stop;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&j->lock);
	while (!j->stopping && pthread_cond_timedwait(&j->wake, &j->lock, &until) != ETIMEDOUT)
		;
	stop = j->stopping;
	pthread_mutex_unlock(&j->lock);
	return stop;
}

/* True if this node does the job's run now: it is not a once-a-period
 * job, or this node took the lease for this period. */
static bool job_ours(struct job_thread *t)
{
	struct sk_error err = {0};
	bool won = false;

	if (!t->job.once)
		return true;
	if (store_lease_take(t->st, t->job.name, (t->job.interval_ms + 999) / 1000, &won,
			     &err) != 0) {
		log_warn("%s: %s", t->job.name, err.msg);
		return false;
	}
	if (!won)
		log_debug("%s: another node has this period's run", t->job.name);
	return won;
}

static void *job_main(void *arg)
{
	struct job_thread *t = arg;
	int next;

	do {
		next = job_ours(t) ? t->job.run(t->st, t->job.arg) : 0;
	} while (!pause_ms(t->owner, next > 0 ? next : t->job.interval_ms));
	return NULL;
}

struct jobs *jobs_start(const char *url, const struct job *v, size_t n, struct sk_error *err)
{
	struct jobs *j = xcalloc(1, sizeof(*j));
	pthread_condattr_t attr;
	char actor[96];

	pthread_mutex_init(&j->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&j->wake, &attr);
	pthread_condattr_destroy(&attr);
	j->n = n;
	j->t = xcalloc(n + 1, sizeof(*j->t));
	for (size_t i = 0; i < n; i++) {
		j->t[i].owner = j;
		j->t[i].job = v[i];
		j->t[i].st = store_open(url, err);
		if (j->t[i].st == NULL) {
			sk_error_prefix(err, "job %s: store", v[i].name);
			goto fail;
		}
		snprintf(actor, sizeof(actor), "schakeld:%s", v[i].name);
		store_set_actor(j->t[i].st, actor);
	}
	for (size_t i = 0; i < n; i++) {
		int rc = pthread_create(&j->t[i].tid, NULL, job_main, &j->t[i]);

		if (rc != 0) {
			sk_error_set(err, SK_EIO, "job %s: cannot start a thread: %s",
				     v[i].name, strerror(rc));
			goto fail;
		}
		j->t[i].running = true;
	}
	return j;
fail:
	jobs_stop(j);
	return NULL;
}

void jobs_stop(struct jobs *j)
{
	if (j == NULL)
		return;
	pthread_mutex_lock(&j->lock);
	j->stopping = true;
	pthread_cond_broadcast(&j->wake);
	pthread_mutex_unlock(&j->lock);
	for (size_t i = 0; i < j->n; i++) {
		if (j->t[i].running)
			pthread_join(j->t[i].tid, NULL);
		store_close(j->t[i].st);
	}
	pthread_cond_destroy(&j->wake);
	pthread_mutex_destroy(&j->lock);
	free(j->t);
	free(j);
}
