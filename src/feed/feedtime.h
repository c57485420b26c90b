/* feed/feedtime.h: times as feeds write them: ISO 8601, the HTTP date
 * forms (RFC 1123, RFC 850, asctime), and strptime-style patterns for
 * CSV files with a form of their own. A time without a zone is UTC.
 *
 * Parses outside input: at most FEEDTIME_TEXT_MAX bytes of text; years
 * 1..9999. */
#ifndef SK_FEED_FEEDTIME_H
#define SK_FEED_FEEDTIME_H

#include <stddef.h>
#include <stdint.h>

struct sk_error;

#define FEEDTIME_TEXT_MAX    128
#define FEEDTIME_PATTERN_MAX 128

/* Parse s[0..n): "2024-01-31 12:00:00", "2024-01-31T12:00:00.5+01:00",
 * "2024-01-31" (midnight), "Wed, 31 Jan 2024 12:00:00 GMT",
 * "Wednesday, 31-Jan-24 12:00:00 GMT", "Wed Jan 31 12:00:00 2024".
 * Zones: Z, UTC, GMT, +01:00, +0100, +01. Writes seconds since the
 * epoch to *out; 0 or SK_EINVAL. */
int feedtime_parse(const char *s, size_t n, int64_t *out);

/* Check a strptime-style pattern: %Y %m %d %e %H %M %S %y %b %h %B %a
 * %A %z %Z %f %s %T %F %%, other characters literal, white space matching
 * any run of white space. 0, or SK_EINVAL with the reason in err. */
int feedtime_check_pattern(const char *pattern, struct sk_error *err);

/* Parse s[0..n) by a checked pattern; 0 or SK_EINVAL. */
int feedtime_parse_pattern(const char *pattern, const char *s, size_t n, int64_t *out);

/* Write t as "2024-01-31T12:00:00+00:00" (26 bytes with the NUL). */
void feedtime_format(int64_t t, char out[26]);

#endif
