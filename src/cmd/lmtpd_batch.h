/* cmd/lmtpd_batch.h: group commit for the LMTP sessions. Messages that
 * arrive while another session is storing wait, and are then taken in
 * together, one intake_mail() each, in one transaction: one commit (one
 * sync of the disk) for all of them, and no session waiting on
 * another's store lock. Each message still gets its own result, and
 * none is answered before the commit that holds it. */
#ifndef SK_CMD_LMTPD_BATCH_H
#define SK_CMD_LMTPD_BATCH_H

#include <stddef.h>

#include "lib/error.h"
#include "ticket/intake.h"

struct store;

#define LMTPD_BATCH_MAX 32 /* messages in one transaction */

/* One message and, once lmtpd_batch_take() returns, its result. */
struct lmtpd_job {
	const char *from; /* envelope sender, as for intake_mail() */
	const void *raw;
	size_t len;
	int rc; /* intake_mail()'s */
	struct intake_result r;
	struct sk_error err;
	/* the batch's own */
	struct lmtpd_job *next;
	int done;
};

struct lmtpd_batch;

/* Caller frees with lmtpd_batch_free() once no session uses it. */
struct lmtpd_batch *lmtpd_batch_new(void);
void lmtpd_batch_free(struct lmtpd_batch *b);

/* Take job in with ic, as intake_mail() would, storing it and the
 * messages waiting with it through st (the calling session's own) when
 * no other session is storing, else waiting for the one that is. */
void lmtpd_batch_take(struct lmtpd_batch *b, struct store *st, const struct intake_config *ic,
		      struct lmtpd_job *job);

#endif
