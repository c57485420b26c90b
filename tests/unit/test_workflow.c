/* tests/unit/test_workflow.c: ticket/workflow.c asks access/access.h
 * itself, whichever door calls it: a partner, or no user at all, may not
 * list, read, open, change, comment on, reply to, link or add parties to
 * tickets, and nothing is written or queued when refused; staff may. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "access/access.h"
#include "lib/buf.h"
#include "lib/error.h"
#include "store/store.h"
#include "ticket/intake.h"
#include "ticket/view.h"
#include "ticket/workflow.h"
#include "testdb.h"

struct fixture {
	struct testdb db;
	struct store *st;
	struct user analyst, partner;
	int64_t report, incident;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct sk_error err = {0};
	struct ticket t;

	if (f == NULL || testdb_open(&f->db, "workflow") != 0)
		return -1;
	f->st = f->db.st;
	f->analyst = testdb_user("ann", USER_ROLE_ANALYST, 0);
	f->partner = testdb_user("pat", USER_ROLE_PARTNER, 1);
	if (ticket_open(f->st, &f->analyst, TICKET_REPORT, "Phishing", "rep@example.net", &t,
			&err) != 0)
		return -1;
	f->report = t.id;
	if (ticket_open(f->st, &f->analyst, TICKET_INCIDENT, "Campaign", "", &t, &err) != 0)
		return -1;
	f->incident = t.id;
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

static int count_ticket(const struct ticket *t, void *ctx)
{
	(void)t;
	(*(int *)ctx)++;
	return 0;
}

static int count_mail(const struct store_mail *m, void *ctx)
{
	(void)m;
	(*(int *)ctx)++;
	return 0;
}

/* Every operation refused to u, with SK_EPERM, and nothing changed. */
static void refused_to(struct fixture *f, const struct user *u)
{
	struct store_ticket_filter all = {.type = -1};
	struct ticket_change ch = {.status = "open", .tlp = -1};
	struct intake_config ic;
	struct sk_error err = {0};
	struct ticket t, before, after;
	struct buf raw;
	int n = 0, mails = 0;

	memset(&ic, 0, sizeof(ic));
	snprintf(ic.tag, sizeof(ic.tag), "CERT");
	ic.from = "cert@example.be";
	buf_init(&raw, 1024);
	assert_int_equal(ticket_get(f->st, &f->analyst, f->report, &before, &err), 0);
	assert_int_equal(ticket_list(f->st, u, &all, count_ticket, &n, &err), SK_EPERM);
	assert_int_equal(n, 0);
	assert_int_equal(ticket_get(f->st, u, f->report, &t, &err), SK_EPERM);
	assert_null(ticket_view_full(f->st, u, f->report, &err));
	assert_int_equal(err.code, SK_EPERM);
	assert_int_equal(ticket_message_raw(f->st, u, 1, &raw, &err), SK_EPERM);
	assert_int_equal(ticket_open(f->st, u, TICKET_INCIDENT, "x", "", &t, &err), SK_EPERM);
	assert_int_equal(ticket_set(f->st, u, NULL, f->report, &ch, NULL, &err), SK_EPERM);
	assert_int_equal(ticket_comment(f->st, u, f->report, "hello", &err), SK_EPERM);
	assert_int_equal(ticket_reply(f->st, u, &ic, f->report, NULL, "hello", NULL, &err),
			 SK_EPERM);
	assert_int_equal(
	    ticket_party_add(f->st, u, f->incident, 0, "x@example.net", NULL, &err), SK_EPERM);
	assert_int_equal(ticket_link(f->st, u, f->report, f->incident, &err), SK_EPERM);
	buf_free(&raw);

	assert_int_equal(ticket_list(f->st, &f->analyst, &all, count_ticket, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ticket_get(f->st, &f->analyst, f->report, &after, &err), 0);
	assert_string_equal(after.status, before.status);
	assert_string_equal(after.updated, before.updated);
	assert_int_equal(store_mail_each(f->st, -1, 0, count_mail, &mails, &err), 0);
	assert_int_equal(mails, 0);
}

static void test_partner_refused(void **state)
{
	struct fixture *f = *state;

	refused_to(f, &f->partner);
}

static void test_nobody_refused(void **state)
{
	struct fixture *f = *state;

	refused_to(f, NULL);
}

/* Staff: each operation goes through, the comment and reply by the
 * user who wrote them. */
static void test_staff_allowed(void **state)
{
	struct fixture *f = *state;
	struct ticket_change ch = {.status = "open", .tlp = -1};
	struct intake_config ic;
	struct sk_error err = {0};
	json_t *j;
	int64_t mail_id = 0;

	memset(&ic, 0, sizeof(ic));
	snprintf(ic.tag, sizeof(ic.tag), "CERT");
	ic.from = "cert@example.be";
	assert_int_equal(ticket_set(f->st, &f->analyst, NULL, f->report, &ch, NULL, &err), 0);
	assert_int_equal(ticket_comment(f->st, &f->analyst, f->report, "seen", &err), 0);
	assert_int_equal(
	    ticket_reply(f->st, &f->analyst, &ic, f->report, NULL, "thanks", &mail_id, &err),
	    0);
	assert_true(mail_id > 0);
	assert_int_equal(ticket_link(f->st, &f->analyst, f->report, f->incident, &err), 0);
	j = ticket_view_full(f->st, &f->analyst, f->report, &err);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "open");
	assert_string_equal(json_string_value(json_object_get(
				json_array_get(json_object_get(j, "messages"), 0), "author")),
			    "ann");
	assert_string_equal(json_string_value(json_object_get(
				json_array_get(json_object_get(j, "messages"), 1), "author")),
			    "ann");
	json_decref(j);
}

#define TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    TEST(test_partner_refused),
	    TEST(test_nobody_refused),
	    TEST(test_staff_allowed),
	};

	testdb_skip_if_unavailable();
	return cmocka_run_group_tests_name("workflow", tests, NULL, NULL);
}
