/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The XenDomain monitor's verdict on ferryd's answer (resource_monitor.c).
 * The answers are built here as ferryd would send them; the IPC round trip
 * itself runs against a real ferryd in the lab (agents-ocf, pcmk-hiccup).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "resource.h"
#include "xen.h"

#define ME 1
#define OTHER 2

/* A healthy answer: vm1 running here, ours in the ledger, DRBD Primary. */
static void answer(struct ferry_ipc_monitor *m)
{
	memset(m, 0, sizeof(*m));
	m->status = FERRY_OK;
	m->nodeid = ME;
	m->synced = 1;
	m->found = 1;
	m->xen = 1;
	m->state = XEN_BLOCKED;
	m->config_ok = 1;
	strcpy(m->name, "vm1");
	strcpy(m->entry.name, "vm1");
	m->entry.state = LEDGER_RUNNING;
	m->entry.owner = ME;
	strcpy(m->owner, "node1");
	m->ndrbd = 1;
	strcpy(m->drbd[0].name, "vm1");
	m->drbd[0].known = m->drbd[0].exists = m->drbd[0].primary = 1;
	m->drbd[0].uptodate = m->drbd[0].healthy = 1;
	strcpy(m->drbd[0].disk, "UpToDate");
}

static int verdict(const struct ferry_ipc_monitor *m, bool probe, struct resource_result *res)
{
	struct resource r;

	memset(&r, 0, sizeof(r));
	memset(res, 0, sizeof(*res));
	r.config = "/etc/xen/vm1.cfg";
	r.probe = probe;
	return resource_monitor_verdict(&r, m, res);
}

static void running_and_ours(void **state)
{
	struct ferry_ipc_monitor m;
	struct resource_result res;

	(void)state;
	answer(&m);
	assert_int_equal(verdict(&m, false, &res), OCF_SUCCESS);
	assert_string_equal(res.info, "");
	m.state = XEN_RUNNING;
	assert_int_equal(verdict(&m, false, &res), OCF_SUCCESS);
	m.state = XEN_PAUSED;
	assert_int_equal(verdict(&m, false, &res), OCF_SUCCESS);
	assert_string_equal(res.info, "paused");
}

static void absent_is_not_running(void **state)
{
	struct ferry_ipc_monitor m;
	struct resource_result res;

	(void)state;
	answer(&m);
	m.state = XEN_ABSENT;
	assert_int_equal(verdict(&m, false, &res), OCF_NOT_RUNNING);
	assert_int_equal(verdict(&m, true, &res), OCF_NOT_RUNNING);
	/* ferryd is recreating it after a guest reboot */
	m.rebooting = 1;
	assert_int_equal(verdict(&m, false, &res), OCF_SUCCESS);
	assert_string_equal(res.info, "rebooting");
}

static void shut_down_for_good_fails(void **state)
{
	struct ferry_ipc_monitor m;
	struct resource_result res;

	(void)state;
	answer(&m);
	m.state = XEN_SHUTDOWN;
	strcpy(m.shutdown, "crash");
	assert_int_equal(verdict(&m, false, &res), OCF_ERR_GENERIC);
	assert_non_null(strstr(res.why, "crash"));
	m.rebooting = 1; /* shut down for a reboot: not a failure */
	assert_int_equal(verdict(&m, false, &res), OCF_SUCCESS);
}

static void dying_fails_unless_rebooting(void **state)
{
	struct ferry_ipc_monitor m;
	struct resource_result res;

	(void)state;
	answer(&m);
	m.state = XEN_DYING;
	assert_int_equal(verdict(&m, false, &res), OCF_ERR_GENERIC);
	assert_non_null(strstr(res.why, "dying"));
	/* the old domain of a reboot, destroyed before its successor exists */
	m.rebooting = 1;
	assert_int_equal(verdict(&m, false, &res), OCF_SUCCESS);
	assert_string_equal(res.info, "rebooting");
}

