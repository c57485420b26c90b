/* store/store_org.c: organizations and the memberships between liaison
 * organizations and their members; every change audited. */
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

#define ORG_COLS "id, name, kind, class, sector, country, status, notes, created, updated"

/* ---- organizations ---- */

/* Read ORG_COLS from the current row into *out (caller org_clear()s). */
static int org_from_row(struct db_stmt *s, struct org *out, struct sk_error *err)
{
	struct org o;
	const char *name = db_col_text(s, 1), *sector = db_col_text(s, 4);
	int kind = str_index(org_kind_names, db_col_text(s, 2) ? db_col_text(s, 2) : "");
	int class = str_index(org_class_names, db_col_text(s, 3) ? db_col_text(s, 3) : "");
	int status = str_index(org_status_names, db_col_text(s, 6) ? db_col_text(s, 6) : "");

	memset(&o, 0, sizeof(o));
	o.id = db_col_int(s, 0);
	if (name == NULL || sector == NULL || kind < 0 || class < 0 || status < 0 ||
	    store_copy_text(o.country, sizeof(o.country), db_col_text(s, 5)) != 0 ||
	    store_copy_text(o.created, sizeof(o.created), db_col_text(s, 8)) != 0 ||
	    store_copy_text(o.updated, sizeof(o.updated), db_col_text(s, 9)) != 0)
		return sk_error_set(err, SK_EIO, "organization %lld in the database is damaged",
				    (long long)o.id);
	o.kind = (enum org_kind)kind;
	o.class = (enum org_class) class;
	o.status = (enum org_status)status;
	o.name = xstrdup(name);
	o.sector = xstrdup(sector);
	o.notes = db_col_is_null(s, 7) ? NULL : xstrdup(db_col_text(s, 7));
	*out = o;
	return 0;
}

/* Step s to its end, handing each organization to fn. */
static int org_walk(struct db_stmt *s, store_org_fn fn, void *ctx, struct sk_error *err)
{
	int rc;

	while ((rc = db_step(s, err)) == 1) {
		struct org o;

		if ((rc = org_from_row(s, &o, err)) == 0) {
			rc = fn(&o, ctx);
			org_clear(&o);
		}
		if (rc != 0) {
			db_reset(s);
			return rc;
		}
	}
	return rc;
}

/* The name of organization id into name (cut to fit), or SK_ENOTFOUND.
 * With kind_out, also its kind. */
int store_org_name(struct store *st, int64_t id, char name[ORG_NAME_MAX + 1],
		   enum org_kind *kind_out, struct sk_error *err)
{
	struct db_stmt *s;
	int rc, kind;

	rc = store_row_by_id(st, "SELECT name, kind FROM orgs WHERE id = $1", id,
			     "organization", &s, err);
	if (rc != 0)
		return rc;
	snprintf(name, ORG_NAME_MAX + 1, "%s", db_col_text(s, 0) ? db_col_text(s, 0) : "");
	kind = str_index(org_kind_names, db_col_text(s, 1) ? db_col_text(s, 1) : "");
	db_reset(s);
	if (kind_out != NULL)
		*kind_out = kind < 0 ? ORG_KIND_CONSTITUENT : (enum org_kind)kind;
	return 0;
}

/* Check what the schema's CHECK constraints would refuse, with messages
 * a user understands. */
static int org_check(const struct org *org, struct sk_error *err)
{
	int rc;

	if ((rc = org_validate(org, err)) != 0)
		return rc;
	if (store_vocab_name(org_kind_names, (int)org->kind) == NULL ||
	    store_vocab_name(org_class_names, (int)org->class) == NULL ||
	    store_vocab_name(org_status_names, (int)org->status) == NULL)
		return sk_error_set(err, SK_EINVAL,
				    "organization %s has an invalid kind, class "
				    "or status",
				    org->name);
	if (org->country[0] != '\0' && strlen(org->country) != 2)
		return sk_error_set(err, SK_EINVAL,
				    "organization %s: country '%s' is not two "
				    "letters",
				    org->name, org->country);
	return 0;
}

