/* advisory/asset.h: the products an organization declares it runs
 * (assets), named by a CPE 2.3 formatted string or a purl, and the one
 * rule by which an asset matches an advisory's affected product. */
#ifndef SK_ADVISORY_ASSET_H
#define SK_ADVISORY_ASSET_H

#include <stdbool.h>
#include <stdint.h>

#include "advisory/advisory.h"
#include "model/user.h"
#include "store/store.h"

struct sk_error;

#define ASSET_KEY_MAX 256

/* An asset name read: kind "cpe" or "purl", vendor and product as
 * matching keys (asset_key), version ("" when none). */
struct asset_name {
	char kind[5];
	char vendor[ASSET_KEY_MAX + 1], product[ASSET_KEY_MAX + 1];
	char version[ASSET_KEY_MAX + 1];
};

/* Read "cpe:2.3:..." or "pkg:...": a CPE must name a vendor and a
 * product (not * or -); a purl's namespace is its vendor. SK_EINVAL
 * naming what is wrong. out is written only on success. */
int asset_parse(const char *text, struct asset_name *out, struct sk_error *err);

/* The matching key of a vendor or product name: lowercased, spaces and
 * "-" as "_" (as CPE names write them), cut to ASSET_KEY_MAX bytes. */
void asset_key(const char *name, char out[ASSET_KEY_MAX + 1]);

/* Does asset a match affected product p? The product keys are equal,
 * the vendor keys equal or one of them empty, and the asset's version
 * (none, "*" or "-": any) lies in p's range. */
bool asset_matches(const struct store_asset *a, const struct advisory_product *p);

/* Add asset text to organization org_id as u (staff only), audited;
 * its id into *id_out (may be NULL). */
int asset_add(struct store *st, const struct user *u, int64_t org_id, const char *text,
	      int64_t *id_out, struct sk_error *err);
/* Remove asset id of org_id as u (staff only), audited. */
int asset_remove(struct store *st, const struct user *u, int64_t org_id, int64_t id,
		 struct sk_error *err);
/* The assets of org_id (0: all; staff only) as u: a partner reads its
 * own organization's. */
int asset_each(struct store *st, const struct user *u, int64_t org_id, store_asset_fn fn,
	       void *ctx, struct sk_error *err);

#endif
