/* feed/shadowserver.h: Shadowserver reports (CSV) read into events, driven
 * by a report schema in Shadowserver's IntelMQ format (intelmq.json of
 * The-Shadowserver-Foundation/report_schema): per report type, its
 * constant fields and its required and optional columns, each with the
 * IntelMQ field it goes to and a conversion function. schakel carries a
 * trimmed copy of that schema for the common report types; a schema file
 * replaces it. See docs/feeds.md.
 *
 * Parses outside input. Limits: a schema file of at most
 * SHADOWSERVER_SCHEMA_MAX bytes, SHADOWSERVER_REPORTS_MAX reports and
 * SHADOWSERVER_FIELDS_MAX fields in a report; the limits of feed/csv.h on
 * each record and of model/event.h on each event. */
#ifndef SK_FEED_SHADOWSERVER_H
#define SK_FEED_SHADOWSERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct event;
struct sk_error;
struct shadowserver_schema;
struct shadowserver_reader;

#define SHADOWSERVER_SCHEMA_MAX	 (16 * 1024 * 1024)
#define SHADOWSERVER_REPORTS_MAX 1024
#define SHADOWSERVER_FIELDS_MAX	 512
#define SHADOWSERVER_NAME_MAX	 128 /* bytes in a report type */

/* The built-in schema, parsed once and shared; never freed. */
const struct shadowserver_schema *shadowserver_schema_builtin(void);

/* Load a schema file. Errors name the file and, for a JSON syntax error,
 * the line; for a bad entry, the report and the entry. A report using a
 * conversion function schakel does not know loads, but reading a file of
 * that report type is an error. Caller frees with
 * shadowserver_schema_free(). */
struct shadowserver_schema *shadowserver_schema_load(const char *path, struct sk_error *err);
/* The same from text[0..len); name is used in messages. */
struct shadowserver_schema *shadowserver_schema_parse(const char *text, size_t len,
						      const char *name, struct sk_error *err);
void shadowserver_schema_free(struct shadowserver_schema *schema);
/* True if the schema has the report type (as in file names, "scan_ntp"). */
bool shadowserver_schema_has(const struct shadowserver_schema *schema, const char *report);
/* Number of report types. */
size_t shadowserver_schema_count(const struct shadowserver_schema *schema);

/* The report type in a file name, by IntelMQ's rule
 * ^(?:\d{4}-\d{2}-\d{2}-)?(\w+)(-\w+)*\.csv$ applied to the base name:
 * "2019-01-01-scan_ntp-test-geo.csv" gives "scan_ntp". Writes it to out
 * (size bytes); 0, or SK_EINVAL if the name does not match. */
int shadowserver_report_from_name(const char *file_name, char *out, size_t size);

struct shadowserver_options {
	const char *feed_name; /* feed.name of every event; NULL: the schema's */
	int64_t observation;   /* time.observation, seconds since the epoch */
	bool raw;	       /* add raw: base64 of the header and the row */
	/* Told "NAME:LINE: ..." when the header lacks a required column (the
	 * file is read on: each event must still be complete); may be NULL. */
	void (*warn)(void *arg, const char *message);
	void *warn_arg;
};

/* A reader of in, a report of type report in schema. name (a file name,
 * "-") starts every error message. in, name, schema and opt->feed_name
 * are borrowed and must outlive the reader. NULL with err if the schema
 * has no such report or cannot read it. Caller frees with
 * shadowserver_reader_free(). */
struct shadowserver_reader *shadowserver_reader_new(FILE *in, const char *name,
						    const struct shadowserver_schema *schema,
						    const char *report,
						    const struct shadowserver_options *opt,
						    struct sk_error *err);

/* Read the next event. Returns 1 with *ev pointing at the reader's event
 * (the caller may change it; valid until the next call), 0 at the end,
 * SK_EINVAL or SK_ETOOBIG for a bad line with err "NAME:LINE: reason",
 * SK_EIO if reading failed. After a bad line the next call reads the next
 * one; after a bad header (a duplicate column, one that is no name) or a
 * read error every later call returns 0. */
int shadowserver_read(struct shadowserver_reader *r, struct event **ev, struct sk_error *err);

/* Lines read so far. */
unsigned long shadowserver_lines(const struct shadowserver_reader *r);

/* Free the reader (NULL is fine); does not close its FILE. */
void shadowserver_reader_free(struct shadowserver_reader *r);

#endif
