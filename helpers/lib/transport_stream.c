/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The libxl stream. libxl gets one end of a socketpair; a pump thread
 * carries the other end as STREAM_DATA frames inside TLS records
 * (encrypted, or integrity-only in plain mode), then a STREAM_END frame, so
 * that control messages can follow on the same session and no byte reaches
 * libxl that the peer did not send.
 *
 * The pump never waits without a way out: network steps are bounded by
 * timeout_ms; waits on libxl end when stream_end() says libxl is done
 * (EOF on the source, done_fd on the target); stream_stop() cancels
 * everything through stop_fd and done_fd. When the pump fails it closes
 * its end, so libxl sees EOF (target) or EPIPE (source). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "transport_int.h"

static void pump_finish(struct transport *t, int rc, const char *what)
{
	/* Closing our end is what unblocks libxl. */
	close(t->pump_fd);
	t->pump_fd = -1;
	if (rc && rc != -ECANCELED && !t->stopping)
		tlog(LOG_ERR, "transport %s: stream %s: %s", t->peer, what,
		     transport_strerror(rc));
	t->pump_rc = rc;
}

/* The speed cap: waits until @n more bytes may go (0), or until the
 * stream is stopped (-ECANCELED). */
static int rate_wait(struct transport *t, size_t n)
{
	int64_t wait = ratelimit_take(&t->rate, n, clock_us()), until = clock_us() + wait;

	while (wait > 0) {
		struct pollfd p = { .fd = t->stop_fd, .events = POLLIN };
		int r = poll(&p, 1, (int)((wait + 999) / 1000));

		if (r > 0)
			return -ECANCELED;
		wait = until - clock_us();
	}
	return 0;
}

/* libxl's own preamble on the source: the stream header (16 bytes) and the
 * libxc context record's header (8), which libxl writes itself before it
 * starts libxl-save-helper. libxl calls a NULL completion callback (SIGSEGV
 * at ip 0) when its fd fails while it writes them: its save-helper state is
 * not set up yet (xen-devel, "libxl: fix crash in helper_done due to
 * uninitialized data", 2019; seen here with Debian's 4.17 when the target
 * died at the stream's first bytes). */
#define LIBXL_PREAMBLE 24

/* After a failed send: reads (and drops) what libxl writes until it has
 * written its preamble, so that the helper, not libxl's own writer, meets
 * the closed fd. Ends early at EOF (libxl gave up first) or on stop. */
static void drain_preamble(struct transport *t, uint64_t taken)
{
	uint8_t sink[LIBXL_PREAMBLE];

	while (taken < LIBXL_PREAMBLE) {
		ssize_t n = read(t->pump_fd, sink, sizeof(sink));

		if (n > 0)
			taken += (uint64_t)n;
		else if (n == 0 || (errno != EAGAIN && errno != EINTR))
			return;
		else if (errno == EAGAIN && io_wait(t->pump_fd, POLLIN, t->stop_fd, -1))
			return;
	}
}

/* Source side: libxl -> socketpair -> DATA frames -> TLS. Header and data
 * go out in one call: with kTLS one send() per frame, the kernel cutting
 * it into records; with GnuTLS one record per call. */
static void *pump_send(void *arg)
{
	struct transport *t = arg;
	uint8_t *data = t->chunk + FRAME_HDR;
	size_t want = ratelimit_chunk(&t->rate, STREAM_CHUNK);
	uint64_t taken = 0; /* bytes read from libxl */
	int rc;

	for (;;) {
		ssize_t n = read(t->pump_fd, data, want);

		if (n > 0)
			taken += (uint64_t)n;
		if (n > 0 && (rc = rate_wait(t, (size_t)n)))
			break;
		if (n > 0) {
			frame_hdr_put(t->chunk, FRAME_STREAM_DATA, (uint32_t)n);
			rc = io_send(t, t->chunk, FRAME_HDR + (size_t)n, t->stop_fd,
				     io_deadline(t->timeout_ms));
			if (rc)
				break;
			t->stream_bytes += (uint64_t)n;
		} else if (n == 0) {
			/* libxl is done (stream_end shut its end): mark the end. */
			rc = frame_send(t, FRAME_STREAM_END, NULL, 0, t->stop_fd,
					io_deadline(t->timeout_ms));
			break;
		} else if (errno == EAGAIN) {
			rc = io_wait(t->pump_fd, POLLIN, t->stop_fd, -1);
			if (rc)
				break;
		} else if (errno != EINTR) {
			rc = -errno;
			break;
		}
	}
	if (rc && rc != -ECANCELED)
		drain_preamble(t, taken);
	pump_finish(t, rc, "send");
	return NULL;
}

/* Writes one chunk to libxl; waits as long as libxl needs. stream_end and
 * stream_stop end the wait through done_fd: a peer's shutdown(SHUT_RD)
 * does not wake a writer polling a full unix socket. */
