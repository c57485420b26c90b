/* cmd/cli_publication.c: schakel publication new|list|show|attach|
 * submit|approve|publish|withdraw|attachment: the command line's door to
 * advisory/publication.h, acting as the local operator. Reads the body
 * (at most PUBLICATION_BODY_MAX bytes) and the files to attach (at most
 * [publications] max_attachment bytes each) from the files named. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "advisory/publication.h"
#include "advisory/publication_delivery.h"
#include "cmd/cli.h"
#include "lib/buf.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "model/user.h"
#include "store/store.h"

/* Read path into b (its cap plus one byte, so that a file over the
 * limit is told from one at it). field names what is read, in errors. */
static int read_file(struct cli *c, const char *path, size_t limit, const char *field,
		     struct buf *b)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;
	int rc = 0;

	buf_init(b, limit + 1);
	if (f == NULL)
		return sk_error_set(&c->err, SK_ENOTFOUND, "%s: %s: %s", field, path,
				    strerror(errno));
	while (rc == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		rc = buf_append(b, chunk, n);
	if (rc == 0 && ferror(f))
		rc = SK_EIO;
	fclose(f);
	if (rc == 0 && b->len > limit)
		rc = SK_ETOOBIG;
	if (rc != 0)
		return sk_error_set(&c->err, rc, "%s: %s: %s", field, path,
				    rc == SK_EIO ? "cannot be read" : "over the size limit");
	return 0;
}

/* The media type of a file name, by its extension. */
static const char *media_type_of(const char *name)
{
	static const char *const map[][2] = {{".pdf", "application/pdf"},
					     {".md", "text/markdown"},
					     {".txt", "text/plain"},
					     {".csv", "text/csv"},
					     {".json", "application/json"},
					     {".xml", "application/xml"},
					     {".zip", "application/zip"},
					     {".png", "image/png"},
					     {".jpg", "image/jpeg"},
					     {".jpeg", "image/jpeg"},
					     {".asc", "application/pgp-signature"},
					     {".yar", "text/plain"},
					     {".rules", "text/plain"}};
	const char *dot = strrchr(name, '.');

	for (size_t i = 0; dot != NULL && i < sizeof(map) / sizeof(map[0]); i++)
		if (str_eq_nocase(dot, map[i][0]))
			return map[i][1];
	return "application/octet-stream";
}

/* --audience "all,class:oes,sector:health,org:12" as the audience JSON
 * object; NULL after an error naming the item. */
static json_t *audience_json(struct cli *c, const char *text)
{
	json_t *au = json_pack("{s:b,s:[],s:[],s:[]}", "all", 0, "classes", "sectors", "orgs");
	const char *p = text;
	char item[128];
	bool more = true;

	while (more) {
		int64_t id;

		more = str_next_item(&p, item, sizeof(item));
		if (strcmp(item, "all") == 0)
			json_object_set_new(au, "all", json_true());
		else if (str_has_prefix(item, "class:"))
			json_array_append_new(json_object_get(au, "classes"),
					      json_string(item + 6));
		else if (str_has_prefix(item, "sector:"))
			json_array_append_new(json_object_get(au, "sectors"),
					      json_string(item + 7));
		else if (str_has_prefix(item, "org:") &&
			 str_to_i64(item + 4, 1, INT64_MAX, &id) == 0)
			json_array_append_new(json_object_get(au, "orgs"), json_integer(id));
		else {
			sk_error_set(
			    &c->err, SK_EINVAL,
			    "audience: '%.60s' is not all, class:C, sector:S or org:ID", item);
			json_decref(au);
			return NULL;
		}
	}
	return au;
}

static void print_text(const char *label, const char *text)
{
	if (text != NULL && text[0] != '\0')
		printf("%-12s %s\n", label, text);
}

