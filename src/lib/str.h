/* lib/str.h: small string helpers: checked number parsing, trimming,
 * case folding, timestamps. */
#ifndef SK_LIB_STR_H
#define SK_LIB_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Bytes of out for str_show() of at most max bytes: all escaped, "..."
 * and NUL. */
#define STR_SHOW_SIZE(max) ((max)*4 + 4)
/* Write text[0..len) into out (STR_SHOW_SIZE(max) bytes) to quote outside
 * input in a message: printable ASCII and UTF-8 as they are; control
 * characters, invalid UTF-8, bidirectional marks and overrides and line
 * separators as \xNN; cut after max bytes, never inside a character,
 * with "...". text is borrowed; returns out. */
const char *str_show(const char *text, size_t len, size_t max, char *out);

/* Parse a whole decimal integer in [min, max]; 0 or SK_EINVAL. */
int str_to_i64(const char *text, int64_t min, int64_t max, int64_t *out);
/* Parse a duration: a whole number followed by s, m, h or d ("15m",
 * "1d"), at most max seconds, into seconds; 0 or SK_EINVAL. */
int str_to_duration(const char *text, int64_t max, int64_t *out);
/* Parse "true/yes/on/1" or "false/no/off/0"; 0 or SK_EINVAL. */
int str_to_bool(const char *text, bool *out);
bool str_eq_nocase(const char *a, const char *b);
bool str_has_prefix(const char *s, const char *prefix);
/* Lowercase ASCII letters in place. */
void str_lower(char *s);
/* Find text in a NULL-terminated list; its index or -1. */
int str_index(const char *const *list, const char *text);
/* The next comma-separated item of *s, trimmed of spaces and tabs and cut
 * to size - 1 bytes, into out; *s moves past it. Returns whether a comma
 * followed, that is, whether another item comes. */
bool str_next_item(const char **s, char *out, size_t size);
/* Format t as "YYYY-MM-DDTHH:MM:SSZ" (21 bytes with the NUL). */
void str_time_iso(time_t t, char out[21]);
/* Days since 1970-01-01 of a proleptic Gregorian date (m 1-12, d 1-31),
 * and back. */
int64_t str_days_from_civil(int64_t y, unsigned m, unsigned d);
void str_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);
/* The current time, or the fixed time in SCHAKEL_NOW (for tests). */
time_t str_time_now(void);

#endif
