/* lib/log.c: one line per message, timestamped, to stderr and syslog;
 * as text or as a JSON object. Each line goes out in one write, so that
 * lines of several threads never mix. */
#include "lib/log.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "lib/utf8.h"

#define LOG_MSG_MAX 2048 /* bytes of a message */
#define LOG_RESERVE 8	 /* kept free in a JSON line to close it */

static const char *log_ident = "schakel";
static enum log_level log_level = LOG_LEVEL_INFO;
static enum log_format log_format = LOG_FORMAT_TEXT;
static int log_syslog;

static const char *const level_names[] = {"error", "warn", "info", "debug"};
static const char *const format_names[] = {"text", "json"};

void log_init(const char *ident, enum log_level level, int use_syslog)
{
	log_ident = ident;
	log_level = level;
	log_syslog = use_syslog;
	if (use_syslog)
		openlog(ident, LOG_PID, LOG_DAEMON);
}

void log_set_level(enum log_level level)
{
	log_level = level;
}

void log_set_format(enum log_format format)
{
	log_format = format;
}

int log_level_parse(const char *text)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (strcmp(text, level_names[i]) == 0)
			return (int)i;
	return -1;
}

int log_format_parse(const char *text)
{
	for (size_t i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++)
		if (strcmp(text, format_names[i]) == 0)
			return (int)i;
	return -1;
}

/* A JSON line being written: never past size - LOG_RESERVE but for the
 * closing quote and brace. */
struct jline {
	char *b;
	size_t size, n;
	bool cut; /* something did not fit: the rest is left out */
};

static bool jput(struct jline *j, const char *s, size_t len)
{
	if (j->cut || j->n + len > j->size - LOG_RESERVE) {
		j->cut = true;
		return false;
	}
	memcpy(j->b + j->n, s, len);
	j->n += len;
	return true;
}

/* s as a JSON string: escaped, invalid UTF-8 as U+FFFD, cut (still a
 * string) where the line is full. */
static void jstr(struct jline *j, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s);
	char esc[8];

	jput(j, "\"", 1);
	while (left > 0 && !j->cut) {
		const char *unit = esc;
		size_t len = 0;
		uint32_t cp;

		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			len = 2;
		} else if (*p == '\n' || *p == '\r' || *p == '\t') {
			esc[0] = '\\';
			esc[1] = *p == '\n' ? 'n' : *p == '\r' ? 'r' : 't';
			len = 2;
		} else if (*p < 0x20 || *p == 0x7f) {
			snprintf(esc, sizeof(esc), "\\u%04x", *p);
			len = 6;
		} else if (*p < 0x80) {
			unit = (const char *)p;
			len = 1;
		} else if ((len = utf8_decode(p, left, &cp)) > 0) {
			unit = (const char *)p;
		}
		if (len == 0) { /* not UTF-8: one byte becomes U+FFFD */
			if (jput(j, "\\ufffd", 6)) {
				p++;
				left--;
			}
			continue;
		}
		if (jput(j, unit, len)) {
			p += unit == esc ? 1 : len;
			left -= unit == esc ? 1 : len;
		}
	}
	/* The closing quote always fits: LOG_RESERVE keeps room for it. */
	j->b[j->n++] = '"';
}

/* ,"key": then the value, or nothing if the line is full. */
static void jfield(struct jline *j, const struct log_field *f)
{
	char num[40];
	int w;

	if (j->cut || (f->kind == LOG_FIELD_STR && f->s == NULL))
		return;
	if (j->n + strlen(f->key) + 8 > j->size - LOG_RESERVE) {
		j->cut = true;
		return;
	}
	jput(j, ",", 1);
	jstr(j, f->key);
	jput(j, ":", 1);
	switch (f->kind) {
	case LOG_FIELD_STR:
		jstr(j, f->s);
		return;
	case LOG_FIELD_INT:
		w = snprintf(num, sizeof(num), "%lld", (long long)f->i);
		break;
	case LOG_FIELD_REAL:
		w = isfinite(f->r) ? snprintf(num, sizeof(num), "%.3f", f->r)
				   : snprintf(num, sizeof(num), "null");
		break;
	default:
		return;
	}
	if (!jput(j, num, (size_t)w)) { /* the key went out: give it a value */
		memcpy(j->b + j->n, "null", 4);
		j->n += 4;
	}
}

size_t log_json_line(char *out, size_t size, const char *stamp, enum log_level level,
		     const char *ident, const char *event, const char *msg,
		     const struct log_field *fields)
{
	struct jline j = {out, size, 0, false};
	const struct log_field head[] = {LOG_STR("level", level_names[level]),
					 LOG_STR("program", ident), LOG_STR("event", event),
					 LOG_STR("msg", msg), LOG_END};

	jput(&j, "{\"time\":", 8);
	jstr(&j, stamp);
	for (const struct log_field *f = head; f->kind != LOG_FIELD_END; f++)
		jfield(&j, f);
	for (const struct log_field *f = fields; f != NULL && f->kind != LOG_FIELD_END; f++)
		jfield(&j, f);
	memcpy(j.b + j.n, "}\n", 3);
	return j.n + 2;
}

/* Write one line of msg (with fields, for JSON) at level. */
static void log_write(enum log_level level, const char *event, const struct log_field *fields,
		      const char *msg)
{
	static const int prio[] = {LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG};
	char stamp[40], line[LOG_LINE_MAX];
	struct timespec now;
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	if (log_format == LOG_FORMAT_JSON) {
		n = strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(stamp + n, sizeof(stamp) - n, ".%03ldZ", now.tv_nsec / 1000000L);
		n = log_json_line(line, sizeof(line), stamp, level, log_ident, event, msg,
				  fields);
		fwrite(line, 1, n, stderr);
	} else {
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
		fprintf(stderr, "%s %s[%s] %s\n", stamp, log_ident, level_names[level], msg);
	}
	if (log_syslog)
		syslog(prio[level], "%s", msg);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	char msg[LOG_MSG_MAX];
	va_list ap;

	if (level > log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_write(level, "log", NULL, msg);
}

void log_event(enum log_level level, const char *event, const struct log_field *fields,
	       const char *fmt, ...)
{
	char msg[LOG_MSG_MAX];
	va_list ap;

	if (level > log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_write(level, event, fields, msg);
}
