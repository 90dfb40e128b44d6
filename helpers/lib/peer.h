/* Talking to another node's ferry: connect to its ferryd's migration port
 * (authenticated with the cluster key for both nodes' names, TLS unless
 * switched off), exchange HELLO, then requests whose replies must echo
 * their ids (peer_proto.h). */
#ifndef FERRY_PEER_H
#define FERRY_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "authkey.h"
#include "peer_proto.h"
#include "transport.h"

struct peer_opts {
	const char *address;  /**< NULL: the node's corosync ring0 address (cmap) */
	int port;             /**< 0: PEER_PORT_DEFAULT */
	bool encrypt;         /**< TLS (default true); false = trusted network */
	const char *keyfile;  /**< NULL: FERRY_AUTHKEY_PATH */
	/** Which key of a rollover to connect with (AUTHKEY_CURRENT; `ferryctl
	 * key verify --next` checks that every node accepts the next one). */
	enum authkey_slot key;
	int timeout_ms;       /**< each blocking step; 0: 30 s */
	unsigned speed_mib_s; /**< cap on the migration stream we send, MiB/s (0: none) */
};

struct peer {
	struct transport *t;
	char node[PEER_NAME_MAX];   /**< the peer's cluster node name, authenticated */
	char addr[80];              /**< where we connected, for messages */
	int timeout_ms;
	uint32_t last_id;           /**< ids of our requests: 1, 2, ... */
};

/** Default options: ring0 address, default port, encrypted, default key. */
void peer_opts_init(struct peer_opts *o);

/**
 * Connects to @node's ferry and exchanges HELLO. The connection is bound to
 * this node's and @node's cluster names: it succeeds only if the node that
 * answers is @node. Errors name the node and the cause in @why: unreachable
 * (-ECONNREFUSED/-EHOSTUNREACH/-ETIMEDOUT), another cluster key (-EACCES),
 * identity refused (-EPERM), handshake not verified (-EBADMSG), encryption
 * required (-EPROTONOSUPPORT), protocol version (-EPROTO), unknown node
 * (-ENOENT), target busy (-EBUSY).
 */
int peer_connect(const char *node, const struct peer_opts *o, struct peer **out, char *why,
		 size_t len);
void peer_close(struct peer *p);

/** peer_connect's second half on an authenticated transport @t (client
 * side, made as @self to @node): HELLO both ways. On success the peer owns
 * @t; on failure @t stays the caller's. */
int peer_open(struct transport *t, const char *self, const char *node, int timeout_ms,
	      struct peer **out, char *why, size_t len);

/** The id for the next request. */
uint32_t peer_next_id(struct peer *p);

/** Sends an encoded request (its id from peer_next_id()). @return 0 or -errno */
int peer_send(struct peer *p, uint16_t type, const void *buf, size_t len, char *why, size_t wlen);

/**
 * Waits for the reply of @type to request @id: the peer's rc (its reason in
 * @why), or -errno of the transport. A message of another type or id, or a
 * malformed one, is a protocol error: -EPROTO, and the connection is closed
 * (every later call fails) so that no reply is ever taken for another's.
 */
int peer_wait(struct peer *p, uint16_t type, uint32_t id, int timeout_ms, char *why, size_t len);

/** One storage request; the peer's reason for a refusal lands in @why. */
int peer_request(struct peer *p, enum peer_op op, const char *res, char *why, size_t len);

/** A target's step @step (enum local_step) of the storage=local move @r,
 * with PEER_LOCAL_* @flags (its undo, a pre-sync). */
int peer_local(struct peer *p, const struct drbd_local_res *r, unsigned step, uint32_t flags,
	       char *why, size_t len);
/** A no-op round trip (PING -> REPLY); its duration in *rtt_us. */
int peer_ping(struct peer *p, int64_t *rtt_us, char *why, size_t len);

/** This node's cluster name (corosync nodelist entry of the local node, or
 * the host name when corosync is not running). */
int peer_self_name(char *name, size_t len);

/** The cluster name of @node (a name or a nodeid) in corosync's nodelist;
 * @node itself when corosync does not know it. */
int peer_node_name(const char *node, char *out, size_t len);

#endif
