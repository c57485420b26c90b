/* cmd/lmtpd.h: schakeld's LMTP listener: Postfix's lmtp(8) delivers
 * incident mail here as it would pipe it into `schakel mailgate`, and
 * each mail is taken in as mailgate takes it (ticket/intake.h). */
#ifndef SK_CMD_LMTPD_H
#define SK_CMD_LMTPD_H

#include <stdint.h>

struct config;
struct intake_config;
struct sk_error;

#define LMTPD_SESSIONS_DEFAULT 8
#define LMTPD_TIMEOUT_DEFAULT  300 /* seconds a command may take (RFC 5321: 5 min) */

struct lmtpd_config {
	const char *listen; /* "unix:/path" or "address:port"; NULL: no listener */
	int64_t max_size;   /* bytes of a message */
	int sessions;	    /* sessions at once; more wait in the backlog */
	int timeout;	    /* seconds */
};

/* Read [lmtp]; max_size defaults to tickets_max_size. Strings are
 * borrowed from cfg. SK_ECONFIG names the bad setting. */
int lmtpd_config_read(const struct config *cfg, int64_t tickets_max_size,
		      struct lmtpd_config *out, struct sk_error *err);

struct lmtpd;

/* Listen as c says (a unix socket's directory must exist; the socket is
 * made mode 0660) and serve sessions, each with a store at url of its
 * own, taking mail in with ic (copied) and signatures checked with the
 * keyring at pgp_home. c, pgp_home and ic's strings and scope are
 * borrowed and must outlive the listener. Stop with lmtpd_stop(). */
struct lmtpd *lmtpd_start(const struct lmtpd_config *c, const char *url,
			  const struct intake_config *ic, const char *pgp_home,
			  struct sk_error *err);

/* The listening address for logs ("unix:/run/schakel/lmtp",
 * "127.0.0.1:2424"), with the port chosen when 0 was asked. */
const char *lmtpd_address(const struct lmtpd *d);

/* Stop taking sessions: idle ones get 421, one receiving or storing a
 * message finishes it first; then close and free d. NULL is fine. */
void lmtpd_stop(struct lmtpd *d);

#endif