/* Bind the fields of org to $1..$7 in the order of ORG_COLS after id. */
static void org_bind(struct db_stmt *s, const struct org *org)
{
	db_bind_text(s, 1, org->name);
	db_bind_text(s, 2, org_kind_names[org->kind]);
	db_bind_text(s, 3, org_class_names[org->class]);
	db_bind_text(s, 4, org->sector);
	db_bind_text(s, 5, org->country);
	db_bind_text(s, 6, org_status_names[org->status]);
	db_bind_text(s, 7, org->notes);
}

/* Add org; on success fills org->id, created and updated. org is
 * borrowed otherwise. */
int store_org_add(struct store *st, struct org *org, struct sk_error *err)
{
	struct db_stmt *s;
	char now[21];
	int64_t id = 0;
	int rc;

	if ((rc = org_check(org, err)) != 0)
		return rc;
	if ((rc = store_begin(st, err)) != 0)
		return rc;
	store_time_now(now);
	rc = store_prep(
	    st,
	    "INSERT INTO orgs (name, kind, class, sector, country, status, notes, "
	    "created, updated) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
	    &s, err);
	if (rc != 0)
		goto out;
	org_bind(s, org);
	db_bind_text(s, 8, now);
	if ((rc = store_step_id(s, &id, err)) != 0) {
		if (rc == SK_EEXIST)
			sk_error_set(err, rc, "organization '%s' already exists", org->name);
		else
			sk_error_prefix(err, "adding organization '%s'", org->name);
		goto out;
	}
	rc = store_audit(st, "org.add", "org", id, err, "added organization %s (%s, %s, %s)",
			 org->name, org_kind_names[org->kind], org_class_names[org->class],
			 org->sector);
out:
	if ((rc = store_finish(st, rc, err)) == 0) {
		org->id = id;
		memcpy(org->created, now, sizeof(now));
		memcpy(org->updated, now, sizeof(now));
	}
	return rc;
}

/* A returned row (its name in column 1) against row j of a chunk of
 * organizations. */
struct org_chunk {
	struct db_stmt *s;
	const struct org *v;
};

static bool org_row_same(size_t j, void *ctx)
{
	const struct org_chunk *c = ctx;
	const char *name = db_col_text(c->s, 1);

	return name != NULL && strcmp(name, c->v[j].name) == 0;
}

/* Add the n organizations of v in one statement (and one for their audit
 * rows) per BULK_ROWS. A name that exists already, or twice in v, is
 * SK_EEXIST naming it, and nothing is added. On success fills in id,
 * created and updated of each; v is borrowed otherwise. */
