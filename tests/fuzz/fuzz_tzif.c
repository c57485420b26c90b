/* tests/fuzz/fuzz_tzif.c: libFuzzer target for the TZif reader and the
 * POSIX TZ string parser. A zone that parses is asked for offsets and
 * wall times at the ends of time and around the epoch, and drives an
 * office calendar for a few days; a failure must say why. Input is cut
 * at TZ_FILE_MAX + 1 bytes (over the limit must be refused). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/calendar.h"
#include "lib/error.h"
#include "lib/tz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void exercise(const struct tz *z)
{
	/* clang-format off */
	static const int64_t instants[] = {
		INT64_MIN, INT64_MIN + 1, -TZ_INSTANT_MAX - 1, -(INT64_C(1) << 40), -1, 0, 1,
		1774746000, 1792890000, 4109878800, INT64_C(1) << 40, TZ_INSTANT_MAX + 1,
		INT64_MAX - 1, INT64_MAX,
	};
	/* clang-format on */
	struct calendar c;
	int64_t end;

	for (size_t i = 0; i < sizeof(instants) / sizeof(instants[0]); i++) {
		int64_t t = instants[i] > TZ_INSTANT_MAX    ? TZ_INSTANT_MAX
			    : instants[i] < -TZ_INSTANT_MAX ? -TZ_INSTANT_MAX
							    : instants[i];
		int off = tz_offset(z, instants[i]);
		int64_t back = tz_local_to_utc(z, instants[i]);

		/* RFC 8536 keeps offsets within (-25 h, 26 h); a wall time is
		 * never further than that from its instant. */
		if (off <= -25 * 3600 || off >= 26 * 3600 || back < t - 26 * 3600 ||
		    back > t + 26 * 3600)
			abort();
	}
	/* A hostile zone may squeeze office days; only safety is checked. */
	calendar_init_office(&c, z);
	end = calendar_add(&c, 1774000000, 3 * 8 * 3600);
	if (end != INT64_MAX && calendar_between(&c, 1774000000, end) < 0)
		abort();
	calendar_clear(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sk_error err = {0};
	char spec[TZ_POSIX_MAX + 2];
	struct tz *z;

	if (size > TZ_FILE_MAX + 1)
		size = TZ_FILE_MAX + 1;
	z = tz_parse(data, size, "fuzz", &err);
	if (z == NULL) {
		if (err.code == 0 || err.msg[0] == '\0')
			abort();
	} else {
		exercise(z);
		tz_free(z);
	}

	/* The same bytes as a POSIX TZ string. */
	memset(&err, 0, sizeof(err));
	size = size < sizeof(spec) - 1 ? size : sizeof(spec) - 1;
	memcpy(spec, data, size);
	spec[size] = '\0';
	z = tz_posix(spec, &err);
	if (z == NULL) {
		if (err.code != SK_EINVAL)
			abort();
	} else {
		exercise(z);
		tz_free(z);
	}
	return 0;
}
