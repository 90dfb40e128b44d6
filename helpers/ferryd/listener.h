/* SPDX-License-Identifier: GPL-2.0-or-later */
/* listener.c: the migration port */
#ifndef FERRYD_LISTENER_H
#define FERRYD_LISTENER_H

struct ferryd;

/** Listen for other nodes' ferry; each connection is served by `ferryctl serve`. */
int listener_start(struct ferryd *d);
/** Stop listening (servers in flight finish on their own). */
void listener_stop(struct ferryd *d);

#endif
