/* tests/unit/test_api_events.c: GET /api/v1/events, its handler driven
 * in-process on a store of the backend testdb.h names. The negative
 * cases first: a partner never sees another organization's events, a
 * liaison sees its member's AMBER event but not an AMBER+STRICT one, and
 * no row the TLP policy refuses leaves; then pages, filters, CSV and the
 * errors for bad arguments. Also the time bounds of
 * registry/event_read.h. Every label for a member and its liaison, and
 * CSV formulas, are in test_api_events_tlp.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api_events_fixture.h"
#include "lib/buf.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "registry/event_read.h"
#include "store/store.h"
#include "testdb.h"

/* ---- what partners see ---- */

static void test_partner_sees_own_only(void **state)
{
	struct fixture *f = *state;
	struct answer a;

	a = api_get(f, &f->pc, "");
	assert_int_equal(a.status, 200);
	assert_string_equal(api_numbers(&a), "4");
	assert_true(json_is_null(json_object_get(a.json, "next")));
	assert_int_equal(json_integer_value(json_object_get(a.json, "count")), 1);
	/* Nothing of the other organizations' events is in the answer. */
	assert_null(strstr(a.text, "198.51.100.1\""));
	assert_null(strstr(a.text, "Example"));
	api_answer_free(&a);

	a = api_get(f, &f->pb, "");
	assert_string_equal(api_numbers(&a), "6");
	api_answer_free(&a);

	/* The owner of 1, 2, 3 and 5 receives 1 to 3; RED (5) goes nowhere
	 * but to the national CSIRT. */
	a = api_get(f, &f->pa, "");
	assert_string_equal(api_numbers(&a), "1,2,3");
	api_answer_free(&a);
}

static void test_liaison_tlp(void **state)
{
	struct fixture *f = *state;
	struct answer a;
	json_t *r;

	/* Its member's AMBER event, and the CLEAR one; not the AMBER+STRICT
	 * event stored for the owner alone (2), nor the one stored for it by
	 * mistake (3). */
	a = api_get(f, &f->pl, "");
	assert_int_equal(a.status, 200);
	assert_string_equal(api_numbers(&a), "1,6");
	r = json_object_get(api_item(&a, 0), "schakel.recipient");
	assert_true(json_is_object(r));
	assert_string_equal(json_string_value(json_object_get(r, "role")), "liaison");
	assert_string_equal(json_string_value(json_object_get(r, "reason")),
			    "member Example Energy");
	assert_int_equal(json_integer_value(json_object_get(r, "org_id")), f->liaison);
	assert_int_equal(json_integer_value(json_object_get(r, "member_id")), f->a);
	assert_true(json_is_true(json_object_get(r, "may_pass_on")));
	assert_true(json_is_true(json_object_get(r, "need_to_know")));
	assert_int_equal(json_integer_value(json_object_get(api_item(&a, 0), "schakel.id")),
			 f->ids[1]);
	assert_string_equal(
	    json_string_value(json_object_get(api_item(&a, 0), "schakel.received")),
	    "2023-11-14T22:13:20Z");
	/* CLEAR: routing said pass on freely; so does the policy. */
	r = json_object_get(api_item(&a, 1), "schakel.recipient");
	assert_true(json_is_true(json_object_get(r, "may_pass_on")));
	assert_true(json_is_false(json_object_get(r, "need_to_know")));
	api_answer_free(&a);

	/* AMBER+STRICT for its owner: receive, never pass on, whatever the
	 * stored row says. */
	a = api_get(f, &f->pa, "type=infected-system");
	assert_string_equal(api_numbers(&a), "1,2,3");
	r = json_object_get(api_item(&a, 1), "schakel.recipient");
	assert_string_equal(json_string_value(json_object_get(r, "role")), "owner");
	assert_true(json_is_false(json_object_get(r, "may_pass_on")));
	assert_null(json_object_get(r, "member_id"));
	api_answer_free(&a);
}

