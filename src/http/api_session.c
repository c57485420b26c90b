/* http/api_session.c: POST, GET and DELETE /api/v1/session and POST
 * /api/v1/me/password. A sign-in checks the password as Basic does
 * (http/auth.h), within the same limits, and answers the user (as GET
 * /api/v1/me), the CSRF token and the session's end, with the cookie.
 * SECURITY: bodies come from clients; passwords are never logged or
 * audited, and a wrong name and a wrong password get the same answer. */
#include "http/api_session.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "access/account.h"
#include "http/api_registry.h"
#include "http/auth.h"
#include "http/request.h"
#include "http/response.h"
#include "http/session.h"
#include "lib/error.h"
#include "lib/str.h"
#include "store/store.h"

#define ACTOR_MAX (USER_NAME_MAX + 8)

static const struct session_config session_defaults = {SESSION_IDLE_TIMEOUT, SESSION_LIFETIME,
						       false};

static const struct session_config *session_cfg(const struct http_request *req)
{
	return req->sessions != NULL ? req->sessions : &session_defaults;
}

/* The client as the sign-in limits see it. */
static struct auth_client session_client(const struct http_request *req)
{
	struct auth_client c = {req->signin, req->client != NULL ? req->client : "-", 0};
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	c.now = (int64_t)now.tv_sec;
	return c;
}

/* {"user": as GET /api/v1/me, "csrf_token", "expires", "idle_timeout"};
 * NULL with err set when the store fails. */
static json_t *session_json(struct store *st, const struct user *u,
			    const struct session_info *si, int64_t idle, struct sk_error *err)
{
	json_t *me = api_me_json(st, u, err);

	if (me == NULL)
		return NULL;
	return json_pack("{s:o, s:s, s:s, s:I}", "user", me, "csrf_token", si->csrf, "expires",
			 si->expires, "idle_timeout", (json_int_t)idle);
}

/* The strings a and b of the JSON object body into *va and *vb. */
static int two_strings(json_t *body, const char *a, const char *b, const char **va,
		       const char **vb, struct sk_error *err)
{
	*va = json_string_value(json_object_get(body, a));
	*vb = json_string_value(json_object_get(body, b));
	if (*va == NULL || *vb == NULL)
		return sk_error_set(err, SK_EINVAL,
				    "the body needs \"%s\" and \"%s\" as strings", a, b);
	return 0;
}

/* POST /api/v1/session {"name", "password"}: sign in. */
static int api_session_begin(struct http_request *req, struct http_response *resp,
			     struct sk_error *err)
{
	const struct session_config *cfg = session_cfg(req);
	struct auth_client client = session_client(req);
	char id[SESSION_RANDOM_LEN + 1], hash[SECRET_HASH_HEX + 1], actor[ACTOR_MAX];
	const char *name, *password;
	struct auth_wait wait;
	struct session_info si;
	json_t *body = NULL;
	struct user u;
	int rc;

	memset(&si, 0, sizeof(si));
	if ((rc = http_request_json(req, true, &body, err)) != 0 ||
	    (rc = two_strings(body, "name", "password", &name, &password, err)) != 0)
		goto out;
	rc = auth_password(req->st, name, password, &client, &u, &wait, err);
	if (rc == SK_EPERM) {
		auth_answer(resp, &wait, err->msg);
		rc = 0;
		goto out;
	}
	if (rc != 0)
		goto out;
	session_random(id);
	session_random(si.csrf);
	secret_token_hash(id, hash);
	si.user_id = u.id;
	str_time_iso(str_time_now() + (time_t)cfg->lifetime, si.expires);
	snprintf(actor, sizeof(actor), "api:%s", u.name);
	store_set_actor(req->st, actor);
	rc = store_session_add(req->st, &si, hash, cfg->idle_timeout, client.addr, err);
	if (rc == 0) {
		json_t *answer = session_json(req->st, &u, &si, cfg->idle_timeout, err);

		if (answer == NULL) {
			rc = err->code != 0 ? err->code : SK_EIO;
		} else {
			http_response_json(resp, 201, answer);
			session_set_cookie(resp->cookie, id, cfg->cookie_secure);
		}
	}
	explicit_bzero(id, sizeof(id));
out:
	json_decref(body);
	return rc;
}

/* The request's session, or a 401 in resp. */
static const struct session *session_of(const struct http_request *req,
					struct http_response *resp)
{
	if (req->session == NULL)
		http_response_error(resp, 401, "unauthenticated",
				    "this request carries no session cookie; sign in with "
				    "POST /api/v1/session");
	return req->session;
}

/* GET /api/v1/session: the session of the cookie, for a page reload. */
static int api_session_get(struct http_request *req, struct http_response *resp,
			   struct sk_error *err)
{
	const struct session *s = session_of(req, resp);
	json_t *answer;

	if (s == NULL)
		return 0;
	answer =
	    session_json(req->st, req->user, &s->info, session_cfg(req)->idle_timeout, err);
	if (answer == NULL)
		return err->code != 0 ? err->code : SK_EIO;
	http_response_json(resp, 200, answer);
	return 0;
}

/* DELETE /api/v1/session: sign out; the cookie is cleared. */
static int api_session_end(struct http_request *req, struct http_response *resp,
			   struct sk_error *err)
{
	const struct session *s = session_of(req, resp);
	int rc;

	if (s == NULL)
		return 0;
	rc = store_session_end(req->st, s->hash, err);
	if (rc != 0 && rc != SK_ENOTFOUND)
		return rc;
	http_response_json(resp, 204, NULL);
	session_set_cookie(resp->cookie, NULL, session_cfg(req)->cookie_secure);
	return 0;
}

/* POST /api/v1/me/password {"current", "new"}: change one's own
 * password; the other sessions of the user end. */
static int api_me_password(struct http_request *req, struct http_response *resp,
			   struct sk_error *err)
{
	struct auth_client client = session_client(req);
	const char *current, *next;
	struct auth_wait wait;
	json_t *body = NULL;
	struct user u;
	int rc;

	if ((rc = http_request_json(req, true, &body, err)) != 0 ||
	    (rc = two_strings(body, "current", "new", &current, &next, err)) != 0 ||
	    (rc = account_password_check(next, err)) != 0)
		goto out;
	rc = auth_password(req->st, req->user->name, current, &client, &u, &wait, err);
	if (rc == SK_EPERM && wait.status != 0) {
		auth_answer(resp, &wait, err->msg);
		rc = 0;
		goto out;
	}
	if (rc == SK_EPERM) {
		http_response_error(resp, 403, "forbidden", "the current password is wrong");
		rc = 0;
		goto out;
	}
	if (rc == 0)
		rc =
		    account_password_set(req->st, req->user, req->user->name, next,
					 req->session != NULL ? req->session->hash : NULL, err);
	if (rc == 0)
		http_response_json(resp, 204, NULL);
out:
	json_decref(body);
	return rc;
}

const struct router_route api_session_routes[] = {
    {"POST", "/api/v1/session", api_session_begin, ACCESS_PUBLIC},
    {"GET", "/api/v1/session", api_session_get, ACCESS_USER},
    {"DELETE", "/api/v1/session", api_session_end, ACCESS_USER},
    {"POST", "/api/v1/me/password", api_me_password, ACCESS_USER},
    {NULL, NULL, NULL, ACCESS_PUBLIC},
};
