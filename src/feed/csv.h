/* feed/csv.h: a streaming reader of CSV files that reads every record as
 * Python's csv module does with IntelMQ's settings (dialect "unix", not
 * strict), so that a report gives the values IntelMQ reads from it:
 * quoted fields with doubled quotes, line breaks inside quotes, LF, CRLF
 * or CR line ends, text after a closing quote or in an unquoted field
 * kept as it is, a quoted field open at the end of the input ending
 * there. A UTF-8 byte order mark at the start is skipped, blank lines too.
 * Records come one at a time from a fixed buffer, so memory stays the
 * same whatever the file size.
 *
 * Parses outside input. Limits: CSV_RECORD_MAX (64 KiB) bytes in a
 * record, not counting its line end; CSV_COLUMNS_MAX (512) fields in a
 * record. A record over a limit is an error for that record only. */
#ifndef SK_FEED_CSV_H
#define SK_FEED_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct buf;
struct sk_error;
struct csv_reader;

#define CSV_RECORD_MAX	(64 * 1024)
#define CSV_COLUMNS_MAX 512

struct csv_options {
	char delimiter; /* ',' when 0 */
	char comment;	/* lines starting with it are skipped; 0: none */
	/* Read the input as IntelMQ reads a report: NUL bytes dropped and
	 * the white space around the whole input stripped (str.strip(), in
	 * ASCII). */
	bool intelmq;
};

/* One field: text[len] is a NUL, but text may hold NUL bytes too. */
struct csv_field {
	const char *text;
	size_t len;
};

/* A record. Everything it points to is the reader's and valid until the
 * next csv_read(). */
struct csv_record {
	const struct csv_field *fields;
	size_t n;
	unsigned long line; /* the line the record starts on, from 1 */
	/* The record as it is in the input, quotes and all, without its line
	 * end (text[len] is not a NUL); the line end's bytes follow it. */
	const char *text;
	size_t len;
	size_t end_len; /* 0 (at the end of the input), 1 or 2 */
};

/* A reader of in; name (a file name, "-") starts every error message.
 * opt may be NULL (comma, no comments). in and name are borrowed and
 * must outlive the reader. Caller frees with csv_reader_free(). */
struct csv_reader *csv_reader_new(FILE *in, const char *name, const struct csv_options *opt);

/* Read the next record into rec. Returns 1 with a record, 0 at the end of
 * input, SK_EINVAL (or SK_ETOOBIG for a limit) for a bad record with err
 * "NAME:LINE: reason", SK_EIO if reading failed. After a bad record the
 * next call reads the one after it. Blank lines and comment lines are
 * skipped. rec is written only when 1 is returned. */
int csv_read(struct csv_reader *r, struct csv_record *rec, struct sk_error *err);

/* Lines read so far (line ends consumed, and a last line without one). */
unsigned long csv_lines(const struct csv_reader *r);

/* Free the reader (NULL is fine); does not close its FILE. */
void csv_reader_free(struct csv_reader *r);

/* A short record (rec->n < n) made n fields long, the missing ones empty,
 * as a CSV reader that fills missing values reads it: the fields are
 * copied to pad (n entries), and out points at them. Returns out. */
const struct csv_record *csv_pad(const struct csv_record *rec, size_t n, struct csv_field *pad,
				 struct csv_record *out);

/* The extra.* name for a column called name[0..len): "extra." and the
 * name with ASCII letters lowercased and anything but [a-z0-9_] as '_'
 * (with dots true, dots stay as part separators, as in "source.naics").
 * NULL if nothing is left or it is longer than EVENT_EXTRA_KEY_MAX.
 * Caller frees. */
char *csv_extra_name(const char *name, size_t len, bool dots);

/* Append fields[0..n) to out as one CSV line as IntelMQ writes it for
 * "raw": every field quoted, quotes doubled, ',' between, '\n' at the
 * end. Returns 0, or SK_ETOOBIG with out as it was. */
int csv_join(struct buf *out, const struct csv_field *fields, size_t n);

#endif
