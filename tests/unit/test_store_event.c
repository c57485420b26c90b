/* tests/unit/test_store_event.c: events in the store, on the backend
 * testdb.h names: what is stored comes back as it went in with its
 * recipients, walks filter and page correctly across chunks, a bad event
 * or recipient stores nothing, purge deletes by time with its recipient
 * rows and one audit row, opt-outs are checked and audited, and a store
 * copy carries events along. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "model/event.h"
#include "model/org.h"
#include "model/recipient.h"
#include "store/db.h"
#include "store/store.h"
#include "testdb.h"

#define NOW 1700000000 /* 2023-11-14T22:13:20Z */
#define DAY 86400

struct fixture {
	struct testdb db;
	char copy_url[256];
	struct store *st;
	int64_t liaison, energy, water, bank;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct testdb_sector o;

	if (f == NULL)
		return -1;
	setenv("SCHAKEL_NOW", "1700000000", 1);
	if (testdb_open(&f->db, "events") != 0)
		return -1;
	f->st = f->db.st;
	if (testdb_sector_add(f->st, "private", &o) != 0)
		return -1;
	f->liaison = o.liaison;
	f->energy = o.energy;
	f->water = o.water;
	f->bank = o.bank;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (f->copy_url[0] != '\0')
		testdb_drop_url(f->copy_url);
	testdb_close(&f->db);
	free(f);
	unsetenv("SCHAKEL_NOW");
	return 0;
}

/* ---- helpers ---- */

static void set(struct event *ev, const char *name, const char *value)
{
	struct sk_error err = {0};

	if (event_set(ev, name, value, &err) != 0)
		fail_msg("%s = %s: %s", name, value, err.msg);
}

/* A complete event: source.ip 192.0.2.<n % 250 + 1>, source.port n, the
 * type, TLP label (NULL: none) and time.source t. */
static void make_event(struct event *ev, int n, const char *type, const char *tlp, int64_t t)
{
	char ip[32], when[21];
	struct sk_error err = {0};

	event_init(ev);
	snprintf(ip, sizeof(ip), "192.0.2.%d", n % 250 + 1);
	str_time_iso((time_t)t, when);
	set(ev, "source.ip", ip);
	if (event_set_int(ev, EVENT_SOURCE_PORT, n % 65536, &err) != 0)
		fail_msg("port: %s", err.msg);
	set(ev, "classification.type", type);
	set(ev, "feed.name", n % 2 ? "Sinkhole-HTTP" : "Open-NTP");
	set(ev, "time.source", when);
	set(ev, "time.observation", "2023-11-14T22:00:00Z");
	if (tlp != NULL)
		set(ev, "tlp", tlp);
}

static struct event_recipient rcpt(int64_t org, enum recipient_role role, int64_t member,
				   const char *reason)
{
	struct event_recipient r;

	memset(&r, 0, sizeof(r));
	r.org_id = org;
	r.role = role;
	r.pass_on = role != RECIPIENT_OWNER;
	r.need_to_know = role == RECIPIENT_LIAISON;
	r.resource_id = role == RECIPIENT_NATIONAL ? 0 : 7;
	r.member_id = member;
	snprintf(r.reason, sizeof(r.reason), "%s", reason);
	return r;
}

/* The JSON line of ev without its newline; caller frees. */
static char *json_line(const struct event *ev)
{
	struct buf b;
	char *s;

	buf_init(&b, 1 << 20);
	assert_int_equal(event_to_json(ev, &b), 0);
	s = buf_take(&b);
	s[strlen(s) - 1] = '\0';
	return s;
}

/* Rows of a walk, copied. */
struct row_copy {
	int64_t id, time;
	char received[21];
	char *feed, *type, *json;
	enum tlp_label tlp;
	bool has_rcpt;
	struct event_recipient r;
};

struct rows {
	struct row_copy v[4096];
	size_t n;
	size_t stop_after; /* 0: never */
};

static int collect(const struct store_event_row *row, void *ctx)
{
	struct rows *rs = ctx;
	struct row_copy *c;

	assert_true(rs->n < sizeof(rs->v) / sizeof(rs->v[0]));
	c = &rs->v[rs->n++];
	c->id = row->id;
	c->time = row->time;
	memcpy(c->received, row->received, sizeof(c->received));
	c->feed = xstrdup(row->feed);
	c->type = xstrdup(row->type);
	c->json = xstrdup(row->json);
	c->tlp = row->tlp;
	c->has_rcpt = row->rcpt != NULL;
	if (row->rcpt)
		c->r = *row->rcpt;
	return rs->stop_after > 0 && rs->n == rs->stop_after ? 42 : 0;
}

static void rows_clear(struct rows *rs)
{
	for (size_t i = 0; i < rs->n; i++) {
		free(rs->v[i].feed);
		free(rs->v[i].type);
		free(rs->v[i].json);
	}
	rs->n = 0;
	rs->stop_after = 0;
}

static struct rows *walk(struct store *st, const struct store_event_filter *f)
{
	static struct rows rs;
	struct sk_error err = {0};

