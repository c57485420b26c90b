/* cmd/cli_stats.c: schakel stats ingest and schakel stats orgs: what was
 * ingested by day and feed, and the events each organization received.
 * Thin: route/stats.h counts, as for GET /api/v1/stats/... */
#include "cmd/cli.h"

#include <stdio.h>
#include <stdlib.h>

#include "access/access.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "route/stats.h"

typedef int (*stats_fn)(struct store *st, const struct user *u, int days, int64_t now,
			json_t **out, struct sk_error *err);

/* One row of item v into t: the members of keys, numbers as text. */
static void table_row(struct cli_table *t, json_t *v, const char *const *keys, int n)
{
	char num[4][24];
	const char *cells[4];

	for (int i = 0; i < n; i++) {
		json_t *m = json_object_get(v, keys[i]);

		if (json_is_integer(m)) {
			snprintf(num[i], sizeof(num[i]), "%lld",
				 (long long)json_integer_value(m));
			cells[i] = num[i];
		} else {
			cells[i] = json_string_value(m) ? json_string_value(m) : "-";
		}
	}
	cli_table_add(t, cells);
}

/* schakel stats ingest|orgs [--days N]: the items of fn as a table with
 * heads (the members keys) or as JSON. */
static int stats_run(struct cli *c, int argc, char **argv, stats_fn fn,
		     const char *const *heads, const char *const *keys, int n)
{
	struct cli_opt opts[] = {{"days", true}, {NULL}};
	struct cli_opt *days_opt = cli_opt_get(opts, "days");
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	struct cli_table *t = NULL;
	int64_t days = STATS_DAYS_DEFAULT;
	json_t *items = NULL, *v;
	int npos = 0, rc;
	size_t i;

	rc = cli_parse(c, argc, argv, opts, 0, 0, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	if (days_opt->count > 0 && str_to_i64(days_opt->arg, 1, STATS_DAYS_MAX, &days) != 0) {
		rc = cli_usage_error(c, "--days must be a number from 1 to %d", STATS_DAYS_MAX);
		goto out;
	}
	if ((rc = cli_open(c)) != 0)
		goto out;
	if (fn(c->st, access_local_operator(), (int)days, (int64_t)str_time_now(), &items,
	       &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	if (!c->json) {
		t = cli_table_new(n, heads);
		json_array_foreach(items, i, v) table_row(t, v, keys, n);
	}
	rc = cli_print_list(c, &items, t, "no events received in that time");
out:
	json_decref(items);
	cli_table_free(t);
	free(pos);
	return rc;
}

int cli_stats_ingest(struct cli *c, int argc, char **argv)
{
	static const char *const heads[] = {"DAY", "FEED", "EVENTS", "RECIPIENTS"};
	static const char *const keys[] = {"day", "feed", "events", "recipients"};

	return stats_run(c, argc, argv, stats_ingest, heads, keys, 4);
}

int cli_stats_orgs(struct cli *c, int argc, char **argv)
{
	static const char *const heads[] = {"ORG", "ID", "EVENTS", "LAST"};
	static const char *const keys[] = {"org", "org_id", "events", "last"};

	return stats_run(c, argc, argv, stats_orgs, heads, keys, 4);
}
