/* tests/unit/test_csv.c: the CSV reader reads what Python's csv module
 * reads with IntelMQ's settings, to the same values (quotes, doubled
 * quotes, text after a closing quote, line breaks in quotes, LF, CRLF and
 * CR, a quoted field open at the end; compared with python3 itself on
 * written and random inputs), with the line each record starts on; in
 * IntelMQ's mode NUL bytes go and the white space around the input too; a
 * record over a limit is an error for that record only; records cut by
 * the reader's window or by short reads from a pipe come out whole. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "feed/csv.h"
#include "lib/buf.h"
#include "lib/error.h"

struct reader {
	struct csv_reader *r;
	FILE *f;
	char *text;
};

static void open_text(struct reader *rd, const char *text, size_t len,
		      const struct csv_options *opt)
{
	rd->text = malloc(len + 1);
	assert_non_null(rd->text);
	memcpy(rd->text, text, len);
	rd->f = len > 0 ? fmemopen(rd->text, len, "r") : fopen("/dev/null", "r");
	assert_non_null(rd->f);
	rd->r = csv_reader_new(rd->f, "t.csv", opt);
}

static void close_text(struct reader *rd)
{
	struct csv_record rec;

	assert_int_equal(csv_read(rd->r, &rec, NULL), 0);
	assert_int_equal(csv_read(rd->r, &rec, NULL), 0);
	csv_reader_free(rd->r);
	csv_reader_free(NULL);
	fclose(rd->f);
	free(rd->text);
}

/* The next record must start on line and hold the fields given, up to a
 * NULL. */
static void expect(struct reader *rd, unsigned long line, ...)
{
	struct sk_error err = {0};
	struct csv_record rec;
	const char *want;
	va_list ap;
	size_t i = 0;
	int rc = csv_read(rd->r, &rec, &err);

	if (rc != 1)
		fail_msg("want a record on line %lu, got rc %d: %s", line, rc, err.msg);
	assert_int_equal(rec.line, line);
	va_start(ap, line);
	while ((want = va_arg(ap, const char *)) != NULL) {
		if (i >= rec.n)
			fail_msg("line %lu: %zu fields, want more", line, rec.n);
		if (rec.fields[i].len != strlen(want) ||
		    memcmp(rec.fields[i].text, want, rec.fields[i].len) != 0)
			fail_msg("line %lu field %zu: got '%.*s', want '%s'", line, i,
				 (int)rec.fields[i].len, rec.fields[i].text, want);
		assert_int_equal(rec.fields[i].text[rec.fields[i].len], '\0');
		i++;
	}
	va_end(ap);
	assert_int_equal(rec.n, i);
}

static void expect_error(struct reader *rd, int code, const char *prefix, const char *what)
{
	struct sk_error err = {0};
	struct csv_record rec;
	int rc = csv_read(rd->r, &rec, &err);

	assert_int_equal(rc, code);
	assert_int_equal(err.code, code);
	if (strncmp(err.msg, prefix, strlen(prefix)) != 0 || strstr(err.msg, what) == NULL)
		fail_msg("want '%s...%s', got '%s'", prefix, what, err.msg);
}

#define TEXT(s) s, sizeof(s) - 1

