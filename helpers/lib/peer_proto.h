/* The peer protocol: what one node's ferryctl asks another node's ferry over
 * the authenticated migration transport (transport.h). The target's ferryd
 * accepts the connection and runs `ferryctl serve` for it, so every request
 * of one conversation is served by one process, which undoes its own
 * half-finished work when the conversation breaks.
 *
 * Every message starts with a u32 id. The client numbers its requests
 * 1, 2, 3...; every reply echoes the id of the request it answers. A reply
 * whose type or id is not the one awaited is a protocol error: the client
 * closes the connection and the step counts as failed, never as done, so
 * replies can never drift out of step with requests. The server answers a
 * message it cannot take (unknown, malformed, out of phase) with REPLY
 * -EPROTO and ends the conversation.
 *
 * Encodings (peer_codec.c; integers big endian, strings NUL-terminated in
 * fixed fields, names non-empty):
 *   HELLO    id u32, version u32, node[64]               C->S, S->C
 *   REQUEST  id u32, op u32, res[64]                     C->S -> REPLY
 *   PING     id u32                                      C->S -> REPLY
 *   REPLY    id u32, rc i32 (0 or -errno), why[512]      S->C (also READY,
 *                                                        RECEIVED, RESULT)
 *   MIG_OFFER  id u32, flags u32, name[64], json_len u32, JSON (NUL incl.),
 *              and with flag MIG_PLACE: config[256], late_vg[64] (either
 *              may be empty): the domain's xl config file as the source
 *              knows it, and a VG above DRBD that the migration's own
 *              storage requests activate (not there at the offer yet)
 *                                                        C->S -> MIG_READY
 *   MIG_STREAM id u32, epoch u64; libxl's stream follows C->S -> MIG_RECEIVED
 *   MIG_GO     id u32, epoch u64: "the domain is yours"; the target commits
 *              in the ledger, then unpauses               C->S -> MIG_RESULT
 *   MIG_ABORT  id u32: drop the incoming copy (only while the target holds
 *              a received copy and waits for GO; anywhere else it is
 *              answered "nothing to abort")               C->S -> REPLY
 *   LOCAL    id u32, step u32, flags u32, slot u32, sectors u64, domain[64],
 *            vg[64], lv[128], source node[64], source ip[64], target
 *            node[64], target ip[64]: a target's step of a storage=local
 *            move (local_plan.h), or its undo (flag PEER_LOCAL_UNDO)
 *                                                        C->S -> REPLY
 *
 * A conversation: HELLO both ways (a peer speaking another
 * PEER_PROTO_VERSION is refused with a REPLY naming both versions), then
 * any number of REQUEST, LOCAL and PING, or a migration: OFFER, READY,
 * REQUESTs and LOCALs of the choreography's storage steps, STREAM, RECEIVED,
 * LOCALs (a storage=local move's target detaches here), then GO and RESULT,
 * or ABORT and its REPLY. A target of an earlier build answers LOCAL as an
 * unexpected message: the move is refused before anything changed.
 */
#ifndef FERRY_PEER_PROTO_H
#define FERRY_PEER_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "drbd_local.h"

#define PEER_PROTO_VERSION 2
#define PEER_PORT_DEFAULT  7780
#define PEER_NAME_MAX      64
#define PEER_WHY_MAX       512

enum peer_msg {
	PEER_MSG_HELLO = 1,
	PEER_MSG_REQUEST = 2,
	PEER_MSG_REPLY = 3,
	PEER_MSG_PING = 4,
	PEER_MSG_MIG_OFFER = 10,
	PEER_MSG_MIG_READY = 11,
	PEER_MSG_MIG_RECEIVED = 12,
	PEER_MSG_MIG_GO = 13,
	PEER_MSG_MIG_ABORT = 14,
	PEER_MSG_MIG_RESULT = 15,
	PEER_MSG_MIG_STREAM = 16,
	PEER_MSG_LOCAL = 17,
};

/** Storage operations a node asks of its DRBD peer. */
enum peer_op {
	PEER_OP_WINDOW_OPEN = 1,  /**< allow-two-primaries=yes on res */
	PEER_OP_WINDOW_CLOSE = 2, /**< allow-two-primaries=no on res */
	PEER_OP_PROMOTE = 3,      /**< Primary, refusing unsafe cases */
	PEER_OP_DEMOTE = 4,       /**< Secondary */
	PEER_OP_VG_ACTIVATE = 5,  /**< LVM above DRBD: activate VG res */
	PEER_OP_VG_DEACTIVATE = 6,
	/** drbdadm outdate res: the asker's fence-peer handler lost res's
	 * connection to us (DRBD's outdate-peer). A peer of an earlier
	 * build answers -EOPNOTSUPP; the asker then fences. */
	PEER_OP_OUTDATE = 7,
};

/* Decoded messages. */

struct peer_hello {
	uint32_t id;
	uint32_t version;
	char node[PEER_NAME_MAX]; /**< the sender's cluster node name */
};

