/* cmd/cli_alert.c: schakel alert list|ack|calllist|call|escalate: the
 * alerts of urgent advisories as the duty officer handles them
 * (advisory/alert.h). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisory/alert.h"
#include "advisory/workflow.h"
#include "cmd/cli.h"
#include "lib/error.h"
#include "lib/str.h"
#include "lib/xalloc.h"

static int alert_id(struct cli *c, const char *text, int64_t *id)
{
	if (str_to_i64(text, 1, INT64_MAX, id) != 0)
		return cli_usage_error(c, "'%s' is not an alert id", text);
	return 0;
}

struct list_ctx {
	json_t *arr;
	struct cli_table *t;
};

static int list_row(const struct store_alert *a, void *ctx)
{
	struct list_ctx *l = ctx;
	char id[24], step[16], secs[24] = "";
	int64_t s = alert_ack_seconds(a);

	snprintf(id, sizeof(id), "%lld", (long long)a->id);
	snprintf(step, sizeof(step), "%d", a->step + 1);
	if (s >= 0)
		snprintf(secs, sizeof(secs), "%llds", (long long)s);
	cli_table_add(l->t, (const char *const[]){id, a->number, a->org_name, a->state, step,
						  a->sent_at, a->ack_how, secs});
	json_array_append_new(l->arr, alert_json(a));
	return 0;
}

int cli_alert_list(struct cli *c, int argc, char **argv)
{
	static const char *const heads[] = {"ID",   "ADVISORY", "ORG", "STATE",
					    "STEP", "SENT",	"HOW", "TO ACK"};
	struct cli_opt opts[] = {{"advisory", true}, {NULL}};
	struct list_ctx l = {0};
	char *pos[1] = {0};
	int64_t adv = 0;
	struct user u;
	int npos = 0, rc;

	if ((rc = cli_parse(c, argc, argv, opts, 0, 0, pos, &npos)) != CLI_GO)
		goto out;
	if ((rc = cli_open(c)) != 0)
		goto out;
	if (cli_opt_get(opts, "advisory")->count > 0 &&
	    advisory_ref(c->st, cli_opt_get(opts, "advisory")->arg, &adv, &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	cli_operator(&u);
	l.arr = json_array();
	l.t = cli_table_new(8, heads);
	if (alert_list(c->st, &u, adv, list_row, &l, &c->err) != 0)
		rc = cli_fail(c);
	else
		rc = cli_print_list(c, &l.arr, l.t, "no alerts");
	json_decref(l.arr);
	cli_table_free(l.t);
out:
	cli_opts_free(opts);
	return rc;
}

int cli_alert_ack(struct cli *c, int argc, char **argv)
{
	struct cli_opt opts[] = {{"how", true}, {"notes", true}, {NULL}};
	const char *how, *notes;
	char *pos[2] = {0};
	struct user u;
	int64_t id;
	int npos = 0, rc;

	if ((rc = cli_parse(c, argc, argv, opts, 1, 1, pos, &npos)) != CLI_GO)
		goto out;
	how = cli_opt_get(opts, "how")->count ? cli_opt_get(opts, "how")->arg : "phone";
	notes = cli_opt_get(opts, "notes")->arg;
	if ((rc = alert_id(c, pos[0], &id)) != 0 || (rc = cli_open(c)) != 0)
		goto out;
	cli_operator(&u);
	if (alert_ack(c->st, &u, id, how, &c->err) != 0 ||
	    (notes != NULL && alert_call(c->st, &u, id, true, "", notes, &c->err) != 0))
		rc = cli_fail(c);
	else if (c->json)
		rc = cli_print_json(
		    json_pack("{s:I,s:s}", "alert", (json_int_t)id, "state", "acknowledged"));
	else
		printf("acknowledged: alert %lld\n", (long long)id);
out:
	cli_opts_free(opts);
	return rc;
}

int cli_alert_call(struct cli *c, int argc, char **argv)
{
	struct cli_opt opts[] = {{"reached", true}, {"who", true}, {"notes", true}, {NULL}};
	const char *reached;
	char *pos[2] = {0};
	struct user u;
	int64_t id;
	int npos = 0, rc;

	if ((rc = cli_parse(c, argc, argv, opts, 1, 1, pos, &npos)) != CLI_GO)
		goto out;
	reached = cli_opt_get(opts, "reached")->arg;
	if (reached == NULL || (strcmp(reached, "yes") != 0 && strcmp(reached, "no") != 0)) {
		rc = cli_usage_error(c, "say --reached yes or --reached no");
		goto out;
	}
	if ((rc = alert_id(c, pos[0], &id)) != 0 || (rc = cli_open(c)) != 0)
		goto out;
	cli_operator(&u);
	if (alert_call(c->st, &u, id, reached[0] == 'y', cli_opt_get(opts, "who")->arg,
		       cli_opt_get(opts, "notes")->arg, &c->err) != 0)
		rc = cli_fail(c);
	else if (c->json)
		rc = cli_print_json(json_pack("{s:I,s:b}", "alert", (json_int_t)id, "reached",
					      reached[0] == 'y'));
	else
		printf("call recorded: alert %lld\n", (long long)id);
out:
	cli_opts_free(opts);
	return rc;
}

struct callee_ctx {
	struct cli *c;
	json_t *arr;
	struct cli_table *t;
};

static int callee_row(const struct alert_callee *e, void *ctx)
{
	struct callee_ctx *x = ctx;
	json_t *calls = NULL, *last;
	char id[24];
	int rc;

	if ((rc = alert_calls_json(x->c->st, e->alert.id, &calls, &x->c->err)) != 0)
		return rc;
	last = json_array_get(calls, json_array_size(calls) - 1);
	snprintf(id, sizeof(id), "%lld", (long long)e->alert.id);
	cli_table_add(
	    x->t, (const char *const[]){
		      id, e->alert.org_name, e->class_name, e->alert.state, e->phones,
		      last ? (json_is_true(json_object_get(last, "reached")) ? "reached"
									     : "not reached")
			   : "",
		      last ? json_string_value(json_object_get(last, "who")) : "",
		      last ? json_string_value(json_object_get(last, "at")) : "",
		      last ? json_string_value(json_object_get(last, "by")) : "",
		      last ? json_string_value(json_object_get(last, "notes")) : ""});
	json_array_append_new(x->arr, json_pack("{s:o,s:s,s:s,s:o}", "alert",
						alert_json(&e->alert), "class", e->class_name,
						"phones", e->phones, "calls", calls));
	return 0;
}

int cli_alert_calllist(struct cli *c, int argc, char **argv)
{
	static const char *const heads[] = {"ALERT", "ORG", "CLASS", "STATE", "24X7 PHONES",
					    "CALL",  "WHO", "WHEN",  "BY",    "NOTES"};
	struct cli_opt opts[] = {{NULL}};
	struct callee_ctx x = {.c = c};
	char *pos[2] = {0};
	struct user u;
	int64_t adv;
	int npos = 0, rc;

	if ((rc = cli_parse(c, argc, argv, opts, 1, 1, pos, &npos)) != CLI_GO)
		goto out;
	if ((rc = cli_open(c)) != 0)
		goto out;
	if (advisory_ref(c->st, pos[0], &adv, &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	cli_operator(&u);
	x.arr = json_array();
	x.t = cli_table_new(10, heads);
	if (alert_calllist(c->st, &u, adv, callee_row, &x, &c->err) != 0)
		rc = cli_fail(c);
	else
		rc = cli_print_list(c, &x.arr, x.t, "nobody to call: every alert acknowledged");
	json_decref(x.arr);
	cli_table_free(x.t);
out:
	cli_opts_free(opts);
	return rc;
}

int cli_alert_escalate(struct cli *c, int argc, char **argv)
{
	struct cli_opt opts[] = {{NULL}};
	struct delivery_settings ds;
	char *pos[1] = {0};
	size_t esc = 0, called = 0;
	int npos = 0, rc;

	if ((rc = cli_parse(c, argc, argv, opts, 0, 0, pos, &npos)) != CLI_GO)
		goto out;
	if ((rc = cli_open(c)) != 0)
		goto out;
	if (delivery_settings_load(c->cfg, &ds, &c->err) != 0 ||
	    alert_escalate(c->st, &ds, &esc, &called, &c->err) != 0)
		rc = cli_fail(c);
	else if (c->json)
		rc = cli_print_json(json_pack("{s:I,s:I}", "escalated", (json_int_t)esc,
					      "calllist", (json_int_t)called));
	else
		printf("escalated: %zu, to the calling list: %zu\n", esc, called);
out:
	cli_opts_free(opts);
	return rc;
}
