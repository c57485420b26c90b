/* ticket/extract.c: the addresses, prefixes, domains, URLs, AS numbers and
 * CVE ids a report names. One pass over the text cuts it into runs of
 * name characters (letters, digits, '.', '-', '_', ':', '%', and non-ASCII
 * letters), refanging "[.]", "(.)", "[dot]" and "[:]" on the way, and
 * takes each run apart once; a URL scheme starts a URL, which runs to the
 * next space, quote or angle bracket. Values go through net/prefix.h,
 * net/domain.h and net/asn.h for their canonical forms; a domain counts
 * only when its last label is a top-level domain libpsl knows.
 *
 * SECURITY: reads outside input (the body of a mail). At most
 * EXTRACT_TEXT_MAX bytes are read; a run of name characters longer than
 * RUN_MAX and a URL longer than EXTRACT_URL_MAX are passed over without
 * being looked at; EXTRACT_ITEMS_MAX items are kept. Every byte is looked
 * at a bounded number of times. Repeats are found through hash tables
 * keyed with a random SipHash key, so crafted text cannot make them slow. */
#include "ticket/extract.h"

#include <libpsl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/error.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"
#include "net/asn.h"
#include "net/domain.h"
#include "net/prefix.h"

#define RUN_MAX		  1024	     /* longest run of name characters taken apart */
#define CUT_BACK_MAX	  4096	     /* how far a cut text backs off to a white space */
#define KEPT_SLOTS	  2048	     /* > 2 * EXTRACT_ITEMS_MAX: a sparse table */
#define DROPPED_SLOTS_MAX (1u << 21) /* > 2 * the most values 4 MiB can hold */

_Static_assert(KEPT_SLOTS > 2 * EXTRACT_ITEMS_MAX, "kept table too small");
_Static_assert(EXTRACT_ITEMS_MAX < UINT16_MAX, "kept table holds 16-bit indexes");

const char *const extract_kind_names[] = {"ip", "prefix", "domain", "url", "asn", "cve", NULL};

struct scan {
	const unsigned char *s;
	size_t n;
	struct extract_result *res;
	unsigned char key[crypto_shorthash_KEYBYTES];
	uint64_t *hashes;	   /* the hash of each kept item */
	uint16_t kept[KEPT_SLOTS]; /* item index + 1; 0 is empty */
	uint64_t *dropped;	   /* fingerprints of values past the limit; 0 is empty */
	size_t dropped_slots;
};

/* The public suffix list: the newest of libpsl's built-in copy and the
 * system's (package publicsuffix), loaded once and kept for the process. */
static const psl_ctx_t *psl;
static pthread_once_t psl_once = PTHREAD_ONCE_INIT;

static void psl_load(void)
{
	psl = psl_latest(NULL);
	if (psl == NULL)
		psl = psl_builtin();
}

/* Is c a character of a run (ASCII)? */
static bool name_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '-' || c == '_' || c == ':' || c == '%';
}

static bool alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* Length of the UTF-8 sequence at s (n bytes available) if it encodes a
 * code point that may be part of a name; 0 for invalid UTF-8 and for the
 * spaces, quotes and punctuation text puts around names (Latin-1
 * punctuation, General Punctuation, CJK punctuation, fullwidth forms). */
static size_t utf8_name_len(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t len = utf8_decode(s, n, &cp);

	if (len == 0)
		return 0;
	if (cp < 0xc0 || cp == 0xd7 || cp == 0xf7 || (cp >= 0x2000 && cp <= 0x206f) ||
	    (cp >= 0x3000 && cp <= 0x303f) || (cp >= 0xfe10 && cp <= 0xfe6f) ||
	    (cp >= 0xff00 && cp <= 0xff20) || cp >= 0xfff0)
		return 0;
	return len;
}

/* Case-insensitive: does s[i..n) start with word (lowercase)? */
static bool starts_with(const unsigned char *s, size_t n, size_t i, const char *word)
{
	size_t len = strlen(word);

	if (n - i < len)
		return false;
	for (size_t k = 0; k < len; k++)
		if (lower(s[i + k]) != (unsigned char)word[k])
			return false;
	return true;
}

/* A defanged '.' or ':' at s[i]: its length, with the character it stands
 * for in *c; 0 if there is none. */
