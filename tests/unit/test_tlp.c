/* tests/unit/test_tlp.c: TLP labels are read in every spelling a partner
 * writes and printed canonically, and the sharing policy answers every
 * label x relation cell as docs/tlp.md says. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "lib/error.h"
#include "model/tlp.h"

static enum tlp_label parsed(const char *text)
{
	struct sk_error err = {0};
	enum tlp_label label = TLP_RED;

	if (tlp_parse(text, &label, &err) != 0)
		fail_msg("'%s': %s", text, err.msg);
	return label;
}

static void refused(const char *text, const char *want)
{
	struct sk_error err = {0};
	enum tlp_label label = TLP_GREEN;

	assert_int_equal(tlp_parse(text, &label, &err), SK_EINVAL);
	assert_int_equal(err.code, SK_EINVAL);
	if (strstr(err.msg, want) == NULL)
		fail_msg("'%s': message '%s' lacks '%s'", text ? text : "(null)", err.msg,
			 want);
	assert_int_equal(label, TLP_GREEN); /* untouched on failure */
}

static void test_parse(void **state)
{
	(void)state;
	assert_int_equal(parsed("TLP:RED"), TLP_RED);
	assert_int_equal(parsed("RED"), TLP_RED);
	assert_int_equal(parsed("tlp:red"), TLP_RED);
	assert_int_equal(parsed("TLP:AMBER+STRICT"), TLP_AMBER_STRICT);
	assert_int_equal(parsed("amber+strict"), TLP_AMBER_STRICT);
	assert_int_equal(parsed("Tlp:Amber+Strict"), TLP_AMBER_STRICT);
	assert_int_equal(parsed("tlp:amber"), TLP_AMBER);
	assert_int_equal(parsed("AMBER"), TLP_AMBER);
	assert_int_equal(parsed("TLP:GREEN"), TLP_GREEN);
	assert_int_equal(parsed("green"), TLP_GREEN);
	assert_int_equal(parsed("TLP:CLEAR"), TLP_CLEAR);
	assert_int_equal(parsed("clear"), TLP_CLEAR);
	/* TLP 1.0 WHITE is TLP 2.0 CLEAR */
	assert_int_equal(parsed("white"), TLP_CLEAR);
	assert_int_equal(parsed("TLP:WHITE"), TLP_CLEAR);
}

static void test_parse_refused(void **state)
{
	(void)state;
	refused(NULL, "empty text");
	refused("", "empty text");
	refused(" AMBER", "leading or trailing spaces");
	refused("AMBER ", "leading or trailing spaces");
	refused("TLP:AMBER\t", "leading or trailing spaces");
	refused("TLP: AMBER", "'TLP: AMBER' is not a TLP label");
	refused("TLP:", "is not a TLP label");
	refused("TLP", "is not a TLP label");
	refused("ORANGE", "'ORANGE' is not a TLP label (TLP:RED, TLP:AMBER+STRICT");
	refused("AMBER STRICT", "is not a TLP label");
	refused("AMBER+", "is not a TLP label");
	refused("TLP:TLP:RED", "is not a TLP label");
	refused("PAP:RED", "is not a TLP label");
	refused("RED\nX", "'RED\\x0aX' is not a TLP label");
	refused("TLP:AMBER+STRICT-AND-THEN-SOME-MORE-TEXT", "too long");
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(tlp_name(TLP_RED), "TLP:RED");
	assert_string_equal(tlp_name(TLP_AMBER_STRICT), "TLP:AMBER+STRICT");
	assert_string_equal(tlp_name(TLP_AMBER), "TLP:AMBER");
	assert_string_equal(tlp_name(TLP_GREEN), "TLP:GREEN");
	assert_string_equal(tlp_name(TLP_CLEAR), "TLP:CLEAR");
	assert_string_equal(tlp_word(TLP_AMBER_STRICT), "AMBER+STRICT");
	assert_null(tlp_name((enum tlp_label)TLP_LABEL_COUNT));
	assert_null(tlp_word((enum tlp_label) - 1));
	/* every name reads back as itself */
	for (int l = 0; l < TLP_LABEL_COUNT; l++)
		assert_int_equal(parsed(tlp_name((enum tlp_label)l)), l);
	assert_string_equal(tlp_relation_names[TLP_REL_LIAISON], "liaison");
	assert_string_equal(tlp_relation_names[TLP_REL_SOURCE_MEMBER], "source-member");
	assert_null(tlp_relation_names[TLP_RELATION_COUNT]);
}

