/* tests/unit/test_deadline.c: the request deadline: a connection whose
 * request is not in on time has its socket shut down, one that is (or
 * that starts its next request afresh) is left alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http/deadline.h"

/* Does the peer of fd see its end shut down within ms? */
static int shut_within(int fd, int ms)
{
	struct pollfd p = {fd, POLLIN, 0};
	char c;

	if (poll(&p, 1, ms) != 1)
		return 0;
	return read(fd, &c, 1) == 0;
}

static void test_cut_at_deadline(void **state)
{
	struct deadline *d = deadline_start(1);
	struct timespec t0, t1;
	int slow[2], done[2];
	struct deadline_conn *cs, *cd;
	double secs;

	(void)state;
	assert_non_null(d);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, slow), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, done), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cs = deadline_add(d, slow[0], "192.0.2.1");
	cd = deadline_add(d, done[0], "192.0.2.2");
	deadline_disarm(d, cd); /* its request is in */
	assert_true(shut_within(slow[1], 5000));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_true(secs >= 0.9 && secs < 4.0);
	assert_false(shut_within(done[1], 1500));
	/* Its next request gets a full second of its own. */
	deadline_arm(d, cd);
	assert_false(shut_within(done[1], 500));
	assert_true(shut_within(done[1], 4000));
	deadline_remove(d, cs);
	deadline_remove(d, cd);
	deadline_stop(d);
	for (int i = 0; i < 2; i++) {
		close(slow[i]);
		close(done[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cut_at_deadline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
