/* net/asn.h: autonomous system numbers. Accepts "AS64496", "as64496",
 * "64496" and asdot "1.10" (= 65546); prints "AS64496". Parses outside
 * input: at most 32 bytes of text. */
#ifndef SK_NET_ASN_H
#define SK_NET_ASN_H

#include <stddef.h>
#include <stdint.h>

struct sk_error;

#define ASN_TEXT_MAX 16	/* "AS4294967294" and its NUL */

/* Parse an AS number. AS0 (RFC 7607), AS23456 (AS_TRANS, RFC 6793) and
 * AS4294967295 (RFC 7300) are refused: no network is announced by them. */
int asn_parse(const char *text, uint32_t *out, struct sk_error *err);

/* Write "AS<number>"; returns the length or -1 if it does not fit. */
int asn_format(uint32_t asn, char *buf, size_t size);

#endif
