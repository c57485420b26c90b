/* store/store_publication.c: publications and their attachments (see
 * store.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "store/db.h"
#include "store/store.h"
#include "store/store_int.h"

#define PUBLICATION_COLS                                                                       \
	"id, number, kind, status, title, tlp, revision, author, published, doc, created, "    \
	"updated"

static const char *col(struct db_stmt *s, int c)
{
	const char *v = db_col_text(s, c);

	return v != NULL ? v : "";
}

int store_publication_last_number(struct store *st, const char *prefix, int64_t *seq_out,
				  struct sk_error *err)
{
	size_t plen = strlen(prefix);
	struct db_stmt *s;
	int64_t best = 0;
	int rc;

	if ((rc = store_prep(st, "SELECT number FROM publications", &s, err)) != 0)
		return rc;
	while ((rc = db_step(s, err)) == 1) {
		const char *n = col(s, 0);
		char *end = NULL;
		long long v;

		if (strncmp(n, prefix, plen) != 0 || n[plen] < '0' || n[plen] > '9')
			continue;
		v = strtoll(n + plen, &end, 10);
		if (*end == '\0' && v > best)
			best = v;
	}
	if (rc < 0)
		return rc;
	*seq_out = best;
	return 0;
}

/* Bind the columns $2 .. $10 of p, as both statements below list them. */
static void bind_row(struct db_stmt *s, const struct store_publication *p)
{
	db_bind_text(s, 2, p->kind);
	db_bind_text(s, 3, p->status);
	db_bind_text(s, 4, p->title);
	db_bind_text(s, 5, p->tlp);
	db_bind_int(s, 6, p->revision);
	if (p->published == NULL || p->published[0] == '\0')
		db_bind_null(s, 7);
	else
		db_bind_text(s, 7, p->published);
	db_bind_text(s, 8, p->doc);
	db_bind_text(s, 9, p->updated);
	db_bind_text(s, 10, p->author);
}

int store_publication_add(struct store *st, struct store_publication *p, struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	if ((rc = store_begin(st, err)) != 0)
		return rc;
	store_time_now(p->created);
	memcpy(p->updated, p->created, sizeof(p->updated));
	rc = store_prep(st,
			"INSERT INTO publications (number, kind, status, title, tlp, revision, "
			"published, doc, updated, author, created) VALUES ($1, $2, $3, $4, $5, "
			"$6, $7, $8, $9, $10, $11) RETURNING id",
			&s, err);
	if (rc == 0) {
		db_bind_text(s, 1, p->number);
		bind_row(s, p);
		db_bind_text(s, 11, p->created);
		rc = store_step_id(s, &p->id, err);
		if (rc == SK_EEXIST)
			sk_error_set(err, rc, "publication number %s is taken", p->number);
	}
	if (rc == 0)
		rc = store_audit(st, "publication.new", "publication", p->id, err,
				 "%s drafted: %.200s", p->number, p->title);
	return store_finish(st, rc, err);
}

int store_publication_update(struct store *st, struct store_publication *p, const char *action,
			     const char *summary, struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	if ((rc = store_begin(st, err)) != 0)
		return rc;
	store_time_now(p->updated);
	rc = store_prep(st,
			"UPDATE publications SET kind = $2, status = $3, title = $4, tlp = $5, "
			"revision = $6, published = $7, doc = $8, updated = $9, author = $10 "
			"WHERE id = $1 RETURNING id",
			&s, err);
	if (rc == 0) {
		db_bind_int(s, 1, p->id);
		bind_row(s, p);
		rc = db_step(s, err);
		if (rc == 0)
			rc = sk_error_set(err, SK_ENOTFOUND, "no publication %lld",
					  (long long)p->id);
		else if (rc == 1) {
			db_reset(s);
			rc = 0;
		}
	}
	if (rc == 0)
		rc = store_audit(st, action, "publication", p->id, err, "%s: %.800s", p->number,
				 summary);
	return store_finish(st, rc, err);
}

