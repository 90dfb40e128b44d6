/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The target's pre-flight of an offered domain (see migrate_preflight.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yajl/yajl_tree.h>

#include "migrate_preflight.h"

/* stat() of @path below @root. */
static int root_stat(const char *root, const char *path, struct stat *st)
{
	char full[1024];

	if (snprintf(full, sizeof(full), "%s%s", root, path) >= (int)sizeof(full))
		return -ENAMETOOLONG;
	return stat(full, st) < 0 ? -errno : 0;
}

static const char *str_at(yajl_val obj, const char *key)
{
	const char *path[] = { key, NULL };
	yajl_val v = yajl_tree_get(obj, path, yajl_t_string);

	return v ? YAJL_GET_STRING(v) : NULL;
}

/* The last component of a script path: "block" for "/etc/xen/scripts/block". */
static const char *base(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/* --- NICs ---------------------------------------------------------------- */

/* What every check needs: where to look, what to call this node, where
 * the reason goes. */
struct place {
	const char *root, *node, *late_vg;
	char *why;
	size_t len;
};

static int check_nic(yajl_val nic, int k, const struct place *pl)
{
	const char *root = pl->root;
	char *why = pl->why;
	size_t len = pl->len;
	const char *bridge = str_at(nic, "bridge"), *script = str_at(nic, "script");
	char dev[256];
	struct stat st;

	/* No bridge named: libxl's default applies, which was checked when the
	 * domain was created. */
	if (!bridge || !*bridge || strchr(bridge, '/'))
		return 0;
	if (script && *script && strcmp(base(script), "vif-bridge") &&
	    strcmp(base(script), "vif-openvswitch"))
		return 0; /* routed or NATed: no bridge to find */
	snprintf(dev, sizeof(dev), "/sys/class/net/%s", bridge);
	if (script && !strcmp(base(script), "vif-openvswitch")) {
		/* an Open vSwitch bridge is a netdev, not a Linux bridge;
		 * "br0.10" is VLAN 10 on br0 */
		dev[strlen("/sys/class/net/") + strcspn(bridge, ".:")] = '\0';
		if (root_stat(root, dev, &st) == 0)
			return 0;
		snprintf(why, len, "Open vSwitch bridge %s of NIC %d is absent on %s", bridge,
			 k, pl->node);
		return -ENOENT;
	}
	if (root_stat(root, dev, &st) < 0) {
		snprintf(why, len, "bridge %s of NIC %d is absent on %s", bridge, k, pl->node);
		return -ENOENT;
	}
	snprintf(dev, sizeof(dev), "/sys/class/net/%s/bridge", bridge);
	if (root_stat(root, dev, &st) < 0 || !S_ISDIR(st.st_mode)) {
		snprintf(why, len, "%s (NIC %d's bridge) is not a bridge on %s", bridge, k,
			 pl->node);
		return -ENOENT;
	}
	return 0;
}

/* --- disks --------------------------------------------------------------- */

/* The VG of /dev/VG/LV or /dev/mapper/VG-LV (device-mapper doubles the
 * dashes inside names), or false. */
static bool disk_vg(const char *path, char *vg, size_t len)
{
	const char *p, *e;
	size_t o = 0;

	if (!strncmp(path, "/dev/mapper/", 12)) {
		for (p = path + 12; *p && o + 1 < len; p++) {
			if (*p == '-' && p[1] == '-') {
				vg[o++] = '-';
				p++;
			} else if (*p == '-') {
				vg[o] = '\0';
				return o > 0 && p[1];
			} else {
				vg[o++] = *p;
			}
		}
		return false;
	}
	if (strncmp(path, "/dev/", 5))
		return false;
	p = path + 5;
	e = strchr(p, '/');
	/* one directory level, and not a directory udev makes itself */
	if (!e || e == p || strchr(e + 1, '/') || !e[1] || (size_t)(e - p) >= len ||
	    !strncmp(p, "disk/", 5) || !strncmp(p, "drbd/", 5) || !strncmp(p, "mapper/", 7))
		return false;
	snprintf(vg, len, "%.*s", (int)(e - p), p);
	return true;
}

static int check_disk(yajl_val disk, int k, const struct place *pl)
{
	const char *root = pl->root, *late_vg = pl->late_vg;
	char *why = pl->why;
	size_t len = pl->len;
	const char *path = str_at(disk, "pdev_path"), *backend = str_at(disk, "backend"),
		   *script = str_at(disk, "script"), *vdev = str_at(disk, "vdev");
	bool phy = !backend || !strcmp(backend, "phy") || !strcmp(backend, "unknown");
	char vg[128], dir[160], name[96];
	struct stat st;

	snprintf(name, sizeof(name), "disk %d (%s)", k, vdev ? vdev : "?");
	/* An empty CD-ROM, or a target a hotplug script of its own resolves
	 * (drbd:RES, iSCSI, ...): nothing to look for. */
	if (!path || path[0] != '/')
		return 0;
	if (script && *script && strcmp(base(script), "block") && strcmp(base(script), "ferry-block"))
		return 0;
	if (root_stat(root, path, &st) == 0) {
		if (phy && !S_ISBLK(st.st_mode)) {
			snprintf(why, len, "%s: %s is not a block device on %s", name, path,
				 pl->node);
			return -ENOENT;
		}
		return 0;
	}
	if (!strncmp(path, "/dev/drbd", 9)) {
		snprintf(why, len, "%s: DRBD device %s is absent on %s (its resource is not "
			 "up there)", name, path, pl->node);
		return -ENOENT;
	}
	if (phy && disk_vg(path, vg, sizeof(vg))) {
		if (late_vg && !strcmp(vg, late_vg))
			return 0; /* activated by the migration itself */
		snprintf(dir, sizeof(dir), "/dev/%s", vg);
		if (root_stat(root, dir, &st) < 0)
			snprintf(why, len, "%s: volume group %s of %s is absent or not active on %s",
				 name, vg, path, pl->node);
		else
			snprintf(why, len, "%s: logical volume %s is absent or not active on %s",
				 name, path, pl->node);
		return -ENOENT;
	}
	snprintf(why, len, "%s: %s is absent on %s", name, path, pl->node);
	return -ENOENT;
}

/* --- all of it ----------------------------------------------------------- */

static int check_list(yajl_val tree, const char *key, const struct place *pl)
{
	char *why = pl->why;
	size_t len = pl->len;
	const char *path[] = { key, NULL };
	yajl_val list = yajl_tree_get(tree, path, yajl_t_any);

	if (!list)
		return 0;
	if (!YAJL_IS_ARRAY(list)) {
		snprintf(why, len, "the offered configuration's %s is not a list", key);
		return -EINVAL;
	}
	for (size_t i = 0; i < YAJL_GET_ARRAY(list)->len; i++) {
		yajl_val item = YAJL_GET_ARRAY(list)->values[i];
		int rc;

		if (!YAJL_IS_OBJECT(item)) {
			snprintf(why, len, "the offered configuration's %s[%zu] is not an object",
				 key, i);
			return -EINVAL;
		}
		rc = key[0] == 'n' ? check_nic(item, (int)i, pl) : check_disk(item, (int)i, pl);
		if (rc)
			return rc;
	}
	return 0;
}

int migrate_preflight_place(const char *json, const char *config, const char *late_vg,
			    const char *root, const char *node, char *why, size_t len)
{
	const struct place pl = { .root = root ? root : "", .node = node ? node : "this node",
				  .late_vg = late_vg && *late_vg ? late_vg : NULL, .why = why,
				  .len = len };
	char err[128] = "";
	struct stat st;
	yajl_val tree;
	int rc;

	if (config && *config && (root_stat(pl.root, config, &st) < 0 || !S_ISREG(st.st_mode))) {
		snprintf(why, len, "the domain's config file %s is missing on %s", config, pl.node);
		return -ENOENT;
	}
	tree = yajl_tree_parse(json, err, sizeof(err));
	if (!tree || !YAJL_IS_OBJECT(tree)) {
		snprintf(why, len, "the offered configuration is not a libxl JSON object%s%s",
			 err[0] ? ": " : "", err);
		yajl_tree_free(tree);
		return -EINVAL;
	}
	rc = check_list(tree, "nics", &pl);
	if (!rc)
		rc = check_list(tree, "disks", &pl);
	yajl_tree_free(tree);
	return rc;
}
