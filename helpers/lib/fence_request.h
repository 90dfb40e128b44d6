/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Asking Pacemaker's fencer to fence a node with the cluster's own action. */
#ifndef FERRY_FENCE_REQUEST_H
#define FERRY_FENCE_REQUEST_H

#include <stddef.h>

/**
 * stonith_admin's option for the cluster's stonith-action @action (one
 * line of crm_attribute's answer, its newline allowed; NULL when it could
 * not be read): "--fence" for off (or its old name poweroff), else
 * "--reboot", which is also Pacemaker's default.
 */
const char *fence_request_option(const char *action);

/**
 * Fence @node through stonith_admin with the cluster's action, tagged
 * @tag, tolerating a fencing of the same action in the last two minutes.
 * The same action as Pacemaker's own lets the fencer merge the two
 * requests into one fencing.
 * @return 0 when the fencer reports the node fenced, else -errno with the
 *         reason in @why.
 */
int fence_request(const char *node, const char *tag, int timeout_ms, char *why, size_t len);

#endif
