/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ledger.state: this node's copy of the ledger in <run_dir> (default
 * /run/ferry, a tmpfs), rewritten after every applied change so that a
 * ferryd restart finds it. It survives the process, not the host: a
 * rebooted host runs no domain any more, so it must rejoin as a fresh
 * member, which is why a file of another boot id is ignored (and why no
 * fsync: a host crash invalidates it by design). The format is the wire
 * codec's (ledger_state.h). At start the file is offered to the group as a
 * restored ledger; live members' ledgers win over it (replica.h).
 *
 * A change marks the file stale; it is rewritten before this node passes
 * any decision on to a client (persist_flush from the decided callback)
 * and otherwise from a loop job right after the current batch of CPG
 * deliveries: one write covers a batch (10,000 domains cost a few ms to
 * write). Whatever a client heard of is on disk, and of the files the one
 * with the highest version holds every change any node saved.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdio.h"
#include "ferryd.h"
#include "ledger_state.h"
#include "persist.h"

#define STATE_FILE "ledger.state"
#define BOOT_ID_PATH "/proc/sys/kernel/random/boot_id"
/* Far above 10,000 domains (~0.5 MiB): anything larger is not ours. */
#define STATE_MAX (64u * 1024u * 1024u)

static uint8_t boot_id[WIRE_BOOT_ID_LEN];
static bool have_boot_id;
static bool save_failing;
static bool stale;
static bool job_armed;

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The kernel's boot id, "xxxxxxxx-xxxx-...", as 16 bytes. */
static int boot_id_read(uint8_t out[WIRE_BOOT_ID_LEN])
{
	char buf[64];
	size_t k = 0;
	FILE *f = fopen(BOOT_ID_PATH, "re");

	if (!f)
		return -errno;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	for (const char *p = buf; *p && *p != '\n'; p++) {
		int hi, lo;

		if (*p == '-')
			continue;
		hi = hexval(p[0]);
		lo = p[1] ? hexval(p[1]) : -1;
		if (hi < 0 || lo < 0 || k == WIRE_BOOT_ID_LEN)
			return -EINVAL;
		out[k++] = (uint8_t)(hi << 4 | lo);
		p++;
	}
	return k == WIRE_BOOT_ID_LEN ? 0 : -EINVAL;
}

static void state_path(const struct ferryd *d, char *buf, size_t len, const char *suffix)
{
	snprintf(buf, len, "%s/" STATE_FILE "%s", d->run_dir, suffix);
}

static int read_all(const char *path, uint8_t **out, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	uint8_t *p;
	ssize_t n;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > STATE_MAX) {
		close(fd);
		return -EFBIG;
	}
	p = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!p) {
		close(fd);
		return -ENOMEM;
	}
	n = fdio_read_full(fd, p, (size_t)st.st_size);
	close(fd);
	if (n < 0) {
		free(p);
		return (int)n;
	}
	*out = p;
	*len = (size_t)n;
	return 0;
}

int persist_load(struct ferryd *d)
{
	char path[512];
	struct ledger_state_meta m;
	struct ledger *l = NULL;
	const char *why = "?";
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc;

	rc = boot_id_read(boot_id);
	have_boot_id = rc == 0;
	if (rc < 0) {
		flog(FLOG_SYNC, LOG_WARNING, "cannot read %s (%s): the ledger is not saved to %s/"
		     STATE_FILE, BOOT_ID_PATH, strerror(-rc), d->run_dir);
		return 0;
	}
	state_path(d, path, sizeof(path), "");
	rc = read_all(path, &buf, &len);
	if (rc == -ENOENT) {
		flog(FLOG_SYNC, LOG_INFO, "no %s: this ferryd starts without a ledger of its own",
		     path);
		return 0;
	}
	if (rc < 0) {
		flog(FLOG_SYNC, LOG_WARNING, "ignoring %s: cannot read it: %s", path, strerror(-rc));
		return 0;
	}
	rc = ledger_state_read(buf, len, &m, &l, &why);
	free(buf);
	if (rc < 0) {
		flog(FLOG_SYNC, LOG_WARNING, "ignoring %s: %s", path,
		     rc == -ENOMEM ? "out of memory" : why);
		return 0;
	}
	if (m.nodeid != d->nodeid) {
		flog(FLOG_SYNC, LOG_WARNING, "ignoring %s: it was written by node %u, this is node %u",
		     path, m.nodeid, d->nodeid);
		ledger_free(l);
		return 0;
	}
	if (memcmp(m.boot_id, boot_id, sizeof(boot_id)) != 0) {
		flog(FLOG_SYNC, LOG_NOTICE,
		     "ignoring %s: it was written before this host last booted (another boot id); a "
		     "rebooted host runs no domain of before, so it joins as a fresh member",
		     path);
		ledger_free(l);
		return 0;
	}
	flog(FLOG_SYNC, LOG_NOTICE, "loaded %s: %zu domain(s), version %llu", path, ledger_count(l),
	     (unsigned long long)m.version);
	return replica_restore(d->rep, l, m.version, m.authority);
}

static int emit(void *ctx, const void *buf, size_t len)
{
	return fdio_write_all(*(int *)ctx, buf, len);
}

static void save(struct ferryd *d)
{
	char tmp[512], path[512];
	int fd, rc;

	if (!have_boot_id || !d->rep)
		return;
	state_path(d, tmp, sizeof(tmp), ".tmp");
	state_path(d, path, sizeof(path), "");
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = -errno;
	} else {
		rc = replica_save(d->rep, boot_id, emit, &fd);
		if (close(fd) < 0 && rc == 0)
			rc = -errno;
		/* the rename is the commit: a reader sees the old file or the new */
		if (rc == 0 && rename(tmp, path) < 0)
			rc = -errno;
		if (rc < 0)
			unlink(tmp);
	}
	if (rc < 0 && rc != -EAGAIN && !save_failing)
		flog(FLOG_SYNC, LOG_ERR, "cannot save the ledger to %s: %s (a restart of every ferryd "
		     "would then start cold)", path, strerror(-rc));
	else if (rc == 0 && save_failing)
		flog(FLOG_SYNC, LOG_NOTICE, "the ledger is saved to %s again", path);
	save_failing = rc < 0 && rc != -EAGAIN;
}

void persist_flush(struct ferryd *d)
{
	if (!stale)
		return;
	stale = false;
	save(d);
}

static void on_job(void *data)
{
	job_armed = false;
	persist_flush(data);
}

void persist_mark(struct ferryd *d)
{
	stale = true;
	if (!job_armed && qb_loop_job_add(d->loop, QB_LOOP_HIGH, d, on_job) == 0)
		job_armed = true;
	else if (!job_armed)
		persist_flush(d); /* no job: now, then */
}
