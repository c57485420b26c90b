/* store/store_user.c: users, their API tokens and their sign-in sessions
 * (both stored only as hashes). */
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

int store_token_add(struct store *st, int64_t user_id, const char *label,
		    const char *token_hash, const char *expires, int64_t *id_out,
		    struct sk_error *err)
{
	return store_token_add_scoped(st, user_id, label, token_hash, expires, 0, id_out, err);
}

/* Store token_hash (not the token) for user_id under label, valid until
 * expires (NULL: for ever), with scopes. */
int store_token_add_scoped(struct store *st, int64_t user_id, const char *label,
			   const char *token_hash, const char *expires, unsigned scopes,
			   int64_t *id_out, struct sk_error *err)
{
	char uname[USER_NAME_MAX + 1] = "", now[21], scope_text[USER_SCOPES_TEXT];
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
	if ((scopes & ~USER_SCOPES_KNOWN) != 0)
		return sk_error_set(err, SK_EINVAL, "unknown token scope bits %#x", scopes);
	user_scopes_format(scopes, scope_text);
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
			"INSERT INTO tokens (user_id, label, hash, created, expires, scopes) "
			"VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
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
	db_bind_text(s, 6, scope_text);
	if ((rc = store_step_id(s, &id, err)) != 0) {
		if (rc == SK_EEXIST)
			sk_error_set(err, rc, "this token is already stored");
		else
			sk_error_prefix(err, "adding a token for %s", uname);
		goto out;
	}
	rc = store_audit(st, "token.add", "user", user_id, err,
			 "added API token %lld ('%s') for %s%s%s%s%s", (long long)id, label,
			 uname, expires != NULL ? ", expiring " : "",
			 expires != NULL ? expires : "",
			 scope_text[0] != '\0' ? ", scopes " : "", scope_text);
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
			", t.id, t.expires, t.scopes FROM tokens t JOIN users u ON u.id = "
			"t.user_id WHERE t.hash = $1",
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
		rc = SK_EIO;
	/* A scope this version does not know is damage, not "none". */
	if (rc == 0 &&
	    user_scopes_parse(db_col_text(s, 7) ? db_col_text(s, 7) : "", &u.scopes, NULL) != 0)
		rc = SK_EIO;
	if (rc == SK_EIO)
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
			"SELECT t.id, u.name, t.label, t.created, t.expires, t.last_used, "
			"t.scopes FROM tokens t JOIN users u ON u.id = t.user_id "
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
		    (!db_col_is_null(s, 5) && store_copy_text(t.last_used, sizeof(t.last_used),
							      db_col_text(s, 5)) != 0) ||
		    store_copy_text(t.scopes, sizeof(t.scopes), db_col_text(s, 6)) != 0)
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

/* A new password hash for user_id; its sessions end but keep_hash's. */
int store_user_set_password(struct store *st, int64_t user_id, const char *pwhash,
			    const char *keep_hash, struct sk_error *err)
{
	char uname[USER_NAME_MAX + 1] = "";
	struct db_stmt *s;
	int64_t ended = 0;
	int rc;

	if (pwhash == NULL || *pwhash == '\0' || strlen(pwhash) >= 128)
		return sk_error_set(err, SK_EINVAL, "password hash is empty or too long");
	if ((rc = store_begin(st, err)) != 0)
		return rc;
	rc = store_row_by_id(st, "SELECT name FROM users WHERE id = $1", user_id, "user", &s,
			     err);
	if (rc != 0)
		goto out;
	snprintf(uname, sizeof(uname), "%s", db_col_text(s, 0) ? db_col_text(s, 0) : "");
	db_reset(s);
	if ((rc = store_prep(st, "UPDATE users SET pwhash = $1 WHERE id = $2", &s, err)) != 0)
		goto out;
	db_bind_text(s, 1, pwhash);
	db_bind_int(s, 2, user_id);
	if ((rc = store_step_done(s, err)) != 0)
		goto out;
	rc = store_prep(st, "SELECT count(*) FROM sessions WHERE user_id = $1 AND hash <> $2",
			&s, err);
	if (rc != 0)
		goto out;
	db_bind_int(s, 1, user_id);
	db_bind_text(s, 2, keep_hash != NULL ? keep_hash : "");
	if ((rc = db_step(s, err)) < 0)
		goto out;
	ended = rc == 1 ? db_col_int(s, 0) : 0;
	db_reset(s);
	rc = store_prep(st, "DELETE FROM sessions WHERE user_id = $1 AND hash <> $2", &s, err);
	if (rc != 0)
		goto out;
	db_bind_int(s, 1, user_id);
	db_bind_text(s, 2, keep_hash != NULL ? keep_hash : "");
	if ((rc = store_step_done(s, err)) != 0)
		goto out;
	rc = store_audit(st, "user.passwd", "user", user_id, err,
			 "changed the password of %s; ended %lld sessions", uname,
			 (long long)ended);
out:
	return store_finish(st, rc, err);
}

