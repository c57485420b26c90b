/* tests/unit/test_registry.c: whois answers most specific first, overlaps
 * report every nested pair of different organizations, the access rules
 * hold for each role, and import is all or nothing and round-trips with
 * export. Each test runs on a fresh store of the backend testdb.h names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "access/access.h"
#include "lib/buf.h"
#include "lib/error.h"
#include "lib/xalloc.h"
#include "registry/exchange.h"
#include "registry/registry.h"
#include "store/store.h"
#include "testdb.h"

struct fixture {
	struct testdb db;
	char copy_url[256]; /* a second store a test opened, or "" */
	struct store *st;
	int64_t isp, customer, other, liaison;
};

/* A new store named name; its URL in url. */
static struct store *open_store(struct fixture *f, const char *name, char *url, size_t size)
{
	struct sk_error err = {0};
	struct store *st;

	if (testdb_new_url(f->db.dir, name, url, size) != 0)
		fail_msg("no database for store %s", name);
	st = store_open(url, &err);
	if (st == NULL)
		fail_msg("store_open: %s", err.msg);
	store_set_actor(st, "test");
	return st;
}

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));

	if (testdb_open(&f->db, "registry") != 0)
		return -1;
	f->st = f->db.st;
	store_set_actor(f->st, "test");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (f->copy_url[0] != '\0')
		testdb_drop_url(f->copy_url);
	testdb_close(&f->db);
	free(f);
	return 0;
}

/* ISP holds a /24 and a /32 of IPv6, AS64496 and example.be; its customer
 * a /28 inside the /24, a /48 inside the /32 and shop.example.be; Other
 * the same /24 as the ISP and 203.0.113.0/24; the liaison has the
 * customer as member. */
static void add_constituency(struct fixture *f)
{
	struct sk_error err = {0};

	f->isp = testdb_org_add_as(f->st, "Example ISP", "constituent", "private", NULL);
	f->customer = testdb_org_add_as(f->st, "Example Customer", "constituent", "oes", NULL);
	f->other = testdb_org_add_as(f->st, "Other Org", "constituent", "public", NULL);
	f->liaison = testdb_org_add_as(f->st, "Energy Sector CERT", "liaison", "oes", NULL);
	testdb_resource_add(f->st, f->isp, "198.51.100.0/24");
	testdb_resource_add(f->st, f->isp, "2001:db8::/32");
	testdb_resource_add(f->st, f->isp, "AS64496");
	testdb_resource_add(f->st, f->isp, "example.be");
	testdb_resource_add(f->st, f->customer, "198.51.100.0/28");
	testdb_resource_add(f->st, f->customer, "2001:db8:1::/48");
	testdb_resource_add(f->st, f->customer, "shop.example.be");
	testdb_resource_add(f->st, f->other, "198.51.100.0/24");
	testdb_resource_add(f->st, f->other, "203.0.113.0/24");
	assert_int_equal(store_member_add(f->st, f->liaison, f->customer, &err), 0);
}

/* whois answers collected as "ORG via VALUE" lines. */
static int collect_whois(const struct org *org, const struct resource *via, void *ctx)
{
	char value[RESOURCE_TEXT_MAX];

	assert_true(resource_format_value(via, value, sizeof(value)) > 0);
	assert_int_equal(via->org_id, org->id);
	buf_printf(ctx, "%s via %s\n", org->name, value);
	return 0;
}

static const char *whois(struct fixture *f, const char *query, struct buf *out)
{
	struct sk_error err = {0};

	buf_reset(out);
	if (registry_whois(f->st, query, collect_whois, out, &err) != 0)
		fail_msg("whois %s: %s", query, err.msg);
	return buf_str(out);
}

