/* registry/exchange_import.c: the whole constituency imported from one
 * JSON document.
 * SECURITY: reads outside input: at most 256 MiB of JSON (counted
 * while reading), duplicate keys refused, every field validated by the
 * model before anything is stored, and everything stored in one
 * transaction or nothing at all. */
#include "registry/exchange.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "registry/exchange_int.h"
#include "store/store.h"

#define IMPORT_MAX ((size_t)256 << 20)
/* Contacts and resources handed to the store per call: bounds the copies
 * made for it; a multiple of the 100 rows the store writes per
 * statement. */
#define IMPORT_BATCH 5000

/* Keys an organization in an export document has besides its fields. */
static const char *const org_import_keys[] = {"members", "contacts", "resources", NULL};

/* ---- import -------------------------------------------------------------- */

/* One organization of the document, checked and parsed. */
struct imp_org {
	size_t index;		       /* position in "organizations" */
	const json_t *obj;	       /* borrowed from the document */
	char label[ORG_NAME_MAX + 40]; /* "organizations[3] (Example Energy)" */
	struct org org;		       /* the document's fields on org_init() */
	const json_t *members;	       /* array of names, or NULL */
	struct contact *contacts;
	unsigned char *contact_dup; /* same e-mail earlier in the list */
	size_t ncontacts;
	struct resource *res; /* sorted, duplicates dropped */
	size_t nres;
	const struct org *existing; /* the stored organization of that name */
	int64_t id;		    /* once stored */
};

struct import {
	struct imp_org *orgs;
	size_t n;
	struct imp_org **by_name; /* sorted by name */
	struct org_list existing; /* stored organizations, sorted by name */
	struct exchange_stats stats;
};

struct reader {
	FILE *f;
	size_t total;
	bool too_big, failed;
	int saved_errno;
};

/* json_load_callback() source counting bytes against IMPORT_MAX. */
static size_t read_capped(void *buffer, size_t len, void *data)
{
	struct reader *r = data;
	size_t n;

	if (r->total >= IMPORT_MAX) {
		if (fgetc(r->f) == EOF && !ferror(r->f))
			return 0;
		r->too_big = true;
		return (size_t)-1;
	}
	if (len > IMPORT_MAX - r->total)
		len = IMPORT_MAX - r->total;
	n = fread(buffer, 1, len, r->f);
	if (n == 0 && ferror(r->f)) {
		r->failed = true;
		r->saved_errno = errno;
		return (size_t)-1;
	}
	r->total += n;
	return n;
}

static int load_document(FILE *in, const char *name, json_t **out, struct sk_error *err)
{
	struct reader r = {in, 0, false, false, 0};
	json_error_t jerr;
	json_t *doc;

	doc = json_load_callback(read_capped, &r, JSON_REJECT_DUPLICATES, &jerr);
	if (r.too_big)
		return sk_error_set(err, SK_ETOOBIG, "%s: larger than %zu MiB", name,
				    IMPORT_MAX >> 20);
	if (r.failed)
		return sk_error_set(err, SK_EIO, "%s: %s", name, strerror(r.saved_errno));
	if (doc == NULL)
		return sk_error_set(err, SK_EINVAL, "%s:%d:%d: %s", name, jerr.line,
				    jerr.column, jerr.text);
	*out = doc;
	return 0;
}

/* A name fit to appear in a message, or NULL. */
static const char *printable_name(const json_t *obj)
{
	const json_t *v = json_object_get(obj, "name");
	const char *s;

	if (!json_is_string(v) || json_string_length(v) == 0 ||
	    json_string_length(v) > ORG_NAME_MAX)
		return NULL;
	s = json_string_value(v);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return NULL;
	return strlen(s) == json_string_length(v) ? s : NULL;
}

static void imp_org_clear(struct imp_org *o)
{
	org_clear(&o->org);
	for (size_t i = 0; i < o->ncontacts; i++)
		contact_clear(&o->contacts[i]);
	free(o->contacts);
	free(o->contact_dup);
	free(o->res);
}

static int lower_email_order(const void *pa, const void *pb)
{
	const struct contact *const *a = pa, *const *b = pb;
	int c = strcasecmp((*a)->email, (*b)->email);

	if (c != 0)
		return c;
	return *a < *b ? -1 : *a > *b;
}

/* Check one organization of the document and parse its contacts and
 * resources, without touching the store. */
