/* feed/csvmap.h: CSV files of any layout read into events through a
 * mapping file that says which column goes to which IntelMQ field:
 *
 *   # Example Blocklist: ip,first seen,asn,reason
 *   [csv]
 *   delimiter = ,            (one character, or "tab"; default ",")
 *   comment = #              (lines starting with it are skipped)
 *   header = yes             (no: columns are named by number, from 1)
 *   time_format = iso        (iso, epoch, epoch_ms or a pattern: %d/%m/%Y %H:%M)
 *   unmapped = extra         (extra: other columns go to extra.<name>; ignore)
 *   [constants]
 *   feed.name = Example Blocklist
 *   classification.type = blacklist
 *   [columns]
 *   ip = source.ip
 *   first seen = time.source
 *   asn = source.asn
 *   reason = extra.reason
 *   comment = ignore
 *
 * One "name = value" a line, names and values trimmed, comments whole
 * lines starting with '#' or ';'. A column name may be quoted ("a=b").
 * Constants are the defaults a non-empty mapped column replaces. See
 * docs/feeds.md.
 *
 * Parses outside input (the mapping and the CSV). Limits: a mapping of
 * CSVMAP_FILE_MAX bytes in lines of CSVMAP_LINE_MAX bytes; the limits of
 * feed/csv.h on each record and of model/event.h on each event. */
#ifndef SK_FEED_CSVMAP_H
#define SK_FEED_CSVMAP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct event;
struct sk_error;
struct csvmap;
struct csvmap_reader;

#define CSVMAP_FILE_MAX (64 * 1024)
#define CSVMAP_LINE_MAX 4096

/* Load a mapping file; errors are "PATH:LINE: reason". Caller frees with
 * csvmap_free(). A file that cannot be opened is SK_ENOTFOUND. */
struct csvmap *csvmap_load(const char *path, struct sk_error *err);
/* The same from an open file; name is used in messages. */
struct csvmap *csvmap_parse(FILE *f, const char *name, struct sk_error *err);
void csvmap_free(struct csvmap *map);

struct csvmap_options {
	const char *feed_name; /* feed.name of every event; NULL: the mapping's */
	int64_t observation;   /* time.observation, seconds since the epoch */
	bool raw;	       /* add raw: base64 of the header and the row */
};

/* A reader of in by map. name (a file name, "-") starts every error
 * message. in, name, map and opt->feed_name are borrowed and must outlive
 * the reader. NULL with err if the events could have no feed.name.
 * Caller frees with csvmap_reader_free(). */
struct csvmap_reader *csvmap_reader_new(FILE *in, const char *name, const struct csvmap *map,
					const struct csvmap_options *opt, struct sk_error *err);

/* Read the next event. Returns 1 with *ev pointing at the reader's event
 * (the caller may change it; valid until the next call), 0 at the end,
 * SK_EINVAL or SK_ETOOBIG for a bad line with err "NAME:LINE: reason",
 * SK_EIO if reading failed. After a bad line the next call reads the next
 * one; after a bad header or a read error every later call returns 0. */
int csvmap_read(struct csvmap_reader *r, struct event **ev, struct sk_error *err);

/* Lines read so far. */
unsigned long csvmap_lines(const struct csvmap_reader *r);

/* Free the reader (NULL is fine); does not close its FILE. */
void csvmap_reader_free(struct csvmap_reader *r);

#endif
