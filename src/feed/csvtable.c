/* feed/csvtable.c: the driver of the CSV readers into events: records
 * from feed/csv.h, the header to the reader's plan, each row to the
 * reader's row function, then raw and the event's check.
 *
 * Parses outside input only through feed/csv.h. The header's names and
 * their keys are made once; raw is built in buffers capped at init
 * (a header of two records' worth, an event value), so nothing grows
 * with the input. */
#include "feed/csvtable.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "model/event.h"

#define COLUMN_SHOW_MAX 64 /* bytes of a column name a message quotes */

enum table_state { TABLE_HEADER, TABLE_ROWS, TABLE_DONE };

struct csv_table {
	const char *name; /* borrowed */
	const struct csv_table_ops *ops;
	void *ctx;
	struct csv_reader *csv;
	enum table_state state;
	enum csv_table_raw raw;
	size_t ncols;
	char **col_extra;		 /* extra.* name of each header column */
	struct event_extra_key *col_key; /* col_extra, checked once */
	struct csv_field *pad;		 /* a short row, made as wide */
	struct buf raw_header;		 /* the header as IntelMQ writes it */
	struct buf raw_text;
	char *b64; /* EVENT_VALUE_MAX + 1 bytes */
	struct event ev;
};

struct csv_table *csv_table_new(FILE *in, const char *name, const struct csv_options *opt,
				bool header, enum csv_table_raw raw,
				const struct csv_table_ops *ops, void *ctx)
{
	struct csv_table *t = xcalloc(1, sizeof(*t));

	t->name = name;
	t->ops = ops;
	t->ctx = ctx;
	t->csv = csv_reader_new(in, name, opt);
	t->state = header ? TABLE_HEADER : TABLE_ROWS;
	t->raw = raw;
	buf_init(&t->raw_header, CSV_RECORD_MAX * 2 + 2);
	buf_init(&t->raw_text, EVENT_VALUE_MAX);
	t->b64 = xmalloc(EVENT_VALUE_MAX + 1);
	event_init(&t->ev);
	return t;
}

void csv_table_free(struct csv_table *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->ncols; i++)
		free(t->col_extra[i]);
	free(t->col_extra);
	free(t->col_key);
	free(t->pad);
	csv_reader_free(t->csv);
	buf_free(&t->raw_header);
	buf_free(&t->raw_text);
	free(t->b64);
	event_free(&t->ev);
	free(t);
}

unsigned long csv_table_lines(const struct csv_table *t)
{
	return csv_lines(t->csv);
}

size_t csv_table_width(const struct csv_table *t)
{
	return t->ncols;
}

const char *csv_table_extra(const struct csv_table *t, size_t col)
{
	return t->col_extra[col];
}

const struct event_extra_key *csv_table_extra_key(const struct csv_table *t, size_t col)
{
	return &t->col_key[col];
}

int csv_table_error(const struct csv_table *t, const struct csv_record *rec, const char *column,
		    const struct sk_error *sub, struct sk_error *err)
{
	int code = sub->code == SK_ETOOBIG ? SK_ETOOBIG : SK_EINVAL;
	char q[STR_SHOW_SIZE(COLUMN_SHOW_MAX)];

	if (column != NULL)
		return sk_error_set(err, code, "%s:%lu: %s (column '%s')", t->name, rec->line,
				    sub->msg,
				    str_show(column, strlen(column), COLUMN_SHOW_MAX, q));
	return sk_error_set(err, code, "%s:%lu: %s", t->name, rec->line, sub->msg);
}