static void test_whois_order(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct buf out;

	add_constituency(f);
	buf_init(&out, 4096);
	assert_string_equal(whois(f, "198.51.100.7", &out),
			    "Example Customer via 198.51.100.0/28\n"
			    "Example ISP via 198.51.100.0/24\n"
			    "Other Org via 198.51.100.0/24\n");
	assert_string_equal(whois(f, "198.51.100.200", &out),
			    "Example ISP via 198.51.100.0/24\n"
			    "Other Org via 198.51.100.0/24\n");
	assert_string_equal(whois(f, "198.51.100.0/25", &out),
			    "Example ISP via 198.51.100.0/24\n"
			    "Other Org via 198.51.100.0/24\n");
	assert_string_equal(whois(f, "2001:db8:1::1", &out),
			    "Example Customer via 2001:db8:1::/48\n"
			    "Example ISP via 2001:db8::/32\n");
	assert_string_equal(whois(f, "2001:db8:2::1", &out), "Example ISP via 2001:db8::/32\n");
	assert_string_equal(whois(f, "AS64496", &out), "Example ISP via AS64496\n");
	assert_string_equal(whois(f, "64496", &out), "Example ISP via AS64496\n");
	assert_string_equal(whois(f, "www.shop.example.be", &out),
			    "Example Customer via shop.example.be\n"
			    "Example ISP via example.be\n");
	assert_string_equal(whois(f, "WWW.Example.BE.", &out), "Example ISP via example.be\n");
	/* The typed forms of resource add work too. */
	assert_string_equal(whois(f, "asn:AS64496", &out), "Example ISP via AS64496\n");
	assert_string_equal(whois(f, "prefix:2001:db8:2::1", &out),
			    "Example ISP via 2001:db8::/32\n");
	assert_string_equal(whois(f, "domain:shop.example.be", &out),
			    "Example Customer via shop.example.be\n"
			    "Example ISP via example.be\n");
	assert_int_equal(registry_whois(f->st, "asn:banana", collect_whois, &out, &err),
			 SK_EINVAL);
	assert_non_null(strstr(err.msg, "banana"));
	/* No owner: no answer, and no error. */
	assert_string_equal(whois(f, "192.0.2.1", &out), "");
	assert_string_equal(whois(f, "badexample.be", &out), "");
	assert_string_equal(whois(f, "AS64497", &out), "");

	assert_int_equal(registry_whois(f->st, "xyz", collect_whois, &out, &err), SK_EINVAL);
	assert_string_equal(err.msg,
			    "'xyz': not an IP address, prefix, AS number or domain name");
	assert_int_equal(registry_whois(f->st, "198.51.100.1/24", collect_whois, &out, &err),
			 SK_EINVAL);
	assert_non_null(strstr(err.msg, "host bits are set"));
	assert_int_equal(registry_whois(f->st, "198.51.100.0/33", collect_whois, &out, &err),
			 SK_EINVAL);
	assert_non_null(strstr(err.msg, "33"));
	assert_int_equal(registry_whois(f->st, "2001:db8::/129", collect_whois, &out, &err),
			 SK_EINVAL);
	assert_int_equal(registry_whois(f->st, "", collect_whois, &out, &err), SK_EINVAL);
	buf_free(&out);
}

static int stop_after_first(const struct org *org, const struct resource *via, void *ctx)
{
	(void)org;
	(void)via;
	(*(int *)ctx)++;
	return 7;
}

static void test_whois_callback_stops(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	int calls = 0;

	add_constituency(f);
	assert_int_equal(registry_whois(f->st, "198.51.100.7", stop_after_first, &calls, &err),
			 7);
	assert_int_equal(calls, 1);
}

static int collect_overlap(const struct org *outer_org, const struct resource *outer,
			   const struct org *inner_org, const struct resource *inner, void *ctx)
{
	char ov[RESOURCE_TEXT_MAX], iv[RESOURCE_TEXT_MAX];

	assert_int_not_equal(outer_org->id, inner_org->id);
	assert_true(prefix_contains(&outer->prefix, &inner->prefix));
	resource_format_value(outer, ov, sizeof(ov));
	resource_format_value(inner, iv, sizeof(iv));
	buf_printf(ctx, "%s %s > %s %s\n", outer_org->name, ov, inner_org->name, iv);
	return 0;
}

static void test_overlaps(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct buf out;

	add_constituency(f);
	/* Nesting within one organization is no overlap; IPv4 and IPv6
	 * prefixes with the same leading bytes do not cover each other. */
	testdb_resource_add(f->st, f->isp, "198.51.100.0/25");
	testdb_resource_add(f->st, f->customer, "198.51.100.16/28");
	testdb_resource_add(f->st, f->other, "::/0");
	testdb_resource_add(f->st, f->liaison, "192.0.2.0/24");
	buf_init(&out, 8192);
	assert_int_equal(registry_overlaps(f->st, collect_overlap, &out, &err), 0);
	assert_string_equal(buf_str(&out),
			    "Example ISP 198.51.100.0/24 > Other Org 198.51.100.0/24\n"
			    "Other Org 198.51.100.0/24 > Example ISP 198.51.100.0/25\n"
			    "Example ISP 198.51.100.0/24 > Example Customer 198.51.100.0/28\n"
			    "Other Org 198.51.100.0/24 > Example Customer 198.51.100.0/28\n"
			    "Example ISP 198.51.100.0/25 > Example Customer 198.51.100.0/28\n"
			    "Example ISP 198.51.100.0/24 > Example Customer 198.51.100.16/28\n"
			    "Other Org 198.51.100.0/24 > Example Customer 198.51.100.16/28\n"
			    "Example ISP 198.51.100.0/25 > Example Customer 198.51.100.16/28\n"
			    "Other Org ::/0 > Example ISP 2001:db8::/32\n"
			    "Other Org ::/0 > Example Customer 2001:db8:1::/48\n"
			    "Example ISP 2001:db8::/32 > Example Customer 2001:db8:1::/48\n");
	buf_free(&out);
}

