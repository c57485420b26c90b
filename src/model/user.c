/* model/user.c: the user role vocabulary. */
#include "model/user.h"

#include <stddef.h>

const char *const user_role_names[] = { "admin", "analyst", "partner", NULL };
