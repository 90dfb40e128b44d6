/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A migration's stream (this process and the libxl-save-helper it forks)
 * runs below dom0's control plane: corosync, Pacemaker, ferryd and the
 * agents' monitors must keep their share while memory pages and DRBD
 * resync fill the CPU and the disk. A timed-out monitor under load turned a
 * live evacuation into a guest reboot (README, "Keeping the control plane
 * responsive"). On an idle dom0 the stream still gets all the CPU there is.
 */
#include <errno.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <string.h>
#include <unistd.h>

#include "flog.h"
#include "priority.h"

/* <linux/ioprio.h> is not in every libc's headers: its stable ABI. */
#define IOPRIO_CLASS_SHIFT 13
#define IOPRIO_CLASS_BE    2
#define IOPRIO_WHO_PROCESS 1
#define STREAM_NICE        5
#define STREAM_IOPRIO      7 /* the lowest best-effort level */

int priority_background(const char *what)
{
	int rc = 0;

	errno = 0;
	if (setpriority(PRIO_PROCESS, 0, STREAM_NICE) < 0)
		rc = -errno;
	if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0,
		    (IOPRIO_CLASS_BE << IOPRIO_CLASS_SHIFT) | STREAM_IOPRIO) < 0 && !rc)
		rc = -errno;
	if (rc)
		flog(FLOG_PROC, LOG_WARNING, "%s: cannot lower its priority: %s", what,
		     strerror(-rc));
	else
		flog(FLOG_PROC, LOG_DEBUG, "%s runs at nice %d, best-effort I/O level %d", what,
		     STREAM_NICE, STREAM_IOPRIO);
	return rc;
}
