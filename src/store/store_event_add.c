/* store/store_event_add.c: storing events with their recipients.
 * Events are written a hundred rows per statement, their recipients
 * likewise (where the backend streams rows, PostgreSQL's COPY: a
 * thousand events, then their recipients, in two streams), in one
 * transaction per call: this is on the path of every feed, so a batch
 * costs a few statements per hundred events and no audit row per event;
 * the events' ids are reserved up front rather than handed back, their
 * texts bound where they lie, and the recipient organizations looked up
 * once per transaction. An event's body is its JSON line packed
 * (model/event_pack.c: less than half the bytes, each written twice on
 * SQLite, to the WAL and at the checkpoint). */
#include "store/store.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "lib/xalloc.h"
#include "model/event.h"
#include "store/db.h"
#include "store/store_int.h"

#define HASH_BYTES 16
#define HASH_HEX   (2 * HASH_BYTES)
/* Events a stream carries where the backend has one (db_copy). */
#define COPY_ROWS 1024

/* One event of a chunk, ready to bind. */
struct event_prep {
	int64_t time;
	size_t json_off, json_len; /* in the chunk's buffer, NUL-terminated */
	char hash[HASH_HEX + 1];
	enum tlp_label tlp;
	int64_t id;
};

/* The hash of an event's packed text: BLAKE2b-128 of the text without
 * the time.observation member (obs, from event_to_packed()), so that the
 * same observation reported again hashes alike. */
static void event_hash(const char *packed, size_t len, const size_t obs[2],
		       char out[HASH_HEX + 1])
{
	static const char digits[] = "0123456789abcdef";
	crypto_generichash_state h;
	unsigned char md[HASH_BYTES];
	size_t cut_from = obs[0], cut_to = obs[1];

	crypto_generichash_init(&h, NULL, 0, HASH_BYTES);
	crypto_generichash_update(&h, (const unsigned char *)packed, cut_from);
	crypto_generichash_update(&h, (const unsigned char *)packed + cut_to, len - cut_to);
	crypto_generichash_final(&h, md, HASH_BYTES);
	for (int i = 0; i < HASH_BYTES; i++) {
		out[2 * i] = digits[md[i] >> 4];
		out[2 * i + 1] = digits[md[i] & 0xf];
	}
	out[HASH_HEX] = '\0';
}

/* Check event i and its recipients before anything is written. */
static int event_in_check(const struct store_event_in *in, size_t i, struct sk_error *err)
{
	enum tlp_label tlp;
	int rc;

	if (in->ev == NULL)
		return sk_error_set(err, SK_EINVAL, "events[%zu]: no event", i);
	if ((rc = event_validate(in->ev, err)) != 0) {
		sk_error_prefix(err, "events[%zu]", i);
		return rc;
	}
	if (!event_get_tlp(in->ev, &tlp) || tlp_name(tlp) == NULL)
		return sk_error_set(err, SK_EINVAL,
				    "events[%zu]: the event has no tlp label (give it the "
				    "feed's, [feeds] tlp)",
				    i);
	if (in->n_rcpt > 0 && in->rcpt == NULL)
		return sk_error_set(err, SK_EINVAL, "events[%zu]: recipients missing", i);
	for (size_t j = 0; j < in->n_rcpt; j++) {
		const struct event_recipient *r = &in->rcpt[j];

		if (r->org_id <= 0)
			return sk_error_set(err, SK_EINVAL,
					    "events[%zu].recipients[%zu]: organization id %lld "
					    "is not valid",
					    i, j, (long long)r->org_id);
		if ((unsigned)r->role >= RECIPIENT_ROLE_COUNT)
			return sk_error_set(err, SK_EINVAL,
					    "events[%zu].recipients[%zu]: unknown role %d", i,
					    j, (int)r->role);
		if (memchr(r->reason, '\0', sizeof(r->reason)) == NULL)
			return sk_error_set(err, SK_EINVAL,
					    "events[%zu].recipients[%zu]: the reason is not "
					    "terminated",
					    i, j);
		if (r->need_to_know && !r->pass_on)
			return sk_error_set(err, SK_EINVAL,
					    "events[%zu].recipients[%zu]: need_to_know without "
					    "pass_on",
					    i, j);
		if (r->resource_id < 0 || r->member_id < 0)
			return sk_error_set(err, SK_EINVAL,
					    "events[%zu].recipients[%zu]: negative resource or "
					    "member id",
					    i, j);
		for (size_t k = 0; k < j; k++)
			if (in->rcpt[k].org_id == r->org_id)
				return sk_error_set(err, SK_EINVAL,
						    "events[%zu]: organization %lld is a "
						    "recipient twice",
						    i, (long long)r->org_id);
	}
	return 0;
}

