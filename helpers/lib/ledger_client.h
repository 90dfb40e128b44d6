/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Calling the ledger from C: what ferryctl and the agents' C code use.
 *
 * Every function returns 0 when ferryd answered (the verdict is then in
 * reply->status, an enum ferry_status) or -errno when it could not be asked:
 * -ENOTCONN ferryd is not running, -EACCES ferryd refused this client (not
 * root), -ETIMEDOUT no answer in time, -EPROTO an answer that makes no sense.
 */
#ifndef FERRY_LEDGER_CLIENT_H
#define FERRY_LEDGER_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "ferry_ipc.h"

struct ledger_client;

/**
 * Connect to the local ferryd.
 * @param[out] c the connection
 * @return 0, -ENOTCONN, -EACCES or -ENOMEM
 */
int ledger_client_open(struct ledger_client **c);

/** Close a connection (NULL is fine). */
void ledger_client_close(struct ledger_client *c);

/**
 * Send one request and wait for its reply (timeout_ms of the request plus a
 * grace period for the daemon's own answer).
 * @param reply buffer for the reply, @p size bytes
 * @return 0 or -errno as above
 */
int ledger_client_call(struct ledger_client *c, const struct ferry_ipc_req *req, void *reply,
		       size_t size);

/**
 * Claim a domain for this node.
 * @param timeout_ms how long ferryd may try (0: default)
 * @return 0 when ferryd answered (see reply->status), or -errno
 */
int ledger_client_claim(const char *name, uint32_t timeout_ms, struct ferry_ipc_reply *reply);

/** Release a domain this node owns. @copydetails ledger_client_claim */
int ledger_client_release(const char *name, uint32_t timeout_ms, struct ferry_ipc_reply *reply);

/**
 * Start migrating a domain this node owns to @p target (a nodeid).
 * @return 0 when answered, or -errno
 */
int ledger_client_migrate_begin(const char *name, uint32_t target, uint32_t timeout_ms,
				struct ferry_ipc_reply *reply);

/**
 * Commit a migration: the target becomes the owner.
 * @param epoch the epoch seen at MIGRATE_BEGIN, or 0 for any
 * @return 0 when answered, or -errno
 */
int ledger_client_migrate_commit(const char *name, uint64_t epoch, uint32_t timeout_ms,
				 struct ferry_ipc_reply *reply);

/** Abort a migration: the source keeps the domain. @copydetails ledger_client_migrate_commit */
int ledger_client_migrate_abort(const char *name, uint64_t epoch, uint32_t timeout_ms,
				struct ferry_ipc_reply *reply);

/**
 * An operator's word that node @p nodeid is off.
 * @return 0 when answered, or -errno
 */
int ledger_client_confirm_dead(uint32_t nodeid, uint32_t timeout_ms,
			       struct ferry_ipc_reply *reply);

/**
 * ferryd's view: membership, quorum, sync, lost nodes.
 * @return 0 when answered, or -errno
 */
int ledger_client_status(uint32_t timeout_ms, struct ferry_ipc_status *status);

/** Called once per domain record by ledger_client_show; non-zero stops. */
typedef int (*ledger_client_show_fn)(const struct ledger_entry *e, uint64_t now_ms, void *arg);

/**
 * Every domain record, sorted by name, page by page.
 * @param[out] status the ferry_status of the last page (FERRY_OK normally)
 * @return 0 when answered, or -errno
 */
int ledger_client_show(ledger_client_show_fn fn, void *arg, uint32_t timeout_ms, int *status);

/**
 * Ask ferryd to write its blackbox ring to a file.
 * @param[out] path where it was written
 * @return 0 when answered, or -errno
 */
int ledger_client_dump(char *path, size_t len, uint32_t timeout_ms);

/**
 * Everything the XenDomain monitor needs about one domain, from ferryd's
 * memory, in one round trip (op, version and size are filled in here).
 * @param req name or config, the DRBD resources, timeout
 * @return 0 (m->status says whether ferryd could answer), or -errno as
 *         ledger_client_call (-ENOTCONN: ferryd is not running)
 */
int ledger_client_monitor(const struct ferry_ipc_monitor_req *req, struct ferry_ipc_monitor *m);

/**
 * The ferry_status a call's outcome amounts to: reply->status when rc is 0,
 * else FERRY_E_UNREACHABLE, FERRY_E_PERM or FERRY_E_TIMEDOUT.
 */
int ledger_client_verdict(int rc, int reply_status);

#endif
