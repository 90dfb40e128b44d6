/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stonith_admin --tolerance matches only the same action: a node Pacemaker
 * had just rebooted was powered off again by DRBD's handler, which asked
 * for "off" (make cts, seed 1234). The history of any completed fencing
 * answers the question that matters: is that node's old instance gone? A
 * fencing still under way is waited for, so that it can answer too.
 * (ferryd asks the same from a child process: helpers/ferryd/fence.c.)
 */
#include <unistd.h>

#include <crm/stonith-ng.h>

#include "clock.h"
#include "fence_history.h"

/* The fencer's history query is a round trip over IPC: poll gently. */
#define PENDING_POLL_S 2

bool fence_history_since(uint32_t nodeid, uint64_t since_wall_ms)
{
	time_t t = stonith_api_time_helper(nodeid, false);

	return t > 0 && (uint64_t)t * 1000u >= since_wall_ms;
}

bool fence_history_wait_pending(uint32_t nodeid, int timeout_ms)
{
	int64_t deadline = clock_ms() + timeout_ms;
	bool seen = false;

	while (stonith_api_time_helper(nodeid, true) > 0) {
		seen = true;
		if (clock_ms() >= deadline)
			break;
		sleep(PENDING_POLL_S);
	}
	return seen;
}
