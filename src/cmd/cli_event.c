/* cmd/cli_event.c: the event commands of schakel: listing stored events
 * (through registry/event_read.h, the same rows and TLP policy as the
 * API), deleting those past retention, and the classification types an
 * organization opts out of. */
#include "cmd/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "lib/buf.h"
#include "lib/config.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "model/recipient.h"
#include "model/taxonomy.h"
#include "registry/constituency.h"
#include "registry/event_read.h"
#include "route/optout.h"
#include "route/retention.h"
#include "store/store.h"

#define LIST_LIMIT_DEFAULT 100
#define RETENTION_DEFAULT  90
#define RETENTION_MAX	   36500 /* days */
#define FEED_NAME_MAX	   256

/* ---- events list ---- */

struct list_out {
	struct cli *c;
	const struct org_list *orgs; /* sorted by id */
	struct cli_table *t;	     /* NULL for JSON lines */
	bool per_org;
	struct buf line;
};

/* The source of an event for a table: source.ip, source.fqdn, source.url
 * or the AS number, whichever comes first; "" if none. Caller frees. */
static char *event_source(const char *json)
{
	static const char *const keys[] = {"source.ip", "source.fqdn", "source.url", NULL};
	json_t *ev = json_loads(json, 0, NULL);
	json_t *asn;
	char *out = NULL;

	for (int i = 0; keys[i] != NULL && out == NULL; i++) {
		const char *v = json_string_value(json_object_get(ev, keys[i]));

		if (v != NULL)
			out = xstrdup(v);
	}
	if (out == NULL && json_is_integer(asn = json_object_get(ev, "source.asn"))) {
		char text[32];

		snprintf(text, sizeof(text), "AS%lld", (long long)json_integer_value(asn));
		out = xstrdup(text);
	}
	json_decref(ev);
	return out ? out : xstrdup("");
}

/* store_recipient_fn: "Name (role)" onto the list in ctx. */
struct rcpt_names {
	const struct org_list *orgs;
	struct buf b;
};

static int rcpt_name(const struct event_recipient *r, int64_t notification_id, void *ctx)
{
	struct rcpt_names *n = ctx;

	(void)notification_id;
	if (n->b.len > 0 && buf_append_str(&n->b, ", ") != 0)
		return 0;
	buf_printf(&n->b, "%s (%s)", cli_org_name(n->orgs, r->org_id),
		   recipient_role_names[r->role]);
	return 0;
}

/* event_read_fn: a table row or a JSON line. */
static int list_row(const struct event_out *o, void *ctx)
{
	struct list_out *lo = ctx;
	const struct store_event_row *row = o->row;
	char id[24], when[21], *source;
	int rc;

	if (lo->t == NULL) {
		buf_reset(&lo->line);
		if ((rc = event_read_json(o, &lo->line)) != 0)
			return sk_error_set(&lo->c->err, rc, "event %lld cannot be written out",
					    (long long)row->id);
		if (fputs(buf_str(&lo->line), stdout) == EOF || fputc('\n', stdout) == EOF)
			return sk_error_set(&lo->c->err, SK_EIO, "writing to stdout failed");
		return 0;
	}
	snprintf(id, sizeof(id), "%lld", (long long)row->id);
	str_time_iso((time_t)row->time, when);
	source = event_source(row->json);
	if (lo->per_org) {
		cli_table_add(lo->t, (const char *[]){id, when, row->feed, row->type,
						      tlp_name(row->tlp), source,
						      recipient_role_names[row->rcpt->role],
						      row->rcpt->reason});
	} else {
		struct rcpt_names names = {lo->orgs, {0}};

		buf_init(&names.b, 4096);
		rc = event_read_recipients(lo->c->st, access_local_operator(), row->id,
					   rcpt_name, &names, &lo->c->err);
		if (rc == 0)
			cli_table_add(lo->t, (const char *[]){id, when, row->feed, row->type,
							      tlp_name(row->tlp), source,
							      buf_str(&names.b)});
		buf_free(&names.b);
		if (rc != 0) {
			free(source);
			return rc;
		}
	}
	free(source);
	return 0;
}

/* --since/--until as seconds, or 0 when not given. */
static int time_opt(struct cli *c, struct cli_opt *opts, const char *name, int64_t *out)
{
	struct cli_opt *o = cli_opt_get(opts, name);

	*out = 0;
	if (o->count == 0)
		return 0;
	if (event_read_time(o->arg, (int64_t)str_time_now(), out, &c->err) != 0) {
		sk_error_prefix(&c->err, "--%s", name);
		return -1;
	}
	return 0;
}