static void test_overlaps_none(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct buf out;
	int64_t a = testdb_org_add_as(f->st, "A", "constituent", "private", NULL);

	testdb_resource_add(f->st, a, "198.51.100.0/24");
	testdb_resource_add(f->st, a, "198.51.100.0/25");
	testdb_resource_add(f->st,
			    testdb_org_add_as(f->st, "B", "constituent", "private", NULL),
			    "203.0.113.0/24");
	buf_init(&out, 1024);
	assert_int_equal(registry_overlaps(f->st, collect_overlap, &out, &err), 0);
	assert_string_equal(buf_str(&out), "");
	buf_free(&out);
}

static void test_access(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct user admin = {.id = 1, .name = "root", .role = USER_ROLE_ADMIN};
	struct user analyst = {.id = 2, .name = "ana", .role = USER_ROLE_ANALYST};
	struct user customer = {.id = 3, .name = "cust", .role = USER_ROLE_PARTNER};
	struct user cert = {.id = 4, .name = "cert", .role = USER_ROLE_PARTNER};
	struct user unbound = {.id = 5, .name = "nobody", .role = USER_ROLE_PARTNER};

	add_constituency(f);
	customer.org_id = f->customer;
	cert.org_id = f->liaison;
	for (int64_t id = f->isp; id <= f->liaison; id++) {
		assert_int_equal(access_may_read_org(f->st, &admin, id, &err), 1);
		assert_int_equal(access_may_read_org(f->st, &analyst, id, &err), 1);
		assert_int_equal(access_may_read_org(f->st, &unbound, id, &err), 0);
	}
	/* A constituent's partner reads only its own organization, not the
	 * liaison it belongs to. */
	assert_int_equal(access_may_read_org(f->st, &customer, f->customer, &err), 1);
	assert_int_equal(access_may_read_org(f->st, &customer, f->isp, &err), 0);
	assert_int_equal(access_may_read_org(f->st, &customer, f->liaison, &err), 0);
	/* A liaison's partner reads itself and its members, nobody else. */
	assert_int_equal(access_may_read_org(f->st, &cert, f->liaison, &err), 1);
	assert_int_equal(access_may_read_org(f->st, &cert, f->customer, &err), 1);
	assert_int_equal(access_may_read_org(f->st, &cert, f->isp, &err), 0);
	assert_int_equal(access_may_read_org(f->st, &cert, f->other, &err), 0);
	assert_int_equal(access_may_read_org(f->st, &cert, 999999, &err), 0);
	/* After the membership ends, so does the access. */
	assert_int_equal(store_member_remove(f->st, f->liaison, f->customer, &err), 0);
	assert_int_equal(access_may_read_org(f->st, &cert, f->customer, &err), 0);
	assert_int_equal(access_may_read_org(f->st, NULL, f->customer, &err), 0);

	assert_int_equal(0, access_may_change_registry(&admin, NULL));
	assert_int_equal(0, access_may_change_registry(&analyst, NULL));
	assert_int_equal(SK_EPERM, access_may_change_registry(&customer, NULL));
	assert_int_equal(SK_EPERM, access_may_change_registry(&cert, NULL));
	assert_int_equal(SK_EPERM, access_may_change_registry(NULL, NULL));
}

/* The export of st as a string; caller frees. */
static char *export_text(struct store *st)
{
	struct sk_error err = {0};
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	if (exchange_export(st, f, &err) != 0)
		fail_msg("export: %s", err.msg);
	fclose(f);
	return text;
}

static int import_text(struct store *st, const char *text, struct exchange_stats *stats,
		       struct sk_error *err)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int rc;

	assert_non_null(f);
	rc = exchange_import(st, f, "test.json", stats, err);
	fclose(f);
	return rc;
}