static int i64_cmp(const void *pa, const void *pb)
{
	int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;

	return a < b ? -1 : a > b;
}

/* Whether id is in the sorted ids[0..n). */
static bool i64_in(const int64_t *ids, size_t n, int64_t id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && ids[lo] == id;
}

/* Add the sorted, distinct add[0..n) (none of them there yet) to the
 * organizations seen in this transaction. */
static void orgs_seen_add(struct store *st, const int64_t *add, size_t n)
{
	size_t i, j, k, total = st->n_orgs_seen + n;

	if (total > st->a_orgs_seen) {
		st->a_orgs_seen = total * 2;
		st->orgs_seen = xreallocarray(st->orgs_seen, st->a_orgs_seen, sizeof(int64_t));
	}
	/* merge from the end */
	i = st->n_orgs_seen, j = n, k = total;
	while (j > 0) {
		if (i > 0 && st->orgs_seen[i - 1] > add[j - 1])
			st->orgs_seen[--k] = st->orgs_seen[--i];
		else
			st->orgs_seen[--k] = add[--j];
	}
	st->n_orgs_seen = total;
}

/* Fail with SK_ENOTFOUND naming the first recipient organization of v
 * that does not exist; one statement per BULK_ROWS distinct ids. Ids
 * found before in the same transaction are not looked up again: on
 * SQLite no other connection can remove an organization meanwhile (the
 * transaction holds the write lock); on PostgreSQL one can, and the
 * foreign key refuses the row then. Called in a transaction. */
static int orgs_check(struct store *st, const struct store_event_in *v, size_t n,
		      struct sk_error *err)
{
	size_t total = 0, m = 0, found, k;
	int64_t *ids;
	struct db_stmt *s;
	int rc = 0;

	if (st->orgs_seen_tx != st->tx) {
		st->n_orgs_seen = 0;
		st->orgs_seen_tx = st->tx;
	}
	for (size_t i = 0; i < n; i++)
		total += v[i].n_rcpt;
	if (total == 0)
		return 0;
	ids = xcalloc(total, sizeof(*ids));
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < v[i].n_rcpt; j++)
			if (!i64_in(st->orgs_seen, st->n_orgs_seen, v[i].rcpt[j].org_id))
				ids[m++] = v[i].rcpt[j].org_id;
	qsort(ids, m, sizeof(*ids), i64_cmp);
	k = 0;
	for (size_t i = 0; i < m; i++)
		if (k == 0 || ids[i] != ids[k - 1])
			ids[k++] = ids[i];
	m = k;
	for (size_t at = 0; at < m; at += k) {
		k = m - at < BULK_ROWS ? m - at : BULK_ROWS;
		if ((rc = store_prep(st, store_bulk_sql(st, BULK_ORG_REF, k), &s, err)) != 0)
			goto out;
		for (size_t j = 0; j < k; j++)
			db_bind_int(s, 1 + (int)j, ids[at + j]);
		found = 0;
		while ((rc = db_step(s, err)) == 1) {
			int64_t id = db_col_int(s, 0);

			/* Mark what was found by negating it. */
			for (size_t j = 0; j < k; j++)
				if (ids[at + j] == id) {
					ids[at + j] = -id;
					found++;
					break;
				}
		}
		if (rc < 0)
			goto out;
		rc = 0;
		if (found == k)
			continue;
		for (size_t j = 0; j < k; j++)
			if (ids[at + j] > 0) {
				rc = sk_error_set(
				    err, SK_ENOTFOUND,
				    "event recipient: no organization with id %lld",
				    (long long)ids[at + j]);
				goto out;
			}
	}
	for (size_t i = 0; i < m; i++)
		ids[i] = -ids[i];
	orgs_seen_add(st, ids, m);
out:
	free(ids);
	return rc;
}

/* Recipient rows waiting for their statement. */
struct rcpt_queue {
	size_t n;
	int64_t event_id[BULK_ROWS];
	const struct event_recipient *r[BULK_ROWS];
};

