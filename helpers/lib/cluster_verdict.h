/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Corosync's verdict on a lost peer, before anything fences it. */
#ifndef FERRY_CLUSTER_VERDICT_H
#define FERRY_CLUSTER_VERDICT_H

#include <stdbool.h>
#include <stdint.h>

/** What corosync said once it had decided, or once the wait ran out. */
struct cluster_verdict {
	bool peer_member; /**< the peer is still in this node's membership */
	bool quorate;     /**< this node's membership has quorum */
	uint64_t ring;    /**< the membership's ring sequence */
	uint32_t members; /**< how many nodes it has */
	int waited_ms;    /**< how long corosync took to decide */
};

/**
 * How long corosync may take to form a new membership after a node is
 * lost: twice its token plus consensus timeouts (runtime.config.totem.*),
 * so a loaded host's late token still counts.
 * @return milliseconds (a default when cmap cannot say)
 */
int cluster_verdict_budget_ms(void);

/**
 * Wait until corosync's membership no longer holds @peer, or until
 * @budget_ms passed with @peer still in it (then the link to it broke, not
 * the cluster). Either way *out says whether this node is quorate in that
 * membership. Calls @waiting once if it has to wait (for a log line).
 * @return 0, -ENOTCONN when corosync's quorum service is unreachable
 */
int cluster_verdict_wait(uint32_t peer, int budget_ms, struct cluster_verdict *out,
			 void (*waiting)(void *arg), void *arg);

/**
 * Corosync's current membership, without waiting for a change: whether
 * @peer is in it and whether it is quorate (out->waited_ms is how long
 * corosync took to answer).
 * @return 0, -ENOTCONN when corosync's quorum service is unreachable or
 *         does not answer within a few seconds
 */
int cluster_verdict_now(uint32_t peer, struct cluster_verdict *out);

#endif
