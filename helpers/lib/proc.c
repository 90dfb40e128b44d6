/* Child processes with bounded time and output (see proc.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "flog.h"

#include "clock.h"
#include "proc.h"

extern char **environ;

#define PROC_OUT_MAX (4u << 20)

struct buf {
	char *p;
	size_t len, cap;
};

/* 1 read something, 0 EOF, -errno. */
static int buf_read(struct buf *b, int fd)
{
	if (b->cap - b->len < 4096) {
		size_t cap = b->cap ? b->cap * 2 : 16384;
		char *p;

		if (cap > PROC_OUT_MAX)
			return -EFBIG;
		p = realloc(b->p, cap);
		if (!p)
			return -ENOMEM;
		b->p = p;
		b->cap = cap;
	}
	ssize_t n = read(fd, b->p + b->len, b->cap - b->len - 1);
	if (n < 0)
		return errno == EINTR ? 1 : -errno;
	b->len += (size_t)n;
	b->p[b->len] = '\0';
	return n > 0;
}

int proc_run(char *const argv[], int timeout_ms, struct proc_result *r)
{
	int po[2] = {-1, -1}, pe[2] = {-1, -1}, rc = 0;
	struct buf out = {0}, err = {0};
	posix_spawn_file_actions_t fa;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	if (pipe2(po, O_CLOEXEC) || pipe2(pe, O_CLOEXEC)) {
		rc = -errno;
		goto out;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, po[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	rc = -posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(po[1]);
	close(pe[1]);
	po[1] = pe[1] = -1;
	if (rc) {
		flog(FLOG_PROC, LOG_ERR, "cannot run %s: %s", argv[0], strerror(-rc));
		goto out;
	}

	struct pollfd fds[2] = {{.fd = po[0], .events = POLLIN}, {.fd = pe[0], .events = POLLIN}};
	int64_t deadline = clock_ms() + timeout_ms;
	while (fds[0].fd >= 0 || fds[1].fd >= 0) {
		int64_t left = deadline - clock_ms();
		if (left <= 0) {
			flog(FLOG_PROC, LOG_ERR, "%s timed out after %d ms, killed", argv[0], timeout_ms);
			rc = -ETIMEDOUT;
			break;
		}
		if (poll(fds, 2, (int)left) < 0 && errno != EINTR) {
			rc = -errno;
			break;
		}
		for (int i = 0; i < 2; i++) {
			if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			int n = buf_read(i ? &err : &out, fds[i].fd);
			if (n < 0)
				rc = n;
			if (n <= 0)
				fds[i].fd = -1;
		}
		if (rc)
			break;
	}
	if (rc)
		kill(pid, SIGKILL);
	while (waitpid(pid, &r->status, 0) < 0 && errno == EINTR)
		;
out:
	for (int i = 0; i < 2; i++) {
		if (po[i] >= 0)
			close(po[i]);
		if (pe[i] >= 0)
			close(pe[i]);
	}
	r->out = out.p;
	r->out_len = out.len;
	r->err = err.p;
	r->err_len = err.len;
	return rc;
}

int proc_exit_code(const struct proc_result *r)
{
	return WIFEXITED(r->status) ? WEXITSTATUS(r->status) : -1;
}

const char *proc_err_tail(struct proc_result *r)
{
	char *e;

	if (!r->err)
		return "";
	e = r->err + r->err_len;
	while (e > r->err && (e[-1] == '\n' || e[-1] == ' '))
		*--e = '\0';
	while (e > r->err && e[-1] != '\n')
		e--;
	return e;
}

const char *proc_failure(int rc, int timeout_ms, struct proc_result *r, char *buf, size_t len)
{
	const char *tail = proc_err_tail(r);

	if (rc == -ETIMEDOUT)
		snprintf(buf, len, "did not finish in %d.%d s (killed)%s%s", timeout_ms / 1000,
			 timeout_ms % 1000 / 100, *tail ? "; it said: " : "", tail);
	else if (rc)
		snprintf(buf, len, "cannot run it: %s", strerror(-rc));
	else if (*tail)
		snprintf(buf, len, "%s", tail);
	else if (WIFSIGNALED(r->status))
		snprintf(buf, len, "killed by signal %d", WTERMSIG(r->status));
	else
		snprintf(buf, len, "exited with status %d", proc_exit_code(r));
	return buf;
}

void proc_result_free(struct proc_result *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

int proc_spawn_reader(char *const argv[], pid_t *pid, int *fd)
{
	posix_spawn_file_actions_t fa;
	int p[2], rc;

	if (pipe2(p, O_CLOEXEC))
		return -errno;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	rc = -posix_spawnp(pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (rc) {
		close(p[0]);
		flog(FLOG_PROC, LOG_ERR, "cannot run %s: %s", argv[0], strerror(-rc));
		return rc;
	}
	*fd = p[0];
	return 0;
}

void proc_stop(pid_t pid, int fd)
{
	int status;

	if (fd >= 0)
		close(fd);
	if (pid > 0) {
		kill(pid, SIGKILL);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
}
