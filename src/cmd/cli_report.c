/* cmd/cli_report.c: the partner portal's reports on the command line:
 * an organization's reports, and a report sent as a partner user would
 * send it through the portal. Thin: ticket/report.h does the work. */
#include "cmd/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "lib/buf.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "pgp/pgp.h"
#include "store/store.h"
#include "cmd/common.h"
#include "ticket/intake.h"
#include "ticket/report.h"

struct report_rows {
	json_t *items;
	struct cli_table *t;
};

static int report_row(const struct ticket *t, void *ctx)
{
	struct report_rows *r = ctx;
	char number[24];

	json_array_append_new(r->items, ticket_report_json(t));
	snprintf(number, sizeof(number), "#%lld", (long long)t->id);
	cli_table_add(r->t,
		      (const char *[]){number, t->status, t->created, t->updated, t->subject});
	return 0;
}

int cli_report_list(struct cli *c, int argc, char **argv)
{
	static const char *const heads[] = {"TICKET", "STATUS", "CREATED", "UPDATED",
					    "SUBJECT"};
	struct cli_opt opts[] = {{"org", true}, {NULL}};
	struct report_rows r = {json_array(), cli_table_new(5, heads)};
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	const char *ref;
	struct org org;
	int npos = 0, rc;

	memset(&org, 0, sizeof(org));
	rc = cli_parse(c, argc, argv, opts, 0, 0, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	if ((rc = cli_open(c)) != 0)
		goto out;
	ref = cli_opt_get(opts, "org")->arg;
	if ((ref != NULL && cli_org_find(c, ref, &org) != 0) ||
	    ticket_report_each(c->st, access_local_operator(), org.id, report_row, &r,
			       &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	rc = cli_print_list(c, &r.items, r.t, "no reports");
out:
	json_decref(r.items);
	cli_table_free(r.t);
	org_clear(&org);
	cli_opts_free(opts);
	free(pos);
	return rc;
}

/* The partner user name: its role and organization from the store. */
static int partner_find(struct cli *c, const char *name, struct user *out)
{
	char pwhash[128];
	int rc = store_user_get_by_name(c->st, name, out, pwhash, &c->err);

	if (rc == 0 && out->role != USER_ROLE_PARTNER)
		rc = sk_error_set(&c->err, SK_EINVAL,
				  "user %s is not a partner: reports through the portal come "
				  "from partners (staff open tickets with schakel ticket new)",
				  name);
	return rc;
}

int cli_report_submit(struct cli *c, int argc, char **argv)
{
	struct cli_opt opts[] = {
	    {"as", true}, {"contact", true}, {"subject", true}, {"tlp", true}, {NULL}};
	struct intake_config ic;
	struct report_result r;
	struct report_input in;
	struct user u;
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	bool have_ic = false, have_r = false;
	char *home = NULL;
	struct buf text;
	int npos = 0, rc;

	buf_init(&text, REPORT_TEXT_MAX + 1);
	memset(&in, 0, sizeof(in));
	rc = cli_parse(c, argc, argv, opts, 0, 0, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	if (cli_opt_get(opts, "as")->count == 0 || cli_opt_get(opts, "contact")->count == 0 ||
	    cli_opt_get(opts, "subject")->count == 0) {
		rc = cli_usage_error(c, "--as, --contact and --subject are required");
		goto out;
	}
	if (str_to_i64(cli_opt_get(opts, "contact")->arg, 1, INT64_MAX, &in.contact_id) != 0) {
		rc = cli_usage_error(c, "--contact '%s' is not a contact id",
				     cli_opt_get(opts, "contact")->arg);
		goto out;
	}
	in.subject = cli_opt_get(opts, "subject")->arg;
	in.tlp = cli_opt_get(opts, "tlp")->arg;
	if (cli_read_stdin(&text) != 0) {
		sk_error_set(&c->err, SK_EINVAL, "text: longer than %d bytes on stdin",
			     REPORT_TEXT_MAX);
		rc = cli_fail(c);
		goto out;
	}
	in.text = buf_str(&text);
	if ((rc = cli_open(c)) != 0)
		goto out;
	if (intake_config_read(c->cfg, &ic, &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	have_ic = true;
	home = pgp_home_path(c->cfg, cmd_store_url(c->cfg, c->db_flag));
	ic.pgp_home = home;
	if (partner_find(c, cli_opt_get(opts, "as")->arg, &u) != 0 ||
	    ticket_report_submit(c->st, &u, &ic, &in, &r, &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	have_r = true;
	if (c->json)
		rc = cli_print_json(ticket_report_result_json(&r));
	else if (r.duplicate)
		printf("duplicate of a report on ticket #%lld: nothing stored\n",
		       (long long)r.ticket.id);
	else
		printf("ticket #%lld: %s%s%s\n", (long long)r.ticket.id,
		       r.created ? "new" : "added to it",
		       r.acked	   ? ", acknowledged to "
		       : r.created ? ", not acknowledged: "
				   : "",
		       r.acked	   ? r.ack_to
		       : r.created ? r.no_ack
				   : "");
out:
	if (have_r)
		report_result_clear(&r);
	if (have_ic)
		intake_config_free(&ic);
	free(home);
	buf_free(&text);
	cli_opts_free(opts);
	free(pos);
	return rc;
}
