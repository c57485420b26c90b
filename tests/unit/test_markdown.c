/* tests/unit/test_markdown.c: the public pages' Markdown renderer: what
 * each construct becomes, that raw HTML and unsafe links never pass, and
 * that the output is well-formed XML whatever the input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "lib/markdown.h"

static char *render(const char *md)
{
	struct buf out;

	buf_init(&out, 1 << 20);
	assert_int_equal(markdown_render(md, strlen(md), &out), 0);
	return buf_take(&out);
}

static void expect(const char *md, const char *html)
{
	char *got = render(md);

	assert_string_equal(got, html);
	free(got);
}

/* Every tag opened is closed in order: a small stack check of the
 * output (the renderer writes no void elements). */
static void well_formed(const char *html)
{
	char stack[64][16];
	size_t depth = 0;

	for (const char *p = html; (p = strchr(p, '<')) != NULL; p++) {
		const char *end = strchr(p, '>');
		char name[16] = "";
		bool closing = p[1] == '/';
		size_t n = 0;

		assert_non_null(end);
		for (const char *q = p + 1 + closing; q < end && *q != ' ' && n < 15; q++)
			name[n++] = *q;
		name[n] = '\0';
		if (closing) {
			assert_true(depth > 0);
			assert_string_equal(stack[--depth], name);
		} else {
			assert_true(depth < 64);
			snprintf(stack[depth++], sizeof(stack[0]), "%s", name);
		}
	}
	assert_int_equal(depth, 0);
}

static void test_blocks(void **state)
{
	(void)state;
	expect("# Title\n\nOne\ntwo.\n", "<h2>Title</h2>\n<p>One\ntwo.</p>\n");
	expect("- a\n- b\n\n1. x\n2. y\n",
	       "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<ol>\n<li>x</li>\n"
	       "<li>y</li>\n</ol>\n");
	expect("```\n<b>x</b>\n```\n", "<pre><code>&lt;b&gt;x&lt;/b&gt;\n</code></pre>\n");
	expect("    code *x*\n", "<pre><code>code *x*\n</code></pre>\n");
	expect("###### six", "<h6>six</h6>\n");
}

static void test_inline(void **state)
{
	(void)state;
	expect("*em* **strong** `a<b`", "<p><em>em</em> <strong>strong</strong> "
					"<code>a&lt;b</code></p>\n");
	expect("file_name_here", "<p>file_name_here</p>\n");
	expect("\\*not\\*", "<p>*not*</p>\n");
	expect("a * b", "<p>a * b</p>\n");
	expect(
	    "[site](https://example.org/?a=1&b=2)",
	    "<p><a href=\"https://example.org/?a=1&amp;b=2\" rel=\"nofollow noopener\">site</a>"
	    "</p>\n");
	expect(
	    "[mail](mailto:cert@example.org)",
	    "<p><a href=\"mailto:cert@example.org\" rel=\"nofollow noopener\">mail</a></p>\n");
}

static void test_unsafe(void **state)
{
	(void)state;
	expect("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n");
	expect("[x](javascript:alert(1))", "<p>x)</p>\n");
	expect("[x](JavaScript:alert)", "<p>x</p>\n");
	expect("[x](data:text/html,hi)", "<p>x</p>\n");
	expect(
	    "[a\"b](https://e.org/\"onclick=)",
	    "<p><a href=\"https://e.org/&quot;onclick=\" rel=\"nofollow noopener\">a&quot;b</a>"
	    "</p>\n");
	expect("[[x](https://a.org)](https://b.org)",
	       "<p><a href=\"https://a.org\" rel=\"nofollow "
	       "noopener\">[x</a>](https://b.org)</p>\n");
}

static void test_well_formed(void **state)
{
	static const char *const inputs[] = {
	    "**a *b** c*",
	    "*a **b* c**",
	    "__a_ b__",
	    "[*a](https://x.org) b*",
	    "`*a` b*",
	    "***x***",
	    "- *a\n- b*",
	    "# *x\ny*",
	    "[a](https://x)**[b](http://y)**",
	    "**********",
	    "_a _b _c d_ e_ f_",
	    "[[[[[]]]]](http://x)",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		char *html = render(inputs[i]);

		well_formed(html);
		free(html);
	}
}

static void test_cap(void **state)
{
	struct buf out;

	(void)state;
	buf_init(&out, 16);
	assert_int_equal(markdown_render("a long paragraph of text", 24, &out), SK_ETOOBIG);
	buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_blocks), cmocka_unit_test(test_inline),
	    cmocka_unit_test(test_unsafe), cmocka_unit_test(test_well_formed),
	    cmocka_unit_test(test_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