/* The header's extra.* names and keys, then the reader's plan. */
static int read_header(struct csv_table *t, const struct csv_record *rec, struct sk_error *err)
{
	t->ncols = rec->n;
	t->col_extra = xcalloc(rec->n + 1, sizeof(*t->col_extra));
	t->col_key = xcalloc(rec->n + 1, sizeof(*t->col_key));
	t->pad = xcalloc(rec->n + 1, sizeof(*t->pad));
	for (size_t i = 0; i < rec->n; i++) {
		const struct csv_field *f = &rec->fields[i];

		t->col_extra[i] = csv_extra_name(f->text, f->len, false);
		if (t->col_extra[i] == NULL) {
			char fallback[32];

			snprintf(fallback, sizeof(fallback), "column_%zu", i + 1);
			t->col_extra[i] = csv_extra_name(fallback, strlen(fallback), false);
		}
		if (event_extra_key_init(&t->col_key[i], t->col_extra[i], err) != 0) {
			sk_error_prefix(err, "%s:%lu: column %zu", t->name, rec->line, i + 1);
			return SK_EINVAL;
		}
	}
	if (t->raw != CSV_TABLE_RAW_NONE) {
		if (csv_join(&t->raw_header, rec->fields, rec->n) != 0) {
			t->raw = CSV_TABLE_RAW_NONE; /* no room for raw */
		} else if (t->raw == CSV_TABLE_RAW_AS_READ && rec->end_len > 0) {
			/* the header's own line end, as IntelMQ writes it */
			t->raw_header.len--;
			t->raw_header.data[t->raw_header.len] = '\0';
			if (buf_append(&t->raw_header, rec->text + rec->len, rec->end_len) != 0)
				t->raw = CSV_TABLE_RAW_NONE;
		}
	}
	return t->ops->header(t->ctx, rec, err);
}

static bool is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

/* raw: base64 of the header and the row, as t->raw says. Left out when
 * it would not fit in an event value. */
static void set_raw(struct csv_table *t, const struct csv_record *rec)
{
	size_t need, len = rec->len;
	int rc;

	buf_reset(&t->raw_text);
	rc = buf_append(&t->raw_text, t->raw_header.data, t->raw_header.len);
	if (rc == 0 && t->raw == CSV_TABLE_RAW_QUOTED) {
		rc = csv_join(&t->raw_text, rec->fields, rec->n);
	} else if (rc == 0) {
		while (len > 0 && is_space(rec->text[len - 1]))
			len--;
		rc = buf_append(&t->raw_text, rec->text, len);
	}
	if (rc != 0)
		return;
	need = sodium_base64_ENCODED_LEN(t->raw_text.len, sodium_base64_VARIANT_ORIGINAL);
	if (need > EVENT_VALUE_MAX + 1)
		return;
	sodium_bin2base64(t->b64, need, (const unsigned char *)t->raw_text.data,
			  t->raw_text.len, sodium_base64_VARIANT_ORIGINAL);
	(void)event_set_field_n(&t->ev, EVENT_RAW, t->b64, need - 1, NULL);
}

int csv_table_read(struct csv_table *t, struct event **ev, struct sk_error *err)
{
	struct sk_error sub = {0};
	struct csv_record rec, padded;
	const struct csv_record *row = &rec;
	int rc;

	if (t->state == TABLE_DONE)
		return 0;
	if (t->state == TABLE_HEADER) {
		rc = csv_read(t->csv, &rec, err);
		if (rc != 1 || (rc = read_header(t, &rec, err)) != 0) {
			t->state = TABLE_DONE;
			return rc; /* 0 for an empty input */
		}
		t->state = TABLE_ROWS;
	}
	rc = csv_read(t->csv, &rec, err);
	if (rc != 1) {
		if (rc == 0 || rc == SK_EIO)
			t->state = TABLE_DONE;
		return rc;
	}
	if (rec.n < t->ncols)
		row = csv_pad(&rec, t->ncols, t->pad, &padded);
	rc = t->ops->row(t->ctx, row, &t->ev, err);
	if (rc != 0)
		return rc;
	if (t->raw != CSV_TABLE_RAW_NONE)
		set_raw(t, row);
	if (event_validate(&t->ev, &sub) != 0)
		return csv_table_error(t, row, NULL, &sub, err);
	*ev = &t->ev;
	return 1;
}
