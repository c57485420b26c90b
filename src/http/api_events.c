/* http/api_events.c: GET /api/v1/events. Thin: it reads the query,
 * asks registry/event_read.h whose events the caller reads, and writes
 * the rows that pass the TLP policy as a JSON object or CSV.
 * SECURITY: every query argument comes from the client; unknown ones are
 * refused, so that a misspelt filter never widens an answer. A partner
 * reads the rows of its own organization and nothing else. A page holds
 * at most limit rows and is streamed: memory stays at one piece whatever
 * its size. */
#include "http/api_events.h"

#include <stdio.h>
#include <string.h>

#include "access/access.h"
#include "http/request.h"
#include "http/response.h"
#include "lib/buf.h"
#include "lib/error.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "model/taxonomy.h"
#include "registry/event_read.h"

/* A page is streamed in pieces of about EVENTS_PIECE bytes (one more
 * row, at most 1 MiB stored, always fits the server's piece cap), each
 * read in its own short transaction of at most EVENTS_PIECE_ROWS rows. */
#define EVENTS_PIECE	  (256 * 1024)
#define EVENTS_PIECE_ROWS 1000
#define EVENTS_LIMIT_MAX  100000
#define FEED_NAME_MAX	  256

static const char *const known_args[] = {"since", "until",  "type", "feed", "format",
					 "limit", "cursor", "org",  NULL};

/* A page on its way out: the rows after f.after_id up to and including
 * the row last, which the handler found first (so that the next cursor
 * goes into the headers). */
struct events_flow {
	struct user user;	     /* the reader, copied: the page outlives the request */
	const struct user *reader;   /* &user, or NULL for nobody */
	struct store_event_filter f; /* type and feed point into this */
	char feed[FEED_NAME_MAX + 1];
	bool csv;
	bool started, reached;
	int64_t last; /* the page's last row; 0: an empty page */
	int64_t next; /* the next page's cursor; 0: none */
	size_t n;     /* rows written */
	struct buf *out;
};

/* event_read_fn of the first walk: note the page's last row. */
static int flow_bound(const struct event_out *o, void *ctx)
{
	struct events_flow *fl = ctx;

	fl->last = o->row->id;
	return 0;
}

/* event_read_fn: one row into the piece, up to the page's last. */
static int flow_row(const struct event_out *o, void *ctx)
{
	struct events_flow *fl = ctx;
	struct buf *b = fl->out;
	int rc;

	if (o->row->id > fl->last) {
		fl->reached = true;
		return EVENT_READ_FULL;
	}
	if (fl->csv) {
		rc = event_read_csv_row(o, b);
	} else {
		rc = fl->n > 0 ? buf_append_str(b, ",\n") : 0;
		if (rc == 0)
			rc = event_read_json(o, b);
	}
	if (rc != 0)
		return rc == SK_ETOOBIG ? SK_EIO : rc;
	fl->n++;
	fl->f.after_id = o->row->id;
	if (o->row->id == fl->last)
		fl->reached = true;
	return fl->reached || b->len >= EVENTS_PIECE ? EVENT_READ_FULL : 0;
}

/* http_fill_fn: the head, then rows, then (JSON) the tail. */
static int flow_fill(void *ctx, struct store *st, struct buf *b, bool *done,
		     struct sk_error *err)
{
	struct events_flow *fl = ctx;
	struct store_event_filter piece = fl->f;
	int64_t more = 0;
	int rc = 0;

	fl->out = b;
	if (!fl->started) {
		fl->started = true;
		fl->reached = fl->last == 0;
		rc = fl->csv ? event_read_csv_header(b) : buf_append_str(b, "{\"items\": [\n");
	}
	if (rc == 0 && !fl->reached) {
		piece.limit = EVENTS_PIECE_ROWS;
		rc = event_read_page(st, fl->reader, &piece, flow_row, fl, &more, err);
		if (rc == 0 && more == 0)
			fl->reached = true; /* the walk's end: rows went since the first */
	}
	if (rc == 0 && fl->reached) {
		*done = true;
		if (!fl->csv && fl->next > 0)
			rc = buf_printf(b, "\n], \"count\": %zu, \"next\": \"%lld\"}\n", fl->n,
					(long long)fl->next);
		else if (!fl->csv)
			rc = buf_printf(b, "\n], \"count\": %zu, \"next\": null}\n", fl->n);
	}
	if (rc == SK_EIO && err->msg[0] == '\0')
		sk_error_set(err, rc, "an event in the store could not be written out");
	return rc;
}

