/* tests/unit/test_intelmq.c: the IntelMQ JSON-lines reader gives back
 * every event of IntelMQ's Shadowserver tests (../shared/fixtures) as
 * IntelMQ writes it, and reports each bad line with the file name, the
 * line number and the reason while going on with the next line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed/intelmq.h"
#include "lib/buf.h"
#include "lib/error.h"
#include "model/event.h"

#define GOOD                                                                                   \
	"{\"feed.name\": \"test\", \"classification.type\": \"scanner\", "                     \
	"\"source.ip\": \"192.0.2.%d\", \"time.source\": \"2024-01-31 12:00:00\"}\n"

/* Check one *.expected.jsonl file; returns the number of events. */
static int check_fixture(struct event *ev, const char *path)
{
	struct intelmq_reader *r;
	struct sk_error err = {0};
	char line[65536];
	FILE *in = fopen(path, "r"), *lines = fopen(path, "r");
	int n = 0;

	if (in == NULL || lines == NULL)
		fail_msg("cannot open %s", path);
	r = intelmq_reader_new(in, path);
	while (fgets(line, sizeof(line), lines) != NULL) {
		json_error_t jerr;
		json_t *obj, *back;
		char *want;
		struct buf out;
		int rc;

		if (strspn(line, " \t\r\n") == strlen(line))
			continue;
		n++;
		rc = intelmq_read(r, ev, &err);
		if (rc != 1)
			fail_msg("%s event %d: rc %d: %s", path, n, rc, err.msg);
		obj = json_loads(line, JSON_REJECT_DUPLICATES, &jerr);
		assert_non_null(obj);
		buf_init(&out, 1 << 20);
		assert_int_equal(event_to_json(ev, &out), 0);
		assert_true(out.len > 0 && out.data[out.len - 1] == '\n');
		out.data[--out.len] = '\0';
		want = json_dumps(obj, JSON_SORT_KEYS | JSON_REAL_PRECISION(15));
		if (strcmp(want, buf_str(&out)) != 0)
			fail_msg("%s event %d:\n got  %s\n want %s", path, n, buf_str(&out),
				 want);
		back = json_loads(buf_str(&out), JSON_REJECT_DUPLICATES, &jerr);
		assert_non_null(back);
		assert_true(json_equal(back, obj));
		json_decref(back);
		json_decref(obj);
		free(want);
		buf_free(&out);
	}
	assert_int_equal(intelmq_read(r, ev, &err), 0);
	intelmq_reader_free(r);
	fclose(in);
	fclose(lines);
	return n;
}

static void test_fixtures(void **state)
{
	const char *dir = getenv("SCHAKEL_FIXTURES");
	struct event ev;
	char path[1024];
	struct dirent *de;
	DIR *d;
	int files = 0, events = 0;

	(void)state;
	if (dir == NULL)
		skip();
	snprintf(path, sizeof(path), "%s/shadowserver", dir);
	d = opendir(path);
	assert_non_null(d);
	event_init(&ev);
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		const char *suffix = ".expected.jsonl";

		if (len <= strlen(suffix) ||
		    strcmp(de->d_name + len - strlen(suffix), suffix) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/shadowserver/%s", dir, de->d_name);
		events += check_fixture(&ev, path);
		files++;
	}
	closedir(d);
	event_free(&ev);
	assert_true(files >= 21);
	assert_true(events >= 58);
}

/* The next read must be a good line with source.ip 192.0.2.i. */
static void expect_good(struct intelmq_reader *r, struct event *ev, int i)
{
	struct sk_error err = {0};
	char want[32];
	int rc = intelmq_read(r, ev, &err);

	if (rc != 1)
		fail_msg("want 192.0.2.%d, got rc %d: %s", i, rc, err.msg);
	snprintf(want, sizeof(want), "192.0.2.%d", i);
	assert_string_equal(event_get(ev, EVENT_SOURCE_IP), want);
	assert_string_equal(event_get(ev, EVENT_TIME_SOURCE), "2024-01-31T12:00:00+00:00");
}

/* The next read must be a bad line: "t.jsonl:LINE: " and then a message
 * holding what; ev keeps the last good event (192.0.2.prev). */
static void expect_bad(struct intelmq_reader *r, struct event *ev, int line, const char *what,
		       int prev)
{
	struct sk_error err = {0};
	char prefix[64], want[32];
	int rc = intelmq_read(r, ev, &err);

	assert_int_equal(rc, SK_EINVAL);
	assert_int_equal(err.code, SK_EINVAL);
	snprintf(prefix, sizeof(prefix), "t.jsonl:%d: ", line);
	if (strncmp(err.msg, prefix, strlen(prefix)) != 0 || strstr(err.msg, what) == NULL)
		fail_msg("want '%s...%s', got '%s'", prefix, what, err.msg);
	snprintf(want, sizeof(want), "192.0.2.%d", prev);
	assert_string_equal(event_get(ev, EVENT_SOURCE_IP), want);
}