/* ---- sessions ---- */

#define SESSION_TOUCH_INTERVAL 60 /* seconds between updates of last_seen, at most */

/* now and now - idle as ISO times. */
static void session_times(int64_t idle, char now[21], char idle_cut[21])
{
	time_t t = str_time_now();

	str_time_iso(t, now);
	str_time_iso(t - (time_t)idle, idle_cut);
}

/* s->user_id, csrf and expires are the caller's; hash and from borrowed. */
int store_session_add(struct store *st, struct session_info *s, const char *hash, int64_t idle,
		      const char *from, struct sk_error *err)
{
	char uname[USER_NAME_MAX + 1] = "", now[21], cut[21];
	struct db_stmt *q;
	int64_t id = 0;
	int rc;

	if (hash == NULL || *hash == '\0' || s->csrf[0] == '\0' || !is_iso_time(s->expires))
		return sk_error_set(err, SK_EINVAL,
				    "a session needs a hash, a CSRF token and "
				    "an end");
	session_times(idle, now, cut);
	if ((rc = store_begin(st, err)) != 0)
		return rc;
	rc = store_prep(st, "DELETE FROM sessions WHERE expires <= $1 OR last_seen <= $2", &q,
			err);
	if (rc != 0)
		goto out;
	db_bind_text(q, 1, now);
	db_bind_text(q, 2, cut);
	if ((rc = store_step_done(q, err)) != 0)
		goto out;
	rc = store_row_by_id(st, "SELECT name FROM users WHERE id = $1", s->user_id, "user", &q,
			     err);
	if (rc != 0)
		goto out;
	snprintf(uname, sizeof(uname), "%s", db_col_text(q, 0) ? db_col_text(q, 0) : "");
	db_reset(q);
	rc = store_prep(
	    st,
	    "INSERT INTO sessions (user_id, hash, csrf, created, last_seen, expires) "
	    "VALUES ($1, $2, $3, $4, $4, $5) RETURNING id",
	    &q, err);
	if (rc != 0)
		goto out;
	db_bind_int(q, 1, s->user_id);
	db_bind_text(q, 2, hash);
	db_bind_text(q, 3, s->csrf);
	db_bind_text(q, 4, now);
	db_bind_text(q, 5, s->expires);
	if ((rc = store_step_id(q, &id, err)) != 0) {
		sk_error_prefix(err, "starting a session for %s", uname);
		goto out;
	}
	rc = store_audit(st, "session.begin", "user", s->user_id, err,
			 "%s signed in from %s (session %lld, until %s)", uname,
			 from != NULL ? from : "-", (long long)id, s->expires);
out:
	if ((rc = store_finish(st, rc, err)) == 0) {
		s->id = id;
		memcpy(s->created, now, sizeof(now));
		memcpy(s->last_seen, now, sizeof(now));
	}
	return rc;
}

/* Mark session id seen now when last_seen is a minute old, or half the
 * idle timeout when that is shorter. Best effort: a busy database must
 * not refuse a valid session. */
