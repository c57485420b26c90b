/* advisory/version.h: product versions compared and version ranges
 * read. A version is split into runs of digits and runs of letters
 * ("2.4.58", "1.0rc1", "9.3p2"; ".", "-", "_" and "+" only separate);
 * digits compare as numbers, letters as text without case, a number
 * ranks above letters, and where one version runs out first: a letter
 * run after it marks a pre-release (1.0rc1 < 1.0), a number a later
 * release (1.0 < 1.0.1). Leading "v" is ignored.
 *
 * A range is "*" (every version) or constraints joined by "," that must
 * all hold, each an operator (<, <=, >, >=, =, !=) and a version:
 * "< 2.4.58", ">= 1.0, < 1.2.3", "= 3.1"; a bare version means "=".
 * "vers:generic/>=1.0|<1.2.3" (the vers URI form, its constraints read
 * the same way, all holding) is accepted too. Parses outside input: at
 * most VERSION_RANGE_MAX bytes, VERSION_RANGE_TERMS constraints. */
#ifndef SK_ADVISORY_VERSION_H
#define SK_ADVISORY_VERSION_H

#include <stdbool.h>
#include <stddef.h>

struct sk_error;

#define VERSION_MAX	    64
#define VERSION_RANGE_MAX   256
#define VERSION_RANGE_TERMS 16

enum version_op { VERSION_LT, VERSION_LE, VERSION_GT, VERSION_GE, VERSION_EQ, VERSION_NE };

struct version_range {
	bool any;
	size_t n;
	struct {
		enum version_op op;
		char version[VERSION_MAX + 1];
	} term[VERSION_RANGE_TERMS];
};

/* <0, 0 or >0 as a is below, equal to or above b (as above). */
int version_compare(const char *a, const char *b);

/* Whether text is a version this module reads: 1..VERSION_MAX bytes of
 * letters, digits and separators, with at least one letter or digit. */
bool version_valid(const char *text);

/* Parse a range; an empty range, an unknown operator, a bad version:
 * SK_EINVAL saying which. out is written only on success. */
int version_range_parse(const char *text, struct version_range *out, struct sk_error *err);

/* Whether version lies in range r. */
bool version_range_match(const struct version_range *r, const char *version);

#endif
