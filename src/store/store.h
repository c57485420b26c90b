/* store/store.h: the one interface to schakel's persistent state. A store
 * is one connection to a backend chosen by URL ("sqlite:PATH" or
 * "postgresql://..."); every write that belongs together is one
 * transaction, and every change writes an audit row in that transaction.
 * A struct store is used by one thread at a time; the daemon takes them
 * from a store_pool. */
#ifndef SK_STORE_STORE_H
#define SK_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/org.h"
#include "model/recipient.h"
#include "model/resource.h"
#include "model/user.h"

struct event;
struct sk_error;
struct store;

/* Open the store at url and apply pending migrations. Temporary
 * problems (locked, unreachable) are SK_ETEMP; a bad URL SK_ECONFIG. */
struct store *store_open(const char *url, struct sk_error *err);
void store_close(struct store *st);

/* Who the audit log names for the changes that follow ("cli:alice",
 * "api:bob"); copied. */
void store_set_actor(struct store *st, const char *actor);

/* Group several calls into one transaction. Calls nest: only the
 * outermost begin/commit reach the database. After any failed call inside
 * a transaction the caller must roll back. */
int store_begin(struct store *st, struct sk_error *err);
int store_commit(struct store *st, struct sk_error *err);
void store_rollback(struct store *st);
/* True while a store_begin() is not yet matched by commit or rollback. */
bool store_in_transaction(const struct store *st);

/* Getters write their out-struct only on success and treat it as
 * uninitialized: clear it afterwards with org_clear()/contact_clear(). */

/* Iteration callbacks return 0 to go on; any other value stops the walk
 * and is returned by the *_each function. Arguments are borrowed for the
 * duration of the call. */
typedef int (*store_org_fn)(const struct org *org, void *ctx);
typedef int (*store_contact_fn)(const struct contact *c, void *ctx);
typedef int (*store_resource_fn)(const struct resource *r, void *ctx);

/* Organizations. add fills in id, created and updated. A duplicate name
 * is SK_EEXIST; an unknown id SK_ENOTFOUND. remove also removes the
 * organization's contacts, resources, memberships and users. */
int store_org_add(struct store *st, struct org *org, struct sk_error *err);
/* Add the n organizations of v together, in a few statements per hundred
 * (one round trip each, for bulk imports), with one audit row each. Any
 * of them whose name exists, or is in v twice, is SK_EEXIST naming it,
 * and none is added. On success fills in id, created and updated of
 * each. */
int store_org_add_many(struct store *st, struct org *v, size_t n, struct sk_error *err);
int store_org_get(struct store *st, int64_t id, struct org *out, struct sk_error *err);
int store_org_get_by_name(struct store *st, const char *name, struct org *out,
			  struct sk_error *err);
int store_org_update(struct store *st, struct org *org, struct sk_error *err);
int store_org_remove(struct store *st, int64_t id, struct sk_error *err);
/* All organizations ordered by name, byte by byte (as strcmp) on every
 * backend. */
int store_org_each(struct store *st, store_org_fn fn, void *ctx, struct sk_error *err);

/* Memberships: a constituent belongs to zero or more liaison
 * organizations. liaison must be of kind liaison (else SK_EINVAL). */
int store_member_add(struct store *st, int64_t liaison_id, int64_t member_id,
		     struct sk_error *err);
/* Make the n organizations member_ids members of liaison_id together;
 * those that are members already stay so, without an error. The number
 * added (each with an audit row) goes into *added_out (may be NULL). */
int store_member_add_many(struct store *st, int64_t liaison_id, const int64_t *member_ids,
			  size_t n, size_t *added_out, struct sk_error *err);
int store_member_remove(struct store *st, int64_t liaison_id, int64_t member_id,
			struct sk_error *err);
/* Members of a liaison organization, by name. */
int store_member_each(struct store *st, int64_t liaison_id, store_org_fn fn, void *ctx,
		      struct sk_error *err);
