/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device-mapper tables for storage=local: a domain on a plain LV moves live
 * by slipping a temporary DRBD under the running LV, with table swaps
 * alone (no guest suspend). An LVM LV is a dm device "VG-LV"; its table
 * maps the LV onto physical volumes. The slip, on each node:
 *
 *   1. ferry-orig-VG-LV  a new dm device with a copy of the LV's table: the
 *                        same blocks, under a second name. DRBD's backing disk.
 *   2. drbdN             the temporary DRBD resource on ferry-orig-VG-LV,
 *                        metadata external (on a small LV of its own), so
 *                        the device is exactly as large as the LV.
 *   3. VG-LV             suspend, load "0 SIZE linear 147:N 0", resume: the
 *                        guest's open device now writes through DRBD. I/O
 *                        pauses for the milliseconds of the reload.
 *
 * and back again (VG-LV's own table, then drbdN down, ferry-orig-VG-LV
 * removed). Pure code: what the tables must be, checked and built here;
 * dm.c moves them in and out of the kernel with libdevmapper.
 */
#ifndef FERRY_DM_TABLE_H
#define FERRY_DM_TABLE_H

#include <stddef.h>
#include <stdint.h>

/* Rows of a table ferry takes from an LV (lvm2 makes one per segment):
 * more is refused with this limit named. */
#define DM_ROWS_MAX 64
#define DM_TYPE_MAX 16
#define DM_PARAMS_MAX 256
/* A dm device name (the kernel's DM_NAME_LEN, with the NUL). */
#define DM_NAME_MAX 128
/* The block major of DRBD devices (Documentation/admin-guide/devices.txt). */
#define DM_DRBD_MAJOR 147

/** One row: @length 512-byte sectors from @start, mapped by target @type. */
struct dm_row {
	uint64_t start;
	uint64_t length;
	char type[DM_TYPE_MAX];
	char params[DM_PARAMS_MAX];
};

struct dm_table {
	struct dm_row row[DM_ROWS_MAX];
	int n;
};

/**
 * Append a row. @return 0, -E2BIG beyond DM_ROWS_MAX rows, -ENAMETOOLONG
 * when @type or @params do not fit, -EINVAL for an empty type or length 0
 */
int dm_table_add(struct dm_table *t, uint64_t start, uint64_t length, const char *type,
		 const char *params);

/**
 * Is @t the table of a plain LV that can be slipped over DRBD? Rows cover
 * 0..size without a gap or overlap, each a "linear" or "striped" target
 * (what lvm2 makes for a plain LV; thin, snapshot, raid, cache and mirror
 * LVs are refused, the type named), and none maps onto a DRBD device
 * (-EBUSY: already stacked, a half-done slip). @p sectors receives the size.
 * @return 0, -EINVAL or -EBUSY with the reason in @why
 */
int dm_table_check_plain(const struct dm_table *t, uint64_t *sectors, char *why, size_t len);

/** The LV's table while it is slipped: one linear row of @sectors over
 *  DRBD minor @minor. @return 0 or -EINVAL (size 0) */
int dm_table_over_drbd(struct dm_table *t, uint64_t sectors, unsigned minor);

/** Is @t the table dm_table_over_drbd builds, for any minor (*minor)? */
int dm_table_is_over_drbd(const struct dm_table *t, unsigned *minor);

/**
 * lvm2's dm name of VG/LV: each '-' in either name doubled, the two joined
 * by one '-' ("vg0", "web-1" -> "vg0-web--1"). Give it checked names
 * (name_check): like lvm2, they never begin with '-', without which the
 * name could not be read back. @return 0 or -ENAMETOOLONG
 */
int dm_name_of_lv(const char *vg, const char *lv, char *buf, size_t len);

/**
 * The name of the copy that backs DRBD: "ferry-orig-" and the LV's dm
 * name. lvm2 never makes it: it doubles every '-' inside a VG or LV name
 * and adds at most one suffix of its own ("-real", "-cow", "-tpool"...),
 * so its names have at most two single '-'; this one has three.
 * @return 0 or -ENAMETOOLONG
 */
int dm_name_orig(const char *vg, const char *lv, char *buf, size_t len);

#endif