static void test_bad_lines(void **state)
{
	struct buf in;
	struct event ev;
	struct intelmq_reader *r;
	FILE *f;

	(void)state;
	buf_init(&in, 1 << 20);
	buf_printf(&in, GOOD, 1);							/* 1 */
	buf_printf(&in, "{\"feed.name\": \"test\", \"source.ip\": \"192.0.2.300\"}\n"); /* 2 */
	buf_printf(&in, GOOD, 3);							/* 3 */
	buf_printf(&in, "{\"feed.name\": \"a\", \"feed.name\": \"b\"}\n");		/* 4 */
	buf_printf(&in, GOOD, 5);							/* 5 */
	buf_printf(&in, "{\"extra.x\": {\"a\": 1}}\n");					/* 6 */
	buf_printf(&in, "\n  \r\n");	     /* 7, 8 */
	buf_printf(&in, GOOD, 9);	     /* 9 */
	buf_printf(&in, "{\"comment\": \""); /* 10 */
	for (int i = 0; i < INTELMQ_LINE_MAX; i++)
		buf_append_char(&in, 'a');
	buf_printf(&in, "\"}\n");
	buf_printf(&in, GOOD, 11);						      /* 11 */
	buf_printf(&in, "[1, 2]\n");						      /* 12 */
	buf_printf(&in, GOOD, 13);						      /* 13 */
	buf_printf(&in, "{\"source.ip\": \"192.0.2.1\"\n");			      /* 14 */
	buf_printf(&in, GOOD, 15);						      /* 15 */
	buf_printf(&in, "{\"source.nonsense\": 1}\n");				      /* 16 */
	buf_printf(&in, "{\"extra.list\": [1]}\n");				      /* 17 */
	buf_printf(&in, "{\"feed.name\": \"test\", \"source.ip\": \"192.0.2.1\"}\n"); /* 18 */
	buf_printf(&in, GOOD, 19);						      /* 19 */
	in.len--; /* the last line has no newline */

	f = fmemopen(in.data, in.len, "r");
	assert_non_null(f);
	event_init(&ev);
	r = intelmq_reader_new(f, "t.jsonl");
	expect_good(r, &ev, 1);
	expect_bad(r, &ev, 2, "source.ip", 1);
	expect_good(r, &ev, 3);
	expect_bad(r, &ev, 4, "duplicate", 3);
	expect_good(r, &ev, 5);
	expect_bad(r, &ev, 6, "extra.x: nested", 5);
	expect_good(r, &ev, 9);
	expect_bad(r, &ev, 10, "longer than", 9);
	expect_good(r, &ev, 11);
	expect_bad(r, &ev, 12, "not a JSON object", 11);
	expect_good(r, &ev, 13);
	expect_bad(r, &ev, 14, "invalid JSON", 13);
	expect_good(r, &ev, 15);
	expect_bad(r, &ev, 16, "unknown key 'source.nonsense'", 15);
	expect_bad(r, &ev, 17, "extra.list: nested", 15);
	expect_bad(r, &ev, 18, "classification.type", 15); /* incomplete */
	expect_good(r, &ev, 19);
	assert_int_equal(intelmq_read(r, &ev, NULL), 0);
	assert_int_equal(intelmq_read(r, &ev, NULL), 0);
	intelmq_reader_free(r);
	intelmq_reader_free(NULL);
	fclose(f);
	event_free(&ev);
	buf_free(&in);
}

/* Numbers, booleans and null: null leaves the field out; types survive. */
static void test_values(void **state)
{
	static const char text[] =
	    "{\"feed.name\": \"test\", \"classification.type\": \"scanner\", "
	    "\"source.ip\": \"192.0.2.1\", \"time.source\": \"2024-01-31T12:00:00Z\", "
	    "\"source.port\": 80, \"source.asn\": null, \"source.tor_node\": false, "
	    "\"extra.ratio\": 4.619, \"extra.whole\": 74.0, \"extra.on\": true, "
	    "\"extra.gone\": null}\n";
	struct event ev;
	struct intelmq_reader *r;
	struct sk_error err = {0};
	enum event_json_type type;
	FILE *f = fmemopen((void *)text, sizeof(text) - 1, "r");

	(void)state;
	assert_non_null(f);
	event_init(&ev);
	r = intelmq_reader_new(f, "v");
	if (intelmq_read(r, &ev, &err) != 1)
		fail_msg("%s", err.msg);
	assert_string_equal(event_get(&ev, EVENT_SOURCE_PORT), "80");
	assert_false(event_has(&ev, EVENT_SOURCE_ASN));
	assert_string_equal(event_get(&ev, EVENT_SOURCE_TOR_NODE), "false");
	assert_string_equal(event_get_extra(&ev, "extra.ratio", &type), "4.619");
	assert_int_equal(type, EVENT_JSON_NUMBER);
	assert_string_equal(event_get_extra(&ev, "extra.whole", &type), "74.0");
	assert_string_equal(event_get_extra(&ev, "extra.on", &type), "true");
	assert_int_equal(type, EVENT_JSON_BOOL);
	assert_null(event_get_extra(&ev, "extra.gone", NULL));
	assert_int_equal(intelmq_read(r, &ev, &err), 0);
	intelmq_reader_free(r);
	fclose(f);
	event_free(&ev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fixtures),
	    cmocka_unit_test(test_bad_lines),
	    cmocka_unit_test(test_values),
	};

	return cmocka_run_group_tests_name("intelmq", tests, NULL, NULL);
}
