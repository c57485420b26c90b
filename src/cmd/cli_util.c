/* cmd/cli_util.c: the plumbing every schakel command uses: option
 * parsing, usage errors, opening the store, aligned tables and JSON.
 * Reads outside input (the command line): every word must be UTF-8. */
#include "cmd/cli.h"

#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "access/access.h"
#include "cmd/common.h"
#include "lib/buf.h"
#include "lib/config.h"
#include "lib/str.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"
#include "pgp/pgp.h"
#include "registry/constituency.h"
#include "route/enrich.h"
#include "route/index.h"
#include "route/match.h"
#include "store/store.h"

int cli_usage_error(struct cli *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "schakel%s%s: ", c->cmd_name ? " " : "",
		c->cmd_name ? c->cmd_name : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'schakel%s%s --help'.\n", c->cmd_name ? " " : "",
		c->cmd_name ? c->cmd_name : "");
	return sk_error_exit_code(SK_EUSAGE);
}

int cli_fail(struct cli *c)
{
	return cmd_fail("schakel", &c->err);
}

struct cli_opt *cli_opt_get(struct cli_opt *opts, const char *name)
{
	for (; opts->name != NULL; opts++)
		if (strcmp(opts->name, name) == 0)
			return opts;
	abort();
}

void cli_opts_free(struct cli_opt *opts)
{
	for (; opts != NULL && opts->name != NULL; opts++) {
		free(opts->args);
		opts->args = NULL;
	}
}

static int parse_option(struct cli *c, int argc, char **argv, int *i, struct cli_opt *opts)
{
	const char *word = argv[*i] + 2, *eq = strchr(word, '=');
	size_t len = eq ? (size_t)(eq - word) : strlen(word);
	const char *value = NULL;
	struct cli_opt *o = NULL;

	if (len == 4 && strncmp(word, "help", 4) == 0 && eq == NULL) {
		fputs(c->usage, stdout);
		return 0;
	}
	if (len == 4 && strncmp(word, "json", 4) == 0 && eq == NULL) {
		c->json = true;
		return CLI_GO;
	}
	for (struct cli_opt *p = opts; p != NULL && p->name != NULL; p++) {
		if (strlen(p->name) == len && strncmp(p->name, word, len) == 0) {
			o = p;
			break;
		}
	}
	if (o == NULL)
		return cli_usage_error(c, "unknown option '--%.*s'", (int)len, word);
	if (o->has_arg) {
		if (eq != NULL) {
			value = eq + 1;
		} else if (*i + 1 < argc) {
			value = argv[++*i];
		} else {
			return cli_usage_error(c, "option '--%s' needs a value", o->name);
		}
	} else if (eq != NULL) {
		return cli_usage_error(c, "option '--%s' takes no value", o->name);
	}
	if (o->count > 0 && !o->repeat)
		return cli_usage_error(c, "option '--%s' given twice", o->name);
	if (o->repeat) {
		o->args = xreallocarray(o->args, (size_t)o->count + 1, sizeof(*o->args));
		o->args[o->count] = value;
	}
	o->count++;
	o->arg = value;
	return CLI_GO;
}

int cli_parse(struct cli *c, int argc, char **argv, struct cli_opt *opts, int min_pos,
	      int max_pos, char **pos, int *npos)
{
	bool only_pos = false;
	int n = 0, rc;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (!utf8_valid(a, strlen(a))) {
			sk_error_set(&c->err, SK_EINVAL, "argument %d is not valid UTF-8",
				     i + 1);
			return cli_fail(c);
		}
		if (only_pos || a[0] != '-' || a[1] == '\0') {
			pos[n++] = argv[i];
		} else if (strcmp(a, "--") == 0) {
			only_pos = true;
		} else if (strcmp(a, "-h") == 0) {
			fputs(c->usage, stdout);
			return 0;
		} else if (a[1] == '-') {
			rc = parse_option(c, argc, argv, &i, opts);
			if (rc != CLI_GO)
				return rc;
			if (!utf8_valid(argv[i], strlen(argv[i]))) {
				sk_error_set(&c->err, SK_EINVAL,
					     "argument %d is not valid UTF-8", i + 1);
				return cli_fail(c);
			}
		} else {
			return cli_usage_error(c, "unknown option '%s'", a);
		}
	}
	if (n < min_pos)
		return cli_usage_error(c, "missing argument%s", min_pos - n > 1 ? "s" : "");
	if (max_pos >= 0 && n > max_pos)
		return cli_usage_error(c, "unexpected argument '%s'", pos[max_pos]);
	*npos = n;
	return CLI_GO;
}

