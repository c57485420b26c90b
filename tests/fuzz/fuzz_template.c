/* tests/fuzz/fuzz_template.c: libFuzzer target for the mail templates
 * operators edit (lib/template). A template that loads renders within
 * its output cap or says it is too big; one that does not load names a
 * line. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "lib/template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const allowed[] = {"org",	 "feed",   "type",	   "count",
					      "first",	 "last",   "tlp",	   "liaison",
					      "pass_on", "sender", "need_to_know", NULL};
	static const struct template_var vars[] = {
	    {"org", "Example Water"}, {"count", "3"}, {"liaison", "yes"}, {"pass_on", NULL}};
	struct sk_error err = {0};
	struct template *t =
	    template_parse((const char *)data, size, "fuzz.txt", allowed, &err);
	struct buf out;
	int rc;

	if (t == NULL) {
		if (err.code != SK_ETOOBIG && strstr(err.msg, "fuzz.txt:") != err.msg)
			abort();
		return 0;
	}
	buf_init(&out, 256 * 1024);
	rc = template_render(t, vars, sizeof(vars) / sizeof(vars[0]), &out);
	if (rc != 0 && rc != SK_ETOOBIG)
		abort();
	buf_free(&out);
	template_free(t);
	return 0;
}