int store_org_add_many(struct store *st, struct org *v, size_t n, struct sk_error *err)
{
	struct audit_many *am = NULL;
	struct chunk_match m;
	struct org_chunk c;
	struct db_stmt *s;
	int64_t *ids = NULL;
	char now[21];
	size_t k;
	int rc;

	for (size_t i = 0; i < n; i++)
		if ((rc = org_check(&v[i], err)) != 0) {
			sk_error_prefix(err, "organizations[%zu]", i);
			return rc;
		}
	if (n == 0)
		return 0;
	if ((rc = store_begin(st, err)) != 0)
		return rc;
	ids = xcalloc(n, sizeof(*ids));
	am = xcalloc(1, sizeof(*am));
	am->action = "org.add";
	store_time_now(now);
	for (size_t at = 0; at < n; at += k) {
		k = n - at < BULK_ROWS ? n - at : BULK_ROWS;
		if ((rc = store_prep(st, store_bulk_sql(st, BULK_ORG, k), &s, err)) != 0)
			goto out;
		db_bind_text(s, 1, now);
		for (size_t j = 0; j < k; j++) {
			const struct org *o = &v[at + j];
			int p = 2 + 7 * (int)j;

			db_bind_text(s, p, o->name);
			db_bind_text(s, p + 1, org_kind_names[o->kind]);
			db_bind_text(s, p + 2, org_class_names[o->class]);
			db_bind_text(s, p + 3, o->sector);
			db_bind_text(s, p + 4, o->country);
			db_bind_text(s, p + 5, org_status_names[o->status]);
			db_bind_text(s, p + 6, o->notes);
		}
		store_chunk_match_init(&m, k);
		c.s = s;
		c.v = v + at;
		while ((rc = db_step(s, err)) == 1) {
			long j = store_chunk_match_find(&m, org_row_same, &c);

			if (j < 0) {
				db_reset(s);
				rc = sk_error_set(err, SK_EIO,
						  "adding organizations: the database returned "
						  "one that was not asked for");
				goto out;
			}
			ids[at + (size_t)j] = db_col_int(s, 0);
		}
		if (rc < 0) {
			sk_error_prefix(err, "adding organizations");
			goto out;
		}
		for (size_t j = 0; j < k; j++) {
			const struct org *o = &v[at + j];

			if (!m.taken[j]) {
				rc = sk_error_set(err, SK_EEXIST,
						  "organization '%s' already exists", o->name);
				goto out;
			}
			store_audit_many_add(am, "org", ids[at + j],
					     "added organization %s (%s, %s, %s)", o->name,
					     org_kind_names[o->kind], org_class_names[o->class],
					     o->sector);
		}
		if ((rc = store_audit_many_write(st, am, err)) != 0)
			goto out;
	}
out:
	if ((rc = store_finish(st, rc, err)) == 0)
		for (size_t i = 0; i < n; i++) {
			v[i].id = ids[i];
			memcpy(v[i].created, now, sizeof(now));
			memcpy(v[i].updated, now, sizeof(now));
		}
	free(ids);
	free(am);
	return rc;
}

/* Fill *out (treated as uninitialized; caller org_clear()s it) with
 * organization id. */
int store_org_get(struct store *st, int64_t id, struct org *out, struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	rc = store_row_by_id(st, "SELECT " ORG_COLS " FROM orgs WHERE id = $1", id,
			     "organization", &s, err);
	if (rc != 0)
		return rc;
	rc = org_from_row(s, out, err);
	db_reset(s);
	return rc;
}

/* Like store_org_get(), by exact name. */
int store_org_get_by_name(struct store *st, const char *name, struct org *out,
			  struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	if ((rc = store_prep(st, "SELECT " ORG_COLS " FROM orgs WHERE name = $1", &s, err)) !=
	    0)
		return rc;
	db_bind_text(s, 1, name);
	if ((rc = db_step(s, err)) < 0)
		return rc;
	if (rc == 0)
		return sk_error_set(err, SK_ENOTFOUND, "no organization named '%s'", name);
	rc = org_from_row(s, out, err);
	db_reset(s);
	return rc;
}

bool store_text_differs(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") != 0;
}

/* Append "field old -> new" to the list in out (size bytes, *n used),
 * cutting it short if it does not fit. */
static void change_add(char *out, size_t size, size_t *n, const char *field, const char *a,
		       const char *b)
{
	int w;

	if (*n + 1 >= size)
		return;
	if (b == NULL)
		w = snprintf(out + *n, size - *n, "%s%s", *n ? ", " : "", field);
	else
		w = snprintf(out + *n, size - *n, "%s%s %s -> %s", *n ? ", " : "", field, a, b);
	if (w > 0)
		*n = (size_t)w >= size - *n ? size - 1 : *n + (size_t)w;
}

/* Describe what differs between old and org ("class private -> oes,
 * notes changed") into out; "" when nothing does. */