struct peer_request {
	uint32_t id;
	uint32_t op;              /**< enum peer_op */
	char res[PEER_NAME_MAX];  /**< DRBD resource or VG */
};

struct peer_reply {
	uint32_t id;              /**< the request's */
	int32_t rc;               /**< 0 or -errno */
	char why[PEER_WHY_MAX];   /**< the reason, when rc != 0 */
};

/** Migration flags. */
#define PEER_MIG_LIVE  1u
/** The offer carries the config path and late VG (the target's
 * pre-flight). A target of an earlier build refuses such an offer as
 * malformed, before anything changed; an offer without it is still
 * accepted (the pre-flight then skips the config file). */
#define PEER_MIG_PLACE 2u

#define PEER_PATH_MAX 256

struct peer_offer {
	uint32_t id;
	uint32_t flags;           /**< PEER_MIG_* */
	char name[PEER_NAME_MAX]; /**< the domain's name */
	const char *json;         /**< the domain's libxl config, NUL-terminated,
				       pointing into the decoded buffer */
	uint32_t json_len;        /**< bytes of JSON, NUL included */
	char config[PEER_PATH_MAX];  /**< PEER_MIG_PLACE: xl config file ("": unknown) */
	char late_vg[PEER_NAME_MAX]; /**< PEER_MIG_PLACE: VG activated during the
					  migration ("": none) */
};

/** MIG_STREAM and MIG_GO: the ledger epoch of the domain at MIGRATE_BEGIN;
 * the target's MIGRATE_COMMIT is refused unless it is still current. */
struct peer_go {
	uint32_t id;
	uint64_t epoch;
};

/** LOCAL flags. */
#define PEER_LOCAL_UNDO 1u /**< undo the step instead */
#define PEER_LOCAL_HOLD 2u /**< a pre-sync: what the step built outlives the
				 conversation (a later move adopts it) */
#define PEER_LOCAL_FLAGS (PEER_LOCAL_UNDO | PEER_LOCAL_HOLD)

/** LOCAL: one step of a storage=local move on the target. */
struct peer_local {
	uint32_t id;
	uint32_t step;             /**< enum local_step (checked by the server) */
	uint32_t flags;            /**< PEER_LOCAL_* */
	struct drbd_local_res res; /**< the move: slot, LV, size, both ends */
};

/* Encoded sizes. */
#define PEER_HELLO_LEN   (8 + PEER_NAME_MAX)
#define PEER_REQUEST_LEN (8 + PEER_NAME_MAX)
#define PEER_REPLY_LEN   (8 + PEER_WHY_MAX)
#define PEER_ID_LEN      4                    /* PING, MIG_ABORT */
#define PEER_OFFER_HDR   (12 + PEER_NAME_MAX) /* then the JSON */
#define PEER_OFFER_PLACE (PEER_PATH_MAX + PEER_NAME_MAX) /* after it, with PEER_MIG_PLACE */
#define PEER_GO_LEN      12
#define PEER_LOCAL_LEN   (24 + 6 * PEER_NAME_MAX + (NAME_LV_MAX + 1))

/* peer_codec.c: encoders write into a buffer of the size above and return
 * its length; decoders take what the transport delivered and return 0 or
 * -EPROTO for anything that is not exactly a well-formed message. */
size_t peer_encode_hello(uint8_t *buf, const struct peer_hello *m);
int peer_decode_hello(const uint8_t *buf, size_t len, struct peer_hello *m);
size_t peer_encode_request(uint8_t *buf, const struct peer_request *m);
int peer_decode_request(const uint8_t *buf, size_t len, struct peer_request *m);
size_t peer_encode_reply(uint8_t *buf, const struct peer_reply *m);
int peer_decode_reply(const uint8_t *buf, size_t len, struct peer_reply *m);
size_t peer_encode_id(uint8_t *buf, uint32_t id);
int peer_decode_id(const uint8_t *buf, size_t len, uint32_t *id);
/** @buf must have room for PEER_OFFER_HDR + m->json_len (+ PEER_OFFER_PLACE
 * with PEER_MIG_PLACE). */
size_t peer_encode_offer(uint8_t *buf, const struct peer_offer *m);
int peer_decode_offer(const uint8_t *buf, size_t len, struct peer_offer *m);
size_t peer_encode_go(uint8_t *buf, const struct peer_go *m);
int peer_decode_go(const uint8_t *buf, size_t len, struct peer_go *m);
size_t peer_encode_local(uint8_t *buf, const struct peer_local *m);
/** Every name non-empty, the slot in range, no unknown flag; the step and
 * the names' syntax are the server's to check. */
int peer_decode_local(const uint8_t *buf, size_t len, struct peer_local *m);
/** The id at the start of any message (0 if it is too short): what a
 * refusal of a malformed message echoes. */
uint32_t peer_msg_id(const uint8_t *buf, size_t len);
/** Name of a message type, for logs ("MIG_GO", or "message 77"). */
const char *peer_msg_name(uint16_t type, char *buf, size_t len);

#endif
