/* cmd/cli_advisory.c: schakel advisory new|edit|show|list|submit|
 * approve|publish|update|withdraw|audience|revisions: the command line's
 * door to advisory/workflow.h. It acts as the local operator named after
 * whoever runs it, so that a second analyst reviews under their own
 * name. Reads a JSON file given with --from: at most ADVISORY_JSON_MAX
 * bytes. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisory/advisory.h"
#include "advisory/audience.h"
#include "advisory/cvss.h"
#include "advisory/delivery.h"
#include "advisory/workflow.h"
#include "cmd/cli.h"
#include "lib/buf.h"
#include "lib/xalloc.h"
#include "model/user.h"
#include "store/store.h"

/* The options that set fields, as advisory_set_field() names them. */
#define FIELD_OPTS                                                                             \
	{"title", true}, {"summary", true}, {"description", true}, {"remediation", true},      \
	    {"cvss", true}, {"tlp", true}, {"probability", true}, {"damage", true},            \
	    {"probability-criteria", true}, {"damage-criteria", true}, {"cves", true},         \
	    {"cwes", true}, {"references", true},                                              \
	{                                                                                      \
		"from", true                                                                   \
	}
#define N_FIELD_OPTS 14

/* What the field options ask for, applied to an advisory. */
struct changes {
	struct cli_opt *opts; /* the first N_FIELD_OPTS are field options */
	json_t *from;	      /* --from's document, or NULL */
	bool update;	      /* advisory update: --summary says what changed */
};

