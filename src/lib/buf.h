/* lib/buf.h: a growable byte buffer with a hard cap given at init.
 * Appending past the cap fails with SK_ETOOBIG and leaves the buffer as
 * it was; the contents are always NUL-terminated. */
#ifndef SK_LIB_BUF_H
#define SK_LIB_BUF_H

#include <stddef.h>

struct buf {
	char *data;	/* NUL-terminated; NULL until the first append */
	size_t len;	/* bytes used, not counting the NUL */
	size_t alloc;	/* bytes allocated */
	size_t max;	/* hard cap on len */
};

void buf_init(struct buf *b, size_t max);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);
int buf_append(struct buf *b, const void *data, size_t len);
int buf_append_str(struct buf *b, const char *s);
int buf_append_char(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The contents, never NULL ("" when empty); borrowed. */
const char *buf_str(const struct buf *b);
/* Hand the contents to the caller (who frees them) and reset b. */
char *buf_take(struct buf *b);

#endif
