/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ferryd's child processes (peer servers, supervision actions): started
 * with fork+exec, reaped by pid from the one SIGCHLD handler, which also
 * tells libxl (its own children are its business). The fencing module
 * waits for its own child by pid, so nothing here uses waitpid(-1).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "children.h"
#include "ferryd.h"
#include "xenloop.h"

#define MAX_CHILDREN 64

static struct child {
	pid_t pid;
	children_done_fn done;
	void *arg;
} children[MAX_CHILDREN];
static qb_loop_signal_handle sigchld;

static int32_t on_sigchld(int32_t sig, void *data)
{
	int status;

	(void)sig;
	(void)data;
	for (int i = 0; i < MAX_CHILDREN; i++) {
		struct child c = children[i];
		if (!c.pid || waitpid(c.pid, &status, WNOHANG) != c.pid)
			continue;
		children[i].pid = 0;
		if (c.done)
			c.done(c.pid, status, c.arg);
	}
	xenloop_sigchld();
	return 0;
}

int children_start(struct ferryd *d)
{
	return qb_loop_signal_add(d->loop, QB_LOOP_HIGH, SIGCHLD, d, on_sigchld, &sigchld);
}

void children_stop(struct ferryd *d)
{
	qb_loop_signal_del(d->loop, sigchld);
	/* Children in flight finish on their own. */
}

/* fork+exec with keep[i] as fd 3 + i and @out_fd (unless -1) as stdout. */
static int spawn(char *const argv[], const int *keep, int nkeep, int out_fd,
		 children_done_fn done, void *arg, pid_t *out)
{
	int slot = -1;
	pid_t pid;

	for (int i = 0; i < MAX_CHILDREN; i++)
		if (!children[i].pid) {
			slot = i;
			break;
		}
	if (slot < 0)
		return -EAGAIN;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		sigset_t none;
		int moved[8];

		/* keep[i] becomes fd 3 + i; everything else is close-on-exec.
		 * First out of the way (above the targets), then into place. */
		if (nkeep > 8)
			_exit(127);
		for (int i = 0; i < nkeep; i++)
			if ((moved[i] = fcntl(keep[i], F_DUPFD, 3 + nkeep)) < 0)
				_exit(127);
		for (int i = 0; i < nkeep; i++)
			if (dup2(moved[i], 3 + i) < 0)
				_exit(127);
		if (out_fd >= 0 && dup2(out_fd, STDOUT_FILENO) < 0)
			_exit(127);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		execvp(argv[0], argv);
		_exit(127);
	}
	children[slot].pid = pid;
	children[slot].done = done;
	children[slot].arg = arg;
	if (out)
		*out = pid;
	return 0;
}

int children_spawn(char *const argv[], int keep_fd, children_done_fn done, void *arg, pid_t *out)
{
	return spawn(argv, &keep_fd, keep_fd >= 0 ? 1 : 0, -1, done, arg, out);
}

int children_spawn_fds(char *const argv[], const int *keep, int nkeep, children_done_fn done,
		       void *arg, pid_t *out)
{
	return spawn(argv, keep, nkeep, -1, done, arg, out);
}

int children_spawn_reader(char *const argv[], int *read_fd, children_done_fn done, void *arg,
			  pid_t *out)
{
	int p[2], rc;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	rc = spawn(argv, NULL, 0, p[1], done, arg, out);
	close(p[1]);
	if (rc < 0) {
		close(p[0]);
		return rc;
	}
	*read_fd = p[0];
	return 0;
}

int children_ferryctl(const char *opt, char *buf, size_t len)
{
	char self[4096];
	ssize_t n;

	if (opt) {
		snprintf(buf, len, "%s", opt);
		return 0;
	}
	/* The ferryctl of the same build, next to this ferryd (its full
	 * binary first: the front would only exec it), else PATH. */
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		char *slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			snprintf(buf, len, "%s/ferryctl-full", self);
			if (access(buf, X_OK) == 0)
				return 0;
			snprintf(buf, len, "%s/ferryctl", self);
			if (access(buf, X_OK) == 0)
				return 0;
		}
	}
	snprintf(buf, len, "ferryctl");
	return 0;
}
