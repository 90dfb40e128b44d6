/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The serve journal: what one `ferryctl serve` process changed on this node
 * for a peer (an incoming domain, storage steps), so that `ferryctl serve
 * --recover` can undo it when that process dies mid-conversation.
 *
 * /run/ferry/serve/PID.journal, text, one record per line:
 *
 *   ferry-serve-journal 1          the header, first line
 *   VERB NAME                      VERB from a fixed set, NAME valid for it
 *
 *   incoming NAME      domain NAME is being received here as NAME--incoming
 *   committed NAME     the ledger gave domain NAME to this node
 *   window-open RES    this end's dual-primary flag was set for the peer
 *   promote RES        DRBD resource RES was promoted for the peer
 *   vg-activate VG     VG was activated for the peer
 *   local NAME         a storage=local move of domain NAME began here: its
 *                      own journal (local_journal.h) says how far it got
 *
 * Names are checked with name_check() on both sides, so they hold no blank
 * or line break and a line cannot be read two ways. Each record is one
 * write() to an O_APPEND file; a line cut short (no newline) is refused.
 */
#ifndef FERRY_SERVE_JOURNAL_H
#define FERRY_SERVE_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "names.h"
#include "peer_proto.h"

#define SERVE_JOURNAL_DIR    "/run/ferry/serve"
#define SERVE_JOURNAL_HEADER "ferry-serve-journal 1"
/** Bytes of a journal that recovery reads at most (far beyond any real one). */
#define SERVE_JOURNAL_SIZE_MAX  65536
#define SERVE_JOURNAL_STEPS_MAX 32
#define SERVE_JOURNAL_INCOMING_MAX 8

enum serve_journal_verb {
	SERVE_J_INCOMING,
	SERVE_J_COMMITTED,
	SERVE_J_WINDOW_OPEN,
	SERVE_J_PROMOTE,
	SERVE_J_VG_ACTIVATE,
	SERVE_J_LOCAL,
};
#define SERVE_JOURNAL_LOCAL_MAX 4

/** Starts this serving process's journal, /run/ferry/serve/PID.journal. */
int serve_journal_open(void);
/** The same in directory @dir (created if missing): for tests. */
int serve_journal_open_in(const char *dir);
/** The open journal's path, or NULL. */
const char *serve_journal_path(void);
/** Appends one record. -EINVAL (logged, nothing written) for a bad name. */
int serve_journal_note(enum serve_journal_verb verb, const char *name);
/** The journal record of a storage step a peer asked for (-EINVAL for an
 * op that needs no undo). */
int serve_journal_note_op(enum peer_op op, const char *name);
/** The conversation ended cleanly: the journal goes. */
void serve_journal_close(void);

/** A journal as read back. */
struct serve_journal {
	int nincoming;
	struct {
		char name[NAME_DOMAIN_MAX + 1];
		bool committed;
	} incoming[SERVE_JOURNAL_INCOMING_MAX];
	int nsteps;
	struct {
		enum peer_op op; /**< PEER_OP_WINDOW_OPEN, _PROMOTE or _VG_ACTIVATE */
		char name[NAME_VG_MAX > NAME_DRBD_MAX ? NAME_VG_MAX + 1 : NAME_DRBD_MAX + 1];
	} steps[SERVE_JOURNAL_STEPS_MAX];
	int nlocal;
	char local[SERVE_JOURNAL_LOCAL_MAX][NAME_DOMAIN_MAX + 1]; /**< storage=local moves */
	unsigned refused; /**< lines refused */
};

/** Called for every refused line: its number (1 = the header) and why. */
typedef void (*serve_journal_refuse)(unsigned line, const char *why, void *arg);

/**
 * Reads a journal's bytes (pure: no I/O). Every line that is not a record
 * as above is refused through @refuse (may be NULL) and counted; the rest
 * is kept in order. -EINVAL, with nothing kept, when the header is missing.
 */
int serve_journal_parse(const char *buf, size_t len, struct serve_journal *j,
			serve_journal_refuse refuse, void *arg);

/** What recovery does, as a table (the real one in serve_recover()). */
struct serve_recover_ops {
	/** Does the ledger give @domain to this node? (a commit the journal
	 * may have missed: the process died right after it) */
	bool (*owned_here)(const char *domain, void *arg);
	/** Destroys the paused @domain--incoming copy, if it exists. */
	void (*destroy_incoming)(const char *domain, void *arg);
	/** Undoes one storage step (see storage_serve_undo_step()). */
	void (*undo)(enum peer_op op, const char *name, bool domain_runs_here, void *arg);
	/** Finishes or undoes this node's side of the storage=local move of
	 * @domain (local_recover()); may be NULL. */
	void (*local)(const char *domain, void *arg);
	void *arg;
};

/**
 * Undoes what the journal says: destroys (once) every incoming copy whose
 * name neither a committed record nor the ledger gives to this node, then
 * the storage steps in reverse (keeping the storage of a domain that now
 * runs here), then each storage=local move's side here.
 */
void serve_journal_apply(const struct serve_journal *j, const struct serve_recover_ops *ops);

/**
 * The process that wrote journal @path died: reads it, applies it with the
 * real actions (libxl, the ledger, drbd-utils, lvm2) and removes it. Run by
 * ferryd through `ferryctl serve --recover`.
 */
int serve_recover(const char *path);

#endif
