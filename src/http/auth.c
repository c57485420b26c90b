/* http/auth.c: Bearer tokens and HTTP Basic against the store's users.
 * SECURITY: the Authorization header is untrusted and at most
 * AUTH_HEADER_MAX bytes. Tokens are looked up only by their hash; a Basic
 * login for an unknown user still costs one argon2id verification, so
 * response times do not reveal which names exist. */
#include "http/auth.h"

#include <pthread.h>
#include <sodium.h>
#include <strings.h>
#include <string.h>

#include "lib/error.h"
#include "lib/secret.h"
#include "store/store.h"

/* Password verification needs 64 MiB per call: one at a time. */
static pthread_mutex_t auth_verify_lock = PTHREAD_MUTEX_INITIALIZER;
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
	pthread_mutex_lock(&auth_verify_lock);
	ok = secret_password_verify(usable ? hash : auth_dummy_hash, password);
	pthread_mutex_unlock(&auth_verify_lock);
	return usable && ok;
}

static int auth_bearer(struct store *st, const char *token, struct user *out,
		       struct sk_error *err)
{
	char hash[SECRET_HASH_HEX + 1];
	struct user u;
	int rc;

	if (*token == '\0' || strpbrk(token, " \t") != NULL)
		return sk_error_set(err, SK_EPERM, "malformed bearer token");
	secret_token_hash(token, hash);
	rc = store_token_lookup(st, hash, &u, err);
	if (rc == SK_ENOTFOUND)
		return sk_error_set(err, SK_EPERM, "invalid or revoked token");
	if (rc != 0)
		return rc;
	*out = u;
	return 0;
}

static int auth_basic(struct store *st, const char *b64, struct user *out, struct sk_error *err)
{
	unsigned char raw[AUTH_HEADER_MAX];
	char pwhash[SECRET_PWHASH_MAX] = "";
	size_t len = 0;
	char *colon;
	struct user u;
	int rc;

	if (sodium_base642bin(raw, sizeof(raw) - 1, b64, strlen(b64), NULL, &len, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0)
		return sk_error_set(err, SK_EPERM, "malformed Basic credentials");
	raw[len] = '\0';
	colon = strchr((char *)raw, ':');
	if (memchr(raw, '\0', len) != NULL || colon == NULL || colon == (char *)raw)
		return sk_error_set(err, SK_EPERM, "malformed Basic credentials");
	*colon = '\0';
	rc = strlen((char *)raw) > USER_NAME_MAX
		 ? SK_ENOTFOUND
		 : store_user_get_by_name(st, (char *)raw, &u, pwhash, err);
	if (rc != 0 && rc != SK_ENOTFOUND)
		goto out;
	if (!auth_verify(rc == 0 ? pwhash : NULL, colon + 1)) {
		rc = sk_error_set(err, SK_EPERM, "invalid user name or password");
		goto out;
	}
	*out = u;
	rc = 0;
out:
	sodium_memzero(raw, sizeof(raw));
	sodium_memzero(pwhash, sizeof(pwhash));
	return rc;
}

int auth_authenticate(struct store *st, const char *authorization, struct user *out,
		      struct sk_error *err)
{
	const char *sp;
	size_t scheme_len;

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
	if (scheme_len == 6 && strncasecmp(authorization, "Bearer", 6) == 0)
		return auth_bearer(st, sp, out, err);
	if (scheme_len == 5 && strncasecmp(authorization, "Basic", 5) == 0)
		return auth_basic(st, sp, out, err);
	return sk_error_set(err, SK_EPERM,
			    "unsupported authorization scheme; use Bearer or Basic");
}
