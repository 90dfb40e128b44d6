/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The steps of a storage=local move and what undoes each: a domain on a
 * plain LV moves live over a temporary DRBD slipped under its LV
 * (dm_table.h). Pure code: the order, which node runs a step, and what a
 * failure leaves to do.
 *
 * The rule: until the migration commits, a failure undoes every completed
 * step, last first, and the domain keeps running on its plain LV on the source
 * (no DRBD, no dm copy, no stray LV on either node). Once the domain runs
 * on the target, nothing goes back: what is left is done, and each step is
 * one that can be repeated (it finds its work done and says so).
 *
 * Only the source's LV is slipped over DRBD. The target's stays plain: DRBD
 * writes there through the table copy, onto the same extents, so the LV
 * holds every replicated write without DRBD in its path, and the restored
 * domain opens the plain LV. (DRBD 8.4 refuses to open a Secondary, so a
 * table onto the target's DRBD could not even be loaded before a promote.)
 * Neither end needs DRBD's dual-primary window either: the target is never
 * Primary. Instead the target detaches from DRBD before the domain may run
 * there (after the source's last write was replicated, protocol C, and
 * before GO): no resync can reach its LV behind the running domain's back.
 */
#ifndef FERRY_LOCAL_PLAN_H
#define FERRY_LOCAL_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum local_step {
	LOCAL_PREFLIGHT,  /**< the LV plain and not slipped; the target's VG has room */
	LOCAL_SRC_META,   /**< source: an LV for DRBD's external metadata, created */
	LOCAL_SRC_ORIG,   /**< source: ferry-orig-VG-LV, a copy of the LV's table */
	LOCAL_SRC_DRBD,   /**< source: the temporary DRBD up on the copy, Primary */
	LOCAL_SRC_SLIP,   /**< source: the LV's table onto the DRBD device */
	LOCAL_DST_LV,     /**< target: an LV of the same size */
	LOCAL_DST_META,   /**< target: its metadata LV */
	LOCAL_DST_ORIG,   /**< target: the copy of the new LV's table */
	LOCAL_DST_DRBD,   /**< target: DRBD up on it, Secondary: the full sync starts */
	LOCAL_SYNCED,     /**< both ends UpToDate */
	LOCAL_DST_DETACH, /**< target, the domain suspended and sent: DRBD down; its
			       LV stands alone (the rest waits: this is downtime) */
	LOCAL_MIGRATED,   /**< the live migration committed: the domain runs on the target */
	LOCAL_DST_CLEAN,  /**< target: the copy and the metadata LV removed */
	LOCAL_SRC_UNSLIP, /**< source: the LV's own table again */
	LOCAL_SRC_DOWN,   /**< source: DRBD down, the copy and the metadata LV removed */
	LOCAL_SRC_RETIRE, /**< source: the LV removed, or kept inactive (keep_source) */
	LOCAL_NSTEPS
};

enum local_side {
	LOCAL_ON_BOTH,
	LOCAL_ON_SOURCE,
	LOCAL_ON_TARGET,
};

/** One thing to do: @step itself, or its undo. */
struct local_action {
	enum local_step step;
	bool undo;
};

/** The step's name for logs and `ferryctl migrations` ("src-slip"). */
const char *local_step_name(enum local_step s);
/** What the step does, or what its undo does, in a few words. */
const char *local_step_text(enum local_step s, bool undo);
/** Whether the step has an undo (pre-flight, synced and the steps after the
 * migration have none). */
bool local_step_has_undo(enum local_step s);
/** The node that runs the step and its undo. */
enum local_side local_step_side(enum local_step s);

/** Bit of @p s in a set of completed steps. */
static inline uint32_t local_bit(enum local_step s)
{
	return 1u << s;
}

/**
 * The next step after those in @p done (steps run in order), or
 * LOCAL_NSTEPS when every step is done.
 */
enum local_step local_plan_next(uint32_t done);

/**
 * What a failure leaves to do, given the completed steps @p done: before
 * LOCAL_MIGRATED is done, the undo of each completed step, last first
 * (*forward false); from then on, the steps not done yet, in order
 * (*forward true). Steps without an undo (pre-flight, synced) are left
 * out. @return how many actions were written to @p out (at most @p max;
 * LOCAL_NSTEPS always suffices)
 */
size_t local_plan_recover(uint32_t done, struct local_action *out, size_t max, bool *forward);

#endif
