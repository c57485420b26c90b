/* feed/feed.c: the reader over all feed formats: picks the format, opens
 * the reader for it, fills in the feed name and the default TLP, counts,
 * and stops at the first bad line in strict mode.
 *
 * Parses outside input only through the format readers; the feed name and
 * the TLP the caller gives are checked once, on a scratch event, when the
 * reader opens. */
#include "feed/feed.h"

#include <stdlib.h>
#include <string.h>

#include "feed/csvmap.h"
#include "feed/intelmq.h"
#include "feed/shadowserver.h"
#include "lib/error.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "model/event.h"

struct feed_reader {
	const char *name; /* borrowed */
	enum feed_format format;
	struct feed_options opt;
	struct shadowserver_reader *ss;
	struct csvmap_reader *cm;
	struct intelmq_reader *im;
	struct event im_ev; /* what the IntelMQ reader fills */
	struct feed_counts counts;
	bool done;
};

static const char *const format_names[] = {
    [FEED_AUTO] = "auto",
    [FEED_SHADOWSERVER] = "shadowserver",
    [FEED_INTELMQ] = "intelmq",
    [FEED_CSV] = "csv",
};

int feed_format_parse(const char *text, enum feed_format *out)
{
	for (size_t i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++) {
		if (strcmp(text, format_names[i]) == 0) {
			*out = (enum feed_format)i;
			return 0;
		}
	}
	return SK_EINVAL;
}

const char *feed_format_name(enum feed_format format)
{
	return (unsigned)format < sizeof(format_names) / sizeof(format_names[0])
		   ? format_names[format]
		   : "?";
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n > k && strcmp(s + n - k, suffix) == 0;
}

enum feed_format feed_guess(const char *name, const struct feed_options *opt)
{
	char report[SHADOWSERVER_NAME_MAX + 1];

	if (opt != NULL && opt->mapping != NULL)
		return FEED_CSV;
	if (opt != NULL && opt->report != NULL)
		return FEED_SHADOWSERVER;
	if (ends_with(name, ".json") || ends_with(name, ".jsonl") || ends_with(name, ".ndjson"))
		return FEED_INTELMQ;
	if (shadowserver_report_from_name(name, report, sizeof(report)) == 0)
		return FEED_SHADOWSERVER;
	return FEED_AUTO;
}

/* Check the caller's feed name and TLP once, so that setting them on an
 * event cannot fail for their sake later. */
static int check_options(const struct feed_options *opt, struct sk_error *err)
{
	struct event scratch;
	int rc = 0;

	event_init(&scratch);
	if (opt->feed_name != NULL)
		rc = event_set_field(&scratch, EVENT_FEED_NAME, opt->feed_name, err);
	if (rc == 0 && opt->has_tlp && tlp_name(opt->tlp) == NULL)
		rc = sk_error_set(err, SK_EINVAL, "tlp: not a TLP label");
	event_free(&scratch);
	return rc;
}

struct feed_reader *feed_open(FILE *in, const char *name, const struct feed_options *opt,
			      struct sk_error *err)
{
	static const struct feed_options none;
	struct feed_reader *r;
	char report[SHADOWSERVER_NAME_MAX + 1];
	enum feed_format format;

