/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `ferryctl drbd check RES...`: is every one of these DRBD resources up on
 * this node with a usable local disk? The storage agent's monitor asks it
 * every minute on every node, so it is answered like XenDomain's monitor:
 * from ferryd's DRBD event stream (drbdwatch.c) in one IPC round trip,
 * forking nothing. When ferryd cannot answer (not running, its stream not
 * read yet), ferryctl-full asks drbdsetup instead, with the same verdict.
 */
#ifndef FERRY_DRBD_CHECK_H
#define FERRY_DRBD_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "ferry_ipc.h"

/* At most this many resources in one check (one IPC request carries them). */
#define DRBD_CHECK_MAX FERRY_IPC_MAX_DRBD
/* Its exit code when a resource is not up or has no local disk (the same
 * as `ferryctl drbd`'s "not up"). */
#define DRBD_CHECK_EXIT_NOT_UP 4

/**
 * The verdict on one resource, from whether it is up here and its (first
 * volume's) local disk state, as one line for the operator in @p line
 * ("r0: up, disk UpToDate", "r0: not up", "r0: up, but no usable local disk
 * (Diskless)"). @return 0 usable, -ENOENT not up, -EIO no usable disk
 */
int drbd_check_one(const char *res, bool exists, const char *disk, char *line, size_t len);

/**
 * Ask ferryd for the state of @p n resources (at most DRBD_CHECK_MAX) into
 * @p m. @return 0 when ferryd knows every one; -EAGAIN when its stream has
 * not delivered one yet; -EINVAL for a name that does not fit the request;
 * -errno when ferryd cannot be asked (then check with drbdsetup)
 */
int drbd_check_ask(char *const names[], int n, struct ferry_ipc_monitor *m);

/**
 * Print the verdict on every resource of @p m (as drbd_check_ask filled
 * it), a line each on stdout. @return 0 when all are usable, else the
 * first refusal's -errno (-ENOENT, -EIO)
 */
int drbd_check_print(const struct ferry_ipc_monitor *m);

#endif
