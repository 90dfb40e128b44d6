/* SPDX-License-Identifier: GPL-2.0-or-later */
/* children.c: child processes, reaped by pid */
#ifndef FERRYD_CHILDREN_H
#define FERRYD_CHILDREN_H

#include <sys/types.h>

struct ferryd;

/** Called when a child exits, with its waitpid() status. */
typedef void (*children_done_fn)(pid_t pid, int status, void *arg);
/** Handle SIGCHLD. @return 0 or -errno */
int children_start(struct ferryd *d);
void children_stop(struct ferryd *d);
/**
 * fork+exec argv (PATH searched); @p keep_fd (unless -1) becomes fd 3 of
 * the child. @p done runs from the loop when it exits.
 * @return 0 or -errno (-EAGAIN: too many children)
 */
int children_spawn(char *const argv[], int keep_fd, children_done_fn done, void *arg, pid_t *out);
/**
 * Like children_spawn, with the child's stdout on a new pipe whose read end
 * (close-on-exec) lands in @p read_fd. @return 0 or -errno
 */
int children_spawn_reader(char *const argv[], int *read_fd, children_done_fn done, void *arg,
			  pid_t *out);
/** As children_spawn, with @p keep[i] as fd 3 + i of the child (at most 8). */
int children_spawn_fds(char *const argv[], const int *keep, int nkeep, children_done_fn done,
		       void *arg, pid_t *out);
/** Path of the ferryctl to run: @p opt, the one next to ferryd, or "ferryctl". */
int children_ferryctl(const char *opt, char *buf, size_t len);

#endif
