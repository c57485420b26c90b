/* tests/unit/test_audience.c: an advisory's audience resolves to the
 * organizations a CSIRT would name: active partners of the classes and
 * sectors given, organizations by id, those whose assets match an
 * affected product within its version range, and liaisons for their
 * members; the TLP policy leaves out who may not receive it. And the
 * workflow around it: a second analyst reviews, a partner sees only what
 * reaches it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "advisory/asset.h"
#include "advisory/audience.h"
#include "advisory/workflow.h"
#include "lib/error.h"
#include "store/store.h"
#include "testdb.h"

struct fix {
	struct testdb db;
	struct testdb_sector s; /* liaison, energy, water (its members), bank */
	int64_t applicant;
	struct user ann, ben, staff;
};

static int setup(void **state)
{
	static struct fix f;
	struct sk_error err = {0};
	struct org o = {0};

	memset(&f, 0, sizeof(f));
	if (testdb_open(&f.db, "audience") != 0 || testdb_sector_add(f.db.st, "oes", &f.s) != 0)
		return -1;
	f.applicant =
	    testdb_org_add_as(f.db.st, "Example Applicant", "constituent", "oes", "banking");
	if (store_org_get(f.db.st, f.applicant, &o, &err) != 0)
		return -1;
	o.status = ORG_STATUS_APPLIED;
	if (store_org_update(f.db.st, &o, &err) != 0)
		return -1;
	org_clear(&o);
	f.ann = testdb_user("ann", USER_ROLE_ANALYST, 0);
	f.ben = testdb_user("ben", USER_ROLE_ANALYST, 0);
	f.staff = f.ann;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	testdb_close(&f->db);
	return 0;
}

/* An advisory read from JSON text. */
static void from(struct advisory *a, const char *text)
{
	struct sk_error err = {0};
	json_t *doc = json_loads(text, 0, NULL);

	assert_non_null(doc);
	advisory_init(a);
	if (advisory_set_json(a, doc, &err) != 0 || advisory_validate(a, false, &err) != 0)
		fail_msg("%s: %s", text, err.msg);
	json_decref(doc);
}

/* The resolved audience as "id:relation[/member]" joined by ",". */
static const char *resolved(struct fix *f, const char *text)
{
	static char out[512];
	struct advisory_recipients r = {0};
	struct sk_error err = {0};
	struct advisory a;
	size_t n = 0;

	from(&a, text);
	if (advisory_audience_resolve(f->db.st, &a, &r, &err) != 0)
		fail_msg("%s", err.msg);
	out[0] = '\0';
	for (size_t i = 0; i < r.n; i++) {
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%lld:%s", i ? "," : "",
				      (long long)r.v[i].org_id,
				      tlp_relation_names[r.v[i].relation]);
		if (r.v[i].member_id)
			n += (size_t)snprintf(out + n, sizeof(out) - n, "/%lld",
					      (long long)r.v[i].member_id);
	}
	advisory_recipients_free(&r);
	advisory_clear(&a);
	return out;
}

