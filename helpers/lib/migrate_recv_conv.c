/* The target's half of the migration conversation (see migrate_conv.h):
 * each phase accepts exactly the messages that belong to it, answers each
 * with its id, and drops the incoming copy whenever the migration ends
 * before "go" succeeded. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "flog.h"

#include "migrate_conv.h"

struct conv {
	struct peer_server *srv;
	const struct migrate_target_ops *ops;
	void *arg;
	const char *name;
	char why[PEER_WHY_MAX];
	/* The largest message of a migration but the offer and the stream. */
	uint8_t buf[PEER_LOCAL_LEN > PEER_REPLY_LEN ? PEER_LOCAL_LEN : PEER_REPLY_LEN];
	size_t got;
};

/* The next message of the migration; REQUEST, LOCAL and PING are served
 * on the way. Its type, or -errno (the reason in c->why; after a protocol error
 * the peer has been told). */
static int conv_next(struct conv *c, int wait_ms)
{
	for (;;) {
		uint16_t type;
		int rc = peer_serve_recv(c->srv, &type, c->buf, sizeof(c->buf), &c->got, wait_ms);

		if (rc == -EMSGSIZE) {
			snprintf(c->why, sizeof(c->why), "a %zu-byte message during the migration",
				 c->got);
			peer_serve_reply(c->srv, PEER_MSG_REPLY, 0, -EPROTO, c->why);
			return -EPROTO;
		}
		if (rc) {
			snprintf(c->why, sizeof(c->why), "source went away: %s", transport_strerror(rc));
			return rc;
		}
		if (type != PEER_MSG_REQUEST && type != PEER_MSG_LOCAL && type != PEER_MSG_PING)
			return type;
		rc = peer_serve_msg(c->srv, type, c->buf, c->got);
		if (rc) {
			snprintf(c->why, sizeof(c->why), "conversation ended: %s",
				 transport_strerror(rc));
			return rc;
		}
	}
}

/* A message that does not belong in this phase: said so, with its id. */
static int conv_unexpected(struct conv *c, int type, const char *phase)
{
	char name[24];

	snprintf(c->why, sizeof(c->why), "unexpected %s %s",
		 peer_msg_name((uint16_t)type, name, sizeof(name)), phase);
	peer_serve_reply(c->srv, PEER_MSG_REPLY, peer_msg_id(c->buf, c->got), -EPROTO, c->why);
	return -EPROTO;
}

/* STREAM: the stream, restored by ops->restore, then RECEIVED. */
static int conv_stream(struct conv *c, const struct peer_go *g)
{
	int fd, rc, end;

	/* Without a transport (the fuzz harness) the stream is the stand-in
	 * restore's business. */
	rc = c->srv->t ? transport_stream_begin(c->srv->t, &fd) : (fd = -1, 0);
	if (rc) {
		snprintf(c->why, sizeof(c->why), "stream: %s", transport_strerror(rc));
	} else {
		rc = c->ops->restore(c->arg, fd, c->why, sizeof(c->why));
		end = c->srv->t ? transport_stream_end(c->srv->t) : 0;
		if (!rc && end) {
			snprintf(c->why, sizeof(c->why), "stream of %s: %s", c->name,
				 transport_strerror(end));
			rc = end;
		}
	}
	peer_serve_reply(c->srv, PEER_MSG_MIG_RECEIVED, g->id, rc, c->why);
	return rc;
}

int migrate_target_run(struct peer_server *srv, const struct peer_offer *offer,
		       const struct migrate_target_ops *ops, void *arg, int wait_ms)
{
	struct conv c = { .srv = srv, .ops = ops, .arg = arg, .name = offer->name };
	struct peer_go g;
	uint32_t id;
	int rc, type;

	rc = ops->preflight(arg, offer, c.why, sizeof(c.why));
	peer_serve_reply(srv, PEER_MSG_MIG_READY, offer->id, rc, c.why);
	if (rc) {
		flog(FLOG_MIGRATE, LOG_WARNING, "migration offer of %s from %s refused: %s",
		     offer->name, srv->peer_node, c.why);
		return rc;
	}
	flog(FLOG_MIGRATE, LOG_NOTICE, "migration of %s from %s to %s: ready (%s)", offer->name,
	     srv->peer_node, srv->self, offer->flags & PEER_MIG_LIVE ? "live" : "non-live");

	/* The choreography's storage steps (served by conv_next), then STREAM. */
	type = rc = conv_next(&c, wait_ms);
	if (rc >= 0 && (type != PEER_MSG_MIG_STREAM || peer_decode_go(c.buf, c.got, &g)))
		rc = conv_unexpected(&c, type, "before the stream");
	if (rc >= 0)
		rc = conv_stream(&c, &g);
	if (rc)
		goto out;
	flog(FLOG_MIGRATE, LOG_NOTICE, "migration of %s: received, paused, waiting for go",
	     offer->name);

	/* GO, or ABORT: the source may give up while we hold a copy. */
	type = rc = conv_next(&c, wait_ms);
	if (rc < 0)
		goto out;
	if (type == PEER_MSG_MIG_ABORT && peer_decode_id(c.buf, c.got, &id) == 0) {
		snprintf(c.why, sizeof(c.why), "the source aborted");
		ops->drop(arg, c.why);
		peer_serve_reply(srv, PEER_MSG_REPLY, id, 0, "aborted: the incoming copy is destroyed");
		return -ECANCELED;
	}
	if (type != PEER_MSG_MIG_GO || peer_decode_go(c.buf, c.got, &g)) {
		rc = conv_unexpected(&c, type, "while waiting for go");
		goto out;
	}
	rc = ops->go(arg, g.epoch, c.why, sizeof(c.why));
	peer_serve_reply(srv, PEER_MSG_MIG_RESULT, g.id, rc, c.why);
out:
	if (rc)
		ops->drop(arg, c.why);
	return rc;
}
