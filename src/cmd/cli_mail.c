/* cmd/cli_mail.c: the schakel commands for the outbound mail queue:
 * list it, send what is due once (as schakeld does every few seconds),
 * queue a failed message again, and queue a test message to check the
 * relay. */
#include "cmd/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "access/access.h"
#include "lib/config.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "cmd/common.h"
#include "mail/dispatch.h"
#include "mail/protect.h"
#include "store/store.h"

#define LIST_DEFAULT 50
#define LIST_MAX     100000
#define ERROR_SHOWN  80 /* characters of last_error in the table */

struct list_out {
	json_t *a;
	struct cli_table *t;
};

/* text cut to at most max characters (not bytes) with "..." if cut, in
 * out of size bytes. */
static void cut_chars(char *out, size_t size, const char *text, size_t max)
{
	size_t chars = 0, i = 0;

	for (; text[i] && i + 4 < size; i++) {
		if (((unsigned char)text[i] & 0xc0) != 0x80 && ++chars > max)
			break;
	}
	while (i > 0 && ((unsigned char)text[i] & 0xc0) == 0x80)
		i--;
	snprintf(out, size, "%.*s%s", (int)i, text, text[i] ? "..." : "");
}

static int print_mail(const struct store_mail *m, void *ctx)
{
	struct list_out *o = ctx;
	char id[24], tries[16], error[ERROR_SHOWN * 4 + 8];
	const char *when;

	if (o->a != NULL) {
		json_t *v = mail_json(m);

		json_array_append_new(o->a, v);
		return 0;
	}
	snprintf(id, sizeof(id), "%lld", (long long)m->id);
	snprintf(tries, sizeof(tries), "%d", m->attempts);
	when = m->status == STORE_MAIL_QUEUED ? m->next_attempt
	       : m->status == STORE_MAIL_SENT ? m->sent_at
					      : m->created;
	cut_chars(error, sizeof(error), m->last_error, ERROR_SHOWN);
	cli_table_add(o->t, (const char *[]){id, store_mail_status_name(m->status), tries, when,
					     m->kind, m->rcpt, m->subject, error});
	return 0;
}