/* Read --from FILE ("-": stdin) as a JSON object into ch->from. */
static int load_from(struct cli *c, struct changes *ch)
{
	const char *path = cli_opt_get(ch->opts, "from")->arg;
	struct buf b;
	json_error_t jerr;
	FILE *f;
	int rc = 0;

	if (path == NULL)
		return 0;
	buf_init(&b, ADVISORY_JSON_MAX);
	if (strcmp(path, "-") == 0) {
		rc = cli_read_stdin(&b);
	} else if ((f = fopen(path, "rb")) == NULL) {
		sk_error_set(&c->err, SK_ENOTFOUND, "--from %s: %s", path, strerror(errno));
		buf_free(&b);
		return cli_fail(c);
	} else {
		char chunk[8192];
		size_t n;

		while (rc == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			rc = buf_append(&b, chunk, n);
		if (rc == 0 && ferror(f))
			rc = SK_EIO;
		fclose(f);
	}
	if (rc != 0) {
		sk_error_set(&c->err, rc, "--from %s: %s", path,
			     rc == SK_ETOOBIG ? "over 1 MiB" : "cannot be read");
		buf_free(&b);
		return cli_fail(c);
	}
	ch->from =
	    json_loadb(b.data != NULL ? b.data : "", b.len, JSON_REJECT_DUPLICATES, &jerr);
	buf_free(&b);
	if (ch->from == NULL) {
		sk_error_set(&c->err, SK_EINVAL, "--from %s: line %d: %s", path, jerr.line,
			     jerr.text);
		return cli_fail(c);
	}
	return 0;
}

static int apply_changes(struct advisory *a, void *ctx, struct sk_error *err)
{
	struct changes *ch = ctx;
	int rc;

	if (ch->from != NULL && (rc = advisory_set_json(a, ch->from, err)) != 0)
		return rc;
	for (int i = 0; i < N_FIELD_OPTS; i++) {
		struct cli_opt *o = &ch->opts[i];

		if (ch->update && strcmp(o->name, "summary") == 0)
			continue;
		if (o->count > 0 && strcmp(o->name, "from") != 0 &&
		    (rc = advisory_set_field(a, o->name, o->arg, err)) != 0)
			return rc;
	}
	return 0;
}

static bool any_change(const struct cli_opt *opts)
{
	for (int i = 0; i < N_FIELD_OPTS; i++)
		if (opts[i].count > 0)
			return true;
	return false;
}

/* Resolve ref to an id, or fail. */
static int find(struct cli *c, const char *ref, int64_t *id)
{
	if (advisory_ref(c->st, ref, id, &c->err) != 0)
		return cli_fail(c);
	return 0;
}

static void print_text(const char *label, const char *text)
{
	if (text != NULL && text[0] != '\0')
		printf("%-12s %s\n", label, text);
}

static void print_list(const char *label, const struct advisory_strs *l)
{
	for (size_t i = 0; i < l->n; i++)
		printf("%-12s %s\n", i == 0 ? label : "", l->v[i]);
}

static int print_advisory(struct cli *c, const struct advisory *a)
{
	char matrix[4];
	struct cvss v;
	struct sk_error ignored = {0};

	if (c->json)
		return cli_print_json(advisory_to_json(a));
	advisory_matrix(a, matrix);
	printf("%-12s %s\n", "number", a->number);
	printf("%-12s %lld\n", "id", (long long)a->id);
	print_text("title", a->title);
	printf("%-12s %s (revision %d)\n", "status", advisory_status_names[a->status],
	       a->revision);
	printf("%-12s %s %s\n", "scoring", matrix, advisory_label(a));
	print_text("probability", a->probability_criteria);
	print_text("damage", a->damage_criteria);
	if (a->cvss != NULL && cvss_parse(a->cvss, &v, &ignored) == 0)
		printf("%-12s %s %d.%d %s\n", "cvss", a->cvss, v.score10 / 10, v.score10 % 10,
		       cvss_severity(v.score10));
	printf("%-12s %s\n", "tlp", tlp_name(a->tlp));
	print_list("cve", &a->cves);
	print_list("cwe", &a->cwes);
	for (size_t i = 0; i < a->n_products; i++) {
		const struct advisory_product *p = &a->products[i];

		printf("%-12s %s %s %s%s%s\n", i == 0 ? "product" : "",
		       p->vendor ? p->vendor : "", p->product ? p->product : "",
		       p->versions ? p->versions : "*", p->cpe ? " " : "",
		       p->cpe ? p->cpe : (p->purl ? p->purl : ""));
	}
	print_list("reference", &a->references);
	print_text("author", a->author);
	print_text("reviewer", a->reviewer);
	print_text("created", a->created);
	print_text("published", a->published);
	print_text("withdrawn", a->withdrawn);
	print_text("reason", a->withdraw_reason);
	for (size_t i = 0; i < a->n_revisions; i++)
		printf("%-12s %d %s %s\n", i == 0 ? "revisions" : "", a->revisions[i].number,
		       a->revisions[i].date, a->revisions[i].summary);
	print_text("summary", a->summary);
	print_text("description", a->description);
	print_text("remediation", a->remediation);
	return 0;
}

/* new and edit: the field options, then the workflow. */
static int new_or_edit(struct cli *c, int argc, char **argv, bool edit)
{
	struct cli_opt opts[] = {FIELD_OPTS, {NULL}};
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	struct changes ch = {.opts = opts};
	struct advisory_settings cfg;
	struct advisory a;
	struct user u;
	int64_t id = 0;
	int npos = 0, rc;

	advisory_init(&a);
	rc = cli_parse(c, argc, argv, opts, edit ? 1 : 0, edit ? 1 : 0, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	if (!any_change(opts)) {
		rc = cli_usage_error(c, "give --from FILE.json or a field (--title ...)");
		goto out;
	}
	if ((rc = load_from(c, &ch)) != 0 || (rc = cli_open(c)) != 0)
		goto out;
	if (advisory_settings_load(c->cfg, &cfg, &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	cli_operator(&u);
	if (edit && (rc = find(c, pos[0], &id)) != 0)
		goto out;
	if (edit ? advisory_edit(c->st, &u, id, apply_changes, &ch, &a, &c->err)
		 : advisory_new(c->st, &u, &cfg, apply_changes, &ch, &a, &c->err))
		rc = cli_fail(c);
	else if (c->json)
		rc = print_advisory(c, &a);
	else
		printf("%s %s: %s\n", edit ? "edited" : "drafted", a.number, a.title);
out:
	json_decref(ch.from);
	advisory_clear(&a);
	cli_opts_free(opts);
	free(pos);
	return rc;
}

int cli_advisory_new(struct cli *c, int argc, char **argv)
{
	return new_or_edit(c, argc, argv, false);
}

int cli_advisory_edit(struct cli *c, int argc, char **argv)
{
	return new_or_edit(c, argc, argv, true);
}

int cli_advisory_show(struct cli *c, int argc, char **argv)
{
	struct cli_opt opts[] = {{NULL}};
	char *pos[2] = {0};
	struct advisory a;
	struct user u;
	int64_t id;
	int npos = 0, rc;

	advisory_init(&a);
	if ((rc = cli_parse(c, argc, argv, opts, 1, 1, pos, &npos)) != CLI_GO)
		return rc;
	if ((rc = cli_open(c)) != 0 || (rc = find(c, pos[0], &id)) != 0)
		return rc;
	cli_operator(&u);
	if (advisory_get(c->st, &u, id, &a, &c->err) != 0)
		rc = cli_fail(c);
	else
		rc = print_advisory(c, &a);
	advisory_clear(&a);
	return rc;
}

struct list_ctx {
	json_t *arr;
	struct cli_table *t;
};

static int list_row(const struct advisory *a, void *ctx)
{
	struct list_ctx *l = ctx;
	char rev[16], matrix[4];

	json_array_append_new(l->arr, advisory_to_json(a));
	snprintf(rev, sizeof(rev), "%d", a->revision);
	advisory_matrix(a, matrix);
	cli_table_add(l->t, (const char *const[]){a->number, advisory_status_names[a->status],
						  rev, tlp_word(a->tlp), matrix,
						  advisory_label(a), a->title});
	return 0;
}

int cli_advisory_list(struct cli *c, int argc, char **argv)
{
	static const char *const heads[] = {"NUMBER", "STATUS", "REV",	"TLP",
					    "MATRIX", "LABEL",	"TITLE"};
	struct cli_opt opts[] = {{"status", true}, {NULL}};
	char *pos[1] = {0};
	struct list_ctx l = {0};
	struct user u;
	int npos = 0, rc;

	if ((rc = cli_parse(c, argc, argv, opts, 0, 0, pos, &npos)) != CLI_GO)
		goto out;
	if ((rc = cli_open(c)) != 0)
		goto out;
	cli_operator(&u);
	l.arr = json_array();
	l.t = cli_table_new(7, heads);
	if (advisory_list(c->st, &u, cli_opt_get(opts, "status")->arg, list_row, &l, &c->err) !=
	    0)
		rc = cli_fail(c);
	else
		rc = cli_print_list(c, &l.arr, l.t, "no advisories");
out:
	json_decref(l.arr);
	cli_table_free(l.t);
	cli_opts_free(opts);
	return rc;
}

/* Print the recipients: a table of organization, relation and member,
 * or JSON. */
static int print_recipients(struct cli *c, const struct advisory_recipients *r,
			    const char *empty)
{
	static const char *const heads[] = {"ORG", "NAME", "RELATION", "FOR MEMBER"};
	struct cli_table *t = cli_table_new(4, heads);
	json_t *arr = json_array();
	struct org_list orgs = {0};
	int rc;

	if (store_org_each(c->st, org_list_push, &orgs, &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	org_list_sort_by_id(&orgs);
	for (size_t i = 0; i < r->n; i++) {
		const struct advisory_recipient *e = &r->v[i];
		char id[24], member[24] = "";

		snprintf(id, sizeof(id), "%lld", (long long)e->org_id);
		if (e->member_id > 0)
			snprintf(member, sizeof(member), "%lld", (long long)e->member_id);
		cli_table_add(t,
			      (const char *const[]){id, cli_org_name(&orgs, e->org_id),
						    tlp_relation_names[e->relation], member});
		json_array_append_new(
		    arr,
		    json_pack("{s:I,s:s,s:s,s:o}", "org_id", (json_int_t)e->org_id, "org",
			      cli_org_name(&orgs, e->org_id), "relation",
			      tlp_relation_names[e->relation], "member_id",
			      e->member_id > 0 ? json_integer(e->member_id) : json_null()));
	}
	rc = cli_print_list(c, &arr, t, empty);
out:
	org_list_free(&orgs);
	json_decref(arr);
	cli_table_free(t);
	return rc;
}

enum step { STEP_SUBMIT, STEP_APPROVE, STEP_PUBLISH, STEP_WITHDRAW, STEP_AUDIENCE };

/* The one-argument steps. */
static int step(struct cli *c, int argc, char **argv, enum step s)
{
	struct cli_opt opts[] = {{"reason", true}, {NULL}};
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	struct advisory_recipients r = {0};
	struct advisory_settings cfg;
	struct delivery_settings ds;
	struct user u;
	int64_t id;
	int npos = 0, rc, failed = 0;

	if ((rc = cli_parse(c, argc, argv, opts, 1, 1, pos, &npos)) != CLI_GO)
		goto out;
	if (s == STEP_WITHDRAW && cli_opt_get(opts, "reason")->count == 0) {
		rc = cli_usage_error(c, "say why with --reason TEXT");
		goto out;
	}
	if ((rc = cli_open(c)) != 0 || (rc = find(c, pos[0], &id)) != 0)
		goto out;
	if (advisory_settings_load(c->cfg, &cfg, &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	cli_operator(&u);
	switch (s) {
	case STEP_SUBMIT:
		failed = advisory_submit(c->st, &u, id, &c->err);
		break;
	case STEP_APPROVE:
		failed = advisory_approve(c->st, &u, id, &c->err);
		break;
	case STEP_PUBLISH:
		failed = delivery_settings_load(c->cfg, &ds, &c->err) != 0 ||
			 advisory_publish_deliver(c->st, &u, &cfg, &ds, id, &r, NULL, &c->err);
		break;
	case STEP_WITHDRAW:
		failed =
		    advisory_withdraw(c->st, &u, id, cli_opt_get(opts, "reason")->arg, &c->err);
		break;
	case STEP_AUDIENCE:
		failed = advisory_audience(c->st, &u, id, &r, &c->err);
		break;
	}
	if (failed != 0)
		rc = cli_fail(c);
	else if (s == STEP_PUBLISH || s == STEP_AUDIENCE)
		rc = print_recipients(c, &r, "no recipients");
	else if (!c->json)
		printf("%s %s\n",
		       s == STEP_SUBMIT	   ? "submitted for review:"
		       : s == STEP_APPROVE ? "approved:"
					   : "withdrawn:",
		       pos[0]);
	else
		rc = cli_print_json(json_pack("{s:s}", "advisory", pos[0]));
out:
	advisory_recipients_free(&r);
	cli_opts_free(opts);
	free(pos);
	return rc;
}

int cli_advisory_submit(struct cli *c, int argc, char **argv)
{
	return step(c, argc, argv, STEP_SUBMIT);
}

int cli_advisory_approve(struct cli *c, int argc, char **argv)
{
	return step(c, argc, argv, STEP_APPROVE);
}

int cli_advisory_publish(struct cli *c, int argc, char **argv)
{
	return step(c, argc, argv, STEP_PUBLISH);
}

int cli_advisory_withdraw(struct cli *c, int argc, char **argv)
{
	return step(c, argc, argv, STEP_WITHDRAW);
}

int cli_advisory_audience(struct cli *c, int argc, char **argv)
{
	return step(c, argc, argv, STEP_AUDIENCE);
}

int cli_advisory_update(struct cli *c, int argc, char **argv)
{
	struct cli_opt opts[] = {FIELD_OPTS, {NULL}};
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	struct changes ch = {.opts = opts, .update = true};
	struct advisory_recipients r = {0};
	struct delivery_settings ds;
	struct user u;
	int64_t id;
	int npos = 0, rc;

	if ((rc = cli_parse(c, argc, argv, opts, 1, 1, pos, &npos)) != CLI_GO)
		goto out;
	if (cli_opt_get(opts, "summary")->count == 0) {
		rc = cli_usage_error(c, "say what changed with --summary TEXT");
		goto out;
	}
	if ((rc = load_from(c, &ch)) != 0 || (rc = cli_open(c)) != 0 ||
	    (rc = find(c, pos[0], &id)) != 0)
		goto out;
	cli_operator(&u);
	if (delivery_settings_load(c->cfg, &ds, &c->err) != 0 ||
	    advisory_update_deliver(c->st, &u, &ds, id, cli_opt_get(opts, "summary")->arg,
				    apply_changes, &ch, &r, &c->err) != 0)
		rc = cli_fail(c);
	else
		rc = print_recipients(c, &r, "no recipients");
out:
	json_decref(ch.from);
	advisory_recipients_free(&r);
	cli_opts_free(opts);
	free(pos);
	return rc;
}

struct rev_ctx {
	json_t *arr;
	struct cli_table *t;
};

static int rev_row(int revision, const char *created, const char *summary, const char *doc,
		   void *ctx)
{
	struct rev_ctx *r = ctx;
	char n[16];

	snprintf(n, sizeof(n), "%d", revision);
	cli_table_add(r->t, (const char *const[]){n, created, summary});
	json_array_append_new(r->arr, json_pack("{s:i,s:s,s:s,s:o}", "revision", revision,
						"date", created, "summary", summary, "advisory",
						json_loads(doc, 0, NULL)));
	return 0;
}

int cli_advisory_revisions(struct cli *c, int argc, char **argv)
{
	static const char *const heads[] = {"REV", "DATE", "CHANGE"};
	struct cli_opt opts[] = {{NULL}};
	char *pos[2] = {0};
	struct rev_ctx r = {0};
	struct user u;
	int64_t id;
	int npos = 0, rc;

	if ((rc = cli_parse(c, argc, argv, opts, 1, 1, pos, &npos)) != CLI_GO)
		return rc;
	if ((rc = cli_open(c)) != 0 || (rc = find(c, pos[0], &id)) != 0)
		return rc;
	cli_operator(&u);
	r.arr = json_array();
	r.t = cli_table_new(3, heads);
	if (advisory_revision_each(c->st, &u, id, rev_row, &r, &c->err) != 0)
		rc = cli_fail(c);
	else
		rc = cli_print_list(c, &r.arr, r.t, "no revisions: not published");
	json_decref(r.arr);
	cli_table_free(r.t);
	return rc;
}
