/* http/session.c: session cookies and CSRF tokens (see session.h).
 * SECURITY: the Cookie and X-CSRF-Token headers come from the client.
 * Only a value of exactly SESSION_RANDOM_LEN base64url characters is
 * taken as an id, so nothing else reaches the store; tokens are compared
 * in constant time. */
#include "http/session.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static bool is_b64url(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
	}
	return true;
}

void session_random(char out[SESSION_RANDOM_LEN + 1])
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, SESSION_RANDOM_LEN + 1, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

bool session_cookie_id(const char *cookie, char out[SESSION_RANDOM_LEN + 1])
{
	static const char name[] = SESSION_COOKIE "=";
	const char *p = cookie;

	while (p != NULL && *p != '\0') {
		const char *end = strchr(p, ';');
		size_t len;

		while (*p == ' ' || *p == '\t')
			p++;
		len = end != NULL ? (size_t)(end - p) : strlen(p);
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == sizeof(name) - 1 + SESSION_RANDOM_LEN &&
		    memcmp(p, name, sizeof(name) - 1) == 0 &&
		    is_b64url(p + sizeof(name) - 1, SESSION_RANDOM_LEN)) {
			memcpy(out, p + sizeof(name) - 1, SESSION_RANDOM_LEN);
			out[SESSION_RANDOM_LEN] = '\0';
			return true;
		}
		p = end != NULL ? end + 1 : NULL;
	}
	return false;
}

bool session_needs_csrf(const char *method)
{
	return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

bool session_csrf_ok(const char *expected, const char *sent)
{
	size_t n = strlen(expected);

	if (sent == NULL || n == 0 || strlen(sent) != n)
		return false;
	return sodium_memcmp(expected, sent, n) == 0;
}

void session_set_cookie(char out[SESSION_HEADER_MAX], const char *id, bool secure)
{
	snprintf(out, SESSION_HEADER_MAX, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s",
		 SESSION_COOKIE, id != NULL ? id : "", id == NULL ? "; Max-Age=0" : "",
		 secure ? "; Secure" : "");
}
