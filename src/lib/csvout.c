/* lib/csvout.c: CSV cells and rows, with formulas defused (see
 * csvout.h). */
#include "lib/csvout.h"

#include <string.h>

#include "lib/buf.h"
#include "lib/error.h"

/* Digits with at most one decimal point between them. */
static bool plain_number(const char *v)
{
	bool digit = false, point = false;

	for (; *v != '\0'; v++) {
		if (*v >= '0' && *v <= '9')
			digit = true;
		else if (*v == '.' && !point && digit)
			point = true;
		else
			return false;
	}
	return digit && v[-1] != '.';
}

bool csvout_is_formula(const char *text)
{
	switch (text[0]) {
	case '=':
	case '+':
	case '@':
	case '\t':
	case '\r':
		return true;
	case '-':
		return !plain_number(text + 1);
	default:
		return false;
	}
}

int csvout_cell(struct buf *b, const char *text, bool first)
{
	size_t n;
	bool formula, quote;
	int rc = first ? 0 : buf_append_char(b, ',');

	if (rc != 0 || text == NULL || *text == '\0')
		return rc;
	n = strlen(text);
	formula = csvout_is_formula(text);
	quote = formula || strpbrk(text, ",;\"\t\r\n") != NULL || text[0] == ' ' ||
		text[n - 1] == ' ';
	if (!quote)
		return buf_append(b, text, n);
	rc = buf_append_str(b, formula ? "\"'" : "\"");
	for (const char *p = text; rc == 0 && *p != '\0'; p++)
		rc = *p == '"' ? buf_append(b, "\"\"", 2) : buf_append_char(b, *p);
	return rc == 0 ? buf_append_char(b, '"') : rc;
}

int csvout_end(struct buf *b)
{
	return buf_append(b, "\r\n", 2);
}

void csvout_row_undo(struct buf *b, size_t len)
{
	if (len > b->len)
		return;
	b->len = len;
	if (b->data != NULL)
		b->data[len] = '\0';
}
