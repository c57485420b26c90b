/* net/prefix.c: IPv4 and IPv6 prefixes: a strict parser, canonical
 * printing (dotted quad; RFC 5952 for IPv6 via inet_ntop) and bit-level
 * comparison. SECURITY: parses outside input. At most PREFIX_INPUT_MAX
 * (64) bytes are read, nothing is allocated, and input quoted in error
 * messages is escaped. IPv4 is parsed here (four decimal octets, no
 * leading zeros); IPv6 by inet_pton after length and zone checks. */
#include "net/prefix.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "lib/error.h"
#include "net/text_int.h"

#define PREFIX_INPUT_MAX 64
#define PREFIX_ADDR6_MAX 45 /* "ffff:...:255.255.255.255", INET6_ADDRSTRLEN - 1 */

/* Clear every bit of addr after the first len bits. */
static void addr_clear_host_bits(uint8_t addr[16], unsigned len)
{
	unsigned byte = len / 8, rem = len % 8;

	if (rem != 0) {
		addr[byte] &= (uint8_t)(0xffu << (8 - rem));
		byte++;
	}
	if (byte < 16)
		memset(addr + byte, 0, 16 - byte);
}

/* Parse the dotted quad text[0..len) (only digits and dots) into addr.
 * in is the whole input, for messages. */
static int parse_ipv4(const char *text, size_t len, struct net_text *in, uint8_t addr[4],
		      struct sk_error *err)
{
	uint8_t a[4];
	size_t i = 0;
	int parts = 0;

	for (;;) {
		size_t start = i;
		unsigned v = 0;

		while (i < len && text[i] >= '0' && text[i] <= '9') {
			if (v <= 255)
				v = v * 10 + (unsigned)(text[i] - '0');
			i++;
		}
		if (i == start)
			return sk_error_set(err, SK_EINVAL,
					    "'%s': empty part in IPv4 address (like 192.0.2.1)",
					    net_text_show(in));
		if (text[start] == '0' && i - start > 1)
			return sk_error_set(
			    err, SK_EINVAL,
			    "'%s': part '%.*s' has a leading zero (refused: some "
			    "tools read it as octal)",
			    net_text_show(in), (int)(i - start), text + start);
		if (v > 255)
			return sk_error_set(err, SK_EINVAL,
					    "'%s': part %.*s is over 255 in an IPv4 address",
					    net_text_show(in), (int)(i - start), text + start);
		if (parts < 4)
			a[parts] = (uint8_t)v;
		parts++;
		if (i == len)
			break;
		i++; /* the dot */
	}
	if (parts != 4)
		return sk_error_set(err, SK_EINVAL,
				    "'%s': an IPv4 address has four parts (like 192.0.2.1), "
				    "not %d",
				    net_text_show(in), parts);
	memcpy(addr, a, 4);
	return 0;
}

/* Parse the IPv6 address text[0..len) into addr. */
static int parse_ipv6(const char *text, size_t len, struct net_text *in, uint8_t addr[16],
		      struct sk_error *err)
{
	char copy[PREFIX_ADDR6_MAX + 1];
	const char *zone = memchr(text, '%', len);
	uint8_t a[16];

	if (zone != NULL)
		return sk_error_set(err, SK_EINVAL,
				    "'%s': zone index is not allowed (an address in a prefix "
				    "names no interface)",
				    net_text_show(in));
	if (len > PREFIX_ADDR6_MAX)
		return sk_error_set(err, SK_EINVAL, "'%s': too long for an IPv6 address",
				    net_text_show(in));
	memcpy(copy, text, len);
	copy[len] = '\0';
	if (strchr(copy, '.') != NULL && strchr(copy, ':') == strrchr(copy, ':'))
		return sk_error_set(err, SK_EINVAL,
				    "'%s': not an IP address or prefix (a port number is not "
				    "part of an address)",
				    net_text_show(in));
	if (inet_pton(AF_INET6, copy, a) != 1)
		return sk_error_set(err, SK_EINVAL,
				    "'%s': not a valid IPv6 address (like 2001:db8::1)",
				    net_text_show(in));
	memcpy(addr, a, 16);
	return 0;
}

/* Parse the address text[0..len) into p as a host prefix. */
static int parse_address(const char *text, size_t len, struct net_text *in, struct prefix *p,
			 struct sk_error *err)
{
	struct prefix r;
	int rc;

	memset(&r, 0, sizeof(r));
	if (len > 0 && memchr(text, ':', len) != NULL) {
		r.family = 6;
		rc = parse_ipv6(text, len, in, r.addr, err);
	} else if (len > 0 && memchr(text, '.', len) != NULL &&
		   strspn(text, "0123456789.") >= len) {
		r.family = 4;
		rc = parse_ipv4(text, len, in, r.addr, err);
	} else {
		return sk_error_set(err, SK_EINVAL, "'%s': not an IP address or prefix",
				    net_text_show(in));
	}
	if (rc != 0)
		return rc;
	r.len = (uint8_t)prefix_family_bits(r.family);
	*p = r;
	return 0;
}

/* Parse the decimal prefix length text (NUL-terminated) for family. */
static int parse_length(const char *text, uint8_t family, struct net_text *in, uint8_t *out,
			struct sk_error *err)
{
	size_t n = strspn(text, "0123456789");
	unsigned bits = (unsigned)prefix_family_bits(family), v = 0;

