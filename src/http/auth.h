/* http/auth.h: who is asking. An API request names its user with
 * "Authorization: Bearer TOKEN" (a token from `schakel token create`),
 * "Authorization: Basic base64(name:password)" or, from the web console,
 * the cookie of a session (http/session.h); the header wins. */
#ifndef SK_HTTP_AUTH_H
#define SK_HTTP_AUTH_H

#include <stdint.h>

#include "model/user.h"

struct http_response;
struct sk_error;
struct session;
struct signin;
struct store;

#define AUTH_HEADER_MAX 1024 /* longer Authorization headers are refused */

enum auth_scheme { AUTH_BEARER, AUTH_BASIC };

/* What an Authorization header says. */
struct auth_credentials {
	enum auth_scheme scheme;
	const char *token;	    /* Bearer: borrowed from the header */
	const char *name;	    /* Basic: the user name, in text */
	const char *password;	    /* Basic: the password, in text */
	char text[AUTH_HEADER_MAX]; /* Basic: "name\0password\0" */
};

/* Split an Authorization header value into *out: "Bearer TOKEN" (a token
 * without spaces) or "Basic base64(name:password)" (name not empty, no
 * NUL bytes). SK_EPERM says what is wrong; a header over AUTH_HEADER_MAX
 * bytes is refused. Wipe *out with auth_credentials_clear(). */
int auth_parse(const char *authorization, struct auth_credentials *out, struct sk_error *err);
void auth_credentials_clear(struct auth_credentials *c);

/* Who asks, for the sign-in limits and the log. */
struct auth_client {
	struct signin *signin; /* NULL: no limits */
	const char *addr;      /* client address, "-" when unknown */
	int64_t now;	       /* seconds on a monotonic clock */
};

/* A sign-in refused before any password check. */
struct auth_wait {
	int status;	 /* 429: name or address locked; 503: all checks busy */
	int retry_after; /* seconds */
};

/* The user named by the Authorization header value (NULL when the
 * request has none). 0 fills *out. SK_EPERM when the header is absent,
 * malformed or names no user (err says which, without telling whether a
 * user name exists), or when the token expired; with wait->status set
 * when the sign-in limits refused it. SK_ETEMP or SK_EIO when the store
 * failed. Password checks are argon2id (64 MiB each); at most the
 * limiter's concurrency run at once, and failures are logged with user
 * name and address, never the password. Everything is borrowed. */
int auth_authenticate(struct store *st, const char *authorization,
		      const struct auth_client *client, struct user *out,
		      struct auth_wait *wait, struct sk_error *err);

/* Check name and password as Basic does, with the same limits: 0
 * fills *out; SK_EPERM "invalid user name or password" (the same for
 * both), with wait->status set when the limits refused it; SK_ETEMP or
 * SK_EIO when the store failed. Everything is borrowed. */
int auth_password(struct store *st, const char *name, const char *password,
		  const struct auth_client *client, struct user *out, struct auth_wait *wait,
		  struct sk_error *err);

/* Answer a refused sign-in with message msg: 429 "too_many_requests" or
 * 503 "unavailable" with Retry-After when wait says the limits refused
 * it, else 401 "unauthenticated". */
void auth_answer(struct http_response *resp, const struct auth_wait *wait, const char *msg);

/* The user of the session whose cookie is in the Cookie header value
 * (NULL: none), not idle for idle seconds: 0 fills *out and *session.
 * SK_EPERM when there is no such cookie or the session is unknown or
 * ended; SK_ETEMP or SK_EIO when the store failed. Borrowed. */
int auth_session(struct store *st, const char *cookie, int64_t idle,
		 const struct auth_client *client, struct user *out, struct session *session,
		 struct sk_error *err);

#endif
