/* cmd/cli_feed.c: feed files (Shadowserver CSV, IntelMQ JSON lines, CSV
 * with a mapping) read through feed/feed.h. schakel parse writes their
 * events to stdout as IntelMQ JSON lines, without a store: to check a
 * feed, or to turn one into IntelMQ's format. schakel ingest routes them
 * and stores them with their recipients (route/ingest.h). Bad lines go to
 * stderr as FILE:LINE: reason, with a summary line per file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "access/access.h"
#include "cmd/cli.h"
#include "cmd/common.h"
#include "feed/csvmap.h"
#include "feed/feed.h"
#include "feed/shadowserver.h"
#include "lib/buf.h"
#include "lib/config.h"
#include "lib/xalloc.h"
#include "model/event.h"
#include "model/tlp.h"
#include "registry/constituency.h"
#include "route/ingest.h"
#include "store/store.h"

#define OUT_CAP	  (4 * 1024 * 1024) /* output gathered before a write */
#define OUT_FLUSH (256 * 1024)

static int flush_out(struct buf *out)
{
	if (out->len > 0 && fwrite(out->data, 1, out->len, stdout) != out->len)
		return EX_IOERR;
	buf_reset(out);
	return EX_OK;
}

static void warn(void *arg, const char *message)
{
	(void)arg;
	fprintf(stderr, "%s\n", message);
}

/* Open path ("-": stdin) for reading; NULL with the exit code in *code
 * after saying why. */
static FILE *open_input(struct cli *c, const char *path, int *code)
{
	FILE *in;

	if (strcmp(path, "-") == 0)
		return stdin;
	if ((in = fopen(path, "r")) != NULL)
		return in;
	fprintf(stderr, "schakel %s: %s: cannot open: %s\n", c->cmd_name, path,
		strerror(errno));
	*code = errno == EACCES || errno == ENOENT || errno == ENOTDIR ? EX_NOINPUT : EX_IOERR;
	return NULL;
}

/* Parse one file into out; adds to *total; returns its exit code and sets
 * *stop when nothing more should be read (--strict, a write error). */
static int parse_file(struct cli *c, const char *path, const struct feed_options *opt,
		      struct buf *out, struct feed_counts *total, bool *stop)
{
	struct feed_reader *r = NULL;
	struct feed_counts n = {0};
	struct event *ev;
	int rc, code = EX_OK;
	FILE *in = open_input(c, path, &code);

	if (in == NULL)
		return code;
	r = feed_open(in, path, opt, &c->err);
	if (r == NULL) {
		if (c->err.code == SK_EUSAGE) {
			code = cli_usage_error(c, "%s", c->err.msg);
			*stop = true;
		} else {
			code = cli_fail(c);
		}
		goto out;
	}
	for (;;) {
		rc = feed_read(r, &ev, &c->err);
		if (rc == 0)
			break;
		if (rc == 1) {
			if (event_to_json(ev, out) != 0) {
				/* one event never fills the buffer: flush, then again */
				if (flush_out(out) != EX_OK || event_to_json(ev, out) != 0) {
					code = EX_IOERR;
					*stop = true;
					break;
				}
			}
			if (out->len >= OUT_FLUSH && flush_out(out) != EX_OK) {
				code = EX_IOERR;
				*stop = true;
				break;
			}
			continue;
		}
		fprintf(stderr, "%s\n", c->err.msg);
		if (rc == SK_EIO) {
			code = EX_IOERR;
			break;
		}
		code = cli_exit_worse(code, EX_DATAERR);
		if (opt->strict)
			*stop = true;
	}
	feed_counts(r, &n);
	fprintf(stderr,
		"schakel parse: %s: %s, %lu lines read, %lu events parsed, %lu rejected\n",
		path, feed_format_name(feed_reader_format(r)), n.lines, n.events, n.rejected);
	total->lines += n.lines;
	total->events += n.events;
	total->rejected += n.rejected;
out:
	feed_close(r);
	if (in != stdin)
		fclose(in);
	return code;
}

