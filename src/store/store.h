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
#include "model/ticket.h"
#include "model/user.h"

struct event;
struct buf;
struct sk_error;
struct store;

/* Open the store at url and apply pending migrations. Temporary
 * problems (locked, unreachable) are SK_ETEMP; a bad URL SK_ECONFIG. */
struct store *store_open(const char *url, struct sk_error *err);
void store_close(struct store *st);
/* The schema version the store at url records (*have: 0 when none,
 * above *newest when a newer schakel migrated it) and the newest this
 * schakel knows (*newest), read without migrating: an up-to-date store
 * has them equal. A SQLite file that does not exist is created empty.
 * Errors as store_open's. */
int store_schema_version(const char *url, int *have, int *newest, struct sk_error *err);

/* Who the audit log names for the changes that follow ("cli:alice",
 * "api:bob"); copied. */
void store_set_actor(struct store *st, const char *actor);
/* From now on a commit returns only once it is on disk, power loss
 * included (SQLite syncs the WAL at each commit; otherwise a commit is
 * safe from a crash of the process but not of the machine). For those
 * who hand data back: mailgate, before the MTA deletes its copy. */
int store_durable(struct store *st, struct sk_error *err);

/* Group several calls into one transaction. Calls nest: only the
 * outermost begin/commit reach the database. After any failed call inside
 * a transaction the caller must roll back. */
int store_begin(struct store *st, struct sk_error *err);
int store_commit(struct store *st, struct sk_error *err);
void store_rollback(struct store *st);
/* End a change begun with store_begin(): commit if rc is 0, else roll
 * back; returns the final result. */
int store_finish(struct store *st, int rc, struct sk_error *err);
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
/* Which organizations store_org_search() walks: kind and class -1 for
 * any, sector NULL for any; q NULL or "" for any, else a substring of
 * the name, ASCII letters in either case, of at most STORE_ORG_Q_MAX
 * bytes (longer is SK_EINVAL). All borrowed. */
#define STORE_ORG_Q_MAX 100
struct store_org_filter {
	const char *q;
	int kind, class;
	const char *sector;
};
/* The organizations that pass f, ordered as store_org_each(). */
int store_org_search(struct store *st, const struct store_org_filter *f, store_org_fn fn,
		     void *ctx, struct sk_error *err);

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
int store_contact_add_many(struct store *st, struct contact *v, size_t n, struct sk_error *err);
int store_contact_get(struct store *st, int64_t id, struct contact *out, struct sk_error *err);
/* Store every field of c (by c->id; its organization does not change),
 * with an audit row naming the fields that changed. */
int store_contact_update(struct store *st, struct contact *c, struct sk_error *err);
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
int store_user_add(struct store *st, struct user *u, const char *pwhash, struct sk_error *err);
int store_user_get_by_name(struct store *st, const char *name, struct user *out,
			   char pwhash_out[128], struct sk_error *err);
/* Store a token hash for a user, valid until expires (an ISO 8601 UTC
 * time "YYYY-MM-DDTHH:MM:SSZ"; NULL: for ever); fills *id_out. */
int store_token_add(struct store *st, int64_t user_id, const char *label,
		    const char *token_hash, const char *expires, int64_t *id_out,
		    struct sk_error *err);
/* The same with scopes (USER_SCOPE_*, model/user.h). */
int store_token_add_scoped(struct store *st, int64_t user_id, const char *label,
			   const char *token_hash, const char *expires, unsigned scopes,
			   int64_t *id_out, struct sk_error *err);
/* The user owning a token hash, with the token's scopes; SK_ENOTFOUND if
 * none, SK_EPERM with a message saying when if it has expired. */
int store_token_lookup(struct store *st, const char *token_hash, struct user *out,
		       struct sk_error *err);

/* An API token as listed: never the token or its hash. */
struct token_info {
	int64_t id;
	char user[USER_NAME_MAX + 1];
	const char *label; /* borrowed for the callback */
	char created[21];
	char expires[21];	       /* "" when it does not expire */
	char last_used[21];	       /* "" when never used; kept to the minute */
	char scopes[USER_SCOPES_TEXT]; /* "events:write", "" for none */
};
typedef int (*store_token_fn)(const struct token_info *t, void *ctx);
/* The tokens of user_id (0: of every user), by user name and id. */
int store_token_each(struct store *st, int64_t user_id, store_token_fn fn, void *ctx,
		     struct sk_error *err);

/* A new password hash for user_id, ending every session of that user but
 * the one stored under keep_hash (NULL: all); audited. */
int store_user_set_password(struct store *st, int64_t user_id, const char *pwhash,
			    const char *keep_hash, struct sk_error *err);

/* Sign-in sessions of the web console, stored under the hash of their
 * cookie's id. Times are ISO 8601 UTC ("YYYY-MM-DDTHH:MM:SSZ"). */
#define STORE_CSRF_MAX 64
struct session_info {
	int64_t id;
	int64_t user_id;
	char csrf[STORE_CSRF_MAX + 1];
	char created[21];
	char last_seen[21];
	char expires[21]; /* the absolute end */
};
/* Store session s (user_id, csrf and expires set) under hash, first
 * deleting the sessions past their end or idle for idle seconds; fills
 * s->id, created and last_seen. from (the client) goes to the audit log. */
