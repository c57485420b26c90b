/* tests/unit/test_api_events.c: GET /api/v1/events, its handler driven
 * in-process on a store of the backend testdb.h names. The negative
 * cases first: a partner never sees another organization's events, a
 * liaison sees its member's AMBER event but not an AMBER+STRICT one, and
 * no row the TLP policy refuses leaves; then pages, filters, CSV and the
 * errors for bad arguments. Also the time bounds of
 * registry/event_read.h. */
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

#include "http/api_events.h"
#include "http/request.h"
#include "http/response.h"
#include "http/router.h"
#include "lib/buf.h"
#include "lib/error.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "model/event.h"
#include "model/org.h"
#include "model/recipient.h"
#include "registry/event_read.h"
#include "store/store.h"
#include "testdb.h"

#define NOW	1700000000 /* 2023-11-14T22:13:20Z */
#define NEVENTS 6

struct fixture {
	char dir[64];
	char url[256];
	struct store *st;
	int64_t liaison, a, b, c;
	int64_t ids[NEVENTS + 1]; /* event number -> id */
	struct user admin, analyst, pl, pa, pb, pc;
};

static void set(struct event *ev, const char *name, const char *value)
{
	struct sk_error err = {0};

	if (event_set(ev, name, value, &err) != 0)
		fail_msg("%s = %s: %s", name, value, err.msg);
}

static struct event_recipient rcpt(int64_t org, enum recipient_role role, bool pass_on,
				   bool ntk, int64_t member, const char *reason)
{
	struct event_recipient r;

	memset(&r, 0, sizeof(r));
	r.org_id = org;
	r.role = role;
	r.pass_on = pass_on;
	r.need_to_know = ntk;
	r.resource_id = 3;
	r.member_id = member;
	snprintf(r.reason, sizeof(r.reason), "%s", reason);
	return r;
}

/* Events 1..6, source.port = the number:
 *   1 AMBER         A owner, L liaison (member A)
 *   2 AMBER+STRICT  A owner only (stored with pass_on: the policy says no)
 *   3 AMBER+STRICT  A owner and, wrongly, L liaison: the policy refuses L
 *   4 GREEN         C owner
 *   5 RED           A owner: the policy refuses even the owner
 *   6 CLEAR         B owner, L liaison (member B) */
static void seed(struct fixture *f)
{
	static const char *const tlp[NEVENTS + 1] = {
	    NULL, "AMBER", "AMBER+STRICT", "AMBER+STRICT", "GREEN", "RED", "CLEAR"};
	struct event ev[NEVENTS + 1];
	struct event_recipient r[NEVENTS + 1][2];
	struct store_event_in in[NEVENTS];
	size_t nr[NEVENTS + 1] = {0, 2, 1, 2, 1, 1, 2};
	struct sk_error err = {0};

	r[1][0] = rcpt(f->a, RECIPIENT_OWNER, true, true, 0, "prefix 198.51.100.0/24");
	r[1][1] =
	    rcpt(f->liaison, RECIPIENT_LIAISON, true, true, f->a, "member Example Energy");
	r[2][0] = rcpt(f->a, RECIPIENT_OWNER, true, false, 0, "prefix 198.51.100.0/24");
	r[3][0] = rcpt(f->a, RECIPIENT_OWNER, false, false, 0, "prefix 198.51.100.0/24");
	r[3][1] =
	    rcpt(f->liaison, RECIPIENT_LIAISON, true, true, f->a, "member Example Energy");
	r[4][0] = rcpt(f->c, RECIPIENT_OWNER, true, false, 0, "asn 64500, via \"transit\"");
	r[5][0] = rcpt(f->a, RECIPIENT_OWNER, false, false, 0, "prefix 198.51.100.0/24");
	r[6][0] = rcpt(f->b, RECIPIENT_OWNER, true, false, 0, "domain example.nl");
	r[6][1] =
	    rcpt(f->liaison, RECIPIENT_LIAISON, true, false, f->b, "member Example Water");
	for (int i = 1; i <= NEVENTS; i++) {
		char ip[32], when[21];

		event_init(&ev[i]);
		snprintf(ip, sizeof(ip), "198.51.100.%d", i);
		str_time_iso((time_t)(NOW - (NEVENTS - i) * 3600), when);
		set(&ev[i], "source.ip", ip);
		if (event_set_int(&ev[i], EVENT_SOURCE_PORT, i, &err) != 0)
			fail_msg("%s", err.msg);
		set(&ev[i], "classification.type", i == 4 ? "scanner" : "infected-system");
		set(&ev[i], "feed.name", i == 6 ? "Open-NTP" : "Sinkhole-HTTP");
		set(&ev[i], "time.source", when);
		set(&ev[i], "tlp", tlp[i]);
		in[i - 1] = (struct store_event_in){&ev[i], r[i], nr[i]};
	}
	if (store_event_add_many(f->st, in, NEVENTS, &err) != 0)
		fail_msg("seed: %s", err.msg);
	for (int i = 1; i <= NEVENTS; i++)
		event_free(&ev[i]);
}

