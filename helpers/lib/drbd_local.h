/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The temporary DRBD resource of a storage=local move (local_plan.h), made
 * at run time: its name, minor and port from a slot, its external metadata
 * size, and its configuration file. Pure code: what is written where is the
 * caller's.
 *
 * A slot is one concurrent move between a pair of nodes; its resource is
 * "ferry-local-SLOT" on DRBD minor DRBD_LOCAL_MINOR_BASE + SLOT, port
 * DRBD_LOCAL_PORT_BASE + SLOT on both ends, so that neither clashes with
 * the administrator's resources as long as those stay below the base
 * (the README says so). The backing disk is the LV's table copy
 * (/dev/mapper/ferry-orig-VG-LV, dm_table.h); the metadata is external, on
 * an LV of its own (/dev/VG/ferry-meta-SLOT), so that the DRBD device is
 * exactly as large as the LV it stands in for.
 */
#ifndef FERRY_DRBD_LOCAL_H
#define FERRY_DRBD_LOCAL_H

#include <stddef.h>
#include <stdint.h>

#include "names.h"

#define DRBD_LOCAL_SLOTS      16
#define DRBD_LOCAL_MINOR_BASE 1000
#define DRBD_LOCAL_PORT_BASE  7900
/** The largest LV a move takes, in sectors (512 PiB: beyond any real one). */
#define DRBD_LOCAL_SECTORS_MAX (1ULL << 50)
#define DRBD_LOCAL_CONF_DIR   "/run/ferry/drbd.d"

/** One end of the temporary resource. */
struct drbd_local_end {
	char node[NAME_NODE_MAX + 1]; /**< the host name DRBD matches ("on NODE") */
	char ip[64];                  /**< its replication address: IPv4 or IPv6, numeric */
};

struct drbd_local_res {
	unsigned slot;
	char domain[NAME_DOMAIN_MAX + 1]; /**< for the file's comment */
	char vg[NAME_VG_MAX + 1];
	char lv[NAME_LV_MAX + 1];
	uint64_t sectors;             /**< the LV's size (the target's LV is made so) */
	struct drbd_local_end end[2]; /**< source, target */
};

/** The resource's name for @p slot ("ferry-local-3"). @return 0, -EINVAL
 *  (slot out of range) or -ENAMETOOLONG */
int drbd_local_name(unsigned slot, char *buf, size_t len);

/** The slot of resource name @p res ("ferry-local-3" is 3), strictly: 0,
 *  or -EINVAL when @p res is not a slot's resource name. */
int drbd_local_slot_of(const char *res, unsigned *slot);

/** The metadata LV's name for @p slot ("ferry-meta-3"), within the LV's VG. */
int drbd_local_meta_lv(unsigned slot, char *buf, size_t len);

/**
 * Sectors of external metadata DRBD 8.4 needs for @p data_sectors of data:
 * the bitmap (a bit per 4 KiB, in 4 KiB units) and 36 KiB of superblock and
 * activity log (DRBD's user guide: ceil(Cs / 2^18) * 8 + 72).
 */
uint64_t drbd_local_meta_sectors(uint64_t data_sectors);

/**
 * The resource's configuration, as drbdadm reads it (-c FILE). Every name
 * is checked for its kind and each address must be numeric.
 * @return 0, -EINVAL (a bad name, slot or address, the reason in @p why),
 * or -ENAMETOOLONG (@p len too small)
 */
int drbd_local_conf(const struct drbd_local_res *r, char *buf, size_t len, char *why,
		    size_t wlen);

#endif
