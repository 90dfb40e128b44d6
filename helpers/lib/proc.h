/* Running the helper programs ferry drives (xl -N, drbdadm, drbdsetup, lvm)
 * as child processes: bounded in time and output, never through a shell. */
#ifndef FERRY_PROC_H
#define FERRY_PROC_H

#include <stddef.h>
#include <sys/types.h>

struct proc_result {
	int status;  /**< waitpid() status */
	char *out;   /**< stdout, NUL-terminated (malloc()ed, may be NULL) */
	size_t out_len;
	char *err;   /**< stderr, NUL-terminated (malloc()ed, may be NULL) */
	size_t err_len;
};

/**
 * Runs argv[0] (searched in PATH) with stdin from /dev/null, collecting
 * stdout and stderr (up to 4 MiB each). Kills it at @timeout_ms.
 * Returns 0 when it ran (look at status), -ETIMEDOUT, or -errno.
 */
int proc_run(char *const argv[], int timeout_ms, struct proc_result *r);

/** Exit code when the process exited normally, else -1. */
int proc_exit_code(const struct proc_result *r);

/** The last non-empty line of stderr (for error messages), or "". */
const char *proc_err_tail(struct proc_result *r);

/**
 * Why a proc_run() that returned @rc with @timeout_ms failed, in @buf, for an
 * exit reason: the last line of stderr, else how it ended ("did not finish
 * in 60 s (killed)", "exited with status 3", "killed by signal 9", "cannot
 * run it: ..."). A killed or silent program must not give an empty reason.
 * Returns @buf.
 */
const char *proc_failure(int rc, int timeout_ms, struct proc_result *r, char *buf, size_t len);

void proc_result_free(struct proc_result *r);

/**
 * Starts argv[0] with stdout on a pipe for the caller to read line by line
 * (for event streams such as `drbdsetup events2`); stderr is discarded.
 * The caller kills and reaps *pid with proc_stop().
 */
int proc_spawn_reader(char *const argv[], pid_t *pid, int *fd);
/** SIGKILLs and reaps a child from proc_spawn_reader, closes its pipe. */
void proc_stop(pid_t pid, int fd);

#endif
