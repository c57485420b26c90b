/* http/api_publications.h: publications under /api/v1/publications.
 * Staff write and read all; a partner reads the published publications
 * addressed to its organization that the TLP policy lets it receive
 * (404 for others), with their attachments. */
#ifndef SK_HTTP_API_PUBLICATIONS_H
#define SK_HTTP_API_PUBLICATIONS_H

#include "http/router.h"

struct buf;
struct http_response;
struct publication_settings;

extern const struct router_route api_publications_routes[];

/* The [publications] settings; borrowed, set once before the server
 * starts. Without them the defaults apply. */
void api_publications_configure(const struct publication_settings *s);

/* Answer 200 with the bytes of data (taken) as a download named name:
 * Content-Disposition: attachment, never shown inline; a media type a
 * browser would render as a page goes out as application/octet-stream. */
void api_publications_send_attachment(struct http_response *resp, const char *name,
				      const char *media_type, struct buf *data);

#endif
