/* store/store_user.c: users and their API tokens (stored as hashes). */
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

/* ---- users and tokens ---- */

#define USER_COLS "u.id, u.name, u.role, u.org_id, u.created"

/* Read USER_COLS from the current row into *out. */
static int user_from_row(struct db_stmt *s, struct user *out, struct sk_error *err)
{
	struct user u;
	int role = str_index(user_role_names, db_col_text(s, 2) ? db_col_text(s, 2) : "");

	memset(&u, 0, sizeof(u));
	u.id = db_col_int(s, 0);
	u.org_id = db_col_is_null(s, 3) ? 0 : db_col_int(s, 3);
	if (role < 0 || store_copy_text(u.name, sizeof(u.name), db_col_text(s, 1)) != 0 ||
	    store_copy_text(u.created, sizeof(u.created), db_col_text(s, 4)) != 0)
		return sk_error_set(err, SK_EIO, "user %lld in the database is damaged",
				    (long long)u.id);
	u.role = (enum user_role)role;
	*out = u;
	return 0;
}

/* Add user u with password hash pwhash (NULL: no password login); on
 * success fills u->id and u->created. A partner needs an organization,
 * other roles have none. */
int store_user_add(struct store *st, struct user *u, const char *pwhash, struct sk_error *err)
{
	char oname[ORG_NAME_MAX + 1] = "", now[21];
	const char *role = store_vocab_name(user_role_names, (int)u->role);
	struct db_stmt *s;
	int64_t id = 0;
	int rc;

	if (u->name[0] == '\0' || memchr(u->name, '\0', sizeof(u->name)) == NULL)
		return sk_error_set(err, SK_EINVAL, "user needs a name of 1 to %d bytes",
				    USER_NAME_MAX);
	if (role == NULL)
		return sk_error_set(err, SK_EINVAL, "user %s has an invalid role", u->name);
	if (u->role == USER_ROLE_PARTNER && u->org_id == 0)
		return sk_error_set(err, SK_EINVAL, "partner user %s needs an organization",
				    u->name);
	if (u->role != USER_ROLE_PARTNER && u->org_id != 0)
		return sk_error_set(err, SK_EINVAL,
				    "only partner users belong to an organization (%s is %s)",
				    u->name, role);
	if (pwhash != NULL && strlen(pwhash) >= 128)
		return sk_error_set(err, SK_EINVAL, "password hash is too long");
	if ((rc = store_begin(st, err)) != 0)
		return rc;
	if (u->org_id != 0 && (rc = store_org_name(st, u->org_id, oname, NULL, err)) != 0)
		goto out;
	store_time_now(now);
	rc = store_prep(st,
			"INSERT INTO users (name, role, org_id, pwhash, created) "
			"VALUES ($1, $2, $3, $4, $5) RETURNING id",
			&s, err);
	if (rc != 0)
		goto out;
	db_bind_text(s, 1, u->name);
	db_bind_text(s, 2, role);
	if (u->org_id != 0)
		db_bind_int(s, 3, u->org_id);
	else
		db_bind_null(s, 3);
	db_bind_text(s, 4, pwhash);
	db_bind_text(s, 5, now);
	if ((rc = store_step_id(s, &id, err)) != 0) {
		if (rc == SK_EEXIST)
			sk_error_set(err, rc, "user '%s' already exists", u->name);
		else
			sk_error_prefix(err, "adding user %s", u->name);
		goto out;
	}
	if (u->org_id != 0)
		rc = store_audit(st, "user.add", "user", id, err, "added user %s (%s of %s)",
				 u->name, role, oname);
	else
		rc = store_audit(st, "user.add", "user", id, err, "added user %s (%s)", u->name,
				 role);
out:
	if ((rc = store_finish(st, rc, err)) == 0) {
		u->id = id;
		memcpy(u->created, now, sizeof(now));
	}
	return rc;
}

/* Fill *out with the user called name and, if pwhash_out is not NULL,
 * its password hash ("" when it has none). */