int store_publication_get(struct store *st, int64_t id, struct buf *doc_out,
			  struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	if ((rc = store_row_by_id(st, "SELECT doc FROM publications WHERE id = $1", id,
				  "publication", &s, err)) != 0)
		return rc;
	rc = buf_append_str(doc_out, col(s, 0));
	db_reset(s);
	if (rc != 0)
		return sk_error_set(err, rc, "publication %lld is too big to read",
				    (long long)id);
	return 0;
}

int store_publication_each(struct store *st, const char *status, store_publication_fn fn,
			   void *ctx, struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	rc = store_prep(st,
			status != NULL ? "SELECT " PUBLICATION_COLS
					 " FROM publications WHERE status = $1 ORDER BY id DESC"
				       : "SELECT " PUBLICATION_COLS
					 " FROM publications ORDER BY id DESC",
			&s, err);
	if (rc != 0)
		return rc;
	if (status != NULL)
		db_bind_text(s, 1, status);
	while ((rc = db_step(s, err)) == 1) {
		struct store_publication p = {0};

		p.id = db_col_int(s, 0);
		p.number = col(s, 1);
		p.kind = col(s, 2);
		p.status = col(s, 3);
		p.title = col(s, 4);
		p.tlp = col(s, 5);
		p.revision = (int)db_col_int(s, 6);
		p.author = col(s, 7);
		p.published = col(s, 8);
		p.doc = col(s, 9);
		snprintf(p.created, sizeof(p.created), "%s", col(s, 10));
		snprintf(p.updated, sizeof(p.updated), "%s", col(s, 11));
		if ((rc = fn(&p, ctx)) != 0) {
			db_reset(s);
			return rc;
		}
	}
	return rc < 0 ? rc : 0;
}

int store_publication_attach(struct store *st, int64_t publication_id, const char *name,
			     const char *media_type, const void *data, size_t size,
			     struct sk_error *err)
{
	struct db_stmt *s;
	char now[21];
	int64_t id;
	int rc;

	if ((rc = store_begin(st, err)) != 0)
		return rc;
	store_time_now(now);
	rc =
	    store_prep(st,
		       "INSERT INTO publication_attachments (publication_id, name, media_type, "
		       "size, data, created) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
		       &s, err);
	if (rc == 0) {
		db_bind_int(s, 1, publication_id);
		db_bind_text(s, 2, name);
		db_bind_text(s, 3, media_type);
		db_bind_int(s, 4, (int64_t)size);
		db_bind_blob(s, 5, data, size);
		db_bind_text(s, 6, now);
		rc = store_step_id(s, &id, err);
		if (rc == SK_EEXIST)
			sk_error_set(err, rc, "attachments: %.100s is attached already", name);
	}
	if (rc == 0)
		rc = store_audit(st, "publication.attach", "publication", publication_id, err,
				 "attached %.200s (%zu bytes)", name, size);
	return store_finish(st, rc, err);
}

int store_publication_attachment(struct store *st, int64_t publication_id, const char *name,
				 struct buf *data_out, char media_type[128],
				 struct sk_error *err)
{
	struct db_stmt *s;
	const void *data;
	size_t len = 0;
	int rc;

	rc = store_prep(st,
			"SELECT media_type, data FROM publication_attachments WHERE "
			"publication_id = $1 AND name = $2",
			&s, err);
	if (rc != 0)
		return rc;
	db_bind_int(s, 1, publication_id);
	db_bind_text(s, 2, name);
	if ((rc = db_step(s, err)) < 0)
		return rc;
	if (rc == 0)
		return sk_error_set(err, SK_ENOTFOUND, "no attachment %.100s", name);
	snprintf(media_type, 128, "%s", col(s, 0));
	data = db_col_blob(s, 1, &len);
	rc = len > 0 ? buf_append(data_out, data, len) : 0;
	db_reset(s);
	if (rc != 0)
		return sk_error_set(err, rc, "attachment %.100s is too big to read", name);
	return 0;
}