struct id_walk {
	int64_t *ids;
	int n;
};

static int note_id(const struct store_event_row *row, void *ctx)
{
	struct id_walk *w = ctx;

	w->ids[++w->n] = row->id;
	return 0;
}

/* Events 1..5, source.port = the number, one per label (RED,
 * AMBER+STRICT, AMBER, GREEN, CLEAR), each stored for owner A and for
 * liaison L (member A), with the routing's word "may pass on": only the
 * policy decides what leaves. */
static const char *const label_tlp[] = {NULL, "RED", "AMBER+STRICT", "AMBER", "GREEN", "CLEAR"};
#define NLABELS 5

static int seed_labels(struct fixture *f)
{
	struct event ev[NLABELS + 1];
	struct event_recipient r[2];
	struct store_event_in in[NLABELS];
	struct sk_error err = {0};

	r[0] = rcpt(f->a, RECIPIENT_OWNER, true, false, 0, "prefix 198.51.100.0/24");
	r[1] = rcpt(f->liaison, RECIPIENT_LIAISON, true, false, f->a, "member Example Energy");
	for (int i = 1; i <= NLABELS; i++) {
		char ip[32];

		event_init(&ev[i]);
		snprintf(ip, sizeof(ip), "198.51.100.%d", i);
		set(&ev[i], "source.ip", ip);
		if (event_set_int(&ev[i], EVENT_SOURCE_PORT, i, &err) != 0)
			fail_msg("%s", err.msg);
		set(&ev[i], "classification.type", "infected-system");
		set(&ev[i], "feed.name", "Sinkhole-HTTP");
		set(&ev[i], "time.source", "2023-11-14T20:00:00Z");
		set(&ev[i], "tlp", label_tlp[i]);
		in[i - 1] = (struct store_event_in){&ev[i], r, 2};
	}
	if (store_event_add_many(f->st, in, NLABELS, &err) != 0)
		fail_msg("seed: %s", err.msg);
	for (int i = 1; i <= NLABELS; i++)
		event_free(&ev[i]);
	return NLABELS;
}

static int seed_events(struct fixture *f)
{
	seed(f);
	return NEVENTS;
}

