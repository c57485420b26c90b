/* http/auth.c: Bearer tokens and HTTP Basic against the store's users.
 * SECURITY: the Authorization header is untrusted and at most
 * AUTH_HEADER_MAX bytes. Tokens are looked up only by their hash; a Basic
 * login for an unknown user still costs one argon2id verification, so
 * response times do not reveal which names exist. Basic logins pass the
 * sign-in limits (http/signin.h) before any password check; user names
 * are quoted in the log with str_show(), passwords never. */
#include "http/auth.h"

#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "http/response.h"
#include "http/session.h"
#include "http/signin.h"
#include "lib/error.h"
#include "lib/log.h"
#include "lib/secret.h"
#include "lib/str.h"
#include "store/store.h"

static pthread_once_t auth_dummy_once = PTHREAD_ONCE_INIT;
static char auth_dummy_hash[SECRET_PWHASH_MAX];

static void auth_dummy_init(void)
{
	if (secret_password_hash("schakel: no such user", auth_dummy_hash) != 0)
		auth_dummy_hash[0] = '\0';
}

/* Verify password against hash (NULL or "" for a user without a
 * password: the dummy hash is verified instead, and the answer is no). */
static bool auth_verify(const char *hash, const char *password)
{
	bool usable = hash != NULL && hash[0] != '\0';
	bool ok;

	pthread_once(&auth_dummy_once, auth_dummy_init);
	ok = secret_password_verify(usable ? hash : auth_dummy_hash, password);
	return usable && ok;
}