static void test_rfc4180(void **state)
{
	struct reader rd;

	(void)state;
	open_text(&rd,
		  TEXT("\xef\xbb\xbf"
		       "a,b,c\r\n"
		       "1,\"x,y\",\"he said \"\"hi\"\"\"\r\n"
		       "\r\n"
		       "\n"
		       "\"multi\r\nline\",,\"\"\n"
		       ",\n"
		       "\"\"\"\",\"a\"\"\",\"\"\"b\"\n"
		       "x\"y,a\rb,\"c\r\"\n"
		       "last,no newline"),
		  NULL);
	expect(&rd, 1, "a", "b", "c", NULL);
	expect(&rd, 2, "1", "x,y", "he said \"hi\"", NULL);
	expect(&rd, 5, "multi\r\nline", "", "", NULL);
	expect(&rd, 7, "", "", NULL);
	expect(&rd, 8, "\"", "a\"", "\"b", NULL);
	/* a quote in an unquoted field is text; a lone CR ends a line,
	 * inside quotes too, where it is text */
	expect(&rd, 9, "x\"y", "a", NULL);
	expect(&rd, 10, "b", "c\r", NULL);
	expect(&rd, 12, "last", "no newline", NULL);
	assert_int_equal(csv_lines(rd.r), 12);
	close_text(&rd);

	/* NUL bytes stay, with the length telling the truth */
	open_text(&rd, TEXT("a\0b,\"c\0\"\n"), NULL);
	{
		struct csv_record rec;

		assert_int_equal(csv_read(rd.r, &rec, NULL), 1);
		assert_int_equal(rec.n, 2);
		assert_int_equal(rec.fields[0].len, 3);
		assert_memory_equal(rec.fields[0].text, "a\0b", 3);
		assert_int_equal(rec.fields[1].len, 2);
	}
	close_text(&rd);

	/* an empty input, a BOM alone, blank lines alone */
	open_text(&rd, TEXT(""), NULL);
	close_text(&rd);
	open_text(&rd, TEXT("\xef\xbb\xbf"), NULL);
	close_text(&rd);
	open_text(&rd, TEXT("\n\r\n\n\r\r"), NULL);
	close_text(&rd);
	open_text(&rd, TEXT("a\r\rb\r\n\rc"), NULL);
	expect(&rd, 1, "a", NULL);
	expect(&rd, 3, "b", NULL);
	expect(&rd, 5, "c", NULL);
	assert_int_equal(csv_lines(rd.r), 5);
	close_text(&rd);
	/* a CR at the very end ends the record */
	open_text(&rd, TEXT("a,b\r"), NULL);
	expect(&rd, 1, "a", "b", NULL);
	assert_int_equal(csv_lines(rd.r), 1);
	close_text(&rd);
	/* each record as it is in the input, and its line end */
	open_text(&rd, TEXT("a,\"b\nc\"\r\nd\re"), NULL);
	{
		static const char *const text[] = {"a,\"b\nc\"", "d", "e"};
		static const size_t end[] = {2, 1, 0};
		struct csv_record rec;

		for (size_t i = 0; i < 3; i++) {
			assert_int_equal(csv_read(rd.r, &rec, NULL), 1);
			assert_int_equal(rec.len, strlen(text[i]));
			assert_memory_equal(rec.text, text[i], rec.len);
			assert_int_equal(rec.end_len, end[i]);
		}
	}
	close_text(&rd);
	/* a closing quote at the very end */
	open_text(&rd, TEXT("a,\"b\""), NULL);
	expect(&rd, 1, "a", "b", NULL);
	close_text(&rd);
}

static void test_options(void **state)
{
	struct csv_options opt = {.delimiter = ';', .comment = '#'};
	struct reader rd;

	(void)state;
	open_text(&rd, TEXT("# id;url\n1;\"a;b\";c,d\n#2;x\n3;\"#\"\n"), &opt);
	expect(&rd, 2, "1", "a;b", "c,d", NULL);
	expect(&rd, 4, "3", "#", NULL);
	close_text(&rd);
	opt.delimiter = '\t';
	opt.comment = 0;
	open_text(&rd, TEXT("#a\tb\n"), &opt);
	expect(&rd, 1, "#a", "b", NULL);
	close_text(&rd);
}

/* What Python reads without complaint is no error: text after a closing
 * quote, a quoted field open at the end of the input. */
