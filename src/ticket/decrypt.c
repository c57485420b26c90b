/* ticket/decrypt.c: an encrypted report read on request (see decrypt.h).
 * GPGME reads the ciphertext from memory and writes the clear text
 * through a callback into a buffer from sodium_malloc(): locked (mlock,
 * as far as RLIMIT_MEMLOCK allows), marked MADV_DONTDUMP, between guard
 * pages, and wiped by sodium_free(). No temporary file, no log line, no
 * store row holds the clear text.
 * SECURITY: the ciphertext is outside input: at most STORE_TICKET_RAW_MAX
 * bytes of mail, at most DECRYPT_CLEAR_MAX bytes of clear text; gpg
 * parses the OpenPGP packets. */
#include "ticket/decrypt.h"

#include <errno.h>
#include <gpgme.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>

#include "access/access.h"
#include "lib/buf.h"
#include "lib/error.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"
#include "mail/inbound.h"
#include "mail/message.h"
#include "mail/pgpmime.h"
#include "pgp/pgp.h"
#include "store/store.h"
#include "ticket/extract.h"
#include "ticket/intake.h"

#define MESSAGES_MAX 10000 /* inbound mails of a ticket looked at */

/* ---- the clear text's buffer ---- */

struct sink {
	char *data; /* sodium_malloc(), NUL-terminated */
	size_t len, alloc;
	bool over;
	bool unlocked; /* mlock refused (RLIMIT_MEMLOCK): it may be swapped */
};

/* gpgme_data_write_cb_t: append to the locked buffer, moving to a larger
 * one (the old one wiped) as it grows. */
static ssize_t sink_write(void *handle, const void *buffer, size_t size)
{
	struct sink *b = handle;

	if (size > DECRYPT_CLEAR_MAX - b->len) {
		b->over = true;
		errno = EFBIG;
		return -1;
	}
	if (b->len + size + 1 > b->alloc) {
		size_t n = b->alloc > 0 ? b->alloc : 64 * 1024;
		char *d;

		while (n < b->len + size + 1)
			n *= 2;
		if (n > DECRYPT_CLEAR_MAX + 1)
			n = DECRYPT_CLEAR_MAX + 1;
		if ((d = sodium_malloc(n)) == NULL) {
			errno = ENOMEM;
			return -1;
		}
		/* sodium_malloc() locks quietly; ask again to know. */
		b->unlocked = sodium_mlock(d, n) != 0;
		if (b->len > 0)
			memcpy(d, b->data, b->len);
		if (b->data != NULL)
			sodium_free(b->data);
		b->data = d;
		b->alloc = n;
	}
	memcpy(b->data + b->len, buffer, size);
	b->len += size;
	b->data[b->len] = '\0';
	return (ssize_t)size;
}

void decrypt_result_free(struct decrypt_result *r)
{
	if (r == NULL)
		return;
	if (r->clear != NULL)
		sodium_free(r->clear);
	r->clear = NULL;
	r->len = 0;
}

/* ---- which part ---- */

struct target {
	int64_t ticket_id, message_id;
	int part;
	bool want_message; /* the request named the message */
	int64_t *ids;	   /* the ticket's inbound encrypted mails */
	size_t n_ids;
	/* the parts of one mail */
	int n_parts;
	struct {
		int n;
		bool encrypted;
		bool control; /* application/pgp-encrypted: "Version: 1" */
	} parts[INBOUND_PARTS_MAX];
};

static int message_seen(const struct store_ticket_message *m, void *ctx)
{
	struct target *t = ctx;

	if (strcmp(m->kind, "in") != 0 || (!m->encrypted && !t->want_message))
		return 0;
	if (t->n_ids == MESSAGES_MAX)
		return 0;
	t->ids = xrealloc(t->ids, (t->n_ids + 1) * sizeof(*t->ids));
	t->ids[t->n_ids++] = m->id;
	return 0;
}

static int part_seen(int n, const struct store_ticket_part *p, void *ctx)
{
	struct target *t = ctx;

	if (t->n_parts == INBOUND_PARTS_MAX)
		return 0;
	t->parts[t->n_parts].n = n;
	t->parts[t->n_parts].encrypted = p->encrypted;
	t->parts[t->n_parts].control = pgpmime_role(p->content_type, NULL) == PGPMIME_CONTROL;
	t->n_parts++;
	return 0;
}

