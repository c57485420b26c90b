/* lib/config.c: INI files parsed with libinih into a flat list. */
#include "lib/config.h"

#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/error.h"
#include "lib/str.h"
#include "lib/xalloc.h"

#define CONFIG_MAX_FILE	   (1024 * 1024)
#define CONFIG_MAX_ENTRIES 4096
#define CONFIG_MAX_VALUE   4096

struct config_entry {
	char *section;
	char *key;
	char *value;
	int line;
};

struct config {
	char *path;
	struct config_entry *entries;
	size_t n, alloc;
	char *error;   /* first parse problem, set by the handler */
	FILE *file;    /* being read */
	int line;      /* lines read so far */
	bool indented; /* the line read last begins with white space */
};

struct config *config_new(void)
{
	return xcalloc(1, sizeof(struct config));
}

void config_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	for (size_t i = 0; i < cfg->n; i++) {
		free(cfg->entries[i].section);
		free(cfg->entries[i].key);
		free(cfg->entries[i].value);
	}
	free(cfg->entries);
	free(cfg->path);
	free(cfg->error);
	free(cfg);
}

static struct config_entry *config_find(const struct config *cfg, const char *section,
					const char *key)
{
	for (size_t i = cfg->n; i > 0; i--) {
		struct config_entry *e = &cfg->entries[i - 1];

		if (strcmp(e->section, section) == 0 && strcmp(e->key, key) == 0)
			return e;
	}
	return NULL;
}

static void config_put(struct config *cfg, const char *section, const char *key,
		       const char *value, int line)
{
	struct config_entry *e = config_find(cfg, section, key);

	if (e != NULL) {
		free(e->value);
		e->value = xstrdup(value);
		e->line = line;
		return;
	}
	if (cfg->n == cfg->alloc) {
		cfg->alloc = cfg->alloc ? cfg->alloc * 2 : 16;
		cfg->entries = xreallocarray(cfg->entries, cfg->alloc, sizeof(*cfg->entries));
	}
	e = &cfg->entries[cfg->n++];
	e->section = xstrdup(section);
	e->key = xstrdup(key);
	e->value = xstrdup(value);
	e->line = line;
}

void config_set(struct config *cfg, const char *section, const char *key, const char *value)
{
	config_put(cfg, section, key, value, 0);
}

/* Reads one line for inih and counts it, so entries and errors know
 * their line (Debian's inih passes no line number to handlers). A line
 * longer than inih's buffer (num) stops the parse: inih would read its
 * rest as a line of its own. */
static char *config_reader(char *str, int num, void *stream)
{
	struct config *cfg = stream;
	char *line = cfg->error == NULL ? fgets(str, num, cfg->file) : NULL;
	size_t len;

	if (line == NULL)
		return NULL;
	cfg->line++;
	len = strlen(line);
	if (len > 0 && line[len - 1] != '\n' && getc(cfg->file) != EOF) {
		cfg->error = xasprintf("%s:%d: the line is longer than %d bytes (a long "
				       "value goes on indented lines that continue it)",
				       cfg->path, cfg->line, num - 2);
		return NULL;
	}
	cfg->indented = line[0] == ' ' || line[0] == '\t';
	return line;
}

/* An indented line continues the value above it (inih hands it over as
 * the same key again): joined with a space. Any other second value of
 * a key is a mistake, not an override. */
static int config_continue(struct config *cfg, struct config_entry *e, const char *value,
			   int line)
{
	char *joined;

	if (!cfg->indented || e != &cfg->entries[cfg->n - 1]) {
		cfg->error = xasprintf("%s:%d: [%s] %s is set twice (first on line %d)",
				       cfg->path, line, e->section, e->key, e->line);
		return 0;
	}
	if (strlen(e->value) + 1 + strlen(value) > CONFIG_MAX_VALUE) {
		cfg->error = xasprintf("%s:%d: value of '%s' is longer than %d bytes",
				       cfg->path, line, e->key, CONFIG_MAX_VALUE);
		return 0;
	}
	joined = xasprintf("%s %s", e->value, value);
	free(e->value);
	e->value = joined;
	return 1;
}

static int config_handler(void *user, const char *section, const char *name, const char *value)
{
	struct config *cfg = user;
	struct config_entry *e;
	int line = cfg->line;

	if (cfg->error != NULL)
		return 0;
	if (name == NULL)
		return 1; /* a section header alone */
	if (*section == '\0') {
		cfg->error =
		    xasprintf("%s:%d: key '%s' outside any [section]", cfg->path, line, name);
		return 0;
	}
	if (strlen(value) > CONFIG_MAX_VALUE) {
		cfg->error = xasprintf("%s:%d: value of '%s' is longer than %d bytes",
				       cfg->path, line, name, CONFIG_MAX_VALUE);
		return 0;
	}
	if (cfg->n >= CONFIG_MAX_ENTRIES) {
		cfg->error = xasprintf("%s:%d: more than %d entries", cfg->path, line,
				       CONFIG_MAX_ENTRIES);
		return 0;
	}
	if ((e = config_find(cfg, section, name)) != NULL && e->line > 0)
		return config_continue(cfg, e, value, line);
	config_put(cfg, section, name, value, line);
	return 1;
}

