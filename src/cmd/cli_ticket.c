/* cmd/cli_ticket.c: the schakel commands of incident handling: the
 * mailgate an MTA pipes mail into, and the tickets. Thin: the work is
 * in ticket/. */
#include "cmd/cli.h"

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
#include "mail/inbound.h"
#include "model/ticket.h"
#include "pgp/pgp.h"
#include "store/store.h"
#include "ticket/intake.h"
#include "ticket/sla.h"
#include "ticket/view.h"
#include "ticket/workflow.h"

#define LIST_DEFAULT 50
#define LIST_MAX     100000

/* ---- mailgate ---- */

/* An MTA retries on 75 and bounces on anything else but 0: only a mail
 * that can never be taken (too large, not a mail) is refused. */
static int mailgate_exit(struct cli *c, bool refused)
{
	fprintf(stderr, "schakel mailgate: %s\n", c->err.msg[0] ? c->err.msg : "failed");
	return refused ? EX_DATAERR : EX_TEMPFAIL;
}

/* A wrong command line is the MTA's configuration, not the mail's fault:
 * 75 keeps the mail queued until the command is fixed, where 64 would
 * bounce it. cli_parse() printed what was wrong. */
static int mailgate_usage(void)
{
	fputs("schakel mailgate: the command line is wrong: exit 75, the MTA keeps the mail "
	      "and tries again\n",
	      stderr);
	return EX_TEMPFAIL;
}

/* The MTA passes the envelope sender as it came: one that is not UTF-8
 * is no address to answer, and must not make the command line wrong.
 * Blank it in argv (--sender VALUE or --sender=VALUE); true if it was. */
static bool sender_blank(int argc, char **argv)
{
	static char empty[] = "", bare[] = "--sender=";
	bool blanked = false;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--sender") == 0 && i + 1 < argc &&
		    !utf8_valid(argv[i + 1], strlen(argv[i + 1]))) {
			argv[++i] = empty;
			blanked = true;
		} else if (str_has_prefix(argv[i], "--sender=") &&
			   !utf8_valid(argv[i], strlen(argv[i]))) {
			argv[i] = bare;
			blanked = true;
		}
	}
	return blanked;
}

