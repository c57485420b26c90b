/* tests/unit/test_access.c: every route schakeld serves (http_routes),
 * called in-process as the server calls it (the route's access rule
 * through http_route_admit, then its handler) by every kind of caller:
 * admin, analyst, a partner of the organization, a partner of its
 * liaison organization, a partner of another organization and nobody.
 * Each answer is checked against the table below; a route the table
 * does not name fails the test by name, so a new route cannot go
 * unchecked. Bodies of writes are ones that succeed for staff, so a
 * wrong 2xx for a partner would show. Also the rules of access.h on
 * their own. Runs on the store testdb.h names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "access/access.h"
#include "http/api_keys.h"
#include "http/api_portal.h"
#include "http/api_tickets.h"
#include "http/request.h"
#include "http/response.h"
#include "http/router.h"
#include "http/routes.h"
#include "lib/buf.h"
#include "lib/config.h"
#include "lib/error.h"
#include "lib/xalloc.h"
#include "model/org.h"
#include "model/resource.h"
#include "model/ticket.h"
#include "store/store.h"
#include "testdb.h"
#include "ticket/intake.h"
#include "ticket/workflow.h"

/* The callers, in the order of the status columns below. */
enum who { W_ADMIN, W_ANALYST, W_ORG, W_LIAISON, W_OTHER, W_NONE, W_N };
static const char *const who_names[W_N] = {"admin",
					   "analyst",
					   "partner of the organization",
					   "partner of its liaison",
					   "partner of another organization",
					   "no token"};

/* One route: its method and pattern as in the router table, the path
 * and body to send ({org}, {liaison}, {other}, {res}, {contact},
 * {ticket}, {incident} are the fixture's ids) and the status each
 * caller gets. {org} is a member of {liaison}; {other} is neither. */
struct expect {
	const char *method, *pattern;
	const char *path, *body;
	int status[W_N];
};

/* An IntelMQ event about the organization's network. */
#define SUBMIT_BODY                                                                            \
	"{\"source.ip\":\"198.51.100.7\",\"classification.type\":\"infected-system\","         \
	"\"feed.name\":\"partner-sightings\",\"time.source\":\"2026-01-01T00:00:00+00:00\"}"