static void test_stricter(void **state)
{
	(void)state;
	assert_int_equal(tlp_stricter(TLP_CLEAR, TLP_GREEN), TLP_GREEN);
	assert_int_equal(tlp_stricter(TLP_AMBER_STRICT, TLP_AMBER), TLP_AMBER_STRICT);
	assert_int_equal(tlp_stricter(TLP_RED, TLP_AMBER_STRICT), TLP_RED);
	assert_int_equal(tlp_stricter(TLP_GREEN, TLP_GREEN), TLP_GREEN);
	assert_int_equal(tlp_stricter((enum tlp_label)42, TLP_CLEAR), TLP_RED);
}

/* receive, pass on, need to know; written out here independently of the
 * table in tlp.c */
struct cell {
	enum tlp_label label;
	enum tlp_relation rel;
	bool receive, pass_on, need_to_know;
};

static const struct cell expected[] = {
    /* RED: named recipients only, nothing passed on */
    {TLP_RED, TLP_REL_NAMED, true, false, false},
    {TLP_RED, TLP_REL_CONCERNED, false, false, false},
    {TLP_RED, TLP_REL_LIAISON, false, false, false},
    {TLP_RED, TLP_REL_COMMUNITY, false, false, false},
    {TLP_RED, TLP_REL_PUBLIC, false, false, false},
    {TLP_RED, TLP_REL_SOURCE, false, false, false},
    {TLP_RED, TLP_REL_SOURCE_MEMBER, false, false, false},
    /* AMBER+STRICT: the concerned organization only; its liaison gets nothing */
    {TLP_AMBER_STRICT, TLP_REL_NAMED, true, false, false},
    {TLP_AMBER_STRICT, TLP_REL_CONCERNED, true, false, false},
    {TLP_AMBER_STRICT, TLP_REL_LIAISON, false, false, false},
    {TLP_AMBER_STRICT, TLP_REL_COMMUNITY, false, false, false},
    {TLP_AMBER_STRICT, TLP_REL_PUBLIC, false, false, false},
    {TLP_AMBER_STRICT, TLP_REL_SOURCE, false, false, false},
    {TLP_AMBER_STRICT, TLP_REL_SOURCE_MEMBER, false, false, false},
    /* AMBER: concerned organization and, need-to-know, its clients; a
     * liaison passes it to the member concerned only */
    {TLP_AMBER, TLP_REL_NAMED, true, true, true},
    {TLP_AMBER, TLP_REL_CONCERNED, true, true, true},
    {TLP_AMBER, TLP_REL_LIAISON, true, true, true},
    {TLP_AMBER, TLP_REL_COMMUNITY, false, false, false},
    {TLP_AMBER, TLP_REL_PUBLIC, false, false, false},
    {TLP_AMBER, TLP_REL_SOURCE, false, false, false},
    {TLP_AMBER, TLP_REL_SOURCE_MEMBER, true, true, true},
    /* GREEN: the community, passed on within it */
    {TLP_GREEN, TLP_REL_NAMED, true, true, false},
    {TLP_GREEN, TLP_REL_CONCERNED, true, true, false},
    {TLP_GREEN, TLP_REL_LIAISON, true, true, false},
    {TLP_GREEN, TLP_REL_COMMUNITY, true, true, false},
    {TLP_GREEN, TLP_REL_PUBLIC, false, false, false},
    {TLP_GREEN, TLP_REL_SOURCE, false, false, false},
    {TLP_GREEN, TLP_REL_SOURCE_MEMBER, true, true, false},
    /* CLEAR: anyone. Shared back (every label): never to the source
     * itself; to its members as far as the national CSIRT may share
     * beyond itself (AMBER need-to-know, GREEN, CLEAR) */
    {TLP_CLEAR, TLP_REL_NAMED, true, true, false},
    {TLP_CLEAR, TLP_REL_CONCERNED, true, true, false},
    {TLP_CLEAR, TLP_REL_LIAISON, true, true, false},
    {TLP_CLEAR, TLP_REL_COMMUNITY, true, true, false},
    {TLP_CLEAR, TLP_REL_PUBLIC, true, true, false},
    {TLP_CLEAR, TLP_REL_SOURCE, false, false, false},
    {TLP_CLEAR, TLP_REL_SOURCE_MEMBER, true, true, false},
};

