/* route/match.c: the recipients of events (rules in match.h). The context
 * holds the organizations in one array with a hash table from id to
 * place, each with its opt-outs as a bit set over the RSIT types and its
 * liaison organizations as a run in one array. Routing gathers an event's
 * matches from the index (batches of events go through the batch
 * look-ups, which overlap their memory accesses), then names each
 * organization once with the help of a small hash set whose slots carry
 * the event's number, so that it is never cleared.
 *
 * The event is outside input, already validated by model/event.c; the
 * host of source.url is taken apart here and goes through
 * domain_normalize(). What an event can make this code allocate is
 * bounded by the registry (each organization once), not by the event. */
#include "route/match.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/error.h"
#include "lib/xalloc.h"
#include "model/event.h"
#include "model/taxonomy.h"
#include "net/domain.h"
#include "net/prefix.h"
#include "route/index.h"
#include "route/match_int.h"
#include "store/store.h"

_Static_assert(TAXONOMY_TYPE_COUNT <= 64, "opt-outs are a 64-bit set");

const char *const route_mode_names[] = {"most-specific", "all-covering", NULL};

int route_mode_parse(const char *text, enum route_mode *out, struct sk_error *err)
{
	for (int i = 0; route_mode_names[i] != NULL; i++) {
		if (text != NULL && strcmp(text, route_mode_names[i]) == 0) {
			*out = (enum route_mode)i;
			return 0;
		}
	}
	return sk_error_set(err, SK_EINVAL,
			    "'%.40s' is not a match mode (most-specific or all-covering)",
			    text != NULL ? text : "");
}

void match_grow(void *pp, size_t *alloc, size_t need, size_t size)
{
	void **p = pp;
	size_t n = *alloc ? *alloc : 16;

	if (need <= *alloc)
		return;
	while (n < need)
		n *= 2;
	*p = xreallocarray(*p, n, size);
	*alloc = n;
}

/* ---- routing ---- */

enum hit_kind { HIT_PREFIX, HIT_ASN, HIT_DOMAIN };

/* One owner of one matching resource. */
struct hit {
	int64_t org_id;
	int64_t resource_id;
	const void *what; /* HIT_PREFIX: struct prefix; HIT_DOMAIN: the name */
	uint32_t asn;
	uint8_t kind;
};

/* Where an event's hits are: hits[start..start + n) per identifier. */
struct range {
	uint32_t start, n;
};

enum { ID_ADDR, ID_FQDN, ID_URL, ID_COUNT };

/* An organization of the event being assembled. */
struct cand {
	int64_t org_id;
	long place; /* in the context, or -1 */
	const struct hit *hit;
};

#define SLOT_CAND    1 /* a matched owner: cand[slot.val] */
#define SLOT_LIAISON 2 /* handled as a liaison */

struct slot {
	int64_t key;
	uint32_t gen; /* the slot is used when gen is the event's */
	uint8_t state;
	uint32_t val;
};

/* What one call works with; all of it freed at the end of the call. */
struct work {
	const struct route_context *ctx;
	const struct route_index *idx;
	struct hit *hits;
	size_t nhits, ahits;
	struct route_match *m; /* single look-ups */
	size_t mmax;
	struct range (*ranges)[ID_COUNT];
	const uint32_t *qev; /* query k belongs to event qev[k] */
	int which;	     /* ID_* of the queries under way */
	struct cand *cand;
	size_t ncand, acand;
	struct slot *set;
	size_t setmask;
	uint32_t gen;
	struct route_recipients out;
	int64_t src_id; /* the organization that submitted the events, or 0 */
	long src;	/* its place in the context, or -1 */
};

