/* lib/secret.c: tokens and passwords with libsodium. */
#include "lib/secret.h"

#include <sodium.h>
#include <string.h>

#include "lib/error.h"

int secret_init(void)
{
	return sodium_init() < 0 ? SK_EIO : 0;
}

void secret_token_new(char out[SECRET_TOKEN_LEN + 1])
{
	unsigned char raw[33];
	char b64[64];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(b64, sizeof(b64), raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	memcpy(out, "sk_", 3);
	memcpy(out + 3, b64, SECRET_TOKEN_LEN - 3);
	out[SECRET_TOKEN_LEN] = '\0';
}

void secret_token_hash(const char *token, char out[SECRET_HASH_HEX + 1])
{
	unsigned char h[32];

	crypto_generichash(h, sizeof(h), (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(out, SECRET_HASH_HEX + 1, h, sizeof(h));
}

int secret_password_hash(const char *password, char out[SECRET_PWHASH_MAX])
{
	if (crypto_pwhash_str(out, password, strlen(password),
			      crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return SK_EIO;
	return 0;
}

bool secret_password_verify(const char *hash, const char *password)
{
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

bool secret_equal(const char *a, const char *b, size_t len)
{
	return sodium_memcmp(a, b, len) == 0;
}
