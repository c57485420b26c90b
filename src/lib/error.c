/* lib/error.c: result codes and user-facing error messages. */
#include "lib/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

int sk_error_set(struct sk_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

void sk_error_prefix(struct sk_error *err, const char *fmt, ...)
{
	char old[SK_ERROR_MAX];
	size_t n, room, len;
	va_list ap;

	if (err == NULL)
		return;
	memcpy(old, err->msg, sizeof(old));
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	n = strlen(err->msg);
	room = sizeof(err->msg) - n - 1;
	/* Truncation is fine: the start of a message says the most. */
	if (room >= 2) {
		memcpy(err->msg + n, ": ", 2);
		n += 2;
		room -= 2;
		len = strnlen(old, room);
		memcpy(err->msg + n, old, len);
		err->msg[n + len] = '\0';
	}
}

void sk_error_clear(struct sk_error *err)
{
	if (err == NULL)
		return;
	err->code = SK_OK;
	err->msg[0] = '\0';
}

int sk_error_exit_code(int code)
{
	switch (code) {
	case SK_OK:
		return EX_OK;
	case SK_EINVAL:
	case SK_ENOTFOUND:
	case SK_EEXIST:
	case SK_ETOOBIG:
		return EX_DATAERR;
	case SK_ETEMP:
		return EX_TEMPFAIL;
	case SK_ECONFIG:
		return EX_CONFIG;
	case SK_EPERM:
		return EX_NOPERM;
	case SK_EUSAGE:
		return EX_USAGE;
	default:
		return EX_IOERR;
	}
}

const char *sk_error_name(int code)
{
	switch (code) {
	case SK_OK:
		return "ok";
	case SK_EINVAL:
		return "invalid";
	case SK_ENOTFOUND:
		return "not_found";
	case SK_EEXIST:
		return "conflict";
	case SK_ETOOBIG:
		return "too_large";
	case SK_ETEMP:
		return "unavailable";
	case SK_ECONFIG:
		return "config";
	case SK_EPERM:
		return "forbidden";
	case SK_EUSAGE:
		return "usage";
	default:
		return "internal";
	}
}
