/* http/public_pages.c: the public HTML pages of advisories and
 * publications (see public_pages.h), written on the server with every
 * piece of text escaped and Markdown through lib/markdown.h; no script.
 * Only what is published and what the TLP policy lets reach the public
 * (TLP_REL_PUBLIC) is shown; any other number answers the same 404 as
 * one that does not exist. */
#include "http/public_pages.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisory/advisory.h"
#include "advisory/cvss.h"
#include "advisory/publication.h"
#include "advisory/workflow.h"
#include "http/api_publications.h"
#include "http/public_feed.h"
#include "http/request.h"
#include "http/response.h"
#include "lib/buf.h"
#include "lib/error.h"
#include "lib/markdown.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "model/tlp.h"
#include "store/store.h"

#define PAGE_SIZE 20
#define PAGE_MAX  (8 * 1024 * 1024) /* the most one page may take */
#define HTML_TYPE "text/html; charset=utf-8"

static char base_url[PUBLIC_URL_MAX + 1] = "http://localhost";

void public_pages_configure(const char *public_url)
{
	size_t n;

	if (public_url == NULL || public_url[0] == '\0')
		return;
	snprintf(base_url, sizeof(base_url), "%s", public_url);
	n = strlen(base_url);
	while (n > 0 && base_url[n - 1] == '/')
		base_url[--n] = '\0';
}

const char *public_pages_url(void)
{
	return base_url;
}

int public_escape(struct buf *out, const char *s)
{
	return markdown_escape(out, s != NULL ? s : "", s != NULL ? strlen(s) : 0);
}

/* ---- the entries ---- */

static bool advisory_public(const struct advisory *a)
{
	return a->status == ADVISORY_PUBLISHED && tlp_policy(a->tlp, TLP_REL_PUBLIC).receive;
}

static void entry_add(struct public_entries *e, const struct advisory *a, bool publication,
		      const char *label)
{
	struct public_entry *x;

	e->v = xreallocarray(e->v, e->n + 1, sizeof(*e->v));
	x = &e->v[e->n++];
	memset(x, 0, sizeof(*x));
	x->publication = publication;
	x->id = a->id;
	snprintf(x->number, sizeof(x->number), "%s", a->number);
	x->title = xstrdup(a->title != NULL ? a->title : "");
	x->summary = xstrdup(a->summary != NULL ? a->summary : "");
	memcpy(x->published, a->published, sizeof(x->published));
	memcpy(x->updated,
	       a->n_revisions > 0 ? a->revisions[a->n_revisions - 1].date : a->published,
	       sizeof(x->updated));
	x->label = label;
}

static int advisory_entry(const struct store_advisory *r, void *ctx)
{
	struct advisory a;
	json_t *doc = json_loads(r->doc, 0, NULL);

	advisory_init(&a);
	if (doc != NULL && advisory_from_json(&a, doc, NULL) == 0) {
		a.id = r->id;
		if (advisory_public(&a))
			entry_add(ctx, &a, false, advisory_label(&a));
	}
	json_decref(doc);
	advisory_clear(&a);
	return 0;
}

static int publication_entry(const struct publication *p, void *ctx)
{
	entry_add(ctx, &p->base, true, publication_kind_names[p->kind]);
	return 0;
}

static int newest_first(const void *x, const void *y)
{
	const struct public_entry *a = x, *b = y;
	int c = strcmp(b->published, a->published);

	return c != 0 ? c : strcmp(b->number, a->number);
}

void public_entries_free(struct public_entries *e)
{
	for (size_t i = 0; i < e->n; i++) {
		free(e->v[i].title);
		free(e->v[i].summary);
	}
	free(e->v);
	memset(e, 0, sizeof(*e));
}

int public_entries_load(struct store *st, struct public_entries *out, struct sk_error *err)
{
	struct store_advisory_filter f = {.status = "published"};
	struct public_entries e = {0};
	int rc;

	if ((rc = store_advisory_each(st, &f, advisory_entry, &e, err)) != 0 ||
	    (rc = publication_public_each(st, publication_entry, &e, err)) != 0) {
		public_entries_free(&e);
		return rc;
	}
	if (e.n > 1)
		qsort(e.v, e.n, sizeof(*e.v), newest_first);
	*out = e;
	return 0;
}

