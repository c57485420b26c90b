/* store/store_copy.c: copying a whole store to another (sqlite to
 * PostgreSQL and back), table by table, in one transaction. */
#include "store/store.h"

#include <assert.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "net/domain.h"
#include "net/prefix.h"
#include "store/db.h"
#include "store/store_int.h"

/* ---- copying a whole store ---- */

/* One table as store_copy() moves it: every column in order, each of a
 * kind (i: integer, t: text). A migration that adds a column adds it
 * here too. Ordered so that every row's references are copied before
 * it. */
struct copy_table {
	const char *name;
	const char *kinds;
	const char *select;
	const char *insert;
	bool has_id; /* first column is a generated id */
	size_t stat; /* offset of its count in struct store_copy_stats */
};

static const struct copy_table copy_tables[] = {
    {"orgs", "ittttttttt",
     "SELECT id, name, kind, class, sector, country, status, notes, created, updated "
     "FROM orgs ORDER BY id",
     "INSERT INTO orgs (id, name, kind, class, sector, country, status, notes, created, "
     "updated) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
     true, offsetof(struct store_copy_stats, orgs)},
    {"memberships", "iit",
     "SELECT liaison_id, member_id, created FROM memberships "
     "ORDER BY liaison_id, member_id",
     "INSERT INTO memberships (liaison_id, member_id, created) VALUES ($1, $2, $3)", false,
     offsetof(struct store_copy_stats, memberships)},
    {"contacts", "iittttttt",
     "SELECT id, org_id, name, email, phone, role, languages, pgp_fpr, created "
     "FROM contacts ORDER BY id",
     "INSERT INTO contacts (id, org_id, name, email, phone, role, languages, pgp_fpr, "
     "created) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
     true, offsetof(struct store_copy_stats, contacts)},
    {"resources", "iittiititt",
     "SELECT id, org_id, type, value, family, plen, net, asn, domain, created "
     "FROM resources ORDER BY id",
     "INSERT INTO resources (id, org_id, type, value, family, plen, net, asn, domain, "
     "created) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
     true, offsetof(struct store_copy_stats, resources)},
    {"users", "ittitt", "SELECT id, name, role, org_id, pwhash, created FROM users ORDER BY id",
     "INSERT INTO users (id, name, role, org_id, pwhash, created) "
     "VALUES ($1, $2, $3, $4, $5, $6)",
     true, offsetof(struct store_copy_stats, users)},
    {"tokens", "iitttttt",
     "SELECT id, user_id, label, hash, created, last_used, expires, scopes FROM tokens "
     "ORDER BY id",
     "INSERT INTO tokens (id, user_id, label, hash, created, last_used, expires, scopes) "
     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
     true, offsetof(struct store_copy_stats, tokens)},
    {"audit", "ittttt", "SELECT id, at, actor, action, object, summary FROM audit ORDER BY id",
     "INSERT INTO audit (id, at, actor, action, object, summary) "
     "VALUES ($1, $2, $3, $4, $5, $6)",
     true, offsetof(struct store_copy_stats, audit)},
    {"events", "iitttttt",
     "SELECT id, time, received, feed, type, tlp, hash, body FROM events ORDER BY id",
     "INSERT INTO events (id, time, received, feed, type, tlp, hash, body) "
     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
     true, offsetof(struct store_copy_stats, events)},
    {"event_recipients", "iitiiiiti",
     "SELECT event_id, org_id, role, pass_on, need_to_know, resource_id, member_id, reason, "
     "notification_id FROM event_recipients ORDER BY event_id, org_id",
     "INSERT INTO event_recipients (event_id, org_id, role, pass_on, need_to_know, "
     "resource_id, member_id, reason, notification_id) "
     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
     false, offsetof(struct store_copy_stats, event_recipients)},
    {"org_optouts", "itt",
     "SELECT org_id, type, created FROM org_optouts ORDER BY org_id, type",
     "INSERT INTO org_optouts (org_id, type, created) VALUES ($1, $2, $3)", false,
     offsetof(struct store_copy_stats, optouts)},
    {"feed_counts", "tii", "SELECT feed, events, routed FROM feed_counts ORDER BY feed",
     "INSERT INTO feed_counts (feed, events, routed) VALUES ($1, $2, $3)", false,
     offsetof(struct store_copy_stats, feed_counts)},
};

#define COPY_TABLES (sizeof(copy_tables) / sizeof(copy_tables[0]))

/* How many times c occurs in s. */
static int count_char(const char *s, char c)
{
	int n = 0;

	for (; *s; s++)
		n += *s == c;
	return n;
}

/* Copy every row of table t from one store into the other, values as
 * they are; the number of rows in *n_out and the largest id in
 * *last_id_out (0 without rows or ids). */
