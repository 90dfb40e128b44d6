/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One node's steps of a storage=local move (local_plan.h), made of lvm2
 * (lvm.h), libdevmapper (dm_dev.h) and drbd-utils on the generated resource
 * (drbd_local.h). Every step, and every undo, can be repeated: it looks
 * first, finds its work done and says so. Recovery after a crash relies on
 * that, since the journal records a step only once it completed.
 */
#ifndef FERRY_LOCAL_NODE_H
#define FERRY_LOCAL_NODE_H

#include <stdbool.h>
#include <stddef.h>

#include "drbd_local.h"
#include "local_plan.h"

/**
 * Runs step @p s of the move @p r on this node (a step of this node's side,
 * local_step_side()), or its undo. The steps that are not a node's own
 * (pre-flight, synced, migrated) are the caller's: -EINVAL.
 * @p keep_source: src-retire deactivates the source LV instead of removing it.
 * @return 0, or -errno with the reason in @p why
 */
int local_node_step(const struct drbd_local_res *r, enum local_step s, bool undo,
		    bool keep_source, char *why, size_t len);

/**
 * Pre-flight on this node, before anything changed. The source
 * (@p source): the LV is active and plain, not slipped already, and its
 * size goes into r->sectors. The target: no LV of that name, room in the
 * VG for it and its metadata. Both: the slot's DRBD resource, table copy
 * and metadata LV are free here.
 * @return 0, or -errno with the reason in @p why (-EADDRINUSE: the slot is
 *         taken here, another may be free; -EBUSY: the LV is in a move)
 */
int local_node_preflight(struct drbd_local_res *r, bool source, bool adopt, char *why,
			 size_t len);
/** The path of the generated resource file of @p r (DRBD_LOCAL_CONF_DIR). */
int local_node_conf_path(const struct drbd_local_res *r, char *path, size_t len);

#endif
