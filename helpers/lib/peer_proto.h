/* The peer protocol: what one node's ferryctl asks another node's ferry over
 * the authenticated migration transport (transport.h). The target's ferryd
 * accepts the connection and runs `ferryctl serve` for it, so every request
 * of one conversation is served by one process, which undoes its own
 * half-finished work when the conversation breaks.
 *
 * All integers are big endian. Strings are NUL-padded fixed fields. The
 * first exchange is HELLO both ways; a peer speaking another
 * PEER_PROTO_VERSION is refused with a REPLY naming both versions.
 *
 *   HELLO      C->S, S->C  struct peer_hello
 *   REQUEST    C->S        struct peer_request   -> REPLY
 *   MIG_OFFER  C->S        struct peer_offer + domain config JSON
 *   MIG_READY  S->C        REPLY: preflight verdict ("ready to receive")
 *   REQUEST... C->S        storage steps of the choreography (window, promote)
 *   MIG_STREAM C->S        struct peer_go: the stream follows now
 *   (stream)   C->S        libxl's stream on transport_stream_begin()'s fd
 *   MIG_RECEIVED S->C      REPLY: "domain received, ready to unpause"
 *   MIG_GO     C->S        struct peer_go: "domain is yours": the target
 *                          commits the migration in the ledger, then unpauses
 *   MIG_ABORT  C->S        before GO: destroy the incoming copy
 *   MIG_RESULT S->C        REPLY: "my copy unpause results"
 */
#ifndef FERRY_PEER_PROTO_H
#define FERRY_PEER_PROTO_H

#include <stdint.h>

#define PEER_PROTO_VERSION 1
#define PEER_PORT_DEFAULT  7780
#define PEER_NAME_MAX      64
#define PEER_WHY_MAX       512

enum peer_msg {
	PEER_MSG_HELLO = 1,
	PEER_MSG_REQUEST = 2,
	PEER_MSG_REPLY = 3,
	PEER_MSG_MIG_OFFER = 10,
	PEER_MSG_MIG_READY = 11,
	PEER_MSG_MIG_RECEIVED = 12,
	PEER_MSG_MIG_GO = 13,
	PEER_MSG_MIG_ABORT = 14,
	PEER_MSG_MIG_RESULT = 15,
	PEER_MSG_MIG_STREAM = 16,
};

/** Storage operations a node asks of its DRBD peer. */
enum peer_op {
	PEER_OP_WINDOW_OPEN = 1,  /**< allow-two-primaries=yes on res */
	PEER_OP_WINDOW_CLOSE = 2, /**< allow-two-primaries=no on res */
	PEER_OP_PROMOTE = 3,      /**< Primary, refusing unsafe cases */
	PEER_OP_DEMOTE = 4,       /**< Secondary */
	PEER_OP_VG_ACTIVATE = 5,  /**< LVM above DRBD: activate VG res */
	PEER_OP_VG_DEACTIVATE = 6,
};

struct peer_hello {
	uint32_t version;
	char node[PEER_NAME_MAX]; /**< the sender's cluster node name */
};

struct peer_request {
	uint32_t op;              /**< enum peer_op */
	char res[PEER_NAME_MAX];  /**< DRBD resource or VG */
};

struct peer_reply {
	int32_t rc;               /**< 0 or -errno */
	char why[PEER_WHY_MAX];   /**< the reason, when rc != 0 */
};

/** Migration flags. */
#define PEER_MIG_LIVE 1u

struct peer_offer {
	uint32_t flags;           /**< PEER_MIG_* */
	char name[PEER_NAME_MAX]; /**< the domain's name */
	uint32_t json_len;        /**< bytes of config JSON after this struct, NUL included */
};

/** MIG_STREAM and MIG_GO: the ledger epoch of the domain at MIGRATE_BEGIN;
 * the target's MIGRATE_COMMIT is refused unless it is still current. */
struct peer_go {
	uint64_t epoch;
};

#endif
