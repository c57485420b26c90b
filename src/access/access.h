/* access/access.h: the one authorization module. It decides who is
 * asking for what: which role a route of the API needs, who may read an
 * organization, who may change the registry, who may read or handle
 * tickets and whose events a user reads. What a recipient may receive of
 * a labelled piece of information is the TLP policy's word
 * (model/tlp.h, tlp_policy()), not this module's.
 *
 * The rules:
 *   - admin and analyst (the national CSIRT, "staff") read every
 *     organization, change the registry, read and handle tickets and
 *     read every organization's events;
 *   - a partner is bound to one organization; it reads that
 *     organization and, when it is a liaison organization, the
 *     organizations that are its members (their resources, contacts,
 *     memberships); it changes nothing else in the registry than what
 *     [portal] partners_edit lets it change of its own organization
 *     (its contacts, or its contacts and resources; never a member's),
 *     never sees a ticket, reports incidents (which become tickets)
 *     and reads only the events its own organization received;
 *   - a partner not bound to an organization reads nothing;
 *   - nobody (no user) reads nothing but the public routes.
 * Front doors ask here before they call a capability, and the
 * capabilities ask again, so a new door cannot forget. */
#ifndef SK_ACCESS_ACCESS_H
#define SK_ACCESS_ACCESS_H

#include <stdbool.h>
#include <stdint.h>

#include "model/user.h"

struct sk_error;
struct store;

/* The role a route of the API needs, checked before its body is read. */
enum access_rule {
	ACCESS_PUBLIC,	     /* no user needed (/healthz) */
	ACCESS_USER,	     /* any authenticated user; the handler narrows it down
			      * per object (access_may_read_org, access_event_scope) */
	ACCESS_STAFF,	     /* admin or analyst */
	ACCESS_ADMIN,	     /* admin only */
	ACCESS_EVENTS_WRITE, /* a token with the scope events:write:
			      * access_may_submit_events */
};
/* "public", "user", "staff", "admin", "events:write", indexed by enum
 * access_rule. */
extern const char *const access_rule_names[];

enum access_answer {
	ACCESS_ALLOW,
	ACCESS_UNAUTHENTICATED, /* no user where one is needed: 401 */
	ACCESS_FORBIDDEN,	/* the user's role may not: 403 */
};

/* May u (NULL: nobody) call a route of rule? Writes a message saying
 * why not into err (may be NULL) when the answer is not ACCESS_ALLOW. */
enum access_answer access_route(enum access_rule rule, const struct user *u,
				struct sk_error *err);

/* Is u an admin or an analyst? NULL is not. */
bool access_is_staff(const struct user *u);

/* May u read organization org_id (and its resources, contacts and
 * memberships)? 1 yes, 0 no, < 0 an error of the store. A partner of a
 * liaison organization costs one store look-up for a member. */
int access_may_read_org(struct store *st, const struct user *u, int64_t org_id,
			struct sk_error *err);

/* May u change the registry (organizations, members, resources,
 * contacts, imports)? 0, or SK_EPERM naming the user and its role. */
int access_may_change_registry(const struct user *u, struct sk_error *err);

/* What [portal] partners_edit lets a partner change of its own
 * organization. */
enum access_partner_edit {
	ACCESS_PARTNER_EDIT_NO,
	ACCESS_PARTNER_EDIT_CONTACTS,
	ACCESS_PARTNER_EDIT_ALL,
};
/* "no", "contacts", "all", indexed by enum access_partner_edit. */
extern const char *const access_partner_edit_names[];

/* Set the rule for the whole process (default ACCESS_PARTNER_EDIT_NO);
 * schakeld sets it once from its configuration, before serving. */
void access_set_partner_edit(enum access_partner_edit rule);

/* May u add, change and remove the contacts of organization org_id?
 * Staff: always. A partner: of its own organization only, when
 * partners_edit is contacts or all. 0, or SK_EPERM saying why not. */
int access_may_edit_org_contacts(const struct user *u, int64_t org_id, struct sk_error *err);

/* May u add and remove the resources of organization org_id? Staff:
 * always. A partner: of its own organization only, when partners_edit
 * is all. 0, or SK_EPERM saying why not. */
