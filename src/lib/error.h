/* lib/error.h: result codes and an error carrying a message for users. */
#ifndef SK_LIB_ERROR_H
#define SK_LIB_ERROR_H

#include <stddef.h>

enum {
	SK_OK = 0,
	SK_EINVAL = -1,	  /* bad input data: exit 65 */
	SK_ENOTFOUND = -2,  /* no such object: exit 65 */
	SK_EEXIST = -3,	  /* duplicate: exit 65 */
	SK_ETOOBIG = -4,	  /* input over a size limit: exit 65 */
	SK_ETEMP = -5,	  /* temporary failure, retry later: exit 75 */
	SK_ECONFIG = -6,	  /* configuration problem: exit 78 */
	SK_EIO = -7,	  /* I/O or internal failure: exit 74 */
	SK_EPERM = -8,	  /* not allowed: exit 77 */
	SK_EUSAGE = -9,	  /* wrong command-line use: exit 64 */
};

#define SK_ERROR_MAX 512

struct sk_error {
	int code;
	char msg[SK_ERROR_MAX];
};

/* Record code and a printf-style message in err (may be NULL); returns
 * code so callers can write "return sk_error_set(err, ...)". */
int sk_error_set(struct sk_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefix the message already in err with "context: ". */
void sk_error_prefix(struct sk_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void sk_error_clear(struct sk_error *err);

/* The sysexits.h code for a result code. */
int sk_error_exit_code(int code);

/* A short machine name for a code ("invalid", "not_found", ...). */
const char *sk_error_name(int code);

#endif
