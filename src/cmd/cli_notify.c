/* cmd/cli_notify.c: schakel notify: make the due digests (route/notify.h)
 * and, with --send, hand the queue to the relay at once. */
#include "cmd/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

#include "access/access.h"
#include "lib/xalloc.h"
#include "route/notify.h"

struct report {
	struct cli_table *t;
	json_t *a;
};

static void report_digest(const struct notify_digest *d, void *ctx)
{
	struct report *r = ctx;
	char events[24], id[24];

	snprintf(events, sizeof(events), "%zu", d->events);
	snprintf(id, sizeof(id), "%lld", (long long)d->notification_id);
	if (r->a != NULL) {
		json_t *v = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:s}", "org_id",
				      (json_int_t)d->org_id, "org", d->org_name, "feed",
				      d->feed, "type", d->type, "tlp", tlp_name(d->tlp),
				      "events", (json_int_t)d->events, "rows",
				      (json_int_t)d->rows, "to", d->to, "language", d->lang);

		if (d->notification_id > 0)
			json_object_set_new(v, "notification_id",
					    json_integer(d->notification_id));
		json_array_append_new(r->a, v);
		return;
	}
	cli_table_add(r->t,
		      (const char *[]){d->notification_id ? id : "-", d->org_name, d->feed,
				       d->type, events, tlp_name(d->tlp), d->lang, d->to});
}

int cli_notify(struct cli *c, int argc, char **argv)
{
	static const char *const heads[] = {"ID",     "ORGANIZATION", "FEED", "TYPE",
					    "EVENTS", "TLP",	      "LANG", "TO"};
	struct cli_opt opts[] = {{"dry-run"}, {"send"}, {"all"}, {NULL}};
	bool dry_run;
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	struct report r = {0};
	struct notify_config nc = {0};
	struct notify_stats stats;
	int npos = 0, rc;

	rc = cli_parse(c, argc, argv, opts, 0, 0, pos, &npos);
	dry_run = cli_opt_get(opts, "dry-run")->count > 0;
	if (rc != CLI_GO)
		goto out;
	if (dry_run && cli_opt_get(opts, "send")->count > 0) {
		rc = cli_usage_error(c, "--dry-run and --send exclude each other");
		goto out;
	}
	if ((rc = cli_open(c)) != 0)
		goto out;
	if (notify_config_load(c->cfg, &nc, &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	if (c->json)
		r.a = json_array();
	else
		r.t = cli_table_new(8, heads);
	if (notify_run(c->st, access_local_operator(), &nc, cli_opt_get(opts, "all")->count > 0,
		       dry_run, report_digest, &r, &stats, &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	if (r.a != NULL) {
		json_t *v =
		    json_pack("{s:o, s:I, s:I, s:I, s:I, s:I, s:b}", "digests", r.a, "events",
			      (json_int_t)stats.events, "waiting", (json_int_t)stats.waiting,
			      "no_contact", (json_int_t)stats.no_contact, "failed",
			      (json_int_t)stats.failed, "queued",
			      (json_int_t)(dry_run ? 0 : stats.digests), "dry_run", dry_run);
		r.a = NULL;
		rc = cli_print_json(v);
	} else {
		if (cli_table_rows(r.t) > 0)
			cli_table_print(r.t);
		printf("%s %zu digest%s with %zu events; %zu group%s waiting for its interval; "
		       "%zu "
		       "without a contact\n",
		       dry_run ? "would queue" : "queued", stats.digests,
		       stats.digests == 1 ? "" : "s", stats.events, stats.waiting,
		       stats.waiting == 1 ? "" : "s", stats.no_contact);
		if (stats.failed > 0)
			printf("%zu group%s failed (see the errors above) and wait\n",
			       stats.failed, stats.failed == 1 ? "" : "s");
	}
	if (rc == 0 && cli_opt_get(opts, "send")->count > 0)
		rc = cli_mail_send(c, 0, (char *[]){NULL});
	if (stats.failed > 0)
		rc = cli_exit_worse(rc, EX_DATAERR);
out:
	json_decref(r.a);
	cli_table_free(r.t);
	notify_config_free(&nc);
	cli_opts_free(opts);
	free(pos);
	return rc;
}
