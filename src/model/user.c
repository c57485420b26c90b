/* model/user.c: the user role and token scope vocabularies. */
#include "model/user.h"

#include <stdio.h>
#include <string.h>

#include "lib/error.h"

const char *const user_role_names[] = {"admin", "analyst", "partner", NULL};
const char *const user_scope_names[] = {"events:write", NULL};

/* text is borrowed; *scopes is written only on success. */
int user_scopes_parse(const char *text, unsigned *scopes, struct sk_error *err)
{
	unsigned add = 0;
	const char *p = text;

	while (*p != '\0') {
		size_t n = strcspn(p, ",");
		int i;

		for (i = 0; user_scope_names[i] != NULL; i++)
			if (strlen(user_scope_names[i]) == n &&
			    strncmp(user_scope_names[i], p, n) == 0)
				break;
		if (user_scope_names[i] == NULL)
			return sk_error_set(err, SK_EINVAL,
					    "'%.*s' is not a scope (known: events:write)",
					    (int)(n > 64 ? 64 : n), p);
		add |= 1u << i;
		p += n;
		if (*p == ',')
			p++;
	}
	*scopes |= add;
	return 0;
}

void user_scopes_format(unsigned scopes, char out[USER_SCOPES_TEXT])
{
	size_t n = 0;

	out[0] = '\0';
	for (int i = 0; user_scope_names[i] != NULL; i++) {
		if (!(scopes >> i & 1))
			continue;
		n += (size_t)snprintf(out + n, USER_SCOPES_TEXT - n, "%s%s", n > 0 ? "," : "",
				      user_scope_names[i]);
	}
}
