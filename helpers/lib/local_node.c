/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One node's steps of a storage=local move (see local_node.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dm_dev.h"
#include "dm_table.h"
#include "drbd.h"
#include "fdio.h"
#include "flog.h"
#include "local_node.h"
#include "lvm.h"

/* lvm2's default extent (4 MiB), in sectors: what rounding may add to an LV. */
#define LOCAL_EXTENT_SLACK 8192

/* The names of a move on this node. */
struct names {
	char lv_dm[DM_NAME_MAX];   /* the LV's dm name */
	char orig[DM_NAME_MAX];    /* ferry-orig-VG-LV */
	char res[NAME_DRBD_MAX + 1];
	char meta[32];             /* the metadata LV, in the same VG */
	char conf[128];
};

static int names_of(const struct drbd_local_res *r, struct names *n)
{
	if (dm_name_of_lv(r->vg, r->lv, n->lv_dm, sizeof(n->lv_dm)) ||
	    dm_name_orig(r->vg, r->lv, n->orig, sizeof(n->orig)) ||
	    drbd_local_name(r->slot, n->res, sizeof(n->res)) ||
	    drbd_local_meta_lv(r->slot, n->meta, sizeof(n->meta)) ||
	    local_node_conf_path(r, n->conf, sizeof(n->conf)))
		return -EINVAL;
	return 0;
}

int local_node_conf_path(const struct drbd_local_res *r, char *path, size_t len)
{
	char res[NAME_DRBD_MAX + 1];
	int n;

	if (drbd_local_name(r->slot, res, sizeof(res)))
		return -EINVAL;
	n = snprintf(path, len, "%s/%s.res", DRBD_LOCAL_CONF_DIR, res);
	return n > 0 && (size_t)n < len ? 0 : -ENAMETOOLONG;
}

static int failed(char *why, size_t len, int rc, const char *what)
{
	if (why[0] == '\0' || rc != -EIO)
		snprintf(why, len, "%s: %s", what, strerror(-rc));
	return rc;
}

/* The LV's size in sectors, from its table: plain, or slipped over DRBD. */
static int lv_sectors(const struct names *n, uint64_t *sectors, char *why, size_t len)
{
	struct dm_table t;
	unsigned minor;
	int rc = dm_dev_table(n->lv_dm, &t);

	if (rc)
		return failed(why, len, rc, "reading the LV's table");
	if (dm_table_is_over_drbd(&t, &minor)) {
		*sectors = t.row[0].length;
		return 0;
	}
	return dm_table_check_plain(&t, sectors, why, len);
}

/* meta: the metadata LV, sized for the LV. */
static int meta_create(const struct drbd_local_res *r, const struct names *n, char *why,
		       size_t len)
{
	uint64_t sectors;
	int rc = lv_sectors(n, &sectors, why, len);

	if (rc)
		return rc;
	rc = lvm_create(r->vg, n->meta, drbd_local_meta_sectors(sectors));
	if (rc == -EEXIST) {
		flog(FLOG_LVM, LOG_INFO, "local: %s/%s exists already", r->vg, n->meta);
		return 0;
	}
	return rc ? failed(why, len, rc, "creating the metadata LV") : 0;
}

static int lv_remove(const char *vg, const char *lv, char *why, size_t len)
{
	int rc = lvm_remove(vg, lv);

	if (rc == -ENOENT)
		return 0;
	return rc ? failed(why, len, rc, "removing an LV") : 0;
}

/* orig: a device with the LV's plain table, DRBD's backing disk. */
static int orig_create(const struct names *n, char *why, size_t len)
{
	struct dm_table t;
	struct dm_dev_info info;
	uint64_t sectors;
	int rc;

	if (dm_dev_info(n->orig, &info) == 0)
		return 0; /* made by an earlier try: the LV may be slipped already */
	rc = dm_dev_table(n->lv_dm, &t);
	if (rc)
		return failed(why, len, rc, "reading the LV's table");
	rc = dm_table_check_plain(&t, &sectors, why, len);
	if (rc == 0)
		rc = dm_dev_create(n->orig, &t);
	return rc ? failed(why, len, rc, "creating the table copy") : 0;
}

static int orig_remove(const struct names *n, char *why, size_t len)
{
	struct dm_dev_info info;
	int rc = dm_dev_info(n->orig, &info);

	/* Looked up first: a remove of nothing makes libdevmapper log an error. */
	if (rc == 0)
		rc = dm_dev_remove(n->orig);

	if (rc == -ENXIO)
		return 0;
	return rc ? failed(why, len, rc, "removing the table copy") : 0;
}

