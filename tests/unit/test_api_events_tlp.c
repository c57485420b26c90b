/* tests/unit/test_api_events_tlp.c: what GET /api/v1/events lets out
 * under TLP, driven in-process on a store of the backend testdb.h
 * names: every label stored for a member and its liaison, read as JSON
 * and as CSV, must give exactly the rows tlp_policy() lets each
 * receive; feed text that a spreadsheet would run as a formula leaves
 * the CSV defused; and event_read_page() asks access.h itself. */
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
#include "registry/event_read.h"
#include "store/store.h"
#include "testdb.h"

/* A JSON answer's items as "port:may_pass_on:need_to_know", comma
 * between: "3:yes:ntk" and the like. */
static const char *json_summary(const struct answer *a)
{
	static char out[256];
	json_t *items = json_object_get(a->json, "items"), *it;
	size_t i, n = 0;

	out[0] = '\0';
	json_array_foreach(items, i, it)
	{
		json_t *r = json_object_get(it, "schakel.recipient");

		n += (size_t)snprintf(
		    out + n, sizeof(out) - n, "%s%lld:%s:%s", i ? "," : "",
		    (long long)json_integer_value(json_object_get(it, "source.port")),
		    json_is_true(json_object_get(r, "may_pass_on")) ? "yes" : "no",
		    json_is_true(json_object_get(r, "need_to_know")) ? "ntk" : "all");
	}
	return out;
}

/* A CSV answer's rows the same way, from its tlp, source.port and
 * recipient columns (no cell of these rows holds a comma). */
static const char *csv_summary(const struct answer *a)
{
	static char out[256];
	const char *line = strstr(a->text, "\r\n");
	size_t n = 0;

	out[0] = '\0';
	assert_non_null(line);
	for (line += 2; *line != '\0';) {
		const char *end = strstr(line, "\r\n");
		char row[1024], *cell[32], *save = row;
		int nc = 0;

		assert_non_null(end);
		assert_true((size_t)(end - line) < sizeof(row));
		memcpy(row, line, (size_t)(end - line));
		row[end - line] = '\0';
		for (char *p = row; nc < 32; p++) {
			if (*p == ',' || *p == '\0') {
				bool last = *p == '\0';

				*p = '\0';
				cell[nc++] = save;
				save = p + 1;
				if (last)
					break;
			}
		}
		assert_int_equal(nc, 25);
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s:%s:%s:%s", n ? "," : "",
				      cell[8], cell[6],
				      strcmp(cell[23], "true") == 0 ? "yes" : "no",
				      strcmp(cell[24], "true") == 0 ? "ntk" : "all");
		line = end + 2;
	}
	return out;
}

/* RED, AMBER+STRICT, AMBER, GREEN and CLEAR, each stored for a member
 * and its liaison: the member reads all but RED, never passing
 * AMBER+STRICT on and AMBER need-to-know; the liaison AMBER (for the
 * member concerned only), GREEN and CLEAR; as JSON and as CSV alike. */
static void test_each_label(void **state)
{
	struct fixture *f = *state;
	struct answer a;
	char q[64];

	a = api_get(f, &f->pa, "");
	assert_int_equal(a.status, 200);
	assert_string_equal(json_summary(&a), "2:no:all,3:yes:ntk,4:yes:all,5:yes:all");
	api_answer_free(&a);
	a = api_get(f, &f->pa, "format=csv");
	assert_int_equal(a.status, 200);
	assert_string_equal(csv_summary(&a), "2:TLP:AMBER+STRICT:no:all,3:TLP:AMBER:yes:ntk,"
					     "4:TLP:GREEN:yes:all,5:TLP:CLEAR:yes:all");
	assert_null(strstr(a.text, "TLP:RED"));
	api_answer_free(&a);

	a = api_get(f, &f->pl, "");
	assert_int_equal(a.status, 200);
	assert_string_equal(json_summary(&a), "3:yes:ntk,4:yes:all,5:yes:all");
	api_answer_free(&a);
	a = api_get(f, &f->pl, "format=csv");
	assert_int_equal(a.status, 200);
	assert_string_equal(csv_summary(&a),
			    "3:TLP:AMBER:yes:ntk,4:TLP:GREEN:yes:all,5:TLP:CLEAR:yes:all");
	assert_null(strstr(a.text, "TLP:RED"));
	assert_null(strstr(a.text, "AMBER+STRICT"));
	api_answer_free(&a);

	/* Staff reading the member's events see what the member reads;
	 * reading all of them, the national CSIRT's (named) view: RED too. */
	snprintf(q, sizeof(q), "org=%lld", (long long)f->a);
	a = api_get(f, &f->analyst, q);
	assert_string_equal(json_summary(&a), "2:no:all,3:yes:ntk,4:yes:all,5:yes:all");
	api_answer_free(&a);
	a = api_get(f, &f->admin, "");
	assert_string_equal(api_numbers(&a), "1,2,3,4,5");
	api_answer_free(&a);

	/* An organization the events do not concern reads none of them. */
	a = api_get(f, &f->pb, "format=csv");
	assert_int_equal(a.status, 200);
	assert_string_equal(csv_summary(&a), "");
	api_answer_free(&a);
}

