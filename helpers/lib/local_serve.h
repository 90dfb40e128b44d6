/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The target's side of a storage=local move (local_plan.h), as `ferryctl
 * serve` runs it for the peer that runs the move: each LOCAL request
 * checked, run on this node (local_node.h) and journaled here
 * (local_journal.h), and, when the conversation ends, what it built here
 * undone unless the domain now runs here (or the move is a pre-sync the
 * source holds for a later move).
 */
#ifndef FERRY_LOCAL_SERVE_H
#define FERRY_LOCAL_SERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "peer_proto.h"

/** One conversation's move on this node. */
struct local_serve {
	bool active;              /**< its pre-flight passed: the move is this one */
	bool hold;                /**< a pre-sync: kept when the conversation ends */
	struct drbd_local_res r;
	uint32_t done;            /**< this node's steps completed (local_bit()) */
	char journal[160];
};

/**
 * Whether request @p m may run here (pure): a target's step or the
 * pre-flight; names of their kinds; the source is @p peer (the
 * authenticated node), the target @p self; a size; and, once a move began
 * in this conversation, the same move. The pre-flight comes first.
 * @return 0, or -EINVAL/-EPERM/-EBUSY with the reason in @p why
 */
int local_serve_check(const struct local_serve *ls, const char *peer, const char *self,
		      const struct peer_local *m, char *why, size_t len);

/** Checks @p m, then runs it here and journals it. @return 0 or -errno (@p why) */
int local_serve_step(struct local_serve *ls, const char *peer, const char *self,
		     const struct peer_local *m, char *why, size_t len);

/**
 * The conversation ended. Unless the move is held (a pre-sync): if the
 * domain @p runs_here, what is left of this node's steps is done (the
 * detach); otherwise every completed step is undone, last first. The
 * journal goes once nothing is left; what fails is logged with it.
 */
void local_serve_end(struct local_serve *ls, bool runs_here);

#endif
