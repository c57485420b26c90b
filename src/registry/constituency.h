/* registry/constituency.h: every change and every read of the
 * constituency registry (organizations, memberships, contacts,
 * resources, import, export, the audit log), written once for both
 * front doors. Each function asks access/access.h first, runs its
 * writes in one transaction (the store writes the audit rows, under the
 * actor set with store_set_actor()) and leaves the store as it was when
 * it fails.
 *
 * Reads follow access_may_read_org(): an organization the user may not
 * read, or something under it, is SK_ENOTFOUND with the same message as
 * one that does not exist; lists hold only what the user may read.
 * Writes need access_may_change_registry(), or for an organization's
 * contacts and resources access_may_edit_org_contacts() and
 * access_may_edit_org_resources() (a partner's own, per [portal]
 * partners_edit): else SK_EPERM, before anything is looked up. The
 * command line acts as access_local_operator(). */
#ifndef SK_REGISTRY_CONSTITUENCY_H
#define SK_REGISTRY_CONSTITUENCY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model/org.h"
#include "model/resource.h"
#include "model/user.h"
#include "registry/registry.h"
#include "store/store.h"

struct exchange_stats;
struct sk_error;

/* ---- organizations ---- */

/* Organization id into *out (caller clears with org_clear()). */
int registry_org_get(struct store *st, const struct user *u, int64_t id, struct org *out,
		     struct sk_error *err);
/* The organization ref names: its id, or else its exact name. */
int registry_org_find(struct store *st, const struct user *u, const char *ref, struct org *out,
		      struct sk_error *err);
/* Every organization u may read, pushed onto *out (caller frees with
 * org_list_free()). */
int registry_org_list(struct store *st, const struct user *u, struct org_list *out,
		      struct sk_error *err);
/* The organizations that pass f (store.h) and u may read, pushed onto
 * *out as registry_org_list() does. */
int registry_org_search(struct store *st, const struct user *u,
			const struct store_org_filter *f, struct org_list *out,
			struct sk_error *err);
/* The members of liaison id, or the liaison organizations id is a
 * member of, that u may read; id itself must be readable. */
int registry_member_list(struct store *st, const struct user *u, int64_t id,
			 struct org_list *out, struct sk_error *err);
int registry_liaison_list(struct store *st, const struct user *u, int64_t id,
			  struct org_list *out, struct sk_error *err);

/* Add org (validated here; id and times filled in) and make it a member
 * of each of the n liaison organizations liaisons[] (a non-liaison is
 * SK_EINVAL naming it), all or nothing. */
int registry_org_add(struct store *st, const struct user *u, struct org *org,
		     const int64_t *liaisons, size_t n, struct sk_error *err);

/* Changes an edit makes to the organization as stored; 0 or an error
 * (SK_EINVAL naming the field) that leaves it unchanged. */
typedef int (*registry_org_edit_fn)(struct org *org, void *ctx, struct sk_error *err);
/* Apply edit to organization id, validate and store it in one
 * transaction with the read; *out (may be NULL) gets it as stored. */
int registry_org_update(struct store *st, const struct user *u, int64_t id,
			registry_org_edit_fn edit, void *ctx, struct org *out,
			struct sk_error *err);
/* Remove organization id with its resources, contacts and memberships;
 * *out (may be NULL) gets it as it was. */
int registry_org_remove(struct store *st, const struct user *u, int64_t id, struct org *out,
			struct sk_error *err);

/* Make member_id a member of the liaison organization liaison_id.
 * *was (may be NULL) says whether it was one already (then nothing
 * changes). Not a liaison, or the organization itself: SK_EINVAL. */
int registry_member_add(struct store *st, const struct user *u, int64_t liaison_id,
			int64_t member_id, bool *was, struct sk_error *err);
/* End the membership; one that does not exist is SK_ENOTFOUND. */
int registry_member_remove(struct store *st, const struct user *u, int64_t liaison_id,
			   int64_t member_id, struct sk_error *err);

/* ---- resources ---- */

/* The resources of organization org_id (0: of every organization u may
 * read), pushed onto *out (caller frees with resource_list_free()). */
