/* tests/unit/test_org.c: organization and contact fields are validated
 * with messages that say what is allowed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_org_fields),
		cmocka_unit_test(test_contact_fields),
	};

	return cmocka_run_group_tests_name("org", tests, NULL, NULL);
}
