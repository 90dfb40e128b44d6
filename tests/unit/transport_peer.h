/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Test and benchmark support for the transport: loopback TCP pairs, a
 * transport side running in its own thread, and a checksummed fake
 * migration stream shaped like libxl's (the reader knows where it ends). */
#ifndef FERRY_TEST_TRANSPORT_PEER_H
#define FERRY_TEST_TRANSPORT_PEER_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gnutls/crypto.h>

#include "transport.h"

/* A connected TCP pair over 127.0.0.1 (connect completes in the backlog,
 * so no thread is needed). */
static inline int tcp_pair(int *cli, int *srv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t al = sizeof(a);
	int l, rc = 0;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	*cli = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0 || *cli < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(l, 1) < 0 || getsockname(l, (struct sockaddr *)&a, &al) < 0 ||
	    connect(*cli, (struct sockaddr *)&a, sizeof(a)) < 0)
		rc = -errno;
	*srv = rc ? -1 : accept4(l, NULL, NULL, SOCK_CLOEXEC);
	if (!rc && *srv < 0)
		rc = -errno;
	if (l >= 0)
		close(l);
	return rc;
}

static inline void key_fill(struct authkey *k, uint8_t seed)
{
	k->len = 32;
	for (size_t i = 0; i < k->len; i++)
		k->data[i] = (uint8_t)(seed + i * 7);
}

/* One end of a transport, run in a thread: open, then the script. */
struct side {
	bool server;
	int fd;
	struct transport_opts o;
	int (*script)(struct side *s, struct transport *t);
	void *arg;
	int rc;        /* transport_client/server */
	int script_rc; /* the script's */
	int unread;    /* on failure: bytes left unread in the socket */
	struct transport_stats stats;
	pthread_t th;
};

static inline void *side_run(void *p)
{
	struct side *s = p;
	struct transport *t = NULL;

	s->rc = s->server ? transport_server(s->fd, &s->o, &t) : transport_client(s->fd, &s->o, &t);
	if (s->rc) {
		if (ioctl(s->fd, FIONREAD, &s->unread) < 0)
			s->unread = -1;
		close(s->fd);
		return NULL;
	}
	if (s->script)
		s->script_rc = s->script(s, t);
	transport_stats(t, &s->stats);
	transport_free(t);
	return NULL;
}

static inline int side_start(struct side *s)
{
	return -pthread_create(&s->th, NULL, side_run, s);
}

static inline void side_join(struct side *s)
{
	pthread_join(s->th, NULL);
}

/* ---- the fake stream: u64 length, then xorshift bytes ---- */

struct fake_stream {
	uint64_t len;  /* payload after the 8-byte length */
	uint64_t done; /* payload bytes moved */
	uint8_t digest[32];
	int err;       /* -errno of the failing read/write, 0 if complete */
};

static inline void gen_fill(uint64_t *x, uint8_t *buf, size_t n)
{
	for (size_t i = 0; i < n; i += 8) {
		*x ^= *x << 13;
		*x ^= *x >> 7;
		*x ^= *x << 17;
		memcpy(buf + i, x, n - i < 8 ? n - i : 8);
	}
}

static inline int fd_write_all(int fd, const void *buf, size_t n)
{
	const uint8_t *p = buf;

	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Reads exactly n bytes; -ECONNRESET on early EOF. */
static inline int fd_read_all(int fd, void *buf, size_t n)
{
	uint8_t *p = buf;

	while (n > 0) {
		ssize_t r = read(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -ECONNRESET;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* Writes the stream like libxl's save side; stops after `stop_after`
 * payload bytes (to simulate a death), UINT64_MAX for all. */
static inline int stream_write(int fd, struct fake_stream *fs, uint64_t stop_after)
{
	static __thread uint8_t buf[64 * 1024];
	gnutls_hash_hd_t h;
	uint64_t x = 0x9e3779b97f4a7c15ull, be = fs->len;
	int rc;

	fs->done = 0;
	for (int i = 0; i < 8; i++)
		buf[i] = (uint8_t)(be >> (56 - 8 * i));
	rc = fd_write_all(fd, buf, 8);
	gnutls_hash_init(&h, GNUTLS_DIG_SHA256);
	while (!rc && fs->done < fs->len && fs->done < stop_after) {
		size_t n = fs->len - fs->done < sizeof(buf) ? (size_t)(fs->len - fs->done) : sizeof(buf);

		gen_fill(&x, buf, n);
		gnutls_hash(h, buf, n);
		rc = fd_write_all(fd, buf, n);
		if (!rc)
			fs->done += n;
	}
	gnutls_hash_deinit(h, fs->digest);
	fs->err = rc;
	return rc;
}

/* Reads the stream like libxl's restore side: exactly to its end. */
static inline int stream_read(int fd, struct fake_stream *fs, uint64_t stop_after)
{
	static __thread uint8_t buf[64 * 1024];
	gnutls_hash_hd_t h;
	int rc;

	fs->done = 0;
	fs->len = 0;
	rc = fd_read_all(fd, buf, 8);
	for (int i = 0; !rc && i < 8; i++)
		fs->len = fs->len << 8 | buf[i];
	gnutls_hash_init(&h, GNUTLS_DIG_SHA256);
	while (!rc && fs->done < fs->len && fs->done < stop_after) {
		size_t n = fs->len - fs->done < sizeof(buf) ? (size_t)(fs->len - fs->done) : sizeof(buf);

		rc = fd_read_all(fd, buf, n);
		if (!rc) {
			gnutls_hash(h, buf, n);
			fs->done += n;
		}
	}
	gnutls_hash_deinit(h, fs->digest);
	fs->err = rc;
	return rc;
}

#endif