static int parse_org(struct imp_org *o, struct sk_error *err)
{
	const json_t *contacts, *resources, *item;
	const char *name = printable_name(o->obj);
	size_t i;
	int rc;

	if (name != NULL)
		snprintf(o->label, sizeof(o->label), "organizations[%zu] (%s)", o->index, name);
	else
		snprintf(o->label, sizeof(o->label), "organizations[%zu]", o->index);
	org_init(&o->org);
	if (!json_is_object(o->obj))
		return sk_error_set(err, SK_EINVAL, "an organization must be a JSON object");
	if (json_object_get(o->obj, "name") == NULL)
		return sk_error_set(err, SK_EINVAL, "\"name\" is missing");
	rc = exchange_org_apply_keys(&o->org, o->obj, org_import_keys, err);
	if (rc == 0)
		rc = org_validate(&o->org, err);
	if (rc != 0)
		return rc;

	o->members = json_object_get(o->obj, "members");
	if (o->members != NULL) {
		if (!json_is_array(o->members))
			return sk_error_set(err, SK_EINVAL,
					    "\"members\" must be a list of organization names");
		json_array_foreach(o->members, i, item)
		{
			if (!json_is_string(item))
				return sk_error_set(err, SK_EINVAL,
						    "members[%zu] must be an organization name",
						    i);
		}
	}

	contacts = json_object_get(o->obj, "contacts");
	if (contacts != NULL && !json_is_array(contacts))
		return sk_error_set(err, SK_EINVAL, "\"contacts\" must be a list");
	o->ncontacts = json_array_size(contacts);
	o->contacts = xcalloc(o->ncontacts + 1, sizeof(*o->contacts));
	o->contact_dup = xcalloc(o->ncontacts + 1, 1);
	for (i = 0; i < o->ncontacts; i++)
		contact_init(&o->contacts[i]);
	json_array_foreach(contacts, i, item)
	{
		rc = exchange_contact_apply(&o->contacts[i], item, err);
		if (rc == 0)
			rc = contact_validate(&o->contacts[i], err);
		if (rc != 0) {
			sk_error_prefix(err, "contacts[%zu]", i);
			return rc;
		}
	}
	if (o->ncontacts > 1) {
		const struct contact **sorted = xcalloc(o->ncontacts, sizeof(*sorted));

		for (i = 0; i < o->ncontacts; i++)
			sorted[i] = &o->contacts[i];
		exchange_sort(sorted, o->ncontacts, sizeof(*sorted), lower_email_order);
		for (i = 1; i < o->ncontacts; i++)
			if (strcasecmp(sorted[i - 1]->email, sorted[i]->email) == 0)
				o->contact_dup[sorted[i] - o->contacts] = 1;
		free(sorted);
	}

	resources = json_object_get(o->obj, "resources");
	if (resources != NULL && !json_is_array(resources))
		return sk_error_set(err, SK_EINVAL, "\"resources\" must be a list");
	o->nres = json_array_size(resources);
	o->res = xcalloc(o->nres + 1, sizeof(*o->res));
	json_array_foreach(resources, i, item)
	{
		rc = exchange_resource_parse(item, &o->res[i], err);
		if (rc != 0) {
			sk_error_prefix(err, "resources[%zu]", i);
			return rc;
		}
	}
	if (o->nres > 1) {
		size_t k = 1;

		exchange_sort(o->res, o->nres, sizeof(*o->res), exchange_resource_key_order);
		for (i = 1; i < o->nres; i++)
			if (exchange_resource_key_compare(&o->res[k - 1], &o->res[i]) != 0)
				o->res[k++] = o->res[i];
		o->nres = k;
	}
	return 0;
}

static int imp_name_order(const void *pa, const void *pb)
{
	const struct imp_org *const *a = pa, *const *b = pb;
	int c = strcmp((*a)->org.name, (*b)->org.name);

	if (c != 0)
		return c;
	return (*a)->index < (*b)->index ? -1 : (*a)->index > (*b)->index;
}

static int imp_name_find(const void *key, const void *elem)
{
	const struct imp_org *const *o = elem;

	return strcmp(key, (*o)->org.name);
}

static int org_name_find(const void *key, const void *elem)
{
	return strcmp(key, ((const struct org *)elem)->name);
}

