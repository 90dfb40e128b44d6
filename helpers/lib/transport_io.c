/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Bounded-time I/O on the transport's socket.
 *
 * Every call is non-blocking on its own (MSG_DONTWAIT) and waits in poll()
 * against a deadline, so the socket keeps the blocking mode the caller gave
 * it (libxl gets it as is in plain mode) and nothing can hang past the
 * deadline. The same functions go through GnuTLS once the handshake is
 * done; GnuTLS gets push/pull callbacks built on the same calls. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <linux/sockios.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <stddef.h>

#include "clock.h"
#include "transport_int.h"

int64_t io_deadline(int timeout_ms)
{
	return timeout_ms < 0 ? -1 : clock_ms() + timeout_ms;
}

/* Waits until fd is ready for events. 0 when ready (or in error: the next
 * call reports it), -ETIMEDOUT past the deadline (-1: none), -ECANCELED
 * when stop_fd (-1: none) becomes readable. */
int io_wait(int fd, short events, int stop_fd, int64_t deadline)
{
	struct pollfd p[2] = {
		{ .fd = fd, .events = events },
		{ .fd = stop_fd, .events = POLLIN },
	};

	for (;;) {
		int wait = -1, n;

		if (deadline >= 0) {
			int64_t left = deadline - clock_ms();

			if (left <= 0)
				return -ETIMEDOUT;
			wait = left > 60000 ? 60000 : (int)left;
		}
		n = poll(p, stop_fd >= 0 ? 2 : 1, wait);
		if (n < 0 && errno != EINTR)
			return -errno;
		if (n <= 0)
			continue;
		if (stop_fd >= 0 && p[1].revents)
			return -ECANCELED;
		if (p[0].revents)
			return 0;
	}
}

static int sock_errno(int err)
{
	switch (err) {
	case EPIPE:
	case ECONNRESET:
	case ECONNABORTED:
	case ENOTCONN:
		return -ECONNRESET;
	default:
		return -err;
	}
}

int io_tls_errno(const struct transport *t, int rc)
{
	switch (rc) {
	case GNUTLS_E_PUSH_ERROR:
	case GNUTLS_E_PULL_ERROR:
		/* The socket's own reason, e.g. TCP_USER_TIMEOUT's ETIMEDOUT. */
		return t->sock_err == ETIMEDOUT ? -ETIMEDOUT : -ECONNRESET;
	case GNUTLS_E_PREMATURE_TERMINATION:
	case GNUTLS_E_SESSION_EOF:
		return -ECONNRESET;
	case GNUTLS_E_TIMEDOUT:
		return -ETIMEDOUT;
	case GNUTLS_E_MEMORY_ERROR:
		return -ENOMEM;
	default:
		return -EPROTO;
	}
}

/* One non-blocking attempt in either direction: bytes moved, 0 at EOF,
 * -EAGAIN with *ev set to what to wait for, or a final -errno. */
static ssize_t io_once(struct transport *t, bool out, char *p, size_t len, short *ev)
{
	ssize_t n;

	/* A direction the kernel's kTLS took over goes straight to the socket. */
	if (t->tls_up && !(out ? t->ktls_tx : t->ktls_rx)) {
		n = out ? gnutls_record_send(t->sess, p, len) : gnutls_record_recv(t->sess, p, len);
		if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) {
			*ev = gnutls_record_get_direction(t->sess) ? POLLOUT : POLLIN;
			return -EAGAIN;
		}
		return n < 0 ? io_tls_errno(t, (int)n) : n;
	}
	n = out ? send(t->fd, p, len, MSG_DONTWAIT | MSG_NOSIGNAL) :
		  recv(t->fd, p, len, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
		*ev = out ? POLLOUT : POLLIN;
		return -EAGAIN;
	}
	if (n < 0 && !out && t->ktls_rx && (errno == EBADMSG || errno == EIO || errno == EMSGSIZE ||
					     errno == EINVAL))
		return -EPROTO; /* a record that did not verify, or not application data */
	if (n < 0)
		return sock_errno(errno);
	if (out)
		t->wire_tx += (uint64_t)n;
	else
		t->wire_rx += (uint64_t)n;
	return n;
}

/* Moves exactly len bytes unless an error, EOF (-ECONNRESET) or the
 * deadline comes first; *done says how far it got. */
