/* tests/unit/test_feed.c: the reader over all formats: the format from
 * the options or the file name, the feed name and default TLP on every
 * event, strict mode ending at the first bad line, and the counts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed/csvmap.h"
#include "feed/feed.h"
#include "lib/error.h"
#include "model/event.h"

static void test_formats(void **state)
{
	enum feed_format f = FEED_INTELMQ;
	struct feed_options opt = {0};

	(void)state;
	assert_int_equal(feed_format_parse("shadowserver", &f), 0);
	assert_int_equal(f, FEED_SHADOWSERVER);
	assert_int_equal(feed_format_parse("csv", &f), 0);
	assert_int_equal(f, FEED_CSV);
	assert_int_equal(feed_format_parse("intelmq", &f), 0);
	assert_int_equal(f, FEED_INTELMQ);
	assert_int_equal(feed_format_parse("auto", &f), 0);
	assert_int_equal(f, FEED_AUTO);
	assert_int_equal(feed_format_parse("json", &f), SK_EINVAL);
	assert_int_equal(f, FEED_AUTO);
	assert_string_equal(feed_format_name(FEED_SHADOWSERVER), "shadowserver");
	assert_string_equal(feed_format_name((enum feed_format)9), "?");

	assert_int_equal(feed_guess("events.jsonl", NULL), FEED_INTELMQ);
	assert_int_equal(feed_guess("/tmp/x/events.json", NULL), FEED_INTELMQ);
	assert_int_equal(feed_guess("e.ndjson", NULL), FEED_INTELMQ);
	assert_int_equal(feed_guess("2024-01-31-scan_ntp-be-geo.csv", NULL), FEED_SHADOWSERVER);
	assert_int_equal(feed_guess("scan_ntp.csv", NULL), FEED_SHADOWSERVER);
	assert_int_equal(feed_guess("my list.csv", NULL), FEED_AUTO);
	assert_int_equal(feed_guess("-", NULL), FEED_AUTO);
	assert_int_equal(feed_guess("events.txt", NULL), FEED_AUTO);
	opt.report = "scan_ntp";
	assert_int_equal(feed_guess("-", &opt), FEED_SHADOWSERVER);
	opt.report = NULL;
	opt.mapping = (const struct csvmap *)&opt; /* only its presence counts */
	assert_int_equal(feed_guess("scan_ntp.csv", &opt), FEED_CSV);
}

struct run {
	struct feed_reader *r;
	FILE *in;
	char *text;
};

static int run_open(struct run *run, const char *name, const char *text,
		    const struct feed_options *opt, struct sk_error *err)
{
	memset(run, 0, sizeof(*run));
	run->text = strdup(text);
	run->in = fmemopen(run->text, strlen(text), "r");
	assert_non_null(run->in);
	run->r = feed_open(run->in, name, opt, err);
	if (run->r == NULL) {
		fclose(run->in);
		free(run->text);
		return err->code;
	}
	return 0;
}

static void run_close(struct run *run)
{
	feed_close(run->r);
	feed_close(NULL);
	fclose(run->in);
	free(run->text);
}

static void test_open_errors(void **state)
{
	struct feed_options opt = {0};
	struct sk_error err = {0};
	struct run run;

	(void)state;
	assert_int_equal(run_open(&run, "-", "", NULL, &err), SK_EUSAGE);
	assert_non_null(strstr(err.msg, "-: cannot tell the format"));
	opt.format = FEED_SHADOWSERVER;
	assert_int_equal(run_open(&run, "-", "", &opt, &err), SK_EUSAGE);
	assert_non_null(strstr(err.msg, "-: no Shadowserver report type in the name"));
	assert_int_equal(run_open(&run, "2024-01-31-scan_nonsense.csv", "", &opt, &err),
			 SK_EINVAL);
	assert_non_null(strstr(err.msg, "unknown Shadowserver report type 'scan_nonsense'"));
	opt.format = FEED_CSV;
	assert_int_equal(run_open(&run, "x.csv", "", &opt, &err), SK_EUSAGE);
	assert_non_null(strstr(err.msg, "CSV needs a mapping file"));
	opt.format = FEED_INTELMQ;
	opt.feed_name = " padded";
	assert_int_equal(run_open(&run, "x.jsonl", "", &opt, &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "feed.name"));
	opt.feed_name = NULL;
	opt.has_tlp = true;
	opt.tlp = (enum tlp_label)17;
	assert_int_equal(run_open(&run, "x.jsonl", "", &opt, &err), SK_EINVAL);
}

#define NTP_HEADER "timestamp,ip,protocol,port\n"
#define NTP_ROW(n) "2024-01-31 12:00:00,192.0.2." #n ",udp,123\n"

