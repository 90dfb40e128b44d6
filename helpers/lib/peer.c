/* Client side of the peer protocol (see peer.h and peer_proto.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "flog.h"

#include "authkey.h"
#include "clock.h"
#include "nodemap.h"
#include "peer.h"
#include "ratelimit.h"

#define PEER_TIMEOUT_DEFAULT 30000

void peer_opts_init(struct peer_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->encrypt = true;
}

int peer_self_name(char *name, size_t len)
{
	const struct nodemap *m = nodemap_once();
	const char *n;
	uint32_t self;

	if (m && nodemap_self(m, &self) == 0 && (n = nodemap_name(m, self))) {
		snprintf(name, len, "%s", n);
		return 0;
	}
	return gethostname(name, len) ? -errno : 0;
}

int peer_node_name(const char *node, char *out, size_t len)
{
	const struct nodemap *m = nodemap_once();
	const char *name = NULL;
	uint32_t id;

	if (m && nodemap_resolve(m, node, &id) == 0)
		name = nodemap_name(m, id);
	snprintf(out, len, "%s", name ? name : node);
	return 0;
}

/* The address to reach @node at: the option, or its ring0 address. */
static int peer_address(const char *node, const struct peer_opts *o, char *addr, size_t len)
{
	const struct nodemap *m;
	uint32_t id;
	const char *a;
	int rc;

	if (o->address) {
		snprintf(addr, len, "%s", o->address);
		return 0;
	}
	if (!(m = nodemap_once()))
		return -ENOTCONN;
	rc = nodemap_resolve(m, node, &id);
	if (rc == 0 && !(a = nodemap_addr(m, id)))
		rc = -ENOENT;
	if (rc == 0)
		snprintf(addr, len, "%s", a);
	return rc;
}

/* TCP connect with a deadline. Returns the socket or -errno. */
static int tcp_connect(const char *host, int port, int timeout_ms)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV};
	struct addrinfo *res, *ai;
	char service[16];
	int fd = -ECONNREFUSED;

	snprintf(service, sizeof(service), "%d", port);
	if (getaddrinfo(host, service, &hints, &res))
		return -EHOSTUNREACH;
	for (ai = res; ai; ai = ai->ai_next) {
		int s = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (s < 0)
			continue;
		if (connect(s, ai->ai_addr, ai->ai_addrlen) && errno == EINPROGRESS) {
			struct pollfd p = {.fd = s, .events = POLLOUT};
			int err = 0;
			socklen_t l = sizeof(err);
			if (poll(&p, 1, timeout_ms) <= 0)
				err = ETIMEDOUT;
			else if (getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &l))
				err = errno;
			if (err) {
				close(s);
				fd = -err;
				continue;
			}
		} else if (errno != EINPROGRESS && errno) {
			fd = -errno;
			close(s);
			continue;
		}
		fcntl(s, F_SETFL, fcntl(s, F_GETFL) & ~O_NONBLOCK);
		fd = s;
		break;
	}
	freeaddrinfo(res);
	return fd;
}

/* The names and the key this connection is made with. */
static int peer_prepare(const char *node, const struct peer_opts *o, struct peer *p,
			char *self, struct authkey *key, char *why, size_t len)
{
	const char *file = o->keyfile ? o->keyfile : FERRY_AUTHKEY_PATH;
	char path[512];
	int rc;

	peer_node_name(node, p->node, sizeof(p->node));
	peer_self_name(self, PEER_NAME_MAX);
	rc = peer_address(p->node, o, p->addr, sizeof(p->addr) - 8);
	if (rc) {
		snprintf(why, len, "no address for node %s (not in corosync's nodelist?)", node);
		return -ENOENT;
	}
	rc = authkey_slot_path(file, o->key, path, sizeof(path));
	if (!rc)
		rc = authkey_load(path, key);
	if (rc) {
		snprintf(why, len, "cannot load the %s cluster key %s: %s", authkey_slot_name(o->key),
			 path, rc == -EKEYREJECTED ? "a key of low quality" : strerror(-rc));
		return rc;
	}
	return 0;
}

