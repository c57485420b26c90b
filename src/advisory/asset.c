/* advisory/asset.c: organizations' assets and how they match affected
 * products (see asset.h). */
#include "advisory/asset.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "advisory/cpe.h"
#include "advisory/purl.h"
#include "advisory/version.h"
#include "lib/error.h"
#include "lib/str.h"
#include "lib/xalloc.h"

void asset_key(const char *name, char out[ASSET_KEY_MAX + 1])
{
	size_t n = 0;

	for (; name[n] != '\0' && n < ASSET_KEY_MAX; n++)
		out[n] = name[n] == ' ' || name[n] == '-'
			     ? '_'
			     : (char)tolower((unsigned char)name[n]);
	out[n] = '\0';
}

int asset_parse(const char *text, struct asset_name *out, struct sk_error *err)
{
	struct asset_name n = {0};
	int rc = 0;

	if (str_has_prefix(text, "cpe:")) {
		struct cpe *c = xmalloc(sizeof(*c));

		if ((rc = cpe_parse(text, c, err)) != 0) {
			sk_error_prefix(err, "asset");
		} else if (cpe_is_logical(c->value[CPE_VENDOR]) ||
			   cpe_is_logical(c->value[CPE_PRODUCT])) {
			rc = sk_error_set(err, SK_EINVAL,
					  "asset: a CPE must name a vendor and a product");
		} else {
			snprintf(n.kind, sizeof(n.kind), "cpe");
			asset_key(c->value[CPE_VENDOR], n.vendor);
			asset_key(c->value[CPE_PRODUCT], n.product);
			if (!cpe_is_logical(c->value[CPE_VERSION]))
				snprintf(n.version, sizeof(n.version), "%.256s",
					 c->value[CPE_VERSION]);
		}
		free(c);
	} else if (str_has_prefix(text, "pkg:")) {
		struct purl *p = xmalloc(sizeof(*p));

		if ((rc = purl_parse(text, p, err)) != 0) {
			sk_error_prefix(err, "asset");
		} else {
			snprintf(n.kind, sizeof(n.kind), "purl");
			asset_key(p->namespace_, n.vendor);
			asset_key(p->name, n.product);
			snprintf(n.version, sizeof(n.version), "%.256s", p->version);
		}
		free(p);
	} else {
		rc = sk_error_set(
		    err, SK_EINVAL,
		    "asset: give a CPE 2.3 name (cpe:2.3:...) or a purl (pkg:...)");
	}
	if (rc == 0)
		*out = n;
	return rc;
}

bool asset_matches(const struct store_asset *a, const struct advisory_product *p)
{
	char vendor[ASSET_KEY_MAX + 1], product[ASSET_KEY_MAX + 1];
	struct version_range r;
	struct sk_error ignored = {0};

	asset_key(p->product != NULL ? p->product : "", product);
	asset_key(p->vendor != NULL ? p->vendor : "", vendor);
	if (strcmp(product, a->product) != 0)
		return false;
	if (vendor[0] != '\0' && a->vendor[0] != '\0' && strcmp(vendor, a->vendor) != 0)
		return false;
	if (a->version[0] == '\0' || cpe_is_logical(a->version))
		return true;
	if (version_range_parse(p->versions != NULL ? p->versions : "*", &r, &ignored) != 0)
		return false;
	return version_range_match(&r, a->version);
}

int asset_add(struct store *st, const struct user *u, int64_t org_id, const char *text,
	      int64_t *id_out, struct sk_error *err)
{
	struct store_asset a = {0};
	struct asset_name n;
	int rc;

	if ((rc = access_may_change_assets(u, err)) != 0 ||
	    (rc = asset_parse(text, &n, err)) != 0)
		return rc;
	a.org_id = org_id;
	memcpy(a.kind, n.kind, sizeof(a.kind));
	a.value = text;
	a.vendor = n.vendor;
	a.product = n.product;
	a.version = n.version;
	if ((rc = store_asset_add(st, &a, err)) == 0 && id_out != NULL)
		*id_out = a.id;
	return rc;
}

int asset_remove(struct store *st, const struct user *u, int64_t org_id, int64_t id,
		 struct sk_error *err)
{
	int rc;

	if ((rc = access_may_change_assets(u, err)) != 0)
		return rc;
	return store_asset_remove(st, org_id, id, err);
}

int asset_each(struct store *st, const struct user *u, int64_t org_id, store_asset_fn fn,
	       void *ctx, struct sk_error *err)
{
	int rc;

	if ((rc = access_may_read_assets(u, org_id, err)) != 0)
		return rc;
	return store_asset_each(st, org_id, fn, ctx, err);
}
