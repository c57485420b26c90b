/* cmd/cli_route.c: schakel route: IntelMQ events (JSON lines) in, the
 * same events out with the organizations that receive each, as an IntelMQ
 * step would pass them on. The constituency index and the routing context
 * are built from the store once; nothing is written to the store. Events
 * go through route/match.h a batch at a time. Bad lines go to stderr as
 * FILE:LINE: reason; a summary ends the run. Reads outside input through
 * feed/intelmq.h.
 *
 * Each output line is the event as event_to_json() writes it (with tlp
 * set to the label routing used), with one key added last:
 *   "recipients": [{"org": NAME, "org_id": ID, "role": "owner"|"liaison"|
 *     "national", "member": NAME (liaison only), "reason": TEXT,
 *     "may_pass_on": BOOL, "need_to_know": BOOL}, ...] */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sysexits.h>
#include <time.h>

#include "cmd/cli.h"
#include "feed/intelmq.h"
#include "lib/buf.h"
#include "lib/config.h"
#include "lib/xalloc.h"
#include "model/event.h"
#include "model/recipient.h"
#include "model/tlp.h"
#include "route/enrich.h"
#include "route/index.h"
#include "route/match.h"

#define ROUTE_BATCH	256		   /* events routed together */
#define ROUTE_OUT_CAP	(64 * 1024 * 1024) /* output gathered before a write */
#define ROUTE_OUT_FLUSH (1024 * 1024)

/* Organization names as JSON strings, made once each: an open-addressing
 * table from id to the name's place in text. Grows with the
 * organizations that receive events, which the registry bounds. */
struct name_slot {
	int64_t id; /* 0: empty */
	uint32_t off, len;
};

struct names {
	struct name_slot *slot;
	size_t mask, n;
	struct buf text;
};

/* What one run works with and counts. */
struct route_run {
	const struct route_context *ctx;
	const struct route_index *idx;
	const struct route_enricher *enrich;
	enum tlp_label tlp;
	struct buf out;
	struct names names; /* of the recipients, as JSON */
	int io_error;
	/* counts */
	unsigned long events, bad, recipients, unowned, enriched;
};

