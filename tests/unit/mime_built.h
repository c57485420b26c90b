/* tests/unit/mime_built.h: what GMime built of a mail, counted as
 * src/mail/mimescan.c counts it: the reference the unit test and the
 * fuzz target hold the scan to. Included by one .c file each. */
#ifndef SK_TESTS_MIME_BUILT_H
#define SK_TESTS_MIME_BUILT_H

#include <gmime/gmime.h>
#include <stdbool.h>
#include <stdint.h>

struct built {
	int64_t blocks, depth, headers;
};

/* What GMime builds: one header block per object (a message and its
 * top-level part are one block), its depth and header fields. */
static void built_count(GMimeObject *o, int64_t depth, bool same_block, struct built *b)
{
	if (!same_block) {
		b->blocks++;
		b->headers += g_mime_header_list_get_count(g_mime_object_get_header_list(o));
	}
	if (depth > b->depth)
		b->depth = depth;
	if (GMIME_IS_MESSAGE(o)) {
		GMimeObject *part = g_mime_message_get_mime_part(GMIME_MESSAGE(o));

		if (part != NULL)
			built_count(part, depth, true, b);
	} else if (GMIME_IS_MULTIPART(o)) {
		GMimeMultipart *mp = GMIME_MULTIPART(o);

		for (int i = 0; i < g_mime_multipart_get_count(mp); i++)
			built_count(g_mime_multipart_get_part(mp, i), depth + 1, false, b);
	} else if (GMIME_IS_MESSAGE_PART(o)) {
		GMimeMessage *m = g_mime_message_part_get_message(GMIME_MESSAGE_PART(o));

		if (m != NULL)
			built_count(GMIME_OBJECT(m), depth + 1, false, b);
	}
}

#endif
