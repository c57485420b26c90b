/* route/enrich.h: filling in what an event lacks before it is routed:
 * source.asn and source.as_name from a MaxMind ASN database
 * (GeoLite2-ASN, GeoIP2-ISP), source.geolocation.cc from a country
 * database (GeoLite2-Country, GeoIP2-Country or -City), each looked up by
 * source.ip (libmaxminddb; route.asn_mmdb and route.country_mmdb). An
 * IPv4 address is looked up as IPv4, which in a database of both
 * families is the IPv4 part of its IPv6 tree. An enricher is immutable
 * once open and may be used by any number of threads at once. */
#ifndef SK_ROUTE_ENRICH_H
#define SK_ROUTE_ENRICH_H

#include <stdint.h>

#include "net/prefix.h"

struct event;
struct sk_error;
struct route_enricher;

/* Longest AS name kept, NUL included; a longer one is left out. */
#define ROUTE_AS_NAME_MAX 256

/* What the databases say about one address; zero/empty where they say
 * nothing. */
struct route_geo {
	uint32_t asn;			 /* autonomous_system_number */
	char as_name[ROUTE_AS_NAME_MAX]; /* autonomous_system_organization */
	char cc[3];			 /* country.iso_code, uppercase */
};

/* What route_enrich_event() filled in, as bits of its result. */
#define ROUTE_ENRICH_ASN     1
#define ROUTE_ENRICH_AS_NAME 2
#define ROUTE_ENRICH_CC	     4

/* Open the databases at the paths given (borrowed; NULL or "" leaves one
 * out, both out is an enricher that fills nothing). A file that cannot be
 * opened, is no MaxMind database or holds the wrong kind of data (a
 * country database given as the ASN one) is SK_ECONFIG naming the file.
 * Caller frees with route_enricher_free(). */
struct route_enricher *route_enricher_open(const char *asn_mmdb, const char *country_mmdb,
					   struct sk_error *err);
void route_enricher_free(struct route_enricher *e);

/* True if e has at least one database. */
int route_enricher_active(const struct route_enricher *e);

/* Look up addr (a host prefix, /32 or /128; borrowed) in both databases
 * into out (written in full). Returns 0 (also when nothing is found),
 * SK_EINVAL for a query that is no address, SK_EIO with err set when a
 * database turns out to be damaged. */
int route_enrich_lookup(const struct route_enricher *e, const struct prefix *addr,
			struct route_geo *out, struct sk_error *err);

/* Fill in what ev lacks, from its source.ip: source.asn; source.as_name
 * when the event's AS number (given or just filled in) is the one the
 * database has for the address; source.geolocation.cc. Values the event
 * has are never changed. Returns the ROUTE_ENRICH_* bits of what was
 * filled in (0 for an event without source.ip), or SK_EIO as
 * route_enrich_lookup(). */
int route_enrich_event(const struct route_enricher *e, struct event *ev, struct sk_error *err);

#endif