static int io_full(struct transport *t, bool out, char *p, size_t len, size_t *done, int stop_fd,
		   int64_t deadline)
{
	*done = 0;
	while (*done < len) {
		short ev = 0;
		ssize_t n = io_once(t, out, p + *done, len - *done, &ev);
		int rc;

		if (n == -EAGAIN) {
			rc = io_wait(t->fd, ev, stop_fd, deadline);
			if (rc)
				return rc;
			continue;
		}
		if (n < 0)
			return (int)n;
		if (n == 0)
			return -ECONNRESET;
		*done += (size_t)n;
	}
	return 0;
}

int io_send(struct transport *t, const void *buf, size_t len, int stop_fd, int64_t deadline)
{
	size_t done;

	/* io_full only reads from p when sending. */
	return io_full(t, true, (char *)buf, len, &done, stop_fd, deadline);
}

int io_recv(struct transport *t, void *buf, size_t len, size_t *got, int stop_fd, int64_t deadline)
{
	return io_full(t, false, buf, len, got, stop_fd, deadline);
}

/* GnuTLS transport callbacks: non-blocking, no SIGPIPE, counted. */
static ssize_t tls_push(gnutls_transport_ptr_t ptr, const giovec_t *iov, int iovcnt)
{
	struct transport *t = ptr;
	struct msghdr m = { .msg_iov = (struct iovec *)iov, .msg_iovlen = (size_t)iovcnt };
	ssize_t n = sendmsg(t->fd, &m, MSG_DONTWAIT | MSG_NOSIGNAL);

	if (n < 0) {
		t->sock_err = errno;
		gnutls_transport_set_errno(t->sess, errno);
	} else {
		t->wire_tx += (uint64_t)n;
	}
	return n;
}

static ssize_t tls_pull(gnutls_transport_ptr_t ptr, void *buf, size_t len)
{
	struct transport *t = ptr;
	ssize_t n = recv(t->fd, buf, len, MSG_DONTWAIT);

	if (n < 0) {
		t->sock_err = errno;
		gnutls_transport_set_errno(t->sess, errno);
	} else {
		t->wire_rx += (uint64_t)n;
	}
	return n;
}

static int tls_pull_timeout(gnutls_transport_ptr_t ptr, unsigned int ms)
{
	struct transport *t = ptr;
	struct pollfd p = { .fd = t->fd, .events = POLLIN };
	int n = poll(&p, 1, ms == GNUTLS_INDEFINITE_TIMEOUT ? -1 : (int)ms);

	if (n < 0)
		gnutls_transport_set_errno(t->sess, errno);
	return n;
}

void io_tls_transport(struct transport *t)
{
	gnutls_transport_set_ptr(t->sess, t);
	gnutls_transport_set_vec_push_function(t->sess, tls_push);
	gnutls_transport_set_pull_function(t->sess, tls_pull);
	gnutls_transport_set_pull_timeout_function(t->sess, tls_pull_timeout);
}

static int tcp_info_get(int fd, struct tcp_info *ti)
{
	socklen_t len = sizeof(*ti);

	memset(ti, 0, sizeof(*ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, ti, &len) < 0)
		return -errno;
	if (len < offsetof(struct tcp_info, tcpi_bytes_received) + sizeof(ti->tcpi_bytes_received))
		return -EOPNOTSUPP;
	return 0;
}

/* Bytes the application wrote to / read from a TCP socket so far,
 * whoever did it (libxl writes the plain-mode stream itself): acked +
 * still queued, received - not yet read. The queue lengths come from a
 * separate call, so retry until no ACK or segment slipped in between. */
int io_tcp_bytes(int fd, uint64_t *tx, uint64_t *rx)
{
	for (int i = 0; i < 100; i++) {
		struct tcp_info a, b;
		int outq = 0, inq = 0, rc;

		rc = tcp_info_get(fd, &a);
		if (rc)
			return rc;
		if (ioctl(fd, SIOCOUTQ, &outq) < 0 || ioctl(fd, SIOCINQ, &inq) < 0)
			return -errno;
		rc = tcp_info_get(fd, &b);
		if (rc)
			return rc;
		if (a.tcpi_bytes_acked == b.tcpi_bytes_acked &&
		    a.tcpi_bytes_received == b.tcpi_bytes_received) {
			*tx = b.tcpi_bytes_acked + (uint64_t)outq;
			*rx = b.tcpi_bytes_received - (uint64_t)inq;
			return 0;
		}
	}
	return -EAGAIN;
}
