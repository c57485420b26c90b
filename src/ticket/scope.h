/* ticket/scope.h: is a ticket ours? It is when a system the report names
 * lies on national territory (an address or AS number the RIR's delegated
 * statistics give to the country, or an address a MaxMind country database
 * places there) or a domain it names ends in a national TLD.
 * docs/scope.md has the rules and the configuration. */
#ifndef SK_TICKET_SCOPE_H
#define SK_TICKET_SCOPE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "net/prefix.h"

struct sk_error;
struct extract_result;
struct scope;
struct scope_ranges;

#define SCOPE_REASON_MAX	    512		 /* a verdict's reason, NUL included */
#define SCOPE_TLDS_MAX		    32		 /* national TLDs (or suffixes) configured */
#define SCOPE_DELEGATED_BYTES_MAX   (256u << 20) /* largest delegated-stats file */
#define SCOPE_DELEGATED_LINE_MAX    1024	 /* longest line, newline excluded */
#define SCOPE_DELEGATED_RECORDS_MAX (1u << 22)	 /* records kept for the country */

/* The scope settings, as plain values (all borrowed). */
struct scope_config {
	const char *country;	  /* ISO 3166-1 alpha-2, "BE"; required */
	const char *country_mmdb; /* a MaxMind Country or City .mmdb; NULL or "": none */
	const char *delegated;	  /* an RIR delegated-stats file; NULL or "": none */
	const char *tlds; /* "be, brussels, vlaanderen" (commas or spaces); NULL: none */
};

enum scope_answer {
	SCOPE_OUT,
	SCOPE_IN,
	SCOPE_UNKNOWN, /* a database failed before anything was decided */
};

/* "out", "in", "unknown", as a ticket's scope is stored; the enum value is
 * the index. */
extern const char *const scope_answer_names[];

struct scope_verdict {
	enum scope_answer answer;
	char reason[SCOPE_REASON_MAX]; /* one line for the duty officer */
};

/* The national ranges of one country from RIR delegated statistics
 * (https://ftp.ripe.net/pub/stats/ripencc/RIR-statistics-exchange-format.txt):
 * records of that country with status allocated or assigned, IPv4 ranges
 * as the fewest CIDR prefixes that cover them, IPv6 prefixes and AS number
 * ranges. Immutable once read; safe to share between threads. */

/* Read the file at path (borrowed) for country cc (two letters, any
 * case). Every line is checked, whatever its country: a bad line is
 * SK_EINVAL naming path:line and the field; a file over
 * SCOPE_DELEGATED_BYTES_MAX, a line over SCOPE_DELEGATED_LINE_MAX or more
 * than SCOPE_DELEGATED_RECORDS_MAX records kept is SK_ETOOBIG; a file
 * that cannot be read is SK_ECONFIG. Caller frees with
 * scope_ranges_free(). */
struct scope_ranges *scope_read_delegated(const char *path, const char *cc,
					  struct sk_error *err);
/* The same from an open stream (borrowed, read to its end); name is used
 * in messages. */
struct scope_ranges *scope_read_delegated_file(FILE *f, const char *name, const char *cc,
					       struct sk_error *err);
void scope_ranges_free(struct scope_ranges *r);

/* Does r hold q (an address or a prefix, borrowed) whole? If so, and
 * covering is not NULL, the national prefix that covers it goes there. */
bool scope_ranges_find(const struct scope_ranges *r, const struct prefix *q,
		       struct prefix *covering);
bool scope_ranges_find_asn(const struct scope_ranges *r, uint32_t asn);

/* How much r holds: IPv4 and IPv6 prefixes, AS number ranges. */
void scope_ranges_count(const struct scope_ranges *r, size_t *prefixes4, size_t *prefixes6,
			size_t *asn_ranges);

/* Check cfg (borrowed) and open what it names: the country code must be
 * two letters, each TLD a valid name, each file readable and right; any
 * of that wrong is SK_ECONFIG (SK_EINVAL or SK_ETOOBIG for a bad
 * delegated-stats file) with err saying why and *bad naming the member
 * of cfg at fault ("country", "tlds", "country_mmdb", "delegated").
 * Caller frees with scope_close(). The scope is immutable and may be
 * shared by threads. */
struct scope *scope_open(const struct scope_config *cfg, const char **bad,
			 struct sk_error *err);
void scope_close(struct scope *s);

/* Decide whether what a report names (items, from extract_text()) is in
 * scope; out is written in full. Addresses, prefixes, AS numbers and the
 * hosts of URLs are looked up in the delegated statistics, then in the
 * country database; domains and URL hosts are matched against the TLDs on
 * label boundaries. The first item in scope, in the order the report
 * names them, gives the reason. Returns 0, or SK_EINVAL for a NULL
 * argument. */
int scope_check(const struct scope *s, const struct extract_result *items,
		struct scope_verdict *out);

#endif
