/* cmd/cli_csaf.c: schakel csaf export DIR: the CSAF 2.0 provider tree of
 * the published advisories (advisory/csaf_tree.h) written below
 * DIR/.well-known/csaf/ for a static web server. */
#include <stdlib.h>

#include "advisory/csaf.h"
#include "advisory/csaf_tree.h"
#include "cmd/cli.h"
#include "cmd/common.h"
#include "lib/xalloc.h"
#include "pgp/pgp.h"

int cli_csaf_export(struct cli *c, int argc, char **argv)
{
	struct cli_opt opts[] = {{NULL}};
	struct csaf_settings s;
	struct csaf_tree t = {0};
	struct pgp *p = NULL;
	char fpr[PGP_FPR_MAX + 1], **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	int npos = 0, rc;

	if ((rc = cli_parse(c, argc, argv, opts, 1, 1, pos, &npos)) != CLI_GO ||
	    (rc = cli_open(c)) != 0)
		goto out;
	if (csaf_settings_read(c->cfg, &s, &c->err) != 0 ||
	    csaf_signer_open(c->cfg, cmd_store_url(c->cfg, c->db_flag), &p, fpr, &c->err) !=
		0) {
		rc = cli_fail(c);
		goto out;
	}
	rc = csaf_tree_build(c->st, &s, p, fpr, &t, &c->err);
	pgp_close(p);
	if (rc == 0)
		rc = csaf_tree_write(&t, pos[0], &c->err);
	csaf_tree_free(&t);
	rc = rc != 0 ? cli_fail(c) : 0;
out:
	free(pos);
	return rc;
}
