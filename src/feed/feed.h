/* feed/feed.h: one reader over the feed formats schakel takes in:
 * Shadowserver reports (feed/shadowserver.h), IntelMQ JSON lines
 * (feed/intelmq.h) and CSV with a mapping file (feed/csvmap.h). The
 * format is given or guessed from the file name; every event gets the
 * feed name and the default TLP the caller asks for; lines, events and
 * rejected lines are counted. Memory stays the same whatever the size
 * of the input.
 *
 * Parses outside input: the limits are those of the format's reader. */
#ifndef SK_FEED_FEED_H
#define SK_FEED_FEED_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "model/tlp.h"

struct csvmap;
struct event;
struct feed_reader;
struct shadowserver_schema;
struct sk_error;

enum feed_format { FEED_AUTO, FEED_SHADOWSERVER, FEED_INTELMQ, FEED_CSV };

struct feed_options {
	enum feed_format format; /* FEED_AUTO: feed_guess() */
	const char *feed_name;	 /* feed.name of every event; NULL: the input's */
	bool has_tlp;		 /* give events without a tlp ... */
	enum tlp_label tlp;	 /* ... this label */
	bool strict;		 /* the first bad line ends the input */
	const char *report;	 /* Shadowserver report type; NULL: from the name */
	const struct shadowserver_schema *schema; /* NULL: the built-in one */
	const struct csvmap *mapping;		  /* needed for FEED_CSV */
	bool raw;				  /* Shadowserver, CSV: add raw */
	int64_t observation; /* time.observation where the input has none; 0: now */
	/* Told about what is odd but not wrong ("NAME:LINE: ..."): a
	 * Shadowserver header without a column the schema requires. */
	void (*warn)(void *arg, const char *message);
	void *warn_arg;
};

struct feed_counts {
	unsigned long lines;	/* lines read */
	unsigned long events;	/* events given out */
	unsigned long rejected; /* bad lines (a bad header counts as one) */
};

/* "shadowserver", "intelmq", "csv" (also "auto"); 0 or SK_EINVAL. */
int feed_format_parse(const char *text, enum feed_format *out);
/* The name of a format; static. */
const char *feed_format_name(enum feed_format format);

/* The format of a file called name: CSV with a mapping, Shadowserver with
 * a report type, IntelMQ for *.json, *.jsonl and *.ndjson, Shadowserver
 * for a name of IntelMQ's Shadowserver form (2019-01-01-scan_ntp-x.csv,
 * scan_ntp.csv). FEED_AUTO if it cannot tell ("-", other names). */
enum feed_format feed_guess(const char *name, const struct feed_options *opt);

/* A reader of in; name (a file name, "-") starts every error message and
 * may give the format and the report type. in, name and what opt points
 * to are borrowed and must outlive the reader; opt is copied. NULL with
 * err: SK_EUSAGE if the format (or report type) cannot be told, SK_EINVAL
 * for an unknown report type or a CSV without a mapping. Caller frees
 * with feed_close(). */
struct feed_reader *feed_open(FILE *in, const char *name, const struct feed_options *opt,
			      struct sk_error *err);

/* Read the next event. Returns 1 with *ev pointing at the reader's event
 * (the caller may change it; valid until the next call), 0 at the end of
 * the input, SK_EINVAL or SK_ETOOBIG for a bad line with err
 * "NAME:LINE: reason", SK_EIO if reading failed. After a bad line the
 * next call reads the line after it, unless the reader is strict or the
 * line was the header: then, as after SK_EIO, every later call returns 0.
 * *ev is written only when 1 is returned. */
int feed_read(struct feed_reader *r, struct event **ev, struct sk_error *err);

/* The counts so far. */
void feed_counts(const struct feed_reader *r, struct feed_counts *out);
/* The format being read. */
enum feed_format feed_reader_format(const struct feed_reader *r);

/* Free the reader (NULL is fine); does not close its FILE. */
void feed_close(struct feed_reader *r);

#endif
