/* The markers that tie a domain's supervision to its stop, files in
 * /run/ferry/supervise (tmpfs: a boot clears them):
 *   NAME.rebooting  ferryd is recreating the domain after a guest reboot
 *                   (the monitor answers "rebooting", a stop waits);
 *   NAME.stopping   the agent is stopping it (a guest reboot meanwhile is
 *                   not restarted: the stop would race the new domain for
 *                   its disks, and the domain would outlive its stop). */
#ifndef FERRY_SUPERVISE_MARK_H
#define FERRY_SUPERVISE_MARK_H

#include <stdbool.h>

#define SUPERVISE_MARK_DIR "/run/ferry/supervise"

/** Is NAME.WHAT there? */
bool supervise_mark_has(const char *name, const char *what);
/** Creates (@on) or removes NAME.WHAT. 0 or -errno. */
int supervise_mark_set(const char *name, const char *what, bool on);
/** Waits until NAME.WHAT is gone, polling every 0.5 s: 0, or -ETIMEDOUT
 * after @max_ms. */
int supervise_mark_wait_gone(const char *name, const char *what, int max_ms);

#endif