static void test_shadowserver(void **state)
{
	struct feed_options opt = {.has_tlp = true, .tlp = TLP_GREEN, .feed_name = "NTP BE"};
	struct sk_error err = {0};
	struct feed_counts n;
	struct event *ev = NULL;
	struct run run;

	(void)state;
	setenv("SCHAKEL_NOW", "1706702400", 1);
	assert_int_equal(run_open(&run, "2024-01-31-scan_ntp-be.csv",
				  NTP_HEADER NTP_ROW(1) NTP_ROW(300) "\n" NTP_ROW(3), &opt,
				  &err),
			 0);
	assert_int_equal(feed_reader_format(run.r), FEED_SHADOWSERVER);
	assert_int_equal(feed_read(run.r, &ev, &err), 1);
	assert_string_equal(event_get(ev, EVENT_SOURCE_IP), "192.0.2.1");
	assert_string_equal(event_get(ev, EVENT_FEED_NAME), "NTP BE");
	assert_string_equal(event_get(ev, EVENT_TLP), "TLP:GREEN");
	assert_string_equal(event_get(ev, EVENT_TIME_OBSERVATION), "2024-01-31T12:00:00+00:00");
	assert_int_equal(feed_read(run.r, &ev, &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "2024-01-31-scan_ntp-be.csv:3: source.ip"));
	assert_int_equal(feed_read(run.r, &ev, &err), 1);
	assert_string_equal(event_get(ev, EVENT_SOURCE_IP), "192.0.2.3");
	assert_int_equal(feed_read(run.r, &ev, &err), 0);
	feed_counts(run.r, &n);
	assert_int_equal(n.lines, 5);
	assert_int_equal(n.events, 2);
	assert_int_equal(n.rejected, 1);
	run_close(&run);

	/* strict: the first bad line is the last thing read */
	opt.strict = true;
	opt.report = "scan_ntp";
	assert_int_equal(
	    run_open(&run, "-", NTP_HEADER NTP_ROW(1) NTP_ROW(300) NTP_ROW(3), &opt, &err), 0);
	assert_int_equal(feed_read(run.r, &ev, &err), 1);
	assert_int_equal(feed_read(run.r, &ev, &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "-:3: "));
	assert_int_equal(feed_read(run.r, &ev, &err), 0);
	assert_int_equal(feed_read(run.r, &ev, &err), 0);
	feed_counts(run.r, &n);
	assert_int_equal(n.events, 1);
	assert_int_equal(n.rejected, 1);
	assert_int_equal(n.lines, 3);
	run_close(&run);
	unsetenv("SCHAKEL_NOW");
}

#define JSON_EVENT(n, extra)                                                                   \
	"{\"feed.name\": \"x\", \"classification.type\": \"scanner\", \"source.ip\": "         \
	"\"192.0.2." #n "\", \"time.source\": \"2024-01-31T12:00:00+00:00\"" extra "}\n"

static void test_intelmq(void **state)
{
	struct feed_options opt = {.has_tlp = true, .tlp = TLP_AMBER, .feed_name = "Replayed"};
	struct sk_error err = {0};
	struct feed_counts n;
	struct event *ev = NULL;
	struct run run;

	(void)state;
	assert_int_equal(
	    run_open(&run, "e.jsonl",
		     JSON_EVENT(1, "") "{bad\n\n" JSON_EVENT(2, ", \"tlp\": \"RED\""), &opt,
		     &err),
	    0);
	assert_int_equal(feed_reader_format(run.r), FEED_INTELMQ);
	assert_int_equal(feed_read(run.r, &ev, &err), 1);
	assert_string_equal(event_get(ev, EVENT_FEED_NAME), "Replayed");
	assert_string_equal(event_get(ev, EVENT_TLP), "TLP:AMBER");
	assert_false(event_has(ev, EVENT_TIME_OBSERVATION));
	assert_int_equal(feed_read(run.r, &ev, &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "e.jsonl:2: "));
	assert_int_equal(feed_read(run.r, &ev, &err), 1);
	assert_string_equal(event_get(ev, EVENT_TLP), "TLP:RED"); /* its own stays */
	assert_int_equal(feed_read(run.r, &ev, &err), 0);
	feed_counts(run.r, &n);
	assert_int_equal(n.events, 2);
	assert_int_equal(n.rejected, 1);
	assert_int_equal(n.lines, 3); /* the blank line is not counted */
	run_close(&run);
}

static void test_csv(void **state)
{
	static const char mapping[] = "[constants]\nclassification.type = blacklist\n"
				      "[columns]\nip = source.ip\n";
	FILE *m = fmemopen((void *)mapping, strlen(mapping), "r");
	struct sk_error err = {0};
	struct feed_options opt = {.feed_name = "List"};
	struct feed_counts n;
	struct event *ev = NULL;
	struct run run;

	(void)state;
	opt.mapping = csvmap_parse(m, "m.ini", &err);
	fclose(m);
	assert_non_null(opt.mapping);
	assert_int_equal(run_open(&run, "list.csv", "ip\n192.0.2.1\nnope\n", &opt, &err), 0);
	assert_int_equal(feed_reader_format(run.r), FEED_CSV);
	assert_int_equal(feed_read(run.r, &ev, &err), 1);
	assert_string_equal(event_get(ev, EVENT_FEED_NAME), "List");
	assert_false(event_has(ev, EVENT_TLP));
	assert_int_equal(feed_read(run.r, &ev, &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "list.csv:3: source.ip"));
	assert_int_equal(feed_read(run.r, &ev, &err), 0);
	feed_counts(run.r, &n);
	assert_int_equal(n.lines, 3);
	assert_int_equal(n.events, 1);
	assert_int_equal(n.rejected, 1);
	run_close(&run);
	csvmap_free((struct csvmap *)opt.mapping);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_formats),	 cmocka_unit_test(test_open_errors),
	    cmocka_unit_test(test_shadowserver), cmocka_unit_test(test_intelmq),
	    cmocka_unit_test(test_csv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