/* Liaison organizations a member belongs to, by name. */
int store_liaison_each(struct store *st, int64_t member_id, store_org_fn fn, void *ctx,
		       struct sk_error *err);
/* True (1), false (0) or an error (< 0). */
int store_is_member(struct store *st, int64_t liaison_id, int64_t member_id,
		    struct sk_error *err);

/* Contacts. add fills in id and created. */
int store_contact_add(struct store *st, struct contact *c, struct sk_error *err);
/* Add the n contacts of v, each to its v[i].org_id, together; on success
 * fills in id and created of each. */
int store_contact_add_many(struct store *st, struct contact *v, size_t n,
			   struct sk_error *err);
int store_contact_get(struct store *st, int64_t id, struct contact *out,
		      struct sk_error *err);
int store_contact_remove(struct store *st, int64_t id, struct sk_error *err);
/* Contacts of one organization, or of all when org_id is 0. */
int store_contact_each(struct store *st, int64_t org_id, store_contact_fn fn, void *ctx,
		       struct sk_error *err);

/* Resources. The same resource twice for one organization is SK_EEXIST;
 * the same resource for different organizations is allowed. */
int store_resource_add(struct store *st, struct resource *r, struct sk_error *err);
/* Add the n resources of v, each to its v[i].org_id, together. One that
 * its organization holds already (or that is in v twice) is skipped, not
 * an error: on success those added get their id and created, the others
 * id 0, and the number added goes into *added_out (may be NULL). An
 * invalid one is SK_EINVAL naming its index ("resources[3]: ..."), and
 * nothing is added. */
int store_resource_add_many(struct store *st, struct resource *v, size_t n, size_t *added_out,
			    struct sk_error *err);
int store_resource_get(struct store *st, int64_t id, struct resource *out,
		       struct sk_error *err);
int store_resource_remove(struct store *st, int64_t id, struct sk_error *err);
/* Resources of one organization, or of all when org_id is 0; ordered by
 * type, then value. */
int store_resource_each(struct store *st, int64_t org_id, store_resource_fn fn, void *ctx,
			struct sk_error *err);
/* Prefix resources that cover p (p itself included), most specific
 * first. */
int store_resource_covering(struct store *st, const struct prefix *p, store_resource_fn fn,
			    void *ctx, struct sk_error *err);
/* ASN resources equal to asn. */
int store_resource_by_asn(struct store *st, uint32_t asn, store_resource_fn fn, void *ctx,
			  struct sk_error *err);
/* Domain resources equal to name or a parent of it, most specific first. */
int store_resource_by_domain(struct store *st, const char *name, store_resource_fn fn,
			     void *ctx, struct sk_error *err);

/* Users and API tokens. Passwords and tokens arrive already hashed
 * (lib/secret.h). */
int store_user_add(struct store *st, struct user *u, const char *pwhash,
		   struct sk_error *err);
int store_user_get_by_name(struct store *st, const char *name, struct user *out,
			   char pwhash_out[128], struct sk_error *err);
/* Store a token hash for a user; fills *id_out. */
int store_token_add(struct store *st, int64_t user_id, const char *label,
		    const char *token_hash, int64_t *id_out, struct sk_error *err);
/* The user owning a token hash; SK_ENOTFOUND if none. */
int store_token_lookup(struct store *st, const char *token_hash, struct user *out,
		       struct sk_error *err);

/* The audit log, newest first; at most limit rows. */
struct audit_entry {
	int64_t id;
	char at[21];
	const char *actor;
	const char *action;	/* "org.add", "resource.remove", ... */
	const char *object;	/* "org:12" */
	const char *summary;
};
typedef int (*store_audit_fn)(const struct audit_entry *e, void *ctx);
int store_audit_each(struct store *st, int limit, store_audit_fn fn, void *ctx,
		     struct sk_error *err);