static int print_publication(struct cli *c, const struct publication *p)
{
	const struct advisory *a = &p->base;

	if (c->json)
		return cli_print_json(publication_to_json(p));
	printf("%-12s %s\n", "number", a->number);
	printf("%-12s %lld\n", "id", (long long)a->id);
	printf("%-12s %s\n", "kind", publication_kind_names[p->kind]);
	print_text("title", a->title);
	printf("%-12s %s (revision %d)\n", "status", advisory_status_names[a->status],
	       a->revision);
	printf("%-12s %s\n", "tlp", tlp_name(a->tlp));
	print_text("author", a->author);
	print_text("reviewer", a->reviewer);
	print_text("created", a->created);
	print_text("published", a->published);
	print_text("withdrawn", a->withdrawn);
	print_text("reason", a->withdraw_reason);
	for (size_t i = 0; i < p->n_att; i++)
		printf("%-12s %s %s %zu bytes\n", i == 0 ? "attachments" : "", p->att[i].name,
		       p->att[i].media_type, p->att[i].size);
	print_text("summary", a->summary);
	printf("\n%s\n", p->body != NULL ? p->body : "");
	return 0;
}

static int find(struct cli *c, const char *ref, int64_t *id)
{
	return publication_ref(c->st, ref, id, &c->err) != 0 ? cli_fail(c) : 0;
}

/* Read the files of --attach into f (names are their base names). */
static int read_attachments(struct cli *c, const struct publication_settings *cfg,
			    struct cli_opt *o, struct publication_file *f, struct buf *data)
{
	for (int i = 0; i < o->count; i++) {
		const char *path = o->args[i], *slash = strrchr(path, '/');
		const char *name = slash != NULL ? slash + 1 : path;
		char field[160];

		snprintf(field, sizeof(field), "attachments.%.100s", name);
		if (read_file(c, path, cfg->max_attachment, field, &data[i]) != 0) {
			if (c->err.code == SK_ETOOBIG)
				sk_error_set(&c->err, SK_ETOOBIG,
					     "%s: more than max_attachment (%zu bytes)", field,
					     cfg->max_attachment);
			return cli_fail(c);
		}
		f[i] = (struct publication_file){.name = name,
						 .media_type = media_type_of(name),
						 .data = data[i].data,
						 .size = data[i].len};
	}
	return 0;
}