/* clang-format off */
static const struct expect expects[] = {
    {"GET", "/healthz", "/healthz", NULL, {200, 200, 200, 200, 200, 200}},
    {"GET", "/api/v1/me", "/api/v1/me", NULL, {200, 200, 200, 200, 200, 401}},
    {"POST", "/api/v1/session", "/api/v1/session",
     "{\"name\":\"nobody\",\"password\":\"not the password\"}",
     {401, 401, 401, 401, 401, 401}},
    /* Only a request signed in by its cookie has a session. */
    {"GET", "/api/v1/session", "/api/v1/session", NULL, {401, 401, 401, 401, 401, 401}},
    {"DELETE", "/api/v1/session", "/api/v1/session", NULL, {401, 401, 401, 401, 401, 401}},
    {"POST", "/api/v1/me/password", "/api/v1/me/password",
     "{\"current\":\"not the password\",\"new\":\"a long new password\"}",
     {403, 403, 403, 403, 403, 401}},
    {"GET", "/api/v1/orgs", "/api/v1/orgs", NULL, {200, 200, 200, 200, 200, 401}},
    {"POST", "/api/v1/orgs", "/api/v1/orgs",
     "{\"name\":\"New Rail\",\"kind\":\"constituent\",\"class\":\"oes\",\"sector\":\"transport/rail\"}",
     {201, 201, 403, 403, 403, 401}},
    {"GET", "/api/v1/orgs/{id}", "/api/v1/orgs/{org}", NULL, {200, 200, 200, 200, 404, 401}},
    {"PATCH", "/api/v1/orgs/{id}", "/api/v1/orgs/{org}", "{\"notes\":\"changed\"}",
     {200, 200, 403, 403, 403, 401}},
    {"DELETE", "/api/v1/orgs/{id}", "/api/v1/orgs/{org}", NULL, {204, 204, 403, 403, 403, 401}},
    {"GET", "/api/v1/orgs/{id}/resources", "/api/v1/orgs/{org}/resources", NULL,
     {200, 200, 200, 200, 404, 401}},
    {"POST", "/api/v1/orgs/{id}/resources", "/api/v1/orgs/{org}/resources",
     "{\"type\":\"prefix\",\"value\":\"192.0.2.0/24\"}", {201, 201, 403, 403, 403, 401}},
    {"GET", "/api/v1/orgs/{id}/resources/{rid}", "/api/v1/orgs/{org}/resources/{res}", NULL,
     {200, 200, 200, 200, 404, 401}},
    {"DELETE", "/api/v1/orgs/{id}/resources/{rid}", "/api/v1/orgs/{org}/resources/{res}", NULL,
     {204, 204, 403, 403, 403, 401}},
    {"GET", "/api/v1/orgs/{id}/contacts", "/api/v1/orgs/{org}/contacts", NULL,
     {200, 200, 200, 200, 404, 401}},
    {"POST", "/api/v1/orgs/{id}/contacts", "/api/v1/orgs/{org}/contacts",
     "{\"name\":\"SOC\",\"email\":\"soc@member.example\",\"role\":\"operational-24x7\"}",
     {201, 201, 403, 403, 403, 401}},
    {"GET", "/api/v1/orgs/{id}/contacts/{cid}", "/api/v1/orgs/{org}/contacts/{contact}", NULL,
     {200, 200, 200, 200, 404, 401}},
    {"PATCH", "/api/v1/orgs/{id}/contacts/{cid}", "/api/v1/orgs/{org}/contacts/{contact}",
     "{\"phone\":\"+32 2 555 01 01\"}", {200, 200, 403, 403, 403, 401}},
    {"DELETE", "/api/v1/orgs/{id}/contacts/{cid}", "/api/v1/orgs/{org}/contacts/{contact}", NULL,
     {204, 204, 403, 403, 403, 401}},
    {"GET", "/api/v1/orgs/{id}/members", "/api/v1/orgs/{liaison}/members", NULL,
     {200, 200, 404, 200, 404, 401}},
    {"PUT", "/api/v1/orgs/{id}/members/{member_id}", "/api/v1/orgs/{liaison}/members/{other}", NULL,
     {201, 201, 403, 403, 403, 401}},
    {"DELETE", "/api/v1/orgs/{id}/members/{member_id}", "/api/v1/orgs/{liaison}/members/{org}", NULL,
     {204, 204, 403, 403, 403, 401}},
    {"GET", "/api/v1/orgs/{id}/liaisons", "/api/v1/orgs/{org}/liaisons", NULL,
     {200, 200, 200, 200, 404, 401}},
    {"GET", "/api/v1/whois", "/api/v1/whois?q=198.51.100.7", NULL, {200, 200, 200, 200, 200, 401}},
    {"GET", "/api/v1/events", "/api/v1/events?org={org}", NULL, {200, 200, 200, 403, 403, 401}},
    /* Events in need a token with the scope events:write, staff too:
     * these users have none (test_submit_events gives it). */
    {"POST", "/api/v1/events", "/api/v1/events", SUBMIT_BODY, {403, 403, 403, 403, 403, 401}},
    {"GET", "/api/v1/tickets", "/api/v1/tickets", NULL, {200, 200, 403, 403, 403, 401}},
    {"POST", "/api/v1/tickets", "/api/v1/tickets",
     "{\"type\":\"incident\",\"subject\":\"Phishing wave\"}", {201, 201, 403, 403, 403, 401}},
    {"GET", "/api/v1/tickets/{id}", "/api/v1/tickets/{ticket}", NULL, {200, 200, 403, 403, 403, 401}},
    {"PATCH", "/api/v1/tickets/{id}", "/api/v1/tickets/{ticket}", "{\"status\":\"open\"}",
     {200, 200, 403, 403, 403, 401}},
    {"POST", "/api/v1/tickets/{id}/comments", "/api/v1/tickets/{ticket}/comments",
     "{\"text\":\"looked at it\"}", {201, 201, 403, 403, 403, 401}},
    {"POST", "/api/v1/tickets/{id}/replies", "/api/v1/tickets/{ticket}/replies",
     "{\"text\":\"Thank you for the report.\"}", {201, 201, 403, 403, 403, 401}},
    {"POST", "/api/v1/tickets/{id}/links", "/api/v1/tickets/{ticket}/links",
     "{\"incident\":{incident}}", {201, 201, 403, 403, 403, 401}},
    {"POST", "/api/v1/tickets/{id}/parties", "/api/v1/tickets/{incident}/parties",
     "{\"org_id\":{org}}", {201, 201, 403, 403, 403, 401}},
    {"GET", "/api/v1/keys", "/api/v1/keys", NULL, {200, 200, 403, 403, 403, 401}},
    {"POST", "/api/v1/keys", "/api/v1/keys", "{\"armored\":\"not a key\"}",
     {400, 400, 403, 403, 403, 401}},
    {"GET", "/api/v1/keys/{fpr}", "/api/v1/keys/0123456789ABCDEF0123456789ABCDEF01234567", NULL,
     {404, 404, 403, 403, 403, 401}},
    {"DELETE", "/api/v1/keys/{fpr}", "/api/v1/keys/0123456789ABCDEF0123456789ABCDEF01234567",
     NULL, {404, 404, 403, 403, 403, 401}},
    {"POST", "/api/v1/tickets/{id}/decrypt", "/api/v1/tickets/{ticket}/decrypt",
     "{\"reason\":\"access check\"}", {404, 404, 403, 403, 403, 401}},
    {"POST", "/api/v1/tickets/{id}/forward", "/api/v1/tickets/{ticket}/forward",
     "{\"to\":\"nobody@example.test\",\"reason\":\"access check\"}",
     {400, 400, 403, 403, 403, 401}},
    {"GET", "/api/v1/mail", "/api/v1/mail?status=held", NULL, {200, 200, 403, 403, 403, 401}},
    {"POST", "/api/v1/mail/{id}/release", "/api/v1/mail/999999/release", NULL,
     {404, 404, 403, 403, 403, 401}},
    {"POST", "/api/v1/mail/{id}/drop", "/api/v1/mail/999999/drop", NULL,
     {404, 404, 403, 403, 403, 401}},
    {"GET", "/api/v1/audit", "/api/v1/audit?object=org&object_id={org}", NULL,
     {200, 200, 403, 403, 403, 401}},
    {"GET", "/api/v1/stats/ingest", "/api/v1/stats/ingest?days=7", NULL,
     {200, 200, 403, 403, 403, 401}},
    {"GET", "/api/v1/stats/orgs", "/api/v1/stats/orgs?days=7", NULL,
     {200, 200, 403, 403, 403, 401}},
    {"GET", "/api/v1/reports", "/api/v1/reports", NULL, {200, 200, 200, 200, 200, 401}},
    /* Public at the router; its handler admits loopback clients and the
     * scrape token only, whoever the user: here neither. */
    {"GET", "/metrics", "/metrics", NULL, {403, 403, 403, 403, 403, 403}},
    /* The contact is the organization's: another's partner names no
     * contact of its own (400). */
    {"POST", "/api/v1/reports", "/api/v1/reports",
     "{\"subject\":\"Phishing\",\"text\":\"We see phishing at 198.51.100.7.\",\"contact_id\":{contact}}",
     {403, 403, 201, 400, 400, 401}},
    /* Advisories (a partner reads only those addressed to it: 404 for
     * any other, so that its existence does not leak) and assets. */
    {"GET", "/api/v1/advisories", "/api/v1/advisories", NULL, {200, 200, 200, 200, 200, 401}},
    {"POST", "/api/v1/advisories", "/api/v1/advisories", "{\"title\":\"Access check\"}",
     {201, 201, 403, 403, 403, 401}},
    {"GET", "/api/v1/advisories/{id}", "/api/v1/advisories/999999", NULL,
     {404, 404, 404, 404, 404, 401}},
    {"PATCH", "/api/v1/advisories/{id}", "/api/v1/advisories/999999", "{\"title\":\"T\"}",
     {404, 404, 403, 403, 403, 401}},
    {"POST", "/api/v1/advisories/{id}/submit", "/api/v1/advisories/999999/submit", NULL,
     {404, 404, 403, 403, 403, 401}},
    {"POST", "/api/v1/advisories/{id}/approve", "/api/v1/advisories/999999/approve", NULL,
     {404, 404, 403, 403, 403, 401}},
    {"POST", "/api/v1/advisories/{id}/publish", "/api/v1/advisories/999999/publish", NULL,
     {404, 404, 403, 403, 403, 401}},
    {"POST", "/api/v1/advisories/{id}/update", "/api/v1/advisories/999999/update",
     "{\"summary\":\"access check\"}", {404, 404, 403, 403, 403, 401}},
    {"POST", "/api/v1/advisories/{id}/withdraw", "/api/v1/advisories/999999/withdraw",
     "{\"reason\":\"access check\"}", {404, 404, 403, 403, 403, 401}},
    {"GET", "/api/v1/advisories/{id}/audience", "/api/v1/advisories/999999/audience", NULL,
     {404, 404, 403, 403, 403, 401}},
    {"GET", "/api/v1/advisories/{id}/revisions", "/api/v1/advisories/999999/revisions", NULL,
     {404, 404, 404, 404, 404, 401}},
    {"GET", "/api/v1/orgs/{id}/assets", "/api/v1/orgs/{org}/assets", NULL,
     {200, 200, 200, 403, 403, 401}},
    {"POST", "/api/v1/orgs/{id}/assets", "/api/v1/orgs/{org}/assets",
     "{\"name\":\"cpe:2.3:a:example_vendor:gateway:1.2.0:*:*:*:*:*:*:*\"}",
     {201, 201, 403, 403, 403, 401}},
    {"DELETE", "/api/v1/orgs/{id}/assets/{asset}", "/api/v1/orgs/{org}/assets/999999", NULL,
     {404, 404, 403, 403, 403, 401}},
    /* [csaf] is not configured here: every file is 404 */
    {"GET", "/.well-known/csaf/{file}", "/.well-known/csaf/provider-metadata.json", NULL,
     {404, 404, 404, 404, 404, 404}},
    {"GET", "/.well-known/csaf/openpgp/{file}", "/.well-known/csaf/openpgp/key.asc", NULL,
     {404, 404, 404, 404, 404, 404}},
    {"GET", "/.well-known/csaf/white/{file}", "/.well-known/csaf/white/index.txt", NULL,
     {404, 404, 404, 404, 404, 404}},
    {"GET", "/.well-known/csaf/white/{year}/{file}", "/.well-known/csaf/white/2026/a.json",
     NULL, {404, 404, 404, 404, 404, 404}},
    {"GET", "/.well-known/csaf/{tlp}/{file}", "/.well-known/csaf/green/index.txt", NULL,
     {404, 404, 404, 404, 404, 401}},
    {"GET", "/.well-known/csaf/{tlp}/{year}/{file}", "/.well-known/csaf/amber/2026/a.json",
     NULL, {404, 404, 404, 404, 404, 401}},
    /* Publications: as advisories. */
    {"GET", "/api/v1/publications", "/api/v1/publications", NULL,
     {200, 200, 200, 200, 200, 401}},
    {"POST", "/api/v1/publications", "/api/v1/publications",
     "{\"kind\":\"guidance\",\"title\":\"Access check\",\"body\":\"x\"}",
     {201, 201, 403, 403, 403, 401}},
    {"GET", "/api/v1/publications/{id}", "/api/v1/publications/999999", NULL,
     {404, 404, 404, 404, 404, 401}},
    {"POST", "/api/v1/publications/{id}/submit", "/api/v1/publications/999999/submit", NULL,
     {404, 404, 403, 403, 403, 401}},
    {"POST", "/api/v1/publications/{id}/approve", "/api/v1/publications/999999/approve", NULL,
     {404, 404, 403, 403, 403, 401}},
    {"POST", "/api/v1/publications/{id}/publish", "/api/v1/publications/999999/publish", NULL,
     {404, 404, 403, 403, 403, 401}},
    {"POST", "/api/v1/publications/{id}/withdraw", "/api/v1/publications/999999/withdraw",
     "{\"reason\":\"access check\"}", {404, 404, 403, 403, 403, 401}},
    {"GET", "/api/v1/publications/{id}/attachments/{name}",
     "/api/v1/publications/999999/attachments/a.txt", NULL, {404, 404, 404, 404, 404, 401}},
    /* The public pages: anyone, signed in or not. */
    {"GET", "/advisories", "/advisories", NULL, {200, 200, 200, 200, 200, 200}},
    {"GET", "/advisories.atom", "/advisories.atom", NULL, {200, 200, 200, 200, 200, 200}},
    {"GET", "/advisories/{number}", "/advisories/CERT-2026-9999", NULL,
     {404, 404, 404, 404, 404, 404}},
    {"GET", "/advisories/{number}/attachments/{name}",
     "/advisories/CERT-PUB-2026-9999/attachments/a.txt", NULL, {404, 404, 404, 404, 404, 404}},
    /* Alerts: the acknowledgement link is its own capability (404 for
     * a token that is none); partners acknowledge only their own. */
    {"GET", "/ack/{token}", "/ack/sk_noSuchTokenAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL,
     {404, 404, 404, 404, 404, 404}},
    {"POST", "/ack/{token}", "/ack/sk_noSuchTokenAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL,
     {404, 404, 404, 404, 404, 404}},
    /* A partner lists its own organization's alerts (none here). */
    {"GET", "/api/v1/alerts", "/api/v1/alerts", NULL, {200, 200, 200, 200, 200, 401}},
    {"POST", "/api/v1/alerts/{id}/ack", "/api/v1/alerts/999999/ack", NULL,
     {404, 404, 404, 404, 404, 401}},
    {"POST", "/api/v1/alerts/{id}/calls", "/api/v1/alerts/999999/calls",
     "{\"reached\":false}", {404, 404, 403, 403, 403, 401}},
    {"GET", "/api/v1/advisories/{id}/calllist", "/api/v1/advisories/999999/calllist", NULL,
     {404, 404, 403, 403, 403, 401}},
};
/* clang-format on */
#define NEXPECTS (sizeof(expects) / sizeof(expects[0]))