/* Copying a whole store, for moving between backends. */
struct store_copy_stats {
	int64_t orgs, memberships, contacts, resources, users, tokens, audit;
};
/* Copy every organization, membership, contact, resource, user (with
 * its password hash), API token and audit entry of from into to, keeping
 * their ids, in one transaction on to, reading from one snapshot of
 * from. to must be empty (no organizations, users or audit entries;
 * else SK_EEXIST, nothing copied); afterwards its ids continue past the
 * copied ones, and one more audit entry ("store.copy") records the copy.
 * Both stores are borrowed and must be outside a transaction; the rows
 * copied per table go into *stats_out (may be NULL) on success. */
int store_copy(struct store *from, struct store *to, struct store_copy_stats *stats_out,
	       struct sk_error *err);

/* A fixed set of stores for a multi-threaded server. get blocks until
 * one is free. */
struct store_pool;
struct store_pool *store_pool_new(const char *url, int size, struct sk_error *err);
struct store *store_pool_get(struct store_pool *pool);
void store_pool_put(struct store_pool *pool, struct store *st);
void store_pool_free(struct store_pool *pool);

/* ---- events (store_event.c) ----
 * An event is kept as its IntelMQ JSON line plus the columns queries
 * need; its recipients (model/recipient.h) beside it. "time" is
 * time.source, else time.observation, in seconds since the epoch: the
 * time filters and retention use it. */

/* One event to store with its recipients (all borrowed). */
struct store_event_in {
	const struct event *ev;
	const struct event_recipient *rcpt;
	size_t n_rcpt;
};

/* Store v[0..n) and their recipients in one transaction (or in the
 * caller's), many rows per statement; no audit row per event (the caller
 * writes one for the batch). Each event must pass event_validate(). */
int store_event_add_many(struct store *st, const struct store_event_in *v, size_t n,
			 struct sk_error *err);

/* An event as a walk gives it; pointers borrowed until the callback
 * returns. In a walk for one organization, rcpt is its recipient row;
 * otherwise rcpt is NULL. */
struct store_event_row {
	int64_t id;
	int64_t time;	       /* time.source or time.observation */
	char received[21];     /* when it was stored, ISO 8601 UTC */
	const char *feed;      /* feed.name */
	const char *type;      /* classification.type */
	enum tlp_label tlp;
	const char *json;      /* the IntelMQ JSON line, without newline */
	const struct event_recipient *rcpt;
	int64_t notification_id; /* for rcpt: the notification that carried it, or 0 */
};
typedef int (*store_event_fn)(const struct store_event_row *row, void *ctx);

/* What a walk selects; zero fields select everything. */
struct store_event_filter {
	int64_t org_id;	  /* only events this organization receives */
	int64_t since;	  /* time >= since (0: no bound) */
	int64_t until;	  /* time < until (0: no bound) */
	const char *type; /* classification.type */
	const char *feed; /* feed.name */
	int64_t after_id; /* id > after_id: the cursor of the previous page */
	size_t limit;	  /* at most this many rows (0: no limit) */
};

/* Walk the events f selects in id order. fn returns non-zero to stop;
 * that value is returned. */
int store_event_each(struct store *st, const struct store_event_filter *f, store_event_fn fn,
		     void *ctx, struct sk_error *err);

/* Delete events (and their recipient rows) with time < before; the count
 * in *deleted_out. One audit row. */
int store_event_purge(struct store *st, int64_t before, int64_t *deleted_out,
		      struct sk_error *err);

/* Opt-outs: an organization that does not want events of a
 * classification.type. */
int store_optout_add(struct store *st, int64_t org_id, const char *type, struct sk_error *err);
int store_optout_remove(struct store *st, int64_t org_id, const char *type,
			struct sk_error *err);
typedef int (*store_optout_fn)(int64_t org_id, const char *type, void *ctx);
/* Every opt-out (org_id 0) or one organization's. */
int store_optout_each(struct store *st, int64_t org_id, store_optout_fn fn, void *ctx,
		      struct sk_error *err);

/* ---- outbound mail (store_mail.c) ---- */

#endif