static int setup_with(void **state, int (*seed_fn)(struct fixture *))
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct sk_error err = {0};
	struct store_event_filter all = {0};
	struct id_walk w;
	int n;

	if (f == NULL)
		return -1;
	setenv("SCHAKEL_NOW", "1700000000", 1);
	snprintf(f->dir, sizeof(f->dir), "/tmp/schakel-test-apiev-XXXXXX");
	if (mkdtemp(f->dir) == NULL ||
	    testdb_new_url(f->dir, "api", f->url, sizeof(f->url)) != 0)
		return -1;
	f->st = store_open(f->url, &err);
	if (f->st == NULL)
		return -1;
	f->liaison = testdb_org_add(f->st, "Energy Sector CERT", ORG_KIND_LIAISON);
	f->a = testdb_org_add(f->st, "Example Energy", ORG_KIND_CONSTITUENT);
	f->b = testdb_org_add(f->st, "Example Water", ORG_KIND_CONSTITUENT);
	f->c = testdb_org_add(f->st, "Other Bank", ORG_KIND_CONSTITUENT);
	if (store_member_add(f->st, f->liaison, f->a, &err) != 0 ||
	    store_member_add(f->st, f->liaison, f->b, &err) != 0)
		return -1;
	n = seed_fn(f);
	w.ids = f->ids;
	w.n = 0;
	if (store_event_each(f->st, &all, note_id, &w, &err) != 0 || w.n != n)
		return -1;
	f->admin = testdb_user("alice", USER_ROLE_ADMIN, 0);
	f->analyst = testdb_user("ann", USER_ROLE_ANALYST, 0);
	f->pl = testdb_user("pat", USER_ROLE_PARTNER, f->liaison);
	f->pa = testdb_user("eve", USER_ROLE_PARTNER, f->a);
	f->pb = testdb_user("wim", USER_ROLE_PARTNER, f->b);
	f->pc = testdb_user("bob", USER_ROLE_PARTNER, f->c);
	*state = f;
	return 0;
}

static int setup(void **state)
{
	return setup_with(state, seed_events);
}

static int setup_labels(void **state)
{
	return setup_with(state, seed_labels);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	store_close(f->st);
	testdb_drop_url(f->url);
	testdb_remove_dir(f->dir);
	free(f);
	unsetenv("SCHAKEL_NOW");
	return 0;
}

/* ---- driving the handler ---- */

struct answer {
	int rc;	    /* the handler's result */
	int status; /* HTTP status: the response's, or the error's */
	struct sk_error err;
	char *text; /* the body */
	const char *type;
	char next_header[24];
	json_t *json; /* the body parsed, for JSON answers */
};

static void answer_free(struct answer *a)
{
	free(a->text);
	json_decref(a->json);
	memset(a, 0, sizeof(*a));
}

/* The whole of a streamed body, as the server writes it: piece by
 * piece, each into an emptied buffer. */
static char *drain(struct fixture *f, struct http_response *resp, size_t *len)
{
	struct buf piece, all;
	bool done = false;
	int pieces = 0;

	buf_init(&piece, 4 << 20);
	buf_init(&all, 64 << 20);
	while (!done) {
		struct sk_error err = {0};

		buf_reset(&piece);
		if (resp->stream.fill(resp->stream.ctx, f->st, &piece, &done, &err) != 0)
			fail_msg("stream: %s", err.msg);
		assert_int_equal(buf_append(&all, piece.data ? piece.data : "", piece.len), 0);
		assert_true(++pieces < 100000);
	}
	buf_free(&piece);
	*len = all.len;
	return buf_take(&all);
}

/* GET /api/v1/events?query as user u. query is "k=v&k=v" (no
 * escaping needed in these tests). */
static struct answer get(struct fixture *f, const struct user *u, const char *query)
{
	static const struct router_route *const tables[] = {api_events_routes, NULL};
	char allow[ROUTER_ALLOW_MAX], *copy = xstrdup(query);
	struct http_response resp;
	struct router_match m;
	struct http_request req;
	struct answer a;
	size_t len = 0;