static void org_describe_changes(const struct org *old, const struct org *org, char *out,
				 size_t size)
{
	size_t n = 0;

	out[0] = '\0';
	if (store_text_differs(old->name, org->name))
		change_add(out, size, &n, "name", old->name, org->name);
	if (old->kind != org->kind)
		change_add(out, size, &n, "kind", org_kind_names[old->kind],
			   org_kind_names[org->kind]);
	if (old->class != org->class)
		change_add(out, size, &n, "class", org_class_names[old->class],
			   org_class_names[org->class]);
	if (store_text_differs(old->sector, org->sector))
		change_add(out, size, &n, "sector", old->sector, org->sector);
	if (store_text_differs(old->country, org->country))
		change_add(out, size, &n, "country", old->country[0] ? old->country : "(none)",
			   org->country[0] ? org->country : "(none)");
	if (old->status != org->status)
		change_add(out, size, &n, "status", org_status_names[old->status],
			   org_status_names[org->status]);
	if (store_text_differs(old->notes, org->notes))
		change_add(out, size, &n, "notes changed", NULL, NULL);
}

/* Store every field of org (found by org->id) and refresh its updated
 * time, which is written back into org on success. Making a liaison
 * organization that still has members something else is SK_EINVAL. */
int store_org_update(struct store *st, struct org *org, struct sk_error *err)
{
	struct org old;
	struct db_stmt *s;
	char now[21], changes[SUMMARY_MAX / 2];
	bool have_old = false;
	int rc;

	if ((rc = org_check(org, err)) != 0)
		return rc;
	if ((rc = store_begin(st, err)) != 0)
		return rc;
	if ((rc = store_org_get(st, org->id, &old, err)) != 0)
		goto out;
	have_old = true;
	org_describe_changes(&old, org, changes, sizeof(changes));
	if (changes[0] == '\0') {
		memcpy(now, old.updated, sizeof(now));
		goto out;
	}
	if (old.kind == ORG_KIND_LIAISON && org->kind != ORG_KIND_LIAISON) {
		rc = store_prep(st, "SELECT count(*) FROM memberships WHERE liaison_id = $1",
				&s, err);
		if (rc != 0)
			goto out;
		db_bind_int(s, 1, org->id);
		if ((rc = db_step(s, err)) < 0)
			goto out;
		rc = rc == 1 ? (int)db_col_int(s, 0) : 0;
		db_reset(s);
		if (rc > 0) {
			rc = sk_error_set(
			    err, SK_EINVAL,
			    "%s still has %d member%s: remove them before making it "
			    "%s",
			    old.name, rc, rc == 1 ? "" : "s", org_kind_names[org->kind]);
			goto out;
		}
	}
	store_time_now(now);
	rc = store_prep(
	    st,
	    "UPDATE orgs SET name = $1, kind = $2, class = $3, sector = $4, country = $5, "
	    "status = $6, notes = $7, updated = $8 WHERE id = $9",
	    &s, err);
	if (rc != 0)
		goto out;
	org_bind(s, org);
	db_bind_text(s, 8, now);
	db_bind_int(s, 9, org->id);
	if ((rc = store_step_done(s, err)) != 0) {
		if (rc == SK_EEXIST)
			sk_error_set(err, rc, "organization '%s' already exists", org->name);
		else
			sk_error_prefix(err, "updating organization '%s'", old.name);
		goto out;
	}
	rc = store_audit(st, "org.update", "org", org->id, err, "updated organization %s: %s",
			 org->name, changes);
out:
	if ((rc = store_finish(st, rc, err)) == 0) {
		memcpy(org->created, old.created, sizeof(org->created));
		memcpy(org->updated, now, sizeof(now));
	}
	if (have_old)
		org_clear(&old);
	return rc;
}

/* The count that sql (one parameter, the id) returns into *n_out. */
static int count_of(struct store *st, const char *sql, int64_t id, int64_t *n_out,
		    struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	if ((rc = store_prep(st, sql, &s, err)) != 0)
		return rc;
	db_bind_int(s, 1, id);
	if ((rc = db_step(s, err)) < 0)
		return rc;
	*n_out = rc == 1 ? db_col_int(s, 0) : 0;
	db_reset(s);
	return 0;
}

/* Remove organization id with its contacts, resources, memberships and
 * users (the schema cascades) and the rows of the events it received
 * (store_event_org_forget). */
