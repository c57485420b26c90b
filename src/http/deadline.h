/* http/deadline.h: a deadline for receiving each whole request (request
 * line, headers and body), however the client spaces its bytes. The
 * server's idle timeout counts only silence, so a client sending one
 * header line every few seconds could hold a connection for ever; here a
 * watch thread shuts down the socket of any connection whose request is
 * not in when its time is up. */
#ifndef SK_HTTP_DEADLINE_H
#define SK_HTTP_DEADLINE_H

#include <stdint.h>

struct deadline;
struct deadline_conn;

/* Start the watch: each request must arrive within seconds (>= 1). NULL
 * when the thread cannot be started. Stop with deadline_stop(). */
struct deadline *deadline_start(int64_t seconds);

/* Stop the watch and free it; every connection must have been removed.
 * Accepts NULL. */
void deadline_stop(struct deadline *d);

/* Watch the connection on socket fd from addr (copied); its clock starts
 * now. The fd stays open until deadline_remove(). */
struct deadline_conn *deadline_add(struct deadline *d, int fd, const char *addr);

/* The connection waits for its next request: the clock starts again. */
void deadline_arm(struct deadline *d, struct deadline_conn *c);

/* The request is in (or answered before its body): the clock stops. */
void deadline_disarm(struct deadline *d, struct deadline_conn *c);

/* The connection is closing: forget it (frees c). */
void deadline_remove(struct deadline *d, struct deadline_conn *c);

#endif