int cli_mail_list(struct cli *c, int argc, char **argv)
{
	static const char *const heads[] = {"ID",   "STATUS", "TRIES",	 "WHEN",
					    "KIND", "TO",     "SUBJECT", "LAST ERROR"};
	struct cli_opt opts[] = {{"status", true}, {"limit", true}, {NULL}};
	struct cli_opt *status_opt = cli_opt_get(opts, "status");
	struct cli_opt *limit_opt = cli_opt_get(opts, "limit");
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	struct list_out o = {0};
	int64_t limit = LIST_DEFAULT;
	int npos = 0, status = -1, rc;

	rc = cli_parse(c, argc, argv, opts, 0, 0, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	if (status_opt->count > 0 && (status = store_mail_status_parse(status_opt->arg)) < 0) {
		rc = cli_usage_error(c,
				     "--status must be queued, held, sent or failed, not '%s'",
				     status_opt->arg);
		goto out;
	}
	if (limit_opt->count > 0 && str_to_i64(limit_opt->arg, 1, LIST_MAX, &limit) != 0) {
		rc = cli_usage_error(c, "--limit must be a number from 1 to %d", LIST_MAX);
		goto out;
	}
	if ((rc = cli_open(c)) != 0)
		goto out;
	if (c->json)
		o.a = json_array();
	else
		o.t = cli_table_new(8, heads);
	if (mail_list(c->st, access_local_operator(), status, (size_t)limit, print_mail, &o,
		      &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	if (c->json) {
		rc = cli_print_json(o.a);
		o.a = NULL;
	} else if (cli_table_rows(o.t) == 0) {
		printf("no %s%smail\n", status >= 0 ? store_mail_status_name(status) : "",
		       status >= 0 ? " " : "");
	} else {
		cli_table_print(o.t);
	}
out:
	json_decref(o.a);
	cli_table_free(o.t);
	free(pos);
	return rc;
}

/* Load the configuration and read [mail]; 0 or an exit code. */
static int mail_open(struct cli *c, struct mail_settings *ms)
{
	int rc;

	if ((rc = cli_open(c)) != 0)
		return rc;
	if (mail_settings_read(c->cfg, ms, &c->err) != 0)
		return cli_fail(c);
	return 0;
}

int cli_mail_send(struct cli *c, int argc, char **argv)
{
	struct cli_opt opts[] = {{"limit", true}, {NULL}};
	struct cli_opt *limit_opt = cli_opt_get(opts, "limit");
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	char relay[SMTP_RELAY_MAX + 1];
	struct mail_dispatch_stats stats;
	struct mail_pgp_settings ps = {0};
	struct mail_settings ms = {0};
	int64_t limit = 0;
	int npos = 0, rc;

	rc = cli_parse(c, argc, argv, opts, 0, 0, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	if (limit_opt->count > 0 && str_to_i64(limit_opt->arg, 1, LIST_MAX, &limit) != 0) {
		rc = cli_usage_error(c, "--limit must be a number from 1 to %d", LIST_MAX);
		goto out;
	}
	if ((rc = mail_open(c, &ms)) != 0)
		goto out;
	if (mail_pgp_settings_read(c->cfg, cmd_store_url(c->cfg, c->db_flag), &ps, &c->err) !=
		0 ||
	    mail_pgp_open(&ps, &ms.pgp, &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	if (mail_dispatch(c->st, &ms, (int)limit, &stats, &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	smtp_relay_display(ms.smtp.relay, relay, sizeof(relay));
	if (c->json) {
		json_t *v = json_object();

		json_object_set_new(v, "relay", json_string(relay));
		json_object_set_new(v, "sent", json_integer(stats.sent));
		json_object_set_new(v, "deferred", json_integer(stats.deferred));
		json_object_set_new(v, "failed", json_integer(stats.failed));
		json_object_set_new(v, "held", json_integer(stats.held));
		json_object_set_new(v, "relay_error",
				    stats.relay_down ? json_string(stats.relay_error)
						     : json_null());
		rc = cli_print_json(v);
	} else {
		printf("sent %d, deferred %d, failed %d", stats.sent, stats.deferred,
		       stats.failed);
		if (stats.held > 0)
			printf(", held %d (schakel mail list --status held)", stats.held);
		printf("\n");
	}
	if (stats.relay_down) {
		fprintf(stderr,
			"schakel mail send: the relay cannot take mail now; what is due stays "
			"queued: %s\n",
			stats.relay_error);
		if (rc == 0)
			rc = EX_TEMPFAIL;
	}
out:
	mail_pgp_close(ms.pgp);
	mail_pgp_settings_free(&ps);
	free(pos);
	return rc;
}

int cli_mail_test(struct cli *c, int argc, char **argv)
{
	struct cli_opt opts[] = {{"to", true}, {"from", true}, {NULL}};
	struct cli_opt *to_opt = cli_opt_get(opts, "to"), *from_opt = cli_opt_get(opts, "from");
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	char msgid[MAIL_MSGID_MAX + 1], host[256] = "", now[21], actor[128], *body = NULL;
	char relay[SMTP_RELAY_MAX + 1];
	struct mail_settings ms;
	struct mail_message m;
	struct mail_addr to;
	int npos = 0, rc;
	int64_t id = 0;

	rc = cli_parse(c, argc, argv, opts, 0, 0, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	if (to_opt->count == 0) {
		rc = cli_usage_error(c, "--to ADDRESS is required");
		goto out;
	}
	if ((rc = mail_open(c, &ms)) != 0)
		goto out;
	if (from_opt->count == 0 && ms.from == NULL) {
		sk_error_set(&c->err, SK_ECONFIG,
			     "no sender: set [mail] from in the configuration or give --from");
		rc = cli_fail(c);
		goto out;
	}
	if (gethostname(host, sizeof(host) - 1) != 0)
		snprintf(host, sizeof(host), "?");
	str_time_iso(str_time_now(), now);
	cli_actor_name(actor, sizeof(actor));
	smtp_relay_display(ms.smtp.relay, relay, sizeof(relay));
	body = xasprintf(
	    "This is a test message from schakel on %s,\n"
	    "queued at %s by %s,\n"
	    "sent through the relay %s.\n"
	    "\n"
	    "If it reached you, schakel can send you mail; nothing needs to be done.\n",
	    host, now, actor, relay);
	to = (struct mail_addr){NULL, to_opt->arg};
	m = (struct mail_message){
	    .from = {"schakel", from_opt->count > 0 ? from_opt->arg : ms.from},
	    .to = &to,
	    .n_to = 1,
	    .subject = "schakel test message",
	    .body = body,
	    .headers = (const struct mail_header[]){{"Auto-Submitted", "auto-generated"}},
	    .n_headers = 1,
	};
	if (mail_enqueue(c->st, &m, "test", NULL, &id, msgid, &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	if (c->json) {
		json_t *v = json_object();

		json_object_set_new(v, "id", json_integer(id));
		json_object_set_new(v, "message_id", json_string(msgid));
		rc = cli_print_json(v);
	} else {
		printf("queued test mail %lld to %s (Message-ID %s); schakeld sends it, or run "
		       "schakel mail send\n",
		       (long long)id, to_opt->arg, msgid);
	}
out:
	free(body);
	free(pos);
	return rc;
}

/* schakel mail retry|release|drop ID: fn acts on mail ID; status and
 * done for the output. */
static int mail_act(struct cli *c, int argc, char **argv,
		    int (*fn)(struct store *, const struct user *, int64_t, struct sk_error *),
		    const char *status, const char *done)
{
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	int npos = 0, rc;
	int64_t id;

	rc = cli_parse(c, argc, argv, NULL, 1, 1, pos, &npos);
	if (rc != CLI_GO)
		goto out;
	if (str_to_i64(pos[0], 1, INT64_MAX, &id) != 0) {
		rc = cli_usage_error(
		    c, "ID must be a mail id (see schakel mail list), not '%s'", pos[0]);
		goto out;
	}
	if ((rc = cli_open(c)) != 0)
		goto out;
	if (fn(c->st, access_local_operator(), id, &c->err) != 0) {
		rc = cli_fail(c);
		goto out;
	}
	if (c->json) {
		json_t *v = json_object();

		json_object_set_new(v, "id", json_integer(id));
		json_object_set_new(v, "status", json_string(status));
		rc = cli_print_json(v);
	} else {
		printf("mail %lld %s\n", (long long)id, done);
	}
out:
	free(pos);
	return rc;
}

int cli_mail_retry(struct cli *c, int argc, char **argv)
{
	return mail_act(c, argc, argv, mail_retry, "queued", "is queued again");
}

int cli_mail_release(struct cli *c, int argc, char **argv)
{
	return mail_act(c, argc, argv, mail_release, "queued",
			"is released: it goes with the next send, in clear to recipients "
			"without a usable key");
}

int cli_mail_drop(struct cli *c, int argc, char **argv)
{
	return mail_act(c, argc, argv, mail_drop, "failed", "is dropped: it is not sent");
}
