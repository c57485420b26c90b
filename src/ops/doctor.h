/* ops/doctor.h: checks of a deployment (store, schema, templates, relay,
 * keys, TLS files, clock, console files, disk), each giving ok, warn or
 * fail with one line on what was found and one on what to do about it.
 * Reads only: nothing is created, migrated or sent. */
#ifndef SK_OPS_DOCTOR_H
#define SK_OPS_DOCTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct config;

enum doctor_status { DOCTOR_OK = 0, DOCTOR_WARN, DOCTOR_FAIL };

#define DOCTOR_TEXT_MAX 512
/* Warn when a key or certificate stops working within this time, or
 * when the store's file system has less than this free. */
#define DOCTOR_EXPIRY_MARGIN (30 * 86400)
#define DOCTOR_DISK_MIN	     ((uint64_t)1 << 30)

struct doctor_row {
	char check[24];
	enum doctor_status status;
	char finding[DOCTOR_TEXT_MAX];
	char fix[DOCTOR_TEXT_MAX]; /* "" when there is nothing to do */
};

struct doctor_report {
	struct doctor_row *rows;
	size_t n, alloc;
};

/* What is checked; all borrowed. */
struct doctor_setup {
	const struct config *cfg;
	const char *config_path; /* the file cfg was read from, or NULL */
	const char *store_url;
	const char *pgp_home;
	int64_t now; /* Unix time */
};

/* Add a row to r: fix (NULL: "") and the finding, printf-style. */
void doctor_add(struct doctor_report *r, const char *check, enum doctor_status status,
		const char *fix, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Run every check of the deployment d into r, in a fixed order. */
void doctor_run(const struct doctor_setup *d, struct doctor_report *r);
/* The worst status in r (DOCTOR_OK when empty) and how many have s. */
enum doctor_status doctor_worst(const struct doctor_report *r);
size_t doctor_count(const struct doctor_report *r, enum doctor_status s);
void doctor_report_free(struct doctor_report *r);
/* "ok", "warn", "fail". */
const char *doctor_status_name(enum doctor_status s);

/* The clock's state from ntp_adjtime(): its return value and the
 * timex status flags. Not synchronized is a warning. */
enum doctor_status doctor_clock_status(int state, int flags);
/* Whether a file of this mode keeps its content from group and others. */
bool doctor_mode_private(mode_t mode);
/* Whether a store URL carries a password (postgresql://user:pw@...,
 * or password= in its query). */
bool doctor_url_has_password(const char *url);

#endif
