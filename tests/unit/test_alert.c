/* tests/unit/test_alert.c: the alert state machine of src/store/store_alert.c
 * and src/advisory/alert.c: sent -> (escalated) -> calllist, acknowledged
 * once (a later acknowledgement keeps the first), the link's token found
 * by its hash only until it expires, the time to acknowledge, and who may
 * acknowledge. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisory/alert.h"
#include "lib/error.h"
#include "lib/secret.h"
#include "store/store.h"
#include "testdb.h"

struct fixture {
	struct testdb db;
	struct store *st;
	int64_t org, other, advisory;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct sk_error err = {0};
	struct store_advisory a = {.number = "CERT-2026-0001",
				   .status = "published",
				   .title = "T",
				   .tlp = "TLP:AMBER",
				   .urgent = 1,
				   .revision = 1,
				   .author = "ann",
				   .doc = "{}"};

	if (f == NULL || testdb_open(&f->db, "alert") != 0)
		return -1;
	f->st = f->db.st;
	f->org = testdb_org_add(f->st, "Power Co", ORG_KIND_CONSTITUENT);
	f->other = testdb_org_add(f->st, "Gas Co", ORG_KIND_CONSTITUENT);
	if (f->org == 0 || f->other == 0 || store_advisory_add(f->st, &a, &err) != 0)
		return -1;
	f->advisory = a.id;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	unsetenv("SCHAKEL_NOW");
	testdb_close(&f->db);
	free(f);
	return 0;
}

static int64_t add(struct fixture *f, int64_t org, const char *hash)
{
	struct store_alert a = {.advisory_id = f->advisory, .org_id = org, .contact_id = 7};
	struct sk_error err = {0};

	assert_int_equal(store_alert_add(f->st, &a, hash, "2026-12-12T02:30:00Z", &err), 0);
	assert_string_equal(a.state, "sent");
	return a.id;
}

static void test_escalate_then_calllist(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct store_alert a;
	int64_t id;

	setenv("SCHAKEL_NOW", "1796437800", 1); /* 2026-12-05T02:30:00Z */
	id = add(f, f->org, "h1");
	setenv("SCHAKEL_NOW", "1796439601", 1);
	assert_int_equal(
	    store_alert_escalate(f->st, id, 1, 8, "h2", "2026-12-12T03:00:01Z", &err), 0);
	assert_int_equal(store_alert_get(f->st, id, &a, &err), 0);
	assert_string_equal(a.state, "sent");
	assert_int_equal(a.step, 1);
	assert_int_equal(a.contact_id, 8);
	assert_string_equal(a.sent_at, "2026-12-05T02:30:00Z");
	assert_string_equal(a.notified_at, "2026-12-05T03:00:01Z");
	assert_int_equal(store_alert_calllist(f->st, id, &err), 0);
	assert_int_equal(store_alert_get(f->st, id, &a, &err), 0);
	assert_string_equal(a.state, "calllist");
	assert_int_equal(alert_ack_seconds(&a), -1);
	/* The calling list is no end: the duty officer's call acknowledges. */
	setenv("SCHAKEL_NOW", "1796441400", 1);
	assert_int_equal(store_alert_ack(f->st, id, "ann", "phone", &err), 0);
	assert_int_equal(store_alert_get(f->st, id, &a, &err), 0);
	assert_string_equal(a.state, "acknowledged");
	assert_string_equal(a.ack_how, "phone");
	assert_int_equal(alert_ack_seconds(&a), 3600);
}

static void test_ack_once(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct store_alert a;
	int64_t id = add(f, f->org, "h3");

	assert_int_equal(store_alert_ack(f->st, id, "soc@power.test", "mail", &err), 0);
	assert_int_equal(store_alert_ack(f->st, id, "link", "link", &err), 0);
	assert_int_equal(store_alert_get(f->st, id, &a, &err), 0);
	assert_string_equal(a.ack_how, "mail");
	assert_string_equal(a.ack_by, "soc@power.test");
	/* An acknowledged alert is not escalated. */
	assert_int_equal(
	    store_alert_escalate(f->st, id, 1, 9, "h4", "2026-12-12T00:00:00Z", &err), 0);
	assert_int_equal(store_alert_get(f->st, id, &a, &err), 0);
	assert_int_equal(a.step, 0);
	assert_int_equal(store_alert_ack(f->st, 999999, "x", "phone", &err), SK_ENOTFOUND);
}

static void test_token(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	char token[SECRET_TOKEN_LEN + 1], hash[SECRET_HASH_HEX + 1];
	struct store_alert a;
	int64_t id;

	secret_token_new(token);
	secret_token_hash(token, hash);
	id = add(f, f->org, hash);
	setenv("SCHAKEL_NOW", "1796437800", 1);
	assert_int_equal(alert_by_token(f->st, token, &a, NULL, &err), 0);
	assert_int_equal(a.id, id);
	/* The token itself is no key: only its hash is. */
	assert_int_equal(store_alert_by_token(f->st, token, "2026-12-05T00:00:00Z", &a, &err),
			 SK_ENOTFOUND);
	assert_int_equal(alert_by_token(f->st, "sk_short", &a, NULL, &err), SK_ENOTFOUND);
	setenv("SCHAKEL_NOW", "1797042600", 1); /* 7 days later */
	assert_int_equal(alert_by_token(f->st, token, &a, NULL, &err), SK_ENOTFOUND);
	assert_int_equal(alert_ack_token(f->st, token, &err), SK_ENOTFOUND);
}

static void test_who_may_ack(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct user own = testdb_user("pp", USER_ROLE_PARTNER, f->org);
	struct user other = testdb_user("gp", USER_ROLE_PARTNER, f->other);
	struct user ann = testdb_user("ann", USER_ROLE_ANALYST, 0);
	int64_t id = add(f, f->org, "h5");

	assert_int_equal(alert_ack(f->st, &other, id, "portal", &err), SK_ENOTFOUND);
	assert_int_equal(alert_ack(f->st, &own, id, "phone", &err), SK_EINVAL);
	assert_int_equal(alert_call(f->st, &own, id, true, "", "", &err), SK_EPERM);
	assert_int_equal(alert_call(f->st, &ann, id, false, "nobody", "voicemail", &err), 0);
	assert_int_equal(alert_ack(f->st, &own, id, "portal", &err), 0);
	/* A reply from an address that is no contact of the organization
	 * acknowledges nothing. */
	assert_int_equal(alert_ack_mail(f->st, id, "someone@else.test", &err), SK_ENOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_escalate_then_calllist, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ack_once, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_token, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_who_may_ack, setup, teardown),
	};

	testdb_skip_if_unavailable();
	if (secret_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