int cli_events_list(struct cli *c, int argc, char **argv)
{
	struct cli_opt opts[] = {{"org", true},	  {"since", true}, {"until", true},
				 {"type", true},  {"feed", true},  {"limit", true},
				 {"after", true}, {NULL}};
	static const char *const heads_all[] = {"ID",  "TIME",	 "FEED",      "TYPE",
						"TLP", "SOURCE", "RECIPIENTS"};
	static const char *const heads_org[] = {"ID",  "TIME",	 "FEED", "TYPE",
						"TLP", "SOURCE", "ROLE", "REASON"};
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	struct store_event_filter f;
	struct org_list orgs = {0};
	struct list_out lo;
	struct cli_opt *o;
	struct org org;
	int64_t v, next = 0;
	int npos = 0, rc;

	memset(&f, 0, sizeof(f));
	memset(&lo, 0, sizeof(lo));
	memset(&org, 0, sizeof(org));
	buf_init(&lo.line, 4 * 1024 * 1024);
	rc = cli_parse(c, argc, argv, opts, 0, 0, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	f.limit = LIST_LIMIT_DEFAULT;
	if ((o = cli_opt_get(opts, "limit"))->count > 0) {
		if (str_to_i64(o->arg, 0, INT32_MAX, &v) != 0) {
			rc = cli_usage_error(c, "--limit must be a whole number (0: no limit)");
			goto out;
		}
		f.limit = (size_t)v;
	}
	if ((o = cli_opt_get(opts, "after"))->count > 0) {
		if (str_to_i64(o->arg, 0, INT64_MAX, &v) != 0) {
			rc = cli_usage_error(c, "--after must be an event id");
			goto out;
		}
		f.after_id = v;
	}
	if ((o = cli_opt_get(opts, "type"))->count > 0) {
		int t = taxonomy_type_lookup(o->arg);

		if (t < 0) {
			sk_error_set(&c->err, SK_EINVAL,
				     "--type: '%s' is not a classification.type", o->arg);
			goto fail;
		}
		f.type = taxonomy_type_names[t];
	}
	if ((o = cli_opt_get(opts, "feed"))->count > 0) {
		if (o->arg[0] == '\0' || strlen(o->arg) > FEED_NAME_MAX) {
			rc = cli_usage_error(c, "--feed takes a feed.name of 1 to %d bytes",
					     FEED_NAME_MAX);
			goto out;
		}
		f.feed = o->arg;
	}
	if (time_opt(c, opts, "since", &f.since) != 0 ||
	    time_opt(c, opts, "until", &f.until) != 0)
		goto fail;
	if ((rc = cli_open(c)) != 0)
		goto out;
	if ((o = cli_opt_get(opts, "org"))->count > 0) {
		if (cli_org_find(c, o->arg, &org) != 0)
			goto fail;
		f.org_id = org.id;
	}
	if (registry_org_list(c->st, access_local_operator(), &orgs, &c->err) != 0)
		goto fail;
	org_list_sort_by_id(&orgs);
	lo.c = c;
	lo.orgs = &orgs;
	lo.per_org = f.org_id > 0;
	if (!c->json)
		lo.t = lo.per_org ? cli_table_new(8, heads_org) : cli_table_new(7, heads_all);
	if (event_read_page(c->st, access_local_operator(), &f, list_row, &lo, &next,
			    &c->err) != 0)
		goto fail;
	if (lo.t != NULL) {
		if (cli_table_rows(lo.t) == 0)
			printf("no events\n");
		else
			cli_table_print(lo.t);
	}
	if (next > 0)
		fprintf(stderr,
			"schakel events list: more events follow; continue with --after %lld\n",
			(long long)next);
	rc = 0;
	goto out;
fail:
	rc = cli_fail(c);
out:
	cli_table_free(lo.t);
	buf_free(&lo.line);
	org_list_free(&orgs);
	org_clear(&org);
	cli_opts_free(opts);
	free(pos);
	return rc;
}

/* ---- purge ---- */

int cli_purge(struct cli *c, int argc, char **argv)
{
	struct cli_opt opts[] = {{"days", true}, {"dry-run", false}, {NULL}};
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	bool dry = false;
	struct retention_result r;
	struct cli_opt *o;
	char when[21];
	int64_t days, before, n = 0, mails = 0;
	int npos = 0, rc;

	rc = cli_parse(c, argc, argv, opts, 0, 0, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	dry = cli_opt_get(opts, "dry-run")->count > 0;
	if ((rc = cli_open(c)) != 0)
		goto out;
	if ((o = cli_opt_get(opts, "days"))->count > 0) {
		if (str_to_i64(o->arg, 1, RETENTION_MAX, &days) != 0) {
			rc = cli_usage_error(c, "--days must be a whole number from 1 to %d",
					     RETENTION_MAX);
			goto out;
		}
	} else if (config_int(c->cfg, "events", "retention_days", 1, RETENTION_MAX,
			      RETENTION_DEFAULT, &days, &c->err) != 0) {
		goto fail;
	}
	before = (int64_t)str_time_now() - days * 86400;
	str_time_iso((time_t)before, when);
	if (retention_purge(c->st, access_local_operator(), before, dry, &r, &c->err) != 0)
		goto fail;
	n = r.events;
	mails = r.mails;
	if (c->json) {
		json_t *j = json_object();

		json_object_set_new(j, dry ? "would_delete" : "deleted", json_integer(n));
		json_object_set_new(j, dry ? "mail_would_delete" : "mail_deleted",
				    json_integer(mails));
		json_object_set_new(j, "before", json_string(when));
		json_object_set_new(j, "days", json_integer(days));
		rc = cli_print_json(j);
	} else {
		printf("%s %lld event%s older than %s (%lld days)\n"
		       "%s %lld sent or failed mail message%s created before then\n",
		       dry ? "would delete" : "deleted", (long long)n, n == 1 ? "" : "s", when,
		       (long long)days, dry ? "would delete" : "deleted", (long long)mails,
		       mails == 1 ? "" : "s");
	}
	goto out;
fail:
	rc = cli_fail(c);
out:
	cli_opts_free(opts);
	free(pos);
	return rc;
}

/* ---- opt-outs ---- */

/* optout add / rm: ORG TYPE..., all or none (route/optout.h). */
static int optout_run(struct cli *c, int argc, char **argv, bool add)
{
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	struct org org;
	int npos = 0, rc;

	memset(&org, 0, sizeof(org));
	rc = cli_parse(c, argc, argv, NULL, 2, -1, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	if ((rc = cli_open(c)) != 0)
		goto out;
	if (cli_org_find(c, pos[0], &org) != 0 ||
	    optout_change(c->st, access_local_operator(), org.id, (const char *const *)pos + 1,
			  (size_t)npos - 1, add, &c->err) != 0)
		goto fail;
	if (c->json) {
		json_t *types = json_array();

		for (int i = 1; i < npos; i++)
			json_array_append_new(
			    types,
			    json_string(taxonomy_type_names[taxonomy_type_lookup(pos[i])]));
		rc = cli_print_json(json_pack("{s:I,s:s,s:o}", "org_id", (json_int_t)org.id,
					      "org", org.name, add ? "opted_out" : "opted_in",
					      types));
	} else {
		for (int i = 1; i < npos; i++)
			printf(add ? "%s opts out of events of type %s\n"
				   : "%s receives events of type %s again\n",
			       org.name, taxonomy_type_names[taxonomy_type_lookup(pos[i])]);
	}
	goto out;
fail:
	rc = cli_fail(c);
out:
	org_clear(&org);
	free(pos);
	return rc;
}

int cli_optout_add(struct cli *c, int argc, char **argv)
{
	return optout_run(c, argc, argv, true);
}

int cli_optout_rm(struct cli *c, int argc, char **argv)
{
	return optout_run(c, argc, argv, false);
}

struct optout_rows {
	const struct org_list *orgs;
	struct cli_table *t;
	json_t *a;
};

static int optout_row(int64_t org_id, const char *type, void *ctx)
{
	struct optout_rows *r = ctx;
	const char *name = cli_org_name(r->orgs, org_id);

	if (r->a != NULL)
		json_array_append_new(r->a,
				      json_pack("{s:I,s:s,s:s}", "org_id", (json_int_t)org_id,
						"org", name, "type", type));
	else
		cli_table_add(r->t, (const char *[]){name, type});
	return 0;
}

int cli_optout_list(struct cli *c, int argc, char **argv)
{
	static const char *const heads[] = {"ORG", "TYPE"};
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	struct optout_rows rows = {0};
	struct org_list orgs = {0};
	struct org org;
	int npos = 0, rc;

	memset(&org, 0, sizeof(org));
	rc = cli_parse(c, argc, argv, NULL, 0, 1, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	if ((rc = cli_open(c)) != 0)
		goto out;
	if ((npos == 1 && cli_org_find(c, pos[0], &org) != 0) ||
	    registry_org_list(c->st, access_local_operator(), &orgs, &c->err) != 0)
		goto fail;
	org_list_sort_by_id(&orgs);
	rows.orgs = &orgs;
	if (c->json)
		rows.a = json_array();
	else
		rows.t = cli_table_new(2, heads);
	if (optout_each(c->st, access_local_operator(), npos == 1 ? org.id : 0, optout_row,
			&rows, &c->err) != 0)
		goto fail;
	rc = cli_print_list(c, &rows.a, rows.t, "no opt-outs");
	goto out;
fail:
	rc = cli_fail(c);
out:
	json_decref(rows.a);
	cli_table_free(rows.t);
	org_list_free(&orgs);
	org_clear(&org);
	free(pos);
	return rc;
}