static int count_org(const struct org *org, void *ctx)
{
	(void)org;
	(*(int *)ctx)++;
	return 0;
}

static int count_orgs(struct store *st)
{
	struct sk_error err = {0};
	int n = 0;

	assert_int_equal(store_org_each(st, count_org, &n, &err), 0);
	return n;
}

static const char good_doc[] =
    "{\"schakel\": 1, \"organizations\": ["
    " {\"name\": \"Energy Sector CERT\", \"kind\": \"liaison\", \"class\": \"oes\","
    "  \"sector\": \"energy/electricity\", \"members\": [\"Example Energy\"]},"
    " {\"name\": \"Example Energy\", \"kind\": \"constituent\", \"class\": \"oes\","
    "  \"sector\": \"energy/gas\", \"country\": \"be\","
    "  \"contacts\": [{\"name\": \"SOC\", \"email\": \"soc@example.be\","
    "   \"role\": \"operational-24x7\", \"languages\": [\"en\", \"nl\"],"
    "   \"pgp_fingerprint\": \"0123 4567 89AB CDEF 0123 4567 89AB CDEF 0123 4567\"}],"
    "  \"resources\": [\"198.51.100.0/24\", {\"type\": \"asn\", \"value\": \"AS64500\"},"
    "   {\"value\": \"example.be\"}, \"prefix:2001:db8:10::/48\"]}"
    "]}";

static void test_import_good(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct exchange_stats stats = {0};
	struct buf out;

	if (import_text(f->st, good_doc, &stats, &err) != 0)
		fail_msg("import: %s", err.msg);
	assert_int_equal(stats.orgs, 2);
	assert_int_equal(stats.memberships, 1);
	assert_int_equal(stats.contacts, 1);
	assert_int_equal(stats.resources, 4);
	buf_init(&out, 1024);
	assert_string_equal(whois(f, "198.51.100.9", &out),
			    "Example Energy via 198.51.100.0/24\n");
	assert_string_equal(whois(f, "2001:db8:10::1", &out),
			    "Example Energy via 2001:db8:10::/48\n");
	buf_free(&out);

	/* The same document again changes nothing. */
	if (import_text(f->st, good_doc, &stats, &err) != 0)
		fail_msg("second import: %s", err.msg);
	assert_int_equal(stats.orgs + stats.memberships + stats.contacts + stats.resources, 0);
}

/* Import doc into a store holding one organization: it must fail with
 * a message containing want, and leave the store as it was. */
static void expect_import_fails(struct fixture *f, const char *doc, int code, const char *want)
{
	struct sk_error err = {0};
	struct exchange_stats stats = {42, 42, 42, 42};
	char *before = export_text(f->st), *after;

	assert_int_equal(import_text(f->st, doc, &stats, &err), code);
	if (strstr(err.msg, want) == NULL)
		fail_msg("message '%s' lacks '%s'", err.msg, want);
	assert_int_equal(stats.orgs, 42);
	after = export_text(f->st);
	assert_string_equal(before, after);
	free(before);
	free(after);
}