int cli_publication_new(struct cli *c, int argc, char **argv)
{
	struct cli_opt opts[] = {{"kind", true},	 {"title", true}, {"summary", true},
				 {"tlp", true},		 {"body", true},  {"audience", true},
				 {"attach", true, true}, {NULL}};
	struct cli_opt *att = cli_opt_get(opts, "attach");
	struct publication_settings cfg;
	struct publication p, out;
	struct publication_file *files = NULL;
	struct buf body, *data = NULL;
	struct user u;
	char *pos[1] = {0};
	int npos = 0, rc;
	static const char *const fields[] = {"kind", "title", "summary", "tlp"};

	publication_init(&p);
	publication_init(&out);
	buf_init(&body, 0);
	if ((rc = cli_parse(c, argc, argv, opts, 0, 0, pos, &npos)) != CLI_GO)
		goto out;
	if (cli_opt_get(opts, "kind")->count == 0 || cli_opt_get(opts, "title")->count == 0 ||
	    cli_opt_get(opts, "body")->count == 0) {
		rc = cli_usage_error(c, "give --kind, --title and --body FILE.md");
		goto out;
	}
	if ((rc = cli_open(c)) != 0)
		goto out;
	if (publication_settings_load(c->cfg, &cfg, &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		struct cli_opt *o = cli_opt_get(opts, fields[i]);

		if (o->count > 0 &&
		    publication_set_field(&p, fields[i], o->arg, &c->err) != 0) {
			rc = cli_fail(c);
			goto out;
		}
	}
	if (cli_opt_get(opts, "audience")->count > 0) {
		json_t *au = audience_json(c, cli_opt_get(opts, "audience")->arg), *doc;

		if (au == NULL) {
			rc = cli_fail(c);
			goto out;
		}
		doc = json_pack("{s:o}", "audience", au);
		rc = publication_set_json(&p, doc, &c->err);
		json_decref(doc);
		if (rc != 0) {
			rc = cli_fail(c);
			goto out;
		}
	}
	if (read_file(c, cli_opt_get(opts, "body")->arg, PUBLICATION_BODY_MAX, "body", &body) !=
		0 ||
	    publication_set_field(&p, "body", buf_str(&body), &c->err) != 0) {
		if (c->err.code == SK_ETOOBIG)
			sk_error_set(&c->err, SK_ETOOBIG, "body: more than %d bytes",
				     PUBLICATION_BODY_MAX);
		rc = cli_fail(c);
		goto out;
	}
	files = xcalloc((size_t)att->count + 1, sizeof(*files));
	data = xcalloc((size_t)att->count + 1, sizeof(*data));
	if ((rc = read_attachments(c, &cfg, att, files, data)) != 0)
		goto out;
	cli_operator(&u);
	if (publication_new(c->st, &u, &cfg, &p, files, (size_t)att->count, &out, &c->err) != 0)
		rc = cli_fail(c);
	else if (c->json)
		rc = print_publication(c, &out);
	else
		printf("drafted %s: %s\n", out.base.number, out.base.title);
out:
	for (int i = 0; data != NULL && i < att->count; i++)
		buf_free(&data[i]);
	free(data);
	free(files);
	buf_free(&body);
	publication_clear(&p);
	publication_clear(&out);
	cli_opts_free(opts);
	return rc;
}

int cli_publication_attach(struct cli *c, int argc, char **argv)
{
	struct cli_opt opts[] = {{"type", true}, {NULL}};
	struct publication_settings cfg;
	struct publication_file f;
	struct cli_opt one = {.count = 1};
	char *pos[3] = {0};
	struct buf data;
	struct user u;
	int64_t id;
	int npos = 0, rc;

	buf_init(&data, 0);
	if ((rc = cli_parse(c, argc, argv, opts, 2, 2, pos, &npos)) != CLI_GO)
		goto out;
	if ((rc = cli_open(c)) != 0 || (rc = find(c, pos[0], &id)) != 0)
		goto out;
	if (publication_settings_load(c->cfg, &cfg, &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	one.args = (const char **)&pos[1];
	if ((rc = read_attachments(c, &cfg, &one, &f, &data)) != 0)
		goto out;
	if (cli_opt_get(opts, "type")->count > 0)
		f.media_type = cli_opt_get(opts, "type")->arg;
	cli_operator(&u);
	if (publication_attach(c->st, &u, &cfg, id, &f, &c->err) != 0)
		rc = cli_fail(c);
	else if (!c->json)
		printf("attached %s to %s\n", f.name, pos[0]);
	else
		rc = cli_print_json(
		    json_pack("{s:s,s:s}", "publication", pos[0], "name", f.name));
out:
	buf_free(&data);
	cli_opts_free(opts);
	return rc;
}

int cli_publication_show(struct cli *c, int argc, char **argv)
{
	struct cli_opt opts[] = {{NULL}};
	char *pos[2] = {0};
	struct publication p;
	struct user u;
	int64_t id;
	int npos = 0, rc;

	if ((rc = cli_parse(c, argc, argv, opts, 1, 1, pos, &npos)) != CLI_GO)
		return rc;
	if ((rc = cli_open(c)) != 0 || (rc = find(c, pos[0], &id)) != 0)
		return rc;
	cli_operator(&u);
	publication_init(&p);
	if (publication_get(c->st, &u, id, &p, &c->err) != 0)
		rc = cli_fail(c);
	else
		rc = print_publication(c, &p);
	publication_clear(&p);
	return rc;
}

struct list_ctx {
	json_t *arr;
	struct cli_table *t;
};

static int list_row(const struct publication *p, void *ctx)
{
	struct list_ctx *l = ctx;
	char rev[16];
	json_t *doc = publication_to_json(p);

	json_object_del(doc, "body");
	json_array_append_new(l->arr, doc);
	snprintf(rev, sizeof(rev), "%d", p->base.revision);
	cli_table_add(l->t,
		      (const char *const[]){p->base.number, publication_kind_names[p->kind],
					    advisory_status_names[p->base.status], rev,
					    tlp_word(p->base.tlp), p->base.title});
	return 0;
}

int cli_publication_list(struct cli *c, int argc, char **argv)
{
	static const char *const heads[] = {"NUMBER", "KIND", "STATUS", "REV", "TLP", "TITLE"};
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
	l.t = cli_table_new(6, heads);
	if (publication_list(c->st, &u, cli_opt_get(opts, "status")->arg, list_row, &l,
			     &c->err) != 0)
		rc = cli_fail(c);
	else
		rc = cli_print_list(c, &l.arr, l.t, "no publications");
out:
	json_decref(l.arr);
	cli_table_free(l.t);
	cli_opts_free(opts);
	return rc;
}

enum step { STEP_SUBMIT, STEP_APPROVE, STEP_PUBLISH, STEP_WITHDRAW };

static int step(struct cli *c, int argc, char **argv, enum step s)
{
	struct cli_opt opts[] = {{"reason", true}, {NULL}};
	struct advisory_recipients r = {0};
	struct publication_settings cfg;
	struct delivery_settings ds;
	char *pos[2] = {0};
	size_t mails = 0;
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
	if (publication_settings_load(c->cfg, &cfg, &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	cli_operator(&u);
	if (s == STEP_SUBMIT)
		failed = publication_submit(c->st, &u, id, &c->err);
	else if (s == STEP_APPROVE)
		failed = publication_approve(c->st, &u, id, &c->err);
	else if (s == STEP_PUBLISH)
		failed =
		    delivery_settings_load(c->cfg, &ds, &c->err) != 0 ||
		    publication_publish_deliver(c->st, &u, &cfg, &ds, id, &r, &mails, &c->err);
	else
		failed = publication_withdraw(c->st, &u, id, cli_opt_get(opts, "reason")->arg,
					      &c->err);
	if (failed != 0)
		rc = cli_fail(c);
	else if (c->json)
		rc = cli_print_json(json_pack("{s:s,s:I,s:I}", "publication", pos[0],
					      "recipients", (json_int_t)r.n, "mails",
					      (json_int_t)mails));
	else if (s == STEP_PUBLISH)
		printf("published %s: %zu recipients, %zu mails queued\n", pos[0], r.n, mails);
	else
		printf("%s %s\n",
		       s == STEP_SUBMIT	   ? "submitted for review:"
		       : s == STEP_APPROVE ? "approved:"
					   : "withdrawn:",
		       pos[0]);
out:
	advisory_recipients_free(&r);
	cli_opts_free(opts);
	return rc;
}

int cli_publication_submit(struct cli *c, int argc, char **argv)
{
	return step(c, argc, argv, STEP_SUBMIT);
}

int cli_publication_approve(struct cli *c, int argc, char **argv)
{
	return step(c, argc, argv, STEP_APPROVE);
}

int cli_publication_publish(struct cli *c, int argc, char **argv)
{
	return step(c, argc, argv, STEP_PUBLISH);
}

int cli_publication_withdraw(struct cli *c, int argc, char **argv)
{
	return step(c, argc, argv, STEP_WITHDRAW);
}

int cli_publication_attachment(struct cli *c, int argc, char **argv)
{
	struct cli_opt opts[] = {{NULL}};
	char *pos[4] = {0}, type[128];
	struct buf data;
	struct user u;
	int64_t id;
	int npos = 0, rc;

	buf_init(&data, SIZE_MAX / 2);
	if ((rc = cli_parse(c, argc, argv, opts, 3, 3, pos, &npos)) != CLI_GO)
		goto out;
	if (strcmp(pos[0], "get") != 0) {
		rc = cli_usage_error(c, "'%s' is not get", pos[0]);
		goto out;
	}
	if ((rc = cli_open(c)) != 0 || (rc = find(c, pos[1], &id)) != 0)
		goto out;
	cli_operator(&u);
	if (publication_attachment(c->st, &u, id, pos[2], &data, type, &c->err) != 0)
		rc = cli_fail(c);
	else if (data.len > 0 && fwrite(data.data, 1, data.len, stdout) != data.len)
		rc = EX_IOERR;
out:
	buf_free(&data);
	cli_opts_free(opts);
	return rc;
}