static int rcpt_flush(struct store *st, struct rcpt_queue *q, struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	if (q->n == 0)
		return 0;
	if ((rc = store_prep(st, store_bulk_sql(st, BULK_EVENT_RCPT, q->n), &s, err)) != 0)
		return rc;
	for (size_t j = 0; j < q->n; j++) {
		const struct event_recipient *r = q->r[j];
		int p = 1 + 8 * (int)j;

		db_bind_int(s, p, q->event_id[j]);
		db_bind_int(s, p + 1, r->org_id);
		db_bind_text_ref(s, p + 2, recipient_role_names[r->role],
				 strlen(recipient_role_names[r->role]));
		db_bind_int(s, p + 3, r->pass_on ? 1 : 0);
		db_bind_int(s, p + 4, r->need_to_know ? 1 : 0);
		if (r->resource_id > 0)
			db_bind_int(s, p + 5, r->resource_id);
		else
			db_bind_null(s, p + 5);
		if (r->member_id > 0)
			db_bind_int(s, p + 6, r->member_id);
		else
			db_bind_null(s, p + 6);
		db_bind_text_ref(s, p + 7, r->reason, strlen(r->reason));
	}
	q->n = 0;
	if ((rc = store_step_done(s, err)) != 0)
		sk_error_prefix(err, "storing event recipients");
	return rc;
}

/* Insert the k events v[0..k) (prepared in p, their JSON in json) in one
 * statement, with the ids reserved for them. */
static int events_insert(struct store *st, const struct store_event_in *v,
			 const struct event_prep *p, size_t k, const struct buf *json,
			 const char *now, struct sk_error *err)
{
	struct db_stmt *s;
	int rc;

	if ((rc = store_prep(st, store_bulk_sql(st, BULK_EVENT, k), &s, err)) != 0)
		return rc;
	/* Every text is borrowed: from the events, the chunk, static. */
	db_bind_text(s, 1, now);
	for (size_t j = 0; j < k; j++) {
		const struct event *ev = v[j].ev;
		const char *feed = event_get(ev, EVENT_FEED_NAME);
		const char *type = event_get(ev, EVENT_CLASSIFICATION_TYPE);
		const char *tlp = tlp_name(p[j].tlp);
		int q = 2 + 7 * (int)j;

		db_bind_int(s, q, p[j].id);
		db_bind_int(s, q + 1, p[j].time);
		db_bind_text_ref(s, q + 2, feed, strlen(feed));
		db_bind_text_ref(s, q + 3, type, strlen(type));
		db_bind_text_ref(s, q + 4, tlp, strlen(tlp));
		db_bind_text_ref(s, q + 5, p[j].hash, HASH_HEX);
		db_bind_text_ref(s, q + 6, json->data + p[j].json_off, p[j].json_len);
	}
	if ((rc = store_step_done(s, err)) != 0)
		sk_error_prefix(err, "storing events");
	return rc;
}

/* Where the backend streams rows (db_copy), the k events v[0..k) and
 * then their recipients, in two streams. */
static int events_copy(struct store *st, const struct store_event_in *v,
		       const struct event_prep *p, size_t k, const struct buf *json,
		       const char *now, struct sk_error *err)
{
	struct db_value *val = NULL;
	size_t nr = 0, at = 0;
	int rc;

	for (size_t j = 0; j < k; j++)
		nr += v[j].n_rcpt;
	val = xcalloc((k > nr ? k : nr) * 8, sizeof(*val));
#define TEXT(s, n) ((struct db_value){.kind = DB_VALUE_TEXT, .text = (s), .len = (n)})
#define INT(v)	   ((struct db_value){.kind = DB_VALUE_INT, .i = (v)})
#define NUL	   ((struct db_value){.kind = DB_VALUE_NULL})
	for (size_t j = 0; j < k; j++, at += 8) {
		const char *feed = event_get(v[j].ev, EVENT_FEED_NAME);
		const char *type = event_get(v[j].ev, EVENT_CLASSIFICATION_TYPE);
		const char *tlp = tlp_name(p[j].tlp);

		val[at] = INT(p[j].id);
		val[at + 1] = INT(p[j].time);
		val[at + 2] = TEXT(now, strlen(now));
		val[at + 3] = TEXT(feed, strlen(feed));
		val[at + 4] = TEXT(type, strlen(type));
		val[at + 5] = TEXT(tlp, strlen(tlp));
		val[at + 6] = TEXT(p[j].hash, HASH_HEX);
		val[at + 7] = TEXT(json->data + p[j].json_off, p[j].json_len);
	}
	rc = db_copy(st->db, "events", "id, time, received, feed, type, tlp, hash, body", 8,
		     val, k, err);
	if (rc != 0) {
		sk_error_prefix(err, "storing events");
		goto out;
	}
	at = 0;
	for (size_t j = 0; j < k; j++)
		for (size_t i = 0; i < v[j].n_rcpt; i++, at += 8) {
			const struct event_recipient *r = &v[j].rcpt[i];
			const char *role = recipient_role_names[r->role];

			val[at] = INT(p[j].id);
			val[at + 1] = INT(r->org_id);
			val[at + 2] = TEXT(role, strlen(role));
			val[at + 3] = INT(r->pass_on ? 1 : 0);
			val[at + 4] = INT(r->need_to_know ? 1 : 0);
			val[at + 5] = r->resource_id > 0 ? INT(r->resource_id) : NUL;
			val[at + 6] = r->member_id > 0 ? INT(r->member_id) : NUL;
			val[at + 7] = TEXT(r->reason, strlen(r->reason));
		}
#undef TEXT
#undef INT
#undef NUL
	rc = db_copy(st->db, "event_recipients",
		     "event_id, org_id, role, pass_on, need_to_know, resource_id, member_id, "
		     "reason",
		     8, val, nr, err);
	if (rc != 0)
		sk_error_prefix(err, "storing event recipients");
out:
	free(val);
	return rc;
}

