/* tests/fuzz/fuzz_import.c: libFuzzer target for exchange_import, the
 * parser of constituency documents. A document either imports, or fails
 * with a code and a message and leaves the store exactly as it was (all
 * or nothing). Input is cut at 64 KiB; the store is one SQLite file in a
 * scratch directory, kept across inputs. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/error.h"
#include "registry/exchange.h"
#include "store/store.h"

#define FUZZ_INPUT_MAX (64 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct store *st;
static char dir[64];

static void remove_scratch(void)
{
	char path[128];

	store_close(st);
	st = NULL;
	snprintf(path, sizeof(path), "%s/fuzz.db", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/fuzz.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/fuzz.db-shm", dir);
	unlink(path);
	rmdir(dir);
}

static void open_store(void)
{
	struct sk_error err = {0};
	char url[128];

	snprintf(dir, sizeof(dir), "%s/fuzz_import.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(url, sizeof(url), "sqlite:%s/fuzz.db", dir);
	st = store_open(url, &err);
	if (st == NULL) {
		fprintf(stderr, "fuzz_import: %s\n", err.msg);
		abort();
	}
	store_set_actor(st, "fuzz");
	atexit(remove_scratch);
}

/* A cheap fingerprint of the store: organizations and resources. */
struct tally {
	long orgs, resources;
	uint64_t sum;
};

static int tally_org(const struct org *org, void *ctx)
{
	struct tally *t = ctx;

	t->orgs++;
	t->sum = t->sum * 31 + (uint64_t)org->id + org->class + org->status;
	return 0;
}

static int tally_resource(const struct resource *r, void *ctx)
{
	struct tally *t = ctx;

	t->resources++;
	t->sum = t->sum * 31 + (uint64_t)r->id;
	return 0;
}

static struct tally store_tally(void)
{
	struct sk_error err = {0};
	struct tally t = {0};

	if (store_org_each(st, tally_org, &t, &err) != 0 ||
	    store_resource_each(st, 0, tally_resource, &t, &err) != 0)
		abort();
	return t;
}

/* data is borrowed from libFuzzer. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct exchange_stats stats = {-1, -1, -1, -1};
	struct sk_error err = {0};
	struct tally before, after;
	FILE *f;
	int rc;

	if (st == NULL)
		open_store();
	if (size > FUZZ_INPUT_MAX)
		size = FUZZ_INPUT_MAX;
	if (size == 0)
		return 0;
	f = fmemopen((void *)data, size, "r");
	if (f == NULL)
		abort();
	before = store_tally();
	rc = exchange_import(st, f, "fuzz.json", &stats, &err);
	fclose(f);
	after = store_tally();
	if (rc == 0) {
		if (stats.orgs < 0 || stats.resources < 0 || stats.contacts < 0 ||
		    stats.memberships < 0 ||
		    after.resources != before.resources + stats.resources)
			abort();
	} else {
		/* A failure says why, reports no counts and changes nothing. */
		if (err.code != rc || err.msg[0] == '\0' || stats.orgs != -1)
			abort();
		if (before.orgs != after.orgs || before.resources != after.resources ||
		    before.sum != after.sum)
			abort();
	}
	if (store_in_transaction(st))
		abort();
	return 0;
}
