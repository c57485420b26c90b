/* registry/exchange.c: organizations, contacts, resources and users as
 * JSON, and the whole constituency exported and imported as one document.
 * SECURITY: import reads outside input: at most 256 MiB of JSON (counted
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
#include "store/store.h"

#define IMPORT_MAX	 ((size_t)256 << 20)
#define EXCHANGE_VERSION 1
/* Contacts and resources handed to the store per call: bounds the copies
 * made for it; a multiple of the 100 rows the store writes per
 * statement. */
#define IMPORT_BATCH 5000

/* qsort() and bsearch() that accept an empty (NULL) array. */
static void sort_array(void *base, size_t n, size_t size,
		       int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

static void *find_in(const void *key, const void *base, size_t n, size_t size,
		     int (*cmp)(const void *, const void *))
{
	return n > 0 ? bsearch(key, base, n, size, cmp) : NULL;
}

/* ---- single objects ---------------------------------------------------- */

/* s with every byte that is not part of valid UTF-8 replaced by '?'; caller
 * frees. Stored text is checked at the door, this only keeps output valid. */
static char *utf8_scrub(const char *s)
{
	char *t = xstrdup(s);
	unsigned char *p = (unsigned char *)t;

	while (*p) {
		int n = *p < 0x80	      ? 1
			: (*p & 0xe0) == 0xc0 ? 2
			: (*p & 0xf0) == 0xe0 ? 3
			: (*p & 0xf8) == 0xf0 ? 4
					      : 0;
		int i;

		for (i = 1; i < n && (p[i] & 0xc0) == 0x80; i++)
			;
		if (n == 0 || i < n || (n == 2 && *p < 0xc2)) {
			*p++ = '?';
			continue;
		}
		p += n;
	}
	return t;
}

/* A JSON string for s, or null for NULL (and for "" when empty_is_null). */
static json_t *jstr(const char *s, bool empty_is_null)
{
	json_t *v;
	char *t;

	if (s == NULL || (empty_is_null && *s == '\0'))
		return json_null();
	v = json_string(s);
	if (v != NULL)
		return v;
	t = utf8_scrub(s);
	v = json_string(t);
	free(t);
	return v != NULL ? v : json_string("");
}

json_t *exchange_org_json(const struct org *org)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(org->id));
	json_object_set_new(o, "name", jstr(org->name, false));
	json_object_set_new(o, "kind", json_string(org_kind_names[org->kind]));
	json_object_set_new(o, "class", json_string(org_class_names[org->class]));
	json_object_set_new(o, "sector", jstr(org->sector, false));
	json_object_set_new(o, "country", jstr(org->country, true));
	json_object_set_new(o, "status", json_string(org_status_names[org->status]));
	json_object_set_new(o, "notes", jstr(org->notes, true));
	json_object_set_new(o, "created", jstr(org->created, true));
	json_object_set_new(o, "updated", jstr(org->updated, true));
	return o;
}

/* "nl,en" as ["nl", "en"]. */
static json_t *languages_json(const char *list)
{
	json_t *a = json_array();
	const char *p = list;

	while (*p) {
		size_t n = strcspn(p, ",");

		if (n > 0)
			json_array_append_new(a, json_stringn(p, n));
		p += n;
		if (*p == ',')
			p++;
	}
	return a;
}

json_t *exchange_contact_json(const struct contact *c)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(c->id));
	json_object_set_new(o, "org_id", json_integer(c->org_id));
	json_object_set_new(o, "name", jstr(c->name, false));
	json_object_set_new(o, "email", jstr(c->email, false));
	json_object_set_new(o, "phone", jstr(c->phone, true));
	json_object_set_new(o, "role", json_string(contact_role_names[c->role]));
	json_object_set_new(o, "languages", languages_json(c->languages));
	json_object_set_new(o, "pgp_fingerprint", jstr(c->pgp_fpr, true));
	json_object_set_new(o, "created", jstr(c->created, true));
	return o;
}

/* {"type": ..., "value": ...}: the part of a resource the export keeps. */
static json_t *resource_value_json(const struct resource *r)
{
	char value[RESOURCE_TEXT_MAX];
	json_t *o = json_object();

	if (resource_format_value(r, value, sizeof(value)) < 0)
		value[0] = '\0';
	json_object_set_new(o, "type", json_string(resource_type_names[r->type]));
	json_object_set_new(o, "value", jstr(value, false));
	return o;
}

