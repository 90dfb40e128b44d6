/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A bounded connection flood against a migration port, for the cluster
 * tier and the lab's ferry-flood scenario: IDLE connections that send
 * nothing and are reopened one second after the target closes them, and
 * CHURN connections reopened as soon as they are closed. Never sends a
 * byte. Stops after SECONDS or MAX_CONNECTS connection attempts, closes
 * everything, and prints one line:
 *
 *   peer_flood: connects=N closed_by_target=N refused=N open_at_end=N
 *               max_open=N seconds=S
 *
 * usage: peer_flood --target ADDR --port N [--bind SRC] --idle N --churn N
 *                   --seconds S [--max-connects N]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_SLOTS 4096

struct slot {
	int fd;            /* -1: closed */
	bool connected;
	bool churn;        /* reopen at once, else one second later */
	int64_t reopen_ms; /* when a closed slot opens again */
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct sockaddr_in target, source;
static bool bind_source;
static unsigned long connects, closed, refused;

static int slot_open(struct slot *s)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind_source && bind(fd, (struct sockaddr *)&source, sizeof(source)) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	connects++;
	if (connect(fd, (struct sockaddr *)&target, sizeof(target)) < 0 && errno != EINPROGRESS) {
		close(fd);
		refused++;
		return -errno;
	}
	s->fd = fd;
	s->connected = false;
	return 0;
}

static void slot_close(struct slot *s, int64_t now)
{
	close(s->fd);
	s->fd = -1;
	s->connected = false;
	s->reopen_ms = now + (s->churn ? 0 : 1000);
}

static void usage(void)
{
	fprintf(stderr, "usage: peer_flood --target ADDR --port N [--bind SRC] --idle N --churn N "
			"--seconds S [--max-connects N]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option o[] = {
		{"target", required_argument, NULL, 't'}, {"port", required_argument, NULL, 'p'},
		{"bind", required_argument, NULL, 'b'},   {"idle", required_argument, NULL, 'i'},
		{"churn", required_argument, NULL, 'c'},  {"seconds", required_argument, NULL, 's'},
		{"max-connects", required_argument, NULL, 'm'}, {0}};
	static struct slot slots[MAX_SLOTS];
	static struct pollfd pfd[MAX_SLOTS];
	int idle = 0, churn = 0, seconds = 0, port = 0, c, n, open_now, max_open = 0;
	unsigned long max_connects = 1000000;
	const char *taddr = NULL;
	int64_t start, end;

	while ((c = getopt_long(argc, argv, "", o, NULL)) != -1) {
		switch (c) {
		case 't':
			taddr = optarg;
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 'b':
			bind_source = inet_pton(AF_INET, optarg, &source.sin_addr) == 1;
			if (!bind_source)
				usage();
			source.sin_family = AF_INET;
			break;
		case 'i':
			idle = atoi(optarg);
			break;
		case 'c':
			churn = atoi(optarg);
			break;
		case 's':
			seconds = atoi(optarg);
			break;
		case 'm':
			max_connects = strtoul(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	n = idle + churn;
	if (!taddr || port <= 0 || port > 65535 || idle < 0 || churn < 0 || n < 1 ||
	    n > MAX_SLOTS || seconds < 1 || seconds > 600 ||
	    inet_pton(AF_INET, taddr, &target.sin_addr) != 1)
		usage();
	target.sin_family = AF_INET;
	target.sin_port = htons((uint16_t)port);
	for (int i = 0; i < n; i++)
		slots[i] = (struct slot){ .fd = -1, .churn = i >= idle };
	start = now_ms();
	end = start + (int64_t)seconds * 1000;
	while (now_ms() < end && connects < max_connects) {
		int64_t now = now_ms();

		for (int i = 0; i < n && connects < max_connects; i++)
			if (slots[i].fd < 0 && now >= slots[i].reopen_ms && slot_open(&slots[i]) < 0)
				slots[i].reopen_ms = now + 100;
		open_now = 0;
		for (int i = 0; i < n; i++) {
			pfd[i].fd = slots[i].fd;
			pfd[i].events = slots[i].connected ? POLLIN : POLLOUT;
			pfd[i].revents = 0;
			open_now += slots[i].connected;
		}
		if (open_now > max_open)
			max_open = open_now;
		if (poll(pfd, (nfds_t)n, 50) < 0 && errno != EINTR)
			break;
		now = now_ms();
		for (int i = 0; i < n; i++) {
			struct slot *s = &slots[i];
			char b[256];

			if (s->fd < 0 || !pfd[i].revents)
				continue;
			if (!s->connected) {
				int err = 0;
				socklen_t l = sizeof(err);

				getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &l);
				if (err) {
					refused++;
					slot_close(s, now);
					s->reopen_ms = now + (s->churn ? 10 : 1000);
				} else {
					s->connected = true;
				}
				continue;
			}
			/* Whatever the target says is drained; EOF or an error
			 * is the target closing. */
			ssize_t r = read(s->fd, b, sizeof(b));

			if (r == 0 || (r < 0 && errno != EAGAIN)) {
				closed++;
				slot_close(s, now);
			}
		}
	}
	open_now = 0;
	for (int i = 0; i < n; i++)
		if (slots[i].fd >= 0) {
			open_now += slots[i].connected;
			close(slots[i].fd);
		}
	printf("peer_flood: connects=%lu closed_by_target=%lu refused=%lu open_at_end=%d "
	       "max_open=%d seconds=%.1f\n", connects, closed, refused, open_now, max_open,
	       (double)(now_ms() - start) / 1000.0);
	return 0;
}
