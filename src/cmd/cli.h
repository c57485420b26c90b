/* cmd/cli.h: what the parts of the schakel command-line tool share: the
 * run context, option parsing, opening the store, tables, JSON output and
 * finding an organization by id or name. Each command is a function
 * taking the arguments after its own name and returning an exit code. */
#ifndef SK_CMD_CLI_H
#define SK_CMD_CLI_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/error.h"
#include "model/org.h"
#include "model/tlp.h"
#include "route/match.h"

struct config;
struct route_enricher;
struct route_index;
struct store;
struct store_ticket_filter;

struct cli {
	const char *config_path; /* -c FILE, or NULL */
	const char *db_flag;	 /* --db URL, or NULL */
	bool json;		 /* --json: machine output */
	const char *cmd_name;	 /* "org add", for messages */
	const char *usage;	 /* the running command's --help text */
	struct config *cfg;	 /* once cli_open() succeeded */
	struct store *st;
	char *pgp_home; /* schakel's keyring, once cli_open() succeeded */
	struct sk_error err;
};

/* cli_parse() result when the command should go on. */
#define CLI_GO (-1)

/* One long option of a command ("--kind K"). The array ends with a NULL
 * name; cli_parse fills count and arg (and args for repeat options). */
struct cli_opt {
	const char *name;
	bool has_arg;
	bool repeat;
	int count;
	const char *arg;   /* the last value; borrowed from argv */
	const char **args; /* every value when repeat; freed by cli_opts_free() */
};

/* Parse argv (the words after the command name): long options from opts
 * as "--name VALUE" or "--name=VALUE" anywhere, "--json" and "--help"
 * always, "--" ending options; the rest are positional and returned in
 * pos[*npos] (borrowed from argv; pos has room for argc). Checks
 * min_pos <= *npos <= max_pos (max_pos -1: no limit) and that every word
 * is UTF-8. Returns CLI_GO, or the exit code after printing help (0) or
 * a usage error (64). */
int cli_parse(struct cli *c, int argc, char **argv, struct cli_opt *opts, int min_pos,
	      int max_pos, char **pos, int *npos);
void cli_opts_free(struct cli_opt *opts);
/* The option called name in opts; it must be there. */
struct cli_opt *cli_opt_get(struct cli_opt *opts, const char *name);