struct fixture {
	char dir[64];
	char keyring[80];
	char url[256];
	int generation; /* stores made so far: each gets a new name */
	struct store *st;
	int64_t org, liaison, other, res, contact, ticket, incident;
	struct user users[W_N];
	struct config *cfg;
	struct intake_config tickets;
};

static int64_t add_org(struct store *st, const char *name, enum org_kind kind)
{
	struct sk_error err = {0};
	struct org o;
	int64_t id;

	org_init(&o);
	o.name = xstrdup(name);
	o.kind = kind;
	o.class = ORG_CLASS_OES;
	if (store_org_add(st, &o, &err) != 0)
		fail_msg("org add %s: %s", name, err.msg);
	id = o.id;
	org_clear(&o);
	return id;
}

static struct user user_of(const char *name, enum user_role role, int64_t org)
{
	struct user u;

	memset(&u, 0, sizeof(u));
	snprintf(u.name, sizeof(u.name), "%s", name);
	u.role = role;
	u.org_id = org;
	return u;
}

/* A fresh store with the constituency, a resource and a contact of the
 * organization, a report and an incident. */
static void fixture_fill(struct fixture *f)
{
	struct sk_error err = {0};
	struct resource r;
	struct contact c;
	struct ticket t;
	char name[32];

	snprintf(name, sizeof(name), "access-%d", f->generation++);
	if (testdb_new_url(f->dir, name, f->url, sizeof(f->url)) != 0)
		fail_msg("no store %s", name);
	f->st = store_open(f->url, &err);
	if (f->st == NULL)
		fail_msg("store open: %s", err.msg);
	f->liaison = add_org(f->st, "Energy Sector CERT", ORG_KIND_LIAISON);
	f->org = add_org(f->st, "Example Energy", ORG_KIND_CONSTITUENT);
	f->other = add_org(f->st, "Other Bank", ORG_KIND_CONSTITUENT);
	if (store_member_add(f->st, f->liaison, f->org, &err) != 0)
		fail_msg("member: %s", err.msg);
	memset(&r, 0, sizeof(r));
	if (resource_parse("prefix:198.51.100.0/24", &r, &err) != 0)
		fail_msg("resource: %s", err.msg);
	r.org_id = f->org;
	if (store_resource_add(f->st, &r, &err) != 0)
		fail_msg("resource add: %s", err.msg);
	f->res = r.id;
	contact_init(&c);
	c.org_id = f->org;
	c.name = xstrdup("Abuse desk");
	c.email = xstrdup("abuse@energy.example");
	c.role = CONTACT_ROLE_ABUSE;
	if (store_contact_add(f->st, &c, &err) != 0)
		fail_msg("contact add: %s", err.msg);
	f->contact = c.id;
	contact_clear(&c);
	if (ticket_open(f->st, access_local_operator(), TICKET_REPORT, "Scan from 198.51.100.7",
			"reporter@example.net", &t, &err) != 0)
		fail_msg("ticket: %s", err.msg);
	f->ticket = t.id;
	if (ticket_open(f->st, access_local_operator(), TICKET_INCIDENT, "Botnet", "", &t,
			&err) != 0)
		fail_msg("incident: %s", err.msg);
	f->incident = t.id;
	store_set_actor(f->st, "test");
}

