/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The XenDomain monitor's verdict from ferryd's answer (one IPC round trip,
 * see helpers/ferryd/monitor.c). Pure apart from the IPC call, and linked
 * with libqb only: ferryctl's front binary runs it without loading libxl.
 *
 * What fails a running domain: CONFLICT, the ledger giving it to another
 * node, its DRBD storage not Primary or not UpToDate here, or the domain
 * shut down for good. What does not: a ledger still syncing after a ferryd
 * restart, a record not yet re-reported, a lost DRBD peer (degraded), a
 * DRBD event stream that is restarting. A ferryd hiccup must never stop a
 * guest (README, "ferryd, a service bound to corosync").
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "flog.h"
#include "ledger_client.h"
#include "resource.h"
#include "xen.h"

/* One monitor must answer well inside its operation's timeout. */
#define MONITOR_IPC_TIMEOUT_MS 5000

static int verdict(struct resource_result *res, int ocf, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int verdict(struct resource_result *res, int ocf, const char *fmt, ...)
{
	va_list ap;
	char *buf = ocf == OCF_SUCCESS ? res->info : res->why;
	size_t len = ocf == OCF_SUCCESS ? sizeof(res->info) : sizeof(res->why);

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	res->ocf = ocf;
	return ocf;
}

int resource_monitor_ask(const struct resource *r, struct ferry_ipc_monitor *m)
{
	struct ferry_ipc_monitor_req q;

	memset(&q, 0, sizeof(q));
	q.req.timeout_ms = MONITOR_IPC_TIMEOUT_MS;
	if (strlen(r->name) > LEDGER_NAME_MAX ||
	    (r->config && strlen(r->config) >= sizeof(q.config)) || r->st.ndrbd > FERRY_IPC_MAX_DRBD)
		return -EINVAL;
	strcpy(q.req.name, r->name);
	if (r->config)
		strcpy(q.config, r->config);
	for (int i = 0; !r->st.shared && i < r->st.ndrbd; i++) {
		if (strlen(r->st.drbd[i]) >= sizeof(q.drbd[i]))
			return -EINVAL;
		strcpy(q.drbd[q.ndrbd++], r->st.drbd[i]);
	}
	return ledger_client_monitor(&q, m);
}

/* The domain itself: alive here, rebooting, or this node's copy in flight. */
static int domain_verdict(const struct resource *r, const struct ferry_ipc_monitor *m,
			  struct resource_result *res)
{
	if (m->state == XEN_ABSENT) {
		if (m->rebooting)
			return verdict(res, OCF_SUCCESS, "rebooting");
		res->ocf = OCF_NOT_RUNNING;
		return res->ocf;
	}
	/* A reboot destroys the old domain before creating the new one: it is
	 * dying for a while (seconds, while a loaded dom0 tears its backends
	 * down), and a monitor then must not fail it: Pacemaker would stop a
	 * guest that only rebooted. */
	if ((m->state == XEN_SHUTDOWN || m->state == XEN_DYING) && m->rebooting)
		return verdict(res, OCF_SUCCESS, "rebooting");
	if (m->state == XEN_SHUTDOWN || m->state == XEN_DYING)
		return verdict(res, OCF_ERR_GENERIC, "%s is %s here%s%s", m->name,
			       m->state == XEN_DYING ? "dying" : "shut down",
			       m->shutdown[0] ? ": " : "", m->shutdown);
	(void)r;
	return -1; /* alive: go on */
}

/* The ledger gives it to this node (or is migrating it here). */
static int ledger_verdict(const struct ferry_ipc_monitor *m, struct resource_result *res)
{
	const struct ledger_entry *e = &m->entry;

	if (!m->synced)
		return verdict(res, OCF_SUCCESS, "ferryd's ledger is syncing: ownership not checked");
	if (!m->found)
		return verdict(res, OCF_SUCCESS, "not in the ledger yet (ferryd reports it)");
	if (e->state == LEDGER_CONFLICT)
		return verdict(res, OCF_ERR_GENERIC, "CONFLICT: %s runs here and on %s", m->name,
			       e->owner == m->nodeid ? m->peer : m->owner);
	if (e->owner != m->nodeid && !(e->state == LEDGER_MIGRATING && e->peer == m->nodeid))
		return verdict(res, OCF_ERR_GENERIC, "%s runs here but the ledger gives it to %s",
			       m->name, m->owner[0] ? m->owner : "another node");
	return -1;
}

/* Storage: Primary and UpToDate here; a lost peer is only degraded. */
static int storage_verdict(const struct ferry_ipc_monitor *m, struct resource_result *res)
{
	for (uint32_t i = 0; i < m->ndrbd; i++) {
		const struct ferry_ipc_drbd_state *d = &m->drbd[i];

		if (!d->known) {
			snprintf(res->info, sizeof(res->info), "DRBD state unknown (ferryd's event "
							       "stream restarts)");
			continue;
		}
		if (!d->exists || !d->primary)
			return verdict(res, OCF_ERR_GENERIC, "%s runs here but DRBD %s is not %s",
				       m->name, d->name, d->exists ? "Primary" : "up");
		if (!d->uptodate)
			return verdict(res, OCF_ERR_GENERIC, "DRBD %s is not UpToDate here (disk: %s)",
				       d->name, d->disk[0] ? d->disk : "?");
		if (!d->healthy)
			snprintf(res->info, sizeof(res->info), "degraded: %s", d->why);
	}
	return -1;
}

int resource_monitor_verdict(const struct resource *r, const struct ferry_ipc_monitor *m,
			     struct resource_result *res)
{
	int rc;

	res->ocf = OCF_SUCCESS;
	if (m->status != FERRY_OK) {
		if (!m->config_ok && !r->name[0])
			return r->probe ? (res->ocf = OCF_NOT_RUNNING)
					: verdict(res, OCF_ERR_INSTALLED, "%s", m->reason);
		return verdict(res, r->probe ? OCF_NOT_RUNNING : OCF_ERR_CONFIGURED, "%s", m->reason);
	}
	if ((rc = domain_verdict(r, m, res)) >= 0)
		return rc;
	if ((rc = ledger_verdict(m, res)) > 0)
		return rc;
	if ((rc = storage_verdict(m, res)) >= 0)
		return rc;
	if (m->state == XEN_PAUSED && !m->flight && !res->info[0])
		snprintf(res->info, sizeof(res->info), "paused");
	return OCF_SUCCESS;
}
