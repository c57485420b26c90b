/* tests/unit/test_csvmap.c: CSV files read through a mapping file: every
 * mistake in the mapping named with its line, columns to fields and
 * extra.*, constants as defaults, the time formats, files without a
 * header, and bad rows reported with their line and column. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed/csvmap.h"
#include "lib/buf.h"
#include "lib/error.h"
#include "model/event.h"

#define OBSERVATION 1706702400 /* 2024-01-31T12:00:00Z */

static struct csvmap *map_of(const char *text, struct sk_error *err)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	struct csvmap *map;

	assert_non_null(f);
	map = csvmap_parse(f, "m.ini", err);
	fclose(f);
	return map;
}

static void map_bad(const char *text, const char *want)
{
	struct sk_error err = {0};
	struct csvmap *map = map_of(text, &err);

	if (map != NULL)
		fail_msg("mapping accepted, wanted '%s'", want);
	if (strncmp(err.msg, want, strlen(want)) != 0)
		fail_msg("want '%s...', got '%s'", want, err.msg);
}

#define MINIMAL "[constants]\nclassification.type = blacklist\n[columns]\nip = source.ip\n"

static void test_mapping_errors(void **state)
{
	char longline[CSVMAP_LINE_MAX + 40];

	(void)state;
	map_bad("[sources]\n", "m.ini:1: unknown section [sources]");
	map_bad("# comment\nip = source.ip\n", "m.ini:2: setting outside a section");
	map_bad("[columns]\nip source.ip\n",
		"m.ini:2: not a section, a comment or NAME = VALUE");
	map_bad("[columns]\nip =\n", "m.ini:2: the value is empty");
	map_bad("[columns]\n = source.ip\n", "m.ini:2: the name is empty");
	map_bad("[csv]\nquote = '\n", "m.ini:2: unknown setting 'quote'");
	map_bad("[csv]\ndelimiter = ;;\n", "m.ini:2: delimiter: one ASCII character");
	map_bad("[csv]\ndelimiter = \"\n", "m.ini:2: delimiter");
	map_bad("[csv]\nheader = maybe\n", "m.ini:2: header: yes or no");
	map_bad("[csv]\nunmapped = drop\n", "m.ini:2: unmapped: extra or ignore");
	map_bad("[csv]\ntime_format = %H:%M\n", "m.ini:2: time_format: the time pattern needs");
	map_bad("[columns]\nip = source.address\n",
		"m.ini:2: 'source.address' is not an IntelMQ field");
	map_bad("[columns]\nip = extra.Bad Name\n",
		"m.ini:2: 'extra.Bad Name' is not an extra.* name");
	map_bad("[constants]\nclassification.type = nonsense\n",
		"m.ini:2: classification.type: 'nonsense' is not an RSIT type");
	map_bad("[constants]\nclassification.type = scanner\nclassification.taxonomy = "
		"vulnerable\n",
		"m.ini:3: classification.taxonomy: 'vulnerable' does not match");
	map_bad("[constants]\nfeed.name = a\nfeed.name = b\n",
		"m.ini:3: feed.name is given twice");
	map_bad(MINIMAL "ip = source.ip\n", "m.ini:5: column 'ip' is mapped on line 4 already");
	map_bad(MINIMAL "addr = source.ip\n",
		"m.ini:5: source.ip is the target of column 'ip' on line 4 already");
	map_bad("[columns]\n\"a = b\n", "m.ini:2: a quoted name is not closed");
	map_bad("[columns]\n\"a\" b = c\n", "m.ini:2: '=' must follow the quoted name");
	map_bad("[constants]\nclassification.type = blacklist\n", "m.ini: no [columns] mapped");
	map_bad("[columns]\nip = source.ip\n",
		"m.ini: classification.type is neither a constant nor a column");
	map_bad("[constants]\nclassification.type = blacklist\n[columns]\nip = extra.ip\n",
		"m.ini: no column or constant gives source.ip");
	map_bad("[csv]\nheader = no\n" MINIMAL,
		"m.ini:6: with header = no, columns are numbers");
	map_bad("[csv]\nheader = no\n[constants]\nclassification.type = blacklist\n[columns]\n"
		"0 = source.ip\n",
		"m.ini:6: with header = no");
	map_bad("[csv]\nheader = no\n[constants]\nclassification.type = blacklist\n[columns]\n"
		"513 = source.ip\n",
		"m.ini:6: with header = no");
	memset(longline, 'a', sizeof(longline));
	memcpy(longline, "[columns]\n", 10);
	longline[sizeof(longline) - 1] = '\0';
	map_bad(longline, "m.ini:2: line longer than 4096 bytes");
	{
		char nul[] = "[columns]\nip = source.ip\0\n";
		FILE *f = fmemopen(nul, sizeof(nul) - 1, "r");
		struct sk_error err = {0};

		assert_null(csvmap_parse(f, "m.ini", &err));
		assert_string_equal(err.msg, "m.ini: holds a NUL byte");
		fclose(f);
	}
	{
		struct sk_error err = {0};

		assert_null(csvmap_load("/nonexistent/map.ini", &err));
		assert_int_equal(err.code, SK_ENOTFOUND);
	}
}

