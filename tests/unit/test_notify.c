/* tests/unit/test_notify.c: the digest's TLP check (route/notify.c),
 * driven directly. Routing already leaves out recipients the policy
 * refuses, so these events are stored with recipient rows for a member
 * and its liaison whatever their label (as a row stored before a label
 * was raised would be): the digest must still ask tlp_policy() for each
 * row. Each digest is read back from the outbound queue with GMime and
 * must carry exactly the events the policy lets its recipient receive:
 *
 *                 member (concerned)   liaison
 *   RED           no                   no
 *   AMBER+STRICT  yes                  no
 *   AMBER         yes                  yes (need-to-know)
 *   GREEN         yes                  yes
 *   CLEAR         yes                  yes */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <gmime/gmime.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "access/access.h"
#include "lib/error.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "model/event.h"
#include "model/org.h"
#include "model/recipient.h"
#include "route/notify.h"
#include "store/store.h"
#include "testdb.h"

#define NOW 1700000000 /* 2023-11-14T22:13:20Z */

/* The events, one per label, told apart by their source.fqdn. */
static const struct {
	const char *tlp, *fqdn;
} labels[] = {
    {"RED", "red-host.example"},     {"AMBER+STRICT", "strict-host.example"},
    {"AMBER", "amber-host.example"}, {"GREEN", "green-host.example"},
    {"CLEAR", "clear-host.example"},
};
#define NLABELS (sizeof(labels) / sizeof(labels[0]))

struct fixture {
	struct testdb db;
	char templates[4096];
	struct store *st;
	int64_t liaison, member;
};

static int64_t add_org(struct store *st, const char *name, enum org_kind kind,
		       const char *email)
{
	int64_t id = testdb_org_add(st, name, kind);
	struct sk_error err = {0};
	struct contact c;

	if (id == 0)
		fail_msg("org add %s", name);
	contact_init(&c);
	c.org_id = id;
	c.name = xstrdup("Abuse");
	c.email = xstrdup(email);
	c.role = CONTACT_ROLE_ABUSE;
	snprintf(c.languages, sizeof(c.languages), "en");
	if (store_contact_add(st, &c, &err) != 0)
		fail_msg("contact add %s: %s", email, err.msg);
	contact_clear(&c);
	return id;
}

static void set(struct event *ev, const char *name, const char *value)
{
	struct sk_error err = {0};

	if (event_set(ev, name, value, &err) != 0)
		fail_msg("%s = %s: %s", name, value, err.msg);
}

static struct event_recipient rcpt(int64_t org, enum recipient_role role, int64_t member)
{
	struct event_recipient r;

	memset(&r, 0, sizeof(r));
	r.org_id = org;
	r.role = role;
	r.pass_on = true;
	r.need_to_know = role == RECIPIENT_LIAISON;
	r.resource_id = 0;
	r.member_id = member;
	snprintf(r.reason, sizeof(r.reason), "%s",
		 role == RECIPIENT_LIAISON ? "member Water Co" : "domain example");
	return r;
}

/* One event of feed with label i, stored for the member and the
 * liaison. */