static void test_python_quoting(void **state)
{
	struct reader rd;

	(void)state;
	open_text(&rd,
		  TEXT("a,b\n"
		       "\"abc\"def,x\n"
		       "c,d\n"
		       "\"q\"\"\" x,\"y\nz\"\n"
		       /* a real scan_http value, with backslashes before quotes */
		       "\"Basic realm=\\\"\\\"OpenWebif\\\"\\\"\",e\r\n"
		       "\"open\nfor,ever"),
		  NULL);
	expect(&rd, 1, "a", "b", NULL);
	expect(&rd, 2, "abcdef", "x", NULL);
	expect(&rd, 3, "c", "d", NULL);
	expect(&rd, 4, "q\" x", "y\nz", NULL);
	expect(&rd, 6, "Basic realm=\\\\\"OpenWebif\\\"\\\"\"", "e", NULL);
	expect(&rd, 7, "open\nfor,ever", NULL);
	assert_int_equal(csv_lines(rd.r), 8);
	close_text(&rd);
}

/* IntelMQ's mode: the white space around the input is stripped (up to a
 * NUL byte, which IntelMQ drops after stripping), NUL bytes dropped. */
static void test_intelmq_mode(void **state)
{
	struct csv_options opt = {.intelmq = true};
	struct reader rd;

	(void)state;
	open_text(&rd, TEXT(" \t\n a,b \r\n\"c\0d\",e\0f\n\t \n \n"), &opt);
	expect(&rd, 2, "a", "b ", NULL);
	expect(&rd, 3, "cd", "ef", NULL);
	assert_int_equal(csv_lines(rd.r), 3);
	close_text(&rd);
	open_text(&rd, TEXT("  \0  a,b  \0  "), &opt);
	expect(&rd, 1, "  a", "b  ", NULL);
	close_text(&rd);
	/* without the mode, nothing is stripped and NUL bytes stay */
	open_text(&rd, TEXT(" a \n \n"), NULL);
	expect(&rd, 1, " a ", NULL);
	expect(&rd, 2, " ", NULL);
	close_text(&rd);
	open_text(&rd, TEXT(" a,b\0 "), NULL);
	{
		struct csv_record rec;

		assert_int_equal(csv_read(rd.r, &rec, NULL), 1);
		assert_int_equal(rec.fields[1].len, 3);
	}
	close_text(&rd);
	/* a BOM is skipped, and what follows it is not stripped */
	open_text(&rd, TEXT("\xef\xbb\xbf a\n"), &opt);
	expect(&rd, 1, " a", NULL);
	close_text(&rd);
}

/* Every input tests/unit/csv_python.py writes, read by python3's csv
 * module as IntelMQ reads a report and by schakel's reader in IntelMQ's
 * mode, gives the same records with the same values. */
static void test_python(void **state)
{
	const char *src = getenv("SCHAKEL_SRCDIR");
	struct csv_options opt = {.intelmq = true};
	char cmd[2048], line[1 << 16];
	size_t cases = 0;
	FILE *py;

	(void)state;
	if (src == NULL || system("python3 -c pass >/dev/null 2>&1") != 0)
		skip();
	snprintf(cmd, sizeof(cmd), "python3 '%s/tests/unit/csv_python.py'", src);
	py = popen(cmd, "r");
	assert_non_null(py);
	while (fgets(line, sizeof(line), py) != NULL) {
		json_error_t jerr;
		json_t *c = json_loads(line, JSON_ALLOW_NUL, &jerr), *in, *want, *rec;
		struct reader rd;
		size_t i, k;

		if (c == NULL)
			fail_msg("csv_python.py: %s", jerr.text);
		in = json_object_get(c, "input");
		want = json_object_get(c, "records");
		open_text(&rd, json_string_value(in), json_string_length(in), &opt);
		json_array_foreach(want, i, rec)
		{
			struct sk_error err = {0};
			struct csv_record got;
			json_t *f;
			int rc = csv_read(rd.r, &got, &err);

			if (rc != 1)
				fail_msg("input %s: record %zu: rc %d %s", json_dumps(in, 0), i,
					 rc, err.msg);
			if (got.n != json_array_size(rec))
				fail_msg("input %s: record %zu has %zu fields, python %zu",
					 json_dumps(in, 0), i, got.n, json_array_size(rec));
			json_array_foreach(rec, k, f)
			{
				if (got.fields[k].len != json_string_length(f) ||
				    memcmp(got.fields[k].text, json_string_value(f),
					   got.fields[k].len) != 0)
					fail_msg("input %s: record %zu field %zu: '%.*s', "
						 "python %s",
						 json_dumps(in, 0), i, k,
						 (int)got.fields[k].len, got.fields[k].text,
						 json_dumps(f, JSON_ENCODE_ANY));
			}
		}
		close_text(&rd); /* and no record more */
		json_decref(c);
		cases++;
	}
	assert_int_equal(pclose(py), 0);
	assert_true(cases > 1000);
}

