/* Talking to another node's ferry: connect to its ferryd's migration port
 * (authenticated with the cluster key, TLS unless switched off), exchange
 * HELLO, then storage requests and the migration conversation. */
#ifndef FERRY_PEER_H
#define FERRY_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "peer_proto.h"
#include "transport.h"

struct peer_opts {
	const char *address;  /**< NULL: the node's corosync ring0 address (cmap) */
	int port;             /**< 0: PEER_PORT_DEFAULT */
	bool encrypt;         /**< TLS (default true); false = trusted network */
	const char *keyfile;  /**< NULL: FERRY_AUTHKEY_PATH */
	int timeout_ms;       /**< each blocking step; 0: 30 s */
};

struct peer {
	struct transport *t;
	char node[PEER_NAME_MAX];   /**< the peer's node name (from its HELLO) */
	char addr[80];              /**< where we connected, for messages */
	int timeout_ms;
};

/** Default options: ring0 address, default port, encrypted, default key. */
void peer_opts_init(struct peer_opts *o);

/**
 * Connects to @node's ferry and exchanges HELLO. Errors name the node and
 * the cause in @why: unreachable (-ECONNREFUSED/-EHOSTUNREACH/-ETIMEDOUT),
 * wrong key (-EACCES), encryption required (-EPROTONOSUPPORT), protocol
 * version (-EPROTO), unknown node (-ENOENT).
 */
int peer_connect(const char *node, const struct peer_opts *o, struct peer **out, char *why,
		 size_t len);
void peer_close(struct peer *p);

/** One storage request; the peer's reason for a refusal lands in @why. */
int peer_request(struct peer *p, enum peer_op op, const char *res, char *why, size_t len);

/** Sends a message whose payload is a struct peer_reply. */
int peer_send_reply(struct transport *t, uint16_t type, int rc, const char *why);
/** Receives a message that must be of @type carrying a struct peer_reply:
 * returns the peer's rc (its reason in @why), or -errno of the transport. */
int peer_recv_reply(struct peer *p, uint16_t type, int timeout_ms, char *why, size_t len);

/**
 * Shortcut for the dual-primary window: connects to the DRBD peer of @res
 * (the other host in its configuration) with default options and asks it
 * to open or close its end.
 */
int peer_drbd_window(const char *res, bool open, char *why, size_t len);

/** This node's cluster name (corosync nodelist entry of the local node, or
 * the host name when corosync is not running). */
int peer_self_name(char *name, size_t len);

#endif
