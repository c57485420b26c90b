/* advisory/cpe.h: CPE 2.3 names in the formatted string binding
 * (NISTIR 7695, section 6.2): "cpe:2.3:part:vendor:product:version:
 * update:edition:language:sw_edition:target_sw:target_hw:other", 13
 * components separated by unescaped colons. Parses outside input: at
 * most CPE_NAME_MAX bytes. */
#ifndef SK_ADVISORY_CPE_H
#define SK_ADVISORY_CPE_H

#include <stdbool.h>
#include <stddef.h>

struct sk_error;

#define CPE_NAME_MAX 512
#define CPE_ATTRS    11 /* part .. other */

enum { CPE_PART, CPE_VENDOR, CPE_PRODUCT, CPE_VERSION, CPE_UPDATE };

/* A parsed name: each attribute as written (still escaped: "\." stays
 * two bytes) and unescaped and lowercased for comparison. "*" (ANY) and
 * "-" (NA) stay as they are. */
struct cpe {
	char raw[CPE_ATTRS][CPE_NAME_MAX + 1];
	char value[CPE_ATTRS][CPE_NAME_MAX + 1];
};

/* Parse a formatted string. A wrong number of components ("12
 * components, a CPE 2.3 name has 13"), a part other than a, o, h, * or
 * -, a character that must be escaped but is not, a misplaced wildcard:
 * SK_EINVAL saying which. out is written only on success. */
int cpe_parse(const char *text, struct cpe *out, struct sk_error *err);

/* Whether an attribute is ANY ("*") or NA ("-"). */
bool cpe_is_logical(const char *value);

#endif
