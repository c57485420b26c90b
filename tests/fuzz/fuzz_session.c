/* tests/fuzz/fuzz_session.c: libFuzzer target for the headers a session
 * request brings: the Cookie header (session_cookie_id) and X-CSRF-Token
 * (session_csrf_ok). The input is the Cookie value, a newline, and the
 * token sent; input is cut at 8 KiB. An id taken must be 43 base64url
 * characters that follow "schakel_session=" in the header; a token
 * passes only when it is the expected one. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/session.h"

#define FUZZ_INPUT_MAX 8192

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char expected[] = "Zz-_0123456789abcdefghijklmnopqrstuvwxyzABC";
	char id[SESSION_RANDOM_LEN + 1],
	    needle[sizeof(SESSION_COOKIE) + SESSION_RANDOM_LEN + 1];
	char *text, *sent;

	if (size > FUZZ_INPUT_MAX)
		size = FUZZ_INPUT_MAX;
	text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	sent = strchr(text, '\n');
	if (sent != NULL)
		*sent++ = '\0';
	if (session_cookie_id(text, id)) {
		if (strlen(id) != SESSION_RANDOM_LEN ||
		    strspn(
			id,
			"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") !=
			SESSION_RANDOM_LEN)
			abort();
		memcpy(needle, SESSION_COOKIE "=", sizeof(SESSION_COOKIE));
		memcpy(needle + sizeof(SESSION_COOKIE), id, SESSION_RANDOM_LEN + 1);
		if (strstr(text, needle) == NULL)
			abort();
	}
	if (session_csrf_ok(expected, sent) != (sent != NULL && strcmp(sent, expected) == 0))
		abort();
	free(text);
	return 0;
}