struct run {
	struct csvmap *map;
	struct csvmap_reader *r;
	FILE *in;
	char *text;
};

static void run_start(struct run *run, const char *mapping, const char *csv, const char *feed,
		      bool raw)
{
	struct csvmap_options opt = {.feed_name = feed, .observation = OBSERVATION, .raw = raw};
	struct sk_error err = {0};

	memset(run, 0, sizeof(*run));
	run->map = map_of(mapping, &err);
	if (run->map == NULL)
		fail_msg("%s", err.msg);
	run->text = strdup(csv);
	run->in = fmemopen(run->text, strlen(csv) ? strlen(csv) : 1, "r");
	assert_non_null(run->in);
	run->r = csvmap_reader_new(run->in, "d.csv", run->map, &opt, &err);
	if (run->r == NULL)
		fail_msg("%s", err.msg);
}

static void run_end(struct run *run)
{
	struct event *ev;

	assert_int_equal(csvmap_read(run->r, &ev, NULL), 0);
	assert_int_equal(csvmap_read(run->r, &ev, NULL), 0);
	csvmap_reader_free(run->r);
	csvmap_reader_free(NULL);
	csvmap_free(run->map);
	csvmap_free(NULL);
	fclose(run->in);
	free(run->text);
}

/* The next event as IntelMQ JSON. */
static char *next_json(struct run *run)
{
	struct sk_error err = {0};
	struct event *ev = NULL;
	struct buf out;
	int rc = csvmap_read(run->r, &ev, &err);

	if (rc != 1)
		fail_msg("want an event, got rc %d: %s", rc, err.msg);
	buf_init(&out, 1 << 20);
	assert_int_equal(event_to_json(ev, &out), 0);
	out.data[--out.len] = '\0'; /* the newline */
	return buf_take(&out);
}

static void next_is(struct run *run, const char *want)
{
	char *got = next_json(run);

	if (strcmp(got, want) != 0)
		fail_msg("\n got  %s\n want %s", got, want);
	free(got);
}

static void next_bad(struct run *run, const char *want)
{
	struct sk_error err = {0};
	struct event *ev = NULL;
	int rc = csvmap_read(run->r, &ev, &err);

	if (rc >= 0)
		fail_msg("want '%s', got rc %d", want, rc);
	assert_int_equal(err.code, rc);
	if (strcmp(err.msg, want) != 0)
		fail_msg("want '%s', got '%s'", want, err.msg);
}

static const char blocklist_map[] = "# Example Blocklist: ip,first seen,asn,reason,comment\n"
				    "[csv]\n"
				    "time_format = %d/%m/%Y %H:%M\n"
				    "\n"
				    "[constants]\n"
				    "feed.name = Example Blocklist\n"
				    "classification.type = blacklist\n"
				    "classification.identifier = example-blocklist\n"
				    "\n"
				    "[columns]\n"
				    "ip = source.ip\n"
				    "; the time this address was first seen\n"
				    "\"first seen\" = time.source\n"
				    "asn = source.asn\n"
				    "reason = extra.reason\n"
				    "type = classification.type\n"
				    "comment = ignore\n";

static void test_read(void **state)
{
	struct run run;

	(void)state;
	run_start(&run, blocklist_map,
		  "ip,first seen,asn,reason,comment,type,Seen By\n"
		  "192.0.2.1,31/01/2024 11:00,AS64496,spam,private,,Example CERT\n"
		  "2001:db8::1,31/01/2024 12:00,64497,,x,scanner,\n"
		  "192.0.2.300,31/01/2024 12:00,64497,,,,\n"
		  "192.0.2.4,2024-01-31,64497,,,,\n"
		  "192.0.2.5,31/01/2024 12:00,64497,,,,,\n"
		  "192.0.2.6,31/01/2024 12:00,64497,,,nonsense,\n"
		  "192.0.2.7,,64497\n",
		  NULL, false);
	next_is(
	    &run,
	    "{\"classification.identifier\": \"example-blocklist\", "
	    "\"classification.taxonomy\": \"other\", \"classification.type\": \"blacklist\", "
	    "\"extra.reason\": \"spam\", \"extra.seen_by\": \"Example CERT\", "
	    "\"feed.name\": \"Example Blocklist\", \"source.asn\": 64496, "
	    "\"source.ip\": \"192.0.2.1\", \"time.observation\": "
	    "\"2024-01-31T12:00:00+00:00\", \"time.source\": \"2024-01-31T11:00:00+00:00\"}");
	/* a column replaces the constant it shares a field with */
	next_is(
	    &run,
	    "{\"classification.identifier\": \"example-blocklist\", "
	    "\"classification.taxonomy\": \"information-gathering\", "
	    "\"classification.type\": \"scanner\", \"feed.name\": \"Example Blocklist\", "
	    "\"source.asn\": 64497, \"source.ip\": \"2001:db8::1\", \"time.observation\": "
	    "\"2024-01-31T12:00:00+00:00\", \"time.source\": \"2024-01-31T12:00:00+00:00\"}");
	next_bad(&run, "d.csv:4: source.ip: '192.0.2.300' is not an IP address (part 300 is "
		       "over 255 in an IPv4 address) (column 'ip')");
	next_bad(&run, "d.csv:5: time.source: '2024-01-31' is not a time in the form of "
		       "time_format (column 'first seen')");
	next_bad(&run, "d.csv:6: 8 fields where the header has 7");
	next_bad(&run, "d.csv:7: classification.type: 'nonsense' is not an RSIT type (column "
		       "'type')");
	/* a short row: the missing fields are empty */
	next_is(
	    &run,
	    "{\"classification.identifier\": \"example-blocklist\", "
	    "\"classification.taxonomy\": \"other\", \"classification.type\": \"blacklist\", "
	    "\"feed.name\": \"Example Blocklist\", \"source.asn\": 64497, "
	    "\"source.ip\": \"192.0.2.7\", \"time.observation\": "
	    "\"2024-01-31T12:00:00+00:00\"}");
	assert_int_equal(csvmap_lines(run.r), 8);
	run_end(&run);

	/* the header lacks a mapped column: the file is bad */
	run_start(&run, blocklist_map, "ip,asn\n192.0.2.1,64496\n", NULL, false);
	next_bad(&run, "d.csv:1: the header lacks the column 'first seen' of the mapping");
	run_end(&run);
}