/* The options parse and ingest share, first in their option tables. */
#define FEED_CLI_OPTS                                                                          \
	{"format", true}, {"report", true}, {"mapping", true}, {"feed", true}, {"tlp", true},  \
	    {"strict", false},                                                                 \
	{                                                                                      \
		"raw", false                                                                   \
	}

/* How the files of one command are read. */
struct feed_setup {
	struct feed_options opt;
	struct shadowserver_schema *schema;
	struct csvmap *map;
};

/* Check the flags that say how to read; 0 or an exit code. */
static int feed_setup_flags(struct cli *c, struct cli_opt *opts, struct feed_setup *fs)
{
	struct feed_options *opt = &fs->opt;

	if (cli_opt_get(opts, "format")->count > 0 &&
	    feed_format_parse(cli_opt_get(opts, "format")->arg, &opt->format) != 0)
		return cli_usage_error(c, "--format: shadowserver, intelmq or csv, not '%s'",
				       cli_opt_get(opts, "format")->arg);
	opt->report = cli_opt_get(opts, "report")->arg;
	opt->feed_name = cli_opt_get(opts, "feed")->arg;
	opt->strict = cli_opt_get(opts, "strict")->count > 0;
	opt->raw = cli_opt_get(opts, "raw")->count > 0;
	opt->warn = warn;
	if (opt->report != NULL && opt->format != FEED_AUTO && opt->format != FEED_SHADOWSERVER)
		return cli_usage_error(c, "--report is for --format shadowserver");
	if (cli_opt_get(opts, "mapping")->count > 0 && opt->format != FEED_AUTO &&
	    opt->format != FEED_CSV)
		return cli_usage_error(c, "--mapping is for --format csv");
	if (opt->report != NULL && cli_opt_get(opts, "mapping")->count > 0)
		return cli_usage_error(c, "--report and --mapping are for different formats");
	if (opt->format == FEED_CSV && cli_opt_get(opts, "mapping")->count == 0)
		return cli_usage_error(c, "--format csv needs --mapping FILE");
	return 0;
}

/* With the configuration loaded: the default TLP, the Shadowserver
 * schema and the mapping file; 0 or an exit code. */
static int feed_setup_load(struct cli *c, struct cli_opt *opts, struct feed_setup *fs)
{
	struct feed_options *opt = &fs->opt;
	const char *schema_path;
	int code = cli_pick_tlp(c, cli_opt_get(opts, "tlp")->arg, &opt->tlp);

	if (code != 0)
		return code;
	opt->has_tlp = true;
	schema_path = config_get(c->cfg, "feeds", "shadowserver_schema");
	if (schema_path != NULL && opt->format != FEED_INTELMQ && opt->format != FEED_CSV) {
		struct sk_error sub = {0};

		fs->schema = shadowserver_schema_load(schema_path, &sub);
		if (fs->schema == NULL) {
			config_error(c->cfg, "feeds", "shadowserver_schema", &c->err, "%s",
				     sub.msg);
			return cli_fail(c);
		}
		opt->schema = fs->schema;
	}
	if (cli_opt_get(opts, "mapping")->count > 0) {
		fs->map = csvmap_load(cli_opt_get(opts, "mapping")->arg, &c->err);
		if (fs->map == NULL) {
			if (c->err.code != SK_ENOTFOUND)
				return cli_fail(c);
			fprintf(stderr, "schakel %s: %s\n", c->cmd_name, c->err.msg);
			return EX_NOINPUT;
		}
		opt->mapping = fs->map;
		opt->format = FEED_CSV;
	}
	return 0;
}

static void feed_setup_free(struct feed_setup *fs)
{
	shadowserver_schema_free(fs->schema);
	csvmap_free(fs->map);
}