void cli_actor_name(char *out, size_t size)
{
	const char *user = getenv("USER");
	struct passwd *pw;

	if (user == NULL || *user == '\0') {
		pw = getpwuid(getuid());
		user = pw != NULL ? pw->pw_name : NULL;
	}
	if (user != NULL)
		snprintf(out, size, "cli:%s", user);
	else
		snprintf(out, size, "cli:uid%ld", (long)getuid());
}

int cli_open(struct cli *c)
{
	char actor[128];

	if (c->st != NULL)
		return 0;
	if (c->cfg == NULL) {
		c->cfg = cmd_config_load(c->config_path, &c->err);
		if (c->cfg == NULL)
			return cli_fail(c);
	}
	c->st = store_open(cmd_store_url(c->cfg, c->db_flag), &c->err);
	if (c->st == NULL)
		return cli_fail(c);
	cli_actor_name(actor, sizeof(actor));
	store_set_actor(c->st, actor);
	c->pgp_home = pgp_home_path(c->cfg, cmd_store_url(c->cfg, c->db_flag));
	registry_set_key_check(cmd_key_check, c->pgp_home);
	return 0;
}

/* b is borrowed. */
int cli_read_stdin(struct buf *b)
{
	char chunk[65536];
	size_t n;

	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
		if (buf_append(b, chunk, n) != 0)
			return SK_ETOOBIG;
	return ferror(stdin) ? SK_EIO : 0;
}

void cli_close(struct cli *c)
{
	store_close(c->st);
	c->st = NULL;
	registry_set_key_check(NULL, NULL);
	free(c->pgp_home);
	c->pgp_home = NULL;
	config_free(c->cfg);
	c->cfg = NULL;
}

int cli_org_find(struct cli *c, const char *ref, struct org *out)
{
	return registry_org_find(c->st, access_local_operator(), ref, out, &c->err);
}

const char *cli_org_name(const struct org_list *orgs, int64_t id)
{
	const struct org *hit = org_list_find_id(orgs, id);

	return hit ? hit->name : "?";
}

int cli_print_json(json_t *v)
{
	int rc = 0;

	if (v == NULL || json_dumpf(v, stdout, JSON_INDENT(2)) != 0 ||
	    fputc('\n', stdout) == EOF)
		rc = sk_error_exit_code(SK_EIO);
	json_decref(v);
	return rc;
}

struct cli_table {
	int ncols;
	char **cells; /* rows * ncols, the header first */
	size_t nrows, alloc;
};

struct cli_table *cli_table_new(int ncols, const char *const *heads)
{
	struct cli_table *t = xcalloc(1, sizeof(*t));

	t->ncols = ncols;
	cli_table_add(t, heads);
	return t;
}

void cli_table_add(struct cli_table *t, const char *const *cells)
{
	if (t->nrows == t->alloc) {
		t->alloc = t->alloc ? t->alloc * 2 : 16;
		t->cells =
		    xreallocarray(t->cells, t->alloc * (size_t)t->ncols, sizeof(*t->cells));
	}
	for (int i = 0; i < t->ncols; i++)
		t->cells[t->nrows * (size_t)t->ncols + (size_t)i] =
		    xstrdup(cells[i] ? cells[i] : "");
	t->nrows++;
}