int store_org_remove(struct store *st, int64_t id, struct sk_error *err)
{
	char name[ORG_NAME_MAX + 1];
	int64_t nres = 0, ncon = 0;
	struct db_stmt *s;
	int rc;

	if ((rc = store_begin(st, err)) != 0)
		return rc;
	if ((rc = store_org_name(st, id, name, NULL, err)) != 0)
		goto out;
	if ((rc = count_of(st, "SELECT count(*) FROM resources WHERE org_id = $1", id, &nres,
			   err)) != 0 ||
	    (rc = count_of(st, "SELECT count(*) FROM contacts WHERE org_id = $1", id, &ncon,
			   err)) != 0)
		goto out;
	if ((rc = store_event_org_forget(st, id, err)) != 0 ||
	    (rc = store_prep(st, "DELETE FROM orgs WHERE id = $1", &s, err)) != 0)
		goto out;
	db_bind_int(s, 1, id);
	if ((rc = store_step_done(s, err)) != 0) {
		sk_error_prefix(err, "removing organization '%s'", name);
		goto out;
	}
	rc = store_audit(st, "org.remove", "org", id, err,
			 "removed organization %s with %lld resource%s and %lld contact%s",
			 name, (long long)nres, nres == 1 ? "" : "s", (long long)ncon,
			 ncon == 1 ? "" : "s");
out:
	return store_finish(st, rc, err);
}

/* Every organization by name; each is borrowed by fn for the call. */
int store_org_each(struct store *st, store_org_fn fn, void *ctx, struct sk_error *err)
{
	const struct store_org_filter any = {NULL, -1, -1, NULL};

	return store_org_search(st, &any, fn, ctx, err);
}

/* q as a LIKE pattern into pat: "%q%" with ASCII letters lowered and
 * the wildcards and the escape '!' escaped. */
static void org_like(const char *q, char pat[2 * STORE_ORG_Q_MAX + 3])
{
	size_t n = 0;

	pat[n++] = '%';
	for (; *q != '\0'; q++) {
		if (*q == '%' || *q == '_' || *q == '!')
			pat[n++] = '!';
		pat[n++] = (*q >= 'A' && *q <= 'Z') ? (char)(*q - 'A' + 'a') : *q;
	}
	pat[n++] = '%';
	pat[n] = '\0';
}

int store_org_search(struct store *st, const struct store_org_filter *f, store_org_fn fn,
		     void *ctx, struct sk_error *err)
{
	char pat[2 * STORE_ORG_Q_MAX + 3];
	const char *q = f->q != NULL ? f->q : "";
	struct db_stmt *s;
	int rc;

	if (strlen(q) > STORE_ORG_Q_MAX)
		return sk_error_set(err, SK_EINVAL, "the search text is longer than %d bytes",
				    STORE_ORG_Q_MAX);
	if (*q != '\0')
		org_like(q, pat);
	else
		pat[0] = '\0';
	if ((rc = store_prep(
		 st,
		 "SELECT " ORG_COLS " FROM orgs WHERE ($1 = '' OR LOWER(name) LIKE $1 "
		 "ESCAPE '!') AND ($2 = '' OR kind = $2) AND ($3 = '' OR class = $3) "
		 "AND ($4 = '' OR sector = $4) ORDER BY name",
		 &s, err)) != 0)
		return rc;
	db_bind_text(s, 1, pat);
	db_bind_text(s, 2, f->kind >= 0 ? org_kind_names[f->kind] : "");
	db_bind_text(s, 3, f->class >= 0 ? org_class_names[f->class] : "");
	db_bind_text(s, 4, f->sector != NULL ? f->sector : "");
	return org_walk(s, fn, ctx, err);
}

/* ---- memberships ---- */

/* Make member_id a member of liaison_id, which must be a liaison
 * organization other than the member. */
int store_member_add(struct store *st, int64_t liaison_id, int64_t member_id,
		     struct sk_error *err)
{
	char lname[ORG_NAME_MAX + 1], mname[ORG_NAME_MAX + 1], now[21];
	enum org_kind kind;
	struct db_stmt *s;
	int rc;