static void session_touch(struct store *st, int64_t id, int64_t idle, const char *now,
			  const char *last_seen)
{
	int64_t every = idle / 2 < SESSION_TOUCH_INTERVAL ? idle / 2 : SESSION_TOUCH_INTERVAL;
	char before[21];
	struct db_stmt *s;

	str_time_iso(str_time_now() - (time_t)(every > 1 ? every : 1), before);
	if (st->depth > 0 || strcmp(last_seen, before) > 0)
		return;
	if (store_prep(st, "UPDATE sessions SET last_seen = $1 WHERE id = $2", &s, NULL) != 0)
		return;
	db_bind_text(s, 1, now);
	db_bind_int(s, 2, id);
	store_step_done(s, NULL);
}

/* hash is borrowed. */
int store_session_lookup(struct store *st, const char *hash, int64_t idle, struct user *u,
			 struct session_info *out, struct sk_error *err)
{
	struct session_info si;
	char now[21], cut[21];
	struct user who;
	struct db_stmt *s;
	int rc;

	memset(&si, 0, sizeof(si));
	rc = store_prep(st,
			"SELECT " USER_COLS ", x.id, x.csrf, x.created, x.last_seen, x.expires "
			"FROM sessions x JOIN users u ON u.id = x.user_id WHERE x.hash = $1",
			&s, err);
	if (rc != 0)
		return rc;
	db_bind_text(s, 1, hash != NULL ? hash : "");
	if ((rc = db_step(s, err)) < 0)
		return rc;
	if (rc == 0)
		return sk_error_set(err, SK_ENOTFOUND, "unknown session");
	rc = user_from_row(s, &who, err);
	si.id = db_col_int(s, 5);
	si.user_id = who.id;
	if (rc == 0 &&
	    (store_copy_text(si.csrf, sizeof(si.csrf), db_col_text(s, 6)) != 0 ||
	     store_copy_text(si.created, sizeof(si.created), db_col_text(s, 7)) != 0 ||
	     store_copy_text(si.last_seen, sizeof(si.last_seen), db_col_text(s, 8)) != 0 ||
	     store_copy_text(si.expires, sizeof(si.expires), db_col_text(s, 9)) != 0))
		rc = sk_error_set(err, SK_EIO, "session %lld in the database is damaged",
				  (long long)si.id);
	db_reset(s);
	if (rc != 0)
		return rc;
	session_times(idle, now, cut);
	if (strcmp(si.expires, now) <= 0)
		return sk_error_set(err, SK_EPERM,
				    "the session of %s ended at %s; sign in again", who.name,
				    si.expires);
	if (strcmp(si.last_seen, cut) <= 0)
		return sk_error_set(err, SK_EPERM,
				    "the session of %s was idle too long; sign in again",
				    who.name);
	session_touch(st, si.id, idle, now, si.last_seen);
	*u = who;
	*out = si;
	return 0;
}

/* hash is borrowed. */
int store_session_end(struct store *st, const char *hash, struct sk_error *err)
{
	char uname[USER_NAME_MAX + 1] = "";
	struct db_stmt *s;
	int64_t id = 0, user_id = 0;
	int rc;

	if ((rc = store_begin(st, err)) != 0)
		return rc;
	rc = store_prep(st,
			"SELECT x.id, u.id, u.name FROM sessions x JOIN users u "
			"ON u.id = x.user_id WHERE x.hash = $1",
			&s, err);
	if (rc != 0)
		goto out;
	db_bind_text(s, 1, hash != NULL ? hash : "");
	if ((rc = db_step(s, err)) < 0)
		goto out;
	if (rc == 0) {
		rc = sk_error_set(err, SK_ENOTFOUND, "unknown session");
		goto out;
	}
	id = db_col_int(s, 0);
	user_id = db_col_int(s, 1);
	snprintf(uname, sizeof(uname), "%s", db_col_text(s, 2) ? db_col_text(s, 2) : "");
	db_reset(s);
	if ((rc = store_prep(st, "DELETE FROM sessions WHERE id = $1", &s, err)) != 0)
		goto out;
	db_bind_int(s, 1, id);
	if ((rc = store_step_done(s, err)) != 0)
		goto out;
	rc = store_audit(st, "session.end", "user", user_id, err,
			 "%s signed out (session %lld)", uname, (long long)id);
out:
	return store_finish(st, rc, err);
}
