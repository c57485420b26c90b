/* cmd/cli_key.c: schakel key generate|import|list|show|delete: schakel's
 * own OpenPGP key and partners' public keys in schakel's keyring. Reads
 * outside input: key files (pgp/keys.h limits) and passphrase files. */
#include "cmd/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cmd/common.h"
#include "lib/buf.h"
#include "lib/config.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "pgp/keys.h"
#include "pgp/pgp.h"
#include "store/store.h"

/* Open the store and the keyring; the passphrase from passfile (may be
 * NULL). *out, or an exit code after saying what is wrong. */
static int key_open(struct cli *c, const char *passfile, struct pgp **out)
{
	struct pgp *p;
	char *home;
	int rc;

	if ((rc = cli_open(c)) != 0)
		return rc;
	home = pgp_home_path(c->cfg, cmd_store_url(c->cfg, c->db_flag));
	p = pgp_open(home, &c->err);
	free(home);
	if (p == NULL)
		return cli_fail(c);
	if (passfile != NULL && pgp_set_passphrase_file(p, passfile, &c->err) != 0) {
		pgp_close(p);
		return cli_fail(c);
	}
	*out = p;
	return 0;
}

static void time_or_never(int64_t t, char out[21])
{
	if (t == 0)
		snprintf(out, 21, "never");
	else
		str_time_iso((time_t)t, out);
}

/* "usable", "expired", ..., or "expires in N days" when within 30 days. */
static void key_state_text(const struct pgp_key *k, int64_t now, char *out, size_t size)
{
	if (k->state == PGP_KEY_USABLE && k->expires != 0 && k->expires <= now)
		snprintf(out, size, "expired");
	else if (k->state == PGP_KEY_USABLE && k->expires != 0 &&
		 !pgp_key_usable_until(k, now, 30 * 86400))
		snprintf(out, size, "expires in %lld days",
			 (long long)((k->expires - now + 86399) / 86400));
	else
		snprintf(out, size, "%s", pgp_key_state_name(k->state));
}

static void key_print(const struct pgp_key *k, int64_t now)
{
	char created[21], expires[21], state[64];

	str_time_iso((time_t)k->created, created);
	time_or_never(k->expires, expires);
	key_state_text(k, now, state, sizeof(state));
	printf("fingerprint: %s\nuser id:     %s\nstate:       %s\ncreated:     %s\n"
	       "expires:     %s\nsecret:      %s\n",
	       k->fpr, k->uid, state, created, expires,
	       k->secret ? "yes (schakel's own)" : "no");
}