	if ((rc = store_begin(st, err)) != 0)
		return rc;
	if ((rc = store_org_name(st, liaison_id, lname, &kind, err)) != 0 ||
	    (rc = store_org_name(st, member_id, mname, NULL, err)) != 0)
		goto out;
	if (kind != ORG_KIND_LIAISON) {
		rc = sk_error_set(err, SK_EINVAL,
				  "%s is not a liaison organization (its kind is %s), so it "
				  "cannot have members",
				  lname, org_kind_names[kind]);
		goto out;
	}
	if (liaison_id == member_id) {
		rc = sk_error_set(err, SK_EINVAL, "%s cannot be a member of itself", lname);
		goto out;
	}
	rc = store_prep(
	    st, "INSERT INTO memberships (liaison_id, member_id, created) VALUES ($1, $2, $3)",
	    &s, err);
	if (rc != 0)
		goto out;
	store_time_now(now);
	db_bind_int(s, 1, liaison_id);
	db_bind_int(s, 2, member_id);
	db_bind_text(s, 3, now);
	if ((rc = store_step_done(s, err)) != 0) {
		if (rc == SK_EEXIST)
			sk_error_set(err, rc, "%s is already a member of %s", mname, lname);
		else
			sk_error_prefix(err, "adding %s to %s", mname, lname);
		goto out;
	}
	rc = store_audit(st, "member.add", "org", liaison_id, err, "added %s as a member of %s",
			 mname, lname);
out:
	return store_finish(st, rc, err);
}

/* Make each of the n organizations member_ids a member of liaison_id, in
 * one statement (and one for the audit rows) per BULK_ROWS; those that
 * are members already are left as they are. The number added goes into
 * *added_out (may be NULL) on success. */
