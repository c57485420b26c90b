/* feed/shadowserver_int.h: what the two halves of the Shadowserver
 * reader share: a schema parsed into reports (shadowserver_schema.c) and
 * the reader that turns rows into events by it (shadowserver.c). Private
 * to feed/. */
#ifndef SK_FEED_SHADOWSERVER_INT_H
#define SK_FEED_SHADOWSERVER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "feed/shadowserver.h"

#define QUOTE_MAX 64 /* bytes of a name or value an error message quotes */

/* IntelMQ's conversion functions, as the schema names them. */
enum conv {
	CONV_NONE,
	CONV_ADD_UTC,
	CONV_BOOL,
	CONV_TO_NONE,
	CONV_INT,
	CONV_FLOAT,
	CONV_HTTP_URL,
	CONV_ZERO,
	CONV_IP,
	CONV_NETWORK,
	CONV_FQDN,
	CONV_DATE,
	CONV_DATE_UTC,
	CONV_BASE64,
	CONV_EXCHANGE_TAXONOMY,
	CONV_EXCHANGE_TYPE,
	CONV_EXCHANGE_IDENTIFIER,
	CONV_CVE,
	CONV_CATEGORY,
	CONV_COUNT
};

/* Where a column's value goes. */
enum target { TARGET_FIELD, TARGET_EXTRA, TARGET_IGNORE };

struct ss_map {
	char *column;
	char *extra; /* TARGET_EXTRA: the whole name, "extra.foo" */
	int field;   /* TARGET_FIELD: enum event_field */
	uint8_t target;
	uint8_t conv;
	bool required;
};

struct ss_const {
	int field;   /* enum event_field, or -1 for an extra.* name */
	char *extra; /* field -1 */
	char *value;
};

struct ss_report {
	char *name; /* the type in file names, "scan_ntp" */
	char *feed_name;
	char *url;	/* the report's documentation: feed.documentation */
	char *bad_conv; /* a conversion function schakel does not know */
	struct ss_map *maps;
	size_t n_maps;
	struct ss_const *consts;
	size_t n_consts;
};

struct shadowserver_schema {
	struct ss_report *reports; /* sorted by name */
	size_t n;
};

/* IntelMQ's names of the conversion functions, by enum conv. */
extern const char *const ss_conv_names[CONV_COUNT];

/* The report called name (as in file names), or NULL. */
const struct ss_report *ss_find_report(const struct shadowserver_schema *schema,
				       const char *name);

/* Copy s for a message: at most QUOTE_MAX bytes, control characters and
 * non-ASCII bytes as '?'. Returns out. */
const char *ss_quote(const char *s, size_t len, char out[QUOTE_MAX + 4]);

#endif
