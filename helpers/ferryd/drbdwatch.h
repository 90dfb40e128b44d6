/* SPDX-License-Identifier: GPL-2.0-or-later */
/* drbdwatch.c: this node's DRBD state from a `drbdsetup events2` stream */
#ifndef FERRYD_DRBDWATCH_H
#define FERRYD_DRBDWATCH_H

struct ferryd;

/** Start following the stream (no-op with the test inventory). @return 0 */
int drbdwatch_start(struct ferryd *d);
void drbdwatch_stop(struct ferryd *d);
struct drbd_resource;
/**
 * The last known state of DRBD resource @p name (out->exists false when it
 * is not up here). @return 0, or -EAGAIN while the state is unknown
 */
int drbdwatch_get(const char *name, struct drbd_resource *out);

#endif