/* A transport error in words an operator can act on. */
static void connect_why(const struct peer *p, int rc, char *why, size_t len)
{
	switch (rc) {
	case -EACCES:
		snprintf(why, len, "%s at %s: authentication failed: it holds none of our cluster "
			 "keys (different cluster key?)", p->node, p->addr);
		break;
	case -EPERM:
		snprintf(why, len, "%s at %s: identity refused: the node there is not %s, or it "
			 "does not count this node as a cluster member", p->node, p->addr, p->node);
		break;
	case -EBADMSG:
		snprintf(why, len, "%s at %s: the handshake did not verify although the keys "
			 "matched (tampered with in transit?)", p->node, p->addr);
		break;
	default:
		snprintf(why, len, "%s at %s: %s", p->node, p->addr, transport_strerror(rc));
	}
}

/* HELLO both ways: the answer must come from the node we dialled. */
static int peer_hello(struct peer *p, const char *self, char *why, size_t len)
{
	struct peer_hello h = { .version = PEER_PROTO_VERSION }, back;
	struct peer_reply r;
	uint8_t buf[PEER_REPLY_LEN];
	uint16_t type;
	size_t got;
	int rc;

	h.id = peer_next_id(p);
	snprintf(h.node, sizeof(h.node), "%s", self);
	rc = transport_send_msg(p->t, PEER_MSG_HELLO, buf, peer_encode_hello(buf, &h));
	if (!rc)
		rc = transport_recv_msg(p->t, &type, buf, sizeof(buf), &got, p->timeout_ms);
	if (rc) {
		snprintf(why, len, "%s at %s: %s", p->node, p->addr, transport_strerror(rc));
		return rc;
	}
	if (type == PEER_MSG_REPLY && peer_decode_reply(buf, got, &r) == 0 && r.id == h.id) {
		snprintf(why, len, "%s refused us: %s", p->node, r.why);
		return r.rc == -EBUSY ? -EBUSY : -EPROTO;
	}
	if (type != PEER_MSG_HELLO || got < 8 || peer_decode_hello(buf, got, &back) ||
	    back.version != PEER_PROTO_VERSION || back.id != h.id) {
		snprintf(why, len, "%s does not speak peer protocol %u", p->node, PEER_PROTO_VERSION);
		return -EPROTO;
	}
	if (strcmp(back.node, p->node)) {
		snprintf(why, len, "%s at %s answered as node %s", p->node, p->addr, back.node);
		return -EPERM;
	}
	return 0;
}

int peer_connect(const char *node, const struct peer_opts *o, struct peer **out, char *why,
		 size_t len)
{
	struct transport_opts to = {0};
	char self[PEER_NAME_MAX];
	struct authkey key;
	struct peer *p;
	int fd, rc;

	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : PEER_TIMEOUT_DEFAULT;
	rc = peer_prepare(node, o, p, self, &key, why, len);
	if (rc) {
		free(p);
		return rc;
	}
	fd = tcp_connect(p->addr, o->port ? o->port : PEER_PORT_DEFAULT, p->timeout_ms);
	snprintf(p->addr + strlen(p->addr), 8, ":%d", o->port ? o->port : PEER_PORT_DEFAULT);
	if (fd < 0) {
		snprintf(why, len, "cannot reach ferryd of %s at %s: %s", p->node, p->addr,
			 strerror(-fd));
		authkey_clear(&key);
		free(p);
		return fd;
	}
	to.key = &key;
	to.self = self;
	to.peer = p->node;
	to.encrypt = o->encrypt;
	to.timeout_ms = p->timeout_ms;
	to.stream_rate = ratelimit_mib(o->speed_mib_s);
	rc = transport_client(fd, &to, &p->t);
	authkey_clear(&key);
	if (rc) {
		close(fd);
		connect_why(p, rc, why, len);
		free(p);
		return rc;
	}
	rc = peer_hello(p, self, why, len);
	if (rc) {
		transport_free(p->t);
		free(p);
		return rc;
	}
	flog(FLOG_PEER, LOG_INFO, "connected to %s at %s", p->node, p->addr);
	*out = p;
	return 0;
}

int peer_open(struct transport *t, const char *self, const char *node, int timeout_ms,
	      struct peer **out, char *why, size_t len)
{
	struct peer *p = calloc(1, sizeof(*p));
	int rc;

	if (!p)
		return -ENOMEM;
	p->t = t;
	p->timeout_ms = timeout_ms > 0 ? timeout_ms : PEER_TIMEOUT_DEFAULT;
	snprintf(p->node, sizeof(p->node), "%s", node);
	snprintf(p->addr, sizeof(p->addr), "%s", transport_peer(t));
	rc = peer_hello(p, self, why, len);
	if (rc) {
		free(p); /* the transport stays the caller's */
		return rc;
	}
	*out = p;
	return 0;
}