/* ---- HTML ---- */

static int head(struct buf *b, const char *title)
{
	int rc = buf_append_str(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
				   "<meta charset=\"utf-8\">\n"
				   "<meta name=\"viewport\" content=\"width=device-width, "
				   "initial-scale=1\">\n<title>");

	if (rc == 0)
		rc = public_escape(b, title);
	if (rc == 0)
		rc = buf_append_str(
		    b, "</title>\n<link rel=\"stylesheet\" href=\"/css/public.css\">\n"
		       "<link rel=\"alternate\" type=\"application/atom+xml\" "
		       "title=\"Advisories and publications\" "
		       "href=\"/advisories.atom\">\n</head>\n<body>\n<header><a "
		       "href=\"/advisories\">Advisories and publications</a> "
		       "<a href=\"/advisories.atom\">Atom feed</a></header>\n"
		       "<main>\n");
	return rc;
}

static int tail(struct buf *b)
{
	return buf_append_str(b, "</main>\n</body>\n</html>\n");
}

/* <tag>text</tag> with text escaped; nothing when text is empty. */
static int element(struct buf *b, const char *tag, const char *text)
{
	int rc;

	if (text == NULL || text[0] == '\0')
		return 0;
	if ((rc = buf_printf(b, "<%s>", tag)) == 0 && (rc = public_escape(b, text)) == 0)
		rc = buf_printf(b, "</%s>\n", tag);
	return rc;
}

/* <dt>term</dt><dd>text</dd>, text escaped; nothing when it is empty. */
static int pair(struct buf *b, const char *term, const char *text)
{
	int rc;

	if (text == NULL || text[0] == '\0')
		return 0;
	if ((rc = buf_printf(b, "<dt>%s</dt><dd>", term)) == 0 &&
	    (rc = public_escape(b, text)) == 0)
		rc = buf_append_str(b, "</dd>\n");
	return rc;
}

/* A Markdown section under heading h2 (escaped); nothing when empty. */
static int section(struct buf *b, const char *h2, const char *md)
{
	int rc;

	if (md == NULL || md[0] == '\0')
		return 0;
	if ((rc = buf_append_str(b, "<section>\n")) == 0 && (rc = element(b, "h2", h2)) == 0 &&
	    (rc = markdown_render(md, strlen(md), b)) == 0)
		rc = buf_append_str(b, "</section>\n");
	return rc;
}

/* The path segment s, percent-encoded. */
static int url_segment(struct buf *b, const char *s)
{
	int rc = 0;

	for (; *s != '\0' && rc == 0; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~')
			rc = buf_append_char(b, (char)c);
		else
			rc = buf_printf(b, "%%%02X", c);
	}
	return rc;
}

static int answer_html(struct http_response *resp, int status, struct buf *b)
{
	size_t len = b->len;

	http_response_text(resp, status, HTML_TYPE, buf_take(b), len);
	return 0;
}

static int not_found(struct http_response *resp)
{
	struct buf b;
	int rc;

	buf_init(&b, 4096);
	if ((rc = head(&b, "Not found")) == 0 && (rc = element(&b, "h1", "Not found")) == 0 &&
	    (rc = element(&b, "p", "There is no public advisory or publication here.")) == 0)
		rc = tail(&b);
	if (rc != 0) {
		buf_free(&b);
		return rc;
	}
	return answer_html(resp, 404, &b);
}

