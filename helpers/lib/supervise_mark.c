/* Supervision markers (see supervise_mark.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fdio.h"
#include "numparse.h"
#include "supervise_mark.h"

#define MARK_NO_HOLDER_S 300 /* > a restart's creation (120 s) or a stop's timeout (180 s) */

const char *supervise_mark_dir(void)
{
	const char *d = getenv("FERRY_SUPERVISE_MARK_DIR");

	return d && *d ? d : SUPERVISE_MARK_DIR;
}

static int mark_path(const char *name, const char *what, const char *suffix, char *p, size_t len)
{
	int n = snprintf(p, len, "%s/%s.%s%s", supervise_mark_dir(), name, what, suffix);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* The holder's pid; 0 when the file is missing or holds none; -1 when it
 * holds something else. */
static pid_t holder_read(const char *p)
{
	char buf[24];
	ssize_t n;
	int v;
	int fd = open(p, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	n = fdio_read_full(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return num_parse_int("pid", buf, 1, INT_MAX, &v, NULL, 0) ? -1 : (pid_t)v;
}

bool supervise_mark_has(const char *name, const char *what)
{
	char p[PATH_MAX];
	struct stat sb;
	pid_t holder;

	if (mark_path(name, what, "", p, sizeof(p)))
		return false;
	if (stat(p, &sb))
		return false;
	holder = holder_read(p);
	if (holder > 0 && (kill(holder, 0) == 0 || errno == EPERM))
		return true;
	/* An empty marker is an older ferryd's (a package upgrade runs the new
	 * ferryctl beside it until ferryd restarts): it counts while it is
	 * young enough to cover a restart or a stop in progress. */
	if (holder == 0 && time(NULL) - sb.st_mtime < MARK_NO_HOLDER_S)
		return true;
	/* A dead holder (or an old empty marker): what it covered is over.
	 * Re-read before removing, in case a new holder replaced it. */
	if (holder_read(p) == holder)
		unlink(p);
	return false;
}

int supervise_mark_set(const char *name, const char *what, pid_t holder)
{
	char p[PATH_MAX], tmp[PATH_MAX], buf[24];
	int fd, n, rc = mark_path(name, what, "", p, sizeof(p));

	if (rc == 0)
		rc = mark_path(name, what, ".tmp", tmp, sizeof(tmp));
	if (rc)
		return rc;
	if (holder <= 0)
		return -EINVAL;
	mkdir("/run/ferry", 0755);
	mkdir(supervise_mark_dir(), 0755);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	n = snprintf(buf, sizeof(buf), "%d\n", (int)holder);
	rc = fdio_write_all(fd, buf, (size_t)n);
	close(fd);
	/* rename: a reader never sees a half-written pid */
	if (rc == 0 && rename(tmp, p) < 0)
		rc = -errno;
	if (rc)
		unlink(tmp);
	return rc;
}

int supervise_mark_clear(const char *name, const char *what)
{
	char p[PATH_MAX];
	int rc = mark_path(name, what, "", p, sizeof(p));

	if (rc)
		return rc;
	return unlink(p) && errno != ENOENT ? -errno : 0;
}

int supervise_mark_wait_gone(const char *name, const char *what, int max_ms)
{
	const struct timespec half = {0, 500 * 1000 * 1000};

	for (int waited = 0; supervise_mark_has(name, what); waited += 500) {
		if (waited >= max_ms)
			return -ETIMEDOUT;
		nanosleep(&half, NULL);
	}
	return 0;
}
