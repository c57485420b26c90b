/* lib/secret.c: tokens and passwords with libsodium. */
#include "lib/secret.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* Read what fd holds, up to size - 1 bytes, into out; the length or -1. */
static ssize_t read_all(int fd, char *out, size_t size)
{
	size_t len = 0;
	ssize_t r;

	while (len < size - 1) {
		r = read(fd, out + len, size - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		len += (size_t)r;
	}
	out[len] = '\0';
	return (ssize_t)len;
}

int secret_file_read(const char *path, const char *what, char *out, size_t size,
		     struct sk_error *err)
{
	char buf[4096];
	struct stat st;
	ssize_t got;
	size_t len;
	int fd, rc = 0;

	if (size < 2 || size > sizeof(buf) - 1)
		return sk_error_set(err, SK_EINVAL, "%s: no room for the secret", what);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return sk_error_set(err, SK_ECONFIG, "%s %s: %s", what, path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = sk_error_set(err, SK_ECONFIG, "%s %s: not a regular file", what, path);
		goto out;
	}
	if ((st.st_mode & 077) != 0) {
		rc = sk_error_set(err, SK_ECONFIG,
				  "%s %s: group or others may read it (chmod 600)", what, path);
		goto out;
	}
	/* One byte more than fits, to tell a line that is too long. */
	if ((got = read_all(fd, buf, size + 1)) < 0) {
		rc = sk_error_set(err, SK_EIO, "%s %s: %s", what, path, strerror(errno));
		goto out;
	}
	for (len = 0; len < (size_t)got && buf[len] != '\n' && buf[len] != '\r'; len++)
		if (buf[len] == '\0')
			break;
	if (len < (size_t)got && buf[len] == '\0')
		rc = sk_error_set(err, SK_ECONFIG, "%s %s: contains a NUL byte", what, path);
	else if (len == 0)
		rc = sk_error_set(err, SK_ECONFIG, "%s %s: empty", what, path);
	else if (len > size - 1)
		rc = sk_error_set(err, SK_ECONFIG, "%s %s: longer than %zu bytes", what, path,
				  size - 1);
	if (rc == 0) {
		memcpy(out, buf, len);
		out[len] = '\0';
	}
out:
	sodium_memzero(buf, sizeof(buf));
	if (rc != 0)
		sodium_memzero(out, size);
	close(fd);
	return rc;
}
