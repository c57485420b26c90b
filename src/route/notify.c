/* route/notify.c: digests. For each due group the pending rows are read
 * a chunk at a time (at most CHUNK_EVENTS events or CHUNK_BYTES of JSON,
 * so memory stays bounded and the mail within its size limit); each
 * chunk becomes one digest: the CSV (columns: the fields its events
 * have, less the dropped ones), the text from the template of the
 * contact's language, the mail, and the notification marking the rows,
 * stored in one transaction. */
#include "route/notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "config_build.h"
#include "feed/intelmq.h"
#include "lib/buf.h"
#include "lib/config.h"
#include "lib/csvout.h"
#include "lib/error.h"
#include "lib/log.h"
#include "lib/str.h"
#include "lib/template.h"
#include "lib/xalloc.h"
#include "mail/dispatch.h"
#include "mail/message.h"
#include "model/event.h"
#include "model/org.h"
#include "model/recipient.h"
#include "model/taxonomy.h"
#include "store/store.h"

#define CHUNK_EVENTS   20000
#define CHUNK_BYTES    (4 * 1024 * 1024)
#define CHUNK_ROWS     (4 * CHUNK_EVENTS) /* duplicates and withheld rows too */
#define CSV_MAX	       (7 * 1024 * 1024)
#define BODY_MAX       (64 * 1024)
#define INTERVAL_MAX   (31 * 86400)
#define FEED_SHOWN_MAX 201 /* bytes of a feed name in the text, NUL included */
#define STOP	       1   /* a walk callback's "enough for this chunk" */
#define DEFAULT_SENDER "the national CSIRT"

/* Fields no recipient gets whatever the config says: raw holds the
 * feed's whole line. */
static const char *const always_dropped[] = {"raw", NULL};

const char *const notify_template_names[] = {"org",	"feed",		"type",	  "count",
					     "first",	"last",		"tlp",	  "liaison",
					     "pass_on", "need_to_know", "sender", NULL};

/* Split a comma list into a NULL-terminated array of trimmed words. */
static int split_list(const char *text, char ***out, const char *setting, struct sk_error *err)
{
	char **v = xcalloc(NOTIFY_LIST_MAX + 1, sizeof(*v));
	size_t n = 0;

	for (const char *p = text; p != NULL && *p != '\0';) {
		const char *end = strchr(p, ','), *stop = end ? end : p + strlen(p);

		while (p < stop && (*p == ' ' || *p == '\t'))
			p++;
		while (stop > p && (stop[-1] == ' ' || stop[-1] == '\t'))
			stop--;
		if (stop > p) {
			if (n == NOTIFY_LIST_MAX) {
				for (size_t i = 0; i < n; i++)
					free(v[i]);
				free(v);
				return sk_error_set(err, SK_ECONFIG, "%s: more than %d entries",
						    setting, NOTIFY_LIST_MAX);
			}
			v[n] = xmalloc((size_t)(stop - p) + 1);
			memcpy(v[n], p, (size_t)(stop - p));
			v[n++][stop - p] = '\0';
		}
		p = end ? end + 1 : NULL;
	}
	*out = v;
	return 0;
}

