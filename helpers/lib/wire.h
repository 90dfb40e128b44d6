/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ferry CPG wire format. Every message starts with a fixed header that
 * carries the protocol version; all integers are little-endian and every
 * field is bounds-checked on decode, so a malformed, truncated, oversized or
 * foreign message is refused with an error, never read past its end.
 *
 *   u32 magic "FRRY" | u8 major | u8 minor | u16 type | u32 payload length |
 *   u32 flags | u64 ring seq of the sender | u64 request id of the sender
 */
#ifndef FERRY_WIRE_H
#define FERRY_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "ledger.h"

#define WIRE_MAGIC 0x59525246u /* "FRRY" read as little-endian */
/*
 * A different major is refused. v2: offers carry live/restored, the ledger
 * version and the sender's refused members; node records carry the member
 * flag; DONE carries the version; round keys cover the whole CPG membership.
 * A v1 node would compute other round keys and misread offers, so the two
 * must refuse each other. Overridable (-DWIRE_VERSION_MAJOR=N) only to build
 * the cluster tier's test-only ferryd of another major.
 */
#ifndef WIRE_VERSION_MAJOR
#define WIRE_VERSION_MAJOR 2
#endif
#define WIRE_VERSION_MINOR 0
#define WIRE_HDR_LEN 32
/** Largest message accepted; senders chunk well below it. */
#define WIRE_MAX_LEN (256u * 1024u)
/** Payload budget a chunking sender aims for. */
#define WIRE_CHUNK_TARGET (60u * 1024u)

/** The sender was quorate in the ring it stamped (ring ids agreed). */
#define WIRE_F_QUORATE 0x1u

enum wire_type {
	WIRE_CLAIM = 1,
	WIRE_RELEASE,
	WIRE_MIGRATE_BEGIN,
	WIRE_MIGRATE_COMMIT,
	WIRE_MIGRATE_ABORT,
	WIRE_REPORT,       /**< names running on the sender */
	WIRE_CONFIRM_DEAD, /**< operator: node is off */
	WIRE_FENCED,       /**< fencing of a lost node confirmed */
	WIRE_SYNC_OFFER,   /**< state transfer: who has what */
	WIRE_SYNC_CHUNK,   /**< state transfer: domain records */
	WIRE_SYNC_DONE,    /**< state transfer: node table, totals */
	WIRE_SYNC_FORCE,   /**< state transfer: stop waiting for silent members */
	WIRE_STATE,        /**< first record of a ledger.state file, never multicast */
	WIRE_TYPE_MAX
};

/** Decoded header. */
struct wire_hdr {
	uint8_t major;
	uint8_t minor;
	uint16_t type;
	uint32_t len;   /**< payload bytes */
	uint32_t flags;
	uint64_t ring;
	uint64_t req_id;
};

/** A CPG member (nodeid, pid) as offers list refused ones. */
struct wire_member {
	uint32_t nodeid;
	uint32_t pid;
};

/** Largest origin of a SYNC_DONE (see wire_done_begin). */
#define WIRE_ORIGIN_MAX 2

/** Length of a boot id (the 16 bytes of /proc/sys/kernel/random/boot_id). */
#define WIRE_BOOT_ID_LEN 16

/** What a SYNC_OFFER says. */
struct wire_offer {
	uint64_t round;
	uint8_t has_state;  /**< it holds a ledger */
	uint8_t restored;   /**< ...loaded from ledger.state, not kept live in memory */
	uint64_t authority; /**< last ring in which that ledger was quorate */
	uint64_t version;   /**< applied changes in that ledger's history */
	const uint32_t *nodes; /**< the nodeids its corosync configures */
	size_t nnodes;
	const struct wire_member *refused; /**< members it refused (other protocol major) */
	size_t nrefused;
};

/** Cursor over a validated list (names, domain records or node records). */
struct wire_iter {
	const uint8_t *p;
	const uint8_t *end;
	uint32_t left;
};

/** A decoded message. Pointers refer into the caller's buffer. */
struct wire_msg {
	struct wire_hdr hdr;
	char name[LEDGER_NAME_MAX + 1]; /**< domain requests */
	uint64_t epoch;                 /**< COMMIT/ABORT: expected epoch */
	uint32_t node;                  /**< BEGIN target, CONFIRM_DEAD/FENCED node */
	uint32_t lost_gen;              /**< FENCED */
	uint64_t fence_time;            /**< FENCED: last completed fencing, s */
	uint64_t round;                 /**< SYNC_*: round key */
	uint8_t has_state;              /**< OFFER */
	uint8_t restored;               /**< OFFER, DONE: the ledger came from ledger.state */
	uint8_t origin;                 /**< DONE: how the ledger's history began */
	uint64_t authority;             /**< OFFER, STATE: last quorate ring seq */
	uint64_t version;               /**< OFFER, DONE, STATE: ledger version */
	uint32_t seq;                   /**< CHUNK: index; DONE: chunk count */
	uint32_t total;                 /**< DONE: domain count */
	uint8_t boot_id[WIRE_BOOT_ID_LEN]; /**< STATE */
	struct wire_iter items;         /**< REPORT names, CHUNK domains, DONE nodes,
					     OFFER configured nodeids */
	struct wire_iter refused;       /**< OFFER: refused members */
};