json_t *exchange_resource_json(const struct resource *r)
{
	json_t *o = json_object();
	json_t *tv = resource_value_json(r);

	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "org_id", json_integer(r->org_id));
	json_object_update(o, tv);
	json_decref(tv);
	json_object_set_new(o, "created", jstr(r->created, true));
	return o;
}

json_t *exchange_user_json(const struct user *u)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(u->id));
	json_object_set_new(o, "name", jstr(u->name, false));
	json_object_set_new(o, "role", json_string(user_role_names[u->role]));
	json_object_set_new(o, "org_id", u->org_id > 0 ? json_integer(u->org_id) : json_null());
	return o;
}

/* ---- applying JSON to the model ------------------------------------------ */

/* The text of a string member; null gives "" where nullable. Borrowed. */
static int json_text(const json_t *v, const char *key, bool nullable, const char **out,
		     struct sk_error *err)
{
	if (nullable && json_is_null(v)) {
		*out = "";
		return 0;
	}
	if (!json_is_string(v))
		return sk_error_set(err, SK_EINVAL, "\"%s\" must be a string%s", key,
				    nullable ? " or null" : "");
	if (strlen(json_string_value(v)) != json_string_length(v))
		return sk_error_set(err, SK_EINVAL, "\"%s\" contains a NUL character", key);
	*out = json_string_value(v);
	return 0;
}

static const char *const org_keys[] = {"name",	  "kind",   "class", "sector",
				       "country", "status", "notes", NULL};
/* Keys an organization in an export document has besides its fields. */
static const char *const org_import_keys[] = {"members", "contacts", "resources", NULL};

/* Apply obj's fields to org, ignoring the keys in skip (may be NULL); org
 * is changed only on success. */
static int org_apply_keys(struct org *org, const json_t *obj, const char *const *skip,
			  struct sk_error *err)
{
	struct org tmp;
	const char *key, *text;
	json_t *v;
	int rc = 0;

	if (!json_is_object(obj))
		return sk_error_set(err, SK_EINVAL, "an organization must be a JSON object");
	org_copy(&tmp, org);
	json_object_foreach((json_t *)obj, key, v)
	{
		bool nullable = strcmp(key, "country") == 0 || strcmp(key, "notes") == 0;

		if (skip != NULL && str_index(skip, key) >= 0)
			continue;
		if (str_index(org_keys, key) < 0) {
			rc =
			    sk_error_set(err, SK_EINVAL,
					 "unknown key \"%s\" (keys: name, kind, class, sector, "
					 "country, status, notes)",
					 key);
			goto out;
		}
		rc = json_text(v, key, nullable, &text, err);
		if (rc != 0)
			goto out;
		rc = org_set_field(&tmp, key, text, err);
		if (rc != 0)
			goto out;
	}
out:
	if (rc != 0) {
		org_clear(&tmp);
		return rc;
	}
	org_clear(org);
	*org = tmp;
	return 0;
}

int exchange_org_apply(struct org *org, const json_t *obj, struct sk_error *err)
{
	return org_apply_keys(org, obj, NULL, err);
}

/* ["nl", "en"] or "nl,en" as the text contact_set_field() takes. */
static int languages_text(const json_t *v, struct buf *out, struct sk_error *err)
{
	size_t i;
	json_t *item;

	if (json_is_string(v))
		return buf_append_str(out, json_string_value(v)) == 0
			   ? 0
			   : sk_error_set(err, SK_EINVAL, "\"languages\" is too long");
	if (!json_is_array(v))
		return sk_error_set(err, SK_EINVAL,
				    "\"languages\" must be a list like [\"nl\", \"en\"]");
	json_array_foreach(v, i, item)
	{
		if (!json_is_string(item))
			return sk_error_set(err, SK_EINVAL,
					    "\"languages\"[%zu] must be a string", i);
		if (buf_printf(out, "%s%s", i ? "," : "", json_string_value(item)) != 0)
			return sk_error_set(err, SK_EINVAL, "\"languages\" is too long");
	}
	return 0;
}

