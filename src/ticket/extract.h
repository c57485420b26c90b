/* ticket/extract.h: what the text of a report names: IP addresses and
 * prefixes, domain names, URLs, AS numbers and CVE ids, canonical and
 * refanged, in order of first appearance. docs/scope.md has the rules. */
#ifndef SK_TICKET_EXTRACT_H
#define SK_TICKET_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>

struct sk_error;

#define EXTRACT_TEXT_MAX  (4u * 1024 * 1024) /* bytes read; the rest is cut */
#define EXTRACT_ITEMS_MAX 1000		     /* items kept; more are counted */
#define EXTRACT_URL_MAX	  2048		     /* longest URL reported, NUL not included */

enum extract_kind {
	EXTRACT_IP,	/* an address: "198.51.100.7", "2001:db8::1" */
	EXTRACT_PREFIX, /* a network: "198.51.100.0/24" */
	EXTRACT_DOMAIN, /* "www.example.be" (A-labels for IDN) */
	EXTRACT_URL,	/* "https://www.example.be/login" */
	EXTRACT_ASN,	/* "AS64496" */
	EXTRACT_CVE,	/* "CVE-2021-44228" */
};
#define EXTRACT_KIND_COUNT 6

/* "ip", "prefix", "domain", "url", "asn", "cve"; the enum value is the
 * index. */
extern const char *const extract_kind_names[];

struct extract_item {
	enum extract_kind kind;
	char *text; /* canonical form; owned by the result */
	/* For a URL: its host as it is also reported (a domain or an
	 * address), pointing into a string the result owns; NULL otherwise. */
	const char *host;
	bool host_is_addr;
};

struct extract_result {
	struct extract_item *items; /* count of them, in order of first appearance */
	size_t count;
	size_t dropped; /* further distinct values past EXTRACT_ITEMS_MAX */
	bool cut;	/* the text was longer than EXTRACT_TEXT_MAX: only its start was read */
};

/* Find what text[0..len) names (any bytes; NUL is a separator). out is
 * written in full; caller frees it with extract_result_free(), also after
 * a failure. Returns 0; an input that is too large is not an error (cut
 * says so). Time and memory are linear in min(len, EXTRACT_TEXT_MAX). */
int extract_text(const char *text, size_t len, struct extract_result *out,
		 struct sk_error *err);
void extract_result_free(struct extract_result *r);

#endif
