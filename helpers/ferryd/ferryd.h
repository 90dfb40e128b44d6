/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ferryd's modules and the state they share. Each module is one concern
 * with start/stop functions that take the daemon (and so its qb loop):
 *
 *   main.c      options, daemonizing, the loop, signals
 *   group.c     the CPG group "ferry": join, deliveries, send queue
 *   quorum.c    libquorum tracking
 *   sync.c      the replica's callbacks: state transfer, reports, logging
 *   persist.c   ledger.state: the ledger saved after every change, loaded at start
 *   requests.c  client and internal requests waiting for their delivery
 *   ipc.c       the libqb IPC server for local clients (root only)
 *   fence.c     fence history of lost nodes, queried off the loop
 *   inventory.c which domains run on this node
 *   drbdwatch.c this node's DRBD state, from one drbdsetup events2 stream
 *   monitor.c   the XenDomain monitor's question, answered from memory
 *
 * New event sources (migration listener, libxl supervision) get their own
 * file with the same shape and a line in main.c's module table.
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

/* group.c: the CPG group */
/** Connect to corosync and join the group. @return 0 or -errno */
int group_start(struct ferryd *d);
/** Leave the group and disconnect. */
void group_stop(struct ferryd *d);
/** Multicast a message (copied); queued while CPG says TRY_AGAIN. @return 0 or -errno */
int group_send(struct ferryd *d, const void *buf, size_t len);
/** Messages waiting in the send queue. */
size_t group_queued(void);

/* quorum.c */
/** Start tracking quorum. @return 0 or -errno */
int quorum_watch_start(struct ferryd *d);
/** Stop tracking quorum. */
void quorum_watch_stop(struct ferryd *d);

/* sync.c */
/** Create the replica and its callbacks. @return 0 or -errno */
int sync_start(struct ferryd *d);
/** Free the replica. */
void sync_stop(struct ferryd *d);
/** Something that may unblock waiting requests changed (ring, quorum). */
void sync_changed(struct ferryd *d);

/* persist.c: <run_dir>/ledger.state */
/**
 * Offer the ledger.state of this node and boot, if any, to the replica as a
 * restored ledger (before the first confchg). A corrupt file, one of
 * another node or of another boot is ignored, with a log line saying why.
 * @return 0 or -errno (of the replica)
 */
int persist_load(struct ferryd *d);
/** The ledger changed: save it soon (a loop job), or at persist_flush. */
void persist_mark(struct ferryd *d);
/** Save now if a change is not saved yet (temp file + rename; errors are
 *  logged). Before a decision reaches a client, and at stop. */
void persist_flush(struct ferryd *d);

/* children.c: child processes, reaped by pid */
/** Called when a child exits, with its waitpid() status. */
typedef void (*children_done_fn)(pid_t pid, int status, void *arg);
/** Handle SIGCHLD. @return 0 or -errno */
int children_start(struct ferryd *d);
void children_stop(struct ferryd *d);
/**
 * fork+exec argv (PATH searched); @p keep_fd (unless -1) becomes fd 3 of
 * the child. @p done runs from the loop when it exits.
 * @return 0 or -errno (-EAGAIN: too many children)
 */
int children_spawn(char *const argv[], int keep_fd, children_done_fn done, void *arg, pid_t *out);
/**
 * Like children_spawn, with the child's stdout on a new pipe whose read end
 * (close-on-exec) lands in @p read_fd. @return 0 or -errno
 */
int children_spawn_reader(char *const argv[], int *read_fd, children_done_fn done, void *arg,
			  pid_t *out);
/** As children_spawn, with @p keep[i] as fd 3 + i of the child (at most 8). */
int children_spawn_fds(char *const argv[], const int *keep, int nkeep, children_done_fn done,
		       void *arg, pid_t *out);
/** Path of the ferryctl to run: @p opt, the one next to ferryd, or "ferryctl". */
int children_ferryctl(const char *opt, char *buf, size_t len);

/* xenloop.c: libxl's events in the qb loop */
struct xen;
/** A libxl context driven by ferryd's loop. @return 0 or -errno (-ENODEV: no Xen) */
int xenloop_open(struct ferryd *d, struct xen **out);
/** Tell libxl that SIGCHLD arrived (children.c calls it). */
void xenloop_sigchld(void);
void xenloop_close(void);