	rows_clear(&rs);
	if (store_event_each(st, f, collect, &rs, &err) != 0)
		fail_msg("store_event_each: %s", err.msg);
	return &rs;
}

static int64_t count_events(const struct fixture *f)
{
	return testdb_sql_int(f->db.url, "SELECT count(*) FROM events");
}

static int64_t count_rcpt(const struct fixture *f)
{
	return testdb_sql_int(f->db.url, "SELECT count(*) FROM event_recipients");
}

/* ---- tests ---- */

static void test_round_trip(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct event ev[3];
	struct event_recipient r0[2], r2[1];
	struct store_event_in in[3];
	struct store_event_filter all = {0};
	struct rows *rs;

	make_event(&ev[0], 1, "infected-system", "TLP:AMBER", NOW - 3600);
	make_event(&ev[1], 2, "vulnerable-system", "AMBER+STRICT", NOW - 7200);
	make_event(&ev[2], 3, "c2server", "green", NOW - 60); /* legacy spelling */
	event_unset(&ev[2], EVENT_TIME_SOURCE);		      /* time.observation then */
	r0[0] = rcpt(f->energy, RECIPIENT_OWNER, 0, "prefix 192.0.2.0/24");
	r0[1] = rcpt(f->liaison, RECIPIENT_LIAISON, f->energy, "member Example Energy");
	r2[0] = rcpt(f->bank, RECIPIENT_OWNER, 0, "asn 64496");
	in[0] = (struct store_event_in){&ev[0], r0, 2};
	in[1] = (struct store_event_in){&ev[1], NULL, 0};
	in[2] = (struct store_event_in){&ev[2], r2, 1};
	if (store_event_add_many(f->st, in, 3, &err) != 0)
		fail_msg("add: %s", err.msg);
	assert_int_equal(count_events(f), 3);
	assert_int_equal(count_rcpt(f), 3);

	rs = walk(f->st, &all);
	assert_int_equal(rs->n, 3);
	for (size_t i = 0; i < 3; i++) {
		char *line = json_line(&ev[i]);

		assert_false(rs->v[i].has_rcpt);
		assert_string_equal(rs->v[i].json, line);
		assert_string_equal(rs->v[i].received, "2023-11-14T22:13:20Z");
		assert_string_equal(rs->v[i].feed, event_get(&ev[i], EVENT_FEED_NAME));
		if (i > 0)
			assert_true(rs->v[i].id > rs->v[i - 1].id);
		free(line);
	}
	assert_int_equal(rs->v[0].time, NOW - 3600);
	assert_int_equal(rs->v[1].time, NOW - 7200);
	assert_int_equal(rs->v[2].time, 1699999200); /* time.observation */
	assert_int_equal(rs->v[0].tlp, TLP_AMBER);
	assert_int_equal(rs->v[1].tlp, TLP_AMBER_STRICT);
	assert_int_equal(rs->v[2].tlp, TLP_GREEN);
	assert_string_equal(rs->v[2].type, "c2-server");

	/* The recipient rows, as routing gave them. */
	{
		struct store_event_filter fl = {.org_id = f->liaison};

		rs = walk(f->st, &fl);
		assert_int_equal(rs->n, 1);
		assert_true(rs->v[0].has_rcpt);
		assert_int_equal(rs->v[0].r.org_id, f->liaison);
		assert_int_equal(rs->v[0].r.role, RECIPIENT_LIAISON);
		assert_true(rs->v[0].r.pass_on);
		assert_true(rs->v[0].r.need_to_know);
		assert_int_equal(rs->v[0].r.member_id, f->energy);
		assert_int_equal(rs->v[0].r.resource_id, 7);
		assert_string_equal(rs->v[0].r.reason, "member Example Energy");
		assert_string_equal(rs->v[0].type, "infected-system");
	}
	{
		struct store_event_filter fe = {.org_id = f->energy};

		rs = walk(f->st, &fe);
		assert_int_equal(rs->n, 1);
		assert_int_equal(rs->v[0].r.role, RECIPIENT_OWNER);
		assert_false(rs->v[0].r.pass_on);
		assert_false(rs->v[0].r.need_to_know);
		assert_int_equal(rs->v[0].r.member_id, 0);
		assert_string_equal(rs->v[0].r.reason, "prefix 192.0.2.0/24");
	}
	{
		struct store_event_filter fw = {.org_id = f->water};

		rs = walk(f->st, &fw);
		assert_int_equal(rs->n, 0);
	}
	rows_clear(rs);
	for (int i = 0; i < 3; i++)
		event_free(&ev[i]);
}

struct rcpt_list {
	struct event_recipient v[8];
	int64_t nid[8];
	size_t n;
};

static int rcpt_collect(const struct event_recipient *r, int64_t nid, void *ctx)
{
	struct rcpt_list *l = ctx;

	assert_true(l->n < 8);
	l->v[l->n] = *r;
	l->nid[l->n++] = nid;
	return 0;
}

static int note_nid(const struct store_event_row *row, void *ctx)
{
	*(int64_t *)ctx = row->notification_id;
	return 0;
}

