/* tests/unit/test_intelmq.c: the IntelMQ JSON-lines reader gives back
 * every event of IntelMQ's Shadowserver tests (tests/fixtures/shadowserver) as
 * IntelMQ writes it, and reports each bad line with the file name, the
 * line number and the reason while going on with the next line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed/intelmq.h"
#include "lib/buf.h"
#include "lib/error.h"
#include "model/event.h"

#include "intelmq_ref.h"

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

/* ---- the reader against jansson ----
 * The reader scans lines itself; intelmq_ref.h is the reference. On every
 * line, both must accept or both refuse, and what they accept must be the
 * same event. */

/* Hold the reader against the reference on line[0..len) (no newline);
 * returns 1 if both accepted it. */
static int differ_check(struct event *a, struct event *b, const char *line, size_t len)
{
	struct sk_error err = {0};
	struct intelmq_reader *r;
	struct buf ja, jb;
	char *copy = malloc(len + 1);
	FILE *f;
	int ra, rb, accepted = 0;

	assert_non_null(copy);
	memcpy(copy, line, len);
	copy[len] = '\n';
	f = fmemopen(copy, len + 1, "r");
	assert_non_null(f);
	r = intelmq_reader_new(f, "d");
	ra = intelmq_read(r, a, &err);
	rb = ref_parse(b, line, len);
	if (ra == 0 && len > 0) {
		/* A blank line: the reader skips it; JSON has nothing there. */
		size_t i;

		for (i = 0; i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r');
		     i++)
			;
		assert_int_equal(i, len);
	} else if ((ra == 1) != (rb == 0)) {
		fail_msg("reader %s (%s), jansson %s: %.*s", ra == 1 ? "accepts" : "refuses",
			 err.msg, rb == 0 ? "accepts" : "refuses", (int)(len > 300 ? 300 : len),
			 line);
	} else if (ra == 1) {
		buf_init(&ja, 1 << 20);
		buf_init(&jb, 1 << 20);
		assert_int_equal(event_to_json(a, &ja), 0);
		assert_int_equal(event_to_json(b, &jb), 0);
		if (strcmp(buf_str(&ja), buf_str(&jb)) != 0)
			fail_msg("reader %s jansson %s", buf_str(&ja), buf_str(&jb));
		buf_free(&ja);
		buf_free(&jb);
		accepted = 1;
	} else {
		assert_int_equal(ra, SK_EINVAL);
		assert_true(strncmp(err.msg, "d:1: ", 5) == 0);
	}
	intelmq_reader_free(r);
	fclose(f);
	free(copy);
	return accepted;
}

#define BASE                                                                                   \
	"\"feed.name\": \"t\", \"classification.type\": \"scanner\", "                         \
	"\"time.source\": \"2024-01-31T12:00:00Z\", \"source.ip\": \"192.0.2.1\""

