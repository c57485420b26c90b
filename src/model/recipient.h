/* model/recipient.h: one organization that receives one event, how it
 * stands to it under TLP, and why it matched. Routing (route/match.h)
 * produces these; the store keeps them beside the event; notifications
 * and API reads hand events out by them. */
#ifndef SK_MODEL_RECIPIENT_H
#define SK_MODEL_RECIPIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "model/tlp.h"

/* Why an organization receives an event. */
enum recipient_role {
	RECIPIENT_OWNER,    /* owns the matching resource: TLP_REL_CONCERNED */
	RECIPIENT_LIAISON,  /* a liaison organization of an owner: TLP_REL_LIAISON */
	RECIPIENT_NATIONAL, /* the national CSIRT: TLP_REL_NAMED */
};
#define RECIPIENT_ROLE_COUNT 3

/* "owner", "liaison", "national"; NULL-terminated, the enum value is the
 * index. */
extern const char *const recipient_role_names[];

/* Longest reason text, NUL included: "prefix 2001:db8::/32" and the like. */
#define RECIPIENT_REASON_MAX 280

struct event_recipient {
	int64_t org_id;
	enum recipient_role role;
	bool pass_on;	   /* tlp_policy(): may pass the event on ... */
	bool need_to_know; /* ... only to the member concerned */
	int64_t resource_id; /* the matching resource; 0 for the national CSIRT */
	int64_t member_id;   /* RECIPIENT_LIAISON: the member (owner) concerned; else 0 */
	char reason[RECIPIENT_REASON_MAX]; /* "prefix 192.0.2.0/24", "asn 64496",
					      "domain example.be", "national CSIRT" */
};

/* The TLP relation of a role. */
enum tlp_relation recipient_relation(enum recipient_role role);

#endif
