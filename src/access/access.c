/* access/access.c: the authorization rules of access.h, in one place.
 * Asks the store only for memberships (a liaison partner reading a
 * member). */
#include "access/access.h"

#include <stddef.h>
#include <string.h>

#include "lib/error.h"
#include "store/store.h"

const char *const access_rule_names[] = {"public", "user",	   "staff",
					 "admin",  "events:write", NULL};
const char *const access_partner_edit_names[] = {"no", "contacts", "all", NULL};

/* Set once by schakeld before it serves; read only afterwards. */
static enum access_partner_edit partner_edit = ACCESS_PARTNER_EDIT_NO;

void access_set_partner_edit(enum access_partner_edit rule)
{
	partner_edit = rule;
}

/* u is borrowed. */
bool access_is_staff(const struct user *u)
{
	return u != NULL && (u->role == USER_ROLE_ADMIN || u->role == USER_ROLE_ANALYST);
}

/* u is borrowed. */
enum access_answer access_route(enum access_rule rule, const struct user *u,
				struct sk_error *err)
{
	if (rule == ACCESS_PUBLIC)
		return ACCESS_ALLOW;
	if (u == NULL) {
		sk_error_set(err, SK_EPERM, "this endpoint needs an API token");
		return ACCESS_UNAUTHENTICATED;
	}
	switch (rule) {
	case ACCESS_USER:
		return ACCESS_ALLOW;
	case ACCESS_STAFF:
		if (access_is_staff(u))
			return ACCESS_ALLOW;
		break;
	case ACCESS_ADMIN:
		if (u->role == USER_ROLE_ADMIN)
			return ACCESS_ALLOW;
		break;
	case ACCESS_EVENTS_WRITE:
		return access_may_submit_events(u, err) == 0 ? ACCESS_ALLOW : ACCESS_FORBIDDEN;
	case ACCESS_PUBLIC:
		return ACCESS_ALLOW;
	}
	sk_error_set(err, SK_EPERM, "user %s (role %s) may not use this endpoint (%s only)",
		     u->name, user_role_names[u->role],
		     rule == ACCESS_ADMIN ? "admin" : "admin and analyst");
	return ACCESS_FORBIDDEN;
}

/* u is borrowed; a partner needs one store look-up for a liaison's member. */
int access_may_read_org(struct store *st, const struct user *u, int64_t org_id,
			struct sk_error *err)
{
	if (u == NULL)
		return 0;
	switch (u->role) {
	case USER_ROLE_ADMIN:
	case USER_ROLE_ANALYST:
		return 1;
	case USER_ROLE_PARTNER:
		if (u->org_id <= 0 || org_id <= 0)
			return 0;
		if (u->org_id == org_id)
			return 1;
		return store_is_member(st, u->org_id, org_id, err);
	}
	return 0;
}

/* u is borrowed; NULL (nobody) may not. */
int access_may_change_registry(const struct user *u, struct sk_error *err)
{
	if (access_is_staff(u))
		return 0;
	if (u == NULL)
		return sk_error_set(err, SK_EPERM, "changing the registry needs a known user");
	return sk_error_set(err, SK_EPERM, "user %s (role %s) may not change the registry",
			    u->name, user_role_names[u->role]);
}

/* What a partner may change of org_id when partners_edit is at least
 * need (what: "contacts", "resources"); staff always may. */
static int may_edit_own(const struct user *u, int64_t org_id, enum access_partner_edit need,
			const char *what, struct sk_error *err)
{
	if (access_is_staff(u))
		return 0;
	if (u == NULL || u->role != USER_ROLE_PARTNER || u->org_id <= 0)
		return access_may_change_registry(u, err);
	if (org_id != u->org_id)
		return sk_error_set(err, SK_EPERM,
				    "user %s may change only the %s of its own organization "
				    "(%lld), not of %lld",
				    u->name, what, (long long)u->org_id, (long long)org_id);
	if (partner_edit < need)
		return sk_error_set(err, SK_EPERM,
				    "partners may not change their organization's %s here "
				    "([portal] partners_edit = %s)",
				    what, access_partner_edit_names[partner_edit]);
	return 0;
}

/* u is borrowed. */
int access_may_edit_org_contacts(const struct user *u, int64_t org_id, struct sk_error *err)
{
	return may_edit_own(u, org_id, ACCESS_PARTNER_EDIT_CONTACTS, "contacts", err);
}

/* u is borrowed. */
int access_may_edit_org_resources(const struct user *u, int64_t org_id, struct sk_error *err)
{
	return may_edit_own(u, org_id, ACCESS_PARTNER_EDIT_ALL, "resources", err);
}

/* u is borrowed. */
int access_may_report(const struct user *u, struct sk_error *err)
{
	if (u != NULL && u->role == USER_ROLE_PARTNER && u->org_id > 0)
		return 0;
	if (access_is_staff(u))
		return sk_error_set(err, SK_EPERM,
				    "user %s reports through the portal only as a partner: "
				    "use the ticket API",
				    u->name);
	return sk_error_set(err, SK_EPERM, "user %s may not report incidents",
			    u != NULL ? u->name : "-");
}

