/* access/account.h: users and their API tokens, the same from every
 * front door: names and labels checked, passwords hashed (argon2id),
 * tokens made random, shown once and stored only as hashes. Admins only
 * (access.h). */
#ifndef SK_ACCESS_ACCOUNT_H
#define SK_ACCESS_ACCOUNT_H

#include <stdint.h>

#include "lib/secret.h"
#include "model/user.h"
#include "store/store.h"

struct sk_error;

#define ACCOUNT_PASSWORD_MIN	   12
#define ACCOUNT_PASSWORD_GENERATED 24
#define ACCOUNT_LABEL_MAX	   100
#define ACCOUNT_LIFETIME_MAX	   (3650 * 86400) /* a token lives at most ten years */

/* Check a password that a person chose: SK_EINVAL when it is shorter
 * than ACCOUNT_PASSWORD_MIN. */
int account_password_check(const char *password, struct sk_error *err);

/* A new random password of ACCOUNT_PASSWORD_GENERATED characters into
 * out. */
void account_password_new(char out[ACCOUNT_PASSWORD_GENERATED + 1]);

/* Add user u (name, role, org_id; u->id set on success) with password,
 * as actor. SK_EINVAL for a bad name, SK_EEXIST for a taken one. */
int account_user_add(struct store *st, const struct user *actor, struct user *u,
		     const char *password, struct sk_error *err);

/* Set the password of the user named name, as actor (an admin, or that
 * user itself), and end that user's sessions but the one stored under
 * keep_session (a session hash; NULL: all). SK_EINVAL for a password
 * account_password_check() refuses; audited. */
int account_password_set(struct store *st, const struct user *actor, const char *name,
			 const char *password, const char *keep_session, struct sk_error *err);

/* A token created: its id, owner, expiry ("" for never), scopes and the
 * token itself, shown once. */
struct account_token {
	int64_t id;
	struct user user;
	char expires[21];
	char scopes[USER_SCOPES_TEXT];
	char token[SECRET_TOKEN_LEN + 1];
};

/* Create an API token for the user named user_name with label, living
 * lifetime seconds (0: until revoked; at most ACCOUNT_LIFETIME_MAX),
 * with scopes (USER_SCOPE_*; 0: none beyond the user's role), as actor.
 * *out is written only on success; the caller wipes out->token once
 * shown. */
int account_token_create(struct store *st, const struct user *actor, const char *user_name,
			 const char *label, int64_t lifetime, unsigned scopes,
			 struct account_token *out, struct sk_error *err);

/* Every token (of the user named user_name, or of everyone when NULL),
 * with its label, creation, expiry and last use, as actor. */
int account_token_each(struct store *st, const struct user *actor, const char *user_name,
		       store_token_fn fn, void *ctx, struct sk_error *err);

#endif
