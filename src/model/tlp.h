/* model/tlp.h: Traffic Light Protocol labels (FIRST TLP 2.0, reading
 * TLP 1.0's WHITE as CLEAR) and THE sharing policy: the one function every
 * path that lets information leave schakel asks who may receive it and
 * who may pass it on. Parses outside input: at most 32 bytes of text.
 *
 * tlp_policy(label, relation), where relation is how the recipient stands
 * to the information; "pass on" means to its own members or clients:
 *
 *                    named      concerned   liaison     community  public
 *   TLP:RED          yes / no   no          no          no         no
 *   TLP:AMBER+STRICT yes / no   yes / no    no          no         no
 *   TLP:AMBER        yes / ntk  yes / ntk   yes / ntk   no         no
 *   TLP:GREEN        yes / yes  yes / yes   yes / yes   yes / yes  no
 *   TLP:CLEAR        yes / yes  yes / yes   yes / yes   yes / yes  yes / yes
 *
 *   "yes / no": may receive, may not pass on. "ntk": may pass on, but
 *   only on a need-to-know basis: to the clients or members the
 *   information is about (need_to_know is set). For a liaison organization
 *   under TLP:AMBER that means: to the member concerned and nobody else.
 *   GREEN may be passed on within the community, CLEAR to anyone.
 *
 * A named recipient is one the source addressed by name; it may receive
 * every label and passes on no more than the label allows anyone.
 *
 * Shared back: information a partner organization (the source)
 * submitted. The source never gets it back, whatever the label; a member
 * of the source (its own constituent, when the source is a liaison
 * organization) gets it only where the label lets the national CSIRT
 * share beyond itself with the organization concerned:
 *
 *                    source     source-member
 *   TLP:RED          no         no
 *   TLP:AMBER+STRICT no         no
 *   TLP:AMBER        no         yes / ntk
 *   TLP:GREEN        no         yes / yes
 *   TLP:CLEAR        no         yes / yes
 *
 * See docs/tlp.md and docs/routing.md. */
#ifndef SK_MODEL_TLP_H
#define SK_MODEL_TLP_H

#include <stdbool.h>

struct sk_error;

/* Ordered from the least to the most restrictive. */
enum tlp_label { TLP_CLEAR, TLP_GREEN, TLP_AMBER, TLP_AMBER_STRICT, TLP_RED };
#define TLP_LABEL_COUNT 5

/* How a recipient stands to a piece of information. */
enum tlp_relation {
	TLP_REL_NAMED,	       /* addressed by name by the source */
	TLP_REL_CONCERNED,     /* the organization the information is about */
	TLP_REL_LIAISON,       /* a liaison organization of the concerned one */
	TLP_REL_COMMUNITY,     /* another member of the community */
	TLP_REL_PUBLIC,	       /* anyone else */
	TLP_REL_SOURCE,	       /* the organization that submitted it */
	TLP_REL_SOURCE_MEMBER, /* a member of that organization */
};
#define TLP_RELATION_COUNT 7

/* The policy's answer. pass_on implies receive; need_to_know implies
 * pass_on. */
struct tlp_permission {
	bool receive;	   /* may receive the information */
	bool pass_on;	   /* may pass it on to its members or clients */
	bool need_to_know; /* ... only to those the information is about */
};

/* "named", "concerned", "liaison", "community", "public", "source",
 * "source-member"; NULL-terminated, the enum value is the index. */
extern const char *const tlp_relation_names[];

/* Parse a label: "TLP:AMBER+STRICT", "tlp:amber", "AMBER", "white" (TLP
 * 1.0, read as CLEAR); the "TLP:" prefix is optional, case does not
 * matter, surrounding spaces are refused. out is written only on
 * success; text is borrowed. */
int tlp_parse(const char *text, enum tlp_label *out, struct sk_error *err);

/* The canonical name, "TLP:AMBER+STRICT"; NULL for a value outside the
 * enum. Static. */
const char *tlp_name(enum tlp_label label);

/* The label without the prefix, "AMBER+STRICT"; NULL outside the enum. */
const char *tlp_word(enum tlp_label label);

/* The more restrictive of two labels; TLP_RED if either is outside the
 * enum. */
enum tlp_label tlp_stricter(enum tlp_label a, enum tlp_label b);

/* THE policy (table above). A label or relation outside its enum gets
 * nothing: all false. */
struct tlp_permission tlp_policy(enum tlp_label label, enum tlp_relation relation);

#endif