/* Print "schakel CMD: message" and a hint to stderr; returns 64. */
int cli_usage_error(struct cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print c->err to stderr; returns its exit code. */
int cli_fail(struct cli *c);

/* Load the configuration and open the store once; 0 or an exit code
 * after printing the error. */
int cli_open(struct cli *c);
void cli_close(struct cli *c);
/* stdin into b, at most b's cap; SK_ETOOBIG past it, SK_EIO on a read
 * error. */
struct buf;
int cli_read_stdin(struct buf *b);
/* "cli:" and the name of the user running the command, for the audit
 * log. */
void cli_actor_name(char *out, size_t size);

/* Find an organization by numeric id or exact name; caller clears *out
 * with org_clear(). SK_ENOTFOUND with a message in c->err. */
int cli_org_find(struct cli *c, const char *ref, struct org *out);
/* The name of the organization with id in orgs (sorted by id), borrowed
 * from orgs, or "?" if there is none. */
const char *cli_org_name(const struct org_list *orgs, int64_t id);

/* Print v (stolen) to stdout as indented JSON; 0 or an exit code. */
int cli_print_json(json_t *v);

/* A table printed with aligned columns. Cells are copied. */
struct cli_table;
struct cli_table *cli_table_new(int ncols, const char *const *heads);
void cli_table_add(struct cli_table *t, const char *const *cells);
size_t cli_table_rows(const struct cli_table *t);
/* Print to stdout: header, then rows; columns two spaces apart. */
void cli_table_print(const struct cli_table *t);
void cli_table_free(struct cli_table *t);
/* With --json the array *a (taken, *a set to NULL), else the table, or
 * the line empty when it has no rows. Returns an exit code. */
int cli_print_list(struct cli *c, json_t **a, const struct cli_table *t, const char *empty);

/* The worse of two exit codes: a read error over a temporary failure
 * over a missing file over bad data over success. */
int cli_exit_worse(int a, int b);
/* The TLP of events that have none: flag (--tlp), else [feeds] tlp, else
 * TLP:AMBER; 0 or an exit code after saying what is wrong. */
int cli_pick_tlp(struct cli *c, const char *flag, enum tlp_label *out);

/* What routing needs, loaded from the open store: the constituency
 * index, the routing context in the match mode (match_flag, else [route]
 * match) and the enricher ([route] asn_mmdb, country_mmdb). */
struct cli_routing {
	enum route_mode mode;
	struct route_index *idx;
	struct route_context *ctx;
	struct route_enricher *enricher;
};
/* 0 or an exit code after saying what is wrong. */
int cli_routing_open(struct cli *c, const char *match_flag, struct cli_routing *out);
void cli_routing_close(struct cli_routing *r);

/* Commands (cli_org.c, cli_resource.c, cli_admin.c). */
int cli_org_add(struct cli *c, int argc, char **argv);
int cli_org_list(struct cli *c, int argc, char **argv);
int cli_org_show(struct cli *c, int argc, char **argv);
int cli_org_set(struct cli *c, int argc, char **argv);
int cli_org_rm(struct cli *c, int argc, char **argv);
int cli_member_add(struct cli *c, int argc, char **argv);
int cli_member_rm(struct cli *c, int argc, char **argv);
int cli_contact_add(struct cli *c, int argc, char **argv);
int cli_contact_list(struct cli *c, int argc, char **argv);
int cli_contact_set(struct cli *c, int argc, char **argv);
int cli_contact_rm(struct cli *c, int argc, char **argv);
int cli_resource_add(struct cli *c, int argc, char **argv);
int cli_resource_list(struct cli *c, int argc, char **argv);
int cli_resource_rm(struct cli *c, int argc, char **argv);
int cli_resource_overlaps(struct cli *c, int argc, char **argv);
int cli_whois(struct cli *c, int argc, char **argv);
int cli_init(struct cli *c, int argc, char **argv);
int cli_import(struct cli *c, int argc, char **argv);
int cli_export(struct cli *c, int argc, char **argv);
int cli_user_add(struct cli *c, int argc, char **argv);
int cli_user_passwd(struct cli *c, int argc, char **argv);
int cli_token_create(struct cli *c, int argc, char **argv);
int cli_token_list(struct cli *c, int argc, char **argv);
int cli_audit(struct cli *c, int argc, char **argv);
int cli_migrate(struct cli *c, int argc, char **argv);
/* Feed files read without a store (cli_feed.c). */
int cli_parse_feed(struct cli *c, int argc, char **argv);
/* Events and opt-outs (cli_event.c). */
int cli_events_list(struct cli *c, int argc, char **argv);
int cli_purge(struct cli *c, int argc, char **argv);
int cli_optout_add(struct cli *c, int argc, char **argv);
int cli_optout_rm(struct cli *c, int argc, char **argv);
int cli_optout_list(struct cli *c, int argc, char **argv);
/* The CSAF provider tree (cli_csaf.c). */
int cli_csaf_export(struct cli *c, int argc, char **argv);

/* schakel's OpenPGP keyring (cli_key.c). */
int cli_key_generate(struct cli *c, int argc, char **argv);
int cli_key_import(struct cli *c, int argc, char **argv);
int cli_key_list(struct cli *c, int argc, char **argv);
int cli_key_show(struct cli *c, int argc, char **argv);
int cli_key_delete(struct cli *c, int argc, char **argv);

/* The outbound mail queue (cli_mail.c). */
int cli_mail_list(struct cli *c, int argc, char **argv);
int cli_mail_send(struct cli *c, int argc, char **argv);
int cli_mail_retry(struct cli *c, int argc, char **argv);
int cli_mail_release(struct cli *c, int argc, char **argv);
int cli_mail_drop(struct cli *c, int argc, char **argv);
int cli_mail_test(struct cli *c, int argc, char **argv);
int cli_mailgate(struct cli *c, int argc, char **argv);
int cli_ticket_list(struct cli *c, int argc, char **argv);
int cli_ticket_show(struct cli *c, int argc, char **argv);
int cli_ticket_raw(struct cli *c, int argc, char **argv);
int cli_ticket_decrypt(struct cli *c, int argc, char **argv);
int cli_ticket_forward(struct cli *c, int argc, char **argv);
/* The user ticket commands act as: the local operator, named after
 * whoever runs the command (cli_ticket.c). */
struct user;
void cli_operator(struct user *u);
/* A ticket number as "42" or "#42": 0, or a usage error's exit code. */
int cli_ticket_number(struct cli *c, const char *text, int64_t *id);
/* --owner USER ("none": unowned) and --class CLASS of opts into f
 * (borrowing from argv): CLI_GO, or a usage error's exit code. */
int cli_ticket_filter(struct cli *c, struct cli_opt *opts, struct store_ticket_filter *f);
int cli_ticket_new(struct cli *c, int argc, char **argv);
int cli_ticket_set(struct cli *c, int argc, char **argv);
int cli_ticket_resolve(struct cli *c, int argc, char **argv);
int cli_ticket_comment(struct cli *c, int argc, char **argv);
int cli_ticket_reply(struct cli *c, int argc, char **argv);
int cli_ticket_link(struct cli *c, int argc, char **argv);
int cli_ticket_party(struct cli *c, int argc, char **argv);
int cli_queue(struct cli *c, int argc, char **argv);
/* What was ingested, and who received it (cli_stats.c). */
int cli_stats_ingest(struct cli *c, int argc, char **argv);
int cli_stats_orgs(struct cli *c, int argc, char **argv);
/* Feeds into the store (cli_feed.c), digests out (cli_notify.c). */
int cli_ingest(struct cli *c, int argc, char **argv);
int cli_notify(struct cli *c, int argc, char **argv);
/* IntelMQ events routed to their recipients (cli_route.c). */
int cli_route(struct cli *c, int argc, char **argv);
/* Reports through the partner portal (cli_report.c). */
int cli_report_list(struct cli *c, int argc, char **argv);
int cli_report_submit(struct cli *c, int argc, char **argv);
/* A deployment checked (cli_doctor.c). */
int cli_doctor(struct cli *c, int argc, char **argv);

/* Advisories and assets (cli_advisory.c, cli_asset.c). */
int cli_advisory_new(struct cli *c, int argc, char **argv);
int cli_advisory_edit(struct cli *c, int argc, char **argv);
int cli_advisory_show(struct cli *c, int argc, char **argv);
int cli_advisory_list(struct cli *c, int argc, char **argv);
int cli_advisory_submit(struct cli *c, int argc, char **argv);
int cli_advisory_approve(struct cli *c, int argc, char **argv);
int cli_advisory_publish(struct cli *c, int argc, char **argv);
int cli_advisory_update(struct cli *c, int argc, char **argv);
int cli_advisory_withdraw(struct cli *c, int argc, char **argv);
int cli_advisory_audience(struct cli *c, int argc, char **argv);
int cli_advisory_revisions(struct cli *c, int argc, char **argv);
/* Publications (cli_publication.c). */
int cli_publication_new(struct cli *c, int argc, char **argv);
int cli_publication_attach(struct cli *c, int argc, char **argv);
int cli_publication_show(struct cli *c, int argc, char **argv);
int cli_publication_list(struct cli *c, int argc, char **argv);
int cli_publication_submit(struct cli *c, int argc, char **argv);
int cli_publication_approve(struct cli *c, int argc, char **argv);
int cli_publication_publish(struct cli *c, int argc, char **argv);
int cli_publication_withdraw(struct cli *c, int argc, char **argv);
int cli_publication_attachment(struct cli *c, int argc, char **argv);
int cli_asset_add(struct cli *c, int argc, char **argv);
int cli_asset_list(struct cli *c, int argc, char **argv);
int cli_asset_rm(struct cli *c, int argc, char **argv);
int cli_alert_list(struct cli *c, int argc, char **argv);
int cli_alert_ack(struct cli *c, int argc, char **argv);
int cli_alert_calllist(struct cli *c, int argc, char **argv);
int cli_alert_call(struct cli *c, int argc, char **argv);
int cli_alert_escalate(struct cli *c, int argc, char **argv);

#endif
