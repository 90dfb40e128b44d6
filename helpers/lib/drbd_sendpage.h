/* SPDX-License-Identifier: GPL-2.0-or-later */
/* DRBD's zero-copy send turned off on a Xen dom0 (see drbd_sendpage.c). */
#ifndef FERRY_DRBD_SENDPAGE_H
#define FERRY_DRBD_SENDPAGE_H

/** The module parameter, writable while the module is loaded. */
#define DRBD_SENDPAGE_PARAM "/sys/module/drbd/parameters/disable_sendpage"

/** Sets @param (DRBD_SENDPAGE_PARAM; a test names its own file) to Y
 * unless it is Y already. 0 when it is Y (logged when this call set it),
 * -ENOENT when the module is not loaded, or -errno. */
int drbd_sendpage_off(const char *param);

#endif
