/* store/store_audit.c: the append-only audit log: one row per change,
 * or many in one statement for bulk changes, and reading it back. */
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

/* Write one audit row in the current transaction. The summary is cut at
 * SUMMARY_MAX bytes, which is fine for a sentence. */
int store_audit(struct store *st, const char *action, const char *kind, int64_t id,
		struct sk_error *err, const char *fmt, ...)
{
	char summary[SUMMARY_MAX], object[64], now[21];
	struct db_stmt *s;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(summary, sizeof(summary), fmt, ap);
	va_end(ap);
	snprintf(object, sizeof(object), "%s:%lld", kind, (long long)id);
	store_time_now(now);
	rc = store_prep(st,
			"INSERT INTO audit (at, actor, action, object, summary) "
			"VALUES ($1, $2, $3, $4, $5)",
			&s, err);
	if (rc != 0)
		return rc;
	db_bind_text(s, 1, now);
	db_bind_text(s, 2, st->actor);
	db_bind_text(s, 3, action);
	db_bind_text(s, 4, object);
	db_bind_text(s, 5, summary);
	if ((rc = store_step_done(s, err)) != 0)
		sk_error_prefix(err, "writing the audit log");
	return rc;
}

void store_audit_many_add(struct audit_many *a, const char *kind, int64_t id, const char *fmt,
			  ...)
{
	va_list ap;

	assert(a->n < BULK_ROWS);
	snprintf(a->object[a->n], sizeof(a->object[a->n]), "%s:%lld", kind, (long long)id);
	va_start(ap, fmt);
	vsnprintf(a->summary[a->n], sizeof(a->summary[a->n]), fmt, ap);
	va_end(ap);
	a->n++;
}

/* Write the queued rows in the current transaction, and empty the
 * queue. */
int store_audit_many_write(struct store *st, struct audit_many *a, struct sk_error *err)
{
	struct db_stmt *s;
	char now[21];
	int rc;

	if (a->n == 0)
		return 0;
	if ((rc = store_prep(st, store_bulk_sql(st, BULK_AUDIT, a->n), &s, err)) != 0)
		return rc;
	store_time_now(now);
	db_bind_text(s, 1, now);
	db_bind_text(s, 2, st->actor);
	db_bind_text(s, 3, a->action);
	for (size_t i = 0; i < a->n; i++) {
		db_bind_text(s, 4 + 2 * (int)i, a->object[i]);
		db_bind_text(s, 5 + 2 * (int)i, a->summary[i]);
	}
	a->n = 0;
	if ((rc = store_step_done(s, err)) != 0)
		sk_error_prefix(err, "writing the audit log");
	return rc;
}

/* ---- audit log ---- */

int store_audit_add(struct store *st, const char *action, const char *object, int64_t id,
		    const char *summary, struct sk_error *err)
{
	int rc = store_begin(st, err);

	if (rc == 0)
		rc = store_audit(st, action, object, id, err, "%s", summary);
	return store_finish(st, rc, err);
}

/* The WHERE clause of f into sql, its parameters from $1; the object
 * prefix ("ticket:") into prefix. */
static int audit_where(const struct audit_filter *f, struct buf *sql, char prefix[96],
		       int *next)
{
	int n = 1, rc = buf_append_str(sql, " FROM audit WHERE 1 = 1");

	if (rc == 0 && f->actor != NULL)
		rc = buf_printf(sql, " AND actor = $%d", n++);
	if (rc == 0 && f->action != NULL)
		rc = buf_printf(sql, " AND action = $%d", n++);
	if (rc == 0 && f->object != NULL && f->object_id > 0) {
		snprintf(prefix, 96, "%.64s:%lld", f->object, (long long)f->object_id);
		rc = buf_printf(sql, " AND object = $%d", n++);
	} else if (rc == 0 && f->object != NULL) {
		snprintf(prefix, 96, "%.64s:", f->object);
		rc = buf_printf(sql, " AND substr(object, 1, $%d) = $%d", n, n + 1);
		n += 2;
	}
	if (rc == 0 && f->since != 0)
		rc = buf_printf(sql, " AND at >= $%d", n++);
	if (rc == 0 && f->until != 0)
		rc = buf_printf(sql, " AND at < $%d", n++);
	*next = n;
	return rc;
}

