/* tests/fuzz/fuzz_config.c: libFuzzer target for the INI configuration
 * parser and its typed look-ups. Whatever fails must say why, naming a
 * line. Input is cut at 64 KiB. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/config.h"
#include "lib/error.h"

#define FUZZ_INPUT_MAX (64 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const known[] = { "store.url", "http.port", "log.syslog", NULL };
	struct sk_error err = { 0 };
	struct config *cfg;
	int64_t port;
	bool flag;
	FILE *f;

	if (size > FUZZ_INPUT_MAX)
		size = FUZZ_INPUT_MAX;
	f = fmemopen((void *)data, size ? size : 1, "r");
	if (f == NULL)
		return 0;
	if (size == 0)
		fgetc(f);
	cfg = config_parse(f, "fuzz.conf", &err);
	fclose(f);
	if (cfg == NULL) {
		if (err.code != SK_ECONFIG || strstr(err.msg, "fuzz.conf:") == NULL)
			abort();
		return 0;
	}
	config_str(cfg, "store", "url", "sqlite:x");
	if (config_int(cfg, "http", "port", 1, 65535, 8080, &port, &err) == 0 &&
	    (port < 1 || port > 65535))
		abort();
	config_bool(cfg, "log", "syslog", false, &flag, &err);
	config_check_known(cfg, known, &err);
	config_free(cfg);
	return 0;
}
