/* cmd/jobs.h: schakeld's periodic jobs (mail senders, digests, purge):
 * each runs in a thread of its own with a store connection of its own,
 * again and again with a pause between runs, until the daemon stops;
 * a job that must run once whichever nodes are up takes a lease first.
 * A new job is one entry in schakeld's table. */
#ifndef SK_CMD_JOBS_H
#define SK_CMD_JOBS_H

#include <stdbool.h>
#include <stddef.h>

struct sk_error;
struct store;

struct job {
	const char *name; /* for logs and the audit log ("schakeld:NAME") */
	int interval_ms;  /* pause after a run */
	/* One run. Returns 0 to pause interval_ms, or a pause in ms of its
	 * own (1: go on at once). Logs its own errors. */
	int (*run)(struct store *st, void *arg);
	void *arg; /* borrowed; must outlive the jobs */
	/* One node a run: of the nodes sharing the store, only the one
	 * that takes the job's lease (store_lease_take, for interval_ms)
	 * runs it; the others wait for the next period. */
	bool once;
};

struct jobs;

/* Open a store at url for each of the n jobs of v (copied) and start
 * them, each running at once. A store that cannot be opened fails the
 * whole start (nothing keeps running). Stop with jobs_stop(). */
struct jobs *jobs_start(const char *url, const struct job *v, size_t n, struct sk_error *err);

/* Tell every job to stop, wait for the runs in progress to end, close
 * the stores and free j. NULL is fine. */
void jobs_stop(struct jobs *j);

#endif