	if (*text == '\0')
		return sk_error_set(err, SK_EINVAL, "'%s': missing prefix length after '/'",
				    net_text_show(in));
	if (n == 0 || text[n] != '\0')
		return sk_error_set(err, SK_EINVAL, "'%s': prefix length is not a number",
				    net_text_show(in));
	if (text[0] == '0' && n > 1)
		return sk_error_set(err, SK_EINVAL, "'%s': prefix length has a leading zero",
				    net_text_show(in));
	for (size_t i = 0; i < n && v <= bits; i++)
		v = v * 10 + (unsigned)(text[i] - '0');
	if (v > bits)
		return sk_error_set(err, SK_EINVAL, "%s: prefix length %s is over %u for IPv%u",
				    net_text_show(in), text, bits, family);
	*out = (uint8_t)v;
	return 0;
}

/* text is borrowed; out is written only on success. */
int prefix_parse(const char *text, struct prefix *out, struct sk_error *err)
{
	char suggest[PREFIX_TEXT_MAX];
	struct net_text in;
	const char *slash;
	struct prefix p, net;
	size_t n;
	int rc;

	if (text == NULL || *text == '\0')
		return sk_error_set(err, SK_EINVAL, "empty text: not an IP address or prefix");
	n = strnlen(text, PREFIX_INPUT_MAX + 1);
	net_text_init(&in, text, n);
	if (n > PREFIX_INPUT_MAX)
		return sk_error_set(err, SK_ETOOBIG,
				    "'%s': longer than %d bytes, not an IP address or prefix",
				    net_text_show(&in), PREFIX_INPUT_MAX);
	slash = memchr(text, '/', n);
	rc = parse_address(text, slash != NULL ? (size_t)(slash - text) : n, &in, &p, err);
	if (rc != 0)
		return rc;
	if (slash == NULL) {
		*out = p;
		return 0;
	}
	rc = parse_length(slash + 1, p.family, &in, &p.len, err);
	if (rc != 0)
		return rc;
	net = p;
	addr_clear_host_bits(net.addr, net.len);
	if (memcmp(net.addr, p.addr, sizeof(p.addr)) != 0) {
		if (prefix_format(&net, suggest, sizeof(suggest)) < 0)
			suggest[0] = '\0';
		return sk_error_set(err, SK_EINVAL, "%s: host bits are set (did you mean %s?)",
				    net_text_show(&in), suggest);
	}
	*out = p;
	return 0;
}

/* text is borrowed; out is written only on success. */
int prefix_parse_addr(const char *text, struct prefix *out, struct sk_error *err)
{
	struct net_text in;
	size_t n;

	if (text == NULL || *text == '\0')
		return sk_error_set(err, SK_EINVAL, "empty text: not an IP address");
	n = strnlen(text, PREFIX_INPUT_MAX + 1);
	net_text_init(&in, text, n);
	if (n > PREFIX_INPUT_MAX)
		return sk_error_set(err, SK_ETOOBIG,
				    "'%s': longer than %d bytes, not an IP address",
				    net_text_show(&in), PREFIX_INPUT_MAX);
	if (memchr(text, '/', n) != NULL)
		return sk_error_set(err, SK_EINVAL,
				    "'%s': expected an IP address, not a prefix",
				    net_text_show(&in));
	return parse_address(text, n, &in, out, err);
}

/* buf is the caller's; returns the length written or -1 if p is not a
 * valid prefix or the text does not fit (buf is then unspecified). */
int prefix_format_addr(const struct prefix *p, char *buf, size_t size)
{
	int n;

	if (p->family == 4) {
		n = snprintf(buf, size, "%u.%u.%u.%u", p->addr[0], p->addr[1], p->addr[2],
			     p->addr[3]);
	} else if (p->family == 6) {
		char tmp[INET6_ADDRSTRLEN];

		if (inet_ntop(AF_INET6, p->addr, tmp, sizeof(tmp)) == NULL)
			return -1;
		n = snprintf(buf, size, "%s", tmp);
	} else {
		return -1;
	}
	if (n < 0 || (size_t)n >= size)
		return -1;
	return n;
}

/* buf is the caller's; as prefix_format_addr, with "/len" appended. */
int prefix_format(const struct prefix *p, char *buf, size_t size)
{
	int n = prefix_format_addr(p, buf, size), m;

	if (n < 0 || p->len > prefix_family_bits(p->family))
		return -1;
	m = snprintf(buf + n, size - (size_t)n, "/%u", p->len);
	if (m < 0 || (size_t)m >= size - (size_t)n)
		return -1;
	return n + m;
}

/* Both borrowed. */
bool prefix_contains(const struct prefix *outer, const struct prefix *inner)
{
	unsigned full = outer->len / 8, rem = outer->len % 8;

	if (outer->family != inner->family || outer->len > inner->len ||
	    outer->len > prefix_family_bits(outer->family))
		return false;
	if (memcmp(outer->addr, inner->addr, full) != 0)
		return false;
	if (rem == 0)
		return true;
	return ((outer->addr[full] ^ inner->addr[full]) & (uint8_t)(0xffu << (8 - rem))) == 0;
}

/* p is the caller's, changed in place; a len of p->len or more leaves it
 * as it is. */
void prefix_truncate(struct prefix *p, uint8_t len)
{
	if (len >= p->len)
		return;
	addr_clear_host_bits(p->addr, len);
	p->len = len;
}

/* Both borrowed; returns <0, 0 or >0. IPv4 sorts before IPv6. */
int prefix_compare(const struct prefix *a, const struct prefix *b)
{
	int c;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	c = memcmp(a->addr, b->addr, a->family == 4 ? 4 : 16);
	if (c != 0)
		return c < 0 ? -1 : 1;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return 0;
}
