/* model/resource.c: parsing a resource from text ("prefix:...", "asn:...",
 * "domain:..." or a bare value) into its canonical form. Parses outside
 * input: at most 1024 bytes of text. */
#include "model/resource.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/error.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "net/asn.h"

#define RESOURCE_INPUT_MAX 1024

const char *const resource_type_names[] = { "asn", "prefix", "domain", NULL };

int resource_parse_typed(enum resource_type type, const char *value, struct resource *out,
			 struct sk_error *err)
{
	struct resource r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.type = type;
	switch (type) {
	case RESOURCE_ASN:
		rc = asn_parse(value, &r.asn, err);
		break;
	case RESOURCE_PREFIX:
		rc = prefix_parse(value, &r.prefix, err);
		break;
	case RESOURCE_DOMAIN:
		rc = domain_normalize(value, false, r.domain, err);
		break;
	default:
		rc = sk_error_set(err, SK_EINVAL, "unknown resource type");
	}
	if (rc != 0)
		return rc;
	*out = r;
	return 0;
}

/* Does text look like an AS number ("AS64496", "64496", "1.10")? */
static bool looks_like_asn(const char *text)
{
	const char *p = text;

	if ((p[0] == 'A' || p[0] == 'a') && (p[1] == 'S' || p[1] == 's'))
		p += 2;
	if (*p == '\0')
		return false;
	return strspn(p, "0123456789.") == strlen(p) && strchr(p, '.') == strrchr(p, '.') &&
	       (strchr(p, '.') == NULL || p != text);
}

/* Does text look like an address or prefix rather than a name? */
static bool looks_like_ip(const char *text)
{
	if (strchr(text, ':') != NULL)
		return true;
	return strspn(text, "0123456789./") == strlen(text) && strchr(text, '.') != NULL;
}

int resource_parse(const char *text, struct resource *out, struct sk_error *err)
{
	const char *colon;
	int type;

	if (strlen(text) > RESOURCE_INPUT_MAX)
		return sk_error_set(err, SK_ETOOBIG, "resource is longer than %d bytes",
				    RESOURCE_INPUT_MAX);
	colon = strchr(text, ':');
	if (colon != NULL && colon - text < 8) {
		char word[8];

		memcpy(word, text, (size_t)(colon - text));
		word[colon - text] = '\0';
		type = str_index(resource_type_names, word);
		if (type >= 0)
			return resource_parse_typed((enum resource_type)type, colon + 1, out, err);
	}
	if (looks_like_ip(text))
		return resource_parse_typed(RESOURCE_PREFIX, text, out, err);
	if (looks_like_asn(text))
		return resource_parse_typed(RESOURCE_ASN, text, out, err);
	if (strchr(text, '.') != NULL)
		return resource_parse_typed(RESOURCE_DOMAIN, text, out, err);
	return sk_error_set(err, SK_EINVAL,
			    "'%s' is not a resource: write prefix:198.51.100.0/24, "
			    "asn:AS64496 or domain:example.be",
			    text);
}

int resource_format_value(const struct resource *r, char *buf, size_t size)
{
	switch (r->type) {
	case RESOURCE_ASN:
		return asn_format(r->asn, buf, size);
	case RESOURCE_PREFIX:
		return prefix_format(&r->prefix, buf, size);
	case RESOURCE_DOMAIN: {
		int n = snprintf(buf, size, "%s", r->domain);

		return n < 0 || (size_t)n >= size ? -1 : n;
	}
	}
	return -1;
}

int resource_list_push(const struct resource *r, void *list)
{
	struct resource_list *l = list;

	if (l->n == l->alloc) {
		l->alloc = l->alloc ? l->alloc * 2 : 16;
		l->v = xreallocarray(l->v, l->alloc, sizeof(*l->v));
	}
	l->v[l->n++] = *r;
	return 0;
}

void resource_list_free(struct resource_list *l)
{
	if (l == NULL)
		return;
	free(l->v);
	memset(l, 0, sizeof(*l));
}
