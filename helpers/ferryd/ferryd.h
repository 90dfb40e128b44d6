/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's shared state, and the map of its modules. Each module is one
 * concern in NAME.c with its interface in NAME.h, and start/stop functions
 * that take the daemon (and so its qb loop); main.c's module table starts
 * them in order and stops them in reverse.
 *
 *   main.c      options, daemonizing, the loop, signals, the module table
 *   group.c     the CPG group "ferry": join, deliveries, send queue
 *   quorum.c    libquorum tracking
 *   sync.c      the replica's callbacks: state transfer, reports, logging
 *   persist.c   ledger.state: the ledger saved after every change, loaded at start
 *   requests.c  client and internal requests waiting for their delivery
 *   ipc.c       the libqb IPC server for local clients (root only)
 *   reply.c     replies to those clients, never blocking the loop
 *   monitor.c   the XenDomain monitor's question, answered from memory
 *   fence.c     fence history of lost nodes, queried off the loop
 *   inventory.c which domains run on this node
 *   supervise.c ferry-managed domains under libxl (restart, release)
 *   xenloop.c   libxl's events in the qb loop
 *   drbdwatch.c this node's DRBD state, from one drbdsetup events2 stream
 *   children.c  child processes, reaped by pid
 *   listener.c  the migration port: each connection served by `ferryctl serve`
 *   admit.c     who may connect to the migration port
 *   synfilter.c the SYN filter admit.c puts on the port during a flood
 *
 * Calls go one way (no module calls back into one that calls it):
 *
 *   corosync -> group, quorum -> the replica (lib/replica.c) -> sync (its
 *   callbacks) -> requests, persist, inventory -> supervise
 *   requests -> group (send), reply;   ipc -> requests, monitor -> reply
 *   fence, supervise -> requests;      listener -> admit -> synfilter
 *
 * group and quorum only feed the replica; that a change may unblock waiting
 * requests reaches requests.c through the replica's view callback, not by a
 * call back from group.c. State a module keeps to itself (its handle, its
 * queue, its child) stays file-static behind its functions; what two
 * modules share lives here.
 */
#ifndef FERRYD_H
#define FERRYD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/types.h>

#include <qb/qbipcs.h>
#include <qb/qbloop.h>

#include "ferry_ipc.h"
#include "flog.h"
#include "ledger.h"
#include "replica.h"

/** The daemon. */
struct ferryd {
	qb_loop_t *loop;
	/* options */
	bool foreground;
	bool debug;
	const char *pid_file;
	const char *inventory_dir; /**< test seam standing in for libxl */
	const char *run_dir;
	unsigned max_outbound;    /* --max-outbound-migrations, published for ferryctl */
	const char *mig_address;   /**< migration listener address (NULL: ring0) */
	int mig_port;              /**< 0: default, -1: no listener */
	bool allow_plain;          /**< accept peers that do not encrypt */
	const char *keyfile;       /**< cluster key for the peer servers (NULL: default) */
	char **allow_peer;         /**< --allow-peer networks (CIDR), besides members */
	int nallow_peer;
	const char *ferryctl;      /**< ferryctl to serve peers (NULL: next to us) */
	bool destroy_conflicts;    /**< destroy a local copy the ledger gives elsewhere */
	/* identity and the replicated ledger */
	uint32_t nodeid;
	uint32_t pid;
	struct replica *rep;
	uint64_t started_mono_ms;
	uint64_t start_to_sync_ms; /**< process start to first sync, 0 until then */
	int exit_code;   /**< set by ferryd_stop */
	int fencing_api; /**< 1 loaded, 0 missing, 2 not tried yet */
};

/** Stop the loop; ferryd exits with @p code. The first reason wins. */
void ferryd_stop(struct ferryd *d, int code, const char *why);

#endif