/* The parts of message id into t; 0 when it has none listed. */
static int parts_read(struct store *st, struct target *t, int64_t id, struct sk_error *err)
{
	int rc;

	t->n_parts = 0;
	rc = store_ticket_part_each(st, id, part_seen, t, err);
	if (rc == SK_ENOTFOUND) {
		sk_error_clear(err);
		rc = 0;
	}
	return rc;
}

/* The first encrypted part of the parts read that can hold a message. */
static int first_encrypted(const struct target *t)
{
	for (int i = 0; i < t->n_parts; i++)
		if (t->parts[i].encrypted && !t->parts[i].control)
			return t->parts[i].n;
	return 0;
}

/* Settle message and part of t, or say why not. */
static int target_find(struct store *st, struct target *t, struct sk_error *err)
{
	int rc;

	if ((rc = store_ticket_message_each(st, t->ticket_id, message_seen, t, err)) != 0)
		return rc;
	if (t->want_message) {
		bool known = false;

		for (size_t i = 0; i < t->n_ids && !known; i++)
			known = t->ids[i] == t->message_id;
		if (!known)
			return sk_error_set(err, SK_ENOTFOUND,
					    "ticket #%lld has no mail received as message %lld",
					    (long long)t->ticket_id, (long long)t->message_id);
		if ((rc = parts_read(st, t, t->message_id, err)) != 0)
			return rc;
	} else {
		for (size_t i = 0; i < t->n_ids; i++) {
			if ((rc = parts_read(st, t, t->ids[i], err)) != 0)
				return rc;
			if (t->part > 0 || first_encrypted(t) > 0) {
				t->message_id = t->ids[i];
				break;
			}
		}
		if (t->message_id == 0)
			return sk_error_set(err, SK_ENOTFOUND,
					    "ticket #%lld has no encrypted mail",
					    (long long)t->ticket_id);
	}
	if (t->part == 0 && (t->part = first_encrypted(t)) == 0)
		return sk_error_set(err, SK_EINVAL,
				    "ticket #%lld, message %lld: no part is encrypted",
				    (long long)t->ticket_id, (long long)t->message_id);
	for (int i = 0; i < t->n_parts; i++) {
		if (t->parts[i].n != t->part)
			continue;
		if (!t->parts[i].encrypted)
			return sk_error_set(err, SK_EINVAL,
					    "ticket #%lld, message %lld, part %d is not "
					    "encrypted: ticket show gives its text",
					    (long long)t->ticket_id, (long long)t->message_id,
					    t->part);
		if (t->parts[i].control)
			return sk_error_set(
			    err, SK_EINVAL,
			    "ticket #%lld, message %lld, part %d is the PGP/MIME control part "
			    "(\"Version: 1\"): the encrypted data is the part after it",
			    (long long)t->ticket_id, (long long)t->message_id, t->part);
		return 0;
	}
	return sk_error_set(
	    err, SK_ENOTFOUND, "ticket #%lld, message %lld has no part %d (it has %d listed)",
	    (long long)t->ticket_id, (long long)t->message_id, t->part, t->n_parts);
}

/* ---- decryption ---- */

/* Why GPGME could not decrypt, for a person. */
static void why_not(gpgme_ctx_t ctx, gpgme_error_t e, const struct sink *s, char *why,
		    size_t size)
{
	gpgme_decrypt_result_t r = gpgme_op_decrypt_result(ctx);
	size_t n = 0;

	if (s->over) {
		snprintf(why, size, "its clear text is larger than %d bytes",
			 DECRYPT_CLEAR_MAX);
		return;
	}
	if (gpgme_err_code(e) == GPG_ERR_NO_SECKEY ||
	    (r != NULL && r->recipients != NULL &&
	     gpgme_err_code(e) == GPG_ERR_DECRYPT_FAILED)) {
		n = (size_t)snprintf(
		    why, size, "it is encrypted to a key schakel's keyring does not hold");
		for (gpgme_recipient_t k = r != NULL ? r->recipients : NULL;
		     k != NULL && n < size; k = k->next)
			n += (size_t)snprintf(why + n, size - n, "%s%s",
					      k == r->recipients ? " (key ID " : ", ",
					      k->keyid != NULL ? k->keyid : "?");
		if (r != NULL && r->recipients != NULL && n < size)
			snprintf(why + n, size - n, ")");
		return;
	}
	if (gpgme_err_code(e) == GPG_ERR_NO_DATA)
		snprintf(why, size, "it holds no valid OpenPGP data");
	else
		snprintf(why, size, "it is damaged or cannot be decrypted (%s)",
			 gpgme_strerror(e));
}