static void add_hits(struct work *w, const struct route_match *m, int n, enum hit_kind kind)
{
	int k;

	for (k = 0; k < n; k++) {
		struct hit *h;

		if (w->ctx->mode == ROUTE_MODE_MOST_SPECIFIC && m[k].depth > 0)
			break;
		match_grow(&w->hits, &w->ahits, w->nhits + 1, sizeof(*w->hits));
		h = &w->hits[w->nhits++];
		h->org_id = m[k].org_id;
		h->resource_id = m[k].resource_id;
		h->kind = (uint8_t)kind;
		h->asn = m[k].asn;
		h->what =
		    kind == HIT_PREFIX ? (const void *)m[k].prefix : (const void *)m[k].domain;
	}
}

/* Make w->m hold at least n matches. */
static void grow_m(struct work *w, size_t n)
{
	if (n > w->mmax) {
		free(w->m);
		w->mmax = n;
		w->m = xcalloc(n, sizeof(*w->m));
	}
}

static void lookup_addr(struct work *w, const struct prefix *q)
{
	int n = route_index_lookup_addr(w->idx, q, w->m, w->mmax);

	if (n > (int)w->mmax) {
		grow_m(w, (size_t)n);
		n = route_index_lookup_addr(w->idx, q, w->m, w->mmax);
	}
	add_hits(w, w->m, n, HIT_PREFIX);
}

static void lookup_domain(struct work *w, const char *name)
{
	int n = route_index_lookup_domain(w->idx, name, w->m, w->mmax);

	if (n > (int)w->mmax) {
		grow_m(w, (size_t)n);
		n = route_index_lookup_domain(w->idx, name, w->m, w->mmax);
	}
	add_hits(w, w->m, n, HIT_DOMAIN);
}

static void lookup_asn(struct work *w, uint32_t asn)
{
	int n = route_index_lookup_asn(w->idx, asn, w->m, w->mmax);

	if (n > (int)w->mmax) {
		grow_m(w, (size_t)n);
		n = route_index_lookup_asn(w->idx, asn, w->m, w->mmax);
	}
	add_hits(w, w->m, n, HIT_ASN);
}

/* Matches the batch look-ups report at once; a query with more is asked
 * again on its own. */
#define BATCH_MATCHES 256

/* The batch look-ups' callback: the hits of query k. */
struct batch_q {
	struct work *w;
	const struct prefix *q;
	const char *const *names;
};

static int batch_hit(size_t k, const struct route_match *m, int n, void *arg)
{
	struct batch_q *b = arg;
	struct work *w = b->w;
	struct range *r = &w->ranges[w->qev[k]][w->which];

	r->start = (uint32_t)w->nhits;
	if (n > 0 && n <= BATCH_MATCHES) {
		add_hits(w, m, n, w->which == ID_ADDR ? HIT_PREFIX : HIT_DOMAIN);
	} else if (n > 0) {
		/* More than the scratch held: this one again, with room. */
		if (w->which == ID_ADDR)
			lookup_addr(w, &b->q[k]);
		else
			lookup_domain(w, b->names[k]);
	}
	r->n = (uint32_t)(w->nhits - r->start);
	return 0;
}

/* The host of url (canonical, "scheme://..."): an address into *addr
 * (returns 1), a host name, normalized, into name (returns 2), or 0. */
static int url_host(const char *url, struct prefix *addr, char name[DOMAIN_TEXT_MAX])
{
	char z[DOMAIN_TEXT_MAX * 4 + 1];
	const char *h = strstr(url, "://"), *e, *p;
	size_t len;

	if (h == NULL)
		return 0;
	h += 3;
	e = h + strcspn(h, "/?#\\");
	for (p = e; p > h; p--) {
		if (p[-1] == '@') {
			h = p; /* user:password@ */
			break;
		}
	}
	if (h < e && *h == '[') {
		p = memchr(h, ']', (size_t)(e - h));
		if (p == NULL)
			return 0;
		h++;
		e = p;
	} else {
		for (p = e; p > h; p--) {
			if (p[-1] == ':') {
				e = p - 1; /* :port */
				break;
			}
		}
	}
	len = (size_t)(e - h);
	if (len == 0 || len >= sizeof(z))
		return 0;
	memcpy(z, h, len);
	z[len] = '\0';
	if (prefix_parse_addr(z, addr, NULL) == 0)
		return 1;
	return domain_normalize(z, false, name, NULL) == 0 ? 2 : 0;
}

