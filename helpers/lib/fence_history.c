/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stonith_admin --fence --tolerance matches only the same action: a node
 * Pacemaker had just rebooted was powered off again by DRBD's handler,
 * which asks for "off" (make cts, seed 1234). The history of any completed
 * fencing answers the question that matters: is that node's old instance
 * gone? (ferryd asks the same from a child process: helpers/ferryd/fence.c.)
 */
#include <crm/stonith-ng.h>

#include "fence_history.h"

bool fence_history_since(uint32_t nodeid, uint64_t since_wall_ms)
{
	time_t t = stonith_api_time_helper(nodeid, false);

	return t > 0 && (uint64_t)t * 1000u >= since_wall_ms;
}
