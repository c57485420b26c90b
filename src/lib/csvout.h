/* lib/csvout.h: writing CSV (RFC 4180: ',' between cells, CRLF after a
 * row) that is safe to open in a spreadsheet. The one CSV writer of
 * everything schakel hands out as CSV (digests, API exports): cells hold
 * feed text, and a cell that starts like a formula would run as one on a
 * partner's desk. As OWASP's "CSV Injection" advises, such a cell gets a
 * leading single quote and is quoted. */
#ifndef SK_LIB_CSVOUT_H
#define SK_LIB_CSVOUT_H

#include <stdbool.h>
#include <stddef.h>

struct buf;

/* Would a spreadsheet read text as a formula? True when it starts with
 * '=', '+', '-', '@', a tab or a carriage return; a plain negative
 * number ("-5", "-33.8") is a number, not a formula. */
bool csvout_is_formula(const char *text);

/* Append one cell to b: ',' first unless first is true, then the text,
 * quoted (with quotes doubled) when it holds ',', ';', '"', a tab, CR or
 * LF or begins or ends with a space, and as "'text" when it would be a
 * formula. NULL is an empty cell. 0, or SK_ETOOBIG at b's cap (then the
 * cell may be cut short: callers drop the row; see csvout_row_undo). */
int csvout_cell(struct buf *b, const char *text, bool first);

/* End a row: CRLF. 0 or SK_ETOOBIG. */
int csvout_end(struct buf *b);

/* Cut b back to len bytes (a row that did not fit). */
void csvout_row_undo(struct buf *b, size_t len);

#endif