/* The set slot for key, in the event's generation: found or new. */
static struct slot *set_get(struct work *w, int64_t key, bool *is_new)
{
	size_t j;

	for (j = match_mix64((uint64_t)key) & w->setmask; w->set[j].gen == w->gen;
	     j = (j + 1) & w->setmask) {
		if (w->set[j].key == key) {
			*is_new = false;
			return &w->set[j];
		}
	}
	w->set[j].gen = w->gen;
	w->set[j].key = key;
	w->set[j].state = 0;
	*is_new = true;
	return &w->set[j];
}

/* Start a new event for up to n keys in the set. */
static void set_reset(struct work *w, size_t n)
{
	size_t size = w->setmask + 1;

	if (w->set == NULL || 2 * n > size) {
		while (2 * n > size || size < 64)
			size *= 2;
		free(w->set);
		w->set = xcalloc(size, sizeof(*w->set));
		w->setmask = size - 1;
		w->gen = 0;
	}
	if (++w->gen == 0) { /* wrapped: forget every generation */
		memset(w->set, 0, (w->setmask + 1) * sizeof(*w->set));
		w->gen = 1;
	}
}

/* Append the decimal digits of v at p; returns the end. */
static char *put_u32(char *p, uint32_t v)
{
	char tmp[10];
	int n = 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) > 0);
	while (n > 0)
		*p++ = tmp[--n];
	return p;
}

/* Write the reason for hit h ("prefix 192.0.2.0/24") into out. IPv4
 * prefixes and AS numbers are written here, the rest by the net/
 * functions: this runs for nearly every recipient. */
static void reason_of(const struct hit *h, char out[RECIPIENT_REASON_MAX])
{
	const struct prefix *p = h->what;
	char *e;
	size_t n;

	switch (h->kind) {
	case HIT_PREFIX:
		memcpy(out, "prefix ", 7);
		if (p->family == 4) {
			e = out + 7;
			for (int i = 0; i < 4; i++) {
				e = put_u32(e, p->addr[i]);
				*e++ = i < 3 ? '.' : '/';
			}
			*put_u32(e, p->len) = '\0';
		} else if (prefix_format(p, out + 7, RECIPIENT_REASON_MAX - 7) < 0) {
			out[7] = '\0';
		}
		break;
	case HIT_ASN:
		memcpy(out, "asn ", 4);
		*put_u32(out + 4, h->asn) = '\0';
		break;
	default:
		n = strnlen(h->what, DOMAIN_MAX);
		memcpy(out, "domain ", 7);
		memcpy(out + 7, h->what, n);
		out[7 + n] = '\0';
		break;
	}
}

static struct event_recipient *emit(struct work *w, int64_t org_id, enum recipient_role role,
				    const struct tlp_permission *perm)
{
	struct event_recipient *r;

	match_grow(&w->out.v, &w->out.alloc, w->out.n + 1, sizeof(*w->out.v));
	r = &w->out.v[w->out.n++];
	memset(r, 0, sizeof(*r));
	r->org_id = org_id;
	r->role = role;
	r->pass_on = perm->pass_on;
	r->need_to_know = perm->need_to_know;
	return r;
}

static bool opted_out(const struct ctx_org *o, int type)
{
	return type >= 0 && (o->optouts >> type & 1);
}

/* May organization id (at place, or -1) have an event shared back by
 * w->src_id? The source itself as the policy's relation source, its
 * members as source-member (perms for the event's label); anyone else,
 * and every organization when nobody shared the event back, may. */
