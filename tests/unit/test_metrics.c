/* tests/unit/test_metrics.c: the Prometheus text format of lib/metrics.c:
 * families, escaped label values, cumulative histogram buckets with
 * +Inf, _sum and _count, and the process counters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "lib/metrics.h"

static void test_sample(void **state)
{
	const char *labels[] = {"feed", "a \"quoted\" \\ feed\nname", "kind", "x", NULL};
	struct buf b;

	(void)state;
	buf_init(&b, 4096);
	assert_int_equal(metrics_family(&b, "schakel_x_total", "counter", "Things."), 0);
	assert_int_equal(metrics_sample(&b, "schakel_x_total", labels, 42), 0);
	assert_int_equal(metrics_sample(&b, "schakel_x_total", NULL, -1), 0);
	assert_string_equal(
	    buf_str(&b),
	    "# HELP schakel_x_total Things.\n"
	    "# TYPE schakel_x_total counter\n"
	    "schakel_x_total{feed=\"a \\\"quoted\\\" \\\\ feed\\nname\",kind=\"x\"} 42\n"
	    "schakel_x_total -1\n");
	buf_free(&b);
}

static void test_histogram(void **state)
{
	static struct metrics_histogram h;
	const char *labels[] = {"route", "/metrics", NULL};
	struct buf b;

	(void)state;
	metrics_observe(&h, 0.0005); /* le 0.001 */
	metrics_observe(&h, 0.001);  /* le 0.001: bounds are inclusive */
	metrics_observe(&h, 0.3);    /* le 0.5 */
	metrics_observe(&h, 60);     /* +Inf only */
	buf_init(&b, 8192);
	assert_int_equal(metrics_histogram_write(&b, "schakel_t_seconds", labels, &h), 0);
	assert_non_null(strstr(buf_str(&b), "schakel_t_seconds_bucket{route=\"/metrics\","
					    "le=\"0.001\"} 2\n"));
	assert_non_null(strstr(buf_str(&b), "schakel_t_seconds_bucket{route=\"/metrics\","
					    "le=\"0.25\"} 2\n"));
	assert_non_null(strstr(buf_str(&b), "schakel_t_seconds_bucket{route=\"/metrics\","
					    "le=\"0.5\"} 3\n"));
	assert_non_null(strstr(buf_str(&b), "schakel_t_seconds_bucket{route=\"/metrics\","
					    "le=\"10\"} 3\n"));
	assert_non_null(strstr(buf_str(&b), "schakel_t_seconds_bucket{route=\"/metrics\","
					    "le=\"+Inf\"} 4\n"));
	assert_non_null(strstr(buf_str(&b), "schakel_t_seconds_sum{route=\"/metrics\"} "
					    "60.301500\n"));
	assert_non_null(strstr(buf_str(&b), "schakel_t_seconds_count{route=\"/metrics\"} 4\n"));
	buf_free(&b);
}

static void test_counters(void **state)
{
	struct buf b;

	(void)state;
	metrics_count(METRICS_MAIL_SENT, 3);
	metrics_count(METRICS_STORE_ERRORS_TEMPORARY, 1);
	buf_init(&b, 8192);
	assert_int_equal(metrics_counters_write(&b), 0);
	assert_non_null(strstr(buf_str(&b), "\nschakel_mail_sent_total 3\n"));
	assert_non_null(strstr(buf_str(&b),
			       "\nschakel_store_errors_total{kind=\"temporary\"} 1\n"
			       "schakel_store_errors_total{kind=\"io\"} 0\n"));
	/* One HELP and TYPE per family, the labelled one included. */
	assert_non_null(strstr(buf_str(&b), "# TYPE schakel_store_errors_total counter\n"));
	assert_null(strstr(strstr(buf_str(&b), "# TYPE schakel_store_errors_total") + 1,
			   "# TYPE schakel_store_errors_total"));
	buf_free(&b);
}

static void test_full(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 16);
	assert_int_equal(metrics_counters_write(&b), SK_ETOOBIG);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sample),
	    cmocka_unit_test(test_histogram),
	    cmocka_unit_test(test_counters),
	    cmocka_unit_test(test_full),
	};

	return cmocka_run_group_tests_name("metrics", tests, NULL, NULL);
}