size_t cli_table_rows(const struct cli_table *t)
{
	return t->nrows - 1;
}

/* Width on a terminal: characters, not bytes. */
static size_t text_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

void cli_table_print(const struct cli_table *t)
{
	size_t *width = xcalloc((size_t)t->ncols, sizeof(*width));

	for (size_t r = 0; r < t->nrows; r++)
		for (int i = 0; i < t->ncols; i++) {
			size_t w = text_width(t->cells[r * (size_t)t->ncols + (size_t)i]);

			if (w > width[i])
				width[i] = w;
		}
	for (size_t r = 0; r < t->nrows; r++) {
		for (int i = 0; i < t->ncols; i++) {
			const char *cell = t->cells[r * (size_t)t->ncols + (size_t)i];

			fputs(cell, stdout);
			if (i + 1 < t->ncols)
				printf("%*s", (int)(width[i] - text_width(cell) + 2), "");
		}
		fputc('\n', stdout);
	}
	free(width);
}

void cli_table_free(struct cli_table *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->nrows * (size_t)t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

/* *a taken; t borrowed. */
int cli_print_list(struct cli *c, json_t **a, const struct cli_table *t, const char *empty)
{
	json_t *j = *a;

	*a = NULL;
	if (c->json)
		return cli_print_json(j);
	json_decref(j);
	if (cli_table_rows(t) == 0)
		printf("%s\n", empty);
	else
		cli_table_print(t);
	return 0;
}

int cli_exit_worse(int a, int b)
{
	static const int order[] = {EX_OK, EX_DATAERR, EX_NOINPUT, EX_TEMPFAIL, EX_IOERR};
	int n = (int)(sizeof(order) / sizeof(order[0]));
	int ra = a == EX_OK ? 0 : n, rb = b == EX_OK ? 0 : n; /* others rank worst */

	for (int i = 0; i < n; i++) {
		if (order[i] == a)
			ra = i;
		if (order[i] == b)
			rb = i;
	}
	return rb > ra ? b : a;
}

int cli_pick_tlp(struct cli *c, const char *flag, enum tlp_label *out)
{
	const char *text =
	    flag != NULL ? flag : config_str(c->cfg, "feeds", "tlp", "TLP:AMBER");
	struct sk_error sub = {0};

	if (tlp_parse(text, out, &sub) == 0)
		return 0;
	if (flag != NULL)
		return cli_usage_error(c, "--tlp: %s", sub.msg);
	config_error(c->cfg, "feeds", "tlp", &c->err, "%s", sub.msg);
	return cli_fail(c);
}

int cli_routing_open(struct cli *c, const char *match_flag, struct cli_routing *out)
{
	const char *mode = match_flag != NULL
			       ? match_flag
			       : config_str(c->cfg, "route", "match", "most-specific");
	enum route_mode m;
	struct sk_error sub = {0};

	memset(out, 0, sizeof(*out));
	if (route_mode_parse(mode, &m, &sub) != 0) {
		if (match_flag != NULL)
			return cli_usage_error(c, "--match: %s", sub.msg);
		config_error(c->cfg, "route", "match", &c->err, "%s", sub.msg);
		return cli_fail(c);
	}
	out->mode = m;
	out->enricher =
	    route_enricher_open(config_get(c->cfg, "route", "asn_mmdb"),
				config_get(c->cfg, "route", "country_mmdb"), &c->err);
	if (out->enricher == NULL || (out->idx = route_index_build(c->st, &c->err)) == NULL ||
	    (out->ctx = route_context_load(c->st, m, &c->err)) == NULL) {
		cli_routing_close(out);
		return cli_fail(c);
	}
	return 0;
}

void cli_routing_close(struct cli_routing *r)
{
	route_context_free(r->ctx);
	route_index_free(r->idx);
	route_enricher_free(r->enricher);
	memset(r, 0, sizeof(*r));
}
