/* tests/unit/test_constituency.c: the registry operations both front
 * doors call (src/registry/constituency.c), on the store testdb.h
 * names: a partner changes nothing and reads only its own organization
 * and a liaison's members; changes are all or nothing and leave their
 * audit rows; whois, overlaps, export and the audit log follow access. */
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
#include "registry/constituency.h"
#include "registry/exchange.h"
#include "store/store.h"
#include "testdb.h"

struct fixture {
	char dir[64];
	char url[256];
	struct store *st;
	int64_t liaison, member, other;
	struct user admin, analyst, pl, pm, po;
};

static struct user user_of(const char *name, enum user_role role, int64_t org)
{
	struct user u;

	memset(&u, 0, sizeof(u));
	snprintf(u.name, sizeof(u.name), "%s", name);
	u.role = role;
	u.org_id = org;
	return u;
}

static int64_t add_org(struct fixture *f, const char *name, const char *kind)
{
	struct sk_error err = {0};
	struct org org;
	int64_t id;

	org_init(&org);
	assert_int_equal(org_set_field(&org, "name", name, &err), 0);
	assert_int_equal(org_set_field(&org, "kind", kind, &err), 0);
	assert_int_equal(org_set_field(&org, "class", "oes", &err), 0);
	if (registry_org_add(f->st, &f->admin, &org, NULL, 0, &err) != 0)
		fail_msg("org add %s: %s", name, err.msg);
	id = org.id;
	org_clear(&org);
	return id;
}

static struct resource res(const char *text)
{
	struct sk_error err = {0};
	struct resource r;

	memset(&r, 0, sizeof(r));
	if (resource_parse(text, &r, &err) != 0)
		fail_msg("%s: %s", text, err.msg);
	return r;
}

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	struct sk_error err = {0};
	struct resource r[2];
	struct contact c;

	snprintf(f->dir, sizeof(f->dir), "/tmp/test_constituency.XXXXXX");
	if (mkdtemp(f->dir) == NULL || testdb_new_url(f->dir, "c", f->url, sizeof(f->url)) != 0)
		return -1;
	if ((f->st = store_open(f->url, &err)) == NULL)
		return -1;
	store_set_actor(f->st, "test");
	f->admin = user_of("alice", USER_ROLE_ADMIN, 0);
	f->analyst = user_of("ann", USER_ROLE_ANALYST, 0);
	f->liaison = add_org(f, "Energy Sector CERT", "liaison");
	f->member = add_org(f, "Example Energy", "constituent");
	f->other = add_org(f, "Other Bank", "constituent");
	assert_int_equal(
	    registry_member_add(f->st, &f->admin, f->liaison, f->member, NULL, &err), 0);
	r[0] = res("198.51.100.0/24");
	r[1] = res("203.0.113.0/24");
	assert_int_equal(registry_resource_add(f->st, &f->admin, f->member, &r[0], 1, &err), 0);
	assert_int_equal(registry_resource_add(f->st, &f->admin, f->other, &r[1], 1, &err), 0);
	contact_init(&c);
	assert_int_equal(contact_set_field(&c, "name", "Abuse", &err), 0);
	assert_int_equal(contact_set_field(&c, "email", "abuse@energy.example", &err), 0);
	c.org_id = f->member;
	assert_int_equal(registry_contact_add(f->st, &f->analyst, &c, &err), 0);
	contact_clear(&c);
	f->pl = user_of("pat", USER_ROLE_PARTNER, f->liaison);
	f->pm = user_of("eve", USER_ROLE_PARTNER, f->member);
	f->po = user_of("bob", USER_ROLE_PARTNER, f->other);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	store_close(f->st);
	testdb_drop_url(f->url);
	testdb_remove_dir(f->dir);
	free(f);
	return 0;
}

static int count_audit(const struct audit_entry *e, void *ctx)
{
	(void)e;
	(*(int *)ctx)++;
	return 0;
}

static int audit_rows(struct fixture *f)
{
	struct audit_filter all = {0};
	struct sk_error err = {0};
	int n = 0;

	assert_int_equal(
	    registry_audit_find(f->st, &f->admin, &all, count_audit, &n, NULL, &err), 0);
	return n;
}

/* The whole registry as exported: what a refused change must not touch. */
static char *snapshot(struct fixture *f)
{
	struct sk_error err = {0};
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	assert_int_equal(registry_export(f->st, &f->admin, out, &err), 0);
	fclose(out);
	return text;
}

static int set_notes(struct org *org, void *ctx, struct sk_error *err)
{
	(void)ctx;
	return org_set_field(org, "notes", "changed", err);
}

static int edit_fails(struct org *org, void *ctx, struct sk_error *err)
{
	int rc = org_set_field(org, "notes", "half", err);

	(void)ctx;
	return rc != 0 ? rc : org_set_field(org, "kind", "cooperative", err);
}

