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
#include "lib/xalloc.h"
#include "model/org.h"
#include "route/optout.h"
#include "route/retention.h"
#include "store/store.h"
#include "testdb.h"

struct fixture {
	char dir[64];
	char url[256];
	struct store *st;
	int64_t a, b;
	struct user admin, analyst, pa;
};

static int64_t add_org(struct store *st, const char *name)
{
	struct sk_error err = {0};
	struct org o;
	int64_t id;

	org_init(&o);
	o.name = xstrdup(name);
	o.kind = ORG_KIND_CONSTITUENT;
	o.class = ORG_CLASS_PRIVATE;
	if (store_org_add(st, &o, &err) != 0)
		fail_msg("org add %s: %s", name, err.msg);
	id = o.id;
	org_clear(&o);
	return id;
}

static struct user user_of(const char *name, enum user_role role, int64_t org)
{
	struct user u;

	memset(&u, 0, sizeof(u));
	snprintf(u.name, sizeof(u.name), "%s", name);
	u.role = role;
	u.org_id = org;
	return u;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct sk_error err = {0};

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/schakel-test-optout-XXXXXX");
	if (mkdtemp(f->dir) == NULL ||
	    testdb_new_url(f->dir, "optout", f->url, sizeof(f->url)) != 0 ||
	    (f->st = store_open(f->url, &err)) == NULL)
		return -1;
	f->a = add_org(f->st, "Example A");
	f->b = add_org(f->st, "Example B");
	f->admin = user_of("alice", USER_ROLE_ADMIN, 0);
	f->analyst = user_of("ann", USER_ROLE_ANALYST, 0);
	f->pa = user_of("eve", USER_ROLE_PARTNER, f->a);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	store_close(f->st);
	testdb_drop_url(f->url);
	testdb_remove_dir(f->dir);
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
