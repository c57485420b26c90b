/* http/session.h: the sign-in session of the web console, as HTTP sees
 * it: the cookie that carries its random id, the CSRF token that every
 * state-changing request made with that cookie must echo in the
 * X-CSRF-Token header, and the Set-Cookie header. The store keeps a
 * session only under the hash of its id (store_session_*). */
#ifndef SK_HTTP_SESSION_H
#define SK_HTTP_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/secret.h"
#include "store/store.h"

#define SESSION_COOKIE	   "schakel_session"
#define SESSION_CSRF	   "X-CSRF-Token"
#define SESSION_RANDOM_LEN 43  /* 32 random bytes in base64url, unpadded */
#define SESSION_HEADER_MAX 160 /* a Set-Cookie value */

/* Defaults of [session] in schakel.conf. */
#define SESSION_IDLE_TIMEOUT (30 * 60)
#define SESSION_LIFETIME     (12 * 3600)

struct session_config {
	int64_t idle_timeout; /* seconds without a request that end a session */
	int64_t lifetime;     /* seconds from sign-in to the absolute end */
	bool cookie_secure;   /* mark the cookie Secure (HTTPS only) */
	bool cookie_auto;     /* decide cookie_secure per request: Secure over HTTPS,
				 served here or at a trusted proxy */
};

/* A session a request came with. */
struct session {
	struct session_info info;	/* as stored */
	char hash[SECRET_HASH_HEX + 1]; /* the stored hash of the cookie's id */
};

/* A new random id or CSRF token (SESSION_RANDOM_LEN characters of
 * base64url) into out. */
void session_random(char out[SESSION_RANDOM_LEN + 1]);

/* The session id in a Cookie header value (NULL: none) into out: true
 * when it has a schakel_session cookie of SESSION_RANDOM_LEN base64url
 * characters. Other cookies are skipped; a malformed one is none. */
bool session_cookie_id(const char *cookie, char out[SESSION_RANDOM_LEN + 1]);

/* Must a request of method made with the cookie carry the CSRF token?
 * All but GET and HEAD. */
bool session_needs_csrf(const char *method);

/* Is sent (an X-CSRF-Token value, NULL when absent) the session's token
 * expected? Compared in constant time. */
bool session_csrf_ok(const char *expected, const char *sent);

/* The Set-Cookie value that gives the browser id (NULL: that clears the
 * cookie) into out: Path=/, HttpOnly, SameSite=Strict, and Secure when
 * secure. No Max-Age: the cookie lasts as long as the browser runs, the
 * session as long as the store says. */
void session_set_cookie(char out[SESSION_HEADER_MAX], const char *id, bool secure);

#endif
