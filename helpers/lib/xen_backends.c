/* The kernel backends dom0 still has for a domain (blkback's vbd-D-N,
 * netback's vif-D-N), from sysfs. libxl reports a domain destroyed when
 * it gave up waiting for its devices (10 s), but the backends hold the
 * disks until their teardown ends: a restart or a DRBD demote started
 * before that fails (make cts: a guest's reboot on a loaded dom0 failed
 * to re-add its disk, and the stop that followed could not demote). No
 * libxl here, so that the scan is unit-tested on a directory of names. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xen_backends.h"

/* Does @name ("vbd-12-51712") belong to @domid? */
static bool backend_of(const char *name, uint32_t domid)
{
	const char *p = strchr(name, '-');
	char *end;

	if (!p || p == name || p[1] < '0' || p[1] > '9')
		return false;
	errno = 0;
	unsigned long d = strtoul(p + 1, &end, 10);
	return errno == 0 && *end == '-' && d == domid;
}

int xen_backends_left(const char *dir, uint32_t domid, char *names, size_t len)
{
	DIR *d = opendir(dir ? dir : XEN_BACKENDS_DIR);
	struct dirent *e;
	int n = 0;

	if (len)
		names[0] = '\0';
	if (!d)
		return errno == ENOENT ? 0 : -errno; /* no backend driver: none left */
	while ((e = readdir(d))) {
		if (!backend_of(e->d_name, domid))
			continue;
		if (len) {
			size_t used = strlen(names);
			snprintf(names + used, len - used, "%s%s", n ? " " : "", e->d_name);
		}
		n++;
	}
	closedir(d);
	return n;
}