static int app_write(struct transport *t, const uint8_t *p, size_t len)
{
	while (len > 0) {
		ssize_t n = send(t->pump_fd, p, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		int rc;

		if (n < 0 && errno == EAGAIN) {
			rc = io_wait(t->pump_fd, POLLOUT, t->done_fd, -1);
			if (rc)
				return rc == -ECANCELED ? -EPIPE : rc;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Target side: TLS -> DATA frames -> socketpair -> libxl. */
static void *pump_recv(void *arg)
{
	struct transport *t = arg;
	bool partial;
	uint16_t type;
	uint32_t len;
	int rc;

	for (;;) {
		rc = frame_recv_hdr(t, &type, &len, &partial, t->stop_fd,
				    io_deadline(t->stream_idle_ms));
		if (rc)
			break;
		rc = frame_check_stream(type, len);
		if (rc == 1) {
			rc = 0;
			break;
		}
		if (rc) {
			tlog(LOG_ERR, "transport %s: bad frame in stream (type %#x, %u bytes)",
			     t->peer, type, len);
			break;
		}
		rc = frame_recv_body(t, t->chunk, len, t->stop_fd);
		if (!rc)
			rc = app_write(t, t->chunk, len);
		if (rc)
			break;
		t->stream_bytes += len;
	}
	if (rc == -EPIPE) {
		if (!t->stopping)
			tlog(LOG_ERR, "transport %s: libxl stopped reading before the end of "
			     "the stream", t->peer);
		rc = -EPROTO;
	}
	pump_finish(t, rc, "receive");
	return NULL;
}

/* Room for a few frames in the socketpair, so that libxl's writer and the
 * pump each move a frame or more per wakeup (the default is ~200 KiB).
 * Root may go past net.core.wmem_max. */
static void pair_buffers(int fd)
{
	int size = 4 * STREAM_CHUNK;

	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

static int pump_start(struct transport *t)
{
	sigset_t all, old;
	int sv[2], rc;

	t->chunk = malloc(FRAME_HDR + STREAM_CHUNK);
	if (!t->chunk)
		return -ENOMEM;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	t->app_fd = sv[0];
	t->pump_fd = sv[1];
	pair_buffers(sv[0]);
	pair_buffers(sv[1]);
	/* The cap counts from the stream's start, not the connection's. */
	ratelimit_init(&t->rate, t->rate.rate, clock_us());
	t->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	t->done_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (t->stop_fd < 0 || t->done_fd < 0)
		return -errno;
	if (fcntl(t->pump_fd, F_SETFL, O_NONBLOCK) < 0)
		return -errno;
	/* Signals stay with the caller's threads. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = -pthread_create(&t->pump, NULL, t->server ? pump_recv : pump_send, t);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc)
		return rc;
	t->pump_started = true;
	return 0;
}

static void fd_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void stream_stop(struct transport *t)
{
	if (t->pump_started) {
		t->stopping = true;
		eventfd_write(t->stop_fd, 1);
		eventfd_write(t->done_fd, 1);
		if (t->app_fd >= 0)
			shutdown(t->app_fd, SHUT_RDWR);
		pthread_join(t->pump, NULL);
		t->pump_started = false;
	}
	fd_close(&t->app_fd);
	fd_close(&t->pump_fd);
	fd_close(&t->stop_fd);
	fd_close(&t->done_fd);
	free(t->chunk);
	t->chunk = NULL;
}

int transport_stream_begin(struct transport *t, int *fd)
{
	int rc;

	if (!t || !fd || t->stream != STREAM_IDLE)
		return -EINVAL;
	if (t->broken)
		return t->broken;
	rc = pump_start(t);
	if (rc) {
		tlog(LOG_ERR, "transport %s: cannot start the stream pump: %s", t->peer,
		     strerror(-rc));
		stream_stop(t);
		return rc;
	}
	t->stream = STREAM_ACTIVE;
	*fd = t->app_fd;
	return 0;
}

int transport_stream_end(struct transport *t)
{
	int rc, unread = 0;

	if (!t || t->stream != STREAM_ACTIVE)
		return -EINVAL;
	t->stream = STREAM_DONE;
	/* Source: EOF tells the pump libxl is done. Target: libxl has
	 * returned, so anything the pump still wants to give it is an error
	 * rather than a wait. */
	if (t->server)
		eventfd_write(t->done_fd, 1);
	else
		shutdown(t->app_fd, SHUT_WR);
	pthread_join(t->pump, NULL);
	t->pump_started = false;
	rc = t->pump_rc;
	if (!rc && t->server && ioctl(t->app_fd, FIONREAD, &unread) == 0 && unread > 0) {
		tlog(LOG_ERR, "transport %s: libxl left %d bytes of the stream unread", t->peer,
		     unread);
		rc = -EPROTO;
	}
	stream_stop(t);
	if (rc)
		t->broken = rc;
	else
		tlog(LOG_INFO, "transport %s: stream done, %llu bytes, records by %s%s", t->peer,
		     (unsigned long long)t->stream_bytes,
		     (t->server ? t->ktls_rx : t->ktls_tx) ? "the kernel (kTLS)" : "GnuTLS",
		     t->rate.rate ? ", speed capped" : "");
	return rc;
}
