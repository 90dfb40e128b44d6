/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The transport's life cycle and control messages. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/tcp.h>
#include <netinet/in.h>

#include "transport_int.h"

/* "198.18.1.2:53122" for logs, and the address alone for admit(). */
static void peer_name(struct transport *t)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char *host = t->peer_ip;

	snprintf(host, sizeof(t->peer_ip), "?");
	if (getpeername(t->fd, (struct sockaddr *)&ss, &sl) < 0) {
		snprintf(t->peer, sizeof(t->peer), "fd%d", t->fd);
	} else if (ss.ss_family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		inet_ntop(AF_INET, &a->sin_addr, host, sizeof(t->peer_ip));
		snprintf(t->peer, sizeof(t->peer), "%s:%u", host, ntohs(a->sin_port));
	} else if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(t->peer_ip));
		snprintf(t->peer, sizeof(t->peer), "[%s]:%u", host, ntohs(a->sin6_port));
	} else {
		snprintf(t->peer, sizeof(t->peer), "local");
		snprintf(host, sizeof(t->peer_ip), "local");
	}
}

/* TCP only (socketpairs in tests skip this): no Nagle delay on the small
 * control messages, and a dead peer noticed within about timeout_ms even
 * while libxl owns the socket (plain mode) and we are not polling it. */
static void socket_tune(int fd, int timeout_ms)
{
	int domain = 0, one = 1, secs = timeout_ms / 3000 > 0 ? timeout_ms / 3000 : 1, cnt = 3;
	unsigned int user = (unsigned int)timeout_ms;
	socklen_t len = sizeof(domain);

	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0 ||
	    (domain != AF_INET && domain != AF_INET6))
		return;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &secs, sizeof(secs));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &secs, sizeof(secs));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
	setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user, sizeof(user));
}

static void transport_destroy(struct transport *t, bool close_fd)
{
	stream_stop(t);
	if (t->sess)
		gnutls_deinit(t->sess);
	if (t->ccred)
		gnutls_psk_free_client_credentials(t->ccred);
	if (t->scred)
		gnutls_psk_free_server_credentials(t->scred);
	if (close_fd && t->fd >= 0)
		close(t->fd);
	free(t);
}