static void test_recipient_each(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct event ev;
	struct event_recipient r[3];
	struct store_event_in in;
	struct store_event_filter all = {0};
	struct rcpt_list l = {0};
	struct rows *rs;
	char sql[128];

	make_event(&ev, 5, "scanner", "TLP:CLEAR", NOW);
	r[0] = rcpt(f->water, RECIPIENT_OWNER, 0, "domain example.be");
	r[1] = rcpt(f->liaison, RECIPIENT_LIAISON, f->water, "member Example Water");
	r[2] = rcpt(f->energy, RECIPIENT_NATIONAL, 0, "national CSIRT");
	in = (struct store_event_in){&ev, r, 3};
	assert_int_equal(store_event_add_many(f->st, &in, 1, &err), 0);
	rs = walk(f->st, &all);
	assert_int_equal(rs->n, 1);
	assert_int_equal(store_event_recipient_each(f->st, rs->v[0].id, rcpt_collect, &l, &err),
			 0);
	assert_int_equal(l.n, 3);
	/* By organization id. */
	assert_true(l.v[0].org_id < l.v[1].org_id && l.v[1].org_id < l.v[2].org_id);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(l.nid[i], 0);
		if (l.v[i].org_id == f->energy) {
			assert_int_equal(l.v[i].role, RECIPIENT_NATIONAL);
			assert_int_equal(l.v[i].resource_id, 0);
		}
	}
	/* A notification id set later reads back, in both walks. */
	snprintf(sql, sizeof(sql),
		 "UPDATE event_recipients SET notification_id = 77 WHERE org_id = %lld",
		 (long long)f->water);
	{
		struct db *db = db_open(f->db.url, &err);

		assert_non_null(db);
		assert_int_equal(db_exec(db, sql, &err), 0);
		db_close(db);
	}
	l.n = 0;
	assert_int_equal(store_event_recipient_each(f->st, rs->v[0].id, rcpt_collect, &l, &err),
			 0);
	assert_int_equal(l.n, 3);
	for (size_t i = 0; i < l.n; i++)
		assert_int_equal(l.nid[i], l.v[i].org_id == f->water ? 77 : 0);
	{
		struct store_event_filter fw = {.org_id = f->water};
		int64_t nid = -1;

		assert_int_equal(store_event_each(f->st, &fw, note_nid, &nid, &err), 0);
		assert_int_equal(nid, 77);
	}
	rows_clear(rs);
	event_free(&ev);
}

/* Many events: more than a statement's rows and a walk's chunk, each
 * with recipients that depend on its number, so that a recipient tied to
 * the wrong event shows. */
#define MANY 1234

static void test_many_and_filters(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct event *ev = xcalloc(MANY, sizeof(*ev));
	struct event_recipient(*r)[2] = xcalloc(MANY, sizeof(*r));
	struct store_event_in *in = xcalloc(MANY, sizeof(*in));
	struct store_event_filter fl = {0};
	struct rows *rs;
	int64_t n, first;

	for (int i = 0; i < MANY; i++) {
		char reason[64];

		make_event(&ev[i], i, i % 3 == 0 ? "scanner" : "infected-system", "TLP:GREEN",
			   NOW - (int64_t)(MANY - i) * 60);
		snprintf(reason, sizeof(reason), "event %d", i);
		r[i][0] = rcpt(i % 2 ? f->energy : f->water, RECIPIENT_OWNER, 0, reason);
		r[i][1] =
		    rcpt(f->liaison, RECIPIENT_LIAISON, i % 2 ? f->energy : f->water, reason);
		in[i] = (struct store_event_in){&ev[i], r[i], i % 5 == 0 ? 1 : 2};
	}
	if (store_event_add_many(f->st, in, MANY, &err) != 0)
		fail_msg("add: %s", err.msg);
	assert_int_equal(count_events(f), MANY);

	/* All, in id order, across chunks. */
	rs = walk(f->st, &fl);
	assert_int_equal(rs->n, MANY);
	first = rs->v[0].id;
	for (int i = 0; i < MANY; i++) {
		char want[64];

		assert_int_equal(rs->v[i].id, first + i);
		snprintf(want, sizeof(want), "\"source.port\": %d", i);
		assert_non_null(strstr(rs->v[i].json, want));
	}

	/* One organization's: every recipient row on the right event. */
	fl.org_id = f->liaison;
	rs = walk(f->st, &fl);
	n = 0;
	for (int i = 0; i < MANY; i++)
		n += i % 5 != 0;
	assert_int_equal((int64_t)rs->n, n);
	for (size_t k = 0; k < rs->n; k++) {
		int i = (int)(rs->v[k].id - first);
		char want[32];

		snprintf(want, sizeof(want), "event %d", i);
		assert_string_equal(rs->v[k].r.reason, want);
		assert_int_equal(rs->v[k].r.member_id, i % 2 ? f->energy : f->water);
		assert_true(i % 5 != 0);
	}

	/* Limit and cursor page through without gaps or repeats. */
	fl = (struct store_event_filter){.org_id = f->energy, .limit = 100};
	{
		int64_t seen = 0, last = 0;

		for (;;) {
			rs = walk(f->st, &fl);
			if (rs->n == 0)
				break;
			assert_true(rs->n <= 100);
			for (size_t k = 0; k < rs->n; k++) {
				assert_true(rs->v[k].id > last);
				assert_int_equal((rs->v[k].id - first) % 2, 1);
				last = rs->v[k].id;
			}
			seen += (int64_t)rs->n;
			fl.after_id = last;
		}
		assert_int_equal(seen, MANY / 2);
	}

	/* Type (a legacy spelling reads as the current one), feed, time. */
	fl = (struct store_event_filter){.type = "scanner"};
	rs = walk(f->st, &fl);
	assert_int_equal((int64_t)rs->n, (MANY + 2) / 3);
	for (size_t k = 0; k < rs->n; k++)
		assert_string_equal(rs->v[k].type, "scanner");
	fl = (struct store_event_filter){.feed = "Open-NTP", .type = "infected-system"};
	rs = walk(f->st, &fl);
	n = 0;
	for (int i = 0; i < MANY; i++)
		n += i % 2 == 0 && i % 3 != 0;
	assert_int_equal((int64_t)rs->n, n);
	fl = (struct store_event_filter){.since = NOW - 100 * 60, .until = NOW - 10 * 60};
	rs = walk(f->st, &fl);
	assert_int_equal(rs->n, 90);
	for (size_t k = 0; k < rs->n; k++)
		assert_true(rs->v[k].time >= NOW - 100 * 60 && rs->v[k].time < NOW - 10 * 60);
	assert_int_equal(store_event_count(f->st, &fl, &n, &err), 0);
	assert_int_equal(n, 90);
	fl.org_id = f->water;
	assert_int_equal(store_event_count(f->st, &fl, &n, &err), 0);
	assert_int_equal(n, 45);

	/* A limit past one chunk, and a callback that stops. */
	fl = (struct store_event_filter){.limit = 700};
	rs = walk(f->st, &fl);
	assert_int_equal(rs->n, 700);
	{
		static struct rows stop;

		rows_clear(&stop);
		stop.stop_after = 3;
		fl = (struct store_event_filter){0};
		assert_int_equal(store_event_each(f->st, &fl, collect, &stop, &err), 42);
		assert_int_equal(stop.n, 3);
		rows_clear(&stop);
	}

	/* An unknown type is an error, not an empty answer. */
	fl = (struct store_event_filter){.type = "no-such-type"};
	assert_int_equal(store_event_each(f->st, &fl, collect, rs, &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "no-such-type"));
	rows_clear(rs);

	for (int i = 0; i < MANY; i++)
		event_free(&ev[i]);
	free(ev);
	free(r);
	free(in);
}

