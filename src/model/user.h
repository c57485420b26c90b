/* model/user.h: users of schakel and their roles. An admin manages
 * everything; an analyst works for the national CSIRT; a partner is
 * bound to one organization and sees only what is shared with it. */
#ifndef SK_MODEL_USER_H
#define SK_MODEL_USER_H

#include <stdint.h>

struct sk_error;

enum user_role { USER_ROLE_ADMIN, USER_ROLE_ANALYST, USER_ROLE_PARTNER };
extern const char *const user_role_names[];

#define USER_NAME_MAX 64

/* Scopes: permissions an API token adds to its user's role, as a bit
 * set. USER_SCOPE_EVENTS_WRITE ("events:write") lets a token submit
 * events (POST /api/v1/events). A session or a password has none. */
#define USER_SCOPE_EVENTS_WRITE 1u
#define USER_SCOPES_KNOWN	USER_SCOPE_EVENTS_WRITE
/* "events:write"; NULL-terminated, bit i is names[i]. */
extern const char *const user_scope_names[];
/* Longest text user_scopes_format() writes, with its NUL. */
#define USER_SCOPES_TEXT 64

/* Add the scopes of text, names separated by commas ("events:write"),
 * to *scopes; "" adds none. An unknown name is SK_EINVAL naming it and
 * the known ones; *scopes is then unchanged. */
int user_scopes_parse(const char *text, unsigned *scopes, struct sk_error *err);
/* scopes as text, names in the order of user_scope_names, separated by
 * commas; "" for none. */
void user_scopes_format(unsigned scopes, char out[USER_SCOPES_TEXT]);

struct user {
	int64_t id;
	char name[USER_NAME_MAX + 1];
	enum user_role role;
	int64_t org_id;	 /* partners only; 0 otherwise */
	unsigned scopes; /* USER_SCOPE_*: of the token it came with */
	char created[21];
};

#endif