static void flow_release(void *ctx)
{
	free(ctx);
}

/* Read the query into f (borrowing from req) and the format. */
static int events_query(const struct http_request *req, struct store_event_filter *f, bool *csv,
			struct sk_error *err)
{
	const char *text;
	int64_t limit, v;
	int rc;

	memset(f, 0, sizeof(*f));
	if ((rc = http_request_known_args(req, known_args, err)) != 0)
		return rc;
	if ((rc = http_request_query_time(req, "since", &f->since, err)) != 0 ||
	    (rc = http_request_query_time(req, "until", &f->until, err)) != 0)
		return rc;
	if ((text = http_request_query(req, "type")) != NULL) {
		int t = taxonomy_type_lookup(text);

		if (t < 0)
			return sk_error_set(err, SK_EINVAL,
					    "query argument type: '%.64s' is not a "
					    "classification.type",
					    text);
		f->type = taxonomy_type_names[t];
	}
	if ((text = http_request_query(req, "feed")) != NULL) {
		if (*text == '\0' || strlen(text) > FEED_NAME_MAX)
			return sk_error_set(
			    err, SK_EINVAL,
			    "query argument feed must be a feed.name of 1 to %d "
			    "bytes",
			    FEED_NAME_MAX);
		f->feed = text;
	}
	text = http_request_query(req, "format");
	if (text != NULL && strcmp(text, "json") != 0 && strcmp(text, "csv") != 0)
		return sk_error_set(err, SK_EINVAL,
				    "query argument format must be json or csv");
	*csv = text != NULL && strcmp(text, "csv") == 0;
	rc = http_request_query_int(req, "limit", 1, EVENTS_LIMIT_MAX, HTTP_PAGE_DEFAULT,
				    &limit, err);
	if (rc != 0)
		return rc;
	f->limit = (size_t)limit;
	if ((text = http_request_query(req, "cursor")) != NULL) {
		if (str_to_i64(text, 0, INT64_MAX, &v) != 0)
			return sk_error_set(
			    err, SK_EINVAL,
			    "query argument cursor must be the next value of an "
			    "earlier page");
		f->after_id = v;
	}
	return http_request_query_int(req, "org", 1, INT64_MAX, 0, &f->org_id, err);
}

static int api_events_list(struct http_request *req, struct http_response *resp,
			   struct sk_error *err)
{
	struct events_flow *fl = xcalloc(1, sizeof(*fl));
	int rc;

	if ((rc = events_query(req, &fl->f, &fl->csv, err)) != 0)
		goto fail;
	if (fl->f.feed != NULL) {
		snprintf(fl->feed, sizeof(fl->feed), "%s", fl->f.feed);
		fl->f.feed = fl->feed;
	}
	if (req->user != NULL) {
		fl->user = *req->user;
		fl->reader = &fl->user;
	}
	/* The page's bounds first, so the next cursor goes into a header;
	 * the rows follow in pieces. */
	if ((rc = event_read_page(req->st, fl->reader, &fl->f, flow_bound, fl, &fl->next,
				  err)) != 0)
		goto fail;
	fl->f.limit = 0;
	http_response_stream(
	    resp, 200, fl->csv ? "text/csv; charset=utf-8; header=present" : "application/json",
	    flow_fill, flow_release, fl);
	if (fl->next > 0)
		snprintf(resp->next_cursor, sizeof(resp->next_cursor), "%lld",
			 (long long)fl->next);
	return 0;
fail:
	free(fl);
	return rc;
}

const struct router_route api_events_routes[] = {
    {"GET", "/api/v1/events", api_events_list, ACCESS_USER},
    {NULL, NULL, NULL, ACCESS_PUBLIC},
};
