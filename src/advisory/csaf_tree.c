/* advisory/csaf_tree.c: the CSAF provider tree (see csaf_tree.h): the
 * documents, their hashes and signatures, the listings of each TLP
 * directory, the ROLIE feeds and provider-metadata.json; and writing it
 * to disk. Everything but the signatures follows from the store alone,
 * so two builds of the same advisories give the same bytes. */
#define _XOPEN_SOURCE 700
#include "advisory/csaf_tree.h"

#include <errno.h>
#include <ftw.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "advisory/advisory.h"
#include "lib/config.h"
#include "lib/error.h"
#include "lib/xalloc.h"
#include "pgp/pgp.h"
#include "store/store.h"

#define CSAF_DUMP (JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(3))

static const enum tlp_label dirs[] = {TLP_CLEAR, TLP_GREEN, TLP_AMBER, TLP_RED};
#define N_DIRS 4

/* A published document as the listings name it. */
struct entry {
	char path[128]; /* "white/2026/cert-2026-0001.json" */
	char *id, *title;
	char initial[21], current[21];
	enum tlp_label tlp;
};

struct build {
	struct csaf_tree *t;
	const struct csaf_settings *s;
	struct pgp *p;
	const char *fpr;
	struct entry *e;
	size_t n_e;
	int rc;
	struct sk_error *err;
};

/* Add path with data (taken), tlp and advisory. */
static struct csaf_file *add(struct csaf_tree *t, const char *path, char *data, size_t len,
			     enum tlp_label tlp, long long advisory)
{
	struct csaf_file *f;

	if (t->n == t->alloc) {
		t->alloc = t->alloc ? 2 * t->alloc : 32;
		t->v = xreallocarray(t->v, t->alloc, sizeof(*t->v));
	}
	f = &t->v[t->n++];
	f->path = xstrdup(path);
	f->data = data;
	f->len = len;
	f->tlp = tlp;
	f->advisory = advisory;
	return f;
}

/* "HEX  name\n" as sha256sum and sha512sum write it. */
static char *hash_line(const unsigned char *h, size_t hlen, const char *path)
{
	const char *name = strrchr(path, '/');
	char hex[2 * crypto_hash_sha512_BYTES + 1];
	size_t n;
	char *line;

	name = name != NULL ? name + 1 : path;
	sodium_bin2hex(hex, sizeof(hex), h, hlen);
	n = strlen(hex) + strlen(name) + 4;
	line = xmalloc(n);
	snprintf(line, n, "%s  %s\n", hex, name);
	return line;
}

/* Add the file and its .sha256, .sha512 and .asc. data is taken. */
static int add_signed(struct build *b, const char *path, char *data, enum tlp_label tlp,
		      long long advisory)
{
	unsigned char h256[crypto_hash_sha256_BYTES], h512[crypto_hash_sha512_BYTES];
	size_t len = strlen(data);
	char side[192], *line, *sig = NULL;
	int rc;

	crypto_hash_sha256(h256, (const unsigned char *)data, len);
	crypto_hash_sha512(h512, (const unsigned char *)data, len);
	if ((rc = pgp_sign_detached(b->p, b->fpr, data, len, &sig, b->err)) != 0) {
		free(data);
		return rc;
	}
	add(b->t, path, data, len, tlp, advisory);
	line = hash_line(h256, sizeof(h256), path);
	snprintf(side, sizeof(side), "%s.sha256", path);
	add(b->t, side, line, strlen(line), tlp, advisory);
	line = hash_line(h512, sizeof(h512), path);
	snprintf(side, sizeof(side), "%s.sha512", path);
	add(b->t, side, line, strlen(line), tlp, advisory);
	snprintf(side, sizeof(side), "%s.asc", path);
	add(b->t, side, sig, strlen(sig), tlp, advisory);
	return 0;
}

static char *dump(json_t *v)
{
	char *s = json_dumps(v, CSAF_DUMP);
	size_t n = strlen(s);
	char *out = xmalloc(n + 2);

	memcpy(out, s, n);
	memcpy(out + n, "\n", 2);
	free(s);
	json_decref(v);
	return out;
}