int store_session_add(struct store *st, struct session_info *s, const char *hash, int64_t idle,
		      const char *from, struct sk_error *err);
/* The session stored under hash and its user: SK_ENOTFOUND if none,
 * SK_EPERM once it is past expires or idle for idle seconds. Refreshes
 * last_seen at most once a minute (or half of idle, when shorter). */
int store_session_lookup(struct store *st, const char *hash, int64_t idle, struct user *u,
			 struct session_info *out, struct sk_error *err);
/* End (delete) the session stored under hash; audited. SK_ENOTFOUND if
 * none. */
int store_session_end(struct store *st, const char *hash, struct sk_error *err);

/* The audit log, newest first; at most limit rows. */
struct audit_entry {
	int64_t id;
	char at[21];
	const char *actor;
	const char *action; /* "org.add", "resource.remove", ... */
	const char *object; /* "org:12" */
	const char *summary;
};
typedef int (*store_audit_fn)(const struct audit_entry *e, void *ctx);
/* Write an audit row for a change made by other calls (a feed ingested),
 * in the caller's transaction or its own. object names the kind ("feed"),
 * id its id or 0. */
int store_audit_add(struct store *st, const char *action, const char *object, int64_t id,
		    const char *summary, struct sk_error *err);
int store_audit_each(struct store *st, int limit, store_audit_fn fn, void *ctx,
		     struct sk_error *err);
/* Which entries store_audit_find() reads: each field set narrows the
 * list, NULL and 0 do not. */
struct audit_filter {
	const char *actor;     /* exactly ("cli:alice") */
	const char *action;    /* exactly ("ticket.update") */
	const char *object;    /* the kind of object ("ticket"), at most 64 bytes */
	int64_t object_id;     /* with object: that one object */
	int64_t since, until;  /* at >= since and at < until, in seconds */
	bool oldest_first;     /* else newest first */
	int64_t limit, offset; /* limit 0: all */
};
/* The entries f selects, in order, to fn (each borrowed for the call);
 * *total_out (may be NULL) gets how many match without limit and
 * offset. */
int store_audit_find(struct store *st, const struct audit_filter *f, store_audit_fn fn,
		     void *ctx, int64_t *total_out, struct sk_error *err);

/* Copying a whole store, for moving between backends. */
struct store_copy_stats {
	int64_t orgs, memberships, contacts, resources, users, tokens, audit;
	int64_t events, event_recipients, optouts;
	int64_t feed_counts; /* feeds with their counts of events (/metrics) */
};
/* Copy every organization, membership, contact, resource, user (with
 * its password hash), API token, audit entry, event (with its recipient
 * rows), opt-out and feed's counts of from into to, keeping
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
 * writes one for the batch). Each event must pass event_validate() and
 * carry a tlp label (the ingest gives it the feed's). A bad event or
 * recipient is SK_EINVAL naming it ("events[3]: ..."), a recipient
 * organization that does not exist SK_ENOTFOUND naming its id; then
 * nothing is stored. Events that are the same observation seen again
 * (the same JSON line but for time.observation) get the same hash. */
int store_event_add_many(struct store *st, const struct store_event_in *v, size_t n,
			 struct sk_error *err);

/* An event as a walk gives it; pointers borrowed until the callback
 * returns. In a walk for one organization, rcpt is its recipient row;
 * otherwise rcpt is NULL. */
struct store_event_row {
	int64_t id;
	int64_t time;	   /* time.source or time.observation */
	char received[21]; /* when it was stored, ISO 8601 UTC */
	const char *feed;  /* feed.name */
	const char *type;  /* classification.type */
	enum tlp_label tlp;
	const char *json; /* the IntelMQ JSON line, without newline */
	const char *hash; /* the same for the same observation seen again */
	const struct event_recipient *rcpt;
	int64_t notification_id; /* for rcpt: the notification that carried it, or 0 */
};
typedef int (*store_event_fn)(const struct store_event_row *row, void *ctx);

/* What a walk selects; zero fields select everything. */
struct store_event_filter {
	int64_t org_id;	  /* only events this organization receives */
	int64_t since;	  /* time >= since (0: no bound) */
	int64_t until;	  /* time < until (0: no bound) */
	const char *type; /* classification.type (legacy spellings read as current) */
	const char *feed; /* feed.name */
	int64_t after_id; /* id > after_id: the cursor of the previous page */
	size_t limit;	  /* at most this many rows (0: no limit) */
	/* With org_id: only rows no notification has carried yet (never
	 * the national CSIRT's), stored before received_before (ISO 8601
	 * UTC; NULL: no bound). */
	bool pending;
	const char *received_before;
};

/* Walk the events f selects in id order, reading a few hundred rows at a
 * time (memory stays small however many there are). fn returns non-zero
 * to stop; that value is returned. An unknown type is SK_EINVAL. */
int store_event_each(struct store *st, const struct store_event_filter *f, store_event_fn fn,
		     void *ctx, struct sk_error *err);
