/* http/api_events.c: GET /api/v1/events. Thin: it reads the query,
 * asks registry/event_read.h whose events the caller reads, and writes
 * the rows that pass the TLP policy as a JSON object or CSV.
 * SECURITY: every query argument comes from the client; unknown ones are
 * refused, so that a misspelt filter never widens an answer. A partner
 * reads the rows of its own organization and nothing else. A page holds
 * at most limit rows and about EVENTS_PAGE_SOFT bytes (the rest comes
 * with the next cursor): the answer is built in memory, within that
 * bound. */
#include "http/api_events.h"

#include <stdio.h>
#include <string.h>

#include "http/request.h"
#include "http/response.h"
#include "lib/buf.h"
#include "lib/error.h"
#include "lib/str.h"
#include "model/taxonomy.h"
#include "registry/event_read.h"
#include "store/store.h"

/* A page ends once its body passes this many bytes; one more row (a
 * stored line is at most 1 MiB) always fits under the hard cap. */
#define EVENTS_PAGE_SOFT (8 * 1024 * 1024)
#define EVENTS_PAGE_MAX	 (EVENTS_PAGE_SOFT + 4 * 1024 * 1024)
#define FEED_NAME_MAX	 256

static const char *const known_args[] = {"since", "until",  "type", "feed", "format",
					 "limit", "cursor", "org",  NULL};

struct events_page {
	struct buf b;
	bool csv;
	size_t n;
};

/* event_read_fn: one row onto the page. */
static int page_add(const struct event_out *o, void *ctx)
{
	struct events_page *pg = ctx;
	int rc;

	if (pg->csv) {
		rc = event_read_csv_row(o, &pg->b);
	} else {
		rc = pg->n > 0 ? buf_append_str(&pg->b, ",\n") : 0;
		if (rc == 0)
			rc = event_read_json(o, &pg->b);
	}
	if (rc != 0)
		return rc == SK_ETOOBIG ? SK_EIO : rc;
	pg->n++;
	return pg->b.len >= EVENTS_PAGE_SOFT ? EVENT_READ_FULL : 0;
}

/* A time bound from query argument key, or 0 when absent. */
static int time_arg(const struct http_request *req, const char *key, int64_t *out,
		    struct sk_error *err)
{
	const char *text = http_request_query(req, key);
	int rc;

	*out = 0;
	if (text == NULL)
		return 0;
	if ((rc = event_read_time(text, (int64_t)str_time_now(), out, err)) != 0)
		sk_error_prefix(err, "query argument %s", key);
	return rc;
}

/* Read the query into f (borrowing from req) and the format. */
static int events_query(const struct http_request *req, struct store_event_filter *f, bool *csv,
			struct sk_error *err)
{
	const char *text;
	int64_t limit, v;
	int rc;

	memset(f, 0, sizeof(*f));
	for (int i = 0; i < req->nquery; i++)
		if (str_index(known_args, req->query[i].key) < 0)
			return sk_error_set(
			    err, SK_EINVAL,
			    "unknown query argument '%.64s' (known: since, until, "
			    "type, feed, format, limit, cursor, org)",
			    req->query[i].key);
	if ((rc = time_arg(req, "since", &f->since, err)) != 0 ||
	    (rc = time_arg(req, "until", &f->until, err)) != 0)
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
	rc = http_request_query_int(req, "limit", 1, HTTP_PAGE_MAX, HTTP_PAGE_DEFAULT, &limit,
				    err);
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
	struct store_event_filter f;
	struct events_page pg;
	int64_t next = 0, asked;
	struct org org;
	size_t len;
	int rc;

	memset(&pg, 0, sizeof(pg));
	buf_init(&pg.b, EVENTS_PAGE_MAX);
	if ((rc = events_query(req, &f, &pg.csv, err)) != 0)
		goto out;
	asked = f.org_id;
	if ((rc = event_read_scope(req->user, asked, &f.org_id, err)) != 0)
		goto out;
	if (asked > 0 && req->user->role != USER_ROLE_PARTNER) {
		if ((rc = store_org_get(req->st, asked, &org, err)) != 0) {
			if (rc == SK_ENOTFOUND)
				sk_error_set(err, rc, "organization %lld not found",
					     (long long)asked);
			goto out;
		}
		org_clear(&org);
	}
	rc = pg.csv ? event_read_csv_header(&pg.b) : buf_append_str(&pg.b, "{\"items\": [\n");
	if (rc == 0)
		rc = event_read_page(req->st, &f, page_add, &pg, &next, err);
	if (rc == SK_EIO && err->msg[0] == '\0')
		sk_error_set(err, rc, "an event in the store could not be written out");
	if (rc != 0)
		goto out;
	if (!pg.csv) {
		if (next > 0)
			rc = buf_printf(&pg.b, "\n], \"count\": %zu, \"next\": \"%lld\"}\n",
					pg.n, (long long)next);
		else
			rc = buf_printf(&pg.b, "\n], \"count\": %zu, \"next\": null}\n", pg.n);
		if (rc != 0) {
			rc = sk_error_set(err, SK_EIO, "the page does not fit");
			goto out;
		}
	}
	len = pg.b.len;
	http_response_text(
	    resp, 200, pg.csv ? "text/csv; charset=utf-8; header=present" : "application/json",
	    buf_take(&pg.b), len);
	if (next > 0)
		snprintf(resp->next_cursor, sizeof(resp->next_cursor), "%lld", (long long)next);
out:
	buf_free(&pg.b);
	return rc;
}

const struct router_route api_events_routes[] = {
    {"GET", "/api/v1/events", api_events_list, 0},
    {NULL, NULL, NULL, 0},
};
