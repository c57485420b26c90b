/* cmd/cli_decrypt.c: schakel ticket decrypt, an encrypted report read on
 * request, and schakel ticket forward, one forwarded encrypted to a
 * party's key (ticket/decrypt.h and ticket/forward.h do the work). The process that holds the
 * clear text dumps no core (RLIMIT_CORE 0, not dumpable) and writes the
 * clear text to stdout only. */
#include "cmd/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sysexits.h>

#include "cmd/common.h"
#include "lib/config.h"
#include "lib/str.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"
#include "mail/protect.h"
#include "model/user.h"
#include "pgp/pgp.h"
#include "ticket/decrypt.h"
#include "ticket/forward.h"
#include "ticket/intake.h"

/* No core file, no ptrace by other users' processes: the clear text
 * stays in this process. */
static void no_dumps(void)
{
	const struct rlimit none = {0, 0};

	setrlimit(RLIMIT_CORE, &none);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

static int print_result(struct cli *c, int64_t id, const struct decrypt_result *r, bool extract)
{
	if (c->json) {
		json_t *j = json_object();
		bool text = utf8_valid(r->clear, r->len);

		json_object_set_new(j, "ticket", json_integer(id));
		json_object_set_new(j, "message", json_integer(r->message_id));
		json_object_set_new(j, "part", json_integer(r->part));
		json_object_set_new(j, "clear_text",
				    text ? json_stringn(r->clear, r->len) : json_null());
		json_object_set_new(j, "binary", json_boolean(!text));
		json_object_set_new(j, "locked", json_boolean(!r->unlocked));
		json_object_set_new(j, "items",
				    extract ? json_integer((json_int_t)r->items) : json_null());
		return cli_print_json(j);
	}
	fprintf(
	    stderr,
	    "ticket #%lld, message %lld, part %d decrypted (%zu bytes; the request is in the "
	    "audit log)\n",
	    (long long)id, (long long)r->message_id, r->part, r->len);
	if (extract)
		fprintf(stderr, "%zu items stored from the clear text\n", r->items);
	if (r->unlocked)
		fprintf(stderr,
			"schakel: warning: the clear text could not be locked in memory "
			"(RLIMIT_MEMLOCK, ulimit -l): it may have reached swap\n");
	return fwrite(r->clear, 1, r->len, stdout) == r->len && fflush(stdout) == 0 ? 0
										    : EX_IOERR;
}

/* --reason, --message and --part into rq; a usage error otherwise. */
static int part_opts(struct cli *c, struct cli_opt *opts, struct decrypt_request *rq)
{
	int64_t v;

	rq->reason = cli_opt_get(opts, "reason")->arg;
	if (cli_opt_get(opts, "message")->count > 0) {
		if (str_to_i64(cli_opt_get(opts, "message")->arg, 1, INT64_MAX, &v) != 0)
			return cli_usage_error(c, "--message must be a message number");
		rq->message_id = v;
	}
	if (cli_opt_get(opts, "part")->count > 0) {
		if (str_to_i64(cli_opt_get(opts, "part")->arg, 1, 1000000, &v) != 0)
			return cli_usage_error(c, "--part must be a part number (1, 2, ...)");
		rq->part = (int)v;
	}
	return 0;
}

int cli_ticket_decrypt(struct cli *c, int argc, char **argv)
{
	struct cli_opt opts[] = {
	    {"reason", true}, {"message", true}, {"part", true}, {"extract", false}, {NULL}};
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	struct decrypt_request rq = {0};
	struct decrypt_result r = {0};
	struct intake_config ic;
	bool have_ic = false;
	char *home = NULL;
	struct user u;
	int npos = 0, rc;

	no_dumps();
	rc = cli_parse(c, argc, argv, opts, 1, 1, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	if ((rc = cli_ticket_number(c, pos[0], &rq.ticket_id)) != 0)
		goto out;
	if (cli_opt_get(opts, "reason")->count == 0) {
		rc = cli_usage_error(c, "--reason TEXT is required: why the encrypted report "
					"is read goes into the audit log");
		goto out;
	}
	if ((rc = part_opts(c, opts, &rq)) != 0)
		goto out;
	rq.extract = cli_opt_get(opts, "extract")->count > 0;
	if ((rc = cli_open(c)) != 0)
		goto out;
	if (intake_config_read(c->cfg, &ic, &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	have_ic = true;
	rq.limits = &ic.limits;
	rq.passphrase_file = config_get(c->cfg, "pgp", "passphrase_file");
	home = pgp_home_path(c->cfg, cmd_store_url(c->cfg, c->db_flag));
	cli_operator(&u);
	if (ticket_decrypt(c->st, &u, home, &rq, &r, &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	rc = print_result(c, rq.ticket_id, &r, rq.extract);
out:
	decrypt_result_free(&r);
	free(home);
	if (have_ic)
		intake_config_free(&ic);
	cli_opts_free(opts);
	free(pos);
	return rc;
}

int cli_ticket_forward(struct cli *c, int argc, char **argv)
{
	struct cli_opt opts[] = {
	    {"to", true}, {"reason", true}, {"message", true}, {"part", true}, {NULL}};
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	struct mail_pgp_settings ps = {0};
	struct decrypt_request rq = {0};
	struct forward_result r = {0};
	struct mail_pgp *mp = NULL;
	struct intake_config ic;
	bool have_ic = false, have_ps = false;
	struct user u;
	int npos = 0, rc;

	no_dumps();
	rc = cli_parse(c, argc, argv, opts, 1, 1, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	if ((rc = cli_ticket_number(c, pos[0], &rq.ticket_id)) != 0)
		goto out;
	if (cli_opt_get(opts, "to")->count == 0) {
		rc = cli_usage_error(c, "--to ADDRESS is required: the party it goes to");
		goto out;
	}
	if (cli_opt_get(opts, "reason")->count == 0) {
		rc = cli_usage_error(c, "--reason TEXT is required: why the encrypted report "
					"is read and forwarded goes into the audit log");
		goto out;
	}
	if ((rc = part_opts(c, opts, &rq)) != 0 || (rc = cli_open(c)) != 0)
		goto out;
	if (intake_config_read(c->cfg, &ic, &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	have_ic = true;
	rq.limits = &ic.limits;
	if (mail_pgp_settings_read(c->cfg, cmd_store_url(c->cfg, c->db_flag), &ps, &c->err) !=
	    0) {
		rc = cli_fail(c);
		goto out;
	}
	have_ps = true;
	rq.passphrase_file = ps.passphrase_file;
	if (mail_pgp_open(&ps, &mp, &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	cli_operator(&u);
	if (ticket_forward(c->st, &u, &ic, mp, ps.home, &rq, cli_opt_get(opts, "to")->arg, &r,
			   &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	if (c->json) {
		json_t *j = json_object();

		json_object_set_new(j, "ticket", json_integer(rq.ticket_id));
		json_object_set_new(j, "message", json_integer(r.message_id));
		json_object_set_new(j, "part", json_integer(r.part));
		json_object_set_new(j, "mail", json_integer(r.mail_id));
		json_object_set_new(j, "encrypted_to", json_string(r.fpr));
		rc = cli_print_json(j);
	} else {
		printf("ticket #%lld, message %lld, part %d forwarded to %s, encrypted to %s "
		       "(mail %lld)\n",
		       (long long)rq.ticket_id, (long long)r.message_id, r.part,
		       cli_opt_get(opts, "to")->arg, r.fpr, (long long)r.mail_id);
	}
out:
	mail_pgp_close(mp);
	if (have_ps)
		mail_pgp_settings_free(&ps);
	if (have_ic)
		intake_config_free(&ic);
	cli_opts_free(opts);
	free(pos);
	return rc;
}
