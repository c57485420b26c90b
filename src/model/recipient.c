/* model/recipient.c: the roles of recipients and their TLP relations. */
#include "model/recipient.h"

#include <stddef.h>

const char *const recipient_role_names[] = {"owner", "liaison", "national", NULL};

enum tlp_relation recipient_relation(enum recipient_role role)
{
	switch (role) {
	case RECIPIENT_OWNER:
		return TLP_REL_CONCERNED;
	case RECIPIENT_LIAISON:
		return TLP_REL_LIAISON;
	case RECIPIENT_NATIONAL:
		return TLP_REL_NAMED;
	}
	return TLP_REL_PUBLIC;
}
