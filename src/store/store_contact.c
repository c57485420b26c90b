/* store/store_contact.c: the contacts of organizations. */
#include "store/store.h"

#include <assert.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "net/domain.h"
#include "net/prefix.h"
#include "store/db.h"
#include "store/store_int.h"

#define CONTACT_COLS "id, org_id, name, email, phone, role, languages, pgp_fpr, created"

/* ---- contacts ---- */

/* Read CONTACT_COLS from the current row into *out (caller
 * contact_clear()s). */
static int contact_from_row(struct db_stmt *s, struct contact *out, struct sk_error *err)
{
	struct contact c;
	const char *name = db_col_text(s, 2), *email = db_col_text(s, 3);
	int role = str_index(contact_role_names, db_col_text(s, 5) ? db_col_text(s, 5) : "");

	memset(&c, 0, sizeof(c));
	c.id = db_col_int(s, 0);
	c.org_id = db_col_int(s, 1);
	if (name == NULL || email == NULL || role < 0 ||
	    store_copy_text(c.languages, sizeof(c.languages), db_col_text(s, 6)) != 0 ||
	    store_copy_text(c.pgp_fpr, sizeof(c.pgp_fpr), db_col_text(s, 7)) != 0 ||
	    store_copy_text(c.created, sizeof(c.created), db_col_text(s, 8)) != 0)
		return sk_error_set(err, SK_EIO, "contact %lld in the database is damaged",
				    (long long)c.id);
	c.role = (enum contact_role)role;
	c.name = xstrdup(name);
	c.email = xstrdup(email);
	c.phone = db_col_is_null(s, 4) ? NULL : xstrdup(db_col_text(s, 4));
	*out = c;
	return 0;
}

/* Add contact c to organization c->org_id; on success fills c->id and
 * c->created. */
int store_contact_add(struct store *st, struct contact *c, struct sk_error *err)
{
	char oname[ORG_NAME_MAX + 1], now[21];
	struct db_stmt *s;
	int64_t id = 0;
	int rc;

	if ((rc = contact_validate(c, err)) != 0)
		return rc;
	if (store_vocab_name(contact_role_names, (int)c->role) == NULL)
		return sk_error_set(err, SK_EINVAL, "contact %s has an invalid role", c->name);
	if ((rc = store_begin(st, err)) != 0)
		return rc;
	if ((rc = store_org_name(st, c->org_id, oname, NULL, err)) != 0)
		goto out;
	store_time_now(now);
	rc = store_prep(
	    st,
	    "INSERT INTO contacts (org_id, name, email, phone, role, languages, pgp_fpr, "
	    "created) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
	    &s, err);
	if (rc != 0)
		goto out;
	db_bind_int(s, 1, c->org_id);
	db_bind_text(s, 2, c->name);
	db_bind_text(s, 3, c->email);
	db_bind_text(s, 4, c->phone);
	db_bind_text(s, 5, contact_role_names[c->role]);
	db_bind_text(s, 6, c->languages);
	db_bind_text(s, 7, c->pgp_fpr);
	db_bind_text(s, 8, now);
	if ((rc = store_step_id(s, &id, err)) != 0) {
		sk_error_prefix(err, "adding contact %s to %s", c->name, oname);
		goto out;
	}
	rc = store_audit(st, "contact.add", "org", c->org_id, err,
			 "added contact %s <%s> (%s) to %s", c->name, c->email,
			 contact_role_names[c->role], oname);
out:
	if ((rc = store_finish(st, rc, err)) == 0) {
		c->id = id;
		memcpy(c->created, now, sizeof(now));
	}
	return rc;
}

/* A returned row (RETURNING of BULK_CONTACT) against row j of a chunk of
 * contacts: the same in every column but id. */
struct contact_chunk {
	struct db_stmt *s;
	const struct contact *v;
};

