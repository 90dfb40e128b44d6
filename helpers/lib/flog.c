/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>

#include "flog.h"

/* Size of the blackbox ring: enough for several thousand recent lines. */
#define FLOG_BLACKBOX_SIZE (256 * 1024)

static const char *tag_name(uint32_t tag)
{
	static const char *const names[FLOG_TAG_MAX] = {
		[FLOG_MAIN] = "main", [FLOG_CPG] = "cpg",       [FLOG_QUORUM] = "quorum",
		[FLOG_LEDGER] = "ledger", [FLOG_FENCE] = "fence", [FLOG_IPC] = "ipc",
		[FLOG_SYNC] = "sync",   [FLOG_INVENTORY] = "inventory", [FLOG_REQ] = "request",
		[FLOG_PEER] = "peer",   [FLOG_TRANSPORT] = "transport", [FLOG_XEN] = "xen",
		[FLOG_MIGRATE] = "migrate", [FLOG_DRBD] = "drbd", [FLOG_LVM] = "lvm",
		[FLOG_RESOURCE] = "resource", [FLOG_SUPERVISE] = "supervise", [FLOG_PROC] = "proc",
	};

	if (tag == 0 || tag >= FLOG_TAG_MAX)
		return "-";
	return names[tag];
}

void flog_init(const char *name, bool to_stderr, bool debug)
{
	int level = debug ? LOG_DEBUG : LOG_INFO;

	qb_log_init(name, LOG_DAEMON, level);
	qb_log_tags_stringify_fn_set(tag_name);

	qb_log_format_set(QB_LOG_SYSLOG, "[%g] %b");
	qb_log_filter_ctl(QB_LOG_SYSLOG, QB_LOG_FILTER_REMOVE, QB_LOG_FILTER_FILE, "*", LOG_TRACE);
	qb_log_filter_ctl(QB_LOG_SYSLOG, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*", level);
	qb_log_ctl(QB_LOG_SYSLOG, QB_LOG_CONF_ENABLED, QB_TRUE);

	qb_log_format_set(QB_LOG_STDERR, "%t %N[%P] %-9g %-7p %b");
	qb_log_filter_ctl(QB_LOG_STDERR, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*", level);
	qb_log_ctl(QB_LOG_STDERR, QB_LOG_CONF_ENABLED, to_stderr ? QB_TRUE : QB_FALSE);

	qb_log_format_set(QB_LOG_BLACKBOX, "%t [%g] %-7p %b");
	qb_log_ctl(QB_LOG_BLACKBOX, QB_LOG_CONF_SIZE, FLOG_BLACKBOX_SIZE);
	qb_log_filter_ctl(QB_LOG_BLACKBOX, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*", LOG_DEBUG);
	qb_log_ctl(QB_LOG_BLACKBOX, QB_LOG_CONF_ENABLED, QB_TRUE);
}

void flog_fini(void)
{
	qb_log_fini();
}

int flog_blackbox_write(const char *path)
{
	ssize_t rc = qb_log_blackbox_write_to_file(path);

	return rc < 0 ? (int)rc : 0;
}
