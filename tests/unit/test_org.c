/* tests/unit/test_org.c: organization and contact fields are validated
 * with messages that say what is allowed; the lists a store walk fills
 * keep their own copies and find organizations by id. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "lib/error.h"
#include "model/org.h"

static void test_org_fields(void **state)
{
	struct sk_error err = { 0 };
	struct org org, copy;

	(void)state;
	org_init(&org);
	assert_int_equal(org_validate(&org, &err), SK_EINVAL);
	assert_int_equal(org_set_field(&org, "name", "Example Energy", &err), 0);
	assert_int_equal(org_set_field(&org, "kind", "liaison", &err), 0);
	assert_int_equal(org.kind, ORG_KIND_LIAISON);
	assert_int_equal(org_set_field(&org, "class", "oes", &err), 0);
	assert_int_equal(org_set_field(&org, "sector", "energy/electricity", &err), 0);
	assert_int_equal(org_set_field(&org, "country", "be", &err), 0);
	assert_string_equal(org.country, "BE");
	assert_int_equal(org_validate(&org, &err), 0);

	org_copy(&copy, &org);
	assert_string_equal(copy.name, "Example Energy");
	assert_ptr_not_equal(copy.name, org.name);
	org_clear(&copy);

	assert_int_equal(org_set_field(&org, "class", "big", &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "essential-public"));
	assert_int_equal(org_set_field(&org, "sector", "energy", &err), SK_EINVAL);
	assert_int_equal(org_set_field(&org, "country", "BEL", &err), SK_EINVAL);
	assert_int_equal(org_set_field(&org, "name", "", &err), SK_EINVAL);
	assert_int_equal(org_set_field(&org, "name", " padded", &err), SK_EINVAL);
	assert_int_equal(org_set_field(&org, "name", "bad\x01name", &err), SK_EINVAL);
	assert_int_equal(org_set_field(&org, "colour", "red", &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "unknown field"));
	/* Failed sets leave the organization as it was. */
	assert_string_equal(org.name, "Example Energy");
	assert_int_equal(org.class, ORG_CLASS_OES);
	org_clear(&org);
}

static void test_contact_fields(void **state)
{
	struct sk_error err = { 0 };
	struct contact c;

	(void)state;
	contact_init(&c);
	assert_int_equal(contact_set_field(&c, "name", "Duty Officer", &err), 0);
	assert_int_equal(contact_set_field(&c, "email", "soc@example.be", &err), 0);
	assert_int_equal(contact_set_field(&c, "phone", "+32 2 555 01 23", &err), 0);
	assert_int_equal(contact_set_field(&c, "role", "operational-24x7", &err), 0);
	assert_int_equal(contact_set_field(&c, "languages", "EN, nl", &err), 0);
	assert_string_equal(c.languages, "nl,en");
	assert_int_equal(contact_set_field(&c, "pgp",
					   "0123 4567 89ab cdef 0123 4567 89AB CDEF 0123 4567",
					   &err), 0);
	assert_string_equal(c.pgp_fpr, "0123456789ABCDEF0123456789ABCDEF01234567");
	assert_int_equal(contact_validate(&c, &err), 0);

	assert_int_equal(contact_set_field(&c, "email", "no-at-sign", &err), SK_EINVAL);
	assert_int_equal(contact_set_field(&c, "email", "a@b@example.be", &err), SK_EINVAL);
	assert_int_equal(contact_set_field(&c, "phone", "call me", &err), SK_EINVAL);
	assert_int_equal(contact_set_field(&c, "languages", "nl,es", &err), SK_EINVAL);
	assert_int_equal(contact_set_field(&c, "pgp", "0123", &err), SK_EINVAL);
	assert_int_equal(contact_set_field(&c, "role", "ceo", &err), SK_EINVAL);
	assert_string_equal(c.email, "soc@example.be");
	contact_clear(&c);
}

