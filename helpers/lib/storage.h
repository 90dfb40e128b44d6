/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A domain's storage as one unit: its DRBD resources, with LVM below or
 * above them, brought to the role a step of the choreography needs, on this
 * node and, for a migration, on the peer. Every dual-primary window, the
 * CLI's and a migration's, opens and closes through drbd_window_set, which
 * refuses to clear the flag while both sides are Primary. */
#ifndef FERRY_STORAGE_H
#define FERRY_STORAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "peer.h"

/* DRBD resources of one domain (one per disk, typically): more is refused
 * with this limit named. */
#define STORAGE_MAX_DRBD 16

enum lvm_stack {
	LVM_NONE,   /**< the domain's disks are the DRBD devices */
	LVM_BELOW,  /**< DRBD's backing disks are LVs: activate them before DRBD */
	LVM_ABOVE,  /**< a VG on the DRBD device holds the domain's disks */
};

/** What the resource's parameters say of its storage. */
struct storage {
	const char *drbd[STORAGE_MAX_DRBD];
	int ndrbd;
	enum lvm_stack stack;
	const char *vg; /**< LVM_ABOVE: the VG on DRBD; LVM_BELOW: the backing VG */
	const char *lv; /**< LVM_BELOW: backing LV (NULL: as in drbd.conf) */
	bool shared;    /**< no DRBD/LVM role changes: storage=shared, and
			     storage=local (its migration moves the LV itself) */
	bool local;     /**< storage=local: the disk is the plain LV vg/lv */
	bool keep_source; /**< storage=local: the source's LV kept, inactive */
	/** storage_down: a device held by the kernel alone (a destroyed
	 * domain's block backend) is waited for until this clock_ms(); 0:
	 * drbd_demote's own 30 s. */
	int64_t demote_until_ms;
};

/** What a migration changed on the target, for closing or undoing it. */
struct storage_move {
	bool opened, promoted, activated;
};

/**
 * Start's storage: backing LVs active, every DRBD resource up and Primary
 * here (refused while the peer is Primary outside a window), the VG above
 * active. Nothing to do for shared storage.
 * @return 0, or -errno with the reason in @why
 */
int storage_up(const struct storage *s, char *why, size_t len);

/**
 * Stop's storage: the VG above deactivated, every DRBD resource Secondary.
 * Only what stays Primary fails (-EBUSY): DRBD missing or down here means
 * there is nothing to demote (logged).
 */
int storage_down(const struct storage *s, char *why, size_t len);

/**
 * Whether every DRBD resource is in a state a live migration can start
 * from (connected, both ends UpToDate, this end Primary).
 * @return 0, or -errno with the reason in @why
 */
int storage_movable(const struct storage *s, char *why, size_t len);

/**
 * A migration's step 2, on connection @p to the target: the window open on
 * both ends (the target first), the target Primary, its VG active. @m
 * records how far it got.
 */
int storage_move_open(const struct storage *s, struct peer *p, struct storage_move *m,
		      char *why, size_t len);

/**
 * A migration's steps 6-7: the source Secondary if the domain @migrated,
 * else the target's VG and DRBD back down; then the window closed on both
 * ends, whatever happened. A failure to undo is appended to @why.
 */
void storage_move_close(const struct storage *s, struct peer *p, struct storage_move *m,
			bool migrated, char *why, size_t len);

/**
 * After a migration: closes this end's window of any resource left open
 * (logged). @return 0, -EBUSY while both ends are Primary (the window must
 * stay open then), or another -errno (logged, the window stays open).
 */
int storage_window_leftover(const struct storage *s, char *why, size_t len);

/**
 * After a stop demoted this end: shuts the window of every resource still
 * open here, on both ends (the peer over a connection of its own). A
 * migration whose source could not demote in time leaves it open (its
 * migrate_from succeeds all the same): this is where it closes. Never
 * fails; what stays open is logged.
 */
void storage_window_shut(const struct storage *s);

/**
 * Brings @res up here (drbd_up), first asking the peer named in its config
 * to close its end of the dual-primary window when @res is not up here yet:
 * a migration source fenced before its stop closed the window leaves the
 * target's end open, and DRBD refuses the returning node's handshake
 * ("incompatible allow-two-primaries settings"). A peer that cannot be
 * asked is logged, not an error. @return drbd_up()'s result.
 */
int storage_replica_up(const char *res);

/**
 * The window of one resource @res, as `ferryctl drbd window` asks: this end
 * and (unless @local) the peer named in the resource's config, over a
 * connection of its own.
 */
int storage_window(const char *res, bool open, bool local, char *why, size_t len);

#endif
