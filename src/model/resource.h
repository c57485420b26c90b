/* model/resource.h: what an organization owns on the network: an AS
 * number, an IPv4 or IPv6 prefix, or a domain name, always held in
 * canonical form. */
#ifndef SK_MODEL_RESOURCE_H
#define SK_MODEL_RESOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "net/domain.h"
#include "net/prefix.h"

struct sk_error;

enum resource_type { RESOURCE_ASN, RESOURCE_PREFIX, RESOURCE_DOMAIN };
extern const char *const resource_type_names[];	/* asn prefix domain */

#define RESOURCE_TEXT_MAX (DOMAIN_TEXT_MAX + 8)

struct resource {
	int64_t id;
	int64_t org_id;
	enum resource_type type;
	uint32_t asn;			/* RESOURCE_ASN */
	struct prefix prefix;		/* RESOURCE_PREFIX */
	char domain[DOMAIN_TEXT_MAX];	/* RESOURCE_DOMAIN */
	char created[21];
};

/* Parse "asn:AS64496", "prefix:198.51.100.0/24", "domain:example.be",
 * or the bare value, whose type is then guessed (a prefix or address, an
 * AS number, else a domain). Writes out only on success. */
int resource_parse(const char *text, struct resource *out, struct sk_error *err);

/* Parse value as the given type. */
int resource_parse_typed(enum resource_type type, const char *value,
			 struct resource *out, struct sk_error *err);

/* The canonical value without the type ("AS64496", "198.51.100.0/24",
 * "example.be"). Returns the length. */
int resource_format_value(const struct resource *r, char *buf, size_t size);

/* A growing array of resources, e.g. collected from a store walk. Start
 * it zeroed; free it with resource_list_free(). */
struct resource_list {
	struct resource *v;
	size_t n, alloc;
};

/* Append a copy of r (borrowed) to list, a struct resource_list *.
 * Shaped as a store_resource_fn, to be passed straight to a store walk;
 * returns 0. */
int resource_list_push(const struct resource *r, void *list);
/* Free the array; the list is empty afterwards. Accepts NULL. */
void resource_list_free(struct resource_list *l);

#endif