/* Read and check the whole document. */
static int parse_document(struct import *im, const json_t *doc, const char *name,
			  struct sk_error *err)
{
	const json_t *v, *list;
	const char *key;
	json_t *item;
	size_t i;
	int rc;

	if (!json_is_object(doc))
		return sk_error_set(err, SK_EINVAL,
				    "%s: not a schakel export document "
				    "(the top level is not an object)",
				    name);
	v = json_object_get(doc, "schakel");
	if (v == NULL)
		return sk_error_set(err, SK_EINVAL,
				    "%s: not a schakel export document "
				    "(\"schakel\": %d is missing)",
				    name, EXCHANGE_VERSION);
	if (!json_is_integer(v) || json_integer_value(v) != EXCHANGE_VERSION)
		return sk_error_set(err, SK_EINVAL,
				    "%s: \"schakel\": this version reads "
				    "documents of version %d only",
				    name, EXCHANGE_VERSION);
	json_object_foreach((json_t *)doc, key, item)
	{
		if (strcmp(key, "schakel") != 0 && strcmp(key, "exported") != 0 &&
		    strcmp(key, "organizations") != 0)
			return sk_error_set(err, SK_EINVAL,
					    "%s: unknown key \"%s\" (keys: "
					    "schakel, exported, organizations)",
					    name, key);
	}
	list = json_object_get(doc, "organizations");
	if (!json_is_array(list))
		return sk_error_set(err, SK_EINVAL, "%s: \"organizations\" must be a list",
				    name);

	im->n = json_array_size(list);
	im->orgs = xcalloc(im->n + 1, sizeof(*im->orgs));
	im->by_name = xcalloc(im->n + 1, sizeof(*im->by_name));
	json_array_foreach(list, i, item)
	{
		struct imp_org *o = &im->orgs[i];

		o->index = i;
		o->obj = item;
		rc = parse_org(o, err);
		if (rc != 0) {
			sk_error_prefix(err, "%s", o->label);
			return rc;
		}
		im->by_name[i] = o;
	}
	exchange_sort(im->by_name, im->n, sizeof(*im->by_name), imp_name_order);
	for (i = 1; i < im->n; i++) {
		if (strcmp(im->by_name[i - 1]->org.name, im->by_name[i]->org.name) == 0)
			return sk_error_set(err, SK_EINVAL,
					    "%s: the name is also used by organizations[%zu]",
					    im->by_name[i]->label, im->by_name[i - 1]->index);
	}
	return 0;
}

/* The id of the organization called name: one of the document (stored by
 * now) or one already in the store; 0 if none. */
static int64_t import_find_id(const struct import *im, const char *name)
{
	struct imp_org *const *hit;
	const struct org *old;

	hit = exchange_find(name, im->by_name, im->n, sizeof(*im->by_name), imp_name_find);
	if (hit != NULL)
		return (*hit)->id;
	old = exchange_find(name, im->existing.v, im->existing.n, sizeof(*im->existing.v),
			    org_name_find);
	return old != NULL ? old->id : 0;
}

static bool org_differs(const struct org *a, const struct org *b)
{
	return strcmp(a->name, b->name) != 0 || a->kind != b->kind || a->class != b->class ||
	       exchange_str_or_empty_cmp(a->sector, b->sector) != 0 ||
	       strcmp(a->country, b->country) != 0 || a->status != b->status ||
	       exchange_str_or_empty_cmp(a->notes, b->notes) != 0;
}

/* Pass 1: add the new organizations (together, a few statements per
 * hundred), update the existing ones where the document changes them. */
static int import_orgs(struct import *im, struct store *st, struct sk_error *err)
{
	/* Shallow copies of the new organizations' structs: not cleared. */
	struct org *add = xcalloc(im->n + 1, sizeof(*add));
	size_t nadd = 0, j = 0;
	int rc = 0;

	for (size_t i = 0; i < im->n; i++) {
		struct imp_org *o = &im->orgs[i];

		o->existing = exchange_find(o->org.name, im->existing.v, im->existing.n,
					    sizeof(*im->existing.v), org_name_find);
		if (o->existing == NULL)
			add[nadd++] = o->org;
	}
	if ((rc = store_org_add_many(st, add, nadd, err)) != 0)
		goto out;
	im->stats.orgs += (long)nadd;
	for (size_t i = 0; i < im->n; i++) {
		struct imp_org *o = &im->orgs[i];
		struct org upd;

		if (o->existing == NULL) {
			o->id = add[j++].id;
			continue;
		}
		org_copy(&upd, o->existing);
		rc = exchange_org_apply_keys(&upd, o->obj, org_import_keys, err);
		if (rc == 0 && org_differs(&upd, o->existing)) {
			rc = store_org_update(st, &upd, err);
			im->stats.orgs++;
		}
		o->id = o->existing->id;
		/* Membership checks below need the kind the organization now has. */
		o->org.kind = upd.kind;
		org_clear(&upd);
		if (rc != 0)
			goto out;
	}
out:
	free(add);
	return rc;
}

