/* tests/unit/test_account.c: users and API tokens (src/access/account.c)
 * on the store testdb.h names: only an admin adds users and creates or
 * lists tokens; names, labels, lifetimes and partners' organizations are
 * checked; a token created is found by its hash and carries its expiry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "access/account.h"
#include "lib/error.h"
#include "lib/secret.h"
#include "store/store.h"
#include "testdb.h"

struct fixture {
	struct testdb db;
	int64_t org;
	struct user admin, analyst, partner;
};

static int setup(void **state)
{
	static struct fixture f;

	memset(&f, 0, sizeof(f));
	if (secret_init() != 0 || testdb_open(&f.db, "account") != 0)
		return -1;
	f.org = testdb_org_add(f.db.st, "Example Water", ORG_KIND_CONSTITUENT);
	f.admin = testdb_user("root", USER_ROLE_ADMIN, 0);
	f.analyst = testdb_user("ann", USER_ROLE_ANALYST, 0);
	f.partner = testdb_user("soc", USER_ROLE_PARTNER, f.org);
	*state = &f;
	return f.org > 0 ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	testdb_close(&f->db);
	return 0;
}

static int count(const struct token_info *t, void *ctx)
{
	(void)t;
	(*(int *)ctx)++;
	return 0;
}

static void test_only_admins(void **state)
{
	struct fixture *f = *state;
	const struct user *others[] = {&f->analyst, &f->partner, NULL};
	struct sk_error err = {0};
	struct account_token t;
	struct user u;
	int n = 0;

	for (int i = 0; i < 3; i++) {
		u = testdb_user("bob", USER_ROLE_ANALYST, 0);
		assert_int_equal(account_user_add(f->db.st, others[i], &u, "long enough", &err),
				 SK_EPERM);
	}
	u = testdb_user("bob", USER_ROLE_ANALYST, 0);
	assert_int_equal(account_user_add(f->db.st, &f->admin, &u, "long enough", &err), 0);
	assert_true(u.id > 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(
		    account_token_create(f->db.st, others[i], "bob", "", 0, &t, &err),
		    SK_EPERM);
		assert_int_equal(account_token_each(f->db.st, others[i], NULL, count, &n, &err),
				 SK_EPERM);
	}
	assert_int_equal(account_token_each(f->db.st, &f->admin, NULL, count, &n, &err), 0);
	assert_int_equal(n, 0);
}

static void test_checks(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct account_token t;
	struct user u;

	u = testdb_user("bad name!", USER_ROLE_ANALYST, 0);
	assert_int_equal(account_user_add(f->db.st, &f->admin, &u, "long enough", &err),
			 SK_EINVAL);
	assert_non_null(strstr(err.msg, "may hold only"));
	u = testdb_user("lost", USER_ROLE_PARTNER, 0);
	assert_int_equal(account_user_add(f->db.st, &f->admin, &u, "long enough", &err),
			 SK_EINVAL);
	u = testdb_user("stray", USER_ROLE_ANALYST, f->org);
	assert_int_equal(account_user_add(f->db.st, &f->admin, &u, "long enough", &err),
			 SK_EINVAL);
	assert_int_equal(account_password_check("short", &err), SK_EINVAL);
	u = testdb_user("soc", USER_ROLE_PARTNER, f->org);
	assert_int_equal(account_user_add(f->db.st, &f->admin, &u, "long enough", &err), 0);
	assert_int_equal(
	    account_token_create(f->db.st, &f->admin, "soc", "tab\there", 0, &t, &err),
	    SK_EINVAL);
	assert_int_equal(account_token_create(f->db.st, &f->admin, "soc", "", -1, &t, &err),
			 SK_EINVAL);
	assert_int_equal(account_token_create(f->db.st, &f->admin, "soc", "",
					      (int64_t)ACCOUNT_LIFETIME_MAX + 1, &t, &err),
			 SK_EINVAL);
	assert_int_equal(account_token_create(f->db.st, &f->admin, "nobody", "", 0, &t, &err),
			 SK_ENOTFOUND);
}

static void test_token_works(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	char hash[SECRET_HASH_HEX + 1], pw[ACCOUNT_PASSWORD_GENERATED + 1];
	struct account_token t, never;
	struct user u, found;
	int n = 0;

	account_password_new(pw);
	assert_int_equal(strlen(pw), ACCOUNT_PASSWORD_GENERATED);
	assert_int_equal(account_password_check(pw, &err), 0);
	u = testdb_user("soc", USER_ROLE_PARTNER, f->org);
	assert_int_equal(account_user_add(f->db.st, &f->admin, &u, pw, &err), 0);
	assert_int_equal(
	    account_token_create(f->db.st, &f->admin, "soc", "SOC", 90 * 86400, &t, &err), 0);
	assert_int_equal(t.user.id, u.id);
	assert_int_equal(strlen(t.expires), 20);
	secret_token_hash(t.token, hash);
	assert_int_equal(store_token_lookup(f->db.st, hash, &found, &err), 0);
	assert_string_equal(found.name, "soc");
	assert_int_equal(found.org_id, f->org);
	assert_int_equal(account_token_create(f->db.st, &f->admin, "soc", "", 0, &never, &err),
			 0);
	assert_string_equal(never.expires, "");
	assert_string_not_equal(never.token, t.token);
	assert_int_equal(account_token_each(f->db.st, &f->admin, "soc", count, &n, &err), 0);
	assert_int_equal(n, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_only_admins, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_checks, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_token_works, setup, teardown),
	};

	testdb_skip_if_unavailable();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