/* An organization with id and name, owned by the caller. */
static void make_org(struct org *org, int64_t id, const char *name)
{
	struct sk_error err = { 0 };

	org_init(org);
	org->id = id;
	assert_int_equal(org_set_field(org, "name", name, &err), 0);
}

static void test_org_list(void **state)
{
	static const int64_t ids[] = { 42, 7, 1000, 3, 19 };
	static const char *const names[] = { "Forty-two", "Seven", "Thousand", "Three",
					     "Nineteen" };
	struct org_list l = { 0 };
	struct org org;

	(void)state;
	/* Empty: nothing to sort, nothing to find. */
	org_list_sort_by_id(&l);
	assert_null(org_list_find_id(&l, 7));
	for (size_t i = 0; i < 5; i++) {
		make_org(&org, ids[i], names[i]);
		assert_int_equal(org_list_push(&org, &l), 0);
		/* The list holds its own copy. */
		org_clear(&org);
	}
	assert_int_equal(l.n, 5);
	assert_string_equal(l.v[0].name, "Forty-two");
	assert_string_equal(l.v[4].name, "Nineteen");

	org_list_sort_by_id(&l);
	for (size_t i = 1; i < l.n; i++)
		assert_true(l.v[i - 1].id < l.v[i].id);
	for (size_t i = 0; i < 5; i++) {
		const struct org *hit = org_list_find_id(&l, ids[i]);

		assert_non_null(hit);
		assert_int_equal(hit->id, ids[i]);
		assert_string_equal(hit->name, names[i]);
	}
	assert_null(org_list_find_id(&l, 8));
	assert_null(org_list_find_id(&l, 0));
	assert_null(org_list_find_id(&l, 1001));

	org_list_free(&l);
	assert_int_equal(l.n, 0);
	assert_null(l.v);
	assert_null(org_list_find_id(&l, 42));
	org_list_free(NULL);
}

/* Growing past the first allocation keeps every element intact. */
static void test_org_list_grows(void **state)
{
	struct org_list l = { 0 };
	struct org org;
	char name[32];

	(void)state;
	for (int64_t id = 100; id >= 1; id--) {
		snprintf(name, sizeof(name), "Org %lld", (long long)id);
		make_org(&org, id, name);
		org_list_push(&org, &l);
		org_clear(&org);
	}
	assert_int_equal(l.n, 100);
	org_list_sort_by_id(&l);
	assert_int_equal(l.v[0].id, 1);
	assert_string_equal(l.v[0].name, "Org 1");
	assert_string_equal(org_list_find_id(&l, 64)->name, "Org 64");
	assert_string_equal(org_list_find_id(&l, 100)->name, "Org 100");
	org_list_free(&l);
}

static void test_contact_list(void **state)
{
	struct sk_error err = { 0 };
	struct contact_list l = { 0 };
	struct contact c;

	(void)state;
	contact_init(&c);
	c.id = 5;
	c.org_id = 42;
	assert_int_equal(contact_set_field(&c, "name", "Duty Officer", &err), 0);
	assert_int_equal(contact_set_field(&c, "email", "soc@example.be", &err), 0);
	assert_int_equal(contact_list_push(&c, &l), 0);
	assert_int_equal(contact_set_field(&c, "email", "abuse@example.be", &err), 0);
	c.id = 6;
	assert_int_equal(contact_list_push(&c, &l), 0);
	contact_clear(&c);

	assert_int_equal(l.n, 2);
	assert_int_equal(l.v[0].id, 5);
	assert_int_equal(l.v[0].org_id, 42);
	assert_string_equal(l.v[0].email, "soc@example.be");
	assert_string_equal(l.v[1].email, "abuse@example.be");
	contact_list_free(&l);
	assert_int_equal(l.n, 0);
	assert_null(l.v);
	contact_list_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_org_fields),
		cmocka_unit_test(test_contact_fields),
		cmocka_unit_test(test_org_list),
		cmocka_unit_test(test_org_list_grows),
		cmocka_unit_test(test_contact_list),
	};

	return cmocka_run_group_tests_name("org", tests, NULL, NULL);
}
