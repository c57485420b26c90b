/* http/public_pages.h: the public announcements, without sign-in:
 * GET /advisories (an HTML list of the published advisories and
 * publications the TLP policy lets reach the public, TLP:CLEAR, newest
 * first, in pages), GET /advisories/{number} (one of them as HTML, 404
 * for anything else), GET /advisories/{number}/attachments/{name} (a
 * publication's attachment, always as a download) and GET
 * /advisories.atom (http/public_feed.c). */
#ifndef SK_HTTP_PUBLIC_PAGES_H
#define SK_HTTP_PUBLIC_PAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/router.h"

struct buf;
struct sk_error;
struct store;

#define PUBLIC_URL_MAX 200

/* One public advisory or publication, as listings show it. */
struct public_entry {
	bool publication;
	int64_t id;
	char number[48];
	char *title, *summary;		 /* owned */
	char published[21], updated[21]; /* updated: the last revision */
	const char *label;		 /* "Urgent", "Normal" or the publication's kind */
};

struct public_entries {
	struct public_entry *v;
	size_t n;
};

/* Every public entry, newest published first, into *out (zeroed; free
 * with public_entries_free()). */
int public_entries_load(struct store *st, struct public_entries *out, struct sk_error *err);
void public_entries_free(struct public_entries *e);

/* The base URL of the public pages ([http] public_url, copied, cut to
 * PUBLIC_URL_MAX bytes, trailing / dropped), set once before the server
 * starts. Without it: "http://localhost". */
void public_pages_configure(const char *public_url);
const char *public_pages_url(void);

/* Append s XML- and HTML-escaped to out. */
int public_escape(struct buf *out, const char *s);

extern const struct router_route public_pages_routes[];

#endif
