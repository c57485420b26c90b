/* store/store_lease.c: leases of periodic jobs (store.h, "leases"), so
 * that of several nodes sharing one store exactly one does each run:
 * taking a lease is one INSERT ... ON CONFLICT DO UPDATE whose update
 * applies only when the old lease has ended, atomic on both backends. */
#include "store/store.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/error.h"
#include "lib/str.h"
#include "store/db.h"
#include "store/store_int.h"

static char holder_name[STORE_LEASE_HOLDER_MAX + 1];
static pthread_once_t holder_once = PTHREAD_ONCE_INIT;

static void holder_init(void)
{
	char host[STORE_LEASE_HOLDER_MAX - 16];

	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	snprintf(holder_name, sizeof(holder_name), "%s:%ld", host, (long)getpid());
}

const char *store_lease_holder(void)
{
	pthread_once(&holder_once, holder_init);
	return holder_name;
}

int store_lease_take(struct store *st, const char *job, int seconds, bool *won_out,
		     struct sk_error *err)
{
	char now[21], until[21];
	struct db_stmt *s;
	time_t t = str_time_now();
	int rc;

	if (job == NULL || *job == '\0' || strlen(job) > STORE_LEASE_JOB_MAX)
		return sk_error_set(err, SK_EINVAL, "a job name is 1 to %d bytes",
				    STORE_LEASE_JOB_MAX);
	str_time_iso(t, now);
	str_time_iso(t + (seconds > 0 ? seconds : 1), until);
	rc = store_prep(
	    st,
	    "INSERT INTO job_lease (job, holder, until, runs) VALUES ($1, $2, $3, 1) "
	    "ON CONFLICT (job) DO UPDATE SET holder = excluded.holder, "
	    "until = excluded.until, runs = job_lease.runs + 1 "
	    "WHERE job_lease.until <= $4 RETURNING job",
	    &s, err);
	if (rc != 0)
		return rc;
	db_bind_text(s, 1, job);
	db_bind_text(s, 2, store_lease_holder());
	db_bind_text(s, 3, until);
	db_bind_text(s, 4, now);
	if ((rc = db_step(s, err)) < 0) {
		sk_error_prefix(err, "taking the lease of job %s", job);
		return rc;
	}
	if (rc == 1) {
		/* Run the statement to its end, which commits it. */
		if ((rc = db_step(s, err)) < 0)
			return rc;
		if (rc == 1)
			db_reset(s);
		*won_out = true;
		return 0;
	}
	*won_out = false;
	return 0;
}

int store_lease_get(struct store *st, const char *job, struct store_lease *out,
		    struct sk_error *err)
{
	struct store_lease l = {0};
	struct db_stmt *s;
	int rc;

	rc =
	    store_prep(st, "SELECT holder, until, runs FROM job_lease WHERE job = $1", &s, err);
	if (rc != 0)
		return rc;
	db_bind_text(s, 1, job);
	if ((rc = db_step(s, err)) < 0)
		return rc;
	if (rc == 0)
		return sk_error_set(err, SK_ENOTFOUND, "job %s has never run", job);
	if (store_copy_text(l.holder, sizeof(l.holder), db_col_text(s, 0)) != 0)
		l.holder[0] = '\0';
	if (store_copy_text(l.until, sizeof(l.until), db_col_text(s, 1)) != 0)
		l.until[0] = '\0';
	l.runs = db_col_int(s, 2);
	db_reset(s);
	*out = l;
	return 0;
}