static void test_import_all_or_nothing(void **state)
{
	struct fixture *f = *state;

	setenv("SCHAKEL_NOW", "1700000000", 1);
	testdb_resource_add(f->st,
			    testdb_org_add_as(f->st, "Existing", "constituent", "public", NULL),
			    "192.0.2.0/24");
	assert_int_equal(count_orgs(f->st), 1);

	/* A bad prefix in the third organization stores none of them. */
	expect_import_fails(
	    f,
	    "{\"schakel\": 1, \"organizations\": ["
	    " {\"name\": \"A\", \"resources\": [\"203.0.113.0/24\"]},"
	    " {\"name\": \"B\", \"resources\": [\"AS64501\"]},"
	    " {\"name\": \"Example Energy\", \"resources\": [\"203.0.113.128/25\","
	    "  \"198.51.100.1/24\"]}]}",
	    SK_EINVAL,
	    "organizations[2] (Example Energy): resources[1]: 198.51.100.1/24: host bits are "
	    "set");
	/* An unknown member is found only once the organizations are in the
	 * transaction: rolled back all the same. */
	expect_import_fails(
	    f,
	    "{\"schakel\": 1, \"organizations\": ["
	    " {\"name\": \"CERT\", \"kind\": \"liaison\", \"members\": [\"A\", \"Nobody\"]},"
	    " {\"name\": \"A\", \"resources\": [\"203.0.113.0/24\"]}]}",
	    SK_ENOTFOUND,
	    "organizations[0] (CERT): members[1]: no organization named 'Nobody'");
	expect_import_fails(f,
			    "{\"schakel\": 1, \"organizations\": ["
			    " {\"name\": \"A\", \"members\": [\"Existing\"]}]}",
			    SK_EINVAL, "only liaison organizations have members");
	expect_import_fails(
	    f, "{\"schakel\": 1, \"organizations\": [{\"name\": \"A\"}, {\"name\": \"A\"}]}",
	    SK_EINVAL, "organizations[1] (A): the name is also used by organizations[0]");
	expect_import_fails(
	    f, "{\"schakel\": 1, \"organizations\": [{\"name\": \"A\", \"class\": \"big\"}]}",
	    SK_EINVAL, "organizations[0] (A): class 'big' is not one of");
	expect_import_fails(
	    f, "{\"schakel\": 1, \"organizations\": [{\"name\": \"A\", \"colour\": \"red\"}]}",
	    SK_EINVAL, "unknown key \"colour\"");
	expect_import_fails(
	    f,
	    "{\"schakel\": 1, \"organizations\": [{\"name\": \"A\", \"contacts\": "
	    "[{\"name\": \"X\", \"email\": \"not-an-address\"}]}]}",
	    SK_EINVAL, "organizations[0] (A): contacts[0]: e-mail 'not-an-address'");
	expect_import_fails(f, "{\"schakel\": 1, \"organizations\": [{\"kind\": \"liaison\"}]}",
			    SK_EINVAL, "organizations[0]: \"name\" is missing");
	expect_import_fails(
	    f,
	    "{\"schakel\": 1, \"organizations\": [{\"name\": \"A\", \"resources\": "
	    "[{\"type\": \"asn\", \"value\": \"AS0\"}]}]}",
	    SK_EINVAL, "organizations[0] (A): resources[0]:");
	/* Not JSON, or not ours. */
	expect_import_fails(f, "{\"schakel\": 1,\n \"organizations\": [}", SK_EINVAL,
			    "test.json:2:");
	expect_import_fails(f, "{\"schakel\": 1, \"schakel\": 1, \"organizations\": []}",
			    SK_EINVAL, "duplicate");
	expect_import_fails(f, "{\"organizations\": []}", SK_EINVAL,
			    "not a schakel export document");
	expect_import_fails(f, "{\"schakel\": 2, \"organizations\": []}", SK_EINVAL,
			    "version 1");
	expect_import_fails(f, "[]", SK_EINVAL, "not a schakel export document");
	assert_int_equal(count_orgs(f->st), 1);
}

static void test_round_trip(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct exchange_stats stats;
	struct contact c;
	struct store *copy;
	char *first, *second, *third;
	json_t *doc;
	json_error_t jerr;

	setenv("SCHAKEL_NOW", "1700000000", 1);
	add_constituency(f);
	contact_init(&c);
	assert_int_equal(contact_set_field(&c, "name", "Duty Officer", &err), 0);
	assert_int_equal(contact_set_field(&c, "email", "soc@example.be", &err), 0);
	assert_int_equal(contact_set_field(&c, "languages", "nl,fr", &err), 0);
	assert_int_equal(contact_set_field(&c, "phone", "+32 2 555 01 23", &err), 0);
	c.org_id = f->isp;
	assert_int_equal(store_contact_add(f->st, &c, &err), 0);
	contact_clear(&c);

	first = export_text(f->st);
	doc = json_loads(first, 0, &jerr);
	assert_non_null(doc);
	assert_int_equal(json_integer_value(json_object_get(doc, "schakel")), 1);
	assert_string_equal(json_string_value(json_object_get(doc, "exported")),
			    "2023-11-14T22:13:20Z");
	assert_int_equal(json_array_size(json_object_get(doc, "organizations")), 4);
	json_decref(doc);

	copy = open_store(f, "copy", f->copy_url, sizeof(f->copy_url));
	if (import_text(copy, first, &stats, &err) != 0)
		fail_msg("import: %s", err.msg);
	assert_int_equal(stats.orgs, 4);
	assert_int_equal(stats.memberships, 1);
	assert_int_equal(stats.contacts, 1);
	assert_int_equal(stats.resources, 9);
	second = export_text(copy);
	assert_string_equal(first, second);

	/* Importing into the store it came from changes nothing. */
	assert_int_equal(import_text(f->st, first, &stats, &err), 0);
	assert_int_equal(stats.orgs + stats.memberships + stats.contacts + stats.resources, 0);
	third = export_text(f->st);
	assert_string_equal(first, third);
	store_close(copy);
	free(first);
	free(second);
	free(third);
}