int cli_parse_feed(struct cli *c, int argc, char **argv)
{
	struct cli_opt opts[] = {FEED_CLI_OPTS, {NULL, false}};
	struct feed_setup fs = {0};
	struct feed_counts total = {0};
	struct buf out;
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	int npos = 0, rc, code = EX_OK;
	bool stop = false;

	buf_init(&out, OUT_CAP);
	rc = cli_parse(c, argc, argv, opts, 1, -1, pos, &npos);
	if (rc != CLI_GO) {
		code = rc;
		goto out;
	}
	if ((code = feed_setup_flags(c, opts, &fs)) != 0)
		goto out;
	/* The configuration, without a store. */
	c->cfg = cmd_config_load(c->config_path, &c->err);
	if (c->cfg == NULL) {
		code = cli_fail(c);
		goto out;
	}
	if ((code = feed_setup_load(c, opts, &fs)) != 0)
		goto out;
	for (int i = 0; i < npos && !stop; i++) {
		int fc = parse_file(c, pos[i], &fs.opt, &out, &total, &stop);

		if (fc == EX_USAGE || fc == EX_CONFIG) {
			code = fc;
			break;
		}
		code = cli_exit_worse(code, fc);
		if (flush_out(&out) != EX_OK) {
			code = EX_IOERR;
			break;
		}
	}
	if (npos > 1)
		fprintf(stderr,
			"schakel parse: %d files, %lu lines read, %lu events parsed, %lu "
			"rejected\n",
			npos, total.lines, total.events, total.rejected);
out:
	if (flush_out(&out) != EX_OK && code == EX_OK)
		code = EX_IOERR;
	buf_free(&out);
	feed_setup_free(&fs);
	cli_opts_free(opts);
	free(pos);
	return code;
}

static void print_reject(const struct sk_error *err, void *ctx)
{
	(void)ctx;
	fprintf(stderr, "%s\n", err->msg);
}

/* Ingest one file; adds to *stats; returns its exit code. */
static int ingest_file(struct cli *c, const struct cli_routing *rt, const char *path,
		       const struct feed_setup *fs, enum tlp_label tlp,
		       struct ingest_stats *stats, json_t *files)
{
	struct ingest_stats before = *stats;
	struct ingest_options io = {path, tlp, fs->opt.strict, print_reject, NULL};
	struct feed_reader *r;
	int code = EX_OK;
	FILE *in = open_input(c, path, &code);

	if (in == NULL)
		return code;
	r = feed_open(in, path, &fs->opt, &c->err);
	if (r == NULL) {
		code = c->err.code == SK_EUSAGE ? cli_usage_error(c, "%s", c->err.msg)
						: cli_fail(c);
		goto out;
	}
	if (ingest_run(c->st, rt->ctx, rt->idx, rt->enricher, r, &io, stats, &c->err) != 0) {
		fprintf(stderr, "schakel ingest: %s: nothing stored\n", path);
		code = cli_fail(c);
		goto out;
	}
	if (stats->rejected > before.rejected)
		code = EX_DATAERR;
	if (files != NULL) {
		json_array_append_new(
		    files, json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I}", "file", path,
				     "format", feed_format_name(feed_reader_format(r)), "read",
				     (json_int_t)(stats->lines - before.lines), "parsed",
				     (json_int_t)(stats->parsed - before.parsed), "rejected",
				     (json_int_t)(stats->rejected - before.rejected), "matched",
				     (json_int_t)(stats->matched - before.matched), "unmatched",
				     (json_int_t)(stats->unmatched - before.unmatched)));
	} else {
		printf(
		    "%s: %s, read %lu, parsed %lu, rejected %lu, matched %lu, unmatched %lu\n",
		    path, feed_format_name(feed_reader_format(r)), stats->lines - before.lines,
		    stats->parsed - before.parsed, stats->rejected - before.rejected,
		    stats->matched - before.matched, stats->unmatched - before.unmatched);
	}
out:
	feed_close(r);
	if (in != stdin)
		fclose(in);
	return code;
}

static int by_events(const void *pa, const void *pb)
{
	const struct ingest_org_count *a = pa, *b = pb;

	if (a->events != b->events)
		return a->events < b->events ? 1 : -1;
	return a->org_id < b->org_id ? -1 : a->org_id > b->org_id;
}

