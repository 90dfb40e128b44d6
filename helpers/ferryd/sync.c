/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The replica's callbacks: its messages go to the group, its decisions to
 * the waiting requests, its events to the log. After every sync this node
 * REPORTs the domains it runs, which rebuilds the ledger on a cold start
 * and re-adopts this node's orphans after a restart. A watchdog forces a
 * round that waits on a silent member.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "ferryd.h"
#include "group.h"
#include "inventory.h"
#include "names.h"
#include "nodemap.h"
#include "persist.h"
#include "requests.h"
#include "sync.h"

/* A round that waits this long for offers stops waiting (ghost members). */
#define SYNC_FORCE_AFTER_MS 20000
/* A round still unfinished after this is broken: exit and let the service
 * manager restart ferryd into a fresh round. */
#define SYNC_GIVE_UP_MS 300000
#define WATCHDOG_MS 2000

static qb_loop_timer_handle watchdog;
static uint64_t syncing_since; /* of the current wait, reset when forced */
static uint64_t stuck_since;   /* of the whole unsynced stretch */

static int on_send(void *ctx, const void *buf, size_t len)
{
	return group_send(ctx, buf, len);
}

static void on_decided(void *ctx, uint64_t req_id, int type, const struct ledger_result *res)
{
	persist_flush(ctx); /* on disk before any client hears of it */
	requests_decided(ctx, req_id, type, res);
}

static void on_changed(void *ctx)
{
	persist_mark(ctx);
}

/* Rings or quorum moved: a request that waited for them may go now. */
static void on_view(void *ctx)
{
	requests_kick(ctx);
}

static void on_event(void *ctx, int pri, const char *text)
{
	(void)ctx;
	flog(FLOG_LEDGER, pri, "%s", text);
}

static void report_inventory(struct ferryd *d)
{
	char **names = NULL;
	size_t n = 0;
	int rc = inventory_list(d, &names, &n);

	if (rc == -ENOTSUP) {
		flog(FLOG_SYNC, LOG_WARNING,
		     "no inventory source: this node reports no running domains");
		return;
	}
	if (rc < 0) {
		flog(FLOG_SYNC, LOG_ERR, "cannot list running domains: %s", strerror(-rc));
		return;
	}
	flog(FLOG_SYNC, LOG_INFO, "reporting %zu running domain(s)", n);
	if (n)
		requests_report(d, names, n); /* takes the names */
	else
		names_free(names, n);
}

static void on_synced(void *ctx, bool cold)
{
	struct ferryd *d = ctx;
	struct replica_info info;

	replica_info_get(d->rep, &info);
	flog(FLOG_SYNC, LOG_NOTICE, "in sync (%s): %zu domain(s), version %llu, join to sync %llu ms",
	     cold ? "cold start" : info.start == REPLICA_START_WARM ? "warm start" : "from node",
	     ledger_count(replica_ledger(d->rep)), (unsigned long long)info.version,
	     (unsigned long long)info.first_sync_ms);
	syncing_since = 0;
	stuck_since = 0;
	if (!d->start_to_sync_ms)
		d->start_to_sync_ms = clock_ms() - d->started_mono_ms + 1;
	report_inventory(d);
	requests_kick(d);
}

static const struct replica_ops ops = {
	.send = on_send,
	.decided = on_decided,
	.event = on_event,
	.synced = on_synced,
	.changed = on_changed,
	.view = on_view,
};

static void on_watchdog(void *data)
{
	struct ferryd *d = data;
	struct replica_info info;

	replica_info_get(d->rep, &info);
	if (info.refused_self) {
		flog(FLOG_SYNC, LOG_CRIT, "the group refused this ferryd: exiting, so that a new "
					  "process joins afresh");
		ferryd_stop(d, 1, "refused by the group");
		return;
	}
	if (replica_syncing(d->rep)) {
		uint64_t now = clock_ms();

		if (!stuck_since)
			stuck_since = now;
		if (now - stuck_since >= SYNC_GIVE_UP_MS) {
			flog(FLOG_SYNC, LOG_CRIT, "state transfer has not finished in %d s",
			     SYNC_GIVE_UP_MS / 1000);
			ferryd_stop(d, 1, "state transfer stuck");
			return;
		}
		if (!syncing_since)
			syncing_since = now;
		if (now - syncing_since >= SYNC_FORCE_AFTER_MS) {
			if (replica_sync_force(d->rep) > 0)
				flog(FLOG_SYNC, LOG_WARNING,
				     "state transfer waited %d s for silent members: forcing it",
				     SYNC_FORCE_AFTER_MS / 1000);
			syncing_since = now;
		}
	} else {
		syncing_since = 0;
		stuck_since = 0;
	}
	qb_loop_timer_add(d->loop, QB_LOOP_LOW, WATCHDOG_MS * 1000000ull, d, on_watchdog,
			  &watchdog);
}

/* corosync's nodelist: a cold start holds claims for configured absentees */
static void load_nodelist(struct ferryd *d)
{
	struct nodemap m;
	uint32_t *ids;
	size_t n = 0;

	if (nodemap_load(&m) < 0) {
		flog(FLOG_SYNC, LOG_WARNING, "cannot read corosync's nodelist: a cold start will not "
					     "wait for absent nodes");
		return;
	}
	ids = calloc(m.n ? m.n : 1, sizeof(*ids));
	for (size_t i = 0; ids && i < m.n; i++)
		if (m.v[i].nodeid)
			ids[n++] = m.v[i].nodeid;
	if (ids && replica_set_nodelist(d->rep, ids, n) == 0)
		flog(FLOG_SYNC, LOG_INFO, "corosync configures %zu node(s)", n);
	free(ids);
	nodemap_free(&m);
}

int sync_start(struct ferryd *d)
{
	d->rep = replica_new(d->nodeid, d->pid, &ops, d);
	if (!d->rep)
		return -ENOMEM;
	load_nodelist(d);
	persist_load(d);
	return qb_loop_timer_add(d->loop, QB_LOOP_LOW, WATCHDOG_MS * 1000000ull, d, on_watchdog,
				 &watchdog);
}

void sync_stop(struct ferryd *d)
{
	if (!d->rep)
		return;
	qb_loop_timer_del(d->loop, watchdog);
	persist_flush(d);
	replica_free(d->rep);
	d->rep = NULL;
}