int cli_mailgate(struct cli *c, int argc, char **argv)
{
	struct cli_opt opts[] = {{"sender", true}, {NULL}};
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	struct intake_config ic;
	bool have_ic = false, bad_sender;
	struct intake_result r;
	const char *sender = NULL;
	char *home = NULL;
	struct buf raw;
	int npos = 0, rc;

	buf_init(&raw, 0);
	bad_sender = sender_blank(argc, argv);
	rc = cli_parse(c, argc, argv, opts, 0, 0, pos, &npos);
	if (rc != CLI_GO) {
		if (rc != 0)
			rc = mailgate_usage();
		goto out;
	}
	/* A sender that is not UTF-8 counts as unknown: Return-Path or From. */
	if (cli_opt_get(opts, "sender")->count > 0 && !bad_sender)
		sender = cli_opt_get(opts, "sender")->arg;
	if (c->cfg == NULL && (c->cfg = cmd_config_load(c->config_path, &c->err)) == NULL) {
		rc = mailgate_exit(c, false);
		goto out;
	}
	if (intake_config_read(c->cfg, &ic, &c->err) != 0) {
		rc = mailgate_exit(c, false);
		goto out;
	}
	have_ic = true;
	home = pgp_home_path(c->cfg, cmd_store_url(c->cfg, c->db_flag));
	ic.pgp_home = home;
	/* One byte more than allowed tells a mail that is too large. */
	buf_init(&raw, (size_t)ic.max_size + 1);
	if ((rc = cli_read_stdin(&raw)) != 0) {
		sk_error_set(&c->err, rc,
			     rc == SK_ETOOBIG
				 ? "the message is larger than tickets.max_size (%lld "
				   "bytes)"
				 : "reading the message from stdin failed",
			     (long long)ic.max_size);
		rc = mailgate_exit(c, rc == SK_ETOOBIG);
		goto out;
	}
	c->st = store_open(cmd_store_url(c->cfg, c->db_flag), &c->err);
	if (c->st == NULL) {
		rc = mailgate_exit(c, false);
		goto out;
	}
	store_set_actor(c->st, "mailgate");
	if (store_durable(c->st, &c->err) != 0) {
		rc = mailgate_exit(c, false);
		goto out;
	}
	if (intake_mail(c->st, &ic, sender, raw.data ? raw.data : "", raw.len, &r, &c->err) !=
	    0) {
		rc = mailgate_exit(c, r.refused);
		goto out;
	}
	if (c->json) {
		json_t *j = json_object();

		json_object_set_new(j, "ticket", json_integer(r.ticket_id));
		json_object_set_new(j, "created", json_boolean(r.created));
		json_object_set_new(j, "duplicate", json_boolean(r.duplicate));
		json_object_set_new(j, "encrypted", json_boolean(r.encrypted));
		json_object_set_new(j, "signature",
				    r.signature[0] ? json_string(r.signature) : json_null());
		json_object_set_new(j, "signature_why",
				    r.signature_why[0] ? json_string(r.signature_why)
						       : json_null());
		json_object_set_new(j, "threaded_by",
				    r.threaded_by ? json_string(r.threaded_by) : json_null());
		json_object_set_new(j, "acknowledged", json_boolean(r.acked));
		json_object_set_new(j, "no_ack", json_string(r.no_ack));
		json_object_set_new(j, "not_parsed",
				    r.not_parsed[0] ? json_string(r.not_parsed) : json_null());
		/* Stored: the exit status is the answer, the output a courtesy. */
		cli_print_json(j);
		rc = 0;
	} else if (r.duplicate) {
		printf("duplicate of a message stored on ticket #%lld: nothing stored\n",
		       (long long)r.ticket_id);
		rc = 0;
	} else {
		printf("ticket #%lld: %s%s%s%s\n", (long long)r.ticket_id,
		       r.created ? "new" : "threaded by ", r.created ? "" : r.threaded_by,
		       r.acked	   ? ", acknowledged"
		       : r.created ? ", not acknowledged: "
				   : "",
		       r.acked || !r.created ? "" : r.no_ack);
		if (r.not_parsed[0] != '\0')
			printf("stored as received, not parsed: %s\n", r.not_parsed);
		if (r.encrypted)
			printf("stored as received: encrypted, not yet read\n");
		if (r.signature[0] != '\0')
			printf("OpenPGP signature: %s\n", r.signature);
		rc = 0;
	}
out:
	if (have_ic)
		intake_config_free(&ic);
	free(home);
	buf_free(&raw);
	cli_opts_free(opts);
	free(pos);
	return rc;
}

/* ---- ticket list, show ---- */

/* The user the command acts as: the local operator (access.h), named
 * after whoever runs it, so that comments and replies say who wrote
 * them. */
void cli_operator(struct user *u)
{
	char actor[128];

	*u = *access_local_operator();
	cli_actor_name(actor, sizeof(actor));
	snprintf(u->name, sizeof(u->name), "%.*s", (int)sizeof(u->name) - 1,
		 str_has_prefix(actor, "cli:") ? actor + 4 : actor);
}

struct list_out {
	json_t *a;
	struct cli_table *t;
};

static int list_row(const struct ticket *t, void *ctx)
{
	struct list_out *o = ctx;
	char id[24], pri[8];

	if (o->a != NULL) {
		json_array_append_new(o->a, ticket_view_fields(t));
		return 0;
	}
	snprintf(id, sizeof(id), "#%lld", (long long)t->id);
	snprintf(pri, sizeof(pri), "P%d", t->priority);
	cli_table_add(o->t, (const char *[]){id, ticket_type_names[t->type], t->status, pri,
					     t->created, t->requester, t->subject});
	return 0;
}

