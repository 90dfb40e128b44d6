/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The journal of a storage=local move (local_plan.h), kept by the source,
 * which runs the move: what the move is about, then each step as it
 * completes and each undo as it completes. After a crash, ferry reads it
 * back, and local_plan_recover() says what is left to do.
 *
 * /var/lib/ferry/local/DOMAIN.journal (a file that outlives a reboot, as
 * the LVs do), text in the form of journal.h:
 *
 *   ferry-local-journal 1     the header, first line
 *   domain NAME               the domain moved
 *   vg VG                     its LV, /dev/VG/LV, on both nodes
 *   lv LV
 *   res RES                   the temporary DRBD resource
 *   source NODE               the node the domain ran on
 *   target NODE               the node it moves to
 *   done STEP                 STEP (local_step_name()) completed
 *   undone STEP               STEP's undo completed
 *
 * Each of domain..target is given once, before any step. A step is done
 * once and undone once at most, an undo only after its step: a journal
 * that breaks these rules was not written by ferry and is refused whole.
 */
#ifndef FERRY_LOCAL_JOURNAL_H
#define FERRY_LOCAL_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "journal.h"
#include "local_plan.h"
#include "names.h"

#define LOCAL_JOURNAL_DIR      "/var/lib/ferry/local"
#define LOCAL_JOURNAL_HEADER   "ferry-local-journal 1"
/** Bytes of a journal read at most: far beyond the 25 lines of a real one. */
#define LOCAL_JOURNAL_SIZE_MAX 8192

/** What a move is about. */
struct local_move {
	char domain[NAME_DOMAIN_MAX + 1];
	char vg[NAME_VG_MAX + 1];
	char lv[NAME_LV_MAX + 1];
	char res[NAME_DRBD_MAX + 1];
	char source[NAME_NODE_MAX + 1];
	char target[NAME_NODE_MAX + 1];
};

/** A journal as read back. */
struct local_journal {
	struct local_move move;
	uint32_t done;   /**< steps completed and not undone (local_bit()) */
	uint32_t undone; /**< steps whose undo completed */
	unsigned refused; /**< lines refused */
};

/**
 * Reads a journal's bytes (pure: no I/O). Lines that are not records are
 * refused through @p refuse (may be NULL) and counted, and the rest kept.
 * @return 0; -EINVAL when the header is missing, when the move is not
 * described whole before its first step, or when the steps break the rules
 * above (a journal not written by ferry: nothing of it is acted on)
 */
int local_journal_parse(const char *buf, size_t len, struct local_journal *j,
			journal_refuse_fn refuse, void *arg);

/** The journal's path for @p domain in @p dir (LOCAL_JOURNAL_DIR). */
int local_journal_path(const char *dir, const char *domain, char *path, size_t len);

/** Starts the journal of @p m at @p path: the header and the move. */
int local_journal_begin(const char *path, const struct local_move *m);
/** Notes that @p step (or its undo) completed. */
int local_journal_note(const char *path, enum local_step step, bool undo);
/**
 * Reads the journal at @p path (refused lines are logged). @return 0,
 * -ENOENT when there is none, or -EINVAL as local_journal_parse()
 */
int local_journal_load(const char *path, struct local_journal *j);

struct drbd_local_res;
/** The move @p r as the journal describes it, and its journal's path. */
int local_journal_of(const struct drbd_local_res *r, struct local_move *m, char *path, size_t len);
/**
 * Starts the journal of move @p m at @p path. A journal of the same move
 * with steps done (a pre-sync) is carried on: its completed steps go to
 * *@p adopted. @return 0; -EBUSY when a journal of another move of the
 * domain still has steps done (it must be recovered first)
 */
int local_journal_start(const char *path, const struct local_move *m, uint32_t *adopted);
#endif
