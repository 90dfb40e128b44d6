/* SPDX-License-Identifier: GPL-2.0-or-later */
/* This node's limit on concurrent outbound migrations, enforced by ferry
 * itself (Pacemaker's migration-limit only covers what Pacemaker starts):
 * N slots, each a lock file DIR/slot.K taken with flock(). The kernel
 * releases a slot when the process holding it exits or dies, so a killed
 * migration never keeps one. ferryd publishes N (--max-outbound-migrations,
 * default 1) in DIR/max; without it the limit is 1. */
#ifndef FERRY_MIGRATE_SLOTS_H
#define FERRY_MIGRATE_SLOTS_H

#include <stddef.h>
#include <stdint.h>

#define MIGRATE_SLOT_DIR      "/run/ferry/migrate-out"
#define MIGRATE_SLOTS_DEFAULT 1
#define MIGRATE_SLOTS_MAX     64

struct migrate_slot {
	int fd;    /**< the locked slot file, -1: none held */
	int index; /**< K of slot.K */
};

/** The slot directory: MIGRATE_SLOT_DIR, or $FERRY_MIGRATE_SLOT_DIR (tests). */
const char *migrate_slot_dir(void);

/** ferryd: publishes @n (1..MIGRATE_SLOTS_MAX) for every ferryctl. 0 or -errno. */
int migrate_slots_publish(unsigned n);

/** The number of slots ferryd published, or MIGRATE_SLOTS_DEFAULT. */
unsigned migrate_slots_max(void);

/**
 * Takes a free slot for migrating @domain, waiting for one until
 * @deadline_ms (clock_ms(); 0: do not wait). The first wait is logged with
 * the domains holding the slots.
 * @return 0 (release it with migrate_slot_release), -ETIMEDOUT with the
 *         reason in @why (who holds the slots), or -errno
 */
int migrate_slot_take(const char *domain, int64_t deadline_ms, struct migrate_slot *s, char *why,
		      size_t len);

/** Gives the slot back (closing it is enough; a dead process's closes itself). */
void migrate_slot_release(struct migrate_slot *s);

#endif
