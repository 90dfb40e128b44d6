/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Finishing or undoing this node's side of a storage=local move that its
 * runner left half-done (it crashed, was killed, or its node rebooted),
 * from the move's journal here (local_journal.h). The ledger decides which
 * way: if it gives the domain to the move's target, the move happened and
 * what is left goes forward; otherwise every completed step of this node
 * is undone. Run by `ferryctl serve --recover` on a target whose serving
 * process died, and by `ferryctl lvm recover DOMAIN` by hand.
 */
#ifndef FERRY_LOCAL_RECOVER_H
#define FERRY_LOCAL_RECOVER_H

#include <stdbool.h>
#include <stddef.h>

/**
 * Recovers this node's side of the move of @p domain (a pre-sync waiting
 * for its move too: it is undone). The source's LV is kept inactive, not removed, when the
 * move went forward: the journal does not say whether keep_source was set.
 * @return 0 (nothing left; -ENOENT: no journal), or -errno with @p why
 */
int local_recover(const char *domain, char *why, size_t len);

#endif