static void test_options(void **state)
{
	struct run run;
	struct csvmap *map;
	struct sk_error err = {0};
	FILE *in;

	(void)state;
	/* no header, ';', comments, epoch, nothing unmapped kept */
	run_start(
	    &run,
	    "[csv]\nheader = no\ndelimiter = ;\ncomment = #\ntime_format = epoch\n"
	    "unmapped = ignore\n[constants]\nclassification.type = c2-server\n"
	    "[columns]\n2 = source.fqdn\n1 = time.source\n",
	    "# abuse.example.test C2 list\n1706702400.5;C2.Example.test;x\n-1;a.example.test\n"
	    "x;b.example.test\n1706702400\n",
	    "C2 List", false);
	next_is(
	    &run,
	    "{\"classification.taxonomy\": \"malicious-code\", \"classification.type\": "
	    "\"c2-server\", \"feed.name\": \"C2 List\", \"source.fqdn\": \"c2.example.test\", "
	    "\"time.observation\": \"2024-01-31T12:00:00+00:00\", \"time.source\": "
	    "\"2024-01-31T12:00:00+00:00\"}");
	next_is(
	    &run,
	    "{\"classification.taxonomy\": \"malicious-code\", \"classification.type\": "
	    "\"c2-server\", \"feed.name\": \"C2 List\", \"source.fqdn\": \"a.example.test\", "
	    "\"time.observation\": \"2024-01-31T12:00:00+00:00\", \"time.source\": "
	    "\"1969-12-31T23:59:59+00:00\"}");
	next_bad(&run, "d.csv:4: time.source: 'x' is not a time in the form of time_format "
		       "(column '1')");
	next_bad(&run, "d.csv:5: 1 fields where the mapping needs 2");
	run_end(&run);

	/* epoch_ms; without a header other columns are extra.column_N */
	run_start(&run,
		  "[csv]\nheader = false\ndelimiter = tab\ntime_format = epoch_ms\n"
		  "[constants]\nclassification.type = scanner\nfeed.name = Scanners\n"
		  "[columns]\n1 = source.ip\n2 = time.source\n",
		  "192.0.2.1\t1706702400999\tport 22\t\n", NULL, false);
	next_is(
	    &run,
	    "{\"classification.taxonomy\": \"information-gathering\", "
	    "\"classification.type\": \"scanner\", \"extra.column_3\": \"port 22\", "
	    "\"feed.name\": \"Scanners\", \"source.ip\": \"192.0.2.1\", \"time.observation\": "
	    "\"2024-01-31T12:00:00+00:00\", \"time.source\": \"2024-01-31T12:00:00+00:00\"}");
	run_end(&run);

	/* --feed replaces the mapping's feed.name; raw is the header and the row */
	run_start(&run, MINIMAL "[constants]\nfeed.name = Mine\n", "ip\n192.0.2.1\n", "Given",
		  true);
	next_is(
	    &run,
	    "{\"classification.taxonomy\": \"other\", \"classification.type\": "
	    "\"blacklist\", \"feed.name\": \"Given\", \"raw\": \"ImlwIgoiMTkyLjAuMi4xIgo=\", "
	    "\"source.ip\": \"192.0.2.1\", \"time.observation\": "
	    "\"2024-01-31T12:00:00+00:00\"}");
	run_end(&run);

	/* no feed.name anywhere: refused before reading */
	map = map_of(MINIMAL, &err);
	assert_non_null(map);
	in = fopen("/dev/null", "r");
	assert_null(csvmap_reader_new(in, "d.csv", map, NULL, &err));
	assert_string_equal(err.msg, "d.csv: the events would have no feed.name: set it in "
				     "[constants] of the mapping, or give a feed name");
	fclose(in);
	csvmap_free(map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mapping_errors),
	    cmocka_unit_test(test_read),
	    cmocka_unit_test(test_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
