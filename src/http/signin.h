/* http/signin.h: limits on password sign-ins. How many argon2id
 * verifications run at once (fewer than the worker threads, so that a
 * flood of logins cannot take every thread), and failure counters per
 * user name and per client address that lock either out for a while.
 * The counters live in memory, in a table of SIGNIN_TABLE_MAX entries:
 * when it is full the entry seen longest ago gives way. */
#ifndef SK_HTTP_SIGNIN_H
#define SK_HTTP_SIGNIN_H

#include <stdbool.h>
#include <stdint.h>

#define SIGNIN_TABLE_MAX 4096 /* user names and addresses counted at once */
#define SIGNIN_KEY_MAX	 64   /* longer user names are counted by their start */

struct signin_config {
	int concurrency;      /* password verifications at once, >= 1 */
	int user_failures;    /* failures of one user name within window: locked */
	int address_failures; /* failures from one client address within window: locked */
	int64_t window;	      /* seconds over which failures are counted, >= 1 */
	int64_t lockout;      /* seconds a locked name or address waits, >= 1 */
};

struct signin;

/* A limiter with cfg (copied); free with signin_free(). */
struct signin *signin_new(const struct signin_config *cfg);
void signin_free(struct signin *si);

/* May user (NULL: not known yet) sign in from addr at now (seconds on a
 * monotonic clock)? 0 if so, else the seconds until either is unlocked.
 * Both strings are borrowed. */
int64_t signin_check(struct signin *si, const char *user, const char *addr, int64_t now);

/* Count a failed sign-in of user from addr. Returns the seconds of a
 * lockout this failure began (for the log), or 0; *which says what it
 * locked: SIGNIN_LOCKED_USER, SIGNIN_LOCKED_ADDRESS or both. */
#define SIGNIN_LOCKED_USER    1
#define SIGNIN_LOCKED_ADDRESS 2
int64_t signin_failed(struct signin *si, const char *user, const char *addr, int64_t now,
		      int *which);

/* A successful sign-in of user: its failures are forgotten (the
 * address's are not). */
void signin_succeeded(struct signin *si, const char *user, int64_t now);

/* Take one of the concurrency slots for a password verification, without
 * waiting: false when all are taken. Give it back with
 * signin_slot_give(). */
bool signin_slot_take(struct signin *si);
void signin_slot_give(struct signin *si);

#endif
