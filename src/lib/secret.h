/* lib/secret.h: API tokens and passwords (libsodium). Tokens are random,
 * shown once and stored only as a hash; passwords are argon2id. */
#ifndef SK_LIB_SECRET_H
#define SK_LIB_SECRET_H

#include <stdbool.h>
#include <stddef.h>

struct sk_error;

#define SECRET_TOKEN_LEN 47	/* "sk_" + 44 characters of base64url (33 bytes) */
#define SECRET_HASH_HEX 64	/* BLAKE2b-256 in hex */
#define SECRET_PWHASH_MAX 128	/* argon2id encoded string */

/* Call once before any other function here; 0 or SK_EIO. */
int secret_init(void);
/* A new random token into out (SECRET_TOKEN_LEN + 1 bytes). */
void secret_token_new(char out[SECRET_TOKEN_LEN + 1]);
/* The hash under which a token is stored and looked up. */
void secret_token_hash(const char *token, char out[SECRET_HASH_HEX + 1]);
/* argon2id hash of a password; 0 or SK_EIO. */
int secret_password_hash(const char *password, char out[SECRET_PWHASH_MAX]);
bool secret_password_verify(const char *hash, const char *password);
/* The first line of the secret file path (what names it in errors, such
 * as "[metrics] token_file") into out (size bytes, NUL-terminated): the
 * file must be a regular file nobody but its owner may read (mode 600
 * or stricter), its line 1 to size - 1 bytes without a NUL byte. 0, or
 * SK_ECONFIG (SK_EIO for a read error) naming the file. out is wiped on
 * failure. */
int secret_file_read(const char *path, const char *what, char *out, size_t size,
		     struct sk_error *err);
/* Constant-time comparison of two equal-length strings. */
bool secret_equal(const char *a, const char *b, size_t len);

#endif