static bool shared_back_ok(const struct work *w, int64_t id, long place,
			   const struct tlp_permission *source,
			   const struct tlp_permission *member)
{
	const struct ctx_org *o;

	if (w->src_id <= 0)
		return true;
	if (id == w->src_id)
		return source->receive;
	if (place < 0 || w->src < 0)
		return true;
	o = &w->ctx->orgs[place];
	for (uint32_t k = 0; k < o->nlia; k++)
		if (w->ctx->liaisons[o->lia_off + k] == (uint32_t)w->src)
			return member->receive;
	return true;
}

/* The recipients of ev from its hits (ranges r) and source.asn into
 * w->out. */
static void assemble(struct work *w, const struct event *ev, const struct range *r,
		     enum tlp_label default_tlp)
{
	const struct route_context *ctx = w->ctx;
	struct tlp_permission owner, liaison, named, source, member;
	enum tlp_label label;
	size_t i, k, first_asn, nh = 0;
	struct range span[4];
	int64_t v;
	int type = -1;
	bool is_new;

	w->out.n = 0;
	w->ncand = 0;
	if (!event_get_tlp(ev, &label))
		label = default_tlp;
	if (event_get_int(ev, EVENT_CLASSIFICATION_TYPE, &v))
		type = (int)v;
	owner = tlp_policy(label, recipient_relation(RECIPIENT_OWNER));
	liaison = tlp_policy(label, recipient_relation(RECIPIENT_LIAISON));
	named = tlp_policy(label, recipient_relation(RECIPIENT_NATIONAL));
	source = tlp_policy(label, TLP_REL_SOURCE);
	member = tlp_policy(label, TLP_REL_SOURCE_MEMBER);

	/* source.asn: always when all covering, else when no prefix matched. */
	first_asn = w->nhits;
	if (event_get_int(ev, EVENT_SOURCE_ASN, &v) &&
	    (ctx->mode == ROUTE_MODE_ALL_COVERING || r[ID_ADDR].n == 0))
		lookup_asn(w, (uint32_t)v);
	for (k = 0; k < ID_COUNT; k++)
		nh += r[k].n;
	nh += w->nhits - first_asn;

	/* The matched organizations, each once, most specific match first:
	 * the address, source.asn, source.fqdn, the URL's host. */
	span[0] = r[ID_ADDR];
	span[1] = (struct range){(uint32_t)first_asn, (uint32_t)(w->nhits - first_asn)};
	span[2] = r[ID_FQDN];
	span[3] = r[ID_URL];
	set_reset(w, nh + ctx->nnationals + 1);
	for (k = 0; k < 4; k++) {
		for (i = span[k].start; i < (size_t)span[k].start + span[k].n; i++) {
			struct slot *s = set_get(w, w->hits[i].org_id, &is_new);

			if (!is_new)
				continue;
			match_grow(&w->cand, &w->acand, w->ncand + 1, sizeof(*w->cand));
			w->cand[w->ncand] =
			    (struct cand){w->hits[i].org_id,
					  match_org_place(ctx, w->hits[i].org_id), &w->hits[i]};
			s->state = SLOT_CAND;
			s->val = (uint32_t)w->ncand++;
		}
	}

	if (owner.receive) {
		for (i = 0; i < w->ncand; i++) {
			const struct cand *c = &w->cand[i];
			const struct ctx_org *o = c->place >= 0 ? &ctx->orgs[c->place] : NULL;
			struct event_recipient *e;

			if (o != NULL &&
			    (o->pub.kind == ORG_KIND_NATIONAL_CSIRT || opted_out(o, type)))
				continue;
			if (!shared_back_ok(w, c->org_id, c->place, &source, &member))
				continue;
			e = emit(w, c->org_id, RECIPIENT_OWNER, &owner);
			e->resource_id = c->hit->resource_id;
			reason_of(c->hit, e->reason);
		}
	}