int cli_ticket_filter(struct cli *c, struct cli_opt *opts, struct store_ticket_filter *f)
{
	struct cli_opt *o = cli_opt_get(opts, "owner");

	if (o->count > 0)
		f->owner = strcmp(o->arg, "none") == 0 ? "" : o->arg;
	o = cli_opt_get(opts, "class");
	if (o->count > 0 && str_index(org_class_names, o->arg) < 0)
		return cli_usage_error(c,
				       "--class must be oes, essential-public, administration, "
				       "private or public, not '%s'",
				       o->arg);
	f->class = o->count > 0 ? o->arg : NULL;
	return CLI_GO;
}

int cli_ticket_list(struct cli *c, int argc, char **argv)
{
	static const char *const heads[] = {"TICKET",  "TYPE",	    "STATUS", "PRI",
					    "CREATED", "REQUESTER", "SUBJECT"};
	struct cli_opt opts[] = {
	    {"type", true},  {"status", true}, {"org", true},	{"open", false},
	    {"limit", true}, {"owner", true},  {"class", true}, {NULL}};
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	struct store_ticket_filter f = {.type = -1, .limit = LIST_DEFAULT};
	struct list_out o = {0};
	struct cli_opt *opt;
	struct user u;
	int64_t limit;
	int npos = 0, rc;

	rc = cli_parse(c, argc, argv, opts, 0, 0, pos, &npos);
	if (rc != CLI_GO || (rc = cli_ticket_filter(c, opts, &f)) != CLI_GO)
		goto out;
	if ((opt = cli_opt_get(opts, "type"))->count > 0 &&
	    (f.type = str_index(ticket_type_names, opt->arg)) < 0) {
		rc = cli_usage_error(c,
				     "--type must be report, incident or "
				     "vulnerability-coordination, not '%s'",
				     opt->arg);
		goto out;
	}
	f.status = cli_opt_get(opts, "status")->arg;
	f.open_only = cli_opt_get(opts, "open")->count > 0;
	if ((opt = cli_opt_get(opts, "limit"))->count > 0) {
		if (str_to_i64(opt->arg, 0, LIST_MAX, &limit) != 0) {
			rc = cli_usage_error(c, "--limit must be a number from 0 to %d",
					     LIST_MAX);
			goto out;
		}
		f.limit = (size_t)limit;
	}
	if ((rc = cli_open(c)) != 0)
		goto out;
	if ((opt = cli_opt_get(opts, "org"))->count > 0) {
		struct org org;

		if ((rc = cli_org_find(c, opt->arg, &org)) != 0)
			goto out;
		f.org_id = org.id;
		org_clear(&org);
	}
	if (c->json)
		o.a = json_array();
	else
		o.t = cli_table_new(7, heads);
	cli_operator(&u);
	if (ticket_list(c->st, &u, &f, list_row, &o, &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	rc = cli_print_list(c, &o.a, o.t, "no tickets");
out:
	json_decref(o.a);
	cli_table_free(o.t);
	cli_opts_free(opts);
	free(pos);
	return rc;
}

/* A ticket number as "42" or "#42"; 0 or a usage error's exit code. */
int cli_ticket_number(struct cli *c, const char *text, int64_t *id)
{
	if (*text == '#')
		text++;
	if (str_to_i64(text, 1, INT64_MAX, id) != 0)
		return cli_usage_error(c, "'%s' is not a ticket number", text);
	return 0;
}

/* A string member of o; "" when it is missing or null. */
static const char *js(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v != NULL ? v : "";
}

static long long ji(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

/* The ticket's audit entries, oldest first, as a table. */
static void show_history(json_t *history)
{
	static const char *const heads[] = {"TIME", "ACTOR", "ACTION", "SUMMARY"};
	struct cli_table *t;
	json_t *v;
	size_t i;

	if (json_array_size(history) == 0)
		return;
	t = cli_table_new(4, heads);
	json_array_foreach(history, i, v)
	    cli_table_add(t, (const char *[]){js(v, "time"), js(v, "actor"), js(v, "action"),
					      js(v, "summary")});
	printf("\nHistory:\n");
	cli_table_print(t);
	cli_table_free(t);
}

/* Ticket j (ticket_view_full()) as text. */
static void show_text(json_t *j)
{
	static const char *const heads[] = {"KIND", "VALUE", "ORG", "WHY", "FROM"};
	struct cli_table *t = cli_table_new(5, heads);
	json_t *v, *p;
	size_t i, k;

	printf("Ticket #%lld: %s\n", ji(j, "id"), js(j, "subject"));
	printf("  type %s, status %s, priority P%lld, severity %s, %s\n", js(j, "type"),
	       js(j, "status"), ji(j, "priority"), js(j, "severity"), js(j, "tlp"));
	printf("  requester %s (class %s), service %s (%s)\n", js(j, "requester"),
	       js(j, "class"), js(j, "service"), js(j, "coverage"));
	printf("  owner %s, tags %s\n", *js(j, "owner") ? js(j, "owner") : "-",
	       *js(j, "tags") ? js(j, "tags") : "-");
	printf("  scope %s%s%s\n", js(j, "scope"), *js(j, "scope_reason") ? ": " : "",
	       js(j, "scope_reason"));
	printf("  created %s, updated %s\n", js(j, "created"), js(j, "updated"));
	if (*js(j, "due_resolve") != '\0')
		printf("  due: acknowledge %s, first response %s, resolve %s\n",
		       js(j, "due_ack"), js(j, "due_response"), js(j, "due_resolve"));
	printf("  linked:");
	json_array_foreach(json_object_get(j, "links"), i, v)
	    printf(" #%lld", (long long)json_integer_value(v));
	printf("\n");
	json_array_foreach(json_object_get(j, "parties"), i, v)
	    printf("  party %lld: organization %lld, %s\n", ji(v, "id"), ji(v, "org_id"),
		   *js(v, "address") ? js(v, "address") : "-");
	json_array_foreach(json_object_get(j, "items"), i, v) cli_table_add(
	    t, (const char *[]){js(v, "kind"), js(v, "value"),
				ji(v, "org_id") > 0 ? js(v, "org") : "-",
				*js(v, "reason") ? js(v, "reason") : "-",
				*js(v, "derived_from") ? js(v, "derived_from") : "-"});
	if (cli_table_rows(t) > 0) {
		printf("\nNamed in the report:\n");
		cli_table_print(t);
	}
	cli_table_free(t);
	json_array_foreach(json_object_get(j, "messages"), i, v)
	{
		bool enc = json_is_true(json_object_get(v, "encrypted"));

		printf("\n--- message %lld, %s %s %s%s%s (%lld bytes)%s\n", ji(v, "id"),
		       js(v, "created"), js(v, "kind"), js(v, "author"),
		       *js(v, "recipients") ? " -> " : "", js(v, "recipients"), ji(v, "size"),
		       enc ? " [encrypted]" : "");
		if (json_is_object(json_object_get(v, "signature"))) {
			json_t *sg = json_object_get(v, "signature");

			printf("signature %s, key %s%s%s\n", js(sg, "status"),
			       *js(sg, "fingerprint") ? js(sg, "fingerprint") : "-",
			       *js(sg, "org") ? ", known contact of " : "", js(sg, "org"));
		}
		if (*js(v, "not_parsed") != '\0')
			printf("(not parsed: %s; ticket raw %lld gives the mail as received)\n",
			       js(v, "not_parsed"), ji(v, "id"));
		json_array_foreach(json_object_get(v, "parts"), k, p) printf(
		    "part %lld: %s%s%s, %lld bytes%s%s\n", ji(p, "n"), js(p, "content_type"),
		    *js(p, "filename") ? " " : "", js(p, "filename"), ji(p, "size"),
		    json_is_true(json_object_get(p, "encrypted")) ? ", encrypted" : "",
		    json_is_true(json_object_get(p, "signed")) ? ", signed" : "");
		printf("Subject: %s\n\n%s\n", js(v, "subject"),
		       enc ? "(encrypted, not yet read: schakel ticket decrypt gives the clear "
			     "text)"
			   : js(v, "body"));
	}
	show_history(json_object_get(j, "history"));
}

int cli_ticket_show(struct cli *c, int argc, char **argv)
{
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	struct user u;
	json_t *j;
	int64_t id;
	int npos = 0, rc;

	rc = cli_parse(c, argc, argv, NULL, 1, 1, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	if ((rc = cli_ticket_number(c, pos[0], &id)) != 0 || (rc = cli_open(c)) != 0)
		goto out;
	cli_operator(&u);
	if ((j = ticket_view_full(c->st, &u, id, &c->err)) == NULL) {
		rc = cli_fail(c);
		goto out;
	}
	if (c->json) {
		rc = cli_print_json(j);
		goto out;
	}
	show_text(j);
	json_decref(j);
out:
	free(pos);
	return rc;
}

int cli_ticket_raw(struct cli *c, int argc, char **argv)
{
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	struct buf raw;
	struct user u;
	int64_t id;
	int npos = 0, rc;

	buf_init(&raw, STORE_TICKET_RAW_MAX);
	rc = cli_parse(c, argc, argv, NULL, 1, 1, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	if (str_to_i64(pos[0], 1, INT64_MAX, &id) != 0) {
		rc = cli_usage_error(c, "'%s' is not a message number", pos[0]);
		goto out;
	}
	if ((rc = cli_open(c)) != 0)
		goto out;
	cli_operator(&u);
	if (ticket_message_raw(c->st, &u, id, &raw, &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	rc = fwrite(raw.data ? raw.data : "", 1, raw.len, stdout) == raw.len &&
		     fflush(stdout) == 0
		 ? 0
		 : EX_IOERR;
out:
	buf_free(&raw);
	free(pos);
	return rc;
}

/* ---- changes ---- */

/* The text of a comment or reply: --text, or stdin with --stdin. */
static int text_arg(struct cli *c, struct cli_opt *opts, struct buf *b)
{
	struct cli_opt *text = cli_opt_get(opts, "text");

	if (text->count > 0)
		return buf_append_str(b, text->arg) == 0
			   ? 0
			   : cli_usage_error(c, "--text is longer than %d bytes",
					     TICKET_TEXT_MAX);
	if (cli_opt_get(opts, "stdin")->count == 0)
		return cli_usage_error(
		    c, "give the text with --text TEXT or on stdin with --stdin");
	if (cli_read_stdin(b) != 0) {
		sk_error_set(&c->err, SK_EINVAL, "the text on stdin is longer than %d bytes",
			     TICKET_TEXT_MAX);
		return cli_fail(c);
	}
	return 0;
}

/* Print ticket t after a change: a line, or its JSON. */
static int print_ticket(struct cli *c, const struct ticket *t, const char *what)
{
	if (c->json)
		return cli_print_json(ticket_view_fields(t));
	printf("ticket #%lld %s: %s, %s, P%d%s%s\n", (long long)t->id, what, t->status,
	       t->severity, t->priority, t->owner[0] ? ", owner " : "", t->owner);
	return 0;
}

int cli_ticket_new(struct cli *c, int argc, char **argv)
{
	struct cli_opt opts[] = {{"type", true}, {"requester", true}, {NULL}};
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	struct cli_opt *type = cli_opt_get(opts, "type");
	struct ticket t;
	struct user u;
	int npos = 0, rc, ty = TICKET_INCIDENT;

	rc = cli_parse(c, argc, argv, opts, 1, 1, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	if (type->count > 0 && (ty = str_index(ticket_type_names, type->arg)) < 0) {
		rc = cli_usage_error(c,
				     "--type must be report, incident or "
				     "vulnerability-coordination, not '%s'",
				     type->arg);
		goto out;
	}
	if ((rc = cli_open(c)) != 0)
		goto out;
	cli_operator(&u);
	if (ticket_open(c->st, &u, (enum ticket_type)ty, pos[0],
			cli_opt_get(opts, "requester")->arg, &t, &c->err) != 0)
		rc = cli_fail(c);
	else
		rc = print_ticket(c, &t, "opened");
out:
	cli_opts_free(opts);
	free(pos);
	return rc;
}

/* ticket set / resolve: the change from the options. */
static int change_run(struct cli *c, int argc, char **argv, bool resolve)
{
	struct cli_opt opts[] = {{"status", true},
				 {"owner", true},
				 {"severity", true},
				 {"service", true},
				 {"tags", true},
				 {"tlp", true},
				 {NULL}};
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	struct ticket_change ch = {.tlp = -1};
	struct intake_config ic;
	bool have_ic = false;
	enum tlp_label tlp;
	struct ticket t;
	struct user u;
	int64_t id;
	int npos = 0, rc;

	rc = cli_parse(c, argc, argv, opts, 1, 1, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	if ((rc = cli_ticket_number(c, pos[0], &id)) != 0)
		goto out;
	ch.status = cli_opt_get(opts, "status")->arg;
	ch.owner = cli_opt_get(opts, "owner")->arg;
	ch.severity = cli_opt_get(opts, "severity")->arg;
	ch.service = cli_opt_get(opts, "service")->arg;
	ch.tags = cli_opt_get(opts, "tags")->arg;
	if (cli_opt_get(opts, "tlp")->count > 0) {
		if ((rc = cli_pick_tlp(c, cli_opt_get(opts, "tlp")->arg, &tlp)) != 0)
			goto out;
		ch.tlp = (int)tlp;
	}
	if ((rc = cli_open(c)) != 0)
		goto out;
	cli_operator(&u);
	if (resolve && ch.status == NULL) {
		if (ticket_get(c->st, &u, id, &t, &c->err) != 0) {
			rc = cli_fail(c);
			goto out;
		}
		ch.status = t.type == TICKET_VULNERABILITY ? "closed" : "resolved";
	}
	if (!resolve && ch.status == NULL && ch.owner == NULL && ch.severity == NULL &&
	    ch.service == NULL && ch.tags == NULL && ch.tlp < 0) {
		rc = cli_usage_error(c, "nothing to change: give at least one option");
		goto out;
	}
	if (resolve && !ticket_status_final(ch.status)) {
		rc = cli_usage_error(c, "'%s' does not end a ticket", ch.status);
		goto out;
	}
	if (intake_config_read(c->cfg, &ic, &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	have_ic = true;
	if (ticket_set(c->st, &u, &ic.sla, id, &ch, &t, &c->err) != 0)
		rc = cli_fail(c);
	else
		rc = print_ticket(c, &t, resolve ? "ended" : "changed");
out:
	if (have_ic)
		intake_config_free(&ic);
	cli_opts_free(opts);
	free(pos);
	return rc;
}

int cli_ticket_set(struct cli *c, int argc, char **argv)
{
	return change_run(c, argc, argv, false);
}

int cli_ticket_resolve(struct cli *c, int argc, char **argv)
{
	return change_run(c, argc, argv, true);
}

/* ticket comment / reply. */
static int message_run(struct cli *c, int argc, char **argv, bool reply)
{
	struct cli_opt opts[] = {{"text", true}, {"stdin", false}, {"to", true}, {NULL}};
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	struct intake_config ic;
	struct user u;
	struct buf text;
	int64_t id, mail_id = 0;
	int npos = 0, rc;

	buf_init(&text, TICKET_TEXT_MAX);
	rc = cli_parse(c, argc, argv, opts, 1, 1, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	if ((rc = cli_ticket_number(c, pos[0], &id)) != 0 ||
	    (rc = text_arg(c, opts, &text)) != 0)
		goto out;
	if (!reply && cli_opt_get(opts, "to")->count > 0) {
		rc = cli_usage_error(c, "a comment is never mailed: --to is for ticket reply");
		goto out;
	}
	if ((rc = cli_open(c)) != 0)
		goto out;
	cli_operator(&u);
	if (reply) {
		if (intake_config_read(c->cfg, &ic, &c->err) != 0) {
			rc = cli_fail(c);
			goto out;
		}
		rc = ticket_reply(c->st, &u, &ic, id, cli_opt_get(opts, "to")->arg,
				  buf_str(&text), &mail_id, &c->err);
		intake_config_free(&ic);
		if (rc != 0) {
			rc = cli_fail(c);
			goto out;
		}
	} else if (ticket_comment(c->st, &u, id, buf_str(&text), &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	if (c->json) {
		json_t *j = json_object();

		json_object_set_new(j, "ticket", json_integer(id));
		if (reply)
			json_object_set_new(j, "mail_id", json_integer(mail_id));
		rc = cli_print_json(j);
	} else {
		printf(reply ? "ticket #%lld: reply queued (mail %lld)\n"
			     : "ticket #%lld: comment added\n",
		       (long long)id, (long long)mail_id);
	}
out:
	buf_free(&text);
	cli_opts_free(opts);
	free(pos);
	return rc;
}

int cli_ticket_comment(struct cli *c, int argc, char **argv)
{
	return message_run(c, argc, argv, false);
}

int cli_ticket_reply(struct cli *c, int argc, char **argv)
{
	return message_run(c, argc, argv, true);
}

int cli_ticket_link(struct cli *c, int argc, char **argv)
{
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	int64_t report, incident;
	struct user u;
	int npos = 0, rc;

	rc = cli_parse(c, argc, argv, NULL, 2, 2, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	if ((rc = cli_ticket_number(c, pos[0], &report)) != 0 ||
	    (rc = cli_ticket_number(c, pos[1], &incident)) != 0 || (rc = cli_open(c)) != 0)
		goto out;
	cli_operator(&u);
	if (ticket_link(c->st, &u, report, incident, &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	printf("report #%lld is linked to incident #%lld\n", (long long)report,
	       (long long)incident);
out:
	free(pos);
	return rc;
}

int cli_ticket_party(struct cli *c, int argc, char **argv)
{
	struct cli_opt opts[] = {{"org", true}, {"address", true}, {NULL}};
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	struct cli_opt *org_opt = cli_opt_get(opts, "org");
	int64_t id, org_id = 0, party = 0;
	struct user u;
	int npos = 0, rc;

	rc = cli_parse(c, argc, argv, opts, 1, 1, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	if ((rc = cli_ticket_number(c, pos[0], &id)) != 0)
		goto out;
	if (org_opt->count == 0 && cli_opt_get(opts, "address")->count == 0) {
		rc = cli_usage_error(c,
				     "name the party with --org ORG and/or --address ADDRESS");
		goto out;
	}
	if ((rc = cli_open(c)) != 0)
		goto out;
	if (org_opt->count > 0) {
		struct org org;

		if ((rc = cli_org_find(c, org_opt->arg, &org)) != 0)
			goto out;
		org_id = org.id;
		org_clear(&org);
	}
	cli_operator(&u);
	if (ticket_party_add(c->st, &u, id, org_id, cli_opt_get(opts, "address")->arg, &party,
			     &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	printf("ticket #%lld: party %lld added\n", (long long)id, (long long)party);
out:
	cli_opts_free(opts);
	free(pos);
	return rc;
}