static void list_free(char **v)
{
	for (size_t i = 0; v != NULL && v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

static bool list_has(char *const *v, const char *word)
{
	for (size_t i = 0; v != NULL && v[i] != NULL; i++)
		if (strcmp(v[i], word) == 0)
			return true;
	return false;
}

int notify_config_load(const struct config *cfg, struct notify_config *out,
		       struct sk_error *err)
{
	const char *interval = config_str(cfg, "notify", "interval", "1d");
	char from[MAIL_ADDR_MAX + 1];
	int rc;

	memset(out, 0, sizeof(*out));
	if (str_to_duration(interval, INTERVAL_MAX, &out->interval) != 0 || out->interval == 0)
		return sk_error_set(err, SK_ECONFIG,
				    "notify.interval: '%s' is not a duration from 1s to 31d "
				    "(a number with s, m, h or d)",
				    interval);
	if ((rc = split_list(config_str(cfg, "notify", "immediate", "system-compromise"),
			     &out->immediate, "notify.immediate", err)) != 0)
		return rc;
	for (size_t i = 0; out->immediate[i] != NULL; i++) {
		if (!taxonomy_type_valid(out->immediate[i])) {
			rc = sk_error_set(err, SK_ECONFIG,
					  "notify.immediate: '%s' is not a classification.type",
					  out->immediate[i]);
			goto fail;
		}
	}
	if ((rc = split_list(config_str(cfg, "notify", "drop_fields", NULL), &out->drop,
			     "notify.drop_fields", err)) != 0)
		goto fail;
	for (size_t i = 0; out->drop[i] != NULL; i++) {
		if (event_field_lookup(out->drop[i]) < 0 &&
		    !str_has_prefix(out->drop[i], "extra.")) {
			rc = sk_error_set(err, SK_ECONFIG,
					  "notify.drop_fields: '%s' is not an event field",
					  out->drop[i]);
			goto fail;
		}
	}
	out->templates = config_str(cfg, "notify", "templates", SCHAKEL_TEMPLATES);
	out->sender_name = config_str(cfg, "notify", "sender", DEFAULT_SENDER);
	out->from = config_str(cfg, "mail", "from", NULL);
	if (out->from == NULL) {
		rc = sk_error_set(err, SK_ECONFIG,
				  "mail.from: notifications need a sender address");
		goto fail;
	}
	if ((rc = mail_addr_check(out->from, from, err)) != 0) {
		sk_error_prefix(err, "mail.from");
		rc = err->code = SK_ECONFIG;
		goto fail;
	}
	return 0;
fail:
	notify_config_free(out);
	return rc;
}

void notify_config_free(struct notify_config *nc)
{
	list_free(nc->immediate);
	list_free(nc->drop);
	nc->immediate = nc->drop = NULL;
}

/* ---- a set of event hashes (32 hex digits), for identical events ---- */

struct hash_set {
	char (*slot)[33];
	size_t n, cap;
};

static uint64_t hash_of(const char *h)
{
	uint64_t v = 1469598103934665603ull;

	for (; *h != '\0'; h++)
		v = (v ^ (unsigned char)*h) * 1099511628211ull;
	return v;
}

/* Add h; false if it was there already. */
static bool hash_set_add(struct hash_set *s, const char *h)
{
	size_t i;

	if (strlen(h) != 32)
		return true; /* not a hash: never the same as another */
	if ((s->n + 1) * 2 > s->cap) {
		struct hash_set bigger = {xcalloc(s->cap ? s->cap * 2 : 1024, 33), 0,
					  s->cap ? s->cap * 2 : 1024};

		for (size_t j = 0; j < s->cap; j++)
			if (s->slot[j][0] != '\0')
				hash_set_add(&bigger, s->slot[j]);
		free(s->slot);
		*s = bigger;
	}
	for (i = hash_of(h) & (s->cap - 1); s->slot[i][0] != '\0'; i = (i + 1) & (s->cap - 1))
		if (memcmp(s->slot[i], h, 32) == 0)
			return false;
	memcpy(s->slot[i], h, 33);
	s->n++;
	return true;
}

/* ---- one chunk of a group ---- */

struct pending {
	int64_t event_id;
	bool unique;	   /* first of its identical events */
	bool withheld;	   /* the TLP policy keeps it from this recipient */
	size_t json_off;   /* in chunk.json */
	int64_t member_id; /* liaison rows */
	bool pass_on, need_to_know;
	enum tlp_label tlp;
	int64_t time;
};

struct chunk {
	struct pending *v;
	size_t n, alloc, unique;
	struct buf json; /* the unique events' lines, NUL between */
	int64_t last_id;
	bool liaison;
	size_t withheld; /* rows the TLP policy kept back */
	struct hash_set *seen;
};

static int chunk_add(const struct store_event_row *row, void *ctx)
{
	struct chunk *c = ctx;
	struct tlp_permission perm = tlp_policy(row->tlp, recipient_relation(row->rcpt->role));
	struct pending *p;

	c->last_id = row->id;
	if (c->n == c->alloc) {
		c->alloc = c->alloc ? c->alloc * 2 : 256;
		c->v = xreallocarray(c->v, c->alloc, sizeof(*c->v));
	}
	p = &c->v[c->n++];
	*p = (struct pending){.event_id = row->id,
			      .member_id = row->rcpt->member_id,
			      .pass_on = perm.pass_on && row->rcpt->pass_on,
			      .need_to_know = perm.need_to_know || row->rcpt->need_to_know,
			      .tlp = row->tlp,
			      .time = row->time};
	if (!perm.receive) {
		/* Marked as carried, never sent. */
		p->withheld = true;
		c->withheld++;
		return c->n >= CHUNK_ROWS ? STOP : 0;
	}
	if (row->rcpt->role == RECIPIENT_LIAISON)
		c->liaison = true;
	p->unique = hash_set_add(c->seen, row->hash);
	if (p->unique) {
		p->json_off = c->json.len;
		if (buf_append(&c->json, row->json, strlen(row->json) + 1) != 0)
			return SK_ETOOBIG;
		c->unique++;
	}
	return c->unique >= CHUNK_EVENTS || c->json.len >= CHUNK_BYTES || c->n >= CHUNK_ROWS
		   ? STOP
		   : 0;
}

static void chunk_reset(struct chunk *c)
{
	c->n = c->unique = c->withheld = 0;
	c->liaison = false;
	buf_reset(&c->json);
}

/* ---- CSV (lib/csvout.h: formulas defused) ---- */

/* The columns of a chunk: every field one of its events has, known
 * fields in harmonization order, then extra.* names as first seen. */
struct columns {
	bool known[EVENT_FIELD_COUNT];
	char **extra;
	size_t n_extra, alloc;
};

static bool dropped(const struct notify_config *nc, const char *name)
{
	return list_has((char *const *)always_dropped, name) || list_has(nc->drop, name);
}

static int parse_event(const char *json, struct event *ev, struct sk_error *err)
{
	event_reset(ev);
	return intelmq_parse(json, strlen(json), ev, err);
}

static int columns_collect(const struct notify_config *nc, const struct chunk *c,
			   struct event *ev, struct columns *cols, struct sk_error *err)
{
	for (size_t i = 0; i < c->n; i++) {
		struct event_iter it;
		struct event_item item;
		int rc;

		if (!c->v[i].unique)
			continue;
		if ((rc = parse_event(c->json.data + c->v[i].json_off, ev, err)) != 0) {
			sk_error_prefix(err, "stored event %lld", (long long)c->v[i].event_id);
			err->code = SK_EIO;
			return SK_EIO;
		}
		event_iter_init(&it);
		while (event_next(ev, &it, &item)) {
			bool have = false;

			if (dropped(nc, item.name))
				continue;
			if (item.field >= 0) {
				cols->known[item.field] = true;
				continue;
			}
			for (size_t j = 0; j < cols->n_extra && !have; j++)
				have = strcmp(cols->extra[j], item.name) == 0;
			if (have)
				continue;
			if (cols->n_extra == cols->alloc) {
				cols->alloc = cols->alloc ? cols->alloc * 2 : 16;
				cols->extra =
				    xreallocarray(cols->extra, cols->alloc, sizeof(char *));
			}
			cols->extra[cols->n_extra++] = xstrdup(item.name);
		}
	}
	return 0;
}

static void columns_free(struct columns *cols)
{
	for (size_t i = 0; i < cols->n_extra; i++)
		free(cols->extra[i]);
	free(cols->extra);
}

static int csv_write(const struct notify_config *nc, const struct chunk *c,
		     const struct org_list *members, struct event *ev, struct buf *csv,
		     struct sk_error *err)
{
	struct columns cols = {0};
	int rc = columns_collect(nc, c, ev, &cols, err);
	bool first = true;

	if (rc == 0 && c->liaison) {
		rc = csvout_cell(csv, "organization", true);
		if (rc == 0)
			rc = csvout_cell(csv, "may_pass_on", false);
		first = false;
	}
	for (int f = 0; rc == 0 && f < EVENT_FIELD_COUNT; f++) {
		if (cols.known[f]) {
			rc = csvout_cell(csv, event_field_name((enum event_field)f), first);
			first = false;
		}
	}
	for (size_t j = 0; rc == 0 && j < cols.n_extra; j++, first = false)
		rc = csvout_cell(csv, cols.extra[j], first);
	if (rc == 0)
		rc = csvout_end(csv);
	for (size_t i = 0; rc == 0 && i < c->n; i++) {
		const struct pending *p = &c->v[i];

		if (!p->unique)
			continue;
		if ((rc = parse_event(c->json.data + p->json_off, ev, err)) != 0)
			break;
		first = true;
		if (c->liaison) {
			const struct org *m = org_list_find_id(members, p->member_id);

			rc = csvout_cell(csv, m ? m->name : "", true);
			if (rc == 0)
				rc = csvout_cell(csv,
						 !p->pass_on	   ? "no"
						 : p->need_to_know ? "need-to-know"
								   : "yes",
						 false);
			first = false;
		}
		for (int f = 0; rc == 0 && f < EVENT_FIELD_COUNT; f++) {
			const char *v;

			if (!cols.known[f])
				continue;
			v = event_get(ev, (enum event_field)f);
			rc = csvout_cell(csv, v ? v : "", first);
			first = false;
		}
		for (size_t j = 0; rc == 0 && j < cols.n_extra; j++, first = false) {
			const char *v = event_get_extra(ev, cols.extra[j], NULL);
			rc = csvout_cell(csv, v ? v : "", first);
		}
		if (rc == 0)
			rc = csvout_end(csv);
	}
	columns_free(&cols);
	if (rc == SK_ETOOBIG)
		sk_error_set(err, rc, "a digest's CSV file is larger than %d bytes", CSV_MAX);
	return rc;
}

/* ---- contacts and language ---- */

/* The contacts to mail: abuse, else operational-24x7, else all. */
static size_t contacts_pick(const struct contact_list *all, const struct contact **out)
{
	static const enum contact_role order[] = {CONTACT_ROLE_ABUSE,
						  CONTACT_ROLE_OPERATIONAL_24X7};
	size_t n = 0;

	for (size_t r = 0; r < sizeof(order) / sizeof(order[0]) && n == 0; r++)
		for (size_t i = 0; i < all->n && n < MAIL_TO_MAX; i++)
			if (all->v[i].role == order[r])
				out[n++] = &all->v[i];
	for (size_t i = 0; n == 0 && i < all->n && i < MAIL_TO_MAX; i++)
		out[i] = &all->v[i];
	return n > 0 ? n : (all->n < MAIL_TO_MAX ? all->n : MAIL_TO_MAX);
}

/* ---- one digest ---- */

struct run {
	struct store *st;
	const struct notify_config *nc;
	bool dry_run;
	notify_report_fn fn;
	void *ctx;
	struct notify_stats *stats;
	struct template_set templates;
	struct event ev;
	struct org_list members; /* every organization, by id, for liaison CSVs */
};

/* src cut to fit out[size], on a character boundary. */
static void cut_utf8(char *out, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(out, src, n);
	out[n] = '\0';
}

/* Render the text, compose the mail, queue it and record the
 * notification. */
static int digest_send(struct run *run, const struct org *org, const struct contact **to,
		       size_t n_to, const char *feed, const char *type, const struct chunk *c,
		       struct sk_error *err)
{
	struct mail_addr addrs[MAIL_TO_MAX];
	const char *lang = "en", *subject, *body;
	enum tlp_label tlp = TLP_CLEAR;
	int64_t first = INT64_MAX, last = INT64_MIN, *ids;
	char count[24], tfirst[21], tlast[21], fname[256], feed_shown[FEED_SHOWN_MAX];
	bool pass_on = false, need_to_know = false;
	struct template *t;
	struct buf csv, text, tolist;
	char *message = NULL;
	int rc;

	for (size_t i = 0; i < c->n; i++) {
		const struct pending *p = &c->v[i];

		if (p->withheld)
			continue;
		tlp = tlp_stricter(tlp, p->tlp);
		first = p->time < first ? p->time : first;
		last = p->time > last ? p->time : last;
		pass_on |= p->pass_on;
		need_to_know |= p->pass_on && p->need_to_know;
	}
	if ((t = template_set_pick(&run->templates, to[0]->languages, &lang, err)) == NULL)
		return err->code ? err->code : SK_ECONFIG;
	buf_init(&csv, CSV_MAX);
	buf_init(&text, BODY_MAX);
	buf_init(&tolist, 64 * 1024);
	if ((rc = csv_write(run->nc, c, &run->members, &run->ev, &csv, err)) != 0)
		goto out;
	snprintf(count, sizeof(count), "%zu", c->unique);
	cut_utf8(feed_shown, sizeof(feed_shown), feed);
	str_time_iso(first, tfirst);
	str_time_iso(last, tlast);
	{
		const struct template_var vars[] = {
		    {"org", org->name},
		    {"feed", feed_shown},
		    {"type", type},
		    {"count", count},
		    {"first", tfirst},
		    {"last", tlast},
		    {"tlp", tlp_name(tlp)},
		    {"liaison", c->liaison ? "yes" : NULL},
		    {"pass_on", pass_on ? "yes" : NULL},
		    {"need_to_know", need_to_know ? "yes" : NULL},
		    {"sender", run->nc->sender_name},
		};
		rc = template_render(t, vars, sizeof(vars) / sizeof(vars[0]), &text);
	}
	if (rc != 0) {
		sk_error_set(err, rc, "the notification text is larger than %d bytes",
			     BODY_MAX);
		goto out;
	}
	/* The template's first line is "Subject: ...". */
	if (template_split_subject(text.data, &subject, &body) != 0) {
		rc = sk_error_set(err, SK_ECONFIG,
				  "%s/notify-%s.txt:1: the first line must be \"Subject: ...\"",
				  run->nc->templates, lang);
		goto out;
	}
	for (size_t i = 0; i < n_to; i++) {
		addrs[i] = (struct mail_addr){to[i]->name, to[i]->email};
		rc = buf_printf(&tolist, "%s%s", i ? ", " : "", to[i]->email);
	}
	snprintf(fname, sizeof(fname), "%.80s-%s-%.10s.csv", feed, type, tlast);
	for (char *p = fname; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '-'))
			*p = '_';
	ids = xreallocarray(NULL, c->n, sizeof(*ids));
	for (size_t i = 0; i < c->n; i++)
		ids[i] = c->v[i].event_id;
	{
		const struct mail_header auto_gen = {"Auto-Submitted", "auto-generated"};
		const struct mail_attachment att = {fname, "text/csv; charset=utf-8", csv.data,
						    csv.len};
		const struct mail_message m = {
		    .from = {run->nc->sender_name, run->nc->from},
		    .to = addrs,
		    .n_to = n_to,
		    .subject = subject,
		    .body = body,
		    .headers = &auto_gen,
		    .n_headers = 1,
		    .attachments = &att,
		    .n_attachments = 1,
		    .tlp = tlp_name(tlp),
		};
		struct store_notification n = {.org_id = org->id,
					       .feed = feed,
					       .type = type,
					       .tlp = tlp,
					       .events = (int64_t)c->unique};
		struct notify_digest d = {.org_id = org->id,
					  .org_name = org->name,
					  .feed = feed,
					  .type = type,
					  .tlp = tlp,
					  .events = c->unique,
					  .rows = c->n,
					  .to = buf_str(&tolist),
					  .lang = lang};

		if (run->dry_run) {
			/* Compose all the same, to find what would fail. */
			rc = mail_compose(&m, &message, NULL, NULL, err);
		} else if ((rc = store_begin(run->st, err)) == 0) {
			rc = mail_enqueue(run->st, &m, "notification", org->name, &n.mail_id,
					  NULL, err);
			if (rc == 0)
				rc = store_notification_add(run->st, &n, ids, c->n, err);
			rc = rc == 0 ? store_commit(run->st, err) : rc;
			if (rc != 0)
				store_rollback(run->st);
			d.notification_id = n.id;
		}
		if (rc == 0) {
			run->stats->digests++;
			run->stats->events += c->unique;
			if (run->fn != NULL)
				run->fn(&d, run->ctx);
		}
	}
	free(ids);
out:
	free(message);
	buf_free(&csv);
	buf_free(&text);
	buf_free(&tolist);
	return rc;
}

/* Mark rows that carry nothing new (identical to events sent before, or
 * kept back by TLP) with a notification without mail. */
static int rows_close(struct run *run, const struct org *org, const char *feed,
		      const char *type, const struct chunk *c, struct sk_error *err)
{
	struct store_notification n = {
	    .org_id = org->id, .feed = feed, .type = type, .tlp = TLP_CLEAR};
	int64_t *ids;
	int rc;

	if (run->dry_run)
		return 0;
	ids = xreallocarray(NULL, c->n, sizeof(*ids));
	for (size_t i = 0; i < c->n; i++) {
		ids[i] = c->v[i].event_id;
		n.tlp = tlp_stricter(n.tlp, c->v[i].tlp);
	}
	rc = store_notification_add(run->st, &n, ids, c->n, err);
	free(ids);
	return rc;
}

/* ---- groups ---- */

struct group {
	int64_t org_id;
	char *feed, *type;
	char first[21];
};

struct groups {
	struct group *v;
	size_t n, alloc;
};

static int group_push(const struct store_notify_group *g, void *ctx)
{
	struct groups *gs = ctx;

	if (gs->n == gs->alloc) {
		gs->alloc = gs->alloc ? gs->alloc * 2 : 64;
		gs->v = xreallocarray(gs->v, gs->alloc, sizeof(*gs->v));
	}
	gs->v[gs->n] = (struct group){g->org_id, xstrdup(g->feed), xstrdup(g->type), {0}};
	memcpy(gs->v[gs->n++].first, g->first, sizeof(g->first));
	return 0;
}

static int group_run(struct run *run, const struct group *g, const char *before,
		     struct sk_error *err)
{
	struct contact_list contacts = {0};
	const struct contact *to[MAIL_TO_MAX];
	struct hash_set seen = {0};
	struct chunk c = {.seen = &seen};
	struct org org;
	size_t n_to;
	int rc;

	memset(&org, 0, sizeof(org));
	if ((rc = store_org_get(run->st, g->org_id, &org, err)) != 0)
		goto out;
	if ((rc = store_contact_each(run->st, g->org_id, contact_list_push, &contacts, err)) !=
	    0)
		goto out;
	if ((n_to = contacts_pick(&contacts, to)) == 0) {
		log_warn("notify: organization %s has no contact: its %s events from %s wait",
			 org.name, g->type, g->feed);
		run->stats->no_contact++;
		goto out;
	}
	buf_init(&c.json, CHUNK_BYTES + INTELMQ_STORED_MAX + 1);
	for (bool full = true; full;) {
		struct store_event_filter f = {
		    .org_id = g->org_id,
		    .type = g->type,
		    .feed = g->feed,
		    .after_id = c.last_id,
		    .pending = true,
		    .received_before = before,
		};

		chunk_reset(&c);
		rc = store_event_each(run->st, &f, chunk_add, &c, err);
		full = rc == STOP;
		if (full)
			rc = 0;
		if (rc != 0)
			break;
		if (c.withheld > 0)
			log_warn(
			    "notify: the TLP policy kept %zu %s events from %s back from %s",
			    c.withheld, g->type, g->feed, org.name);
		if (c.unique > 0)
			rc = digest_send(run, &org, to, n_to, g->feed, g->type, &c, err);
		else if (c.n > 0)
			rc = rows_close(run, &org, g->feed, g->type, &c, err);
		if (rc != 0)
			break;
	}
	if (rc != 0)
		sk_error_prefix(err, "notifying %s of %s events from %s", org.name, g->type,
				g->feed);
out:
	buf_free(&c.json);
	free(c.v);
	free(seen.slot);
	contact_list_free(&contacts);
	org_clear(&org);
	return rc;
}

int notify_run(struct store *st, const struct user *u, const struct notify_config *nc, bool all,
	       bool dry_run, notify_report_fn fn, void *ctx, struct notify_stats *stats,
	       struct sk_error *err)
{
	struct run run = {.st = st,
			  .nc = nc,
			  .dry_run = dry_run,
			  .fn = fn,
			  .ctx = ctx,
			  .stats = stats,
			  .templates = {.dir = nc->templates,
					.prefix = "notify",
					.allowed = notify_template_names}};
	time_t now = str_time_now();
	char window[21], nowiso[21];
	struct groups gs = {0};
	int rc;

	memset(stats, 0, sizeof(*stats));
	if (!access_is_staff(u))
		return sk_error_set(err, SK_EPERM, "user %s may not send notifications",
				    u != NULL ? u->name : "-");
	str_time_iso(now - now % nc->interval, window);
	str_time_iso(now + 1, nowiso);
	event_init(&run.ev);
	rc = store_notify_group_each(st, group_push, &gs, err);
	if (rc == 0)
		rc = store_org_each(st, org_list_push, &run.members, err);
	org_list_sort_by_id(&run.members);
	for (size_t i = 0; i < gs.n && rc == 0; i++) {
		const struct group *g = &gs.v[i];
		bool now_due = all || list_has(nc->immediate, g->type);

		if (!now_due && strcmp(g->first, window) >= 0) {
			stats->waiting++;
			continue;
		}
		rc = group_run(&run, g, now_due ? nowiso : window, err);
		/* Bad data in one group must not hold the others back. */
		if (rc == SK_EINVAL || rc == SK_ETOOBIG || rc == SK_EIO) {
			log_error("notify: %s", err->msg);
			stats->failed++;
			sk_error_clear(err);
			rc = 0;
		}
	}
	for (size_t i = 0; i < gs.n; i++) {
		free(gs.v[i].feed);
		free(gs.v[i].type);
	}
	free(gs.v);
	org_list_free(&run.members);
	template_set_free(&run.templates);
	event_free(&run.ev);
	return rc;
}