	if (opt == NULL)
		opt = &none;
	if (check_options(opt, err) != 0)
		return NULL;
	format = opt->format != FEED_AUTO ? opt->format : feed_guess(name, opt);
	if (format == FEED_AUTO) {
		sk_error_set(err, SK_EUSAGE,
			     "%s: cannot tell the format from the name (*.jsonl: intelmq, "
			     "YYYY-MM-DD-REPORT-*.csv: shadowserver); give it",
			     name);
		return NULL;
	}
	r = xcalloc(1, sizeof(*r));
	r->name = name;
	r->format = format;
	r->opt = *opt;
	if (r->opt.observation == 0)
		r->opt.observation = (int64_t)str_time_now();
	event_init(&r->im_ev);
	switch (format) {
	case FEED_SHADOWSERVER: {
		struct shadowserver_options so = {.feed_name = opt->feed_name,
						  .observation = r->opt.observation,
						  .raw = opt->raw,
						  .warn = opt->warn,
						  .warn_arg = opt->warn_arg};
		const char *type = opt->report;

		if (type == NULL) {
			if (shadowserver_report_from_name(name, report, sizeof(report)) != 0) {
				sk_error_set(err, SK_EUSAGE,
					     "%s: no Shadowserver report type in the name "
					     "(YYYY-MM-DD-REPORT-*.csv); give the report type",
					     name);
				goto fail;
			}
			type = report;
		}
		r->ss = shadowserver_reader_new(
		    in, name, opt->schema != NULL ? opt->schema : shadowserver_schema_builtin(),
		    type, &so, err);
		if (r->ss == NULL)
			goto fail;
		break;
	}
	case FEED_CSV: {
		struct csvmap_options co = {.feed_name = opt->feed_name,
					    .observation = r->opt.observation,
					    .raw = opt->raw};

		if (opt->mapping == NULL) {
			sk_error_set(
			    err, SK_EUSAGE,
			    "%s: CSV needs a mapping file that says which column is what",
			    name);
			goto fail;
		}
		r->cm = csvmap_reader_new(in, name, opt->mapping, &co, err);
		if (r->cm == NULL)
			goto fail;
		break;
	}
	case FEED_INTELMQ:
		r->im = intelmq_reader_new(in, name);
		break;
	case FEED_AUTO:
		break;
	}
	return r;
fail:
	feed_close(r);
	return NULL;
}

void feed_close(struct feed_reader *r)
{
	if (r == NULL)
		return;
	shadowserver_reader_free(r->ss);
	csvmap_reader_free(r->cm);
	intelmq_reader_free(r->im);
	event_free(&r->im_ev);
	free(r);
}

/* What every event gets, whatever its format. */
static int finish_event(struct feed_reader *r, struct event *ev, struct sk_error *err)
{
	if (r->format == FEED_INTELMQ && r->opt.feed_name != NULL &&
	    event_set_field(ev, EVENT_FEED_NAME, r->opt.feed_name, err) != 0)
		return SK_ETOOBIG; /* the name itself was checked at open */
	if (r->opt.has_tlp && !event_has(ev, EVENT_TLP) &&
	    event_set_field(ev, EVENT_TLP, tlp_name(r->opt.tlp), err) != 0)
		return SK_ETOOBIG;
	return 0;
}

int feed_read(struct feed_reader *r, struct event **ev, struct sk_error *err)
{
	struct event *got = NULL;
	int rc = 0;

	if (r->done)
		return 0;
	switch (r->format) {
	case FEED_SHADOWSERVER:
		rc = shadowserver_read(r->ss, &got, err);
		break;
	case FEED_CSV:
		rc = csvmap_read(r->cm, &got, err);
		break;
	case FEED_INTELMQ:
		rc = intelmq_read(r->im, &r->im_ev, err);
		got = &r->im_ev;
		break;
	case FEED_AUTO:
		break;
	}
	if (rc == 1 && finish_event(r, got, err) != 0) {
		sk_error_prefix(err, "%s: event %lu", r->name,
				r->counts.events + r->counts.rejected + 1);
		rc = SK_ETOOBIG;
	}
	if (rc == 1) {
		r->counts.events++;
		*ev = got;
		return 1;
	}
	if (rc == 0 || rc == SK_EIO) {
		r->done = true;
		return rc;
	}
	r->counts.rejected++;
	if (r->opt.strict)
		r->done = true;
	return rc;
}

void feed_counts(const struct feed_reader *r, struct feed_counts *out)
{
	*out = r->counts;
	switch (r->format) {
	case FEED_SHADOWSERVER:
		out->lines = shadowserver_lines(r->ss);
		break;
	case FEED_CSV:
		out->lines = csvmap_lines(r->cm);
		break;
	default:
		/* The IntelMQ reader gives one result a line; blank lines are
		 * not counted. */
		out->lines = r->counts.events + r->counts.rejected;
		break;
	}
}

enum feed_format feed_reader_format(const struct feed_reader *r)
{
	return r->format;
}