/* The memberships o's document lists, by name: each must be an
 * organization of the document or of the store. Those the store has
 * already stay as they are. */
static int import_members(struct import *im, struct imp_org *o, struct store *st,
			  struct sk_error *err)
{
	struct id_vec want = {0};
	size_t i, distinct = 0, added = 0;
	json_t *item;
	int rc = 0;

	if (json_array_size(o->members) == 0)
		return 0;
	if (o->org.kind != ORG_KIND_LIAISON)
		return sk_error_set(err, SK_EINVAL,
				    "members: %s is not a liaison organization; "
				    "only liaison organizations have members",
				    o->org.name);
	json_array_foreach(o->members, i, item)
	{
		const char *name = json_string_value(item);
		int64_t id = import_find_id(im, name);

		if (id == 0) {
			rc = sk_error_set(err, SK_ENOTFOUND,
					  "members[%zu]: no organization "
					  "named '%s'",
					  i, name);
			goto out;
		}
		if (id == o->id) {
			rc = sk_error_set(err, SK_EINVAL,
					  "members[%zu]: an organization cannot "
					  "be a member of itself",
					  i);
			goto out;
		}
		exchange_id_vec_push(&want, id);
	}
	exchange_sort(want.v, want.n, sizeof(*want.v), exchange_i64_order);
	for (i = 0; i < want.n; i++)
		if (distinct == 0 || want.v[i] != want.v[distinct - 1])
			want.v[distinct++] = want.v[i];
	rc = store_member_add_many(st, o->id, want.v, distinct, &added, err);
	if (rc == 0)
		im->stats.memberships += (long)added;
out:
	free(want.v);
	return rc;
}

/* A stored contact's organization and e-mail address, to tell which of
 * the document's contacts are there already. */
struct owner_email {
	int64_t org_id;
	char *email;
};

struct owner_email_vec {
	struct owner_email *v;
	size_t n, alloc;
};

static int collect_owner_email(const struct contact *c, void *ctx)
{
	struct owner_email_vec *l = ctx;

	if (l->n == l->alloc) {
		l->alloc = l->alloc ? l->alloc * 2 : 64;
		l->v = xreallocarray(l->v, l->alloc, sizeof(*l->v));
	}
	l->v[l->n].org_id = c->org_id;
	l->v[l->n].email = xstrdup(c->email ? c->email : "");
	l->n++;
	return 0;
}

/* By organization, then e-mail address ignoring case. */
static int owner_email_order(const void *pa, const void *pb)
{
	const struct owner_email *a = pa, *b = pb;

	if (a->org_id != b->org_id)
		return a->org_id < b->org_id ? -1 : 1;
	return strcasecmp(a->email, b->email);
}

/* The contacts whose e-mail address their organization does not have
 * yet (a stored one, or one earlier in the document), added together,
 * IMPORT_BATCH at a time. The stored contacts are read in one walk, and
 * only when an organization that exists lists contacts. */
