/* net/asn.c: AS numbers in asplain ("AS64496", "64496") and asdot
 * ("1.10", RFC 5396) notation, printed as "AS<number>". SECURITY: parses
 * outside input. At most ASN_INPUT_MAX (32) bytes are read, nothing is
 * allocated, no whitespace, sign or leading zero is accepted, and input
 * quoted in error messages is escaped. */
#include "net/asn.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "lib/error.h"
#include "net/text_int.h"

#define ASN_INPUT_MAX 32
#define ASN_DOT_MAX   65535u
#define ASN_TRANS     23456u

/* Read the decimal digits at *pp, advancing it past them; the value
 * saturates just past limit. Returns the number of digits read. */
static size_t read_decimal(const char **pp, uint64_t limit, uint64_t *value)
{
	const char *start = *pp, *p = *pp;
	uint64_t v = 0;

	while (*p >= '0' && *p <= '9') {
		if (v <= limit)
			v = v * 10 + (uint64_t)(*p - '0');
		p++;
	}
	*value = v;
	*pp = p;
	return (size_t)(p - start);
}

/* Why asn may not be used, or NULL if it may. */
static const char *asn_reserved(uint64_t asn)
{
	if (asn == 0)
		return "AS0 is reserved (RFC 7607) and never announced";
	if (asn == ASN_TRANS)
		return "AS23456 is AS_TRANS (RFC 6793), a placeholder, not a network";
	if (asn == UINT32_MAX)
		return "AS4294967295 is reserved (RFC 7300) and never announced";
	return NULL;
}

/* text is borrowed; out is written only on success. */
int asn_parse(const char *text, uint32_t *out, struct sk_error *err)
{
	static const char expected[] = "expected AS64496, 64496 or asdot 1.10";
	struct net_text in;
	const char *p, *digits, *why;
	uint64_t hi, lo, v;
	size_t n;

	if (text == NULL || *text == '\0')
		return sk_error_set(err, SK_EINVAL, "empty text: not an AS number (%s)",
				    expected);
	n = strnlen(text, ASN_INPUT_MAX + 1);
	net_text_init(&in, text, n);
	if (n > ASN_INPUT_MAX)
		return sk_error_set(err, SK_ETOOBIG,
				    "'%s': longer than %d bytes, not an AS number",
				    net_text_show(&in), ASN_INPUT_MAX);
	p = text;
	if ((p[0] == 'A' || p[0] == 'a') && (p[1] == 'S' || p[1] == 's'))
		p += 2;
	if (*p == '\0')
		return sk_error_set(err, SK_EINVAL, "'%s': missing number after 'AS'",
				    net_text_show(&in));

	digits = p;
	n = read_decimal(&p, UINT32_MAX, &hi);
	if (n == 0)
		return sk_error_set(err, SK_EINVAL, "'%s': not an AS number (%s)",
				    net_text_show(&in), expected);
	if (n > 1 && digits[0] == '0')
		return sk_error_set(err, SK_EINVAL, "'%s': AS number has a leading zero",
				    net_text_show(&in));
	if (*p == '\0') {
		if (hi > UINT32_MAX)
			return sk_error_set(err, SK_EINVAL,
					    "'%s': too large for an AS number (the largest is "
					    "4294967294)",
					    net_text_show(&in));
		v = hi;
	} else if (*p == '.') {
		p++;
		if (*p == '\0')
			return sk_error_set(err, SK_EINVAL, "'%s': missing number after '.'",
					    net_text_show(&in));
		digits = p;
		n = read_decimal(&p, ASN_DOT_MAX, &lo);
		if (n == 0 || *p != '\0')
			return sk_error_set(err, SK_EINVAL, "'%s': not an AS number (%s)",
					    net_text_show(&in), expected);
		if (n > 1 && digits[0] == '0')
			return sk_error_set(err, SK_EINVAL,
					    "'%s': AS number has a leading zero",
					    net_text_show(&in));
		if (hi > ASN_DOT_MAX || lo > ASN_DOT_MAX)
			return sk_error_set(err, SK_EINVAL,
					    "'%s': each half of an asdot AS number is at most "
					    "65535",
					    net_text_show(&in));
		v = hi << 16 | lo;
	} else {
		return sk_error_set(err, SK_EINVAL, "'%s': not an AS number (%s)",
				    net_text_show(&in), expected);
	}
	why = asn_reserved(v);
	if (why != NULL)
		return sk_error_set(err, SK_EINVAL, "'%s': %s", net_text_show(&in), why);
	*out = (uint32_t)v;
	return 0;
}

/* buf is the caller's; returns the length or -1 if it does not fit. */
int asn_format(uint32_t asn, char *buf, size_t size)
{
	int n = snprintf(buf, size, "AS%" PRIu32, asn);

	if (n < 0 || (size_t)n >= size)
		return -1;
	return n;
}