int store_user_get_by_name(struct store *st, const char *name, struct user *out,
			   char pwhash_out[128], struct sk_error *err)
{
	struct user u;
	struct db_stmt *s;
	char hash[128] = "";
	int rc;

	rc = store_prep(st, "SELECT " USER_COLS ", u.pwhash FROM users u WHERE u.name = $1", &s,
			err);
	if (rc != 0)
		return rc;
	db_bind_text(s, 1, name);
	if ((rc = db_step(s, err)) < 0)
		return rc;
	if (rc == 0)
		return sk_error_set(err, SK_ENOTFOUND, "no user named '%s'", name);
	rc = user_from_row(s, &u, err);
	if (rc == 0 && !db_col_is_null(s, 5) &&
	    store_copy_text(hash, sizeof(hash), db_col_text(s, 5)))
		rc = sk_error_set(err, SK_EIO,
				  "user %s: password hash in the database is damaged", name);
	db_reset(s);
	if (rc != 0)
		return rc;
	*out = u;
	if (pwhash_out != NULL)
		memcpy(pwhash_out, hash, sizeof(hash));
	return 0;
}

/* Is text a time as str_time_iso() writes it? */
static bool is_iso_time(const char *text)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";

	if (strlen(text) != sizeof(shape) - 1)
		return false;
	for (size_t i = 0; shape[i] != '\0'; i++)
		if (shape[i] == 'd' ? text[i] < '0' || text[i] > '9' : text[i] != shape[i])
			return false;
	return true;
}

/* Store token_hash (not the token) for user_id under label, valid until
 * expires (NULL: for ever). */
int store_token_add(struct store *st, int64_t user_id, const char *label,
		    const char *token_hash, const char *expires, int64_t *id_out,
		    struct sk_error *err)
{
	char uname[USER_NAME_MAX + 1] = "", now[21];
	struct db_stmt *s;
	int64_t id = 0;
	int rc;

	if (label == NULL)
		label = "";
	if (token_hash == NULL || *token_hash == '\0')
		return sk_error_set(err, SK_EINVAL, "token hash is empty");
	if (strlen(label) > 200)
		return sk_error_set(err, SK_EINVAL, "token label is longer than 200 bytes");
	if (expires != NULL && !is_iso_time(expires))
		return sk_error_set(err, SK_EINVAL,
				    "token expiry must be a time as YYYY-MM-DDTHH:MM:SSZ");
	if ((rc = store_begin(st, err)) != 0)
		return rc;
	if ((rc = store_prep(st, "SELECT name FROM users WHERE id = $1", &s, err)) != 0)
		goto out;
	db_bind_int(s, 1, user_id);
	if ((rc = db_step(s, err)) < 0)
		goto out;
	if (rc == 0) {
		rc =
		    sk_error_set(err, SK_ENOTFOUND, "no user with id %lld", (long long)user_id);
		goto out;
	}
	snprintf(uname, sizeof(uname), "%s", db_col_text(s, 0) ? db_col_text(s, 0) : "");
	db_reset(s);
	store_time_now(now);
	rc = store_prep(st,
			"INSERT INTO tokens (user_id, label, hash, created, expires) "
			"VALUES ($1, $2, $3, $4, $5) RETURNING id",
			&s, err);
	if (rc != 0)
		goto out;
	db_bind_int(s, 1, user_id);
	db_bind_text(s, 2, label);
	db_bind_text(s, 3, token_hash);
	db_bind_text(s, 4, now);
	if (expires != NULL)
		db_bind_text(s, 5, expires);
	else
		db_bind_null(s, 5);
	if ((rc = store_step_id(s, &id, err)) != 0) {
		if (rc == SK_EEXIST)
			sk_error_set(err, rc, "this token is already stored");
		else
			sk_error_prefix(err, "adding a token for %s", uname);
		goto out;
	}
	if (expires != NULL)
		rc = store_audit(st, "token.add", "user", user_id, err,
				 "added API token %lld ('%s') for %s, expiring %s",
				 (long long)id, label, uname, expires);
	else
		rc = store_audit(st, "token.add", "user", user_id, err,
				 "added API token %lld ('%s') for %s", (long long)id, label,
				 uname);
out:
	if ((rc = store_finish(st, rc, err)) == 0 && id_out != NULL)
		*id_out = id;
	return rc;
}