static void test_hash(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct event ev[3];
	struct store_event_in in[3];

	make_event(&ev[0], 9, "scanner", "TLP:GREEN", NOW);
	make_event(&ev[1], 9, "scanner", "TLP:GREEN", NOW);
	set(&ev[1], "time.observation", "2023-11-14T23:59:59Z"); /* seen again */
	make_event(&ev[2], 10, "scanner", "TLP:GREEN", NOW);	 /* another */
	for (int i = 0; i < 3; i++)
		in[i] = (struct store_event_in){&ev[i], NULL, 0};
	assert_int_equal(store_event_add_many(f->st, in, 3, &err), 0);
	assert_int_equal(testdb_sql_int(f->db.url, "SELECT count(DISTINCT hash) FROM events"),
			 2);
	assert_int_equal(testdb_sql_int(f->db.url, "SELECT count(DISTINCT body) FROM events"),
			 3);
	assert_int_equal(
	    testdb_sql_int(f->db.url, "SELECT count(*) FROM events WHERE length(hash) = 32"),
	    3);
	for (int i = 0; i < 3; i++)
		event_free(&ev[i]);
}

/* Bodies are stored packed, in less than half the bytes of the JSON
 * line, and come back whole whatever bytes the packing holds (fields
 * whose codes are a tab, a newline and a carriage return; backslashes);
 * a body stored as a JSON line by an earlier version reads back as it
 * is. */
static void test_body_forms(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct event ev;
	struct store_event_in in;
	struct store_event_filter all = {0};
	struct rows *rs;
	struct db *db;
	char *line;
	const char *old = "{\"classification.taxonomy\": \"vulnerable\", "
			  "\"classification.type\": \"vulnerable-system\", "
			  "\"feed.name\": \"old\", \"source.ip\": \"192.0.2.9\", "
			  "\"time.source\": \"2023-11-14T22:00:00+00:00\", \"tlp\": \"GREEN\"}";
	char sql[1024];

	make_event(&ev, 1, "infected-system", "TLP:AMBER", NOW);
	set(&ev, "extra.note", "a \"quoted\" word");
	set(&ev, "destination.asn", "64500");		      /* code 9 */
	set(&ev, "destination.domain_suffix", "example");     /* code 10 */
	set(&ev, "destination.geolocation.city", "C:\\x\ty"); /* code 13 */
	in = (struct store_event_in){&ev, NULL, 0};
	assert_int_equal(store_event_add_many(f->st, &in, 1, &err), 0);
	line = json_line(&ev);
	assert_true(2 * testdb_sql_int(f->db.url, "SELECT length(body) FROM events") <
		    (int64_t)strlen(line));
	snprintf(sql, sizeof(sql),
		 "INSERT INTO events (id, time, received, feed, type, tlp, hash, body) "
		 "VALUES (1000, 1700000000, '2023-11-14T22:13:20Z', 'old', "
		 "'vulnerable-system', 'TLP:GREEN', '%032d', '%s')",
		 0, old);
	db = db_open(f->db.url, &err);
	assert_non_null(db);
	assert_int_equal(db_exec(db, sql, &err), 0);
	db_close(db);
	rs = walk(f->st, &all);
	assert_int_equal(rs->n, 2);
	assert_string_equal(rs->v[0].json, line);
	assert_string_equal(rs->v[1].json, old);
	rows_clear(rs);
	free(line);
	event_free(&ev);
}

