/* A domain's storage as one unit: DRBD resources (and LVM below or above
 * them) brought to the role a step of the choreography needs, on this node
 * and, for the dual-primary window, on the peer through its ferryd. */
#ifndef FERRY_STORAGE_H
#define FERRY_STORAGE_H

#include <stdbool.h>
#include <stddef.h>

/**
 * Opens or closes the dual-primary window of @res: allow-two-primaries on
 * this end and (unless @local) on the peer named in the resource's config.
 * Close refuses with -EBUSY while both sides are Primary (DRBD cannot clear
 * the flag then: demote first). The reason of a failure is in @why.
 */
int storage_window(const char *res, bool open, bool local, char *why, size_t len);

#endif