int exchange_contact_apply(struct contact *c, const json_t *obj, struct sk_error *err)
{
	static const char *const keys[] = {"name",	"email",	   "phone", "role",
					   "languages", "pgp_fingerprint", NULL};
	struct contact tmp;
	struct buf langs;
	const char *key, *text;
	json_t *v;
	int rc = 0;

	if (!json_is_object(obj))
		return sk_error_set(err, SK_EINVAL, "a contact must be a JSON object");
	contact_copy(&tmp, c);
	buf_init(&langs, 64);
	json_object_foreach((json_t *)obj, key, v)
	{
		if (str_index(keys, key) < 0) {
			rc = sk_error_set(err, SK_EINVAL,
					  "unknown key \"%s\" (keys: name, email, phone, role, "
					  "languages, pgp_fingerprint)",
					  key);
			goto out;
		}
		if (strcmp(key, "languages") == 0) {
			buf_reset(&langs);
			rc = languages_text(v, &langs, err);
			if (rc == 0)
				rc = contact_set_field(&tmp, key, buf_str(&langs), err);
		} else {
			bool nullable =
			    strcmp(key, "phone") == 0 || strcmp(key, "pgp_fingerprint") == 0;

			rc = json_text(v, key, nullable, &text, err);
			if (rc == 0)
				rc = contact_set_field(
				    &tmp, key[0] == 'p' && key[1] == 'g' ? "pgp" : key, text,
				    err);
		}
		if (rc != 0)
			goto out;
	}
out:
	buf_free(&langs);
	if (rc != 0) {
		contact_clear(&tmp);
		return rc;
	}
	contact_clear(c);
	*c = tmp;
	return 0;
}

/* Make sure the message names the value it is about (or, for a typed
 * "prefix:..." value, the part after the type). */
static void name_value(struct sk_error *err, const char *text)
{
	const char *colon = strchr(text, ':');

	if (err == NULL || strstr(err->msg, text) != NULL ||
	    (colon != NULL && colon[1] != '\0' && strstr(err->msg, colon + 1) != NULL))
		return;
	sk_error_prefix(err, "%s", text);
}

int exchange_resource_parse(const json_t *value, struct resource *out, struct sk_error *err)
{
	const char *text = NULL, *key;
	const json_t *type = NULL;
	json_t *v;
	int rc, t;

	if (json_is_string(value)) {
		rc = json_text(value, "value", false, &text, err);
		if (rc == 0)
			rc = resource_parse(text, out, err);
		if (rc != 0 && text != NULL)
			name_value(err, text);
		return rc;
	}
	if (!json_is_object(value))
		return sk_error_set(err, SK_EINVAL,
				    "a resource must be a string or an object "
				    "with \"type\" and \"value\"");
	json_object_foreach((json_t *)value, key, v)
	{
		if (strcmp(key, "type") == 0) {
			type = v;
		} else if (strcmp(key, "value") == 0) {
			rc = json_text(v, key, false, &text, err);
			if (rc != 0)
				return rc;
		} else {
			return sk_error_set(err, SK_EINVAL,
					    "unknown key \"%s\" (keys: type, value)", key);
		}
	}
	if (text == NULL)
		return sk_error_set(err, SK_EINVAL, "\"value\" is missing");
	if (type == NULL) {
		rc = resource_parse(text, out, err);
	} else {
		const char *tname;

		rc = json_text(type, "type", false, &tname, err);
		if (rc != 0)
			return rc;
		t = org_vocab_parse(resource_type_names, "resource type", tname, err);
		if (t < 0)
			return t;
		rc = resource_parse_typed((enum resource_type)t, text, out, err);
	}
	if (rc != 0)
		name_value(err, text);
	return rc;
}

/* ---- comparing ----------------------------------------------------------- */

/* Order of resources within one organization: type, then value in its own
 * order (numbers, addresses, names). Ids and owners are ignored. */
static int resource_key_compare(const struct resource *a, const struct resource *b)
{
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	switch (a->type) {
	case RESOURCE_ASN:
		return a->asn < b->asn ? -1 : a->asn > b->asn;
	case RESOURCE_PREFIX:
		return prefix_compare(&a->prefix, &b->prefix);
	case RESOURCE_DOMAIN:
		return strcmp(a->domain, b->domain);
	}
	return 0;
}

static int resource_key_order(const void *pa, const void *pb)
{
	return resource_key_compare(pa, pb);
}

static int resource_owner_order(const void *pa, const void *pb)
{
	const struct resource *a = pa, *b = pb;

	if (a->org_id != b->org_id)
		return a->org_id < b->org_id ? -1 : 1;
	return resource_key_compare(a, b);
}

