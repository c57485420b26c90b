/* bench/lmtp_client.c: an LMTP client for bench_lmtp.sh. It delivers
 * every *.eml of a directory (sorted) to one recipient over SESSIONS
 * connections at once, mail i on session i % SESSIONS, each session
 * one mail after another (MAIL, RCPT and DATA pipelined, then the
 * message and its answer), the envelope sender the From address.
 *
 *   lmtp_client ADDR DIR SESSIONS [TIMEFILE]
 *
 * ADDR is unix:/path or 127.0.0.1:port. Prints the mails, the seconds
 * and the mails a second; with TIMEFILE, writes there the wall-clock
 * time (seconds since the epoch) of the last 250. Exits 1 if any mail
 * got no 250. */
#include <dirent.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define SESSIONS_MAX 64

struct mail {
	char from[256];
	char *data; /* CRLF lines, dots stuffed, ending in CRLF.CRLF */
	size_t len;
};

static struct mail *mails;
static size_t n_mails;
static const char *addr;
static int sessions;
static double last_250;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static double now(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Read one reply (all its lines) from fp; its code, or -1. */
static int reply(FILE *fp)
{
	char line[1024];

	while (fgets(line, sizeof(line), fp) != NULL)
		if (strlen(line) >= 4 && line[3] != '-')
			return (int)strtol(line, NULL, 10);
	return -1;
}

static int connect_to(void)
{
	int fd;

	if (strncmp(addr, "unix:", 5) == 0) {
		struct sockaddr_un sa = {.sun_family = AF_UNIX};

		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", addr + 5);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return fd;
	} else {
		struct sockaddr_in sa = {.sin_family = AF_INET};
		const char *colon = strrchr(addr, ':');
		char host[64];

		snprintf(host, sizeof(host), "%.*s", colon ? (int)(colon - addr) : 0, addr);
		sa.sin_port = htons((unsigned short)strtol(colon ? colon + 1 : "0", NULL, 10));
		inet_pton(AF_INET, host, &sa.sin_addr);
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return fd;
	}
	perror(addr);
	exit(1);
}

static int send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w <= 0)
			return -1;
		p += w, n -= (size_t)w;
	}
	return 0;
}

/* One session: its share of the mails; the number that got no 250. */
static void *session(void *arg)
{
	long id = (long)arg, failed = 0;
	int fd = connect_to();
	FILE *in = fdopen(dup(fd), "r");
	char cmd[600];

	if (reply(in) != 220 || send_all(fd, "LHLO bench.example.be\r\n", 23) != 0 ||
	    reply(in) != 250)
		return (void *)(long)n_mails;
	for (size_t i = (size_t)id; i < n_mails; i += (size_t)sessions) {
		int n =
		    snprintf(cmd, sizeof(cmd),
			     "MAIL FROM:<%s> SIZE=%zu\r\nRCPT TO:<cert@example.be>\r\nDATA\r\n",
			     mails[i].from, mails[i].len);

		if (send_all(fd, cmd, (size_t)n) != 0 || reply(in) != 250 || reply(in) != 250 ||
		    reply(in) != 354 || send_all(fd, mails[i].data, mails[i].len) != 0 ||
		    reply(in) != 250) {
			failed++;
			break;
		}
		pthread_mutex_lock(&lock);
		last_250 = now(CLOCK_REALTIME);
		pthread_mutex_unlock(&lock);
	}
	send_all(fd, "QUIT\r\n", 6);
	reply(in);
	fclose(in);
	close(fd);
	return (void *)failed;
}

/* Read path into a mail: CRLF lines, dots stuffed, the end marked. */
static void load(const char *path, struct mail *m)
{
	FILE *fp = fopen(path, "r");
	char line[8192];
	size_t cap = 1 << 14;

	if (fp == NULL) {
		perror(path);
		exit(1);
	}
	m->data = malloc(cap);
	m->len = 0;
	snprintf(m->from, sizeof(m->from), "bench@example.nl");
	while (fgets(line, sizeof(line), fp) != NULL) {
		size_t n = strcspn(line, "\r\n");
		char *lt, *gt;

		if (strncmp(line, "From:", 5) == 0 && (lt = strchr(line, '<')) &&
		    (gt = strchr(lt, '>')))
			snprintf(m->from, sizeof(m->from), "%.*s", (int)(gt - lt - 1), lt + 1);
		while (m->len + n + 8 > cap)
			m->data = realloc(m->data, cap *= 2);
		if (line[0] == '.')
			m->data[m->len++] = '.';
		memcpy(m->data + m->len, line, n);
		m->len += n;
		memcpy(m->data + m->len, "\r\n", 2);
		m->len += 2;
	}
	memcpy(m->data + m->len, ".\r\n", 3);
	m->len += 3;
	fclose(fp);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	pthread_t threads[SESSIONS_MAX];
	char **names = NULL, path[4096];
	size_t n = 0, cap = 0;
	long failed = 0;
	struct dirent *e;
	double t0, t1;
	DIR *dir;

	if (argc < 4 || (sessions = (int)strtol(argv[3], NULL, 10)) < 1 ||
	    sessions > SESSIONS_MAX) {
		fprintf(stderr, "usage: lmtp_client ADDR DIR SESSIONS [TIMEFILE]\n");
		return 2;
	}
	addr = argv[1];
	if ((dir = opendir(argv[2])) == NULL) {
		perror(argv[2]);
		return 1;
	}
	while ((e = readdir(dir)) != NULL) {
		size_t len = strlen(e->d_name);

		if (len < 4 || strcmp(e->d_name + len - 4, ".eml") != 0)
			continue;
		if (n == cap)
			names = realloc(names, (cap = cap ? cap * 2 : 256) * sizeof(*names));
		names[n++] = strdup(e->d_name);
	}
	closedir(dir);
	qsort(names, n, sizeof(*names), by_name);
	mails = calloc(n ? n : 1, sizeof(*mails));
	for (n_mails = 0; n_mails < n; n_mails++) {
		snprintf(path, sizeof(path), "%s/%s", argv[2], names[n_mails]);
		load(path, &mails[n_mails]);
		free(names[n_mails]);
	}
	free(names);
	t0 = now(CLOCK_MONOTONIC);
	for (long i = 0; i < sessions; i++)
		pthread_create(&threads[i], NULL, session, (void *)i);
	for (int i = 0; i < sessions; i++) {
		void *r;

		pthread_join(threads[i], &r);
		failed += (long)r;
	}
	t1 = now(CLOCK_MONOTONIC);
	printf("%zu %.3f %.1f\n", n_mails, t1 - t0, (double)n_mails / (t1 - t0));
	if (argc > 4) {
		FILE *fp = fopen(argv[4], "w");

		if (fp != NULL) {
			fprintf(fp, "%.6f\n", last_250);
			fclose(fp);
		}
	}
	for (size_t i = 0; i < n_mails; i++)
		free(mails[i].data);
	free(mails);
	if (failed > 0)
		fprintf(stderr, "lmtp_client: %ld mails got no 250\n", failed);
	return failed > 0;
}