/* The number of events f selects (its after_id counts, its limit not). */
int store_event_count(struct store *st, const struct store_event_filter *f, int64_t *count_out,
		      struct sk_error *err);

/* The recipients of event event_id, by organization id, each with the
 * notification that carried it (0: none yet). */
typedef int (*store_recipient_fn)(const struct event_recipient *r, int64_t notification_id,
				  void *ctx);
int store_event_recipient_each(struct store *st, int64_t event_id, store_recipient_fn fn,
			       void *ctx, struct sk_error *err);

/* Delete events (and their recipient rows) with time < before that
 * were also stored before it (so that an old event ingested late stays
 * long enough for its digest), in one transaction; the count in *deleted_out (may be NULL). One
 * audit row
 * ("event.purge") when any were deleted. */
int store_event_purge(struct store *st, int64_t before, int64_t *deleted_out,
		      struct sk_error *err);

/* Opt-outs: an organization that does not want events of a
 * classification.type (checked against model/taxonomy.h; legacy
 * spellings are stored as the current one). add: an unknown organization
 * is SK_ENOTFOUND, an opt-out it has already SK_EEXIST; remove: one it
 * does not have SK_ENOTFOUND. Each writes an audit row. */
int store_optout_add(struct store *st, int64_t org_id, const char *type, struct sk_error *err);
int store_optout_remove(struct store *st, int64_t org_id, const char *type,
			struct sk_error *err);
typedef int (*store_optout_fn)(int64_t org_id, const char *type, void *ctx);
/* Every opt-out (org_id 0) or one organization's, by organization id
 * and type. */
int store_optout_each(struct store *st, int64_t org_id, store_optout_fn fn, void *ctx,
		      struct sk_error *err);

/* ---- leases (store_lease.c) ----
 * Several nodes may share one store. A periodic job's run belongs to
 * the node that takes its lease; the lease lasts a period, so that one
 * node does each run whichever nodes are up, and a node that dies
 * holding it leaves the next run to another once the lease ends. Times
 * are each node's clock: keep the nodes' clocks in step (NTP). */

#define STORE_LEASE_JOB_MAX    64  /* bytes of a job's name */
#define STORE_LEASE_HOLDER_MAX 300 /* bytes of a holder's name */

/* This process's name as a lease holder: "host:pid". Static storage. */
const char *store_lease_holder(void);

/* Take the lease of job for seconds if nobody holds it now; *won_out
 * says whether this node got it (and so does the run). Outside a
 * transaction: the lease is seen at once. */
int store_lease_take(struct store *st, const char *job, int seconds, bool *won_out,
		     struct sk_error *err);

struct store_lease {
	char holder[STORE_LEASE_HOLDER_MAX + 1];
	char until[21];
	int64_t runs; /* runs done so far, by any node */
};
/* Job's lease as it stands; SK_ENOTFOUND if it never ran. */
int store_lease_get(struct store *st, const char *job, struct store_lease *out,
		    struct sk_error *err);

/* ---- outbound mail (store_mail.c) ----
 * The queue of messages waiting for the SMTP relay (src/mail composes
 * and sends them). A message is queued, then sent or failed. Senders
 * on several nodes may work the queue at once: each takes a few
 * messages with store_mail_claim() and records each outcome with the
 * claim it got, which fails quietly (SK_ENOTFOUND) if someone else has
 * claimed it since. Times are ISO 8601 UTC. */

#define STORE_MAIL_RCPT_MAX  100		/* envelope recipients a message */
#define STORE_MAIL_SIZE_MAX  (10 * 1024 * 1024) /* bytes of message text */
#define STORE_MAIL_ADDR_MAX  254		/* bytes of one address */
#define STORE_MAIL_ERROR_MAX 1000		/* last_error is cut here */

/* held: queued, but not sent until an analyst releases or drops it
 * (docs/pgp.md); listing "queued" leaves the held ones out. */
enum store_mail_status {
	STORE_MAIL_QUEUED,
	STORE_MAIL_SENT,
	STORE_MAIL_FAILED,
	STORE_MAIL_HELD
};
/* "queued", "sent", "failed", "held"; parse gives the status or -1. */
const char *store_mail_status_name(enum store_mail_status s);
int store_mail_status_parse(const char *text);

/* A message to queue; everything borrowed. */
struct store_mail_new {
	const char *kind;	 /* what it is: "notification", "ticket-ack", "test" */
	const char *ref;	 /* what it is about ("notification:12"), or NULL */
	const char *message_id;	 /* its Message-ID, or NULL */
	const char *sender;	 /* envelope from; "" is the null sender */
	const char *const *rcpt; /* envelope to, n_rcpt of them (1..100) */
	size_t n_rcpt;
	const char *subject; /* for listings, or NULL */
	const char *message; /* the whole RFC 5322 text: 7-bit, CRLF */
	const char *tlp;     /* its TLP label ("TLP:AMBER"), or NULL */
};

/* A queued message. From store_mail_get() and store_mail_claim() it owns
 * its strings (free with store_mail_clear()); in a walk they are
 * borrowed and message is NULL. */