/* No partner changes anything, whatever it names; staff can. */
static void test_partners_change_nothing(void **state)
{
	struct fixture *f = *state;
	const struct user *partners[] = {&f->pl, &f->pm, &f->po, NULL};
	char *before = snapshot(f), *after;
	int rows = audit_rows(f);

	for (int i = 0; i < 4; i++) {
		const struct user *u = partners[i];
		struct sk_error err = {0};
		struct resource r = res("192.0.2.0/24");
		struct contact c;
		struct org org;
		bool was;

		org_init(&org);
		assert_int_equal(org_set_field(&org, "name", "Sneaky", &err), 0);
		assert_int_equal(org_set_field(&org, "kind", "constituent", &err), 0);
		assert_int_equal(org_set_field(&org, "class", "private", &err), 0);
		assert_int_equal(registry_org_add(f->st, u, &org, NULL, 0, &err), SK_EPERM);
		org_clear(&org);
		assert_int_equal(
		    registry_org_update(f->st, u, f->member, set_notes, NULL, NULL, &err),
		    SK_EPERM);
		assert_int_equal(registry_org_remove(f->st, u, f->member, NULL, &err),
				 SK_EPERM);
		assert_int_equal(
		    registry_member_add(f->st, u, f->liaison, f->other, &was, &err), SK_EPERM);
		assert_int_equal(registry_member_remove(f->st, u, f->liaison, f->member, &err),
				 SK_EPERM);
		assert_int_equal(registry_resource_add(f->st, u, f->member, &r, 1, &err),
				 SK_EPERM);
		assert_int_equal(registry_resource_remove(f->st, u, f->member, 1, NULL, &err),
				 SK_EPERM);
		contact_init(&c);
		assert_int_equal(contact_set_field(&c, "name", "Mine", &err), 0);
		assert_int_equal(contact_set_field(&c, "email", "mine@energy.example", &err),
				 0);
		c.org_id = f->member;
		assert_int_equal(registry_contact_add(f->st, u, &c, &err), SK_EPERM);
		contact_clear(&c);
		assert_int_equal(registry_contact_remove(f->st, u, f->member, 1, NULL, &err),
				 SK_EPERM);
		assert_int_equal(registry_export(f->st, u, stdout, &err), SK_EPERM);
		assert_int_equal(registry_audit_find(f->st, u, &(struct audit_filter){0},
						     count_audit, &(int){0}, NULL, &err),
				 SK_EPERM);
	}
	after = snapshot(f);
	assert_string_equal(after, before);
	assert_int_equal(audit_rows(f), rows);
	free(after);
	free(before);
}

/* What each partner reads: its own, a liaison's members, nothing else;
 * an unreadable organization is "not found" as a missing one is. */
static void test_partner_reads(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct org_list orgs = {0};
	struct resource_list rl = {0};
	struct contact_list cl = {0};
	struct resource r;
	struct contact c;
	struct org org;

	assert_int_equal(registry_org_list(f->st, &f->pl, &orgs, &err), 0);
	assert_int_equal(orgs.n, 2); /* itself and its member */
	org_list_free(&orgs);
	assert_int_equal(registry_org_list(f->st, &f->pm, &orgs, &err), 0);
	assert_int_equal(orgs.n, 1);
	assert_int_equal(orgs.v[0].id, f->member);
	org_list_free(&orgs);
	assert_int_equal(registry_org_list(f->st, &f->analyst, &orgs, &err), 0);
	assert_int_equal(orgs.n, 3);
	org_list_free(&orgs);

	assert_int_equal(registry_org_get(f->st, &f->po, f->member, &org, &err), SK_ENOTFOUND);
	assert_string_equal(err.msg, "organization 2 not found");
	assert_int_equal(registry_org_find(f->st, &f->po, "Example Energy", &org, &err),
			 SK_ENOTFOUND);
	assert_int_equal(registry_org_find(f->st, &f->pl, "Example Energy", &org, &err), 0);
	org_clear(&org);

	/* Resources and contacts of every readable organization. */
	assert_int_equal(registry_resource_list(f->st, &f->pl, 0, &rl, &err), 0);
	assert_int_equal(rl.n, 1);
	assert_int_equal(rl.v[0].org_id, f->member);
	resource_list_free(&rl);
	assert_int_equal(registry_resource_list(f->st, &f->po, f->member, &rl, &err),
			 SK_ENOTFOUND);
	assert_int_equal(registry_resource_get(f->st, &f->po, 0, 1, &r, &err), SK_ENOTFOUND);
	assert_int_equal(registry_resource_get(f->st, &f->pm, 0, 1, &r, &err), 0);
	/* A resource under the wrong organization is not found, for anyone. */
	assert_int_equal(registry_resource_get(f->st, &f->admin, f->other, 1, &r, &err),
			 SK_ENOTFOUND);
	assert_int_equal(registry_contact_list(f->st, &f->po, 0, &cl, &err), 0);
	assert_int_equal(cl.n, 0);
	contact_list_free(&cl);
	assert_int_equal(registry_contact_list(f->st, &f->pl, 0, &cl, &err), 0);
	assert_int_equal(cl.n, 1);
	contact_list_free(&cl);
	assert_int_equal(registry_contact_get(f->st, &f->po, 0, 1, &c, &err), SK_ENOTFOUND);
	assert_int_equal(registry_contact_get(f->st, &f->pl, f->member, 1, &c, &err), 0);
	contact_clear(&c);

	/* Memberships: the member's partner does not read its liaison. */
	assert_int_equal(registry_liaison_list(f->st, &f->pm, f->member, &orgs, &err), 0);
	assert_int_equal(orgs.n, 0);
	org_list_free(&orgs);
	assert_int_equal(registry_member_list(f->st, &f->pm, f->liaison, &orgs, &err),
			 SK_ENOTFOUND);
	assert_int_equal(registry_member_list(f->st, &f->pl, f->liaison, &orgs, &err), 0);
	assert_int_equal(orgs.n, 1);
	org_list_free(&orgs);
}

