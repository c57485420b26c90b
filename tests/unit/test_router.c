/* tests/unit/test_router.c: routing a method and path to a handler,
 * path parameters, 404 versus 405 and the Allow list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "http/router.h"

static int h_list(struct http_request *r, struct http_response *s, struct sk_error *e)
{
	(void)r, (void)s, (void)e;
	return 1;
}

static int h_create(struct http_request *r, struct http_response *s, struct sk_error *e)
{
	(void)r, (void)s, (void)e;
	return 2;
}

static int h_get(struct http_request *r, struct http_response *s, struct sk_error *e)
{
	(void)r, (void)s, (void)e;
	return 3;
}

static int h_delete(struct http_request *r, struct http_response *s, struct sk_error *e)
{
	(void)r, (void)s, (void)e;
	return 4;
}

static int h_res(struct http_request *r, struct http_response *s, struct sk_error *e)
{
	(void)r, (void)s, (void)e;
	return 5;
}

static int h_health(struct http_request *r, struct http_response *s, struct sk_error *e)
{
	(void)r, (void)s, (void)e;
	return 6;
}

static const struct router_route routes[] = {
    {"GET", "/api/v1/orgs", h_list, ACCESS_USER},
    {"POST", "/api/v1/orgs", h_create, ACCESS_USER},
    {"GET", "/api/v1/orgs/{id}", h_get, ACCESS_USER},
    {"DELETE", "/api/v1/orgs/{id}", h_delete, ACCESS_USER},
    {"GET", "/api/v1/orgs/{id}/resources/{rid}", h_res, ACCESS_USER},
    {NULL, NULL, NULL, ACCESS_PUBLIC},
};
static const struct router_route more[] = {
    {"GET", "/healthz", h_health, ACCESS_PUBLIC},
    {NULL, NULL, NULL, ACCESS_PUBLIC},
};
static const struct router_route *const tables[] = {routes, more, NULL};

/* The handler's tag for method and path, or -404 / -405. */
static int route_of(const char *method, const char *path, struct router_match *m,
		    char allow[ROUTER_ALLOW_MAX])
{
	switch (router_match(tables, method, path, m, allow)) {
	case ROUTER_FOUND:
		return m->route->handler(NULL, NULL, NULL);
	case ROUTER_NO_PATH:
		return -404;
	default:
		return -405;
	}
}

static void test_literal_and_method(void **state)
{
	struct router_match m;
	char allow[ROUTER_ALLOW_MAX] = "";

	(void)state;
	assert_int_equal(route_of("GET", "/api/v1/orgs", &m, allow), 1);
	assert_int_equal(m.nparams, 0);
	assert_int_equal(route_of("POST", "/api/v1/orgs", &m, allow), 2);
	assert_int_equal(route_of("GET", "/healthz", &m, allow), 6);
	assert_int_equal(m.route->rule, ACCESS_PUBLIC);
	/* HEAD is answered by GET routes. */
	assert_int_equal(route_of("HEAD", "/api/v1/orgs", &m, allow), 1);
}

static void test_params(void **state)
{
	struct router_match m;
	char allow[ROUTER_ALLOW_MAX] = "";

	(void)state;
	assert_int_equal(route_of("GET", "/api/v1/orgs/42", &m, allow), 3);
	assert_int_equal(m.nparams, 1);
	assert_string_equal(router_param(&m, "id"), "42");
	assert_null(router_param(&m, "rid"));
	assert_null(router_param(&m, "i"));

	assert_int_equal(route_of("GET", "/api/v1/orgs/7/resources/99", &m, allow), 5);
	assert_string_equal(router_param(&m, "id"), "7");
	assert_string_equal(router_param(&m, "rid"), "99");
	/* Parameters are taken as given; handlers decide what is valid. */
	assert_int_equal(route_of("DELETE", "/api/v1/orgs/abc", &m, allow), 4);
	assert_string_equal(router_param(&m, "id"), "abc");
}

static void test_not_found(void **state)
{
	struct router_match m;
	char allow[ROUTER_ALLOW_MAX] = "untouched";
	char longpath[256];

	(void)state;
	assert_int_equal(route_of("GET", "/api/v1/org", &m, allow), -404);
	assert_int_equal(route_of("GET", "/api/v1/orgs/", &m, allow), -404);
	assert_int_equal(route_of("GET", "/api/v1/orgsx", &m, allow), -404);
	assert_int_equal(route_of("GET", "/api/v1/orgs//resources/1", &m, allow), -404);
	assert_int_equal(route_of("GET", "/api/v1/orgs/1/resources/", &m, allow), -404);
	assert_int_equal(route_of("GET", "/api/v1/orgs/1/2", &m, allow), -404);
	assert_int_equal(route_of("GET", "", &m, allow), -404);
	assert_int_equal(route_of("GET", "/", &m, allow), -404);
	/* A parameter longer than ROUTER_PARAM_MAX does not match. */
	memset(longpath, 0, sizeof(longpath));
	snprintf(longpath, sizeof(longpath), "/api/v1/orgs/");
	memset(longpath + strlen(longpath), '1', ROUTER_PARAM_MAX + 1);
	assert_int_equal(route_of("GET", longpath, &m, allow), -404);
	longpath[strlen(longpath) - 1] = '\0';
	assert_int_equal(route_of("GET", longpath, &m, allow), 3);
	assert_string_equal(allow, "untouched");
}

static void test_method_not_allowed(void **state)
{
	struct router_match m;
	char allow[ROUTER_ALLOW_MAX] = "";

	(void)state;
	assert_int_equal(route_of("PUT", "/api/v1/orgs", &m, allow), -405);
	assert_string_equal(allow, "GET, HEAD, POST");
	assert_int_equal(route_of("PATCH", "/api/v1/orgs/3", &m, allow), -405);
	assert_string_equal(allow, "GET, HEAD, DELETE");
	assert_int_equal(route_of("POST", "/healthz", &m, allow), -405);
	assert_string_equal(allow, "GET, HEAD");
	/* Method names are case-sensitive (RFC 9110). */
	assert_int_equal(route_of("get", "/healthz", &m, allow), -405);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_literal_and_method),
	    cmocka_unit_test(test_params),
	    cmocka_unit_test(test_not_found),
	    cmocka_unit_test(test_method_not_allowed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
