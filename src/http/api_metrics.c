/* http/api_metrics.c: GET /metrics and the count of HTTP requests by
 * route pattern (never the raw path: the label values are bounded by
 * the route tables), method and status.
 * SECURITY: the route is public at the router; the handler admits a
 * loopback client (unless [metrics] loopback = no) or the scrape token,
 * compared as BLAKE2b hashes in constant time. The answer names feeds,
 * routes and counts, never an address, a user or a ticket's text. */
#include "http/api_metrics.h"

#include <arpa/inet.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/request.h"
#include "http/response.h"
#include "http/routes.h"
#include "lib/buf.h"
#include "lib/error.h"
#include "lib/metrics.h"
#include "lib/secret.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "model/ticket.h"
#include "store/store.h"

#define METRICS_TEXT_MAX (4 * 1024 * 1024) /* bytes of an answer */
#define ROUTES_MAX	 255		   /* routes counted apart; slot 0 is "other" */
#define REQ_SLOTS	 4096		   /* route, method and status seen (power of 2) */
#define TICKET_ROWS_MAX	 128		   /* ticket types and statuses in a scrape */
#define CONTENT_TYPE	 "text/plain; version=0.0.4; charset=utf-8"

/* ---- who may scrape ---- */

static char token_hash[SECRET_HASH_HEX + 1]; /* "" without a token */
static bool allow_loopback = true;

void api_metrics_configure(const char *token, bool loopback)
{
	token_hash[0] = '\0';
	if (token != NULL && token[0] != '\0')
		secret_token_hash(token, token_hash);
	allow_loopback = loopback;
}

/* Is addr (text) a loopback address: 127.0.0.0/8, ::1 or ::ffff:127.x? */
static bool is_loopback(const char *addr)
{
	unsigned char a[16];
	static const unsigned char v6_one[16] = {[15] = 1};
	static const unsigned char mapped[12] = {[10] = 0xff, [11] = 0xff};

	if (addr == NULL)
		return false;
	if (inet_pton(AF_INET, addr, a) == 1)
		return a[0] == 127;
	if (inet_pton(AF_INET6, addr, a) != 1)
		return false;
	return memcmp(a, v6_one, 16) == 0 || (memcmp(a, mapped, 12) == 0 && a[12] == 127);
}

/* 0 when req may scrape; else the answer is in resp (401 or 403). */
static int admit(const struct http_request *req, struct http_response *resp)
{
	const char *authz = req->authorization;
	char hash[SECRET_HASH_HEX + 1];

	if (authz == NULL && allow_loopback && is_loopback(req->client))
		return 0;
	if (token_hash[0] == '\0') {
		http_response_error(resp, 403, "forbidden",
				    "/metrics answers %s; set [metrics] token_file to scrape "
				    "with a token",
				    allow_loopback ? "the loopback address only" : "nobody");
		return -1;
	}
	if (authz != NULL && strncasecmp(authz, "Bearer ", 7) == 0) {
		secret_token_hash(authz + 7 + strspn(authz + 7, " "), hash);
		if (secret_equal(hash, token_hash, SECRET_HASH_HEX))
			return 0;
	}
	http_response_error(resp, 401, "unauthenticated",
			    authz == NULL
				? "/metrics needs the scrape token ([metrics] token_file)"
				: "the scrape token is not right");
	resp->challenge = 1;
	return -1;
}

/* ---- HTTP requests ---- */

static const char *const method_names[] = {"GET",   "HEAD",   "POST",	"PUT",
					   "PATCH", "DELETE", "OPTIONS"};
#define METHODS ((int)(sizeof(method_names) / sizeof(method_names[0])))

/* A request's key: (route slot + 1) << 16 | method << 12 | status; 0 is
 * a free entry. Entries are taken with a compare-and-swap and never
 * given back, so counting needs no lock. */
static _Atomic uint32_t req_key[REQ_SLOTS];
static _Atomic uint64_t req_count[REQ_SLOTS];
static struct metrics_histogram req_latency[ROUTES_MAX + 1];

