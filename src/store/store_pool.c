/* store/store_pool.c: a fixed set of stores opened up front for a
 * multi-threaded server; a thread takes one, uses it alone and gives it
 * back. Getting waits while all are taken. */
#include "store/store.h"

#include <pthread.h>
#include <stdlib.h>

#include "lib/error.h"
#include "lib/xalloc.h"

#define STORE_POOL_MAX 256

struct store_pool {
	pthread_mutex_t lock;
	pthread_cond_t freed;
	int size;
	int nfree;
	struct store **all;  /* size stores, for freeing */
	struct store **free; /* a stack of nfree stores */
};

/* Open size stores at url (the first one applies migrations). Caller
 * frees with store_pool_free() once every store is back. */
struct store_pool *store_pool_new(const char *url, int size, struct sk_error *err)
{
	struct store_pool *pool;

	if (size < 1 || size > STORE_POOL_MAX) {
		sk_error_set(err, SK_ECONFIG, "store pool size %d is not between 1 and %d",
			     size, STORE_POOL_MAX);
		return NULL;
	}
	pool = xcalloc(1, sizeof(*pool));
	pool->all = xcalloc((size_t)size, sizeof(*pool->all));
	pool->free = xcalloc((size_t)size, sizeof(*pool->free));
	pthread_mutex_init(&pool->lock, NULL);
	pthread_cond_init(&pool->freed, NULL);
	for (; pool->size < size; pool->size++) {
		struct store *st = store_open(url, err);

		if (st == NULL) {
			store_pool_free(pool);
			return NULL;
		}
		pool->all[pool->size] = st;
		pool->free[pool->nfree++] = st;
	}
	return pool;
}

/* A store for the calling thread alone, until store_pool_put(); waits
 * while all are in use. Borrowed from the pool. */
struct store *store_pool_get(struct store_pool *pool)
{
	struct store *st;

	pthread_mutex_lock(&pool->lock);
	while (pool->nfree == 0)
		pthread_cond_wait(&pool->freed, &pool->lock);
	st = pool->free[--pool->nfree];
	pthread_mutex_unlock(&pool->lock);
	return st;
}

/* Give st back. A transaction left open is rolled back and the actor is
 * reset, so the next user starts clean. */
void store_pool_put(struct store_pool *pool, struct store *st)
{
	if (st == NULL)
		return;
	while (store_in_transaction(st))
		store_rollback(st);
	store_set_actor(st, NULL);
	pthread_mutex_lock(&pool->lock);
	pool->free[pool->nfree++] = st;
	pthread_cond_signal(&pool->freed);
	pthread_mutex_unlock(&pool->lock);
}

/* Close every store; all must have been put back. NULL is fine. */
void store_pool_free(struct store_pool *pool)
{
	if (pool == NULL)
		return;
	for (int i = 0; i < pool->size; i++)
		store_close(pool->all[i]);
	pthread_cond_destroy(&pool->freed);
	pthread_mutex_destroy(&pool->lock);
	free(pool->all);
	free(pool->free);
	free(pool);
}
