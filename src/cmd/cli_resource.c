/* cmd/cli_resource.c: the resource commands of schakel (add, list, rm,
 * overlaps) and whois: thin front doors over registry/constituency.h,
 * as the local operator. */
#include "cmd/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "registry/constituency.h"
#include "registry/exchange.h"

/* The resources of a store walk of one type. */
struct res_filter {
	struct resource_list list;
	int type; /* -1: any */
};

/* Push r to the list if it has the type. */
static int collect_typed(const struct resource *r, void *ctx)
{
	struct res_filter *f = ctx;

	if (f->type >= 0 && (int)r->type != f->type)
		return 0;
	return resource_list_push(r, &f->list);
}

static void format_value(const struct resource *r, char out[RESOURCE_TEXT_MAX])
{
	if (resource_format_value(r, out, RESOURCE_TEXT_MAX) < 0)
		out[0] = '\0';
}

/* Parse a value given on the command line; the message names it. */
static int parse_value(struct cli *c, const char *text, struct resource *out)
{
	const char *colon = strchr(text, ':');
	int rc = resource_parse(text, out, &c->err);

	if (rc != 0 && strstr(c->err.msg, text) == NULL &&
	    (colon == NULL || colon[1] == '\0' || strstr(c->err.msg, colon + 1) == NULL))
		sk_error_prefix(&c->err, "%s", text);
	return rc;
}

