/* feed/csvtable.h: a CSV file read into events, one a row: the driver
 * that the Shadowserver reader (feed/shadowserver.h) and the mapping
 * reader (feed/csvmap.h) share. The table reads the records (feed/csv.h);
 * the header line goes to the reader's header function, which makes its
 * plan; each data row, a short one made as wide as the header, goes to
 * its row function, which fills the event; the table then adds raw (the
 * header and the row, base64) and checks that the event is complete.
 *
 * Parses outside input through feed/csv.h, with its limits; raw is left
 * out of an event when it would be over EVENT_VALUE_MAX. */
#ifndef SK_FEED_CSVTABLE_H
#define SK_FEED_CSVTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "feed/csv.h"

struct event;
struct event_extra_key;
struct sk_error;
struct csv_table;

/* What raw holds: nothing; the header and the row, each field quoted, as
 * IntelMQ writes a CSV line; or, as IntelMQ's Shadowserver parser does,
 * the header quoted and the row as it is in the input, white space at
 * its end stripped. */
enum csv_table_raw { CSV_TABLE_RAW_NONE, CSV_TABLE_RAW_QUOTED, CSV_TABLE_RAW_AS_READ };

struct csv_table_ops {
	/* The header line: make the plan. An error ends the input. */
	int (*header)(void *ctx, const struct csv_record *header, struct sk_error *err);
	/* One data row into ev, which holds the previous row's event: the
	 * function starts it afresh. A row longer than the header comes as
	 * it is. An error is for this row only; messages start with
	 * "NAME:LINE: " (csv_table_error()). */
	int (*row)(void *ctx, const struct csv_record *row, struct event *ev,
		   struct sk_error *err);
};

/* A table over in. With header false every record is a data row and no
 * header function is called (and raw has no header). in, name, ops and
 * ctx are borrowed and must outlive the table. Caller frees with
 * csv_table_free(). */
struct csv_table *csv_table_new(FILE *in, const char *name, const struct csv_options *opt,
				bool header, enum csv_table_raw raw,
				const struct csv_table_ops *ops, void *ctx);

/* Read the next event. Returns 1 with *ev pointing at the table's event
 * (the caller may change it; valid until the next call), 0 at the end,
 * SK_EINVAL or SK_ETOOBIG for a bad line, SK_EIO if reading failed. After
 * a bad line the next call reads the next one; after a bad header or a
 * read error every later call returns 0. */
int csv_table_read(struct csv_table *t, struct event **ev, struct sk_error *err);

/* Columns of the header (0 before it is read, or without a header). */
size_t csv_table_width(const struct csv_table *t);
/* The extra.* name of header column col (< csv_table_width()): the
 * column's name as csv_extra_name() makes it, or "extra.column_N" (N from
 * 1) when nothing is left of it; its key, checked once. Borrowed from
 * the table. */
const char *csv_table_extra(const struct csv_table *t, size_t col);
const struct event_extra_key *csv_table_extra_key(const struct csv_table *t, size_t col);

/* Set err to "NAME:LINE: sub's message (column 'column')", column quoted
 * for a message, or without it when column is NULL; SK_ETOOBIG if sub
 * is, SK_EINVAL otherwise, which is returned. */
int csv_table_error(const struct csv_table *t, const struct csv_record *rec, const char *column,
		    const struct sk_error *sub, struct sk_error *err);

/* Lines read so far. */
unsigned long csv_table_lines(const struct csv_table *t);

/* Free the table (NULL is fine); does not close its FILE. */
void csv_table_free(struct csv_table *t);

#endif
