/* Client side of the peer protocol (see peer.h and peer_proto.h). */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "flog.h"

#include "authkey.h"
#include "drbd.h"
#include "nodemap.h"
#include "peer.h"

#define PEER_TIMEOUT_DEFAULT 30000

void peer_opts_init(struct peer_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->encrypt = true;
}

int peer_self_name(char *name, size_t len)
{
	struct nodemap m;
	uint32_t self;
	int rc = nodemap_load(&m);

	if (rc == 0) {
		rc = nodemap_self(&m, &self);
		if (rc == 0)
			snprintf(name, len, "%s", nodemap_name(&m, self));
		nodemap_free(&m);
		if (rc == 0)
			return 0;
	}
	return gethostname(name, len) ? -errno : 0;
}

/* The address to reach @node at: the option, or its ring0 address. */
static int peer_address(const char *node, const struct peer_opts *o, char *addr, size_t len)
{
	struct nodemap m;
	uint32_t id;
	const char *a;
	int rc;

	if (o->address) {
		snprintf(addr, len, "%s", o->address);
		return 0;
	}
	rc = nodemap_load(&m);
	if (rc)
		return rc;
	rc = nodemap_resolve(&m, node, &id);
	if (rc == 0 && !(a = nodemap_addr(&m, id)))
		rc = -ENOENT;
	if (rc == 0)
		snprintf(addr, len, "%s", a);
	nodemap_free(&m);
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

int peer_connect(const char *node, const struct peer_opts *o, struct peer **out, char *why,
		 size_t len)
{
	struct transport_opts to = {0};
	struct peer_hello h = {0};
	union {
		struct peer_hello h;
		struct peer_reply r;
	} u;
	struct authkey key;
	struct peer *p;
	uint16_t type;
	size_t got;
	int fd, rc;

	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : PEER_TIMEOUT_DEFAULT;
	rc = peer_address(node, o, p->addr, sizeof(p->addr) - 8);
	if (rc) {
		snprintf(why, len, "no address for node %s (not in corosync's nodelist?)", node);
		free(p);
		return -ENOENT;
	}
	rc = authkey_load(o->keyfile ? o->keyfile : FERRY_AUTHKEY_PATH, &key);
	if (rc) {
		snprintf(why, len, "cannot load the cluster key %s: %s",
			 o->keyfile ? o->keyfile : FERRY_AUTHKEY_PATH, strerror(-rc));
		free(p);
		return rc;
	}
	fd = tcp_connect(p->addr, o->port ? o->port : PEER_PORT_DEFAULT, p->timeout_ms);
	snprintf(p->addr + strlen(p->addr), 8, ":%d", o->port ? o->port : PEER_PORT_DEFAULT);
	if (fd < 0) {
		snprintf(why, len, "cannot reach ferryd of %s at %s: %s", node, p->addr,
			 strerror(-fd));
		authkey_clear(&key);
		free(p);
		return fd;
	}
	to.key = &key;
	to.encrypt = o->encrypt;
	to.timeout_ms = p->timeout_ms;
	rc = transport_client(fd, &to, &p->t);
	authkey_clear(&key);
	if (rc) {
		close(fd);
		snprintf(why, len, "%s at %s: %s", node, p->addr,
			 rc == -EACCES ? "authentication failed (different cluster key?)"
				       : transport_strerror(rc));
		free(p);
		return rc;
	}
	h.version = htobe32(PEER_PROTO_VERSION);
	peer_self_name(h.node, sizeof(h.node));
	rc = transport_send_msg(p->t, PEER_MSG_HELLO, &h, sizeof(h));
	if (rc == 0)
		rc = transport_recv_msg(p->t, &type, &u, sizeof(u), &got, p->timeout_ms);
	if (rc) {
		snprintf(why, len, "%s at %s: %s", node, p->addr, transport_strerror(rc));
	} else if (type == PEER_MSG_REPLY && got == sizeof(u.r)) {
		u.r.why[sizeof(u.r.why) - 1] = '\0';
		snprintf(why, len, "%s refused us: %s", node, u.r.why);
		rc = -EPROTO;
	} else if (type != PEER_MSG_HELLO || got != sizeof(u.h) ||
		   be32toh(u.h.version) != PEER_PROTO_VERSION) {
		snprintf(why, len, "%s does not speak peer protocol %u", node, PEER_PROTO_VERSION);
		rc = -EPROTO;
	}
	if (rc) {
		transport_free(p->t);
		free(p);
		return rc;
	}
	u.h.node[sizeof(u.h.node) - 1] = '\0';
	snprintf(p->node, sizeof(p->node), "%s", u.h.node);
	flog(FLOG_PEER, LOG_INFO, "connected to %s at %s", p->node, p->addr);
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

int peer_send_reply(struct transport *t, uint16_t type, int rc, const char *why)
{
	struct peer_reply r = {0};

	r.rc = (int32_t)htobe32((uint32_t)rc);
	snprintf(r.why, sizeof(r.why), "%s", why ? why : "");
	return transport_send_msg(t, type, &r, sizeof(r));
}

int peer_recv_reply(struct peer *p, uint16_t type, int timeout_ms, char *why, size_t len)
{
	struct peer_reply r;
	uint16_t got_type;
	size_t got;
	int rc = transport_recv_msg(p->t, &got_type, &r, sizeof(r), &got, timeout_ms);

	if (rc) {
		if (why)
			snprintf(why, len, "%s: %s", p->node, transport_strerror(rc));
		return rc;
	}
	if (got_type != type || got != sizeof(r)) {
		if (why)
			snprintf(why, len, "%s sent message %u, expected %u", p->node, got_type, type);
		return -EPROTO;
	}
	r.why[sizeof(r.why) - 1] = '\0';
	rc = (int32_t)be32toh((uint32_t)r.rc);
	if (rc && why)
		snprintf(why, len, "%s: %s", p->node, r.why);
	return rc;
}

int peer_request(struct peer *p, enum peer_op op, const char *res, char *why, size_t len)
{
	struct peer_request q = {0};
	int rc;

	q.op = htobe32(op);
	snprintf(q.res, sizeof(q.res), "%s", res);
	rc = transport_send_msg(p->t, PEER_MSG_REQUEST, &q, sizeof(q));
	if (rc) {
		if (why)
			snprintf(why, len, "%s: %s", p->node, transport_strerror(rc));
		return rc;
	}
	return peer_recv_reply(p, PEER_MSG_REPLY, p->timeout_ms * 4, why, len);
}

int peer_drbd_window(const char *res, bool open, char *why, size_t len)
{
	char self[PEER_NAME_MAX], tmp[PEER_WHY_MAX];
	const struct drbd_host *h;
	struct drbd_config c;
	struct peer_opts o;
	struct peer *p;
	int rc;

	if (!why) {
		why = tmp;
		len = sizeof(tmp);
	}
	rc = drbd_config_load(res, &c);
	if (rc) {
		snprintf(why, len, "resource %s is not configured here", res);
		return rc;
	}
	peer_self_name(self, sizeof(self));
	h = drbd_config_peer(&c, self);
	if (!h) {
		snprintf(why, len, "resource %s has no single peer of %s in its configuration", res,
			 self);
		return -ENOENT;
	}
	peer_opts_init(&o);
	rc = peer_connect(h->name, &o, &p, why, len);
	if (rc)
		return rc;
	rc = peer_request(p, open ? PEER_OP_WINDOW_OPEN : PEER_OP_WINDOW_CLOSE, res, why, len);
	peer_close(p);
	return rc;
}