/* u is borrowed. */
int access_report_scope(const struct user *u, int64_t org_id, int64_t *org_out,
			struct sk_error *err)
{
	if (access_is_staff(u)) {
		*org_out = org_id > 0 ? org_id : 0;
		return 0;
	}
	if (u == NULL || u->role != USER_ROLE_PARTNER || u->org_id <= 0)
		return sk_error_set(err, SK_EPERM, "user %s may not read reports",
				    u != NULL ? u->name : "-");
	if (org_id > 0 && org_id != u->org_id)
		return sk_error_set(err, SK_EPERM,
				    "user %s reads only the reports of its own organization "
				    "(%lld), not of %lld",
				    u->name, (long long)u->org_id, (long long)org_id);
	*org_out = u->org_id;
	return 0;
}

/* u is borrowed. */
int access_may_read_audit(const struct user *u, struct sk_error *err)
{
	if (access_is_staff(u))
		return 0;
	return sk_error_set(err, SK_EPERM, "user %s may not read the audit log",
			    u != NULL ? u->name : "-");
}

/* u is borrowed. */
void access_may_all(const struct user *u, struct access_may *out)
{
	int64_t own = u != NULL ? u->org_id : 0;

	out->tickets = access_may_handle_tickets(u, NULL) == 0;
	out->registry = access_may_change_registry(u, NULL) == 0;
	out->edit_contacts = access_may_edit_org_contacts(u, own, NULL) == 0;
	out->edit_resources = access_may_edit_org_resources(u, own, NULL) == 0;
	out->report = access_may_report(u, NULL) == 0;
	out->audit = access_may_read_audit(u, NULL) == 0;
}

/* u is borrowed. */
int access_may_handle_tickets(const struct user *u, struct sk_error *err)
{
	if (access_is_staff(u))
		return 0;
	return sk_error_set(err, SK_EPERM, "user %s may not read or handle tickets",
			    u != NULL ? u->name : "-");
}

/* u is borrowed. */
int access_may_manage_users(const struct user *u, struct sk_error *err)
{
	if (u != NULL && u->role == USER_ROLE_ADMIN)
		return 0;
	return sk_error_set(err, SK_EPERM, "user %s may not manage users and API tokens",
			    u != NULL ? u->name : "-");
}

/* u is borrowed. */
int access_event_scope(const struct user *u, int64_t org_id, int64_t *org_out,
		       struct sk_error *err)
{
	if (u == NULL)
		return sk_error_set(err, SK_EPERM, "events are read only by a known user");
	switch (u->role) {
	case USER_ROLE_ADMIN:
	case USER_ROLE_ANALYST:
		*org_out = org_id > 0 ? org_id : 0;
		return 0;
	case USER_ROLE_PARTNER:
		if (u->org_id <= 0)
			break;
		if (org_id > 0 && org_id != u->org_id)
			return sk_error_set(err, SK_EPERM,
					    "user %s reads only the events of its own "
					    "organization (%lld), not of %lld",
					    u->name, (long long)u->org_id, (long long)org_id);
		*org_out = u->org_id;
		return 0;
	}
	return sk_error_set(err, SK_EPERM, "user %s may not read events", u->name);
}

const struct user *access_local_operator(void)
{
	static const struct user local = {.id = 0, .name = "local", .role = USER_ROLE_ADMIN};

	return &local;
}

int access_may_handle_advisories(const struct user *u, struct sk_error *err)
{
	if (access_is_staff(u))
		return 0;
	return sk_error_set(err, SK_EPERM, "user %s may not write or handle advisories",
			    u != NULL ? u->name : "-");
}

int access_may_review_advisory(const struct user *u, const char *author, struct sk_error *err)
{
	int rc;

	if ((rc = access_may_handle_advisories(u, err)) != 0)
		return rc;
	if (strcmp(u->name, author) == 0)
		return sk_error_set(
		    err, SK_EPERM,
		    "user %s wrote this advisory: another analyst must review it", u->name);
	return 0;
}

int access_may_change_assets(const struct user *u, struct sk_error *err)
{
	if (access_is_staff(u))
		return 0;
	return sk_error_set(err, SK_EPERM, "user %s may not change assets",
			    u != NULL ? u->name : "-");
}

int access_may_read_assets(const struct user *u, int64_t org_id, struct sk_error *err)
{
	if (access_is_staff(u))
		return 0;
	if (u != NULL && u->role == USER_ROLE_PARTNER && u->org_id > 0 && org_id == u->org_id)
		return 0;
	return sk_error_set(err, SK_EPERM, "user %s may not read these assets",
			    u != NULL ? u->name : "-");
}
/* u is borrowed; NULL (nobody) may not. */
int access_may_submit_events(const struct user *u, struct sk_error *err)
{
	if (u == NULL)
		return sk_error_set(err, SK_EPERM, "submitting events needs an API token");
	if (!(u->scopes & USER_SCOPE_EVENTS_WRITE))
		return sk_error_set(err, SK_EPERM,
				    "user %s (role %s) may not submit events: this needs an "
				    "API token with the scope events:write",
				    u->name, user_role_names[u->role]);
	if (u->role == USER_ROLE_PARTNER && u->org_id <= 0)
		return sk_error_set(err, SK_EPERM,
				    "partner %s belongs to no organization and may not "
				    "submit events",
				    u->name);
	return 0;
}

int access_alert_scope(const struct user *u, int64_t *org_out, struct sk_error *err)
{
	*org_out = 0;
	if (u != NULL && u->role == USER_ROLE_PARTNER && u->org_id > 0) {
		*org_out = u->org_id;
		return 0;
	}
	return access_may_handle_advisories(u, err);
}