/* Route slot of route: its place in http_routes plus 1; 0 for none. */
static int route_slot(const struct router_route *route)
{
	int slot = 1;

	if (route == NULL)
		return 0;
	for (size_t t = 0; http_routes[t] != NULL; t++)
		for (const struct router_route *r = http_routes[t]; r->pattern != NULL; r++) {
			if (r == route)
				return slot <= ROUTES_MAX ? slot : 0;
			slot++;
		}
	return 0;
}

/* The route of slot (1..), or NULL. */
static const struct router_route *slot_route(int slot)
{
	int n = 1;

	for (size_t t = 0; http_routes[t] != NULL; t++)
		for (const struct router_route *r = http_routes[t]; r->pattern != NULL; r++)
			if (n++ == slot)
				return r;
	return NULL;
}

static int method_index(const char *method)
{
	for (int i = 0; i < METHODS; i++)
		if (strcmp(method, method_names[i]) == 0)
			return i;
	return METHODS; /* "other" */
}

void api_metrics_request(const struct router_route *route, const char *method, int status,
			 double seconds)
{
	int slot = route_slot(route);
	uint32_t key, h;

	if (status < 0 || status > 999)
		status = 0;
	key = (uint32_t)(slot + 1) << 16 | (uint32_t)method_index(method) << 12 |
	      (uint32_t)status;
	h = (key * 2654435761u) >> 20; /* REQ_SLOTS is 2^12 */
	for (int probe = 0; probe < REQ_SLOTS; probe++, h = (h + 1) & (REQ_SLOTS - 1)) {
		uint32_t seen = atomic_load_explicit(&req_key[h], memory_order_acquire);

		if (seen == 0 && atomic_compare_exchange_strong(&req_key[h], &seen, key))
			seen = key;
		if (seen == key) {
			atomic_fetch_add_explicit(&req_count[h], 1, memory_order_relaxed);
			break;
		}
	}
	metrics_observe(&req_latency[slot], seconds);
}

struct req_row {
	uint32_t key;
	uint64_t count;
};

static int req_row_cmp(const void *pa, const void *pb)
{
	uint32_t a = ((const struct req_row *)pa)->key, b = ((const struct req_row *)pb)->key;

	return a < b ? -1 : a > b;
}

static const char *slot_label(int slot)
{
	const struct router_route *r = slot > 0 ? slot_route(slot) : NULL;

	return r != NULL ? r->pattern : "other";
}

/* schakel_http_requests_total and schakel_http_request_duration_seconds. */
static int render_http(struct buf *b)
{
	struct req_row *rows = xcalloc(REQ_SLOTS, sizeof(*rows));
	size_t n = 0;
	int rc;

	for (size_t i = 0; i < REQ_SLOTS; i++) {
		uint32_t key = atomic_load_explicit(&req_key[i], memory_order_acquire);

		if (key != 0)
			rows[n++] = (struct req_row){
			    key, atomic_load_explicit(&req_count[i], memory_order_relaxed)};
	}
	qsort(rows, n, sizeof(*rows), req_row_cmp);
	rc = metrics_family(b, "schakel_http_requests_total", "counter",
			    "HTTP requests answered, by route pattern, method and status "
			    "(code 0: the connection closed before an answer).");
	for (size_t i = 0; i < n && rc == 0; i++) {
		int slot = (int)(rows[i].key >> 16) - 1, m = (int)(rows[i].key >> 12 & 0xf);
		char code[8];
		const char *labels[] = {"route",  slot_label(slot),
					"method", m < METHODS ? method_names[m] : "other",
					"code",	  code,
					NULL};

		snprintf(code, sizeof(code), "%u", (unsigned)(rows[i].key & 0xfff));
		rc = metrics_sample(b, "schakel_http_requests_total", labels,
				    (int64_t)rows[i].count);
	}
	free(rows);
	if (rc == 0)
		rc = metrics_family(
		    b, "schakel_http_request_duration_seconds", "histogram",
		    "Time from a request's headers to its answer's end, by route "
		    "pattern.");
	for (int slot = 0; slot <= ROUTES_MAX && rc == 0; slot++) {
		const char *labels[] = {"route", slot_label(slot), NULL};

		if (atomic_load_explicit(&req_latency[slot].count, memory_order_relaxed) > 0)
			rc = metrics_histogram_write(b, "schakel_http_request_duration_seconds",
						     labels, &req_latency[slot]);
	}
	return rc;
}

