/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ferry-block: the hotplug script of a ferry-managed domain's phy: disks.
 * libxl runs it, as it runs Xen's /etc/xen/scripts/block, when a disk is
 * attached ("add") or detached ("remove"), with XENBUS_PATH naming the
 * disk's backend directory in xenstore.
 *
 * Why not Xen's script: on a migration's target the disks are attached
 * inside the downtime, and Xen's bash script (sourcing five helpers,
 * taking a global lock, and walking every backend in xenstore through a
 * dozen forks of xenstore-read) took 3 s per disk on an idle emulated host,
 * 13 s on a loaded one, and hit libxl's hotplug timeout with two disks.
 * For a block device the work is three xenstore writes: this program does
 * them in one exec, with libxenstore, so attaching is fast and bounded
 * however many disks a domain has.
 *
 * What it leaves out: Xen's check that a writable device is not also in
 * use by another local domain. ferry's ledger runs a domain on one node
 * only, and DRBD's dual-primary window is open only while its migration
 * runs; a config that shares a device between two domains on one host is
 * the administrator's to avoid (README, "Disks attach fast").
 *
 * Logging: syslog(3) directly, not libqb, to keep this binary's load cheap.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <syslog.h>
#include <xenstore.h>

static struct xs_handle *xs;
static const char *base;

static char *key(const char *leaf)
{
	static char k[PATH_MAX];

	snprintf(k, sizeof(k), "%s/%s", base, leaf);
	return k;
}

static bool put(const char *leaf, const char *val)
{
	return xs_write(xs, XBT_NULL, key(leaf), val, (unsigned)strlen(val));
}

/* Tell libxl, and the log, why the disk cannot be attached. */
static int fatal(const char *fmt, const char *arg)
{
	char msg[PATH_MAX + 128];

	snprintf(msg, sizeof(msg), fmt, arg);
	syslog(LOG_ERR, "%s: %s", base, msg);
	if (xs) {
		put("hotplug-error", msg);
		put("hotplug-status", "error");
	}
	return 1;
}

int main(int argc, char **argv)
{
	char dev[PATH_MAX], mm[32], *params;
	unsigned int len = 0;
	struct stat st;
	void *done;

	openlog("ferry-block", LOG_PID, LOG_DAEMON);
	base = getenv("XENBUS_PATH");
	if (argc != 2 || !base || !*base) {
		fprintf(stderr, "usage: XENBUS_PATH=backend/vbd/DOMID/DEVID ferry-block add|remove\n"
				"  libxl's hotplug script for a ferry-managed domain's phy: disks.\n");
		return 2;
	}
	if (strcmp(argv[1], "add"))
		return 0; /* remove: a block device has nothing to undo */
	xs = xs_open(0);
	if (!xs)
		return fatal("cannot open xenstore: %s", strerror(errno));
	done = xs_read(xs, XBT_NULL, key("physical-device"), &len);
	if (done) {
		free(done); /* attached already (libxl may run "add" twice) */
		return 0;
	}
	params = xs_read(xs, XBT_NULL, key("params"), &len);
	if (!params)
		return fatal("no params in xenstore: %s", strerror(errno));
	if (!realpath(params, dev)) {
		int rc = fatal("%s does not exist", params);
		free(params);
		return rc;
	}
	free(params);
	if (stat(dev, &st) < 0 || !S_ISBLK(st.st_mode))
		return fatal("%s is not a block device", dev);
	snprintf(mm, sizeof(mm), "%x:%x", major(st.st_rdev), minor(st.st_rdev));
	if (!put("physical-device", mm) || !put("physical-device-path", dev) ||
	    !put("hotplug-status", "connected"))
		return fatal("cannot write to xenstore: %s", strerror(errno));
	syslog(LOG_INFO, "%s: %s (%s) attached", base, dev, mm);
	xs_close(xs);
	return 0;
}