static bool contact_row_same(size_t j, void *ctx)
{
	const struct contact_chunk *c = ctx;
	const struct contact *x = &c->v[j];

	return db_col_int(c->s, 1) == x->org_id &&
	       !store_text_differs(db_col_text(c->s, 2), x->name) &&
	       !store_text_differs(db_col_text(c->s, 3), x->email) &&
	       !store_text_differs(db_col_text(c->s, 4), x->phone) &&
	       !store_text_differs(db_col_text(c->s, 5), contact_role_names[x->role]) &&
	       !store_text_differs(db_col_text(c->s, 6), x->languages) &&
	       !store_text_differs(db_col_text(c->s, 7), x->pgp_fpr);
}

/* Add the n contacts of v, each to its organization v[i].org_id, in one
 * statement (and one for the audit rows) per BULK_ROWS. On success fills
 * in id and created of each; v is borrowed otherwise. */
int store_contact_add_many(struct store *st, struct contact *v, size_t n, struct sk_error *err)
{
	struct org_refs refs = {NULL, 0};
	struct audit_many *am = NULL;
	struct contact_chunk c;
	struct chunk_match m;
	struct db_stmt *s;
	int64_t *ids = NULL;
	char now[21];
	size_t k;
	int rc;

	for (size_t i = 0; i < n; i++) {
		if ((rc = contact_validate(&v[i], err)) == 0 &&
		    store_vocab_name(contact_role_names, (int)v[i].role) == NULL)
			rc = sk_error_set(err, SK_EINVAL, "contact %s has an invalid role",
					  v[i].name);
		if (rc != 0) {
			sk_error_prefix(err, "contacts[%zu]", i);
			return rc;
		}
	}
	if (n == 0)
		return 0;
	if ((rc = store_begin(st, err)) != 0)
		return rc;
	am = xcalloc(1, sizeof(*am));
	am->action = "contact.add";
	ids = xcalloc(n, sizeof(*ids));
	for (size_t i = 0; i < n; i++)
		ids[i] = v[i].org_id;
	if ((rc = store_org_refs_load(st, ids, n, &refs, err)) != 0)
		goto out;
	store_time_now(now);
	for (size_t at = 0; at < n; at += k) {
		k = n - at < BULK_ROWS ? n - at : BULK_ROWS;
		if ((rc = store_prep(st, store_bulk_sql(st, BULK_CONTACT, k), &s, err)) != 0)
			goto out;
		db_bind_text(s, 1, now);
		for (size_t j = 0; j < k; j++) {
			const struct contact *x = &v[at + j];
			int p = 2 + 7 * (int)j;

			db_bind_int(s, p, x->org_id);
			db_bind_text(s, p + 1, x->name);
			db_bind_text(s, p + 2, x->email);
			db_bind_text(s, p + 3, x->phone);
			db_bind_text(s, p + 4, contact_role_names[x->role]);
			db_bind_text(s, p + 5, x->languages);
			db_bind_text(s, p + 6, x->pgp_fpr);
		}
		store_chunk_match_init(&m, k);
		c.s = s;
		c.v = v + at;
		while ((rc = db_step(s, err)) == 1) {
			long j = store_chunk_match_find(&m, contact_row_same, &c);

			if (j >= 0)
				ids[at + (size_t)j] = db_col_int(s, 0);
		}
		if (rc < 0) {
			sk_error_prefix(err, "adding contacts");
			goto out;
		}
		for (size_t j = 0; j < k; j++) {
			const struct contact *x = &v[at + j];

			if (!m.taken[j]) {
				rc = sk_error_set(err, SK_EIO,
						  "adding contact %s: the database did not say "
						  "it was stored",
						  x->name);
				goto out;
			}
			store_audit_many_add(am, "org", x->org_id,
					     "added contact %s <%s> (%s) to %s", x->name,
					     x->email, contact_role_names[x->role],
					     store_org_refs_find(&refs, x->org_id)->name);
		}
		if ((rc = store_audit_many_write(st, am, err)) != 0)
			goto out;
	}
out:
	if ((rc = store_finish(st, rc, err)) == 0)
		for (size_t i = 0; i < n; i++) {
			v[i].id = ids[i];
			memcpy(v[i].created, now, sizeof(now));
		}
	store_org_refs_free(&refs);
	free(ids);
	free(am);
	return rc;
}