/* Seconds of CPU this process has used. */
static double cpu_now(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int flush_out(struct route_run *run)
{
	struct buf *out = &run->out;

	if (out->len > 0 && fwrite(out->data, 1, out->len, stdout) != out->len)
		run->io_error = 1;
	buf_reset(out);
	return run->io_error ? EX_IOERR : EX_OK;
}

/* s[0..n) as a JSON string (quotes, backslashes and control characters
 * escaped; UTF-8 as it is), appended to out. */
static void put_string(struct buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t start = 0, i;

	buf_append_char(out, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_append(out, s + start, i - start);
		start = i + 1;
		if (c == '"' || c == '\\') {
			esc[1] = (char)c;
			buf_append(out, esc, 2);
		} else {
			buf_append(out, esc, 6);
		}
	}
	buf_append(out, s + start, i - start);
	buf_append_char(out, '"');
}

static uint64_t mix(int64_t id)
{
	uint64_t x = (uint64_t)id * 0x9e3779b97f4a7c15ull;

	return x ^ (x >> 29);
}

static void names_init(struct names *t, size_t size)
{
	t->slot = xcalloc(size, sizeof(*t->slot));
	t->mask = size - 1;
	t->n = 0;
}

static void names_free(struct names *t)
{
	free(t->slot);
	buf_free(&t->text);
}

/* The empty slot for id in t. */
static struct name_slot *names_free_slot(struct names *t, int64_t id)
{
	size_t j;

	for (j = mix(id) & t->mask; t->slot[j].id != 0; j = (j + 1) & t->mask)
		;
	return &t->slot[j];
}

/* Append the name of organization id (or null) as JSON to out. */
static void put_name(struct names *t, const struct route_context *ctx, int64_t id,
		     struct buf *out)
{
	const struct route_org *o;
	struct name_slot *e;
	size_t j, start;

	for (j = mix(id) & t->mask; t->slot[j].id != 0; j = (j + 1) & t->mask) {
		if (t->slot[j].id == id) {
			buf_append(out, t->text.data + t->slot[j].off, t->slot[j].len);
			return;
		}
	}
	o = route_context_org(ctx, id);
	if (o == NULL) {
		buf_append(out, "null", 4); /* added to the registry while this ran */
		return;
	}
	if (2 * (t->n + 1) > t->mask + 1) {
		struct name_slot *old = t->slot;
		size_t size = t->mask + 1;

		names_init(t, 2 * size);
		for (size_t k = 0; k < size; k++) {
			if (old[k].id != 0) {
				*names_free_slot(t, old[k].id) = old[k];
				t->n++;
			}
		}
		free(old);
	}
	start = t->text.len;
	put_string(&t->text, o->name, strlen(o->name));
	e = names_free_slot(t, id);
	e->id = id;
	e->off = (uint32_t)start;
	e->len = (uint32_t)(t->text.len - start);
	t->n++;
	buf_append(out, t->text.data + start, e->len);
}

/* Append the decimal digits of v at p; returns the end. */
static char *put_i64(char *p, int64_t v)
{
	char tmp[24];
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	int n = 0;

	do
		tmp[n++] = (char)('0' + u % 10);
	while ((u /= 10) > 0);
	if (v < 0)
		*p++ = '-';
	while (n > 0)
		*p++ = tmp[--n];
	return p;
}

#define LIT(p, s) (memcpy((p), (s), sizeof(s) - 1), (p) + sizeof(s) - 1)

_Static_assert(EVENT_TLP == EVENT_FIELD_COUNT - 1, "tlp is the last key of an event");

/* route_event_fn: write event i of the batch with its recipients. */
static int write_event(size_t i, const struct event_recipient *r, size_t nr, void *arg)
{
	struct route_run *run = ((void **)arg)[0];
	const struct event *const *evs = ((void **)arg)[1];
	struct buf *out = &run->out;
	size_t start = out->len, k;
	bool owned = false;

	if (event_to_json(evs[i], out) != 0 || out->len - start < 3) {
		out->len = start; /* cannot happen below the cap: counted, not written */
		run->bad++;
		return 0;
	}
	out->len -= 2; /* "}\n" */
	if (!event_has(evs[i], EVENT_TLP)) {
		/* The label routing used, where event_to_json() would have put
		 * it: tlp is the last key it writes. */
		buf_append(out, ", \"tlp\": \"", 10);
		buf_append_str(out, run->tlp == TLP_CLEAR ? "WHITE" : tlp_word(run->tlp));
		buf_append_char(out, '"');
	}
	buf_append(out, ", \"recipients\": [", 17);
	for (k = 0; k < nr; k++) {
		/* The reason is canonical text (a prefix, an AS number, a
		 * domain name): nothing in it to escape. */
		char tmp[RECIPIENT_REASON_MAX + 160], *p = tmp;
		const char *role = recipient_role_names[r[k].role];

		buf_append(out, k > 0 ? ", {\"org\": " : "{\"org\": ", k > 0 ? 10 : 8);
		put_name(&run->names, run->ctx, r[k].org_id, out);
		p = LIT(p, ", \"org_id\": ");
		p = put_i64(p, r[k].org_id);
		p = LIT(p, ", \"role\": \"");
		memcpy(p, role, strlen(role));
		p += strlen(role);
		*p++ = '"';
		if (r[k].role == RECIPIENT_LIAISON) {
			p = LIT(p, ", \"member\": ");
			buf_append(out, tmp, (size_t)(p - tmp));
			p = tmp;
			put_name(&run->names, run->ctx, r[k].member_id, out);
		}
		p = LIT(p, ", \"reason\": \"");
		memcpy(p, r[k].reason, strnlen(r[k].reason, RECIPIENT_REASON_MAX - 1));
		p += strnlen(r[k].reason, RECIPIENT_REASON_MAX - 1);
		p = r[k].pass_on ? LIT(p, "\", \"may_pass_on\": true")
				 : LIT(p, "\", \"may_pass_on\": false");
		p = r[k].need_to_know ? LIT(p, ", \"need_to_know\": true}")
				      : LIT(p, ", \"need_to_know\": false}");
		buf_append(out, tmp, (size_t)(p - tmp));
		owned |= r[k].role != RECIPIENT_NATIONAL;
	}
	buf_append(out, "]}\n", 3);
	run->events++;
	run->recipients += nr;
	run->unowned += !owned;
	if (out->len >= ROUTE_OUT_FLUSH && flush_out(run) != EX_OK)
		return 1;
	return 0;
}

/* Route evs[0..n) and write them. */
static int route_batch(struct route_run *run, const struct event *const *evs, size_t n)
{
	void *arg[2] = {run, (void *)evs};

	if (n == 0)
		return EX_OK;
	route_event_batch(run->ctx, run->idx, evs, n, run->tlp, write_event, arg);
	return run->io_error ? EX_IOERR : EX_OK;
}

/* Read one file (- for stdin) and route its events. */
static int route_file(struct cli *c, struct route_run *run, const char *path, struct event *evs,
		      const struct event **ptrs)
{
	struct intelmq_reader *r = NULL;
	FILE *in = stdin;
	size_t n = 0;
	int rc, code = EX_OK;

	if (strcmp(path, "-") != 0) {
		in = fopen(path, "r");
		if (in == NULL) {
			fprintf(stderr, "schakel route: %s: cannot open: %s\n", path,
				strerror(errno));
			return errno == EACCES || errno == ENOENT || errno == ENOTDIR
				   ? EX_NOINPUT
				   : EX_IOERR;
		}
	}
	r = intelmq_reader_new(in, strcmp(path, "-") == 0 ? "stdin" : path);
	for (;;) {
		struct event *ev = &evs[n];

		rc = intelmq_read_into(r, ev, &c->err);
		if (rc == 0)
			break;
		if (rc < 0) {
			fprintf(stderr, "%s\n", c->err.msg);
			if (rc == SK_EIO) {
				code = EX_IOERR;
				break;
			}
			run->bad++;
			code = cli_exit_worse(code, EX_DATAERR);
			continue;
		}
		if (run->enrich != NULL) {
			rc = route_enrich_event(run->enrich, ev, &c->err);
			if (rc < 0) {
				fprintf(stderr, "schakel route: %s\n", c->err.msg);
				code = EX_IOERR;
				break;
			}
			run->enriched += rc > 0;
		}
		if (++n == ROUTE_BATCH) {
			if (route_batch(run, ptrs, n) != EX_OK)
				break;
			n = 0;
		}
	}
	if (run->io_error == 0)
		route_batch(run, ptrs, n);
	if (run->io_error)
		code = EX_IOERR;
	intelmq_reader_free(r);
	if (in != stdin)
		fclose(in);
	return code;
}

int cli_route(struct cli *c, int argc, char **argv)
{
	struct cli_opt opts[] = {{"tlp", true}, {"match", true}, {NULL, false}};
	struct route_run run;
	struct cli_routing rt = {0};
	struct event *evs = NULL;
	const struct event **ptrs = NULL;
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	double t0, t1, t2, c1, c2;
	int npos = 0, rc, code = EX_OK;

	memset(&run, 0, sizeof(run));
	buf_init(&run.out, ROUTE_OUT_CAP);
	buf_init(&run.names.text, UINT32_MAX);
	names_init(&run.names, 1024);
	rc = cli_parse(c, argc, argv, opts, 0, -1, pos, &npos);
	if (rc != CLI_GO) {
		code = rc;
		goto out;
	}
	if (npos == 0) {
		pos[0] = (char *)"-";
		npos = 1;
	}
	code = cli_open(c);
	if (code != 0)
		goto out;
	code = cli_pick_tlp(c, cli_opt_get(opts, "tlp")->arg, &run.tlp);
	if (code != 0)
		goto out;
	t0 = now();
	code = cli_routing_open(c, cli_opt_get(opts, "match")->arg, &rt);
	if (code != 0)
		goto out;
	run.ctx = rt.ctx;
	run.idx = rt.idx;
	run.enrich = route_enricher_active(rt.enricher) ? rt.enricher : NULL;
	evs = xcalloc(ROUTE_BATCH, sizeof(*evs));
	ptrs = xcalloc(ROUTE_BATCH, sizeof(*ptrs));
	for (size_t i = 0; i < ROUTE_BATCH; i++) {
		event_init(&evs[i]);
		ptrs[i] = &evs[i];
	}

	t1 = now();
	c1 = cpu_now();
	for (int i = 0; i < npos; i++) {
		int fc = route_file(c, &run, pos[i], evs, ptrs);

		code = cli_exit_worse(code, fc);
		if (flush_out(&run) != EX_OK || fc == EX_IOERR)
			break;
	}
	t2 = now();
	c2 = cpu_now();
	fprintf(
	    stderr,
	    "schakel route: %lu events routed (%s), %lu bad lines, %lu recipients, %lu events "
	    "for the national CSIRT only, %lu enriched; %.3f s (%.0f events/s; %.3f s of CPU, "
	    "%.0f events per CPU second), after %.3f s loading the registry\n",
	    run.events, route_mode_names[rt.mode], run.bad, run.recipients, run.unowned,
	    run.enriched, t2 - t1, t2 > t1 ? (double)run.events / (t2 - t1) : 0.0, c2 - c1,
	    c2 > c1 ? (double)run.events / (c2 - c1) : 0.0, t1 - t0);
out:
	if (flush_out(&run) != EX_OK)
		code = EX_IOERR;
	if (evs != NULL)
		for (size_t i = 0; i < ROUTE_BATCH; i++)
			event_free(&evs[i]);
	free(evs);
	free(ptrs);
	buf_free(&run.out);
	names_free(&run.names);
	cli_routing_close(&rt);
	cli_opts_free(opts);
	free(pos);
	return code;
}
