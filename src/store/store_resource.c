/* store/store_resource.c: what organizations own (AS numbers, prefixes,
 * domains) and the look-ups routing and whois make on it. */
#include "store/store.h"

#include <assert.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "net/domain.h"
#include "net/prefix.h"
#include "store/db.h"
#include "store/store_int.h"

#define RESOURCE_COLS "id, org_id, type, family, plen, net, asn, domain, created"

/* How a resource type reads in a sentence. */
static const char *const resource_words[] = {"AS number", "prefix", "domain"};

/* Lowercase hex of the address bytes of p: 8 digits for IPv4, 32 for
 * IPv6. */
static void net_hex(const struct prefix *p, char out[33])
{
	static const char digits[] = "0123456789abcdef";
	int n = p->family == 4 ? 4 : 16;

	for (int i = 0; i < n; i++) {
		out[2 * i] = digits[p->addr[i] >> 4];
		out[2 * i + 1] = digits[p->addr[i] & 0xf];
	}
	out[2 * n] = '\0';
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Parse what net_hex() wrote back into addr; -1 if it is not that. */
static int net_unhex(const char *hex, uint8_t family, uint8_t addr[16])
{
	size_t n = family == 4 ? 4 : 16;

	if (hex == NULL || strlen(hex) != 2 * n)
		return -1;
	memset(addr, 0, 16);
	for (size_t i = 0; i < n; i++) {
		int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		addr[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* ---- resources ---- */

/* Read RESOURCE_COLS from the current row into *out. */
static int resource_from_row(struct db_stmt *s, struct resource *out, struct sk_error *err)
{
	struct resource r;
	int type = str_index(resource_type_names, db_col_text(s, 2) ? db_col_text(s, 2) : "");
	int64_t v;
	bool ok = false;

	memset(&r, 0, sizeof(r));
	r.id = db_col_int(s, 0);
	r.org_id = db_col_int(s, 1);
	switch (type) {
	case RESOURCE_ASN:
		v = db_col_int(s, 6);
		ok = !db_col_is_null(s, 6) && v > 0 && v <= UINT32_MAX;
		r.asn = ok ? (uint32_t)v : 0;
		break;
	case RESOURCE_PREFIX:
		v = db_col_int(s, 3);
		r.prefix.family = v == 4 || v == 6 ? (uint8_t)v : 0;
		v = db_col_int(s, 4);
		ok = r.prefix.family != 0 && v >= 0 &&
		     v <= prefix_family_bits(r.prefix.family) &&
		     net_unhex(db_col_text(s, 5), r.prefix.family, r.prefix.addr) == 0;
		r.prefix.len = ok ? (uint8_t)v : 0;
		break;
	case RESOURCE_DOMAIN:
		ok = store_copy_text(r.domain, sizeof(r.domain), db_col_text(s, 7)) == 0;
		break;
	}
	if (!ok || store_copy_text(r.created, sizeof(r.created), db_col_text(s, 8)) != 0)
		return sk_error_set(err, SK_EIO, "resource %lld in the database is damaged",
				    (long long)r.id);
	r.type = (enum resource_type)type;
	*out = r;
	return 0;
}

/* Step s to its end, handing each resource to fn. */
static int resource_walk(struct db_stmt *s, store_resource_fn fn, void *ctx,
			 struct sk_error *err)
{
	int rc;

	while ((rc = db_step(s, err)) == 1) {
		struct resource r;

		if ((rc = resource_from_row(s, &r, err)) == 0)
			rc = fn(&r, ctx);
		if (rc != 0) {
			db_reset(s);
			return rc;
		}
	}
	return rc;
}

/* Check r is well formed and write its canonical value into value. */
static int resource_check(const struct resource *r, char value[RESOURCE_TEXT_MAX],
			  struct sk_error *err)
{
	struct prefix p;
	int n;

	switch (r->type) {
	case RESOURCE_ASN:
		if (r->asn == 0)
			return sk_error_set(err, SK_EINVAL, "AS number 0 is not a resource");
		break;
	case RESOURCE_PREFIX:
		if ((r->prefix.family != 4 && r->prefix.family != 6) ||
		    r->prefix.len > prefix_family_bits(r->prefix.family))
			return sk_error_set(err, SK_EINVAL,
					    "prefix has no valid family or length");
		/* Widen to a host prefix and cut back: what differs is host bits. */
		p = r->prefix;
		p.len = (uint8_t)prefix_family_bits(p.family);
		prefix_truncate(&p, r->prefix.len);
		if (memcmp(p.addr, r->prefix.addr, sizeof(p.addr)) != 0)
			return sk_error_set(err, SK_EINVAL, "prefix has host bits set");
		break;
	case RESOURCE_DOMAIN:
		if (memchr(r->domain, '\0', sizeof(r->domain)) == NULL || r->domain[0] == '\0')
			return sk_error_set(err, SK_EINVAL, "domain resource has no name");
		break;
	default:
		return sk_error_set(err, SK_EINVAL, "unknown resource type");
	}
	n = resource_format_value(r, value, RESOURCE_TEXT_MAX);
	if (n < 0 || n >= RESOURCE_TEXT_MAX)
		return sk_error_set(err, SK_EINVAL, "resource cannot be written out");
	return 0;
}

/* Add r to organization r->org_id; on success fills r->id and
 * r->created. */
int store_resource_add(struct store *st, struct resource *r, struct sk_error *err)
{
	char oname[ORG_NAME_MAX + 1], value[RESOURCE_TEXT_MAX], now[21], hex[33];
	struct db_stmt *s;
	int64_t id = 0;
	int rc;

	if ((rc = resource_check(r, value, err)) != 0)
		return rc;
	if ((rc = store_begin(st, err)) != 0)
		return rc;
	if ((rc = store_org_name(st, r->org_id, oname, NULL, err)) != 0)
		goto out;
	store_time_now(now);
	rc = store_prep(
	    st,
	    "INSERT INTO resources (org_id, type, value, family, plen, net, asn, domain, "
	    "created) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
	    &s, err);
	if (rc != 0)
		goto out;
	db_bind_int(s, 1, r->org_id);
	db_bind_text(s, 2, resource_type_names[r->type]);
	db_bind_text(s, 3, value);
	for (int i = 4; i <= 8; i++)
		db_bind_null(s, i);
	if (r->type == RESOURCE_PREFIX) {
		net_hex(&r->prefix, hex);
		db_bind_int(s, 4, r->prefix.family);
		db_bind_int(s, 5, r->prefix.len);
		db_bind_text(s, 6, hex);
	} else if (r->type == RESOURCE_ASN) {
		db_bind_int(s, 7, r->asn);
	} else {
		db_bind_text(s, 8, r->domain);
	}
	db_bind_text(s, 9, now);
	if ((rc = store_step_id(s, &id, err)) != 0) {
		if (rc == SK_EEXIST)
			sk_error_set(err, rc, "%s already has %s %s", oname,
				     resource_words[r->type], value);
		else
			sk_error_prefix(err, "adding %s %s to %s", resource_words[r->type],
					value, oname);
		goto out;
	}
	rc = store_audit(st, "resource.add", "org", r->org_id, err, "added %s %s to %s",
			 resource_words[r->type], value, oname);
out:
	if ((rc = store_finish(st, rc, err)) == 0) {
		r->id = id;
		memcpy(r->created, now, sizeof(now));
	}
	return rc;
}

/* A chunk of resources being added, with their canonical values. */
struct resource_chunk {
	struct db_stmt *s;
	const struct resource *v;
	char value[BULK_ROWS][RESOURCE_TEXT_MAX];
};

/* A returned row (id, org_id, type, value) against row j of the chunk. */
static bool resource_row_same(size_t j, void *ctx)
{
	const struct resource_chunk *c = ctx;

	return db_col_int(c->s, 1) == c->v[j].org_id &&
	       !store_text_differs(db_col_text(c->s, 2), resource_type_names[c->v[j].type]) &&
	       !store_text_differs(db_col_text(c->s, 3), c->value[j]);
}

/* Bind resource r with canonical value to the 8 parameters from p on, in
 * the order of the columns of BULK_RESOURCE. */
static void resource_bind_at(struct db_stmt *s, int p, const struct resource *r,
			     const char *value)
{
	char hex[33];

	db_bind_int(s, p, r->org_id);
	db_bind_text(s, p + 1, resource_type_names[r->type]);
	db_bind_text(s, p + 2, value);
	for (int i = p + 3; i <= p + 7; i++)
		db_bind_null(s, i);
	if (r->type == RESOURCE_PREFIX) {
		net_hex(&r->prefix, hex);
		db_bind_int(s, p + 3, r->prefix.family);
		db_bind_int(s, p + 4, r->prefix.len);
		db_bind_text(s, p + 5, hex);
	} else if (r->type == RESOURCE_ASN) {
		db_bind_int(s, p + 6, r->asn);
	} else {
		db_bind_text(s, p + 7, r->domain);
	}
}

/* Add the n resources of v, each to its organization v[i].org_id, in one
 * statement (and one for the audit rows) per BULK_ROWS. A resource its
 * organization holds already, or that is in v twice, is left as it is:
 * not an error, no audit row. On success sets id and created of those
 * added, id 0 of the others, and the number added in *added_out (may be
 * NULL); v is borrowed otherwise. */
int store_resource_add_many(struct store *st, struct resource *v, size_t n, size_t *added_out,
			    struct sk_error *err)
{
	struct org_refs refs = {NULL, 0};
	struct resource_chunk *c = NULL;
	struct audit_many *am = NULL;
	struct chunk_match m;
	struct db_stmt *s;
	int64_t *ids = NULL;
	size_t added = 0, k;
	char now[21];
	int rc;

	c = xcalloc(1, sizeof(*c));
	for (size_t i = 0; i < n; i++)
		if ((rc = resource_check(&v[i], c->value[0], err)) != 0) {
			sk_error_prefix(err, "resources[%zu]", i);
			free(c);
			return rc;
		}
	if (n == 0) {
		free(c);
		if (added_out != NULL)
			*added_out = 0;
		return 0;
	}
	if ((rc = store_begin(st, err)) != 0) {
		free(c);
		return rc;
	}
	am = xcalloc(1, sizeof(*am));
	am->action = "resource.add";
	ids = xcalloc(n, sizeof(*ids));
	for (size_t i = 0; i < n; i++)
		ids[i] = v[i].org_id;
	if ((rc = store_org_refs_load(st, ids, n, &refs, err)) != 0)
		goto out;
	memset(ids, 0, n * sizeof(*ids));
	store_time_now(now);
	for (size_t at = 0; at < n; at += k) {
		k = n - at < BULK_ROWS ? n - at : BULK_ROWS;
		if ((rc = store_prep(st, store_bulk_sql(st, BULK_RESOURCE, k), &s, err)) != 0)
			goto out;
		db_bind_text(s, 1, now);
		for (size_t j = 0; j < k; j++) {
			/* Checked above: this cannot fail now. */
			resource_check(&v[at + j], c->value[j], NULL);
			resource_bind_at(s, 2 + 8 * (int)j, &v[at + j], c->value[j]);
		}
		store_chunk_match_init(&m, k);
		c->s = s;
		c->v = v + at;
		while ((rc = db_step(s, err)) == 1) {
			long j = store_chunk_match_find(&m, resource_row_same, c);

			if (j >= 0)
				ids[at + (size_t)j] = db_col_int(s, 0);
		}
		if (rc < 0) {
			sk_error_prefix(err, "adding resources");
			goto out;
		}
		for (size_t j = 0; j < k; j++) {
			const struct resource *r = &v[at + j];

			if (!m.taken[j])
				continue;
			store_audit_many_add(am, "org", r->org_id, "added %s %s to %s",
					     resource_words[r->type], c->value[j],
					     store_org_refs_find(&refs, r->org_id)->name);
			added++;
		}
		if ((rc = store_audit_many_write(st, am, err)) != 0)
			goto out;
	}
out:
	if ((rc = store_finish(st, rc, err)) == 0) {
		for (size_t i = 0; i < n; i++) {
			v[i].id = ids[i];
			if (ids[i] != 0)
				memcpy(v[i].created, now, sizeof(now));
		}
		if (added_out != NULL)
			*added_out = added;
	}
	store_org_refs_free(&refs);
	free(ids);
	free(am);
	free(c);
	return rc;
}

/* Fill *out with resource id. */
int store_resource_get(struct store *st, int64_t id, struct resource *out, struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	rc = store_row_by_id(st, "SELECT " RESOURCE_COLS " FROM resources WHERE id = $1", id,
			     "resource", &s, err);
	if (rc != 0)
		return rc;
	rc = resource_from_row(s, out, err);
	db_reset(s);
	return rc;
}

/* Remove resource id; SK_ENOTFOUND if there is none. */
int store_resource_remove(struct store *st, int64_t id, struct sk_error *err)
{
	char oname[ORG_NAME_MAX + 1], value[RESOURCE_TEXT_MAX];
	struct resource r;
	struct db_stmt *s;
	int rc;

	if ((rc = store_begin(st, err)) != 0)
		return rc;
	if ((rc = store_resource_get(st, id, &r, err)) != 0 ||
	    (rc = store_org_name(st, r.org_id, oname, NULL, err)) != 0)
		goto out;
	if (resource_format_value(&r, value, sizeof(value)) < 0)
		snprintf(value, sizeof(value), "#%lld", (long long)id);
	if ((rc = store_prep(st, "DELETE FROM resources WHERE id = $1", &s, err)) != 0)
		goto out;
	db_bind_int(s, 1, id);
	if ((rc = store_step_done(s, err)) != 0) {
		sk_error_prefix(err, "removing %s %s", resource_words[r.type], value);
		goto out;
	}
	rc = store_audit(st, "resource.remove", "org", r.org_id, err, "removed %s %s from %s",
			 resource_words[r.type], value, oname);
out:
	return store_finish(st, rc, err);
}

/* Ordered by type (asn, prefix, domain), then value: AS numbers and
 * prefixes in numeric order, domains alphabetically. */
#define RESOURCE_ORDER                                                                         \
	" ORDER BY CASE type WHEN 'asn' THEN 0 WHEN 'prefix' THEN 1 ELSE 2 END, asn, "         \
	"family, net, plen, domain"

/* Resources of org_id (all when 0) in RESOURCE_ORDER; each borrowed by
 * fn. */
int store_resource_each(struct store *st, int64_t org_id, store_resource_fn fn, void *ctx,
			struct sk_error *err)
{
	char name[ORG_NAME_MAX + 1];
	struct db_stmt *s;
	int rc;

	if (org_id != 0) {
		if ((rc = store_org_name(st, org_id, name, NULL, err)) != 0)
			return rc;
		rc = store_prep(st,
				"SELECT " RESOURCE_COLS
				" FROM resources WHERE org_id = $1" RESOURCE_ORDER,
				&s, err);
		if (rc != 0)
			return rc;
		db_bind_int(s, 1, org_id);
	} else {
		rc = store_prep(
		    st, "SELECT " RESOURCE_COLS " FROM resources" RESOURCE_ORDER ", org_id", &s,
		    err);
		if (rc != 0)
			return rc;
	}
	return resource_walk(s, fn, ctx, err);
}

/* The networks an address truncates to, asked for COVER_KEYS at a time
 * (padded with repeats): one statement for IPv4, one to four for IPv6. */
#define COVER_KEYS 33
static const char cover_sql[] = "SELECT " RESOURCE_COLS " FROM resources WHERE family = $1 "
				"AND net IN ("
				"$2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
				"$15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, "
				"$27, $28, $29, $30, $31, $32, $33, $34"
				")";

/* Prefix resources gathered for store_resource_covering(). */
struct cover_list {
	const struct prefix *p;
	struct resource *v;
	size_t n;
};

/* store_resource_fn: keep r if it covers the address asked about (a
 * network can match a truncation of it and still be longer). */
static int cover_keep(const struct resource *r, void *ctx)
{
	struct cover_list *c = ctx;

	if (!prefix_contains(&r->prefix, c->p))
		return 0;
	c->v = xreallocarray(c->v, c->n + 1, sizeof(*c->v));
	c->v[c->n++] = *r;
	return 0;
}

/* Longest prefix first, then by organization and id. */
static int cover_order(const void *pa, const void *pb)
{
	const struct resource *a = pa, *b = pb;

	if (a->prefix.len != b->prefix.len)
		return a->prefix.len > b->prefix.len ? -1 : 1;
	if (a->org_id != b->org_id)
		return a->org_id < b->org_id ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

/* Every prefix covering p has as net p truncated to its length: the
 * distinct truncations of p (one per set bit, and p's own) are asked for
 * together, the rows checked and sorted here. */
int store_resource_covering(struct store *st, const struct prefix *p, store_resource_fn fn,
			    void *ctx, struct sk_error *err)
{
	char keys[129][33];
	struct cover_list found = {p, NULL, 0};
	struct prefix q;
	struct db_stmt *s;
	bool started = false;
	size_t nkeys = 0;
	int rc;

	if ((p->family != 4 && p->family != 6) || p->len > prefix_family_bits(p->family))
		return sk_error_set(err, SK_EINVAL, "not an IPv4 or IPv6 prefix");
	q = *p;
	for (int len = p->len; len >= 0; len--) {
		prefix_truncate(&q, (uint8_t)len);
		net_hex(&q, keys[nkeys]);
		if (nkeys == 0 || strcmp(keys[nkeys], keys[nkeys - 1]) != 0)
			nkeys++;
	}
	if ((rc = store_read_begin(st, &started, err)) != 0)
		return rc;
	for (size_t at = 0; at < nkeys && rc == 0; at += COVER_KEYS) {
		if ((rc = store_prep(st, cover_sql, &s, err)) != 0)
			break;
		db_bind_int(s, 1, p->family);
		for (size_t j = 0; j < COVER_KEYS; j++)
			db_bind_text(s, 2 + (int)j, keys[at + j < nkeys ? at + j : nkeys - 1]);
		rc = resource_walk(s, cover_keep, &found, err);
	}
	rc = store_read_end(st, started, rc, err);
	if (rc == 0 && found.n > 1)
		qsort(found.v, found.n, sizeof(*found.v), cover_order);
	for (size_t i = 0; i < found.n && rc == 0; i++)
		rc = fn(&found.v[i], ctx);
	free(found.v);
	return rc;
}

/* AS number resources equal to asn, by organization. */
int store_resource_by_asn(struct store *st, uint32_t asn, store_resource_fn fn, void *ctx,
			  struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	rc = store_prep(
	    st, "SELECT " RESOURCE_COLS " FROM resources WHERE asn = $1 ORDER BY org_id, id",
	    &s, err);
	if (rc != 0)
		return rc;
	db_bind_int(s, 1, asn);
	return resource_walk(s, fn, ctx, err);
}

/* name must be canonical (net/domain.h); one indexed look-up for it and
 * one for each parent. */
int store_resource_by_domain(struct store *st, const char *name, store_resource_fn fn,
			     void *ctx, struct sk_error *err)
{
	struct db_stmt *s;
	bool started = false;
	int rc;

	if (name == NULL || *name == '\0' || strlen(name) > DOMAIN_MAX)
		return sk_error_set(err, SK_EINVAL, "not a domain name");
	if ((rc = store_read_begin(st, &started, err)) != 0)
		return rc;
	for (const char *d = name; d != NULL && rc == 0; d = domain_parent(d)) {
		rc = store_prep(st,
				"SELECT " RESOURCE_COLS " FROM resources WHERE domain = $1 "
				"ORDER BY org_id, id",
				&s, err);
		if (rc != 0)
			break;
		db_bind_text(s, 1, d);
		rc = resource_walk(s, fn, ctx, err);
	}
	return store_read_end(st, started, rc, err);
}
