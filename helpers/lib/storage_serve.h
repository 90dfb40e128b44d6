/* The serving side of storage requests from a peer (peer_proto.h), and the
 * undo of what one conversation changed when it ends without a domain
 * running here. */
#ifndef FERRY_STORAGE_SERVE_H
#define FERRY_STORAGE_SERVE_H

#include <stdbool.h>

#include <stddef.h>

#include "peer_proto.h"

/** Executes storage operation @op on @res here for a peer: 0 or -errno
 * (the reason in @why). Remembers what it changed, for the undo. */
int storage_serve_request(enum peer_op op, const char *res, char *why, size_t len);

/**
 * The conversation ended: unless a domain now runs here on that storage,
 * undo in reverse what storage_serve_request changed (deactivate VGs,
 * demote, clear the dual-primary flag).
 */
void storage_serve_undo(bool domain_runs_here);

#define SERVE_JOURNAL_DIR "/run/ferry/serve"

/** Starts this serving process's journal, /run/ferry/serve/PID.journal. */
int serve_journal_open(void);
/** Notes a fact for recovery: "incoming NAME--incoming", "committed NAME". */
void serve_journal_note(const char *what, const char *arg);
/** The conversation ended cleanly: the journal goes. */
void serve_journal_close(void);
/**
 * The process that wrote journal @path died: destroys an incoming copy that
 * was never committed and undoes the storage steps (run by ferryd through
 * `ferryctl serve --recover`).
 */
int serve_recover(const char *path);

#endif
