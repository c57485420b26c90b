/* http/api_keys.c: /api/v1/keys. Each request opens its own GPGME
 * context on the keyring, so that worker threads never share one.
 * SECURITY: reads outside input: an armored key in a JSON body (at most
 * PGP_KEY_FILE_MAX bytes); a body holding a secret key is refused. */
#include "http/api_keys.h"

#include <stdio.h>
#include <string.h>

#include "http/request.h"
#include "http/response.h"
#include "lib/error.h"
#include "lib/str.h"
#include "pgp/keys.h"
#include "pgp/pgp.h"
#include "store/store.h"

static const char *keyring_home;

void api_keys_configure(const char *home)
{
	keyring_home = home;
}

static struct pgp *keyring_open(struct sk_error *err)
{
	if (keyring_home == NULL) {
		sk_error_set(err, SK_EIO, "the keyring is not configured");
		return NULL;
	}
	return pgp_open(keyring_home, err);
}

/* GET /api/v1/keys[?expiring=30d]: every key, or those that will not be
 * usable that long from now. */
static int api_key_list(struct http_request *req, struct http_response *resp,
			struct sk_error *err)
{
	const char *expiring = http_request_query(req, "expiring");
	int64_t within = -1, now = str_time_now();
	struct pgp_key *keys = NULL;
	struct pgp *p = NULL;
	json_t *items;
	size_t n = 0, shown = 0;
	int rc;

	if (expiring != NULL &&
	    str_to_duration(expiring, (int64_t)20 * 365 * 86400, &within) != 0)
		return sk_error_set(err, SK_EINVAL,
				    "query argument expiring: a duration such as 30d");
	if ((p = keyring_open(err)) == NULL)
		return SK_EIO;
	rc = pgp_key_list(p, false, &keys, &n, err);
	if (rc == 0) {
		items = json_array();
		for (size_t i = 0; i < n; i++) {
			if (within >= 0 && pgp_key_usable_until(&keys[i], now, within))
				continue;
			keys[i].secret =
			    pgp_key_get(p, keys[i].fpr, true, &(struct pgp_key){0}, NULL) == 0;
			json_array_append_new(items, pgp_key_json(&keys[i], now));
			shown++;
		}
		http_response_list(resp, items, shown);
	}
	free(keys);
	pgp_close(p);
	return rc;
}

static int api_key_get(struct http_request *req, struct http_response *resp,
		       struct sk_error *err)
{
	const char *what = http_request_param(req, "fpr");
	struct pgp *p = NULL;
	struct pgp_key k;
	int rc;

	if ((p = keyring_open(err)) == NULL)
		return SK_EIO;
	rc = pgp_key_get(p, what, false, &k, err);
	if (rc == SK_EINVAL)
		rc = sk_error_set(err, SK_ENOTFOUND, "key '%s' not found", what);
	if (rc == 0) {
		k.secret = pgp_key_get(p, k.fpr, true, &(struct pgp_key){0}, NULL) == 0;
		http_response_json(resp, 200, pgp_key_json(&k, str_time_now()));
	}
	pgp_close(p);
	return rc;
}

/* POST /api/v1/keys {"armored": "-----BEGIN PGP PUBLIC KEY BLOCK-----..."} */
static int api_key_import(struct http_request *req, struct http_response *resp,
			  struct sk_error *err)
{
	struct pgp_import r;
	struct pgp *p = NULL;
	json_t *body = NULL, *v, *out, *fprs;
	char summary[200];
	int rc;

	if ((rc = http_request_json(req, true, &body, err)) != 0)
		return rc;
	v = json_object_get(body, "armored");
	if (!json_is_string(v) || json_object_size(body) != 1) {
		rc = sk_error_set(
		    err, SK_EINVAL,
		    "the body is {\"armored\": \"...\"}, an ASCII-armored public key");
		goto out;
	}
	if ((p = keyring_open(err)) == NULL) {
		rc = SK_EIO;
		goto out;
	}
	rc = pgp_key_import(p, json_string_value(v), json_string_length(v), false, &r, err);
	for (size_t i = 0; rc == 0 && i < r.n_fpr; i++) {
		snprintf(summary, sizeof(summary), "imported key %s", r.fpr[i]);
		rc = store_audit_add(req->st, "key.import", "key", 0, summary, err);
	}
	if (rc != 0)
		goto out;
	fprs = json_array();
	for (size_t i = 0; i < r.n_fpr; i++)
		json_array_append_new(fprs, json_string(r.fpr[i]));
	out = json_pack("{s:i,s:i,s:i,s:o}", "imported", r.imported, "unchanged", r.unchanged,
			"revocations", r.revocations, "fingerprints", fprs);
	http_response_json(resp, r.imported > 0 ? 201 : 200, out);
out:
	pgp_close(p);
	json_decref(body);
	return rc;
}

/* DELETE /api/v1/keys/{fpr}: a partner's key; schakel's own is refused
 * (403), the CLI deletes it. */
static int api_key_delete(struct http_request *req, struct http_response *resp,
			  struct sk_error *err)
{
	const char *what = http_request_param(req, "fpr");
	char fpr[PGP_FPR_MAX + 1], summary[200];
	struct pgp *p = NULL;
	int rc;

	if (pgp_fpr_normalize(what, fpr, NULL) != 0)
		return sk_error_set(err, SK_ENOTFOUND, "key '%s' not found", what);
	if ((p = keyring_open(err)) == NULL)
		return SK_EIO;
	rc = pgp_key_delete(p, fpr, false, err);
	pgp_close(p);
	if (rc == 0) {
		snprintf(summary, sizeof(summary), "deleted key %s", fpr);
		rc = store_audit_add(req->st, "key.delete", "key", 0, summary, err);
	}
	if (rc == 0)
		http_response_json(resp, 204, NULL);
	return rc;
}

const struct router_route api_keys_routes[] = {
    {"GET", "/api/v1/keys", api_key_list, ACCESS_STAFF},
    {"POST", "/api/v1/keys", api_key_import, ACCESS_STAFF},
    {"GET", "/api/v1/keys/{fpr}", api_key_get, ACCESS_STAFF},
    {"DELETE", "/api/v1/keys/{fpr}", api_key_delete, ACCESS_STAFF},
    {NULL, NULL, NULL, ACCESS_PUBLIC},
};