static void test_partner_other_org_refused(void **state)
{
	struct fixture *f = *state;
	char q[64];
	struct answer a;

	/* Another organization, even the liaison's own member: 403. */
	snprintf(q, sizeof(q), "org=%lld", (long long)f->a);
	a = api_get(f, &f->pc, q);
	assert_int_equal(a.status, 403);
	api_answer_free(&a);
	a = api_get(f, &f->pl, q);
	assert_int_equal(a.status, 403);
	assert_non_null(strstr(a.err.msg, "own organization"));
	api_answer_free(&a);
	/* Its own: as without. */
	snprintf(q, sizeof(q), "org=%lld", (long long)f->liaison);
	a = api_get(f, &f->pl, q);
	assert_int_equal(a.status, 200);
	assert_string_equal(api_numbers(&a), "1,6");
	api_answer_free(&a);
	/* No user at all (the server answers 401 before; the rule holds). */
	a = api_get(f, NULL, "");
	assert_int_equal(a.status, 403);
	api_answer_free(&a);
}

/* ---- staff ---- */

static void test_staff(void **state)
{
	struct fixture *f = *state;
	char q[64];
	struct answer a;

	a = api_get(f, &f->admin, "");
	assert_string_equal(api_numbers(&a), "1,2,3,4,5,6");
	assert_null(json_object_get(api_item(&a, 0), "schakel.recipient"));
	api_answer_free(&a);

	snprintf(q, sizeof(q), "org=%lld", (long long)f->a);
	a = api_get(f, &f->analyst, q);
	assert_string_equal(api_numbers(&a), "1,2,3");
	assert_non_null(json_object_get(api_item(&a, 0), "schakel.recipient"));
	api_answer_free(&a);

	a = api_get(f, &f->admin, "org=99999");
	assert_int_equal(a.status, 404);
	api_answer_free(&a);
}

/* ---- pages and filters ---- */

static void test_pages(void **state)
{
	struct fixture *f = *state;
	char q[64], all[64] = "";
	const char *next;
	struct answer a;
	int pages = 0;

	/* Pages of two, through the cursor, without gaps or repeats. */
	snprintf(q, sizeof(q), "limit=2");
	for (;;) {
		a = api_get(f, &f->admin, q);
		assert_int_equal(a.status, 200);
		snprintf(all + strlen(all), sizeof(all) - strlen(all), "%s%s", pages ? "," : "",
			 api_numbers(&a));
		pages++;
		next = json_string_value(json_object_get(a.json, "next"));
		if (next == NULL) {
			assert_string_equal(a.next_header, "");
			api_answer_free(&a);
			break;
		}
		assert_string_equal(a.next_header, next);
		snprintf(q, sizeof(q), "limit=2&cursor=%s", next);
		api_answer_free(&a);
		assert_true(pages < 10);
	}
	assert_string_equal(all, "1,2,3,4,5,6");
	assert_int_equal(pages, 3);

	/* A partner's pages skip what the policy refuses (3) and still
	 * end. */
	a = api_get(f, &f->pl, "limit=1");
	assert_string_equal(api_numbers(&a), "1");
	next = json_string_value(json_object_get(a.json, "next"));
	assert_non_null(next);
	snprintf(q, sizeof(q), "limit=1&cursor=%s", next);
	api_answer_free(&a);
	a = api_get(f, &f->pl, q);
	assert_string_equal(api_numbers(&a), "6");
	assert_true(json_is_null(json_object_get(a.json, "next")));
	api_answer_free(&a);
}

/* A page larger than a piece, in bytes and rows, streams whole: every
 * row once, in order, what the policy refuses left out in every piece,
 * and the cursor where the page ends. */
