/* http/public_feed.c: GET /advisories.atom, the public advisories and
 * publications as an Atom 1.0 feed (RFC 4287): the feed's id is the
 * public URL of the list, each entry's id the URL of its page; a
 * category says Urgent or Normal (advisories) or the kind
 * (publications). Every text is XML-escaped. */
#include "http/public_feed.h"

#include <stdio.h>
#include <string.h>

#include "http/public_pages.h"
#include "http/response.h"
#include "lib/buf.h"
#include "lib/error.h"

#define FEED_ENTRIES 50
#define FEED_MAX     (4 * 1024 * 1024)
#define ATOM_TYPE    "application/atom+xml; charset=utf-8"
#define FEED_AUTHOR  "schakel"

/* The link to an entry's page: base + "/advisories/" + number, with the
 * number percent-encoded where it needs to be. */
static int entry_url(struct buf *b, const char *number)
{
	int rc = public_escape(b, public_pages_url());

	if (rc == 0)
		rc = buf_append_str(b, "/advisories/");
	for (const char *s = number; rc == 0 && *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_')
			rc = buf_append_char(b, (char)c);
		else
			rc = buf_printf(b, "%%%02X", c);
	}
	return rc;
}

static int entry(struct buf *b, const struct public_entry *e)
{
	int rc = buf_append_str(b, "<entry>\n<id>");

	if (rc == 0 && (rc = entry_url(b, e->number)) == 0 &&
	    (rc = buf_append_str(b, "</id>\n<title>")) == 0 &&
	    (rc = public_escape(b, e->number)) == 0 && (rc = buf_append_str(b, ": ")) == 0 &&
	    (rc = public_escape(b, e->title)) == 0)
		rc = buf_printf(b,
				"</title>\n<updated>%s</updated>\n<published>%s</published>\n",
				e->updated, e->published);
	if (rc == 0 &&
	    (rc = buf_append_str(b, "<link rel=\"alternate\" type=\"text/html\" "
				    "href=\"")) == 0 &&
	    (rc = entry_url(b, e->number)) == 0)
		rc = buf_append_str(b, "\"/>\n<category term=\"");
	if (rc == 0 && (rc = public_escape(b, e->label)) == 0 &&
	    (rc = buf_append_str(b, "\" label=\"")) == 0 &&
	    (rc = public_escape(b, e->label)) == 0)
		rc = buf_append_str(b, "\"/>\n");
	if (rc == 0 && e->summary[0] != '\0' &&
	    (rc = buf_append_str(b, "<summary type=\"text\">")) == 0 &&
	    (rc = public_escape(b, e->summary)) == 0)
		rc = buf_append_str(b, "</summary>\n");
	if (rc == 0)
		rc = buf_append_str(b, "</entry>\n");
	return rc;
}

int public_feed_atom(struct http_request *req, struct http_response *resp, struct sk_error *err)
{
	struct public_entries e = {0};
	const char *updated = "1970-01-01T00:00:00Z";
	const char *base = public_pages_url();
	struct buf b;
	size_t len;
	int rc;

	if ((rc = public_entries_load(req->st, &e, err)) != 0)
		return rc;
	for (size_t i = 0; i < e.n; i++)
		if (strcmp(e.v[i].updated, updated) > 0)
			updated = e.v[i].updated;
	buf_init(&b, FEED_MAX);
	rc = buf_append_str(
	    &b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		"<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en\">\n<id>");
	if (rc == 0 && (rc = public_escape(&b, base)) == 0)
		rc = buf_printf(&b,
				"/advisories</id>\n<title>Advisories and publications</title>\n"
				"<updated>%s</updated>\n<author><name>" FEED_AUTHOR
				"</name></author>\n<link rel=\"self\" "
				"type=\"application/atom+xml\" href=\"",
				updated);
	if (rc == 0 && (rc = public_escape(&b, base)) == 0 &&
	    (rc = buf_append_str(&b, "/advisories.atom\"/>\n<link rel=\"alternate\" "
				     "type=\"text/html\" href=\"")) == 0 &&
	    (rc = public_escape(&b, base)) == 0)
		rc = buf_append_str(&b, "/advisories\"/>\n");
	for (size_t i = 0; rc == 0 && i < e.n && i < FEED_ENTRIES; i++)
		rc = entry(&b, &e.v[i]);
	if (rc == 0)
		rc = buf_append_str(&b, "</feed>\n");
	public_entries_free(&e);
	if (rc != 0) {
		buf_free(&b);
		return sk_error_set(err, rc, "the feed is too big");
	}
	len = b.len;
	http_response_text(resp, 200, ATOM_TYPE, buf_take(&b), len);
	return 0;
}