static int import_contacts(struct import *im, struct store *st, struct sk_error *err)
{
	struct owner_email_vec have = {0};
	struct contact *batch = NULL; /* shallow copies: not cleared */
	bool need_stored = false;
	size_t n = 0;
	int rc = 0;

	for (size_t i = 0; i < im->n; i++)
		need_stored |= im->orgs[i].existing != NULL && im->orgs[i].ncontacts > 0;
	if (need_stored) {
		if ((rc = store_contact_each(st, 0, collect_owner_email, &have, err)) != 0)
			goto out;
		exchange_sort(have.v, have.n, sizeof(*have.v), owner_email_order);
	}
	for (size_t i = 0; i < im->n; i++) {
		struct imp_org *o = &im->orgs[i];

		for (size_t k = 0; k < o->ncontacts; k++) {
			struct contact *c = &o->contacts[k];
			struct owner_email key = {o->id, c->email};

			if (o->contact_dup[k] ||
			    (o->existing != NULL &&
			     exchange_find(&key, have.v, have.n, sizeof(*have.v),
					   owner_email_order) != NULL))
				continue;
			if (batch == NULL)
				batch = xcalloc(IMPORT_BATCH, sizeof(*batch));
			c->org_id = o->id;
			batch[n++] = *c;
			if (n == IMPORT_BATCH) {
				if ((rc = store_contact_add_many(st, batch, n, err)) != 0)
					goto out;
				im->stats.contacts += (long)n;
				n = 0;
			}
		}
	}
	if (n > 0 && (rc = store_contact_add_many(st, batch, n, err)) == 0)
		im->stats.contacts += (long)n;
out:
	for (size_t i = 0; i < have.n; i++)
		free(have.v[i].email);
	free(have.v);
	free(batch);
	return rc;
}

/* Hand batch[0..n) to the store, counting what it added. */
static int import_resource_batch(struct import *im, struct store *st, struct resource *batch,
				 size_t n, struct sk_error *err)
{
	size_t added = 0;
	int rc = store_resource_add_many(st, batch, n, &added, err);

	if (rc == 0)
		im->stats.resources += (long)added;
	return rc;
}

/* Every organization's resources, added together, IMPORT_BATCH at a
 * time; those an organization holds already are skipped by the store. */
static int import_resources(struct import *im, struct store *st, struct sk_error *err)
{
	struct resource *batch = NULL;
	size_t n = 0;
	int rc = 0;

	for (size_t i = 0; i < im->n; i++) {
		struct imp_org *o = &im->orgs[i];

		for (size_t k = 0; k < o->nres; k++) {
			if (batch == NULL)
				batch = xcalloc(IMPORT_BATCH, sizeof(*batch));
			batch[n] = o->res[k];
			batch[n++].org_id = o->id;
			if (n == IMPORT_BATCH) {
				if ((rc = import_resource_batch(im, st, batch, n, err)) != 0)
					goto out;
				n = 0;
			}
		}
	}
	if (n > 0)
		rc = import_resource_batch(im, st, batch, n, err);
out:
	free(batch);
	return rc;
}

/* Store the checked document: the organizations first, so that names
 * resolve to ids from memory, then memberships, contacts and resources,
 * each kind in a few statements per hundred rows. */
static int import_store(struct import *im, struct store *st, struct sk_error *err)
{
	int rc;

	rc = store_org_each(st, org_list_push, &im->existing, err);
	if (rc != 0)
		return rc;
	exchange_sort(im->existing.v, im->existing.n, sizeof(*im->existing.v),
		      exchange_org_name_order);
	rc = import_orgs(im, st, err);
	for (size_t i = 0; rc == 0 && i < im->n; i++) {
		struct imp_org *o = &im->orgs[i];

		if ((rc = import_members(im, o, st, err)) != 0)
			sk_error_prefix(err, "%s", o->label);
	}
	if (rc == 0)
		rc = import_contacts(im, st, err);
	if (rc == 0)
		rc = import_resources(im, st, err);
	return rc;
}

/* in is borrowed and read to its end, not closed; name (for messages) is
 * borrowed. *stats is written only on success. */
int exchange_import(struct store *st, FILE *in, const char *name, struct exchange_stats *stats,
		    struct sk_error *err)
{
	struct import im;
	json_t *doc = NULL;
	bool begun = false;
	int rc;

	memset(&im, 0, sizeof(im));
	if (name == NULL)
		name = "input";
	rc = load_document(in, name, &doc, err);
	if (rc != 0)
		goto out;
	rc = parse_document(&im, doc, name, err);
	if (rc != 0)
		goto out;
	rc = store_begin(st, err);
	if (rc != 0)
		goto out;
	begun = true;
	rc = import_store(&im, st, err);
	if (rc == 0)
		rc = store_commit(st, err);
	if (rc == 0) {
		begun = false;
		if (stats != NULL)
			*stats = im.stats;
	}
out:
	if (begun)
		store_rollback(st);
	for (size_t i = 0; i < im.n; i++)
		imp_org_clear(&im.orgs[i]);
	free(im.orgs);
	free(im.by_name);
	org_list_free(&im.existing);
	json_decref(doc);
	return rc;
}