static void fixture_empty(struct fixture *f)
{
	store_close(f->st);
	f->st = NULL;
	testdb_drop_url(f->url);
}

/* Stop the gpg-agent gpg may have started for keyring. */
static void kill_agent(const char *keyring)
{
	pid_t pid = fork();

	if (pid == 0) {
		execlp("gpgconf", "gpgconf", "--homedir", keyring, "--kill", "all",
		       (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct sk_error err = {0};

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/schakel-test-access-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	f->cfg = config_new();
	config_set(f->cfg, "tickets", "tag", "CERT.test");
	config_set(f->cfg, "mail", "from", "cert@example.test");
	if (getenv("SCHAKEL_SRCDIR") != NULL) {
		char dir[512];

		snprintf(dir, sizeof(dir), "%s/share/templates", getenv("SCHAKEL_SRCDIR"));
		config_set(f->cfg, "notify", "templates", dir);
	}
	if (intake_config_read(f->cfg, &f->tickets, &err) != 0)
		fail_msg("ticket settings: %s", err.msg);
	api_tickets_configure(&f->tickets);
	api_portal_configure(&f->tickets);
	/* An empty keyring of schakel's for /api/v1/keys. */
	snprintf(f->keyring, sizeof(f->keyring), "%s/gnupg", f->dir);
	if (mkdir(f->keyring, 0700) != 0)
		return -1;
	api_keys_configure(f->keyring);
	fixture_fill(f);
	f->users[W_ADMIN] = user_of("alice", USER_ROLE_ADMIN, 0);
	f->users[W_ANALYST] = user_of("ann", USER_ROLE_ANALYST, 0);
	f->users[W_ORG] = user_of("eve", USER_ROLE_PARTNER, f->org);
	f->users[W_LIAISON] = user_of("pat", USER_ROLE_PARTNER, f->liaison);
	f->users[W_OTHER] = user_of("bob", USER_ROLE_PARTNER, f->other);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	fixture_empty(f);
	access_set_partner_edit(ACCESS_PARTNER_EDIT_NO);
	intake_config_free(&f->tickets);
	config_free(f->cfg);
	kill_agent(f->keyring);
	testdb_remove_dir(f->dir);
	free(f);
	return 0;
}

/* text with the fixture's ids for its {names}, into b. */
static void fill_ids(const struct fixture *f, const char *text, struct buf *b)
{
	static const char *const names[] = {"{org}",	 "{liaison}", "{other}",    "{res}",
					    "{contact}", "{ticket}",  "{incident}", NULL};
	const int64_t ids[] = {f->org,	   f->liaison, f->other,   f->res,
			       f->contact, f->ticket,  f->incident};

	buf_reset(b);
	while (*text != '\0') {
		size_t i;

		for (i = 0; names[i] != NULL; i++)
			if (strncmp(text, names[i], strlen(names[i])) == 0)
				break;
		if (names[i] != NULL) {
			assert_int_equal(buf_printf(b, "%lld", (long long)ids[i]), 0);
			text += strlen(names[i]);
		} else {
			assert_int_equal(buf_append(b, text, 1), 0);
			text++;
		}
	}
}

/* Send method path (with "?k=v&k=v") and body as u, as the server
 * does: match, admit, handler. The status; *route gets the route
 * matched, *json (may be NULL) the JSON body (caller decrefs; NULL for
 * none or a streamed one). */
static int call(struct fixture *f, const struct router_route **route, const char *method,
		const char *path_text, const char *body_text, const struct user *u,
		json_t **json)
{
	struct buf path, body;
	char allow[ROUTER_ALLOW_MAX], *query;
	struct http_response resp;
	struct http_request req;
	struct router_match m;
	struct sk_error err = {0};
	int status;

	buf_init(&path, 4096);
	buf_init(&body, 4096);
	fill_ids(f, path_text, &path);
	fill_ids(f, body_text != NULL ? body_text : "", &body);
	memset(&req, 0, sizeof(req));
	if ((query = strchr(path.data, '?')) != NULL) {
		*query++ = '\0';
		for (char *kv = query; *kv != '\0' && req.nquery < HTTP_QUERY_MAX;) {
			char *amp = strchr(kv, '&'), *eq;

			if (amp != NULL)
				*amp = '\0';
			if ((eq = strchr(kv, '=')) != NULL)
				*eq = '\0';
			req.query[req.nquery].key = kv;
			req.query[req.nquery++].value = eq ? eq + 1 : "";
			kv = amp ? amp + 1 : kv + strlen(kv);
		}
	}
	if (router_match(http_routes, method, path.data, &m, allow) != ROUTER_FOUND)
		fail_msg("%s %s matches no route", method, path.data);
	*route = m.route;
	req.method = method;
	req.path = path.data;
	req.match = &m;
	req.body = buf_str(&body);
	req.body_len = body.len;
	req.user = u;
	req.st = f->st;
	http_response_init(&resp);
	if (http_route_admit(m.route, u, &resp) == 0) {
		int rc = m.route->handler(&req, &resp, &err);

		if (rc != 0) {
			if (err.code == 0)
				err.code = rc;
			http_response_from_error(&resp, &err);
		}
	}
	status = resp.status;
	if (json != NULL) {
		*json = NULL;
		if (resp.stream.fill == NULL) {
			size_t len = 0;
			char *text = http_response_render(&resp, &len);

			if (text != NULL && len > 0)
				*json = json_loads(text, 0, NULL);
			free(text);
		}
	}
	if (status >= 300 && status != 401 && status != 403 && status != 404 && err.msg[0])
		print_message("# %s %s: %d %s\n", method, path.data, status, err.msg);
	http_response_clear(&resp);
	buf_free(&path);
	buf_free(&body);
	return status;
}

static const struct expect *expect_for(const struct router_route *r)
{
	for (size_t i = 0; i < NEXPECTS; i++)
		if (strcmp(expects[i].method, r->method) == 0 &&
		    strcmp(expects[i].pattern, r->pattern) == 0)
			return &expects[i];
	return NULL;
}

/* Every route of every table, every caller. */
static void test_every_route_every_role(void **state)
{
	struct fixture *f = *state;
	int failures = 0, routes = 0;

	for (size_t t = 0; http_routes[t] != NULL; t++) {
		for (const struct router_route *r = http_routes[t]; r->pattern != NULL; r++) {
			const struct expect *e = expect_for(r);

			routes++;
			if (e == NULL) {
				print_error(
				    "route %s %s has no entry in the expectation table\n",
				    r->method, r->pattern);
				failures++;
				continue;
			}
			for (int w = 0; w < W_N; w++) {
				const struct router_route *got = NULL;
				int status = call(f, &got, e->method, e->path, e->body,
						  w == W_NONE ? NULL : &f->users[w], NULL);

				if (got != r) {
					print_error("%s %s reaches %s %s, not %s\n", e->method,
						    e->path, got->method, got->pattern,
						    r->pattern);
					failures++;
				}
				if (status != e->status[w]) {
					print_error("%s %s as %s: %d, expected %d\n", e->method,
						    e->pattern, who_names[w], status,
						    e->status[w]);
					failures++;
				}
				/* A write that took place: the next caller gets the
				 * fixture as it was. */
				if (strcmp(e->method, "GET") != 0 && status >= 200 &&
				    status < 300) {
					fixture_empty(f);
					fixture_fill(f);
				}
			}
		}
	}
	/* Every entry of the table names a route that exists. */
	for (size_t i = 0; i < NEXPECTS; i++) {
		char allow[ROUTER_ALLOW_MAX];
		struct router_match m;

		if (router_match(http_routes, expects[i].method, expects[i].pattern, &m,
				 allow) != ROUTER_FOUND) {
			print_error("expectation %s %s names no route\n", expects[i].method,
				    expects[i].pattern);
			failures++;
		}
	}
	assert_int_equal(routes, NEXPECTS);
	assert_int_equal(failures, 0);
}

/* As u, with the fixture's ids; the JSON body into *json (may be NULL). */
static int as(struct fixture *f, const struct user *u, const char *method, const char *path,
	      const char *body, json_t **json)
{
	const struct router_route *route = NULL;

	return call(f, &route, method, path, body, u, json);
}

/* What admin reads at path: the state a refused request must leave. */
static json_t *state_of(struct fixture *f, const char *path)
{
	json_t *j = NULL;

	assert_int_equal(as(f, &f->users[W_ADMIN], "GET", path, NULL, &j), 200);
	assert_non_null(j);
	return j;
}

/* The emails of a list answer's items, as "a,b". */
static const char *emails(json_t *list)
{
	static char out[256];
	json_t *items = json_object_get(list, "items"), *it;
	size_t i, n = 0;

	out[0] = '\0';
	json_array_foreach(items, i, it) n +=
	    (size_t)snprintf(out + n, sizeof(out) - n, "%s%s", i ? "," : "",
			     json_string_value(json_object_get(it, "email")));
	return out;
}

/* Partners and tickets: every ticket endpoint answers 403 to each
 * partner, says nothing of the ticket, and changes nothing. */
static void test_partner_tickets(void **state)
{
	static const char *const calls[][3] = {
	    {"GET", "/api/v1/tickets", NULL},
	    {"POST", "/api/v1/tickets", "{\"type\":\"report\",\"subject\":\"mine\"}"},
	    {"GET", "/api/v1/tickets/{ticket}", NULL},
	    {"GET", "/api/v1/tickets/999999", NULL},
	    {"PATCH", "/api/v1/tickets/{ticket}", "{\"status\":\"rejected\"}"},
	    {"POST", "/api/v1/tickets/{ticket}/comments", "{\"text\":\"partner note\"}"},
	    {"POST", "/api/v1/tickets/{ticket}/replies", "{\"text\":\"from a partner\"}"},
	    {"POST", "/api/v1/tickets/{ticket}/links", "{\"incident\":{incident}}"},
	    {"POST", "/api/v1/tickets/{incident}/parties", "{\"org_id\":{org}}"},
	    {"POST", "/api/v1/tickets/{ticket}/decrypt", "{\"reason\":\"partner\"}"},
	    {"POST", "/api/v1/tickets/{ticket}/forward",
	     "{\"to\":\"soc@example.test\",\"reason\":\"partner\"}"},
	};
	struct fixture *f = *state;
	json_t *list = state_of(f, "/api/v1/tickets");
	json_t *report = state_of(f, "/api/v1/tickets/{ticket}");
	json_t *incident = state_of(f, "/api/v1/tickets/{incident}");

	for (int w = W_ORG; w <= W_OTHER; w++) {
		for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
			json_t *j = NULL, *now;
			int status =
			    as(f, &f->users[w], calls[i][0], calls[i][1], calls[i][2], &j);
			const char *code = json_string_value(
			    json_object_get(json_object_get(j, "error"), "code"));

			if (status != 403 || code == NULL || strcmp(code, "forbidden") != 0)
				fail_msg("%s %s as %s: %d %s", calls[i][0], calls[i][1],
					 who_names[w], status, code ? code : "(no error code)");
			assert_null(json_object_get(j, "subject"));
			json_decref(j);
			now = state_of(f, "/api/v1/tickets");
			assert_true(json_equal(now, list));
			json_decref(now);
			now = state_of(f, "/api/v1/tickets/{ticket}");
			assert_true(json_equal(now, report));
			json_decref(now);
			now = state_of(f, "/api/v1/tickets/{incident}");
			assert_true(json_equal(now, incident));
			json_decref(now);
		}
	}
	json_decref(list);
	json_decref(report);
	json_decref(incident);
}

/* Partners and contacts: a partner reads its own organization's
 * contacts and, for a liaison, its members'; not another's; it never
 * adds or removes one, not even its own. */
static void test_partner_contacts(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct contact c;
	int64_t theirs;
	json_t *j = NULL, *before, *now;
	char path[128];

	/* A contact of the other organization too. */
	contact_init(&c);
	c.org_id = f->other;
	c.name = xstrdup("Bank CSIRT");
	c.email = xstrdup("csirt@bank.example");
	c.role = CONTACT_ROLE_OPERATIONAL_24X7;
	if (store_contact_add(f->st, &c, &err) != 0)
		fail_msg("contact add: %s", err.msg);
	theirs = c.id;
	contact_clear(&c);

	/* Reading. */
	for (int w = W_ORG; w <= W_LIAISON; w++) {
		assert_int_equal(
		    as(f, &f->users[w], "GET", "/api/v1/orgs/{org}/contacts", NULL, &j), 200);
		assert_string_equal(emails(j), "abuse@energy.example");
		json_decref(j);
		assert_int_equal(as(f, &f->users[w], "GET",
				    "/api/v1/orgs/{org}/contacts/{contact}", NULL, &j),
				 200);
		assert_string_equal(json_string_value(json_object_get(j, "email")),
				    "abuse@energy.example");
		json_decref(j);
	}
	snprintf(path, sizeof(path), "/api/v1/orgs/{other}/contacts/%lld", (long long)theirs);
	for (int w = W_ORG; w <= W_LIAISON; w++) {
		assert_int_equal(
		    as(f, &f->users[w], "GET", "/api/v1/orgs/{other}/contacts", NULL, &j), 404);
		{
			char *text = json_dumps(j, 0);

			assert_non_null(text);
			assert_null(strstr(text, "bank"));
			free(text);
		}
		json_decref(j);
		assert_int_equal(as(f, &f->users[w], "GET", path, NULL, NULL), 404);
	}
	/* Another organization's contact under an organization one may
	 * read is not found either. */
	snprintf(path, sizeof(path), "/api/v1/orgs/{org}/contacts/%lld", (long long)theirs);
	assert_int_equal(as(f, &f->users[W_LIAISON], "GET", path, NULL, NULL), 404);
	assert_int_equal(as(f, &f->users[W_ADMIN], "GET", path, NULL, NULL), 404);
	/* The member's partner does not read its liaison's contacts; the
	 * other organization's partner reads only its own. */
	assert_int_equal(
	    as(f, &f->users[W_ORG], "GET", "/api/v1/orgs/{liaison}/contacts", NULL, NULL), 404);
	assert_int_equal(
	    as(f, &f->users[W_OTHER], "GET", "/api/v1/orgs/{org}/contacts", NULL, NULL), 404);
	assert_int_equal(
	    as(f, &f->users[W_OTHER], "GET", "/api/v1/orgs/{other}/contacts", NULL, &j), 200);
	assert_string_equal(emails(j), "csirt@bank.example");
	json_decref(j);

	/* Writing: never, and nothing changes. */
	before = state_of(f, "/api/v1/orgs/{org}/contacts");
	for (int w = W_ORG; w <= W_OTHER; w++) {
		static const char *body =
		    "{\"name\":\"Mine\",\"email\":\"mine@energy.example\",\"role\":\"abuse\"}";

		assert_int_equal(
		    as(f, &f->users[w], "POST", "/api/v1/orgs/{org}/contacts", body, NULL),
		    403);
		assert_int_equal(as(f, &f->users[w], "DELETE",
				    "/api/v1/orgs/{org}/contacts/{contact}", NULL, NULL),
				 403);
		now = state_of(f, "/api/v1/orgs/{org}/contacts");
		assert_true(json_equal(now, before));
		json_decref(now);
	}
	json_decref(before);
	assert_int_equal(
	    as(f, &f->users[W_OTHER], "POST", "/api/v1/orgs/{other}/contacts",
	       "{\"name\":\"Own\",\"email\":\"own@bank.example\",\"role\":\"abuse\"}", NULL),
	    403);
	assert_int_equal(
	    as(f, &f->users[W_OTHER], "GET", "/api/v1/orgs/{other}/contacts", NULL, &j), 200);
	assert_string_equal(emails(j), "csirt@bank.example");
	json_decref(j);
}

/* "may" of GET /api/v1/me as u: the members that are true, as
 * "tickets,registry,...". */
static const char *may_of(struct fixture *f, const struct user *u)
{
	static const char *const names[] = {"tickets",	      "registry", "edit_contacts",
					    "edit_resources", "report",	  "audit"};
	static char out[128];
	json_t *j = NULL;
	size_t n = 0;

	assert_int_equal(as(f, u, "GET", "/api/v1/me", NULL, &j), 200);
	out[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (json_is_true(json_object_get(json_object_get(j, "may"), names[i])))
			n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s", n ? "," : "",
					      names[i]);
	json_decref(j);
	return out;
}

/* [portal] partners_edit: contacts lets a partner change its own
 * organization's contacts, all its resources too; never another's or a
 * member's. */
static void test_partner_edit(void **state)
{
	static const char *contact =
	    "{\"name\":\"Mine\",\"email\":\"mine@energy.example\",\"role\":\"abuse\"}";
	static const char *prefix = "{\"type\":\"prefix\",\"value\":\"192.0.2.0/24\"}";
	struct fixture *f = *state;
	const struct user *eve = &f->users[W_ORG], *pat = &f->users[W_LIAISON];
	json_t *j = NULL;

	assert_string_equal(may_of(f, eve), "report");
	assert_string_equal(may_of(f, &f->users[W_ANALYST]),
			    "tickets,registry,edit_contacts,edit_resources,audit");
	assert_int_equal(as(f, eve, "GET", "/api/v1/me", NULL, &j), 200);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "org"), "id")),
			 f->org);
	assert_false(json_is_true(json_object_get(json_object_get(j, "org"), "is_liaison")));
	json_decref(j);
	assert_int_equal(as(f, pat, "GET", "/api/v1/me", NULL, &j), 200);
	assert_true(json_is_true(json_object_get(json_object_get(j, "org"), "is_liaison")));
	json_decref(j);
	assert_int_equal(as(f, &f->users[W_ADMIN], "GET", "/api/v1/me", NULL, &j), 200);
	assert_true(json_is_null(json_object_get(j, "org")));
	json_decref(j);

	access_set_partner_edit(ACCESS_PARTNER_EDIT_CONTACTS);
	assert_string_equal(may_of(f, eve), "edit_contacts,report");
	assert_int_equal(as(f, eve, "POST", "/api/v1/orgs/{org}/contacts", contact, &j), 201);
	assert_string_equal(json_string_value(json_object_get(j, "email")),
			    "mine@energy.example");
	json_decref(j);
	assert_int_equal(as(f, eve, "PATCH", "/api/v1/orgs/{org}/contacts/{contact}",
			    "{\"phone\":\"+32 2 555 01 01\"}", &j),
			 200);
	assert_string_equal(json_string_value(json_object_get(j, "phone")), "+32 2 555 01 01");
	json_decref(j);
	/* Another organization's, a member's: no. */
	assert_int_equal(as(f, eve, "POST", "/api/v1/orgs/{other}/contacts", contact, NULL),
			 403);
	assert_int_equal(as(f, eve, "POST", "/api/v1/orgs/{liaison}/contacts", contact, NULL),
			 403);
	assert_int_equal(as(f, pat, "PATCH", "/api/v1/orgs/{org}/contacts/{contact}",
			    "{\"phone\":\"+32 2 555 09 09\"}", NULL),
			 403);
	assert_int_equal(
	    as(f, pat, "DELETE", "/api/v1/orgs/{org}/contacts/{contact}", NULL, NULL), 403);
	/* The contact through another organization's path is not found. */
	assert_int_equal(as(f, pat, "PATCH", "/api/v1/orgs/{liaison}/contacts/{contact}",
			    "{\"phone\":\"+32 2 555 09 09\"}", NULL),
			 404);
	assert_int_equal(as(f, eve, "GET", "/api/v1/orgs/{org}/contacts/{contact}", NULL, &j),
			 200);
	assert_string_equal(json_string_value(json_object_get(j, "phone")), "+32 2 555 01 01");
	json_decref(j);
	/* Resources stay staff's. */
	assert_int_equal(as(f, eve, "POST", "/api/v1/orgs/{org}/resources", prefix, NULL), 403);
	assert_int_equal(as(f, eve, "DELETE", "/api/v1/orgs/{org}/resources/{res}", NULL, NULL),
			 403);
	assert_int_equal(
	    as(f, eve, "DELETE", "/api/v1/orgs/{org}/contacts/{contact}", NULL, NULL), 204);

	access_set_partner_edit(ACCESS_PARTNER_EDIT_ALL);
	assert_string_equal(may_of(f, eve), "edit_contacts,edit_resources,report");
	assert_int_equal(as(f, eve, "POST", "/api/v1/orgs/{org}/resources", prefix, NULL), 201);
	assert_int_equal(as(f, pat, "POST", "/api/v1/orgs/{org}/resources",
			    "{\"type\":\"asn\",\"value\":\"AS64500\"}", NULL),
			 403);
	assert_int_equal(as(f, &f->users[W_OTHER], "DELETE",
			    "/api/v1/orgs/{org}/resources/{res}", NULL, NULL),
			 403);
	assert_int_equal(as(f, eve, "DELETE", "/api/v1/orgs/{org}/resources/{res}", NULL, NULL),
			 204);
	/* The organization itself and its memberships stay staff's. */
	assert_int_equal(
	    as(f, eve, "PATCH", "/api/v1/orgs/{org}", "{\"notes\":\"mine\"}", NULL), 403);
	access_set_partner_edit(ACCESS_PARTNER_EDIT_NO);
}

