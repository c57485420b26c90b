/* cmd/cli_asset.c: schakel asset add|list|rm: the products an
 * organization declares it runs, named by CPE 2.3 or purl
 * (advisory/asset.h), which advisories addressed "by assets" match. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "advisory/asset.h"
#include "cmd/cli.h"
#include "lib/str.h"
#include "model/user.h"
#include "store/store.h"

int cli_asset_add(struct cli *c, int argc, char **argv)
{
	struct cli_opt opts[] = {{NULL}};
	char *pos[3] = {0};
	struct org o = {0};
	struct user u;
	int64_t id = 0;
	int npos = 0, rc;

	if ((rc = cli_parse(c, argc, argv, opts, 2, 2, pos, &npos)) != CLI_GO)
		return rc;
	if ((rc = cli_open(c)) != 0)
		return rc;
	if (cli_org_find(c, pos[0], &o) != 0)
		return cli_fail(c);
	cli_operator(&u);
	if (asset_add(c->st, &u, o.id, pos[1], &id, &c->err) != 0)
		rc = cli_fail(c);
	else if (c->json)
		rc = cli_print_json(json_pack("{s:I,s:I,s:s}", "id", (json_int_t)id, "org_id",
					      (json_int_t)o.id, "value", pos[1]));
	else
		printf("added asset %lld to %s: %s\n", (long long)id, o.name, pos[1]);
	org_clear(&o);
	return rc;
}

struct list_ctx {
	json_t *arr;
	struct cli_table *t;
	const struct org_list *orgs;
};

static int list_row(const struct store_asset *a, void *ctx)
{
	struct list_ctx *l = ctx;
	char id[24];

	snprintf(id, sizeof(id), "%lld", (long long)a->id);
	cli_table_add(l->t, (const char *const[]){id, cli_org_name(l->orgs, a->org_id), a->kind,
						  a->vendor, a->product, a->version, a->value});
	json_array_append_new(
	    l->arr, json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)a->id,
			      "org_id", (json_int_t)a->org_id, "kind", a->kind, "value",
			      a->value, "vendor", a->vendor, "product", a->product, "version",
			      a->version, "created", a->created));
	return 0;
}

int cli_asset_list(struct cli *c, int argc, char **argv)
{
	static const char *const heads[] = {"ID",      "ORG",	  "KIND", "VENDOR",
					    "PRODUCT", "VERSION", "NAME"};
	struct cli_opt opts[] = {{NULL}};
	char *pos[2] = {0};
	struct org_list orgs = {0};
	struct list_ctx l = {.orgs = &orgs};
	struct org o = {0};
	struct user u;
	int npos = 0, rc;

	if ((rc = cli_parse(c, argc, argv, opts, 0, 1, pos, &npos)) != CLI_GO)
		return rc;
	if ((rc = cli_open(c)) != 0)
		return rc;
	if (npos == 1 && cli_org_find(c, pos[0], &o) != 0)
		return cli_fail(c);
	cli_operator(&u);
	l.arr = json_array();
	l.t = cli_table_new(7, heads);
	if (store_org_each(c->st, org_list_push, &orgs, &c->err) != 0 ||
	    (org_list_sort_by_id(&orgs),
	     asset_each(c->st, &u, o.id, list_row, &l, &c->err) != 0))
		rc = cli_fail(c);
	else
		rc = cli_print_list(c, &l.arr, l.t, "no assets");
	json_decref(l.arr);
	cli_table_free(l.t);
	org_list_free(&orgs);
	org_clear(&o);
	return rc;
}

int cli_asset_rm(struct cli *c, int argc, char **argv)
{
	struct cli_opt opts[] = {{NULL}};
	char *pos[3] = {0};
	struct org o = {0};
	struct user u;
	int64_t id;
	int npos = 0, rc;

	if ((rc = cli_parse(c, argc, argv, opts, 2, 2, pos, &npos)) != CLI_GO)
		return rc;
	if (str_to_i64(pos[1], 1, INT64_MAX, &id) != 0)
		return cli_usage_error(c, "ID must be an asset's number, not '%s'", pos[1]);
	if ((rc = cli_open(c)) != 0)
		return rc;
	if (cli_org_find(c, pos[0], &o) != 0)
		return cli_fail(c);
	cli_operator(&u);
	if (asset_remove(c->st, &u, o.id, id, &c->err) != 0)
		rc = cli_fail(c);
	else if (!c->json)
		printf("removed asset %lld from %s\n", (long long)id, o.name);
	else
		rc = cli_print_json(json_pack("{s:I}", "removed", (json_int_t)id));
	org_clear(&o);
	return rc;
}