static void add_event(struct fixture *f, const char *feed, size_t i)
{
	struct event_recipient r[2] = {rcpt(f->member, RECIPIENT_OWNER, 0),
				       rcpt(f->liaison, RECIPIENT_LIAISON, f->member)};
	struct sk_error err = {0};
	struct store_event_in in;
	struct event ev;

	event_init(&ev);
	set(&ev, "source.fqdn", labels[i].fqdn);
	set(&ev, "classification.type", "system-compromise");
	set(&ev, "feed.name", feed);
	set(&ev, "time.source", "2023-11-14T20:00:00Z");
	set(&ev, "tlp", labels[i].tlp);
	in = (struct store_event_in){&ev, r, 2};
	if (store_event_add_many(f->st, &in, 1, &err) != 0)
		fail_msg("event %s: %s", labels[i].tlp, err.msg);
	event_free(&ev);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct sk_error err = {0};
	const char *src = getenv("SCHAKEL_SRCDIR");

	if (f == NULL || src == NULL || testdb_open(&f->db, "notify") != 0)
		return -1;
	f->st = f->db.st;
	setenv("SCHAKEL_NOW", "1700000000", 1);
	snprintf(f->templates, sizeof(f->templates), "%s/share/templates", src);
	f->liaison = add_org(f->st, "Water Sector CERT", ORG_KIND_LIAISON, "cert@isac.test");
	f->member = add_org(f->st, "Water Co", ORG_KIND_CONSTITUENT, "abuse@water.test");
	if (store_member_add(f->st, f->liaison, f->member, &err) != 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	testdb_close(&f->db);
	free(f);
	unsetenv("SCHAKEL_NOW");
	return 0;
}

/* ---- reading the queue back ---- */

struct queued {
	int64_t ids[8];
	size_t n;
};

static int note_mail(const struct store_mail *m, void *ctx)
{
	struct queued *q = ctx;

	assert_true(q->n < sizeof(q->ids) / sizeof(q->ids[0]));
	q->ids[q->n++] = m->id;
	return 0;
}

/* A digest as it left: its recipient, subject and decoded CSV file. */
struct digest {
	char rcpt[256];
	char subject[512];
	char *csv;
};

static char *part_text(GMimeObject *obj)
{
	GMimeDataWrapper *w = g_mime_part_get_content(GMIME_PART(obj));
	GMimeStream *mem = g_mime_stream_mem_new();
	GByteArray *bytes;
	char *out;

	assert_non_null(w);
	g_mime_data_wrapper_write_to_stream(w, mem);
	bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	out = xmalloc(bytes->len + 1);
	if (bytes->len > 0)
		memcpy(out, bytes->data, bytes->len);
	out[bytes->len] = '\0';
	g_object_unref(mem);
	return out;
}

static void digest_read(struct fixture *f, int64_t id, struct digest *d)
{
	struct sk_error err = {0};
	struct store_mail m;
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *g;
	GMimeMultipart *mp;

	memset(d, 0, sizeof(*d));
	if (store_mail_get(f->st, id, &m, &err) != 0)
		fail_msg("mail %lld: %s", (long long)id, err.msg);
	assert_string_equal(m.kind, "notification");
	snprintf(d->rcpt, sizeof(d->rcpt), "%s", m.rcpt);
	stream = g_mime_stream_mem_new_with_buffer(m.message, strlen(m.message));
	parser = g_mime_parser_new_with_stream(stream);
	g = g_mime_parser_construct_message(parser, NULL);
	assert_non_null(g);
	snprintf(d->subject, sizeof(d->subject), "%s", g_mime_message_get_subject(g));
	mp = GMIME_MULTIPART(g_mime_message_get_mime_part(g));
	assert_int_equal(g_mime_multipart_get_count(mp), 2);
	d->csv = part_text(g_mime_multipart_get_part(mp, 1));
	g_object_unref(g);
	g_object_unref(parser);
	g_object_unref(stream);
	store_mail_clear(&m);
}

/* The labels (by index) whose event the CSV carries, as "1,2,3". */
static const char *carried(const struct digest *d)
{
	static char out[64];
	size_t n = 0;

	out[0] = '\0';
	for (size_t i = 0; i < NLABELS; i++)
		if (strstr(d->csv, labels[i].fqdn) != NULL)
			n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%zu", n ? "," : "",
					      i);
	return out;
}

/* The settings: a day's interval, no immediate types, nothing dropped. */
static struct notify_config config_of(struct fixture *f)
{
	static char *none[] = {NULL};

	return (struct notify_config){.interval = 86400,
				      .immediate = none,
				      .drop = none,
				      .templates = f->templates,
				      .from = "cert@cert.test",
				      .sender_name = "CERT Test"};
}

static void run_notify(struct fixture *f, struct notify_stats *stats)
{
	const struct notify_config nc = config_of(f);
	struct sk_error err = {0};

	if (notify_run(f->st, access_local_operator(), &nc, true, false, NULL, NULL, stats,
		       &err) != 0)
		fail_msg("notify_run: %s", err.msg);
}

/* Every label for a member and its liaison: each digest carries exactly
 * what the policy lets its recipient receive, is labelled with the
 * strictest of those, and names nothing it withheld. */
static void test_digest_each_label(void **state)
{
	struct fixture *f = *state;
	struct notify_stats stats;
	struct queued q = {0};
	struct sk_error err = {0};
	struct digest d[2], *member = NULL, *liaison = NULL;

	for (size_t i = 0; i < NLABELS; i++)
		add_event(f, "Sinkhole", i);
	run_notify(f, &stats);
	assert_int_equal(stats.digests, 2);
	assert_int_equal(stats.events, 4 + 3);
	assert_int_equal(store_mail_each(f->st, -1, 0, note_mail, &q, &err), 0);
	assert_int_equal(q.n, 2);
	for (size_t i = 0; i < 2; i++) {
		digest_read(f, q.ids[i], &d[i]);
		if (strcmp(d[i].rcpt, "abuse@water.test") == 0)
			member = &d[i];
		else if (strcmp(d[i].rcpt, "cert@isac.test") == 0)
			liaison = &d[i];
	}
	assert_non_null(member);
	assert_non_null(liaison);

	/* The member: everything but RED. */
	assert_string_equal(carried(member), "1,2,3,4");
	assert_true(str_has_prefix(member->subject, "[TLP:AMBER+STRICT] 4 "));
	/* The liaison: AMBER, GREEN and CLEAR; AMBER to pass on to the
	 * member concerned only. */
	assert_string_equal(carried(liaison), "2,3,4");
	assert_true(str_has_prefix(liaison->subject, "[TLP:AMBER] 3 "));
	assert_non_null(strstr(liaison->csv, "organization,may_pass_on"));
	assert_non_null(strstr(liaison->csv, "Water Co,need-to-know,"));
	assert_null(strstr(liaison->csv, "AMBER+STRICT"));
	for (size_t i = 0; i < 2; i++) {
		assert_null(strstr(d[i].csv, "TLP:RED"));
		assert_null(strstr(d[i].subject, "RED"));
		free(d[i].csv);
	}

	/* Every row is closed: nothing waits, nothing goes out twice. */
	run_notify(f, &stats);
	assert_int_equal(stats.digests, 0);
	assert_int_equal(stats.waiting, 0);
}

