/* SPDX-License-Identifier: GPL-2.0-or-later */
/* DRBD sends a write's data to its peer with sendpage, zero-copy: the
 * network stack holds the page until the peer acknowledged it. In a Xen
 * dom0 that page is the guest's own, granted to blkback, and blkback
 * cannot unmap the grant (xen_blkif_disconnect -> free_persistent_gnts ->
 * gnttab_unmap_refs_sync) while the stack holds it. When the peer is cut
 * off or gone, an orphaned socket keeps retransmitting for minutes, and
 * the xenwatch thread waits with it: no domain's device can be added or
 * removed on that host, the destroyed guest's disk stays open, DRBD cannot
 * be demoted, and the stop fails (make cts: node3 fenced after a partition
 * of node2, its hung-task report showing that call chain). With
 * disable_sendpage DRBD copies the data into its own buffer, and a grant
 * is released as soon as the local write is done. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "flog.h"

#include "drbd_sendpage.h"

int drbd_sendpage_off(const char *param)
{
	char v[8] = "";
	ssize_t n;
	int fd = open(param, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, v, sizeof(v) - 1);
	if (n > 0 && (v[0] == 'Y' || v[0] == '1')) {
		close(fd);
		return 0;
	}
	if (lseek(fd, 0, SEEK_SET) < 0 || write(fd, "Y\n", 2) != 2) {
		int rc = -errno;

		close(fd);
		flog(FLOG_DRBD, LOG_WARNING, "cannot turn off DRBD's zero-copy send (%s): %s", param,
		     strerror(-rc));
		return rc;
	}
	close(fd);
	flog(FLOG_DRBD, LOG_NOTICE, "drbd: zero-copy send turned off (%s=Y): a guest's pages are "
				    "not held by the network after its write",
	     param);
	return 0;
}