/* Mark a token used, at most once per TOKEN_TOUCH_INTERVAL. Best effort:
 * a busy database must not refuse a valid token. */
static void token_touch(struct store *st, int64_t token_id)
{
	char now[21], before[21];
	struct db_stmt *s;
	time_t t = str_time_now();

	if (st->depth > 0)
		return;
	str_time_iso(t, now);
	str_time_iso(t - TOKEN_TOUCH_INTERVAL, before);
	if (store_prep(st,
		       "UPDATE tokens SET last_used = $1 "
		       "WHERE id = $2 AND (last_used IS NULL OR last_used < $3)",
		       &s, NULL) != 0)
		return;
	db_bind_text(s, 1, now);
	db_bind_int(s, 2, token_id);
	db_bind_text(s, 3, before);
	store_step_done(s, NULL);
}

/* The user owning token_hash into *out; SK_ENOTFOUND without naming the
 * hash, SK_EPERM when it has expired. Refreshes the token's last_used now
 * and then. */
int store_token_lookup(struct store *st, const char *token_hash, struct user *out,
		       struct sk_error *err)
{
	char expires[21] = "", now[21];
	struct user u;
	struct db_stmt *s;
	int64_t token_id;
	int rc;

	rc = store_prep(st,
			"SELECT " USER_COLS
			", t.id, t.expires FROM tokens t JOIN users u ON u.id = t.user_id "
			"WHERE t.hash = $1",
			&s, err);
	if (rc != 0)
		return rc;
	db_bind_text(s, 1, token_hash ? token_hash : "");
	if ((rc = db_step(s, err)) < 0)
		return rc;
	if (rc == 0)
		return sk_error_set(err, SK_ENOTFOUND, "unknown API token");
	rc = user_from_row(s, &u, err);
	token_id = db_col_int(s, 5);
	if (rc == 0 && !db_col_is_null(s, 6) &&
	    store_copy_text(expires, sizeof(expires), db_col_text(s, 6)) != 0)
		rc = sk_error_set(err, SK_EIO, "API token %lld in the database is damaged",
				  (long long)token_id);
	db_reset(s);
	if (rc != 0)
		return rc;
	str_time_iso(str_time_now(), now);
	if (expires[0] != '\0' && strcmp(expires, now) <= 0)
		return sk_error_set(err, SK_EPERM, "API token %lld of %s expired at %s",
				    (long long)token_id, u.name, expires);
	token_touch(st, token_id);
	*out = u;
	return 0;
}

/* Call fn for each token of user_id (0: every user's). */
int store_token_each(struct store *st, int64_t user_id, store_token_fn fn, void *ctx,
		     struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	rc = store_prep(st,
			"SELECT t.id, u.name, t.label, t.created, t.expires, t.last_used "
			"FROM tokens t JOIN users u ON u.id = t.user_id "
			"WHERE $1 = 0 OR t.user_id = $1 ORDER BY u.name, t.id",
			&s, err);
	if (rc != 0)
		return rc;
	db_bind_int(s, 1, user_id);
	while ((rc = db_step(s, err)) == 1) {
		struct token_info t;

		memset(&t, 0, sizeof(t));
		t.id = db_col_int(s, 0);
		t.label = db_col_text(s, 2);
		if (t.label == NULL ||
		    store_copy_text(t.user, sizeof(t.user), db_col_text(s, 1)) != 0 ||
		    store_copy_text(t.created, sizeof(t.created), db_col_text(s, 3)) != 0 ||
		    (!db_col_is_null(s, 4) &&
		     store_copy_text(t.expires, sizeof(t.expires), db_col_text(s, 4)) != 0) ||
		    (!db_col_is_null(s, 5) &&
		     store_copy_text(t.last_used, sizeof(t.last_used), db_col_text(s, 5)) != 0))
			rc = sk_error_set(err, SK_EIO,
					  "API token %lld in the database is damaged",
					  (long long)t.id);
		else
			rc = fn(&t, ctx);
		if (rc != 0) {
			db_reset(s);
			return rc;
		}
	}
	return rc;
}
