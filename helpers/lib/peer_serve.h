/* The serving side of the peer protocol (peer_proto.h): one conversation
 * with an authenticated peer, as `ferryctl serve` runs it. What the
 * requests do (storage, receiving a migration) comes in through
 * struct peer_serve_ops, so the conversation itself, every decoder and
 * every reply, runs the same under ferryctl, in unit tests and under the
 * fuzzer. */
#ifndef FERRY_PEER_SERVE_H
#define FERRY_PEER_SERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "peer_proto.h"
#include "transport.h"

struct peer_server;

struct peer_serve_ops {
	/** Do storage operation @op on @res here: 0 or -errno (reason in @why). */
	int (*storage)(void *arg, enum peer_op op, const char *res, char *why, size_t len);
	/**
	 * Receive the migration @offer opens: runs the conversation to its
	 * end (answering READY, RECEIVED, RESULT or ABORT through
	 * peer_serve_reply, and serving requests in between through
	 * peer_serve_msg). @return 0 when the domain runs here.
	 */
	int (*migrate)(void *arg, struct peer_server *s, const struct peer_offer *offer);
	/** A storage=local move's step here (decoded, not yet checked): 0 or
	 * -errno (reason in @why). NULL: refused as not supported. */
	int (*local)(void *arg, struct peer_server *s, const struct peer_local *m, char *why,
		     size_t len);
};

struct peer_server {
	struct transport *t;
	char self[PEER_NAME_MAX];
	char peer_node[PEER_NAME_MAX]; /**< the authenticated peer */
	const struct peer_serve_ops *ops;
	void *arg;
	/** Where replies go and messages come from: NULL for the transport
	 * (the fuzz harness feeds and captures them instead). */
	int (*send)(struct peer_server *s, uint16_t type, const void *buf, size_t len);
	int (*recv)(struct peer_server *s, uint16_t *type, void *buf, size_t cap, size_t *len,
		    int timeout_ms);
	bool greeted;   /**< HELLO exchanged */
	bool offered;   /**< a migration was offered in this conversation */
	bool runs_here; /**< ... and the domain it offered runs here now */
	/** Called once the peer's HELLO is accepted, before ours goes out:
	 * 0 to go on, or -EBUSY with the reason (ferryd's admission). */
	int (*admitted)(struct peer_server *s, char *why, size_t len);
};

/** The next message from the peer (transport_recv_msg's contract). */
int peer_serve_recv(struct peer_server *s, uint16_t *type, void *buf, size_t cap, size_t *len,
		    int timeout_ms);

/** Sends a reply-shaped message (REPLY, MIG_READY, MIG_RECEIVED,
 * MIG_RESULT) echoing request @id. */
int peer_serve_reply(struct peer_server *s, uint16_t type, uint32_t id, int rc, const char *why);

/**
 * One message from the peer. The first must be HELLO; then REQUEST, LOCAL, PING,
 * MIG_OFFER (handed to ops->migrate), and MIG_ABORT outside a migration
 * ("nothing to abort"). Anything else, or a malformed message, is answered
 * REPLY -EPROTO with its id.
 * @return 0 to go on; <0 the conversation ends (-EPROTO after a protocol
 *         error, the reply to it already sent)
 */
int peer_serve_msg(struct peer_server *s, uint16_t type, const uint8_t *buf, size_t len);

/**
 * Runs a whole conversation on s->t until the peer hangs up, @idle_ms pass
 * without a message, or a protocol error.
 * @return the transport error that ended it (-ECONNRESET: the peer closed)
 */
int peer_serve_run(struct peer_server *s, int idle_ms);

#endif