static void test_policy_table(void **state)
{
	bool seen[TLP_LABEL_COUNT][TLP_RELATION_COUNT] = {{false}};

	(void)state;
	assert_int_equal(sizeof(expected) / sizeof(expected[0]),
			 TLP_LABEL_COUNT * TLP_RELATION_COUNT);
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		const struct cell *c = &expected[i];
		struct tlp_permission p = tlp_policy(c->label, c->rel);

		if (p.receive != c->receive || p.pass_on != c->pass_on ||
		    p.need_to_know != c->need_to_know)
			fail_msg("%s to %s: got receive=%d pass_on=%d need_to_know=%d, want "
				 "%d %d %d",
				 tlp_name(c->label), tlp_relation_names[c->rel], p.receive,
				 p.pass_on, p.need_to_know, c->receive, c->pass_on,
				 c->need_to_know);
		assert_false(seen[c->label][c->rel]);
		seen[c->label][c->rel] = true;
	}
}

/* Properties that must hold whatever the table says. */
static void test_policy_invariants(void **state)
{
	(void)state;
	for (int l = 0; l < TLP_LABEL_COUNT; l++) {
		for (int r = 0; r < TLP_RELATION_COUNT; r++) {
			struct tlp_permission p =
			    tlp_policy((enum tlp_label)l, (enum tlp_relation)r);
			struct tlp_permission named =
			    tlp_policy((enum tlp_label)l, TLP_REL_NAMED);

			if (p.pass_on)
				assert_true(p.receive);
			if (p.need_to_know)
				assert_true(p.pass_on);
			/* a named recipient receives every label */
			assert_true(named.receive);
			/* a stricter label never grants more */
			if (l + 1 < TLP_LABEL_COUNT) {
				struct tlp_permission s =
				    tlp_policy((enum tlp_label)(l + 1), (enum tlp_relation)r);

				assert_true(!s.receive || p.receive);
				assert_true(!s.pass_on || p.pass_on);
			}
		}
	}
}

static void test_policy_out_of_range(void **state)
{
	struct tlp_permission p;

	(void)state;
	p = tlp_policy((enum tlp_label)TLP_LABEL_COUNT, TLP_REL_NAMED);
	assert_false(p.receive || p.pass_on || p.need_to_know);
	p = tlp_policy((enum tlp_label) - 1, TLP_REL_PUBLIC);
	assert_false(p.receive || p.pass_on || p.need_to_know);
	p = tlp_policy(TLP_CLEAR, (enum tlp_relation)TLP_RELATION_COUNT);
	assert_false(p.receive || p.pass_on || p.need_to_know);
	p = tlp_policy(TLP_CLEAR, (enum tlp_relation) - 7);
	assert_false(p.receive || p.pass_on || p.need_to_know);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_parse_refused),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_stricter),
	    cmocka_unit_test(test_policy_table),
	    cmocka_unit_test(test_policy_invariants),
	    cmocka_unit_test(test_policy_out_of_range),
	};

	return cmocka_run_group_tests_name("tlp", tests, NULL, NULL);
}