/* Events in: the scope events:write opens POST /api/v1/events to staff
 * and partners alike; a partner's event goes to its own organization
 * (the owner of 198.51.100.0/24) never, being its source. */
static void test_submit_events(void **state)
{
	struct fixture *f = *state;
	struct user unbound = user_of("nobody", USER_ROLE_PARTNER, 0);
	struct sk_error err = {0};
	json_t *j = NULL, *orgs;

	for (int w = 0; w < W_NONE; w++) {
		struct user u = f->users[w];

		assert_int_equal(access_may_submit_events(&u, &err), SK_EPERM);
		assert_non_null(strstr(err.msg, "events:write"));
		u.scopes = USER_SCOPE_EVENTS_WRITE;
		assert_int_equal(access_may_submit_events(&u, &err), 0);
		assert_int_equal(access_route(ACCESS_EVENTS_WRITE, &u, &err), ACCESS_ALLOW);
	}
	assert_int_equal(access_may_submit_events(NULL, &err), SK_EPERM);
	assert_int_equal(access_route(ACCESS_EVENTS_WRITE, NULL, &err), ACCESS_UNAUTHENTICATED);
	unbound.scopes = USER_SCOPE_EVENTS_WRITE;
	assert_int_equal(access_may_submit_events(&unbound, &err), SK_EPERM);

	f->users[W_ANALYST].scopes = USER_SCOPE_EVENTS_WRITE;
	assert_int_equal(as(f, &f->users[W_ANALYST], "POST", "/api/v1/events", SUBMIT_BODY, &j),
			 201);
	assert_int_equal(json_integer_value(json_object_get(j, "stored")), 1);
	assert_int_equal(json_integer_value(json_object_get(j, "routed")), 1);
	json_decref(j);
	f->users[W_ORG].scopes = USER_SCOPE_EVENTS_WRITE;
	assert_int_equal(as(f, &f->users[W_ORG], "POST", "/api/v1/events", SUBMIT_BODY, &j),
			 201);
	assert_int_equal(json_integer_value(json_object_get(j, "stored")), 1);
	/* Its liaison gets it (TLP:AMBER); the organization, its source, not. */
	orgs = json_object_get(j, "organizations");
	assert_int_equal(json_array_size(orgs), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(orgs, 0), "org_id")),
			 f->liaison);
	json_decref(j);
	/* A bad event: 400 naming the field, nothing stored. */
	assert_int_equal(as(f, &f->users[W_ORG], "POST", "/api/v1/events",
			    "[" SUBMIT_BODY ",{\"source.ip\":\"not an address\"}]", &j),
			 400);
	assert_non_null(
	    strstr(json_string_value(json_object_get(json_object_get(j, "error"), "message")),
		   "events[1]: source.ip"));
	json_decref(j);
}