	if (liaison.receive) {
		size_t ncand = w->ncand, total = nh + ctx->nnationals + 1;

		for (i = 0; i < ncand; i++) {
			const struct cand *c = &w->cand[i];
			const struct ctx_org *o;

			if (c->place < 0)
				continue;
			o = &ctx->orgs[c->place];
			total += o->nlia;
			if (2 * total > w->setmask + 1) {
				/* Grow the set, keeping this event's entries. */
				struct slot *old = w->set;
				size_t oldsize = w->setmask + 1, j;
				uint32_t gen = w->gen;

				w->set = NULL;
				w->setmask = 0;
				set_reset(w, total);
				for (j = 0; j < oldsize; j++) {
					if (old[j].gen == gen) {
						struct slot *s =
						    set_get(w, old[j].key, &is_new);

						s->state = old[j].state;
						s->val = old[j].val;
					}
				}
				free(old);
			}
			for (k = 0; k < o->nlia; k++) {
				const struct ctx_org *l =
				    &ctx->orgs[ctx->liaisons[o->lia_off + k]];
				struct slot *s = set_get(w, l->pub.id, &is_new);
				struct event_recipient *e;

				if (!is_new)
					continue; /* an owner, or named already */
				s->state = SLOT_LIAISON;
				if (l->pub.kind == ORG_KIND_NATIONAL_CSIRT ||
				    opted_out(l, type) ||
				    !shared_back_ok(w, l->pub.id,
						    (long)ctx->liaisons[o->lia_off + k],
						    &source, &member))
					continue;
				e = emit(w, l->pub.id, RECIPIENT_LIAISON, &liaison);
				e->member_id = c->org_id;
				e->resource_id = c->hit->resource_id;
				reason_of(c->hit, e->reason);
			}
		}
	}

	if (named.receive) {
		for (i = 0; i < ctx->nnationals; i++) {
			const struct ctx_org *o = &ctx->orgs[ctx->nationals[i]];
			struct slot *s = set_get(w, o->pub.id, &is_new);
			struct event_recipient *e;

			if (!shared_back_ok(w, o->pub.id, (long)ctx->nationals[i], &source,
					    &member))
				continue;
			e = emit(w, o->pub.id, RECIPIENT_NATIONAL, &named);

			if (!is_new && s->state == SLOT_CAND) {
				const struct hit *h = w->cand[s->val].hit;

				e->resource_id = h->resource_id;
				reason_of(h, e->reason);
			} else {
				memcpy(e->reason, "national CSIRT", sizeof("national CSIRT"));
			}
		}
	}
	w->nhits = first_asn; /* the next event looks its AS number up anew */
}

static void work_free(struct work *w)
{
	free(w->hits);
	free(w->m);
	free(w->cand);
	free(w->set);
	route_recipients_free(&w->out);
}

/* One kind of query of a batch: what is asked, and for which event. */
struct queries {
	struct prefix *addr; /* ID_ADDR */
	const char **name;   /* ID_FQDN, ID_URL */
	uint32_t *ev;
	size_t n;
};

static void queries_init(struct queries *q, size_t n, bool addr)
{
	q->addr = addr ? xcalloc(n ? n : 1, sizeof(*q->addr)) : NULL;
	q->name = addr ? NULL : xcalloc(n ? n : 1, sizeof(*q->name));
	q->ev = xcalloc(n ? n : 1, sizeof(*q->ev));
	q->n = 0;
}

static void queries_free(struct queries *q)
{
	free(q->addr);
	free(q->name);
	free(q->ev);
}

/* Run the queries q of kind which through the batch look-ups. */
static void run_queries(struct work *w, struct queries *q, int which,
			struct route_match *scratch)
{
	struct batch_q bq = {w, q->addr, q->name};

	w->qev = q->ev;
	w->which = which;
	if (which == ID_ADDR)
		route_index_lookup_addr_batch(w->idx, q->addr, q->n, scratch, BATCH_MATCHES,
					      batch_hit, &bq);
	else
		route_index_lookup_domain_batch(w->idx, q->name, q->n, scratch, BATCH_MATCHES,
						batch_hit, &bq);
}