static int conf_write(const struct drbd_local_res *r, const struct names *n, char *why,
		      size_t len)
{
	char text[2048], tmp[160];
	int fd, rc = drbd_local_conf(r, text, sizeof(text), why, len);

	if (rc)
		return rc;
	mkdir("/run/ferry", 0755);
	mkdir(DRBD_LOCAL_CONF_DIR, 0700);
	snprintf(tmp, sizeof(tmp), "%s.new", n->conf);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return failed(why, len, -errno, "writing the resource file");
	rc = fdio_write_all(fd, text, strlen(text));
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, n->conf) < 0)
		rc = -errno;
	return rc ? failed(why, len, rc, "writing the resource file") : 0;
}

static int drbd_start(const struct drbd_local_res *r, const struct names *n, bool primary,
		      char *why, size_t len)
{
	int rc = conf_write(r, n, why, len);

	if (rc == 0)
		rc = drbd_up_conf(n->conf, n->res, primary, why, len);
	return rc ? failed(why, len, rc, "bringing the temporary DRBD up") : 0;
}

static int drbd_stop(const struct names *n, char *why, size_t len)
{
	int rc = drbd_setup_down(n->res);

	if (rc)
		return failed(why, len, rc, "taking the temporary DRBD down");
	if (unlink(n->conf) < 0 && errno != ENOENT)
		return failed(why, len, -errno, "removing the resource file");
	return 0;
}

/* slip: the LV's table onto the DRBD device; unslip: the copy's table back. */
static int slip(const struct drbd_local_res *r, const struct names *n, bool on, char *why,
		size_t len)
{
	struct dm_table now, want;
	unsigned minor;
	uint64_t sectors;
	int rc = dm_dev_table(n->lv_dm, &now);

	if (rc)
		return failed(why, len, rc, "reading the LV's table");
	if (dm_table_is_over_drbd(&now, &minor) == on) {
		if (on && minor != DRBD_LOCAL_MINOR_BASE + r->slot)
			return failed(why, len, -EBUSY, "the LV is slipped over another DRBD");
		return 0;
	}
	if (on) {
		rc = dm_table_check_plain(&now, &sectors, why, len);
		if (rc == 0)
			rc = dm_table_over_drbd(&want, sectors, DRBD_LOCAL_MINOR_BASE + r->slot);
	} else {
		rc = dm_dev_table(n->orig, &want);
		if (rc)
			return failed(why, len, rc, "reading the copy's table (nothing to go back to)");
	}
	if (rc == 0)
		rc = dm_dev_swap(n->lv_dm, &want);
	return rc ? failed(why, len, rc, on ? "slipping the LV over DRBD" : "the LV's own table back") : 0;
}

/* src-down: DRBD down, then what it stood on (dst-detach and dst-clean
 * are its two halves on the target). */
static int teardown(const struct drbd_local_res *r, const struct names *n, bool drbd, char *why,
		    size_t len)
{
	int rc = drbd ? drbd_stop(n, why, len) : 0;

	if (rc == 0)
		rc = orig_remove(n, why, len);
	if (rc == 0)
		rc = lv_remove(r->vg, n->meta, why, len);
	return rc;
}

static int dst_lv(const struct drbd_local_res *r, uint64_t sectors, bool undo, char *why,
		  size_t len)
{
	int rc;

	if (undo)
		return lv_remove(r->vg, r->lv, why, len);
	rc = lvm_create(r->vg, r->lv, sectors);
	if (rc == -EEXIST)
		return 0; /* an earlier try's: pre-flight refused an LV of the same name */
	return rc ? failed(why, len, rc, "creating the target LV") : 0;
}

/* The slot's names are free here: no DRBD resource up, no table copy, no
 * metadata LV (another move's, or one left behind). */
static int slot_free(const struct drbd_local_res *r, const struct names *n, char *why, size_t len)
{
	struct drbd_resource d;
	struct dm_dev_info info;
	bool active;

	if (drbd_state(n->res, &d) == 0 && d.exists) {
		snprintf(why, len, "DRBD resource %s (slot %u) is up here: another move uses it", n->res,
			 r->slot);
		return -EADDRINUSE;
	}
	if (dm_dev_info(n->orig, &info) == 0) {
		snprintf(why, len, "/dev/mapper/%s exists here: a move of %s/%s is under way or was "
			 "left half-done", n->orig, r->vg, r->lv);
		return -EBUSY;
	}
	if (lvm_is_active(r->vg, n->meta, &active) != -ENOENT) {
		snprintf(why, len, "%s/%s exists here: slot %u is taken", r->vg, n->meta, r->slot);
		return -EADDRINUSE;
	}
	return 0;
}

