/* cmd/cli_ticket.c: the schakel commands of incident handling: the
 * mailgate an MTA pipes mail into, and the tickets. Thin: the work is
 * in ticket/. */
#include "cmd/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cmd/common.h"
#include "lib/buf.h"
#include "lib/config.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "mail/inbound.h"
#include "model/ticket.h"
#include "store/store.h"
#include "ticket/intake.h"

#define LIST_DEFAULT 50
#define LIST_MAX     100000

/* ---- mailgate ---- */

/* stdin into b, at most b's cap; SK_ETOOBIG past it, SK_EIO on a read
 * error. */
static int read_stdin(struct buf *b)
{
	char chunk[65536];
	size_t n;

	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
		if (buf_append(b, chunk, n) != 0)
			return SK_ETOOBIG;
	return ferror(stdin) ? SK_EIO : 0;
}

/* An MTA retries on 75 and bounces on anything else but 0: only a mail
 * that can never be taken (too large, not a mail) is refused. */
static int mailgate_exit(struct cli *c, bool refused)
{
	fprintf(stderr, "schakel mailgate: %s\n", c->err.msg[0] ? c->err.msg : "failed");
	return refused ? EX_DATAERR : EX_TEMPFAIL;
}

int cli_mailgate(struct cli *c, int argc, char **argv)
{
	struct cli_opt opts[] = {{"sender", true}, {NULL}};
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	struct intake_config ic;
	struct intake_result r;
	const char *sender = NULL;
	struct buf raw;
	int npos = 0, rc;

	buf_init(&raw, 0);
	rc = cli_parse(c, argc, argv, opts, 0, 0, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	if (cli_opt_get(opts, "sender")->count > 0)
		sender = cli_opt_get(opts, "sender")->arg;
	if (c->cfg == NULL && (c->cfg = cmd_config_load(c->config_path, &c->err)) == NULL) {
		rc = mailgate_exit(c, false);
		goto out;
	}
	if (intake_config_read(c->cfg, &ic, &c->err) != 0) {
		rc = mailgate_exit(c, false);
		goto out;
	}
	/* One byte more than allowed tells a mail that is too large. */
	buf_init(&raw, (size_t)ic.max_size + 1);
	if ((rc = read_stdin(&raw)) != 0) {
		sk_error_set(&c->err, rc,
			     rc == SK_ETOOBIG ? "the message is larger than tickets.max_size (%lld "
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
	if (intake_mail(c->st, &ic, sender, raw.data ? raw.data : "", raw.len, &r, &c->err) != 0) {
		rc = mailgate_exit(c, r.refused);
		goto out;
	}
	if (c->json) {
		json_t *j = json_object();

		json_object_set_new(j, "ticket", json_integer(r.ticket_id));
		json_object_set_new(j, "created", json_boolean(r.created));
		json_object_set_new(j, "duplicate", json_boolean(r.duplicate));
		json_object_set_new(j, "encrypted", json_boolean(r.encrypted));
		json_object_set_new(j, "threaded_by",
				    r.threaded_by ? json_string(r.threaded_by) : json_null());
		json_object_set_new(j, "acknowledged", json_boolean(r.acked));
		json_object_set_new(j, "no_ack", json_string(r.no_ack));
		rc = cli_print_json(j);
	} else if (r.duplicate) {
		printf("duplicate of a message stored on ticket #%lld: nothing stored\n",
		       (long long)r.ticket_id);
		rc = 0;
	} else {
		printf("ticket #%lld: %s%s%s%s\n", (long long)r.ticket_id,
		       r.created ? "new" : "threaded by ",
		       r.created ? "" : r.threaded_by,
		       r.acked ? ", acknowledged" : r.created ? ", not acknowledged: " : "",
		       r.acked || !r.created ? "" : r.no_ack);
		rc = 0;
	}
out:
	buf_free(&raw);
	cli_opts_free(opts);
	free(pos);
	return rc;
}

/* ---- ticket list, show ---- */

struct list_out {
	json_t *a;
	struct cli_table *t;
};

static json_t *time_json(const char *t)
{
	return t[0] != '\0' ? json_string(t) : json_null();
}

static json_t *ticket_json(const struct ticket *t)
{
	json_t *v = json_object();

	json_object_set_new(v, "id", json_integer(t->id));
	json_object_set_new(v, "type", json_string(ticket_type_names[t->type]));
	json_object_set_new(v, "status", json_string(t->status));
	json_object_set_new(v, "subject", json_string(t->subject));
	json_object_set_new(v, "requester", json_string(t->requester));
	json_object_set_new(v, "org_id", t->org_id > 0 ? json_integer(t->org_id) : json_null());
	json_object_set_new(v, "class", json_string(t->class));
	json_object_set_new(v, "service", json_string(t->service));
	json_object_set_new(v, "severity", json_string(t->severity));
	json_object_set_new(v, "priority", json_integer(t->priority));
	json_object_set_new(v, "coverage", json_string(t->coverage));
	json_object_set_new(v, "tlp", json_string(tlp_name(t->tlp)));
	json_object_set_new(v, "owner", json_string(t->owner));
	json_object_set_new(v, "tags", json_string(t->tags));
	json_object_set_new(v, "scope", json_string(t->scope));
	json_object_set_new(v, "scope_reason", json_string(t->scope_reason));
	json_object_set_new(v, "created", json_string(t->created));
	json_object_set_new(v, "updated", json_string(t->updated));
	json_object_set_new(v, "due_ack", time_json(t->due_ack));
	json_object_set_new(v, "due_response", time_json(t->due_response));
	json_object_set_new(v, "due_resolve", time_json(t->due_resolve));
	json_object_set_new(v, "acked_at", time_json(t->acked_at));
	json_object_set_new(v, "responded_at", time_json(t->responded_at));
	json_object_set_new(v, "resolved_at", time_json(t->resolved_at));
	return v;
}

static int list_row(const struct ticket *t, void *ctx)
{
	struct list_out *o = ctx;
	char id[24], pri[8];

	if (o->a != NULL) {
		json_array_append_new(o->a, ticket_json(t));
		return 0;
	}
	snprintf(id, sizeof(id), "#%lld", (long long)t->id);
	snprintf(pri, sizeof(pri), "P%d", t->priority);
	cli_table_add(o->t, (const char *[]){id, ticket_type_names[t->type], t->status, pri,
					     t->created, t->requester, t->subject});
	return 0;
}

int cli_ticket_list(struct cli *c, int argc, char **argv)
{
	static const char *const heads[] = {"TICKET", "TYPE",	   "STATUS", "PRI",
					    "CREATED", "REQUESTER", "SUBJECT"};
	struct cli_opt opts[] = {{"type", true},  {"status", true}, {"org", true},
				 {"open", false}, {"limit", true},  {NULL}};
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	struct store_ticket_filter f = {.type = -1, .limit = LIST_DEFAULT};
	struct list_out o = {0};
	struct cli_opt *opt;
	int64_t limit;
	int npos = 0, rc;

	rc = cli_parse(c, argc, argv, opts, 0, 0, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	if ((opt = cli_opt_get(opts, "type"))->count > 0 &&
	    (f.type = str_index(ticket_type_names, opt->arg)) < 0) {
		rc = cli_usage_error(c, "--type must be report, incident or "
					"vulnerability-coordination, not '%s'",
				     opt->arg);
		goto out;
	}
	f.status = cli_opt_get(opts, "status")->arg;
	f.open_only = cli_opt_get(opts, "open")->count > 0;
	if ((opt = cli_opt_get(opts, "limit"))->count > 0) {
		if (str_to_i64(opt->arg, 0, LIST_MAX, &limit) != 0) {
			rc = cli_usage_error(c, "--limit must be a number from 0 to %d", LIST_MAX);
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
	if (store_ticket_each(c->st, &f, list_row, &o, &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	if (c->json) {
		rc = cli_print_json(o.a);
		o.a = NULL;
	} else if (cli_table_rows(o.t) == 0) {
		printf("no tickets\n");
	} else {
		cli_table_print(o.t);
	}
out:
	json_decref(o.a);
	cli_table_free(o.t);
	cli_opts_free(opts);
	free(pos);
	return rc;
}

/* A ticket number as "42" or "#42"; 0 or a usage error's exit code. */
static int ticket_arg(struct cli *c, const char *text, int64_t *id)
{
	if (*text == '#')
		text++;
	if (str_to_i64(text, 1, INT64_MAX, id) != 0)
		return cli_usage_error(c, "'%s' is not a ticket number", text);
	return 0;
}

struct show_out {
	json_t *messages, *items, *links;
	struct cli_table *t;
};

static int show_message(const struct store_ticket_message *m, void *ctx)
{
	struct show_out *o = ctx;
	json_t *v;

	if (o->messages != NULL) {
		v = json_object();
		json_object_set_new(v, "id", json_integer(m->id));
		json_object_set_new(v, "kind", json_string(m->kind));
		json_object_set_new(v, "created", json_string(m->created));
		json_object_set_new(v, "message_id", json_string(m->message_id));
		json_object_set_new(v, "author", json_string(m->author));
		json_object_set_new(v, "recipients", json_string(m->recipients));
		json_object_set_new(v, "subject", json_string(m->subject));
		json_object_set_new(v, "encrypted", json_boolean(m->encrypted));
		json_object_set_new(v, "size", json_integer((json_int_t)m->size));
		json_object_set_new(v, "body", json_string(m->body));
		json_array_append_new(o->messages, v);
		return 0;
	}
	printf("\n--- message %lld, %s %s %s%s%s (%zu bytes)%s\n", (long long)m->id, m->created,
	       m->kind, m->author,
	       m->recipients[0] ? " -> " : "", m->recipients, m->size,
	       m->encrypted ? " [encrypted]" : "");
	printf("Subject: %s\n\n%s\n", m->subject, m->encrypted ? "(encrypted: not shown)" : m->body);
	return 0;
}

static int show_item(const char *kind, const char *value, int64_t org_id, const char *reason,
		     void *ctx)
{
	struct show_out *o = ctx;
	char org[24] = "-";

	if (o->items != NULL) {
		json_t *v = json_object();

		json_object_set_new(v, "kind", json_string(kind));
		json_object_set_new(v, "value", json_string(value));
		json_object_set_new(v, "org_id", org_id > 0 ? json_integer(org_id) : json_null());
		json_object_set_new(v, "reason", json_string(reason));
		json_array_append_new(o->items, v);
		return 0;
	}
	if (org_id > 0)
		snprintf(org, sizeof(org), "%lld", (long long)org_id);
	cli_table_add(o->t, (const char *[]){kind, value, org, reason});
	return 0;
}

static int show_link(int64_t id, void *ctx)
{
	struct show_out *o = ctx;

	if (o->links != NULL)
		json_array_append_new(o->links, json_integer(id));
	else
		printf(" #%lld", (long long)id);
	return 0;
}

int cli_ticket_show(struct cli *c, int argc, char **argv)
{
	static const char *const heads[] = {"KIND", "VALUE", "ORG", "WHY"};
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	struct show_out o = {0};
	struct ticket t;
	int64_t id;
	int npos = 0, rc;

	rc = cli_parse(c, argc, argv, NULL, 1, 1, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	if ((rc = ticket_arg(c, pos[0], &id)) != 0 || (rc = cli_open(c)) != 0)
		goto out;
	if (store_ticket_get(c->st, id, &t, &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	if (c->json) {
		json_t *j = ticket_json(&t);

		o.messages = json_array();
		o.items = json_array();
		o.links = json_array();
		if (store_ticket_message_each(c->st, id, show_message, &o, &c->err) != 0 ||
		    store_ticket_item_each(c->st, id, show_item, &o, &c->err) != 0 ||
		    store_ticket_link_each(c->st, id, show_link, &o, &c->err) != 0) {
			json_decref(j);
			rc = cli_fail(c);
			goto out;
		}
		json_object_set_new(j, "messages", o.messages);
		json_object_set_new(j, "items", o.items);
		json_object_set_new(j, "links", o.links);
		o.messages = o.items = o.links = NULL;
		rc = cli_print_json(j);
		goto out;
	}
	printf("Ticket #%lld: %s\n", (long long)t.id, t.subject);
	printf("  type %s, status %s, priority P%d, severity %s, %s\n",
	       ticket_type_names[t.type], t.status, t.priority, t.severity, tlp_name(t.tlp));
	printf("  requester %s (class %s), service %s (%s)\n", t.requester, t.class, t.service,
	       t.coverage);
	printf("  owner %s, tags %s\n", t.owner[0] ? t.owner : "-", t.tags[0] ? t.tags : "-");
	printf("  scope %s%s%s\n", t.scope, t.scope_reason[0] ? ": " : "", t.scope_reason);
	printf("  created %s, updated %s\n", t.created, t.updated);
	if (t.due_resolve[0] != '\0')
		printf("  due: acknowledge %s, first response %s, resolve %s\n", t.due_ack,
		       t.due_response, t.due_resolve);
	printf("  linked:");
	if (store_ticket_link_each(c->st, id, show_link, &o, &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	printf("\n");
	o.t = cli_table_new(4, heads);
	if (store_ticket_item_each(c->st, id, show_item, &o, &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	if (cli_table_rows(o.t) > 0) {
		printf("\nNamed in the report:\n");
		cli_table_print(o.t);
	}
	if (store_ticket_message_each(c->st, id, show_message, &o, &c->err) != 0)
		rc = cli_fail(c);
out:
	json_decref(o.messages);
	json_decref(o.items);
	json_decref(o.links);
	cli_table_free(o.t);
	free(pos);
	return rc;
}

int cli_ticket_raw(struct cli *c, int argc, char **argv)
{
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	struct buf raw;
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
	if (store_ticket_message_raw(c->st, id, &raw, &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	rc = fwrite(raw.data ? raw.data : "", 1, raw.len, stdout) == raw.len && fflush(stdout) == 0
		 ? 0
		 : EX_IOERR;
out:
	buf_free(&raw);
	free(pos);
	return rc;
}