static size_t defang_at(const unsigned char *s, size_t n, size_t i, char *c)
{
	static const struct {
		const char *text;
		char c;
	} forms[] = {{"[.]", '.'},   {"(.)", '.'},   {"{.}", '.'}, {"[dot]", '.'},
		     {"(dot)", '.'}, {"{dot}", '.'}, {"[:]", ':'}};

	for (size_t k = 0; k < sizeof(forms) / sizeof(forms[0]); k++) {
		if (starts_with(s, n, i, forms[k].text)) {
			*c = forms[k].c;
			return strlen(forms[k].text);
		}
	}
	return 0;
}

/* A URL scheme at s[i] ("https://", "hxxp[:]//", "ftp[://]"): its length,
 * with the scheme refanged in *scheme; 0 if there is none. */
static size_t scheme_at(const unsigned char *s, size_t n, size_t i, const char **scheme)
{
	static const struct {
		const char *text, *scheme;
	} names[] = {{"https", "https"},
		     {"http", "http"},
		     {"hxxps", "https"},
		     {"hxxp", "http"},
		     {"ftp", "ftp"}};
	static const char *const seps[] = {"://", "[:]//", "[://]"};

	if (i > 0 && alnum(s[i - 1]))
		return 0;
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		size_t len = strlen(names[k].text);

		if (!starts_with(s, n, i, names[k].text))
			continue;
		for (size_t m = 0; m < sizeof(seps) / sizeof(seps[0]); m++) {
			if (starts_with(s, n, i + len, seps[m])) {
				*scheme = names[k].scheme;
				return len + strlen(seps[m]);
			}
		}
	}
	return 0;
}

static uint64_t hash_value(const struct scan *sc, enum extract_kind kind, const char *text)
{
	unsigned char in[EXTRACT_URL_MAX + 2], out[crypto_shorthash_BYTES];
	size_t len = strlen(text);
	uint64_t h;

	in[0] = (unsigned char)kind;
	memcpy(in + 1, text, len);
	crypto_shorthash(out, in, len + 1, sc->key);
	memcpy(&h, out, sizeof(h));
	return h != 0 ? h : 1; /* 0 marks an empty slot */
}

/* Count a value past the limit once. */
static void drop_value(struct scan *sc, uint64_t h)
{
	size_t used = sc->res->dropped, j;
	uint64_t *t;

	if (2 * (used + 1) > sc->dropped_slots) {
		size_t slots;

		if (sc->dropped_slots >= DROPPED_SLOTS_MAX) {
			sc->res->dropped++; /* past what can be told apart: count it */
			return;
		}
		slots = sc->dropped_slots ? 2 * sc->dropped_slots : 4096;
		t = xcalloc(slots, sizeof(*t));

		for (size_t k = 0; k < sc->dropped_slots; k++) {
			if (sc->dropped[k] == 0)
				continue;
			for (j = sc->dropped[k] & (slots - 1); t[j] != 0;
			     j = (j + 1) & (slots - 1))
				;
			t[j] = sc->dropped[k];
		}
		free(sc->dropped);
		sc->dropped = t;
		sc->dropped_slots = slots;
	}
	for (j = h & (sc->dropped_slots - 1); sc->dropped[j] != 0;
	     j = (j + 1) & (sc->dropped_slots - 1))
		if (sc->dropped[j] == h)
			return;
	sc->dropped[j] = h;
	sc->res->dropped++;
}

/* Add a value unless it is there already. text is copied; for a URL, host
 * (its canonical host) too. */
static void add_item(struct scan *sc, enum extract_kind kind, const char *text,
		     const char *host, bool host_is_addr)
{
	struct extract_result *r = sc->res;
	uint64_t h = hash_value(sc, kind, text);
	size_t j, tlen, hlen;
	struct extract_item *it;

	for (j = h & (KEPT_SLOTS - 1); sc->kept[j] != 0; j = (j + 1) & (KEPT_SLOTS - 1)) {
		it = &r->items[sc->kept[j] - 1];
		if (sc->hashes[sc->kept[j] - 1] == h && it->kind == kind &&
		    strcmp(it->text, text) == 0)
			return;
	}
	if (r->count == EXTRACT_ITEMS_MAX) {
		drop_value(sc, h);
		return;
	}
	it = &r->items[r->count];
	tlen = strlen(text);
	hlen = host != NULL ? strlen(host) + 1 : 0;
	it->kind = kind;
	it->text = xmalloc(tlen + 1 + hlen);
	memcpy(it->text, text, tlen + 1);
	it->host = NULL;
	it->host_is_addr = false;
	if (host != NULL) {
		memcpy(it->text + tlen + 1, host, hlen);
		it->host = it->text + tlen + 1;
		it->host_is_addr = host_is_addr;
	}
	sc->hashes[r->count] = h;
	sc->kept[j] = (uint16_t)(r->count + 1);
	r->count++;
}

