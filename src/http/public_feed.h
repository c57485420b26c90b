/* http/public_feed.h: GET /advisories.atom: the public advisories and
 * publications as an Atom 1.0 feed (RFC 4287). */
#ifndef SK_HTTP_PUBLIC_FEED_H
#define SK_HTTP_PUBLIC_FEED_H

#include "http/request.h"

struct http_response;
struct sk_error;

int public_feed_atom(struct http_request *req, struct http_response *resp,
		     struct sk_error *err);

#endif
