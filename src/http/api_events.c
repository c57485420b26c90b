/* http/api_events.c: GET /api/v1/events and POST /api/v1/events. GET
 * is thin: it reads the query, asks registry/event_read.h whose events
 * the caller reads, and writes the rows that pass the TLP policy as a
 * JSON object or CSV. POST takes IntelMQ events in (one object or an
 * array as application/json, JSON lines as application/x-ndjson) and
 * hands them as JSON lines to route/ingest.h, the capability `schakel
 * ingest` uses: the same reader, validation, routing and one
 * transaction.
 * SECURITY: every query argument comes from the client; unknown ones are
 * refused, so that a misspelt filter never widens an answer. A partner
 * reads the rows of its own organization and nothing else. A page holds
 * at most limit rows and is streamed: memory stays at one piece whatever
 * its size. A POST body is outside input: at most max_events_body bytes
 * (the server refuses more before reading it), max_batch_events events,
 * http_concurrency requests at once (more: 503 before the body is read);
 * a JSON body is parsed by jansson (duplicate keys refused) and each
 * event written back as one line for the IntelMQ reader, so a request
 * holds at most about twice its body. One bad event fails the request,
 * naming its line (or index) and field; nothing is stored. A partner's
 * events are marked with its organization as their source. */
#include "http/api_events.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access/access.h"
#include "http/request.h"
#include "http/response.h"
#include "lib/buf.h"
#include "lib/config.h"
#include "lib/error.h"
#include "lib/log.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "model/taxonomy.h"
#include "registry/event_read.h"
#include "route/enrich.h"
#include "route/index.h"
#include "route/ingest.h"
#include "route/match.h"

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

/* ---- events in ---- */

/* Settings of POST, set once by api_events_configure() before serving. */
static struct {
	size_t max_body;
	long max_events;
	int concurrency;
	enum tlp_label tlp;
	enum route_mode mode;
	struct route_enricher *enricher; /* NULL: none */
} in_cfg = {API_EVENTS_MAX_BODY, API_EVENTS_MAX_BATCH,	   API_EVENTS_CONCURRENCY,
	    TLP_AMBER,		 ROUTE_MODE_MOST_SPECIFIC, NULL};
static atomic_int in_running; /* POSTs admitted and not yet done */

/* The routing snapshot POSTs share: the registry's context and index,
 * built on first use and again when the registry has changed, which is
 * asked of the store at most every ROUTING_CHECK seconds (so a change
 * reaches events in within that time). A request holds a reference
 * while it routes; the last one out frees a replaced snapshot. */
#define ROUTING_CHECK 1

struct routing {
	struct route_context *ctx;
	struct route_index *idx;
	int64_t stamp; /* the registry's newest audit entry when built */
	int refs;      /* requests using it, and 1 while current */
};
static pthread_mutex_t routing_lock = PTHREAD_MUTEX_INITIALIZER;
static struct routing *routing_now; /* NULL until first built */
static time_t routing_checked;

static void routing_unref(struct routing *r)
{
	if (r == NULL || --r->refs > 0)
		return;
	route_context_free(r->ctx);
	route_index_free(r->idx);
	free(r);
}

/* store_audit_fn: the newest entry's id. */
static int newest_id(const struct audit_entry *e, void *ctx)
{
	*(int64_t *)ctx = e->id;
	return 0;
}

/* The snapshot to route with, current within ROUTING_CHECK seconds; give
 * it back with routing_put(). NULL with err if it could not be built. */
static struct routing *routing_get(struct store *st, struct sk_error *err)
{
	struct audit_filter f = {.object = "org", .limit = 1};
	struct routing *r = NULL;
	time_t now = time(NULL);
	int64_t stamp = 0;

	pthread_mutex_lock(&routing_lock);
	if (routing_now != NULL && now - routing_checked < ROUTING_CHECK)
		goto take;
	if (store_audit_find(st, &f, newest_id, &stamp, NULL, err) != 0)
		goto out;
	routing_checked = now;
	if (routing_now != NULL && routing_now->stamp == stamp)
		goto take;
	r = xcalloc(1, sizeof(*r));
	r->stamp = stamp;
	r->refs = 1;
	if ((r->idx = route_index_build(st, err)) == NULL ||
	    (r->ctx = route_context_load(st, in_cfg.mode, err)) == NULL) {
		routing_unref(r);
		r = NULL;
		goto out;
	}
	routing_unref(routing_now);
	routing_now = r;
take:
	r = routing_now;
	r->refs++;
out:
	pthread_mutex_unlock(&routing_lock);
	return r;
}

static void routing_put(struct routing *r)
{
	pthread_mutex_lock(&routing_lock);
	routing_unref(r);
	pthread_mutex_unlock(&routing_lock);
}

