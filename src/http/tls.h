/* http/tls.h: the certificate and private key schakeld serves HTTPS
 * with ([http] tls_cert, tls_key), read from PEM files and replaced on a
 * reload while open connections go on with the pair they began with.
 * One pair per process: libmicrohttpd's certificate callback carries no
 * argument of ours. */
#ifndef SK_HTTP_TLS_H
#define SK_HTTP_TLS_H

#include <gnutls/abstract.h>

/* TLS 1.2 and 1.3 only, GnuTLS's secure defaults otherwise. */
#define HTTP_TLS_PRIORITIES "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"

struct sk_error;
struct http_tls;

/* Read the certificate (cert_path: the server's certificate first, then
 * its chain) and its private key (key_path). A file that cannot be read,
 * is not PEM, a key others may read or write (mode o+rwx) or a key that
 * does not belong to the certificate is SK_ECONFIG naming the file; a
 * second pair in one process is SK_EIO. The strings are copied. Caller
 * frees with http_tls_free(). */
struct http_tls *http_tls_load(const char *cert_path, const char *key_path,
			       struct sk_error *err);

/* Read both files again, checked as by http_tls_load(). On success new
 * handshakes use the new pair; on failure the old pair stays. */
int http_tls_reload(struct http_tls *tls, struct sk_error *err);

/* The GnuTLS certificate callback (gnutls_certificate_retrieve_function3)
 * for MHD_OPTION_HTTPS_CERT_CALLBACK2: every handshake gets its own copy
 * of the current pair, freed by GnuTLS with its session. */
int http_tls_retrieve(gnutls_session_t session, const struct gnutls_cert_retr_st *info,
		      gnutls_pcert_st **certs, unsigned int *ncerts, gnutls_ocsp_data_st **ocsp,
		      unsigned int *nocsp, gnutls_privkey_t *key, unsigned int *flags);

/* Free tls (NULL is fine); only once no handshake can start. */
void http_tls_free(struct http_tls *tls);

#endif