	memset(&a, 0, sizeof(a));
	memset(&req, 0, sizeof(req));
	assert_int_equal(router_match(tables, "GET", "/api/v1/events", &m, allow),
			 ROUTER_FOUND);
	req.method = "GET";
	req.path = "/api/v1/events";
	req.match = &m;
	req.body = "";
	req.user = u;
	req.st = f->st;
	for (char *kv = copy; *kv != '\0' && req.nquery < HTTP_QUERY_MAX;) {
		char *amp = strchr(kv, '&'), *eq;

		if (amp != NULL)
			*amp = '\0';
		if ((eq = strchr(kv, '=')) != NULL)
			*eq = '\0';
		req.query[req.nquery].key = kv;
		req.query[req.nquery++].value = eq ? eq + 1 : "";
		kv = amp ? amp + 1 : kv + strlen(kv);
	}
	http_response_init(&resp);
	a.rc = m.route->handler(&req, &resp, &a.err);
	if (a.rc != 0) {
		a.status = http_status_for_code(a.rc);
	} else {
		a.status = resp.status;
		a.type = resp.content_type;
		snprintf(a.next_header, sizeof(a.next_header), "%s", resp.next_cursor);
		a.text = resp.stream.fill != NULL ? drain(f, &resp, &len)
						  : http_response_render(&resp, &len);
		assert_non_null(a.text);
		if (a.type != NULL && strcmp(a.type, "application/json") == 0) {
			json_error_t jerr;

			a.json = json_loads(a.text, JSON_REJECT_DUPLICATES, &jerr);
			if (a.json == NULL)
				fail_msg("not JSON (%s): %s", jerr.text, a.text);
		}
	}
	http_response_clear(&resp);
	free(copy);
	return a;
}

/* The event numbers (source.port) of a JSON answer's items, as "1,2,3". */
static const char *numbers(const struct answer *a)
{
	static char out[128];
	json_t *items = json_object_get(a->json, "items"), *it;
	size_t i, n = 0;

	out[0] = '\0';
	assert_true(json_is_array(items));
	json_array_foreach(items, i, it)
	{
		json_int_t port = json_integer_value(json_object_get(it, "source.port"));

		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%lld", i ? "," : "",
				      (long long)port);
	}
	return out;
}

static json_t *item(const struct answer *a, size_t i)
{
	return json_array_get(json_object_get(a->json, "items"), i);
}

/* ---- what partners see ---- */

static void test_partner_sees_own_only(void **state)
{
	struct fixture *f = *state;
	struct answer a;

	a = get(f, &f->pc, "");
	assert_int_equal(a.status, 200);
	assert_string_equal(numbers(&a), "4");
	assert_true(json_is_null(json_object_get(a.json, "next")));
	assert_int_equal(json_integer_value(json_object_get(a.json, "count")), 1);
	/* Nothing of the other organizations' events is in the answer. */
	assert_null(strstr(a.text, "198.51.100.1\""));
	assert_null(strstr(a.text, "Example"));
	answer_free(&a);

	a = get(f, &f->pb, "");
	assert_string_equal(numbers(&a), "6");
	answer_free(&a);

	/* The owner of 1, 2, 3 and 5 receives 1 to 3; RED (5) goes nowhere
	 * but to the national CSIRT. */
	a = get(f, &f->pa, "");
	assert_string_equal(numbers(&a), "1,2,3");
	answer_free(&a);
}

