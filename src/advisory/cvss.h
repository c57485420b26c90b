/* advisory/cvss.h: CVSS v3.1 base vectors ("CVSS:3.1/AV:N/AC:L/...")
 * parsed and scored exactly as FIRST's specification says, with its
 * Roundup function, and the qualitative severity rating. Parses outside
 * input: at most CVSS_VECTOR_MAX bytes. */
#ifndef SK_ADVISORY_CVSS_H
#define SK_ADVISORY_CVSS_H

#include <stddef.h>
#include <stdint.h>

struct sk_error;

#define CVSS_VECTOR_MAX 128

/* The eight base metrics, each as the index of its value in the
 * specification's order: AV N,A,L,P; AC L,H; PR N,L,H; UI N,R; S U,C;
 * C, I, A H,L,N. */
struct cvss {
	uint8_t av, ac, pr, ui, s, c, i, a;
	int score10; /* the base score times ten: 0..100 */
};

/* Parse a CVSS v3.1 base vector: the "CVSS:3.1/" prefix, then each of
 * the eight base metrics exactly once, in any order, separated by "/".
 * Other metrics, a repeated or missing one, an unknown value: SK_EINVAL
 * naming it. Computes score10. out is written only on success. */
int cvss_parse(const char *text, struct cvss *out, struct sk_error *err);

/* The canonical vector (metrics in the specification's order) into buf;
 * its length, or -1 if it does not fit. */
int cvss_format(const struct cvss *c, char *buf, size_t size);

/* "None", "Low", "Medium", "High" or "Critical" for a score times ten. */
const char *cvss_severity(int score10);

/* FIRST's Roundup: the smallest number with one decimal that is equal to
 * or higher than x, times ten, computed so that floating point does not
 * round 4.000000001 up to 4.1. */
int cvss_roundup10(double x);

#endif