/* Fill *out (treated as uninitialized; caller contact_clear()s it). */
int store_contact_get(struct store *st, int64_t id, struct contact *out, struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	rc = store_row_by_id(st, "SELECT " CONTACT_COLS " FROM contacts WHERE id = $1", id,
			     "contact", &s, err);
	if (rc != 0)
		return rc;
	rc = contact_from_row(s, out, err);
	db_reset(s);
	return rc;
}

/* The contact with address email (see store.h). */
int store_contact_find_email(struct store *st, const char *email, struct contact *out,
			     struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	if ((rc = store_prep(st,
			     "SELECT " CONTACT_COLS " FROM contacts WHERE lower(email) = "
			     "lower($1) ORDER BY id LIMIT 1",
			     &s, err)) != 0)
		return rc;
	db_bind_text(s, 1, email);
	if ((rc = db_step(s, err)) < 0)
		return rc;
	if (rc == 0)
		return sk_error_set(err, SK_ENOTFOUND, "no contact with address %.254s", email);
	rc = contact_from_row(s, out, err);
	db_reset(s);
	return rc;
}

int store_contact_find_fpr(struct store *st, const char *fpr, struct contact *out,
			   struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	if ((rc = store_prep(st,
			     "SELECT " CONTACT_COLS " FROM contacts WHERE pgp_fpr <> '' AND "
			     "upper(replace(pgp_fpr, ' ', '')) = upper($1) ORDER BY id LIMIT 1",
			     &s, err)) != 0)
		return rc;
	db_bind_text(s, 1, fpr);
	if ((rc = db_step(s, err)) < 0)
		return rc;
	if (rc == 0)
		return sk_error_set(err, SK_ENOTFOUND, "no contact with key %.64s", fpr);
	rc = contact_from_row(s, out, err);
	db_reset(s);
	return rc;
}

/* The names of the fields of c that differ from old, ", "-joined, into
 * out ("" when none). */
static void contact_changes(const struct contact *old, const struct contact *c, char *out,
			    size_t size)
{
	const bool diff[] = {
	    store_text_differs(old->name, c->name),    store_text_differs(old->email, c->email),
	    store_text_differs(old->phone, c->phone),  old->role != c->role,
	    strcmp(old->languages, c->languages) != 0, strcmp(old->pgp_fpr, c->pgp_fpr) != 0,
	};
	static const char *const names[] = {"name", "email",	 "phone",
					    "role", "languages", "pgp_fingerprint"};
	size_t n = 0;

	out[0] = '\0';
	for (size_t i = 0; i < sizeof(diff) / sizeof(diff[0]); i++) {
		int w;

		if (!diff[i])
			continue;
		w = snprintf(out + n, size - n, "%s%s", n > 0 ? ", " : "", names[i]);
		if (w < 0 || (size_t)w >= size - n)
			break;
		n += (size_t)w;
	}
}

/* Store every field of c (found by c->id; its organization stays what it
 * was) with an audit row naming the fields that changed; nothing when
 * none did. SK_ENOTFOUND if there is no such contact. */