int access_may_edit_org_resources(const struct user *u, int64_t org_id, struct sk_error *err);

/* May u report an incident through the portal (POST /api/v1/reports)?
 * Partners bound to an organization only: staff open tickets through
 * the ticket API. 0, or SK_EPERM saying so. */
int access_may_report(const struct user *u, struct sk_error *err);

/* Whose reports u reads when it asks for organization org_id (0: none
 * named): a partner its own organization's only (naming another is
 * SK_EPERM); staff the one they name, or all (*org_out 0). */
int access_report_scope(const struct user *u, int64_t org_id, int64_t *org_out,
			struct sk_error *err);

/* May u submit events (POST /api/v1/events)? Only with a token that
 * has the scope events:write (USER_SCOPE_EVENTS_WRITE), staff and
 * partners alike, so that a leaked read token cannot write; a partner
 * must also be bound to an organization (the events' source). A
 * session or a password has no scopes. 0, or SK_EPERM naming u and the
 * missing scope. */
int access_may_submit_events(const struct user *u, struct sk_error *err);

/* May u read the audit log? Staff only: 0, or SK_EPERM naming u. */
int access_may_read_audit(const struct user *u, struct sk_error *err);

/* What u may do, as the console shows it (GET /api/v1/me "may"): each
 * member is the answer of the function above it for u and, for a
 * partner, its own organization. */
struct access_may {
	bool tickets;	     /* access_may_handle_tickets */
	bool registry;	     /* access_may_change_registry */
	bool edit_contacts;  /* access_may_edit_org_contacts */
	bool edit_resources; /* access_may_edit_org_resources */
	bool report;	     /* access_may_report */
	bool audit;	     /* access_may_read_audit */
};
/* Fill *out for u (NULL: nobody, who may nothing). */
void access_may_all(const struct user *u, struct access_may *out);

/* May u read tickets and handle them (comment, reply, link, change)?
 * 0, or SK_EPERM naming the user. Tickets hold reporters' mail and
 * personal data: staff only. */
int access_may_handle_tickets(const struct user *u, struct sk_error *err);

/* May u add users and create or list API tokens? 0, or SK_EPERM
 * naming the user: admins only. */
int access_may_manage_users(const struct user *u, struct sk_error *err);

/* Whose events u reads when it asks for organization org_id (0: none
 * named): a partner reads only its own organization's (the events that
 * organization receives; naming another is SK_EPERM); admins and
 * analysts read the one they name, or all. Writes *org_out (0: all).
 * Every row read then passes tlp_policy() (registry/event_read.h). */
int access_event_scope(const struct user *u, int64_t org_id, int64_t *org_out,
		       struct sk_error *err);

/* The user the command line acts as: whoever may run schakel on the
 * machine and open its store is the operator, an admin named "local".
 * Borrowed, static. */
const struct user *access_local_operator(void);

/* Advisories (src/advisory). May u write, review, publish, update and
 * withdraw advisories, and see every one of them? Staff only: 0, or
 * SK_EPERM naming u. A partner reads a published advisory only when its
 * organization is in the advisory's audience and the TLP policy lets it
 * receive it (advisory/workflow.h decides that per advisory). */
int access_may_handle_advisories(const struct user *u, struct sk_error *err);

/* Whose alerts u reads: staff all (*org_out 0), a partner its own
 * organization's, to acknowledge them; anyone else SK_EPERM. */
int access_alert_scope(const struct user *u, int64_t *org_out, struct sk_error *err);
/* May u approve an advisory that author wrote? Staff, and not its
 * author (the second pair of eyes). 0, or SK_EPERM saying why not. */
int access_may_review_advisory(const struct user *u, const char *author, struct sk_error *err);
/* May u add and remove organizations' assets (the products they run)?
 * Staff only: 0, or SK_EPERM. */
int access_may_change_assets(const struct user *u, struct sk_error *err);
/* May u read the assets of organization org_id (0: of all)? Staff: any;
 * a partner: its own organization's. 0, or SK_EPERM. */
int access_may_read_assets(const struct user *u, int64_t org_id, struct sk_error *err);

#endif
