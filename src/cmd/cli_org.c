/* cmd/cli_org.c: the organization, membership and contact commands of
 * schakel: thin front doors over registry/constituency.h (as the local
 * operator), printing tables for people and JSON (registry/exchange.h
 * shapes) for scripts. */
#include "cmd/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "pgp/pgp.h"
#include "registry/constituency.h"
#include "registry/exchange.h"

int cli_org_add(struct cli *c, int argc, char **argv)
{
	struct cli_opt opts[] = {
	    {"kind", true},   {"class", true}, {"sector", true},	  {"country", true},
	    {"status", true}, {"notes", true}, {"member-of", true, true}, {NULL},
	};
	static const char *const fields[] = {"kind",   "class", "sector", "country",
					     "status", "notes", NULL};
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	struct org org;
	struct cli_opt *member_of = cli_opt_get(opts, "member-of");
	int64_t *liaisons = NULL;
	int npos = 0, rc;

	org_init(&org);
	rc = cli_parse(c, argc, argv, opts, 1, 1, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	if (cli_opt_get(opts, "kind")->count == 0 || cli_opt_get(opts, "class")->count == 0) {
		rc = cli_usage_error(c, "--kind and --class are required");
		goto out;
	}
	if (org_set_field(&org, "name", pos[0], &c->err) != 0)
		goto fail;
	for (int i = 0; fields[i] != NULL; i++) {
		struct cli_opt *o = cli_opt_get(opts, fields[i]);

		if (o->count > 0 && org_set_field(&org, fields[i], o->arg, &c->err) != 0)
			goto fail;
	}
	if (org_validate(&org, &c->err) != 0)
		goto fail;
	if ((rc = cli_open(c)) != 0)
		goto out;
	liaisons = xcalloc((size_t)member_of->count + 1, sizeof(*liaisons));
	for (int i = 0; i < member_of->count; i++) {
		struct org liaison = {0};

		if (cli_org_find(c, member_of->args[i], &liaison) != 0)
			goto fail;
		liaisons[i] = liaison.id;
		org_clear(&liaison);
	}
	if (registry_org_add(c->st, access_local_operator(), &org, liaisons,
			     (size_t)member_of->count, &c->err) != 0)
		goto fail;
	if (c->json)
		rc = cli_print_json(exchange_org_json(&org));
	else
		printf("added organization %lld: %s\n", (long long)org.id, org.name);
	goto out;
fail:
	rc = cli_fail(c);
out:
	free(liaisons);
	org_clear(&org);
	cli_opts_free(opts);
	free(pos);
	return rc;
}

int cli_org_list(struct cli *c, int argc, char **argv)
{
	struct cli_opt opts[] = {
	    {"kind", true}, {"class", true}, {"sector", true}, {"search", true}, {NULL},
	};
	static const char *const heads[] = {"ID", "NAME", "KIND", "CLASS", "SECTOR", "STATUS"};
	struct store_org_filter f = {NULL, -1, -1, NULL};
	struct org_list list = {0};
	const struct org_list *l = &list;
	struct cli_opt *o;
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	int npos = 0, rc;

	rc = cli_parse(c, argc, argv, opts, 0, 0, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	if ((o = cli_opt_get(opts, "kind"))->count > 0 &&
	    (f.kind = org_vocab_parse(org_kind_names, "kind", o->arg, &c->err)) < 0)
		goto fail;
	if ((o = cli_opt_get(opts, "class"))->count > 0 &&
	    (f.class = org_vocab_parse(org_class_names, "class", o->arg, &c->err)) < 0)
		goto fail;
	if ((o = cli_opt_get(opts, "sector"))->count > 0) {
		if (org_vocab_parse(org_sector_names, "sector", o->arg, &c->err) < 0)
			goto fail;
		f.sector = o->arg;
	}
	if ((o = cli_opt_get(opts, "search"))->count > 0)
		f.q = o->arg;
	if ((rc = cli_open(c)) != 0)
		goto out;
	if (registry_org_search(c->st, access_local_operator(), &f, &list, &c->err) != 0)
		goto fail;
	if (c->json) {
		json_t *a = json_array();

		for (size_t i = 0; i < l->n; i++)
			json_array_append_new(a, exchange_org_json(&l->v[i]));
		rc = cli_print_json(a);
	} else if (l->n == 0) {
		printf("no organizations\n");
	} else {
		struct cli_table *t = cli_table_new(6, heads);

		for (size_t i = 0; i < l->n; i++) {
			const struct org *org = &l->v[i];
			char id[24];

			snprintf(id, sizeof(id), "%lld", (long long)org->id);
			cli_table_add(t,
				      (const char *[]){id, org->name, org_kind_names[org->kind],
						       org_class_names[org->class], org->sector,
						       org_status_names[org->status]});
		}
		cli_table_print(t);
		cli_table_free(t);
	}
	goto out;
fail:
	rc = cli_fail(c);
out:
	org_list_free(&list);
	free(pos);
	return rc;
}

static json_t *names_json(const struct org_list *l)
{
	json_t *a = json_array();

	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(a, json_string(l->v[i].name));
	return a;
}

static void print_names(const char *label, const struct org_list *l)
{
	printf("%-10s", label);
	for (size_t i = 0; i < l->n; i++)
		printf("%s%s", i ? ", " : "", l->v[i].name);
	printf("%s\n", l->n ? "" : "-");
}

/* The state of contact ct's OpenPGP key in keyring (NULL: none open)
 * into out: "usable", "expires in N days", "UNUSABLE: expired", "none"
 * (no key: mail at or above [pgp] require_encryption is held). Whether
 * it is usable. */
static bool contact_key_state(struct pgp *keyring, const struct contact *ct, char *out,
			      size_t size)
{
	int64_t now = str_time_now();
	struct pgp_key k;
	int rc;

	if (keyring == NULL) {
		snprintf(out, size, "no keyring");
		return false;
	}
	rc = pgp_key_get(keyring, ct->pgp_fpr[0] ? ct->pgp_fpr : ct->email, false, &k, NULL);
	if (rc != 0) {
		snprintf(out, size, ct->pgp_fpr[0] ? "UNUSABLE: not in the keyring" : "none");
		return false;
	}
	if (!pgp_key_usable_until(&k, now, 0)) {
		snprintf(out, size, "UNUSABLE: %s",
			 k.state == PGP_KEY_USABLE ? "expired" : pgp_key_state_name(k.state));
		return false;
	}
	if (!pgp_key_usable_until(&k, now, 30 * 86400))
		snprintf(out, size, "usable, expires in %lld days",
			 (long long)((k.expires - now + 86399) / 86400));
	else
		snprintf(out, size, "usable");
	return true;
}

int cli_org_show(struct cli *c, int argc, char **argv)
{
	static const char *const cheads[] = {"ID",   "NAME",	  "EMAIL", "PHONE",
					     "ROLE", "LANGUAGES", "PGP",   "KEY"};
	static const char *const rheads[] = {"ID", "TYPE", "VALUE"};
	struct org_list liaisons = {0}, members = {0};
	struct contact_list contacts = {0};
	struct resource_list res = {0};
	const struct user *me = access_local_operator();
	struct org org;
	struct pgp *keyring = NULL;
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos)), state[80];
	int npos = 0, rc;

	memset(&org, 0, sizeof(org));
	rc = cli_parse(c, argc, argv, NULL, 1, 1, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	if ((rc = cli_open(c)) != 0)
		goto out;
	if (cli_org_find(c, pos[0], &org) != 0 ||
	    registry_liaison_list(c->st, me, org.id, &liaisons, &c->err) != 0 ||
	    (org.kind == ORG_KIND_LIAISON &&
	     registry_member_list(c->st, me, org.id, &members, &c->err) != 0) ||
	    registry_contact_list(c->st, me, org.id, &contacts, &c->err) != 0 ||
	    registry_resource_list(c->st, me, org.id, &res, &c->err) != 0)
		goto fail;
	keyring = pgp_open(c->pgp_home, NULL);
	if (c->json) {
		json_t *o = exchange_org_json(&org), *a;

		json_object_set_new(o, "liaisons", names_json(&liaisons));
		if (org.kind == ORG_KIND_LIAISON)
			json_object_set_new(o, "members", names_json(&members));
		a = json_array();
		for (size_t i = 0; i < contacts.n; i++) {
			json_t *ct = exchange_contact_json(&contacts.v[i]);
			bool usable =
			    contact_key_state(keyring, &contacts.v[i], state, sizeof(state));

			json_object_set_new(ct, "pgp_key", json_string(state));
			json_object_set_new(ct, "pgp_usable", json_boolean(usable));
			json_array_append_new(a, ct);
		}
		json_object_set_new(o, "contacts", a);
		a = json_array();
		for (size_t i = 0; i < res.n; i++)
			json_array_append_new(a, exchange_resource_json(&res.v[i]));
		json_object_set_new(o, "resources", a);
		rc = cli_print_json(o);
		goto out;
	}
	printf("%-10s%lld\n", "id:", (long long)org.id);
	printf("%-10s%s\n", "name:", org.name);
	printf("%-10s%s\n", "kind:", org_kind_names[org.kind]);
	printf("%-10s%s\n", "class:", org_class_names[org.class]);
	printf("%-10s%s\n", "sector:", org.sector);
	printf("%-10s%s\n", "country:", org.country[0] ? org.country : "-");
	printf("%-10s%s\n", "status:", org_status_names[org.status]);
	printf("%-10s%s\n", "created:", org.created);
	printf("%-10s%s\n", "updated:", org.updated);
	if (org.notes != NULL)
		printf("%-10s%s\n", "notes:", org.notes);
	print_names("liaisons:", &liaisons);
	if (org.kind == ORG_KIND_LIAISON)
		print_names("members:", &members);
	printf("\ncontacts:\n");
	if (contacts.n == 0) {
		printf("  none\n");
	} else {
		struct cli_table *t = cli_table_new(8, cheads);

		for (size_t i = 0; i < contacts.n; i++) {
			const struct contact *ct = &contacts.v[i];
			char id[24];

			snprintf(id, sizeof(id), "%lld", (long long)ct->id);
			contact_key_state(keyring, ct, state, sizeof(state));
			cli_table_add(
			    t, (const char *[]){id, ct->name, ct->email,
						ct->phone ? ct->phone : "-",
						contact_role_names[ct->role], ct->languages,
						ct->pgp_fpr[0] ? ct->pgp_fpr : "-", state});
		}
		cli_table_print(t);
		cli_table_free(t);
	}
	printf("\nresources:\n");
	if (res.n == 0) {
		printf("  none\n");
	} else {
		struct cli_table *t = cli_table_new(3, rheads);

		for (size_t i = 0; i < res.n; i++) {
			char id[24], value[RESOURCE_TEXT_MAX];

			snprintf(id, sizeof(id), "%lld", (long long)res.v[i].id);
			if (resource_format_value(&res.v[i], value, sizeof(value)) < 0)
				value[0] = '\0';
			cli_table_add(
			    t, (const char *[]){id, resource_type_names[res.v[i].type], value});
		}
		cli_table_print(t);
		cli_table_free(t);
	}
	goto out;
fail:
	rc = cli_fail(c);
out:
	pgp_close(keyring);
	org_clear(&org);
	org_list_free(&liaisons);
	org_list_free(&members);
	contact_list_free(&contacts);
	resource_list_free(&res);
	free(pos);
	return rc;
}

/* The FIELD=VALUE words of org set, checked for shape before use. */
struct org_edits {
	char **words;
	int n;
};

/* registry_org_edit_fn: each FIELD=VALUE onto org. */
static int org_apply_words(struct org *org, void *ctx, struct sk_error *err)
{
	const struct org_edits *e = ctx;
	char field[16];

	for (int i = 0; i < e->n; i++) {
		const char *eq = strchr(e->words[i], '=');

		memcpy(field, e->words[i], (size_t)(eq - e->words[i]));
		field[eq - e->words[i]] = '\0';
		if (org_set_field(org, field, eq + 1, err) != 0)
			return err->code;
	}
	return 0;
}

int cli_org_set(struct cli *c, int argc, char **argv)
{
	struct org org, upd;
	struct org_edits edits;
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	int npos = 0, rc;

	memset(&org, 0, sizeof(org));
	memset(&upd, 0, sizeof(upd));
	rc = cli_parse(c, argc, argv, NULL, 2, -1, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	for (int i = 1; i < npos; i++) {
		const char *eq = strchr(pos[i], '=');

		if (eq == NULL || eq == pos[i] || (size_t)(eq - pos[i]) >= 16) {
			rc = cli_usage_error(c, "'%s' is not FIELD=VALUE", pos[i]);
			goto out;
		}
	}
	if ((rc = cli_open(c)) != 0)
		goto out;
	edits.words = pos + 1;
	edits.n = npos - 1;
	if (cli_org_find(c, pos[0], &org) != 0 ||
	    registry_org_update(c->st, access_local_operator(), org.id, org_apply_words, &edits,
				&upd, &c->err) != 0)
		goto fail;
	if (c->json)
		rc = cli_print_json(exchange_org_json(&upd));
	else
		printf("updated organization %lld: %s\n", (long long)upd.id, upd.name);
	goto out;
fail:
	rc = cli_fail(c);
out:
	org_clear(&org);
	org_clear(&upd);
	free(pos);
	return rc;
}

int cli_org_rm(struct cli *c, int argc, char **argv)
{
	struct org org, gone;
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	int npos = 0, rc;

	memset(&org, 0, sizeof(org));
	memset(&gone, 0, sizeof(gone));
	rc = cli_parse(c, argc, argv, NULL, 1, 1, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	if ((rc = cli_open(c)) != 0)
		goto out;
	if (cli_org_find(c, pos[0], &org) != 0 ||
	    registry_org_remove(c->st, access_local_operator(), org.id, &gone, &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	if (c->json)
		rc = cli_print_json(exchange_org_json(&gone));
	else
		printf("removed organization %lld: %s\n", (long long)gone.id, gone.name);
out:
	org_clear(&org);
	org_clear(&gone);
	free(pos);
	return rc;
}

/* member add / member rm: the two organizations, checked. */
static int member_change(struct cli *c, int argc, char **argv, bool add)
{
	struct org liaison, member;
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	int npos = 0, rc;

	memset(&liaison, 0, sizeof(liaison));
	memset(&member, 0, sizeof(member));
	rc = cli_parse(c, argc, argv, NULL, 2, 2, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	if ((rc = cli_open(c)) != 0)
		goto out;
	if (cli_org_find(c, pos[0], &liaison) != 0 || cli_org_find(c, pos[1], &member) != 0)
		goto fail;
	if (add) {
		bool was = false;

		if (registry_member_add(c->st, access_local_operator(), liaison.id, member.id,
					&was, &c->err) != 0)
			goto fail;
		if (was) {
			sk_error_set(&c->err, SK_EEXIST, "%s is already a member of %s",
				     member.name, liaison.name);
			goto fail;
		}
	} else if (registry_member_remove(c->st, access_local_operator(), liaison.id, member.id,
					  &c->err) != 0) {
		goto fail;
	}
	rc = 0;
	if (c->json) {
		json_t *o = json_object();

		json_object_set_new(o, "liaison", exchange_org_json(&liaison));
		json_object_set_new(o, "member", exchange_org_json(&member));
		json_object_set_new(o, add ? "added" : "removed", json_true());
		rc = cli_print_json(o);
	} else {
		printf("%s is %s a member of %s\n", member.name, add ? "now" : "no longer",
		       liaison.name);
	}
	goto out;
fail:
	rc = cli_fail(c);
out:
	org_clear(&liaison);
	org_clear(&member);
	free(pos);
	return rc;
}

int cli_member_add(struct cli *c, int argc, char **argv)
{
	return member_change(c, argc, argv, true);
}

int cli_member_rm(struct cli *c, int argc, char **argv)
{
	return member_change(c, argc, argv, false);
}

/* The options of contact add and set, and the contact fields they set. */
static const char *const contact_options[][2] = {{"name", "name"},	{"email", "email"},
						 {"phone", "phone"},	{"role", "role"},
						 {"lang", "languages"}, {"pgp", "pgp"}};

/* registry_contact_edit_fn: the options given (ctx: the struct cli_opt
 * array of contact add or set). */
static int contact_apply_opts(struct contact *ct, void *ctx, struct sk_error *err)
{
	struct cli_opt *opts = ctx;

	for (size_t i = 0; i < sizeof(contact_options) / sizeof(contact_options[0]); i++) {
		struct cli_opt *o = cli_opt_get(opts, contact_options[i][0]);

		if (o->count > 0 &&
		    contact_set_field(ct, contact_options[i][1], o->arg, err) != 0)
			return err->code;
	}
	return 0;
}

int cli_contact_add(struct cli *c, int argc, char **argv)
{
	struct cli_opt opts[] = {{"name", true}, {"email", true}, {"phone", true},
				 {"role", true}, {"lang", true},  {"pgp", true},
				 {NULL}};
	struct contact ct;
	struct org org;
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	int npos = 0, rc;

	contact_init(&ct);
	memset(&org, 0, sizeof(org));
	rc = cli_parse(c, argc, argv, opts, 1, 1, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	if (cli_opt_get(opts, "name")->count == 0 || cli_opt_get(opts, "email")->count == 0) {
		rc = cli_usage_error(c, "--name and --email are required");
		goto out;
	}
	if (contact_apply_opts(&ct, opts, &c->err) != 0 || contact_validate(&ct, &c->err) != 0)
		goto fail;
	if ((rc = cli_open(c)) != 0)
		goto out;
	if (cli_org_find(c, pos[0], &org) != 0)
		goto fail;
	ct.org_id = org.id;
	if (registry_contact_add(c->st, access_local_operator(), &ct, &c->err) != 0)
		goto fail;
	if (c->json)
		rc = cli_print_json(exchange_contact_json(&ct));
	else
		printf("added contact %lld to %s: %s <%s>\n", (long long)ct.id, org.name,
		       ct.name, ct.email);
	goto out;
fail:
	rc = cli_fail(c);
out:
	contact_clear(&ct);
	org_clear(&org);
	free(pos);
	return rc;
}

int cli_contact_set(struct cli *c, int argc, char **argv)
{
	struct cli_opt opts[] = {{"name", true}, {"email", true}, {"phone", true},
				 {"role", true}, {"lang", true},  {"pgp", true},
				 {NULL}};
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	struct contact ct;
	struct org org;
	int64_t id;
	int npos = 0, given = 0, rc;

	contact_init(&ct);
	memset(&org, 0, sizeof(org));
	rc = cli_parse(c, argc, argv, opts, 2, 2, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	for (struct cli_opt *o = opts; o->name != NULL; o++)
		given += o->count;
	if (given == 0) {
		rc = cli_usage_error(c, "nothing to change: give --name, --email, --phone, "
					"--role, --lang or --pgp");
		goto out;
	}
	if (str_to_i64(pos[1], 1, INT64_MAX, &id) != 0) {
		rc = cli_usage_error(c, "'%s' is not a contact id (see schakel contact list)",
				     pos[1]);
		goto out;
	}
	if ((rc = cli_open(c)) != 0)
		goto out;
	if (cli_org_find(c, pos[0], &org) != 0 ||
	    registry_contact_update(c->st, access_local_operator(), org.id, id,
				    contact_apply_opts, opts, &ct, &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	if (c->json)
		rc = cli_print_json(exchange_contact_json(&ct));
	else
		printf("updated contact %lld of %s: %s <%s>\n", (long long)ct.id, org.name,
		       ct.name, ct.email);
out:
	contact_clear(&ct);
	org_clear(&org);
	free(pos);
	return rc;
}

int cli_contact_list(struct cli *c, int argc, char **argv)
{
	static const char *const heads[] = {"ID", "ORG", "NAME", "EMAIL", "ROLE", "LANGUAGES"};
	struct org_list orgs = {0};
	struct contact_list l = {0};
	struct org org;
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	int npos = 0, rc;

	memset(&org, 0, sizeof(org));
	rc = cli_parse(c, argc, argv, NULL, 0, 1, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	if ((rc = cli_open(c)) != 0)
		goto out;
	if ((npos == 1 && cli_org_find(c, pos[0], &org) != 0) ||
	    registry_org_list(c->st, access_local_operator(), &orgs, &c->err) != 0 ||
	    registry_contact_list(c->st, access_local_operator(), npos == 1 ? org.id : 0, &l,
				  &c->err) != 0)
		goto fail;
	org_list_sort_by_id(&orgs);
	if (c->json) {
		json_t *a = json_array();

		for (size_t i = 0; i < l.n; i++)
			json_array_append_new(a, exchange_contact_json(&l.v[i]));
		rc = cli_print_json(a);
	} else if (l.n == 0) {
		printf("no contacts\n");
	} else {
		struct cli_table *t = cli_table_new(6, heads);

		for (size_t i = 0; i < l.n; i++) {
			char id[24];

			snprintf(id, sizeof(id), "%lld", (long long)l.v[i].id);
			cli_table_add(t,
				      (const char *[]){id, cli_org_name(&orgs, l.v[i].org_id),
						       l.v[i].name, l.v[i].email,
						       contact_role_names[l.v[i].role],
						       l.v[i].languages});
		}
		cli_table_print(t);
		cli_table_free(t);
	}
	goto out;
fail:
	rc = cli_fail(c);
out:
	org_clear(&org);
	org_list_free(&orgs);
	contact_list_free(&l);
	free(pos);
	return rc;
}

int cli_contact_rm(struct cli *c, int argc, char **argv)
{
	struct contact ct;
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	int64_t id;
	int npos = 0, rc;

	memset(&ct, 0, sizeof(ct));
	rc = cli_parse(c, argc, argv, NULL, 1, 1, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	if (str_to_i64(pos[0], 1, INT64_MAX, &id) != 0) {
		rc = cli_usage_error(c, "'%s' is not a contact id (see schakel contact list)",
				     pos[0]);
		goto out;
	}
	if ((rc = cli_open(c)) != 0)
		goto out;
	if (registry_contact_remove(c->st, access_local_operator(), 0, id, &ct, &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	if (c->json)
		rc = cli_print_json(exchange_contact_json(&ct));
	else
		printf("removed contact %lld: %s <%s>\n", (long long)ct.id, ct.name, ct.email);
out:
	contact_clear(&ct);
	free(pos);
	return rc;
}