int api_events_configure(const struct config *cfg, struct sk_error *err)
{
	int64_t max_body, max_events, conc;
	const char *text = config_str(cfg, "feeds", "tlp", "TLP:AMBER");
	struct sk_error sub = {0};
	int rc;

	rc = config_int(cfg, "http", "max_events_body", 1, 1 << 30, API_EVENTS_MAX_BODY,
			&max_body, err);
	if (rc == 0)
		rc = config_int(cfg, "ingest", "max_batch_events", 1, 1000000,
				API_EVENTS_MAX_BATCH, &max_events, err);
	if (rc == 0)
		rc = config_int(cfg, "ingest", "http_concurrency", 1, 256,
				API_EVENTS_CONCURRENCY, &conc, err);
	if (rc != 0)
		return rc;
	if (tlp_parse(text, &in_cfg.tlp, &sub) != 0)
		return config_error(cfg, "feeds", "tlp", err, "%s", sub.msg);
	text = config_str(cfg, "route", "match", "most-specific");
	if (route_mode_parse(text, &in_cfg.mode, &sub) != 0)
		return config_error(cfg, "route", "match", err, "%s", sub.msg);
	in_cfg.enricher = route_enricher_open(config_get(cfg, "route", "asn_mmdb"),
					      config_get(cfg, "route", "country_mmdb"), err);
	if (in_cfg.enricher == NULL)
		return err->code;
	in_cfg.max_body = (size_t)max_body;
	in_cfg.max_events = (long)max_events;
	in_cfg.concurrency = (int)conc;
	return 0;
}

void api_events_unconfigure(void)
{
	route_enricher_free(in_cfg.enricher);
	in_cfg.enricher = NULL;
	routing_put(routing_now);
	routing_now = NULL;
}

static size_t in_max_body(void)
{
	return in_cfg.max_body;
}

/* At most in_cfg.concurrency at once; the rest are told to come back. */
static int in_enter(struct http_response *resp)
{
	if (atomic_fetch_add(&in_running, 1) < in_cfg.concurrency)
		return 0;
	atomic_fetch_sub(&in_running, 1);
	http_response_error(resp, 503, "busy",
			    "%d event submissions are running; try again shortly",
			    in_cfg.concurrency);
	resp->retry_after = 1;
	return -1;
}

static void in_leave(void)
{
	atomic_fetch_sub(&in_running, 1);
}

/* How a body holds its events; also how an error names one. */
enum in_shape { IN_LINES, IN_ARRAY, IN_OBJECT };

/* The non-blank lines of text[0..len). */
static long count_lines(const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	long n = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl != NULL ? nl : end;

		for (const char *q = p; q < e; q++) {
			if (*q != ' ' && *q != '\t' && *q != '\r') {
				n++;
				break;
			}
		}
		p = e + 1;
	}
	return n;
}

/* A JSON body (one event or an array of them) as JSON lines into out,
 * counting them in *n. */
static int json_to_lines(const struct http_request *req, struct buf *out, long *n,
			 enum in_shape *shape, struct sk_error *err)
{
	json_error_t jerr;
	json_t *doc = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);
	size_t i, count;
	int rc = 0;

	if (doc == NULL)
		return sk_error_set(err, SK_EINVAL, "invalid JSON at line %d, column %d: %s",
				    jerr.line, jerr.column, jerr.text);
	*shape = json_is_array(doc) ? IN_ARRAY : IN_OBJECT;
	if (!json_is_array(doc) && !json_is_object(doc)) {
		json_decref(doc);
		return sk_error_set(err, SK_EINVAL,
				    "the body must be an IntelMQ event (a JSON object) or an "
				    "array of them");
	}
	count = json_is_array(doc) ? json_array_size(doc) : 1;
	if (count > (size_t)in_cfg.max_events) {
		json_decref(doc);
		return sk_error_set(err, SK_ETOOBIG,
				    "the request holds %zu events, more than %ld ([ingest] "
				    "max_batch_events)",
				    count, in_cfg.max_events);
	}
	for (i = 0; i < count && rc == 0; i++) {
		json_t *ev = json_is_array(doc) ? json_array_get(doc, i) : doc;
		char *line;

		if (!json_is_object(ev)) {
			rc = sk_error_set(err, SK_EINVAL, "events[%zu]: not a JSON object", i);
			break;
		}
		line = json_dumps(ev, JSON_COMPACT);
		if (line == NULL)
			rc = sk_error_set(err, SK_EIO, "an event could not be written out");
		else if (buf_append_str(out, line) != 0 || buf_append(out, "\n", 1) != 0)
			rc = sk_error_set(err, SK_ETOOBIG, "the events do not fit in memory");
		free(line);
	}
	json_decref(doc);
	*n = (long)count;
	return rc;
}

/* The reader names a bad line "body:N: reason"; say it as the client
 * sent it: "line N: ..." for JSON lines, "events[N-1]: ..." for an
 * array, "the event: ..." for one object. */
