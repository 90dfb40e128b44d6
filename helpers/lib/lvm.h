/* LVM through lvm2's commands, in the two stacks ferry supports:
 *  below: an LV is DRBD's backing disk (activate it before `drbdadm up`);
 *  above: a VG lives on the DRBD device and its LVs are the domain's disks
 *         (activate after promote, deactivate before demote).
 * Activation is always local: ferry never assumes a shared or clustered VG.
 * During a migration's dual-primary window an above-VG is active on both
 * nodes at once, so nothing may change its metadata then. */
#ifndef FERRY_LVM_H
#define FERRY_LVM_H

#include <stdbool.h>
#include <stdint.h>

/** Activates VG/LV here (lvchange -ay). LV NULL: every LV of the VG. */
int lvm_activate(const char *vg, const char *lv);
/** Deactivates VG/LV here (lvchange -an). LV NULL: every LV of the VG. */
int lvm_deactivate(const char *vg, const char *lv);
/** Whether VG/LV exists and is active here. -ENOENT when it does not exist. */
int lvm_is_active(const char *vg, const char *lv, bool *active);
/** Creates VG/LV of @sectors (lvm2 rounds up to the VG's extent size),
 *  active, its start zeroed. -EEXIST when it exists already. */
int lvm_create(const char *vg, const char *lv, uint64_t sectors);
/** Removes VG/LV. -ENOENT when it does not exist. */
int lvm_remove(const char *vg, const char *lv);
/** The tag of a source LV a storage=local move kept (keep_source): a stale
 * copy from the moment the domain ran on the target. */
#define LVM_STALE_TAG "ferry_stale"
/** Deactivates VG/LV and tags it LVM_STALE_TAG. */
int lvm_retire(const char *vg, const char *lv);
/** Whether VG/LV carries LVM_STALE_TAG. -ENOENT when it does not exist. */
int lvm_is_stale(const char *vg, const char *lv, bool *stale);
/** Parses `lvs -o lv_tags` output: is @tag one of the tags? */
bool lvm_tags_have(const char *out, const char *tag);
/** Free space of VG here, in 512-byte sectors. -ENOENT when there is no such VG. */
int lvm_vg_free(const char *vg, uint64_t *sectors);
/** Parses `vgs --units s --nosuffix` output: one number, blanks around it. */
int lvm_parse_sectors(const char *out, unsigned long long *n);
/** Parses the first `lvs --noheadings -o lv_attr` line: is the LV active? */
int lvm_attr_active(const char *lv_attr_output, bool *active);

#endif
