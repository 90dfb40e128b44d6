/* SPDX-License-Identifier: GPL-2.0-or-later */
/* group.c: the CPG group */
#ifndef FERRYD_GROUP_H
#define FERRYD_GROUP_H

#include <stddef.h>

struct ferryd;

/** Connect to corosync and join the group. @return 0 or -errno */
int group_start(struct ferryd *d);
/** Leave the group and disconnect. */
void group_stop(struct ferryd *d);
/** Multicast a message (copied); queued while CPG says TRY_AGAIN. @return 0 or -errno */
int group_send(struct ferryd *d, const void *buf, size_t len);
/** Messages waiting in the send queue. */
size_t group_queued(void);

#endif