/* Bind what audit_where() asked for, from $1; returns the next index. */
static int audit_bind(struct db_stmt *s, const struct audit_filter *f, const char *prefix)
{
	char t[21];
	int n = 1;

	if (f->actor != NULL)
		db_bind_text(s, n++, f->actor);
	if (f->action != NULL)
		db_bind_text(s, n++, f->action);
	if (f->object != NULL && f->object_id <= 0)
		db_bind_int(s, n++, (int64_t)strlen(prefix));
	if (f->object != NULL)
		db_bind_text(s, n++, prefix);
	if (f->since != 0) {
		str_time_iso((time_t)f->since, t);
		db_bind_text(s, n++, t);
	}
	if (f->until != 0) {
		str_time_iso((time_t)f->until, t);
		db_bind_text(s, n++, t);
	}
	return n;
}

/* The number of entries f selects, all pages together. */
static int audit_count(struct store *st, const struct audit_filter *f, int64_t *out,
		       struct sk_error *err)
{
	char prefix[96] = "";
	struct db_stmt *s;
	struct buf sql;
	int n, rc;

	buf_init(&sql, 1024);
	rc = buf_append_str(&sql, "SELECT count(*)");
	if (rc == 0)
		rc = audit_where(f, &sql, prefix, &n);
	if (rc != 0) {
		buf_free(&sql);
		return sk_error_set(err, SK_EIO, "the audit query does not fit");
	}
	rc = store_prep(st, buf_str(&sql), &s, err);
	buf_free(&sql);
	if (rc != 0)
		return rc;
	audit_bind(s, f, prefix);
	if ((rc = db_step(s, err)) == 1) {
		*out = db_col_int(s, 0);
		db_reset(s);
		rc = 0;
	}
	return rc;
}

int store_audit_find(struct store *st, const struct audit_filter *f, store_audit_fn fn,
		     void *ctx, int64_t *total_out, struct sk_error *err)
{
	char prefix[96] = "";
	struct db_stmt *s;
	struct buf sql;
	int64_t total = 0;
	int n, rc;

	if (total_out != NULL && (rc = audit_count(st, f, &total, err)) != 0)
		return rc;
	buf_init(&sql, 1024);
	rc = buf_append_str(&sql, "SELECT id, at, actor, action, object, summary");
	if (rc == 0)
		rc = audit_where(f, &sql, prefix, &n);
	if (rc == 0)
		rc = buf_printf(&sql, " ORDER BY id%s LIMIT $%d OFFSET $%d",
				f->oldest_first ? "" : " DESC", n, n + 1);
	if (rc != 0) {
		buf_free(&sql);
		return sk_error_set(err, SK_EIO, "the audit query does not fit");
	}
	rc = store_prep(st, buf_str(&sql), &s, err);
	buf_free(&sql);
	if (rc != 0)
		return rc;
	n = audit_bind(s, f, prefix);
	db_bind_int(s, n, f->limit > 0 ? f->limit : INT64_MAX);
	db_bind_int(s, n + 1, f->offset);
	while ((rc = db_step(s, err)) == 1) {
		struct audit_entry e;

		memset(&e, 0, sizeof(e));
		e.id = db_col_int(s, 0);
		e.actor = db_col_text(s, 2);
		e.action = db_col_text(s, 3);
		e.object = db_col_text(s, 4);
		e.summary = db_col_text(s, 5);
		if (store_copy_text(e.at, sizeof(e.at), db_col_text(s, 1)) != 0 || !e.actor ||
		    !e.action || !e.object || !e.summary)
			rc = sk_error_set(err, SK_EIO, "audit entry %lld is damaged",
					  (long long)e.id);
		else
			rc = fn(&e, ctx);
		if (rc != 0) {
			db_reset(s);
			return rc;
		}
	}
	if (rc == 0 && total_out != NULL)
		*total_out = total;
	return rc;
}

/* The audit log newest first, at most limit entries (all when limit <=
 * 0). */
int store_audit_each(struct store *st, int limit, store_audit_fn fn, void *ctx,
		     struct sk_error *err)
{
	struct audit_filter f = {.limit = limit > 0 ? limit : 0};

	return store_audit_find(st, &f, fn, ctx, NULL, err);
}
