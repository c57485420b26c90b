/* http/forwarded.h: the client's address behind a reverse proxy. The
 * X-Forwarded-For header is believed only when the connection comes from
 * one of [http] trusted_proxies, and then only up to the first address
 * that is not a trusted proxy. */
#ifndef SK_HTTP_FORWARDED_H
#define SK_HTTP_FORWARDED_H

#include <stdbool.h>
#include <stddef.h>

#include "net/prefix.h"

struct sk_error;

#define FORWARDED_PROXIES_MAX 32   /* entries of trusted_proxies */
#define FORWARDED_HOPS_MAX    32   /* X-Forwarded-For entries looked at */
#define FORWARDED_ADDR_MAX    46   /* an address as text, with its NUL */
#define FORWARDED_LIST_MAX    4096 /* bytes of X-Forwarded-For: longer is not believed */

struct forwarded_proxies {
	size_t n;
	struct prefix p[FORWARDED_PROXIES_MAX];
};

/* Parse a comma-separated list of addresses and prefixes
 * ("127.0.0.1, ::1, 192.0.2.0/24"; empty: none) into *out. A bad entry
 * or more than FORWARDED_PROXIES_MAX is SK_ECONFIG naming the entry. */
int forwarded_parse(const char *list, struct forwarded_proxies *out, struct sk_error *err);

/* Is addr (an address as text) one of the trusted proxies? */
bool forwarded_trusted(const struct forwarded_proxies *proxies, const char *addr);

/* The client's address into out: peer itself unless peer is a trusted
 * proxy and xff (the X-Forwarded-For value, NULL when absent) names
 * others. Then xff is read from the right: the first address that is not
 * a trusted proxy is the client; an entry that is not an address ends
 * the walk at the last trusted hop before it, as does FORWARDED_HOPS_MAX.
 * Addresses come out in canonical form. */
void forwarded_client(const struct forwarded_proxies *proxies, const char *peer,
		      const char *xff, char out[FORWARDED_ADDR_MAX]);

#endif
