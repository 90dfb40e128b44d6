/* SPDX-License-Identifier: GPL-2.0-or-later */
/* monitor.c: the XenDomain monitor's question, answered from memory */
#ifndef FERRYD_MONITOR_H
#define FERRYD_MONITOR_H

#include <qb/qbipcs.h>

#include "ferry_ipc.h"

struct ferryd;

/** Answer a FERRY_IPC_MONITOR request at once. */
void monitor_answer(struct ferryd *d, qb_ipcs_connection_t *c, const struct ferry_ipc_monitor_req *q);

#endif
