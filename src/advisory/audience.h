/* advisory/audience.h: who receives an advisory. The audience names all
 * partners, classes, sectors, organizations by id, and optionally those
 * whose assets match an affected product; resolving it gives the
 * recipient organizations, each with how it stands to the advisory for
 * the TLP policy (model/tlp.h):
 *   - selected by the audience (all, a class, a sector, by id): named:
 *     the CSIRT addresses it;
 *   - only through a matching asset: concerned: the advisory is about
 *     what it runs;
 *   - a liaison organization of a member in the audience: liaison, once
 *     per member, with member_id (as route/match.c records events), so
 *     that delivery asks the policy what it may pass on to whom.
 * "All", classes, sectors and assets take active partners only
 * (designated or connected, not the national CSIRT itself); an
 * organization named by id is taken as it is. Recipients the policy
 * lets receive nothing are left out. */
#ifndef SK_ADVISORY_AUDIENCE_H
#define SK_ADVISORY_AUDIENCE_H

#include <stddef.h>
#include <stdint.h>

#include "advisory/advisory.h"
#include "model/tlp.h"
#include "store/store.h"

struct sk_error;

struct advisory_recipient {
	int64_t org_id;
	enum tlp_relation relation; /* TLP_REL_NAMED, _CONCERNED or _LIAISON */
	int64_t member_id;	    /* TLP_REL_LIAISON: the member it receives for; else 0 */
	struct tlp_permission may;  /* tlp_policy(advisory's label, relation) */
};

/* The recipients: direct ones (named, concerned) once each by org_id,
 * then liaison rows by org_id and member_id. */
struct advisory_recipients {
	struct advisory_recipient *v;
	size_t n, alloc;
};

void advisory_recipients_free(struct advisory_recipients *r);

/* Resolve a's audience against the registry and assets in st into *out
 * (zeroed; free with advisory_recipients_free()). An organization named
 * by id that does not exist is SK_EINVAL "audience.orgs[i]: ...". */
int advisory_audience_resolve(struct store *st, const struct advisory *a,
			      struct advisory_recipients *out, struct sk_error *err);

/* The direct recipient row of org_id in r, else its first liaison row,
 * else NULL. Borrowed from r. */
const struct advisory_recipient *advisory_recipients_find(const struct advisory_recipients *r,
							  int64_t org_id);

#endif
