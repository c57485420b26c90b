/* tests/fuzz/fuzz_sla.c: libFuzzer target for the [sla] and [services]
 * settings (time zone, office hours and days, holidays, targets, the
 * service matrix) read from any INI text. A refused setting is
 * SK_ECONFIG naming its section; an accepted one gives due times that
 * never come before the ticket was opened, and the acknowledgement
 * never after the first response, nor that after the resolution. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/config.h"
#include "lib/error.h"
#include "model/org.h"
#include "ticket/sla.h"

#define FUZZ_INPUT_MAX (16 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* data is borrowed from libFuzzer. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const int64_t opened = 1795687200; /* 2026-11-26 10:00 UTC, a Thursday */
	struct sk_error err = {0};
	struct sla_config c;
	struct config *cfg;
	FILE *f;

	if (size == 0 || size > FUZZ_INPUT_MAX)
		return 0;
	if ((f = fmemopen((void *)data, size, "r")) == NULL)
		return 0;
	cfg = config_parse(f, "fuzz.conf", &err);
	fclose(f);
	if (cfg == NULL)
		return 0;
	if (sla_config_read(cfg, &c, &err) != 0) {
		if (err.code != SK_ECONFIG ||
		    (strstr(err.msg, "[sla]") == NULL && strstr(err.msg, "[services]") == NULL))
			abort();
		config_free(cfg);
		return 0;
	}
	for (int s = 0; s < SLA_SERVICE_COUNT; s++)
		for (int k = 0; k < SLA_CLASS_COUNT; k++) {
			struct sla_due d;

			if (sla_due(&c, (enum sla_service)s, (enum org_class)k,
				    SLA_SEVERITY_HIGH, opened, &d, &err) != 0)
				continue;
			if (d.due[0] < opened || d.due[0] > d.due[1] || d.due[1] > d.due[2])
				abort();
		}
	sla_config_free(&c);
	config_free(cfg);
	return 0;
}
