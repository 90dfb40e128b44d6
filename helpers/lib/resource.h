/* One Pacemaker resource: a Xen domain and its storage, and the actions the
 * XenDomain agent runs on it (start, stop, monitor, migrate-to,
 * migrate-from, validate). The results are OCF exit codes; the reason of
 * every failure is in the result's text, which the agent passes to
 * ocf_exit_reason. */
#ifndef FERRY_RESOURCE_H
#define FERRY_RESOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include "ferry_ipc.h"
#include "names.h"
#include "peer.h"
#include "storage.h"

/* OCF exit codes. */
#define OCF_SUCCESS           0
#define OCF_ERR_GENERIC       1
#define OCF_ERR_ARGS          2
#define OCF_ERR_UNIMPLEMENTED 3
#define OCF_ERR_PERM          4
#define OCF_ERR_INSTALLED     5
#define OCF_ERR_CONFIGURED    6
#define OCF_NOT_RUNNING       7

struct resource {
	const char *config;        /**< xl config file */
	char name[NAME_DOMAIN_MAX + 1]; /**< domain name (default: the config's) */
	struct storage st;         /**< DRBD resources, LVM, or shared storage */
	int shutdown_timeout_s;
	bool live;                 /**< migration=live (else suspend) */
	struct peer_opts peer;     /**< migration address/port/encryption/key */
	bool probe;                /**< monitor with interval 0 */
	int op_timeout_ms;         /**< Pacemaker's timeout of this action (0: none given) */
};

struct resource_result {
	int ocf;                   /**< OCF exit code */
	char why[1024];            /**< the reason, for ocf_exit_reason and logs */
	char info[512];            /**< figures of a migration, degraded states */
};

/** Fills the name from the config when empty; checks what can be checked
 * without touching anything (files readable, names consistent). */
int resource_validate(struct resource *r, bool deep, struct resource_result *res);

int resource_start(struct resource *r, struct resource_result *res);
int resource_stop(struct resource *r, struct resource_result *res);
int resource_monitor(struct resource *r, struct resource_result *res);
int resource_migrate_to(struct resource *r, const char *target, struct resource_result *res);
int resource_migrate_from(struct resource *r, const char *source, struct resource_result *res);
/** storage=local: starts the replication of the domain's LV to @target
 * ahead of a move, which then takes it up; @cancel drops it again. */
int resource_presync(struct resource *r, const char *target, bool cancel,
		     struct resource_result *res);

/**
 * Asks the local ferryd everything the monitor needs about @r's domain in one
 * round trip (resource_monitor.c; libqb only, no libxl).
 * @return 0, or -errno as ledger_client_call (-ENOTCONN, -ETIMEDOUT: ferryd
 *         cannot answer), -EINVAL for names too long for the request
 */
int resource_monitor_ask(const struct resource *r, struct ferry_ipc_monitor *m);

/** The OCF verdict on ferryd's answer @m (pure). @return the OCF code */
int resource_monitor_verdict(const struct resource *r, const struct ferry_ipc_monitor *m,
			     struct resource_result *res);

#endif
