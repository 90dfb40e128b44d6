/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Pacemaker's fence history, asked from a one-shot process. */
#ifndef FERRY_FENCE_HISTORY_H
#define FERRY_FENCE_HISTORY_H

#include <stdbool.h>
#include <stdint.h>

/**
 * Did a fencing of node @nodeid (any action: off or reboot) complete at or
 * after @since_wall_ms (clock_wall_ms)? Blocks while the fencer answers.
 * No answer counts as "no".
 */
bool fence_history_since(uint32_t nodeid, uint64_t since_wall_ms);

/**
 * Wait, up to @timeout_ms, while a fencing of node @nodeid is under way
 * (Pacemaker's documented test: stonith_api_time_helper(nodeid, true) > 0).
 * @return true if one was under way (it has ended, or the wait ran out)
 */
bool fence_history_wait_pending(uint32_t nodeid, int timeout_ms);

#endif