/* ctx, idx, evs borrowed. */
int route_event_batch(const struct route_context *ctx, const struct route_index *idx,
		      const struct event *const *evs, size_t n, enum tlp_label default_tlp,
		      route_event_fn fn, void *arg)
{
	return route_event_batch_from(ctx, idx, evs, n, default_tlp, 0, fn, arg);
}

/* ctx, idx, evs borrowed. */
int route_event_batch_from(const struct route_context *ctx, const struct route_index *idx,
			   const struct event *const *evs, size_t n, enum tlp_label default_tlp,
			   int64_t source_org, route_event_fn fn, void *arg)
{
	struct work w = {0};
	struct queries q[ID_COUNT];
	char(*hosts)[DOMAIN_TEXT_MAX] = xreallocarray(NULL, n ? n : 1, sizeof(*hosts));
	struct route_match *scratch = xcalloc(BATCH_MATCHES, sizeof(*scratch));
	size_t i;
	int rc = 0;

	w.ctx = ctx;
	w.idx = idx;
	w.src_id = source_org > 0 ? source_org : 0;
	w.src = w.src_id > 0 ? match_org_place(ctx, w.src_id) : -1;
	w.ranges = xcalloc(n ? n : 1, sizeof(*w.ranges));
	grow_m(&w, BATCH_MATCHES);
	for (i = 0; i < ID_COUNT; i++)
		queries_init(&q[i], n, i == ID_ADDR);

	for (i = 0; i < n; i++) {
		const struct event *ev = evs[i];
		const struct prefix *p = event_get_prefix(ev, EVENT_SOURCE_IP);
		const char *url = event_get(ev, EVENT_SOURCE_URL);
		const char *fqdn = event_get(ev, EVENT_SOURCE_FQDN);
		struct prefix ua;
		int host = url != NULL ? url_host(url, &ua, hosts[i]) : 0;

		if (p == NULL)
			p = event_get_prefix(ev, EVENT_SOURCE_NETWORK);
		if (p == NULL && host == 1)
			p = &ua;
		if (p != NULL) {
			q[ID_ADDR].addr[q[ID_ADDR].n] = *p;
			q[ID_ADDR].ev[q[ID_ADDR].n++] = (uint32_t)i;
		}
		if (fqdn != NULL) {
			q[ID_FQDN].name[q[ID_FQDN].n] = fqdn;
			q[ID_FQDN].ev[q[ID_FQDN].n++] = (uint32_t)i;
		}
		if (host == 2) {
			q[ID_URL].name[q[ID_URL].n] = hosts[i];
			q[ID_URL].ev[q[ID_URL].n++] = (uint32_t)i;
		}
	}
	for (i = 0; i < ID_COUNT; i++)
		run_queries(&w, &q[i], (int)i, scratch);

	for (i = 0; i < n; i++) {
		assemble(&w, evs[i], w.ranges[i], default_tlp);
		rc = fn(i, w.out.v, w.out.n, arg);
		if (rc != 0)
			break;
	}
	for (i = 0; i < ID_COUNT; i++)
		queries_free(&q[i]);
	free(hosts);
	free(scratch);
	free(w.ranges);
	work_free(&w);
	return rc;
}

/* Hand one event's recipients to a struct route_recipients. */
static int keep_one(size_t i, const struct event_recipient *r, size_t nr, void *arg)
{
	struct route_recipients *out = arg;

	(void)i;
	match_grow(&out->v, &out->alloc, nr ? nr : 1, sizeof(*out->v));
	if (nr > 0)
		memcpy(out->v, r, nr * sizeof(*r));
	out->n = nr;
	return 0;
}

/* ctx, idx, ev borrowed; out is the caller's. */
int route_event(const struct route_context *ctx, const struct route_index *idx,
		const struct event *ev, enum tlp_label default_tlp,
		struct route_recipients *out)
{
	out->n = 0;
	route_event_batch(ctx, idx, &ev, 1, default_tlp, keep_one, out);
	return (int)out->n;
}
