/* http/signin.c: sign-in limits: a count of password verifications in
 * progress, and an open-addressing table of failure counters keyed by
 * user name or client address.
 * SECURITY: user names come from the client; they are cut to
 * SIGNIN_KEY_MAX bytes for counting and the table never holds more than
 * SIGNIN_TABLE_MAX entries, so a flood of made-up names costs no memory;
 * it can only push out counters of names seen longer ago (locked ones
 * last). */
#include "http/signin.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

#define SIGNIN_PROBE 16 /* slots looked at for one key */

struct signin_entry {
	char key[SIGNIN_KEY_MAX + 3]; /* "u:" or "a:", the name, NUL */
	int failures;		      /* within the window that began at since */
	int64_t since;
	int64_t locked_until; /* 0: not locked */
	int64_t seen;
};

struct signin {
	struct signin_config cfg;
	atomic_int busy; /* verifications in progress */
	pthread_mutex_t lock;
	struct signin_entry table[SIGNIN_TABLE_MAX];
};

struct signin *signin_new(const struct signin_config *cfg)
{
	struct signin *si = xcalloc(1, sizeof(*si));

	si->cfg = *cfg;
	atomic_init(&si->busy, 0);
	pthread_mutex_init(&si->lock, NULL);
	return si;
}

void signin_free(struct signin *si)
{
	if (si == NULL)
		return;
	pthread_mutex_destroy(&si->lock);
	free(si);
}

/* FNV-1a. */
static uint32_t key_hash(const char *key)
{
	uint32_t h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h;
}

/* Does e count for nothing any more at now? */
static bool entry_stale(const struct signin *si, const struct signin_entry *e, int64_t now)
{
	return e->key[0] == '\0' ||
	       (e->locked_until <= now && now - e->since >= si->cfg.window);
}

/* How dear an entry is: 0 stale, 1 counting, 2 locked. */
static int entry_rank(const struct signin *si, const struct signin_entry *e, int64_t now)
{
	if (entry_stale(si, e, now))
		return 0;
	return e->locked_until > now ? 2 : 1;
}

/* The entry of key; with create, a new or reused one (never NULL), else
 * NULL when there is none. Called with the lock held. */
static struct signin_entry *entry_find(struct signin *si, const char *key, bool create,
				       int64_t now)
{
	uint32_t h = key_hash(key);
	struct signin_entry *spare = NULL;

	for (int i = 0; i < SIGNIN_PROBE; i++) {
		struct signin_entry *e = &si->table[(h + (uint32_t)i) % SIGNIN_TABLE_MAX];

		if (strcmp(e->key, key) == 0)
			return e;
		if (!create)
			continue;
		/* Reuse a stale slot first, else the unlocked one seen
		 * longest ago, else the locked one seen longest ago. */
		if (spare == NULL || entry_rank(si, e, now) < entry_rank(si, spare, now) ||
		    (entry_rank(si, e, now) == entry_rank(si, spare, now) &&
		     e->seen < spare->seen))
			spare = e;
	}
	if (!create)
		return NULL;
	memset(spare, 0, sizeof(*spare));
	snprintf(spare->key, sizeof(spare->key), "%s", key);
	spare->since = now;
	return spare;
}

/* "u:name" or "a:address", cut to fit. */
static void make_key(char out[SIGNIN_KEY_MAX + 3], char kind, const char *name)
{
	out[0] = kind;
	out[1] = ':';
	snprintf(out + 2, SIGNIN_KEY_MAX + 1, "%s", name);
}

/* Seconds until key is unlocked, or 0. Lock held. */
static int64_t entry_wait(struct signin *si, char kind, const char *name, int64_t now)
{
	char key[SIGNIN_KEY_MAX + 3];
	const struct signin_entry *e;

	if (name == NULL)
		return 0;
	make_key(key, kind, name);
	e = entry_find(si, key, false, now);
	return e != NULL && e->locked_until > now ? e->locked_until - now : 0;
}

int64_t signin_check(struct signin *si, const char *user, const char *addr, int64_t now)
{
	int64_t a, u;

	pthread_mutex_lock(&si->lock);
	u = entry_wait(si, 'u', user, now);
	a = entry_wait(si, 'a', addr, now);
	pthread_mutex_unlock(&si->lock);
	return u > a ? u : a;
}

/* Count one failure of key; the lockout it began, or 0. Lock held. */
static int64_t entry_fail(struct signin *si, char kind, const char *name, int limit,
			  int64_t now)
{
	char key[SIGNIN_KEY_MAX + 3];
	struct signin_entry *e;

	if (name == NULL)
		return 0;
	make_key(key, kind, name);
	e = entry_find(si, key, true, now);
	e->seen = now;
	if (e->locked_until > now)
		return 0;
	if (now - e->since >= si->cfg.window) {
		e->failures = 0;
		e->since = now;
	}
	if (++e->failures < limit)
		return 0;
	e->failures = 0;
	e->since = now;
	e->locked_until = now + si->cfg.lockout;
	return si->cfg.lockout;
}

int64_t signin_failed(struct signin *si, const char *user, const char *addr, int64_t now,
		      int *which)
{
	int64_t a, u;

	pthread_mutex_lock(&si->lock);
	u = entry_fail(si, 'u', user, si->cfg.user_failures, now);
	a = entry_fail(si, 'a', addr, si->cfg.address_failures, now);
	pthread_mutex_unlock(&si->lock);
	*which = (u > 0 ? SIGNIN_LOCKED_USER : 0) | (a > 0 ? SIGNIN_LOCKED_ADDRESS : 0);
	return u > a ? u : a;
}

void signin_succeeded(struct signin *si, const char *user, int64_t now)
{
	char key[SIGNIN_KEY_MAX + 3];
	struct signin_entry *e;

	make_key(key, 'u', user);
	pthread_mutex_lock(&si->lock);
	e = entry_find(si, key, false, now);
	if (e != NULL && e->locked_until <= now)
		memset(e, 0, sizeof(*e));
	pthread_mutex_unlock(&si->lock);
}

bool signin_slot_take(struct signin *si)
{
	int n = atomic_load(&si->busy);

	do {
		if (n >= si->cfg.concurrency)
			return false;
	} while (!atomic_compare_exchange_weak(&si->busy, &n, n + 1));
	return true;
}

void signin_slot_give(struct signin *si)
{
	atomic_fetch_sub(&si->busy, 1);
}
