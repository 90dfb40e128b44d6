/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One node's replica of the ledger: the ledger plus everything needed to
 * keep it identical on every member of the CPG group — membership, the
 * state transfer rounds and the quorum attestation of requests.
 *
 * Pure like the ledger: it is fed the CPG event stream (confchg, totem ring,
 * deliveries) and the local quorum view, and answers through callbacks. The
 * daemon does the I/O; unit tests feed several replicas one shared stream.
 *
 * State transfer: every configuration change that adds members starts a
 * round, keyed by the whole CPG membership (every member computes the same
 * key, whatever it refused). Each member multicasts an OFFER: has it a
 * ledger, live in memory or restored from ledger.state, the last ring in
 * which that ledger was quorate, its version, its configured nodes and the
 * members it refused (another protocol major: a joiner refuses them too,
 * at the same point of the agreed order). When every accepted member has
 * offered, everybody picks the same source: the most recently quorate
 * ledger, then a live one before a restored one, then the higher version,
 * then the lowest nodeid. The source multicasts its ledger in chunks;
 * every member installs it at DONE. A restored source means a warm start:
 * nodes absent now are lost now and configured absentees are unseen.
 * Nobody with state means a cold start: an empty ledger, then every node
 * REPORTs what it runs; configured nodes that are not members are "unseen"
 * until they join or are fenced, and no FREE domain can be claimed meanwhile.
 * Requests delivered while a round runs are answered FERRY_E_AGAIN.
 *
 * The version counts applied changes (deliveries that changed the ledger,
 * membership changes, syncs) identically on every member; a state transfer
 * carries it.
 */
#ifndef FERRY_REPLICA_H
#define FERRY_REPLICA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ledger.h"
#include "wire.h"

/** A CPG group member. */
struct replica_member {
	uint32_t nodeid;
	uint32_t pid;
};

/** What a replica asks of its owner. */
struct replica_ops {
	/** Multicast a message in agreed order; the callee copies it. 0 or -errno. */
	int (*send)(void *ctx, const void *buf, size_t len);
	/** This node's own request was delivered and decided. */
	void (*decided)(void *ctx, uint64_t req_id, int type, const struct ledger_result *res);
	/** Something worth logging (syslog priority, one line). */
	void (*event)(void *ctx, int priority, const char *text);
	/** The ledger is in sync (cold: rebuilt from nothing, REPORT now). */
	void (*synced)(void *ctx, bool cold);
	/** The ledger or its version changed while in sync (persist it; this
	 *  comes before `decided` for the request that changed it). Optional. */
	void (*changed)(void *ctx);
	/** Membership, ring or quorum changed and the replica took it in:
	 *  requests that waited for agreeing rings or quorum may go now.
	 *  Optional. */
	void (*view)(void *ctx);
};

/** How the ledger in use was installed by the last sync. */
enum replica_start {
	REPLICA_START_NONE = 0, /**< not in sync yet */
	REPLICA_START_COLD,     /**< nobody had a ledger: rebuilt from reports */
	REPLICA_START_LIVE,     /**< transferred from a member's live ledger */
	REPLICA_START_WARM,     /**< transferred from a ledger restored from
				     ledger.state: absent nodes lost/unseen */
};

/** Snapshot of a replica's view, for status displays. */
struct replica_info {
	uint32_t nodeid;
	bool synced;
	bool quorate;
	bool rings_agree;
	uint64_t cpg_ring;
	uint64_t quorum_ring;
	uint64_t authority;
	size_t nmembers;
	uint64_t last_sync_ms;  /**< duration of the last completed round */
	uint64_t first_sync_ms; /**< from the first confchg to the first sync */
	uint32_t sync_source;   /**< nodeid that sent the last state (0: cold) */
	uint64_t version;       /**< applied changes */
	enum replica_start start; /**< how the last sync installed the ledger */
	enum replica_start origin; /**< how this ledger's history began: COLD or WARM
				        (a live transfer passes the source's on) */
	bool restored;          /**< this replica started from its ledger.state */
	bool refused_self;      /**< the group refused this member: restart */
};

struct replica;

/**
 * Create a replica for this process.
 * @return the replica or NULL (out of memory)
 */
struct replica *replica_new(uint32_t nodeid, uint32_t pid, const struct replica_ops *ops,
			    void *ctx);

/**
 * Start from a ledger restored from ledger.state (before the first confchg).
 * It is offered as "restored" and left as saved until a round ends.
 * @param l taken over by the replica
 * @return 0, -EBUSY after the first confchg
 */
int replica_restore(struct replica *r, struct ledger *l, uint64_t version, uint64_t authority);

/** Free a replica (NULL is fine). */
void replica_free(struct replica *r);

/**
 * The nodeids corosync configures (its nodelist). Offers carry them; a cold
 * start marks every configured node that is not a member as unseen, which
 * blocks claims of FREE domains until it joins or is fenced.
 * @return 0 or -ENOMEM
 */
int replica_set_nodelist(struct replica *r, const uint32_t *nodes, size_t n);

/**
 * Feed a CPG configuration change of the ferry group.
 * @param now_ms wall clock, used as the loss time of left members
 */
void replica_confchg(struct replica *r, const struct replica_member *members, size_t nmembers,
		     const struct replica_member *left, size_t nleft, size_t njoined,
		     uint64_t now_ms);

/** Feed a totem ring change (CPG model v1 totem confchg). */
void replica_totem(struct replica *r, uint64_t ring_seq);

/** Feed this node's quorum view (libquorum notification). */
void replica_quorum(struct replica *r, bool quorate, uint64_t ring_seq);

/** Feed one delivered CPG message. */
void replica_deliver(struct replica *r, uint32_t nodeid, uint32_t pid, const void *buf,
		     size_t len, uint64_t now_ms);

/**
 * Header fields for a request this node is about to multicast.
 * @param need_quorum the request needs a quorum attestation: wait until the
 *        CPG ring and the quorum ring agree (they may arrive in either order)
 * @param[out] flags WIRE_F_QUORATE or 0
 * @param[out] ring the CPG ring seq to stamp
 * @return 0, or -EAGAIN while unsynced or while the ring ids disagree
 */
int replica_stamp(const struct replica *r, bool need_quorum, uint32_t *flags, uint64_t *ring);

/**
 * A round has waited too long for silent members: multicast SYNC_FORCE
 * if this node is the lowest member that has offered.
 * @return 1 if sent, 0 if not this node's job or nothing to do, -errno
 */
int replica_sync_force(struct replica *r);

/** Is the ledger in sync (requests may be sent)? */
bool replica_synced(const struct replica *r);

/** Is a sync round running? */
bool replica_syncing(const struct replica *r);

/** The live ledger (read it; change it only through the replica). */
struct ledger *replica_ledger(struct replica *r);

/** Fill @p info with the current view. */
void replica_info_get(const struct replica *r, struct replica_info *info);

/**
 * Write the ledger as the ledger.state file (ledger_state_write) with this
 * replica's nodeid, version and authority, through @p fn.
 * @return 0, -EAGAIN when not in sync (nothing worth saving), -errno
 */
int replica_save(struct replica *r, const uint8_t boot_id[WIRE_BOOT_ID_LEN],
		 int (*fn)(void *ctx, const void *buf, size_t len), void *ctx);

/**
 * Current accepted members (refused ones excluded).
 * @param[out] n count
 */
const struct replica_member *replica_members(const struct replica *r, size_t *n);

#endif
