/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Local IPC between ferryd and its clients (ferryctl, the agents' C code):
 * a libqb IPC service named "ferryd", root only. One fixed-size request,
 * one reply; ledger requests are answered when the decision is delivered
 * back through the group (or when their timeout expires).
 */
#ifndef FERRY_IPC_H
#define FERRY_IPC_H

#include <stdint.h>

#include <qb/qbipc_common.h>

#include "ledger.h"

#define FERRY_IPC_NAME "ferryd"
#define FERRY_IPC_VERSION 2
/** Largest request or reply, and the IPC buffer size. */
#define FERRY_IPC_MAX_MSG (64 * 1024)
/** Nodes listed in a status reply. */
#define FERRY_IPC_MAX_NODES 64
/** DRBD resources of one MONITOR request, and the length of their names. */
#define FERRY_IPC_MAX_DRBD 16
#define FERRY_IPC_DRBD_NAME 64
/** Longest config file path of a MONITOR request (with the NUL). */
#define FERRY_IPC_PATH_MAX 256
/** Default and largest request timeouts. */
#define FERRY_IPC_DEFAULT_TIMEOUT_S  30
#define FERRY_IPC_DEFAULT_TIMEOUT_MS (FERRY_IPC_DEFAULT_TIMEOUT_S * 1000u)
#define FERRY_IPC_MAX_TIMEOUT_MS 600000u

enum ferry_ipc_op {
	FERRY_IPC_CLAIM = 1,
	FERRY_IPC_RELEASE,
	FERRY_IPC_MIGRATE_BEGIN,
	FERRY_IPC_MIGRATE_COMMIT,
	FERRY_IPC_MIGRATE_ABORT,
	FERRY_IPC_CONFIRM_DEAD,
	FERRY_IPC_STATUS, /**< reply: struct ferry_ipc_status */
	FERRY_IPC_SHOW,   /**< reply: struct ferry_ipc_show (one page) */
	FERRY_IPC_DUMP,   /**< reply: reason = path of the blackbox file */
	FERRY_IPC_MONITOR, /**< reply: struct ferry_ipc_monitor, answered at once */
	FERRY_IPC_OP_MAX
};

/** Every request. hdr.id = op, hdr.size = sizeof(struct ferry_ipc_req). */
struct ferry_ipc_req {
	struct qb_ipc_request_header hdr;
	uint32_t version;    /**< FERRY_IPC_VERSION */
	uint32_t timeout_ms; /**< 0: default */
	uint32_t node;       /**< MIGRATE_BEGIN target, CONFIRM_DEAD node */
	uint32_t pad;
	uint64_t epoch;      /**< COMMIT/ABORT: expected epoch, 0 = any */
	char name[LEDGER_NAME_MAX + 1]; /**< domain; SHOW: list names after it */
};

/**
 * MONITOR's request: the common one (hdr.id = FERRY_IPC_MONITOR, hdr.size =
 * sizeof(struct ferry_ipc_monitor_req)), then what only the monitor needs:
 * the domain's xl config (its name comes from there when name is empty) and
 * the DRBD resources to report on. Every other request stays small.
 */
struct ferry_ipc_monitor_req {
	struct ferry_ipc_req req;
	char config[FERRY_IPC_PATH_MAX];
	uint32_t ndrbd;
	char drbd[FERRY_IPC_MAX_DRBD][FERRY_IPC_DRBD_NAME];
};

/** Reply to ledger requests and DUMP. */
struct ferry_ipc_reply {
	struct qb_ipc_response_header hdr;
	int32_t status; /**< enum ferry_status */
	uint32_t pad;
	uint64_t now_ms;          /**< ferryd's wall clock, for ages */
	struct ledger_entry entry; /**< the domain after the decision */
	char reason[256];         /**< one line for humans */
};

/** Reply to STATUS. */
struct ferry_ipc_status {
	struct qb_ipc_response_header hdr;
	int32_t status;
	uint32_t nodeid;
	uint32_t pid;
	uint8_t synced;
	uint8_t quorate;
	uint8_t rings_agree;
	uint8_t fencing_api; /**< 1 libstonithd loaded, 0 not, 2 not tried yet */
	uint64_t cpg_ring;
	uint64_t quorum_ring;
	uint64_t authority;
	uint64_t now_ms;
	uint64_t last_sync_ms;  /**< duration of the last state transfer round */
	uint64_t first_sync_ms; /**< join to first sync */
	uint64_t start_to_sync_ms; /**< process start to first sync */
	uint64_t uptime_ms;
	uint64_t digest; /**< ledger_digest(): equal on nodes that agree */
	uint32_t sync_source;
	uint32_t ndomains;
	uint32_t pending;    /**< requests waiting for their decision */
	uint32_t send_queue; /**< messages waiting for CPG (TRY_AGAIN) */
	uint32_t nmembers;
	uint32_t members[FERRY_IPC_MAX_NODES];
	uint32_t nnodes;
	struct ledger_node nodes[FERRY_IPC_MAX_NODES];
	/* appended (ledger persistence): */
	uint64_t version;   /**< the ledger's version (applied changes) */
	uint8_t start;      /**< enum replica_start: how the last sync installed it */
	uint8_t restored;   /**< this ferryd started from its ledger.state */
	uint8_t origin;     /**< enum replica_start: how the ledger's history began
			         (cold or warm start) */
	uint8_t pad2[5];
};

/** One DRBD resource as ferryd's events2 stream last reported it. */
struct ferry_ipc_drbd_state {
	char name[FERRY_IPC_DRBD_NAME];
	uint8_t known;        /**< the stream has delivered its first dump */
	uint8_t exists;       /**< the resource is up here */
	uint8_t primary;      /**< local role Primary */
	uint8_t peer_primary; /**< some peer is Primary */
	uint8_t uptodate;     /**< every local volume UpToDate */
	uint8_t healthy;      /**< connected, both disks UpToDate (see drbd_healthy) */
	uint8_t pad[2];
	char disk[24];        /**< the first local volume's disk state */
	char why[160];        /**< why it is not healthy */
};

/**
 * Reply to MONITOR: everything the XenDomain monitor needs, from ferryd's
 * memory (libxl's view of the domain, the ledger, the DRBD event stream),
 * so that a monitor forks nothing and opens no libxl context of its own.
 */
struct ferry_ipc_monitor {
	struct qb_ipc_response_header hdr;
	int32_t status;   /**< FERRY_OK, or FERRY_E_INVAL (see reason) */
	uint32_t nodeid;  /**< this node */
	uint8_t synced;   /**< the ledger is in sync */
	uint8_t found;    /**< the ledger has a record of the domain */
	uint8_t xen;      /**< ferryd watches Xen here (else state is unknown) */
	uint8_t state;    /**< enum xen_state of the domain (or its copy in flight) */
	uint8_t flight;   /**< enum xen_flight */
	uint8_t rebooting; /**< shut down for a reboot, or being recreated by ferryd */
	uint8_t config_ok; /**< the config file is readable here */
	uint8_t pad;
	char name[LEDGER_NAME_MAX + 1]; /**< the domain (resolved from the config) */
	struct ledger_entry entry;      /**< its record when found */
	char owner[64];    /**< node name of entry.owner */
	char peer[64];     /**< node name of entry.peer */
	char shutdown[32]; /**< shutdown reason when state is XEN_SHUTDOWN */
	uint32_t ndrbd;
	struct ferry_ipc_drbd_state drbd[FERRY_IPC_MAX_DRBD];
	char reason[256];
};

/** Reply to SHOW: entries sorted by name, after req.name. */
struct ferry_ipc_show {
	struct qb_ipc_response_header hdr;
	int32_t status;
	uint32_t total; /**< records in the ledger */
	uint32_t count; /**< records in this page */
	uint32_t more;  /**< 1 when later names exist */
	uint64_t now_ms;
	struct ledger_entry entries[];
};

#define FERRY_IPC_SHOW_MAX \
	((FERRY_IPC_MAX_MSG - 1024 - sizeof(struct ferry_ipc_show)) / sizeof(struct ledger_entry))

#endif