/* GET /advisories?page=N */
static int page_list(struct http_request *req, struct http_response *resp, struct sk_error *err)
{
	static const char *const known[] = {"page", NULL};
	struct public_entries e = {0};
	int64_t page = 1;
	size_t first;
	struct buf b;
	int rc;

	if ((rc = http_request_known_args(req, known, err)) != 0 ||
	    (rc = http_request_query_int(req, "page", 1, 1000000, 1, &page, err)) != 0 ||
	    (rc = public_entries_load(req->st, &e, err)) != 0)
		return rc;
	buf_init(&b, PAGE_MAX);
	first = (size_t)(page - 1) * PAGE_SIZE;
	rc = head(&b, "Advisories and publications");
	if (rc == 0)
		rc = buf_append_str(&b, "<h1>Advisories and publications</h1>\n");
	if (rc == 0 && e.n == 0)
		rc = element(&b, "p", "Nothing has been published yet.");
	if (rc == 0 && first < e.n)
		rc = buf_append_str(&b, "<ul class=\"entries\">\n");
	for (size_t i = first; rc == 0 && i < e.n && i < first + PAGE_SIZE; i++) {
		const struct public_entry *x = &e.v[i];

		rc = buf_append_str(&b, "<li><a href=\"/advisories/");
		if (rc == 0 && (rc = url_segment(&b, x->number)) == 0 &&
		    (rc = buf_append_str(&b, "\">")) == 0 &&
		    (rc = public_escape(&b, x->number)) == 0 &&
		    (rc = buf_append_str(&b, ": ")) == 0 &&
		    (rc = public_escape(&b, x->title)) == 0)
			rc = buf_printf(&b, "</a> <span class=\"label %s\">", x->label);
		if (rc == 0 && (rc = public_escape(&b, x->label)) == 0)
			rc = buf_printf(&b, "</span> <time>%.10s</time>", x->published);
		if (rc == 0 && x->summary[0] != '\0' && (rc = buf_append_str(&b, "<p>")) == 0 &&
		    (rc = public_escape(&b, x->summary)) == 0)
			rc = buf_append_str(&b, "</p>");
		if (rc == 0)
			rc = buf_append_str(&b, "</li>\n");
	}
	if (rc == 0 && first < e.n)
		rc = buf_append_str(&b, "</ul>\n");
	if (rc == 0 && (page > 1 || first + PAGE_SIZE < e.n)) {
		rc = buf_append_str(&b, "<nav>");
		if (rc == 0 && page > 1)
			rc = buf_printf(
			    &b, "<a rel=\"prev\" href=\"/advisories?page=%lld\">Newer</a> ",
			    (long long)page - 1);
		if (rc == 0 && first + PAGE_SIZE < e.n)
			rc = buf_printf(
			    &b, "<a rel=\"next\" href=\"/advisories?page=%lld\">Older</a>",
			    (long long)page + 1);
		if (rc == 0)
			rc = buf_append_str(&b, "</nav>\n");
	}
	if (rc == 0)
		rc = tail(&b);
	public_entries_free(&e);
	if (rc != 0) {
		buf_free(&b);
		return sk_error_set(err, rc, "the page is too big");
	}
	return answer_html(resp, 200, &b);
}