static void test_errors(void **state)
{
	struct buf in;
	struct reader rd;

	(void)state;
	/* a record over the limit, quoted and not, and one at the limit */
	buf_init(&in, 1 << 24);
	buf_append_str(&in, "start\n\"");
	for (int i = 0; i < CSV_RECORD_MAX; i++)
		buf_append_char(&in, i % 100 == 0 ? '\n' : 'x');
	buf_append_str(&in, "\"\nmiddle\n");
	for (int i = 0; i < 3 * CSV_RECORD_MAX; i++)
		buf_append_char(&in, 'y');
	buf_append_str(&in, "\n");
	for (int i = 0; i < CSV_RECORD_MAX - 2; i++)
		buf_append_char(&in, 'z');
	buf_append_str(&in, ",q\r\nend\n");
	open_text(&rd, in.data, in.len, NULL);
	expect(&rd, 1, "start", NULL);
	expect_error(&rd, SK_ETOOBIG, "t.csv:2: ", "longer than 65536 bytes");
	expect(&rd, 659, "middle", NULL);
	expect_error(&rd, SK_ETOOBIG, "t.csv:660: ", "longer than");
	{
		struct csv_record rec;

		assert_int_equal(csv_read(rd.r, &rec, NULL), 1);
		assert_int_equal(rec.line, 661);
		assert_int_equal(rec.n, 2);
		assert_int_equal(rec.fields[0].len, CSV_RECORD_MAX - 2);
	}
	expect(&rd, 662, "end", NULL);
	close_text(&rd);

	/* CSV_COLUMNS_MAX fields, then one more */
	buf_reset(&in);
	for (int i = 0; i < CSV_COLUMNS_MAX; i++)
		buf_append_str(&in, i ? ",f" : "f");
	buf_append_str(&in, "\n");
	for (int i = 0; i <= CSV_COLUMNS_MAX; i++)
		buf_append_str(&in, i ? ",f" : "f");
	buf_append_str(&in, "\nok\n");
	open_text(&rd, in.data, in.len, NULL);
	{
		struct csv_record rec;

		assert_int_equal(csv_read(rd.r, &rec, NULL), 1);
		assert_int_equal(rec.n, CSV_COLUMNS_MAX);
	}
	expect_error(&rd, SK_ETOOBIG, "t.csv:2: ", "more than 512 fields");
	expect(&rd, 3, "ok", NULL);
	close_text(&rd);
	buf_free(&in);
}

/* Record i of the big input. */
static void big_record(struct buf *b, int i)
{
	buf_printf(b, "%d,", i);
	if (i % 7 == 0)
		buf_printf(b, "\"q\"\"%d\nnext\"", i);
	else
		for (int k = 0; k < i % 211; k++)
			buf_append_char(b, (char)('a' + k % 26));
	buf_append_str(b, i % 3 == 0 ? "\r\n" : "\n");
}

