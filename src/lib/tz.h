/* lib/tz.h: time zones read from TZif files (RFC 8536) and POSIX TZ
 * strings, without touching the process's TZ (schakeld has threads). A
 * loaded zone never changes and may be read from any thread. */
#ifndef SK_LIB_TZ_H
#define SK_LIB_TZ_H

#include <stddef.h>
#include <stdint.h>

struct sk_error;
struct tz;

#define TZ_FILE_MAX  (256 * 1024) /* bytes of a TZif file */
#define TZ_NAME_MAX  255	  /* bytes of a zone name */
#define TZ_POSIX_MAX 256	  /* bytes of a POSIX TZ string */
/* Instants and wall times are clamped to +-2^56 s (about 2 billion
 * years) so that no sum in here can overflow. */
#define TZ_INSTANT_MAX (INT64_C(1) << 56)

/* Load the zone called name ("Europe/Brussels") from $TZDIR or else
 * /usr/share/zoneinfo. A name with "..", a leading '/' or a character
 * other than [A-Za-z0-9_+-/] is SK_EINVAL; an unknown zone SK_ECONFIG
 * saying where it was looked for; a file over TZ_FILE_MAX SK_ETOOBIG; a
 * damaged one SK_EINVAL naming what is wrong and at which byte. "UTC"
 * works even without tzdata. Caller frees with tz_free(). */
struct tz *tz_load(const char *name, struct sk_error *err);

/* Read a TZif file (versions 1 to 4) from data[0..len), borrowed; name
 * is only used in messages and by tz_name(). Version 2+ files are read
 * from their 64-bit block, and their footer rule gives the offsets
 * after the last transition. Files with leap seconds ("right/" zones)
 * are refused. Any input is safe. Caller frees with tz_free(). */
struct tz *tz_parse(const void *data, size_t len, const char *name, struct sk_error *err);

/* A zone from a POSIX TZ string alone, such as "CET-1CEST,M3.5.0,M10.5.0/3"
 * (rule dates Mm.w.d, Jn and n; times may be negative or up to 167 h, as
 * in TZif version 3). SK_EINVAL says what is wrong. Caller frees with
 * tz_free(). */
struct tz *tz_posix(const char *spec, struct sk_error *err);

/* Coordinated Universal Time. Caller frees with tz_free(). */
struct tz *tz_utc(void);

/* The name given when the zone was made; borrowed from z. */
const char *tz_name(const struct tz *z);

/* Seconds east of UTC at the instant utc (seconds since the epoch). */
int tz_offset(const struct tz *z, int64_t utc);

/* The instant at which the wall clock reads local (a wall time written
 * as seconds since the epoch as if it were UTC). A wall time that does
 * not exist (in the gap when clocks go forward) is moved forward by the
 * length of the gap: 02:30 on a day that jumps from 02:00 to 03:00 gives
 * the instant of 03:30. A wall time that happens twice (when clocks go
 * back) gives the earlier instant. */
int64_t tz_local_to_utc(const struct tz *z, int64_t local);

/* Accepts NULL. */
void tz_free(struct tz *z);

#endif