/* Store v[0..n) with their recipients (see store.h). v is borrowed. The
 * events' ids are reserved first (db_id_reserve), so that no statement
 * has to hand them back. */
int store_event_add_many(struct store *st, const struct store_event_in *v, size_t n,
			 struct sk_error *err)
{
	struct event_prep *p = NULL;
	struct rcpt_queue *q = NULL;
	int64_t *ids = NULL;
	bool copy = db_has_copy(st->db);
	size_t k, chunk = copy ? COPY_ROWS : BULK_ROWS;
	struct buf json;
	char now[21];
	int rc;

	for (size_t i = 0; i < n; i++)
		if ((rc = event_in_check(&v[i], i, err)) != 0)
			return rc;
	if (n == 0)
		return 0;
	if (sodium_init() < 0)
		return sk_error_set(err, SK_EIO, "libsodium failed to initialize");
	buf_init(&json, chunk * EVENT_JSON_MAX);
	if ((rc = store_begin(st, err)) != 0)
		goto done;
	/* On SQLite this check is what keeps rows of organizations that do
	 * not exist out (no foreign key: 0002_events.sql); on PostgreSQL the
	 * foreign key does, and this names the organization. */
	if ((rc = orgs_check(st, v, n, err)) != 0)
		goto out;
	q = xcalloc(1, sizeof(*q));
	p = xcalloc(chunk, sizeof(*p));
	ids = xcalloc(n, sizeof(*ids));
	if ((rc = db_id_reserve(st->db, "events", n, ids, err)) != 0)
		goto out;
	store_time_now(now);
	for (size_t at = 0; at < n; at += k) {
		k = n - at < chunk ? n - at : chunk;
		buf_reset(&json);
		for (size_t j = 0; j < k; j++) {
			const struct event *ev = v[at + j].ev;
			size_t start = json.len, len, obs[2];

			memset(&p[j], 0, sizeof(p[j]));
			p[j].id = ids[at + j];
			event_get_tlp(ev, &p[j].tlp); /* event_in_check: it has one */
			if (!event_get_int(ev, EVENT_TIME_SOURCE, &p[j].time))
				event_get_int(ev, EVENT_TIME_OBSERVATION, &p[j].time);
			if (event_to_packed(ev, &json, obs) != 0 ||
			    json.len - start > EVENT_JSON_MAX) {
				rc = sk_error_set(err, SK_ETOOBIG,
						  "events[%zu]: the JSON line is longer than "
						  "%d bytes",
						  at + j, EVENT_JSON_MAX);
				goto out;
			}
			len = json.len - start;
			if ((rc = buf_append(&json, "", 1)) != 0) {
				rc = sk_error_set(err, SK_ETOOBIG, "events[%zu]: too long",
						  at + j);
				goto out;
			}
			p[j].json_off = start;
			p[j].json_len = len;
			event_hash(json.data + start, len, obs, p[j].hash);
		}
		if (copy) {
			if ((rc = events_copy(st, v + at, p, k, &json, now, err)) != 0)
				goto out;
			continue;
		}
		if ((rc = events_insert(st, v + at, p, k, &json, now, err)) != 0)
			goto out;
		for (size_t j = 0; j < k; j++)
			for (size_t r = 0; r < v[at + j].n_rcpt; r++) {
				q->event_id[q->n] = p[j].id;
				q->r[q->n] = &v[at + j].rcpt[r];
				if (++q->n == BULK_ROWS && (rc = rcpt_flush(st, q, err)) != 0)
					goto out;
			}
	}
	rc = rcpt_flush(st, q, err);
	if (rc == 0)
		rc = store_feed_count_add(st, v, n, err);
out:
	rc = store_finish(st, rc, err);
done:
	free(ids);
	free(p);
	free(q);
	buf_free(&json);
	return rc;
}
