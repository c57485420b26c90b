/* cmd/cli_doctor.c: schakel doctor: check a deployment (ops/doctor.h)
 * and print each check's finding and what to do about it. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>
#include <unistd.h>

#include "cmd/cli.h"
#include "cmd/common.h"
#include "lib/config.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "ops/doctor.h"
#include "pgp/pgp.h"

/* The configuration file's row: read, and every setting known. */
static void check_config(struct cli *c, const char *path, bool optional,
			 struct doctor_report *r)
{
	struct sk_error err = {0};

	if (optional && access(path, F_OK) != 0)
		doctor_add(
		    r, "config", DOCTOR_WARN,
		    "write the settings there (schakel(1) and etc/schakel.conf name them)",
		    "no %s: every setting has its default", path);
	else if (cmd_config_check(c->cfg, &err) != 0)
		doctor_add(r, "config", DOCTOR_FAIL, "correct or remove that setting", "%s",
			   err.msg);
	else
		doctor_add(r, "config", DOCTOR_OK, NULL, "%s read", path);
}

static int print_report(struct cli *c, const struct doctor_report *r)
{
	static const char *const heads[] = {"CHECK", "STATUS", "FINDING", "FIX"};
	json_t *a = json_array(), *top;
	struct cli_table *t = cli_table_new(4, heads);
	int rc = 0;

	for (size_t i = 0; i < r->n; i++) {
		const struct doctor_row *row = &r->rows[i];
		const char *cells[] = {row->check, doctor_status_name(row->status),
				       row->finding, row->fix};

		cli_table_add(t, cells);
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s}", "check", row->check,
						   "status", doctor_status_name(row->status),
						   "finding", row->finding, "fix", row->fix));
	}
	if (c->json) {
		top = json_pack("{s:o, s:I, s:I, s:I}", "checks", a, "ok",
				(json_int_t)doctor_count(r, DOCTOR_OK), "warn",
				(json_int_t)doctor_count(r, DOCTOR_WARN), "fail",
				(json_int_t)doctor_count(r, DOCTOR_FAIL));
		rc = cli_print_json(top);
	} else {
		json_decref(a);
		cli_table_print(t);
		printf("%zu ok, %zu warnings, %zu failed\n", doctor_count(r, DOCTOR_OK),
		       doctor_count(r, DOCTOR_WARN), doctor_count(r, DOCTOR_FAIL));
	}
	cli_table_free(t);
	return rc;
}

int cli_doctor(struct cli *c, int argc, char **argv)
{
	struct cli_opt opts[] = {{NULL}};
	struct doctor_report r = {0};
	struct doctor_setup d = {0};
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	const char *path;
	bool optional;
	int npos = 0, rc;

	rc = cli_parse(c, argc, argv, opts, 0, 0, pos, &npos);
	free(pos);
	if (rc != CLI_GO)
		return rc;
	path = cmd_config_path(c->config_path, &optional);
	if ((c->cfg = config_load(path, optional, &c->err)) == NULL)
		return cli_fail(c);
	d.cfg = c->cfg;
	d.config_path = optional && access(path, F_OK) != 0 ? NULL : path;
	d.store_url = cmd_store_url(c->cfg, c->db_flag);
	d.pgp_home = c->pgp_home = pgp_home_path(c->cfg, d.store_url);
	d.now = str_time_now();
	check_config(c, path, optional, &r);
	doctor_run(&d, &r);
	rc = print_report(c, &r);
	if (rc == 0 && doctor_worst(&r) == DOCTOR_FAIL)
		rc = EX_UNAVAILABLE;
	doctor_report_free(&r);
	return rc;
}
