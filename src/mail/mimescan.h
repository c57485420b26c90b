/* mail/mimescan.h: a first pass over a received mail before GMime builds
 * it in memory: how many MIME parts and header fields it has and how
 * deep its parts nest, following the boundaries its Content-Type fields
 * declare as GMime would (counting more rather than fewer where the two
 * could differ). A mail over a limit is not built at all. Reads outside
 * input: time linear in its length, memory bounded by the limits. */
#ifndef SK_MAIL_MIMESCAN_H
#define SK_MAIL_MIMESCAN_H

#include <stddef.h>
#include <stdint.h>

/* Each at least 1. */
struct mimescan_limits {
	int64_t parts;	       /* header blocks: the message, each part, each attached mail */
	int64_t depth;	       /* multiparts and attached mails nested in each other */
	int64_t headers;       /* header fields of all header blocks together */
	int64_t header_length; /* bytes of one header field, its folded lines included */
};

#define MIMESCAN_PARTS_DEFAULT	       1000
#define MIMESCAN_DEPTH_DEFAULT	       20
#define MIMESCAN_HEADERS_DEFAULT       10000
#define MIMESCAN_HEADER_LENGTH_DEFAULT (64 * 1024)

struct mimescan {
	int64_t parts, depth, headers; /* as far as the scan went */
	/* Where the top-level header ends (after its empty line; len when
	 * it has none): the body starts there. */
	size_t body;
	/* Bytes from the start that hold whole top-level header fields
	 * within the limits: a header-only read of an over-limit mail. */
	size_t header_ok;
	char over[96]; /* "" within the limits, else which: "too many MIME parts (over 1000)" */
};

/* Scan raw[0..len) against lim; out is written in full. */
void mimescan_run(const void *raw, size_t len, const struct mimescan_limits *lim,
		  struct mimescan *out);

#endif