int registry_resource_list(struct store *st, const struct user *u, int64_t org_id,
			   struct resource_list *out, struct sk_error *err);
/* Resource id of organization org_id (0: of whichever it belongs to). */
int registry_resource_get(struct store *st, const struct user *u, int64_t org_id, int64_t id,
			  struct resource *out, struct sk_error *err);
/* The resource of org_id with the value of want (type and value). */
int registry_resource_find(struct store *st, const struct user *u, int64_t org_id,
			   const struct resource *want, struct resource *out,
			   struct sk_error *err);
/* Add the n resources v[] to organization org_id, all or nothing; one it
 * holds already, or one given twice, is SK_EEXIST naming it. Fills in
 * each one's id, org_id and created. */
int registry_resource_add(struct store *st, const struct user *u, int64_t org_id,
			  struct resource *v, size_t n, struct sk_error *err);
/* Remove resource id of org_id (0: of whichever); *out (may be NULL)
 * gets it as it was. */
int registry_resource_remove(struct store *st, const struct user *u, int64_t org_id, int64_t id,
			     struct resource *out, struct sk_error *err);

/* ---- contacts ---- */

/* The contacts of organization org_id (0: of every organization u may
 * read), pushed onto *out (caller frees with contact_list_free()). */
int registry_contact_list(struct store *st, const struct user *u, int64_t org_id,
			  struct contact_list *out, struct sk_error *err);
/* Contact id of org_id (0: of whichever); caller clears *out. */
int registry_contact_get(struct store *st, const struct user *u, int64_t org_id, int64_t id,
			 struct contact *out, struct sk_error *err);
/* Whether a contact's OpenPGP fingerprint names a key in schakel's
 * keyring: 0, or an error saying it does not. The front doors set it
 * (cmd/common.h), once, before serving; without one fingerprints are
 * only checked for form. */
typedef int (*registry_key_check_fn)(const char *fpr, void *ctx, struct sk_error *err);
void registry_set_key_check(registry_key_check_fn fn, void *ctx);

/* Add c (validated here, its fingerprint against the keyring) to
 * organization c->org_id; fills in its id. */
int registry_contact_add(struct store *st, const struct user *u, struct contact *c,
			 struct sk_error *err);
/* Changes an edit makes to a contact as stored; 0 or an error (SK_EINVAL
 * naming the field) that leaves it unchanged. */
typedef int (*registry_contact_edit_fn)(struct contact *c, void *ctx, struct sk_error *err);
/* Apply edit to contact id of org_id (0: of whichever), validate it (its
 * fingerprint against the keyring) and store it in one transaction with
 * the read; *out (may be NULL) gets it as stored (caller clears). */
int registry_contact_update(struct store *st, const struct user *u, int64_t org_id, int64_t id,
			    registry_contact_edit_fn edit, void *ctx, struct contact *out,
			    struct sk_error *err);
/* Remove contact id of org_id (0: of whichever); *out (may be NULL)
 * gets it as it was (caller clears). */
int registry_contact_remove(struct store *st, const struct user *u, int64_t org_id, int64_t id,
			    struct contact *out, struct sk_error *err);

/* ---- questions ---- */

/* registry_whois() (registry/registry.h) with only the owners u may
 * read handed to fn. */
int registry_whois_as(struct store *st, const struct user *u, const char *query,
		      registry_whois_fn fn, void *ctx, struct sk_error *err);
/* registry_overlaps() for staff: it names every organization. */
int registry_overlaps_as(struct store *st, const struct user *u, registry_overlap_fn fn,
			 void *ctx, struct sk_error *err);

/* ---- the whole registry ---- */

/* exchange_export() and exchange_import() for a user who may change the
 * registry (an export holds every contact: staff only too). */
int registry_export(struct store *st, const struct user *u, FILE *out, struct sk_error *err);
int registry_import(struct store *st, const struct user *u, FILE *in, const char *name,
		    struct exchange_stats *stats, struct sk_error *err);

/* store_audit_find() for a user who may read the audit log (staff). */
int registry_audit_find(struct store *st, const struct user *u, const struct audit_filter *f,
			store_audit_fn fn, void *ctx, int64_t *total_out, struct sk_error *err);

#endif
