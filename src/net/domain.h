/* net/domain.h: domain names in their canonical form: lowercase, no
 * trailing dot, internationalized labels converted to A-labels (IDNA2008
 * via libidn2), each label 1..63 letters, digits and hyphens, not starting
 * or ending with a hyphen, at most 253 bytes in all. Parses outside input:
 * at most 1024 bytes of text. */
#ifndef SK_NET_DOMAIN_H
#define SK_NET_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>

struct sk_error;

#define DOMAIN_MAX 253
#define DOMAIN_TEXT_MAX (DOMAIN_MAX + 1)

/* Normalize text into out (DOMAIN_TEXT_MAX bytes). A name needs at least
 * two labels unless allow_tld is true (".be" as a scope suffix). One
 * trailing dot is dropped; with allow_tld one leading dot is too (".be"
 * gives "be"). An all-digit last label is refused ("192.0.2.1"). ASCII
 * "xn--" labels are kept as they are (checked as LDH, not decoded). */
int domain_normalize(const char *text, bool allow_tld, char out[DOMAIN_TEXT_MAX],
		     struct sk_error *err);

/* True if name equals suffix or ends in "." suffix: matching is on label
 * boundaries, so "www.example.be" is under "example.be" and
 * "badexample.be" is not. Both must be canonical. */
bool domain_is_under(const char *name, const char *suffix);

/* The next parent of a canonical name ("www.example.be" -> "example.be"),
 * pointing into name; NULL at the last label. */
const char *domain_parent(const char *name);

#endif
