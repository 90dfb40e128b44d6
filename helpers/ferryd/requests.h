/* SPDX-License-Identifier: GPL-2.0-or-later */
/* requests.c: client and internal requests waiting for their delivery */
#ifndef FERRYD_REQUESTS_H
#define FERRYD_REQUESTS_H

#include <stddef.h>
#include <stdint.h>
#include <qb/qbipcs.h>

#include "ferry_ipc.h"
#include "ledger.h"

struct ferryd;

/** Start the request timer. @return 0 or -errno */
int requests_start(struct ferryd *d);
/** Answer every waiting client and stop. */
void requests_stop(struct ferryd *d);
/**
 * A client's request. It is answered through reply_send(), now or when its
 * decision is delivered, or when its timeout expires.
 */
void requests_submit(struct ferryd *d, qb_ipcs_connection_t *c, const struct ferry_ipc_req *req);
/** An internal REPORT of running domains (retried until delivered); takes
 *  @p names (a names_free() list). */
void requests_report(struct ferryd *d, char **names, size_t n);
/** An internal FENCED proof for node @p nodeid's loss @p lost_gen. */
void requests_fenced(struct ferryd *d, uint32_t nodeid, uint32_t lost_gen, uint64_t fence_time);
/** An internal RELEASE of a domain stopped here while ferryd was away. */
void requests_release(struct ferryd *d, const char *name);
/** Our own message was delivered and decided. */
void requests_decided(struct ferryd *d, uint64_t req_id, int type, const struct ledger_result *res);
/** Try to send what waits (sync done, rings agree now...). */
void requests_kick(struct ferryd *d);
/** A client went away: forget it. */
void requests_forget(struct ferryd *d, qb_ipcs_connection_t *c);

#endif
