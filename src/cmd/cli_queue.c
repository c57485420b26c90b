/* cmd/cli_queue.c: schakel queue, the duty officer's view: open tickets
 * by priority and the due time of their next SLA clock. Thin: the work
 * is in ticket/. */
#include "cmd/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/common.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "model/ticket.h"
#include "model/user.h"
#include "store/store.h"
#include "ticket/intake.h"
#include "ticket/sla.h"
#include "ticket/view.h"
#include "ticket/workflow.h"

#define LIST_DEFAULT 50
#define LIST_MAX     100000

struct queue_out {
	json_t *a;
	struct cli_table *t;
	const struct sla_config *sla;
	int64_t now;
};

static int queue_row(const struct ticket *t, void *ctx)
{
	struct queue_out *o = ctx;
	char id[24], pri[8], due[21] = "-", left[24] = "-", breached[64] = "";
	struct ticket_clocks c;

	if (o->a != NULL) {
		json_array_append_new(o->a, ticket_view_queued(t, o->sla, o->now));
		return 0;
	}
	ticket_view_clocks(t, o->sla, o->now, &c);
	for (int k = 0; k < SLA_CLOCK_COUNT; k++)
		if (c.breached[k])
			snprintf(breached + strlen(breached),
				 sizeof(breached) - strlen(breached), "%s%s",
				 breached[0] ? ", " : "", sla_clock_names[k]);
	snprintf(id, sizeof(id), "#%lld", (long long)t->id);
	snprintf(pri, sizeof(pri), "P%d", t->priority);
	if (c.next != NULL) {
		str_time_iso((time_t)c.due, due);
		sla_format_left(c.left, left, sizeof(left));
	}
	cli_table_add(o->t,
		      (const char *[]){pri, id, c.next ? c.next : "-", due, left,
				       breached[0] ? breached : "-", t->class, t->coverage,
				       t->status, t->owner[0] ? t->owner : "-", t->subject});
	return 0;
}

int cli_queue(struct cli *c, int argc, char **argv)
{
	static const char *const heads[] = {"PRI",    "TICKET",	  "NEXT",   "DUE",
					    "LEFT",   "BREACHED", "CLASS",  "HOURS",
					    "STATUS", "OWNER",	  "SUBJECT"};
	struct cli_opt opts[] = {{"limit", true}, {"owner", true}, {"class", true}, {NULL}};
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	struct store_ticket_filter f = {
	    .open_only = true, .type = -1, .queue_order = true, .limit = LIST_DEFAULT};
	struct queue_out o = {0};
	struct intake_config ic;
	bool have_ic = false;
	struct user u;
	int64_t limit;
	int npos = 0, rc;

	rc = cli_parse(c, argc, argv, opts, 0, 0, pos, &npos);
	if (rc != CLI_GO || (rc = cli_ticket_filter(c, opts, &f)) != CLI_GO)
		goto out;
	if (cli_opt_get(opts, "limit")->count > 0) {
		if (str_to_i64(cli_opt_get(opts, "limit")->arg, 0, LIST_MAX, &limit) != 0) {
			rc = cli_usage_error(c, "--limit must be a number from 0 to %d",
					     LIST_MAX);
			goto out;
		}
		f.limit = (size_t)limit;
	}
	if ((rc = cli_open(c)) != 0)
		goto out;
	if (intake_config_read(c->cfg, &ic, &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	have_ic = true;
	o.sla = &ic.sla;
	o.now = (int64_t)str_time_now();
	if (c->json)
		o.a = json_array();
	else
		o.t = cli_table_new(11, heads);
	cli_operator(&u);
	if (ticket_list(c->st, &u, &f, queue_row, &o, &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	rc = cli_print_list(c, &o.a, o.t, "no open tickets");
out:
	if (have_ic)
		intake_config_free(&ic);
	json_decref(o.a);
	cli_table_free(o.t);
	cli_opts_free(opts);
	free(pos);
	return rc;
}
