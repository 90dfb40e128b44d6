/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The target's pre-flight of an offered domain: is everything it needs
 * here, before anything is changed? Its xl config file (a node without it
 * could neither start nor stop the domain afterwards: resource-agents
 * #1231), the bridge every NIC names, every disk's device, or at least its
 * VG. The checks read the offered libxl JSON (with yajl, libxl's own JSON
 * library) and stat() paths below a root directory: "" on a node, a
 * fixture tree in the unit tests. */
#ifndef FERRY_MIGRATE_PREFLIGHT_H
#define FERRY_MIGRATE_PREFLIGHT_H

#include <stddef.h>

/**
 * @param json    the domain's libxl config as offered
 * @param config  its xl config file as the source knows it (NULL or "":
 *                not checked)
 * @param late_vg a VG the migration's own storage requests activate here
 *                later (LVM above DRBD): its LVs may be absent yet
 * @param root    prefix of every path checked ("" or NULL on a node)
 * @param node    this node's name, for the reason (NULL: "this node")
 * @return 0; -ENOENT with the first missing piece in @why; -EINVAL for
 *         JSON that is not a libxl domain config
 */
int migrate_preflight_place(const char *json, const char *config, const char *late_vg,
			    const char *root, const char *node, char *why, size_t len);

#endif
