/* cmd/cli_admin.c: the schakel commands that look after the store as a
 * whole: init, import, export, users, API tokens and the audit log.
 * Reads outside input: import documents (limits in registry/exchange.h)
 * and, with --password-stdin (user add) or --stdin (user passwd), one
 * line of at most 1023 bytes. */
#include "cmd/cli.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "access/access.h"
#include "access/account.h"
#include "cmd/common.h"
#include "lib/config.h"
#include "lib/secret.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "pgp/pgp.h"
#include "registry/constituency.h"
#include "registry/event_read.h"
#include "registry/exchange.h"
#include "store/store.h"
#include "ticket/view.h"

#define AUDIT_DEFAULT 50
#define AUDIT_MAX     100000

/* url without a password ("postgresql://bob:secret@db/x" shows
 * "postgresql://bob:***@db/x"); caller frees. */
static char *url_for_display(const char *url)
{
	const char *scheme = strstr(url, "://"), *at, *colon;

	if (scheme == NULL)
		return xstrdup(url);
	at = strchr(scheme + 3, '@');
	colon = strchr(scheme + 3, ':');
	if (at == NULL || colon == NULL || colon > at)
		return xstrdup(url);
	return xasprintf("%.*s:***%s", (int)(colon - url), url, at);
}

int cli_init(struct cli *c, int argc, char **argv)
{
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	char *shown = NULL, *home = NULL;
	int npos = 0, rc;

	rc = cli_parse(c, argc, argv, NULL, 0, 0, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	if ((rc = cli_open(c)) != 0)
		goto out;
	/* schakel's keyring, empty until schakel key generate or import. */
	home = pgp_home_path(c->cfg, cmd_store_url(c->cfg, c->db_flag));
	if (pgp_home_create(home, &c->err) != 0) {
		/* A keyring set in the config must be there; the default one
		 * of a PostgreSQL store is only missed by the PGP commands. */
		if (config_get(c->cfg, "pgp", "home") != NULL) {
			rc = cmd_fail("schakel", &c->err);
			goto out;
		}
		fprintf(stderr, "schakel: warning: %s; set [pgp] home\n", c->err.msg);
		free(home);
		home = NULL;
	}
	shown = url_for_display(cmd_store_url(c->cfg, c->db_flag));
	if (c->json) {
		json_t *o = json_object();

		json_object_set_new(o, "store", json_string(shown));
		json_object_set_new(o, "keyring",
				    home != NULL ? json_string(home) : json_null());
		rc = cli_print_json(o);
	} else {
		printf("store ready: %s\n", shown);
		if (home != NULL)
			printf("keyring: %s\n", home);
	}
out:
	free(home);
	free(shown);
	free(pos);
	return rc;
}

int cli_import(struct cli *c, int argc, char **argv)
{
	struct exchange_stats stats = {0};
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	const char *name;
	FILE *f = NULL;
	int npos = 0, rc;

	rc = cli_parse(c, argc, argv, NULL, 1, 1, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	if (strcmp(pos[0], "-") == 0) {
		f = stdin;
		name = "<stdin>";
	} else {
		f = fopen(pos[0], "rb");
		name = pos[0];
		if (f == NULL) {
			fprintf(stderr, "schakel: %s: %s\n", pos[0], strerror(errno));
			rc = EX_NOINPUT;
			goto out;
		}
	}
	if ((rc = cli_open(c)) != 0)
		goto out;
	if (registry_import(c->st, access_local_operator(), f, name, &stats, &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	if (c->json) {
		json_t *o = json_object();

		json_object_set_new(o, "organizations", json_integer(stats.orgs));
		json_object_set_new(o, "memberships", json_integer(stats.memberships));
		json_object_set_new(o, "contacts", json_integer(stats.contacts));
		json_object_set_new(o, "resources", json_integer(stats.resources));
		rc = cli_print_json(o);
	} else {
		printf("imported %s: %ld organizations added or changed, %ld memberships, "
		       "%ld contacts and %ld resources added\n",
		       name, stats.orgs, stats.memberships, stats.contacts, stats.resources);
	}
out:
	if (f != NULL && f != stdin)
		fclose(f);
	free(pos);
	return rc;
}

/* Export to path through a temporary file renamed into place, so a
 * failed export never leaves half a document. */
static int export_to_file(struct cli *c, const char *path)
{
	char *tmp = xasprintf("%s.XXXXXX", path);
	FILE *f = NULL;
	int fd = -1, rc;

	fd = mkstemp(tmp);
	if (fd < 0) {
		rc = sk_error_set(&c->err, SK_EIO, "%s: %s", path, strerror(errno));
		goto out;
	}
	f = fdopen(fd, "w");
	if (f == NULL) {
		close(fd);
		rc = sk_error_set(&c->err, SK_EIO, "%s: %s", path, strerror(errno));
		goto out;
	}
	rc = registry_export(c->st, access_local_operator(), f, &c->err);
	if (fclose(f) != 0 && rc == 0)
		rc = sk_error_set(&c->err, SK_EIO, "%s: %s", path, strerror(errno));
	if (rc == 0 && rename(tmp, path) != 0)
		rc = sk_error_set(&c->err, SK_EIO, "%s: %s", path, strerror(errno));
out:
	if (rc != 0 && fd >= 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

int cli_export(struct cli *c, int argc, char **argv)
{
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	int npos = 0, rc;

	rc = cli_parse(c, argc, argv, NULL, 0, 1, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	if ((rc = cli_open(c)) != 0)
		goto out;
	if (npos == 1 && strcmp(pos[0], "-") != 0)
		rc = export_to_file(c, pos[0]);
	else
		rc = registry_export(c->st, access_local_operator(), stdout, &c->err);
	if (rc != 0)
		rc = cli_fail(c);
out:
	free(pos);
	return rc;
}

/* The first line of stdin, without its line end; flag names the option
 * in messages. */
static int read_password(const char *flag, char *out, size_t size, struct sk_error *err)
{
	size_t n;

	if (fgets(out, (int)size, stdin) == NULL)
		return sk_error_set(err, SK_EINVAL, "%s: no password on stdin", flag);
	n = strlen(out);
	if (n == size - 1 && out[n - 1] != '\n' && !feof(stdin))
		return sk_error_set(err, SK_ETOOBIG,
				    "%s: the password is longer than %zu bytes", flag,
				    size - 2);
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = '\0';
	return account_password_check(out, err);
}

/* The password user add and user passwd set: the first line of stdin
 * (from_stdin, flag naming the option), else a new random one. */
static int new_password(bool from_stdin, const char *flag, char *out, size_t size,
			struct sk_error *err)
{
	if (secret_init() != 0)
		return sk_error_set(err, SK_EIO, "libsodium could not be initialised");
	if (from_stdin)
		return read_password(flag, out, size, err);
	account_password_new(out);
	return 0;
}

int cli_user_add(struct cli *c, int argc, char **argv)
{
	struct cli_opt opts[] = {
	    {"role", true}, {"org", true}, {"password-stdin", false}, {NULL}};
	struct cli_opt *role_opt = cli_opt_get(opts, "role"),
		       *org_opt = cli_opt_get(opts, "org");
	bool from_stdin;
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	char password[1024];
	struct org org;
	struct user u;
	int npos = 0, rc, role;

	memset(&org, 0, sizeof(org));
	memset(&u, 0, sizeof(u));
	password[0] = '\0';
	rc = cli_parse(c, argc, argv, opts, 1, 1, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	from_stdin = cli_opt_get(opts, "password-stdin")->count > 0;
	if (role_opt->count == 0) {
		rc = cli_usage_error(c, "--role is required (admin, analyst or partner)");
		goto out;
	}
	if ((role = org_vocab_parse(user_role_names, "role", role_opt->arg, &c->err)) < 0)
		goto fail;
	if (role == USER_ROLE_PARTNER && org_opt->count == 0) {
		rc = cli_usage_error(c, "a partner user needs --org ORG");
		goto out;
	}
	if (role != USER_ROLE_PARTNER && org_opt->count > 0) {
		rc = cli_usage_error(c, "only partner users belong to an organization (--org)");
		goto out;
	}
	if (strlen(pos[0]) > USER_NAME_MAX) {
		sk_error_set(&c->err, SK_EINVAL, "user name must be 1 to %d characters",
			     USER_NAME_MAX);
		goto fail;
	}
	if (new_password(from_stdin, "--password-stdin", password, sizeof(password), &c->err) !=
	    0)
		goto fail;
	if ((rc = cli_open(c)) != 0)
		goto out;
	if (org_opt->count > 0 && cli_org_find(c, org_opt->arg, &org) != 0)
		goto fail;
	memcpy(u.name, pos[0], strlen(pos[0]) + 1);
	u.role = (enum user_role)role;
	u.org_id = org.id;
	if (account_user_add(c->st, access_local_operator(), &u, password, &c->err) != 0)
		goto fail;
	if (c->json) {
		json_t *o = json_object();

		json_object_set_new(o, "user", exchange_user_json(&u));
		if (!from_stdin)
			json_object_set_new(o, "password", json_string(password));
		rc = cli_print_json(o);
	} else if (!from_stdin) {
		printf("%s\n", password);
		rc = 0;
	} else {
		rc = 0;
	}
	if (rc == 0)
		fprintf(stderr, "schakel: added user %s (%s%s%s)%s\n", u.name,
			user_role_names[u.role], org.name ? " of " : "",
			org.name ? org.name : "",
			from_stdin ? "" : "; the password printed is shown only once");
	goto out;
fail:
	rc = cli_fail(c);
out:
	explicit_bzero(password, sizeof(password));
	org_clear(&org);
	cli_opts_free(opts);
	free(pos);
	return rc;
}

int cli_user_passwd(struct cli *c, int argc, char **argv)
{
	struct cli_opt opts[] = {{"stdin", false}, {NULL}};
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	char password[1024];
	bool from_stdin;
	struct user u;
	int npos = 0, rc;

	password[0] = '\0';
	rc = cli_parse(c, argc, argv, opts, 1, 1, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	from_stdin = cli_opt_get(opts, "stdin")->count > 0;
	if (new_password(from_stdin, "--stdin", password, sizeof(password), &c->err) != 0)
		goto fail;
	if ((rc = cli_open(c)) != 0)
		goto out;
	if (account_password_set(c->st, access_local_operator(), pos[0], password, NULL,
				 &c->err) != 0 ||
	    store_user_get_by_name(c->st, pos[0], &u, NULL, &c->err) != 0)
		goto fail;
	if (c->json) {
		json_t *o = json_object();

		json_object_set_new(o, "user", exchange_user_json(&u));
		if (!from_stdin)
			json_object_set_new(o, "password", json_string(password));
		rc = cli_print_json(o);
	} else {
		if (!from_stdin)
			printf("%s\n", password);
		rc = 0;
	}
	if (rc == 0)
		fprintf(stderr, "schakel: set a new password for %s and ended its sessions%s\n",
			u.name, from_stdin ? "" : "; the password printed is shown only once");
	goto out;
fail:
	rc = cli_fail(c);
out:
	explicit_bzero(password, sizeof(password));
	cli_opts_free(opts);
	free(pos);
	return rc;
}

/* A comma list of scopes as a JSON array of names. */
static json_t *scopes_json(const char *text)
{
	json_t *a = json_array();

	while (*text != '\0') {
		size_t n = strcspn(text, ",");

		json_array_append_new(a, json_stringn(text, n));
		text += n + (text[n] == ',');
	}
	return a;
}

int cli_token_create(struct cli *c, int argc, char **argv)
{
	struct cli_opt opts[] = {
	    {"label", true}, {"expires", true}, {"scope", true, true}, {NULL}};
	struct cli_opt *label_opt = cli_opt_get(opts, "label");
	struct cli_opt *expires_opt = cli_opt_get(opts, "expires");
	struct cli_opt *scope_opt = cli_opt_get(opts, "scope");
	unsigned scopes = 0;
	int64_t lifetime = 0;
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	struct account_token t;
	const char *label;
	int npos = 0, rc;

	memset(&t, 0, sizeof(t));
	rc = cli_parse(c, argc, argv, opts, 1, 1, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	label = label_opt->count > 0 ? label_opt->arg : "";
	if (expires_opt->count > 0 &&
	    (str_to_duration(expires_opt->arg, ACCOUNT_LIFETIME_MAX, &lifetime) != 0 ||
	     lifetime == 0)) {
		rc = cli_usage_error(c,
				     "--expires must be a duration from 1s to %dd "
				     "(a number with s, m, h or d: 90d)",
				     ACCOUNT_LIFETIME_MAX / 86400);
		goto out;
	}
	for (int i = 0; i < scope_opt->count; i++) {
		if (user_scopes_parse(scope_opt->args[i], &scopes, &c->err) != 0) {
			rc = cli_usage_error(c, "--scope: %s", c->err.msg);
			goto out;
		}
	}
	if (secret_init() != 0) {
		sk_error_set(&c->err, SK_EIO, "libsodium could not be initialised");
		goto fail;
	}
	if ((rc = cli_open(c)) != 0)
		goto out;
	if (account_token_create(c->st, access_local_operator(), pos[0], label, lifetime,
				 scopes, &t, &c->err) != 0)
		goto fail;
	if (c->json) {
		json_t *o = json_object();

		json_object_set_new(o, "id", json_integer(t.id));
		json_object_set_new(o, "user", json_string(t.user.name));
		json_object_set_new(o, "label", json_string(label));
		json_object_set_new(
		    o, "expires", t.expires[0] != '\0' ? json_string(t.expires) : json_null());
		json_object_set_new(o, "scopes", scopes_json(t.scopes));
		json_object_set_new(o, "token", json_string(t.token));
		rc = cli_print_json(o);
	} else {
		printf("%s\n", t.token);
		rc = 0;
	}
	if (rc == 0)
		fprintf(stderr,
			"schakel: token %lld for %s created%s%s; it is shown only once and "
			"stored only as a hash\n",
			(long long)t.id, t.user.name, t.expires[0] != '\0' ? ", expiring " : "",
			t.expires);
	goto out;
fail:
	rc = cli_fail(c);
out:
	explicit_bzero(&t, sizeof(t));
	cli_opts_free(opts);
	free(pos);
	return rc;
}

struct token_out {
	struct cli_table *t;
	json_t *a;
};

/* JSON null for "", else the string. */
static json_t *json_time(const char *t)
{
	return t[0] != '\0' ? json_string(t) : json_null();
}

static int print_token(const struct token_info *t, void *ctx)
{
	struct token_out *o = ctx;
	char id[24];

	if (o->a != NULL) {
		json_t *v = json_object();

		json_object_set_new(v, "id", json_integer(t->id));
		json_object_set_new(v, "user", json_string(t->user));
		json_object_set_new(v, "label", json_string(t->label));
		json_object_set_new(v, "created", json_string(t->created));
		json_object_set_new(v, "expires", json_time(t->expires));
		json_object_set_new(v, "last_used", json_time(t->last_used));
		json_object_set_new(v, "scopes", scopes_json(t->scopes));
		json_array_append_new(o->a, v);
		return 0;
	}
	snprintf(id, sizeof(id), "%lld", (long long)t->id);
	cli_table_add(o->t, (const char *[]){id, t->user, t->label, t->created,
					     t->expires[0] != '\0' ? t->expires : "never",
					     t->last_used[0] != '\0' ? t->last_used : "never",
					     t->scopes[0] != '\0' ? t->scopes : "-"});
	return 0;
}

int cli_token_list(struct cli *c, int argc, char **argv)
{
	static const char *const heads[] = {"ID",      "USER",	    "LABEL", "CREATED",
					    "EXPIRES", "LAST USED", "SCOPES"};
	struct cli_opt opts[] = {{NULL}};
	struct token_out o = {0};
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	int npos = 0, rc;

	rc = cli_parse(c, argc, argv, opts, 0, 1, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	if ((rc = cli_open(c)) != 0)
		goto out;
	if (c->json)
		o.a = json_array();
	else
		o.t = cli_table_new(7, heads);
	if (account_token_each(c->st, access_local_operator(), npos == 1 ? pos[0] : NULL,
			       print_token, &o, &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	rc = cli_print_list(c, &o.a, o.t, "no API tokens");
out:
	json_decref(o.a);
	cli_table_free(o.t);
	free(pos);
	return rc;
}

struct audit_out {
	struct cli_table *t;
	json_t *a;
};

static int print_audit(const struct audit_entry *e, void *ctx)
{
	struct audit_out *o = ctx;

	if (o->a != NULL) {
		json_array_append_new(o->a, ticket_view_audit(e));
		return 0;
	}
	cli_table_add(o->t,
		      (const char *[]){e->at, e->actor, e->action, e->object, e->summary});
	return 0;
}

/* The audit filter of the options (text borrowed from argv). */
static int audit_filter_opts(struct cli *c, struct cli_opt *opts, struct audit_filter *f)
{
	static const char *const texts[] = {"actor", "action", "object"};
	const char **dst[] = {&f->actor, &f->action, &f->object};
	static const char *const times[] = {"since", "until"};
	int64_t *tdst[] = {&f->since, &f->until};
	struct cli_opt *o;

	for (size_t i = 0; i < 3; i++) {
		o = cli_opt_get(opts, texts[i]);
		if (o->count > 0 && (o->arg[0] == '\0' || strlen(o->arg) > 64))
			return cli_usage_error(c, "--%s must be 1 to 64 bytes", texts[i]);
		*dst[i] = o->count > 0 ? o->arg : NULL;
	}
	o = cli_opt_get(opts, "id");
	if (o->count > 0 && str_to_i64(o->arg, 1, INT64_MAX, &f->object_id) != 0)
		return cli_usage_error(c, "--id must be an object's number");
	if (o->count > 0 && f->object == NULL)
		return cli_usage_error(c, "--id needs --object (the kind, such as ticket)");
	o = cli_opt_get(opts, "limit");
	if (o->count > 0 && str_to_i64(o->arg, 1, AUDIT_MAX, &f->limit) != 0)
		return cli_usage_error(c, "--limit must be a number from 1 to %d", AUDIT_MAX);
	for (size_t i = 0; i < 2; i++) {
		o = cli_opt_get(opts, times[i]);
		if (o->count > 0 &&
		    event_read_time(o->arg, (int64_t)str_time_now(), tdst[i], &c->err) != 0) {
			sk_error_prefix(&c->err, "--%s", times[i]);
			return cli_usage_error(c, "%s", c->err.msg);
		}
	}
	return CLI_GO;
}

int cli_audit(struct cli *c, int argc, char **argv)
{
	static const char *const heads[] = {"AT", "ACTOR", "ACTION", "OBJECT", "SUMMARY"};
	struct cli_opt opts[] = {
	    {"actor", true}, {"action", true}, {"object", true}, {"id", true},
	    {"since", true}, {"until", true},  {"limit", true},	 {NULL}};
	struct audit_filter f = {.limit = AUDIT_DEFAULT};
	struct audit_out o = {0};
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	int npos = 0, rc;

	rc = cli_parse(c, argc, argv, opts, 0, 0, pos, &npos);
	if (rc != CLI_GO || (rc = audit_filter_opts(c, opts, &f)) != CLI_GO)
		goto out;
	if ((rc = cli_open(c)) != 0)
		goto out;
	if (c->json)
		o.a = json_array();
	else
		o.t = cli_table_new(5, heads);
	if (registry_audit_find(c->st, access_local_operator(), &f, print_audit, &o, NULL,
				&c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	rc = cli_print_list(c, &o.a, o.t, "no audit entries");
out:
	json_decref(o.a);
	cli_table_free(o.t);
	free(pos);
	return rc;
}

/* A store URL given to migrate --from must name a store that exists: an
 * SQLite file that is not there would be created, empty, and copied. */
static int check_source_exists(const char *url)
{
	const char *path;

	if (!str_has_prefix(url, "sqlite:"))
		return 0;
	path = url + strlen("sqlite:");
	if (*path == '\0' || str_has_prefix(path, "file:") || strcmp(path, ":memory:") == 0 ||
	    access(path, F_OK) == 0)
		return 0;
	fprintf(stderr, "schakel migrate: source store %s: %s\n", url, strerror(errno));
	return EX_NOINPUT;
}

/* Print what migrate copied, as text or JSON. */
static int print_migrated(struct cli *c, const char *from, const char *to,
			  const struct store_copy_stats *n)
{
	json_t *o;

	if (!c->json) {
		printf("migrated %s to %s: %lld organizations, %lld memberships, %lld "
		       "contacts, %lld resources, %lld users, %lld API tokens and %lld audit "
		       "entries, ids kept\n",
		       from, to, (long long)n->orgs, (long long)n->memberships,
		       (long long)n->contacts, (long long)n->resources, (long long)n->users,
		       (long long)n->tokens, (long long)n->audit);
		printf("  and %lld events with %lld recipient rows, %lld opt-outs\n",
		       (long long)n->events, (long long)n->event_recipients,
		       (long long)n->optouts);
		return 0;
	}
	o = json_object();
	json_object_set_new(o, "from", json_string(from));
	json_object_set_new(o, "to", json_string(to));
	json_object_set_new(o, "organizations", json_integer(n->orgs));
	json_object_set_new(o, "memberships", json_integer(n->memberships));
	json_object_set_new(o, "contacts", json_integer(n->contacts));
	json_object_set_new(o, "resources", json_integer(n->resources));
	json_object_set_new(o, "users", json_integer(n->users));
	json_object_set_new(o, "tokens", json_integer(n->tokens));
	json_object_set_new(o, "audit", json_integer(n->audit));
	json_object_set_new(o, "events", json_integer(n->events));
	json_object_set_new(o, "event_recipients", json_integer(n->event_recipients));
	json_object_set_new(o, "optouts", json_integer(n->optouts));
	return cli_print_json(o);
}

int cli_migrate(struct cli *c, int argc, char **argv)
{
	struct cli_opt opts[] = {{"from", true}, {"to", true}, {NULL}};
	struct cli_opt *from_opt = cli_opt_get(opts, "from"), *to_opt = cli_opt_get(opts, "to");
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	char *from_shown = NULL, *to_shown = NULL, actor[128];
	struct store_copy_stats stats;
	struct store *from = NULL;
	const char *from_url;
	int npos = 0, rc;

	rc = cli_parse(c, argc, argv, opts, 0, 0, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	if (to_opt->count == 0) {
		rc = cli_usage_error(c, "--to URL is required (the new, empty store)");
		goto out;
	}
	c->cfg = cmd_config_load(c->config_path, &c->err);
	if (c->cfg == NULL)
		goto fail;
	from_url = from_opt->count > 0 ? from_opt->arg : cmd_store_url(c->cfg, c->db_flag);
	from_shown = url_for_display(from_url);
	to_shown = url_for_display(to_opt->arg);
	if (strcmp(from_url, to_opt->arg) == 0) {
		rc = cli_usage_error(c, "--from and --to name the same store (%s)", to_shown);
		goto out;
	}
	if ((rc = check_source_exists(from_url)) != 0)
		goto out;
	if ((from = store_open(from_url, &c->err)) == NULL) {
		sk_error_prefix(&c->err, "source store");
		goto fail;
	}
	if ((c->st = store_open(to_opt->arg, &c->err)) == NULL) {
		sk_error_prefix(&c->err, "target store");
		goto fail;
	}
	cli_actor_name(actor, sizeof(actor));
	store_set_actor(c->st, actor);
	if (store_copy(from, c->st, &stats, &c->err) != 0) {
		sk_error_prefix(&c->err, "migrating %s to %s", from_shown, to_shown);
		goto fail;
	}
	rc = print_migrated(c, from_shown, to_shown, &stats);
	goto out;
fail:
	rc = cli_fail(c);
out:
	store_close(from);
	free(from_shown);
	free(to_shown);
	free(pos);
	return rc;
}
