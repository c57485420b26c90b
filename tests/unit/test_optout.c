/* tests/unit/test_optout.c: route/optout.c and route/retention.c ask
 * access/access.h themselves, whichever door calls them: only staff
 * change opt-outs, several types change together or not at all, a
 * partner reads its own organization's opt-outs and no other's, and only
 * an admin purges. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/error.h"
#include "model/org.h"
#include "route/optout.h"
#include "route/retention.h"
#include "store/store.h"
#include "testdb.h"

struct fixture {
	struct testdb db;
	struct store *st;
	int64_t a, b;
	struct user admin, analyst, pa;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL || testdb_open(&f->db, "optout") != 0)
		return -1;
	f->st = f->db.st;
	f->a = testdb_org_add(f->st, "Example A", ORG_KIND_CONSTITUENT);
	f->b = testdb_org_add(f->st, "Example B", ORG_KIND_CONSTITUENT);
	if (f->a == 0 || f->b == 0)
		return -1;
	f->admin = testdb_user("alice", USER_ROLE_ADMIN, 0);
	f->analyst = testdb_user("ann", USER_ROLE_ANALYST, 0);
	f->pa = testdb_user("eve", USER_ROLE_PARTNER, f->a);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	testdb_close(&f->db);
	free(f);
	return 0;
}

static int count(int64_t org_id, const char *type, void *ctx)
{
	(void)org_id;
	(void)type;
	(*(int *)ctx)++;
	return 0;
}

static void test_optout_access(void **state)
{
	struct fixture *f = *state;
	static const char *const two[] = {"scanner", "vulnerable-system"};
	static const char *const bad[] = {"spam", "no-such-type"};
	struct sk_error err = {0};
	int n = 0;

	assert_int_equal(optout_change(f->st, &f->pa, f->a, two, 2, true, &err), SK_EPERM);
	assert_int_equal(optout_change(f->st, NULL, f->a, two, 2, true, &err), SK_EPERM);
	assert_int_equal(optout_change(f->st, &f->analyst, f->a, two, 2, true, &err), 0);
	/* All or none: the unknown type undoes the known one. */
	assert_int_equal(optout_change(f->st, &f->analyst, f->b, bad, 2, true, &err),
			 SK_EINVAL);
	assert_int_equal(optout_each(f->st, &f->admin, 0, count, &n, &err), 0);
	assert_int_equal(n, 2);

	n = 0;
	assert_int_equal(optout_each(f->st, &f->pa, f->a, count, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(optout_each(f->st, &f->pa, f->b, count, &n, &err), SK_EPERM);
	assert_int_equal(optout_each(f->st, &f->pa, 0, count, &n, &err), SK_EPERM);
	assert_int_equal(optout_each(f->st, NULL, f->a, count, &n, &err), SK_EPERM);
	assert_int_equal(n, 2);

	assert_int_equal(optout_change(f->st, &f->pa, f->a, two, 1, false, &err), SK_EPERM);
	assert_int_equal(optout_change(f->st, &f->admin, f->a, two, 1, false, &err), 0);
	n = 0;
	assert_int_equal(optout_each(f->st, &f->analyst, f->a, count, &n, &err), 0);
	assert_int_equal(n, 1);
}

static void test_purge_admin_only(void **state)
{
	struct fixture *f = *state;
	struct retention_result r = {-1, -1};
	struct sk_error err = {0};

	assert_int_equal(retention_purge(f->st, &f->analyst, 1700000000, true, &r, &err),
			 SK_EPERM);
	assert_int_equal(retention_purge(f->st, &f->pa, 1700000000, false, &r, &err), SK_EPERM);
	assert_int_equal(retention_purge(f->st, NULL, 1700000000, false, &r, &err), SK_EPERM);
	assert_int_equal(r.events, -1);
	assert_int_equal(retention_purge(f->st, &f->admin, 1700000000, false, &r, &err), 0);
	assert_int_equal(r.events, 0);
	assert_int_equal(r.mails, 0);
}

#define TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    TEST(test_optout_access),
	    TEST(test_purge_admin_only),
	};

	testdb_skip_if_unavailable();
	return cmocka_run_group_tests_name("optout", tests, NULL, NULL);
}
