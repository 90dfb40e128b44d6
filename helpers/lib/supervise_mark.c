/* Supervision markers (see supervise_mark.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "supervise_mark.h"

static int mark_path(const char *name, const char *what, char *p, size_t len)
{
	int n = snprintf(p, len, SUPERVISE_MARK_DIR "/%s.%s", name, what);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

bool supervise_mark_has(const char *name, const char *what)
{
	char p[PATH_MAX];
	struct stat sb;

	return mark_path(name, what, p, sizeof(p)) == 0 && stat(p, &sb) == 0;
}

int supervise_mark_set(const char *name, const char *what, bool on)
{
	char p[PATH_MAX];
	int fd, rc = mark_path(name, what, p, sizeof(p));

	if (rc)
		return rc;
	if (!on)
		return unlink(p) && errno != ENOENT ? -errno : 0;
	mkdir("/run/ferry", 0755);
	mkdir(SUPERVISE_MARK_DIR, 0755);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
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
