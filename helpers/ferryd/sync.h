/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sync.c: the replica's callbacks: state transfer, reports, logging */
#ifndef FERRYD_SYNC_H
#define FERRYD_SYNC_H

struct ferryd;

/** Create the replica and its callbacks. @return 0 or -errno */
int sync_start(struct ferryd *d);
/** Free the replica. */
void sync_stop(struct ferryd *d);

#endif
