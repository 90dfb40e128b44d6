/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Outbound migration slots (see migrate_slots.h). A slot file holds the
 * name and pid of the migration that has it, for the waiting ones' logs;
 * files are never removed (unlinking a lock file races with its lockers). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flog.h"

#include "clock.h"
#include "migrate_slots.h"

#define POLL_MS 250

const char *migrate_slot_dir(void)
{
	const char *d = getenv("FERRY_MIGRATE_SLOT_DIR");

	return d && *d ? d : MIGRATE_SLOT_DIR;
}

static int dir_make(const char *d)
{
	char parent[512], *slash;

	snprintf(parent, sizeof(parent), "%s", d);
	slash = strrchr(parent, '/');
	if (slash && slash != parent) {
		*slash = '\0';
		mkdir(parent, 0755);
	}
	return mkdir(d, 0755) < 0 && errno != EEXIST ? -errno : 0;
}

int migrate_slots_publish(unsigned n)
{
	char path[512], tmp[520], buf[16];
	int fd, rc;

	if (n < 1 || n > MIGRATE_SLOTS_MAX)
		return -EINVAL;
	rc = dir_make(migrate_slot_dir());
	if (rc)
		return rc;
	snprintf(path, sizeof(path), "%s/max", migrate_slot_dir());
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	snprintf(buf, sizeof(buf), "%u\n", n);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	rc = write(fd, buf, strlen(buf)) == (ssize_t)strlen(buf) ? 0 : -EIO;
	close(fd);
	if (!rc && rename(tmp, path) < 0)
		rc = -errno;
	return rc;
}

unsigned migrate_slots_max(void)
{
	char path[512], buf[16] = "";
	unsigned long n;
	char *end;
	FILE *f;

	snprintf(path, sizeof(path), "%s/max", migrate_slot_dir());
	f = fopen(path, "re");
	if (!f)
		return MIGRATE_SLOTS_DEFAULT;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	n = strtoul(buf, &end, 10);
	if (end == buf || (*end && *end != '\n') || n < 1 || n > MIGRATE_SLOTS_MAX)
		return MIGRATE_SLOTS_DEFAULT;
	return (unsigned)n;
}

/* Tries slot @k: its fd, locked and labelled, or -errno (-EWOULDBLOCK: taken). */
static int slot_try(int k, const char *domain)
{
	char path[512], label[128];
	int fd;

	snprintf(path, sizeof(path), "%s/slot.%d", migrate_slot_dir(), k);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	snprintf(label, sizeof(label), "%s (pid %d)\n", domain, (int)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, label, strlen(label), 0) < 0)
		flog(FLOG_MIGRATE, LOG_DEBUG, "cannot label %s: %s", path, strerror(errno));
	return fd;
}

/* "vm1 (pid 12), vm2 (pid 40)": what holds the first @n slots. */
static void slot_holders(unsigned n, char *out, size_t len)
{
	size_t o = 0;

	out[0] = '\0';
	for (unsigned k = 0; k < n && o + 2 < len; k++) {
		char path[512], label[128] = "";
		int fd;
		ssize_t r;

		snprintf(path, sizeof(path), "%s/slot.%u", migrate_slot_dir(), k);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		r = pread(fd, label, sizeof(label) - 1, 0);
		close(fd);
		label[r > 0 ? r : 0] = '\0';
		label[strcspn(label, "\n")] = '\0';
		o += (size_t)snprintf(out + o, len - o, "%s%s", o ? ", " : "",
				      label[0] ? label : "(starting)");
	}
}

int migrate_slot_take(const char *domain, int64_t deadline_ms, struct migrate_slot *s, char *why,
		      size_t len)
{
	int64_t start = clock_ms();
	bool logged = false;
	char holders[512];
	unsigned n;
	int rc;

	s->fd = -1;
	s->index = -1;
	rc = dir_make(migrate_slot_dir());
	if (rc) {
		snprintf(why, len, "cannot create %s: %s", migrate_slot_dir(), strerror(-rc));
		return rc;
	}
	for (;;) {
		n = migrate_slots_max();
		for (unsigned k = 0; k < n; k++) {
			int fd = slot_try((int)k, domain);

			if (fd >= 0) {
				s->fd = fd;
				s->index = (int)k;
				if (logged)
					flog(FLOG_MIGRATE, LOG_NOTICE, "migration of %s: got outbound "
					     "migration slot %u after %lld ms", domain, k,
					     (long long)(clock_ms() - start));
				return 0;
			}
			if (fd != -EWOULDBLOCK) {
				snprintf(why, len, "outbound migration slot %s/slot.%u: %s",
					 migrate_slot_dir(), k, strerror(-fd));
				return fd;
			}
		}
		slot_holders(n, holders, sizeof(holders));
		if (clock_ms() >= deadline_ms) {
			snprintf(why, len, "no outbound migration slot became free in %lld s: %u of "
				 "%u in use (%s); ferryd --max-outbound-migrations sets how many",
				 (long long)(clock_ms() - start) / 1000, n, n, holders);
			return -ETIMEDOUT;
		}
		if (!logged) {
			flog(FLOG_MIGRATE, LOG_NOTICE, "migration of %s waits for an outbound migration "
			     "slot: all %u in use (%s), waiting up to %lld s", domain, n, holders,
			     (long long)(deadline_ms - clock_ms()) / 1000);
			logged = true;
		}
		usleep(POLL_MS * 1000);
	}
}

void migrate_slot_release(struct migrate_slot *s)
{
	if (s && s->fd >= 0) {
		close(s->fd);
		s->fd = -1;
	}
}
