/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fence.c: fence history of lost nodes, queried off the loop */
#ifndef FERRYD_FENCE_H
#define FERRYD_FENCE_H

struct ferryd;

/** Start watching fence history of lost nodes. @return 0 */
int fence_start(struct ferryd *d);
/** Stop (kills a running query child). */
void fence_stop(struct ferryd *d);

#endif