static int copy_rows(struct store *from, struct store *to, const struct copy_table *t,
		     int64_t *n_out, int64_t *last_id_out, struct sk_error *err)
{
	struct db_stmt *src, *dst;
	int ncols = (int)strlen(t->kinds);
	int64_t n = 0, last_id = 0;
	int rc;

	assert(count_char(t->insert, '$') == ncols);
	if ((rc = store_prep(from, t->select, &src, err)) != 0) {
		sk_error_prefix(err, "reading %s", t->name);
		return rc;
	}
	while ((rc = db_step(src, err)) == 1) {
		int64_t id = t->has_id ? db_col_int(src, 0) : 0;

		if ((rc = store_prep(to, t->insert, &dst, err)) != 0)
			break;
		for (int i = 0; i < ncols; i++) {
			if (db_col_is_null(src, i))
				db_bind_null(dst, i + 1);
			else if (t->kinds[i] == 'i')
				db_bind_int(dst, i + 1, db_col_int(src, i));
			else
				db_bind_text(dst, i + 1, db_col_text(src, i));
		}
		if ((rc = store_step_done(dst, err)) != 0) {
			sk_error_prefix(err, "copying %s row %lld", t->name,
					(long long)(t->has_id ? id : n + 1));
			break;
		}
		if (id > last_id)
			last_id = id;
		n++;
	}
	if (rc != 0) {
		db_reset(src);
		return rc;
	}
	*n_out = n;
	*last_id_out = last_id;
	return 0;
}

/* Fail with SK_EEXIST unless st holds no organizations, users or audit
 * entries. */
static int copy_check_empty(struct store *st, struct sk_error *err)
{
	int64_t orgs, users, audits;
	struct db_stmt *s;
	int rc;

	rc = store_prep(st,
			"SELECT (SELECT count(*) FROM orgs), (SELECT count(*) FROM users), "
			"(SELECT count(*) FROM audit)",
			&s, err);
	if (rc != 0)
		return rc;
	if ((rc = db_step(s, err)) < 0)
		return rc;
	if (rc == 0)
		return sk_error_set(err, SK_EIO,
				    "counting the rows of the target store failed");
	orgs = db_col_int(s, 0);
	users = db_col_int(s, 1);
	audits = db_col_int(s, 2);
	db_reset(s);
	if (orgs > 0 || users > 0 || audits > 0)
		return sk_error_set(err, SK_EEXIST,
				    "the target store is not empty (%lld organizations, %lld "
				    "users, %lld audit entries): copy only into a new, empty "
				    "store",
				    (long long)orgs, (long long)users, (long long)audits);
	return 0;
}

/* The audit entry that records a copy, in to's transaction. */
static int copy_audit(struct store *to, const struct store_copy_stats *n, struct sk_error *err)
{
	char summary[SUMMARY_MAX], now[21];
	struct db_stmt *s;
	int rc;

	snprintf(summary, sizeof(summary),
		 "copied a whole store into this one: %lld organizations, %lld memberships, "
		 "%lld contacts, %lld resources, %lld users, %lld API tokens and %lld audit "
		 "entries",
		 (long long)n->orgs, (long long)n->memberships, (long long)n->contacts,
		 (long long)n->resources, (long long)n->users, (long long)n->tokens,
		 (long long)n->audit);
	snprintf(summary + strlen(summary), sizeof(summary) - strlen(summary),
		 "; %lld events with %lld recipient rows, %lld opt-outs", (long long)n->events,
		 (long long)n->event_recipients, (long long)n->optouts);
	store_time_now(now);
	rc = store_prep(to,
			"INSERT INTO audit (at, actor, action, object, summary) "
			"VALUES ($1, $2, $3, $4, $5)",
			&s, err);
	if (rc != 0)
		return rc;
	db_bind_text(s, 1, now);
	db_bind_text(s, 2, to->actor);
	db_bind_text(s, 3, "store.copy");
	db_bind_text(s, 4, "store");
	db_bind_text(s, 5, summary);
	return store_step_done(s, err);
}

/* Copy all of from into the empty store to (see store.h). */
int store_copy(struct store *from, struct store *to, struct store_copy_stats *stats_out,
	       struct sk_error *err)
{
	struct store_copy_stats stats;
	bool reading = false;
	int rc;

	memset(&stats, 0, sizeof(stats));
	if (from == to)
		return sk_error_set(err, SK_EINVAL, "cannot copy a store onto itself");
	if (from->depth > 0 || to->depth > 0)
		return sk_error_set(err, SK_EINVAL,
				    "a store is copied outside any transaction");
	if ((rc = store_begin(to, err)) != 0) {
		sk_error_prefix(err, "target store");
		return rc;
	}
	if ((rc = copy_check_empty(to, err)) != 0)
		goto out;
	if ((rc = store_read_begin(from, &reading, err)) != 0) {
		sk_error_prefix(err, "source store");
		goto out;
	}
	for (size_t i = 0; i < COPY_TABLES && rc == 0; i++) {
		const struct copy_table *t = &copy_tables[i];
		int64_t n = 0, last_id = 0;

		rc = copy_rows(from, to, t, &n, &last_id, err);
		if (rc == 0 && t->has_id)
			rc = db_id_continue(to->db, t->name, last_id, err);
		if (rc == 0)
			*(int64_t *)((char *)&stats + t->stat) = n;
	}
	rc = store_read_end(from, reading, rc, err);
	if (rc == 0)
		rc = copy_audit(to, &stats, err);
out:
	if ((rc = store_finish(to, rc, err)) == 0 && stats_out != NULL)
		*stats_out = stats;
	return rc;
}