/* Decrypt data[0..len) with p's context into *s. */
static int gpg_decrypt(struct pgp *p, const char *data, size_t len, struct sink *s, char *why,
		       size_t size)
{
	struct gpgme_data_cbs cbs = {NULL, sink_write, NULL, NULL};
	gpgme_ctx_t ctx = pgp_context(p);
	gpgme_data_t cipher = NULL, plain = NULL;
	gpgme_error_t e;

	e = gpgme_data_new_from_mem(&cipher, data, len, 0);
	if (e == 0)
		e = gpgme_data_new_from_cbs(&plain, &cbs, s);
	if (e == 0)
		e = gpgme_op_decrypt(ctx, cipher, plain);
	if (e != 0)
		why_not(ctx, e, s, why, size);
	gpgme_data_release(cipher);
	gpgme_data_release(plain);
	return e == 0 ? 0 : SK_EINVAL;
}

/* The ciphertext in a part's content: its armored message, else the
 * content itself when it starts with a binary OpenPGP packet. */
static int cipher_find(const struct buf *content, const char **data, size_t *len, char *why,
		       size_t size)
{
	struct pgpmime_armor a;

	pgpmime_armor_scan(content->data != NULL ? content->data : "", content->len, &a);
	for (size_t i = 0; i < a.n; i++) {
		if (a.blocks[i].kind != PGPMIME_MESSAGE)
			continue;
		if (!a.blocks[i].complete) {
			snprintf(why, size,
				 "its armored message is truncated (no END PGP MESSAGE line)");
			return SK_EINVAL;
		}
		*data = content->data + a.blocks[i].start;
		*len = a.blocks[i].end - a.blocks[i].start;
		return 0;
	}
	if (content->len > 0 && ((unsigned char)content->data[0] & 0x80) != 0) {
		*data = content->data;
		*len = content->len;
		return 0;
	}
	snprintf(why, size, "it holds no OpenPGP message");
	return SK_EINVAL;
}

/* Store what the clear text names, with an audit row, in a transaction. */
static int extract_store(struct store *st, const struct target *t, const struct sink *s,
			 size_t *items, struct sk_error *err)
{
	struct extract_result x = {0};
	char from[96], summary[160];
	int rc;

	snprintf(from, sizeof(from), "message %lld part %d, decrypted",
		 (long long)t->message_id, t->part);
	if ((rc = extract_text(s->data, s->len, &x, err)) != 0)
		goto out;
	if ((rc = store_begin(st, err)) != 0)
		goto out;
	rc = intake_items_store(st, t->ticket_id, &x, from, err);
	snprintf(summary, sizeof(summary), "#%lld: %zu items from %s", (long long)t->ticket_id,
		 x.count, from);
	if (rc == 0)
		rc =
		    store_audit_add(st, "ticket.extract", "ticket", t->ticket_id, summary, err);
	if (rc == 0)
		rc = store_commit(st, err);
	if (rc != 0)
		store_rollback(st);
	else
		*items = x.count;
out:
	extract_result_free(&x);
	return rc;
}

/* The reason as the audit log takes it: 1 to DECRYPT_REASON_MAX bytes
 * of UTF-8 without control characters, not only blanks. */
static int reason_check(const char *reason, struct sk_error *err)
{
	size_t n = reason != NULL ? strlen(reason) : 0;
	bool blank = true;

	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)reason[i] < 0x20 || reason[i] == 0x7f)
			return sk_error_set(err, SK_EINVAL,
					    "the reason must be one line of text");
		if (reason[i] != ' ')
			blank = false;
	}
	if (n == 0 || blank)
		return sk_error_set(err, SK_EINVAL,
				    "give the reason for reading the encrypted report: it "
				    "goes into the audit log");
	if (n > DECRYPT_REASON_MAX || !utf8_valid(reason, n))
		return sk_error_set(err, SK_EINVAL,
				    "the reason must be UTF-8 of at most %d bytes",
				    DECRYPT_REASON_MAX);
	return 0;
}

