/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ownership ledger: which node owns which Xen domain.
 *
 * Pure state machine: no I/O, no clock reads, no logging. Every node applies
 * the same requests and membership changes in the same agreed order and so
 * reaches the same state. Times (ms of wall clock) are passed in.
 */
#ifndef FERRY_LEDGER_H
#define FERRY_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ferry_status.h"
#include "names.h"

/** Longest domain name the ledger accepts (bytes, without the NUL): the
 * one domain-name limit of ferry (names.h). */
#define LEDGER_NAME_MAX NAME_DOMAIN_MAX

/** Ownership states. FREE records are kept so that epochs keep rising. */
enum ledger_state {
	LEDGER_FREE = 0,
	LEDGER_RUNNING,   /**< owner runs it */
	LEDGER_MIGRATING, /**< owner = source, peer = target */
	LEDGER_ORPHANED,  /**< owner was lost at `since_ms` */
	LEDGER_CONFLICT,  /**< owner and peer both reported it running */
	LEDGER_STATE_MAX
};

/** One domain's record. */
struct ledger_entry {
	char name[LEDGER_NAME_MAX + 1];
	uint8_t state;      /**< enum ledger_state */
	uint8_t owner_dead; /**< ORPHANED: owner fenced or confirmed dead since */
	uint32_t owner;     /**< nodeid, 0 when FREE */
	uint32_t peer;      /**< MIGRATING: target; CONFLICT: the other node */
	uint64_t epoch;     /**< +1 on every change of owner */
	uint64_t since_ms;  /**< ORPHANED: wall-clock ms when the owner was lost */
};

/** What the ledger knows about one node. */
struct ledger_node {
	uint32_t nodeid;
	uint8_t member;      /**< currently in the ferry group */
	uint8_t dead;        /**< lost, then fenced or confirmed dead */
	uint8_t unseen;      /**< configured but not seen since a cold start: it may
				  run domains this ledger knows nothing about */
	uint32_t lost_gen;   /**< +1 each time the node is lost */
	uint64_t lost_at_ms; /**< wall-clock ms of the last loss (0: never lost) */
};

/** Requests that travel through the agreed order. */
enum ledger_op {
	LEDGER_OP_CLAIM = 1,
	LEDGER_OP_RELEASE,
	LEDGER_OP_MIGRATE_BEGIN,
	LEDGER_OP_MIGRATE_COMMIT,
	LEDGER_OP_MIGRATE_ABORT,
	LEDGER_OP_REPORT,       /**< one name of a REPORT list */
	LEDGER_OP_CONFIRM_DEAD,
	LEDGER_OP_FENCED,
};

/** One request as delivered. */
struct ledger_req {
	enum ledger_op op;
	uint32_t sender;   /**< nodeid of the sender (from CPG, not the payload) */
	bool quorate;      /**< the sender's quorum attestation, checked by the caller */
	const char *name;  /**< domain ops */
	uint32_t node;     /**< MIGRATE_BEGIN target; CONFIRM_DEAD/FENCED node */
	uint64_t epoch;    /**< COMMIT/ABORT: expected epoch, 0 = any */
	uint32_t lost_gen; /**< FENCED: the loss this fencing answers */
	uint64_t now_ms;   /**< wall clock of delivery on this node */
};

/** The decision on one request. */
struct ledger_result {
	enum ferry_status status;
	bool changed;       /**< the ledger changed */
	struct ledger_entry entry; /**< the domain after the decision (domain ops) */
};

struct ledger;

/**
 * Is @p name acceptable as a domain name? name_check(NAME_DOMAIN): 1..63
 * bytes of [A-Za-z0-9._:+@-], not starting with '-' (rules in names.c).
 * @return true when valid
 */
bool ledger_name_valid(const char *name);

/**
 * Printable name of a state ("RUNNING", ...).
 * @return a static string
 */
const char *ledger_state_name(int state);

/**
 * Allocate an empty ledger.
 * @return the ledger, or NULL when out of memory
 */
struct ledger *ledger_new(void);

