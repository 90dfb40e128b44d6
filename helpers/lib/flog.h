/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Logging through libqb with a subsystem tag on every line. */
#ifndef FERRY_FLOG_H
#define FERRY_FLOG_H

#include <stdbool.h>
#include <syslog.h>

#include <qb/qblog.h>

/** Subsystem tags (printed as "[cpg]" etc.). */
enum flog_tag {
	FLOG_MAIN = 1,
	FLOG_CPG,
	FLOG_QUORUM,
	FLOG_LEDGER,
	FLOG_FENCE,
	FLOG_IPC,
	FLOG_SYNC,
	FLOG_INVENTORY,
	FLOG_REQ,
	FLOG_PEER,      /**< node-to-node connections: listener, peer protocol */
	FLOG_TRANSPORT, /**< the authenticated, encrypted migration transport */
	FLOG_XEN,       /**< libxl */
	FLOG_MIGRATE,   /**< live migration, both ends */
	FLOG_DRBD,
	FLOG_LVM,
	FLOG_RESOURCE,  /**< the XenDomain choreography */
	FLOG_SUPERVISE, /**< ferryd's watch over its domains */
	FLOG_PROC,      /**< helper programs ferry runs */
	FLOG_TAG_MAX
};

/** Log one line with a subsystem tag: flog(FLOG_CPG, LOG_INFO, "fmt", ...). */
#define flog(tag, pri, ...) qb_logt(pri, tag, __VA_ARGS__)

/**
 * Set up logging: syslog (daemon facility), stderr when asked, and an
 * always-on blackbox ring that keeps debug lines for `ferryctl dump`.
 * @param name program name
 * @param to_stderr also log to stderr
 * @param debug include debug lines in syslog/stderr
 */
void flog_init(const char *name, bool to_stderr, bool debug);

/** Flush and close the log targets. */
void flog_fini(void);

/**
 * Write the blackbox ring to a file (read it back with
 * qb_log_blackbox_print_from_file).
 * @return 0 or -errno
 */
int flog_blackbox_write(const char *path);

#endif
