/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ipc.c: the libqb IPC server for local clients (root only) */
#ifndef FERRYD_IPC_H
#define FERRYD_IPC_H

struct ferryd;

/** Start the IPC server "ferryd". @return 0 or -errno */
int ipc_start(struct ferryd *d);
/** Stop it (clients are disconnected). */
void ipc_stop(struct ferryd *d);

#endif
