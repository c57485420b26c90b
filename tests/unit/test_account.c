/* tests/unit/test_account.c: users and API tokens (src/access/account.c)
 * on the store testdb.h names: only an admin adds users and creates or
 * lists tokens; names, labels, lifetimes and partners' organizations are
 * checked; a token created is found by its hash and carries its expiry;
 * a password set anew ends the user's sessions (but the one kept), and
 * only the user itself or an admin may set it. */
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
		    account_token_create(f->db.st, others[i], "bob", "", 0, 0, &t, &err),
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
	    account_token_create(f->db.st, &f->admin, "soc", "tab\there", 0, 0, &t, &err),
	    SK_EINVAL);
	assert_int_equal(account_token_create(f->db.st, &f->admin, "soc", "", -1, 0, &t, &err),
			 SK_EINVAL);
	assert_int_equal(account_token_create(f->db.st, &f->admin, "soc", "",
					      (int64_t)ACCOUNT_LIFETIME_MAX + 1, 0, &t, &err),
			 SK_EINVAL);
	assert_int_equal(
	    account_token_create(f->db.st, &f->admin, "nobody", "", 0, 0, &t, &err),
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
	    account_token_create(f->db.st, &f->admin, "soc", "SOC", 90 * 86400, 0, &t, &err),
	    0);
	assert_int_equal(t.user.id, u.id);
	assert_int_equal(strlen(t.expires), 20);
	secret_token_hash(t.token, hash);
	assert_int_equal(store_token_lookup(f->db.st, hash, &found, &err), 0);
	assert_string_equal(found.name, "soc");
	assert_int_equal(found.org_id, f->org);
	assert_int_equal(
	    account_token_create(f->db.st, &f->admin, "soc", "", 0, 0, &never, &err), 0);
	assert_string_equal(never.expires, "");
	assert_string_not_equal(never.token, t.token);
	assert_int_equal(found.scopes, 0);
	assert_int_equal(account_token_each(f->db.st, &f->admin, "soc", count, &n, &err), 0);
	assert_int_equal(n, 2);

	/* A scoped token: its user carries the scope; others do not. */
	assert_int_equal(account_token_create(f->db.st, &f->admin, "soc", "feed", 0,
					      USER_SCOPE_EVENTS_WRITE, &t, &err),
			 0);
	assert_string_equal(t.scopes, "events:write");
	secret_token_hash(t.token, hash);
	assert_int_equal(store_token_lookup(f->db.st, hash, &found, &err), 0);
	assert_int_equal(found.scopes, USER_SCOPE_EVENTS_WRITE);
	secret_token_hash(never.token, hash);
	assert_int_equal(store_token_lookup(f->db.st, hash, &found, &err), 0);
	assert_int_equal(found.scopes, 0);
	assert_int_equal(
	    account_token_create(f->db.st, &f->admin, "soc", "", 0, 0x80, &t, &err), SK_EINVAL);
}

static void test_scopes_text(void **state)
{
	struct sk_error err = {0};
	char text[USER_SCOPES_TEXT];
	unsigned scopes = 0;

	(void)state;
	assert_int_equal(user_scopes_parse("", &scopes, &err), 0);
	assert_int_equal(scopes, 0);
	assert_int_equal(user_scopes_parse("events:write", &scopes, &err), 0);
	assert_int_equal(scopes, USER_SCOPE_EVENTS_WRITE);
	assert_int_equal(user_scopes_parse("events:read", &scopes, &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "'events:read' is not a scope"));
	assert_non_null(strstr(err.msg, "events:write"));
	assert_int_equal(scopes, USER_SCOPE_EVENTS_WRITE);
	user_scopes_format(scopes, text);
	assert_string_equal(text, "events:write");
	user_scopes_format(0, text);
	assert_string_equal(text, "");
}

/* A session of user_id under hash (64 of c), ending at expires. */
static int64_t session_add(struct store *st, int64_t user_id, char c, const char *expires)
{
	struct session_info si;
	struct sk_error err = {0};
	char hash[SECRET_HASH_HEX + 1];

	memset(&si, 0, sizeof(si));
	memset(hash, c, SECRET_HASH_HEX);
	hash[SECRET_HASH_HEX] = '\0';
	si.user_id = user_id;
	memcpy(si.csrf, "csrf", 5);
	memcpy(si.expires, expires, 21);
	if (store_session_add(st, &si, hash, 3600, "192.0.2.7", &err) != 0)
		fail_msg("%s", err.msg);
	return si.id;
}

