/* http/tls.c: the HTTPS certificate and key (see tls.h). The PEM text of
 * the current pair is kept; each handshake parses its own copy, which
 * GnuTLS frees with the session, so a reload never pulls a key from
 * under a connection.
 * SECURITY: the files are the operator's, but are checked before use:
 * at most TLS_FILE_MAX bytes each, TLS_CHAIN_MAX certificates, the key
 * closed to others and matching the first certificate. */
#include "http/tls.h"

#include <errno.h>
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/error.h"
#include "lib/xalloc.h"

#define TLS_FILE_MAX  (1024 * 1024) /* bytes of a PEM file */
#define TLS_CHAIN_MAX 16	    /* certificates in tls_cert */
#define TLS_KEY_ID    64	    /* bytes of a SHA-256 key id, with room */

/* The PEM text of a certificate chain and its key. */
struct tls_pair {
	gnutls_datum_t cert;
	gnutls_datum_t key;
};

struct http_tls {
	char *cert_path;
	char *key_path;
	pthread_rwlock_t lock; /* guards pair: read by handshakes */
	struct tls_pair pair;
};

/* The pair handshakes use; see tls.h. */
static struct http_tls *tls_current;
static pthread_mutex_t tls_current_lock = PTHREAD_MUTEX_INITIALIZER;

static void tls_pair_clear(struct tls_pair *p)
{
	if (p->key.data != NULL)
		gnutls_memset(p->key.data, 0, p->key.size);
	free(p->key.data);
	free(p->cert.data);
	memset(p, 0, sizeof(*p));
}

/* Read path, the file of [http] setting, into *out (caller frees
 * out->data). A key must not be open to others. */
static int tls_read(const char *path, const char *setting, bool secret, gnutls_datum_t *out,
		    struct sk_error *err)
{
	struct stat sb;
	unsigned char *data = NULL;
	size_t len = 0;
	ssize_t n;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return sk_error_set(err, SK_ECONFIG, "[http] %s %s: cannot open: %s", setting,
				    path, strerror(errno));
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		rc = sk_error_set(err, SK_ECONFIG, "[http] %s %s: not a regular file", setting,
				  path);
		goto out;
	}
	if (secret && (sb.st_mode & S_IRWXO) != 0) {
		rc =
		    sk_error_set(err, SK_ECONFIG,
				 "[http] %s %s: others may read it (mode %04o); chmod o-rwx it",
				 setting, path, (unsigned)(sb.st_mode & 07777));
		goto out;
	}
	if (sb.st_size > TLS_FILE_MAX) {
		rc = sk_error_set(err, SK_ECONFIG, "[http] %s %s: larger than %d bytes",
				  setting, path, TLS_FILE_MAX);
		goto out;
	}
	data = xmalloc((size_t)sb.st_size + 1);
	while (len < (size_t)sb.st_size) {
		n = read(fd, data + len, (size_t)sb.st_size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = sk_error_set(err, SK_ECONFIG, "[http] %s %s: cannot read: %s",
					  setting, path, n < 0 ? strerror(errno) : "cut short");
			goto out;
		}
		len += (size_t)n;
	}
	data[len] = '\0';
	out->data = data;
	out->size = (unsigned int)len;
	data = NULL;
out:
	if (data != NULL)
		gnutls_memset(data, 0, (size_t)sb.st_size + 1);
	free(data);
	close(fd);
	return rc;
}

/* Parse pair into a chain (allocated with gnutls_calloc, as GnuTLS frees
 * it) and a key. On failure *which names the part that was bad. */
static int tls_parse(const struct tls_pair *pair, gnutls_pcert_st **certs, unsigned int *ncerts,
		     gnutls_privkey_t *key, const char **which)
{
	gnutls_pcert_st *c = gnutls_calloc(TLS_CHAIN_MAX, sizeof(*c));
	unsigned int n = TLS_CHAIN_MAX;
	gnutls_privkey_t k = NULL;
	int rc;

	*which = "tls_cert";
	if (c == NULL)
		return GNUTLS_E_MEMORY_ERROR;
	rc = gnutls_pcert_list_import_x509_raw(c, &n, &pair->cert, GNUTLS_X509_FMT_PEM,
					       GNUTLS_X509_CRT_LIST_FAIL_IF_UNSORTED);
	if (rc < 0) {
		gnutls_free(c);
		return rc;
	}
	*which = "tls_key";
	rc = gnutls_privkey_init(&k);
	if (rc == 0)
		rc =
		    gnutls_privkey_import_x509_raw(k, &pair->key, GNUTLS_X509_FMT_PEM, NULL, 0);
	if (rc < 0) {
		gnutls_privkey_deinit(k);
		for (unsigned int i = 0; i < n; i++)
			gnutls_pcert_deinit(&c[i]);
		gnutls_free(c);
		return rc;
	}
	*certs = c;
	*ncerts = n;
	*key = k;
	return 0;
}

static void tls_parsed_free(gnutls_pcert_st *certs, unsigned int n, gnutls_privkey_t key)
{
	for (unsigned int i = 0; i < n; i++)
		gnutls_pcert_deinit(&certs[i]);
	gnutls_free(certs);
	gnutls_privkey_deinit(key);
}

