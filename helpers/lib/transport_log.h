/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Logging for the cluster key and the migration transport: flog's
 * "transport" tag. */
#ifndef FERRY_TRANSPORT_LOG_H
#define FERRY_TRANSPORT_LOG_H

#include "flog.h"

/** tlog(LOG_ERR, "fmt", ...): one log line tagged "transport". */
#define tlog(pri, ...) flog(FLOG_TRANSPORT, pri, __VA_ARGS__)

#endif