static int count_owner(const struct org *org, const struct resource *via, void *ctx)
{
	(void)org;
	(void)via;
	(*(int *)ctx)++;
	return 0;
}

static int count_overlap(const struct org *a, const struct resource *b, const struct org *c,
			 const struct resource *d, void *ctx)
{
	(void)a, (void)b, (void)c, (void)d;
	(*(int *)ctx)++;
	return 0;
}

static void test_questions(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	int n = 0;

	assert_int_equal(
	    registry_whois_as(f->st, &f->pl, "198.51.100.7", count_owner, &n, &err), 0);
	assert_int_equal(n, 1);
	n = 0;
	assert_int_equal(
	    registry_whois_as(f->st, &f->po, "198.51.100.7", count_owner, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(
	    registry_whois_as(f->st, &f->analyst, "198.51.100.7", count_owner, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(registry_overlaps_as(f->st, &f->pl, count_overlap, &n, &err),
			 SK_EPERM);
	assert_int_equal(registry_overlaps_as(f->st, &f->admin, count_overlap, &n, &err), 0);
}

/* Changes are all or nothing, each with its audit row. */
static void test_changes(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct resource two[2] = {res("192.0.2.0/24"), res("198.51.100.0/24")};
	struct org org;
	char *before = snapshot(f), *after;
	int rows = audit_rows(f);
	bool was = true;

	/* A duplicate in a batch stores none of it, and names it. */
	assert_int_equal(registry_resource_add(f->st, &f->admin, f->member, two, 2, &err),
			 SK_EEXIST);
	assert_string_equal(err.msg, "Example Energy already has prefix 198.51.100.0/24");
	/* An edit that fails half-way stores nothing. */
	assert_int_equal(
	    registry_org_update(f->st, &f->admin, f->member, edit_fails, NULL, NULL, &err),
	    SK_EINVAL);
	/* Only liaisons have members; nobody is its own member. */
	assert_int_equal(registry_member_add(f->st, &f->admin, f->other, f->member, &was, &err),
			 SK_EINVAL);
	assert_int_equal(
	    registry_member_add(f->st, &f->admin, f->liaison, f->liaison, &was, &err),
	    SK_EINVAL);
	after = snapshot(f);
	assert_string_equal(after, before);
	free(after);
	free(before);
	assert_int_equal(audit_rows(f), rows);

	assert_int_equal(
	    registry_member_add(f->st, &f->admin, f->liaison, f->member, &was, &err), 0);
	assert_true(was);
	assert_int_equal(
	    registry_member_add(f->st, &f->analyst, f->liaison, f->other, &was, &err), 0);
	assert_false(was);
	assert_int_equal(
	    registry_org_update(f->st, &f->analyst, f->member, set_notes, NULL, &org, &err), 0);
	assert_string_equal(org.notes, "changed");
	org_clear(&org);
	assert_int_equal(registry_org_remove(f->st, &f->admin, f->other, &org, &err), 0);
	assert_string_equal(org.name, "Other Bank");
	org_clear(&org);
	assert_int_equal(registry_member_remove(f->st, &f->admin, f->liaison, f->member, &err),
			 0);
	assert_int_equal(registry_member_remove(f->st, &f->admin, f->liaison, f->member, &err),
			 SK_ENOTFOUND);
	/* member add, org update, org remove, member remove. */
	assert_true(audit_rows(f) >= rows + 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_partners_change_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_partner_reads, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_questions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_changes, setup, teardown),
	};

	testdb_skip_if_unavailable();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