static void test_liaison_tlp(void **state)
{
	struct fixture *f = *state;
	struct answer a;
	json_t *r;

	/* Its member's AMBER event, and the CLEAR one; not the AMBER+STRICT
	 * event stored for the owner alone (2), nor the one stored for it by
	 * mistake (3). */
	a = get(f, &f->pl, "");
	assert_int_equal(a.status, 200);
	assert_string_equal(numbers(&a), "1,6");
	r = json_object_get(item(&a, 0), "schakel.recipient");
	assert_true(json_is_object(r));
	assert_string_equal(json_string_value(json_object_get(r, "role")), "liaison");
	assert_string_equal(json_string_value(json_object_get(r, "reason")),
			    "member Example Energy");
	assert_int_equal(json_integer_value(json_object_get(r, "org_id")), f->liaison);
	assert_int_equal(json_integer_value(json_object_get(r, "member_id")), f->a);
	assert_true(json_is_true(json_object_get(r, "may_pass_on")));
	assert_true(json_is_true(json_object_get(r, "need_to_know")));
	assert_int_equal(json_integer_value(json_object_get(item(&a, 0), "schakel.id")),
			 f->ids[1]);
	assert_string_equal(json_string_value(json_object_get(item(&a, 0), "schakel.received")),
			    "2023-11-14T22:13:20Z");
	/* CLEAR: routing said pass on freely; so does the policy. */
	r = json_object_get(item(&a, 1), "schakel.recipient");
	assert_true(json_is_true(json_object_get(r, "may_pass_on")));
	assert_true(json_is_false(json_object_get(r, "need_to_know")));
	answer_free(&a);

	/* AMBER+STRICT for its owner: receive, never pass on, whatever the
	 * stored row says. */
	a = get(f, &f->pa, "type=infected-system");
	assert_string_equal(numbers(&a), "1,2,3");
	r = json_object_get(item(&a, 1), "schakel.recipient");
	assert_string_equal(json_string_value(json_object_get(r, "role")), "owner");
	assert_true(json_is_false(json_object_get(r, "may_pass_on")));
	assert_null(json_object_get(r, "member_id"));
	answer_free(&a);
}

static void test_partner_other_org_refused(void **state)
{
	struct fixture *f = *state;
	char q[64];
	struct answer a;

	/* Another organization, even the liaison's own member: 403. */
	snprintf(q, sizeof(q), "org=%lld", (long long)f->a);
	a = get(f, &f->pc, q);
	assert_int_equal(a.status, 403);
	answer_free(&a);
	a = get(f, &f->pl, q);
	assert_int_equal(a.status, 403);
	assert_non_null(strstr(a.err.msg, "own organization"));
	answer_free(&a);
	/* Its own: as without. */
	snprintf(q, sizeof(q), "org=%lld", (long long)f->liaison);
	a = get(f, &f->pl, q);
	assert_int_equal(a.status, 200);
	assert_string_equal(numbers(&a), "1,6");
	answer_free(&a);
	/* No user at all (the server answers 401 before; the rule holds). */
	a = get(f, NULL, "");
	assert_int_equal(a.status, 403);
	answer_free(&a);
}

/* ---- staff ---- */

