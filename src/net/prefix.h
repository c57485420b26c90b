/* net/prefix.h: IPv4 and IPv6 addresses and prefixes, parsed strictly and
 * printed canonically (RFC 5952 for IPv6). Parses outside input: at most
 * 64 bytes of text. */
#ifndef SK_NET_PREFIX_H
#define SK_NET_PREFIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sk_error;

#define PREFIX_TEXT_MAX 64	/* enough for any canonical prefix and its NUL */

struct prefix {
	uint8_t family;		/* 4 or 6 */
	uint8_t len;		/* prefix length in bits */
	uint8_t addr[16];	/* network address, host bits zero; IPv4 in addr[0..3] */
};

/* Parse "192.0.2.0/24", "2001:db8::/32" or a bare address (a host
 * prefix). Host bits that are set are an error, not silently cleared;
 * so are /33 for IPv4, /129 for IPv6, leading zeros in IPv4 octets and
 * trailing garbage. out is written only on success. */
int prefix_parse(const char *text, struct prefix *out, struct sk_error *err);

/* Parse a bare IPv4 or IPv6 address into a host prefix (/32 or /128). */
int prefix_parse_addr(const char *text, struct prefix *out, struct sk_error *err);

/* Write the canonical form ("198.51.100.0/24"; a host prefix keeps its
 * "/32" or "/128") into buf; returns the length or -1 if it does not fit. */
int prefix_format(const struct prefix *p, char *buf, size_t size);

/* Write only the address part ("198.51.100.7", "2001:db8::1"). */
int prefix_format_addr(const struct prefix *p, char *buf, size_t size);

/* True if outer covers inner (same family, outer->len <= inner->len and
 * the first outer->len bits agree). A prefix covers itself. */
bool prefix_contains(const struct prefix *outer, const struct prefix *inner);

/* Truncate p to len bits (len <= p->len), clearing host bits. */
void prefix_truncate(struct prefix *p, uint8_t len);

/* Total order: family, then address bytes, then length (shorter first). */
int prefix_compare(const struct prefix *a, const struct prefix *b);

/* Bits in an address of this family: 32 or 128. */
static inline int prefix_family_bits(uint8_t family)
{
	return family == 4 ? 32 : 128;
}

#endif
