/* net/domain.c: domain names brought to one canonical form (lowercase
 * LDH labels, A-labels for IDN, no trailing dot) and compared on label
 * boundaries. SECURITY: parses outside input. Text over DOMAIN_INPUT_MAX
 * (1024) bytes is refused before any work; pure ASCII is handled here
 * without allocating, anything else goes through libidn2 (IDNA2008, UTS #46
 * nontransitional). Input quoted in error messages is escaped. */
#include "net/domain.h"

#include <idn2.h>
#include <string.h>

#include "lib/error.h"
#include "lib/str.h"
#include "net/text_int.h"

#define DOMAIN_INPUT_MAX 1024
#define DOMAIN_LABEL_MAX 63

/* Check one label, label[0..len) of an ASCII lowercase name; in is the
 * whole input for messages. */
static int check_label(const char *label, size_t len, struct net_text *in, struct sk_error *err)
{
	struct net_text lab;

	net_text_init(&lab, label, len);
	if (len == 0)
		return sk_error_set(err, SK_EINVAL,
				    "'%s': empty label (two dots in a row, or a leading dot)",
				    net_text_show(in));
	if (len > DOMAIN_LABEL_MAX)
		return sk_error_set(
		    err, SK_EINVAL, "'%s': label '%s' is %zu bytes long, over the limit of %d",
		    net_text_show(in), net_text_show(&lab), len, DOMAIN_LABEL_MAX);
	for (size_t i = 0; i < len; i++) {
		char c = label[i];

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')
			continue;
		if (c == '_')
			return sk_error_set(
			    err, SK_EINVAL,
			    "'%s': underscore in label '%s' (a host name has only "
			    "letters, digits and hyphens)",
			    net_text_show(in), net_text_show(&lab));
		return sk_error_set(err, SK_EINVAL,
				    "'%s': label '%s' has a character that is not a letter, "
				    "digit or hyphen",
				    net_text_show(in), net_text_show(&lab));
	}
	if (label[0] == '-')
		return sk_error_set(err, SK_EINVAL, "'%s': label '%s' starts with a hyphen",
				    net_text_show(in), net_text_show(&lab));
	if (label[len - 1] == '-')
		return sk_error_set(err, SK_EINVAL, "'%s': label '%s' ends with a hyphen",
				    net_text_show(in), net_text_show(&lab));
	return 0;
}

/* Check the ASCII lowercase name; in is the input as the user wrote it. */
static int check_name(const char *name, bool allow_tld, struct net_text *in,
		      struct sk_error *err)
{
	size_t len = strlen(name), labels = 0, start = 0;
	const char *last = name;
	int rc;

	for (size_t i = 0; i <= len; i++) {
		if (i < len && name[i] != '.')
			continue;
		rc = check_label(name + start, i - start, in, err);
		if (rc != 0)
			return rc;
		last = name + start;
		labels++;
		start = i + 1;
	}
	if (len > DOMAIN_MAX)
		return sk_error_set(
		    err, SK_EINVAL,
		    "'%s': %zu bytes long, over the limit of %d for a domain name",
		    net_text_show(in), len, DOMAIN_MAX);
	if (labels < 2 && !allow_tld)
		return sk_error_set(err, SK_EINVAL,
				    "'%s': a domain name needs at least two labels, like "
				    "example.be",
				    net_text_show(in));
	if (strspn(last, "0123456789") == strlen(last))
		return sk_error_set(
		    err, SK_EINVAL,
		    "'%s': the last label is all digits (an IP address is not a "
		    "domain name)",
		    net_text_show(in));
	return 0;
}

/* text is borrowed; out (DOMAIN_TEXT_MAX bytes) is written only on
 * success. */
int domain_normalize(const char *text, bool allow_tld, char out[DOMAIN_TEXT_MAX],
		     struct sk_error *err)
{
	char work[DOMAIN_INPUT_MAX + 1];
	struct net_text in;
	char *name = work, *ace = NULL;
	bool ascii = true;
	size_t n;
	int rc;

	if (text == NULL || *text == '\0')
		return sk_error_set(err, SK_EINVAL, "empty text: not a domain name");
	n = strnlen(text, DOMAIN_INPUT_MAX + 1);
	net_text_init(&in, text, n);
	if (n > DOMAIN_INPUT_MAX)
		return sk_error_set(err, SK_ETOOBIG,
				    "'%s': longer than %d bytes, not a domain name",
				    net_text_show(&in), DOMAIN_INPUT_MAX);
	memcpy(work, text, n);
	work[n] = '\0';
	if (allow_tld && name[0] == '.' && n > 1) {
		name++; /* ".be" as a suffix means "be" */
		n--;
	}
	if (name[n - 1] == '.')
		name[--n] = '\0';
	if (n == 0)
		return sk_error_set(err, SK_EINVAL, "'%s': the root is not a domain name",
				    net_text_show(&in));

	for (size_t i = 0; i < n; i++)
		if ((unsigned char)name[i] >= 0x80)
			ascii = false;
	if (!ascii) {
		rc = idn2_to_ascii_8z(name, &ace, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
		if (rc != IDN2_OK) {
			ace = NULL;
			rc = sk_error_set(err, SK_EINVAL,
					  "'%s': not a valid internationalized domain name: %s",
					  net_text_show(&in), idn2_strerror(rc));
			goto out;
		}
		name = ace;
	}
	str_lower(name);
	rc = check_name(name, allow_tld, &in, err);
	if (rc != 0)
		goto out;
	memcpy(out, name, strlen(name) + 1);
out:
	idn2_free(ace);
	return rc;
}

/* Both borrowed. An empty suffix is under nothing: it never matches all. */
bool domain_is_under(const char *name, const char *suffix)
{
	size_t n = strlen(name), s = strlen(suffix);

	if (s == 0 || s > n)
		return false;
	if (s == n)
		return memcmp(name, suffix, n) == 0;
	return name[n - s - 1] == '.' && memcmp(name + n - s, suffix, s) == 0;
}

/* name is borrowed; the result points into it. */
const char *domain_parent(const char *name)
{
	const char *dot = strchr(name, '.');

	return dot != NULL ? dot + 1 : NULL;
}