static void check_big(struct csv_reader *r, int count)
{
	struct csv_record rec;
	struct buf want;
	unsigned long line = 1;
	int i;

	buf_init(&want, 1 << 20);
	for (i = 0; i < count; i++) {
		struct sk_error err = {0};
		char num[16];
		int rc = csv_read(r, &rec, &err);

		if (rc != 1)
			fail_msg("record %d: rc %d: %s", i, rc, err.msg);
		assert_int_equal(rec.line, line);
		assert_int_equal(rec.n, 2);
		snprintf(num, sizeof(num), "%d", i);
		assert_string_equal(rec.fields[0].text, num);
		buf_reset(&want);
		if (i % 7 == 0) {
			buf_printf(&want, "q\"%d\nnext", i);
			line++;
		} else {
			for (int k = 0; k < i % 211; k++)
				buf_append_char(&want, (char)('a' + k % 26));
		}
		assert_int_equal(rec.fields[1].len, want.len);
		assert_memory_equal(rec.fields[1].text, buf_str(&want), want.len);
		line++;
	}
	assert_int_equal(csv_read(r, &rec, NULL), 0);
	assert_int_equal(csv_lines(r), line - 1);
	buf_free(&want);
}

/* Some megabytes: records cross the reader's window many times. */
static void test_big(void **state)
{
	const int count = 60000;
	struct buf in;
	struct reader rd;

	(void)state;
	buf_init(&in, 1 << 26);
	for (int i = 0; i < count; i++)
		big_record(&in, i);
	open_text(&rd, in.data, in.len, NULL);
	check_big(rd.r, count);
	close_text(&rd);
	buf_free(&in);
}

/* The same through a pipe written in small pieces: reads come short. */
static void test_short_reads(void **state)
{
	const int count = 20000;
	struct csv_reader *r;
	struct buf in;
	int fds[2], status;
	pid_t pid;
	FILE *f;

	(void)state;
	buf_init(&in, 1 << 26);
	for (int i = 0; i < count; i++)
		big_record(&in, i);
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		for (size_t off = 0; off < in.len; off += 7)
			if (write(fds[1], in.data + off, in.len - off < 7 ? in.len - off : 7) <
			    0)
				_exit(1);
		_exit(0);
	}
	close(fds[1]);
	f = fdopen(fds[0], "r");
	assert_non_null(f);
	setvbuf(f, NULL, _IONBF, 0);
	r = csv_reader_new(f, "pipe", NULL);
	check_big(r, count);
	csv_reader_free(r);
	fclose(f);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	buf_free(&in);
}

static void test_helpers(void **state)
{
	struct csv_field f[3] = {{"a", 1}, {"b\"c", 3}, {"", 0}}, pad[5];
	struct csv_record rec = {f, 3, 7}, out;
	const struct csv_record *p;
	struct buf b;
	char *name;

	(void)state;
	buf_init(&b, 16);
	assert_int_equal(csv_join(&b, f, 3), 0);
	assert_string_equal(buf_str(&b), "\"a\",\"b\"\"c\",\"\"\n");
	assert_int_equal(csv_join(&b, f, 3), SK_ETOOBIG);
	assert_string_equal(buf_str(&b), "\"a\",\"b\"\"c\",\"\"\n");
	buf_free(&b);

	p = csv_pad(&rec, 5, pad, &out);
	assert_ptr_equal(p, &out);
	assert_int_equal(out.n, 5);
	assert_int_equal(out.line, 7);
	assert_string_equal(out.fields[1].text, "b\"c");
	assert_int_equal(out.fields[4].len, 0);
	assert_string_equal(out.fields[4].text, "");

	name = csv_extra_name("Src IP.x", 8, false);
	assert_string_equal(name, "extra.src_ip_x");
	free(name);
	name = csv_extra_name("source..naics.", 14, true);
	assert_string_equal(name, "extra.source.naics");
	free(name);
	assert_null(csv_extra_name("", 0, false));
	assert_null(csv_extra_name("...", 3, true));
	{
		char longname[200];

		memset(longname, 'a', sizeof(longname));
		assert_null(csv_extra_name(longname, sizeof(longname), false));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc4180),	   cmocka_unit_test(test_options),
	    cmocka_unit_test(test_errors),	   cmocka_unit_test(test_big),
	    cmocka_unit_test(test_short_reads),	   cmocka_unit_test(test_helpers),
	    cmocka_unit_test(test_python_quoting), cmocka_unit_test(test_intelmq_mode),
	    cmocka_unit_test(test_python),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
