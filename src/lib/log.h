/* lib/log.h: levelled logging to stderr and, if asked, syslog: one line
 * a message, as text for people or as JSON for log shippers. */
#ifndef SK_LIB_LOG_H
#define SK_LIB_LOG_H

#include <stddef.h>
#include <stdint.h>

enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

/* text: "TIME IDENT[LEVEL] MESSAGE"; json: one object a line with time
 * (RFC 3339 UTC, milliseconds), level, event, msg and the event's
 * fields. */
enum log_format { LOG_FORMAT_TEXT, LOG_FORMAT_JSON };

#define LOG_LINE_MAX 8192 /* bytes of a JSON line; longer values are cut */

/* ident names the program in every line; use_syslog adds syslog(3). */
void log_init(const char *ident, enum log_level level, int use_syslog);
void log_set_level(enum log_level level);
void log_set_format(enum log_format format);
/* Parse "error", "warn", "info" or "debug"; -1 if unknown. */
int log_level_parse(const char *text);
/* Parse "text" or "json"; -1 if unknown. */
int log_format_parse(const char *text);
/* A message of event "log". */
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A field of a structured event: a string (NULL: left out), an integer
 * or a real number. Never a secret: see docs/operations.md. */
enum log_field_kind { LOG_FIELD_END, LOG_FIELD_STR, LOG_FIELD_INT, LOG_FIELD_REAL };
struct log_field {
	const char *key;
	enum log_field_kind kind;
	const char *s;
	int64_t i;
	double r;
};
#define LOG_STR(k, v)                                                                          \
	{                                                                                      \
		(k), LOG_FIELD_STR, (v), 0, 0                                                  \
	}
#define LOG_INT(k, v)                                                                          \
	{                                                                                      \
		(k), LOG_FIELD_INT, NULL, (int64_t)(v), 0                                      \
	}
#define LOG_REAL(k, v)                                                                         \
	{                                                                                      \
		(k), LOG_FIELD_REAL, NULL, 0, (double)(v)                                      \
	}
#define LOG_END                                                                                \
	{                                                                                      \
		NULL, LOG_FIELD_END, NULL, 0, 0                                                \
	}

/* Event name ("http.request") with fields (ended by LOG_END; borrowed)
 * and a message: in text format the message alone, as log_msg() writes
 * it; in JSON the message and the fields. */
void log_event(enum log_level level, const char *event, const struct log_field *fields,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The JSON line of an event into out (size bytes, at least 256), ended
 * by a newline; its length. Strings are escaped, invalid UTF-8 becomes
 * U+FFFD and a line longer than size is cut inside its strings, so that
 * it always parses. For log_event() and its tests. */
size_t log_json_line(char *out, size_t size, const char *stamp, enum log_level level,
		     const char *ident, const char *event, const char *msg,
		     const struct log_field *fields);

#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)

#endif
