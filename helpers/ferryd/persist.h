/* SPDX-License-Identifier: GPL-2.0-or-later */
/* persist.c: <run_dir>/ledger.state */
#ifndef FERRYD_PERSIST_H
#define FERRYD_PERSIST_H

struct ferryd;

/**
 * Offer the ledger.state of this node and boot, if any, to the replica as a
 * restored ledger (before the first confchg). A corrupt file, one of
 * another node or of another boot is ignored, with a log line saying why.
 * @return 0 or -errno (of the replica)
 */
int persist_load(struct ferryd *d);
/** The ledger changed: save it soon (a loop job), or at persist_flush. */
void persist_mark(struct ferryd *d);
/** Save now if a change is not saved yet (temp file + rename; errors are
 *  logged). Before a decision reaches a client, and at stop. */
void persist_flush(struct ferryd *d);

#endif