/* The rules of access.h on their own. */
static void test_rules(void **state)
{
	struct fixture *f = *state;
	struct user unbound = user_of("nobody", USER_ROLE_PARTNER, 0);
	struct sk_error err = {0};
	int64_t scope = -1;

	for (int w = 0; w < W_N; w++) {
		const struct user *u = w == W_NONE ? NULL : &f->users[w];
		bool staff = w == W_ADMIN || w == W_ANALYST;

		assert_int_equal(access_route(ACCESS_PUBLIC, u, &err), ACCESS_ALLOW);
		assert_int_equal(access_route(ACCESS_USER, u, &err),
				 u == NULL ? ACCESS_UNAUTHENTICATED : ACCESS_ALLOW);
		assert_int_equal(access_route(ACCESS_STAFF, u, &err),
				 u == NULL ? ACCESS_UNAUTHENTICATED
				 : staff   ? ACCESS_ALLOW
					   : ACCESS_FORBIDDEN);
		assert_int_equal(access_route(ACCESS_ADMIN, u, &err),
				 u == NULL	? ACCESS_UNAUTHENTICATED
				 : w == W_ADMIN ? ACCESS_ALLOW
						: ACCESS_FORBIDDEN);
		assert_int_equal(access_is_staff(u), staff);
		assert_int_equal(access_may_change_registry(u, &err), staff ? 0 : SK_EPERM);
		assert_int_equal(access_may_handle_tickets(u, &err), staff ? 0 : SK_EPERM);
	}
	/* Organizations: the liaison's partner reads its member, the
	 * member's partner not its liaison. */
	assert_int_equal(access_may_read_org(f->st, &f->users[W_ORG], f->org, &err), 1);
	assert_int_equal(access_may_read_org(f->st, &f->users[W_ORG], f->liaison, &err), 0);
	assert_int_equal(access_may_read_org(f->st, &f->users[W_LIAISON], f->org, &err), 1);
	assert_int_equal(access_may_read_org(f->st, &f->users[W_LIAISON], f->other, &err), 0);
	assert_int_equal(access_may_read_org(f->st, &f->users[W_OTHER], f->org, &err), 0);
	assert_int_equal(access_may_read_org(f->st, &unbound, f->org, &err), 0);
	assert_int_equal(access_may_read_org(f->st, NULL, f->org, &err), 0);
	/* Events: a partner reads its own organization's, named or not. */
	assert_int_equal(access_event_scope(&f->users[W_ORG], 0, &scope, &err), 0);
	assert_int_equal(scope, f->org);
	assert_int_equal(access_event_scope(&f->users[W_LIAISON], f->org, &scope, &err),
			 SK_EPERM);
	assert_int_equal(access_event_scope(&unbound, 0, &scope, &err), SK_EPERM);
	assert_int_equal(access_event_scope(NULL, 0, &scope, &err), SK_EPERM);
	assert_int_equal(access_event_scope(&f->users[W_ANALYST], f->other, &scope, &err), 0);
	assert_int_equal(scope, f->other);
	assert_int_equal(access_event_scope(&f->users[W_ADMIN], 0, &scope, &err), 0);
	assert_int_equal(scope, 0);
	/* Partners' edits of their own organization, per setting. */
	for (int e = ACCESS_PARTNER_EDIT_NO; e <= ACCESS_PARTNER_EDIT_ALL; e++) {
		access_set_partner_edit((enum access_partner_edit)e);
		for (int w = 0; w < W_N; w++) {
			const struct user *u = w == W_NONE ? NULL : &f->users[w];
			bool staff = w == W_ADMIN || w == W_ANALYST;
			int64_t own = u != NULL && u->org_id > 0 ? u->org_id : f->org;

			assert_int_equal(
			    access_may_edit_org_contacts(u, own, &err),
			    staff || (u != NULL && e >= ACCESS_PARTNER_EDIT_CONTACTS)
				? 0
				: SK_EPERM);
			assert_int_equal(access_may_edit_org_resources(u, own, &err),
					 staff || (u != NULL && e == ACCESS_PARTNER_EDIT_ALL)
					     ? 0
					     : SK_EPERM);
			assert_int_equal(
			    access_may_edit_org_contacts(u, f->other, &err),
			    staff || (w == W_OTHER && e >= ACCESS_PARTNER_EDIT_CONTACTS)
				? 0
				: SK_EPERM);
			assert_int_equal(access_may_report(u, &err),
					 u != NULL && !staff ? 0 : SK_EPERM);
			assert_int_equal(access_may_read_audit(u, &err), staff ? 0 : SK_EPERM);
		}
		/* A liaison's partner never changes its member's. */
		assert_int_equal(
		    access_may_edit_org_contacts(&f->users[W_LIAISON], f->org, &err), SK_EPERM);
		assert_int_equal(access_may_edit_org_contacts(&unbound, f->org, &err),
				 SK_EPERM);
		assert_int_equal(access_may_report(&unbound, &err), SK_EPERM);
	}
	access_set_partner_edit(ACCESS_PARTNER_EDIT_NO);
	/* Reports: a partner its own organization's, staff any. */
	assert_int_equal(access_report_scope(&f->users[W_ORG], 0, &scope, &err), 0);
	assert_int_equal(scope, f->org);
	assert_int_equal(access_report_scope(&f->users[W_LIAISON], f->org, &scope, &err),
			 SK_EPERM);
	assert_int_equal(access_report_scope(&unbound, 0, &scope, &err), SK_EPERM);
	assert_int_equal(access_report_scope(NULL, 0, &scope, &err), SK_EPERM);
	assert_int_equal(access_report_scope(&f->users[W_ANALYST], f->other, &scope, &err), 0);
	assert_int_equal(scope, f->other);
	/* The command line acts as the local admin. */
	assert_int_equal(access_local_operator()->role, USER_ROLE_ADMIN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_every_route_every_role, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_partner_tickets, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_partner_contacts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_partner_edit, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rules, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_submit_events, setup, teardown),
	};

	testdb_skip_if_unavailable();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