struct config *config_parse(FILE *f, const char *name, struct sk_error *err)
{
	struct config *cfg = config_new();
	int rc;

	cfg->path = xstrdup(name);
	cfg->file = f;
	rc = ini_parse_stream(config_reader, cfg, config_handler, cfg);
	cfg->file = NULL;
	if (cfg->error != NULL) {
		sk_error_set(err, SK_ECONFIG, "%s", cfg->error);
		config_free(cfg);
		return NULL;
	}
	if (rc != 0) {
		sk_error_set(err, SK_ECONFIG,
			     "%s:%d: syntax error (expected [section] or key = value)", name,
			     rc);
		config_free(cfg);
		return NULL;
	}
	return cfg;
}

struct config *config_load(const char *path, bool optional, struct sk_error *err)
{
	struct config *cfg = NULL;
	struct stat st;
	FILE *f = NULL;

	f = fopen(path, "r");
	if (f == NULL) {
		if (optional && errno == ENOENT)
			return config_new();
		sk_error_set(err, SK_ECONFIG, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) == 0 && st.st_size > CONFIG_MAX_FILE)
		sk_error_set(err, SK_ECONFIG, "%s: larger than %d bytes", path,
			     CONFIG_MAX_FILE);
	else
		cfg = config_parse(f, path, err);
	fclose(f);
	return cfg;
}

const char *config_get(const struct config *cfg, const char *section, const char *key)
{
	struct config_entry *e = config_find(cfg, section, key);

	return e ? e->value : NULL;
}

const char *config_str(const struct config *cfg, const char *section, const char *key,
		       const char *dflt)
{
	const char *v = config_get(cfg, section, key);

	return v ? v : dflt;
}

static int config_bad(const struct config *cfg, const struct config_entry *e,
		      struct sk_error *err, const char *what)
{
	if (e->line > 0)
		return sk_error_set(err, SK_ECONFIG, "%s:%d: [%s] %s = '%.160s': %s", cfg->path,
				    e->line, e->section, e->key, e->value, what);
	return sk_error_set(err, SK_ECONFIG, "[%s] %s = '%.160s': %s", e->section, e->key,
			    e->value, what);
}

int config_error(const struct config *cfg, const char *section, const char *key,
		 struct sk_error *err, const char *fmt, ...)
{
	const struct config_entry *e;
	char what[SK_ERROR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	e = cfg != NULL ? config_find(cfg, section, key) : NULL;
	if (e == NULL)
		return sk_error_set(err, SK_ECONFIG, "[%s] %s: %s", section, key, what);
	return config_bad(cfg, e, err, what);
}

int config_int(const struct config *cfg, const char *section, const char *key, int64_t min,
	       int64_t max, int64_t dflt, int64_t *out, struct sk_error *err)
{
	struct config_entry *e = config_find(cfg, section, key);
	int64_t v;

	if (e == NULL) {
		*out = dflt;
		return 0;
	}
	if (str_to_i64(e->value, min, max, &v) != 0) {
		char what[96];

		snprintf(what, sizeof(what), "expected a whole number from %lld to %lld",
			 (long long)min, (long long)max);
		return config_bad(cfg, e, err, what);
	}
	*out = v;
	return 0;
}

int config_duration(const struct config *cfg, const char *section, const char *key, int64_t min,
		    int64_t max, int64_t dflt, int64_t *out, struct sk_error *err)
{
	struct config_entry *e = config_find(cfg, section, key);
	int64_t v;

	if (e == NULL) {
		*out = dflt;
		return 0;
	}
	if (str_to_duration(e->value, max, &v) != 0 || v < min) {
		char what[128];

		snprintf(what, sizeof(what),
			 "expected a duration from %llds to %llds (a number with s, m, h or d)",
			 (long long)min, (long long)max);
		return config_bad(cfg, e, err, what);
	}
	*out = v;
	return 0;
}

int config_bool(const struct config *cfg, const char *section, const char *key, bool dflt,
		bool *out, struct sk_error *err)
{
	struct config_entry *e = config_find(cfg, section, key);

	if (e == NULL) {
		*out = dflt;
		return 0;
	}
	if (str_to_bool(e->value, out) != 0)
		return config_bad(cfg, e, err, "expected true or false");
	return 0;
}

int config_check_known(const struct config *cfg, const char *const *known, struct sk_error *err)
{
	char name[256];

	for (size_t i = 0; i < cfg->n; i++) {
		const struct config_entry *e = &cfg->entries[i];

		snprintf(name, sizeof(name), "%s.%s", e->section, e->key);
		if (str_index(known, name) < 0)
			return config_bad(cfg, e, err, "unknown setting");
	}
	return 0;
}