/* The address or network in text ("198.51.100.7", "2001:db8::/32"),
 * canonical into out (PREFIX_TEXT_MAX). A host prefix is an address; so is
 * an address written with its netmask length ("198.51.100.7/24"), which
 * names the host, not the network. The unspecified address and /0 name no
 * system. Returns the kind, or -1 if text is neither. */
static int parse_network(const char *text, char *out, struct prefix *p)
{
	char addr[PREFIX_TEXT_MAX];
	const char *slash = strchr(text, '/');
	size_t alen = slash != NULL ? (size_t)(slash - text) : strlen(text);
	static const uint8_t zero[16];
	struct prefix net;

	if (alen == 0 || alen >= sizeof(addr))
		return -1;
	memcpy(addr, text, alen);
	addr[alen] = '\0';
	if (prefix_parse_addr(addr, p, NULL) != 0)
		return -1;
	if (slash != NULL) {
		char *end = NULL;
		long bits;

		if (slash[1] < '0' || slash[1] > '9')
			return -1;
		bits = strtol(slash + 1, &end, 10);
		if (*end != '\0' || bits > prefix_family_bits(p->family))
			return -1;
		net = *p;
		prefix_truncate(&net, (uint8_t)bits);
		if (memcmp(net.addr, p->addr, sizeof(net.addr)) == 0)
			*p = net; /* no host bits set: the network */
	}
	if (p->len == 0 || (p->len == prefix_family_bits(p->family) &&
			    memcmp(p->addr, zero, p->family == 4 ? 4 : 16) == 0))
		return -1;
	if (p->len == prefix_family_bits(p->family)) {
		prefix_format_addr(p, out, PREFIX_TEXT_MAX);
		return EXTRACT_IP;
	}
	prefix_format(p, out, PREFIX_TEXT_MAX);
	return EXTRACT_PREFIX;
}

static void add_network(struct scan *sc, const char *text, size_t len)
{
	char in[PREFIX_TEXT_MAX], out[PREFIX_TEXT_MAX];
	struct prefix p;
	int kind;

	if (len == 0 || len >= sizeof(in))
		return;
	memcpy(in, text, len);
	in[len] = '\0';
	kind = parse_network(in, out, &p);
	if (kind >= 0)
		add_item(sc, (enum extract_kind)kind, out, NULL, false);
}

/* Top-level domains that are also common file-name extensions: a bare
 * "name.ext" under one of them is taken for a file unless the text shows
 * it is a host (a URL, an e-mail address, defanged). */
static bool file_extension(const char *tld)
{
	static const char *const exts[] = {"zip", "mov", "py", "sh", "md", "rs", NULL};

	for (const char *const *e = exts; *e != NULL; e++)
		if (strcmp(tld, *e) == 0)
			return true;
	return false;
}

/* Normalize text[0..len) as a domain into out: a canonical name of two
 * labels or more whose last label is a top-level domain in the public
 * suffix list, and which is not itself an ICANN public suffix ("co.uk").
 * surely_host says the text shows it is a host name. */
static bool parse_domain(const char *text, size_t len, bool surely_host,
			 char out[DOMAIN_TEXT_MAX])
{
	char in[RUN_MAX + 1];
	const char *tld, *first_dot;

	if (len == 0 || len > RUN_MAX || memchr(text, '.', len) == NULL)
		return false;
	memcpy(in, text, len);
	in[len] = '\0';
	if (domain_normalize(in, false, out, NULL) != 0)
		return false;
	tld = strrchr(out, '.') + 1;
	pthread_once(&psl_once, psl_load);
	if (psl == NULL ||
	    !psl_is_public_suffix2(psl, tld, PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE) ||
	    psl_is_public_suffix2(psl, out, PSL_TYPE_ICANN | PSL_TYPE_NO_STAR_RULE))
		return false;
	first_dot = strchr(out, '.');
	if (!surely_host && first_dot + 1 == tld && file_extension(tld))
		return false;
	return true;
}

