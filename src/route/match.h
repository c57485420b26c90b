/* route/match.h: who receives an event. A routing context (the
 * organizations with their kind and class, which liaison organizations
 * each belongs to, their opt-outs, the match mode) and the constituency
 * index (route/index.h) give, for each event, its recipients as struct
 * event_recipient (model/recipient.h). Both are immutable and may be read
 * by any number of threads at once.
 *
 * The rules (docs/routing.md says more):
 *
 * Identifiers. An event names its network by the address (source.ip;
 * without one source.network; without either, an IP address as the host
 * of source.url) and by AS number (source.asn), and its names by
 * source.fqdn and the host name of source.url.
 *
 * Owners, ROUTE_MODE_MOST_SPECIFIC: for the address, the owners of the
 * most specific prefix that covers it; when no prefix covers it (or the
 * event has no address), the owners of source.asn. For each name, the
 * owners of the longest registered domain it is equal to or under, on
 * label boundaries. The owners are the union of these, so an event may
 * have one owner through its address and another through its name.
 * ROUTE_MODE_ALL_COVERING: the owners of every covering prefix, of
 * source.asn and of every matching domain. Either way each owner is named
 * once, with its most specific match as the reason ("prefix
 * 192.0.2.0/24", "asn 64496", "domain example.be") and that resource.
 * An opt-out or TLP that keeps an owner out does not hand the event to
 * the owner of a less specific match instead.
 *
 * Recipients, each organization at most once, in this order:
 *   owners (role owner: TLP relation concerned), in the order above,
 *     unless the owner opted out of the event's classification.type;
 *   liaison organizations of which an owner is a member (role liaison,
 *     member_id that owner, its reason and resource), unless the liaison
 *     opted out itself; an owner's opt-out does not keep its liaison
 *     out. An organization that is an owner is never also a liaison
 *     (owner wins);
 *   every national CSIRT (kind national-csirt; role national: TLP
 *     relation named), always, opt-outs or not; reason "national CSIRT",
 *     or its own match when it owns a matching resource.
 * Every recipient passes tlp_policy(label, recipient_relation(role)):
 * those that may not receive the event are left out; pass_on and
 * need_to_know are the policy's. The label is the event's tlp, or the
 * caller's default. So TLP:RED reaches the national CSIRT only, and
 * TLP:AMBER+STRICT the owners and the national CSIRT but no liaison.
 *
 * Shared back (route_event_batch_from): events a partner organization
 * submitted never go back to it, and reach its members (in whatever
 * role) only as tlp_policy(label, TLP_REL_SOURCE_MEMBER) allows: not
 * under TLP:RED or TLP:AMBER+STRICT. */
#ifndef SK_ROUTE_MATCH_H
#define SK_ROUTE_MATCH_H

#include <stddef.h>
#include <stdint.h>

#include "model/org.h"
#include "model/recipient.h"
#include "model/tlp.h"

struct event;
struct route_index;
struct sk_error;
struct store;
struct route_context;
struct route_context_builder;

/* Most organizations one context takes; more is SK_ETOOBIG. */
#define ROUTE_CONTEXT_MAX_ORGS (1u << 24)

/* Which owners an event has (see above). */
enum route_mode { ROUTE_MODE_MOST_SPECIFIC, ROUTE_MODE_ALL_COVERING };

/* "most-specific", "all-covering"; NULL-terminated, the enum value is the
 * index. */
extern const char *const route_mode_names[];

/* Parse a mode name (route.match, --match); out is written only on
 * success; SK_EINVAL names the allowed values. */
int route_mode_parse(const char *text, enum route_mode *out, struct sk_error *err);

/* An organization as a context knows it; borrowed from the context. */
struct route_org {
	int64_t id;
	const char *name;
	enum org_kind kind;
	enum org_class class;
};

/* Building. A builder collects organizations, memberships and opt-outs
 * (copied), then finish() turns them into a context. Caller frees the
 * builder with route_context_builder_free(), also after finish(). */
struct route_context_builder *route_context_builder_new(void);
void route_context_builder_free(struct route_context_builder *b);

/* Add an organization (name borrowed, copied). An id of 0 or less, or a
 * kind or class outside its enum, is SK_EINVAL; an id given twice makes
 * finish() fail. */
int route_context_builder_add_org(struct route_context_builder *b, int64_t id, const char *name,
				  enum org_kind kind, enum org_class class,
				  struct sk_error *err);
/* member_id is a member of the liaison organization liaison_id. Both
 * must be added as organizations by finish() (else finish() fails with
 * SK_EINVAL), liaison_id of kind liaison; given twice counts once. */
int route_context_builder_add_member(struct route_context_builder *b, int64_t liaison_id,
				     int64_t member_id, struct sk_error *err);
/* org_id receives no events of classification.type type (a type
 * taxonomy_type_lookup() knows, else SK_EINVAL). The organization must be
 * added by finish(). */
int route_context_builder_add_optout(struct route_context_builder *b, int64_t org_id,
				     const char *type, struct sk_error *err);

/* The context of everything added, matching in mode. Caller frees with
 * route_context_free(); NULL with err set on a membership or opt-out of
 * an organization that was not added. */
struct route_context *route_context_builder_finish(struct route_context_builder *b,
						   enum route_mode mode, struct sk_error *err);

/* The context of the store: every organization (store_org_each), the
 * members of each liaison organization (store_member_each) and every
 * opt-out (store_optout_each). Caller frees with route_context_free(). */
struct route_context *route_context_load(struct store *st, enum route_mode mode,
					 struct sk_error *err);

void route_context_free(struct route_context *ctx);

enum route_mode route_context_mode(const struct route_context *ctx);
/* The organization with id, or NULL if the context does not know it. A
 * hash look-up. */
const struct route_org *route_context_org(const struct route_context *ctx, int64_t id);

/* Recipients of one event, gathered by route_event(). Start it zeroed;
 * v[0..n) are the recipients; free with route_recipients_free(). */
struct route_recipients {
	struct event_recipient *v;
	size_t n, alloc;
};
void route_recipients_free(struct route_recipients *l);

/* The recipients of ev (borrowed) into out (emptied first), as the rules
 * above say; default_tlp is the label of an event without one. An owner
 * the context does not know (the index is newer) is taken as a
 * constituent without liaisons or opt-outs. Returns the count. The
 * number of recipients is bounded by the registry's organizations, not
 * by the event. */
int route_event(const struct route_context *ctx, const struct route_index *idx,
		const struct event *ev, enum tlp_label default_tlp,
		struct route_recipients *out);

/* route_event() for evs[0..n), with the batch look-ups of the index (for
 * a feed file: several times faster). For each event in order calls fn
 * with its index i and its recipients r[0..nr), which are borrowed until
 * fn returns. fn returns 0 to go on; any other value stops the batch and
 * is returned. Returns 0 when every event was done. */
typedef int (*route_event_fn)(size_t i, const struct event_recipient *r, size_t nr, void *arg);
int route_event_batch(const struct route_context *ctx, const struct route_index *idx,
		      const struct event *const *evs, size_t n, enum tlp_label default_tlp,
		      route_event_fn fn, void *arg);
/* route_event_batch() for events organization source_org (> 0; 0: none)
 * submitted: shared back, as the rules above say. */
int route_event_batch_from(const struct route_context *ctx, const struct route_index *idx,
			   const struct event *const *evs, size_t n, enum tlp_label default_tlp,
			   int64_t source_org, route_event_fn fn, void *arg);

#endif