/* ---- values from the store ---- */

static const char *const mail_states[] = {"queued", "sent", "failed", "held", NULL};
static const char *const sla_clocks[] = {"acknowledge", "first_response", "resolve", NULL};
static const char *const alert_states[] = {"sent", "calllist", NULL};

struct ticket_row {
	char type[TICKET_WORD_MAX], status[TICKET_WORD_MAX];
	int64_t n;
	bool shown;
};

/* What one scrape read from the store. */
struct scrape {
	int64_t mail[4];
	struct ticket_row tickets[TICKET_ROWS_MAX];
	size_t n_tickets;
	int64_t due[3], breached[3];
	int64_t alerts[2];	     /* unacknowledged, by alert_states */
	struct buf ingested, routed; /* their samples */
};

/* store_metric_fn: keep r in the scrape. */
static int scrape_row(const struct store_metric_row *r, void *ctx)
{
	struct scrape *sc = ctx;
	int i;

	switch (r->what) {
	case STORE_METRIC_MAIL:
		if ((i = str_index(mail_states, r->a)) >= 0)
			sc->mail[i] = r->value;
		return 0;
	case STORE_METRIC_TICKETS:
		if (sc->n_tickets < TICKET_ROWS_MAX) {
			struct ticket_row *t = &sc->tickets[sc->n_tickets++];

			snprintf(t->type, sizeof(t->type), "%s", r->a);
			snprintf(t->status, sizeof(t->status), "%s", r->b);
			t->n = r->value;
		}
		return 0;
	case STORE_METRIC_SLA_DUE:
	case STORE_METRIC_SLA_BREACHED:
		if ((i = str_index(sla_clocks, r->a)) >= 0)
			(r->what == STORE_METRIC_SLA_DUE ? sc->due : sc->breached)[i] =
			    r->value;
		return 0;
	case STORE_METRIC_ALERTS:
		if ((i = str_index(alert_states, r->a)) >= 0)
			sc->alerts[i] = r->value;
		return 0;
	case STORE_METRIC_FEED: {
		const char *labels[] = {"feed", r->a, NULL};
		int rc = metrics_sample(&sc->ingested, "schakel_events_ingested_total", labels,
					r->value);

		return rc != 0 ? rc
			       : metrics_sample(&sc->routed, "schakel_events_routed_total",
						labels, r->routed);
	}
	}
	return 0;
}

/* schakel_tickets: every status of every type, those without tickets
 * as 0, then any other the store holds. */
static int render_tickets(struct buf *b, struct scrape *sc)
{
	int rc = metrics_family(b, "schakel_tickets", "gauge", "Tickets by type and status.");

	for (int t = 0; t < TICKET_TYPE_COUNT && rc == 0; t++) {
		const char *const *st = ticket_statuses((enum ticket_type)t);

		for (size_t s = 0; st[s] != NULL && rc == 0; s++) {
			const char *labels[] = {"type", ticket_type_names[t], "status", st[s],
						NULL};
			int64_t n = 0;

			for (size_t i = 0; i < sc->n_tickets; i++)
				if (strcmp(sc->tickets[i].type, ticket_type_names[t]) == 0 &&
				    strcmp(sc->tickets[i].status, st[s]) == 0) {
					n = sc->tickets[i].n;
					sc->tickets[i].shown = true;
				}
			rc = metrics_sample(b, "schakel_tickets", labels, n);
		}
	}
	for (size_t i = 0; i < sc->n_tickets && rc == 0; i++) {
		const char *labels[] = {"type", sc->tickets[i].type, "status",
					sc->tickets[i].status, NULL};

		if (!sc->tickets[i].shown)
			rc = metrics_sample(b, "schakel_tickets", labels, sc->tickets[i].n);
	}
	return rc;
}