void peer_close(struct peer *p)
{
	if (!p)
		return;
	transport_free(p->t);
	free(p);
}

uint32_t peer_next_id(struct peer *p)
{
	if (++p->last_id == 0) /* 0 is never a request's id */
		p->last_id = 1;
	return p->last_id;
}

int peer_send(struct peer *p, uint16_t type, const void *buf, size_t len, char *why, size_t wlen)
{
	int rc = transport_send_msg(p->t, type, buf, len);

	if (rc && why)
		snprintf(why, wlen, "%s: %s", p->node, transport_strerror(rc));
	return rc;
}

/* Not the reply we wait for: the conversation is out of step, and the only
 * safe thing is to stop it (the peer undoes what it started). */
static int out_of_step(struct peer *p, char *why, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int out_of_step(struct peer *p, char *why, size_t len, const char *fmt, ...)
{
	char what[PEER_WHY_MAX + 128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	flog(FLOG_PEER, LOG_ERR, "%s: protocol error: %s; closing the connection", p->node, what);
	if (why)
		snprintf(why, len, "%s: protocol error: %s", p->node, what);
	transport_abort(p->t, -EPROTO);
	return -EPROTO;
}

int peer_wait(struct peer *p, uint16_t type, uint32_t id, int timeout_ms, char *why, size_t len)
{
	uint8_t buf[PEER_REPLY_LEN];
	struct peer_reply r;
	char n1[24], n2[24];
	uint16_t got_type;
	size_t got;
	int rc = transport_recv_msg(p->t, &got_type, buf, sizeof(buf), &got, timeout_ms);

	if (rc == -EMSGSIZE)
		return out_of_step(p, why, len, "a %zu-byte %s while waiting for %s", got,
				   peer_msg_name(got_type, n1, sizeof(n1)),
				   peer_msg_name(type, n2, sizeof(n2)));
	if (rc) {
		if (why)
			snprintf(why, len, "%s: %s", p->node, transport_strerror(rc));
		return rc;
	}
	if (peer_decode_reply(buf, got, &r))
		return out_of_step(p, why, len, "a malformed %s while waiting for %s to request %u",
				   peer_msg_name(got_type, n1, sizeof(n1)),
				   peer_msg_name(type, n2, sizeof(n2)), id);
	if (got_type != type || r.id != id)
		return out_of_step(p, why, len, "%s to request %u while waiting for %s to request %u%s%s",
				   peer_msg_name(got_type, n1, sizeof(n1)), r.id,
				   peer_msg_name(type, n2, sizeof(n2)), id, r.why[0] ? ": " : "",
				   r.why);
	if (r.rc && why)
		snprintf(why, len, "%s: %s", p->node, r.why[0] ? r.why : strerror(-r.rc));
	return r.rc;
}

int peer_request(struct peer *p, enum peer_op op, const char *res, char *why, size_t len)
{
	struct peer_request q = { .op = op };
	uint8_t buf[PEER_REQUEST_LEN];
	int rc;

	q.id = peer_next_id(p);
	snprintf(q.res, sizeof(q.res), "%s", res);
	rc = peer_send(p, PEER_MSG_REQUEST, buf, peer_encode_request(buf, &q), why, len);
	return rc ? rc : peer_wait(p, PEER_MSG_REPLY, q.id, p->timeout_ms * 4, why, len);
}

int peer_local(struct peer *p, const struct drbd_local_res *r, unsigned step, uint32_t flags,
	       char *why, size_t len)
{
	struct peer_local m = {.step = step, .flags = flags, .res = *r};
	uint8_t buf[PEER_LOCAL_LEN];
	int rc;

	m.id = peer_next_id(p);
	rc = peer_send(p, PEER_MSG_LOCAL, buf, peer_encode_local(buf, &m), why, len);
	/* lvm2 and drbdadm on a loaded target: as long as a storage request */
	return rc ? rc : peer_wait(p, PEER_MSG_REPLY, m.id, p->timeout_ms * 4, why, len);
}

int peer_ping(struct peer *p, int64_t *rtt_us, char *why, size_t len)
{
	uint8_t buf[PEER_ID_LEN];
	uint32_t id = peer_next_id(p);
	int64_t t0 = clock_us();
	int rc;

	rc = peer_send(p, PEER_MSG_PING, buf, peer_encode_id(buf, id), why, len);
	if (!rc)
		rc = peer_wait(p, PEER_MSG_REPLY, id, p->timeout_ms, why, len);
	*rtt_us = clock_us() - t0;
	return rc;
}