static void name_bad_event(struct sk_error *err, enum in_shape shape)
{
	char head[48];
	unsigned long line;
	size_t rest;
	int used = 0, n;

	if (sscanf(err->msg, "body:%lu: %n", &line, &used) != 1 || used == 0 || line == 0)
		return;
	if (shape == IN_LINES)
		n = snprintf(head, sizeof(head), "line %lu: ", line);
	else if (shape == IN_ARRAY)
		n = snprintf(head, sizeof(head), "events[%lu]: ", line - 1);
	else
		n = snprintf(head, sizeof(head), "the event: ");
	if (n < 0 || (size_t)n >= sizeof(head))
		return;
	rest = strlen(err->msg + used);
	if ((size_t)n + rest >= sizeof(err->msg))
		rest = sizeof(err->msg) - (size_t)n - 1;
	memmove(err->msg + n, err->msg + used, rest);
	err->msg[(size_t)n + rest] = '\0';
	memcpy(err->msg, head, (size_t)n);
}

/* The counts of a stored request, as the answer says them. */
static json_t *in_answer(long received, const struct ingest_stats *stats)
{
	json_t *orgs = json_array();

	for (size_t i = 0; i < stats->n_orgs; i++)
		json_array_append_new(
		    orgs, json_pack("{s:I, s:I}", "org_id", (json_int_t)stats->orgs[i].org_id,
				    "events", (json_int_t)stats->orgs[i].events));
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:o}", "received", (json_int_t)received,
			 "stored", (json_int_t)stats->parsed, "routed",
			 (json_int_t)stats->matched, "unmatched", (json_int_t)stats->unmatched,
			 "enriched", (json_int_t)stats->enriched, "organizations", orgs);
}

static int api_events_submit(struct http_request *req, struct http_response *resp,
			     struct sk_error *err)
{
	const struct user *u = req->user;
	struct routing *rt = NULL;
	struct ingest_stats stats = {0};
	struct ingest_options opt = {0};
	enum in_shape shape = IN_LINES;
	const char *data = req->body;
	size_t len = req->body_len;
	char source[USER_NAME_MAX + 8];
	struct buf lines;
	long n = 0;
	int rc;

	buf_init(&lines, 2 * in_cfg.max_body + 1024);
	if ((rc = access_may_submit_events(u, err)) != 0)
		goto out;
	if (http_request_is_media(req->content_type, "application/x-ndjson")) {
		n = count_lines(data, len);
		if (n > in_cfg.max_events)
			rc = sk_error_set(
			    err, SK_ETOOBIG,
			    "the request holds %ld events, more than %ld ([ingest] "
			    "max_batch_events)",
			    n, in_cfg.max_events);
	} else {
		rc = json_to_lines(req, &lines, &n, &shape, err);
		data = lines.data;
		len = lines.len;
	}
	if (rc != 0)
		goto out;
	if (n == 0) {
		http_response_json(resp, 201, in_answer(0, &stats));
		goto out;
	}
	if ((rt = routing_get(req->st, err)) == NULL) {
		rc = err->code != 0 ? err->code : SK_EIO;
		goto out;
	}
	snprintf(source, sizeof(source), "api:%s", u->name);
	opt.source = source;
	opt.default_tlp = in_cfg.tlp;
	opt.strict = true;
	if (u->role == USER_ROLE_PARTNER) {
		const struct route_org *o = route_context_org(rt->ctx, u->org_id);

		if (o == NULL) {
			rc = sk_error_set(err, SK_EPERM, "organization %lld of %s is not known",
					  (long long)u->org_id, u->name);
			goto out;
		}
		opt.source_org = o->id;
		opt.source_name = o->name;
	}
	rc = ingest_buffer(req->st, rt->ctx, rt->idx, in_cfg.enricher, data, len, "body", &opt,
			   &stats, err);
	if (rc == SK_EINVAL || rc == SK_ETOOBIG) {
		name_bad_event(err, shape);
		rc = err->code = SK_EINVAL; /* a bad event, whatever limit it broke */
	}
	if (rc == 0) {
		log_info("events in from %s: %ld received, %lu stored", u->name, n,
			 stats.parsed);
		http_response_json(resp, 201, in_answer(n, &stats));
	}
out:
	ingest_stats_free(&stats);
	if (rt != NULL)
		routing_put(rt);
	buf_free(&lines);
	return rc;
}

static const char *const in_media[] = {"application/json", "application/x-ndjson", NULL};
static const struct router_intake in_intake = {in_media, in_max_body, in_enter, in_leave};

const struct router_route api_events_routes[] = {
    {"GET", "/api/v1/events", api_events_list, ACCESS_USER, NULL},
    {"POST", "/api/v1/events", api_events_submit, ACCESS_EVENTS_WRITE, &in_intake},
    {NULL, NULL, NULL, ACCESS_PUBLIC, NULL},
};
