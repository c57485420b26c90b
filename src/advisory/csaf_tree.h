/* advisory/csaf_tree.h: the CSAF 2.0 trusted provider tree below
 * /.well-known/csaf/ built from the published advisories: the CSAF
 * documents by TLP directory and year, index.txt, changes.csv and a
 * ROLIE feed per directory, provider-metadata.json and schakel's public
 * key; every file but the key with its .sha256, .sha512 and a detached
 * signature .asc by schakel's key. schakel csaf export writes it to
 * disk, schakeld serves it (docs/csaf.md). */
#ifndef SK_ADVISORY_CSAF_TREE_H
#define SK_ADVISORY_CSAF_TREE_H

#include <stdbool.h>
#include <stddef.h>

#include "advisory/csaf.h"
#include "model/tlp.h"
#include "pgp/pgp.h"

struct config;
struct sk_error;
struct store;

/* One file of the tree. */
struct csaf_file {
	char *path; /* below .well-known/csaf/: "white/2026/cert-2026-0001.json" */
	char *data; /* its bytes, NUL-terminated */
	size_t len;
	enum tlp_label tlp; /* who may read it (CLEAR: anyone) */
	long long advisory; /* the advisory it belongs to, or 0 (a listing) */
};

struct csaf_tree {
	struct csaf_file *v;
	size_t n, alloc;
};

/* Build the tree of the published advisories in st, signed by key fpr
 * of p, into *out (zeroed; free with csaf_tree_free()). */
int csaf_tree_build(struct store *st, const struct csaf_settings *s, struct pgp *p,
		    const char *fpr, struct csaf_tree *out, struct sk_error *err);
void csaf_tree_free(struct csaf_tree *t);

/* The file at path (below .well-known/csaf/), or NULL; borrowed. */
const struct csaf_file *csaf_tree_find(const struct csaf_tree *t, const char *path);

/* Open schakel's keyring ([pgp] home, passphrase_file) and find its own
 * key ([pgp] key) to sign with: *p (close with pgp_close()) and fpr.
 * SK_ECONFIG or SK_ENOTFOUND saying what is missing. */
int csaf_signer_open(const struct config *cfg, const char *store_url, struct pgp **p,
		     char fpr[PGP_FPR_MAX + 1], struct sk_error *err);

/* Write the tree to dir/.well-known/csaf/: built in "dir.tmp" first,
 * then renamed over dir, so a web server never serves half a tree.
 * SK_EIO naming the path. */
int csaf_tree_write(const struct csaf_tree *t, const char *dir, struct sk_error *err);

#endif
