/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A ledger as wire records: the SYNC_CHUNK/SYNC_DONE messages of a state
 * transfer, and the ledger.state file, which is a STATE record (boot id,
 * nodeid, version, authority) followed by exactly those messages. One
 * encoding for both, the wire codec's; the file reader is a decoder of
 * outside input and refuses anything but a complete, consistent file.
 */
#ifndef FERRY_LEDGER_STATE_H
#define FERRY_LEDGER_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ledger.h"
#include "wire.h"

/** What a ledger.state file says about its ledger. */
struct ledger_state_meta {
	uint8_t boot_id[WIRE_BOOT_ID_LEN]; /**< the host boot that wrote it */
	uint32_t nodeid;                   /**< the node that wrote it */
	uint64_t version;                  /**< ledger version */
	uint64_t authority;                /**< last ring in which it was quorate */
	uint8_t origin;                    /**< how its history began (SYNC_DONE) */
};

/** Where encoded messages go (a multicast, a file). @return 0 or -errno */
typedef int (*ledger_state_emit_fn)(void *ctx, const void *buf, size_t len);

/**
 * Emit @p l as SYNC_CHUNKs of at most about WIRE_CHUNK_TARGET bytes and a
 * SYNC_DONE carrying the node table, @p version, @p restored and @p origin.
 * @param wb scratch buffer
 * @return the number of chunks, or -errno (the encoder's or the emitter's)
 */
int ledger_state_emit(struct ledger *l, struct wbuf *wb, uint64_t round, uint64_t version,
		      bool restored, uint8_t origin, ledger_state_emit_fn fn, void *ctx);

/**
 * Emit the ledger.state file of @p l: the STATE record of @p m, then the
 * snapshot (round 0).
 * @return 0 or -errno
 */
int ledger_state_write(struct ledger *l, const struct ledger_state_meta *m, struct wbuf *wb,
		       ledger_state_emit_fn fn, void *ctx);

/**
 * Decode a whole ledger.state file.
 * @param[out] m its STATE record
 * @param[out] out a new ledger with its domains and nodes (member flags as
 *             saved), to free with ledger_free
 * @return 0; -EBADMSG corrupt, truncated or inconsistent (with @p why set to
 *         a static reason); -ENOMEM
 */
int ledger_state_read(const void *buf, size_t len, struct ledger_state_meta *m,
		      struct ledger **out, const char **why);

#endif