struct store_mail {
	int64_t id;
	char created[21];
	char *kind, *ref, *message_id;
	char *sender;
	char *rcpt; /* the envelope addresses joined by ", " */
	char *subject;
	char *message;
	int64_t size;
	enum store_mail_status status;
	int attempts; /* sending attempts that failed or succeeded */
	int64_t claim;
	char next_attempt[21]; /* "" unless queued */
	char sent_at[21];      /* "" unless sent */
	char *last_error;      /* "" if none */
	char *tlp;	       /* "" if none */
	char *held;	       /* why it is held; "" unless held */
	bool clear_ok; /* released by an analyst: recipients without a key get it in clear */
	char *holder;  /* the node that claimed it last (store_lease_holder()); "" if none */
};
void store_mail_clear(struct store_mail *m);

/* Queue a message, due at once, in one transaction or in the caller's
 * (so that a notification and its mail are stored together), with an
 * audit row. Addresses must be plain addr-specs without line breaks; the
 * message non-empty 7-bit text of at most STORE_MAIL_SIZE_MAX bytes. The
 * new id in *id_out (may be NULL). */
int store_mail_enqueue(struct store *st, const struct store_mail_new *m, int64_t *id_out,
		       struct sk_error *err);

#define STORE_MAIL_CLAIM_MAX 64 /* messages one claim takes at most */

/* Take the oldest due queued messages, at most max of them, for lease
 * seconds in one statement, in the name of store_lease_holder(): until
 * then no other sender takes them, and if the sender dies they are due
 * again after. Returns how many, in out[0..n) (the caller clears each),
 * 0 if none is due, or an error. Call outside a transaction, so that
 * the claim is seen at once. */
int store_mail_claim(struct store *st, int lease, size_t max, struct store_mail *out,
		     struct sk_error *err);
/* The outcome of sending a claimed message m. sent: status sent. defer:
 * a failed attempt; due again after delay seconds, or failed (with an
 * audit row) if it was attempt max_attempts, which *gave_up_out says
 * (may be NULL). release: not the message's fault (the relay is down):
 * no attempt counted, due again at once. fail: refused for good (with
 * an audit row). why goes into last_error. SK_ENOTFOUND if the claim is
 * no longer m's. */
int store_mail_sent(struct store *st, const struct store_mail *m, struct sk_error *err);
int store_mail_defer(struct store *st, const struct store_mail *m, const char *why, int delay,
		     int max_attempts, bool *gave_up_out, struct sk_error *err);
int store_mail_release(struct store *st, const struct store_mail *m, const char *why,
		       struct sk_error *err);
int store_mail_fail(struct store *st, const struct store_mail *m, const char *why,
		    struct sk_error *err);

/* Queue a failed (or queued) message again, due at once with its
 * attempts counted from zero; a sent one is SK_EINVAL. Audit row. */
int store_mail_retry(struct store *st, int64_t id, struct sk_error *err);

/* Hold the claimed message m (store_mail_hold.c): not due until an
 * analyst releases or drops it; why is shown in listings. Audit row.
 * SK_ENOTFOUND if the claim is no longer m's. */
int store_mail_hold(struct store *st, const struct store_mail *m, const char *why,
		    struct sk_error *err);
/* An analyst's decision on held message id, with an audit row: unhold
 * makes it due at once, to go signed and in clear where a recipient
 * has no key; drop fails it for good. SK_EINVAL if it is not held. */
int store_mail_unhold(struct store *st, int64_t id, struct sk_error *err);
int store_mail_drop(struct store *st, int64_t id, struct sk_error *err);

/* Message id with its text; SK_ENOTFOUND if none. Clear *out. */
int store_mail_get(struct store *st, int64_t id, struct store_mail *out, struct sk_error *err);

typedef int (*store_mail_fn)(const struct store_mail *m, void *ctx);
/* Messages newest first, of one status (or all when status < 0), at most
 * limit (0: all). */
int store_mail_each(struct store *st, int status, size_t limit, store_mail_fn fn, void *ctx,
		    struct sk_error *err);

/* Delete sent and failed messages created before the time before (they
 * may carry personal data); the count in *deleted_out (may be NULL). One
 * audit row when any were deleted. A dry run only counts them. */
int store_mail_purge(struct store *st, int64_t before, bool dry_run, int64_t *deleted_out,
		     struct sk_error *err);

/* ---- tickets (store_ticket.c) ----
 * Incident handling (src/mail/mailgate.h, src/ticket): tickets, the
 * mail and comments on them, their parties, links and what their text
 * names. Every change writes an audit row; times are ISO 8601 UTC. */

#define STORE_TICKET_RAW_MAX (64 * 1024 * 1024) /* bytes of a stored mail */

/* One message on a ticket. kind: "in", "reply", "ack" or "comment".
 * Strings borrowed; from a walk, raw is not read (NULL). */
