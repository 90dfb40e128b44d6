/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xenloop.c: libxl's events in the qb loop */
#ifndef FERRYD_XENLOOP_H
#define FERRYD_XENLOOP_H

struct ferryd;

struct xen;
/** A libxl context driven by ferryd's loop. @return 0 or -errno (-ENODEV: no Xen) */
int xenloop_open(struct ferryd *d, struct xen **out);
/** Tell libxl that SIGCHLD arrived (children.c calls it). */
void xenloop_sigchld(void);
void xenloop_close(void);

#endif
