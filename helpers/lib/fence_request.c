/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One fencing, not two: when a node is lost, Pacemaker asks its fencer for
 * the cluster's stonith-action (reboot by default) while DRBD's fence-peer
 * handler may ask for the same node. The fencer merges identical requests
 * (same target, same action) that are under way; different actions run one
 * after the other. A handler's "off" after Pacemaker's "reboot" left the
 * rebooted node powered off (make cts, seed 1234, step 1). So the handler
 * asks for the action the cluster itself uses.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fence_request.h"
#include "proc.h"

#define QUERY_TIMEOUT_MS (15 * 1000)

const char *fence_request_option(const char *action)
{
	size_t n = action ? strcspn(action, "\n") : 0;

	if ((n == 3 && !strncmp(action, "off", n)) || (n == 8 && !strncmp(action, "poweroff", n)))
		return "--fence";
	return "--reboot";
}

/* The cluster's stonith-action as stonith_admin's option; unset or
 * unreadable is Pacemaker's default, reboot. */
static const char *cluster_option(void)
{
	char *argv[] = {"crm_attribute", "--type", "crm_config", "--name", "stonith-action",
			"--query", "--quiet", "--default", "reboot", NULL};
	struct proc_result r;
	int ok = proc_run(argv, QUERY_TIMEOUT_MS, &r) == 0 && proc_exit_code(&r) == 0;
	const char *opt = fence_request_option(ok ? r.out : NULL);

	proc_result_free(&r);
	return opt;
}

int fence_request(const char *node, const char *tag, int timeout_ms, char *why, size_t len)
{
	char *argv[] = {"stonith_admin", (char *)cluster_option(), (char *)node,
			"--tolerance", "120s", "--tag", (char *)tag, NULL};
	struct proc_result r;
	int rc = proc_run(argv, timeout_ms, &r);

	if (rc == 0 && proc_exit_code(&r) == 0) {
		snprintf(why, len, "fenced (stonith_admin %s)", argv[1]);
		proc_result_free(&r);
		return 0;
	}
	proc_failure(rc, timeout_ms, &r, why, len);
	proc_result_free(&r);
	return rc ? rc : -EIO;
}