static int advisory_body(struct buf *b, const struct advisory *a)
{
	char matrix[4], score[64] = "";
	struct cvss v;
	int rc;

	advisory_matrix(a, matrix);
	if (a->cvss != NULL && cvss_parse(a->cvss, &v, NULL) == 0)
		snprintf(score, sizeof(score), "%d.%d %s, ", v.score10 / 10, v.score10 % 10,
			 cvss_severity(v.score10));
	rc = head(b, a->title);
	if (rc == 0)
		rc = element(b, "h1", a->title);
	if (rc == 0)
		rc = buf_printf(b, "<p><span class=\"label %s\">%s</span></p>\n<dl>\n",
				advisory_label(a), advisory_label(a));
	if (rc == 0 && (rc = pair(b, "Number", a->number)) == 0 &&
	    (rc = pair(b, "TLP", tlp_name(a->tlp))) == 0 &&
	    (rc = pair(b, "Probability/damage", matrix)) == 0 && a->cvss != NULL) {
		rc = buf_printf(b, "<dt>CVSS</dt><dd>%s", score);
		if (rc == 0 && (rc = public_escape(b, a->cvss)) == 0)
			rc = buf_append_str(b, "</dd>\n");
	}
	if (rc == 0 && (rc = pair(b, "Published", a->published)) == 0)
		rc = buf_append_str(b, "</dl>\n");
	if (rc == 0)
		rc = element(b, "p", a->summary);
	if (rc == 0 && a->n_products > 0) {
		rc = buf_append_str(b, "<section>\n<h2>Affected products</h2>\n<ul>\n");
		for (size_t i = 0; rc == 0 && i < a->n_products; i++) {
			const struct advisory_product *p = &a->products[i];
			char line[ADVISORY_FIELD_MAX * 3 + 8];

			snprintf(line, sizeof(line), "%s %s %s", p->vendor ? p->vendor : "",
				 p->product ? p->product : "", p->versions ? p->versions : "*");
			rc = element(b, "li", line);
		}
		if (rc == 0)
			rc = buf_append_str(b, "</ul>\n</section>\n");
	}
	if (rc == 0 && a->cves.n > 0) {
		rc = buf_append_str(b, "<section>\n<h2>CVE</h2>\n<ul>\n");
		for (size_t i = 0; rc == 0 && i < a->cves.n; i++)
			rc = element(b, "li", a->cves.v[i]);
		if (rc == 0)
			rc = buf_append_str(b, "</ul>\n</section>\n");
	}
	if (rc == 0)
		rc = section(b, "Description", a->description);
	if (rc == 0)
		rc = section(b, "Remediation", a->remediation);
	if (rc == 0 && a->references.n > 0) {
		rc = buf_append_str(b, "<section>\n<h2>References</h2>\n<ul>\n");
		for (size_t i = 0; rc == 0 && i < a->references.n; i++) {
			rc = buf_append_str(b, "<li><a rel=\"nofollow noopener\" href=\"");
			if (rc == 0 && (rc = public_escape(b, a->references.v[i])) == 0 &&
			    (rc = buf_append_str(b, "\">")) == 0 &&
			    (rc = public_escape(b, a->references.v[i])) == 0)
				rc = buf_append_str(b, "</a></li>\n");
		}
		if (rc == 0)
			rc = buf_append_str(b, "</ul>\n</section>\n");
	}
	return rc;
}

/* The revision history, then the end of the page. */
static int history_tail(struct buf *b, const struct advisory *a)
{
	int rc = 0;

	if (a->n_revisions > 0) {
		rc = buf_append_str(
		    b, "<section>\n<h2>Revisions</h2>\n<ol class=\"revisions\">\n");
		for (size_t i = 0; rc == 0 && i < a->n_revisions; i++) {
			rc = buf_printf(b, "<li><time>%s</time> ", a->revisions[i].date);
			if (rc == 0 && (rc = public_escape(b, a->revisions[i].summary)) == 0)
				rc = buf_append_str(b, "</li>\n");
		}
		if (rc == 0)
			rc = buf_append_str(b, "</ol>\n</section>\n");
	}
	return rc == 0 ? tail(b) : rc;
}

static int publication_body(struct buf *b, const struct publication *p)
{
	const struct advisory *a = &p->base;
	int rc = head(b, a->title);

	if (rc == 0)
		rc = element(b, "h1", a->title);
	if (rc == 0)
		rc = buf_printf(b, "<p><span class=\"label\">%s</span></p>\n<dl>\n",
				publication_kind_names[p->kind]);
	if (rc == 0 && (rc = pair(b, "Number", a->number)) == 0 &&
	    (rc = pair(b, "TLP", tlp_name(a->tlp))) == 0 &&
	    (rc = pair(b, "Published", a->published)) == 0)
		rc = buf_append_str(b, "</dl>\n");
	if (rc == 0)
		rc = element(b, "p", a->summary);
	if (rc == 0 && (rc = buf_append_str(b, "<article>\n")) == 0 &&
	    (rc = markdown_render(p->body, strlen(p->body), b)) == 0)
		rc = buf_append_str(b, "</article>\n");
	if (rc == 0 && p->n_att > 0) {
		rc = buf_append_str(b, "<section>\n<h2>Attachments</h2>\n<ul>\n");
		for (size_t i = 0; rc == 0 && i < p->n_att; i++) {
			rc = buf_append_str(b, "<li><a download href=\"/advisories/");
			if (rc == 0 && (rc = url_segment(b, a->number)) == 0 &&
			    (rc = buf_append_str(b, "/attachments/")) == 0 &&
			    (rc = url_segment(b, p->att[i].name)) == 0 &&
			    (rc = buf_append_str(b, "\">")) == 0 &&
			    (rc = public_escape(b, p->att[i].name)) == 0)
				rc = buf_printf(b, "</a> (%zu bytes)</li>\n", p->att[i].size);
		}
		if (rc == 0)
			rc = buf_append_str(b, "</ul>\n</section>\n");
	}
	return rc;
}

