/* tests/unit/api_events_fixture.c: the shared fixture of the tests of
 * GET /api/v1/events (see api_events_fixture.h). */
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
#include "http/api_events.h"
#include "http/request.h"
#include "http/response.h"
#include "http/router.h"
#include "lib/buf.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "model/org.h"
#include "store/store.h"
#include "testdb.h"

void ev_set(struct event *ev, const char *name, const char *value)
{
	struct sk_error err = {0};

	if (event_set(ev, name, value, &err) != 0)
		fail_msg("%s = %s: %s", name, value, err.msg);
}

struct event_recipient ev_rcpt(int64_t org, enum recipient_role role, bool pass_on, bool ntk,
			       int64_t member, const char *reason)
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

	r[1][0] = ev_rcpt(f->a, RECIPIENT_OWNER, true, true, 0, "prefix 198.51.100.0/24");
	r[1][1] =
	    ev_rcpt(f->liaison, RECIPIENT_LIAISON, true, true, f->a, "member Example Energy");
	r[2][0] = ev_rcpt(f->a, RECIPIENT_OWNER, true, false, 0, "prefix 198.51.100.0/24");
	r[3][0] = ev_rcpt(f->a, RECIPIENT_OWNER, false, false, 0, "prefix 198.51.100.0/24");
	r[3][1] =
	    ev_rcpt(f->liaison, RECIPIENT_LIAISON, true, true, f->a, "member Example Energy");
	r[4][0] = ev_rcpt(f->c, RECIPIENT_OWNER, true, false, 0, "asn 64500, via \"transit\"");
	r[5][0] = ev_rcpt(f->a, RECIPIENT_OWNER, false, false, 0, "prefix 198.51.100.0/24");
	r[6][0] = ev_rcpt(f->b, RECIPIENT_OWNER, true, false, 0, "domain example.nl");
	r[6][1] =
	    ev_rcpt(f->liaison, RECIPIENT_LIAISON, true, false, f->b, "member Example Water");
	for (int i = 1; i <= NEVENTS; i++) {
		char ip[32], when[21];

		event_init(&ev[i]);
		snprintf(ip, sizeof(ip), "198.51.100.%d", i);
		str_time_iso((time_t)(NOW - (NEVENTS - i) * 3600), when);
		ev_set(&ev[i], "source.ip", ip);
		if (event_set_int(&ev[i], EVENT_SOURCE_PORT, i, &err) != 0)
			fail_msg("%s", err.msg);
		ev_set(&ev[i], "classification.type", i == 4 ? "scanner" : "infected-system");
		ev_set(&ev[i], "feed.name", i == 6 ? "Open-NTP" : "Sinkhole-HTTP");
		ev_set(&ev[i], "time.source", when);
		ev_set(&ev[i], "tlp", tlp[i]);
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

static int seed_labels(struct fixture *f)
{
	struct event ev[NLABELS + 1];
	struct event_recipient r[2];
	struct store_event_in in[NLABELS];
	struct sk_error err = {0};

	r[0] = ev_rcpt(f->a, RECIPIENT_OWNER, true, false, 0, "prefix 198.51.100.0/24");
	r[1] =
	    ev_rcpt(f->liaison, RECIPIENT_LIAISON, true, false, f->a, "member Example Energy");
	for (int i = 1; i <= NLABELS; i++) {
		char ip[32];

		event_init(&ev[i]);
		snprintf(ip, sizeof(ip), "198.51.100.%d", i);
		ev_set(&ev[i], "source.ip", ip);
		if (event_set_int(&ev[i], EVENT_SOURCE_PORT, i, &err) != 0)
			fail_msg("%s", err.msg);
		ev_set(&ev[i], "classification.type", "infected-system");
		ev_set(&ev[i], "feed.name", "Sinkhole-HTTP");
		ev_set(&ev[i], "time.source", "2023-11-14T20:00:00Z");
		ev_set(&ev[i], "tlp", label_tlp[i]);
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
	struct testdb_sector o;
	struct id_walk w;
	int n;

	if (f == NULL)
		return -1;
	setenv("SCHAKEL_NOW", "1700000000", 1);
	if (testdb_open(&f->db, "apiev") != 0)
		return -1;
	f->st = f->db.st;
	if (testdb_sector_add(f->st, "oes", &o) != 0)
		return -1;
	f->liaison = o.liaison;
	f->a = o.energy;
	f->b = o.water;
	f->c = o.bank;
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

int api_setup(void **state)
{
	return setup_with(state, seed_events);
}

int api_setup_labels(void **state)
{
	return setup_with(state, seed_labels);
}

int api_teardown(void **state)
{
	struct fixture *f = *state;

	testdb_close(&f->db);
	free(f);
	unsetenv("SCHAKEL_NOW");
	return 0;
}

/* ---- driving the handler ---- */

void api_answer_free(struct answer *a)
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
struct answer api_get(struct fixture *f, const struct user *u, const char *query)
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
const char *api_numbers(const struct answer *a)
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

json_t *api_item(const struct answer *a, size_t i)
{
	return json_array_get(json_object_get(a->json, "items"), i);
}