static void test_errors(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct event ev[2];
	struct event_recipient r[2];
	struct store_event_in in[2];

	make_event(&ev[0], 1, "scanner", "TLP:GREEN", NOW);
	make_event(&ev[1], 2, "scanner", "TLP:GREEN", NOW);
	r[0] = rcpt(f->energy, RECIPIENT_OWNER, 0, "prefix 192.0.2.0/24");
	r[1] = rcpt(f->energy + 1000, RECIPIENT_OWNER, 0, "asn 64500");
	in[0] = (struct store_event_in){&ev[0], r, 1};
	in[1] = (struct store_event_in){&ev[1], r + 1, 1};

	/* A recipient organization that does not exist. */
	assert_int_equal(store_event_add_many(f->st, in, 2, &err), SK_ENOTFOUND);
	assert_non_null(strstr(err.msg, "no organization with id"));
	assert_int_equal(count_events(f), 0);
	assert_int_equal(count_rcpt(f), 0);

	/* An incomplete event, named by its index. */
	in[1].rcpt = r;
	event_unset(&ev[1], EVENT_FEED_NAME);
	assert_int_equal(store_event_add_many(f->st, in, 2, &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "events[1]"));
	assert_int_equal(count_events(f), 0);
	set(&ev[1], "feed.name", "Open-NTP");

	/* No TLP label. */
	event_unset(&ev[1], EVENT_TLP);
	assert_int_equal(store_event_add_many(f->st, in, 2, &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "events[1]: the event has no tlp"));
	set(&ev[1], "tlp", "TLP:GREEN");

	/* The same organization twice for one event. */
	r[1] = r[0];
	in[1] = (struct store_event_in){&ev[1], r, 2};
	assert_int_equal(store_event_add_many(f->st, in, 2, &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "recipient twice"));

	/* Bad recipient fields. */
	r[1] = rcpt(f->water, RECIPIENT_OWNER, 0, "x");
	r[1].role = (enum recipient_role)9;
	assert_int_equal(store_event_add_many(f->st, in, 2, &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "events[1].recipients[1]"));
	r[1] = rcpt(f->water, RECIPIENT_OWNER, 0, "x");
	r[1].need_to_know = true;
	assert_int_equal(store_event_add_many(f->st, in, 2, &err), SK_EINVAL);
	r[1] = rcpt(0, RECIPIENT_OWNER, 0, "x");
	assert_int_equal(store_event_add_many(f->st, in, 2, &err), SK_EINVAL);
	assert_int_equal(count_events(f), 0);

	/* In the caller's transaction, a failure leaves it to roll back. */
	r[1] = rcpt(f->water, RECIPIENT_OWNER, 0, "x");
	assert_int_equal(store_begin(f->st, &err), 0);
	assert_int_equal(store_event_add_many(f->st, in, 1, &err), 0);
	r[1].org_id = f->bank + 99;
	assert_int_equal(store_event_add_many(f->st, in + 1, 1, &err), SK_ENOTFOUND);
	store_rollback(f->st);
	assert_int_equal(count_events(f), 0);

	/* Nothing to add is fine. */
	assert_int_equal(store_event_add_many(f->st, in, 0, &err), 0);
	for (int i = 0; i < 2; i++)
		event_free(&ev[i]);
}

/* The newest audit entry's action and summary. */
struct audit_top {
	char action[64];
	char summary[1024];
	int64_t n;
};

static int audit_note(const struct audit_entry *e, void *ctx)
{
	struct audit_top *t = ctx;

	if (t->n++ == 0) {
		snprintf(t->action, sizeof(t->action), "%s", e->action);
		snprintf(t->summary, sizeof(t->summary), "%s", e->summary);
	}
	return 0;
}

static struct audit_top audit_newest(struct store *st)
{
	struct audit_top t;
	struct sk_error err = {0};

	memset(&t, 0, sizeof(t));
	assert_int_equal(store_audit_each(st, 1, audit_note, &t, &err), 0);
	return t;
}

/* Store n events received at time at. */
static void add_received(struct fixture *f, struct store_event_in *in, size_t n, int64_t at)
{
	struct sk_error err = {0};
	char v[24];

	snprintf(v, sizeof(v), "%lld", (long long)at);
	setenv("SCHAKEL_NOW", v, 1);
	assert_int_equal(store_event_add_many(f->st, in, n, &err), 0);
	unsetenv("SCHAKEL_NOW");
}

