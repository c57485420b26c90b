/* ticket/scope.c: the national scope of tickets: the country's ranges from
 * RIR delegated statistics (sorted disjoint prefixes and AS number ranges,
 * found by binary search), a MaxMind country database through
 * route/enrich.h, and the national TLDs.
 *
 * SECURITY: the delegated-stats file is the operator's, usually fetched
 * from an RIR's FTP server, and read as outside input: at most
 * SCOPE_DELEGATED_BYTES_MAX bytes, lines of SCOPE_DELEGATED_LINE_MAX
 * bytes, SCOPE_DELEGATED_RECORDS_MAX records kept; each field is checked
 * and quoted in messages with control bytes escaped. */
#include "ticket/scope.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/error.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "net/asn.h"
#include "net/domain.h"
#include "route/enrich.h"
#include "ticket/extract.h"

#define FIELDS_MAX 16 /* more '|' than any line of the format has */
#define SHOW_MAX   40 /* bytes of a bad field quoted in a message */

const char *const scope_answer_names[] = {"out", "in", "unknown", NULL};

struct asn_range {
	uint32_t lo, hi;
};

struct scope_ranges {
	struct prefix *v4, *v6;
	size_t n4, n6, cap4, cap6;
	struct asn_range *asns;
	size_t nasn, capasn;
};

struct scope {
	char cc[3];
	struct scope_ranges *delegated;
	struct route_enricher *mmdb;
	char tlds[SCOPE_TLDS_MAX][DOMAIN_TEXT_MAX];
	size_t ntlds;
};

/* The state of one read: where it is, for messages. */
struct reader {
	const char *name;
	unsigned long line;
	const char *cc;
	bool seen_record;
	struct scope_ranges *r;
	struct sk_error *err;
};

/* Report a bad field: "name:line: field 'what' ('text'): why". */
static int bad_field(struct reader *rd, const char *what, const char *text, const char *why)
{
	char shown[STR_SHOW_SIZE(SHOW_MAX)];

	return sk_error_set(rd->err, SK_EINVAL, "%s:%lu: field '%s' ('%s'): %s", rd->name,
			    rd->line, what, str_show(text, strlen(text), SHOW_MAX, shown), why);
}

static bool all_digits(const char *s)
{
	return *s != '\0' && strspn(s, "0123456789") == strlen(s);
}

static int add_prefix(struct reader *rd, const struct prefix *p)
{
	struct scope_ranges *r = rd->r;
	struct prefix **a = p->family == 4 ? &r->v4 : &r->v6;
	size_t *n = p->family == 4 ? &r->n4 : &r->n6,
	       *cap = p->family == 4 ? &r->cap4 : &r->cap6;

	if (r->n4 + r->n6 + r->nasn >= SCOPE_DELEGATED_RECORDS_MAX)
		return sk_error_set(rd->err, SK_ETOOBIG,
				    "%s:%lu: more than %u ranges for %s, over the limit",
				    rd->name, rd->line, SCOPE_DELEGATED_RECORDS_MAX, rd->cc);
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 64;
		*a = xreallocarray(*a, *cap, sizeof(**a));
	}
	(*a)[(*n)++] = *p;
	return 0;
}

/* IPv4 addresses first .. first + count - 1 as the fewest CIDR prefixes:
 * at each step the largest aligned block that still fits. */
static int add_ipv4_range(struct reader *rd, uint32_t first, uint64_t count)
{
	uint64_t at = first, end = (uint64_t)first + count;

	while (at < end) {
		unsigned bits = 32;
		struct prefix p = {.family = 4};
		int rc;

		while (bits > 0) {
			uint64_t size = (uint64_t)1 << (33 - bits);

			if (at % size != 0 || at + size > end)
				break;
			bits--;
		}
		p.len = (uint8_t)bits;
		p.addr[0] = (uint8_t)(at >> 24);
		p.addr[1] = (uint8_t)(at >> 16);
		p.addr[2] = (uint8_t)(at >> 8);
		p.addr[3] = (uint8_t)at;
		rc = add_prefix(rd, &p);
		if (rc != 0)
			return rc;
		at += (uint64_t)1 << (32 - bits);
	}
	return 0;
}