int local_node_preflight(struct drbd_local_res *r, bool source, bool adopt, char *why, size_t len)
{
	struct names n;
	struct dm_table t;
	uint64_t free_s, need;
	unsigned minor;
	bool active;
	int rc;

	why[0] = '\0';
	if (names_of(r, &n))
		return failed(why, len, -EINVAL, "names");
	if (source) {
		rc = dm_dev_table(n.lv_dm, &t);
		if (rc == -ENXIO) {
			snprintf(why, len, "%s/%s is not active here", r->vg, r->lv);
			return -ENOENT;
		}
		if (rc)
			return failed(why, len, rc, "reading the LV's table");
		if (dm_table_is_over_drbd(&t, &minor) == 1) {
			/* A pre-sync of this very move slipped it. */
			if (adopt && minor == DRBD_LOCAL_MINOR_BASE + r->slot) {
				r->sectors = t.row[0].length;
				return 0;
			}
			snprintf(why, len, "%s/%s is slipped over /dev/drbd%u already: a move is under "
				 "way or was left half-done ('ferryctl lvm recover')", r->vg, r->lv,
				 minor);
			return -EBUSY;
		}
		rc = dm_table_check_plain(&t, &r->sectors, why, len);
		if (rc || adopt)
			return rc;
	} else {
		if (adopt)
			return 0; /* the pre-sync made it all, journaled here */
		if (lvm_is_active(r->vg, r->lv, &active) != -ENOENT) {
			snprintf(why, len, "%s/%s exists here already", r->vg, r->lv);
			return -EEXIST;
		}
		rc = lvm_vg_free(r->vg, &free_s);
		if (rc) {
			snprintf(why, len, "no volume group %s here%s", r->vg,
				 rc == -ENOENT ? "" : " (vgs failed)");
			return rc;
		}
		/* Two extents of slack: lvm2 rounds each LV up to its extent size. */
		need = r->sectors + drbd_local_meta_sectors(r->sectors) + 2 * LOCAL_EXTENT_SLACK;
		if (free_s < need) {
			snprintf(why, len, "volume group %s has %llu MiB free here; the move needs %llu "
				 "MiB", r->vg, (unsigned long long)(free_s >> 11),
				 (unsigned long long)((need + 2047) >> 11));
			return -ENOSPC;
		}
	}
	return slot_free(r, &n, why, len);
}

int local_node_step(const struct drbd_local_res *r, enum local_step s, bool undo,
		    bool keep_source, char *why, size_t len)
{
	struct names n;
	int rc;

	why[0] = '\0';
	if (names_of(r, &n))
		return failed(why, len, -EINVAL, "names");
	switch (s) {
	case LOCAL_SRC_META:
	case LOCAL_DST_META:
		return undo ? lv_remove(r->vg, n.meta, why, len) : meta_create(r, &n, why, len);
	case LOCAL_SRC_ORIG:
	case LOCAL_DST_ORIG:
		return undo ? orig_remove(&n, why, len) : orig_create(&n, why, len);
	case LOCAL_SRC_DRBD:
	case LOCAL_DST_DRBD:
		return undo ? drbd_stop(&n, why, len) : drbd_start(r, &n, s == LOCAL_SRC_DRBD, why, len);
	case LOCAL_DST_LV:
		return dst_lv(r, r->sectors, undo, why, len);
	case LOCAL_SRC_SLIP:
		return slip(r, &n, !undo, why, len);
	case LOCAL_SRC_UNSLIP:
		return undo ? -EINVAL : slip(r, &n, false, why, len);
	case LOCAL_DST_DETACH:
		return undo ? -EINVAL : drbd_stop(&n, why, len);
	case LOCAL_DST_CLEAN:
		return undo ? -EINVAL : teardown(r, &n, false, why, len);
	case LOCAL_SRC_DOWN:
		return undo ? -EINVAL : teardown(r, &n, true, why, len);
	case LOCAL_SRC_RETIRE:
		if (undo)
			return -EINVAL;
		rc = keep_source ? lvm_retire(r->vg, r->lv) : lv_remove(r->vg, r->lv, why, len);
		return rc ? failed(why, len, rc, "retiring the source LV") : 0;
	default:
		return failed(why, len, -EINVAL, "not a node's step");
	}
}