static void test_big_page(void **state)
{
	enum { N = 3000 };
	struct fixture *f = *state;
	struct event *ev = xcalloc(N, sizeof(*ev));
	struct store_event_in *in = xcalloc(N, sizeof(*in));
	struct event_recipient r = ev_rcpt(f->c, RECIPIENT_OWNER, true, false, 0, "asn 64500");
	struct sk_error err = {0};
	char pad[700], q[64];
	const char *next;
	struct answer a;
	json_t *items, *it;
	json_int_t prev = 0;
	size_t i, green = 0;

	memset(pad, 'x', sizeof(pad) - 1);
	pad[sizeof(pad) - 1] = '\0';
	for (int k = 0; k < N; k++) {
		event_init(&ev[k]);
		ev_set(&ev[k], "source.ip", "203.0.113.9");
		if (event_set_int(&ev[k], EVENT_SOURCE_PORT, 1000 + k, &err) != 0)
			fail_msg("%s", err.msg);
		ev_set(&ev[k], "classification.type", "scanner");
		ev_set(&ev[k], "feed.name", "Open-NTP");
		ev_set(&ev[k], "time.source", "2023-11-14T20:00:00Z");
		ev_set(&ev[k], "tlp", k % 7 == 3 ? "RED" : "GREEN"); /* RED: refused */
		ev_set(&ev[k], "extra.note", pad);
		in[k] = (struct store_event_in){&ev[k], &r, 1};
		green += k % 7 != 3;
	}
	assert_int_equal(store_event_add_many(f->st, in, N, &err), 0);

	/* Event 4 (GREEN) first, then the 2,572 GREEN ones of the 3,000:
	 * a page of 2,500 and one of 73. */
	a = api_get(f, &f->pc, "limit=2500");
	assert_int_equal(a.status, 200);
	assert_true(a.text != NULL && strlen(a.text) > 2 * 256 * 1024);
	items = json_object_get(a.json, "items");
	assert_int_equal(json_array_size(items), 2500);
	assert_int_equal(json_integer_value(json_object_get(a.json, "count")), 2500);
	json_array_foreach(items, i, it)
	{
		json_int_t id = json_integer_value(json_object_get(it, "schakel.id"));
		json_int_t port = json_integer_value(json_object_get(it, "source.port"));

		assert_true(id > prev);
		prev = id;
		assert_true(i == 0 ? port == 4 : (port - 1000) % 7 != 3);
	}
	next = json_string_value(json_object_get(a.json, "next"));
	assert_non_null(next);
	assert_string_equal(a.next_header, next);
	assert_true(strtoll(next, NULL, 10) >= prev); /* past refused rows too */
	snprintf(q, sizeof(q), "limit=2500&cursor=%s", next);
	api_answer_free(&a);
	a = api_get(f, &f->pc, q);
	assert_int_equal(json_array_size(json_object_get(a.json, "items")), green + 1 - 2500);
	assert_true(json_is_null(json_object_get(a.json, "next")));
	assert_string_equal(a.next_header, "");
	api_answer_free(&a);

	/* The same as CSV: a header and one line per row. */
	a = api_get(f, &f->pc, "limit=2500&format=csv");
	i = 0;
	for (const char *p = a.text; (p = strstr(p, "\r\n")) != NULL; p += 2)
		i++;
	assert_int_equal(i, 2501);
	api_answer_free(&a);
	for (int k = 0; k < N; k++)
		event_free(&ev[k]);
	free(ev);
	free(in);
}

static void test_filters(void **state)
{
	struct fixture *f = *state;
	struct answer a;

	a = api_get(f, &f->admin, "type=scanner");
	assert_string_equal(api_numbers(&a), "4");
	api_answer_free(&a);
	a = api_get(f, &f->admin, "feed=Open-NTP");
	assert_string_equal(api_numbers(&a), "6");
	api_answer_free(&a);
	/* Event i has time NOW - (6 - i) hours. */
	a = api_get(f, &f->admin, "since=2023-11-14T19:13:20Z&until=2023-11-14T21:13:20Z");
	assert_string_equal(api_numbers(&a), "3,4");
	api_answer_free(&a);
	a = api_get(f, &f->admin, "since=150m");
	assert_string_equal(api_numbers(&a), "4,5,6");
	api_answer_free(&a);
	a = api_get(f, &f->pa, "since=2023-11-14");
	assert_string_equal(api_numbers(&a), "1,2,3");
	api_answer_free(&a);
	a = api_get(f, &f->admin, "since=2023-11-15");
	assert_string_equal(api_numbers(&a), "");
	api_answer_free(&a);
}

