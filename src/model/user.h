/* model/user.h: users of schakel and their roles. An admin manages
 * everything; an analyst works for the national CSIRT; a partner is
 * bound to one organization and sees only what is shared with it. */
#ifndef SK_MODEL_USER_H
#define SK_MODEL_USER_H

#include <stdint.h>

enum user_role { USER_ROLE_ADMIN, USER_ROLE_ANALYST, USER_ROLE_PARTNER };
extern const char *const user_role_names[];

#define USER_NAME_MAX 64

struct user {
	int64_t id;
	char name[USER_NAME_MAX + 1];
	enum user_role role;
	int64_t org_id;		/* partners only; 0 otherwise */
	char created[21];
};

#endif