/* One published advisory: its document. */
static int each_advisory(const struct store_advisory *r, void *ctx)
{
	struct build *b = ctx;
	struct advisory a;
	struct entry *e;
	json_t *doc, *tr;
	char name[ADVISORY_NUMBER_MAX + 8];

	json_t *j = json_loads(r->doc, 0, NULL);

	advisory_init(&a);
	if (j == NULL || advisory_from_json(&a, j, b->err) != 0) {
		json_decref(j);
		advisory_clear(&a);
		b->rc =
		    sk_error_set(b->err, SK_EIO,
				 "advisory %s: its stored document does not read", r->number);
		return 1;
	}
	json_decref(j);
	a.id = r->id;
	doc = csaf_document(&a, b->s);
	tr = json_object_get(json_object_get(doc, "document"), "tracking");
	b->e = xreallocarray(b->e, b->n_e + 1, sizeof(*b->e));
	e = &b->e[b->n_e++];
	memset(e, 0, sizeof(*e));
	e->id = xstrdup(a.number);
	e->title = xstrdup(a.title);
	e->tlp = a.tlp;
	snprintf(e->initial, sizeof(e->initial), "%s",
		 json_string_value(json_object_get(tr, "initial_release_date")));
	snprintf(e->current, sizeof(e->current), "%s",
		 json_string_value(json_object_get(tr, "current_release_date")));
	csaf_file_name(a.number, name, sizeof(name));
	snprintf(e->path, sizeof(e->path), "%s/%.4s/%s", csaf_tlp_dir(a.tlp), e->initial, name);
	advisory_clear(&a);
	b->rc = add_signed(b, e->path, dump(doc), e->tlp, (long long)r->id);
	return b->rc != 0;
}

static int by_path(const void *x, const void *y)
{
	return strcmp(((const struct entry *)x)->path, ((const struct entry *)y)->path);
}

/* Newest change first, then by path. */
static int by_change(const void *x, const void *y)
{
	const struct entry *a = x, *b = y;
	int c = strcmp(b->current, a->current);

	return c != 0 ? c : strcmp(a->path, b->path);
}

/* The ROLIE feed of directory d. */
static json_t *feed(struct build *b, enum tlp_label d, const char *latest)
{
	const char *dir = csaf_tlp_dir(d), *base = b->s->base_url;
	char url[CSAF_URL_MAX + 256], id[64];
	json_t *entries = json_array(), *f;

	for (size_t i = 0; i < b->n_e; i++) {
		const struct entry *e = &b->e[i];
		char doc[CSAF_URL_MAX + 256], h[CSAF_URL_MAX + 300], h5[CSAF_URL_MAX + 300],
		    sig[CSAF_URL_MAX + 300];

		if (strcmp(csaf_tlp_dir(e->tlp), dir) != 0)
			continue;
		snprintf(doc, sizeof(doc), "%s/.well-known/csaf/%s", base, e->path);
		snprintf(h, sizeof(h), "%s.sha256", doc);
		snprintf(h5, sizeof(h5), "%s.sha512", doc);
		snprintf(sig, sizeof(sig), "%s.asc", doc);
		json_array_append_new(
		    entries,
		    json_pack(
			"{s:s, s:s, s:[{s:s, s:s}, {s:s, s:s}, {s:s, s:s}, {s:s, s:s}],"
			" s:s, s:s, s:{s:s}, s:{s:s, s:s}, s:{s:s, s:s}}",
			"id", e->id, "title", e->title, "link", "rel", "self", "href", doc,
			"rel", "hash", "href", h, "rel", "hash", "href", h5, "rel", "signature",
			"href", sig, "published", e->initial, "updated", e->current, "summary",
			"content", e->title, "content", "type", "application/json", "src", doc,
			"format", "schema",
			"https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json",
			"version", "2.0"));
	}
	snprintf(url, sizeof(url), "%s/.well-known/csaf/%s/csaf-feed-tlp-%s.json", base, dir,
		 dir);
	snprintf(id, sizeof(id), "csaf-feed-tlp-%s", dir);
	f = json_pack("{s:{s:s, s:s, s:[{s:s, s:s}], s:[{s:s, s:s}], s:s, s:o}}", "feed", "id",
		      id, "title", b->s->publisher_name, "link", "rel", "self", "href", url,
		      "category", "scheme", "urn:ietf:params:rolie:category:information-type",
		      "term", "csaf", "updated", latest, "entry", entries);
	return f;
}

