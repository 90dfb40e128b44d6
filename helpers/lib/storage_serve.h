/* The serving side of storage requests from a peer (peer_proto.h), and the
 * undo of what one conversation changed when it ends without a domain
 * running here. */
#ifndef FERRY_STORAGE_SERVE_H
#define FERRY_STORAGE_SERVE_H

#include <stdbool.h>

#include <stddef.h>

#include "peer_proto.h"

/** Executes storage operation @op on @res here for a peer: 0 or -errno
 * (the reason in @why). Remembers what it changed, for the undo. */
int storage_serve_request(enum peer_op op, const char *res, char *why, size_t len);

/**
 * The conversation ended: unless a domain now runs here on that storage,
 * undo in reverse what storage_serve_request changed (deactivate VGs,
 * demote, clear the dual-primary flag).
 */
void storage_serve_undo(bool domain_runs_here);

/** Undoes one step of storage_serve_request (as storage_serve_undo does for
 * each, in reverse): VG deactivated and resource demoted unless the domain
 * runs here, the dual-primary flag cleared. Also used by serve --recover. */
void storage_serve_undo_step(enum peer_op op, const char *res, bool domain_runs_here);

#endif