/* Feed text that a spreadsheet would run as a formula leaves defused:
 * a leading single quote, the cell quoted. */
static void test_csv_formulas(void **state)
{
	struct fixture *f = *state;
	struct event_recipient r = ev_rcpt(f->c, RECIPIENT_OWNER, true, false, 0, "-1+cmd|x");
	struct sk_error err = {0};
	struct store_event_in in;
	struct answer a;
	struct event ev;

	event_init(&ev);
	ev_set(&ev, "source.ip", "198.51.100.9");
	ev_set(&ev, "classification.type", "scanner");
	ev_set(&ev, "feed.name", "@SUM(1+1)*cmd|' /C calc'!A0");
	ev_set(&ev, "event_description.text", "=cmd|' /C calc'!A0");
	ev_set(&ev, "malware.name", "+mirai");
	ev_set(&ev, "time.source", "2023-11-14T21:00:00Z");
	ev_set(&ev, "tlp", "GREEN");
	in = (struct store_event_in){&ev, &r, 1};
	assert_int_equal(store_event_add_many(f->st, &in, 1, &err), 0);
	event_free(&ev);

	a = api_get(f, &f->pc, "format=csv&feed=@SUM(1+1)*cmd|' /C calc'!A0");
	assert_int_equal(a.status, 200);
	assert_non_null(strstr(a.text, ",\"'@SUM(1+1)*cmd|' /C calc'!A0\","));
	assert_non_null(strstr(a.text, ",\"'=cmd|' /C calc'!A0\","));
	assert_non_null(strstr(a.text, ",\"'+mirai\","));
	assert_non_null(strstr(a.text, ",owner,\"'-1+cmd|x\",true,false\r\n"));
	/* No cell starts with a formula character. */
	assert_null(strstr(a.text, ",="));
	assert_null(strstr(a.text, ",@"));
	assert_null(strstr(a.text, ",+"));
	assert_null(strstr(a.text, ",-"));
	api_answer_free(&a);
}

static int count_row(const struct event_out *o, void *ctx)
{
	(void)o;
	(*(int *)ctx)++;
	return 0;
}

static int count_rcpt(const struct event_recipient *r, int64_t notification_id, void *ctx)
{
	(void)r;
	(void)notification_id;
	(*(int *)ctx)++;
	return 0;
}

/* The capability asks access.h itself, whichever door calls it: a
 * partner reads its own organization's rows whatever it names, another
 * organization is refused, nobody reads nothing, and only staff see
 * every recipient of an event. */
static void test_read_page_asks_access(void **state)
{
	struct fixture *f = *state;
	struct store_event_filter flt = {0};
	struct sk_error err = {0};
	int64_t next = 0;
	int n = 0;

	assert_int_equal(event_read_page(f->st, &f->pc, &flt, count_row, &n, &next, &err), 0);
	assert_int_equal(n, 1);
	flt.org_id = f->a;
	n = 0;
	assert_int_equal(event_read_page(f->st, &f->pc, &flt, count_row, &n, &next, &err),
			 SK_EPERM);
	assert_int_equal(n, 0);
	assert_int_equal(event_read_page(f->st, NULL, &flt, count_row, &n, &next, &err),
			 SK_EPERM);
	assert_int_equal(n, 0);
	flt.org_id = 99999;
	assert_int_equal(event_read_page(f->st, &f->analyst, &flt, count_row, &n, &next, &err),
			 SK_ENOTFOUND);
	assert_non_null(strstr(err.msg, "organization 99999 not found"));

	assert_int_equal(event_read_recipients(f->st, &f->pl, f->ids[1], count_rcpt, &n, &err),
			 SK_EPERM);
	assert_int_equal(event_read_recipients(f->st, NULL, f->ids[1], count_rcpt, &n, &err),
			 SK_EPERM);
	assert_int_equal(n, 0);
	assert_int_equal(
	    event_read_recipients(f->st, &f->analyst, f->ids[1], count_rcpt, &n, &err), 0);
	assert_int_equal(n, 2);
}

#define TEST(t) cmocka_unit_test_setup_teardown(t, api_setup, api_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_each_label, api_setup_labels, api_teardown),
	    TEST(test_csv_formulas),
	    TEST(test_read_page_asks_access),
	};

	testdb_skip_if_unavailable();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