static int render_store(struct buf *b, struct scrape *sc)
{
	int rc = metrics_family(b, "schakel_mail_messages", "gauge",
				"Messages in the outbound queue by status (held: queued, "
				"waiting for an analyst).");

	for (int i = 0; mail_states[i] != NULL && rc == 0; i++) {
		const char *labels[] = {"status", mail_states[i], NULL};

		rc = metrics_sample(b, "schakel_mail_messages", labels, sc->mail[i]);
	}
	if (rc == 0)
		rc = render_tickets(b, sc);
	if (rc == 0)
		rc = metrics_family(b, "schakel_sla_clocks_due", "gauge",
				    "Open tickets whose SLA clock runs and is not yet due.");
	for (int i = 0; sla_clocks[i] != NULL && rc == 0; i++) {
		const char *labels[] = {"clock", sla_clocks[i], NULL};

		rc = metrics_sample(b, "schakel_sla_clocks_due", labels, sc->due[i]);
	}
	if (rc == 0)
		rc = metrics_family(
		    b, "schakel_sla_clocks_breached", "gauge",
		    "Open tickets past the due time of an SLA clock still running.");
	for (int i = 0; sla_clocks[i] != NULL && rc == 0; i++) {
		const char *labels[] = {"clock", sla_clocks[i], NULL};

		rc = metrics_sample(b, "schakel_sla_clocks_breached", labels, sc->breached[i]);
	}
	if (rc == 0)
		rc =
		    metrics_family(b, "schakel_alerts_unacknowledged", "gauge",
				   "Alerts of urgent advisories not acknowledged: still with a "
				   "contact (sent) or on the calling list.");
	for (int i = 0; alert_states[i] != NULL && rc == 0; i++) {
		const char *labels[] = {"state", alert_states[i], NULL};

		rc = metrics_sample(b, "schakel_alerts_unacknowledged", labels, sc->alerts[i]);
	}
	if (rc == 0)
		rc = metrics_family(b, "schakel_events_ingested_total", "counter",
				    "Events stored, by feed, by every process of the store.");
	if (rc == 0)
		rc = buf_append(b, sc->ingested.data, sc->ingested.len);
	if (rc == 0)
		rc = metrics_family(b, "schakel_events_routed_total", "counter",
				    "Events stored for an organization besides the national "
				    "CSIRT, by feed.");
	if (rc == 0)
		rc = buf_append(b, sc->routed.data, sc->routed.len);
	return rc;
}

int api_metrics_render(struct store *st, struct buf *b, struct sk_error *err)
{
	struct scrape *sc = xcalloc(1, sizeof(*sc));
	char now[21];
	int rc;

	buf_init(&sc->ingested, METRICS_TEXT_MAX);
	buf_init(&sc->routed, METRICS_TEXT_MAX);
	str_time_iso(str_time_now(), now);
	rc = store_metrics_each(st, now, scrape_row, sc, err);
	if (rc == 0 &&
	    ((rc = metrics_counters_write(b)) != 0 || (rc = metrics_gauges_write(b)) != 0 ||
	     (rc = render_http(b)) != 0 || (rc = render_store(b, sc)) != 0))
		sk_error_set(err, rc, "the metrics are larger than %d bytes", METRICS_TEXT_MAX);
	buf_free(&sc->ingested);
	buf_free(&sc->routed);
	free(sc);
	return rc;
}

/* GET /metrics. */
static int api_metrics_get(struct http_request *req, struct http_response *resp,
			   struct sk_error *err)
{
	struct buf b;
	size_t len;
	int rc;

	if (admit(req, resp) != 0)
		return 0;
	buf_init(&b, METRICS_TEXT_MAX);
	if ((rc = api_metrics_render(req->st, &b, err)) != 0) {
		buf_free(&b);
		return rc;
	}
	len = b.len;
	http_response_text(resp, 200, CONTENT_TYPE, buf_take(&b), len);
	return 0;
}

const struct router_route api_metrics_routes[] = {
    {"GET", "/metrics", api_metrics_get, ACCESS_PUBLIC},
    {NULL, NULL, NULL, ACCESS_PUBLIC},
};