static void want(const char *got, const char *fmt, ...)
{
	char expect[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(expect, sizeof(expect), fmt, ap);
	va_end(ap);
	assert_string_equal(got, expect);
}

#define PRODUCT                                                                                \
	"\"products\": [{\"vendor\": \"Example Vendor\", \"product\": \"Gateway\", "           \
	"\"versions\": \">= 1.0, < 1.2.3\"}]"

static void test_selectors(void **state)
{
	struct fix *f = *state;

	/* All of class oes but the applicant; the liaison itself is named. */
	want(
	    resolved(
		f, "{\"title\": \"t\", \"tlp\": \"TLP:GREEN\", \"audience\": {\"all\": true}}"),
	    "%lld:named,%lld:named,%lld:named,%lld:named", (long long)f->s.liaison,
	    (long long)f->s.energy, (long long)f->s.water, (long long)f->s.bank);
	/* A member named: its liaison receives for it. */
	{
		char text[256];

		snprintf(text, sizeof(text),
			 "{\"title\": \"t\", \"tlp\": \"TLP:AMBER\", \"audience\": {\"orgs\": "
			 "[%lld]}}",
			 (long long)f->s.energy);
		want(resolved(f, text), "%lld:named,%lld:liaison/%lld", (long long)f->s.energy,
		     (long long)f->s.liaison, (long long)f->s.energy);
		/* TLP:AMBER+STRICT: no liaison. */
		snprintf(text, sizeof(text),
			 "{\"title\": \"t\", \"tlp\": \"TLP:AMBER+STRICT\", \"audience\": "
			 "{\"orgs\": [%lld]}}",
			 (long long)f->s.energy);
		want(resolved(f, text), "%lld:named", (long long)f->s.energy);
	}
	/* A sector nobody active is in: the applicant does not count. */
	want(resolved(f, "{\"title\": \"t\", \"audience\": {\"sectors\": [\"banking\"]}}"),
	     "%s", "");
	want(resolved(f, "{\"title\": \"t\", \"audience\": {\"classes\": [\"public\"]}}"), "%s",
	     "");
}

static void test_assets(void **state)
{
	struct fix *f = *state;
	struct sk_error err = {0};

	assert_int_equal(asset_add(f->db.st, &f->staff, f->s.bank,
				   "cpe:2.3:a:example_vendor:gateway:1.2.2:*:*:*:*:*:*:*", NULL,
				   &err),
			 0);
	assert_int_equal(asset_add(f->db.st, &f->staff, f->s.water,
				   "pkg:generic/example-vendor/gateway@1.2.3", NULL, &err),
			 0);
	assert_int_equal(asset_add(f->db.st, &f->staff, f->s.energy,
				   "cpe:2.3:a:other_vendor:gateway:1.0:*:*:*:*:*:*:*", NULL,
				   &err),
			 0);
	/* The same name twice: refused. */
	assert_int_equal(asset_add(f->db.st, &f->staff, f->s.bank,
				   "cpe:2.3:a:example_vendor:gateway:1.2.2:*:*:*:*:*:*:*", NULL,
				   &err),
			 SK_EEXIST);
	/* 1.2.2 lies in >= 1.0, < 1.2.3; 1.2.3 does not; another vendor never. */
	want(resolved(f, "{\"title\": \"t\", \"tlp\": \"TLP:AMBER+STRICT\", " PRODUCT
			 ", \"audience\": {\"by_assets\": true}}"),
	     "%lld:concerned", (long long)f->s.bank);
	/* TLP:RED reaches nobody concerned. */
	want(resolved(f, "{\"title\": \"t\", \"tlp\": \"TLP:RED\", " PRODUCT
			 ", \"audience\": {\"by_assets\": true}}"),
	     "%s", "");
	/* A partner may not add assets. */
	{
		struct user p = testdb_user("eve", USER_ROLE_PARTNER, f->s.bank);

		assert_int_equal(asset_add(f->db.st, &p, f->s.bank, "pkg:npm/x@1", NULL, &err),
				 SK_EPERM);
	}
}

static int set_doc(struct advisory *a, void *ctx, struct sk_error *err)
{
	json_t *doc = json_loads(ctx, 0, NULL);
	int rc = advisory_set_json(a, doc, err);

	json_decref(doc);
	return rc;
}

static void test_workflow(void **state)
{
	struct fix *f = *state;
	struct advisory_settings cfg = {.prefix = "CERT", .review = true};
	struct advisory_recipients r = {0};
	struct sk_error err = {0};
	struct advisory a, got;
	struct user eve = testdb_user("eve", USER_ROLE_PARTNER, f->s.bank);
	struct user wes = testdb_user("wes", USER_ROLE_PARTNER, f->s.water);
	char text[1024];

	snprintf(
	    text, sizeof(text),
	    "{\"title\": \"Gateway flaw\", \"summary\": \"s\", \"tlp\": \"TLP:AMBER\", " PRODUCT
	    ", \"probability\": {\"level\": \"high\"}, \"damage\": {\"level\": \"low\"}, "
	    "\"audience\": {\"orgs\": [%lld]}}",
	    (long long)f->s.bank);
	advisory_init(&a);
	advisory_init(&got);
	assert_int_equal(advisory_new(f->db.st, &f->ann, &cfg, set_doc, text, &a, &err), 0);
	assert_int_equal(strncmp(a.number, "CERT-", 5), 0);
	assert_int_equal(advisory_get(f->db.st, &eve, a.id, &got, &err), SK_ENOTFOUND);
	assert_int_equal(advisory_publish(f->db.st, &f->ann, &cfg, a.id, &r, &err), SK_EPERM);
	assert_int_equal(advisory_submit(f->db.st, &f->ann, a.id, &err), 0);
	assert_int_equal(advisory_approve(f->db.st, &f->ann, a.id, &err), SK_EPERM);
	assert_int_equal(advisory_approve(f->db.st, &f->ben, a.id, &err), 0);
	assert_int_equal(advisory_publish(f->db.st, &f->ann, &cfg, a.id, &r, &err), 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.v[0].org_id, f->s.bank);
	advisory_recipients_free(&r);
	assert_int_equal(advisory_get(f->db.st, &eve, a.id, &got, &err), 0);
	assert_string_equal(got.reviewer, "ben");
	assert_string_equal(advisory_label(&got), "Normal");
	assert_int_equal(advisory_get(f->db.st, &wes, a.id, &got, &err), SK_ENOTFOUND);
	/* An update that does not validate adds no revision. */
	assert_int_equal(advisory_update(f->db.st, &f->ann, a.id, "bad", set_doc,
					 "{\"cvss\": \"CVSS:3.1/AV:N\"}", NULL, &err),
			 SK_EINVAL);
	assert_non_null(strstr(err.msg, "cvss"));
	assert_int_equal(advisory_update(f->db.st, &f->ann, a.id, "Damage raised", set_doc,
					 "{\"damage\": {\"level\": \"high\"}}", NULL, &err),
			 0);
	assert_int_equal(advisory_get(f->db.st, &f->ben, a.id, &got, &err), 0);
	assert_int_equal(got.revision, 2);
	assert_int_equal(got.n_revisions, 2);
	assert_string_equal(advisory_label(&got), "Urgent");
	assert_int_equal(advisory_withdraw(f->db.st, &f->ann, a.id, "duplicate", &err), 0);
	assert_int_equal(advisory_get(f->db.st, &f->ben, a.id, &got, &err), 0);
	assert_int_equal(got.status, ADVISORY_WITHDRAWN);
	assert_int_equal(got.n_revisions, 2);
	assert_int_equal(advisory_withdraw(f->db.st, &f->ann, a.id, "again", &err), SK_EINVAL);
	advisory_clear(&a);
	advisory_clear(&got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_selectors),
	    cmocka_unit_test(test_assets),
	    cmocka_unit_test(test_workflow),
	};
	testdb_skip_if_unavailable();
	return cmocka_run_group_tests(tests, setup, teardown);
}
