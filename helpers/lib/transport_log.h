/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Logging for the cluster key and the migration transport: libqb with a
 * subsystem tag. The tag value is outside the ledger branch's flog.h
 * range (1..9) so both can coexist; fold it into flog.h when they meet. */
#ifndef FERRY_TRANSPORT_LOG_H
#define FERRY_TRANSPORT_LOG_H

#include <syslog.h>

#include <qb/qblog.h>

#define TRANSPORT_LOG_TAG 16

/** tlog(LOG_ERR, "fmt", ...): one log line tagged "transport". */
#define tlog(pri, ...) qb_logt(pri, TRANSPORT_LOG_TAG, __VA_ARGS__)

#endif