struct store_ticket_message {
	int64_t id, ticket_id;
	int64_t party_id; /* 0: none */
	const char *kind;
	const char *message_id; /* without <>; "" for a comment */
	const char *author;	/* From address, or the user who wrote it */
	const char *recipients; /* ", "-joined */
	const char *subject;
	const char *body; /* the text read from it ("" when encrypted) */
	bool encrypted;
	const void *raw; /* inbound: the bytes as received */
	size_t size;
	const char *body_hash;	/* inbound: hex hash of its body; NULL or "" for others */
	const char *not_parsed; /* inbound: why only its header was read; NULL or "" */
	int64_t mail_id;	/* outbound: its mail_out row; 0: none */
	char created[21];
	/* inbound: its OpenPGP signature (ticket/signature.h): "" not signed,
	 * else "good", "bad", "no-key", "expired-key", "error" or
	 * "unchecked"; the signer's key, the contact holding that key and
	 * its organization (0: none known). */
	const char *sig_status, *sig_fpr;
	int64_t sig_contact_id, sig_org_id;
};

/* A MIME part of an inbound message. */
struct store_ticket_part {
	const char *content_type;
	const char *filename; /* "" if none */
	int64_t size;
	bool encrypted; /* its clear text is not stored (mail/inbound.h) */
	bool signed_;
};

/* Add t (its id, created and updated are set), with an audit row. */
int store_ticket_add(struct store *st, struct ticket *t, struct sk_error *err);
int store_ticket_get(struct store *st, int64_t id, struct ticket *out, struct sk_error *err);
/* Write every field of t back (updated becomes now), with an audit row
 * saying change. SK_ENOTFOUND for an unknown id. */
int store_ticket_update(struct store *st, struct ticket *t, const char *change,
			struct sk_error *err);

struct store_ticket_filter {
	bool open_only;	    /* not resolved */
	int type;	    /* enum ticket_type, or -1 for all */
	const char *status; /* or NULL */
	const char *owner;  /* a user name, "" for unowned, or NULL */
	const char *class;  /* the requester organization's class, or NULL */
	int64_t org_id;	    /* the requester's organization, or 0 */
	bool queue_order;   /* priority, then the next clock's due time; else newest first */
	size_t limit;	    /* 0: all */
};
typedef int (*store_ticket_fn)(const struct ticket *t, void *ctx);
int store_ticket_each(struct store *st, const struct store_ticket_filter *f, store_ticket_fn fn,
		      void *ctx, struct sk_error *err);

/* Add a message with its parts (audit row for comments and replies). An
 * inbound message that duplicates a stored one (store_ticket_message_dup)
 * is SK_EEXIST. */
int store_ticket_message_add(struct store *st, const struct store_ticket_message *m,
			     const struct store_ticket_part *parts, size_t n_parts,
			     int64_t *id_out, struct sk_error *err);
/* The ticket of the inbound message that one with message_id,
 * body_hash and author would duplicate: the same Message-ID and the same
 * body hash, or the same Message-ID from the same (known) sender;
 * SK_ENOTFOUND if none. */
int store_ticket_message_dup(struct store *st, const char *message_id, const char *body_hash,
			     const char *author, int64_t *ticket_out, struct sk_error *err);
/* The ticket a Message-ID (without <>) belongs to, and the message's
 * kind (at least 8 bytes); SK_ENOTFOUND if none. */
int store_ticket_message_find(struct store *st, const char *message_id, int64_t *ticket_out,
			      char *kind_out, struct sk_error *err);
typedef int (*store_ticket_message_fn)(const struct store_ticket_message *m, void *ctx);
/* The messages of a ticket, oldest first. */
int store_ticket_message_each(struct store *st, int64_t ticket_id, store_ticket_message_fn fn,
			      void *ctx, struct sk_error *err);
/* The parts of message id, in order (n from 1), to fn; SK_ENOTFOUND
 * when it has none listed. */
typedef int (*store_ticket_part_fn)(int n, const struct store_ticket_part *p, void *ctx);
int store_ticket_part_each(struct store *st, int64_t message_id, store_ticket_part_fn fn,
			   void *ctx, struct sk_error *err);
/* The bytes of message id as received, appended to out. */
int store_ticket_message_raw(struct store *st, int64_t id, struct buf *out,
			     struct sk_error *err);
/* Acknowledgements sent to address since the time since. */
int store_ticket_acks_since(struct store *st, const char *address, const char *since,
			    int64_t *count_out, struct sk_error *err);

/* Link report to incident (both must exist, of those types); SK_EEXIST
 * if linked already. */
int store_ticket_link(struct store *st, int64_t report_id, int64_t incident_id,
		      struct sk_error *err);
/* The tickets linked to id (incidents of a report, reports of an
 * incident). */
typedef int (*store_ticket_id_fn)(int64_t id, void *ctx);
int store_ticket_link_each(struct store *st, int64_t id, store_ticket_id_fn fn, void *ctx,
			   struct sk_error *err);

/* A party of an incident: an organization (org_id > 0) and/or an address. */
int store_ticket_party_add(struct store *st, int64_t ticket_id, int64_t org_id,
			   const char *address, int64_t *id_out, struct sk_error *err);
typedef int (*store_ticket_party_fn)(int64_t id, int64_t org_id, const char *address,
				     void *ctx);
int store_ticket_party_each(struct store *st, int64_t ticket_id, store_ticket_party_fn fn,
			    void *ctx, struct sk_error *err);

