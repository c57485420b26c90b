/* lib/config.h: INI configuration (libinih) as typed look-ups.
 * Every value remembers its file and line so errors can point at it.
 * Reads outside input: at most 1 MiB per file, 4096 entries, values of
 * 4 KiB. */
#ifndef SK_LIB_CONFIG_H
#define SK_LIB_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct sk_error;
struct config;

/* An empty configuration (every look-up gives its default). */
struct config *config_new(void);
/* Load path; a missing file is SK_ECONFIG unless optional. Caller frees
 * with config_free(). */
struct config *config_load(const char *path, bool optional, struct sk_error *err);
/* Parse an already open file; name is used in messages. */
struct config *config_parse(FILE *f, const char *name, struct sk_error *err);
void config_free(struct config *cfg);

/* Set or replace a value (command-line overrides). */
void config_set(struct config *cfg, const char *section, const char *key, const char *value);

/* The raw value, or NULL when absent; borrowed. */
const char *config_get(const struct config *cfg, const char *section, const char *key);
const char *config_str(const struct config *cfg, const char *section, const char *key,
		       const char *dflt);
/* Integer in [min, max]; absent gives dflt. SK_ECONFIG names file:line. */
int config_int(const struct config *cfg, const char *section, const char *key, int64_t min,
	       int64_t max, int64_t dflt, int64_t *out, struct sk_error *err);
/* Duration ("90s", "15m", "2h", "1d") in seconds within [min, max];
 * absent gives dflt. SK_ECONFIG names file:line. */
int config_duration(const struct config *cfg, const char *section, const char *key, int64_t min,
		    int64_t max, int64_t dflt, int64_t *out, struct sk_error *err);
int config_bool(const struct config *cfg, const char *section, const char *key, bool dflt,
		bool *out, struct sk_error *err);

/* SK_ECONFIG about the value of [section] key, worded as the look-ups
 * above word theirs: "file:line: [section] key = 'value': what", or
 * "[section] key: what" when the key is absent (cfg may be NULL). */
int config_error(const struct config *cfg, const char *section, const char *key,
		 struct sk_error *err, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Refuse keys not in known ("section.key" strings, NULL-terminated);
 * catches typos that would otherwise be silently ignored. */
int config_check_known(const struct config *cfg, const char *const *known,
		       struct sk_error *err);

#endif