static int transport_open(int fd, const struct transport_opts *o, bool server,
			  struct transport **out)
{
	struct transport *t;
	int rc;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (fd < 0 || !o || o->timeout_ms <= 0 || o->auth_timeout_ms < 0 || !o->self ||
	    (server ? !o->key && !o->ring : !o->key))
		return -EINVAL;
	if (!identity_name_ok(o->self)) {
		tlog(LOG_ERR, "transport: this node's name '%s' cannot be used in an identity "
		     "(1..63 printable characters, no spaces)", o->self);
		return -EINVAL;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->fd = fd;
	t->server = server;
	t->timeout_ms = o->timeout_ms;
	t->stream_idle_ms = o->stream_idle_ms > 0 ? o->stream_idle_ms : o->timeout_ms;
	t->app_fd = t->pump_fd = t->stop_fd = t->done_fd = -1;
	t->o = o;
	t->rate.rate = server ? 0 : o->stream_rate;
	snprintf(t->self, sizeof(t->self), "%s", o->self);
	peer_name(t);
	socket_tune(fd, o->timeout_ms);
	t->auth_deadline = io_deadline(o->auth_timeout_ms ? o->auth_timeout_ms : o->timeout_ms);
	rc = server ? auth_server(t) : auth_client(t);
	t->o = NULL;
	if (rc) {
		/* The caller keeps the socket on failure. */
		transport_destroy(t, false);
		return rc;
	}
	tlog(LOG_INFO, "transport %s: %s %s, %s", t->peer,
	     server ? "client accepted: node" : "connected to target: node", t->peer_node,
	     t->plain ? "authenticated, not encrypted" : "encrypted");
	*out = t;
	return 0;
}

int transport_client(int fd, const struct transport_opts *o, struct transport **out)
{
	return transport_open(fd, o, false, out);
}

int transport_server(int fd, const struct transport_opts *o, struct transport **out)
{
	return transport_open(fd, o, true, out);
}

static int msg_usable(const struct transport *t)
{
	if (!t)
		return -EINVAL;
	if (t->broken)
		return t->broken;
	return t->stream == STREAM_ACTIVE ? -EBUSY : 0;
}

int transport_send_msg(struct transport *t, uint16_t type, const void *buf, size_t len)
{
	int rc = msg_usable(t);

	if (rc)
		return rc;
	if (type > TRANSPORT_TYPE_MAX || (!buf && len))
		return -EINVAL;
	if (len > TRANSPORT_MSG_MAX)
		return -EMSGSIZE;
	rc = frame_send(t, type, buf, len, -1, io_deadline(t->timeout_ms));
	if (rc) {
		/* A frame may be half out: the framing is gone for good. */
		tlog(LOG_ERR, "transport %s: send: %s", t->peer, transport_strerror(rc));
		t->broken = rc;
	}
	return rc;
}

/* Consumes a frame too large for the caller, keeping the framing. */
static int msg_skip(struct transport *t, uint32_t len)
{
	uint8_t scratch[4096];

	while (len > 0) {
		uint32_t n = len < sizeof(scratch) ? len : (uint32_t)sizeof(scratch);
		int rc = frame_recv_body(t, scratch, n, -1);

		if (rc)
			return rc;
		len -= n;
	}
	return 0;
}

int transport_recv_msg(struct transport *t, uint16_t *type, void *buf, size_t cap, size_t *len,
		       int timeout_ms)
{
	bool partial;
	uint32_t n;
	int rc = msg_usable(t);

	if (rc)
		return rc;
	if (!type || !len || (!buf && cap))
		return -EINVAL;
	rc = frame_recv_hdr(t, type, &n, &partial, -1,
			    io_deadline(timeout_ms < 0 ? t->timeout_ms : timeout_ms));
	if (rc == -ETIMEDOUT && !partial)
		return rc;
	if (!rc && frame_check_msg(*type, n)) {
		tlog(LOG_ERR, "transport %s: refusing frame type %#x of %u bytes (max %d)",
		     t->peer, *type, n, TRANSPORT_MSG_MAX);
		rc = -EPROTO;
	}
	if (!rc) {
		*len = n;
		if (n > cap) {
			rc = msg_skip(t, n);
			if (!rc)
				rc = -EMSGSIZE;
		} else
			rc = frame_recv_body(t, buf, n, -1);
	}
	if (rc && rc != -EMSGSIZE) {
		if (rc != -ECONNRESET)
			tlog(LOG_ERR, "transport %s: receive: %s", t->peer, transport_strerror(rc));
		t->broken = rc;
	}
	return rc;
}

int transport_stats(const struct transport *t, struct transport_stats *s)
{
	uint64_t tx, rx;

	if (!t || !s)
		return -EINVAL;
	memset(s, 0, sizeof(*s));
	s->stream_bytes = t->stream_bytes;
	if (io_tcp_bytes(t->fd, &tx, &rx) == 0) {
		s->wire_tx = tx;
		s->wire_rx = rx;
	} else {
		s->wire_tx = t->wire_tx;
		s->wire_rx = t->wire_rx;
	}
	s->encrypted = t->tls_up && !t->plain;
	s->ktls = t->ktls_tx && t->ktls_rx;
	s->ktls_tx = t->ktls_tx;
	s->ktls_rx = t->ktls_rx;
	s->stream_rate = t->rate.rate;
	s->cipher = t->tls_up ? gnutls_cipher_get_name(gnutls_cipher_get(t->sess)) : "none";
	s->mac = t->tls_up ? gnutls_mac_get_name(gnutls_mac_get(t->sess)) : "none";
	snprintf(s->key_id, sizeof(s->key_id), "%s", t->key_id);
	return 0;
}

const char *transport_peer(const struct transport *t)
{
	return t ? t->peer : "-";
}

const char *transport_peer_node(const struct transport *t)
{
	return t ? t->peer_node : "";
}

void transport_abort(struct transport *t, int err)
{
	if (!t)
		return;
	if (!t->broken)
		t->broken = err ? err : -EPROTO;
	shutdown(t->fd, SHUT_RDWR);
}

void transport_free(struct transport *t)
{
	if (t)
		transport_destroy(t, true);
}
