/* SPDX-License-Identifier: GPL-2.0-or-later */
/* quorum.c: libquorum tracking */
#ifndef FERRYD_QUORUM_H
#define FERRYD_QUORUM_H

struct ferryd;

/** Start tracking quorum. @return 0 or -errno */
int quorum_watch_start(struct ferryd *d);
/** Stop tracking quorum. */
void quorum_watch_stop(struct ferryd *d);

#endif
