/* The markers that tie a domain's supervision to its stop, files in
 * /run/ferry/supervise (tmpfs: a boot clears them):
 *   NAME.rebooting  ferryd is recreating the domain after a guest reboot
 *                   (the monitor answers "rebooting", a stop waits);
 *   NAME.stopping   the agent is stopping it (a guest reboot meanwhile is
 *                   not restarted: the stop would race the new domain for
 *                   its disks, and the domain would outlive its stop).
 * A marker holds the pid of the process whose work it covers (the ferryctl
 * that recreates or stops the domain). It counts only while that process
 * lives: a holder killed -9 (ferryd's child orphaned by a crash, a stop
 * killed at Pacemaker's timeout) leaves a stale file, which would
 * otherwise make the monitor answer "rebooting" for an absent domain, or
 * keep every later guest reboot from being restarted. An empty marker (an
 * older ferryd's, during a package upgrade) counts for 5 minutes. */
#ifndef FERRY_SUPERVISE_MARK_H
#define FERRY_SUPERVISE_MARK_H

#include <stdbool.h>
#include <sys/types.h>

#define SUPERVISE_MARK_DIR "/run/ferry/supervise"

/** The markers' directory: SUPERVISE_MARK_DIR, or $FERRY_SUPERVISE_MARK_DIR
 * (a test seam). */
const char *supervise_mark_dir(void);
/** Is NAME.WHAT there, with its holder alive? A stale one is removed. */
bool supervise_mark_has(const char *name, const char *what);
/** Creates or replaces NAME.WHAT, held by @holder. 0 or -errno. */
int supervise_mark_set(const char *name, const char *what, pid_t holder);
/** Removes NAME.WHAT. 0 or -errno. */
int supervise_mark_clear(const char *name, const char *what);
/** Waits until NAME.WHAT is gone (or stale), polling every 0.5 s: 0, or
 * -ETIMEDOUT after @max_ms. */
int supervise_mark_wait_gone(const char *name, const char *what, int max_ms);

#endif
