/* tests/fuzz/fuzz_request.c: libFuzzer target for what the server reads
 * from a client before a handler runs: the Authorization header
 * (auth_parse), the body framing (Content-Length, Transfer-Encoding),
 * the media type, the query arguments with their limits, paging, and the
 * JSON body. The input is five lines (Authorization, Content-Length,
 * Transfer-Encoding, Content-Type, query string; "-" for an absent
 * header) and the body after them. Each accepted value must keep its
 * limits; input is cut at 8 KiB. */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/auth.h"
#include "http/request.h"
#include "lib/error.h"

#define FUZZ_INPUT_MAX 8192
#define FUZZ_MAX_BODY  4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The next line of *p (cut at '\n'), or NULL for "-"; *p moves on. */
static const char *next_line(char **p)
{
	char *line = *p, *nl = strchr(line, '\n');

	if (nl != NULL) {
		*nl = '\0';
		*p = nl + 1;
	} else {
		*p = line + strlen(line);
	}
	return strcmp(line, "-") == 0 ? NULL : line;
}

static void check_auth(const char *header)
{
	struct auth_credentials c;
	struct sk_error err = {0};

	if (auth_parse(header, &c, &err) != 0) {
		if (err.code != SK_EPERM || err.msg[0] == '\0')
			abort();
		return;
	}
	if (c.scheme == AUTH_BEARER) {
		if (c.token == NULL || c.token[0] == '\0' || strpbrk(c.token, " \t") != NULL)
			abort();
	} else {
		if (c.name == NULL || c.password == NULL || c.name[0] == '\0' ||
		    strchr(c.name, ':') != NULL ||
		    strlen(c.name) + strlen(c.password) + 2 > sizeof(c.text))
			abort();
	}
	auth_credentials_clear(&c);
}

static void check_query(struct http_request *req, char *query)
{
	struct sk_error err = {0};
	struct http_page pg;
	size_t bytes = 0;
	int64_t v;
	char *arg = query;

	while (arg != NULL && *arg != '\0') {
		char *amp = strchr(arg, '&'), *eq;

		if (amp != NULL)
			*amp = '\0';
		eq = strchr(arg, '=');
		if (eq != NULL)
			*eq = '\0';
		if (!http_request_add_query(req, &bytes, arg, eq != NULL ? eq + 1 : NULL))
			break;
		arg = amp != NULL ? amp + 1 : NULL;
	}
	if (req->nquery > HTTP_QUERY_MAX || bytes > HTTP_QUERY_BYTES_MAX)
		abort();
	if (http_request_page(req, &pg, &err) == 0 &&
	    (pg.limit < 1 || pg.limit > HTTP_PAGE_MAX || pg.offset < 0))
		abort();
	if (http_request_query_int(req, "n", -5, 5, 0, &v, &err) == 0 && (v < -5 || v > 5))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[FUZZ_INPUT_MAX + 1];
	const char *authz, *clen, *te, *ctype;
	char *p = text, *query;
	struct http_request req;
	struct http_framing f;
	struct sk_error err = {0};
	json_t *v = NULL;

	if (sodium_init() < 0)
		abort();
	if (size > FUZZ_INPUT_MAX)
		size = FUZZ_INPUT_MAX;
	memcpy(text, data, size);
	text[size] = '\0';
	authz = next_line(&p);
	clen = next_line(&p);
	te = next_line(&p);
	ctype = next_line(&p);
	query = (char *)next_line(&p);

	check_auth(authz);
	if (http_request_framing(clen, clen != NULL, te, FUZZ_MAX_BODY, &f, &err) == 0) {
		if ((f.chunked && clen != NULL) || f.length < 0 || f.length > FUZZ_MAX_BODY ||
		    (f.has_body && !f.chunked && f.length == 0))
			abort();
	} else if (err.code != SK_EINVAL && err.code != SK_ETOOBIG) {
		abort();
	}
	(void)http_request_is_json(ctype);

	memset(&req, 0, sizeof(req));
	check_query(&req, query);
	req.body = p;
	req.body_len = strlen(p);
	if (http_request_json(&req, size % 2 == 0, &v, &err) == 0) {
		if (v == NULL || (size % 2 == 0 && !json_is_object(v)))
			abort();
		json_decref(v);
	} else if (err.code != SK_EINVAL) {
		abort();
	}
	return 0;
}