/* What a ticket's text names: kind, value and the owning organization
 * (0: none known) with the resource that matched; derived_from names the
 * encrypted part whose clear text named it ("message 12 part 2,
 * decrypted"), NULL or "" for mail that came in clear. */
int store_ticket_item_add(struct store *st, int64_t ticket_id, const char *kind,
			  const char *value, int64_t org_id, const char *reason,
			  const char *derived_from, struct sk_error *err);
/* In the order they were added; org_name "" without an owner. */
typedef int (*store_ticket_item_fn)(const char *kind, const char *value, int64_t org_id,
				    const char *org_name, const char *reason,
				    const char *derived_from, void *ctx);
int store_ticket_item_each(struct store *st, int64_t ticket_id, store_ticket_item_fn fn,
			   void *ctx, struct sk_error *err);

/* The contact with this e-mail address (compared without case), the
 * first one if several; SK_ENOTFOUND if none. */
int store_contact_find_email(struct store *st, const char *email, struct contact *out,
			     struct sk_error *err);
/* The contact whose OpenPGP key has fingerprint fpr (hex, compared
 * without case or spaces), the first one if several; SK_ENOTFOUND if
 * none. */
int store_contact_find_fpr(struct store *st, const char *fpr, struct contact *out,
			   struct sk_error *err);

/* ---- notifications (store_notify.c) ----
 * A notification is the digest of one organization's events of one feed
 * and classification.type; it records which recipient rows it carried,
 * so that no event is notified twice to one organization. The national
 * CSIRT reads events without digests: its rows never wait for one. */

/* The recipient rows no notification has carried yet, of one
 * organization, feed and type. */
struct store_notify_group {
	int64_t org_id;
	const char *feed; /* borrowed for the callback */
	const char *type;
	int64_t rows;
	char first[21]; /* the earliest received */
};
typedef int (*store_notify_group_fn)(const struct store_notify_group *g, void *ctx);
/* Walk every group by organization id, feed and type. */
int store_notify_group_each(struct store *st, store_notify_group_fn fn, void *ctx,
			    struct sk_error *err);

struct store_notification {
	int64_t id; /* set by store_notification_add */
	int64_t org_id;
	const char *feed;
	const char *type;
	enum tlp_label tlp; /* the strictest label among its events */
	int64_t events;	    /* distinct events it carried */
	int64_t mail_id;    /* its message in the outbound queue, or 0 */
	char created[21];   /* set by store_notification_add */
};
/* Record n, carrying the rows of n->org_id for event_ids[0..n_ids), in
 * one transaction or the caller's (with the mail it queued), with an
 * audit row. SK_ETEMP if another run notified any of those rows
 * meanwhile: then nothing is recorded. */
int store_notification_add(struct store *st, struct store_notification *n,
			   const int64_t *event_ids, size_t n_ids, struct sk_error *err);

/* ---- statistics (store_stats.c) ----
 * What came in and who received it, by the day events were received
 * (UTC), for the duty officer's overview. since is an ISO 8601 UTC
 * time ("2024-01-31T00:00:00Z"): events received from then on count. */

struct store_stats_ingest {
	char day[11];	  /* YYYY-MM-DD */
	const char *feed; /* borrowed for the callback */
	int64_t events;
	int64_t recipients; /* their event-recipient rows */
};
typedef int (*store_stats_ingest_fn)(const struct store_stats_ingest *r, void *ctx);
/* Events received since, by day (newest first) and feed. */
int store_stats_ingest(struct store *st, const char *since, store_stats_ingest_fn fn, void *ctx,
		       struct sk_error *err);

struct store_stats_org {
	int64_t org_id;
	const char *org; /* its name, borrowed for the callback */
	int64_t events;	 /* events it received since */
	char last[21];	 /* when the last of them was received */
};
typedef int (*store_stats_org_fn)(const struct store_stats_org *r, void *ctx);
/* The organizations that received events since, most events first. */
int store_stats_orgs(struct store *st, const char *since, store_stats_org_fn fn, void *ctx,
		     struct sk_error *err);

/* ---- metrics (store_metrics.c) ----
 * What /metrics reads from the store at each scrape, in one read
 * transaction of a few grouped queries. */

enum store_metric {
	STORE_METRIC_MAIL,	   /* a: status (queued, sent, failed, held) */
	STORE_METRIC_TICKETS,	   /* a: type, b: status */
	STORE_METRIC_SLA_DUE,	   /* a: clock; open tickets whose clock runs */
	STORE_METRIC_SLA_BREACHED, /* a: clock; open tickets past that due time */
	STORE_METRIC_ALERTS,	   /* a: state of unacknowledged alerts (sent, calllist) */
	STORE_METRIC_FEED,	   /* a: feed; value: events stored, routed: those
				    * routed to an organization besides the
				    * national CSIRT (counts kept at ingest) */
};
struct store_metric_row {
	enum store_metric what;
	const char *a, *b; /* labels, borrowed for the callback; b may be NULL */
	int64_t value;
	int64_t routed; /* STORE_METRIC_FEED only */
};
typedef int (*store_metric_fn)(const struct store_metric_row *r, void *ctx);
/* Every row, in the order of enum store_metric; now is the ISO 8601 UTC
 * time SLA clocks are compared with. The clocks are acknowledge,
 * first_response and resolve. */
