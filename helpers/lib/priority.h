/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CPU and I/O priority of a migration's stream (priority.c). */
#ifndef FERRY_PRIORITY_H
#define FERRY_PRIORITY_H

/**
 * Lowers this process (and what it forks from now on) below dom0's control
 * plane: nice 5, best-effort I/O at the lowest level. @p what names it in
 * the log. @return 0 or -errno (logged; the migration goes on)
 */
int priority_background(const char *what);

#endif