/* supervise.c: ferry-managed domains on this node */
/** Watch this node's ferry-managed domains (no-op without Xen). @return 0 or -errno */
int supervise_start(struct ferryd *d);
void supervise_stop(struct ferryd *d);
/** The ferry-managed domains running here (for REPORT): see inventory_list. */
int supervise_inventory(struct ferryd *d, char ***names, size_t *n);
struct xen_status;
/**
 * libxl's view of domain @p name (or its copy in flight) and whether it is
 * rebooting (shut down for a reboot, or being recreated by supervision).
 * @return 0, -ENODEV without Xen, -errno
 */
int supervise_domain(const char *name, struct xen_status *st, bool *rebooting);

/* drbdwatch.c: this node's DRBD state from a `drbdsetup events2` stream */
/** Start following the stream (no-op with the test inventory). @return 0 */
int drbdwatch_start(struct ferryd *d);
void drbdwatch_stop(struct ferryd *d);
struct drbd_resource;
/**
 * The last known state of DRBD resource @p name (out->exists false when it
 * is not up here). @return 0, or -EAGAIN while the state is unknown
 */
int drbdwatch_get(const char *name, struct drbd_resource *out);

/* monitor.c: the XenDomain monitor's question, answered from memory */
/** Answer a FERRY_IPC_MONITOR request at once. */
void monitor_answer(struct ferryd *d, qb_ipcs_connection_t *c, const struct ferry_ipc_monitor_req *q);

/* admit.c: who may connect to the migration port */
/** Load the members' addresses and the allowed networks for listening
 * socket @p fd; refresh timers. @return 0 or -errno */
int admit_start(struct ferryd *d, int fd, bool ipv4);
void admit_stop(struct ferryd *d);
/**
 * May a connection from @p ip reach a peer server at all? Cluster members
 * (every ring address of corosync's nodelist) and --allow-peer networks.
 * @return 0 (*nodeid: the member the address belongs to, 0 for an allowed
 *         network), -EPERM
 */
int admit_address(const struct in6_addr *ip, uint32_t *nodeid);
/** Log a refused connection, rate-limited; @p stranger: not a member (see admit.c). */
void admit_refused(const struct in6_addr *ip, const char *who, const char *why, bool stranger);
/** Once a second: measure refusals of non-members, move them into the
 * kernel (a SYN filter on the listening socket) during a flood, and back. */
void admit_tick(void);

/* listener.c: the migration port */
/** Listen for other nodes' ferry; each connection is served by `ferryctl serve`. */
int listener_start(struct ferryd *d);
/** Stop listening (servers in flight finish on their own). */
void listener_stop(struct ferryd *d);

/* requests.c */
/** Start the request timer. @return 0 or -errno */
int requests_start(struct ferryd *d);
/** Answer every waiting client and stop. */
void requests_stop(struct ferryd *d);
/**
 * A client's request. It is answered through ipc_reply(), now or when its
 * decision is delivered, or when its timeout expires.
 */
void requests_submit(struct ferryd *d, qb_ipcs_connection_t *c, const struct ferry_ipc_req *req);
/** An internal REPORT of running domains (retried until delivered). */
void requests_report(struct ferryd *d, char **names, size_t n);
/** An internal FENCED proof for node @p nodeid's loss @p lost_gen. */
void requests_fenced(struct ferryd *d, uint32_t nodeid, uint32_t lost_gen, uint64_t fence_time);
/** An internal RELEASE of a domain stopped here while ferryd was away. */
void requests_release(struct ferryd *d, const char *name);
/** Our own message was delivered and decided. */
void requests_decided(struct ferryd *d, uint64_t req_id, int type, const struct ledger_result *res);
/** Try to send what waits (sync done, rings agree now...). */
void requests_kick(struct ferryd *d);
/** A client went away: forget it. */
void requests_forget(struct ferryd *d, qb_ipcs_connection_t *c);

/* ipc.c */
/** Start the IPC server "ferryd". @return 0 or -errno */
int ipc_start(struct ferryd *d);
/** Stop it (clients are disconnected). */
void ipc_stop(struct ferryd *d);
/**
 * Send a reply; a client that cannot take it is disconnected (from a loop
 * job, never from inside this call) and gets no more replies.
 */
void ipc_reply(qb_ipcs_connection_t *c, const void *buf, size_t len);

/* fence.c */
/** Start watching fence history of lost nodes. @return 0 */
int fence_start(struct ferryd *d);
/** Stop (kills a running query child). */
void fence_stop(struct ferryd *d);

/* inventory.c */
/**
 * Names of the domains running on this node.
 * @param[out] names malloc'ed array of malloc'ed names (free with inventory_free)
 * @return 0, or -ENOTSUP when no inventory source is configured, -errno
 */
int inventory_list(struct ferryd *d, char ***names, size_t *n);
/** Free what inventory_list returned. */
void inventory_free(char **names, size_t n);

#endif