/* index.txt, changes.csv and the feed of directory d. */
static int listings(struct build *b, enum tlp_label d, const char *latest)
{
	const char *dir = csaf_tlp_dir(d);
	size_t dl = strlen(dir);
	char *index = xstrdup(""), *changes = xstrdup(""), path[96];
	int rc;

	for (int pass = 0; pass < 2; pass++) {
		qsort(b->e, b->n_e, sizeof(*b->e), pass == 0 ? by_path : by_change);
		for (size_t i = 0; i < b->n_e; i++) {
			const struct entry *e = &b->e[i];
			char **s = pass == 0 ? &index : &changes;
			size_t n = strlen(*s) + strlen(e->path) + 40;

			if (strncmp(e->path, dir, dl) != 0 || e->path[dl] != '/')
				continue;
			*s = xrealloc(*s, n);
			if (pass == 0)
				snprintf(*s + strlen(*s), n - strlen(*s), "%s\n",
					 e->path + dl + 1);
			else
				snprintf(*s + strlen(*s), n - strlen(*s), "\"%s\",\"%s\"\n",
					 e->path + dl + 1, e->current);
		}
	}
	snprintf(path, sizeof(path), "%s/index.txt", dir);
	if ((rc = add_signed(b, path, index, d, 0)) != 0) {
		free(changes);
		return rc;
	}
	snprintf(path, sizeof(path), "%s/changes.csv", dir);
	if ((rc = add_signed(b, path, changes, d, 0)) != 0)
		return rc;
	snprintf(path, sizeof(path), "%s/csaf-feed-tlp-%s.json", dir, dir);
	return add_signed(b, path, dump(feed(b, d, latest)), d, 0);
}

static json_t *provider_metadata(struct build *b, const char *latest)
{
	const char *base = b->s->base_url;
	char url[CSAF_URL_MAX + 128], key[CSAF_URL_MAX + 128];
	json_t *dist = json_array();

	for (size_t i = 0; i < N_DIRS; i++) {
		const char *dir = csaf_tlp_dir(dirs[i]);
		char d[CSAF_URL_MAX + 64], f[CSAF_URL_MAX + 128], sum[64];

		snprintf(d, sizeof(d), "%s/.well-known/csaf/%s/", base, dir);
		snprintf(f, sizeof(f), "%s/.well-known/csaf/%s/csaf-feed-tlp-%s.json", base,
			 dir, dir);
		snprintf(sum, sizeof(sum), "TLP:%s advisories", csaf_tlp_word(dirs[i]));
		json_array_append_new(dist, json_pack("{s:s, s:{s:[{s:s, s:s, s:s}]}}",
						      "directory_url", d, "rolie", "feeds",
						      "summary", sum, "tlp_label",
						      csaf_tlp_word(dirs[i]), "url", f));
	}
	snprintf(url, sizeof(url), "%s/.well-known/csaf/provider-metadata.json", base);
	snprintf(key, sizeof(key), "%s/.well-known/csaf/openpgp/%s.asc", base, b->fpr);
	return json_pack("{s:s, s:o, s:s, s:b, s:s, s:b, s:[{s:s, s:s}],"
			 " s:{s:s, s:s, s:s}, s:s}",
			 "canonical_url", url, "distributions", dist, "last_updated", latest,
			 "list_on_CSAF_aggregators", 1, "metadata_version", "2.0",
			 "mirror_on_CSAF_aggregators", 1, "public_openpgp_keys", "fingerprint",
			 b->fpr, "url", key, "publisher", "category", "coordinator", "name",
			 b->s->publisher_name, "namespace", b->s->namespace, "role",
			 "csaf_trusted_provider");
}

int csaf_tree_build(struct store *st, const struct csaf_settings *s, struct pgp *p,
		    const char *fpr, struct csaf_tree *out, struct sk_error *err)
{
	struct store_advisory_filter f = {.status = "published"};
	struct csaf_tree t = {0};
	struct build b = {.t = &t, .s = s, .p = p, .fpr = fpr, .err = err};
	char latest[21] = "1970-01-01T00:00:00Z", path[PGP_FPR_MAX + 16], *pub = NULL;
	int rc;

	if ((rc = store_advisory_each(st, &f, each_advisory, &b, err)) == 0)
		rc = b.rc;
	for (size_t i = 0; rc == 0 && i < b.n_e; i++)
		if (strcmp(b.e[i].current, latest) > 0)
			memcpy(latest, b.e[i].current, sizeof(latest));
	for (size_t i = 0; rc == 0 && i < N_DIRS; i++)
		rc = listings(&b, dirs[i], latest);
	if (rc == 0)
		rc = add_signed(&b, "provider-metadata.json",
				dump(provider_metadata(&b, latest)), TLP_CLEAR, 0);
	if (rc == 0 && (rc = pgp_export_public(p, fpr, &pub, err)) == 0) {
		snprintf(path, sizeof(path), "openpgp/%s.asc", fpr);
		add(&t, path, pub, strlen(pub), TLP_CLEAR, 0);
	}
	for (size_t i = 0; i < b.n_e; i++) {
		free(b.e[i].id);
		free(b.e[i].title);
	}
	free(b.e);
	if (rc != 0) {
		csaf_tree_free(&t);
		return rc;
	}
	*out = t;
	return 0;
}