static int add_asn_range(struct reader *rd, uint32_t lo, uint32_t hi)
{
	struct scope_ranges *r = rd->r;

	if (r->n4 + r->n6 + r->nasn >= SCOPE_DELEGATED_RECORDS_MAX)
		return sk_error_set(rd->err, SK_ETOOBIG,
				    "%s:%lu: more than %u ranges for %s, over the limit",
				    rd->name, rd->line, SCOPE_DELEGATED_RECORDS_MAX, rd->cc);
	if (r->nasn == r->capasn) {
		r->capasn = r->capasn ? 2 * r->capasn : 64;
		r->asns = xreallocarray(r->asns, r->capasn, sizeof(*r->asns));
	}
	r->asns[r->nasn].lo = lo;
	r->asns[r->nasn].hi = hi;
	r->nasn++;
	return 0;
}

/* registry|cc|type|start|value|date|status[|extensions...] */
static int read_record(struct reader *rd, char **f, size_t nf)
{
	static const char *const statuses[] = {"allocated", "assigned", "available", "reserved",
					       NULL};
	const char *type = f[2], *start = f[3], *value = f[4];
	bool keep;
	int64_t v, s;
	int status;
	struct prefix p;

	if (nf < 7)
		return sk_error_set(rd->err, SK_EINVAL,
				    "%s:%lu: %zu fields, a record has 7 "
				    "(registry|cc|type|start|value|date|status)",
				    rd->name, rd->line, nf);
	if (f[0][0] == '\0' || strspn(f[0], "abcdefghijklmnopqrstuvwxyz-") != strlen(f[0]))
		return bad_field(rd, "registry", f[0], "not a registry name, like ripencc");
	if (f[1][0] != '\0' &&
	    (strlen(f[1]) != 2 || strspn(f[1], "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					       "abcdefghijklmnopqrstuvwxyz") != 2))
		return bad_field(rd, "cc", f[1], "not a two-letter country code");
	if (f[5][0] != '\0' && (strlen(f[5]) != 8 || !all_digits(f[5])))
		return bad_field(rd, "date", f[5], "not a date as YYYYMMDD");
	status = str_index(statuses, f[6]);
	if (status < 0)
		return bad_field(rd, "status", f[6],
				 "not allocated, assigned, available or reserved");
	keep = status <= 1 && str_eq_nocase(f[1], rd->cc);

	if (strcmp(type, "ipv4") == 0) {
		if (prefix_parse_addr(start, &p, NULL) != 0 || p.family != 4)
			return bad_field(rd, "start", start, "not an IPv4 address");
		s = ((int64_t)p.addr[0] << 24) | (p.addr[1] << 16) | (p.addr[2] << 8) |
		    p.addr[3];
		if (!all_digits(value) || str_to_i64(value, 1, 1LL << 32, &v) != 0 ||
		    s + v > (1LL << 32))
			return bad_field(rd, "value", value,
					 "not a number of addresses that fits after start");
		return keep ? add_ipv4_range(rd, (uint32_t)s, (uint64_t)v) : 0;
	}
	if (strcmp(type, "ipv6") == 0) {
		char text[PREFIX_TEXT_MAX + 8];
		struct prefix a;

		if (prefix_parse_addr(start, &a, NULL) != 0 || a.family != 6)
			return bad_field(rd, "start", start, "not an IPv6 address");
		if (!all_digits(value) || str_to_i64(value, 1, 128, &v) != 0)
			return bad_field(rd, "value", value,
					 "not a prefix length from 1 to 128");
		snprintf(text, sizeof(text), "%s/%d", start, (int)v);
		if (prefix_parse(text, &p, NULL) != 0)
			return bad_field(rd, "start", start,
					 "host bits set for the prefix length in 'value'");
		return keep ? add_prefix(rd, &p) : 0;
	}
	if (strcmp(type, "asn") == 0) {
		if (!all_digits(start) || str_to_i64(start, 0, UINT32_MAX, &s) != 0)
			return bad_field(rd, "start", start, "not an AS number");
		if (!all_digits(value) || str_to_i64(value, 1, 1LL << 32, &v) != 0 ||
		    s + v - 1 > UINT32_MAX)
			return bad_field(rd, "value", value,
					 "not a number of AS numbers that fits after start");
		return keep ? add_asn_range(rd, (uint32_t)s, (uint32_t)(s + v - 1)) : 0;
	}
	return bad_field(rd, "type", type, "not asn, ipv4 or ipv6");
}

/* version|registry|serial|records|startdate|enddate|UTCoffset, or
 * registry|*|type|*|count|summary. */
static int read_line(struct reader *rd, char *line)
{
	char *f[FIELDS_MAX];
	size_t nf = 0;

	if (line[0] == '#' || line[0] == '\0')
		return 0;
	for (char *p = line;;) {
		char *bar = strchr(p, '|');

		if (nf == FIELDS_MAX)
			return sk_error_set(rd->err, SK_EINVAL, "%s:%lu: more than %d fields",
					    rd->name, rd->line, FIELDS_MAX);
		f[nf++] = p;
		if (bar == NULL)
			break;
		*bar = '\0';
		p = bar + 1;
	}
	if (f[0][0] >= '0' && f[0][0] <= '9') {
		if (rd->seen_record)
			return sk_error_set(rd->err, SK_EINVAL,
					    "%s:%lu: a version line after the first record",
					    rd->name, rd->line);
		if (strspn(f[0], "0123456789.") != strlen(f[0]))
			return bad_field(rd, "version", f[0], "not a version number");
		if (nf < 7)
			return sk_error_set(
			    rd->err, SK_EINVAL,
			    "%s:%lu: %zu fields, a version line has 7 "
			    "(version|registry|serial|records|startdate|enddate|"
			    "UTCoffset)",
			    rd->name, rd->line, nf);
		rd->seen_record = true;
		return 0;
	}
	rd->seen_record = true;
	if (nf >= 2 && strcmp(f[1], "*") == 0) {
		if (nf != 6 || strcmp(f[3], "*") != 0 || strcmp(f[5], "summary") != 0)
			return sk_error_set(rd->err, SK_EINVAL,
					    "%s:%lu: not a summary line "
					    "(registry|*|type|*|count|summary)",
					    rd->name, rd->line);
		if (strcmp(f[2], "asn") != 0 && strcmp(f[2], "ipv4") != 0 &&
		    strcmp(f[2], "ipv6") != 0)
			return bad_field(rd, "type", f[2], "not asn, ipv4 or ipv6");
		if (!all_digits(f[4]))
			return bad_field(rd, "count", f[4], "not a number");
		return 0;
	}
	return read_record(rd, f, nf);
}

static int cmp_prefix(const void *a, const void *b)
{
	return prefix_compare(a, b);
}

static int cmp_asn(const void *a, const void *b)
{
	const struct asn_range *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo ? 1 : (x->hi > y->hi) - (x->hi < y->hi);
}

/* Sort a[0..*n) and drop each prefix another one covers: what is left is
 * disjoint, so one binary search finds the only candidate. */
static void settle_prefixes(struct prefix *a, size_t *n)
{
	size_t kept = 0;

	if (*n == 0)
		return;
	qsort(a, *n, sizeof(*a), cmp_prefix);
	for (size_t i = 0; i < *n; i++) {
		if (kept > 0 && prefix_contains(&a[kept - 1], &a[i]))
			continue;
		a[kept++] = a[i];
	}
	*n = kept;
}

static void settle_asns(struct asn_range *a, size_t *n)
{
	size_t kept = 0;

	if (*n == 0)
		return;
	qsort(a, *n, sizeof(*a), cmp_asn);
	for (size_t i = 0; i < *n; i++) {
		if (kept > 0 && (uint64_t)a[i].lo <= (uint64_t)a[kept - 1].hi + 1) {
			if (a[i].hi > a[kept - 1].hi)
				a[kept - 1].hi = a[i].hi;
			continue;
		}
		a[kept++] = a[i];
	}
	*n = kept;
}

void scope_ranges_free(struct scope_ranges *r)
{
	if (r == NULL)
		return;
	free(r->v4);
	free(r->v6);
	free(r->asns);
	free(r);
}

/* f and name borrowed; caller frees the result with scope_ranges_free(). */
struct scope_ranges *scope_read_delegated_file(FILE *f, const char *name, const char *cc,
					       struct sk_error *err)
{
	char line[SCOPE_DELEGATED_LINE_MAX + 1];
	struct reader rd = {.name = name, .cc = cc, .err = err};
	size_t len = 0, total = 0;
	bool too_long = false;
	int c, rc = 0;

	if (cc == NULL || strlen(cc) != 2) {
		sk_error_set(err, SK_EINVAL, "%s: no two-letter country code to read for",
			     name);
		return NULL;
	}
	rd.r = xcalloc(1, sizeof(*rd.r));
	rd.line = 1;
	while ((c = getc(f)) != EOF) {
		if (++total > SCOPE_DELEGATED_BYTES_MAX) {
			rc = sk_error_set(err, SK_ETOOBIG,
					  "%s: larger than %u bytes, over the limit", name,
					  SCOPE_DELEGATED_BYTES_MAX);
			goto out;
		}
		if (c == '\n') {
			if (len > 0 && line[len - 1] == '\r')
				len--;
			line[len] = '\0';
			rc = read_line(&rd, line);
			if (rc != 0)
				goto out;
			len = 0;
			rd.line++;
			continue;
		}
		if (c == '\0') {
			rc = sk_error_set(err, SK_EINVAL, "%s:%lu: a NUL byte: not a text file",
					  name, rd.line);
			goto out;
		}
		if (len == SCOPE_DELEGATED_LINE_MAX) {
			too_long = true;
			break;
		}
		line[len++] = (char)c;
	}
	if (too_long) {
		rc = sk_error_set(err, SK_ETOOBIG, "%s:%lu: line longer than %d bytes", name,
				  rd.line, SCOPE_DELEGATED_LINE_MAX);
		goto out;
	}
	if (ferror(f)) {
		rc = sk_error_set(err, SK_EIO, "%s: read failed: %s", name, strerror(errno));
		goto out;
	}
	if (len > 0) {
		if (line[len - 1] == '\r')
			len--;
		line[len] = '\0';
		rc = read_line(&rd, line);
		if (rc != 0)
			goto out;
	}
	settle_prefixes(rd.r->v4, &rd.r->n4);
	settle_prefixes(rd.r->v6, &rd.r->n6);
	settle_asns(rd.r->asns, &rd.r->nasn);
out:
	if (rc != 0) {
		scope_ranges_free(rd.r);
		return NULL;
	}
	return rd.r;
}

/* path, cc borrowed; caller frees the result with scope_ranges_free(). */
struct scope_ranges *scope_read_delegated(const char *path, const char *cc,
					  struct sk_error *err)
{
	struct scope_ranges *r;
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		sk_error_set(err, SK_ECONFIG, "%s: cannot open delegated stats: %s", path,
			     strerror(errno));
		return NULL;
	}
	r = scope_read_delegated_file(f, path, cc, err);
	fclose(f);
	return r;
}

/* r, q borrowed. */
bool scope_ranges_find(const struct scope_ranges *r, const struct prefix *q,
		       struct prefix *covering)
{
	const struct prefix *a = q->family == 4 ? r->v4 : r->v6;
	size_t lo = 0, hi = q->family == 4 ? r->n4 : r->n6, bytes = q->family == 4 ? 4 : 16;

	if (q->family != 4 && q->family != 6)
		return false;
	/* The last prefix whose network address is at or below q's. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (memcmp(a[mid].addr, q->addr, bytes) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || !prefix_contains(&a[lo - 1], q))
		return false;
	if (covering != NULL)
		*covering = a[lo - 1];
	return true;
}

bool scope_ranges_find_asn(const struct scope_ranges *r, uint32_t asn)
{
	size_t lo = 0, hi = r->nasn;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r->asns[mid].lo <= asn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && r->asns[lo - 1].hi >= asn;
}

void scope_ranges_count(const struct scope_ranges *r, size_t *prefixes4, size_t *prefixes6,
			size_t *asn_ranges)
{
	*prefixes4 = r->n4;
	*prefixes6 = r->n6;
	*asn_ranges = r->nasn;
}

void scope_close(struct scope *s)
{
	if (s == NULL)
		return;
	scope_ranges_free(s->delegated);
	route_enricher_free(s->mmdb);
	free(s);
}

/* Split the TLD list (commas or spaces) into s->tlds. */
static int read_tlds(struct scope *s, const char *list, struct sk_error *err)
{
	const char *p = list;

	while (*p != '\0') {
		char word[DOMAIN_TEXT_MAX + 1];
		size_t len;
		int rc;

		p += strspn(p, ", \t");
		len = strcspn(p, ", \t");
		if (len == 0)
			break;
		if (len >= sizeof(word))
			return sk_error_set(err, SK_ECONFIG, "'%.40s...' is too long", p);
		if (s->ntlds == SCOPE_TLDS_MAX)
			return sk_error_set(err, SK_ECONFIG, "more than %d TLDs",
					    SCOPE_TLDS_MAX);
		memcpy(word, p, len);
		word[len] = '\0';
		rc = domain_normalize(word, true, s->tlds[s->ntlds], err);
		if (rc != 0) {
			err->code = SK_ECONFIG;
			return SK_ECONFIG;
		}
		s->ntlds++;
		p += len;
	}
	return 0;
}

/* cfg borrowed; caller frees the result with scope_close(). */
struct scope *scope_open(const struct scope_config *cfg, const char **bad, struct sk_error *err)
{
	struct scope *s;
	const char *cc = cfg->country;

	*bad = "country";
	if (cc == NULL || strlen(cc) != 2 ||
	    strspn(cc, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") != 2) {
		sk_error_set(err, SK_ECONFIG,
			     "'%.8s' is not a two-letter country code, like BE",
			     cc != NULL ? cc : "");
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->cc[0] = (char)(cc[0] & ~0x20);
	s->cc[1] = (char)(cc[1] & ~0x20);
	*bad = "tlds";
	if (cfg->tlds != NULL && read_tlds(s, cfg->tlds, err) != 0)
		goto fail;
	*bad = "country_mmdb";
	if (cfg->country_mmdb != NULL && cfg->country_mmdb[0] != '\0') {
		s->mmdb = route_enricher_open(NULL, cfg->country_mmdb, err);
		if (s->mmdb == NULL)
			goto fail;
	}
	*bad = "delegated";
	if (cfg->delegated != NULL && cfg->delegated[0] != '\0') {
		s->delegated = scope_read_delegated(cfg->delegated, s->cc, err);
		if (s->delegated == NULL)
			goto fail;
	}
	*bad = NULL;
	return s;
fail:
	scope_close(s);
	return NULL;
}

/* What is known of one address or network: 1 in the country (reason
 * written), 0 not, -1 the database failed (its message in *failure). */
static int place_addr(const struct scope *s, const char *text, char *reason,
		      char failure[SK_ERROR_MAX])
{
	struct prefix p, covering, host;
	char net[PREFIX_TEXT_MAX];
	struct sk_error err = {0};
	struct route_geo geo;

	if (prefix_parse(text, &p, NULL) != 0)
		return 0;
	if (s->delegated != NULL && scope_ranges_find(s->delegated, &p, &covering)) {
		prefix_format(&covering, net, sizeof(net));
		snprintf(reason, SCOPE_REASON_MAX, "%s is in %s (delegated stats: %s)", text,
			 s->cc, net);
		return 1;
	}
	if (s->mmdb == NULL)
		return 0;
	/* A network is placed by its first address. */
	host = p;
	host.len = (uint8_t)prefix_family_bits(p.family);
	if (route_enrich_lookup(s->mmdb, &host, &geo, &err) != 0) {
		snprintf(failure, SK_ERROR_MAX, "%s", err.msg);
		return -1;
	}
	if (strcmp(geo.cc, s->cc) != 0)
		return 0;
	snprintf(reason, SCOPE_REASON_MAX, "%s is in %s (country database)", text, s->cc);
	return 1;
}

static bool place_domain(const struct scope *s, const char *name, char *reason)
{
	for (size_t k = 0; k < s->ntlds; k++) {
		if (domain_is_under(name, s->tlds[k])) {
			snprintf(reason, SCOPE_REASON_MAX, "%s ends in .%s", name, s->tlds[k]);
			return true;
		}
	}
	return false;
}

/* ", .brussels or .vlaanderen" style list of the TLDs into b. */
static void list_tlds(const struct scope *s, char *b, size_t size)
{
	size_t o = 0;

	b[0] = '\0';
	for (size_t k = 0; k < s->ntlds && o < size; k++) {
		const char *sep = k == 0 ? "" : k + 1 == s->ntlds ? " or " : ", ";
		int n = snprintf(b + o, size - o, "%s.%s", sep, s->tlds[k]);

		if (n < 0)
			break;
		o += (size_t)n;
	}
}

static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* s, items borrowed; out written in full. */
int scope_check(const struct scope *s, const struct extract_result *items,
		struct scope_verdict *out)
{
	char failure[SK_ERROR_MAX] = "", tlds[SCOPE_REASON_MAX / 2], checked[128];
	size_t naddr = 0, nasn = 0, ndomain = 0;
	bool failed = false;

	if (s == NULL || items == NULL || out == NULL)
		return SK_EINVAL;
	memset(out, 0, sizeof(*out));
	for (size_t k = 0; k < items->count; k++) {
		const struct extract_item *it = &items->items[k];
		const char *addr = NULL, *name = NULL;
		uint32_t asn;
		int rc;

		switch (it->kind) {
		case EXTRACT_IP:
		case EXTRACT_PREFIX:
			addr = it->text;
			naddr++;
			break;
		case EXTRACT_DOMAIN:
			name = it->text;
			ndomain++;
			break;
		case EXTRACT_URL:
			/* Its host is an item of its own too, unless the
			 * list was full: then this counts for it. */
			if (it->host == NULL)
				break;
			if (it->host_is_addr)
				addr = it->host;
			else
				name = it->host;
			break;
		case EXTRACT_ASN:
			nasn++;
			if (s->delegated != NULL && asn_parse(it->text, &asn, NULL) == 0 &&
			    scope_ranges_find_asn(s->delegated, asn)) {
				out->answer = SCOPE_IN;
				snprintf(out->reason, sizeof(out->reason),
					 "%s is in %s (delegated stats)", it->text, s->cc);
				return 0;
			}
			break;
		default:
			break;
		}
		if (addr != NULL) {
			rc = place_addr(s, addr, out->reason, failure);
			if (rc == 1) {
				out->answer = SCOPE_IN;
				return 0;
			}
			failed |= rc < 0;
		}
		if (name != NULL && place_domain(s, name, out->reason)) {
			out->answer = SCOPE_IN;
			return 0;
		}
	}
	if (naddr == 0 && ndomain == 0 && nasn == 0) {
		out->answer = SCOPE_OUT;
		snprintf(out->reason, sizeof(out->reason),
			 "out of scope: the report names no address or domain");
		return 0;
	}
	if (failed) {
		out->answer = SCOPE_UNKNOWN;
		snprintf(out->reason, sizeof(out->reason),
			 "unknown: the country database failed: %s", failure);
		return 0;
	}
	if (nasn > 0)
		snprintf(checked, sizeof(checked), "checked %zu %s, %zu %s, %zu %s", naddr,
			 plural(naddr, "address", "addresses"), nasn,
			 plural(nasn, "AS number", "AS numbers"), ndomain,
			 plural(ndomain, "domain", "domains"));
	else
		snprintf(checked, sizeof(checked), "checked %zu %s, %zu %s", naddr,
			 plural(naddr, "address", "addresses"), ndomain,
			 plural(ndomain, "domain", "domains"));
	list_tlds(s, tlds, sizeof(tlds));
	out->answer = SCOPE_OUT;
	if (s->delegated == NULL && s->mmdb == NULL)
		snprintf(out->reason, sizeof(out->reason),
			 "out of scope: no domain under %s; addresses not placed (no country "
			 "database or delegated stats configured) (%s)",
			 s->ntlds > 0 ? tlds : "a national TLD (none configured)", checked);
	else if (s->ntlds == 0)
		snprintf(out->reason, sizeof(out->reason),
			 "out of scope: no address in %s (%s)", s->cc, checked);
	else
		snprintf(out->reason, sizeof(out->reason),
			 "out of scope: no address in %s and no domain under %s (%s)", s->cc,
			 tlds, checked);
	return 0;
}
