/* tests/fuzz/fuzz_router.c: libFuzzer target for matching request paths
 * against the API's route table. The input is "METHOD PATH"; a match must
 * give parameters within their limits, a refusal must be 404 or 405 with
 * an Allow list. Input is cut at 4 KiB. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/api_registry.h"
#include "http/router.h"

#define FUZZ_INPUT_MAX 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct router_route *const tables[] = {api_registry_routes, NULL};
	char text[FUZZ_INPUT_MAX + 1], allow[ROUTER_ALLOW_MAX];
	struct router_match m;
	const char *method = "GET", *path = text;
	char *space;

	if (size > FUZZ_INPUT_MAX)
		size = FUZZ_INPUT_MAX;
	memcpy(text, data, size);
	text[size] = '\0';
	space = strchr(text, ' ');
	if (space != NULL) {
		*space = '\0';
		method = text;
		path = space + 1;
	}
	switch (router_match(tables, method, path, &m, allow)) {
	case ROUTER_FOUND:
		if (m.route == NULL || m.nparams < 0 || m.nparams > ROUTER_PARAMS_MAX)
			abort();
		for (int i = 0; i < m.nparams; i++)
			if (strlen(m.values[i]) > ROUTER_PARAM_MAX || m.values[i][0] == '\0')
				abort();
		break;
	case ROUTER_NO_METHOD:
		if (allow[0] == '\0')
			abort();
		break;
	case ROUTER_NO_PATH:
		break;
	}
	return 0;
}
