/* model/tlp.c: TLP labels and the sharing policy, one table for the whole
 * system. SECURITY: tlp_parse reads outside input: at most TLP_INPUT_MAX
 * bytes are looked at, nothing is allocated, and input quoted in an error
 * is escaped. Anything the table does not grant is refused. */
#include "model/tlp.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "lib/error.h"
#include "lib/str.h"

#define TLP_INPUT_MAX 32
#define TLP_SHOW_SIZE STR_SHOW_SIZE(TLP_INPUT_MAX)

const char *const tlp_relation_names[] = {
    [TLP_REL_NAMED] = "named",
    [TLP_REL_CONCERNED] = "concerned",
    [TLP_REL_LIAISON] = "liaison",
    [TLP_REL_COMMUNITY] = "community",
    [TLP_REL_PUBLIC] = "public",
    [TLP_REL_SOURCE] = "source",
    [TLP_REL_SOURCE_MEMBER] = "source-member",
    [TLP_RELATION_COUNT] = NULL,
};

static const char *const names[TLP_LABEL_COUNT] = {
    [TLP_CLEAR] = "TLP:CLEAR", [TLP_GREEN] = "TLP:GREEN",
    [TLP_AMBER] = "TLP:AMBER", [TLP_AMBER_STRICT] = "TLP:AMBER+STRICT",
    [TLP_RED] = "TLP:RED",
};

/* The policy, laid out as a table. */
/* clang-format off */
#define NO { false, false, false }
#define RECEIVE { true, false, false }
#define NEED_TO_KNOW { true, true, true }
#define PASS_ON { true, true, false }

/* [label][relation]; documented in tlp.h and docs/tlp.md. */
static const struct tlp_permission policy[TLP_LABEL_COUNT][TLP_RELATION_COUNT] = {
	/*                    named         concerned     liaison       community  public   source  source-member */
	[TLP_RED]          = { RECEIVE,      NO,           NO,           NO,        NO,      NO,     NO },
	[TLP_AMBER_STRICT] = { RECEIVE,      RECEIVE,      NO,           NO,        NO,      NO,     NO },
	[TLP_AMBER]        = { NEED_TO_KNOW, NEED_TO_KNOW, NEED_TO_KNOW, NO,        NO,      NO,     NEED_TO_KNOW },
	[TLP_GREEN]        = { PASS_ON,      PASS_ON,      PASS_ON,      PASS_ON,   NO,      NO,     PASS_ON },
	[TLP_CLEAR]        = { PASS_ON,      PASS_ON,      PASS_ON,      PASS_ON,   PASS_ON, NO,     PASS_ON },
};

#undef NO
#undef RECEIVE
#undef NEED_TO_KNOW
#undef PASS_ON
/* clang-format on */

/* text is borrowed; out is written only on success. */
int tlp_parse(const char *text, enum tlp_label *out, struct sk_error *err)
{
	static const struct {
		const char *word;
		enum tlp_label label;
	} words[] = {
	    {"RED", TLP_RED},	  {"AMBER+STRICT", TLP_AMBER_STRICT},
	    {"AMBER", TLP_AMBER}, {"GREEN", TLP_GREEN},
	    {"CLEAR", TLP_CLEAR}, {"WHITE", TLP_CLEAR},
	};
	char shown[TLP_SHOW_SIZE];
	const char *word;
	size_t len;

	if (text == NULL || *text == '\0')
		return sk_error_set(err, SK_EINVAL, "empty text: not a TLP label");
	len = strnlen(text, TLP_INPUT_MAX + 1);
	str_show(text, len, TLP_INPUT_MAX, shown);
	if (len > TLP_INPUT_MAX)
		return sk_error_set(err, SK_EINVAL, "'%s' is not a TLP label (too long)",
				    shown);
	if (text[0] == ' ' || text[0] == '\t' || text[len - 1] == ' ' || text[len - 1] == '\t')
		return sk_error_set(
		    err, SK_EINVAL,
		    "'%s' is not a TLP label: it has leading or trailing spaces", shown);
	word = strncasecmp(text, "TLP:", 4) == 0 ? text + 4 : text;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strcasecmp(word, words[i].word) == 0) {
			*out = words[i].label;
			return 0;
		}
	}
	return sk_error_set(err, SK_EINVAL,
			    "'%s' is not a TLP label (TLP:RED, TLP:AMBER+STRICT, TLP:AMBER, "
			    "TLP:GREEN, TLP:CLEAR; WHITE reads as CLEAR)",
			    shown);
}

const char *tlp_name(enum tlp_label label)
{
	if ((unsigned)label >= TLP_LABEL_COUNT)
		return NULL;
	return names[label];
}

const char *tlp_word(enum tlp_label label)
{
	const char *name = tlp_name(label);

	return name != NULL ? name + 4 : NULL;
}

enum tlp_label tlp_stricter(enum tlp_label a, enum tlp_label b)
{
	if ((unsigned)a >= TLP_LABEL_COUNT || (unsigned)b >= TLP_LABEL_COUNT)
		return TLP_RED; /* not a label: fail closed */
	return a > b ? a : b;
}

struct tlp_permission tlp_policy(enum tlp_label label, enum tlp_relation relation)
{
	static const struct tlp_permission none = {false, false, false};

	if ((unsigned)label >= TLP_LABEL_COUNT || (unsigned)relation >= TLP_RELATION_COUNT)
		return none;
	return policy[label][relation];
}