/* A ferryd hiccup must never fail a running guest. */
static void ledger_not_ready_is_not_a_failure(void **state)
{
	struct ferry_ipc_monitor m;
	struct resource_result res;

	(void)state;
	answer(&m);
	m.synced = 0;
	assert_int_equal(verdict(&m, false, &res), OCF_SUCCESS);
	assert_non_null(strstr(res.info, "syncing"));
	answer(&m);
	m.found = 0;
	assert_int_equal(verdict(&m, false, &res), OCF_SUCCESS);
	answer(&m);
	/* orphaned while this node's ferryd was away: still ours */
	m.entry.state = LEDGER_ORPHANED;
	assert_int_equal(verdict(&m, false, &res), OCF_SUCCESS);
}

static void owned_elsewhere_or_conflict_fails(void **state)
{
	struct ferry_ipc_monitor m;
	struct resource_result res;

	(void)state;
	answer(&m);
	m.entry.owner = OTHER;
	strcpy(m.owner, "node2");
	assert_int_equal(verdict(&m, false, &res), OCF_ERR_GENERIC);
	assert_non_null(strstr(res.why, "node2"));
	/* migrating here: the target's copy is ours to report */
	m.entry.state = LEDGER_MIGRATING;
	m.entry.peer = ME;
	assert_int_equal(verdict(&m, false, &res), OCF_SUCCESS);
	answer(&m);
	m.entry.state = LEDGER_CONFLICT;
	m.entry.peer = OTHER;
	strcpy(m.peer, "node2");
	assert_int_equal(verdict(&m, false, &res), OCF_ERR_GENERIC);
	assert_non_null(strstr(res.why, "CONFLICT"));
	assert_non_null(strstr(res.why, "node2"));
}

static void storage_verdicts(void **state)
{
	struct ferry_ipc_monitor m;
	struct resource_result res;

	(void)state;
	answer(&m);
	m.drbd[0].primary = 0;
	assert_int_equal(verdict(&m, false, &res), OCF_ERR_GENERIC);
	assert_non_null(strstr(res.why, "not Primary"));
	answer(&m);
	m.drbd[0].exists = 0;
	assert_int_equal(verdict(&m, false, &res), OCF_ERR_GENERIC);
	assert_non_null(strstr(res.why, "not up"));
	answer(&m);
	m.drbd[0].uptodate = 0;
	strcpy(m.drbd[0].disk, "Inconsistent");
	assert_int_equal(verdict(&m, false, &res), OCF_ERR_GENERIC);
	assert_non_null(strstr(res.why, "Inconsistent"));
	/* a lost peer is degraded, not failed */
	answer(&m);
	m.drbd[0].healthy = 0;
	strcpy(m.drbd[0].why, "connection of vm1 to peer 0 is Connecting");
	assert_int_equal(verdict(&m, false, &res), OCF_SUCCESS);
	assert_non_null(strstr(res.info, "degraded"));
	/* the event stream is restarting: not judged, not failed */
	answer(&m);
	m.drbd[0].known = 0;
	m.drbd[0].primary = 0;
	assert_int_equal(verdict(&m, false, &res), OCF_SUCCESS);
	assert_non_null(strstr(res.info, "unknown"));
}

static void config_problems(void **state)
{
	struct ferry_ipc_monitor m;
	struct resource_result res;

	(void)state;
	answer(&m);
	m.status = FERRY_E_INVAL;
	m.config_ok = 0;
	strcpy(m.reason, "config file /etc/xen/vm1.cfg: No such file or directory");
	/* a probe where the config is missing: not running here */
	assert_int_equal(verdict(&m, true, &res), OCF_NOT_RUNNING);
	/* a recurring monitor: not installed on this node */
	assert_int_equal(verdict(&m, false, &res), OCF_ERR_INSTALLED);
	assert_non_null(strstr(res.why, "No such file"));
	m.config_ok = 1;
	strcpy(m.reason, "/etc/xen/vm1.cfg has no domain name");
	assert_int_equal(verdict(&m, false, &res), OCF_ERR_CONFIGURED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(running_and_ours),
		cmocka_unit_test(absent_is_not_running),
		cmocka_unit_test(shut_down_for_good_fails),
		cmocka_unit_test(dying_fails_unless_rebooting),
		cmocka_unit_test(ledger_not_ready_is_not_a_failure),
		cmocka_unit_test(owned_elsewhere_or_conflict_fails),
		cmocka_unit_test(storage_verdicts),
		cmocka_unit_test(config_problems),
	};

	return cmocka_run_group_tests_name("resource_monitor", tests, NULL, NULL);
}