int store_member_add_many(struct store *st, int64_t liaison_id, const int64_t *member_ids,
			  size_t n, size_t *added_out, struct sk_error *err)
{
	struct org_refs refs = {NULL, 0};
	const struct org_ref *liaison;
	struct audit_many *am = NULL;
	struct chunk_match m;
	struct db_stmt *s;
	int64_t *ids = NULL;
	size_t added = 0, k;
	char now[21];
	int rc;

	if (n == 0) {
		if (added_out != NULL)
			*added_out = 0;
		return 0;
	}
	if ((rc = store_begin(st, err)) != 0)
		return rc;
	am = xcalloc(1, sizeof(*am));
	am->action = "member.add";
	ids = xcalloc(n + 1, sizeof(*ids));
	memcpy(ids, member_ids, n * sizeof(*ids));
	ids[n] = liaison_id;
	if ((rc = store_org_refs_load(st, ids, n + 1, &refs, err)) != 0)
		goto out;
	liaison = store_org_refs_find(&refs, liaison_id);
	if (liaison->kind != ORG_KIND_LIAISON) {
		rc = sk_error_set(err, SK_EINVAL,
				  "%s is not a liaison organization (its kind is %s), so it "
				  "cannot have members",
				  liaison->name, org_kind_names[liaison->kind]);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (member_ids[i] == liaison_id) {
			rc = sk_error_set(err, SK_EINVAL, "%s cannot be a member of itself",
					  liaison->name);
			goto out;
		}
	store_time_now(now);
	for (size_t at = 0; at < n; at += k) {
		k = n - at < BULK_ROWS ? n - at : BULK_ROWS;
		if ((rc = store_prep(st, store_bulk_sql(st, BULK_MEMBER, k), &s, err)) != 0)
			goto out;
		db_bind_int(s, 1, liaison_id);
		db_bind_text(s, 2, now);
		for (size_t j = 0; j < k; j++)
			db_bind_int(s, 3 + (int)j, member_ids[at + j]);
		store_chunk_match_init(&m, k);
		while ((rc = db_step(s, err)) == 1) {
			int64_t id = db_col_int(s, 0);
			size_t j;

			for (j = 0; j < k && (m.taken[j] || member_ids[at + j] != id); j++)
				;
			if (j < k)
				m.taken[j] = true;
		}
		if (rc < 0) {
			sk_error_prefix(err, "adding members to %s", liaison->name);
			goto out;
		}
		for (size_t j = 0; j < k; j++) {
			if (!m.taken[j])
				continue;
			store_audit_many_add(
			    am, "org", liaison_id, "added %s as a member of %s",
			    store_org_refs_find(&refs, member_ids[at + j])->name,
			    liaison->name);
			added++;
		}
		if ((rc = store_audit_many_write(st, am, err)) != 0)
			goto out;
	}
out:
	if ((rc = store_finish(st, rc, err)) == 0 && added_out != NULL)
		*added_out = added;
	store_org_refs_free(&refs);
	free(ids);
	free(am);
	return rc;
}

/* End a membership; SK_ENOTFOUND if there is none. */
int store_member_remove(struct store *st, int64_t liaison_id, int64_t member_id,
			struct sk_error *err)
{
	char lname[ORG_NAME_MAX + 1], mname[ORG_NAME_MAX + 1];
	struct db_stmt *s;
	int rc;

	if ((rc = store_begin(st, err)) != 0)
		return rc;
	if ((rc = store_org_name(st, liaison_id, lname, NULL, err)) != 0 ||
	    (rc = store_org_name(st, member_id, mname, NULL, err)) != 0)
		goto out;
	rc = store_prep(st,
			"DELETE FROM memberships WHERE liaison_id = $1 AND member_id = $2 "
			"RETURNING member_id",
			&s, err);
	if (rc != 0)
		goto out;
	db_bind_int(s, 1, liaison_id);
	db_bind_int(s, 2, member_id);
	if ((rc = db_step(s, err)) < 0)
		goto out;
	if (rc == 0) {
		rc = sk_error_set(err, SK_ENOTFOUND, "%s is not a member of %s", mname, lname);
		goto out;
	}
	db_reset(s);
	rc = store_audit(st, "member.remove", "org", liaison_id, err,
			 "removed %s as a member of %s", mname, lname);
out:
	return store_finish(st, rc, err);
}

/* Walk the organizations that sql ($1 = id) selects, after checking that
 * organization id exists (SK_ENOTFOUND otherwise). */
static int org_walk_related(struct store *st, int64_t id, const char *sql, store_org_fn fn,
			    void *ctx, struct sk_error *err)
{
	char name[ORG_NAME_MAX + 1];
	struct db_stmt *s;
	int rc;

	if ((rc = store_org_name(st, id, name, NULL, err)) != 0)
		return rc;
	if ((rc = store_prep(st, sql, &s, err)) != 0)
		return rc;
	db_bind_int(s, 1, id);
	return org_walk(s, fn, ctx, err);
}

/* Members of liaison_id by name; SK_ENOTFOUND for an unknown id. */
int store_member_each(struct store *st, int64_t liaison_id, store_org_fn fn, void *ctx,
		      struct sk_error *err)
{
	return org_walk_related(st, liaison_id,
				"SELECT " ORG_COLS " FROM orgs WHERE id IN "
				"(SELECT member_id FROM memberships WHERE liaison_id = $1) "
				"ORDER BY name",
				fn, ctx, err);
}

/* Liaison organizations of member_id by name. */
int store_liaison_each(struct store *st, int64_t member_id, store_org_fn fn, void *ctx,
		       struct sk_error *err)
{
	return org_walk_related(st, member_id,
				"SELECT " ORG_COLS " FROM orgs WHERE id IN "
				"(SELECT liaison_id FROM memberships WHERE member_id = $1) "
				"ORDER BY name",
				fn, ctx, err);
}

/* 1 if member_id is a member of liaison_id, 0 if not, < 0 on error. */
int store_is_member(struct store *st, int64_t liaison_id, int64_t member_id,
		    struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	rc = store_prep(
	    st, "SELECT 1 FROM memberships WHERE liaison_id = $1 AND member_id = $2", &s, err);
	if (rc != 0)
		return rc;
	db_bind_int(s, 1, liaison_id);
	db_bind_int(s, 2, member_id);
	if ((rc = db_step(s, err)) == 1)
		db_reset(s);
	return rc;
}
