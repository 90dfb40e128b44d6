/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A storage=local move, run by the source (local_plan.h): the source's
 * steps here (local_node.h), the target's over the migration's own peer
 * conversation (LOCAL requests, local_serve.h), each journaled here
 * (local_journal.h). It hooks into the live migration (migrate.h):
 * local_move_prepare before the stream (slip, sync), local_move_detach
 * before GO, local_move_finish after it, which goes forward once the
 * domain runs on the target and undoes everything otherwise.
 */
#ifndef FERRY_LOCAL_MOVE_H
#define FERRY_LOCAL_MOVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drbd_local.h"
#include "peer.h"

struct local_mover {
	struct drbd_local_res r;
	bool keep_source;        /**< src-retire deactivates the LV instead of removing it */
	bool hold;               /**< a pre-sync: prepare starts the sync and returns */
	int64_t sync_deadline;   /**< clock_ms() by which the sync must be done (0: none) */
	uint32_t done;           /**< steps completed, both nodes' (local_bit()) */
	uint32_t adopted;        /**< of those, done by an earlier pre-sync */
	char journal[160];
	int64_t sync_ms;         /**< how long the wait for the sync took */
};

/** @p node's end of a temporary DRBD: its name and corosync ring0 address.
 * @return 0, or -ENOENT with the reason in @p why */
int local_move_end(const char *node, struct drbd_local_end *e, char *why, size_t len);

/**
 * The move of @p vg/@p lv of @p domain from this node to @p target: both
 * ends' replication addresses (corosync's ring0), a slot free here (or the
 * pre-sync's), and this node's pre-flight (the LV active and plain).
 * @return 0, or -errno with the reason in @p why
 */
int local_move_init(struct local_mover *mv, const char *domain, const char *vg, const char *lv,
		    const char *target, char *why, size_t len);

/** Before the stream: the target's pre-flight, the source slipped over the
 * temporary DRBD, the target's LV made and attached, and the full sync
 * (progress logged), unless mv->hold. */
int local_move_prepare(struct local_mover *mv, struct peer *p, char *why, size_t len);

/** The domain suspended and received: both ends still UpToDate, then the
 * target detaches its LV from DRBD. */
int local_move_detach(struct local_mover *mv, struct peer *p, char *why, size_t len);

/**
 * After the migration: if @p migrated, the source's LV unslipped, DRBD down,
 * the LV retired; otherwise every completed step undone, last first (the
 * target's over @p p while it answers; it undoes its own when the
 * conversation ends). @p uncertain (failed after GO): nothing is touched,
 * the journal is kept. What could not be done is appended to @p why.
 * @return 0 when nothing is left to do
 */
int local_move_finish(struct local_mover *mv, struct peer *p, bool migrated, bool uncertain,
		      char *why, size_t len);

/** Drops a pre-sync (mv from local_move_init, which found its journal):
 * everything it built undone on both nodes. */
int local_move_cancel(struct local_mover *mv, struct peer *p, char *why, size_t len);

#endif