static void test_import_updates(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct exchange_stats stats;
	struct org org;

	add_constituency(f);
	if (import_text(
		f->st,
		"{\"schakel\": 1, \"organizations\": ["
		" {\"name\": \"Example ISP\", \"class\": \"oes\", \"notes\": \"upstream\","
		"  \"resources\": [\"198.51.100.0/24\", \"203.0.113.0/26\"]},"
		" {\"name\": \"Energy Sector CERT\", \"members\": [\"Example ISP\"]}]}",
		&stats, &err) != 0)
		fail_msg("import: %s", err.msg);
	assert_int_equal(stats.orgs, 1);
	assert_int_equal(stats.memberships, 1);
	assert_int_equal(stats.resources, 1);
	assert_int_equal(store_org_get_by_name(f->st, "Example ISP", &org, &err), 0);
	assert_int_equal(org.class, ORG_CLASS_OES);
	assert_string_equal(org.notes, "upstream");
	/* Fields the document leaves out keep their values. */
	assert_int_equal(org.kind, ORG_KIND_CONSTITUENT);
	org_clear(&org);
	assert_int_equal(store_is_member(f->st, f->liaison, f->isp, &err), 1);
	assert_int_equal(store_is_member(f->st, f->liaison, f->customer, &err), 1);
}

static void test_json_shapes(void **state)
{
	struct sk_error err = {0};
	struct org org;
	struct contact c;
	struct resource r;
	json_t *v, *obj;

	(void)state;
	org_init(&org);
	obj = json_pack("{s:s, s:s, s:s, s:s, s:n}", "name", "Example Water", "kind",
			"constituent", "class", "oes", "country", "nl", "notes");
	assert_int_equal(exchange_org_apply(&org, obj, &err), 0);
	json_decref(obj);
	assert_string_equal(org.country, "NL");
	v = exchange_org_json(&org);
	assert_string_equal(json_string_value(json_object_get(v, "class")), "oes");
	assert_true(json_is_null(json_object_get(v, "notes")));
	json_decref(v);
	/* A failed apply changes nothing. */
	obj = json_pack("{s:s, s:i}", "class", "public", "name", 3);
	assert_int_equal(exchange_org_apply(&org, obj, &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "\"name\" must be a string"));
	assert_int_equal(org.class, ORG_CLASS_OES);
	json_decref(obj);
	org_clear(&org);

	contact_init(&c);
	obj = json_pack("{s:s, s:s, s:[s,s]}", "name", "SOC", "email", "soc@example.nl",
			"languages", "en", "nl");
	assert_int_equal(exchange_contact_apply(&c, obj, &err), 0);
	json_decref(obj);
	assert_string_equal(c.languages, "nl,en");
	v = exchange_contact_json(&c);
	assert_int_equal(json_array_size(json_object_get(v, "languages")), 2);
	assert_string_equal(
	    json_string_value(json_array_get(json_object_get(v, "languages"), 0)), "nl");
	json_decref(v);
	contact_clear(&c);

	v = json_string("asn:AS64500");
	assert_int_equal(exchange_resource_parse(v, &r, &err), 0);
	assert_int_equal(r.type, RESOURCE_ASN);
	json_decref(v);
	v = json_pack("{s:s, s:s}", "type", "domain", "value", "198.51.100.0/24");
	assert_int_equal(exchange_resource_parse(v, &r, &err), SK_EINVAL);
	json_decref(v);
	v = json_pack("{s:s, s:s}", "type", "url", "value", "example.be");
	assert_int_equal(exchange_resource_parse(v, &r, &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "url"));
	json_decref(v);
	v = json_integer(5);
	assert_int_equal(exchange_resource_parse(v, &r, &err), SK_EINVAL);
	json_decref(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_whois_order, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_whois_callback_stops, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_overlaps, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_overlaps_none, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_access, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_import_good, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_import_all_or_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_import_updates, setup, teardown),
	    cmocka_unit_test(test_json_shapes),
	};

	testdb_skip_if_unavailable();
	return cmocka_run_group_tests_name("registry", tests, NULL, NULL);
}