int auth_parse(const char *authorization, struct auth_credentials *out, struct sk_error *err)
{
	unsigned char raw[AUTH_HEADER_MAX];
	const char *sp, *b64;
	size_t scheme_len, len = 0;
	char *colon;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (authorization == NULL || *authorization == '\0')
		return sk_error_set(
		    err, SK_EPERM, "authentication required: send Authorization: Bearer TOKEN");
	if (strlen(authorization) > AUTH_HEADER_MAX)
		return sk_error_set(err, SK_EPERM, "Authorization header is too long");
	sp = strchr(authorization, ' ');
	if (sp == NULL)
		return sk_error_set(err, SK_EPERM, "malformed Authorization header");
	scheme_len = (size_t)(sp - authorization);
	while (*sp == ' ')
		sp++;
	if (scheme_len == 6 && strncasecmp(authorization, "Bearer", 6) == 0) {
		if (*sp == '\0' || strpbrk(sp, " \t") != NULL)
			return sk_error_set(err, SK_EPERM, "malformed bearer token");
		out->scheme = AUTH_BEARER;
		out->token = sp;
		return 0;
	}
	if (scheme_len != 5 || strncasecmp(authorization, "Basic", 5) != 0)
		return sk_error_set(err, SK_EPERM,
				    "unsupported authorization scheme; use Bearer or Basic");
	b64 = sp;
	if (sodium_base642bin(raw, sizeof(raw) - 1, b64, strlen(b64), NULL, &len, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0) {
		rc = sk_error_set(err, SK_EPERM, "malformed Basic credentials");
		goto out;
	}
	raw[len] = '\0';
	colon = strchr((char *)raw, ':');
	if (memchr(raw, '\0', len) != NULL || colon == NULL || colon == (char *)raw) {
		rc = sk_error_set(err, SK_EPERM, "malformed Basic credentials");
		goto out;
	}
	*colon = '\0';
	memcpy(out->text, raw, len + 1);
	out->scheme = AUTH_BASIC;
	out->name = out->text;
	out->password = out->text + (colon - (char *)raw) + 1;
out:
	sodium_memzero(raw, sizeof(raw));
	return rc;
}

void auth_credentials_clear(struct auth_credentials *c)
{
	sodium_memzero(c, sizeof(*c));
}

/* The fields of a failed sign-in's log event: how (token, password,
 * session), the user name it gave (shown safely; NULL: none) and the
 * client's address. Never the secret. */
#define AUTH_FIELDS(how, user, client)                                                         \
	(const struct log_field[])                                                             \
	{                                                                                      \
		LOG_STR("auth", (how)), LOG_STR("user", (user)),                               \
		    LOG_STR("client", (client)->addr), LOG_END                                 \
	}

static int auth_bearer(struct store *st, const char *token, const struct auth_client *client,
		       struct user *out, struct sk_error *err)
{
	char hash[SECRET_HASH_HEX + 1];
	struct user u;
	int rc;

	secret_token_hash(token, hash);
	rc = store_token_lookup(st, hash, &u, err);
	if (rc == SK_ENOTFOUND) {
		log_event(LOG_LEVEL_INFO, "auth.failed", AUTH_FIELDS("token", NULL, client),
			  "sign-in failed: unknown API token from %s", client->addr);
		return sk_error_set(err, SK_EPERM, "invalid or revoked token");
	}
	if (rc == SK_EPERM)
		log_event(LOG_LEVEL_INFO, "auth.failed", AUTH_FIELDS("token", NULL, client),
			  "sign-in failed: %s (from %s)", err->msg, client->addr);
	if (rc != 0)
		return rc;
	*out = u;
	return 0;
}

/* The limits said no: wait->status and a message with the wait. */
static int auth_refuse_wait(struct auth_wait *wait, int status, int64_t secs,
			    struct sk_error *err)
{
	wait->status = status;
	wait->retry_after = secs > INT32_MAX ? INT32_MAX : (int)secs;
	if (status == 429)
		return sk_error_set(err, SK_EPERM,
				    "too many failed sign-ins; try again in %lld seconds",
				    (long long)secs);
	return sk_error_set(err, SK_EPERM,
			    "too many sign-ins in progress; try again in %lld seconds",
			    (long long)secs);
}

int auth_password(struct store *st, const char *name, const char *password,
		  const struct auth_client *client, struct user *out, struct auth_wait *wait,
		  struct sk_error *err)
{
	char pwhash[SECRET_PWHASH_MAX] = "", shown[STR_SHOW_SIZE(SIGNIN_KEY_MAX)];
	size_t nlen = strlen(name);
	struct signin *si = client->signin;
	int64_t secs;
	struct user u;
	bool ok;
	int rc;

	memset(wait, 0, sizeof(*wait));
	str_show(name, nlen, SIGNIN_KEY_MAX, shown);
	if (si != NULL && (secs = signin_check(si, name, client->addr, client->now)) > 0) {
		log_debug("sign-in refused: user '%s' from %s is locked for %lld more seconds",
			  shown, client->addr, (long long)secs);
		return auth_refuse_wait(wait, 429, secs, err);
	}
	if (si != NULL && !signin_slot_take(si)) {
		log_debug("sign-in refused: user '%s' from %s: all password checks busy", shown,
			  client->addr);
		return auth_refuse_wait(wait, 503, 1, err);
	}
	rc = nlen > USER_NAME_MAX ? SK_ENOTFOUND
				  : store_user_get_by_name(st, name, &u, pwhash, err);
	ok = (rc == 0 || rc == SK_ENOTFOUND) &&
	     auth_verify(rc == 0 ? pwhash : NULL, password) && rc == 0;
	if (si != NULL)
		signin_slot_give(si);
	sodium_memzero(pwhash, sizeof(pwhash));
	if (rc != 0 && rc != SK_ENOTFOUND)
		return rc;
	if (!ok) {
		int which = 0;

		secs =
		    si != NULL ? signin_failed(si, name, client->addr, client->now, &which) : 0;
		log_event(LOG_LEVEL_WARN, "auth.failed", AUTH_FIELDS("password", shown, client),
			  "sign-in failed: user '%s' from %s", shown, client->addr);
		if (which & SIGNIN_LOCKED_USER)
			log_warn(
			    "sign-in locked for %lld seconds: too many failures of user '%s'",
			    (long long)secs, shown);
		if (which & SIGNIN_LOCKED_ADDRESS)
			log_warn("sign-in locked for %lld seconds: too many failures from %s",
				 (long long)secs, client->addr);
		return sk_error_set(err, SK_EPERM, "invalid user name or password");
	}
	if (si != NULL)
		signin_succeeded(si, name, client->now);
	*out = u;
	return 0;
}

int auth_authenticate(struct store *st, const char *authorization,
		      const struct auth_client *client, struct user *out,
		      struct auth_wait *wait, struct sk_error *err)
{
	struct auth_credentials cred;
	int rc;

	memset(wait, 0, sizeof(*wait));
	if ((rc = auth_parse(authorization, &cred, err)) != 0)
		goto out;
	if (cred.scheme == AUTH_BEARER)
		rc = auth_bearer(st, cred.token, client, out, err);
	else
		rc = auth_password(st, cred.name, cred.password, client, out, wait, err);
out:
	auth_credentials_clear(&cred);
	return rc;
}

int auth_session(struct store *st, const char *cookie, int64_t idle,
		 const struct auth_client *client, struct user *out, struct session *session,
		 struct sk_error *err)
{
	char id[SESSION_RANDOM_LEN + 1];
	struct session s;
	struct user u;
	int rc;

	memset(&s, 0, sizeof(s));
	if (!session_cookie_id(cookie, id))
		return sk_error_set(err, SK_EPERM,
				    "authentication required: sign in or send Authorization: "
				    "Bearer TOKEN");
	secret_token_hash(id, s.hash);
	sodium_memzero(id, sizeof(id));
	rc = store_session_lookup(st, s.hash, idle, &u, &s.info, err);
	if (rc == SK_ENOTFOUND) {
		log_event(LOG_LEVEL_INFO, "auth.failed", AUTH_FIELDS("session", NULL, client),
			  "sign-in failed: unknown or ended session from %s", client->addr);
		return sk_error_set(err, SK_EPERM, "the session has ended; sign in again");
	}
	if (rc == SK_EPERM)
		log_event(LOG_LEVEL_INFO, "auth.failed", AUTH_FIELDS("session", NULL, client),
			  "sign-in failed: %s (from %s)", err->msg, client->addr);
	if (rc != 0)
		return rc;
	*out = u;
	*session = s;
	return 0;
}

void auth_answer(struct http_response *resp, const struct auth_wait *wait, const char *msg)
{
	if (wait->status == 0) {
		http_response_error(resp, 401, "unauthenticated", "%s", msg);
		return;
	}
	http_response_error(resp, wait->status,
			    wait->status == 429 ? "too_many_requests" : "unavailable", "%s",
			    msg);
	resp->retry_after = wait->retry_after;
}