/* "CVE-2021-44228" in any case: four digits of year, four or more of
 * sequence (at most 19, no id is longer). */
static bool cve_match(const char *p, size_t len)
{
	size_t k;

	if (len < 13 || len > 27 || lower((unsigned char)p[0]) != 'c' ||
	    lower((unsigned char)p[1]) != 'v' || lower((unsigned char)p[2]) != 'e' ||
	    p[3] != '-' || p[8] != '-')
		return false;
	for (k = 4; k < 8; k++)
		if (p[k] < '0' || p[k] > '9')
			return false;
	for (k = 9; k < len; k++)
		if (p[k] < '0' || p[k] > '9')
			return false;
	return true;
}

/* "AS64496": upper case, as AS numbers are written; bare numbers and
 * "as400" in a sentence are not AS numbers. Returns whether p has that
 * form. */
static bool take_asn(struct scan *sc, const char *p, size_t len)
{
	char in[ASN_TEXT_MAX], out[ASN_TEXT_MAX];
	uint32_t asn;

	if (len < 3 || len >= sizeof(in) || p[0] != 'A' || p[1] != 'S')
		return false;
	for (size_t k = 2; k < len; k++)
		if (p[k] < '0' || p[k] > '9')
			return false;
	memcpy(in, p, len);
	in[len] = '\0';
	if (asn_parse(in, &asn, NULL) == 0 && asn_format(asn, out, sizeof(out)) > 0)
		add_item(sc, EXTRACT_ASN, out, NULL, false);
	return true;
}

/* Drop dots and hyphens from both ends of p[0..*len), and underscores
 * that wrap it ("_example.be_", emphasis); "_dmarc.example.be" keeps its
 * underscore and is no host name. */
static const char *trim_ends(const char *p, size_t *len)
{
	while (*len > 0 && (p[0] == '.' || p[0] == '-')) {
		p++;
		(*len)--;
	}
	while (*len > 0 && (p[*len - 1] == '.' || p[*len - 1] == '-' || p[*len - 1] == '_'))
		(*len)--;
	while (*len > 0 && p[0] == '_' && p[*len] == '_') {
		p++;
		(*len)--;
	}
	return p;
}

/* One piece of a run, between colons: a CVE id, an AS number, an IPv4
 * address or network (or a range of them, "192.0.2.1-192.0.2.9"), or a
 * domain. before_at: an e-mail address's local part, no domain. */
static void take_piece(struct scan *sc, const char *p, size_t len, bool before_at,
		       bool surely_host)
{
	char name[DOMAIN_TEXT_MAX], cve[32];
	size_t k;

	p = trim_ends(p, &len);
	if (len == 0)
		return;
	if (cve_match(p, len)) {
		for (k = 0; k < len; k++)
			cve[k] = (char)(p[k] >= 'a' && p[k] <= 'z' ? p[k] - 32 : p[k]);
		cve[len] = '\0';
		add_item(sc, EXTRACT_CVE, cve, NULL, false);
		return;
	}
	if (take_asn(sc, p, len))
		return;
	if (strspn(p, "0123456789./-") >= len) {
		size_t start = 0;

		/* Numbers and dots are never a domain: the last label would be
		 * all digits. */
		for (k = 0; k <= len; k++) {
			if (k < len && p[k] != '-')
				continue;
			add_network(sc, p + start, k - start);
			start = k + 1;
		}
		return;
	}
	if (!before_at && parse_domain(p, len, surely_host, name))
		add_item(sc, EXTRACT_DOMAIN, name, NULL, false);
}

/* A run of name characters, refanged: an IPv6 address or network if it
 * is one as a whole (a zone "%eth0" is dropped), else its pieces between
 * colons and percent signs ("IP:192.0.2.1", "example.be:8080"). */
