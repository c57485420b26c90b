/* http/deadline.c: the request deadline's watch thread and its list of
 * connections. The list and every socket in it are touched only with the
 * lock held, and a connection leaves the list before its socket is
 * closed, so shutdown() never reaches a socket that was reused. */
#include "http/deadline.h"

#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "lib/log.h"
#include "lib/xalloc.h"

#define DEADLINE_TICK_MS 250 /* how often the watch looks */

struct deadline_conn {
	struct deadline_conn *prev, *next;
	int fd;
	bool armed;
	struct timespec since;
	char addr[INET6_ADDRSTRLEN];
};

struct deadline {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t thread;
	bool stopping;
	int64_t seconds;
	struct deadline_conn *head;
};

/* Seconds from a to b. */
static double elapsed(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* Shut down every armed connection past its time. Lock held. */
static void deadline_sweep(struct deadline *d)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	for (struct deadline_conn *c = d->head; c != NULL; c = c->next) {
		if (!c->armed || elapsed(&c->since, &now) < (double)d->seconds)
			continue;
		c->armed = false;
		log_info("client %s did not send a whole request within %lld seconds; "
			 "connection closed",
			 c->addr, (long long)d->seconds);
		if (shutdown(c->fd, SHUT_RDWR) != 0 && errno != ENOTCONN)
			log_warn("client %s: cannot close the connection: %s", c->addr,
				 strerror(errno));
	}
}

static void *deadline_watch(void *arg)
{
	struct deadline *d = arg;

	pthread_mutex_lock(&d->lock);
	while (!d->stopping) {
		struct timespec until;

		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += DEADLINE_TICK_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&d->wake, &d->lock, &until);
		if (!d->stopping)
			deadline_sweep(d);
	}
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

struct deadline *deadline_start(int64_t seconds)
{
	struct deadline *d = xcalloc(1, sizeof(*d));

	d->seconds = seconds;
	pthread_mutex_init(&d->lock, NULL);
	pthread_cond_init(&d->wake, NULL);
	if (pthread_create(&d->thread, NULL, deadline_watch, d) != 0) {
		pthread_cond_destroy(&d->wake);
		pthread_mutex_destroy(&d->lock);
		free(d);
		return NULL;
	}
	return d;
}

void deadline_stop(struct deadline *d)
{
	if (d == NULL)
		return;
	pthread_mutex_lock(&d->lock);
	d->stopping = true;
	pthread_cond_signal(&d->wake);
	pthread_mutex_unlock(&d->lock);
	pthread_join(d->thread, NULL);
	while (d->head != NULL) {
		struct deadline_conn *c = d->head;

		d->head = c->next;
		free(c);
	}
	pthread_cond_destroy(&d->wake);
	pthread_mutex_destroy(&d->lock);
	free(d);
}

struct deadline_conn *deadline_add(struct deadline *d, int fd, const char *addr)
{
	struct deadline_conn *c = xcalloc(1, sizeof(*c));

	c->fd = fd;
	snprintf(c->addr, sizeof(c->addr), "%s", addr);
	c->armed = true;
	clock_gettime(CLOCK_MONOTONIC, &c->since);
	pthread_mutex_lock(&d->lock);
	c->next = d->head;
	if (d->head != NULL)
		d->head->prev = c;
	d->head = c;
	pthread_mutex_unlock(&d->lock);
	return c;
}

void deadline_arm(struct deadline *d, struct deadline_conn *c)
{
	pthread_mutex_lock(&d->lock);
	c->armed = true;
	clock_gettime(CLOCK_MONOTONIC, &c->since);
	pthread_mutex_unlock(&d->lock);
}

void deadline_disarm(struct deadline *d, struct deadline_conn *c)
{
	pthread_mutex_lock(&d->lock);
	c->armed = false;
	pthread_mutex_unlock(&d->lock);
}

void deadline_remove(struct deadline *d, struct deadline_conn *c)
{
	pthread_mutex_lock(&d->lock);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		d->head = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	pthread_mutex_unlock(&d->lock);
	free(c);
}