int cli_key_generate(struct cli *c, int argc, char **argv)
{
	struct cli_opt opts[] = {{"name", true},
				 {"email", true},
				 {"expires", true},
				 {"passphrase-file", true},
				 {NULL}};
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	struct pgp *p = NULL;
	struct pgp_key k;
	int64_t expires = 730 * 86400;
	int npos = 0, rc;
	char summary[400];

	rc = cli_parse(c, argc, argv, opts, 0, 0, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	if (cli_opt_get(opts, "name")->count == 0 || cli_opt_get(opts, "email")->count == 0) {
		rc = cli_usage_error(c, "--name and --email are required");
		goto out;
	}
	if (cli_opt_get(opts, "expires")->count > 0) {
		const char *e = cli_opt_get(opts, "expires")->arg;

		if (strcmp(e, "never") == 0)
			expires = 0;
		else if (str_to_duration(e, (int64_t)20 * 365 * 86400, &expires) != 0 ||
			 expires < 86400) {
			rc = cli_usage_error(c,
					     "--expires: a duration of 1d to 7300d, or never");
			goto out;
		}
	}
	if ((rc = key_open(c, cli_opt_get(opts, "passphrase-file")->arg, &p)) != 0)
		goto out;
	if (pgp_key_generate(p, cli_opt_get(opts, "name")->arg, cli_opt_get(opts, "email")->arg,
			     expires, &k, &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	snprintf(summary, sizeof(summary), "generated schakel's key %s (%s)", k.fpr, k.uid);
	if (store_audit_add(c->st, "key.generate", "key", 0, summary, &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	if (c->json)
		rc = cli_print_json(pgp_key_json(&k, str_time_now()));
	else
		key_print(&k, str_time_now());
out:
	pgp_close(p);
	cli_opts_free(opts);
	free(pos);
	return rc;
}

/* Read the key file name ("-": stdin) into b, at most PGP_KEY_FILE_MAX
 * bytes; 0 or an exit code. */
static int read_key_file(struct cli *c, const char *name, struct buf *b)
{
	FILE *f = strcmp(name, "-") == 0 ? stdin : fopen(name, "rb");
	char chunk[8192];
	size_t n;
	int rc = 0;

	if (f == NULL) {
		fprintf(stderr, "schakel %s: %s: cannot open\n", c->cmd_name, name);
		return EX_NOINPUT;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (buf_append(b, chunk, n) != 0) {
			sk_error_set(&c->err, SK_ETOOBIG,
				     "%s: larger than %d bytes: not a key file", name,
				     PGP_KEY_FILE_MAX);
			rc = cli_fail(c);
			break;
		}
	}
	if (rc == 0 && ferror(f)) {
		fprintf(stderr, "schakel %s: %s: read error\n", c->cmd_name, name);
		rc = EX_IOERR;
	}
	if (f != stdin)
		fclose(f);
	return rc;
}

int cli_key_import(struct cli *c, int argc, char **argv)
{
	struct cli_opt opts[] = {{"secret", false}, {"passphrase-file", true}, {NULL}};
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	bool secret = false;
	struct pgp_import r;
	struct pgp *p = NULL;
	struct buf b;
	int npos = 0, rc;
	char summary[400];

	buf_init(&b, PGP_KEY_FILE_MAX);
	rc = cli_parse(c, argc, argv, opts, 1, 1, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	secret = cli_opt_get(opts, "secret")->count > 0;
	if ((rc = read_key_file(c, pos[0], &b)) != 0)
		goto out;
	if ((rc = key_open(c, cli_opt_get(opts, "passphrase-file")->arg, &p)) != 0)
		goto out;
	if (pgp_key_import(p, b.data != NULL ? b.data : "", b.len, secret, &r, &c->err) != 0) {
		sk_error_prefix(&c->err, "%s", pos[0]);
		rc = cli_fail(c);
		goto out;
	}
	for (size_t i = 0; i < r.n_fpr; i++) {
		snprintf(summary, sizeof(summary), "imported %skey %s", secret ? "secret " : "",
			 r.fpr[i]);
		if (store_audit_add(c->st, "key.import", "key", 0, summary, &c->err) != 0) {
			rc = cli_fail(c);
			goto out;
		}
	}
	if (c->json) {
		json_t *o = json_object(), *a = json_array();

		for (size_t i = 0; i < r.n_fpr; i++)
			json_array_append_new(a, json_string(r.fpr[i]));
		json_object_set_new(o, "imported", json_integer(r.imported));
		json_object_set_new(o, "unchanged", json_integer(r.unchanged));
		json_object_set_new(o, "secret_imported", json_integer(r.secret_imported));
		json_object_set_new(o, "revocations", json_integer(r.revocations));
		json_object_set_new(o, "fingerprints", a);
		rc = cli_print_json(o);
	} else {
		printf("%d imported, %d unchanged%s%s\n", r.imported, r.unchanged,
		       r.secret_imported ? ", with the secret key" : "",
		       r.revocations ? ", revoked" : "");
		for (size_t i = 0; i < r.n_fpr; i++)
			printf("%s\n", r.fpr[i]);
	}
out:
	buf_free(&b);
	pgp_close(p);
	cli_opts_free(opts);
	free(pos);
	return rc;
}

int cli_key_list(struct cli *c, int argc, char **argv)
{
	static const char *const heads[] = {"FINGERPRINT", "STATE", "EXPIRES", "USER ID"};
	struct cli_opt opts[] = {{"secret", false}, {"expiring", true}, {NULL}};
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	struct cli_table *t = cli_table_new(4, heads);
	json_t *a = json_array();
	struct pgp_key *keys = NULL;
	struct pgp *p = NULL;
	int64_t within = -1, now = str_time_now();
	size_t n = 0;
	int npos = 0, rc;

	rc = cli_parse(c, argc, argv, opts, 0, 0, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	if (cli_opt_get(opts, "expiring")->count > 0 &&
	    str_to_duration(cli_opt_get(opts, "expiring")->arg, (int64_t)20 * 365 * 86400,
			    &within) != 0) {
		rc = cli_usage_error(c, "--expiring: a duration such as 30d");
		goto out;
	}
	if ((rc = key_open(c, NULL, &p)) != 0)
		goto out;
	if (pgp_key_list(p, cli_opt_get(opts, "secret")->count > 0, &keys, &n, &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		char expires[21], state[64];

		/* --expiring: the keys that will not be usable then. */
		if (within >= 0 && pgp_key_usable_until(&keys[i], now, within))
			continue;
		time_or_never(keys[i].expires, expires);
		key_state_text(&keys[i], now, state, sizeof(state));
		cli_table_add(t,
			      (const char *const[]){keys[i].fpr, state, expires, keys[i].uid});
		json_array_append_new(a, pgp_key_json(&keys[i], now));
	}
	rc = cli_print_list(c, &a, t, within >= 0 ? "no key expiring" : "no keys");
out:
	json_decref(a);
	cli_table_free(t);
	free(keys);
	pgp_close(p);
	cli_opts_free(opts);
	free(pos);
	return rc;
}

int cli_key_show(struct cli *c, int argc, char **argv)
{
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	struct pgp *p = NULL;
	struct pgp_key k;
	int npos = 0, rc;

	rc = cli_parse(c, argc, argv, NULL, 1, 1, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	if ((rc = key_open(c, NULL, &p)) != 0)
		goto out;
	if (pgp_key_get(p, pos[0], false, &k, &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	k.secret = pgp_key_get(p, k.fpr, true, &(struct pgp_key){0}, NULL) == 0;
	if (c->json)
		rc = cli_print_json(pgp_key_json(&k, str_time_now()));
	else
		key_print(&k, str_time_now());
out:
	pgp_close(p);
	free(pos);
	return rc;
}

int cli_key_delete(struct cli *c, int argc, char **argv)
{
	struct cli_opt opts[] = {{"secret", false}, {NULL}};
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	char fpr[PGP_FPR_MAX + 1], summary[200];
	struct pgp *p = NULL;
	int npos = 0, rc;

	rc = cli_parse(c, argc, argv, opts, 1, 1, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	if (pgp_fpr_normalize(pos[0], fpr, &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	if ((rc = key_open(c, NULL, &p)) != 0)
		goto out;
	if (pgp_key_delete(p, fpr, cli_opt_get(opts, "secret")->count > 0, &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	snprintf(summary, sizeof(summary), "deleted key %s", fpr);
	if (store_audit_add(c->st, "key.delete", "key", 0, summary, &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	if (c->json) {
		json_t *o = json_object();

		json_object_set_new(o, "deleted", json_string(fpr));
		rc = cli_print_json(o);
	} else {
		printf("deleted key %s\n", fpr);
	}
out:
	pgp_close(p);
	cli_opts_free(opts);
	free(pos);
	return rc;
}