static void take_run(struct scan *sc, const char *run, size_t len, bool before_at,
		     bool after_at, bool defanged)
{
	size_t colons = 0, start = 0, k;

	run = trim_ends(run, &len);
	for (k = 0; k < len; k++)
		colons += run[k] == ':';
	if (colons >= 2) {
		/* An address, then a zone ("%eth0") or a length ("/64"). */
		char v6[PREFIX_TEXT_MAX];
		size_t alen = strspn(run, "0123456789abcdefABCDEF:."), slen = 0;

		if (alen > len)
			alen = len;
		if (alen < len && run[alen] == '/')
			slen = len - alen;
		else if (alen < len && run[alen] != '%')
			alen = 0;
		if (alen >= 2 && alen + slen < sizeof(v6)) {
			char out[PREFIX_TEXT_MAX];
			struct prefix p;
			int kind;

			memcpy(v6, run, alen + slen);
			v6[alen + slen] = '\0';
			kind = parse_network(v6, out, &p);
			if (kind >= 0 && p.family == 6) {
				add_item(sc, (enum extract_kind)kind, out, NULL, false);
				return;
			}
		}
	}
	for (k = 0; k <= len; k++) {
		if (k < len && run[k] != ':' && run[k] != '%')
			continue;
		take_piece(sc, run + start, k - start, before_at && k == len,
			   defanged || (after_at && start == 0));
		start = k + 1;
	}
}

/* The host of a URL, host[0..len) (brackets kept for IPv6): canonical
 * into out, addresses in brackets for the URL and bare in bare. */
static bool parse_host(const char *host, size_t len, char *out, size_t size, char *bare,
		       bool *is_addr)
{
	char in[PREFIX_TEXT_MAX], name[DOMAIN_TEXT_MAX];
	struct prefix p;

	*is_addr = false;
	if (len >= 2 && host[0] == '[' && host[len - 1] == ']') {
		if (len - 2 >= sizeof(in))
			return false;
		memcpy(in, host + 1, len - 2);
		in[len - 2] = '\0';
		if (strchr(in, '/') != NULL || parse_network(in, bare, &p) != EXTRACT_IP ||
		    p.family != 6)
			return false;
		*is_addr = true;
		return (size_t)snprintf(out, size, "[%s]", bare) < size;
	}
	if (len > 0 && len < sizeof(in) && strspn(host, "0123456789.") >= len) {
		memcpy(in, host, len);
		in[len] = '\0';
		if (prefix_parse_addr(in, &p, NULL) != 0 ||
		    parse_network(in, bare, &p) != EXTRACT_IP)
			return false;
		*is_addr = true;
		return (size_t)snprintf(out, size, "%s", bare) < size;
	}
	if (!parse_domain(host, len, true, name))
		return false;
	memcpy(bare, name, strlen(name) + 1);
	return (size_t)snprintf(out, size, "%s", name) < size;
}

/* Append text[0..len) to url (EXTRACT_URL_MAX + 1 bytes, *o used),
 * percent-encoding bytes that are not ASCII if encode; false if it does
 * not fit. */
static bool url_append(char *url, size_t *o, const char *text, size_t len, bool encode)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t k = 0; k < len; k++) {
		unsigned char c = (unsigned char)text[k];

		if (c < 0x80 || !encode) {
			if (*o + 1 > EXTRACT_URL_MAX)
				return false;
			url[(*o)++] = (char)c;
		} else {
			if (*o + 3 > EXTRACT_URL_MAX)
				return false;
			url[(*o)++] = '%';
			url[(*o)++] = hex[c >> 4];
			url[(*o)++] = hex[c & 15];
		}
	}
	url[*o] = '\0';
	return true;
}

/* u[0..len): a refanged URL after its scheme, trailing punctuation cut.
 * Reports the URL (when it fits) and its host. */
