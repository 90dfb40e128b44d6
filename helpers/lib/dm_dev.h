/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device-mapper devices through libdevmapper (never by parsing dmsetup):
 * what a storage=local move does to a running LV (dm_table.h, local_plan.h).
 * Its table is read, copied to a device of ferry's own
 * (/dev/mapper/ferry-orig-VG-LV) that becomes DRBD's backing disk, and the
 * LV's own table is then swapped onto the DRBD device in place: the guest's
 * backend keeps its open device, and I/O pauses only between suspend and
 * resume. libdevmapper's messages go to ferry's log.
 */
#ifndef FERRY_DM_DEV_H
#define FERRY_DM_DEV_H

#include <stdbool.h>
#include <stdint.h>

#include "dm_table.h"

struct dm_dev_info {
	bool suspended;
	int open_count; /**< openers: a running guest's backend is one */
	unsigned major, minor;
};

/** Is there a device @p name, and how is it? @return 0, -ENXIO (none) or -errno */
int dm_dev_info(const char *name, struct dm_dev_info *i);

/** The live table of device @p name into @p t. @return 0, -ENXIO (no such
 *  device), -E2BIG (more rows than DM_ROWS_MAX) or -errno */
int dm_dev_table(const char *name, struct dm_table *t);

/** Creates device @p name with table @p t, live. @return 0, -EEXIST or -errno */
int dm_dev_create(const char *name, const struct dm_table *t);

/**
 * Replaces the live table of device @p name by @p t, in place: load it as
 * the inactive table, suspend (outstanding I/O completes first), resume
 * (the new table goes live). If the suspend fails the inactive table is
 * cleared and the old one stays; if the resume fails the device is left
 * suspended, and that is said loudly: the caller must resume or undo.
 * @return 0 or -errno
 */
int dm_dev_swap(const char *name, const struct dm_table *t);

/** Resumes a suspended device @p name (what undoes a failed swap). */
int dm_dev_resume(const char *name);

/** Removes device @p name. @return 0, -ENXIO (already gone), -EBUSY (open) or -errno */
int dm_dev_remove(const char *name);

#endif
