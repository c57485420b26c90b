/* tests/unit/test_shadowserver_intelmq.c: schakel's Shadowserver reader,
 * driven by Shadowserver's schema file, gives for every row of every
 * report in tests/fixtures/shadowserver/intelmq-3.3.1/cases.json the
 * event that IntelMQ 3.3.1's Shadowserver parser gives with the same
 * schema (written there by make.py, which runs IntelMQ's parser), raw
 * and feed.documentation included, except for the differences
 * docs/feeds.md lists on purpose, each encoded below. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed/feedtime.h"
#include "feed/shadowserver.h"
#include "lib/buf.h"
#include "lib/error.h"
#include "model/event.h"

/* Fields IntelMQ 3.3 does not know (they are in its harmonization from
 * 3.5 on, which the schema is written for): 3.3 writes them as extra.*,
 * schakel as the fields. */
static const char *const renamed[][2] = {
    {"extra.severity", "severity"},
    {"extra.product.vendor", "product.vendor"},
    {"extra.product.vulnerabilities", "product.vulnerabilities"},
};
#define NRENAMED (sizeof(renamed) / sizeof(renamed[0]))

static const char *dir(void)
{
	const char *d = getenv("SCHAKEL_FIXTURES");

	if (d == NULL)
		skip();
	return d;
}

static json_t *event_json(const struct event *ev)
{
	struct buf out;
	json_t *obj;

	buf_init(&out, 1 << 20);
	assert_int_equal(event_to_json(ev, &out), 0);
	obj = json_loads(buf_str(&out), JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(obj);
	buf_free(&out);
	return obj;
}

static void on_warn(void *arg, const char *message)
{
	(*(int *)arg)++;
	(void)message;
}

/* IntelMQ's event made into what schakel gives on purpose. */
static void apply_differences(json_t *want, int *used)
{
	json_object_del(want, "__type");
	for (size_t i = 0; i < NRENAMED; i++) {
		json_t *v = json_object_get(want, renamed[i][0]);

		if (v == NULL)
			continue;
		assert_null(json_object_get(want, renamed[i][1]));
		json_object_set(want, renamed[i][1], v);
		json_object_del(want, renamed[i][0]);
		used[i]++;
	}
}

/* One case: every event compared; returns the events read. */
static size_t check_case(const struct shadowserver_schema *schema, json_t *c, int *used,
			 size_t *refused)
{
	const char *name = json_string_value(json_object_get(c, "name"));
	const char *csv = json_string_value(json_object_get(c, "csv"));
	const char *when = json_string_value(json_object_get(c, "time.observation"));
	char path[1024], type[SHADOWSERVER_NAME_MAX + 1], line[1 << 16];
	int warnings = 0;
	struct shadowserver_options opt = {
	    .feed_name = json_string_value(json_object_get(c, "feed.name")),
	    .raw = true,
	    .warn = on_warn,
	    .warn_arg = &warnings,
	};
	struct shadowserver_reader *r;
	struct sk_error err = {0};
	struct event *ev = NULL;
	FILE *in, *want, *error;
	size_t n = 0;
	int rc;

	assert_int_equal(feedtime_parse(when, strlen(when), &opt.observation), 0);
	assert_int_equal(
	    shadowserver_report_from_name(
		json_string_value(json_object_get(c, "extra.file_name")), type, sizeof(type)),
	    0);
	snprintf(path, sizeof(path), "%s/shadowserver/intelmq-3.3.1/%s", dir(), csv);
	in = fopen(path, "r");
	assert_non_null(in);
	snprintf(path, sizeof(path), "%s/shadowserver/intelmq-3.3.1/%s.jsonl", dir(), name);
	want = fopen(path, "r");
	snprintf(path, sizeof(path), "%s/shadowserver/intelmq-3.3.1/%s.error", dir(), name);
	error = fopen(path, "r");
	/* IntelMQ gave events, or said why it refused the whole report */
	assert_true((want == NULL) != (error == NULL));
	r = shadowserver_reader_new(in, name, schema, type, &opt, &err);
	if (r == NULL)
		fail_msg("%s: %s", name, err.msg);
	while ((rc = shadowserver_read(r, &ev, &err)) == 1) {
		json_t *got = event_json(ev), *exp;

		n++;
		if (want == NULL) {
			json_decref(got);
			continue;
		}
		if (fgets(line, sizeof(line), want) == NULL)
			fail_msg("%s: event %zu more than IntelMQ's", name, n);
		exp = json_loads(line, 0, NULL);
		assert_non_null(exp);
		apply_differences(exp, used);
		if (!json_equal(got, exp)) {
			char *g = json_dumps(got, JSON_SORT_KEYS),
			     *w = json_dumps(exp, JSON_SORT_KEYS);

			fail_msg("%s event %zu:\n got     %s\n IntelMQ %s", name, n, g, w);
		}
		json_decref(got);
		json_decref(exp);
	}
	if (rc != 0)
		fail_msg("%s: rc %d: %s", name, rc, err.msg);
	if (want != NULL) {
		assert_null(fgets(line, sizeof(line), want));
		fclose(want);
	} else {
		/* On purpose: a report lacking a column the schema requires is
		 * refused whole by IntelMQ; schakel warns and reads it, each
		 * event still complete. */
		assert_non_null(fgets(line, sizeof(line), error));
		assert_non_null(strstr(line, "Required column"));
		assert_true(warnings > 0);
		assert_true(n > 0);
		(*refused)++;
		fclose(error);
	}
	shadowserver_reader_free(r);
	fclose(in);
	return n;
}

static void test_side_by_side(void **state)
{
	struct shadowserver_schema *schema;
	struct sk_error err = {0};
	json_error_t jerr;
	json_t *cases, *c;
	char path[1024];
	int used[NRENAMED] = {0};
	size_t i, events = 0, refused = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/shadowserver/schema/intelmq.json", dir());
	schema = shadowserver_schema_load(path, &err);
	if (schema == NULL)
		fail_msg("%s", err.msg);
	snprintf(path, sizeof(path), "%s/shadowserver/intelmq-3.3.1/cases.json", dir());
	cases = json_load_file(path, 0, &jerr);
	if (cases == NULL)
		fail_msg("%s: %s", path, jerr.text);
	json_array_foreach(cases, i, c) events += check_case(schema, c, used, &refused);
	assert_int_equal(json_array_size(cases), 23);
	assert_int_equal(events, 257);
	assert_int_equal(refused, 1);
	for (i = 0; i < NRENAMED; i++)
		if (used[i] == 0)
			fail_msg("difference %s is not used", renamed[i][0]);
	json_decref(cases);
	shadowserver_schema_free(schema);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_side_by_side),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
