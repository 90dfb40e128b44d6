/* The migration conversation on the wire, both ends, free of libxl: which
 * message answers which, and what each end must still tell the other when
 * something fails. migrate_send.c and migrate_recv.c drive it with the
 * hypervisor's actions; unit tests and the fuzzer drive it with stand-ins.
 *
 *   source                              target
 *   OFFER (config)            ->        preflight         <- READY
 *   REQUESTs (window, promote) ->       served            <- REPLY each
 *   STREAM (epoch), stream     ->       restore, paused   <- RECEIVED
 *   GO (epoch)                ->        commit, unpause   <- RESULT
 *   or ABORT                  ->        drop the copy     <- REPLY
 *
 * ABORT is said only while the target holds a received copy and waits for
 * GO; at any other point the target has already cleaned up (its READY,
 * RECEIVED or RESULT said it failed) or will when the connection ends. */
#ifndef FERRY_MIGRATE_CONV_H
#define FERRY_MIGRATE_CONV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "peer.h"
#include "peer_serve.h"

/* ---- source (migrate_send_conv.c) ---- */

struct migrate_source {
	struct peer *p;
	/** What the offer tells the target's pre-flight (NULL: nothing, and
	 * the offer goes without PEER_MIG_PLACE). */
	const char *config;  /**< the domain's xl config file */
	const char *late_vg; /**< a VG the storage requests activate there */
	uint32_t stream_id;  /**< MIG_STREAM whose RECEIVED is still unread (0: none) */
	bool target_holds;   /**< RECEIVED ok: the target holds a paused copy, waits for GO */
};

/** OFFER -> READY: the target's verdict (its reason in @why). */
int migrate_source_offer(struct migrate_source *c, const char *name, bool live, const char *json,
			 char *why, size_t len);
/** Sends STREAM; the caller then streams through transport_stream_begin(). */
int migrate_source_stream(struct migrate_source *c, uint64_t epoch, char *why, size_t len);
/** Waits for RECEIVED: 0 when the target holds a complete paused copy. */
int migrate_source_received(struct migrate_source *c, int timeout_ms, char *why, size_t len);
/** GO -> RESULT: 0 when the domain runs on the target. */
int migrate_source_go(struct migrate_source *c, uint64_t epoch, int timeout_ms, char *why,
		      size_t len);
/**
 * The rollback's word to the target, before GO: reads a RECEIVED still
 * unread (a stream that failed here), then sends ABORT and reads its reply
 * if the target holds a copy. Afterwards the conversation is in step (0)
 * or closed (<0: the target drops its copy when it sees the close).
 */
int migrate_source_abort(struct migrate_source *c, int timeout_ms, char *why, size_t len);

/* ---- target (migrate_recv_conv.c) ---- */

/** What receiving a migration does here (libxl in production). */
struct migrate_target_ops {
	/** Can the offered domain come here? 0, or the reason in @why. */
	int (*preflight)(void *arg, const struct peer_offer *o, char *why, size_t len);
	/** Restore the domain paused from the stream on @fd: 0 when complete. */
	int (*restore)(void *arg, int fd, char *why, size_t len);
	/** "go": commit in the ledger for @epoch and unpause: 0 when it runs
	 * here. A failure after the commit must keep the copy (drop then
	 * leaves it alone). */
	int (*go)(void *arg, uint64_t epoch, char *why, size_t len);
	/** Destroy the incoming copy, if any is left to destroy. */
	void (*drop)(void *arg, const char *why);
};

/**
 * Runs the target's side of the migration @offer opened in @srv's
 * conversation, to its end. @wait_ms bounds each wait for the source.
 * @return 0 when the domain runs here
 */
int migrate_target_run(struct peer_server *srv, const struct peer_offer *offer,
		       const struct migrate_target_ops *ops, void *arg, int wait_ms);

#endif