static void take_url(struct scan *sc, const char *scheme, const char *u, size_t len,
		     bool too_long)
{
	char host[DOMAIN_TEXT_MAX + 2], bare[DOMAIN_TEXT_MAX];
	char url[EXTRACT_URL_MAX + 1];
	size_t auth = strcspn(u, "/?#\\"), hstart = 0, hend, o, k;
	bool is_addr;

	if (auth > len)
		auth = len;
	for (k = auth; k > 0; k--) {
		if (u[k - 1] == '@') {
			hstart = k; /* user:password@ */
			break;
		}
	}
	hend = auth;
	if (hstart < auth && u[hstart] == '[') {
		const char *close = memchr(u + hstart, ']', auth - hstart);

		if (close == NULL)
			return;
		hend = (size_t)(close - u) + 1;
	} else {
		const char *colon = memchr(u + hstart, ':', auth - hstart);

		if (colon != NULL)
			hend = (size_t)(colon - u);
	}
	if (hend < auth) {
		/* A port: one to five digits, at most 65535. */
		size_t plen = auth - hend - 1;
		char *end = NULL;
		long port;

		if (u[hend] != ':' || plen == 0 || plen > 5 ||
		    strspn(u + hend + 1, "0123456789") < plen)
			return;
		port = strtol(u + hend + 1, &end, 10);
		if (port > 65535)
			return;
	}
	if (!parse_host(u + hstart, hend - hstart, host, sizeof(host), bare, &is_addr))
		return;
	if (too_long) {
		add_item(sc, is_addr ? EXTRACT_IP : EXTRACT_DOMAIN, bare, NULL, false);
		return;
	}
	/* User, password, path, query and fragment as written; bytes that
	 * are not ASCII percent-encoded, as a browser sends them. */
	o = 0;
	if (!url_append(url, &o, scheme, strlen(scheme), false) ||
	    !url_append(url, &o, "://", 3, false) || !url_append(url, &o, u, hstart, true) ||
	    !url_append(url, &o, host, strlen(host), false) ||
	    !url_append(url, &o, u + hend, auth - hend, false) ||
	    (u[auth] != '/' && !url_append(url, &o, "/", 1, false)) ||
	    !url_append(url, &o, u + auth, len - auth, true))
		return;
	url[o] = '\0';
	add_item(sc, EXTRACT_URL, url, bare, is_addr);
	add_item(sc, is_addr ? EXTRACT_IP : EXTRACT_DOMAIN, bare, NULL, false);
}

/* Is c a byte that ends a URL in running text? */
static bool url_end(unsigned char c)
{
	return c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == '"' || c == '`';
}

/* Scan a URL whose scheme (slen bytes, refanged to scheme) is at s[i];
 * returns the position after it. */
static size_t scan_url(struct scan *sc, size_t i, size_t slen, const char *scheme)
{
	char u[EXTRACT_URL_MAX + 1];
	size_t len = 0, j = i + slen, open_paren = 0, close_paren = 0, open_sq = 0,
	       close_sq = 0;
	bool too_long = false;

	while (j < sc->n && !url_end(sc->s[j])) {
		unsigned char c = sc->s[j];
		size_t step = 1;
		char d;

		if (c >= 0x80) {
			step = utf8_name_len(sc->s + j, sc->n - j);
			if (step == 0)
				break; /* a quote, a space or bad UTF-8 */
		} else if ((c == '[' || c == '(' || c == '{') &&
			   (step = defang_at(sc->s, sc->n, j, &d)) > 0) {
			if (len < EXTRACT_URL_MAX)
				u[len++] = d;
			else
				too_long = true;
			j += step;
			continue;
		} else {
			step = 1;
		}
		if (len + step > EXTRACT_URL_MAX) {
			too_long = true;
		} else {
			memcpy(u + len, sc->s + j, step);
			len += step;
		}
		j += step;
	}
	for (size_t k = 0; k < len; k++) {
		open_paren += u[k] == '(';
		close_paren += u[k] == ')';
		open_sq += u[k] == '[';
		close_sq += u[k] == ']';
	}
	/* Trailing punctuation belongs to the sentence; a closing bracket
	 * only when the URL has no bracket it closes. */
	while (len > 0 && !too_long) {
		char c = u[len - 1];

		if (c == ')' && close_paren > open_paren)
			close_paren--;
		else if (c == ']' && close_sq > open_sq)
			close_sq--;
		else if (!strchr(".,;:!?'*", c))
			break;
		len--;
	}
	u[len] = '\0';
	if (len > 0)
		take_url(sc, scheme, u, len, too_long);
	return j;
}

/* Scan the run of name characters at s[i]; returns the position after
 * it. A URL scheme inside a run ends it ("URL:http://..."). */