static void test_csv(void **state)
{
	struct fixture *f = *state;
	struct buf want;
	struct answer a;
	char q[64];
	int lines = 0;

	a = api_get(f, &f->pc, "format=csv");
	assert_int_equal(a.status, 200);
	assert_string_equal(a.type, "text/csv; charset=utf-8; header=present");
	buf_init(&want, 4096);
	assert_int_equal(event_read_csv_header(&want), 0);
	assert_true(strncmp(a.text, buf_str(&want), want.len) == 0);
	assert_string_equal(buf_str(&want),
			    "id,time,received,feed.name,classification.taxonomy,"
			    "classification.type,tlp,source.ip,source.port,source.asn,"
			    "source.network,source.fqdn,source.url,source.reverse_dns,"
			    "source.geolocation.cc,destination.ip,destination.port,"
			    "protocol.transport,protocol.application,malware.name,"
			    "event_description.text,recipient.role,recipient.reason,"
			    "recipient.may_pass_on,recipient.need_to_know\r\n");
	buf_free(&want);
	for (const char *p = a.text; (p = strstr(p, "\r\n")) != NULL; p += 2)
		lines++;
	assert_int_equal(lines, 2);
	/* The one row: its own fields, the reason quoted as RFC 4180 says. */
	snprintf(q, sizeof(q), "%lld,2023-11-14T20:13:20Z,", (long long)f->ids[4]);
	assert_non_null(strstr(a.text, q));
	assert_non_null(strstr(
	    a.text, ",Sinkhole-HTTP,information-gathering,scanner,TLP:GREEN,"
		    "198.51.100.4,4,,,,,,,,,,,,,owner,\"asn 64500, via \"\"transit\"\"\","
		    "true,false\r\n"));
	api_answer_free(&a);

	/* The liaison's CSV: two rows, none of another organization. */
	a = api_get(f, &f->pl, "format=csv&limit=1");
	lines = 0;
	for (const char *p = a.text; (p = strstr(p, "\r\n")) != NULL; p += 2)
		lines++;
	assert_int_equal(lines, 2);
	assert_non_null(strstr(a.text, ",liaison,member Example Energy,true,true\r\n"));
	assert_null(strstr(a.text, "64500"));
	assert_string_not_equal(a.next_header, "");
	api_answer_free(&a);
}

static void test_bad_arguments(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *query, *says;
	} bad[] = {
	    {"sinse=7d", "unknown query argument 'sinse'"},
	    {"since=yesterday", "query argument since"},
	    {"until=2023-13-01", "query argument until"},
	    {"type=no-such-type", "query argument type"},
	    {"feed=", "query argument feed"},
	    {"format=xml", "query argument format"},
	    {"limit=0", "limit"},
	    {"limit=100001", "limit"},
	    {"limit=ten", "limit"},
	    {"cursor=-1", "query argument cursor"},
	    {"cursor=abc", "query argument cursor"},
	    {"org=0", "org"},
	    {"org=x", "org"},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct answer a = api_get(f, &f->admin, bad[i].query);

		if (a.status != 400 || strstr(a.err.msg, bad[i].says) == NULL)
			fail_msg("%s: status %d, '%s'", bad[i].query, a.status, a.err.msg);
		api_answer_free(&a);
	}
}

/* ---- time bounds ---- */

static void test_time_bounds(void **state)
{
	struct sk_error err = {0};
	int64_t t;

	(void)state;
	assert_int_equal(event_read_time("2024-01-31T12:00:00Z", NOW, &t, &err), 0);
	assert_int_equal(t, 1706702400);
	assert_int_equal(event_read_time("2024-01-31 13:00:00+01:00", NOW, &t, &err), 0);
	assert_int_equal(t, 1706702400);
	assert_int_equal(event_read_time("2024-01-31", NOW, &t, &err), 0);
	assert_int_equal(t, 1706659200);
	assert_int_equal(event_read_time("7d", NOW, &t, &err), 0);
	assert_int_equal(t, NOW - 7 * 86400);
	assert_int_equal(event_read_time("90m", NOW, &t, &err), 0);
	assert_int_equal(t, NOW - 5400);
	assert_int_equal(event_read_time("2024-02-30", NOW, &t, &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "2024-02-30"));
	assert_int_equal(event_read_time("", NOW, &t, &err), SK_EINVAL);
	assert_int_equal(event_read_time("7", NOW, &t, &err), SK_EINVAL);
	assert_int_equal(event_read_time("7w", NOW, &t, &err), SK_EINVAL);
	assert_int_equal(event_read_time("99999999999d", NOW, &t, &err), SK_EINVAL);
	assert_int_equal(
	    event_read_time(
		"2024-01-31T12:00:00Z                                             x", NOW, &t,
		&err),
	    SK_EINVAL);
	assert_non_null(strstr(err.msg, "longer than"));
}

#define TEST(t) cmocka_unit_test_setup_teardown(t, api_setup, api_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    TEST(test_partner_sees_own_only),
	    TEST(test_liaison_tlp),
	    TEST(test_partner_other_org_refused),
	    TEST(test_staff),
	    TEST(test_pages),
	    TEST(test_big_page),
	    TEST(test_filters),
	    TEST(test_csv),
	    TEST(test_bad_arguments),
	    cmocka_unit_test(test_time_bounds),
	};

	testdb_skip_if_unavailable();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
