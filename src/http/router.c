/* http/router.c: matching a method and a path against the route tables.
 * SECURITY: the path comes from the client; segments are compared
 * without copying, and a parameter is copied only when it fits
 * ROUTER_PARAM_MAX. */
#include "http/router.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Match path against pattern, filling m when it matches. Both walk
 * segment by segment; "{name}" takes one non-empty segment. */
static bool pattern_match(const char *pattern, const char *path, struct router_match *m)
{
	const char *p = pattern, *s = path;
	int n = 0;

	while (*p != '\0' && *s != '\0') {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			size_t len = strcspn(s, "/");

			if (close == NULL || len == 0 || len > ROUTER_PARAM_MAX ||
			    n >= ROUTER_PARAMS_MAX)
				return false;
			m->names[n] = p + 1;
			m->name_lens[n] = (size_t)(close - p - 1);
			memcpy(m->values[n], s, len);
			m->values[n][len] = '\0';
			n++;
			p = close + 1;
			s += len;
			continue;
		}
		if (*p != *s)
			return false;
		p++;
		s++;
	}
	if (*p != '\0' || *s != '\0')
		return false;
	m->nparams = n;
	return true;
}

/* Does route answer method? GET routes also answer HEAD. */
static bool method_match(const struct router_route *r, const char *method)
{
	if (strcmp(r->method, method) == 0)
		return true;
	return strcmp(method, "HEAD") == 0 && strcmp(r->method, "GET") == 0;
}

/* Add method to the comma-separated list in allow, once. */
static void allow_add(char allow[ROUTER_ALLOW_MAX], const char *method)
{
	size_t used = strlen(allow);
	const char *p = allow;
	size_t n = strlen(method);
	int w;

	while ((p = strstr(p, method)) != NULL) {
		if ((p == allow || p[-1] == ' ') && (p[n] == ',' || p[n] == '\0'))
			return;
		p += n;
	}
	w = snprintf(allow + used, ROUTER_ALLOW_MAX - used, "%s%s", used ? ", " : "", method);
	if (w < 0 || (size_t)w >= ROUTER_ALLOW_MAX - used)
		allow[used] = '\0'; /* does not fit: leave the list as it was */
}

enum router_result router_match(const struct router_route *const *tables, const char *method,
				const char *path, struct router_match *out,
				char allow[ROUTER_ALLOW_MAX])
{
	struct router_match m;
	char methods[ROUTER_ALLOW_MAX] = "";
	bool path_seen = false;

	for (size_t t = 0; tables[t] != NULL; t++) {
		for (const struct router_route *r = tables[t]; r->pattern != NULL; r++) {
			memset(&m, 0, sizeof(m));
			if (!pattern_match(r->pattern, path, &m))
				continue;
			if (method_match(r, method)) {
				m.route = r;
				*out = m;
				return ROUTER_FOUND;
			}
			path_seen = true;
			allow_add(methods, r->method);
			if (strcmp(r->method, "GET") == 0)
				allow_add(methods, "HEAD");
		}
	}
	if (!path_seen)
		return ROUTER_NO_PATH;
	memcpy(allow, methods, sizeof(methods));
	return ROUTER_NO_METHOD;
}

const char *router_param(const struct router_match *m, const char *name)
{
	size_t n = strlen(name);

	for (int i = 0; i < m->nparams; i++)
		if (m->name_lens[i] == n && memcmp(m->names[i], name, n) == 0)
			return m->values[i];
	return NULL;
}
