/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "ferry_status.h"

static const struct {
	const char *name;
	const char *text;
} statuses[FERRY_STATUS_MAX] = {
	[FERRY_OK] = { "ok", "granted" },
	[FERRY_E_OWNED] = { "owned", "owned by another node" },
	[FERRY_E_NOQUORUM] = { "no-quorum", "this partition has no quorum" },
	[FERRY_E_NOTFENCED] = { "not-fenced",
				"orphaned: the old owner is neither fenced nor confirmed dead" },
	[FERRY_E_CONFLICT] = { "conflict", "two nodes report the domain running" },
	[FERRY_E_NOTOWNER] = { "not-owner", "this node does not own the domain" },
	[FERRY_E_STATE] = { "bad-state", "the domain is not in a state that allows this" },
	[FERRY_E_BUSY] = { "busy", "the domain is migrating" },
	[FERRY_E_NOTMEMBER] = { "not-member", "the target node is not running ferryd in this partition" },
	[FERRY_E_ALIVE] = { "alive", "the node is a live member of the group" },
	[FERRY_E_STALE] = { "stale", "the epoch or loss generation is not current" },
	[FERRY_E_INVAL] = { "invalid", "invalid request" },
	[FERRY_E_AGAIN] = { "again", "membership changed; retry" },
	[FERRY_E_TIMEDOUT] = { "timed-out", "timed out" },
	[FERRY_E_UNREACHABLE] = { "unreachable", "ferryd is not reachable" },
	[FERRY_E_PERM] = { "permission", "ferryd accepts only root" },
	[FERRY_E_INTERNAL] = { "internal", "internal error" },
};

const char *ferry_status_name(int s)
{
	if (s < 0 || s >= FERRY_STATUS_MAX)
		return "unknown";
	return statuses[s].name;
}

const char *ferry_status_text(int s)
{
	if (s < 0 || s >= FERRY_STATUS_MAX)
		return "unknown status";
	return statuses[s].text;
}