int store_contact_update(struct store *st, struct contact *c, struct sk_error *err)
{
	char oname[ORG_NAME_MAX + 1], changes[128];
	struct contact old;
	struct db_stmt *s;
	bool have = false;
	int rc;

	if ((rc = contact_validate(c, err)) != 0)
		return rc;
	if (store_vocab_name(contact_role_names, (int)c->role) == NULL)
		return sk_error_set(err, SK_EINVAL, "contact %s has an invalid role", c->name);
	if ((rc = store_begin(st, err)) != 0)
		return rc;
	if ((rc = store_contact_get(st, c->id, &old, err)) != 0)
		goto out;
	have = true;
	contact_changes(&old, c, changes, sizeof(changes));
	if (changes[0] == '\0')
		goto out;
	if ((rc = store_org_name(st, old.org_id, oname, NULL, err)) != 0)
		goto out;
	rc = store_prep(st,
			"UPDATE contacts SET name = $1, email = $2, phone = $3, role = $4, "
			"languages = $5, pgp_fpr = $6 WHERE id = $7",
			&s, err);
	if (rc != 0)
		goto out;
	db_bind_text(s, 1, c->name);
	db_bind_text(s, 2, c->email);
	db_bind_text(s, 3, c->phone);
	db_bind_text(s, 4, contact_role_names[c->role]);
	db_bind_text(s, 5, c->languages);
	db_bind_text(s, 6, c->pgp_fpr);
	db_bind_int(s, 7, c->id);
	if ((rc = store_step_done(s, err)) != 0) {
		sk_error_prefix(err, "updating contact %s", old.name);
		goto out;
	}
	rc =
	    store_audit(st, "contact.update", "org", old.org_id, err,
			"updated contact %s <%s> of %s: %s", c->name, c->email, oname, changes);
out:
	if ((rc = store_finish(st, rc, err)) == 0) {
		c->org_id = old.org_id;
		memcpy(c->created, old.created, sizeof(c->created));
	}
	if (have)
		contact_clear(&old);
	return rc;
}

/* Remove contact id; SK_ENOTFOUND if there is none. */
int store_contact_remove(struct store *st, int64_t id, struct sk_error *err)
{
	char oname[ORG_NAME_MAX + 1];
	struct contact c;
	struct db_stmt *s;
	bool have = false;
	int rc;

	if ((rc = store_begin(st, err)) != 0)
		return rc;
	if ((rc = store_contact_get(st, id, &c, err)) != 0)
		goto out;
	have = true;
	if ((rc = store_org_name(st, c.org_id, oname, NULL, err)) != 0)
		goto out;
	if ((rc = store_prep(st, "DELETE FROM contacts WHERE id = $1", &s, err)) != 0)
		goto out;
	db_bind_int(s, 1, id);
	if ((rc = store_step_done(s, err)) != 0) {
		sk_error_prefix(err, "removing contact %s", c.name);
		goto out;
	}
	rc = store_audit(st, "contact.remove", "org", c.org_id, err,
			 "removed contact %s <%s> from %s", c.name, c.email, oname);
out:
	if (have)
		contact_clear(&c);
	return store_finish(st, rc, err);
}

/* Contacts of org_id (all when 0) by name; each borrowed by fn. */
int store_contact_each(struct store *st, int64_t org_id, store_contact_fn fn, void *ctx,
		       struct sk_error *err)
{
	char name[ORG_NAME_MAX + 1];
	struct db_stmt *s;
	int rc;

	if (org_id != 0) {
		if ((rc = store_org_name(st, org_id, name, NULL, err)) != 0)
			return rc;
		rc = store_prep(st,
				"SELECT " CONTACT_COLS " FROM contacts WHERE org_id = $1 "
				"ORDER BY name, id",
				&s, err);
		if (rc != 0)
			return rc;
		db_bind_int(s, 1, org_id);
	} else {
		rc = store_prep(
		    st, "SELECT " CONTACT_COLS " FROM contacts ORDER BY org_id, name, id", &s,
		    err);
		if (rc != 0)
			return rc;
	}
	while ((rc = db_step(s, err)) == 1) {
		struct contact c;

		if ((rc = contact_from_row(s, &c, err)) == 0) {
			rc = fn(&c, ctx);
			contact_clear(&c);
		}
		if (rc != 0) {
			db_reset(s);
			return rc;
		}
	}
	return rc;
}
