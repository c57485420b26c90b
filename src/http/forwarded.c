/* http/forwarded.c: the client's address behind trusted proxies (see
 * forwarded.h).
 * SECURITY: X-Forwarded-For comes from the client unless a trusted proxy
 * rewrote it, so only the entries that trusted proxies appended are
 * believed, read right to left; at most FORWARDED_HOPS_MAX of them, each
 * at most PREFIX_TEXT_MAX bytes, parsed strictly by net/prefix.h. */
#include "http/forwarded.h"

#include <stdio.h>
#include <string.h>

#include "lib/error.h"
#include "lib/str.h"

int forwarded_parse(const char *list, struct forwarded_proxies *out, struct sk_error *err)
{
	struct forwarded_proxies fp;
	char item[PREFIX_TEXT_MAX + 1];
	const char *s = list;
	bool more = *s != '\0';

	fp.n = 0;
	while (more) {
		more = str_next_item(&s, item, sizeof(item));
		if (item[0] == '\0' && !more && fp.n > 0)
			break;
		if (fp.n == FORWARDED_PROXIES_MAX)
			return sk_error_set(err, SK_ECONFIG, "more than %d trusted proxies",
					    FORWARDED_PROXIES_MAX);
		if (prefix_parse(item, &fp.p[fp.n], err) != 0) {
			if (err != NULL)
				err->code = SK_ECONFIG;
			return SK_ECONFIG;
		}
		fp.n++;
	}
	*out = fp;
	return 0;
}

/* Is a (a host prefix) covered by a trusted proxy? */
static bool proxies_cover(const struct forwarded_proxies *proxies, const struct prefix *a)
{
	for (size_t i = 0; i < proxies->n; i++)
		if (prefix_contains(&proxies->p[i], a))
			return true;
	return false;
}

bool forwarded_trusted(const struct forwarded_proxies *proxies, const char *addr)
{
	struct prefix a;

	return prefix_parse_addr(addr, &a, NULL) == 0 && proxies_cover(proxies, &a);
}

void forwarded_client(const struct forwarded_proxies *proxies, const char *peer,
		      const char *xff, char out[FORWARDED_ADDR_MAX])
{
	const char *end;
	int hops = 0;

	snprintf(out, FORWARDED_ADDR_MAX, "%s", peer);
	if (xff == NULL || !forwarded_trusted(proxies, peer))
		return;
	end = xff + strlen(xff);
	while (end > xff && hops++ < FORWARDED_HOPS_MAX) {
		const char *start = end;
		char item[PREFIX_TEXT_MAX];
		struct prefix a;
		size_t len;

		while (start > xff && start[-1] != ',')
			start--;
		len = (size_t)(end - start);
		end = start > xff ? start - 1 : xff;
		while (len > 0 && (*start == ' ' || *start == '\t')) {
			start++;
			len--;
		}
		while (len > 0 && (start[len - 1] == ' ' || start[len - 1] == '\t'))
			len--;
		if (len == 0 || len >= sizeof(item))
			return;
		memcpy(item, start, len);
		item[len] = '\0';
		if (prefix_parse_addr(item, &a, NULL) != 0)
			return;
		prefix_format_addr(&a, out, FORWARDED_ADDR_MAX);
		if (!proxies_cover(proxies, &a))
			return;
	}
}