static int str_or_empty_cmp(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int contact_owner_order(const void *pa, const void *pb)
{
	const struct contact *a = pa, *b = pb;
	int c;

	if (a->org_id != b->org_id)
		return a->org_id < b->org_id ? -1 : 1;
	if ((c = str_or_empty_cmp(a->name, b->name)) != 0)
		return c;
	if ((c = str_or_empty_cmp(a->email, b->email)) != 0)
		return c;
	return a->id < b->id ? -1 : a->id > b->id;
}

static int org_name_order(const void *pa, const void *pb)
{
	const struct org *a = pa, *b = pb;

	return strcmp(a->name, b->name);
}

static int str_ptr_order(const void *pa, const void *pb)
{
	return strcmp(*(char *const *)pa, *(char *const *)pb);
}

static int i64_order(const void *pa, const void *pb)
{
	int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;

	return a < b ? -1 : a > b;
}

/* ---- collecting from the store ------------------------------------------- */

struct name_vec {
	char **v;
	size_t n, alloc;
};

static int collect_name(const struct org *org, void *ctx)
{
	struct name_vec *l = ctx;

	if (l->n == l->alloc) {
		l->alloc = l->alloc ? l->alloc * 2 : 16;
		l->v = xreallocarray(l->v, l->alloc, sizeof(*l->v));
	}
	l->v[l->n++] = xstrdup(org->name);
	return 0;
}

static void name_vec_free(struct name_vec *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

struct id_vec {
	int64_t *v;
	size_t n, alloc;
};

static void id_vec_push(struct id_vec *l, int64_t id)
{
	if (l->n == l->alloc) {
		l->alloc = l->alloc ? l->alloc * 2 : 16;
		l->v = xreallocarray(l->v, l->alloc, sizeof(*l->v));
	}
	l->v[l->n++] = id;
}

/* ---- export -------------------------------------------------------------- */

/* The index in orgs (sorted by name) of the organization with id, through
 * ids (pairs of id and index, sorted by id); -1 if none. */
struct id_index {
	int64_t id;
	size_t idx;
};

static int id_index_order(const void *pa, const void *pb)
{
	const struct id_index *a = pa, *b = pb;

	return a->id < b->id ? -1 : a->id > b->id;
}

static long id_index_find(const struct id_index *ids, size_t n, int64_t id)
{
	struct id_index key = {id, 0};
	const struct id_index *hit = find_in(&key, ids, n, sizeof(*ids), id_index_order);

	return hit ? (long)hit->idx : -1;
}

/* out is borrowed and flushed, not closed. Reads the store in a few walks
 * (organizations, all resources, all contacts, members per liaison). */
int exchange_export(struct store *st, FILE *out, struct sk_error *err)
{
	struct org_list orgs = {0};
	struct resource_list res = {0};
	struct contact_list contacts = {0};
	struct id_index *ids = NULL;
	json_t *doc = NULL, *list = NULL, **res_arr = NULL, **con_arr = NULL;
	char now[21];
	int rc;

	rc = store_org_each(st, org_list_push, &orgs, err);
	if (rc == 0)
		rc = store_resource_each(st, 0, resource_list_push, &res, err);
	if (rc == 0)
		rc = store_contact_each(st, 0, contact_list_push, &contacts, err);
	if (rc != 0)
		goto out;
	sort_array(orgs.v, orgs.n, sizeof(*orgs.v), org_name_order);
	sort_array(res.v, res.n, sizeof(*res.v), resource_owner_order);
	sort_array(contacts.v, contacts.n, sizeof(*contacts.v), contact_owner_order);
	ids = xcalloc(orgs.n + 1, sizeof(*ids));
	res_arr = xcalloc(orgs.n + 1, sizeof(*res_arr));
	con_arr = xcalloc(orgs.n + 1, sizeof(*con_arr));
	for (size_t i = 0; i < orgs.n; i++) {
		ids[i].id = orgs.v[i].id;
		ids[i].idx = i;
		res_arr[i] = json_array();
		con_arr[i] = json_array();
	}
	sort_array(ids, orgs.n, sizeof(*ids), id_index_order);
	for (size_t i = 0; i < res.n; i++) {
		long k = id_index_find(ids, orgs.n, res.v[i].org_id);

		if (k >= 0)
			json_array_append_new(res_arr[k], resource_value_json(&res.v[i]));
	}
	for (size_t i = 0; i < contacts.n; i++) {
		long k = id_index_find(ids, orgs.n, contacts.v[i].org_id);
		json_t *c;

		if (k < 0)
			continue;
		c = exchange_contact_json(&contacts.v[i]);
		json_object_del(c, "id");
		json_object_del(c, "org_id");
		json_object_del(c, "created");
		json_array_append_new(con_arr[k], c);
	}

	str_time_iso(str_time_now(), now);
	doc = json_object();
	list = json_array();
	json_object_set_new(doc, "schakel", json_integer(EXCHANGE_VERSION));
	json_object_set_new(doc, "exported", json_string(now));
	json_object_set(doc, "organizations", list);
	for (size_t i = 0; i < orgs.n; i++) {
		json_t *o = exchange_org_json(&orgs.v[i]);

		json_object_del(o, "id");
		json_object_del(o, "created");
		json_object_del(o, "updated");
		if (orgs.v[i].kind == ORG_KIND_LIAISON) {
			struct name_vec members = {0};
			json_t *m = json_array();

			rc = store_member_each(st, orgs.v[i].id, collect_name, &members, err);
			if (rc != 0) {
				name_vec_free(&members);
				json_decref(m);
				json_decref(o);
				goto out;
			}
			sort_array(members.v, members.n, sizeof(*members.v), str_ptr_order);
			for (size_t k = 0; k < members.n; k++)
				json_array_append_new(m, jstr(members.v[k], false));
			name_vec_free(&members);
			json_object_set_new(o, "members", m);
		}
		json_object_set(o, "contacts", con_arr[i]);
		json_object_set(o, "resources", res_arr[i]);
		json_array_append_new(list, o);
	}
	if (json_dumpf(doc, out, JSON_INDENT(2)) != 0 || fputc('\n', out) == EOF ||
	    fflush(out) != 0 || ferror(out)) {
		rc =
		    sk_error_set(err, SK_EIO, "writing the export failed: %s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	for (size_t i = 0; res_arr != NULL && i < orgs.n; i++) {
		json_decref(res_arr[i]);
		json_decref(con_arr[i]);
	}
	free(res_arr);
	free(con_arr);
	free(ids);
	json_decref(list);
	json_decref(doc);
	contact_list_free(&contacts);
	resource_list_free(&res);
	org_list_free(&orgs);
	return rc;
}

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
	struct org_list existing;  /* stored organizations, sorted by name */
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
	rc = org_apply_keys(&o->org, o->obj, org_import_keys, err);
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
		sort_array(sorted, o->ncontacts, sizeof(*sorted), lower_email_order);
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

		sort_array(o->res, o->nres, sizeof(*o->res), resource_key_order);
		for (i = 1; i < o->nres; i++)
			if (resource_key_compare(&o->res[k - 1], &o->res[i]) != 0)
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
	sort_array(im->by_name, im->n, sizeof(*im->by_name), imp_name_order);
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

	hit = find_in(name, im->by_name, im->n, sizeof(*im->by_name), imp_name_find);
	if (hit != NULL)
		return (*hit)->id;
	old = find_in(name, im->existing.v, im->existing.n, sizeof(*im->existing.v),
		      org_name_find);
	return old != NULL ? old->id : 0;
}

static bool org_differs(const struct org *a, const struct org *b)
{
	return strcmp(a->name, b->name) != 0 || a->kind != b->kind || a->class != b->class ||
	       str_or_empty_cmp(a->sector, b->sector) != 0 ||
	       strcmp(a->country, b->country) != 0 || a->status != b->status ||
	       str_or_empty_cmp(a->notes, b->notes) != 0;
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

		o->existing = find_in(o->org.name, im->existing.v, im->existing.n,
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
		rc = org_apply_keys(&upd, o->obj, org_import_keys, err);
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
		id_vec_push(&want, id);
	}
	sort_array(want.v, want.n, sizeof(*want.v), i64_order);
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
		sort_array(have.v, have.n, sizeof(*have.v), owner_email_order);
	}
	for (size_t i = 0; i < im->n; i++) {
		struct imp_org *o = &im->orgs[i];

		for (size_t k = 0; k < o->ncontacts; k++) {
			struct contact *c = &o->contacts[k];
			struct owner_email key = {o->id, c->email};

			if (o->contact_dup[k] || (o->existing != NULL &&
						  find_in(&key, have.v, have.n, sizeof(*have.v),
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
	sort_array(im->existing.v, im->existing.n, sizeof(*im->existing.v), org_name_order);
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
