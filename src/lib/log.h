/* lib/log.h: levelled logging to stderr and, if asked, syslog. */
#ifndef SK_LIB_LOG_H
#define SK_LIB_LOG_H

enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

/* ident names the program in every line; use_syslog adds syslog(3). */
void log_init(const char *ident, enum log_level level, int use_syslog);
void log_set_level(enum log_level level);
/* Parse "error", "warn", "info" or "debug"; -1 if unknown. */
int log_level_parse(const char *text);
void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)

#endif