static int session_find(struct store *st, char c, int64_t idle)
{
	struct session_info si;
	struct sk_error err = {0};
	char hash[SECRET_HASH_HEX + 1];
	struct user u;

	memset(hash, c, SECRET_HASH_HEX);
	hash[SECRET_HASH_HEX] = '\0';
	return store_session_lookup(st, hash, idle, &u, &si, &err);
}

static void test_password_sessions(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct user ann = testdb_user("ann", USER_ROLE_ANALYST, 0);
	struct user bob = testdb_user("bob", USER_ROLE_ANALYST, 0);
	char pwhash[SECRET_PWHASH_MAX];
	struct user u;

	assert_int_equal(account_user_add(f->db.st, &f->admin, &ann, "first password", &err),
			 0);
	assert_int_equal(account_user_add(f->db.st, &f->admin, &bob, "other password", &err),
			 0);
	assert_true(session_add(f->db.st, ann.id, 'a', "2999-01-01T00:00:00Z") > 0);
	session_add(f->db.st, ann.id, 'b', "2999-01-01T00:00:00Z");
	session_add(f->db.st, bob.id, 'c', "2999-01-01T00:00:00Z");
	assert_int_equal(session_find(f->db.st, 'a', 3600), 0);
	/* Idle for longer than the timeout, or past its end: ended. */
	assert_int_equal(session_find(f->db.st, 'a', 0), SK_EPERM);
	session_add(f->db.st, ann.id, 'd', "2000-01-01T00:00:00Z");
	assert_int_equal(session_find(f->db.st, 'd', 3600), SK_EPERM);

	/* Another analyst may not; a password under 12 characters is refused. */
	assert_int_equal(
	    account_password_set(f->db.st, &bob, "ann", "new password!", NULL, &err), SK_EPERM);
	assert_int_equal(account_password_set(f->db.st, &ann, "ann", "too short", NULL, &err),
			 SK_EINVAL);
	assert_int_equal(session_find(f->db.st, 'b', 3600), 0);
	/* The user itself: its other sessions end, the one it keeps goes on. */
	memset(pwhash, 'a', SECRET_HASH_HEX);
	pwhash[SECRET_HASH_HEX] = '\0';
	assert_int_equal(
	    account_password_set(f->db.st, &ann, "ann", "second password", pwhash, &err), 0);
	assert_int_equal(session_find(f->db.st, 'a', 3600), 0);
	assert_int_equal(session_find(f->db.st, 'b', 3600), SK_ENOTFOUND);
	assert_int_equal(session_find(f->db.st, 'c', 3600), 0);
	assert_int_equal(store_user_get_by_name(f->db.st, "ann", &u, pwhash, &err), 0);
	assert_true(secret_password_verify(pwhash, "second password"));
	/* An admin: every session ends. */
	assert_int_equal(
	    account_password_set(f->db.st, &f->admin, "ann", "third password", NULL, &err), 0);
	assert_int_equal(session_find(f->db.st, 'a', 3600), SK_ENOTFOUND);
	assert_int_equal(
	    account_password_set(f->db.st, &f->admin, "nobody", "third password", NULL, &err),
	    SK_ENOTFOUND);
	/* Signing out ends one session, once. */
	memset(pwhash, 'c', SECRET_HASH_HEX);
	pwhash[SECRET_HASH_HEX] = '\0';
	assert_int_equal(store_session_end(f->db.st, pwhash, &err), 0);
	assert_int_equal(store_session_end(f->db.st, pwhash, &err), SK_ENOTFOUND);
	assert_int_equal(session_find(f->db.st, 'c', 3600), SK_ENOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_only_admins, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_checks, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_token_works, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_password_sessions, setup, teardown),
	    cmocka_unit_test(test_scopes_text),
	};

	testdb_skip_if_unavailable();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
