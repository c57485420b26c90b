/* http/auth.h: who is asking. An API request names its user with
 * "Authorization: Bearer TOKEN" (a token from `schakel token create`) or
 * "Authorization: Basic base64(name:password)". */
#ifndef SK_HTTP_AUTH_H
#define SK_HTTP_AUTH_H

#include "model/user.h"

struct sk_error;
struct store;

#define AUTH_HEADER_MAX 1024 /* longer Authorization headers are refused */

/* The user named by the Authorization header value (NULL when the
 * request has none). 0 fills *out. SK_EPERM when the header is absent,
 * malformed or names no user (err says which, without telling whether a
 * user name exists); SK_ETEMP or SK_EIO when the store failed. Password
 * checks are argon2id and run one at a time, so that a flood of Basic
 * requests cannot exhaust memory. Everything is borrowed. */
int auth_authenticate(struct store *st, const char *authorization, struct user *out,
		      struct sk_error *err);

#endif
