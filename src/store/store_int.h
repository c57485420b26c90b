/* store/store_int.h: what the files of the store share: the store
 * itself and the helpers every query uses. Private to src/store; each
 * file of queries (store_org.c, store_contact.c, ... one per kind of record) includes
 * it. */
#ifndef SK_STORE_STORE_INT_H
#define SK_STORE_STORE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/org.h"

struct db;
struct db_stmt;
struct sk_error;

#define ACTOR_MAX	    128
#define SUMMARY_MAX	    1024
#define AUDIT_ACTOR_DEFAULT "system"
/* A token's last_used is refreshed at most this often (seconds), so
 * that authenticating is a write only once in a while. */
#define TOKEN_TOUCH_INTERVAL 60
/* Bytes of one event's JSON line or packed text: EVENT_TEXT_MAX of
 * text, escaped, with its keys fits with room to spare. */
#define EVENT_JSON_MAX (1024 * 1024)
/* Rows per multi-row statement. At most 8 parameters a row plus a few
 * shared stay far below both backends' limits (SQLite 32766, PostgreSQL
 * 65535). */
#define BULK_ROWS    100
#define BULK_SQL_MAX (64 * 1024)

/* The statements that write or read many rows at once. */
enum bulk_kind {
	BULK_ORG,
	BULK_MEMBER,
	BULK_CONTACT,
	BULK_RESOURCE,
	BULK_AUDIT,
	BULK_ORG_REF,
	BULK_EVENT,
	BULK_EVENT_RCPT,
	BULK_KINDS
};

struct store {
	struct db *db;
	char actor[ACTOR_MAX + 1];
	int depth;   /* store_begin nesting */
	bool doomed; /* an inner call rolled back: the outermost commit must fail */
	/* The text of each bulk statement per number of rows, built on first
	 * use: the same text each time, so db_prepare() finds the statement
	 * it prepared before. */
	char *bulk_sql[BULK_KINDS][BULK_ROWS + 1];
	/* Counts the outermost transactions begun. */
	uint64_t tx;
	/* Organization ids store_event_add_many() found in transaction
	 * orgs_seen_tx, sorted: it looks up only the others again. */
	int64_t *orgs_seen;
	size_t n_orgs_seen, a_orgs_seen;
	uint64_t orgs_seen_tx;
};

/* Copy src into dst[size]; -1 if src is NULL or does not fit. */
int store_copy_text(char *dst, size_t size, const char *src);
/* The current time (str_time_now) as ISO 8601 UTC. */
void store_time_now(char out[21]);
/* The prepared statement for sql in *out, or an SK_E* code with err set. */
int store_prep(struct store *st, const char *sql, struct db_stmt **out, struct sk_error *err);
/* Step a statement that must return no row. */
int store_step_done(struct db_stmt *s, struct sk_error *err);
/* Step an "INSERT ... RETURNING id" to its end; the id in *id_out. */
int store_step_id(struct db_stmt *s, int64_t *id_out, struct sk_error *err);
/* Prepare sql, bind id as $1 and step to the row it selects: 0 with *out
 * on that row (read it, then db_reset()), or SK_ENOTFOUND "no <what>
 * with id <id>". */
int store_row_by_id(struct store *st, const char *sql, int64_t id, const char *what,
		    struct db_stmt **out, struct sk_error *err);
/* The canonical name of a classification.type in *out (borrowed), or
 * SK_EINVAL naming it. */
int store_type_canonical(const char *type, const char **out, struct sk_error *err);
/* Count the events v[0..n) by feed into feed_counts (store_metrics.c);
 * in store_event_add_many()'s transaction. */
struct store_event_in;
int store_feed_count_add(struct store *st, const struct store_event_in *v, size_t n,
			 struct sk_error *err);
/* Group the look-ups of one read into a snapshot; *started says whether
 * this call began it. End with store_read_end(), which returns rc or the
 * commit's error. */