static void test_purge(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct event ev[6];
	struct event_recipient r[6];
	struct store_event_in in[6];
	struct store_event_filter all = {0};
	struct audit_top top;
	/* Days old; each stored when it happened, but the last one (as old
	 * as the first) stored only now, by a late feed. */
	int64_t ages[6] = {100, 91, 89, 10, 0, 100};
	int64_t n = -1, audits;
	struct rows *rs;

	for (int i = 0; i < 6; i++) {
		make_event(&ev[i], i, "scanner", "TLP:GREEN", NOW - ages[i] * DAY);
		r[i] = rcpt(f->energy, RECIPIENT_OWNER, 0, "prefix 192.0.2.0/24");
		in[i] = (struct store_event_in){&ev[i], &r[i], 1};
		add_received(f, &in[i], 1, NOW - (i < 5 ? ages[i] : 0) * DAY);
	}
	audits = testdb_sql_int(f->db.url, "SELECT count(*) FROM audit");

	/* What a dry run counts. */
	all.until = NOW - 90 * DAY;
	all.received_before = "2023-08-16T22:13:20Z";
	assert_int_equal(store_event_count(f->st, &all, &n, &err), 0);
	assert_int_equal(n, 2);

	assert_int_equal(store_event_purge(f->st, NOW - 90 * DAY, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(count_events(f), 4);
	assert_int_equal(count_rcpt(f), 4); /* their recipient rows went with them */
	memset(&all, 0, sizeof(all));
	rs = walk(f->st, &all);
	assert_int_equal(rs->n, 4);
	for (size_t k = 0; k < 3; k++)
		assert_true(rs->v[k].time >= NOW - 90 * DAY);
	assert_int_equal(rs->v[3].time, NOW - 100 * DAY); /* the late one */
	top = audit_newest(f->st);
	assert_string_equal(top.action, "event.purge");
	assert_non_null(
	    strstr(top.summary, "deleted 2 events older than 2023-08-16T22:13:20Z"));
	assert_int_equal(testdb_sql_int(f->db.url, "SELECT count(*) FROM audit"), audits + 1);

	/* Nothing to delete: no change, no audit row. */
	assert_int_equal(store_event_purge(f->st, NOW - 90 * DAY, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(testdb_sql_int(f->db.url, "SELECT count(*) FROM audit"), audits + 1);

	/* The boundaries: time < before and received < before, not <=. */
	assert_int_equal(store_event_purge(f->st, NOW - 10 * DAY, &n, &err), 0);
	assert_int_equal(n, 1); /* 89 days */
	assert_int_equal(store_event_purge(f->st, NOW - 10 * DAY + 1, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_event_purge(f->st, NOW, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_event_purge(f->st, NOW + 1, NULL, &err), 0);
	assert_int_equal(count_events(f), 0);
	assert_int_equal(count_rcpt(f), 0);
	rows_clear(rs);
	for (int i = 0; i < 6; i++)
		event_free(&ev[i]);
}

/* More than one purge statement's worth. */
static void test_purge_many(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	enum { N = 10500 };
	struct event *ev = xcalloc(N, sizeof(*ev));
	struct store_event_in *in = xcalloc(N, sizeof(*in));
	struct event_recipient r = rcpt(f->water, RECIPIENT_OWNER, 0, "domain example.be");
	int64_t n = 0;

	for (int i = 0; i < N; i++) {
		make_event(&ev[i], i, "scanner", "TLP:GREEN",
			   NOW - (i < N - 3 ? 200 : 1) * DAY);
		in[i] = (struct store_event_in){&ev[i], &r, 1};
	}
	add_received(f, in, N, NOW - 200 * DAY);
	assert_int_equal(store_event_purge(f->st, NOW - 90 * DAY, &n, &err), 0);
	assert_int_equal(n, N - 3);
	assert_int_equal(count_events(f), 3);
	assert_int_equal(count_rcpt(f), 3);
	for (int i = 0; i < N; i++)
		event_free(&ev[i]);
	free(ev);
	free(in);
}

struct optout_list {
	int64_t org[16];
	char type[16][64];
	size_t n;
};

static int optout_collect(int64_t org_id, const char *type, void *ctx)
{
	struct optout_list *l = ctx;

	assert_true(l->n < 16);
	l->org[l->n] = org_id;
	snprintf(l->type[l->n++], 64, "%s", type);
	return 0;
}

static void test_optouts(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct optout_list l = {0};
	struct audit_top top;

	assert_int_equal(store_optout_add(f->st, f->water, "scanner", &err), 0);
	top = audit_newest(f->st);
	assert_string_equal(top.action, "optout.add");
	assert_non_null(strstr(top.summary, "Example Water"));
	assert_non_null(strstr(top.summary, "scanner"));
	/* A legacy spelling is stored as the current one. */
	assert_int_equal(store_optout_add(f->st, f->water, "c2server", &err), 0);
	assert_int_equal(store_optout_add(f->st, f->energy, "ddos", &err), 0);

	assert_int_equal(store_optout_add(f->st, f->water, "scanner", &err), SK_EEXIST);
	assert_non_null(strstr(err.msg, "already"));
	assert_int_equal(store_optout_add(f->st, f->water, "c2-server", &err), SK_EEXIST);
	assert_int_equal(store_optout_add(f->st, f->water, "no-such-type", &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "no-such-type"));
	assert_int_equal(store_optout_add(f->st, f->bank + 100, "scanner", &err), SK_ENOTFOUND);

	assert_int_equal(store_optout_each(f->st, f->water, optout_collect, &l, &err), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.type[0], "c2-server");
	assert_string_equal(l.type[1], "scanner");
	l.n = 0;
	assert_int_equal(store_optout_each(f->st, 0, optout_collect, &l, &err), 0);
	assert_int_equal(l.n, 3);
	assert_true(l.org[0] <= l.org[1] && l.org[1] <= l.org[2]);

	assert_int_equal(store_optout_remove(f->st, f->water, "scanner", &err), 0);
	top = audit_newest(f->st);
	assert_string_equal(top.action, "optout.remove");
	assert_int_equal(store_optout_remove(f->st, f->water, "scanner", &err), SK_ENOTFOUND);
	assert_int_equal(store_optout_remove(f->st, f->water, "bogus", &err), SK_EINVAL);
	l.n = 0;
	assert_int_equal(store_optout_each(f->st, f->water, optout_collect, &l, &err), 0);
	assert_int_equal(l.n, 1);

	/* Removing an organization removes its opt-outs. */
	assert_int_equal(store_org_remove(f->st, f->water, &err), 0);
	l.n = 0;
	assert_int_equal(store_optout_each(f->st, 0, optout_collect, &l, &err), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.org[0], f->energy);
}

/* Mark org's row of event id as carried by a notification. */
static void notify_one(struct fixture *f, int64_t org, int64_t id)
{
	struct store_notification n = {.org_id = org,
				       .feed = "Open-NTP",
				       .type = "scanner",
				       .tlp = TLP_GREEN,
				       .events = 1};
	struct sk_error err = {0};

	if (store_notification_add(f->st, &n, &id, 1, &err) != 0)
		fail_msg("notification: %s", err.msg);
}

/* Removing an organization removes its recipient rows, waiting for a
 * notification or not, and not the events. */
static void test_org_remove(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct event ev[3];
	struct event_recipient r[3][2];
	struct store_event_in in[3];
	struct rows *rs;
	struct store_event_filter fl = {.org_id = f->energy};

	for (int i = 0; i < 3; i++) {
		make_event(&ev[i], i, "scanner", "TLP:GREEN", NOW);
		r[i][0] = rcpt(f->energy, i == 2 ? RECIPIENT_NATIONAL : RECIPIENT_OWNER, 0,
			       "prefix 192.0.2.0/24");
		r[i][1] =
		    rcpt(f->liaison, RECIPIENT_LIAISON, f->energy, "member Example Energy");
		in[i] = (struct store_event_in){&ev[i], r[i], 2};
	}
	assert_int_equal(store_event_add_many(f->st, in, 3, &err), 0);
	rs = walk(f->st, &fl);
	assert_int_equal(rs->n, 3);
	/* one waits, one was notified, one never waits */
	notify_one(f, f->energy, rs->v[1].id);
	assert_int_equal(store_org_remove(f->st, f->energy, &err), 0);
	assert_int_equal(count_events(f), 3);
	assert_int_equal(count_rcpt(f), 3);
	assert_int_equal(
	    testdb_sql_int(f->db.url,
			   "SELECT count(*) FROM event_recipients WHERE role = 'liaison'"),
	    3);
	for (int i = 0; i < 3; i++)
		event_free(&ev[i]);
}

/* An organization's rows come back in id order whether a notification
 * carried them, they wait for one, or they never wait (the national
 * CSIRT's): in pages, counted, and the waiting ones on their own. */
static void test_walk_kinds(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct event ev[6];
	struct event_recipient r[6];
	struct store_event_in in[6];
	struct store_event_filter fl = {.org_id = f->energy};
	struct rows *rs;
	int64_t ids[6], n = 0, after = 0;
	size_t got = 0;

	for (int i = 0; i < 6; i++) {
		make_event(&ev[i], i, "scanner", "TLP:GREEN", NOW - 60 * (6 - i));
		r[i] = rcpt(f->energy, i == 4 ? RECIPIENT_NATIONAL : RECIPIENT_OWNER, 0,
			    "prefix 192.0.2.0/24");
		in[i] = (struct store_event_in){&ev[i], &r[i], 1};
	}
	assert_int_equal(store_event_add_many(f->st, in, 6, &err), 0);
	rs = walk(f->st, &fl);
	assert_int_equal(rs->n, 6);
	for (int i = 0; i < 6; i++)
		ids[i] = rs->v[i].id;
	notify_one(f, f->energy, ids[1]);
	notify_one(f, f->energy, ids[2]);
	notify_one(f, f->energy, ids[5]);

	/* all six, in pages of four and two */
	fl.limit = 4;
	do {
		fl.after_id = after;
		rs = walk(f->st, &fl);
		for (size_t i = 0; i < rs->n; i++) {
			assert_int_equal(rs->v[i].id, ids[got]);
			assert_true(rs->v[i].has_rcpt);
			assert_int_equal(rs->v[i].r.org_id, f->energy);
			got++;
		}
		after = rs->n > 0 ? rs->v[rs->n - 1].id : after;
	} while (rs->n == 4);
	assert_int_equal(got, 6);
	fl.limit = 0;
	fl.after_id = 0;
	assert_int_equal(store_event_count(f->st, &fl, &n, &err), 0);
	assert_int_equal(n, 6);
	fl.after_id = ids[2];
	assert_int_equal(store_event_count(f->st, &fl, &n, &err), 0);
	assert_int_equal(n, 3);

	/* waiting: 0 and 3 (4 is the national CSIRT's) */
	fl.after_id = 0;
	fl.pending = true;
	rs = walk(f->st, &fl);
	assert_int_equal(rs->n, 2);
	assert_int_equal(rs->v[0].id, ids[0]);
	assert_int_equal(rs->v[1].id, ids[3]);
	assert_int_equal(store_event_count(f->st, &fl, &n, &err), 0);
	assert_int_equal(n, 2);
	for (int i = 0; i < 6; i++)
		event_free(&ev[i]);
}

/* Ids continue past the highest there ever was, after a purge too, so
 * that a reader's cursor never misses an event. */
static void test_ids_grow(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct event ev[3];
	struct event_recipient r = rcpt(f->energy, RECIPIENT_OWNER, 0, "prefix 192.0.2.0/24");
	struct store_event_in in[3];
	struct store_event_filter all = {0};
	struct rows *rs;
	int64_t last, deleted = 0;

	for (int i = 0; i < 3; i++) {
		make_event(&ev[i], i, "scanner", "TLP:GREEN", NOW - 10 * DAY);
		in[i] = (struct store_event_in){&ev[i], &r, 1};
	}
	add_received(f, in, 2, NOW - 10 * DAY);
	rs = walk(f->st, &all);
	assert_int_equal(rs->n, 2);
	assert_int_equal(rs->v[1].id, rs->v[0].id + 1);
	last = rs->v[1].id;
	assert_int_equal(store_event_purge(f->st, NOW, &deleted, &err), 0);
	assert_int_equal(deleted, 2);
	assert_int_equal(store_event_add_many(f->st, in + 2, 1, &err), 0);
	rs = walk(f->st, &all);
	assert_int_equal(rs->n, 1);
	assert_true(rs->v[0].id > last);
	for (int i = 0; i < 3; i++)
		event_free(&ev[i]);
}

/* A store copy carries events, recipient rows and opt-outs, ids kept. */
static void test_copy(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct event ev[2];
	struct event_recipient r = rcpt(f->energy, RECIPIENT_OWNER, 0, "prefix 192.0.2.0/24");
	struct store_event_in in[2];
	struct store_copy_stats stats;
	struct store_event_filter all = {0};
	struct store *to;
	struct rows *rs;
	char *first;

	make_event(&ev[0], 1, "scanner", "TLP:GREEN", NOW);
	make_event(&ev[1], 2, "scanner", "TLP:RED", NOW);
	in[0] = (struct store_event_in){&ev[0], &r, 1};
	in[1] = (struct store_event_in){&ev[1], NULL, 0};
	assert_int_equal(store_event_add_many(f->st, in, 2, &err), 0);
	assert_int_equal(store_optout_add(f->st, f->bank, "spam", &err), 0);
	rs = walk(f->st, &all);
	first = xstrdup(rs->v[0].json);

	assert_int_equal(testdb_new_url(f->db.dir, "copy", f->copy_url, sizeof(f->copy_url)),
			 0);
	to = store_open(f->copy_url, &err);
	assert_non_null(to);
	if (store_copy(f->st, to, &stats, &err) != 0)
		fail_msg("copy: %s", err.msg);
	assert_int_equal(stats.events, 2);
	assert_int_equal(stats.event_recipients, 1);
	assert_int_equal(stats.optouts, 1);
	rs = walk(to, &all);
	assert_int_equal(rs->n, 2);
	assert_string_equal(rs->v[0].json, first);
	assert_int_equal(rs->v[1].tlp, TLP_RED);
	/* New events continue past the copied ids. */
	{
		int64_t last = rs->v[1].id;

		assert_int_equal(store_event_add_many(to, in, 1, &err), 0);
		all.after_id = last;
		rs = walk(to, &all);
		assert_int_equal(rs->n, 1);
	}
	rows_clear(rs);
	free(first);
	store_close(to);
	for (int i = 0; i < 2; i++)
		event_free(&ev[i]);
}

#define TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    TEST(test_round_trip), TEST(test_recipient_each), TEST(test_many_and_filters),
	    TEST(test_hash),	   TEST(test_errors),	      TEST(test_purge),
	    TEST(test_purge_many), TEST(test_optouts),	      TEST(test_org_remove),
	    TEST(test_walk_kinds), TEST(test_ids_grow),	      TEST(test_copy),
	    TEST(test_body_forms),
	};

	testdb_skip_if_unavailable();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