/* A group of which the policy lets nothing through queues no mail: its
 * rows are closed without one. */
static void test_digest_nothing_to_send(void **state)
{
	struct fixture *f = *state;
	struct notify_stats stats;
	struct queued q = {0};
	struct sk_error err = {0};

	add_event(f, "Red-Only", 0);
	add_event(f, "Red-Only", 0);
	run_notify(f, &stats);
	assert_int_equal(stats.digests, 0);
	assert_int_equal(stats.events, 0);
	assert_int_equal(store_mail_each(f->st, -1, 0, note_mail, &q, &err), 0);
	assert_int_equal(q.n, 0);
	run_notify(f, &stats);
	assert_int_equal(stats.digests, 0);

	/* One AMBER+STRICT event in a group of RED ones: the member gets
	 * it alone, the liaison nothing. */
	add_event(f, "Mixed", 0);
	add_event(f, "Mixed", 1);
	add_event(f, "Mixed", 0);
	run_notify(f, &stats);
	assert_int_equal(stats.digests, 1);
	assert_int_equal(stats.events, 1);
	assert_int_equal(store_mail_each(f->st, -1, 0, note_mail, &q, &err), 0);
	assert_int_equal(q.n, 1);
	{
		struct digest d;

		digest_read(f, q.ids[0], &d);
		assert_string_equal(d.rcpt, "abuse@water.test");
		assert_string_equal(carried(&d), "1");
		free(d.csv);
	}
}

/* Feed text a spreadsheet would run as a formula leaves in the digest's
 * CSV file defused: a leading single quote, the cell quoted. */
static void test_digest_formulas(void **state)
{
	struct fixture *f = *state;
	struct event_recipient r = rcpt(f->member, RECIPIENT_OWNER, 0);
	struct notify_stats stats;
	struct queued q = {0};
	struct sk_error err = {0};
	struct store_event_in in;
	struct digest d;
	struct event ev;

	event_init(&ev);
	set(&ev, "source.fqdn", "green-host.example");
	set(&ev, "classification.type", "system-compromise");
	set(&ev, "feed.name", "Sinkhole");
	set(&ev, "time.source", "2023-11-14T20:00:00Z");
	set(&ev, "tlp", "GREEN");
	set(&ev, "extra.note", "=cmd|' /C calc'!A0");
	set(&ev, "extra.sum", "@SUM(1+1)");
	set(&ev, "extra.calc", "-2+3");
	set(&ev, "extra.offset", "-5");
	in = (struct store_event_in){&ev, &r, 1};
	if (store_event_add_many(f->st, &in, 1, &err) != 0)
		fail_msg("event: %s", err.msg);
	event_free(&ev);
	run_notify(f, &stats);
	assert_int_equal(stats.digests, 1);
	assert_int_equal(store_mail_each(f->st, -1, 0, note_mail, &q, &err), 0);
	assert_int_equal(q.n, 1);
	digest_read(f, q.ids[0], &d);
	assert_non_null(strstr(d.csv, ",\"'=cmd|' /C calc'!A0\""));
	assert_non_null(strstr(d.csv, ",\"'@SUM(1+1)\""));
	assert_non_null(strstr(d.csv, ",\"'-2+3\""));
	assert_non_null(strstr(d.csv, ",-5"));
	assert_null(strstr(d.csv, ",="));
	assert_null(strstr(d.csv, ",@"));
	free(d.csv);
}

/* Only staff make digests: a partner's run does nothing. */
static void test_digest_staff_only(void **state)
{
	struct fixture *f = *state;
	const struct notify_config nc = config_of(f);
	struct user partner = testdb_user("pat", USER_ROLE_PARTNER, f->member);
	struct notify_stats stats;
	struct queued q = {0};
	struct sk_error err = {0};

	add_event(f, "Sinkhole", 4);
	assert_int_equal(
	    notify_run(f->st, &partner, &nc, true, false, NULL, NULL, &stats, &err), SK_EPERM);
	assert_int_equal(notify_run(f->st, NULL, &nc, true, false, NULL, NULL, &stats, &err),
			 SK_EPERM);
	assert_int_equal(store_mail_each(f->st, -1, 0, note_mail, &q, &err), 0);
	assert_int_equal(q.n, 0);
	run_notify(f, &stats);
	assert_int_equal(stats.digests, 2);
}

static int group_setup(void **state)
{
	(void)state;
	g_mime_init();
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	g_mime_shutdown();
	return 0;
}

#define TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    TEST(test_digest_each_label),
	    TEST(test_digest_nothing_to_send),
	    TEST(test_digest_formulas),
	    TEST(test_digest_staff_only),
	};

	testdb_skip_if_unavailable();
	return cmocka_run_group_tests_name("notify", tests, group_setup, group_teardown);
}