static size_t scan_run(struct scan *sc, size_t i)
{
	char run[RUN_MAX + 1];
	size_t len = 0, j = i;
	bool over = false, defanged = false, iplike = true;
	const char *scheme;

	while (j < sc->n) {
		unsigned char c = sc->s[j];
		size_t step = 0;
		char d = 0;

		if (name_byte(c)) {
			if (j > i && alnum(c) && scheme_at(sc->s, sc->n, j, &scheme) > 0)
				break;
			step = 1;
			d = (char)c;
		} else if (c >= 0x80) {
			step = utf8_name_len(sc->s + j, sc->n - j);
			if (step == 0)
				break;
		} else if ((c == '[' || c == '(' || c == '{') && len > 0 &&
			   (step = defang_at(sc->s, sc->n, j, &d)) > 0) {
			if (j + step >= sc->n ||
			    !(alnum(sc->s[j + step]) || sc->s[j + step] == ':' ||
			      sc->s[j + step] == '['))
				break;
			defanged = true;
		} else if (c == '/' && iplike && len > 0) {
			/* A prefix length: one to three digits, then no more
			 * name. */
			size_t k = j + 1;

			while (k < sc->n && k - j - 1 < 3 && sc->s[k] >= '0' && sc->s[k] <= '9')
				k++;
			if (k == j + 1 || (k < sc->n && alnum(sc->s[k])) ||
			    (k + 1 < sc->n && sc->s[k] == '.' && alnum(sc->s[k + 1])))
				break;
			if (len + (k - j) <= RUN_MAX)
				memcpy(run + len, sc->s + j, k - j);
			else
				over = true;
			len += k - j;
			j = k;
			break;
		} else {
			break;
		}
		if (d != 0) {
			if (!(alnum((unsigned char)d) || d == ':' || d == '.') ||
			    ((d >= 'g' && d <= 'z') || (d >= 'G' && d <= 'Z')))
				iplike = false;
			if (len < RUN_MAX)
				run[len] = d;
			len++;
			j += step;
		} else {
			if (len + step <= RUN_MAX)
				memcpy(run + len, sc->s + j, step);
			len += step;
			iplike = false;
			j += step;
		}
		if (len > RUN_MAX)
			over = true;
	}
	if (!over && len > 0) {
		run[len] = '\0';
		take_run(sc, run, len, j < sc->n && sc->s[j] == '@',
			 i > 0 && sc->s[i - 1] == '@', defanged);
	}
	return j > i ? j : i + 1;
}

void extract_result_free(struct extract_result *r)
{
	if (r == NULL)
		return;
	for (size_t k = 0; k < r->count; k++)
		free(r->items[k].text);
	free(r->items);
	memset(r, 0, sizeof(*r));
}

/* text borrowed; out written in full, caller frees it. */
int extract_text(const char *text, size_t len, struct extract_result *out, struct sk_error *err)
{
	struct scan *sc;
	size_t i = 0;

	memset(out, 0, sizeof(*out));
	if (sodium_init() < 0)
		return sk_error_set(err, SK_EIO, "libsodium did not start");
	sc = xcalloc(1, sizeof(*sc));
	sc->s = (const unsigned char *)text;
	sc->n = text != NULL ? len : 0;
	sc->res = out;
	if (sc->n > EXTRACT_TEXT_MAX) {
		/* Back off to a space so that no name is read cut in two. */
		size_t keep = EXTRACT_TEXT_MAX;

		while (keep > EXTRACT_TEXT_MAX - CUT_BACK_MAX && sc->s[keep] > 0x20)
			keep--;
		if (sc->s[keep] > 0x20)
			keep = EXTRACT_TEXT_MAX;
		sc->n = keep;
		out->cut = true;
	}
	randombytes_buf(sc->key, sizeof(sc->key));
	out->items = xcalloc(EXTRACT_ITEMS_MAX, sizeof(*out->items));
	sc->hashes = xcalloc(EXTRACT_ITEMS_MAX, sizeof(*sc->hashes));

	while (i < sc->n) {
		unsigned char c = sc->s[i];
		const char *scheme;
		size_t slen;

		if (alnum(c) && (slen = scheme_at(sc->s, sc->n, i, &scheme)) > 0)
			i = scan_url(sc, i, slen, scheme);
		else if (name_byte(c) || (c >= 0x80 && utf8_name_len(sc->s + i, sc->n - i) > 0))
			i = scan_run(sc, i);
		else
			i++;
	}
	free(sc->hashes);
	free(sc->dropped);
	free(sc);
	return 0;
}
