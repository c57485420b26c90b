/* tests/unit/api_events_fixture.h: the store, organizations, users and
 * events that the tests of GET /api/v1/events share, and its handler
 * driven in-process as the server would (streamed pieces drained). */
#ifndef SK_TESTS_API_EVENTS_FIXTURE_H
#define SK_TESTS_API_EVENTS_FIXTURE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"
#include "model/event.h"
#include "model/recipient.h"
#include "model/user.h"
#include "testdb.h"

#define NOW	1700000000 /* 2023-11-14T22:13:20Z */
#define NEVENTS 6
#define NLABELS 5

struct fixture {
	struct testdb db;
	struct store *st;
	int64_t liaison, a, b, c;
	int64_t ids[NEVENTS + 1]; /* event number -> id */
	struct user admin, analyst, pl, pa, pb, pc;
};

struct answer {
	int rc;	    /* the handler's result */
	int status; /* HTTP status: the response's, or the error's */
	struct sk_error err;
	char *text; /* the body */
	const char *type;
	char next_header[24];
	json_t *json; /* the body parsed, for JSON answers */
};

/* cmocka setups: a fresh store with liaison L (members A and B), A, B,
 * C and their users, seeded with
 *   api_setup: events 1..6 (see api_events_fixture.c);
 *   api_setup_labels: events 1..5, one per label (RED, AMBER+STRICT,
 *   AMBER, GREEN, CLEAR), each stored for owner A and for L. */
int api_setup(void **state);
int api_setup_labels(void **state);
int api_teardown(void **state);

/* GET /api/v1/events?query as user u (NULL: nobody); query is
 * "k=v&k=v" without escaping. Free with api_answer_free(). */
struct answer api_get(struct fixture *f, const struct user *u, const char *query);
void api_answer_free(struct answer *a);
/* The event numbers (source.port) of a JSON answer's items, as "1,2,3";
 * static. */
const char *api_numbers(const struct answer *a);
json_t *api_item(const struct answer *a, size_t i);

/* Set a field of ev, failing the test if it is refused. */
void ev_set(struct event *ev, const char *name, const char *value);
/* A recipient row as routing would store it. */
struct event_recipient ev_rcpt(int64_t org, enum recipient_role role, bool pass_on, bool ntk,
			       int64_t member, const char *reason);

#endif