/* The per-organization counts, most events first. */
static int print_orgs(struct cli *c, struct ingest_stats *stats, json_t *doc)
{
	static const char *const heads[] = {"ORGANIZATION", "EVENTS"};
	struct org_list orgs = {0};
	struct cli_table *t = doc ? NULL : cli_table_new(2, heads);
	json_t *a = doc ? json_array() : NULL;
	int rc;

	if ((rc = registry_org_list(c->st, access_local_operator(), &orgs, &c->err)) != 0) {
		cli_table_free(t);
		json_decref(a);
		return cli_fail(c);
	}
	org_list_sort_by_id(&orgs);
	qsort(stats->orgs, stats->n_orgs, sizeof(*stats->orgs), by_events);
	for (size_t i = 0; i < stats->n_orgs; i++) {
		const char *name = cli_org_name(&orgs, stats->orgs[i].org_id);
		char n[24];

		if (a != NULL) {
			json_array_append_new(a, json_pack("{s:I, s:s, s:I}", "org_id",
							   (json_int_t)stats->orgs[i].org_id,
							   "org", name, "events",
							   (json_int_t)stats->orgs[i].events));
			continue;
		}
		snprintf(n, sizeof(n), "%lu", stats->orgs[i].events);
		cli_table_add(t, (const char *[]){name, n});
	}
	if (a != NULL)
		json_object_set_new(doc, "organizations", a);
	else if (cli_table_rows(t) > 0)
		cli_table_print(t);
	cli_table_free(t);
	org_list_free(&orgs);
	return 0;
}

int cli_ingest(struct cli *c, int argc, char **argv)
{
	struct cli_opt opts[] = {FEED_CLI_OPTS, {"match", true}, {NULL, false}};
	struct feed_setup fs = {0};
	struct cli_routing rt = {0};
	struct ingest_stats stats = {0};
	json_t *doc = NULL, *files = NULL;
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	int npos = 0, rc, code = EX_OK;

	rc = cli_parse(c, argc, argv, opts, 1, -1, pos, &npos);
	if (rc != CLI_GO) {
		code = rc;
		goto out;
	}
	if ((code = feed_setup_flags(c, opts, &fs)) != 0 || (code = cli_open(c)) != 0 ||
	    (code = feed_setup_load(c, opts, &fs)) != 0 ||
	    (code = cli_routing_open(c, cli_opt_get(opts, "match")->arg, &rt)) != 0)
		goto out;
	if (c->json) {
		doc = json_object();
		files = json_array();
	}
	for (int i = 0; i < npos; i++) {
		int fc = ingest_file(c, &rt, pos[i], &fs, fs.opt.tlp, &stats, files);

		code = cli_exit_worse(code, fc);
		if (fc == EX_USAGE || fc == EX_CONFIG || fc == EX_TEMPFAIL ||
		    (fs.opt.strict && fc != EX_OK))
			break;
	}
	if (doc != NULL) {
		json_object_set_new(doc, "files", files);
		json_object_set_new(
		    doc, "total",
		    json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "read", (json_int_t)stats.lines,
			      "parsed", (json_int_t)stats.parsed, "rejected",
			      (json_int_t)stats.rejected, "matched", (json_int_t)stats.matched,
			      "unmatched", (json_int_t)stats.unmatched, "enriched",
			      (json_int_t)stats.enriched));
		files = NULL;
	} else if (npos > 1) {
		printf(
		    "total: read %lu, parsed %lu, rejected %lu, matched %lu, unmatched %lu\n",
		    stats.lines, stats.parsed, stats.rejected, stats.matched, stats.unmatched);
	}
	if (stats.n_orgs > 0 && print_orgs(c, &stats, doc) != 0 && code == EX_OK)
		code = cli_fail(c);
	if (doc != NULL) {
		rc = cli_print_json(doc);
		doc = NULL;
		code = cli_exit_worse(code, rc);
	}
out:
	json_decref(doc);
	json_decref(files);
	ingest_stats_free(&stats);
	cli_routing_close(&rt);
	feed_setup_free(&fs);
	cli_opts_free(opts);
	free(pos);
	return code;
}