int store_read_begin(struct store *st, bool *started, struct sk_error *err);
int store_read_end(struct store *st, bool started, int rc, struct sk_error *err);
/* Write one audit row in the current transaction. */
int store_audit(struct store *st, const char *action, const char *kind, int64_t id,
		struct sk_error *err, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Delete the event recipient rows of organization org_id, in the
 * current transaction; store_org_remove() calls it before removing the
 * organization (on SQLite no foreign key does: 0002_events.sql). */
int store_event_org_forget(struct store *st, int64_t org_id, struct sk_error *err);
/* The SQL of a bulk statement of kind for rows rows (1..BULK_ROWS), its
 * shape in store.c's bulk_shapes. Borrowed; freed by store_close(). */
const char *store_bulk_sql(struct store *st, enum bulk_kind kind, size_t rows);

/* The name at index i of a NULL-terminated vocabulary, or NULL if i is
 * out of range. */
const char *store_vocab_name(const char *const *names, int i);
/* Does text a differ from b (NULL reads as "")? */
bool store_text_differs(const char *a, const char *b);
/* The name of organization id into name (cut to fit), or SK_ENOTFOUND.
 * With kind_out, also its kind. */
int store_org_name(struct store *st, int64_t id, char name[ORG_NAME_MAX + 1],
		   enum org_kind *kind_out, struct sk_error *err);

/* Audit rows of changes made together: one action, one row per change,
 * written in one statement. */
struct audit_many {
	const char *action;
	size_t n;
	char object[BULK_ROWS][64];
	char summary[BULK_ROWS][SUMMARY_MAX];
};
/* Queue a row about object kind:id; at most BULK_ROWS before
 * store_audit_many_write(). */
void store_audit_many_add(struct audit_many *a, const char *kind, int64_t id, const char *fmt,
			  ...) __attribute__((format(printf, 4, 5)));
/* Write the queued rows in the current transaction, and empty the
 * queue. */
int store_audit_many_write(struct store *st, struct audit_many *a, struct sk_error *err);

/* Names and kinds of organizations, looked up together. */
struct org_ref {
	int64_t id;
	enum org_kind kind;
	char *name;
};

struct org_refs {
	struct org_ref *v; /* sorted by id */
	size_t n;
};

void store_org_refs_free(struct org_refs *r);
/* The entry of organization id in refs, or NULL. Borrowed from refs. */
const struct org_ref *store_org_refs_find(const struct org_refs *refs, int64_t id);
/* Look up the organizations ids (n of them, in any order, repeats
 * allowed) in one statement per BULK_ROWS of them, into *out; an unknown
 * id is SK_ENOTFOUND. Caller frees *out with store_org_refs_free(). */
int store_org_refs_load(struct store *st, const int64_t *ids, size_t n, struct org_refs *out,
			struct sk_error *err);

/* Rows of a chunk matched to what a statement returned: the index in
 * the chunk (0..k-1) of the first row not yet taken for which same()
 * holds, searched from where the last match was (rows come back mostly
 * in order), or -1. */
struct chunk_match {
	size_t k, cursor;
	bool taken[BULK_ROWS];
};

long store_chunk_match_find(struct chunk_match *m, bool (*same)(size_t j, void *ctx),
			    void *ctx);
void store_chunk_match_init(struct chunk_match *m, size_t k);

/* Shared by store_mail.c and store_mail_hold.c. The first of the joined
 * recipients and how many more ("soc@example.be and 2 more"). */
void store_mail_rcpt_short(const char *rcpt, char out[STORE_MAIL_ADDR_MAX + 32]);
/* Run an UPDATE guarded by m's claim, ending in "RETURNING id":
 * SK_ENOTFOUND if the claim is no longer m's. */
int store_mail_guarded_step(struct db_stmt *s, const struct store_mail *m,
			    struct sk_error *err);
/* why, cut to STORE_MAIL_ERROR_MAX bytes, control characters blanked. */
void store_mail_why_copy(char out[STORE_MAIL_ERROR_MAX + 1], const char *why);

#endif
