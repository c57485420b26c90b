/* ticket/decrypt.h: an encrypted report read on request. A handler asks
 * for one part of a ticket's encrypted mail with a reason; the request is
 * written to the audit log first, then the part is decrypted with
 * schakel's key in memory that is locked and kept out of core dumps
 * (libsodium's guarded allocation) and wiped when freed. The clear text
 * is never stored; on request what the extraction finds in it is, each
 * item saying which encrypted part it came from. The same for the CLI
 * and the API. */
#ifndef SK_TICKET_DECRYPT_H
#define SK_TICKET_DECRYPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/user.h"

struct mimescan_limits;
struct sk_error;
struct store;

#define DECRYPT_CLEAR_MAX  (32 * 1024 * 1024) /* bytes of clear text */
#define DECRYPT_REASON_MAX 500		      /* bytes of a reason */

struct decrypt_request {
	int64_t ticket_id;
	int64_t message_id; /* 0: the ticket's first inbound mail with an encrypted part */
	int part;	    /* 0: that mail's first encrypted part holding a message */
	const char *reason; /* why it is read: required, written to the audit log */
	bool extract;	    /* store what the clear text names */
	/* the address it is read for, to be forwarded (ticket/forward.h), or
	 * NULL: the audit row says so */
	const char *forward_to;
	/* [pgp] passphrase_file: the passphrase of schakel's key, or NULL
	 * (gpg-agent's cache, or a key without one) */
	const char *passphrase_file;
	/* the limits the mail was read within (tickets.max_parts, ...) */
	const struct mimescan_limits *limits;
};

struct decrypt_result {
	int64_t message_id;
	int part;
	char *clear; /* NUL-terminated, in locked memory; owned: decrypt_result_free() */
	size_t len;
	size_t items;  /* stored by extract */
	bool unlocked; /* the memory could not be locked (RLIMIT_MEMLOCK): the
			  clear text may reach swap; say so */
};

/* Decrypt one part as user u (staff only, SK_EPERM otherwise) with the
 * keyring at pgp_home (pgp/pgp.h; NULL: SK_ECONFIG), opened only once
 * the part is found. A missing or blank reason is SK_EINVAL; an
 * unknown ticket, message or part SK_ENOTFOUND; a part that is not
 * encrypted, holds no OpenPGP message, is truncated or damaged, or is
 * encrypted to a key the keyring lacks is SK_EINVAL, the message naming
 * the ticket, the message and part, and why. Every request that names an
 * encrypted part writes its audit row, even if decryption then fails.
 * *out is written only on success. */
int ticket_decrypt(struct store *st, const struct user *u, const char *pgp_home,
		   const struct decrypt_request *rq, struct decrypt_result *out,
		   struct sk_error *err);

/* Wipe and free the clear text; r may be NULL or already freed. */
void decrypt_result_free(struct decrypt_result *r);

#endif