int store_metrics_each(struct store *st, const char *now, store_metric_fn fn, void *ctx,
		       struct sk_error *err);
/* ---- advisories (store_advisory.c) ----
 * An advisory is stored as its whole JSON document (advisory/advisory.h)
 * with the columns listings need; each published revision keeps a
 * snapshot of the document. Assets are the product names (CPE 2.3 or
 * purl) an organization declares it runs. Every change writes an audit
 * row; times are ISO 8601 UTC. */

/* An advisory row. Strings borrowed (from a walk: until the callback
 * returns). */
struct store_advisory {
	int64_t id;
	const char *number; /* "CERT-2026-0042", unique */
	const char *status; /* draft, review, published, withdrawn */
	const char *title;
	const char *tlp; /* "TLP:AMBER" */
	bool urgent;
	int revision;
	const char *author;
	const char *reviewer;  /* "" or NULL: none */
	const char *published; /* "" or NULL: not yet */
	const char *doc;       /* the whole advisory as JSON */
	char created[21], updated[21];
};

/* The highest number after prefix among the advisory numbers that
 * begin with prefix ("CERT-2026-" for "CERT-2026-0042": 42), 0 if none,
 * into *seq_out. */
int store_advisory_last_number(struct store *st, const char *prefix, int64_t *seq_out,
			       struct sk_error *err);
/* Add a (its id, created and updated are set), with an audit row
 * ("advisory.new"). A number in use is SK_EEXIST. */
int store_advisory_add(struct store *st, struct store_advisory *a, struct sk_error *err);
/* Write every column of a back by its id (updated becomes now), with an
 * audit row of action ("advisory.publish") and summary. SK_ENOTFOUND for
 * an unknown id. */
int store_advisory_update(struct store *st, struct store_advisory *a, const char *action,
			  const char *summary, struct sk_error *err);
/* Advisory id's JSON document appended to doc_out. */
int store_advisory_get(struct store *st, int64_t id, struct buf *doc_out, struct sk_error *err);

struct store_advisory_filter {
	const char *status; /* or NULL for all */
	size_t limit;	    /* 0: all */
};
typedef int (*store_advisory_fn)(const struct store_advisory *a, void *ctx);
/* Advisories newest first. */
int store_advisory_each(struct store *st, const struct store_advisory_filter *f,
			store_advisory_fn fn, void *ctx, struct sk_error *err);

/* Keep the snapshot doc of revision of advisory_id, with what changed
 * (summary), in the caller's transaction or its own. A revision kept
 * already is SK_EEXIST. */
int store_advisory_revision_add(struct store *st, int64_t advisory_id, int revision,
				const char *summary, const char *doc, struct sk_error *err);
/* The revisions of advisory_id, oldest first; arguments borrowed. */
typedef int (*store_advisory_revision_fn)(int revision, const char *created,
					  const char *summary, const char *doc, void *ctx);
int store_advisory_revision_each(struct store *st, int64_t advisory_id,
				 store_advisory_revision_fn fn, void *ctx,
				 struct sk_error *err);

/* An asset: a product an organization runs. */
#define STORE_ASSET_VALUE_MAX 1024
struct store_asset {
	int64_t id, org_id;
	char kind[5];	     /* "cpe" or "purl" */
	const char *value;   /* the name as given */
	const char *vendor;  /* lowercased; "" when the name has none */
	const char *product; /* lowercased */
	const char *version; /* "" when the name gives none */
	char created[21];
};
/* Add a (its id and created are set), with an audit row. The same name
 * twice for one organization is SK_EEXIST; an unknown organization
 * SK_ENOTFOUND. */
int store_asset_add(struct store *st, struct store_asset *a, struct sk_error *err);
/* Remove asset id of organization org_id (SK_ENOTFOUND if it has no such
 * asset), with an audit row. */
int store_asset_remove(struct store *st, int64_t org_id, int64_t id, struct sk_error *err);
typedef int (*store_asset_fn)(const struct store_asset *a, void *ctx);
/* The assets of org_id (0: of all), by organization and value. */
int store_asset_each(struct store *st, int64_t org_id, store_asset_fn fn, void *ctx,
		     struct sk_error *err);
/* The assets whose product is product (lowercased), by organization. */
int store_asset_by_product(struct store *st, const char *product, store_asset_fn fn, void *ctx,
			   struct sk_error *err);

/* ---- publications (store_publication.c) ----
 * A publication is stored as its whole JSON document
 * (advisory/publication.h) with the columns listings need; the bytes of
 * its attachments are rows of their own. Every change writes an audit
 * row. */

/* A publication row. Strings borrowed (from a walk: until the callback
 * returns). */
struct store_publication {
	int64_t id;
	const char *number; /* "CERT-PUB-2026-0001", unique */
	const char *kind;   /* threat-assessment, resilience-measure, ... */
	const char *status; /* draft, review, published, withdrawn */
	const char *title;
	const char *tlp; /* "TLP:CLEAR" */
	int revision;
	const char *author;
	const char *published; /* "" or NULL: not yet */
	const char *doc;       /* the whole publication as JSON */
	char created[21], updated[21];
};

