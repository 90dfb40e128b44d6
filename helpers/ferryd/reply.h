/* SPDX-License-Identifier: GPL-2.0-or-later */
/* reply.c: replies to local IPC clients, never blocking the loop. */
#ifndef FERRYD_REPLY_H
#define FERRYD_REPLY_H

#include <stddef.h>
#include <sys/types.h>

#include <qb/qbipcs.h>
#include <qb/qbloop.h>

/** Replies may doom clients from now on; @p loop runs the disconnects. */
void reply_start(qb_loop_t *loop);
/** Disconnect the doomed clients now (before their service is destroyed). */
void reply_stop(void);
/**
 * Send a reply; a client that cannot take it is disconnected (from a loop
 * job, never from inside this call) and gets no more replies.
 */
void reply_send(qb_ipcs_connection_t *c, const void *buf, size_t len);
/** The client's pid, for log lines (-1 if libqb does not know it). */
pid_t reply_client_pid(qb_ipcs_connection_t *c);

#endif