/* The public advisory numbered number into *a, else SK_ENOTFOUND. */
static int advisory_by_number(struct store *st, const char *number, struct advisory *a,
			      struct sk_error *err)
{
	struct buf text;
	json_t *doc = NULL;
	int64_t id;
	int rc;

	if (str_to_i64(number, 0, INT64_MAX, &id) == 0 ||
	    (rc = advisory_ref(st, number, &id, err)) != 0)
		return SK_ENOTFOUND;
	buf_init(&text, ADVISORY_JSON_MAX * 2);
	if ((rc = store_advisory_get(st, id, &text, err)) == 0 &&
	    ((doc = json_loads(buf_str(&text), 0, NULL)) == NULL ||
	     advisory_from_json(a, doc, err) != 0))
		rc = sk_error_set(err, SK_EIO, "advisory %lld in the database is damaged",
				  (long long)id);
	json_decref(doc);
	buf_free(&text);
	if (rc == 0 && !advisory_public(a))
		rc = SK_ENOTFOUND;
	a->id = id;
	return rc;
}

/* The public publication numbered number into *p, else SK_ENOTFOUND. */
static int publication_by_number(struct store *st, const char *number, struct publication *p,
				 struct sk_error *err)
{
	int64_t id;

	if (str_to_i64(number, 0, INT64_MAX, &id) == 0 ||
	    publication_ref(st, number, &id, err) != 0)
		return SK_ENOTFOUND;
	return publication_get_public(st, id, p, err);
}

/* GET /advisories/{number} */
static int page_one(struct http_request *req, struct http_response *resp, struct sk_error *err)
{
	const char *number = http_request_param(req, "number");
	struct publication p;
	struct advisory a;
	struct buf b;
	int rc;

	advisory_init(&a);
	publication_init(&p);
	buf_init(&b, PAGE_MAX);
	if ((rc = advisory_by_number(req->st, number, &a, err)) == 0) {
		if ((rc = advisory_body(&b, &a)) == 0)
			rc = history_tail(&b, &a);
	} else if (rc == SK_ENOTFOUND &&
		   (rc = publication_by_number(req->st, number, &p, err)) == 0) {
		if ((rc = publication_body(&b, &p)) == 0)
			rc = history_tail(&b, &p.base);
	}
	advisory_clear(&a);
	publication_clear(&p);
	if (rc == SK_ENOTFOUND) {
		buf_free(&b);
		return not_found(resp);
	}
	if (rc == SK_ETOOBIG)
		rc = sk_error_set(err, rc, "the page is too big");
	if (rc != 0) {
		buf_free(&b);
		return rc;
	}
	return answer_html(resp, 200, &b);
}

/* GET /advisories/{number}/attachments/{name} */
static int page_attachment(struct http_request *req, struct http_response *resp,
			   struct sk_error *err)
{
	struct publication p;
	char type[128];
	struct buf data;
	int rc;

	publication_init(&p);
	buf_init(&data, SIZE_MAX / 2);
	rc = publication_by_number(req->st, http_request_param(req, "number"), &p, err);
	if (rc == 0)
		rc = store_publication_attachment(
		    req->st, p.base.id, http_request_param(req, "name"), &data, type, err);
	if (rc == 0)
		api_publications_send_attachment(resp, http_request_param(req, "name"), type,
						 &data);
	publication_clear(&p);
	buf_free(&data);
	return rc == SK_ENOTFOUND ? not_found(resp) : rc;
}

const struct router_route public_pages_routes[] = {
    {"GET", "/advisories", page_list, ACCESS_PUBLIC},
    {"GET", "/advisories.atom", public_feed_atom, ACCESS_PUBLIC},
    {"GET", "/advisories/{number}", page_one, ACCESS_PUBLIC},
    {"GET", "/advisories/{number}/attachments/{name}", page_attachment, ACCESS_PUBLIC},
    {NULL, NULL, NULL, ACCESS_PUBLIC},
};
