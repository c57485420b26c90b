/* http/api_csaf.c: GET /.well-known/csaf/... (see api_csaf.h). The tree
 * is built on the first request and again when a published advisory
 * changed (a digest of their ids, revisions, labels and times), under a
 * lock: building signs every file with gpg. */
#include "http/api_csaf.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "access/access.h"
#include "advisory/advisory.h"
#include "advisory/audience.h"
#include "advisory/csaf.h"
#include "advisory/csaf_tree.h"
#include "http/request.h"
#include "http/response.h"
#include "lib/buf.h"
#include "lib/config.h"
#include "lib/error.h"
#include "lib/xalloc.h"
#include "pgp/pgp.h"
#include "store/store.h"

#define PREFIX "/.well-known/csaf/"

static const struct config *csaf_cfg;
static const char *csaf_store_url;
static struct csaf_settings csaf_settings;
static bool csaf_on;

static pthread_mutex_t tree_lock = PTHREAD_MUTEX_INITIALIZER;
static struct csaf_tree tree;
static unsigned char tree_digest[crypto_generichash_BYTES];
static bool tree_built;

int api_csaf_configure(const struct config *cfg, const char *store_url, struct sk_error *err)
{
	if (config_get(cfg, "csaf", "publisher_name") == NULL)
		return 0;
	if (csaf_settings_read(cfg, &csaf_settings, err) != 0)
		return SK_ECONFIG;
	csaf_cfg = cfg;
	csaf_store_url = store_url;
	csaf_on = true;
	return 0;
}

static int digest_one(const struct store_advisory *a, void *ctx)
{
	crypto_generichash_state *h = ctx;
	char line[128];
	int n = snprintf(line, sizeof(line), "%lld %d %s %s\n", (long long)a->id, a->revision,
			 a->tlp, a->updated);

	crypto_generichash_update(h, (const unsigned char *)line, (size_t)n);
	return 0;
}

/* Rebuild the tree when the published advisories changed; under
 * tree_lock. */
static int tree_fresh(struct store *st, struct sk_error *err)
{
	struct store_advisory_filter f = {.status = "published"};
	crypto_generichash_state h;
	unsigned char d[crypto_generichash_BYTES];
	struct csaf_tree t = {0};
	struct pgp *p = NULL;
	char fpr[PGP_FPR_MAX + 1];
	int rc;

	crypto_generichash_init(&h, NULL, 0, sizeof(d));
	if ((rc = store_advisory_each(st, &f, digest_one, &h, err)) != 0)
		return rc;
	crypto_generichash_final(&h, d, sizeof(d));
	if (tree_built && memcmp(d, tree_digest, sizeof(d)) == 0)
		return 0;
	if ((rc = csaf_signer_open(csaf_cfg, csaf_store_url, &p, fpr, err)) != 0)
		return rc;
	rc = csaf_tree_build(st, &csaf_settings, p, fpr, &t, err);
	pgp_close(p);
	if (rc != 0)
		return rc;
	csaf_tree_free(&tree);
	tree = t;
	memcpy(tree_digest, d, sizeof(d));
	tree_built = true;
	return 0;
}

/* How u's organization stands to advisory id: its recipient row, else
 * the community. */
static enum tlp_relation relation(struct store *st, const struct user *u, long long id)
{
	struct advisory_recipients r = {0};
	const struct advisory_recipient *row;
	enum tlp_relation rel = TLP_REL_COMMUNITY;
	struct sk_error err = {0};
	struct advisory a;
	struct buf b;
	json_t *j = NULL;

	buf_init(&b, ADVISORY_JSON_MAX);
	advisory_init(&a);
	if (store_advisory_get(st, id, &b, &err) == 0 &&
	    (j = json_loadb(b.data != NULL ? b.data : "", b.len, 0, NULL)) != NULL &&
	    advisory_from_json(&a, j, &err) == 0 &&
	    advisory_audience_resolve(st, &a, &r, &err) == 0 &&
	    (row = advisory_recipients_find(&r, u->org_id)) != NULL)
		rel = row->relation;
	advisory_recipients_free(&r);
	advisory_clear(&a);
	json_decref(j);
	buf_free(&b);
	return rel;
}

/* May u read f? */
static bool may_read(struct store *st, const struct user *u, const struct csaf_file *f)
{
	if (f->tlp == TLP_CLEAR || access_is_staff(u))
		return true;
	if (u == NULL || u->role != USER_ROLE_PARTNER || u->org_id <= 0)
		return false;
	return tlp_policy(f->tlp,
			  f->advisory != 0 ? relation(st, u, f->advisory) : TLP_REL_COMMUNITY)
	    .receive;
}

static const char *media_type(const char *path)
{
	size_t n = strlen(path);

	if (n > 5 && strcmp(path + n - 5, ".json") == 0)
		return "application/json";
	if (n > 4 && strcmp(path + n - 4, ".asc") == 0)
		return "application/pgp-signature";
	if (n > 4 && strcmp(path + n - 4, ".csv") == 0)
		return "text/csv; charset=utf-8";
	return "text/plain; charset=utf-8";
}

static int api_csaf_get(struct http_request *req, struct http_response *resp,
			struct sk_error *err)
{
	const char *path = req->path + strlen(PREFIX);
	const struct csaf_file *f;
	char *copy = NULL;
	size_t len = 0;
	int rc;

	if (!csaf_on || strncmp(req->path, PREFIX, strlen(PREFIX)) != 0)
		return sk_error_set(err, SK_ENOTFOUND, "no such file");
	pthread_mutex_lock(&tree_lock);
	rc = tree_fresh(req->st, err);
	if (rc == 0 && (f = csaf_tree_find(&tree, path)) != NULL &&
	    may_read(req->st, req->user, f)) {
		copy = xmalloc(f->len + 1);
		memcpy(copy, f->data, f->len + 1);
		len = f->len;
	}
	pthread_mutex_unlock(&tree_lock);
	if (rc != 0)
		return rc;
	if (copy == NULL)
		return sk_error_set(err, SK_ENOTFOUND, "no such file");
	http_response_text(resp, 200, media_type(path), copy, len);
	return 0;
}

const struct router_route api_csaf_routes[] = {
    {"GET", PREFIX "{file}", api_csaf_get, ACCESS_PUBLIC},
    {"GET", PREFIX "openpgp/{file}", api_csaf_get, ACCESS_PUBLIC},
    {"GET", PREFIX "white/{file}", api_csaf_get, ACCESS_PUBLIC},
    {"GET", PREFIX "white/{year}/{file}", api_csaf_get, ACCESS_PUBLIC},
    {"GET", PREFIX "{tlp}/{file}", api_csaf_get, ACCESS_USER},
    {"GET", PREFIX "{tlp}/{year}/{file}", api_csaf_get, ACCESS_USER},
    {NULL, NULL, NULL, ACCESS_PUBLIC},
};