/** Free a ledger (NULL is fine). */
void ledger_free(struct ledger *l);

/** Forget every domain and node. */
void ledger_clear(struct ledger *l);

/** Exchange the contents of two ledgers (used to install a transferred state). */
void ledger_swap(struct ledger *a, struct ledger *b);

/**
 * Look a domain up.
 * @return the record, or NULL when the ledger never heard of it
 */
const struct ledger_entry *ledger_find(const struct ledger *l, const char *name);

/** Number of domain records (FREE ones included). */
size_t ledger_count(const struct ledger *l);

/**
 * All records sorted by name. The array stays valid until the next change.
 * @param[out] out array of pointers
 * @param[out] n its length
 * @return 0 or -ENOMEM
 */
int ledger_sorted(struct ledger *l, const struct ledger_entry *const **out, size_t *n);

/**
 * Is @p e a record the state machine could have made? (FREE: no owner;
 * RUNNING/ORPHANED: an owner, no peer; MIGRATING/CONFLICT: two different
 * nodes; owner_dead only when ORPHANED.) State transfer and ledger.state
 * install nothing else.
 * @return true when consistent
 */
bool ledger_entry_valid(const struct ledger_entry *e);

/**
 * Call @p fn for every record, in no particular order (cheaper than
 * ledger_sorted: no sort). The ledger must not change meanwhile.
 * @return 0, or the first non-zero value @p fn returned
 */
int ledger_foreach(const struct ledger *l, int (*fn)(const struct ledger_entry *e, void *ctx),
		   void *ctx);

/**
 * Insert or overwrite a record as is (state transfer).
 * @return 0, -EINVAL for an inconsistent record (see ledger_entry_valid), -ENOMEM
 */
int ledger_put(struct ledger *l, const struct ledger_entry *e);

/**
 * Apply one delivered request. Deterministic: same ledger + same request =
 * same result on every node.
 * @param[out] res the decision (status FERRY_OK when granted)
 * @return 0, or -EINVAL for an unknown op / missing name, -ENOMEM
 */
int ledger_apply(struct ledger *l, const struct ledger_req *req, struct ledger_result *res);

/**
 * A node joined the ferry group (it is no longer unseen).
 * @return 0 or -ENOMEM
 */
int ledger_node_join(struct ledger *l, uint32_t nodeid);

/**
 * A node left the ferry group: its RUNNING domains become ORPHANED(since
 * now), MIGRATING ones go back to the source (lost target) or become
 * ORPHANED (lost source).
 * @return number of domains that changed, or -ENOMEM
 */
int ledger_node_lost(struct ledger *l, uint32_t nodeid, uint64_t now_ms);

/**
 * A configured node that is not a member when the ledger is rebuilt from
 * nothing (cold start). Until it joins, is fenced or is confirmed dead, it
 * may run any domain, so no FREE domain may be claimed (Pacemaker's startup
 * fencing, for the ledger).
 * @return 0 or -ENOMEM
 */
int ledger_node_unseen(struct ledger *l, uint32_t nodeid, uint64_t now_ms);

/**
 * The first unseen node that still blocks claims of FREE domains.
 * @return its nodeid, or 0 when none
 */
uint32_t ledger_unseen_blocker(const struct ledger *l);

/**
 * Look a node up.
 * @return the record or NULL
 */
const struct ledger_node *ledger_node_get(const struct ledger *l, uint32_t nodeid);

/**
 * All known nodes, in ascending nodeid order.
 * @param[out] n number of nodes
 * @return the array (valid until the next node change)
 */
const struct ledger_node *ledger_nodes(const struct ledger *l, size_t *n);

/**
 * Insert or overwrite a node record as is (state transfer).
 * @return 0 or -ENOMEM
 */
int ledger_node_put(struct ledger *l, const struct ledger_node *n);

/**
 * Order-independent digest of the whole ledger (domains and nodes, without
 * the member flags, which each node derives from its own CPG view).
 * @return a 64-bit FNV-1a based digest
 */
uint64_t ledger_digest(const struct ledger *l);

#endif