/* As store_advisory_last_number(), over publication numbers. */
int store_publication_last_number(struct store *st, const char *prefix, int64_t *seq_out,
				  struct sk_error *err);
/* Add p (its id, created and updated are set) with an audit row
 * ("publication.new"). A number in use is SK_EEXIST. */
int store_publication_add(struct store *st, struct store_publication *p, struct sk_error *err);
/* Write every column of p back by its id, with an audit row of action
 * and summary. SK_ENOTFOUND for an unknown id. */
int store_publication_update(struct store *st, struct store_publication *p, const char *action,
			     const char *summary, struct sk_error *err);
/* Publication id's JSON document appended to doc_out. */
int store_publication_get(struct store *st, int64_t id, struct buf *doc_out,
			  struct sk_error *err);
typedef int (*store_publication_fn)(const struct store_publication *p, void *ctx);
/* Publications newest first, of status (NULL: all); fn returning
 * non-zero stops the walk with that value. */
int store_publication_each(struct store *st, const char *status, store_publication_fn fn,
			   void *ctx, struct sk_error *err);

/* Keep attachment name (media_type, size bytes of data, borrowed) of
 * publication_id. A name in use is SK_EEXIST. */
int store_publication_attach(struct store *st, int64_t publication_id, const char *name,
			     const char *media_type, const void *data, size_t size,
			     struct sk_error *err);
/* The bytes of attachment name of publication_id appended to data_out,
 * its media type into media_type. SK_ENOTFOUND when there is none. */
int store_publication_attachment(struct store *st, int64_t publication_id, const char *name,
				 struct buf *data_out, char media_type[128],
				 struct sk_error *err);
/* ---- alerts of urgent advisories (store_alert.c) ----
 * One alert per recipient organization of an urgent advisory, mailed to
 * its operational-24x7 contacts one after the other until one
 * acknowledges (advisory/alert.h). Each mail carries a personal link
 * whose token is stored only as its hash. */
#define STORE_ALERT_CALL_TEXT_MAX 2000

struct store_alert {
	int64_t id, advisory_id, org_id;
	char state[13]; /* "sent", "acknowledged" or "calllist" */
	int step;	/* index of the contact alerted last */
	int64_t contact_id;
	char sent_at[21], notified_at[21];
	char ack_at[21];    /* "" unless acknowledged */
	char ack_by[129];   /* who acknowledged; "" unless acknowledged */
	char ack_how[8];    /* link, mail, portal, phone; "" unless acknowledged */
	char org_name[201]; /* for listings */
	char number[41];    /* the advisory's number */
};

/* Add the alert a (state sent; its id set) with the token hash that
 * expires at expires, in the caller's transaction or its own. A second
 * alert of one advisory for one organization is SK_EEXIST. */
int store_alert_add(struct store *st, struct store_alert *a, const char *hash,
		    const char *expires, struct sk_error *err);
/* Alert id into *out; SK_ENOTFOUND if there is none. */
int store_alert_get(struct store *st, int64_t id, struct store_alert *out,
		    struct sk_error *err);
/* The alert whose token has hash and has not expired at now into *out;
 * SK_ENOTFOUND otherwise. */
int store_alert_by_token(struct store *st, const char *hash, const char *now,
			 struct store_alert *out, struct sk_error *err);

struct store_alert_filter {
	int64_t advisory_id;	     /* 0: all */
	const char *state;	     /* NULL: all */
	const char *notified_before; /* NULL, or only those mailed last before it */
	int64_t org_id;		     /* 0: all */
};
typedef int (*store_alert_fn)(const struct store_alert *a, void *ctx);
/* Alerts by id. */
int store_alert_each(struct store *st, const struct store_alert_filter *f, store_alert_fn fn,
		     void *ctx, struct sk_error *err);
/* Alert id goes to its next contact (step, contact_id) with a new token
 * (hash, expires), mailed now; with an audit row. */
int store_alert_escalate(struct store *st, int64_t id, int step, int64_t contact_id,
			 const char *hash, const char *expires, struct sk_error *err);
/* Alert id lands on the calling list, with an audit row. */
int store_alert_calllist(struct store *st, int64_t id, struct sk_error *err);
/* Alert id acknowledged now by by, how (link, mail, portal, phone),
 * with an audit row; one acknowledged already stays as it was (0). */
int store_alert_ack(struct store *st, int64_t id, const char *by, const char *how,
		    struct sk_error *err);

/* A call of the duty officer about an alert. */
struct store_alert_call {
	int64_t id, alert_id;
	char at[21];
	const char *by; /* the user who called */
	bool reached;
	const char *who;   /* who was reached, or "" */
	const char *notes; /* or "" */
};
/* Record call c (its id and at set), with an audit row. */
int store_alert_call_add(struct store *st, struct store_alert_call *c, struct sk_error *err);
typedef int (*store_alert_call_fn)(const struct store_alert_call *c, void *ctx);
/* The calls about alert_id, oldest first. */
int store_alert_call_each(struct store *st, int64_t alert_id, store_alert_call_fn fn, void *ctx,
			  struct sk_error *err);

#endif