/* Does key belong to cert? Their public keys' ids agree. */
static bool tls_key_matches(gnutls_pcert_st *cert, gnutls_privkey_t key)
{
	unsigned char a[TLS_KEY_ID], b[TLS_KEY_ID];
	size_t alen = sizeof(a), blen = sizeof(b);
	gnutls_pubkey_t pub = NULL;
	bool same = false;

	if (gnutls_pubkey_init(&pub) == 0 &&
	    gnutls_pubkey_import_privkey(pub, key, 0, 0) == 0 &&
	    gnutls_pubkey_get_key_id(pub, GNUTLS_KEYID_USE_SHA256, a, &alen) == 0 &&
	    gnutls_pubkey_get_key_id(cert->pubkey, GNUTLS_KEYID_USE_SHA256, b, &blen) == 0)
		same = alen == blen && memcmp(a, b, alen) == 0;
	gnutls_pubkey_deinit(pub);
	return same;
}

/* Read and check the pair of tls into *out (caller clears it). */
static int tls_read_pair(const struct http_tls *tls, struct tls_pair *out, struct sk_error *err)
{
	struct tls_pair p = {{NULL, 0}, {NULL, 0}};
	gnutls_pcert_st *certs = NULL;
	gnutls_privkey_t key = NULL;
	unsigned int n = 0;
	const char *which;
	int rc;

	rc = tls_read(tls->cert_path, "tls_cert", false, &p.cert, err);
	if (rc == 0)
		rc = tls_read(tls->key_path, "tls_key", true, &p.key, err);
	if (rc != 0)
		goto out;
	rc = tls_parse(&p, &certs, &n, &key, &which);
	if (rc < 0) {
		rc = sk_error_set(err, SK_ECONFIG, "[http] %s %s: %s", which,
				  strcmp(which, "tls_cert") == 0 ? tls->cert_path
								 : tls->key_path,
				  strcmp(which, "tls_cert") == 0
				      ? "not PEM certificates, server's first"
				      : "not a PEM private key without a passphrase");
		goto out;
	}
	if (!tls_key_matches(&certs[0], key)) {
		rc = sk_error_set(err, SK_ECONFIG,
				  "[http] tls_key %s: not the key of the certificate in %s",
				  tls->key_path, tls->cert_path);
		goto out;
	}
	*out = p;
	memset(&p, 0, sizeof(p));
out:
	if (certs != NULL)
		tls_parsed_free(certs, n, key);
	tls_pair_clear(&p);
	return rc;
}

struct http_tls *http_tls_load(const char *cert_path, const char *key_path,
			       struct sk_error *err)
{
	struct http_tls *tls = xcalloc(1, sizeof(*tls));

	tls->cert_path = xstrdup(cert_path);
	tls->key_path = xstrdup(key_path);
	pthread_rwlock_init(&tls->lock, NULL);
	if (tls_read_pair(tls, &tls->pair, err) != 0) {
		http_tls_free(tls);
		return NULL;
	}
	pthread_mutex_lock(&tls_current_lock);
	if (tls_current != NULL) {
		pthread_mutex_unlock(&tls_current_lock);
		sk_error_set(err, SK_EIO, "[http] tls_cert %s: a TLS pair is in use already",
			     cert_path);
		http_tls_free(tls);
		return NULL;
	}
	tls_current = tls;
	pthread_mutex_unlock(&tls_current_lock);
	return tls;
}

int http_tls_reload(struct http_tls *tls, struct sk_error *err)
{
	struct tls_pair fresh, old;
	int rc = tls_read_pair(tls, &fresh, err);

	if (rc != 0)
		return rc;
	pthread_rwlock_wrlock(&tls->lock);
	old = tls->pair;
	tls->pair = fresh;
	pthread_rwlock_unlock(&tls->lock);
	tls_pair_clear(&old);
	return 0;
}

int http_tls_retrieve(gnutls_session_t session, const struct gnutls_cert_retr_st *info,
		      gnutls_pcert_st **certs, unsigned int *ncerts, gnutls_ocsp_data_st **ocsp,
		      unsigned int *nocsp, gnutls_privkey_t *key, unsigned int *flags)
{
	struct http_tls *tls;
	const char *which;
	int rc = -1;

	(void)session;
	(void)info;
	/* tls_current is freed only after the server has stopped. */
	pthread_mutex_lock(&tls_current_lock);
	tls = tls_current;
	pthread_mutex_unlock(&tls_current_lock);
	if (tls != NULL) {
		pthread_rwlock_rdlock(&tls->lock);
		rc = tls_parse(&tls->pair, certs, ncerts, key, &which);
		pthread_rwlock_unlock(&tls->lock);
	}
	if (rc < 0)
		return -1;
	*ocsp = NULL;
	*nocsp = 0;
	*flags = GNUTLS_CERT_RETR_DEINIT_ALL;
	return 0;
}

void http_tls_free(struct http_tls *tls)
{
	if (tls == NULL)
		return;
	pthread_mutex_lock(&tls_current_lock);
	if (tls_current == tls)
		tls_current = NULL;
	pthread_mutex_unlock(&tls_current_lock);
	tls_pair_clear(&tls->pair);
	pthread_rwlock_destroy(&tls->lock);
	free(tls->cert_path);
	free(tls->key_path);
	free(tls);
}