void csaf_tree_free(struct csaf_tree *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].path);
		free(t->v[i].data);
	}
	free(t->v);
	memset(t, 0, sizeof(*t));
}

const struct csaf_file *csaf_tree_find(const struct csaf_tree *t, const char *path)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->v[i].path, path) == 0)
			return &t->v[i];
	return NULL;
}

int csaf_signer_open(const struct config *cfg, const char *store_url, struct pgp **p,
		     char fpr[PGP_FPR_MAX + 1], struct sk_error *err)
{
	const char *pass = config_get(cfg, "pgp", "passphrase_file");
	char *home = pgp_home_path(cfg, store_url);
	struct pgp_key own;
	struct pgp *k = pgp_open(home, err);

	free(home);
	if (k == NULL)
		return SK_ECONFIG;
	if ((pass != NULL && pgp_set_passphrase_file(k, pass, err) != 0) ||
	    pgp_own_key(k, config_get(cfg, "pgp", "key"), &own, err) != 0) {
		pgp_close(k);
		return err->code != 0 ? err->code : SK_ECONFIG;
	}
	memcpy(fpr, own.fpr, PGP_FPR_MAX + 1);
	*p = k;
	return 0;
}

/* Make every directory of path (a file's) below root. */
static int make_dirs(char *path)
{
	for (char *s = strchr(path + 1, '/'); s != NULL; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST) {
			*s = '/';
			return -1;
		}
		*s = '/';
	}
	return 0;
}

static int remove_one(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)type;
	(void)ftw;
	return remove(path);
}

int csaf_tree_write(const struct csaf_tree *t, const char *dir, struct sk_error *err)
{
	size_t len = strlen(dir), n = len + 16;
	char *tmp = xmalloc(n), *old = xmalloc(n), *top = xstrdup(dir), path[4096];
	struct stat sb;
	int rc = 0;

	while (len > 1 && top[len - 1] == '/') /* "site/" is "site" */
		top[--len] = '\0';
	dir = top;
	snprintf(tmp, n, "%s.tmp", dir);
	snprintf(old, n, "%s.old", dir);
	if (stat(tmp, &sb) == 0)
		nftw(tmp, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	for (size_t i = 0; rc == 0 && i < t->n; i++) {
		FILE *f;

		if (snprintf(path, sizeof(path), "%s/.well-known/csaf/%s", tmp, t->v[i].path) >=
		    (int)sizeof(path)) {
			rc = sk_error_set(err, SK_EIO, "%s: path too long", tmp);
			break;
		}
		if (make_dirs(path) != 0 || (f = fopen(path, "wb")) == NULL) {
			rc = sk_error_set(err, SK_EIO, "%s: %s", path, strerror(errno));
			break;
		}
		if (fwrite(t->v[i].data, 1, t->v[i].len, f) != t->v[i].len || fclose(f) != 0)
			rc = sk_error_set(err, SK_EIO, "%s: %s", path, strerror(errno));
	}
	if (rc == 0 && stat(dir, &sb) == 0) {
		if (stat(old, &sb) == 0)
			nftw(old, remove_one, 16, FTW_DEPTH | FTW_PHYS);
		if (rename(dir, old) != 0)
			rc = sk_error_set(err, SK_EIO, "%s: %s", dir, strerror(errno));
	}
	if (rc == 0 && rename(tmp, dir) != 0)
		rc = sk_error_set(err, SK_EIO, "%s: %s", dir, strerror(errno));
	if (rc == 0 && stat(old, &sb) == 0)
		nftw(old, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	free(tmp);
	free(old);
	free(top);
	return rc;
}
