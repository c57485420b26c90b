/* feed/intelmq.h: a streaming reader of IntelMQ events written as JSON
 * lines (one flat object a line, dotted harmonization keys such as
 * "source.ip" and "extra.foo") into struct event.
 *
 * Parses outside input. Limits: INTELMQ_LINE_MAX (64 KiB) bytes in a
 * line, not counting its newline; the limits of model/event.h on each
 * event. */
#ifndef SK_FEED_INTELMQ_H
#define SK_FEED_INTELMQ_H

#include <stddef.h>
#include <stdio.h>

struct event;
struct sk_error;
struct intelmq_reader;

#define INTELMQ_LINE_MAX (64 * 1024)

/* A reader of in; name (a file name, "-") starts every error message.
 * in and name are borrowed and must outlive the reader. The reader reads
 * in's file descriptor directly when it has one (in large blocks, taking
 * what has arrived, so that a pipe's events are handled as they come);
 * do not read in otherwise while the reader is in use. Caller frees
 * with intelmq_reader_free(). */
struct intelmq_reader *intelmq_reader_new(FILE *in, const char *name);

/* Read the next event into ev (initialized with event_init). Returns 1
 * with an event, 0 at the end of input, SK_EINVAL (or SK_ETOOBIG for a
 * line or event over a limit) for a bad line, with err "NAME:LINE:
 * reason", or SK_EIO if reading failed. After a bad line the next call
 * reads the line after it. ev is written only when 1 is returned. Empty
 * lines are skipped. */
int intelmq_read(struct intelmq_reader *r, struct event *ev, struct sk_error *err);

/* intelmq_read() without its copy, for a caller that keeps many events
 * (a batch): the line is parsed straight into ev, which therefore also
 * changes when the line is bad (it then holds a partial event, to be
 * thrown away). */
int intelmq_read_into(struct intelmq_reader *r, struct event *ev, struct sk_error *err);

/* Longest line intelmq_parse() takes: an event as the store keeps it
 * (written by event_to_json, so longer than the line it was read from). */
#define INTELMQ_STORED_MAX (1024 * 1024)

/* Parse one line (no newline needed) into ev, as intelmq_read() would:
 * 0, or SK_EINVAL with the reason in err (then ev holds a partial event,
 * to be thrown away). For events read back from the store. */
int intelmq_parse(const char *line, size_t len, struct event *ev, struct sk_error *err);

/* Free the reader (NULL is fine); does not close its FILE. */
void intelmq_reader_free(struct intelmq_reader *r);

#endif
