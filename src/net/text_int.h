/* net/text_int.h: private to src/net: shows outside input inside an error
 * message safely (str_show()), escaped only when a message needs it. */
#ifndef SK_NET_TEXT_INT_H
#define SK_NET_TEXT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/str.h"

#define NET_SHOW_MAX  80 /* bytes of input shown */
#define NET_SHOW_SIZE STR_SHOW_SIZE(NET_SHOW_MAX)

/* Input to be shown in a message, escaped only when a message needs it
 * (parsing that succeeds pays nothing). */
struct net_text {
	const char *text; /* borrowed */
	size_t len;
	bool ready;
	char shown[NET_SHOW_SIZE];
};

static inline void net_text_init(struct net_text *t, const char *text, size_t len)
{
	t->text = text;
	t->len = len;
	t->ready = false;
}

/* The escaped text; borrowed from t. */
static inline const char *net_text_show(struct net_text *t)
{
	if (!t->ready) {
		str_show(t->text, t->len, NET_SHOW_MAX, t->shown);
		t->ready = true;
	}
	return t->shown;
}

#endif
