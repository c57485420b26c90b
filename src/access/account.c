/* access/account.c: users and API tokens (see account.h). */
#include "access/account.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "access/access.h"
#include "lib/error.h"
#include "lib/str.h"

/* User names: 1..USER_NAME_MAX letters, digits and . _ @ -. */
static int check_user_name(const char *name, struct sk_error *err)
{
	size_t n = strlen(name);

	if (n == 0 || n > USER_NAME_MAX)
		return sk_error_set(err, SK_EINVAL, "user name must be 1 to %d characters",
				    USER_NAME_MAX);
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && strchr("._@-", *p) == NULL)
			return sk_error_set(err, SK_EINVAL,
					    "user name '%s' may hold only letters, "
					    "digits and . _ @ -",
					    name);
	return 0;
}

/* Labels: up to ACCOUNT_LABEL_MAX bytes, no control characters. */
static int check_label(const char *label, struct sk_error *err)
{
	if (strlen(label) > ACCOUNT_LABEL_MAX)
		return sk_error_set(err, SK_EINVAL, "label is longer than %d bytes",
				    ACCOUNT_LABEL_MAX);
	for (const unsigned char *p = (const unsigned char *)label; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return sk_error_set(err, SK_EINVAL,
					    "label contains control characters");
	return 0;
}

int account_password_check(const char *password, struct sk_error *err)
{
	if (strlen(password) < ACCOUNT_PASSWORD_MIN)
		return sk_error_set(err, SK_EINVAL, "the password needs at least %d characters",
				    ACCOUNT_PASSWORD_MIN);
	return 0;
}

void account_password_new(char out[ACCOUNT_PASSWORD_GENERATED + 1])
{
	char token[SECRET_TOKEN_LEN + 1];

	secret_token_new(token);
	/* Past the token's prefix: random characters of its alphabet. */
	memcpy(out, token + 3, ACCOUNT_PASSWORD_GENERATED);
	out[ACCOUNT_PASSWORD_GENERATED] = '\0';
	explicit_bzero(token, sizeof(token));
}

/* actor and password are borrowed. */
int account_user_add(struct store *st, const struct user *actor, struct user *u,
		     const char *password, struct sk_error *err)
{
	char pwhash[SECRET_PWHASH_MAX];
	int rc;

	if ((rc = access_may_manage_users(actor, err)) != 0 ||
	    (rc = check_user_name(u->name, err)) != 0)
		return rc;
	if ((u->role == USER_ROLE_PARTNER) != (u->org_id > 0))
		return sk_error_set(err, SK_EINVAL,
				    "a partner user belongs to one organization, and only "
				    "a partner user does");
	if (secret_password_hash(password, pwhash) != 0)
		return sk_error_set(err, SK_EIO, "hashing the password failed");
	rc = store_user_add(st, u, pwhash, err);
	explicit_bzero(pwhash, sizeof(pwhash));
	return rc;
}

/* Everything is borrowed. */
int account_password_set(struct store *st, const struct user *actor, const char *name,
			 const char *password, const char *keep_session, struct sk_error *err)
{
	char pwhash[SECRET_PWHASH_MAX];
	struct user u;
	int rc;

	if ((rc = store_user_get_by_name(st, name, &u, NULL, err)) != 0)
		return rc;
	/* A user sets its own password; anyone else's takes an admin. */
	if ((actor == NULL || actor->id == 0 || actor->id != u.id) &&
	    (rc = access_may_manage_users(actor, err)) != 0)
		return rc;
	if ((rc = account_password_check(password, err)) != 0)
		return rc;
	if (secret_password_hash(password, pwhash) != 0)
		return sk_error_set(err, SK_EIO, "hashing the password failed");
	rc = store_user_set_password(st, u.id, pwhash, keep_session, err);
	explicit_bzero(pwhash, sizeof(pwhash));
	return rc;
}

/* actor, user_name and label are borrowed. */
int account_token_create(struct store *st, const struct user *actor, const char *user_name,
			 const char *label, int64_t lifetime, unsigned scopes,
			 struct account_token *out, struct sk_error *err)
{
	struct account_token t;
	char hash[SECRET_HASH_HEX + 1];
	int rc;

	memset(&t, 0, sizeof(t));
	if ((rc = access_may_manage_users(actor, err)) != 0 ||
	    (rc = check_label(label, err)) != 0)
		return rc;
	if (lifetime < 0 || lifetime > ACCOUNT_LIFETIME_MAX)
		return sk_error_set(err, SK_EINVAL, "a token lives at most %d days",
				    ACCOUNT_LIFETIME_MAX / 86400);
	if (lifetime > 0)
		str_time_iso(str_time_now() + (time_t)lifetime, t.expires);
	if ((scopes & ~USER_SCOPES_KNOWN) != 0)
		return sk_error_set(err, SK_EINVAL, "unknown token scope");
	if ((rc = store_user_get_by_name(st, user_name, &t.user, NULL, err)) != 0)
		return rc;
	t.user.scopes = scopes;
	user_scopes_format(scopes, t.scopes);
	secret_token_new(t.token);
	secret_token_hash(t.token, hash);
	rc =
	    store_token_add_scoped(st, t.user.id, label, hash,
				   t.expires[0] != '\0' ? t.expires : NULL, scopes, &t.id, err);
	if (rc == 0)
		*out = t;
	explicit_bzero(&t, sizeof(t));
	return rc;
}

/* actor and user_name are borrowed. */
int account_token_each(struct store *st, const struct user *actor, const char *user_name,
		       store_token_fn fn, void *ctx, struct sk_error *err)
{
	struct user u;
	int rc;

	memset(&u, 0, sizeof(u));
	if ((rc = access_may_manage_users(actor, err)) != 0)
		return rc;
	if (user_name != NULL &&
	    (rc = store_user_get_by_name(st, user_name, &u, NULL, err)) != 0)
		return rc;
	return store_token_each(st, u.id, fn, ctx, err);
}