int cli_resource_add(struct cli *c, int argc, char **argv)
{
	struct resource *res = NULL;
	struct org org;
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	char value[RESOURCE_TEXT_MAX];
	int npos = 0, nres, rc;

	memset(&org, 0, sizeof(org));
	rc = cli_parse(c, argc, argv, NULL, 2, -1, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	nres = npos - 1;
	res = xcalloc((size_t)nres, sizeof(*res));
	for (int i = 0; i < nres; i++)
		if (parse_value(c, pos[i + 1], &res[i]) != 0)
			goto fail;
	if ((rc = cli_open(c)) != 0)
		goto out;
	if (cli_org_find(c, pos[0], &org) != 0 ||
	    registry_resource_add(c->st, access_local_operator(), org.id, res, (size_t)nres,
				  &c->err) != 0)
		goto fail;
	if (c->json) {
		json_t *a = json_array();

		for (int i = 0; i < nres; i++)
			json_array_append_new(a, exchange_resource_json(&res[i]));
		rc = cli_print_json(a);
	} else {
		for (int i = 0; i < nres; i++) {
			format_value(&res[i], value);
			printf("added %s %s to %s (resource %lld)\n",
			       resource_type_names[res[i].type], value, org.name,
			       (long long)res[i].id);
		}
	}
	goto out;
fail:
	rc = cli_fail(c);
out:
	org_clear(&org);
	free(res);
	free(pos);
	return rc;
}

int cli_resource_list(struct cli *c, int argc, char **argv)
{
	struct cli_opt opts[] = {{"type", true}, {NULL}};
	static const char *const heads[] = {"ID", "ORG", "TYPE", "VALUE"};
	struct res_filter f = {.type = -1};
	const struct resource_list *l = &f.list;
	struct resource_list all = {0};
	struct org_list names = {0};
	struct cli_opt *type = cli_opt_get(opts, "type");
	struct org org;
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	int npos = 0, rc;

	memset(&org, 0, sizeof(org));
	rc = cli_parse(c, argc, argv, opts, 0, 1, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	if (type->count > 0 &&
	    (f.type = org_vocab_parse(resource_type_names, "type", type->arg, &c->err)) < 0)
		goto fail;
	if ((rc = cli_open(c)) != 0)
		goto out;
	if ((npos == 1 && cli_org_find(c, pos[0], &org) != 0) ||
	    registry_org_list(c->st, access_local_operator(), &names, &c->err) != 0 ||
	    registry_resource_list(c->st, access_local_operator(), npos == 1 ? org.id : 0, &all,
				   &c->err) != 0)
		goto fail;
	for (size_t i = 0; i < all.n; i++)
		collect_typed(&all.v[i], &f);
	org_list_sort_by_id(&names);
	if (c->json) {
		json_t *a = json_array();

		for (size_t i = 0; i < l->n; i++)
			json_array_append_new(a, exchange_resource_json(&l->v[i]));
		rc = cli_print_json(a);
	} else if (l->n == 0) {
		printf("no resources\n");
	} else {
		struct cli_table *t = cli_table_new(4, heads);

		for (size_t i = 0; i < l->n; i++) {
			const struct resource *r = &l->v[i];
			char id[24], value[RESOURCE_TEXT_MAX];

			snprintf(id, sizeof(id), "%lld", (long long)r->id);
			format_value(r, value);
			cli_table_add(t, (const char *[]){id, cli_org_name(&names, r->org_id),
							  resource_type_names[r->type], value});
		}
		cli_table_print(t);
		cli_table_free(t);
	}
	goto out;
fail:
	rc = cli_fail(c);
out:
	org_clear(&org);
	org_list_free(&names);
	resource_list_free(&all);
	resource_list_free(&f.list);
	free(pos);
	return rc;
}

/* resource rm ID, or resource rm ORG VALUE. */
int cli_resource_rm(struct cli *c, int argc, char **argv)
{
	const struct user *me = access_local_operator();
	struct resource want, found;
	struct org org;
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	char value[RESOURCE_TEXT_MAX];
	int64_t id = 0;
	int npos = 0, rc;

	memset(&org, 0, sizeof(org));
	memset(&want, 0, sizeof(want));
	memset(&found, 0, sizeof(found));
	rc = cli_parse(c, argc, argv, NULL, 1, 2, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	if (npos == 1 && str_to_i64(pos[0], 1, INT64_MAX, &id) != 0) {
		rc = cli_usage_error(c,
				     "'%s' is not a resource id; give ORG VALUE or an id "
				     "from schakel resource list",
				     pos[0]);
		goto out;
	}
	if (npos == 2 && parse_value(c, pos[1], &want) != 0)
		goto fail;
	if ((rc = cli_open(c)) != 0)
		goto out;
	if (npos == 1) {
		if (registry_resource_get(c->st, me, 0, id, &found, &c->err) != 0 ||
		    registry_org_get(c->st, me, found.org_id, &org, &c->err) != 0)
			goto fail;
	} else if (cli_org_find(c, pos[0], &org) != 0 ||
		   registry_resource_find(c->st, me, org.id, &want, &found, &c->err) != 0) {
		goto fail;
	}
	if (registry_resource_remove(c->st, me, org.id, found.id, NULL, &c->err) != 0)
		goto fail;
	rc = 0;
	format_value(&found, value);
	if (c->json)
		rc = cli_print_json(exchange_resource_json(&found));
	else
		printf("removed %s %s from %s (resource %lld)\n",
		       resource_type_names[found.type], value, org.name, (long long)found.id);
	goto out;
fail:
	rc = cli_fail(c);
out:
	org_clear(&org);
	free(pos);
	return rc;
}

struct overlap_out {
	struct cli_table *t;
	json_t *a;
	size_t n;
};

static int print_overlap(const struct org *outer_org, const struct resource *outer,
			 const struct org *inner_org, const struct resource *inner, void *ctx)
{
	struct overlap_out *o = ctx;
	char ov[RESOURCE_TEXT_MAX], iv[RESOURCE_TEXT_MAX];

	o->n++;
	if (o->a != NULL) {
		json_t *pair = json_object();

		json_object_set_new(pair, "inner", exchange_resource_json(inner));
		json_object_set_new(pair, "inner_org", exchange_org_json(inner_org));
		json_object_set_new(pair, "outer", exchange_resource_json(outer));
		json_object_set_new(pair, "outer_org", exchange_org_json(outer_org));
		json_array_append_new(o->a, pair);
		return 0;
	}
	format_value(outer, ov);
	format_value(inner, iv);
	cli_table_add(o->t, (const char *[]){iv, inner_org->name, ov, outer_org->name});
	return 0;
}

int cli_resource_overlaps(struct cli *c, int argc, char **argv)
{
	static const char *const heads[] = {"INNER", "INNER ORG", "INSIDE", "OUTER ORG"};
	struct overlap_out o = {0};
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	int npos = 0, rc;

	rc = cli_parse(c, argc, argv, NULL, 0, 0, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	if ((rc = cli_open(c)) != 0)
		goto out;
	if (c->json)
		o.a = json_array();
	else
		o.t = cli_table_new(4, heads);
	if (registry_overlaps_as(c->st, access_local_operator(), print_overlap, &o, &c->err) !=
	    0) {
		rc = cli_fail(c);
		goto out;
	}
	if (c->json) {
		rc = cli_print_json(o.a);
		o.a = NULL;
	} else if (o.n == 0) {
		printf("no prefixes of different organizations overlap\n");
	} else {
		cli_table_print(o.t);
	}
out:
	json_decref(o.a);
	cli_table_free(o.t);
	free(pos);
	return rc;
}

static int print_owner(const struct org *org, const struct resource *via, void *ctx)
{
	struct overlap_out *o = ctx;
	char value[RESOURCE_TEXT_MAX];

	o->n++;
	if (o->a != NULL) {
		json_t *m = json_object();

		json_object_set_new(m, "org", exchange_org_json(org));
		json_object_set_new(m, "via", exchange_resource_json(via));
		json_array_append_new(o->a, m);
		return 0;
	}
	format_value(via, value);
	cli_table_add(o->t, (const char *[]){org->name, value, org_kind_names[org->kind],
					     org_class_names[org->class]});
	return 0;
}

int cli_whois(struct cli *c, int argc, char **argv)
{
	static const char *const heads[] = {"ORG", "VIA", "KIND", "CLASS"};
	struct overlap_out o = {0};
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	int npos = 0, rc;

	rc = cli_parse(c, argc, argv, NULL, 1, 1, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	if ((rc = cli_open(c)) != 0)
		goto out;
	if (c->json)
		o.a = json_array();
	else
		o.t = cli_table_new(4, heads);
	if (registry_whois_as(c->st, access_local_operator(), pos[0], print_owner, &o,
			      &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	if (c->json) {
		json_t *doc = json_object();

		json_object_set_new(doc, "query", json_string(pos[0]));
		json_object_set(doc, "matches", o.a);
		rc = cli_print_json(doc);
	} else if (o.n == 0) {
		printf("%s: no owner in the registry\n", pos[0]);
	} else {
		cli_table_print(o.t);
	}
out:
	json_decref(o.a);
	cli_table_free(o.t);
	free(pos);
	return rc;
}