static void test_staff(void **state)
{
	struct fixture *f = *state;
	char q[64];
	struct answer a;

	a = get(f, &f->admin, "");
	assert_string_equal(numbers(&a), "1,2,3,4,5,6");
	assert_null(json_object_get(item(&a, 0), "schakel.recipient"));
	answer_free(&a);

	snprintf(q, sizeof(q), "org=%lld", (long long)f->a);
	a = get(f, &f->analyst, q);
	assert_string_equal(numbers(&a), "1,2,3");
	assert_non_null(json_object_get(item(&a, 0), "schakel.recipient"));
	answer_free(&a);

	a = get(f, &f->admin, "org=99999");
	assert_int_equal(a.status, 404);
	answer_free(&a);
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
		a = get(f, &f->admin, q);
		assert_int_equal(a.status, 200);
		snprintf(all + strlen(all), sizeof(all) - strlen(all), "%s%s", pages ? "," : "",
			 numbers(&a));
		pages++;
		next = json_string_value(json_object_get(a.json, "next"));
		if (next == NULL) {
			assert_string_equal(a.next_header, "");
			answer_free(&a);
			break;
		}
		assert_string_equal(a.next_header, next);
		snprintf(q, sizeof(q), "limit=2&cursor=%s", next);
		answer_free(&a);
		assert_true(pages < 10);
	}
	assert_string_equal(all, "1,2,3,4,5,6");
	assert_int_equal(pages, 3);

	/* A partner's pages skip what the policy refuses (3) and still
	 * end. */
	a = get(f, &f->pl, "limit=1");
	assert_string_equal(numbers(&a), "1");
	next = json_string_value(json_object_get(a.json, "next"));
	assert_non_null(next);
	snprintf(q, sizeof(q), "limit=1&cursor=%s", next);
	answer_free(&a);
	a = get(f, &f->pl, q);
	assert_string_equal(numbers(&a), "6");
	assert_true(json_is_null(json_object_get(a.json, "next")));
	answer_free(&a);
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
	struct event_recipient r = rcpt(f->c, RECIPIENT_OWNER, true, false, 0, "asn 64500");
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
		set(&ev[k], "source.ip", "203.0.113.9");
		if (event_set_int(&ev[k], EVENT_SOURCE_PORT, 1000 + k, &err) != 0)
			fail_msg("%s", err.msg);
		set(&ev[k], "classification.type", "scanner");
		set(&ev[k], "feed.name", "Open-NTP");
		set(&ev[k], "time.source", "2023-11-14T20:00:00Z");
		set(&ev[k], "tlp", k % 7 == 3 ? "RED" : "GREEN"); /* RED: refused */
		set(&ev[k], "extra.note", pad);
		in[k] = (struct store_event_in){&ev[k], &r, 1};
		green += k % 7 != 3;
	}
	assert_int_equal(store_event_add_many(f->st, in, N, &err), 0);

	/* Event 4 (GREEN) first, then the 2,572 GREEN ones of the 3,000:
	 * a page of 2,500 and one of 73. */
	a = get(f, &f->pc, "limit=2500");
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
	answer_free(&a);
	a = get(f, &f->pc, q);
	assert_int_equal(json_array_size(json_object_get(a.json, "items")), green + 1 - 2500);
	assert_true(json_is_null(json_object_get(a.json, "next")));
	assert_string_equal(a.next_header, "");
	answer_free(&a);

	/* The same as CSV: a header and one line per row. */
	a = get(f, &f->pc, "limit=2500&format=csv");
	i = 0;
	for (const char *p = a.text; (p = strstr(p, "\r\n")) != NULL; p += 2)
		i++;
	assert_int_equal(i, 2501);
	answer_free(&a);
	for (int k = 0; k < N; k++)
		event_free(&ev[k]);
	free(ev);
	free(in);
}

static void test_filters(void **state)
{
	struct fixture *f = *state;
	struct answer a;

	a = get(f, &f->admin, "type=scanner");
	assert_string_equal(numbers(&a), "4");
	answer_free(&a);
	a = get(f, &f->admin, "feed=Open-NTP");
	assert_string_equal(numbers(&a), "6");
	answer_free(&a);
	/* Event i has time NOW - (6 - i) hours. */
	a = get(f, &f->admin, "since=2023-11-14T19:13:20Z&until=2023-11-14T21:13:20Z");
	assert_string_equal(numbers(&a), "3,4");
	answer_free(&a);
	a = get(f, &f->admin, "since=150m");
	assert_string_equal(numbers(&a), "4,5,6");
	answer_free(&a);
	a = get(f, &f->pa, "since=2023-11-14");
	assert_string_equal(numbers(&a), "1,2,3");
	answer_free(&a);
	a = get(f, &f->admin, "since=2023-11-15");
	assert_string_equal(numbers(&a), "");
	answer_free(&a);
}

static void test_csv(void **state)
{
	struct fixture *f = *state;
	struct buf want;
	struct answer a;
	char q[64];
	int lines = 0;

	a = get(f, &f->pc, "format=csv");
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
	answer_free(&a);

	/* The liaison's CSV: two rows, none of another organization. */
	a = get(f, &f->pl, "format=csv&limit=1");
	lines = 0;
	for (const char *p = a.text; (p = strstr(p, "\r\n")) != NULL; p += 2)
		lines++;
	assert_int_equal(lines, 2);
	assert_non_null(strstr(a.text, ",liaison,member Example Energy,true,true\r\n"));
	assert_null(strstr(a.text, "64500"));
	assert_string_not_equal(a.next_header, "");
	answer_free(&a);
}

