/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The target's pre-flight on a libxl JSON config recorded as the source
 * offers it (tests/unit/data/preflight/vm1.json), against a node laid out
 * in a temporary root: everything there, then each missing piece named as
 * the source will report it (config file, a NIC's bridge, a DRBD device,
 * a VG, an LV, a device that is no block device), a VG the migration
 * activates itself, and JSON that is no libxl config. Disks are block
 * devices: the fixture links them to one of this machine's (loopN). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cmocka.h>

#include "migrate_preflight.h"

#define CONFIG "/etc/xen/vm1.cfg"

static char root[64], blockdev[300];
static char *json;

static void mkpath(const char *rel)
{
	char p[512];

	snprintf(p, sizeof(p), "%s%s", root, rel);
	for (char *s = p + strlen(root) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	mkdir(p, 0755);
}

static void touch(const char *rel)
{
	char p[512];
	int fd;

	snprintf(p, sizeof(p), "%s%s", root, rel);
	fd = open(p, O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	close(fd);
}

static void link_block(const char *rel)
{
	char p[512];

	snprintf(p, sizeof(p), "%s%s", root, rel);
	assert_int_equal(symlink(blockdev, p), 0);
}

static void rm(const char *rel)
{
	char p[512];

	snprintf(p, sizeof(p), "%s%s", root, rel);
	assert_int_equal(remove(p), 0);
}

/* A block device of this machine to stand for the guest's disks; a node
 * made by mknod() where there is none (root only). */
static int find_block(void)
{
	DIR *d = opendir("/dev");
	struct dirent *e;
	struct stat st;

	while (d && (e = readdir(d))) {
		snprintf(blockdev, sizeof(blockdev), "/dev/%s", e->d_name);
		if (stat(blockdev, &st) == 0 && S_ISBLK(st.st_mode)) {
			closedir(d);
			return 0;
		}
	}
	if (d)
		closedir(d);
	snprintf(blockdev, sizeof(blockdev), "%s.blk", root);
	return mknod(blockdev, S_IFBLK | 0600, makedev(7, 0));
}

/* The node as it should be: config, both bridges, every disk. */
static int node_setup(void **state)
{
	char cmd[96];

	(void)state;
	if (root[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
		if (system(cmd))
			return -1;
	}
	snprintf(root, sizeof(root), "/tmp/ferry-preflight-XXXXXX");
	if (!mkdtemp(root) || find_block())
		return -1;
	mkpath("/etc/xen");
	touch(CONFIG);
	mkpath("/sys/class/net/xenbr0/bridge");
	mkpath("/sys/class/net/ovsbr1");
	mkpath("/dev/vg0");
	link_block("/dev/drbd12");
	link_block("/dev/vg0/data");
	return 0;
}

static int group_setup(void **state)
{
	FILE *f = fopen("tests/unit/data/preflight/vm1.json", "r");
	long n;

	(void)state;
	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	json = calloc(1, (size_t)n + 1);
	if (!json || fread(json, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

static int group_teardown(void **state)
{
	char cmd[192];

	(void)state;
	free(json);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s.blk'", root, root);
	return system(cmd) ? -1 : 0;
}

/* The pre-flight's verdict, its reason in why. */
static char why[512];
static int check(const char *config, const char *late_vg)
{
	why[0] = '\0';
	return migrate_preflight_place(json, config, late_vg, root, "node2", why, sizeof(why));
}

static void assert_why(const char *part)
{
	if (!strstr(why, part))
		fail_msg("reason '%s' does not say '%s'", why, part);
}

static void test_all_there(void **state)
{
	(void)state;
	assert_int_equal(check(CONFIG, NULL), 0);
	assert_int_equal(check(NULL, ""), 0); /* an older source: no config path */
}

static void test_config_missing(void **state)
{
	(void)state;
	rm(CONFIG);
	assert_int_equal(check(CONFIG, NULL), -ENOENT);
	assert_why("config file /etc/xen/vm1.cfg is missing on node2");
	mkpath(CONFIG); /* a directory is no config file either */
	assert_int_equal(check(CONFIG, NULL), -ENOENT);
}

static void test_bridge_missing(void **state)
{
	(void)state;
	rm("/sys/class/net/xenbr0/bridge");
	assert_int_equal(check(CONFIG, NULL), -ENOENT);
	assert_why("xenbr0 (NIC 0's bridge) is not a bridge on node2");
	rm("/sys/class/net/xenbr0");
	assert_int_equal(check(CONFIG, NULL), -ENOENT);
	assert_why("bridge xenbr0 of NIC 0 is absent on node2");
}

static void test_ovs_bridge_missing(void **state)
{
	(void)state;
	rm("/sys/class/net/ovsbr1");
	assert_int_equal(check(CONFIG, NULL), -ENOENT);
	assert_why("Open vSwitch bridge ovsbr1.10 of NIC 1 is absent on node2");
}

static void test_drbd_missing(void **state)
{
	(void)state;
	rm("/dev/drbd12");
	assert_int_equal(check(CONFIG, NULL), -ENOENT);
	assert_why("disk 0 (xvda): DRBD device /dev/drbd12 is absent on node2");
}

static void test_vg_missing(void **state)
{
	(void)state;
	rm("/dev/vg0/data");
	assert_int_equal(check(CONFIG, NULL), -ENOENT);
	assert_why("disk 1 (xvdb): logical volume /dev/vg0/data is absent or not active on node2");
	rm("/dev/vg0");
	assert_int_equal(check(CONFIG, NULL), -ENOENT);
	assert_why("volume group vg0 of /dev/vg0/data is absent or not active on node2");
	/* LVM above DRBD: the migration's own requests activate vg0 there. */
	assert_int_equal(check(CONFIG, "vg0"), 0);
	assert_int_equal(check(CONFIG, "vg1"), -ENOENT);
}

static void test_not_a_block_device(void **state)
{
	(void)state;
	rm("/dev/drbd12");
	touch("/dev/drbd12");
	assert_int_equal(check(CONFIG, NULL), -ENOENT);
	assert_why("/dev/drbd12 is not a block device on node2");
}

static void test_not_libxl_json(void **state)
{
	static const char *const bad[] = {
		"", "[]", "{\"disks\": {}}", "{\"nics\": [1]}", "{\"disks\": [\"x\"]}", "{\"c_info\":",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		assert_int_equal(migrate_preflight_place(bad[i], NULL, NULL, root, NULL, why,
							 sizeof(why)), -EINVAL);
		assert_true(why[0] != '\0');
	}
	/* No disks and no NICs: nothing to look for. */
	assert_int_equal(migrate_preflight_place("{\"c_info\": {}}", NULL, NULL, root, NULL, why,
						 sizeof(why)), 0);
}

static void test_mapper_names(void **state)
{
	(void)state;
	/* device-mapper doubles the dashes of VG and LV names */
	assert_int_equal(migrate_preflight_place(
				 "{\"disks\": [{\"pdev_path\": \"/dev/mapper/vg--a-lv--1\", "
				 "\"vdev\": \"xvda\", \"backend\": \"phy\"}]}",
				 NULL, NULL, root, "node2", why, sizeof(why)),
			 -ENOENT);
	assert_why("volume group vg-a of /dev/mapper/vg--a-lv--1");
	assert_int_equal(migrate_preflight_place(
				 "{\"disks\": [{\"pdev_path\": \"/dev/mapper/vg--a-lv--1\", "
				 "\"vdev\": \"xvda\", \"backend\": \"phy\"}]}",
				 NULL, "vg-a", root, "node2", why, sizeof(why)),
			 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_all_there, node_setup),
		cmocka_unit_test_setup(test_config_missing, node_setup),
		cmocka_unit_test_setup(test_bridge_missing, node_setup),
		cmocka_unit_test_setup(test_ovs_bridge_missing, node_setup),
		cmocka_unit_test_setup(test_drbd_missing, node_setup),
		cmocka_unit_test_setup(test_vg_missing, node_setup),
		cmocka_unit_test_setup(test_not_a_block_device, node_setup),
		cmocka_unit_test_setup(test_not_libxl_json, node_setup),
		cmocka_unit_test_setup(test_mapper_names, node_setup),
	};

	return cmocka_run_group_tests_name("migrate_preflight", tests, group_setup, group_teardown);
}