int ticket_decrypt(struct store *st, const struct user *u, const char *pgp_home,
		   const struct decrypt_request *rq, struct decrypt_result *out,
		   struct sk_error *err)
{
	struct pgp *p = NULL;
	struct target t = {.ticket_id = rq->ticket_id,
			   .message_id = rq->message_id,
			   .part = rq->part,
			   .want_message = rq->message_id > 0};
	struct sink s = {0};
	struct buf raw, content;
	struct ticket tk;
	char summary[DECRYPT_REASON_MAX + MAIL_ADDR_MAX + 128], why[512] = "";
	const char *data = NULL;
	size_t len = 0, items = 0;
	int rc;

	buf_init(&raw, STORE_TICKET_RAW_MAX);
	buf_init(&content, STORE_TICKET_RAW_MAX);
	if ((rc = access_may_handle_tickets(u, err)) != 0 ||
	    (rc = reason_check(rq->reason, err)) != 0)
		goto out;
	if (sodium_init() < 0) {
		rc = sk_error_set(err, SK_EIO, "libsodium cannot be initialized");
		goto out;
	}
	if ((rc = store_ticket_get(st, rq->ticket_id, &tk, err)) != 0 ||
	    (rc = target_find(st, &t, err)) != 0)
		goto out;
	if (pgp_home == NULL) {
		rc = sk_error_set(err, SK_ECONFIG, "no keyring is configured ([pgp] home)");
		goto out;
	}
	/* The request is on record before a byte is decrypted. */
	if (rq->forward_to != NULL)
		snprintf(summary, sizeof(summary),
			 "#%lld: message %lld part %d read to forward to %s: %s",
			 (long long)t.ticket_id, (long long)t.message_id, t.part,
			 rq->forward_to, rq->reason);
	else
		snprintf(summary, sizeof(summary), "#%lld: message %lld part %d read: %s",
			 (long long)t.ticket_id, (long long)t.message_id, t.part, rq->reason);
	if ((rc = store_audit_add(st,
				  rq->forward_to != NULL ? "ticket.forward" : "ticket.decrypt",
				  "ticket", t.ticket_id, summary, err)) != 0)
		goto out;
	if ((rc = store_ticket_message_raw(st, t.message_id, &raw, err)) != 0)
		goto out;
	rc = inbound_part_content(raw.data, raw.len, rq->limits, (size_t)t.part, &content, err);
	if (rc == 0)
		rc = cipher_find(&content, &data, &len, why, sizeof(why));
	else
		snprintf(why, sizeof(why), "%s", err->msg);
	if (rc == 0 && (p = pgp_open(pgp_home, err)) == NULL) {
		rc = err->code != 0 ? err->code : SK_ECONFIG;
		goto out;
	}
	if (rc == 0 && rq->passphrase_file != NULL &&
	    (rc = pgp_set_passphrase_file(p, rq->passphrase_file, err)) != 0)
		goto out;
	if (rc == 0)
		rc = gpg_decrypt(p, data, len, &s, why, sizeof(why));
	if (rc != 0) {
		rc = sk_error_set(err, SK_EINVAL,
				  "ticket #%lld, message %lld, part %d cannot be decrypted: %s",
				  (long long)t.ticket_id, (long long)t.message_id, t.part, why);
		goto out;
	}
	if (s.data == NULL && sink_write(&s, "", 0) < 0) {
		rc = sk_error_set(err, SK_EIO, "no memory for the clear text");
		goto out;
	}
	if (rq->extract && (rc = extract_store(st, &t, &s, &items, err)) != 0)
		goto out;
	out->message_id = t.message_id;
	out->part = t.part;
	out->clear = s.data;
	out->len = s.len;
	out->items = items;
	out->unlocked = s.unlocked;
	s.data = NULL;
out:
	if (s.data != NULL)
		sodium_free(s.data);
	pgp_close(p);
	buf_free(&raw);
	buf_free(&content);
	free(t.ids);
	return rc;
}