static void test_against_jansson(void **state)
{
	static const char *const lines[] = {
	    "{" BASE "}",
	    "  {" BASE "}  \r",
	    "{" BASE ",}",
	    "{" BASE "} x",
	    "{" BASE "}}",
	    "{" BASE "",
	    "{" BASE ", \"comment\": \"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"}",
	    "{" BASE ", \"comment\": \"\\u00e9\\u20ac\\ud83d\\ude00\"}",
	    "{" BASE ", \"comment\": \"\\ud83d\"}",
	    "{" BASE ", \"comment\": \"\\ude00x\"}",
	    "{" BASE ", \"comment\": \"\\ud83d\\u0041\"}",
	    "{" BASE ", \"comment\": \"a\\u0000b\"}",
	    "{" BASE ", \"comment\": \"\\x41\"}",
	    "{" BASE ", \"comment\": \"\\u12G4\"}",
	    "{" BASE ", \"comment\": \"\\u12\"}",
	    "{" BASE ", \"comment\": \"tab\there\"}",
	    "{" BASE ", \"comment\": \"caf\xc3\xa9\"}",
	    "{" BASE ", \"comment\": \"bad \xc3\x28\"}",
	    "{" BASE ", \"comment\": \"over \xe0\x80\xaf\"}",
	    "{" BASE ", \"comment\": \"surrogate \xed\xa0\x80\"}",
	    "{" BASE ", \"extra.\xff\": null}",
	    "{" BASE ", \"extra.ok\": null, \"extra.ok\": 1}",
	    "{" BASE ", \"extra.Caps\": null}",
	    "{" BASE ", \"extra.Caps\": 1}",
	    "{" BASE ", \"feed\\u002ename\": \"u\"}",
	    "{" BASE ", \"source.port\": null, \"source.port\": 80}",
	    "{" BASE ", \"source.port\": 80, \"source.asn\": -0}",
	    "{" BASE
	    ", \"extra.a\": -0, \"extra.b\": -0.0, \"extra.c\": 1e2, \"extra.d\": 1E+2}",
	    "{" BASE
	    ", \"extra.a\": 0.5, \"extra.b\": 1.25e-3, \"extra.c\": 123456789.123456789}",
	    "{" BASE ", \"extra.a\": 9223372036854775807, \"extra.b\": -9223372036854775808}",
	    "{" BASE ", \"extra.a\": 9223372036854775808}",
	    "{" BASE ", \"extra.a\": -9223372036854775809}",
	    "{" BASE ", \"extra.a\": 1e400}",
	    "{" BASE ", \"comment\": 9223372036854775808}",
	    "{" BASE ", \"comment\": -9223372036854775809}",
	    "{" BASE ", \"comment\": -9223372036854775808}",
	    "{" BASE ", \"comment\": 18446744073709551617}",
	    "{" BASE ", \"comment\": 1e400}",
	    "{" BASE ", \"comment\": -0}",
	    "{" BASE ", \"comment\": 2.50}",
	    "{" BASE ", \"extra.a\": 1e-400}",
	    "{" BASE ", \"extra.a\": 01}",
	    "{" BASE ", \"extra.a\": 1.}",
	    "{" BASE ", \"extra.a\": .5}",
	    "{" BASE ", \"extra.a\": +1}",
	    "{" BASE ", \"extra.a\": -}",
	    "{" BASE ", \"extra.a\": 1e}",
	    "{" BASE ", \"extra.a\": true, \"extra.b\": false, \"extra.c\": null}",
	    "{" BASE ", \"extra.a\": tru}",
	    "{" BASE ", \"extra.a\": nul}",
	    "{" BASE ", \"extra.a\": truex}",
	    "{" BASE ", \"extra.a\": True}",
	    "{" BASE ", \"extra.a\": []}",
	    "{" BASE ", \"extra.a\": {}}",
	    "{" BASE ", \"source.geolocation.latitude\": 48, \"feed.accuracy\": 99.5}",
	    "{" BASE ", \"source.tor_node\": true, \"destination.tor_node\": 0}",
	    "{" BASE ", \"source.port\": \"80\", \"rtir_id\": 12}",
	    "{" BASE ", \"\": 1}",
	    "{" BASE " \"comment\": 1}",
	    "{" BASE ", \"comment\" 1}",
	    "{" BASE ", \"comment\":}",
	    "{" BASE ", comment: 1}",
	    "{" BASE ", \"comment\": 'x'}",
	    "{\"source.ip\": \"192.0.2.1\"}",
	    "{}",
	    "{ }",
	    "[]",
	    "\"x\"",
	    "12",
	    "null",
	    "}",
	    "{\"a\":",
	    "{\"feed.name\": \"t\"\x01}",
	    "{\f" BASE "}",
	    "{" BASE ", \"comment\":\r\"x\"}",
	};
	struct event a, b;
	uint64_t seed = 42;
	int accepted = 0, total = 0;

	(void)state;
	event_init(&a);
	event_init(&b);
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		size_t len = strlen(lines[i]);

		accepted += differ_check(&a, &b, lines[i], len);
		total++;
	}
	/* A NUL byte in the line, in a string or between tokens. */
	{
		static const char nul[] = "{" BASE ", \"comment\": \"a\x00b\"}";
		static const char nul2[] = "{" BASE ", \"extra.b\": true\x00}";

		differ_check(&a, &b, nul, sizeof(nul) - 1);
		differ_check(&a, &b, nul2, sizeof(nul2) - 1);
	}
	/* The fixtures' lines, and random edits of them. */
	{
		static const char alphabet[] =
		    "{}[]\":,\\ u0123456789abcdefeE.+-tfnrl\x01\x7f\xc3\xa9\xff";
		const char *dir = getenv("SCHAKEL_FIXTURES");
		char path[1024], line[8192];
		FILE *f;

		if (dir == NULL)
			skip();
		snprintf(path, sizeof(path),
			 "%s/shadowserver/event4_sinkhole_http.expected.jsonl", dir);
		f = fopen(path, "r");
		assert_non_null(f);
		while (fgets(line, sizeof(line), f) != NULL) {
			size_t len = strcspn(line, "\n");

			accepted += differ_check(&a, &b, line, len);
			total++;
			for (int k = 0; k < 3000; k++) {
				char m[8192];
				size_t mlen = len, edits;

				memcpy(m, line, len);
				seed = seed * 6364136223846793005ull + 1442695040888963407ull;
				edits = 1 + (seed >> 60) % 3;
				for (size_t e = 0; e < edits && mlen > 2; e++) {
					size_t at;
					char c;

					seed = seed * 6364136223846793005ull +
					       1442695040888963407ull;
					at = (seed >> 33) % mlen;
					c = alphabet[(seed >> 20) % (sizeof(alphabet) - 1)];
					switch ((seed >> 10) % 3) {
					case 0:
						m[at] = c;
						break;
					case 1:
						memmove(m + at + 1, m + at, mlen - at);
						m[at] = c;
						mlen++;
						break;
					default:
						memmove(m + at, m + at + 1, mlen - at - 1);
						mlen--;
						break;
					}
				}
				if (memchr(m, '\n', mlen) != NULL)
					continue;
				accepted += differ_check(&a, &b, m, mlen);
				total++;
			}
		}
		fclose(f);
	}
	/* The comparison means something only if both sides were seen. */
	assert_true(accepted > 20);
	assert_true(total - accepted > 1000);
	event_free(&a);
	event_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fixtures),
	    cmocka_unit_test(test_bad_lines),
	    cmocka_unit_test(test_values),
	    cmocka_unit_test(test_against_jansson),
	};

	return cmocka_run_group_tests_name("intelmq", tests, NULL, NULL);
}
