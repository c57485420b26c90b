/* registry/exchange_int.h: what the files of the constituency exchange
 * share (exchange.c: export and the orderings; exchange_json.c: the
 * JSON shapes; exchange_import.c: import). Private to src/registry. */
#ifndef SK_REGISTRY_EXCHANGE_INT_H
#define SK_REGISTRY_EXCHANGE_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/org.h"
#include "model/resource.h"

struct sk_error;

/* The version of the export document. */
#define EXCHANGE_VERSION 1

/* qsort() and bsearch() that accept an empty (NULL) array. */
void exchange_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
void *exchange_find(const void *key, const void *base, size_t n, size_t size,
		    int (*cmp)(const void *, const void *));

/* A JSON string of s; NULL (or "" when empty_is_null) is JSON null.
 * Caller owns the reference. */
json_t *exchange_jstr(const char *s, bool empty_is_null);
/* The value of resource r as the export writes it. */
json_t *exchange_resource_value_json(const struct resource *r);
/* Apply obj's fields to org, ignoring the keys in skip (may be NULL); org
 * is changed only on success. */
int exchange_org_apply_keys(struct org *org, const json_t *obj, const char *const *skip,
			    struct sk_error *err);

/* Orderings: resources by type and value, text with NULL as "",
 * organizations by name, 64-bit ids. */
int exchange_resource_key_compare(const struct resource *a, const struct resource *b);
int exchange_resource_key_order(const void *pa, const void *pb);
int exchange_str_or_empty_cmp(const char *a, const char *b);
int exchange_org_name_order(const void *pa, const void *pb);
int exchange_i64_order(const void *pa, const void *pb);

/* A growable list of ids. */
struct id_vec {
	int64_t *v;
	size_t n, alloc;
};
void exchange_id_vec_push(struct id_vec *l, int64_t id);

#endif
