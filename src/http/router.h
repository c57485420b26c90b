/* http/router.h: the table that maps a method and a path to a handler.
 * Patterns are literal segments and "{name}" parameters, each matching
 * one non-empty segment ("/api/v1/orgs/{id}/resources/{rid}"). */
#ifndef SK_HTTP_ROUTER_H
#define SK_HTTP_ROUTER_H

#include <stddef.h>

#include "access/access.h"
#include "http/request.h"

#define ROUTER_PARAMS_MAX 4
#define ROUTER_PARAM_MAX  64 /* longest parameter value, in bytes */
#define ROUTER_ALLOW_MAX  64 /* room for "GET, HEAD, POST, PUT, PATCH, DELETE" */

/* A route that takes a bulk body (events): its media types, its own
 * body limit and an admission that bounds how many such requests run
 * at once, asked once the caller is admitted and before the body is
 * read. */
struct router_intake {
	const char *const *media; /* accepted media types, NULL-terminated */
	size_t (*max_body)(void); /* the body limit, bytes */
	/* Admit one more request: 0, or an answer (503, Retry-After) in
	 * resp. Every admitted request is let go once with leave(). */
	int (*enter)(struct http_response *resp);
	void (*leave)(void);
};

struct router_route {
	const char *method;  /* "GET", "POST", ...; GET also answers HEAD */
	const char *pattern; /* NULL ends a table */
	http_handler_fn handler;
	enum access_rule rule;		    /* who may call it: access_route() */
	const struct router_intake *intake; /* NULL: JSON within [http] max_body */
};

struct router_match {
	const struct router_route *route; /* borrowed from the table */
	int nparams;
	const char *names[ROUTER_PARAMS_MAX]; /* point into the pattern */
	size_t name_lens[ROUTER_PARAMS_MAX];
	char values[ROUTER_PARAMS_MAX][ROUTER_PARAM_MAX + 1];
};

enum router_result {
	ROUTER_FOUND,	  /* *out filled */
	ROUTER_NO_PATH,	  /* no pattern matches the path: 404 */
	ROUTER_NO_METHOD, /* a pattern matches, not for this method: 405 */
};

/* Find the route for method and path in tables (a NULL-terminated list
 * of route arrays, each ended by a route with a NULL pattern; the first
 * match wins). On ROUTER_FOUND *out is filled; on ROUTER_NO_METHOD allow
 * (ROUTER_ALLOW_MAX bytes) receives the methods the path does answer,
 * e.g. "GET, HEAD, POST". A parameter longer than ROUTER_PARAM_MAX does
 * not match. Everything is borrowed. */
enum router_result router_match(const struct router_route *const *tables, const char *method,
				const char *path, struct router_match *out,
				char allow[ROUTER_ALLOW_MAX]);

/* The value of parameter name in m, or NULL; borrowed from m. */
const char *router_param(const struct router_match *m, const char *name);

#endif
