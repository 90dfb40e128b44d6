/* One peer conversation, served (see peer_serve.h). Every reply echoes the
 * id of the message it answers; whatever the server cannot take ends the
 * conversation after saying so, so client and server never drift out of
 * step. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flog.h"

#include "peer_serve.h"

int peer_serve_reply(struct peer_server *s, uint16_t type, uint32_t id, int rc, const char *why)
{
	struct peer_reply r = { .id = id, .rc = rc };
	uint8_t buf[PEER_REPLY_LEN];
	size_t n;

	snprintf(r.why, sizeof(r.why), "%s", why ? why : "");
	n = peer_encode_reply(buf, &r);
	return s->send ? s->send(s, type, buf, n) : transport_send_msg(s->t, type, buf, n);
}

int peer_serve_recv(struct peer_server *s, uint16_t *type, void *buf, size_t cap, size_t *len,
		    int timeout_ms)
{
	return s->recv ? s->recv(s, type, buf, cap, len, timeout_ms) :
			 transport_recv_msg(s->t, type, buf, cap, len, timeout_ms);
}

static int send_msg(struct peer_server *s, uint16_t type, const void *buf, size_t len)
{
	return s->send ? s->send(s, type, buf, len) : transport_send_msg(s->t, type, buf, len);
}

/* Says why and ends the conversation. */
static int refuse(struct peer_server *s, uint32_t id, int rc, const char *why)
{
	flog(FLOG_PEER, LOG_ERR, "peer %s (%s): %s; ending the conversation",
	     s->peer_node[0] ? s->peer_node : "?", transport_peer(s->t), why);
	peer_serve_reply(s, PEER_MSG_REPLY, id, rc, why);
	return rc;
}

/* The first message: the peer's HELLO, from the node it authenticated as. */
static int serve_hello(struct peer_server *s, uint16_t type, const uint8_t *buf, size_t len)
{
	struct peer_hello h, mine = { .version = PEER_PROTO_VERSION };
	uint8_t out[PEER_HELLO_LEN];
	char why[PEER_WHY_MAX];
	int rc;

	if (type != PEER_MSG_HELLO || peer_decode_hello(buf, len, &h) ||
	    h.version != PEER_PROTO_VERSION) {
		snprintf(why, sizeof(why), "peer protocol %u expected, got %s%u",
			 PEER_PROTO_VERSION, type == PEER_MSG_HELLO ? "version " : "message ",
			 type == PEER_MSG_HELLO ? h.version : type);
		return refuse(s, peer_msg_id(buf, len), -EPROTO, why);
	}
	/* The transport proved who the peer is; its HELLO must agree. */
	if (s->peer_node[0] && strcmp(h.node, s->peer_node)) {
		snprintf(why, sizeof(why), "HELLO from node %s on a connection authenticated as %s",
			 h.node, s->peer_node);
		return refuse(s, h.id, -EPERM, why);
	}
	if (!s->peer_node[0])
		snprintf(s->peer_node, sizeof(s->peer_node), "%s", h.node);
	if (s->admitted && (rc = s->admitted(s, why, sizeof(why)))) {
		flog(FLOG_PEER, LOG_WARNING, "peer %s: %s", s->peer_node, why);
		peer_serve_reply(s, PEER_MSG_REPLY, h.id, rc, why);
		return rc;
	}
	mine.id = h.id;
	snprintf(mine.node, sizeof(mine.node), "%s", s->self);
	s->greeted = true;
	return send_msg(s, PEER_MSG_HELLO, out, peer_encode_hello(out, &mine));
}

static int serve_request(struct peer_server *s, const uint8_t *buf, size_t len)
{
	struct peer_request q;
	char why[PEER_WHY_MAX] = "";
	int rc;

	if (peer_decode_request(buf, len, &q))
		return refuse(s, peer_msg_id(buf, len), -EPROTO, "malformed REQUEST");
	rc = s->ops->storage(s->arg, (enum peer_op)q.op, q.res, why, sizeof(why));
	return peer_serve_reply(s, PEER_MSG_REPLY, q.id, rc, why[0] ? why : rc ? strerror(-rc) : "");
}

static int serve_local(struct peer_server *s, const uint8_t *buf, size_t len)
{
	struct peer_local m;
	char why[PEER_WHY_MAX] = "";
	int rc;

	if (peer_decode_local(buf, len, &m))
		return refuse(s, peer_msg_id(buf, len), -EPROTO, "malformed LOCAL");
	if (s->ops->local)
		rc = s->ops->local(s->arg, s, &m, why, sizeof(why));
	else
		snprintf(why, sizeof(why), "storage=local moves are not served here"), rc = -EOPNOTSUPP;
	return peer_serve_reply(s, PEER_MSG_REPLY, m.id, rc, why[0] ? why : rc ? strerror(-rc) : "");
}

static int serve_offer(struct peer_server *s, const uint8_t *buf, size_t len)
{
	struct peer_offer o;

	if (peer_decode_offer(buf, len, &o)) {
		/* Answered as the READY it asked for, so the source reads a
		 * refusal, not a stray REPLY. */
		peer_serve_reply(s, PEER_MSG_MIG_READY, peer_msg_id(buf, len), -EPROTO,
				 "malformed offer");
		return -EPROTO;
	}
	s->offered = true;
	s->runs_here = s->ops->migrate(s->arg, s, &o) == 0;
	return 0;
}

int peer_serve_msg(struct peer_server *s, uint16_t type, const uint8_t *buf, size_t len)
{
	char name[24], why[96];
	uint32_t id;

	if (!s->greeted)
		return serve_hello(s, type, buf, len);
	switch (type) {
	case PEER_MSG_REQUEST:
		return serve_request(s, buf, len);
	case PEER_MSG_LOCAL:
		return serve_local(s, buf, len);
	case PEER_MSG_PING:
		if (peer_decode_id(buf, len, &id))
			return refuse(s, peer_msg_id(buf, len), -EPROTO, "malformed PING");
		return peer_serve_reply(s, PEER_MSG_REPLY, id, 0, "");
	case PEER_MSG_MIG_OFFER:
		return serve_offer(s, buf, len);
	case PEER_MSG_MIG_ABORT:
		/* The source may not know the migration already ended here
		 * (our RECEIVED or RESULT said so): answer, stay in step. */
		if (peer_decode_id(buf, len, &id))
			return refuse(s, peer_msg_id(buf, len), -EPROTO, "malformed MIG_ABORT");
		return peer_serve_reply(s, PEER_MSG_REPLY, id, 0,
					"no migration in progress here: nothing to abort");
	default:
		snprintf(why, sizeof(why), "unexpected %s", peer_msg_name(type, name, sizeof(name)));
		return refuse(s, peer_msg_id(buf, len), -EPROTO, why);
	}
}

int peer_serve_run(struct peer_server *s, int idle_ms)
{
	uint8_t *buf = malloc(TRANSPORT_MSG_MAX);
	int rc = -ENOMEM;

	while (buf) {
		uint16_t type;
		size_t got;

		rc = peer_serve_recv(s, &type, buf, TRANSPORT_MSG_MAX, &got, s->greeted ? idle_ms : -1);
		if (rc)
			break;
		rc = peer_serve_msg(s, type, buf, got);
		if (rc)
			break;
	}
	free(buf);
	return rc;
}
