/* cmd/common.h: what schakel and schakeld share at start-up: finding and
 * checking the configuration, and the store URL (--db wins over the
 * config). */
#ifndef SK_CMD_COMMON_H
#define SK_CMD_COMMON_H

#include <stdbool.h>

struct config;
struct sk_error;

#define SCHAKEL_DEFAULT_CONF "/etc/schakel/schakel.conf"
#define SCHAKEL_DEFAULT_DB   "sqlite:/var/lib/schakel/schakel.db"

/* Load the configuration from path (-c), else $SCHAKEL_CONF, else the
 * default file, which may be absent. Unknown settings are refused.
 * Caller frees with config_free(). */
struct config *cmd_config_load(const char *path, struct sk_error *err);

/* The file cmd_config_load reads: path, else $SCHAKEL_CONF, else the
 * default, which alone may be absent (*optional). Borrowed. */
const char *cmd_config_path(const char *path, bool *optional);
/* Refuse settings schakel does not know (a typo would be ignored),
 * naming the first one. */
int cmd_config_check(const struct config *cfg, struct sk_error *err);

/* The store URL: db_flag if given, else [store] url, else the default.
 * Borrowed from its argument or the config. */
const char *cmd_store_url(const struct config *cfg, const char *db_flag);

/* registry_key_check_fn over the keyring at home (a char *): the
 * fingerprint must name a key there (usable or not). Opens its own
 * context, so that threads may call it at once. */
int cmd_key_check(const char *fpr, void *home, struct sk_error *err);

/* Print "prog: message" for err on stderr and return its exit code. */
int cmd_fail(const char *prog, const struct sk_error *err);

#endif