/* Feed text that a spreadsheet would run as a formula leaves defused:
 * a leading single quote, the cell quoted. */
static void test_csv_formulas(void **state)
{
	struct fixture *f = *state;
	struct event_recipient r = rcpt(f->c, RECIPIENT_OWNER, true, false, 0, "-1+cmd|x");
	struct sk_error err = {0};
	struct store_event_in in;
	struct answer a;
	struct event ev;

	event_init(&ev);
	set(&ev, "source.ip", "198.51.100.9");
	set(&ev, "classification.type", "scanner");
	set(&ev, "feed.name", "@SUM(1+1)*cmd|' /C calc'!A0");
	set(&ev, "event_description.text", "=cmd|' /C calc'!A0");
	set(&ev, "malware.name", "+mirai");
	set(&ev, "time.source", "2023-11-14T21:00:00Z");
	set(&ev, "tlp", "GREEN");
	in = (struct store_event_in){&ev, &r, 1};
	assert_int_equal(store_event_add_many(f->st, &in, 1, &err), 0);
	event_free(&ev);

	a = get(f, &f->pc, "format=csv&feed=@SUM(1+1)*cmd|' /C calc'!A0");
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
	answer_free(&a);
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
		struct answer a = get(f, &f->admin, bad[i].query);

		if (a.status != 400 || strstr(a.err.msg, bad[i].says) == NULL)
			fail_msg("%s: status %d, '%s'", bad[i].query, a.status, a.err.msg);
		answer_free(&a);
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

/* ---- every label, for a member and its liaison ---- */

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

	a = get(f, &f->pa, "");
	assert_int_equal(a.status, 200);
	assert_string_equal(json_summary(&a), "2:no:all,3:yes:ntk,4:yes:all,5:yes:all");
	answer_free(&a);
	a = get(f, &f->pa, "format=csv");
	assert_int_equal(a.status, 200);
	assert_string_equal(csv_summary(&a), "2:TLP:AMBER+STRICT:no:all,3:TLP:AMBER:yes:ntk,"
					     "4:TLP:GREEN:yes:all,5:TLP:CLEAR:yes:all");
	assert_null(strstr(a.text, "TLP:RED"));
	answer_free(&a);

	a = get(f, &f->pl, "");
	assert_int_equal(a.status, 200);
	assert_string_equal(json_summary(&a), "3:yes:ntk,4:yes:all,5:yes:all");
	answer_free(&a);
	a = get(f, &f->pl, "format=csv");
	assert_int_equal(a.status, 200);
	assert_string_equal(csv_summary(&a),
			    "3:TLP:AMBER:yes:ntk,4:TLP:GREEN:yes:all,5:TLP:CLEAR:yes:all");
	assert_null(strstr(a.text, "TLP:RED"));
	assert_null(strstr(a.text, "AMBER+STRICT"));
	answer_free(&a);

	/* Staff reading the member's events see what the member reads;
	 * reading all of them, the national CSIRT's (named) view: RED too. */
	snprintf(q, sizeof(q), "org=%lld", (long long)f->a);
	a = get(f, &f->analyst, q);
	assert_string_equal(json_summary(&a), "2:no:all,3:yes:ntk,4:yes:all,5:yes:all");
	answer_free(&a);
	a = get(f, &f->admin, "");
	assert_string_equal(numbers(&a), "1,2,3,4,5");
	answer_free(&a);

	/* An organization the events do not concern reads none of them. */
	a = get(f, &f->pb, "format=csv");
	assert_int_equal(a.status, 200);
	assert_string_equal(csv_summary(&a), "");
	answer_free(&a);
}

#define TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

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
	    TEST(test_csv_formulas),
	    TEST(test_read_page_asks_access),
	    TEST(test_bad_arguments),
	    cmocka_unit_test_setup_teardown(test_each_label, setup_labels, teardown),
	    cmocka_unit_test(test_time_bounds),
	};

	testdb_skip_if_unavailable();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