/** A growable output buffer. `err` latches the first failure. */
struct wbuf {
	uint8_t *p;
	size_t len;
	size_t cap;
	size_t count_off; /**< where a list's count lives (0: none) */
	uint32_t count;
	int err;
};

/** Release a buffer's memory and reset it. */
void wbuf_free(struct wbuf *b);

/**
 * Finish the message: patch payload length and list count.
 * @return 0, or the first error met while building (-ENOMEM, -EMSGSIZE, -EINVAL)
 */
int wire_end(struct wbuf *b);

/**
 * Encode a domain request (CLAIM, RELEASE, MIGRATE_*).
 * @return 0 or -errno
 */
int wire_encode_domain_req(struct wbuf *b, enum wire_type type, uint32_t flags, uint64_t ring,
			   uint64_t req_id, const char *name, uint64_t epoch, uint32_t target);

/**
 * Encode CONFIRM_DEAD or FENCED.
 * @return 0 or -errno
 */
int wire_encode_node_req(struct wbuf *b, enum wire_type type, uint32_t flags, uint64_t ring,
			 uint64_t req_id, uint32_t node, uint32_t lost_gen, uint64_t fence_time);

/**
 * Encode SYNC_OFFER, with the nodeids this node's corosync configures (a
 * cold or warm start treats configured non-members as unseen) and the
 * members this node refused (so that a joiner refuses them too).
 * @return 0 or -errno (-EINVAL: nodeid 0)
 */
int wire_encode_offer(struct wbuf *b, const struct wire_offer *o);

/**
 * Encode the STATE record that opens a ledger.state file.
 * @return 0 or -errno
 */
int wire_encode_state(struct wbuf *b, const uint8_t boot_id[WIRE_BOOT_ID_LEN], uint32_t nodeid,
		      uint64_t version, uint64_t authority);

/**
 * Encode SYNC_FORCE.
 * @return 0 or -errno
 */
int wire_encode_force(struct wbuf *b, uint64_t round);

/**
 * Start a list message: REPORT (no prefix) or SYNC_CHUNK (round, seq). Add
 * items with wire_add_name / wire_add_domain, then wire_end().
 * @return 0 or -errno
 */
int wire_list_begin(struct wbuf *b, enum wire_type type, uint64_t req_id, uint64_t round,
		    uint32_t seq);

/**
 * Start a SYNC_DONE: round, seq = chunk count, total = domain count, the
 * ledger's version, whether it was restored from ledger.state, and how its
 * history began (origin: 0 unknown, 1 cold start, 2 warm start; at most
 * WIRE_ORIGIN_MAX). Add node records with wire_add_node, then wire_end().
 * @return 0 or -errno
 */
int wire_done_begin(struct wbuf *b, uint64_t round, uint32_t seq, uint32_t total,
		    uint64_t version, uint8_t restored, uint8_t origin);

/** Append a name to a REPORT. @return 0 or -errno */
int wire_add_name(struct wbuf *b, const char *name);
/** Append a domain record to a SYNC_CHUNK. @return 0 or -errno */
int wire_add_domain(struct wbuf *b, const struct ledger_entry *e);
/** Append a node record to a SYNC_DONE. @return 0 or -errno */
int wire_add_node(struct wbuf *b, const struct ledger_node *n);

/** Encoded size of one REPORT name / one domain record (for chunking). */
size_t wire_name_size(const char *name);
/** @copydoc wire_name_size */
size_t wire_domain_size(const struct ledger_entry *e);

/**
 * Decode and fully validate a message.
 * @return 0; -EBADMSG malformed or truncated; -EMSGSIZE larger than
 *         WIRE_MAX_LEN; -EPROTONOSUPPORT other major version (m->hdr is
 *         filled so the caller can name it); -ENOMSG unknown type
 */
int wire_decode(const void *buf, size_t len, struct wire_msg *m);

/** Next name of a REPORT. @return 1 item, 0 end (lists are pre-validated) */
int wire_next_name(struct wire_iter *it, char name[LEDGER_NAME_MAX + 1]);
/** Next domain record of a SYNC_CHUNK. @return 1 item, 0 end */
int wire_next_domain(struct wire_iter *it, struct ledger_entry *e);
/** Next node record of a SYNC_DONE. @return 1 item, 0 end */
int wire_next_node(struct wire_iter *it, struct ledger_node *n);
/** Next configured nodeid of a SYNC_OFFER. @return 1 item, 0 end */
int wire_next_nodeid(struct wire_iter *it, uint32_t *nodeid);
/** Next refused member of a SYNC_OFFER (its `refused` list). @return 1 item, 0 end */
int wire_next_member(struct wire_iter *it, struct wire_member *m);

/** Printable name of a message type. */
const char *wire_type_name(int type);

#endif
