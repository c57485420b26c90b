/* registry/exchange.c: the whole constituency exported as one JSON
 * document, and the orderings export and import share (import:
 * exchange_import.c, the JSON shapes: exchange_json.c). */
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

/* qsort() and bsearch() that accept an empty (NULL) array. */
void exchange_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

void *exchange_find(const void *key, const void *base, size_t n, size_t size,
		    int (*cmp)(const void *, const void *))
{
	return n > 0 ? bsearch(key, base, n, size, cmp) : NULL;
}

/* ---- comparing ----------------------------------------------------------- */

/* Order of resources within one organization: type, then value in its own
 * order (numbers, addresses, names). Ids and owners are ignored. */
int exchange_resource_key_compare(const struct resource *a, const struct resource *b)
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

int exchange_resource_key_order(const void *pa, const void *pb)
{
	return exchange_resource_key_compare(pa, pb);
}

static int resource_owner_order(const void *pa, const void *pb)
{
	const struct resource *a = pa, *b = pb;

	if (a->org_id != b->org_id)
		return a->org_id < b->org_id ? -1 : 1;
	return exchange_resource_key_compare(a, b);
}

int exchange_str_or_empty_cmp(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int contact_owner_order(const void *pa, const void *pb)
{
	const struct contact *a = pa, *b = pb;
	int c;

	if (a->org_id != b->org_id)
		return a->org_id < b->org_id ? -1 : 1;
	if ((c = exchange_str_or_empty_cmp(a->name, b->name)) != 0)
		return c;
	if ((c = exchange_str_or_empty_cmp(a->email, b->email)) != 0)
		return c;
	return a->id < b->id ? -1 : a->id > b->id;
}

int exchange_org_name_order(const void *pa, const void *pb)
{
	const struct org *a = pa, *b = pb;

	return strcmp(a->name, b->name);
}

static int str_ptr_order(const void *pa, const void *pb)
{
	return strcmp(*(char *const *)pa, *(char *const *)pb);
}

int exchange_i64_order(const void *pa, const void *pb)
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

void exchange_id_vec_push(struct id_vec *l, int64_t id)
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
	const struct id_index *hit = exchange_find(&key, ids, n, sizeof(*ids), id_index_order);

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
	exchange_sort(orgs.v, orgs.n, sizeof(*orgs.v), exchange_org_name_order);
	exchange_sort(res.v, res.n, sizeof(*res.v), resource_owner_order);
	exchange_sort(contacts.v, contacts.n, sizeof(*contacts.v), contact_owner_order);
	ids = xcalloc(orgs.n + 1, sizeof(*ids));
	res_arr = xcalloc(orgs.n + 1, sizeof(*res_arr));
	con_arr = xcalloc(orgs.n + 1, sizeof(*con_arr));
	for (size_t i = 0; i < orgs.n; i++) {
		ids[i].id = orgs.v[i].id;
		ids[i].idx = i;
		res_arr[i] = json_array();
		con_arr[i] = json_array();
	}
	exchange_sort(ids, orgs.n, sizeof(*ids), id_index_order);
	for (size_t i = 0; i < res.n; i++) {
		long k = id_index_find(ids, orgs.n, res.v[i].org_id);

		if (k >= 0)
			json_array_append_new(res_arr[k],
					      exchange_resource_value_json(&res.v[i]));
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
			exchange_sort(members.v, members.n, sizeof(*members.v), str_ptr_order);
			for (size_t k = 0; k < members.n; k++)
				json_array_append_new(m, exchange_jstr(members.v[k], false));
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
