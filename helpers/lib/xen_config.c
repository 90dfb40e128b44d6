/* xl config files to libxl_domain_config. xl's parser is not exported, so
 * `xl -N create FILE` (a dry run that prints libxl's JSON) does the parsing
 * and applies xl.conf's defaults exactly as xl create would. This is the only
 * xl subprocess ferry runs. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <qb/qblog.h>

#include "xen.h"

extern char **environ;

#define XL_TIMEOUT_MS 30000
#define XL_OUT_MAX    (4u << 20)

struct buf {
	char *p;
	size_t len, cap;
};

static int buf_read(struct buf *b, int fd)
{
	if (b->cap - b->len < 4096) {
		size_t cap = b->cap ? b->cap * 2 : 16384;
		char *p;

		if (cap > XL_OUT_MAX)
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

/* Runs argv, collecting stdout and stderr, bounded in time and size. */
static int run_capture(char *const argv[], struct buf *out, struct buf *err, int *status)
{
	int po[2] = {-1, -1}, pe[2] = {-1, -1}, rc = 0;
	posix_spawn_file_actions_t fa;
	pid_t pid;

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
	if (rc)
		goto out;

	struct pollfd fds[2] = {{.fd = po[0], .events = POLLIN}, {.fd = pe[0], .events = POLLIN}};
	int64_t deadline = xen_now_ms() + XL_TIMEOUT_MS;
	while (fds[0].fd >= 0 || fds[1].fd >= 0) {
		int left = (int)(deadline - xen_now_ms());
		if (left <= 0) {
			qb_log(LOG_ERR, "%s timed out after %d ms", argv[0], XL_TIMEOUT_MS);
			kill(pid, SIGKILL);
			rc = -ETIMEDOUT;
			break;
		}
		if (poll(fds, 2, left) < 0 && errno != EINTR) {
			rc = -errno;
			kill(pid, SIGKILL);
			break;
		}
		for (int i = 0; i < 2; i++) {
			if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			int r = buf_read(i ? err : out, fds[i].fd);
			if (r < 0) {
				rc = r;
				kill(pid, SIGKILL);
			}
			if (r <= 0)
				fds[i].fd = -1;
		}
		if (rc)
			break;
	}
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
out:
	for (int i = 0; i < 2; i++) {
		if (po[i] >= 0)
			close(po[i]);
		if (pe[i] >= 0)
			close(pe[i]);
	}
	return rc;
}

int xen_config_load(struct xen *x, const char *path, libxl_domain_config *cfg)
{
	char *argv[] = {"xl", "-N", "create", (char *)path, NULL};
	struct buf out = {0}, err = {0};
	int status = 0, rc;

	if (access(path, R_OK)) {
		rc = -errno;
		qb_log(LOG_ERR, "config %s: %s", path, strerror(errno));
		return rc;
	}
	rc = run_capture(argv, &out, &err, &status);
	if (rc == 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !out.len)) {
		char *nl = err.p ? strrchr(err.p, '\n') : NULL;
		if (nl && nl == err.p + err.len - 1)
			*nl = '\0';
		qb_log(LOG_ERR, "config %s is not valid for xl: %s", path,
		       err.p && *err.p ? err.p : "no output");
		rc = -EINVAL;
	}
	if (rc == 0) {
		int lrc = libxl_domain_config_from_json(xen_ctx(x), cfg, out.p);
		if (lrc) {
			qb_log(LOG_ERR, "config %s: libxl rejects xl's JSON (%d)", path, lrc);
			rc = -EINVAL;
		}
	}
	if (rc == 0 && (!cfg->c_info.name || !*cfg->c_info.name)) {
		qb_log(LOG_ERR, "config %s has no domain name", path);
		rc = -EINVAL;
	}
	free(out.p);
	free(err.p);
	return rc;
}
