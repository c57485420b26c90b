/* registry/exchange.h: the registry as JSON: one object per organization,
 * contact and resource (the same shapes for `--json`, the API and the
 * export document), and the whole constituency exported and imported as
 * one document. Import is all or nothing. Reads outside input: documents
 * up to 256 MiB, strings within the model's limits. */
#ifndef SK_REGISTRY_EXCHANGE_H
#define SK_REGISTRY_EXCHANGE_H

#include <jansson.h>
#include <stdio.h>

#include "model/org.h"
#include "model/resource.h"
#include "model/user.h"

struct sk_error;
struct store;

/* New references; caller decrefs. */
json_t *exchange_org_json(const struct org *org);
json_t *exchange_contact_json(const struct contact *c);
json_t *exchange_resource_json(const struct resource *r);
json_t *exchange_user_json(const struct user *u);

/* Apply the fields present in obj to org ("name", "kind", "class",
 * "sector", "country", "status", "notes"); unknown keys and wrong types
 * are SK_EINVAL naming the key. Used for create (on an org_init'ed org)
 * and update (on a stored one). */
int exchange_org_apply(struct org *org, const json_t *obj, struct sk_error *err);
int exchange_contact_apply(struct contact *c, const json_t *obj, struct sk_error *err);
/* A resource from {"type": "prefix", "value": "..."} or {"value": "..."}
 * or a bare string. */
int exchange_resource_parse(const json_t *value, struct resource *out,
			    struct sk_error *err);

/* Write the whole constituency as one JSON document:
 * {"schakel": 1, "organizations": [{..., "members": [names],
 *   "contacts": [...], "resources": [...]}]}. */
int exchange_export(struct store *st, FILE *out, struct sk_error *err);

struct exchange_stats {
	long orgs, memberships, contacts, resources;
};
/* Import a document of the export shape in one transaction: organizations
 * that exist by name are updated, others added; listed contacts,
 * resources and memberships are added where missing. Any bad entry
 * stores nothing and err names it ("organizations[3] (Example Energy):
 * resources[1]: 198.51.100.1/24: host bits are set"). */
int exchange_import(struct store *st, FILE *in, const char *name,
		    struct exchange_stats *stats, struct sk_error *err);

#endif
